-- vigil.trend: time series of the database for analysts. trend.series{...} groups a table
-- or view by period (and category) in SQLite and returns a gap-filled Series; Series
-- methods give totals, pivots, moving averages, changes, running sums, top-N, trend tests
-- and anomaly flags, and draw it (s:plot); trend.ratio and trend.correlate combine two
-- series; trend.processed, trend.outreach and trend.cases_by_district are the analysts'
-- usual questions in one call. The reference,
-- with every formula and its source, is docs/trend.md.
local query = require "vigil.trend.query"
local series = require "vigil.trend.series"
local transforms = require "vigil.trend.transforms"
local analysis = require "vigil.trend.analysis"
local periods = require "vigil.trend.periods"
local chart = require "vigil.trend.chart"
local domain = require "vigil.trend.domain"

local Series = series.Series

Series.total = transforms.total
Series.totals = transforms.totals
Series.moving_average = transforms.moving_average
Series.change = transforms.change
Series.yoy = transforms.yoy
Series.cumulative = transforms.cumulative
Series.ytd = transforms.ytd
Series.top = transforms.top
Series.ratio = transforms.ratio
Series.test = analysis.test
Series.anomalies = analysis.anomalies
Series.correlate = analysis.correlate
Series.plot = chart.plot

local trend = {
  series = query.series,
  ratio = transforms.ratio,
  correlate = analysis.correlate,
  is_series = series.is_series,
  stats = require "vigil.trend.stats",
  periods = periods,
  text = require "vigil.trend.text",
  numbers = require "vigil.trend.numbers",
  processed = domain.processed,
  outreach = domain.outreach,
  cases_by_district = domain.cases_by_district,
  Series = Series,
}

-- trend.new{period = "month", start = "2020-01", values = {name = {...}, ...} | {...},
--           periods = {label, ...}, meta = {...}} -> Series
-- A Series from Lua arrays: the periods are `periods` when given, else consecutive periods
-- of kind `period` from the one holding `start`, as many as the longest array. A plain
-- array of values makes one category named "value".
function trend.new(spec)
  local kind = spec.period or "month"
  if periods.per_year[kind] == nil then
    error(("trend.new: period must be day, week, month, quarter or year, not %s")
          :format(tostring(kind)), 2)
  end
  local values, names = {}, {}
  if spec.values[1] ~= nil or next(spec.values) == nil then
    values.value, names[1] = spec.values, "value"
  else
    for name, column in pairs(spec.values) do
      values[name], names[#names + 1] = column, name
    end
    table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
  end
  local labels = spec.periods
  if not labels then
    local count = 0
    for _, name in ipairs(names) do
      count = math.max(count, values[name].n or #values[name])
    end
    local first, msg = periods.span(spec.start or "2000-01-01")
    if not first then
      error("trend.new: start: " .. msg, 2)
    end
    labels, first = {}, periods.span(periods.label_of_day(kind, first))
    local n = first
    for i = 1, count do
      labels[i] = periods.label_of_day(kind, n)
      local _, last = periods.span(labels[i])
      n = last + 1
    end
  end
  local meta = { period = kind, measure = "value" }
  for k, v in pairs(spec.meta or {}) do
    meta[k] = v
  end
  meta.range = labels[1] and { labels[1], labels[#labels] } or nil
  return series.new{ periods = labels, categories = names, values = values, meta = meta }
end

return trend
