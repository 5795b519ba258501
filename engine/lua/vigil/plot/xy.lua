-- vigil.plot.xy: line, area and scatter charts over a number or time x axis (or
-- categories): one datablock of numbers per series (a long line drawn whole: inline
-- data after the plot command), stacked areas piled up here, an optional second y axis
-- and value labels written by vigil.plot.labels.
local emit = require "vigil.plot.emit"
local data = require "vigil.plot.data"
local labels = require "vigil.plot.labels"
local xaxis = require "vigil.plot.xaxis"
local frame = require "vigil.plot.frame"
local gnuplot = require "vigil.gnuplot"

local xy = {}

local q, usage = emit.quote, emit.usage

-- A line series of more than this many points is reduced by default (see reduce_plan).
xy.REDUCE_ABOVE = 10000
-- A line series of more than this many points that is not reduced is written to gnuplot
-- as its arrays are read, as inline data after the plot command (a stream part: see
-- xy.prepare).
xy.STREAM_ABOVE = 10000
-- Columns of the reduction per pixel of the chart's width (finer than a pixel, since the
-- plot area is narrower than the chart and need not start on a pixel edge).
xy.COLUMNS_PER_PIXEL = 2

-- Returns the axes clause of series s: " axes x1y2" when it is in the set y2, else "".
local function axes(y2, s)
  return (y2 and y2[s.name]) and " axes x1y2" or ""
end

-- Whether the lines of a chart may be reduced, as far as the spec tells: only lines
-- without point marks or value labels, on a linear x axis, unless spec.reduce == false.
local function reducible(spec, kind)
  local wanted = spec.reduce
  if wanted ~= nil and type(wanted) ~= "boolean" then
    usage("reduce must be true or false")
  end
  return wanted ~= false and kind == "line" and not spec.points and not spec.labels
         and spec.logscale ~= "x" and spec.logscale ~= "xy"
end

-- Returns how the series of a chart are reduced (nil: not at all): {lo=, hi=, columns=,
-- always=}: reducible lines on a number or time axis; spec.reduce == true always, nil
-- (default) for a series of more than xy.REDUCE_ABOVE points. The columns span the x
-- axis's data range, COLUMNS_PER_PIXEL per pixel (per character on the terminal) of the
-- chart's width.
local function reduce_plan(spec, kind, axis, columns)
  if not reducible(spec, kind) or not axis.lo or axis.kind == "category" then
    return nil
  end
  return { lo = axis.lo, hi = axis.hi, columns = columns * xy.COLUMNS_PER_PIXEL,
           always = spec.reduce == true }
end

