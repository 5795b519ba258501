-- vigil.trend.query: builds a Series from the database. The identifiers a caller names
-- (table or view, time column, category column, measured column) are checked against the
-- schema and quoted; values (range bounds, the caller's parameters) are bound; the grouping
-- by period and category runs in SQLite; the result is gap-filled here so every period of
-- the range is present, with 0 where nothing happened.
local periods = require "vigil.trend.periods"
local series = require "vigil.trend.series"

local query = {}

-- The name given to the category of rows whose category column is NULL.
query.NULL_CATEGORY = "(none)"

-- Returns name quoted as an SQL identifier, or raises when it is not a plain identifier
-- (letters, digits, underscores; not starting with a digit).
local function quote_identifier(name, what)
  if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
    error(("trend.series: %s must be a plain identifier, not %q"):format(what, tostring(name)),
          0)
  end
  return '"' .. name .. '"'
end

-- Returns the set of the lower-cased column names of table or view `from`, raising when
-- there is no such table or view.
local function columns_of(conn, from)
  local columns, any = {}, false
  for _, row in ipairs(conn:rows("SELECT name FROM pragma_table_info(?)", from)) do
    columns[row.name:lower()] = true
    any = true
  end
  if not any then
    error(("trend.series: no table or view named %q"):format(from), 0)
  end
  return columns
end

-- Returns the quoted identifier of column name after checking that `from` has it.
local function column_sql(columns, name, what, from)
  local quoted = quote_identifier(name, what)
  if not columns[name:lower()] then
    error(("trend.series: %s %q is not a column of %s"):format(what, name, from), 0)
  end
  return quoted
end

-- Returns the SQL aggregate of a measure and its normalised text: "count" (rows),
-- "count(col)" (non-NULL values), "count(distinct col)" or "sum(col)"; raises otherwise.
local function measure_sql(columns, measure, from)
  if measure == nil then
    return "count(*)", "count"
  end
  local bad = ("trend.series: measure must be count, count(col), count(distinct col) or "
               .. "sum(col), not %q"):format(tostring(measure))
  if type(measure) ~= "string" then
    error(bad, 0)
  end
  local trimmed = measure:match("^%s*(.-)%s*$")
  if trimmed:lower() == "count" or trimmed:gsub("%s", "") == "count(*)" then
    return "count(*)", "count"
  end
  local fn, inside = trimmed:match("^(%a+)%s*(%b())$")
  if not fn then
    error(bad, 0)
  end
  fn, inside = fn:lower(), inside:sub(2, -2):match("^%s*(.-)%s*$")
  local distinct, column = inside:match("^(%a+)%s+(.+)$")
  if distinct and distinct:lower() ~= "distinct" then
    error(bad, 0)
  end
  column = column or inside
  local quoted = column_sql(columns, column, "the measured column", from)
  if fn == "count" and distinct then
    return ("count(DISTINCT %s)"):format(quoted), ("count(distinct %s)"):format(column)
  elseif fn == "count" or fn == "sum" and not distinct then
    return ("%s(%s)"):format(fn, quoted), ("%s(%s)"):format(fn, column)
  end
  error(bad, 0)
end

-- Returns whether params binds by name (a table with a key that is not a whole number).
local function binds_by_name(params)
  for key in pairs(params) do
    if math.type(key) ~= "integer" and key ~= "n" then
      return true
    end
  end
  return false
end

-- Returns the SQL text and the arguments to bind for a spec whose identifiers are checked:
-- the bucket, the category, the aggregate, the range and the caller's where clause.
local function build_sql(spec, parts)
  local conditions = { parts.time .. " IS NOT NULL" }
  local params = spec.params or {}
  local named = binds_by_name(params)
  local args
  if named then
    args = {}
    for k, v in pairs(params) do
      args[k] = v
    end
  else
    args = {}
  end
  if parts.first_day then
    local from_text = periods.label_of_day("day", parts.first_day)
    local to_text = periods.label_of_day("day", parts.last_day + 1)
    if named then
      conditions[#conditions + 1] = parts.time .. " >= :trend_range_from AND "
                                    .. parts.time .. " < :trend_range_to"
      args.trend_range_from, args.trend_range_to = from_text, to_text
    else
      conditions[#conditions + 1] = parts.time .. " >= ? AND " .. parts.time .. " < ?"
      args[1], args[2] = from_text, to_text
    end
  end
  if spec.where then
    if type(spec.where) ~= "string" then
      error("trend.series: where must be a string of SQL (values go in params)", 0)
    end
    conditions[#conditions + 1] = "(" .. spec.where .. ")"
  end
  if not named then
    for i = 1, params.n or #params do
      args[#args + 1] = params[i]
    end
    args.n = #args
  end
  local sql = ("SELECT %s AS period, %s AS category, %s AS value FROM %s WHERE %s GROUP BY 1%s")
              :format(parts.bucket, parts.category or "NULL", parts.aggregate, parts.from,
                      table.concat(conditions, " AND "), parts.category and ", 2" or "")
  return sql, args, named
end

-- Returns the first and last day of spec.range, or nil when there is none.
local function range_days(spec)
  if spec.range == nil then
    return nil
  end
  if type(spec.range) ~= "table" or type(spec.range[1]) ~= "string"
     or type(spec.range[2]) ~= "string" then
    error('trend.series: range must be {"first", "last"}, e.g. {"2019-01", "2025-12"}', 0)
  end
  local first, msg = periods.span(spec.range[1])
  if not first then
    error("trend.series: range: " .. msg, 0)
  end
  local last_start, last = periods.span(spec.range[2])
  if not last_start then
    error("trend.series: range: " .. last, 0)
  end
  if last < first then
    error(("trend.series: range ends (%s) before it starts (%s)")
          :format(spec.range[2], spec.range[1]), 0)
  end
  return first, last
end

-- Returns the category names in order: spec.categories first (always present), then the
-- others found, sorted as text.
local function category_order(wanted, found)
  local names, seen = {}, {}
  for _, name in ipairs(wanted or {}) do
    if not seen[name] then
      names[#names + 1], seen[name] = name, true
    end
  end
  local others = {}
  for name in pairs(found) do
    if not seen[name] then
      others[#others + 1] = name
    end
  end
  table.sort(others, function(a, b) return tostring(a) < tostring(b) end)
  table.move(others, 1, #others, #names + 1, names)
  return names
end

-- Returns whether the counts of spec are made by counting in C (db:aggregate) rather
-- than by SQLite's GROUP BY: for the measures count and count(col), unless spec.aggregate
-- is false or the connection has no aggregate method.
local function counting_in_c(spec, conn, measure)
  if spec.aggregate == false or (measure ~= "count" and not measure:match("^count%([%w_]+%)$")) then
    return false
  end
  local ok, method = pcall(function() return conn.aggregate end)
  return ok and method ~= nil
end

-- Returns the rows {period=, category=, value=} that the GROUP BY query would give, from
-- sql selecting (time, category) rows (and, for count(col), whether col is not NULL): db:aggregate counts each distinct pair in C, then
-- each distinct time value gets its period label from the same SQL expression as the
-- GROUP BY query (periods.sql_bucket, bound as ?1), so both agree on every value,
-- NULL (not a date) included.
local function counted_rows(conn, kind, sql, args, named)
  local pairs_counted
  if named then
    pairs_counted = conn:aggregate(sql, args)
  else
    pairs_counted = conn:aggregate(sql, table.unpack(args, 1, args.n))
  end
  local bucket <close> = conn:prepare("SELECT " .. periods.sql_bucket(kind, "?1"))
  local NULL = require("vigil.db").NULL
  local label_of, groups, rows = {}, {}, {}
  for _, pair in ipairs(pairs_counted) do
    local time, category, n = pair[1], pair[2], pair[#pair]
    if #pair == 4 and pair[3] == 0 then -- count(col) and col is NULL: no count, a group
      n = 0
    end
    local label = label_of[time]
    if label == nil then
      label = bucket:bind(time):values()
      label = label == nil and NULL or label
      label_of[time] = label
    end
    local by_category = groups[label]
    if not by_category then
      by_category = {}
      groups[label] = by_category
    end
    local row = by_category[category]
    if row then
      row.value = row.value + n
    else
      row = { period = label ~= NULL and label or nil,
              category = category ~= NULL and category or nil, value = n }
      by_category[category] = row
      rows[#rows + 1] = row
    end
  end
  return rows
end

-- Returns the Series of spec; raises a message without position on bad specs.
local function series_of(spec)
  if type(spec) ~= "table" then
    error("trend.series: expects a table {from=, time=, period=, ...}", 0)
  end
  local conn = spec.db or rawget(_G, "db")
  if conn == nil then
    error("trend.series: no database (give db = connection)", 0)
  end
  local kind = periods.check_kind(spec.period or "month")
  local from = quote_identifier(spec.from, "from")
  local columns = columns_of(conn, spec.from)
  local parts = { from = from, bucket = nil }
  parts.time = column_sql(columns, spec.time, "time", spec.from)
  parts.bucket = periods.sql_bucket(kind, parts.time)
  if spec.by ~= nil then
    parts.category = column_sql(columns, spec.by, "by", spec.from)
  end
  local measure
  parts.aggregate, measure = measure_sql(columns, spec.measure, spec.from)
  parts.first_day, parts.last_day = range_days(spec)
  local sql, args, named = build_sql(spec, parts)

  local rows
  if counting_in_c(spec, conn, measure) then
    sql = sql:gsub("^SELECT .- FROM ", "SELECT " .. parts.time .. ", " .. (parts.category or "NULL")
                   .. " FROM ", 1):gsub(" GROUP BY 1[, 2]*$", "")
    if measure ~= "count" then -- count(col): a third key, whether col is not NULL
      sql = sql:gsub(" FROM ", ", " .. parts.aggregate:match("^count(%b())") .. " IS NOT NULL FROM ", 1)
    end
    rows = counted_rows(conn, kind, sql, args, named)
  elseif named then
    rows = conn:rows(sql, args)
  else
    rows = conn:rows(sql, table.unpack(args, 1, args.n))
  end

  local cells, found, dropped = {}, {}, 0
  local first_label, last_label
  for _, row in ipairs(rows) do
    local label = row.period
    if label == nil then
      dropped = dropped + 1
    else
      local name = spec.by and (row.category == nil and query.NULL_CATEGORY or row.category)
                   or measure
      found[name] = true
      cells[name] = cells[name] or {}
      cells[name][label] = row.value or 0
      if not first_label or label < first_label then
        first_label = label
      end
      if not last_label or label > last_label then
        last_label = label
      end
    end
  end

  local labels
  if parts.first_day then
    labels = periods.list(kind, parts.first_day, parts.last_day)
  elseif first_label then
    labels = periods.between(kind, first_label, last_label)
  else
    labels = {}
  end
  local names = category_order(spec.categories, found)
  if not spec.by and #names == 0 then
    names = { measure }
  end
  local values = {}
  for _, name in ipairs(names) do
    local column, seen = {}, cells[name] or {}
    for i, label in ipairs(labels) do
      column[i] = seen[label] or 0
    end
    values[name] = column
  end
  return series.new{
    periods = labels, categories = names, values = values,
    meta = { source = spec.from, time = spec.time, period = kind, by = spec.by,
             measure = measure, where = spec.where, sql = sql, dropped = dropped,
             range = labels[1] and { labels[1], labels[#labels] } or nil },
  }
end

-- query.series(spec) -> Series | raises. spec: from, time, period, by, measure, where,
-- params, range, categories, db (see docs/trend.md). An error names the caller's line.
function query.series(spec)
  local ok, result = pcall(series_of, spec)
  if not ok then
    error(result, type(result) == "string" and 2 or 0)
  end
  return result
end

return query
