-- vigil.plot: charts through gnuplot, safe by construction.
--
-- A chart spec (a table) becomes a gnuplot program built here and run by vigil.gnuplot:
--   * data reach gnuplot only as inline datablocks holding numbers alone (categories,
--     dates and series names become numbers, tick labels or key titles written by vigil);
--   * every piece of text (titles, labels, categories, series names) is written as a
--     single-quoted gnuplot string after cleaning: invalid UTF-8 -> U+FFFD, control
--     characters -> space, "]]>" -> "]] >", ' doubled. Single-quoted strings have no
--     escapes, no backquote substitution and no macro expansion, and with the newlines
--     gone nothing can end a string or start a command;
--   * numbers are formatted by vigil (integers as integers, floats in the shortest form
--     that reads back exactly, "." as decimal sign whatever the locale);
--   * the output path is a string literal written by vigil; paths that gnuplot would
--     treat as a pipe ('|cmd', '<cmd') or that hold control characters are refused;
--   * every terminal is noenhanced: text is shown as given, never as markup.
local gnuplot = require "vigil.gnuplot"

local plot = {}

local EOD = "VIGIL_EOD" -- datablock terminator; data lines are numbers, never this
local MAX_TEXT = 1000 -- bytes kept of a title or axis label (cut on a character boundary)
local MAX_LABEL = 80 -- bytes kept of a tick label, series name or marker label

---------------------------------------------------------------------------------------
-- Text and numbers
---------------------------------------------------------------------------------------

