-- Row-iteration contestant (d): vigil's db:values, the columns of each row as multiple
-- values (no table per row).  Usage: vigil --db DATABASE vigil_values.lua
local here = arg[0]:match("^(.*)/") or "."
local print_totals = dofile(here .. "/print_totals.lua")

local sums, rows = {}, {}
for category, detected_on, victims in db:values("select category, detected_on, victims from incidents") do
  sums[category] = (sums[category] or 0) + victims
  rows[category] = (rows[category] or 0) + 1
end
print_totals(sums, rows)
