-- vigil.plot: charts through gnuplot, safe by construction.
--
-- A chart spec (a table) becomes a gnuplot program built here and run by vigil.gnuplot.
-- The pieces live in vigil/plot/: emit (quoting, numbers, datablocks: the safety rules),
-- frame (terminal, output path, titles, legend, y axes), data and xaxis (from rows or
-- columns to series over a number, time or category axis), labels (value labels in the
-- report's language), and one file per kind of chart: xy (line, area, scatter), bar,
-- histogram, heatmap. The reference is docs/plot.md.
local gnuplot = require "vigil.gnuplot"
local emit = require "vigil.plot.emit"
local frame = require "vigil.plot.frame"
local xy = require "vigil.plot.xy"
local bar = require "vigil.plot.bar"
local histogram = require "vigil.plot.histogram"
local heatmap = require "vigil.plot.heatmap"

local plot = {}

-- plot.quote(v [, max]) -> v as a safe single-quoted gnuplot string (vigil.plot.emit).
plot.quote = emit.quote
-- plot.format_number(n) -> n as gnuplot reads it back exactly (vigil.plot.emit).
plot.format_number = emit.number

-- The kinds of chart: how each gathers its data and writes its plot.
local KINDS = {
  line = { prepare = xy.prepare, write = xy.write },
  area = { prepare = xy.prepare, write = xy.write },
  scatter = { prepare = xy.prepare, write = xy.write },
  bar = { prepare = xy.prepare, write = bar.write },
  histogram = { prepare = histogram.prepare, write = histogram.write },
  heatmap = { prepare = heatmap.prepare, write = heatmap.write },
}

-- Appends the comment lines that open a program: how to re-draw it and the SQL of the
-- data (cleaned; a trailing backslash would continue a comment, so it is followed by #).
local function header_lines(out, spec)
  out[#out + 1] = "# Made by vigil.plot; `gnuplot -d FILE` re-draws the chart."
  if spec.sql ~= nil then
    out[#out + 1] = "# The data come from this SQL:"
    for line in (tostring(spec.sql) .. "\n"):gmatch("([^\n]*)\n") do
      line = emit.clean_text(line)
      if line:sub(-1) == "\\" then
        line = line .. " #"
      end
      out[#out + 1] = "#   " .. line
    end
  end
end

-- Returns the text of a program made of parts (build): strings, datablock parts
-- {block =, x =, y =, plan =} of vigil.gnuplot Columns and stream parts {x =, y =,
-- stream = true} of arrays (inline data), each followed by a newline; nil when the
-- arrays of a stream part break what it assumes (vigil.gnuplot.inline_data).
local function program_text(parts)
  local text = {}
  for i, part in ipairs(parts) do
    if type(part) == "string" then
      text[i] = part
    elseif part.stream then
      text[i] = gnuplot.inline_data(part.x, part.y)
      if not text[i] then
        return nil
      end
    else
      text[i] = gnuplot.datablock(part.block, part.x, part.y, part.plan)
    end
  end
  return table.concat(text, "\n") .. "\n"
end

-- Writes the whole program of a chart of kind (a key of KINDS); returns its parts (see
-- program_text), the output format and the index of its `set output` part (nil when
-- it draws in the terminal). Stream parts (long lines read as they are sent, as inline
-- data: vigil.plot.xy.prepare) come right after the plot command that reads them as
-- '-'; with `whole`, there are none.
local function build(spec, kind, whole)
  if type(spec) ~= "table" then
    emit.usage("plot.%s takes a table (the chart spec)", kind)
  end
  local chart_kind = KINDS[kind]
  if not chart_kind then
    emit.usage("unknown kind %s (line, bar, area, scatter, histogram or heatmap)", emit.quote(kind))
  end
  local chart = chart_kind.prepare(spec, kind, whole)
  local y2
  if spec.y2 ~= nil then
    if not chart.series then
      emit.usage("y2 is for line, area, scatter and bar charts, not %s", kind)
    end
    y2 = frame.y2(spec, chart.series)
  end
  local out = {}
  header_lines(out, spec)
  out[#out + 1] = "set encoding utf8"
  local format, cols = frame.output(spec, out)
  local output = format ~= "dumb" and format ~= "sixel" and out[#out] or nil -- set output
  chart.max_ticks = format == "dumb" and math.max(2, cols // 11) or 16
  chart.columns = frame.columns(spec)
  if chart.axis then
    chart.axis.max_ticks = chart.max_ticks
  end
  frame.titles(out, spec, chart.nseries, format, y2)
  chart_kind.write(out, spec, chart, kind, y2)
  if output then
    out[#out + 1] = "unset output"
  end
  local program, streams, output_at = {}, {}, nil
  for _, part in ipairs(out) do
    if type(part) == "table" and part.stream then
      streams[#streams + 1] = part
    else
      program[#program + 1] = part
      if part == output then
        output_at = #program
      elseif type(part) == "string" and part:sub(1, 5) == "plot " then
        table.move(streams, 1, #streams, #program + 1, program)
        streams = {}
      end
    end
  end
  assert(#streams == 0, "vigil.plot: inline data with no plot command before it")
  return program, format, output_at
end

---------------------------------------------------------------------------------------
-- Running
---------------------------------------------------------------------------------------

-- Rewrites the creation date cairo embeds in a PDF (it ignores SOURCE_DATE_EPOCH) to a
-- fixed one of the same length, so the same chart gives the same bytes.
local function fix_pdf_date(path)
  local f = io.open(path, "rb")
  if not f then
    return
  end
  local data = f:read("a")
  f:close()
  local fixed, n = data:gsub("(/%a+Date %(D:)(%d+)", function(prefix, digits)
    return prefix .. ("20000101000000" .. ("0"):rep(#digits)):sub(1, #digits)
  end)
  if n > 0 and fixed ~= data then
    f = assert(io.open(path, "wb"))
    f:write(fixed)
    f:close()
  end
end

-- Builds and runs the chart; returns the output path, or the drawing for the terminal.
-- gnuplot is started first, so that its start-up overlaps the building; it is stopped
-- (and has touched nothing) when the building fails. It draws into a scratch file
-- beside the output (vigil.gnuplot.scratch_path), renamed into place once the chart is
-- whole: a chart that fails leaves the file named by out as it was.
-- With `whole`, long lines are read before anything is sent (no stream parts): the
-- second try when the arrays of a stream part broke what it assumes, found while
-- writing the saved program or while sending it (gnuplot then stopped before its plot
-- command had all its data).
local function draw(spec, kind, whole)
  local run <close> = gnuplot.start { timeout = spec.timeout }
  local program, format, output_at = build(spec, kind, whole)
  if spec.save_script ~= nil then
    local text = program_text(program)
    if not text then
      run:close()
      return draw(spec, kind, true)
    end
    local f, msg = io.open(tostring(spec.save_script), "wb")
    if not f then
      emit.fail("plot: cannot write save_script: " .. msg)
    end
    f:write(text)
    f:close()
  end
  local scratch, shown
  if output_at then
    scratch = gnuplot.scratch_path(spec.out)
    shown = program[output_at]
    program[output_at] = "set output " .. emit.quote(scratch, math.huge)
  end
  local ok, text = pcall(run.finish, run, program)
  if not ok or text == false then
    if scratch then
      os.remove(scratch) -- gnuplot may have left it empty or half written
    end
    if ok then
      return draw(spec, kind, true)
    end
    if scratch then -- the program line in the message as plot.script shows it
      local ran = program[output_at]
      text = tostring(text):gsub(ran:gsub("%p", "%%%0"), (shown:gsub("%%", "%%%%")))
    end
    emit.fail(text)
  end
  if not scratch then
    return text
  end
  if format == "pdf" then
    fix_pdf_date(scratch)
  end
  local moved, msg = os.rename(scratch, spec.out)
  if not moved then
    os.remove(scratch)
    emit.fail("plot: cannot put the chart in place: " .. msg)
  end
  return spec.out
end

-- Returns fn wrapped so that errors raised by fail() point at the line that called it.
local function public(fn)
  return function(spec, ...)
    local ok, result = pcall(fn, spec, ...)
    if ok then
      return result
    end
    if type(result) == "table" and result.vigil_plot_error then
      error(result.vigil_plot_error, 2)
    end
    error(result, 0)
  end
end

-- plot.line{rows, x=, y=, by=, ...} -> out path | (no out) draws in the terminal
-- plot.bar{...}       bars, grouped (default) or stacked = true
-- plot.area{...}      filled areas; stacked = true piles the series up
-- plot.scatter{...}   points
-- plot.histogram{rows, x = 'col' | x = {...}, bins = k | binwidth = w, ...}
-- plot.heatmap{rows, x = 'month', y = 'category', z = 'n', ...}
-- Common fields: title, xlabel, ylabel, legend ('top left', 'outside', 'below', false),
-- logscale (true|'x'|'y'|'xy'), markers, labels (values written in lang's number
-- format), y2 = {series names, label = text}, lang ('en'|'vi'), width, height,
-- out (.png .svg .pdf) or format, save_script, sql, timeout (seconds).
for kind in pairs(KINDS) do
  plot[kind] = public(function(spec)
    local result = draw(spec, kind)
    if spec.out == nil then
      io.stdout:write(result)
      return true
    end
    return result
  end)
end

-- plot.show{kind = 'line', ...} -> true: draws the chart in the terminal (dumb terminal
-- sized by COLUMNS and LINES, else 80 x 25), whatever spec.out says; with sixel = true
-- (or $VIGIL_SIXEL=1) as sixel graphics through gnuplot's sixelgd terminal, for
-- terminals that show them (xterm -ti vt340, mlterm, foot, WezTerm...).
plot.show = public(function(spec)
  if type(spec) ~= "table" then
    emit.usage("plot.show takes a table (the chart spec)")
  end
  local copy = {}
  for k, v in pairs(spec) do
    copy[k] = v
  end
  copy.out, copy.format = nil, nil
  local text = draw(copy, copy.kind or "line")
  io.stdout:write(text)
  return true
end)

-- plot.script{kind = 'line', ...} -> program text: the gnuplot program the chart
-- would run, without running it.
plot.script = public(function(spec)
  if type(spec) ~= "table" then
    emit.usage("plot.script takes a table (the chart spec)")
  end
  local kind = spec.kind or "line"
  return program_text((build(spec, kind))) or program_text((build(spec, kind, true)))
end)

-- plot.bins(values [, {bins = k | binwidth = w}]) -> {edges = {...}, counts = {...}}:
-- the bins a histogram of the numbers in values would draw (rule in docs/plot.md).
plot.bins = public(function(values, opts)
  if type(values) ~= "table" then
    emit.usage("plot.bins takes an array of numbers")
  end
  return histogram.bins(values, { bins = opts and opts.bins, binwidth = opts and opts.binwidth })
end)

return plot