-- Returns s with every byte that is not part of valid UTF-8 replaced by U+FFFD.
local function valid_utf8(s)
  if utf8.len(s) then
    return s
  end
  local parts, i = {}, 1
  while i <= #s do
    local n, bad = utf8.len(s, i)
    if n then
      parts[#parts + 1] = s:sub(i)
      break
    end
    parts[#parts + 1] = s:sub(i, bad - 1) .. "\u{FFFD}"
    i = bad + 1
  end
  return table.concat(parts)
end

-- Returns the text a chart shows for value v: valid UTF-8, no control characters (C0,
-- DEL, C1), no "]]>", at most max (default MAX_TEXT) bytes.
local function clean_text(v, max)
  max = max or MAX_TEXT
  local s = type(v) == "number" and plot.format_number(v) or tostring(v)
  s = valid_utf8(s)
  s = s:gsub("[%z\1-\31\127]", " "):gsub("\194[\128-\159]", " ")
  s = s:gsub("%]%]>", "]] >")
  if #s > max then
    local cut = max
    while cut > 0 and s:byte(cut + 1) and s:byte(cut + 1) >= 0x80 and s:byte(cut + 1) < 0xC0 do
      cut = cut - 1
    end
    s = s:sub(1, cut) .. "…"
  end
  return s
end

-- plot.quote(v [, max]) -> string: v as a single-quoted gnuplot string literal (see
-- above), cut to at most max bytes (default 1000) before quoting.
function plot.quote(v, max)
  return "'" .. clean_text(v, max):gsub("'", "''") .. "'"
end
local q = plot.quote

-- plot.format_number(n) -> string: integers as integers, floats in the shortest of
-- %.15g/%.16g/%.17g that reads back exactly, NaN for NaN and infinities.
function plot.format_number(n)
  if math.type(n) == "integer" then
    return string.format("%d", n)
  end
  if n ~= n or n == math.huge or n == -math.huge then
    return "NaN"
  end
  local s
  for digits = 15, 17 do
    s = string.format("%." .. digits .. "g", n):gsub(",", ".")
    if tonumber(s) == n then
      break
    end
  end
  return s
end
local num = plot.format_number

---------------------------------------------------------------------------------------
-- Dates
---------------------------------------------------------------------------------------

-- Days since 1970-01-01 of a proleptic Gregorian date.
local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- Year, month, day of a count of days since 1970-01-01.
local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  return m <= 2 and y + 1 or y, m, d
end

-- Days since 1970-01-01 of 'YYYY-MM' (the first of the month) or 'YYYY-MM-DD'; nil
-- when s is not such a date.
local function parse_date(s)
  if type(s) ~= "string" then
    return nil
  end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then
    y, m = s:match("^(%d%d%d%d)%-(%d%d)$")
    d = "01"
  end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not y or m < 1 or m > 12 or d < 1 or d > 31 then
    return nil
  end
  return days_from_civil(y, m, d)
end

local MONTHS = {
  en = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" },
}

-- The tick label of the first day of month m of year y in language lang.
local function month_label(y, m, lang)
  if lang == "vi" then
    return ("T%d/%d"):format(m, y)
  end
  return ("%s %d"):format(MONTHS.en[m], y)
end

-- The ticks of a time axis from day lo to day hi: {{day, label}, ...} on month,
-- quarter or year starts (every 2, 5, 10 ... years for long spans), at most
-- about max of them.
local function time_ticks(lo, hi, lang, max)
  local y1, m1, d1 = civil_from_days(lo)
  local y2, m2 = civil_from_days(hi)
  local first = y1 * 12 + m1 - 1 + (d1 > 1 and 1 or 0)
  local last = y2 * 12 + m2 - 1
  local span = last - first
  local step = 1
  if span > max * 3 then
    for _, years in ipairs { 1, 2, 5, 10, 20, 50, 100 } do
      step = years * 12
      if span // step <= max then
        break
      end
    end
  elseif span > max then
    step = 3
  end
  local ticks = {}
  for k = first, last do
    if k % step == 0 then
      local y, m = k // 12, k % 12 + 1
      ticks[#ticks + 1] = { days_from_civil(y, m, 1), step >= 12 and tostring(y) or month_label(y, m, lang) }
    end
  end
  return ticks
end

---------------------------------------------------------------------------------------
-- From a spec to series
---------------------------------------------------------------------------------------

-- Raises an error that the public functions re-raise at their caller's line.
local function fail(msg)
  error({ vigil_plot_error = msg }, 0)
end

-- Raises a usage error (msg formatted with the arguments) for the caller's line.
local function usage(msg, ...)
  fail("plot: " .. msg:format(...))
end

-- The number a y value stands for: numbers as they are, numeric strings converted, nil
-- as NaN (a gap); anything else is an error naming where it came from.
local function y_value(v, where)
  if v == nil then
    return 0 / 0
  end
  local n = tonumber(v)
  if not n then
    usage("y value %s in %s is not a number", q(v), where)
  end
  return n
end

-- Returns the series of a spec: { {name=, xs={...}, ys={...}}, ... }.
-- Rows form: spec[1] (or spec.rows) is an array of row tables; x names a column, y a
-- column or a list of columns, by (optional) a column whose values split the series.
-- Columns form: x is an array of values; y an array of numbers (one series) or a table
-- {name = array, ...} (series in spec.order, else sorted by name).
local function collect_series(spec)
  local series, by_name = {}, {}
  local function get(name)
    local s = by_name[name]
    if not s then
      s = { name = name, xs = {}, ys = {} }
      by_name[name] = s
      series[#series + 1] = s
    end
    return s
  end
  local rows = spec[1] or spec.rows
  if rows ~= nil then
    if type(rows) ~= "table" then
      usage("the data must be an array of row tables (as db:rows returns), not a %s", type(rows))
    end
    if type(spec.x) ~= "string" then
      usage("x must name a column of the rows")
    end
    local ycols = type(spec.y) == "table" and spec.y or { spec.y }
    if #ycols == 0 or type(ycols[1]) ~= "string" then
      usage("y must name a column of the rows, or be a list of columns")
    end
    for i, row in ipairs(rows) do
      local x = row[spec.x]
      if x ~= nil then
        for _, ycol in ipairs(ycols) do
          local name = ycol
          if spec.by ~= nil then
            local key = row[spec.by]
            key = key == nil and "" or clean_text(key)
            name = #ycols > 1 and key .. " / " .. ycol or key
          end
          local s = get(name)
          s.xs[#s.xs + 1] = x
          s.ys[#s.ys + 1] = y_value(row[ycol], ("row %d, column %s"):format(i, ycol))
        end
      end
    end
  else
    if type(spec.x) ~= "table" or type(spec.y) ~= "table" then
      usage("give rows ({rows, x = 'col', y = 'col'}) or columns (x = {...}, y = {...})")
    end
    local ys = spec.y
    local named = {}
    if #ys > 0 or next(ys) == nil then
      named[1] = { spec.name or spec.ylabel or "", ys }
    else
      local order = spec.order
      if not order then
        order = {}
        for k in pairs(ys) do
          order[#order + 1] = tostring(k)
        end
        table.sort(order)
      end
      for _, k in ipairs(order) do
        named[#named + 1] = { k, ys[k] }
      end
    end
    for _, pair in ipairs(named) do
      local s = get(pair[1])
      for i = 1, #spec.x do
        if spec.x[i] ~= nil then
          s.xs[#s.xs + 1] = spec.x[i]
          s.ys[#s.ys + 1] = y_value(pair[2][i], ("y[%d] of %s"):format(i, q(pair[1])))
        end
      end
    end
  end
  return series
end

-- Decides the x axis: "number" (all x numbers), "time" (all 'YYYY-MM[-DD]' strings) or
-- "category"; converts every series' xs to numbers (categories -> 0, 1, 2 ...) and
-- returns the axis {kind=, categories={...}, lo=, hi=}.
local function x_axis(series, force_category)
  local kind = force_category and "category" or nil
  if not kind then
    local all_num, all_time, any = true, true, false
    for _, s in ipairs(series) do
      for _, x in ipairs(s.xs) do
        any = true
        all_num = all_num and type(x) == "number"
        all_time = all_time and parse_date(x) ~= nil
      end
    end
    kind = (any and all_num) and "number" or (any and all_time) and "time" or "category"
  end
  local axis = { kind = kind, categories = {} }
  local index = {}
  for _, s in ipairs(series) do
    for i, x in ipairs(s.xs) do
      local v
      if kind == "number" then
        v = x
      elseif kind == "time" then
        v = parse_date(x)
      else
        local key = type(x) == "number" and num(x) or tostring(x)
        v = index[key]
        if not v then
          v = #axis.categories
          index[key] = v
          axis.categories[v + 1] = key
        end
      end
      s.xs[i] = v
      if not axis.lo or v < axis.lo then
        axis.lo = v
      end
      if not axis.hi or v > axis.hi then
        axis.hi = v
      end
    end
  end
  axis.index = index
  return axis
end

-- Sorts a series' points by x (stable: equal x keep their order).
local function sort_points(s)
  local idx = {}
  for i = 1, #s.xs do
    idx[i] = i
  end
  table.sort(idx, function(a, b)
    if s.xs[a] ~= s.xs[b] then
      return s.xs[a] < s.xs[b]
    end
    return a < b
  end)
  local xs, ys = {}, {}
  for k, i in ipairs(idx) do
    xs[k], ys[k] = s.xs[i], s.ys[i]
  end
  s.xs, s.ys = xs, ys
end

---------------------------------------------------------------------------------------
-- Writing the program
---------------------------------------------------------------------------------------

-- Appends a datablock named name whose lines are the number tuples of `lines`.
local function datablock(out, name, lines)
  out[#out + 1] = ("%s << %s"):format(name, EOD)
  for _, tuple in ipairs(lines) do
    local cells = {}
    for i, v in ipairs(tuple) do
      cells[i] = num(v)
    end
    local line = table.concat(cells, " ")
    assert(line:sub(1, #EOD) ~= EOD) -- numbers only: cannot happen
    out[#out + 1] = line
  end
  out[#out + 1] = EOD
end

local LEGEND_WORDS = {
  top = true, bottom = true, center = true, left = true, right = true, outside = true,
  inside = true, below = true, above = true, horizontal = true, vertical = true,
  box = true, opaque = true,
}

-- The `set key` line of spec.legend: nil -> default, false -> off, or words from
-- LEGEND_WORDS ("top left", "outside", "below" ...).
local function key_line(spec, nseries)
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

-- The size of the chart: width and height in pixels (defaults 1000 x 600).
local function chart_size(spec)
  local w = math.tointeger(spec.width or 1000)
  local h = math.tointeger(spec.height or 600)
  if not w or not h or w < 50 or h < 50 or w > 20000 or h > 20000 then
    usage("width and height must be whole numbers of pixels between 50 and 20000")
  end
  return w, h
end

-- The terminal and output lines for spec, and the output format ("png", "svg", "pdf"
-- or "dumb" for the terminal).
local function output_lines(spec, out)
  local path = spec.out
  if path == nil then
    local cols = math.tointeger(tonumber(os.getenv("COLUMNS") or "")) or 80
    local lines = math.tointeger(tonumber(os.getenv("LINES") or "")) or 25
    cols = math.max(20, math.min(cols, 1000))
    lines = math.max(10, math.min(lines - 1, 500))
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
  local format = spec.format or (path:match("%.([%w]+)$") or ""):lower()
  local w, h = chart_size(spec)
  if format == "png" then
    out[#out + 1] = ("set terminal pngcairo size %d,%d noenhanced background '#ffffff'"):format(w, h)
  elseif format == "svg" then
    out[#out + 1] = ("set terminal svg size %d,%d noenhanced background '#ffffff'"):format(w, h)
  elseif format == "pdf" then
    out[#out + 1] = ("set terminal pdfcairo size %sin,%sin noenhanced"):format(num(w / 100), num(h / 100))
  else
    usage("out %s: unknown format %s (use .png, .svg or .pdf, or format =)", q(path), q(format))
  end
  out[#out + 1] = "set output " .. q(path)
  return format
end

-- Appends the vertical markers of spec.markers: each {at = x, label = text} or
-- {every_year = 'MM-DD', label = text} (time axes: one marker per year in range).
local function marker_lines(out, spec, axis)
  local markers = spec.markers
  if markers == nil then
    return
  end
  if type(markers) ~= "table" then
    usage("markers must be a list of {at = x, label = text}")
  end
  local n = 0
  local function add(x, label)
    n = n + 1
    out[#out + 1] = ("set arrow %d from %s, graph 0 to %s, graph 1 nohead front dashtype 2 lw 1.5 lc rgb '#b22222'")
      :format(n, num(x), num(x))
    if label ~= nil then
      out[#out + 1] = ("set label %d %s at %s, graph 0.98 right rotate by 90 offset character -0.7,0 front tc rgb '#b22222'")
        :format(n, q(label, MAX_LABEL), num(x))
    end
  end
  for i, m in ipairs(markers) do
    if type(m) ~= "table" then
      usage("markers[%d] must be a table {at = x, label = text}", i)
    end
    if m.every_year ~= nil then
      local mm, dd = tostring(m.every_year):match("^(%d%d)%-(%d%d)$")
      if axis.kind ~= "time" or not mm then
        usage("markers[%d].every_year needs a time x axis and 'MM-DD'", i)
      end
      local y1 = civil_from_days(axis.lo)
      local y2 = civil_from_days(axis.hi)
      for y = y1, y2 do
        local d = days_from_civil(y, tonumber(mm), tonumber(dd))
        if d >= axis.lo and d <= axis.hi then
          add(d, m.label)
        end
      end
    else
      local x
      if axis.kind == "time" then
        x = parse_date(m.at)
      elseif axis.kind == "category" then
        x = m.at ~= nil and axis.index[type(m.at) == "number" and num(m.at) or tostring(m.at)]
      else
        x = tonumber(m.at)
      end
      if not x then
        usage("markers[%d].at %s is not on the x axis", i, q(m.at))
      end
      add(x, m.label)
    end
  end
end

-- Appends the x axis lines: the range and the tick list written by vigil for time and
-- category axes.
local function axis_lines(out, spec, axis, kind)
  if axis.kind == "time" then
    local lo, hi = axis.lo, axis.hi
    if lo == hi then
      lo, hi = lo - 15, hi + 15
    end
    out[#out + 1] = ("set xrange [%s:%s]"):format(num(lo), num(hi))
    local ticks = time_ticks(lo, hi, spec.lang, axis.max_ticks)
    local items = {}
    for i, t in ipairs(ticks) do
      items[i] = q(t[2]) .. " " .. num(t[1])
    end
    out[#out + 1] = #items > 0 and ("set xtics (" .. table.concat(items, ", ") .. ")") or "set xtics"
  elseif axis.kind == "category" then
    local n = #axis.categories
    out[#out + 1] = ("set xrange [%s:%s]"):format(num(-0.6), num(n - 0.4))
    local items = {}
    for i, c in ipairs(axis.categories) do
      items[i] = q(c, MAX_LABEL) .. " " .. num(i - 1)
    end
    out[#out + 1] = "set xtics (" .. table.concat(items, ", ") .. ")"
    if n > 12 then
      out[#out + 1] = "set xtics rotate by -45"
    end
    if kind == "bar" then
      out[#out + 1] = "set xtics scale 0"
    end
  end
end

-- Appends the plot of line, area and scatter charts.
local function plot_xy(out, spec, series, kind)
  local clauses = {}
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
      datablock(out, "$s" .. i, blocks[i])
    end
    for i, s in ipairs(series) do
      clauses[i] = ("$s%d using 1:2:3 with filledcurves fillstyle solid 0.8 noborder lc %d title %s")
        :format(i, i, q(s.name, MAX_LABEL))
    end
  else
    for i, s in ipairs(series) do
      if kind ~= "scatter" then
        sort_points(s)
      end
      local lines = {}
      for k = 1, #s.xs do
        lines[k] = { s.xs[k], s.ys[k] }
      end
      datablock(out, "$s" .. i, lines)
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
      clauses[i] = ("$s%d %s lc %d title %s"):format(i, style, i, q(s.name, MAX_LABEL))
    end
  end
  out[#out + 1] = "plot " .. table.concat(clauses, ", \\\n     ")
end

-- Appends the plot of bar charts: one box per category and series, grouped side by
-- side or stacked (spec.stacked), with the values written on the bars (spec.labels).
local function plot_bar(out, spec, series, axis)
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
  local clauses, label_clauses = {}, {}
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
      end
    end
    datablock(out, "$s" .. j, lines)
    clauses[#clauses + 1] = ("$s%d using 1:3:4:5:2:3 with boxxyerror lc %d title %s"):format(j, j, q(s.name, MAX_LABEL))
    if spec.labels then
      local where = spec.stacked and "(($2+$3)/2)" or "($6 >= 0 ? $3 : $2)"
      local offset = spec.stacked and "" or " offset 0,0.6"
      label_clauses[#label_clauses + 1] =
        ("$s%d using 1:%s:(sprintf('%%g', $6)) with labels%s notitle"):format(j, where, offset)
    end
  end
  for _, c in ipairs(label_clauses) do
    clauses[#clauses + 1] = c
  end
  out[#out + 1] = "plot " .. table.concat(clauses, ", \\\n     ")
end

-- Writes the whole program of a chart of kind ("line", "bar", "area", "scatter");
-- returns the program text and the output format.
local function build(spec, kind)
  if type(spec) ~= "table" then
    usage("plot.%s takes a table (the chart spec)", kind)
  end
  if kind ~= "line" and kind ~= "bar" and kind ~= "area" and kind ~= "scatter" then
    usage("unknown kind %s (line, bar, area or scatter)", q(kind))
  end
  local series = collect_series(spec)
  local axis = x_axis(series, kind == "bar")
  local out = {}
  out[#out + 1] = "# Made by vigil.plot; `gnuplot -d FILE` re-draws the chart."
  if spec.sql ~= nil then
    out[#out + 1] = "# The data come from this SQL:"
    for line in (tostring(spec.sql) .. "\n"):gmatch("([^\n]*)\n") do
      line = clean_text(line)
      if line:sub(-1) == "\\" then
        line = line .. " #" -- a trailing backslash would continue the comment
      end
      out[#out + 1] = "#   " .. line
    end
  end
  out[#out + 1] = "set encoding utf8"
  local format, cols = output_lines(spec, out)
  axis.max_ticks = format == "dumb" and math.max(2, cols // 11) or 16
  if spec.title ~= nil then
    out[#out + 1] = "set title " .. q(spec.title)
  end
  if spec.xlabel ~= nil then
    out[#out + 1] = "set xlabel " .. q(spec.xlabel)
  end
  if spec.ylabel ~= nil then
    out[#out + 1] = "set ylabel " .. q(spec.ylabel)
  end
  out[#out + 1] = key_line(spec, #series)
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
  axis_lines(out, spec, axis, kind)
  marker_lines(out, spec, axis)
  if #series == 0 then
    usage("no data to plot")
  end
  if kind == "bar" then
    plot_bar(out, spec, series, axis)
  else
    plot_xy(out, spec, series, kind)
  end
  if format ~= "dumb" then
    out[#out + 1] = "unset output"
  end
  return table.concat(out, "\n") .. "\n", format
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
local function draw(spec, kind)
  local program, format = build(spec, kind)
  if spec.save_script ~= nil then
    local f, msg = io.open(tostring(spec.save_script), "wb")
    if not f then
      fail("plot: cannot write save_script: " .. msg)
    end
    f:write(program)
    f:close()
  end
  local ok, text = pcall(gnuplot.run, program, { timeout = spec.timeout })
  if not ok then
    fail(text)
  end
  if format == "dumb" then
    return text
  end
  if format == "pdf" then
    fix_pdf_date(spec.out)
  end
  return spec.out
end

-- Returns fn wrapped so that errors raised by fail() point at the line that called it.
local function public(fn)
  return function(spec)
    local ok, result = pcall(fn, spec)
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
-- plot.bar{...}     bars, grouped (default) or stacked = true; labels = true writes values
-- plot.area{...}    filled areas; stacked = true piles the series up
-- plot.scatter{...} points
-- Common fields: title, xlabel, ylabel, legend ('top left', 'outside', 'below', false),
-- logscale (true|'x'|'y'|'xy'), markers, lang ('en'|'vi' month names), width, height,
-- out (.png .svg .pdf) or format, save_script, sql, timeout (seconds).
for _, kind in ipairs { "line", "bar", "area", "scatter" } do
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
-- sized by COLUMNS and LINES, else 80 x 25), whatever spec.out says.
plot.show = public(function(spec)
  if type(spec) ~= "table" then
    usage("plot.show takes a table (the chart spec)")
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
    usage("plot.script takes a table (the chart spec)")
  end
  local program = build(spec, spec.kind or "line")
  return program
end)

return plot
