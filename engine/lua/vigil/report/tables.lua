-- vigil.report.tables: a report table made ready for rendering — column kinds settled,
-- totals added, small counts of people suppressed, every cell as display text in the
-- report's language (and as a CSV value).
local format = require "vigil.report.format"
local i18n = require "vigil.report.i18n"
local suppress = require "vigil.report.suppress"

local tables = {}

local NUMERIC = { number = true, people = true, percent = true }

-- Returns the kind of column c given the rows: its declared kind, or "number" when
-- every value is a number, else "text".
local function settle_kind(c, rows)
  if c.kind ~= "auto" then return c.kind end
  local seen = false
  for _, r in ipairs(rows) do
    local v = r[c.key]
    if v ~= nil then
      if type(v) ~= "number" then return "text" end
      seen = true
    end
  end
  return seen and "number" or "text"
end

-- Returns the display text of value v in a column of kind.
local function display(v, kind, lang)
  if v == nil then return "" end
  if kind == "percent" then return format.percent(v, lang, 1) end
  if kind == "date" then return format.date(v, lang) end
  if kind == "month" then return format.month(v, lang) end
  if type(v) == "number" then return format.number(v, lang) end
  if type(v) == "boolean" then return i18n.t(lang, v and "yes" or "no") end
  return tostring(v)
end

-- tables.prepare(block, ctx) -> {title, header = {text...}, aligns = {"l"|"r"...},
-- rows = {{ {text, value, mark} ...}}, total_rows = k, counts = {primary, secondary}}.
-- ctx: lang, min_cell (nil or a number > 1).
function tables.prepare(block, ctx)
  local lang = ctx.lang
  local columns = {}
  for _, c in ipairs(block.columns) do
    columns[#columns + 1] = { key = c.key, label = c.label, kind = settle_kind(c, block.rows) }
  end
  local values = {}
  for i, r in ipairs(block.rows) do
    values[i] = {}
    for j, c in ipairs(columns) do values[i][j] = r[c.key] end
  end
  -- the total column sums the number and people columns of each row
  local summed, all_people = {}, true
  for j, c in ipairs(columns) do
    if c.kind == "number" or c.kind == "people" then
      summed[#summed + 1] = j
      if c.kind ~= "people" then all_people = false end
    end
  end
  if block.total_column and #summed > 0 then
    columns[#columns + 1] = { key = "\0total", label = block.total_column, kind = all_people and "people" or "number" }
    for i = 1, #values do
      local s = 0
      for _, j in ipairs(summed) do s = s + (tonumber(values[i][j]) or 0) end
      values[i][#columns] = s
    end
  end
  local data_rows = #values
  if block.total_row and data_rows > 0 then
    local total = {}
    for j, c in ipairs(columns) do
      if c.kind == "number" or c.kind == "people" then
        local s = 0
        for i = 1, data_rows do s = s + (tonumber(values[i][j]) or 0) end
        total[j] = s
      end
    end
    if columns[1] and not NUMERIC[columns[1].kind] then total[1] = i18n.t(lang, "total") end
    values[#values + 1] = total
  end
  -- disclosure control over the people columns
  local marks_at, counts = {}, { primary = 0, secondary = 0 }
  if ctx.min_cell and ctx.min_cell > 1 then
    local people = {}
    for j, c in ipairs(columns) do if c.kind == "people" then people[#people + 1] = j end end
    if #people > 0 then
      local grid = {}
      for i = 1, #values do
        grid[i] = {}
        for k, j in ipairs(people) do grid[i][k] = tonumber(values[i][j]) or 0 end
      end
      local has_total_col = block.total_column ~= nil and all_people and #summed > 0
      local marks
      marks, counts = suppress.mark(grid, { min = ctx.min_cell, total_column = has_total_col,
                                            total_row = block.total_row and data_rows > 0 })
      for i = 1, #values do
        marks_at[i] = {}
        for k, j in ipairs(people) do marks_at[i][j] = marks[i][k] end
      end
    end
  end
  local out = { title = block.title, name = block.name, header = {}, aligns = {}, rows = {},
                total_rows = #values - data_rows, counts = counts }
  for j, c in ipairs(columns) do
    out.header[j] = c.label
    out.aligns[j] = (NUMERIC[c.kind]) and "r" or "l"
  end
  for i = 1, #values do
    local row = {}
    for j, c in ipairs(columns) do
      local v, mark = values[i][j], marks_at[i] and marks_at[i][j]
      local text = display(v, c.kind, lang)
      if mark == "primary" then
        text, v = "<" .. ctx.min_cell, "<" .. ctx.min_cell
      elseif mark == "secondary" then
        text, v = "×", "×"
      end
      row[j] = { text = text, value = v, mark = mark }
    end
    out.rows[i] = row
  end
  return out
end

return tables
