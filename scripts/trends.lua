-- trends.lua: are processed violations going up or down, in which disposition and case
-- category, and is the change real?
--
--   vigil [--db PATH] scripts/trends.lua [--from YYYY-MM] [--to YYYY-MM]
--                                        [--period month|quarter|year] [--seasonal]
--
-- For each grouping (the disposition of the person, then the category of the case) prints
-- the counts of the view processed_violations per period of the decision (disposed_on),
-- every period of the range present; the totals per year with their year-over-year change;
-- and per column the Mann-Kendall test with Sen's slope and its 95% interval (seasonal
-- Kendall test with --seasonal). Defaults: 2019-01 to 2025-12, by month.
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

-- The columns of each grouping, in order (present even when empty).
local GROUPINGS = {
  { by = "disposition", columns = { "administrative", "warning", "deportation", "prosecution" } },
  { by = "category", columns = { "human_trafficking", "illegal_exit", "illegal_entry",
                                 "illegal_stay", "organizing_illegal_migration" } },
}

-- Prints one grouping: the table per period, the yearly totals with their change, tests.
local function report(grouping)
  local range = { options.from, options.to }
  local s = trend.series{ from = "processed_violations", time = "disposed_on",
                          period = options.period, by = grouping.by,
                          categories = grouping.columns, range = range }
  print(("== processed violations by %s, per %s, %s to %s =="):format(grouping.by,
        options.period, options.from, options.to))
  print(s)
  print()
  local yearly = trend.series{ from = "processed_violations", time = "disposed_on",
                               period = "year", by = grouping.by,
                               categories = grouping.columns, range = range }
  print("-- per year, and the change from the year before (%)")
  print(yearly)
  print(yearly:yoy())
  print()
  print(("-- trend tests (%s; slopes per year, 95%% interval)"):format(
        options.seasonal and "seasonal Kendall test" or "Mann-Kendall test"))
  print(s:test{ seasonal = options.seasonal })
  print()
end

for _, grouping in ipairs(GROUPINGS) do
  report(grouping)
end
