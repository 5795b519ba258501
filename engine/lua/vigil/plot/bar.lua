-- vigil.plot.bar: bar charts over categories: grouped side by side or stacked, each bar
-- a box (boxxyerror) whose corners vigil computes, value labels written by
-- vigil.plot.labels, and series on a second y axis drawn as lines over the bars.
local emit = require "vigil.plot.emit"
local labels = require "vigil.plot.labels"
local xaxis = require "vigil.plot.xaxis"

local bar = {}

local q, usage = emit.quote, emit.usage

-- Appends the plot of bar charts: one box per category and series, grouped side by
-- side or stacked (spec.stacked), with the values written on the bars (spec.labels);
-- the series in the set y2 are drawn as lines with points against the second y axis.
local function plot_bar(out, spec, all, axis, y2)
  local series, lines_y2 = {}, {}
  for _, s in ipairs(all) do
    if y2 and y2[s.name] then
      lines_y2[#lines_y2 + 1] = s
    else
      series[#series + 1] = s
    end
  end
  if #series == 0 then
    usage("y2: at least one series must stay on the first y axis")
  end
  local ncat, nser = #axis.categories, #series
  local value = {} -- value[s][cat] = sum of the series' values at that category
  for j, s in ipairs(series) do
    value[j] = {}
    for k, x in ipairs(s.xs) do
      local y = s.ys[k]
      if y == y then
        value[j][x] = (value[j][x] or 0) + y
      end
    end
  end
  local all_positive = true
  for j = 1, nser do
    for _, v in pairs(value[j]) do
      all_positive = all_positive and v >= 0
    end
  end
  if all_positive and not spec.logscale then
    out[#out + 1] = "set yrange [0:*]"
  end
  if spec.labels then
    out[#out + 1] = "set offsets 0, 0, graph 0.08, 0"
  end
  local clauses, points = {}, {}
  local up, down = {}, {}
  for j, s in ipairs(series) do
    local lines = {}
    for c = 0, ncat - 1 do
      local v = value[j][c]
      if v then
        local xc, half, lo, hi
        if spec.stacked then
          xc, half = c, 0.35
          if v >= 0 then
            lo = up[c] or 0
            hi = lo + v
            up[c] = hi
          else
            hi = down[c] or 0
            lo = hi + v
            down[c] = lo
          end
        else
          local width = 0.8 / nser
          xc, half = c + (j - (nser + 1) / 2) * width, width / 2
          lo, hi = math.min(0, v), math.max(0, v)
        end
        lines[#lines + 1] = { xc, lo, hi, xc - half, xc + half, v }
        if spec.stacked then
          points[#points + 1] = { xc, (lo + hi) / 2, v, 0 }
        else
          points[#points + 1] = { xc, v >= 0 and hi or lo, v, v >= 0 and 0.6 or -0.6 }
        end
      end
    end
    emit.datablock(out, "$s" .. j, lines)
    clauses[#clauses + 1] = ("$s%d using 1:3:4:5:2:3 with boxxyerror lc %d title %s")
      :format(j, j, q(s.name, emit.MAX_LABEL))
  end
  for k, s in ipairs(lines_y2) do
    local sums = {}
    for i, x in ipairs(s.xs) do
      local y = s.ys[i]
      if y == y then
        sums[x] = (sums[x] or 0) + y
      end
    end
    local lines = {}
    for c = 0, ncat - 1 do
      lines[#lines + 1] = { c, sums[c] or 0 / 0 }
    end
    local name, color = "$y" .. k, nser + k
    emit.datablock(out, name, lines)
    clauses[#clauses + 1] = ("%s using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc %d axes x1y2 title %s")
      :format(name, color, q(s.name, emit.MAX_LABEL))
  end
  if spec.labels then
    labels.write(out, spec, points)
  end
  out[#out + 1] = "plot " .. table.concat(clauses, ", \\\n     ")
end

-- Writes the whole program of a chart of kind ("line", "bar", "area", "scatter");

-- bar.write(out, spec, chart, kind, y2): appends the category axis, markers and plot of
-- a bar chart (chart as vigil.plot.xy.prepare makes it with categories).
function bar.write(out, spec, chart, kind, y2)
  xaxis.lines(out, spec, chart.axis, kind)
  xaxis.markers(out, spec, chart.axis)
  if #chart.series == 0 then
    usage("no data to plot")
  end
  plot_bar(out, spec, chart.series, chart.axis, y2)
end

return bar
