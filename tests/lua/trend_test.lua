-- Tests of vigil.trend on a small database in :memory: whose rows are known, so every
-- bucket, gap, measure and derived value below is counted by hand. Run by tests/trend.t.
local here = arg and arg[0] and arg[0]:match("^(.*)/") or "."
package.path = here .. "/?.lua;" .. package.path
local T = require "tap"
local trend = require "vigil.trend"
local text = require "vigil.trend.text"
local vdb = require "vigil.db"

local conn = assert(vdb.open(":memory:"))
conn:exec([[
CREATE TABLE cases (id INTEGER PRIMARY KEY, day TEXT, kind TEXT, n INTEGER, person TEXT);
INSERT INTO cases (day, kind, n, person) VALUES
  ('2020-01-15', 'a', 2, 'p1'),
  ('2020-01-20', 'a', 3, 'p1'),
  ('2020-03-01', 'b', 5, 'p2'),
  ('2020-03-31', 'b', NULL, 'p3'),
  ('2020-04-01', NULL, 1, NULL),
  ('2020-12-31', 'a', 1, 'p4'),
  ('2021-01-03', 'a', 1, 'p4'),
  ('2021-01-04', 'b', 1, 'p5'),
  ('not a date', 'a', 1, 'p6');
CREATE VIEW cases_a AS SELECT * FROM cases WHERE kind = 'a';
]])

-- Returns the values of one category of s as a plain array (nil kept by position).
local function column(s, category)
  local c = s:column(category)
  c.n = nil
  return c
end

-- Months, by category, with gap filling: Dec 2019 and Feb, Apr (for a and b) are zeros.
local s = trend.series{ db = conn, from = "cases", time = "day", period = "month", by = "kind",
                        range = { "2019-12", "2020-04" } }
T.is(s:periods(), { "2019-12", "2020-01", "2020-02", "2020-03", "2020-04" },
     "month range: every month present")
T.is(s:categories(), { "(none)", "a", "b" }, "categories sorted, NULL named (none)")
T.is(column(s, "a"), { 0, 2, 0, 0, 0 }, "category a: 2 rows in 2020-01, zeros elsewhere")
T.is(column(s, "b"), { 0, 0, 0, 2, 0 }, "category b: 2 rows in 2020-03")
T.is(column(s, "(none)"), { 0, 0, 0, 0, 1 }, "the NULL category")
T.is(s:get("2020-01", "a"), 2, "get(period, category)")
T.raises(function() s:get("2021-01", "a") end, "not in the series", "get outside the range raises")
T.is(s.meta.range, { "2019-12", "2020-04" }, "meta keeps the range")
T.ok(s.meta.period == "month" and s.meta.measure == "count" and s.meta.source == "cases",
     "meta keeps period, measure and source")

-- Quarters: 2020-03-31 is Q1, 2020-04-01 Q2; the year's empty Q3 is present.
s = trend.series{ db = conn, from = "cases", time = "day", period = "quarter",
                  range = { "2020", "2020" } }
T.is(s:periods(), { "2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4" }, "quarter labels")
T.is(column(s, "count"), { 4, 1, 0, 1 }, "quarter counts (one category named after the measure)")

-- ISO weeks across a year boundary: 2020-12-31 (Thu) and 2021-01-03 (Sun) are 2020-W53,
-- 2021-01-04 (Mon) is 2021-W01.
s = trend.series{ db = conn, from = "cases", time = "day", period = "week",
                  range = { "2020-12-28", "2021-01-10" } }
T.is(s:periods(), { "2020-W53", "2021-W01" }, "ISO weeks at the 2020/2021 boundary")
T.is(column(s, "count"), { 2, 1 }, "ISO week buckets")
T.is(trend.periods.label_of_day("week", trend.periods.days_from_civil(2008, 12, 29)),
     "2009-W01", "2008-12-29 is in ISO week 2009-W01")

-- Days and years; without a range the data's own range (the bad date is dropped).
s = trend.series{ db = conn, from = "cases", time = "day", period = "day",
                  range = { "2020-01-14", "2020-01-16" } }
T.is(column(s, "count"), { 0, 1, 0 }, "day buckets with zeros")
s = trend.series{ db = conn, from = "cases", time = "day", period = "year" }
T.is(s:periods(), { "2020", "2021" }, "no range: the range of the data")
T.is(column(s, "count"), { 6, 2 }, "year counts")
T.is(s.meta.dropped, 1, "a value that is not a date is dropped and counted")

