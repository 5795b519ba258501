-- Row-iteration contestant (b): plain lua5.4 with LuaSQL (Debian's lua-sql-sqlite3),
-- cursor:fetch() into locals.  Usage: lua5.4 luasql_loop.lua DATABASE
local here = arg[0]:match("^(.*)/") or "."
local print_totals = dofile(here .. "/print_totals.lua")
local driver = require "luasql.sqlite3"

local env = assert(driver.sqlite3())
local conn = assert(env:connect(assert(arg[1], "usage: luasql_loop.lua DATABASE")))
local cur = assert(conn:execute("select category, detected_on, victims from incidents"))
local sums, rows = {}, {}
local category, detected_on, victims = cur:fetch()
while category do
  sums[category] = (sums[category] or 0) + victims
  rows[category] = (rows[category] or 0) + 1
  category, detected_on, victims = cur:fetch()
end
cur:close()
conn:close()
env:close()
print_totals(sums, rows)
