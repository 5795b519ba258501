-- Tests of the C counting path of vigil.trend (db:aggregate): on a small database of
-- awkward values (NULL categories, times that are no dates, datetimes, Julian day
-- numbers, 1 and 1.0, blobs), every series counted in C must equal the one SQLite's
-- GROUP BY gives (aggregate = false), for every period, with and without `by`, for
-- count and count(col), with a where clause and a range; and db:aggregate itself must
-- give what GROUP BY gives. Run by tests/trend.t.
local here = arg and arg[0] and arg[0]:match("^(.*)/") or "."
package.path = here .. "/?.lua;" .. package.path
local T = require "tap"
local trend = require "vigil.trend"
local vdb = require "vigil.db"

local conn = assert(vdb.open(":memory:"))
conn:exec([[
CREATE TABLE t (id INTEGER PRIMARY KEY, day ANY, kind ANY, n INTEGER);
INSERT INTO t (day, kind, n) VALUES
  ('2020-01-15', 'a', 2), ('2020-01-15', 'a', NULL), ('2020-01-20', 'b', NULL),
  ('2020-01-31 23:59:59', 'a', 1), ('2020-02-01T00:00', NULL, 1), ('2020-02-29', NULL, NULL),
  ('2020-12-31', 'b', 4), ('2021-01-03', 'b', 1), ('2021-01-04', 'a', 1),
  ('not a date', 'a', 1), ('2021-02-30', 'b', 1), (2459000.5, 'a', 1), (2459000, 'a', 7),
  ('2021-03-01', 1, 1), ('2021-03-02', 1.0, 1), ('2021-03-03', x'00ff', 1),
  ('2021-03-04', 'ä', 3), ('2021-03-04', 'ä', NULL);
]])

local PERIODS = { "day", "week", "month", "quarter", "year" }