-- Measures.
s = trend.series{ db = conn, from = "cases", time = "day", period = "year", measure = "sum(n)" }
T.is(column(s, "sum(n)"), { 12, 2 }, "sum(col): 2+3+5+1+1 in 2020, the NULL adds nothing")
s = trend.series{ db = conn, from = "cases", time = "day", period = "year",
                  measure = "count(distinct person)" }
T.is(column(s, "count(distinct person)"), { 4, 2 }, "count(distinct col)")
s = trend.series{ db = conn, from = "cases", time = "day", period = "year", measure = "count(n)" }
T.is(column(s, "count(n)"), { 5, 2 }, "count(col) counts non-NULL values")
s = trend.series{ db = conn, from = "cases_a", time = "day", period = "year", measure = "COUNT" }
T.is(column(s, "count"), { 3, 1 }, "a view as the source; measure names are case-blind")

-- where with positional and named parameters.
s = trend.series{ db = conn, from = "cases", time = "day", period = "year", where = "kind = ?",
                  params = { "b" }, range = { "2020", "2021" } }
T.is(column(s, "count"), { 2, 1 }, "where with a positional parameter after the range")
s = trend.series{ db = conn, from = "cases", time = "day", period = "year",
                  where = "kind = :kind AND n >= :least", params = { kind = "a", least = 2 } }
T.is(column(s, "count"), { 2 }, "where with named parameters")

-- Identifiers are checked, never pasted: each attempt raises and the table survives.
local attempts = {
  { from = "cases; DROP TABLE cases", pattern = "plain identifier" },
  { from = "nowhere", pattern = "no table or view" },
  { time = "day) FROM cases; --", pattern = "plain identifier" },
  { time = "missing", pattern = "not a column" },
  { by = 'kind"', pattern = "plain identifier" },
  { by = "sqlite_master", pattern = "not a column" },
  { measure = "sum(n); DROP TABLE cases", pattern = "measure must be" },
  { measure = "sum(n) FROM cases --)", pattern = "measure must be" },
  { measure = "max(n)", pattern = "measure must be" },
  { measure = "sum(distinct n)", pattern = "measure must be" },
  { period = "fortnight", pattern = "period must be" },
  { range = { "2020-13", "2021" }, pattern = "not a month" },
  { range = { "2021", "2020" }, pattern = "before it starts" },
}
for _, attempt in ipairs(attempts) do
  local spec, name = { db = conn, from = "cases", time = "day", period = "month" }, nil
  for k, v in pairs(attempt) do
    if k ~= "pattern" then
      spec[k], name = v, k .. " = " .. T.show(v)
    end
  end
  T.raises(function() trend.series(spec) end, attempt.pattern, "rejected: " .. name)
end
T.is(conn:scalar("SELECT count(*) FROM cases"), 9, "the table is intact after the attempts")
-- A category value that looks like SQL is only data.
conn:exec("INSERT INTO cases (day, kind) VALUES ('2022-05-05', ?)", "x'); DROP TABLE cases; --")
s = trend.series{ db = conn, from = "cases", time = "day", period = "year", by = "kind",
                  range = { "2022", "2022" } }
T.is(s:categories(), { "x'); DROP TABLE cases; --" }, "hostile text stays a category name")

-- Year over year with a zero base (trend.new builds a Series from arrays).
s = trend.new{ period = "month", start = "2020-01",
               values = { 0, 2, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 3, 4 } }
local yoy = s:yoy()
local value, flag = yoy:get("2021-01")
T.ok(value == nil and flag == "zero_base", "yoy from a zero base: nil with the flag zero_base")
T.is(yoy:get("2021-02"), 50.0, "yoy percent: (3 - 2)/2 = 50")
T.is(yoy:get("2021-03"), 0.0, "yoy percent: no change")
T.is(yoy:get("2020-12"), nil, "yoy of the first year: nil (no base)")
T.is(s:yoy{ percent = false }:get("2021-01"), 5, "yoy absolute from a zero base: 5")
T.like(tostring(yoy), "2021%-01%s+n/a", "a flagged value prints as n/a")
local change = s:change{ lag = 1, percent = true }
T.is(change:get("2020-03"), 100.0, "change: (4 - 2)/2 = 100%")
T.is(select(2, change:get("2020-02")), "zero_base", "change from 0 is flagged")
T.is(s:change{ lag = 12 }:get("2021-02"), 1, "change with lag 12, absolute")

-- Moving averages, running sums.
s = trend.new{ period = "quarter", start = "2020-Q1", values = { 1, 2, 3, 4, 5, 6 } }
T.is(column(s:moving_average(3), "value"), { nil, nil, 2.0, 3.0, 4.0, 5.0 },
     "trailing moving average of 3")
