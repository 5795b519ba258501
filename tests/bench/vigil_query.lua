-- Row-iteration contestant (c): vigil's db:query, one table per row keyed by column name.
-- Usage: vigil --db DATABASE vigil_query.lua
local here = arg[0]:match("^(.*)/") or "."
local print_totals = dofile(here .. "/print_totals.lua")

local sums, rows = {}, {}
for row in db:query("select category, detected_on, victims from incidents") do
  local category, detected_on, victims = row.category, row.detected_on, row.victims
  sums[category] = (sums[category] or 0) + victims
  rows[category] = (rows[category] or 0) + 1
end
print_totals(sums, rows)