-- Appends the plot of line, area and scatter charts: series {name, xs, ys} with xs
-- already numbers; y2 the set of series names drawn against the second y axis; with
-- spec.labels, each point's value written above it; axis and columns (the chart's width
-- in pixels or characters) for the reduction of long lines (reduce_plan).
local function plot(out, spec, series, kind, y2, axis, columns)
  local clauses, points = {}, {}
  if kind == "area" and spec.stacked then
    -- one grid of x for all series; missing points count as 0
    local xs, seen = {}, {}
    for _, s in ipairs(series) do
      for _, x in ipairs(s.xs) do
        if not seen[x] then
          seen[x] = true
          xs[#xs + 1] = x
        end
      end
    end
    table.sort(xs)
    local base = {}
    for _, x in ipairs(xs) do
      base[x] = 0
    end
    local blocks = {}
    for i, s in ipairs(series) do
      local at = {}
      for k, x in ipairs(s.xs) do
        local y = s.ys[k]
        at[x] = (at[x] or 0) + (y == y and y or 0)
      end
      local lines = {}
      for _, x in ipairs(xs) do
        local lo = base[x]
        local hi = lo + (at[x] or 0)
        lines[#lines + 1] = { x, lo, hi }
        base[x] = hi
      end
      blocks[i] = lines
    end
    for i = #series, 1, -1 do
      emit.datablock(out, "$s" .. i, blocks[i])
    end
    for i, s in ipairs(series) do
      clauses[i] = ("$s%d using 1:2:3 with filledcurves fillstyle solid 0.8 noborder lc %d%s title %s")
        :format(i, i, axes(y2, s), q(s.name, emit.MAX_LABEL))
      for _, line in ipairs(blocks[i]) do
        points[#points + 1] = { line[1], line[3], line[3] - line[2], 0.7 }
      end
    end
  else
    local reduce = reduce_plan(spec, kind, axis, columns)
    for i, s in ipairs(series) do
      local sorted = s.xscan and s.xscan.sorted
      if sorted == nil then
        sorted = select(4, gnuplot.scan(s.xs))
      end
      if kind ~= "scatter" and not sorted then
        data.sort_points(s) -- (scan: xs are numbers here; sorted ones are left alone)
      end
      local xs, ys = s.xs, s.ys
      local plan = reduce and (reduce.always or #xs > xy.REDUCE_ABOVE) and reduce or nil
      if s.kept then
        -- reduced by vigil.plot.data while reading the columns (the same plan: see
        -- xy.prepare)
        if not plan then
          error("vigil.plot: a series reduced in advance has no reduction plan")
        end
        out[#out + 1] = { block = "$s" .. i, x = s.kept.x, y = s.kept.y }
      elseif s.stream then
        -- inline data for the plot command's '-', read from the arrays as gnuplot
        -- reads it (vigil.gnuplot run:finish); put after the plot command by vigil.plot
        out[#out + 1] = { x = s.xs, y = s.ys, stream = true }
      elseif s.xscan and s.yscan and (sorted or kind == "scatter") then
        -- columns read into C by vigil.plot.data, still in their order: a datablock
        -- part, reduced and written in C as gnuplot reads it (vigil.gnuplot run:finish)
        -- or when the program text is asked for (plot.script)
        out[#out + 1] = { block = "$s" .. i, x = s.xscan.col, y = s.yscan.col, plan = plan }
      else
        if plan then
          xs, ys = gnuplot.reduce(xs, ys, plan.lo, plan.hi, plan.columns)
        end
        out[#out + 1] = gnuplot.datablock("$s" .. i, xs, ys)
      end
      if spec.labels then -- (never reduced: see reduce_plan)
        for k = 1, #xs do
          points[#points + 1] = { xs[k], ys[k], ys[k], 0.7 }
        end
      end
      local style
      if kind == "line" then
        style = spec.points and "with linespoints lw 2 pt 7 ps 0.6" or "with lines lw 2"
      elseif kind == "area" then
        style = "using 1:(0):2 with filledcurves fillstyle transparent solid 0.35 noborder"
      else
        style = "with points pt 7 ps 0.8"
      end
      if kind ~= "area" then
        style = "using 1:2 " .. style
      end
      local source = s.stream and "'-'" or "$s" .. i
      clauses[i] = ("%s %s lc %d%s title %s"):format(source, style, i, axes(y2, s),
                                                   q(s.name, emit.MAX_LABEL))
    end
  end
  if spec.labels then
    if y2 then
      usage("labels and y2 cannot be used together on a %s chart", kind)
    end
    labels.write(out, spec, points)
  end
  out[#out + 1] = "plot " .. table.concat(clauses, ", \\\n     ")
end


-- xy.prepare(spec, kind) -> chart {series=, axis=, nseries=}: the series of the spec and
-- their x axis (numbers, time or categories).
-- Long lines of numbers in columns are reduced while they are read (data.collect with
-- {columns=, above=}), to the points reduce_plan's reduction keeps: the columns span
-- the range of the one x array, which is then the axis's. Long lines that are not
-- reduced (reduce = false, points = true, a log x axis) and have no value labels are,
-- unless `whole`, left to be read while they are sent (data.collect's stream_above;
-- vigil.plot builds the program again with `whole` when they break what that assumes).
function xy.prepare(spec, kind, whole)
  local reduce
  if reducible(spec, kind) then
    local columns = frame.columns(spec)
    reduce = columns and { columns = columns * xy.COLUMNS_PER_PIXEL,
                           above = spec.reduce == true and 0 or xy.REDUCE_ABOVE }
  end
  local stream = not reduce and not whole and kind == "line" and not spec.labels
  local series = data.collect(spec, reduce, stream and xy.STREAM_ABOVE or nil)
  local axis = xaxis.decide(series, kind == "bar")
  return { series = series, axis = axis, nseries = #series }
end

-- xy.write(out, spec, chart, kind, y2): appends the x axis, markers and plot of a line,
-- area or scatter chart.
function xy.write(out, spec, chart, kind, y2)
  xaxis.lines(out, spec, chart.axis, kind)
  xaxis.markers(out, spec, chart.axis)
  if #chart.series == 0 then
    usage("no data to plot")
  end
  local any = false
  for _, s in ipairs(chart.series) do
    local finite
    if s.yscan then
      finite = s.yscan.finite
    else
      finite = select(5, gnuplot.scan(s.ys))
    end
    any = any or finite
  end
  if not any then
    -- every value undefined: an empty chart, not gnuplot's "all points undefined"
    out[#out + 1] = "set yrange [0:1]"
  end
  plot(out, spec, chart.series, kind, y2, chart.axis, chart.columns)
end

return xy