T.is(column(s:moving_average(3, { centred = true }), "value"), { nil, 2.0, 3.0, 4.0, 5.0, nil },
     "centred moving average of 3")
-- 2x4 centred: (1/2 * 1 + 2 + 3 + 4 + 1/2 * 5)/4 = 3 at the third period.
T.is(column(s:moving_average(4, { centred = true }), "value"), { nil, nil, 3.0, 4.0, nil, nil },
     "centred moving average of 4 (2x4)")
T.is(column(s:cumulative(), "value"), { 1, 3, 6, 10, 15, 21 }, "cumulative")
T.is(column(s:ytd(), "value"), { 1, 3, 6, 10, 5, 11 }, "year to date restarts in 2021-Q1")

-- Top-N folding; totals and shares.
s = trend.new{ period = "year", start = "2020",
               values = { a = { 1, 1 }, b = { 5, 5 }, c = { 2, 3 }, d = { 0, 1 } } }
local top = s:top(2)
T.is(top:categories(), { "b", "c", "other" }, "top 2 by total, then other")
T.is(column(top, "other"), { 1, 2 }, "other = a + d per period")
T.is(s:top(4):categories(), { "b", "c", "a", "d" }, "top n >= categories: nothing folded")
local totals = s:totals()
T.ok(totals[1].category == "b" and totals[1].value == 10 and totals.total == 18,
     "totals sorted, grand total")
T.ok(math.abs(totals[1].share - 10 / 18) < 1e-15, "share = total / grand total")
T.is(column(s:total(), "total"), { 8, 10 }, "total per period")

