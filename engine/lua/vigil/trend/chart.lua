-- vigil.trend.chart: a Series drawn by vigil.plot. The time axis comes from the series'
-- periods (the first day of each, so weeks, quarters and years sit on their start),
-- one line, area or bar group per category, and the metadata fill what the caller left
-- out: the title (the series' description), the y label (its measure) and the SQL kept
-- in a saved program. Installed as the Series method plot by vigil.trend.
local periods = require "vigil.trend.periods"
local series = require "vigil.trend.series"

local chart = {}

local KINDS = { line = true, area = true, bar = true, scatter = true, heatmap = true }

-- Returns the label of the first day of period label (YYYY-MM-DD).
local function start_day(label)
  return periods.label_of_day("day", (assert(periods.span(label))))
end

-- chart.spec(s, opts) -> the vigil.plot spec that draws Series s: a copy of opts with
-- x, y (or z for heatmaps), order, title, ylabel and sql filled in.
function chart.spec(s, opts)
  local spec = {}
  for k, v in pairs(opts or {}) do
    spec[k] = v
  end
  local kind = spec.kind or "line"
  if not KINDS[kind] then
    error(("s:plot: kind must be line, area, bar, scatter or heatmap, not %s")
          :format(tostring(kind)), 0)
  end
  spec.kind = kind
  local xs = {}
  for i, label in ipairs(s.labels) do
    xs[i] = kind == "bar" and label or start_day(label)
  end
  local names = {}
  for i, name in ipairs(s.names) do
    names[i] = tostring(name)
  end
  if kind == "heatmap" then
    local z = {}
    for i, name in ipairs(s.names) do
      z[i] = table.move(s.data[name], 1, #s.labels, 1, {})
    end
    spec.x, spec.y, spec.z = xs, names, z
  else
    local ys = {}
    for i, name in ipairs(s.names) do
      ys[names[i]] = s.data[name]
    end
    spec.x, spec.y, spec.order = xs, ys, names
  end
  if spec.title == nil then
    spec.title = series.describe(s)
  end
  if spec.ylabel == nil and kind ~= "heatmap" then
    spec.ylabel = tostring(s.meta.measure or "value")
  end
  if spec.zlabel == nil and kind == "heatmap" then
    spec.zlabel = tostring(s.meta.measure or "value")
  end
  if spec.sql == nil then
    spec.sql = s.meta.sql
  end
  return spec
end

-- s:plot{out =, kind = "line"|"area"|"bar"|"scatter"|"heatmap", title =, ...} -> the out
-- path (without out: draws in the terminal and returns true). Any vigil.plot field may
-- be given (markers, lang, labels, y2, legend, width, height, save_script ...).
-- Errors name the caller's line.
function chart.plot(s, opts)
  local ok, result = pcall(function()
    local spec = chart.spec(s, opts)
    local plot = require "vigil.plot"
    return plot[spec.kind](spec)
  end)
  if not ok then
    -- plot raised at this file's line: point at the caller's instead
    error((tostring(result):gsub("^[^\n]-chart%.lua:%d+: ", "")), 2)
  end
  return result
end

return chart
