-- vigil.plot.data: from the data of a chart spec (rows as db:rows gives them, or columns
-- as Lua arrays) to its series {name=, xs=, ys=}; y values become numbers (nil -> NaN, a
-- gap), anything else is a usage error naming the row or index.
local emit = require "vigil.plot.emit"
local gnuplot = require "vigil.gnuplot"

local data = {}

local q, usage = emit.quote, emit.usage

-- Returns the number a y value stands for: numbers as they are, numeric strings
-- converted, nil as NaN (a gap); anything else is an error naming where it came from
-- (the message `where` formatted with a and b, b quoted when quote_b; built only then).
local function y_value(v, where, a, b, quote_b)
  if v == nil then
    return 0 / 0
  end
  local n = tonumber(v)
  if not n then
    usage("y value %s in %s is not a number", q(v), where:format(a, quote_b and q(b) or b))
  end
  return n
end

-- Returns an array of numbers alone read into C (vigil.gnuplot.column) with its summary:
-- {col=, n=, lo=, hi=, sorted=, finite=}; nil when some value is not a number.
local function scan(values)
  local col = gnuplot.column(values)
  if not col then
    return nil
  end
  local n, lo, hi, sorted, finite = col:summary()
  return { col = col, n = n, lo = lo, hi = hi, sorted = sorted, finite = finite }
end

-- data.collect(spec [, reduce]) -> the series of a spec: { {name=, xs={...}, ys={...}},
-- ... }.
-- Rows form: spec[1] (or spec.rows) is an array of row tables; x names a column, y a
-- column or a list of columns, by (optional) a column whose values split the series.
-- Columns form: x is an array of values; y an array of numbers (one series) or a table
-- {name = array, ...} (series in spec.order, else sorted by name).
-- With reduce = {columns=, above=}, a series of more than `above` points in columns of
-- numbers, x in order, is reduced as it is read (vigil.gnuplot.reduce_line, `columns`
-- columns across the range of x): its kept points are s.kept = {x = Column, y = Column}.
-- With stream_above, a series of more than that many points in columns as long as each
-- other, x[1] and x[#x] numbers in order, is not read here: s.stream is set and its scans
-- say what the stream part that sends it assumes (numbers alone, x in order, some y
-- finite; checked while it is sent, see vigil.gnuplot.inline_data).
function data.collect(spec, reduce, stream_above)
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
            key = key == nil and "" or emit.clean_text(key)
            name = #ycols > 1 and key .. " / " .. ycol or key
          end
          local s = get(name)
          s.xs[#s.xs + 1] = x
          s.ys[#s.ys + 1] = y_value(row[ycol], "row %d, column %s", i, ycol)
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
    -- columns of numbers alone, as long as each other, are used as they are (no copy:
    -- nothing below writes into them), read once into C (gnuplot.column): their summary
    -- saves later passes and their datablocks are written from C
    local xscan -- read when a series needs it; false: not numbers alone
    for _, pair in ipairs(named) do
      local s = get(pair[1])
      -- a new series whose y column is as long as x and longer than `above`
      local function long(above)
        return #s.xs == 0 and type(pair[2]) == "table" and #pair[2] == #spec.x and #spec.x > above
      end
      if reduce and long(reduce.above) then
        local kx, ky, lo, hi, xfinite, yfinite = gnuplot.reduce_line(spec.x, pair[2], reduce.columns)
        if kx then
          s.xs, s.ys, s.kept = spec.x, pair[2], { x = kx, y = ky }
          s.xscan = { n = #spec.x, lo = lo, hi = hi, sorted = true, finite = xfinite }
          s.yscan = { n = #spec.x, finite = yfinite }
          goto next_series
        end
      end
      if stream_above and long(stream_above) then
        local n = #spec.x
        local first, last = spec.x[1], spec.x[n]
        if math.type(first) and math.type(last) and first <= last then
          s.xs, s.ys, s.stream = spec.x, pair[2], true
          s.xscan = { n = n, lo = first, hi = last, sorted = true, finite = true }
          s.yscan = { n = n, finite = true }
          goto next_series
        end
      end
      if xscan == nil then
        xscan = scan(spec.x) or false
      end
      local yscan = xscan and type(pair[2]) == "table" and #pair[2] == xscan.n and scan(pair[2])
      if yscan and #s.xs == 0 then
        s.xs, s.ys, s.xscan, s.yscan = spec.x, pair[2], xscan, yscan
        goto next_series
      end
      for i = 1, #spec.x do
        if spec.x[i] ~= nil then
          s.xs[#s.xs + 1] = spec.x[i]
          s.ys[#s.ys + 1] = y_value(pair[2][i], "y[%d] of %s", i, pair[1], true)
        end
      end
      ::next_series::
    end
  end
  return series
end

-- Decides the x axis: "number" (all x numbers), "time" (all 'YYYY-MM[-DD]' strings) or
-- "category"; converts every series' xs to numbers (categories -> 0, 1, 2 ...) and

-- data.sort_points(s): sorts a series' points by x (stable: equal x keep their order).
function data.sort_points(s)
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

return data
