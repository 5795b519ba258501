-- monthly.lua: the monthly trend report of processed violations and outreach.
-- description: Processed violations by disposition and category (trends, Mann-Kendall, year over year), outreach, border districts, reconciliation with the published figures.
-- category: report
-- arg months: integer = 36 -- months of history in the trend section
--
-- Run by `vigil report monthly --period 2022-09` (docs/report.md). Counts people of the
-- view processed_violations by the day of the decision (disposed_on) within the period,
-- cases by the day they were detected, outreach by the day it was held.
local t, label = report.t, report.label
local first, last = params.period.first, params.period.last

-- Returns the ISO date `years` years from iso (29 February becomes 28 February).
local function shift_year(iso, years)
  local y, m, d = iso:match("^(%d+)-(%d+)-(%d+)$")
  y, m, d = tonumber(y) + years, tonumber(m), tonumber(d)
  if m == 2 and d == 29 and not ((y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0) then d = 28 end
  return ("%04d-%02d-%02d"):format(y, m, d)
end

-- Returns the percent change from old to new, nil from zero.
local function change(new, old)
  if not old or old == 0 then return nil end
  return 100 * (new - old) / old
end

local DISPOSITIONS = { "administrative", "warning", "deportation", "prosecution" }
local CATEGORIES = { "human_trafficking", "illegal_exit", "illegal_entry", "illegal_stay",
                     "organizing_illegal_migration" }
local prev_first, prev_last = shift_year(first, -1), shift_year(last, -1)

report.title(t("monthly_title"), params.period.label)

-- Overview: headline figures and their change from the same period a year earlier.
local function processed(a, b)
  return db:scalar("SELECT count(*) FROM processed_violations WHERE disposed_on BETWEEN ? AND ?", a, b)
end
local function cases(a, b)
  return db:scalar("SELECT count(*) FROM incidents WHERE detected_on BETWEEN ? AND ?", a, b)
end
local function participants(a, b)
  return db:scalar("SELECT coalesce(sum(participants), 0) FROM outreach WHERE held_on BETWEEN ? AND ?", a, b)
end
report.section(t("sec_overview"))
report.kpi(t("kpi_processed"), processed(first, last), change(processed(first, last), processed(prev_first, prev_last)),
           { people = true })
report.kpi(t("kpi_cases"), cases(first, last), change(cases(first, last), cases(prev_first, prev_last)))
report.kpi(t("kpi_participants"), participants(first, last),
           change(participants(first, last), participants(prev_first, prev_last)))
report.text(t("yoy_note"))

-- By disposition: this period beside the same period a year earlier.
report.section(t("sec_disposition"))
local by_disp = {}
for _, d in ipairs(DISPOSITIONS) do
  local now = db:scalar("SELECT count(*) FROM processed_violations WHERE disposition = ? AND disposed_on BETWEEN ? AND ?",
                        d, first, last)
  local before = db:scalar("SELECT count(*) FROM processed_violations WHERE disposition = ? AND disposed_on BETWEEN ? AND ?",
                           d, prev_first, prev_last)
  by_disp[#by_disp + 1] = { disposition = label(d), now = now, before = before, change = change(now, before) }
end
report.table(by_disp, { name = "by-disposition", total_row = true,
  columns = { { "disposition", t("disposition") }, { "now", t("this_period"), kind = "people" },
              { "before", t("same_period_last_year"), kind = "people" },
              { "change", t("change"), kind = "percent" } } })

-- By category x disposition (people), with totals: small cells are suppressed with --min-cell.
report.section(t("sec_category"))
local grid = {}
for _, c in ipairs(CATEGORIES) do grid[c] = { category = label(c) } end
for row in db:query([[SELECT category, disposition, count(*) AS n FROM processed_violations
                      WHERE disposed_on BETWEEN ? AND ? GROUP BY 1, 2]], first, last) do
  if grid[row.category] then grid[row.category][row.disposition] = row.n end
end
local rows = {}
for _, c in ipairs(CATEGORIES) do
  for _, d in ipairs(DISPOSITIONS) do grid[c][d] = grid[c][d] or 0 end
  rows[#rows + 1] = grid[c]
end
local columns = { { "category", t("category") } }
for _, d in ipairs(DISPOSITIONS) do columns[#columns + 1] = { d, label(d), kind = "people" } end
report.table(rows, { name = "by-category", columns = columns, total_row = true, total_column = t("total") })

-- Trend: monthly series over the last N months, charts and Mann-Kendall per disposition.
report.section(t("sec_trend"))
local months = params.args.months
local ly, lm = last:match("^(%d+)-(%d+)")
local fm = tonumber(ly) * 12 + tonumber(lm) - 1 - (months - 1)
local range = { ("%04d-%02d"):format(fm // 12, fm % 12 + 1), last:sub(1, 7) }
local s = trend.series { from = "processed_violations", time = "disposed_on", period = "month",
                         by = "disposition", range = range, categories = DISPOSITIONS }
local long = {}
for _, r in ipairs(s:long()) do
  long[#long + 1] = { month = r.period, disposition = label(r.category), n = r.value }
end
report.chart { kind = "line", long, x = "month", y = "n", by = "disposition",
               title = t("sec_disposition"), ylabel = t("people") }
local tests = s:test()
local trend_rows = {}
for _, d in ipairs(DISPOSITIONS) do
  local r = tests[d]
  if r then
    trend_rows[#trend_rows + 1] = { disposition = label(d), direction = t("direction_" .. r.direction),
                                    p = r.mk.p and report.number(r.mk.p, 3) or "",
                                    slope = r.slope_per_year and report.number(r.slope_per_year, 1) or "" }
  end
end
report.table(trend_rows, { name = "mann-kendall", columns = {
  { "disposition", t("disposition") }, { "direction", t("trend") }, { "p", t("p_value") },
  { "slope", t("sen_slope") } } })
report.text(t("trend_note"))
local c = trend.series { from = "processed_violations", time = "disposed_on", period = "month",
                         by = "category", range = range, categories = CATEGORIES }
local clong = {}
for _, r in ipairs(c:long()) do
  clong[#clong + 1] = { month = r.period, category = label(r.category), n = r.value }
end
report.chart { kind = "area", clong, x = "month", y = "n", by = "category", stacked = true,
               title = t("sec_category"), ylabel = t("people") }

-- Outreach by agency and activity in the period.
report.section(t("sec_outreach"))
local name_col = params.lang == "vi" and "name_vi" or "name_en"
local out_rows = db:rows(([[SELECT a.%s AS agency, o.activity, sum(o.events) AS events,
    sum(o.participants) AS participants, sum(o.materials) AS materials, sum(o.reach) AS reach
  FROM outreach AS o JOIN agencies AS a ON a.code = o.agency
  WHERE o.held_on BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2]]):format(name_col), first, last)
for _, r in ipairs(out_rows) do r.activity = label(r.activity) end
report.table(out_rows, { name = "outreach", columns = {
  { "agency", t("agency") }, { "activity", t("activity") }, { "events", t("events"), kind = "number" },
  { "participants", t("participants"), kind = "number" }, { "materials", t("materials"), kind = "number" },
  { "reach", t("reach"), kind = "number" } } })

-- Border districts: cases and people in the period.
report.section(t("sec_border"))
local border = db:rows([[SELECT d.name AS district, count(DISTINCT i.id) AS cases, count(s.id) AS people
  FROM districts AS d
  LEFT JOIN incidents AS i ON i.district = d.code AND i.detected_on BETWEEN ? AND ?
  LEFT JOIN subjects AS s ON s.incident_id = i.id
  WHERE d.borders_cambodia = 1 GROUP BY d.code ORDER BY d.name]], first, last)
report.table(border, { name = "border-districts", total_row = true, columns = {
  { "district", t("district") }, { "cases", t("cases"), kind = "number" }, { "people", t("people"), kind = "people" } } })

-- Reconciliation with the published figures, when the period covers the article's window.
local W1, W2 = "2022-01-01", "2022-09-08"
if first <= W1 and last >= W2 then
  report.section(t("sec_reconcile"))
  local category_sql = {
    cases = "SELECT count(*) FROM incidents WHERE detected_on BETWEEN :a AND :b AND %s",
    victims = "SELECT coalesce(sum(victims), 0) FROM incidents WHERE detected_on BETWEEN :a AND :b AND %s",
    subjects = [[SELECT count(*) FROM subjects JOIN incidents ON incidents.id = subjects.incident_id
                 WHERE detected_on BETWEEN :a AND :b AND %s]],
  }
  local disposition_sql = {
    cases = [[SELECT count(DISTINCT incident_id) FROM subjects JOIN incidents ON incidents.id = subjects.incident_id
              WHERE detected_on BETWEEN :a AND :b AND disposition = :topic]],
    subjects = [[SELECT count(*) FROM subjects JOIN incidents ON incidents.id = subjects.incident_id
                 WHERE detected_on BETWEEN :a AND :b AND disposition = :topic]],
  }
  local MEASURES = { events = true, participants = true, materials = true, sites = true, reach = true }
  local DISPOSITION = { administrative = true, warning = true, deportation = true, prosecution = true,
                        verifying = true }
  local agency_names = {}
  for a in db:query("SELECT code, " .. name_col .. " AS name FROM agencies") do agency_names[a.code] = a.name end
  for f in db:query("SELECT * FROM published_figures WHERE period_start = ? AND period_end = ? ORDER BY id", W1, W2) do
    local p = { a = W1, b = W2, topic = f.topic, agency = f.agency }
    local value
    if f.topic == "human_trafficking" or f.topic == "illegal_migration" then
      local cond = f.topic == "human_trafficking" and "category = 'human_trafficking'"
                   or "category <> 'human_trafficking'"
      local sql = category_sql[f.metric]
      if sql then value = db:scalar(sql:format(cond), { a = W1, b = W2 }) end
    elseif DISPOSITION[f.topic] and disposition_sql[f.metric] then
      value = db:scalar(disposition_sql[f.metric], { a = W1, b = W2, topic = f.topic })
    elseif MEASURES[f.metric] then
      value = db:scalar(("SELECT coalesce(sum(%s), 0) FROM outreach WHERE agency = :agency AND activity = :topic "
                         .. "AND held_on BETWEEN :a AND :b"):format(f.metric), p)
    end
    if value then
      report.figure_check { label = ("%s — %s (%s)"):format(label(f.topic), label(f.metric),
                                                            agency_names[f.agency] or f.agency),
                            computed = value, published = f.value, qualifier = f.qualifier }
    end
  end
end
