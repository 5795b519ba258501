-- processed_by_category.lua: processed violations per month, by disposition or by category.
--
--   vigil [--db PATH] scripts/processed_by_category.lua [--from YYYY-MM] [--to YYYY-MM]
--                                                       [--by disposition|category]
--                                                       [--plot FILE] [--lang vi|en]
--
-- Counts the people of the view processed_violations (every subject whose case was decided)
-- by the month of the decision (disposed_on). Months are rows, every month of the range
-- present (zeros included); the columns are the dispositions, or the case categories with
-- --by category; a total column and a total row close the table. Without --from/--to the
-- range is that of the records. --plot FILE also draws the months as a line chart (PNG, SVG
-- or PDF by the file's extension), one line per column, a dashed marker on 30 July of each
-- year (the World Day against Trafficking in Persons), and prints the file's path.
local args = require "vigil.args"

local SPEC = {
  name = "processed_by_category",
  usage = "Processed violations (people whose case was decided) per month of the decision.",
  options = {
    from = { type = "month", help = "first month" },
    to = { type = "month", help = "last month" },
    by = { type = "choice", choices = { "disposition", "category" }, default = "disposition",
           help = "what the columns are" },
    plot = { type = "string", help = "also draw the chart into FILE (.png, .svg or .pdf)" },
    lang = { type = "choice", choices = { "vi", "en" }, default = "en",
             help = "the language of the chart's month names and title" },
  },
}
local options = args.parse(arg, SPEC)

-- The columns of each grouping, in order.
local COLUMNS = {
  disposition = { "administrative", "warning", "deportation", "prosecution" },
  category = { "human_trafficking", "illegal_exit", "illegal_entry", "illegal_stay",
               "organizing_illegal_migration" },
}

-- The counting query of each grouping. Parameters: first month, last month.
local COUNT_SQL = {
  disposition = [[SELECT month, disposition AS key, count(*) AS n FROM processed_violations
                  WHERE month BETWEEN ? AND ? GROUP BY month, disposition]],
  category = [[SELECT month, category AS key, count(*) AS n FROM processed_violations
               WHERE month BETWEEN ? AND ? GROUP BY month, category]],
}

-- Returns the month after "YYYY-MM".
local function next_month(month)
  local y, m = month:match("^(%d+)-(%d+)$")
  y, m = tonumber(y), tonumber(m) + 1
  if m == 13 then y, m = y + 1, 1 end
  return ("%04d-%02d"):format(y, m)
end

-- Returns the first and last month to show: the options, else the records' range.
local function month_range()
  local first, last = options.from, options.to
  if not first or not last then
    local range = db:first("SELECT min(month) AS first, max(month) AS last FROM processed_violations")
    first = first or (range and range.first)
    last = last or (range and range.last)
  end
  return first, last
end

-- Prints the table: a header, one row per month, a total row; numbers right-aligned.
local function print_counts(first, last, columns, counts)
  local header = { "month" }
  for i, key in ipairs(columns) do header[i + 1] = key end
  header[#header + 1] = "total"
  local rows, totals = {}, {}
  local month = first
  while month <= last do
    local row, sum = { month }, 0
    for i, key in ipairs(columns) do
      local n = counts[month] and counts[month][key] or 0
      row[i + 1], sum = n, sum + n
      totals[i] = (totals[i] or 0) + n
    end
    row[#row + 1] = sum
    rows[#rows + 1] = row
    month = next_month(month)
  end
  local total_row, grand = { "total" }, 0
  for i = 1, #columns do
    total_row[i + 1] = totals[i] or 0
    grand = grand + (totals[i] or 0)
  end
  total_row[#total_row + 1] = grand
  rows[#rows + 1] = total_row
  local widths = {}
  for _, row in ipairs({ header, table.unpack(rows) }) do
    for i, cell in ipairs(row) do widths[i] = math.max(widths[i] or 0, #tostring(cell)) end
  end
  -- Writes one row: the month left-aligned, the counts right-aligned.
  local function line(row)
    local cells = {}
    for i, cell in ipairs(row) do
      local format = i == 1 and "%-" .. widths[i] .. "s" or "%" .. widths[i] .. "s"
      cells[i] = format:format(tostring(cell))
    end
    print(table.concat(cells, "  "))
  end
  line(header)
  for _, row in ipairs(rows) do line(row) end
end

local first, last = month_range()
if not first then
  io.stderr:write("processed_by_category: no processed violations in the database\n")
  os.exit(1)
end
if first > last then
  io.stderr:write(("processed_by_category: --from %s is after --to %s\n"):format(first, last),
                 args.usage(SPEC))
  os.exit(2)
end
local counts = {}
for r in db:query(COUNT_SQL[options.by], first, last) do
  counts[r.month] = counts[r.month] or {}
  counts[r.month][r.key] = r.n
end
print(("Processed violations by %s, %s to %s (by month of the decision)")
      :format(options.by, first, last))
print_counts(first, last, COLUMNS[options.by], counts)

-- The chart titles, by language and grouping.
local TITLES = {
  vi = { disposition = "Xử lý vi phạm theo hình thức", category = "Xử lý vi phạm theo loại vụ việc" },
  en = { disposition = "Processed violations by disposition",
         category = "Processed violations by case category" },
}

-- Draws the counts as one line per column (every month, zeros included) into --plot;
-- returns the file's path.
local function draw(first, last, columns)
  local rows = {}
  local month = first
  while month <= last do
    for _, key in ipairs(columns) do
      rows[#rows + 1] = { month = month, key = key,
                          n = counts[month] and counts[month][key] or 0 }
    end
    month = next_month(month)
  end
  return plot.line{ rows, x = "month", y = "n", by = "key", lang = options.lang,
                    title = TITLES[options.lang][options.by],
                    ylabel = options.lang == "vi" and "người" or "people",
                    legend = "outside right top", width = 1200, height = 600,
                    markers = { { every_year = "07-30", label = "30/7" } },
                    sql = COUNT_SQL[options.by], out = options.plot }
end

if options.plot then
  print("chart: " .. draw(first, last, COLUMNS[options.by]))
end
