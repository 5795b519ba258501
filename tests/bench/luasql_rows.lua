-- Row-iteration contestant (b'): plain lua5.4 with LuaSQL, cursor:fetch({}, "a") making one
-- table per row keyed by column name — the LuaSQL counterpart of vigil's db:query.
-- Usage: lua5.4 luasql_rows.lua DATABASE
local here = arg[0]:match("^(.*)/") or "."
local print_totals = dofile(here .. "/print_totals.lua")
local driver = require "luasql.sqlite3"

local env = assert(driver.sqlite3())
local conn = assert(env:connect(assert(arg[1], "usage: luasql_rows.lua DATABASE")))
local cur = assert(conn:execute("select category, detected_on, victims from incidents"))
local sums, rows = {}, {}
local row = cur:fetch({}, "a")
while row do
  local category, victims = row.category, row.victims
  sums[category] = (sums[category] or 0) + victims
  rows[category] = (rows[category] or 0) + 1
  row = cur:fetch({}, "a")
end
cur:close()
conn:close()
env:close()
print_totals(sums, rows)