-- Every cell of s as text, with the metadata that must agree (dropped rows).
local function dump(s)
  local out = { "dropped " .. tostring(s.meta.dropped) }
  for _, c in ipairs(s:categories()) do
    local col = s:column(c)
    for i, p in ipairs(s:periods()) do
      out[#out + 1] = ("%s|%s|%s"):format(p, tostring(c), tostring(col[i]))
    end
  end
  return table.concat(out, "\n")
end

for _, period in ipairs(PERIODS) do
  for _, by in ipairs { "kind", false } do
    for _, measure in ipairs { "count", "count(n)" } do
      local spec = { db = conn, from = "t", time = "day", period = period, by = by or nil,
                     measure = measure }
      local c = dump(trend.series(spec))
      spec.aggregate = false
      local sql = dump(trend.series(spec))
      T.is(c, sql, ("%s by %s, %s: counted in C as by GROUP BY"):format(period, by or "-", measure))
    end
  end
end

-- where, params, range and categories go through the same way
local spec = { db = conn, from = "t", time = "day", period = "month", by = "kind",
               where = "n >= ?", params = { 1 }, range = { "2020-01", "2021-03" },
               categories = { "z" } }
local c = dump(trend.series(spec))
spec.aggregate = false
T.is(c, dump(trend.series(spec)), "where, params, range, categories: the same series")
spec = { db = conn, from = "t", time = "day", period = "quarter", where = "kind = :k",
         params = { k = "a" } }
c = dump(trend.series(spec))
spec.aggregate = false
T.is(c, dump(trend.series(spec)), "named parameters: the same series")

-- the counts are really made in C: the SQL kept in the metadata has no GROUP BY
local s = trend.series{ db = conn, from = "t", time = "day", by = "kind" }
T.ok(not s.meta.sql:find("GROUP BY"), "count by kind runs without GROUP BY: " .. s.meta.sql)
s = trend.series{ db = conn, from = "t", time = "day", by = "kind", aggregate = false }
T.ok(s.meta.sql:find("GROUP BY 1, 2$") ~= nil, "aggregate = false groups in SQLite")
s = trend.series{ db = conn, from = "t", time = "day", measure = "sum(n)" }
T.ok(s.meta.sql:find("GROUP BY") ~= nil, "sum(col) groups in SQLite")

-- db:aggregate against GROUP BY (1 and 1.0 are one group, NULL is vigil.db.NULL)
local got = {}
for _, row in ipairs(conn:aggregate("SELECT kind, n FROM t")) do
  got[#got + 1] = ("%s|%s|%d"):format(row[1] == vdb.NULL and "NULL" or tostring(row[1]),
                                      row[2] == vdb.NULL and "NULL" or tostring(row[2]), row[3])
end
table.sort(got)
local want = {}
for _, row in ipairs(conn:rows("SELECT kind, n, count(*) c FROM t GROUP BY 1, 2")) do
  want[#want + 1] = ("%s|%s|%d"):format(row.kind == nil and "NULL" or tostring(row.kind),
                                        row.n == nil and "NULL" or tostring(row.n), row.c)
end
table.sort(want)
T.is(table.concat(got, "\n"), table.concat(want, "\n"), "db:aggregate counts as GROUP BY")
local first = conn:aggregate("SELECT ?1, ?2", 1, "x")[1]
T.is(first[1], 1, "aggregate: an integer key stays an integer")
T.is(math.type(first[1]), "integer", "aggregate: its type too")
T.is(first[3], 1, "aggregate: the count follows the keys")
T.is(#conn:aggregate("SELECT day FROM t WHERE 0"), 0, "aggregate: no rows, no groups")
T.raises(function() conn:aggregate("SELECT 1; SELECT 2") end, "more than one statement",
         "aggregate: one statement only")
T.raises(function() conn:aggregate("SELECT nosuch FROM t") end, "no such column",
         "aggregate: SQL errors raise")
-- many groups: the hash table grows (index, arena and group blocks)
local many = conn:aggregate([[WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k
                              WHERE i < 30000) SELECT i % 20000, printf('%040d', i % 20000) FROM k]])
local total, twos = 0, 0
for _, row in ipairs(many) do
  total = total + row[3]
  twos = twos + (row[3] == 2 and 1 or 0)
end
T.ok(#many == 20000 and total == 30000 and twos == 10000,
     ("aggregate: 20000 groups of 30000 rows (%d groups, %d rows, %d of 2)"):format(#many, total, twos))
-- the groups come in order of first appearance
local order = {}
for _, row in ipairs(conn:aggregate([[SELECT column1 FROM (VALUES ('c'), ('a'), ('c'), ('b'), ('a'))]])) do
  order[#order + 1] = row[1] .. row[2]
end
T.is(table.concat(order, " "), "c2 a2 b1", "aggregate: groups in order of first appearance")
conn:close()

-- Awkward keys, in a UTF-8 and in a UTF-16 database (text read as it is stored in the
-- one, converted in the other): long text (the key's length escape at 255 bytes),
-- embedded NULs, text and blob with the same bytes, '1', 1 and 1.0, -0.0, empty text
-- and blob, NULL; each must be its own group exactly as GROUP BY makes them.
for _, encoding in ipairs { "UTF-8", "UTF-16le" } do
  local c = assert(vdb.open(":memory:"))
  c:exec("PRAGMA encoding = '" .. encoding .. "'")
  c:exec("CREATE TABLE k (a ANY, b ANY)")
  local values = { "1", 1, 1.0, -0.0, 0, "", vdb.NULL, "x\0y", "x\0z", "x",
                   ("é"):rep(127), ("é"):rep(128), ("a"):rep(254), ("a"):rep(255),
                   ("a"):rep(256), ("ư"):rep(40000), 2.5, -2.5, 1e300 }
  for i, v in ipairs(values) do
    c:exec("INSERT INTO k VALUES (?1, ?2)", v, i % 3)
    c:exec("INSERT INTO k VALUES (?1, ?2)", v, (i + 1) % 3)
    c:exec("INSERT INTO k VALUES (?1, ?2)", v, i % 3)
  end
  c:exec("INSERT INTO k SELECT CAST(a AS BLOB), b FROM k WHERE typeof(a) = 'text'")
  local function show(v)
    if v == vdb.NULL or v == nil then return "NULL" end
    if math.type(v) == "float" then return ("float:%.17g"):format(v) end
    if math.type(v) == "integer" then return "int:" .. v end
    return ("str:%d:%s"):format(#v, v:sub(1, 12))
  end
  local agg = {}
  for _, row in ipairs(c:aggregate("SELECT a, b, typeof(a) FROM k")) do
    agg[#agg + 1] = table.concat({ show(row[1]), show(row[2]), row[3], row[4] }, "|")
  end
  table.sort(agg)
  local sql = {}
  for n, t, a, b in c:values("SELECT count(*), typeof(a), a, b FROM k GROUP BY a, b, typeof(a)") do
    sql[#sql + 1] = table.concat({ show(a), show(b), t, n }, "|")
  end
  table.sort(sql)
  T.is(table.concat(agg, "\n"), table.concat(sql, "\n"),
       "aggregate: awkward keys group as GROUP BY in a " .. encoding .. " database")
  T.ok(#agg > 40, "aggregate: " .. encoding .. ": " .. #agg .. " groups")
  c:close()
end
T.done()
