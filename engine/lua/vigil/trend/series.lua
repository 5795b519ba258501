-- vigil.trend.series: the Series object. A Series holds, for each category, one value per
-- period of a gap-free list of periods, and its metadata (source, time column, period kind,
-- measure, range, and the transformations that made it). Values may be nil where a derived
-- value is undefined (a moving average's first periods, a change from a zero base); such a
-- place may carry a flag string saying why ("zero_base").
--
-- Layout (fields, apart from the methods of the same meaning): s.labels = {period label,
-- ...}; s.names = {category, ...}; s.data[name][i] = value of period i;
-- s.flags[name][i] = flag or nil; s.index[label] = i; s.meta = {...}.
local text = require "vigil.trend.text"

local Series = {}
Series.__index = Series
Series.__name = "vigil.trend.Series"

local series = { Series = Series }

-- Returns a shallow copy of the table t.
local function copy(t)
  local c = {}
  for k, v in pairs(t) do
    c[k] = v
  end
  return c
end

-- series.new{period=, periods=, categories=, values=, flags=, meta=} -> Series
-- Wraps already gap-free data; values[name] is an array over periods (nil allowed).
function series.new(spec)
  local s = setmetatable({
    labels = spec.periods or {},
    names = spec.categories or {},
    data = spec.values or {},
    flags = spec.flags or {},
    meta = copy(spec.meta or {}),
  }, Series)
  s.meta.period = s.meta.period or spec.period
  s.index = {}
  for i, label in ipairs(s.labels) do
    s.index[label] = i
  end
  for _, name in ipairs(s.names) do
    s.data[name] = s.data[name] or {}
    s.flags[name] = s.flags[name] or {}
  end
  return s
end

-- series.is_series(x) -> whether x is a Series.
function series.is_series(x)
  return getmetatable(x) == Series
end

-- s:derive(transform, categories, values, flags) -> a new Series over the same periods
-- with the given data, its meta a copy of s's with `transform` appended to meta.transforms.
function Series:derive(transform, categories, values, flags)
  local meta = copy(self.meta)
  meta.transforms = copy(self.meta.transforms or {})
  meta.transforms[#meta.transforms + 1] = transform
  return series.new{ periods = self.labels, categories = categories, values = values,
                     flags = flags or {}, meta = meta }
end

-- s:map(transform, fn) -> a new Series whose category c holds fn(values_of_c, c), which
-- returns a new values array and optionally a flags array; same categories.
function Series:map(transform, fn)
  local values, flags = {}, {}
  for _, name in ipairs(self.names) do
    values[name], flags[name] = fn(self.data[name], name)
  end
  return self:derive(transform, copy(self.names), values, flags)
end

-- s:periods() -> {label, ...} (a copy), in time order.
function Series:periods()
  return table.move(self.labels, 1, #self.labels, 1, {})
end

-- s:categories() -> {name, ...} (a copy).
function Series:categories()
  return table.move(self.names, 1, #self.names, 1, {})
end

-- s:get(period [, category]) -> value, flag. The category may be left out when the series
-- has exactly one. Raises for an unknown period or category; value is nil where undefined.
function Series:get(period, category)
  if category == nil and #self.names == 1 then
    category = self.names[1]
  end
  local i = self.index[period]
  if not i then
    error(("trend: period '%s' is not in the series"):format(tostring(period)), 2)
  end
  local values = self.data[category]
  if not values then
    error(("trend: category '%s' is not in the series"):format(tostring(category)), 2)
  end
  return values[i], self.flags[category][i]
end

-- s:column(category) -> {value, ..., n = #periods}: the values of one category (a copy;
-- nil where undefined). The category may be left out when the series has exactly one.
function Series:column(category)
  if category == nil and #self.names == 1 then
    category = self.names[1]
  end
  local values = self.data[category]
  if not values then
    error(("trend: category '%s' is not in the series"):format(tostring(category)), 2)
  end
  local n = #self.labels
  local column = table.move(values, 1, n, 1, {})
  column.n = n
  return column
end

-- s:long() -> {{period=, category=, value=, flag=}, ...}: one row per period and category,
-- periods in order, categories in the series' order (for csv.write and plot).
function Series:long()
  local rows = {}
  for i, label in ipairs(self.labels) do
    for _, name in ipairs(self.names) do
      rows[#rows + 1] = { period = label, category = name, value = self.data[name][i],
                          flag = self.flags[name][i] }
    end
  end
  return rows
end

-- s:wide() -> {{period=label, [category]=value, ...}, ...}: one row per period; the column
-- names are {"period", category...} in rows.columns.
function Series:wide()
  local rows = { columns = { "period" } }
  for _, name in ipairs(self.names) do
    rows.columns[#rows.columns + 1] = name
  end
  for i, label in ipairs(self.labels) do
    local row = { period = label }
    for _, name in ipairs(self.names) do
      row[name] = self.data[name][i]
    end
    rows[i] = row
  end
  return rows
end

-- series.format_value(value, flag) -> the text of one cell: "" for nil, "n/a" for a
-- flagged nil, whole numbers without decimals, others with two.
function series.format_value(value, flag)
  if value == nil then
    return flag and "n/a" or ""
  end
  if value ~= value then
    return "nan"
  end
  if math.type(value) == "integer" or (value == math.floor(value) and math.abs(value) < 2^53) then
    return ("%d"):format(value)
  end
  return ("%.2f"):format(value)
end

-- __tostring: a one-line description, then a period x category table aligned by display
-- width (numbers right-aligned).
function Series:__tostring()
  local header, aligns = { "period" }, { "left" }
  for _, name in ipairs(self.names) do
    header[#header + 1] = tostring(name)
    aligns[#aligns + 1] = "right"
  end
  local rows = {}
  for i, label in ipairs(self.labels) do
    local row = { label }
    for _, name in ipairs(self.names) do
      row[#row + 1] = series.format_value(self.data[name][i], self.flags[name][i])
    end
    rows[i] = row
  end
  return series.describe(self) .. "\n" .. text.table(header, rows, aligns)
end

-- series.describe(s) -> "measure of source by column, per period, first..last [transforms]"
function series.describe(s)
  local meta = s.meta
  local parts = { tostring(meta.measure or "value") }
  if meta.source then
    parts[#parts + 1] = "of " .. meta.source
  end
  if meta.by then
    parts[#parts + 1] = "by " .. meta.by
  end
  parts[#parts + 1] = "per " .. tostring(meta.period)
  if #s.labels > 0 then
    parts[#parts + 1] = s.labels[1] .. ".." .. s.labels[#s.labels]
  end
  local line = table.concat(parts, " ")
  if meta.transforms and #meta.transforms > 0 then
    line = line .. " [" .. table.concat(meta.transforms, ", ") .. "]"
  end
  return line
end

return series
