-- trends.lua: are processed violations going up or down, in which disposition and case
-- category, and is the change real?
--
--   vigil [--db PATH] scripts/trends.lua [--from YYYY-MM] [--to YYYY-MM]
--                                        [--period month|quarter|year] [--seasonal]
--                                        [--plot DIR] [--format png|svg|pdf] [--lang vi|en]
--
-- For each grouping (the disposition of the person, then the category of the case) prints
-- the counts of the view processed_violations per period of the decision (disposed_on),
-- every period of the range present; the totals per year with their year-over-year change;
-- and per column the Mann-Kendall test with Sen's slope and its 95% interval (seasonal
-- Kendall test with --seasonal). Defaults: 2019-01 to 2025-12, by month. With --plot DIR,
-- also draws each grouping as a line chart, a dashed marker on 30 July of every year (the
-- World Day against Trafficking in Persons), into DIR/processed_by_disposition.png and
-- DIR/processed_by_category.png (or .svg / .pdf with --format), and prints their paths.
local args = require "vigil.args"
local trend = require "vigil.trend"

local SPEC = {
  name = "trends",
  usage = "Trends of processed violations by disposition and by case category, with tests.",
  options = {
    from = { type = "month", default = "2019-01", help = "first month" },
    to = { type = "month", default = "2025-12", help = "last month" },
    period = { type = "choice", choices = { "month", "quarter", "year" }, default = "month",
               help = "the period of the tables and tests" },
    seasonal = { type = "flag", help = "the seasonal Kendall test (month or quarter)" },
    plot = { type = "string", help = "a folder to draw the charts in" },
    format = { type = "choice", choices = { "png", "svg", "pdf" }, default = "png",
               help = "the charts' file format" },
    lang = { type = "choice", choices = { "vi", "en" }, default = "en",
             help = "the language of the charts' month names" },
  },
}
local options = args.parse(arg, SPEC)

if options.from > options.to then
  io.stderr:write(("trends: --from %s is after --to %s\n"):format(options.from, options.to),
                  args.usage(SPEC))
  os.exit(2)
end
if options.seasonal and options.period == "year" then
  io.stderr:write("trends: --seasonal needs --period month or quarter\n", args.usage(SPEC))
  os.exit(2)
end

-- The groupings, in order; each series has every category (present even when empty).
local GROUPINGS = { "disposition", "category" }

-- The chart titles of each grouping, by language.
local TITLES = {
  vi = { disposition = "Xử lý vi phạm theo hình thức", category = "Xử lý vi phạm theo loại vụ việc" },
  en = { disposition = "Processed violations by disposition",
         category = "Processed violations by case category" },
}

-- Draws series s of grouping `by` into the folder of --plot; returns the file's path.
local function draw(s, by)
  local path = ("%s/processed_by_%s.%s"):format(options.plot, by, options.format)
  return s:plot{ out = path, kind = "line", title = TITLES[options.lang][by],
                 ylabel = options.lang == "vi" and "người" or "people",
                 lang = options.lang, legend = "outside right top", width = 1200, height = 600,
                 markers = { { every_year = "07-30", label = "30/7" } } }
end

-- Prints one grouping: the table per period, the yearly totals with their change, tests.
local function report(by)
  local range = { options.from, options.to }
  local s = trend.processed{ by = by, period = options.period, range = range }
  print(("== processed violations by %s, per %s, %s to %s =="):format(by,
        options.period, options.from, options.to))
  print(s)
  print()
  local yearly = trend.processed{ by = by, period = "year", range = range }
  print("-- per year, and the change from the year before (%)")
  print(yearly)
  print(yearly:yoy())
  print()
  print(("-- trend tests (%s; slopes per year, 95%% interval)"):format(
        options.seasonal and "seasonal Kendall test" or "Mann-Kendall test"))
  print(s:test{ seasonal = options.seasonal })
  print()
  if options.plot then
    print("-- chart: " .. draw(s, by))
    print()
  end
end

for _, by in ipairs(GROUPINGS) do
  report(by)
end
