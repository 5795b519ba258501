-- outreach_vs_incidents.lua: does awareness work go with fewer (or more) cases? Outreach
-- activity against incidents, by month and by district, with their lagged correlation.
--
--   vigil [--db PATH] scripts/outreach_vs_incidents.lua [--from YYYY-MM] [--to YYYY-MM]
--         [--measure events|participants|materials|reach|sites] [--max-lag N]
--         [--plot FILE] [--lang vi|en]
--
-- Prints, for the months of the range (default 2019-01 to 2025-12): the month by month
-- outreach measure (default events) and incidents detected; Pearson's r of outreach in a
-- month with incidents lag months later, for lag = -N..N (positive: outreach leads; default
-- N = 6); then per district the totals, the share of the province and the best lag. With
-- --plot FILE, draws incidents (bars) and outreach (a line on the right axis) per month.
-- A correlation is not a cause: both follow the calendar of campaigns and patrols.
--
-- The arguments are declared in this block and parsed by vigil.report.meta, as `vigil
-- report` parses a report's (`vigil help outreach_vs_incidents` prints the usage):
-- description: Outreach activity against incidents by month and district, with lagged correlation.
-- category: analysis
-- arg from: month = 2019-01 -- first month
-- arg to: month = 2025-12 -- last month
-- arg measure: one-of(events|participants|materials|reach|sites) = events -- the outreach measure
-- arg max_lag: integer = 6 -- the largest lag in months, 0 to 24
-- arg plot: path -- also draw the months into FILE (.png, .svg or .pdf)
-- arg lang: one-of(vi|en) = en -- the language of the chart and of the numbers
local meta = require "vigil.report.meta"
local trend = require "vigil.trend"
local plot = require "vigil.plot"
local text = require "vigil.trend.text"

local options = meta.args(arg)
if options.from > options.to then
  meta.fail(arg, ("--from %s is after --to %s"):format(options.from, options.to))
end
if options.max_lag < 0 or options.max_lag > 24 then
  meta.fail(arg, "--max-lag must be from 0 to 24")
end

local range = { options.from, options.to }
local lang = options.lang
local fmt = trend.numbers.format

-- Returns r formatted with three decimals in the chosen language, "" when undefined.
local function fmt_r(r)
  return r and fmt(r, lang, 3) or ""
end

local outreach = trend.outreach{ measure = options.measure, range = range }
local incidents = trend.series{ from = "incidents", time = "detected_on", range = range }

print(("== %s of outreach and incidents detected, per month, %s to %s =="):format(
      options.measure, options.from, options.to))
local rows = {}
local out_col, inc_col = outreach:column(), incidents:column()
for i, month in ipairs(outreach:periods()) do
  rows[i] = { month, fmt(out_col[i], lang), fmt(inc_col[i], lang) }
end
print(text.table({ "month", options.measure, "incidents" }, rows, { "left", "right", "right" }))
print()

print(("-- correlation of %s with incidents lag months later"):format(options.measure))
local lags = trend.correlate(outreach, incidents, options.max_lag)
rows = {}
for i, r in ipairs(lags) do
  rows[i] = { tostring(r.lag), tostring(r.n), fmt_r(r.r) }
end
print(text.table({ "lag", "n", "r" }, rows, { "right", "right", "right" }))
if lags.best then
  print(("best: lag %d, r = %s"):format(lags.best.lag, fmt_r(lags.best.r)))
end
print()

print("-- per district (border: on the Cambodian border)")
local by_district = trend.outreach{ measure = options.measure, by = "district", range = range }
local cases = trend.cases_by_district{ range = range }
local border = {}
for row in db:query("SELECT code, name, borders_cambodia FROM districts") do
  border[row.code] = { name = row.name, border = row.borders_cambodia == 1 }
end
local total_out, total_inc = 0, 0
for _, r in ipairs(by_district:totals()) do total_out = total_out + r.value end
for _, r in ipairs(cases:totals()) do total_inc = total_inc + r.value end
rows = {}
for _, code in ipairs(cases:categories()) do
  local sum_out, sum_inc = 0, 0
  local has_out = by_district.data[code] ~= nil
  for i = 1, #cases:periods() do
    sum_inc = sum_inc + cases.data[code][i]
    sum_out = sum_out + (has_out and by_district.data[code][i] or 0)
  end
  local best = ""
  if has_out then
    local one = trend.new{ period = "month", periods = by_district:periods(),
                           values = by_district:column(code) }
    local other = trend.new{ period = "month", periods = cases:periods(),
                             values = cases:column(code) }
    local c = trend.correlate(one, other, options.max_lag).best
    best = c and ("%d: %s"):format(c.lag, fmt_r(c.r)) or ""
  end
  local d = border[code] or { name = code }
  rows[#rows + 1] = { d.name, d.border and "yes" or "", fmt(sum_out, lang),
                      total_out > 0 and trend.numbers.percent(100 * sum_out / total_out, lang, 1) or "",
                      fmt(sum_inc, lang),
                      total_inc > 0 and trend.numbers.percent(100 * sum_inc / total_inc, lang, 1) or "",
                      best }
end
print(text.table({ "district", "border", options.measure, "share", "incidents", "share",
                   "best lag: r" }, rows,
                 { "left", "left", "right", "right", "right", "right", "right" }))

if options.plot then
  local names = lang == "vi" and { cases = "vụ việc", title = "Tuyên truyền và vụ việc theo tháng" }
                or { cases = "incidents", title = "Outreach and incidents per month" }
  local months = incidents:periods()
  local out = plot.line{ x = months, y = { [names.cases] = inc_col, [options.measure] = out_col },
                         order = { names.cases, options.measure },
                         y2 = { options.measure, label = options.measure },
                         title = names.title, ylabel = names.cases, lang = lang,
                         legend = "top right", width = 1200, height = 600,
                         markers = { { every_year = "07-30", label = "30/7" } },
                         out = options.plot }
  print()
  print("chart: " .. out)
end
