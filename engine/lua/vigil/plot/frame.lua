-- vigil.plot.frame: what surrounds the data of a chart: the terminal and output file,
-- the size, the legend, the titles and y axes. Output paths are string literals written
-- by vigil; paths gnuplot would treat as a pipe ('|cmd', '<cmd') or holding control
-- characters are refused. Every terminal is noenhanced: text is never read as markup.
local emit = require "vigil.plot.emit"

local frame = {}

local q, num, usage = emit.quote, emit.number, emit.usage

local LEGEND_WORDS = {
  top = true, bottom = true, center = true, left = true, right = true, outside = true,
  inside = true, below = true, above = true, horizontal = true, vertical = true,
  box = true, opaque = true,
}

-- frame.key_line(spec, nseries) -> the `set key` line of spec.legend: nil -> default, false
-- -> off, or words from LEGEND_WORDS ("top left", "outside", "below" ...).
function frame.key_line(spec, nseries)
  local legend = spec.legend
  if legend == false or (legend == nil and nseries < 2) then
    return "set key off"
  end
  if legend == nil or legend == true then
    return "set key top left"
  end
  local words = {}
  for w in tostring(legend):gmatch("%S+") do
    if not LEGEND_WORDS[w] then
      usage("legend: unknown position word %s", q(w))
    end
    words[#words + 1] = w
  end
  return "set key " .. table.concat(words, " ")
end

-- frame.size(spec) -> w, h: the size of the chart, width and height in pixels (defaults
-- 1000 x 600).
function frame.size(spec)
  local w = math.tointeger(spec.width or 1000)
  local h = math.tointeger(spec.height or 600)
  if not w or not h or w < 50 or h < 50 or w > 20000 or h > 20000 then
    usage("width and height must be whole numbers of pixels between 50 and 20000")
  end
  return w, h
end

-- Returns the size of the dumb terminal in characters: COLUMNS x (LINES - 1), else 80 x 24,
-- within bounds.
local function dumb_size()
  local cols = math.tointeger(tonumber(os.getenv("COLUMNS") or "")) or 80
  local lines = math.tointeger(tonumber(os.getenv("LINES") or "")) or 25
  return math.max(20, math.min(cols, 1000)), math.max(10, math.min(lines - 1, 500))
end

-- Whether the chart of spec is drawn in the terminal as sixel graphics.
local function sixel(spec)
  return spec.out == nil and (spec.sixel or os.getenv("VIGIL_SIXEL") == "1")
end

-- frame.columns(spec) -> the chart's width: in characters on the dumb terminal, else in
-- pixels (frame.size); nil when the size in spec is not valid (frame.output raises then).
-- What the reduction of long lines divides (vigil.plot.xy).
function frame.columns(spec)
  if spec.out == nil and not sixel(spec) then
    return (dumb_size())
  end
  local ok, w = pcall(frame.size, spec)
  return ok and w or nil
end

-- frame.output(spec, out) -> format [, columns]: appends the terminal and output
-- lines for spec; returns the output format ("png", "svg", "pdf", or for the terminal
-- "dumb" (text) or "sixel" (pixels, when spec.sixel is true or $VIGIL_SIXEL is 1)).
function frame.output(spec, out)
  local path = spec.out
  if sixel(spec) then
    local w, h = frame.size({ width = spec.width or 800, height = spec.height or 480 })
    out[#out + 1] = ("set terminal sixelgd size %d,%d truecolor noenhanced background '#ffffff'"):format(w, h)
    return "sixel"
  end
  if path == nil then
    local cols, lines = dumb_size()
    out[#out + 1] = ("set terminal dumb size %d,%d noenhanced"):format(cols, lines)
    return "dumb", cols
  end
  if type(path) ~= "string" or path == "" then
    usage("out must be a file name")
  end
  if path:match("^%s*[|<]") then
    usage("out %s: a path starting with '|' or '<' would run a command; refused", q(path))
  end
  if path:match("[%z\1-\31\127]") then
    usage("out %s: control characters in the path are refused", q(path))
  end
  if emit.clean_text(path, math.huge) ~= path then
    usage("out %s: a path that is not valid UTF-8 or holds ']]>' is refused", q(path))
  end
  local format = spec.format or (path:match("%.([%w]+)$") or ""):lower()
  local w, h = frame.size(spec)
  if format == "png" then
    out[#out + 1] = ("set terminal pngcairo size %d,%d noenhanced background '#ffffff'"):format(w, h)
  elseif format == "svg" then
    out[#out + 1] = ("set terminal svg size %d,%d noenhanced background '#ffffff'"):format(w, h)
  elseif format == "pdf" then
    out[#out + 1] = ("set terminal pdfcairo size %sin,%sin noenhanced"):format(num(w / 100), num(h / 100))
  else
    usage("out %s: unknown format %s (use .png, .svg or .pdf, or format =)", q(path), q(format))
  end
  out[#out + 1] = "set output " .. q(path, math.huge)
  return format
end

-- frame.y2(spec, series) -> {[name] = true} | nil: the series drawn against the second
-- y axis, named in the array part of spec.y2 (nil when there is none). Raises a usage
-- error for a name that is no series, or when every series would be on it.
function frame.y2(spec, series)
  if spec.y2 == nil then
    return nil
  end
  if type(spec.y2) ~= "table" then
    usage("y2 must be a list of series names, e.g. y2 = {'cases', label = 'cases'}")
  end
  local names, set = {}, {}
  for _, s in ipairs(series) do
    names[s.name] = true
  end
  for i, name in ipairs(spec.y2) do
    if not names[tostring(name)] then
      usage("y2[%d]: no series named %s", i, q(name, emit.MAX_LABEL))
    end
    set[tostring(name)] = true
  end
  if next(set) == nil then
    return nil
  end
  return set
end

-- frame.titles(out, spec, nseries, format, y2): appends the title, axis labels, legend,
-- log scale, grid and fill style; with y2 (see frame.y2), the second y axis (its ticks
-- and its label spec.y2.label or spec.y2label).
function frame.titles(out, spec, nseries, format, y2)
  if spec.title ~= nil then
    out[#out + 1] = "set title " .. q(spec.title)
  end
  if spec.xlabel ~= nil then
    out[#out + 1] = "set xlabel " .. q(spec.xlabel)
  end
  if spec.ylabel ~= nil then
    out[#out + 1] = "set ylabel " .. q(spec.ylabel)
  end
  if y2 then
    out[#out + 1] = "set ytics nomirror"
    out[#out + 1] = "set y2tics"
    local label = spec.y2.label or spec.y2label
    if label ~= nil then
      out[#out + 1] = "set y2label " .. q(label)
    end
  end
  out[#out + 1] = frame.key_line(spec, nseries)
  if spec.logscale then
    local which = spec.logscale == true and "y" or spec.logscale
    if which ~= "x" and which ~= "y" and which ~= "xy" then
      usage("logscale must be true, 'x', 'y' or 'xy'")
    end
    out[#out + 1] = "set logscale " .. which
  end
  if format ~= "dumb" then
    out[#out + 1] = "set grid ytics lc rgb '#dddddd'"
  end
  out[#out + 1] = "set style fill solid 0.9 noborder"
end

return frame