-- Long and wide rows.
local long = s:long()
T.is(#long, 8, "long: one row per period and category")
T.is(long[1], { period = "2020", category = "a", value = 1 }, "long row")
local wide = s:wide()
T.is(wide[2], { period = "2021", a = 1, b = 5, c = 3, d = 1 }, "wide row")
T.is(wide.columns, { "period", "a", "b", "c", "d" }, "wide columns")

-- Ratio and lagged correlation.
local num = trend.new{ period = "month", start = "2020-01", values = { 2, 3, 4 } }
local den = trend.new{ period = "month", start = "2020-01", values = { 1, 0, 8 } }
local ratio = trend.ratio(num, den)
T.is(ratio:get("2020-01"), 2.0, "ratio")
T.is(select(2, ratio:get("2020-02")), "zero_base", "ratio by zero: nil, flagged")
local a = trend.new{ period = "month", start = "2020-01", values = { 1, 5, 2, 8, 3, 9, 4, 0 } }
local b = trend.new{ period = "month", start = "2020-01", values = { 7, 7, 1, 5, 2, 8, 3, 9 } }
local corr = trend.correlate(a, b, 3)
T.is(#corr, 7, "correlate: lags -3..3")
T.ok(corr.best.lag == 2 and math.abs(corr.best.r - 1) < 1e-12 and corr.best.n == 6,
     "correlate finds b = a two months later (r = 1 over 6 pairs)")

-- Trend tests on a series: 2 a month more each month is increasing; a flat one is not.
local rising, flat = {}, {}
for i = 1, 24 do
  rising[i], flat[i] = 2 * i + (i % 3), 5
end
s = trend.new{ period = "month", start = "2020-01", values = { rising = rising, flat = flat } }
local tests = s:test()
T.is(tests.rising.direction, "increasing", "test: increasing")
T.is(tests.flat.direction, "no trend", "test: a flat series has no trend")
T.ok(math.abs(tests.rising.slope_per_year - 24) < 1e-12, "slope per year = Sen slope 2 x 12")
T.ok(math.abs(tests.rising.ols.slope - 2) < 0.1 and tests.rising.ols.r2 > 0.99, "ols in the result")
T.like(tostring(tests), "rising%s+24%s+increasing", "test results print as a table")
tests = s:test{ seasonal = true }
T.ok(tests.rising.seasonal and tests.rising.mk.S == 12 and tests.rising.direction == "increasing",
     "seasonal test: 12 months, each rising once")
T.raises(function() trend.new{ period = "year", values = { 1, 2, 3 } }:test{ seasonal = true } end,
         "seasonal test needs", "a seasonal test of yearly data raises")

-- Anomalies.
local counts = { 10, 9, 11, 10, 10, 12, 8, 10, 11, 9, 10, 10, 40, 10 }
s = trend.new{ period = "month", start = "2020-01", values = counts }
local flags = s:anomalies{ window = 12 }
T.ok(#flags == 1 and flags[1].period == "2021-01" and flags[1].direction == "high",
     "poisson rule flags the spike of 40 against a mean of 10")
flags = s:anomalies{ window = 12, rule = "zscore", threshold = 3 }
T.ok(#flags == 1 and flags[1].period == "2021-01", "z-score rule flags the spike")
T.raises(function() trend.new{ values = { 1, 2, 3.5 } }:anomalies{ window = 2 } end,
         "whole counts", "poisson rule refuses fractions")

-- Printing aligns by display width: precomposed and decomposed Vietnamese, wide CJK.
T.is(text.width("Đức Huệ"), 7, "display width of precomposed Vietnamese")
T.is(text.width("Tân Hu\u{031B}ng"), 8, "a combining horn takes no column")
T.is(text.width("中文"), 4, "wide characters take two columns")
s = trend.new{ period = "month", start = "2020-01",
               values = { ["Đức Huệ"] = { 1, 22 }, ["Tân Hu\u{031B}ng"] = { 333, 4 },
                          ["中文"] = { 5, 6 } } }
local widths = {}
for line in tostring(s):gmatch("[^\n]+") do
  widths[#widths + 1] = text.width(line)
end
table.remove(widths, 1) -- the description line
T.ok(#widths == 4 and widths[1] == widths[2] and widths[2] == widths[3] and widths[3] == widths[4],
     "every table line has the same display width: " .. table.concat(widths, ","))

-- Number formats of the report's languages.
local numbers = trend.numbers
T.is(numbers.format(70815, "vi"), "70.815", "vi: dot groups thousands")
T.is(numbers.format(70815, "en"), "70,815", "en: comma groups thousands")
T.is(numbers.format(70815), "70,815", "the default language is en")
T.is(numbers.format(1234567.891, "vi"), "1.234.567,89", "vi: comma decimal sign, two decimals")
T.is(numbers.format(12.5, "vi"), "12,5", "trailing zeros dropped")
T.is(numbers.format(-1234.5, "en", 2), "-1,234.50", "fixed decimals kept")
T.is(numbers.format(999, "vi"), "999", "no separator below a thousand")
T.is(numbers.format(-0.001, "vi", 1), "0,0", "a value rounding to zero has no minus sign")
T.is(numbers.format(0 / 0, "vi"), "", "NaN is empty")
T.is(numbers.format(nil, "vi"), "", "nil is empty")
T.is(numbers.percent(12.345, "vi", 1), "12,3%", "percent in Vietnamese")
T.raises(function() numbers.format(1, "fr") end, "\"vi\" or \"en\"", "an unknown language is an error")

-- s:plot: the time axis from the periods, one series per category, metadata in the title.
local chart = require "vigil.trend.chart"
s = trend.new{ period = "quarter", start = "2020-Q1", values = { b = { 1, 2, 3 }, a = { 4, nil, 6 } },
               meta = { measure = "count", source = "cases" } }
local spec = chart.spec(s, { out = "x.svg" })
T.is(spec.x, { "2020-01-01", "2020-04-01", "2020-07-01" }, "s:plot: x = the first day of each period")
T.is(spec.order, { "a", "b" }, "s:plot: one series per category, in the series' order")
T.is(spec.y.a[3], 6, "s:plot: the values of each category")
T.is(spec.title, "count of cases per quarter 2020-Q1..2020-Q3", "s:plot: the description as title")
T.is(spec.ylabel, "count", "s:plot: the measure as y label")
T.is(chart.spec(s, { kind = "bar", title = "T" }).x[1], "2020-Q1", "s:plot bar: the period labels as categories")
T.is(chart.spec(s, { title = "T" }).title, "T", "s:plot: the caller's title wins")
T.is(chart.spec(s, { kind = "heatmap" }).z, { { 4, nil, 6 }, { 1, 2, 3 } }, "s:plot heatmap: one row per category")
local program = require("vigil.plot").script(chart.spec(s, { out = "x.svg", kind = "line" }))
T.like(program, "\n%$s1 << VIGIL_EOD\n18262 4\n18353 NaN\n18444 6\nVIGIL_EOD\n",
       "s:plot: an undefined value is a gap (NaN), not a zero")
T.raises(function() s:plot{ kind = "pie" } end, "trend_test%.lua:%d+: s:plot: kind must be", "s:plot: errors at the caller's line")

conn:close()

-- The domain shortcuts on the shipped database (arg[1]), against independent SQL counts.
local shipped = arg[1] and vdb.open(arg[1], { readonly = true })
T.ok(shipped, "the shipped database is given as arg[1]")
if shipped then
  -- Returns the single number of an SQL query with its bound arguments.
  local function count(sql, ...)
    local row = shipped:rows(sql, ...)[1]
    return row and row.n or 0
  end
  local range = { "2019-01", "2025-12" }
  s = trend.processed{ db = shipped, by = "disposition", range = range }
  T.is(s:categories(), { "administrative", "warning", "deportation", "prosecution" },
       "processed by disposition: the four dispositions in order")
  T.is(s:get("2022-03", "warning"), count([[SELECT count(*) n FROM subjects WHERE disposition = 'warning'
       AND disposed_on >= '2022-03-01' AND disposed_on < '2022-04-01']]), "processed: warnings of 2022-03 = SQL")
  local total = 0
  for _, r in ipairs(s:totals()) do total = total + r.value end
  T.is(total, count([[SELECT count(*) n FROM subjects WHERE disposition <> 'verifying'
       AND disposed_on BETWEEN '2019-01-01' AND '2025-12-31']]), "processed: the total over 2019-2025 = SQL")
  s = trend.processed{ db = shipped, by = "category", period = "year", range = { "2021", "2021" } }
  T.is(s:get("2021", "illegal_entry"), count([[SELECT count(*) n FROM subjects s JOIN incidents i
       ON i.id = s.incident_id WHERE s.disposition <> 'verifying' AND i.category = 'illegal_entry'
       AND s.disposed_on LIKE '2021-%']]), "processed by category: illegal entry in 2021 = SQL")
  T.is(#s:categories(), 5, "processed by category: the five categories")

  s = trend.outreach{ db = shipped, by = "activity", measure = "participants", period = "year",
                      range = { "2023", "2023" } }
  T.is(s:get("2023", "session"), count([[SELECT sum(participants) n FROM outreach
       WHERE activity = 'session' AND held_on LIKE '2023-%']]), "outreach: session participants of 2023 = SQL")
  T.is(s.meta.measure, "participants", "outreach: the measure's name in meta")
  s = trend.outreach{ db = shipped, by = "agency", measure = "reach", period = "year", range = { "2022", "2022" } }
  local agencies = shipped:rows("SELECT agency, sum(reach) n FROM outreach WHERE held_on LIKE '2022-%' GROUP BY agency")
  local same = #agencies > 0
  for _, r in ipairs(agencies) do
    same = same and s:get("2022", r.agency) == (r.n or 0)
  end
  T.ok(same, "outreach by agency: the reach of every agency in 2022 = SQL")
  s = trend.outreach{ db = shipped, period = "month", range = { "2020-05", "2020-05" } }
  T.is(s:categories(), { "events" }, "outreach in total: one category named after the measure")
  T.is(s:get("2020-05"), count("SELECT sum(events) n FROM outreach WHERE held_on LIKE '2020-05-%'"),
       "outreach: events of 2020-05 = SQL")
  T.raises(function() trend.outreach{ db = shipped, measure = "victims" } end,
           "trend_test%.lua:%d+: trend.outreach: measure must be", "outreach: an unknown measure, at the caller's line")

  local border = trend.cases_by_district{ db = shipped, border = true, period = "year", range = { "2019", "2025" } }
  local inland = trend.cases_by_district{ db = shipped, border = false, period = "year", range = { "2019", "2025" } }
  local all = trend.cases_by_district{ db = shipped, period = "year", range = { "2019", "2025" } }
  T.is(#border:categories(), count("SELECT count(*) n FROM districts WHERE borders_cambodia = 1"),
       "cases by district, border: every border district")
  T.is(#border:categories() + #inland:categories(), #all:categories(), "border and inland districts make all")
  local b, i = 0, 0
  for _, r in ipairs(border:totals()) do b = b + r.value end
  for _, r in ipairs(inland:totals()) do i = i + r.value end
  T.is(b, count([[SELECT count(*) n FROM incidents JOIN districts d ON d.code = district
       WHERE d.borders_cambodia = 1 AND detected_on BETWEEN '2019-01-01' AND '2025-12-31']]),
       "cases in border districts = SQL")
  T.is(b + i, count("SELECT count(*) n FROM incidents WHERE detected_on BETWEEN '2019-01-01' AND '2025-12-31'"),
       "border + inland cases = all cases")
  s = trend.cases_by_district{ db = shipped, border = true, measure = "victims", period = "year",
                               range = { "2023", "2023" }, where = "category = ?", params = { "human_trafficking" } }
  local victims = count([[SELECT sum(victims) n FROM incidents WHERE district = 'tan_hung'
       AND category = 'human_trafficking' AND detected_on LIKE '2023-%']])
  T.ok(victims > 0 and s:get("2023", "tan_hung") == victims,
       "cases by district: victims with the caller's where = SQL")
  shipped:close()
end
T.done()
