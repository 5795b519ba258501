-- vigil.plot.heatmap: a matrix of colours, e.g. category x month. The values go to
-- gnuplot as one matrix datablock of numbers alone (row i = the i-th y category, column
-- j = the j-th x value; a missing cell is NaN and left blank); the category names and
-- the x labels are tick labels written by vigil as quoted strings, never data.
-- x values that are all 'YYYY-MM' / 'YYYY-MM-DD' are put in time order and labelled on
-- month, quarter or year starts like a time axis; other x values keep the order of
-- their first appearance (every one labelled, up to 40, else every k-th).
local emit = require "vigil.plot.emit"
local labels = require "vigil.plot.labels"
local xaxis = require "vigil.plot.xaxis"

local heatmap = {}

local q, num, usage = emit.quote, emit.number, emit.usage

-- Returns the text key of a label: numbers formatted by vigil, others by tostring.
local function key_of(v)
  return type(v) == "number" and num(v) or tostring(v)
end

-- Returns the list of distinct values of list in order of first appearance (as text
-- keys, see key_of), and a key -> index (0-based) map.
local function distinct(list)
  local keys, index = {}, {}
  for _, v in ipairs(list) do
    local key = key_of(v)
    if not index[key] then
      keys[#keys + 1] = key
      index[key] = #keys - 1
    end
  end
  return keys, index
end

-- Returns the cells of a heatmap spec: xs, ys (labels in order) and z[i][j] (row i = y
-- label i, column j = x label j; nil where missing). Rows form: {rows, x =, y =, z =}
-- names three columns (cells of the same x and y are summed). Columns form: x = {...},
-- y = {...}, z = {{...}, ...} with z[i][j] the value at y[i], x[j].
local function collect(spec)
  local rows = spec[1] or spec.rows
  local z = {}
  if rows ~= nil then
    if type(rows) ~= "table" or type(spec.x) ~= "string" or type(spec.y) ~= "string"
       or type(spec.z) ~= "string" then
      usage("heatmap: give rows and x, y, z = three column names")
    end
    local xcol, ycol = {}, {}
    for i, row in ipairs(rows) do
      xcol[i] = row[spec.x] == nil and "" or row[spec.x]
      ycol[i] = row[spec.y] == nil and "" or row[spec.y]
    end
    local xkeys, xindex = distinct(xcol)
    local ykeys, yindex = distinct(ycol)
    for i = 1, #ykeys do
      z[i] = {}
    end
    for i, row in ipairs(rows) do
      local v = row[spec.z]
      if v ~= nil then
        local n = tonumber(v)
        if not n then
          usage("heatmap: z value %s in row %d is not a number", q(v, emit.MAX_LABEL), i)
        end
        local r = z[yindex[key_of(ycol[i])] + 1]
        local c = xindex[key_of(xcol[i])] + 1
        r[c] = (r[c] or 0) + n
      end
    end
    return xkeys, ykeys, z
  end
  if type(spec.x) ~= "table" or type(spec.y) ~= "table" or type(spec.z) ~= "table" then
    usage("heatmap: give rows ({rows, x =, y =, z =}) or x = {...}, y = {...}, z = {{...}, ...}")
  end
  local xs, ys = distinct(spec.x), distinct(spec.y)
  if #xs ~= #spec.x or #ys ~= #spec.y then
    usage("heatmap: x and y labels must be distinct")
  end
  for i = 1, #ys do
    local row = spec.z[i]
    if type(row) ~= "table" then
      usage("heatmap: z[%d] must be the array of the values of y[%d]", i, i)
    end
    z[i] = {}
    for j = 1, #xs do
      local v = row[j]
      if v ~= nil then
        local n = tonumber(v)
        if not n then
          usage("heatmap: z[%d][%d] %s is not a number", i, j, q(v, emit.MAX_LABEL))
        end
        z[i][j] = n
      end
    end
  end
  return xs, ys, z
end

-- heatmap.prepare(spec) -> chart {xs=, ys=, z=, time=, nseries=}; x labels that are all
-- dates are put in time order (with their columns).
function heatmap.prepare(spec)
  local xs, ys, z = collect(spec)
  local days, all_dates = {}, #xs > 0
  for j, x in ipairs(xs) do
    days[j] = xaxis.parse_date(x)
    all_dates = all_dates and days[j] ~= nil
  end
  if all_dates then
    local order = {}
    for j = 1, #xs do
      order[j] = j
    end
    table.sort(order, function(a, b) return days[a] < days[b] end)
    local sorted_xs, sorted_days, sorted_z = {}, {}, {}
    for i = 1, #ys do
      sorted_z[i] = {}
    end
    for k, j in ipairs(order) do
      sorted_xs[k], sorted_days[k] = xs[j], days[j]
      for i = 1, #ys do
        sorted_z[i][k] = z[i][j]
      end
    end
    xs, days, z = sorted_xs, sorted_days, sorted_z
  end
  return { xs = xs, ys = ys, z = z, days = all_dates and days or nil, nseries = 1 }
end

-- Returns the x tick list {label .. index, ...} of a heatmap: time ticks on the columns
-- whose day is a tick of the time axis, else every k-th label (at most 40).
local function x_ticks(spec, chart, max_ticks)
  local items = {}
  if chart.days then
    local column_of = {}
    for j, d in ipairs(chart.days) do
      column_of[d] = column_of[d] or j
    end
    local ticks = xaxis.time_ticks(chart.days[1], chart.days[#chart.days], spec.lang, max_ticks)
    for _, t in ipairs(ticks) do
      local j = column_of[t[1]]
      if j then
        items[#items + 1] = q(t[2], emit.MAX_LABEL) .. " " .. num(j - 1)
      end
    end
    if #items > 0 then
      return items
    end
  end
  local step = math.max(1, math.ceil(#chart.xs / 40))
  for j = 1, #chart.xs, step do
    items[#items + 1] = q(chart.xs[j], emit.MAX_LABEL) .. " " .. num(j - 1)
  end
  return items
end

-- heatmap.write(out, spec, chart): appends the axes (category names as y
-- ticks, first at the top), the palette, the matrix datablock, value labels and plot.
function heatmap.write(out, spec, chart)
  local nx, ny = #chart.xs, #chart.ys
  if nx == 0 or ny == 0 then
    usage("no data to plot")
  end
  out[#out + 1] = "unset grid"
  out[#out + 1] = ("set xrange [%s:%s]"):format(num(-0.5), num(nx - 0.5))
  out[#out + 1] = ("set yrange [%s:%s]"):format(num(ny - 0.5), num(-0.5))
  out[#out + 1] = "set xtics (" .. table.concat(x_ticks(spec, chart, chart.max_ticks), ", ") .. ") scale 0"
  if not chart.days and nx > 12 then
    out[#out + 1] = "set xtics rotate by -45"
  end
  local yitems = {}
  for i, y in ipairs(chart.ys) do
    yitems[i] = q(y, emit.MAX_LABEL) .. " " .. num(i - 1)
  end
  out[#out + 1] = "set ytics (" .. table.concat(yitems, ", ") .. ") scale 0"
  out[#out + 1] = "set palette defined (0 '#f7fbff', 1 '#c6dbef', 2 '#6baed6', 3 '#2171b5', 4 '#08306b')"
  local min = math.huge
  local lines, points = {}, {}
  for i = 1, ny do
    local line = {}
    for j = 1, nx do
      local v = chart.z[i][j]
      line[j] = v == nil and 0 / 0 or v
      if v ~= nil then
        min = math.min(min, v)
        points[#points + 1] = { j - 1, i - 1, v, 0 }
      end
    end
    lines[i] = line
  end
  if min >= 0 then
    out[#out + 1] = "set cbrange [0:*]"
  end
  if spec.zlabel ~= nil then
    out[#out + 1] = "set cblabel " .. q(spec.zlabel)
  end
  if spec.labels then
    labels.write(out, spec, points)
  end
  emit.datablock(out, "$m", lines)
  out[#out + 1] = "plot $m matrix using 1:2:3 with image notitle"
end

return heatmap
