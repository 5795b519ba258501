-- Tests of the vigil.db module (run by tests/db.t inside a temporary folder).
package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "tap"
local vdb = require "vigil.db"

-- A fresh database file in the current (temporary) folder.
local serial = 0
local function fresh(opts)
  serial = serial + 1
  local path = string.format("db_test_%d.db", serial)
  os.remove(path)
  return assert(vdb.open(path, opts)), path
end

-- Raises when fn() does not raise; returns the error (for checks on it).
local function err_of(fn)
  local ok, e = pcall(fn)
  return not ok and e or nil
end

---------------------------------------------------------------- module
T.like(vdb.sqlite_version, "^3%.%d+%.%d+", "sqlite_version")
T.is(type(vdb.NULL), "userdata", "NULL is a light userdata")

---------------------------------------------------------------- types roundtrip
do
  local db = fresh()
  db:exec("create table v(x)")
  local vi = "Tây Ninh — phòng, chống mua bán người"
  local cases = {
    {"integer", 42}, {"negative", -7}, {"maxint", math.maxinteger}, {"minint", math.mininteger},
    {"float", 1.5}, {"float 1.0 stays float", 1.0}, {"tiny float", 1e-300},
    {"text", "hello"}, {"Vietnamese UTF-8", vi}, {"empty string", ""},
    {"embedded zero", "a\0b\0"},
  }
  for _, c in ipairs(cases) do
    db:exec("delete from v")
    db:exec("insert into v values (?)", c[2])
    local got = db:scalar("select x from v")
    T.is(got, c[2], "roundtrip " .. c[1])
  end
  T.is(db:scalar("select length(?)", vi), utf8.len(vi), "UTF-8 text is TEXT to SQLite (length in characters)")
  T.is(db:scalar("select typeof(?)", "a\0b"), "text", "strings bind as TEXT")
  T.is(db:scalar("select length(cast(? as blob))", "a\0b"), 3, "embedded zero kept")
  T.is(db:scalar("select x'00ff0041'"), "\0\255\0A", "BLOB -> string with zero bytes")
  T.is(db:scalar("select zeroblob(0)"), "", "empty BLOB -> empty string")
  T.is(db:scalar("select typeof(?)", true), "integer", "boolean binds as integer")
  T.is(db:scalar("select ? + ?", true, false), 1, "true -> 1, false -> 0")
  T.is(db:scalar("select typeof(?)", nil), "null", "nil binds NULL")
  T.is(db:scalar("select typeof(?)", vdb.NULL), "null", "vigil.db.NULL binds NULL")
  T.is(db:scalar("select null"), nil, "NULL -> nil")
  T.is(math.type(db:scalar("select 3")), "integer", "INTEGER -> Lua integer")
  T.is(math.type(db:scalar("select 3.0")), "float", "REAL -> Lua float")
  T.is(db:first("select 1 as a, null as b, 'x' as c"), {a = 1, c = "x"}, "row tables lack NULL keys")
  T.is({db:prepare("select 1, null, 3"):values()}, {1, nil, 3}, "values keep NULL positions")
  T.is(select("#", db:prepare("select 1, null, null"):values()), 3, "values count includes NULLs")
  db:close()
end

---------------------------------------------------------------- binding
do
  local db = fresh()
  T.is(db:scalar("select :a || @b || $c", {a = "x", b = "y", c = "z"}), "xyz", "named :a @b $c")
  T.is(db:scalar("select ? || ?", {"p", "q"}), "pq", "table array part binds ?")
  T.is(db:scalar("select ?2 || ?1", "one", "two"), "twoone", "?N positional")
  T.is(db:scalar("select :k || ?", {k = "n", [2] = "m"}), "nm", "mixed named and ? by index")
  T.is(db:scalar("select :x", 5), 5, "named parameter bound by position")
  T.is(db:scalar("select coalesce(:x, 'null')", {x = vdb.NULL}), "null", "NULL by name")
  T.raises(function() db:scalar("select ? + ?", 1) end,
    "missing value for parameter %?2 %(1 given, 2 expected%)", "too few values names the parameter")
  T.raises(function() db:scalar("select ?", 1, 2) end,
    "too many values %(2 given, 1 expected%)", "too many values")
  T.raises(function() db:scalar("select :district", {distric = "x"}) end,
    "missing value for parameter :district", "missing name names the parameter")
  T.raises(function() db:scalar("select ?", {}) end,
    "missing value for parameter %?1", "missing array value")
  T.raises(function() db:scalar("select ?", {{}}) end,
    "cannot bind a table value to parameter %?1", "table value refused")
  T.raises(function() db:scalar("select ?", print) end,
    "cannot bind a function value", "function value refused")
  local quote = "x'); drop table t; --"
  T.is(db:scalar("select ?", quote), quote, "values are bound, never pasted")
  db:close()
end

---------------------------------------------------------------- query / values / rows / first / scalar
do
  local db = fresh()
  db:exec([[
    create table inc(id integer primary key, category text, victims integer);
    insert into inc(category, victims) values
      ('illegal_exit', 2), ('human_trafficking', 3), ('illegal_exit', 1);
  ]])
  local seen = {}
  for row in db:query("select id, category, victims from inc order by id") do
    seen[#seen + 1] = row
  end
  T.is(seen, {
    {id = 1, category = "illegal_exit", victims = 2},
    {id = 2, category = "human_trafficking", victims = 3},
    {id = 3, category = "illegal_exit", victims = 1},
  }, "query yields row tables")
  local sums = {}
  for cat, n in db:values("select category, sum(victims) from inc group by category order by 1") do
    sums[#sums + 1] = cat .. "=" .. n
  end
  T.is(sums, {"human_trafficking=3", "illegal_exit=3"}, "values yields columns")
  T.is(#db:rows("select * from inc where victims > ?", 1), 2, "rows with a parameter")
  T.is(db:first("select category from inc where id = :id", {id = 2}), {category = "human_trafficking"}, "first")
  T.is(db:scalar("select count(*) from inc"), 3, "scalar")
  -- empty results
  T.is(db:rows("select * from inc where 0"), {columns = {"id", "category", "victims"}},
       "rows on empty result is {} with its columns")
  T.is(db:first("select * from inc where 0"), nil, "first on empty result is nil")
  T.is(db:scalar("select id from inc where 0"), nil, "scalar on empty result is nil")
  local n = 0
  for _ in db:query("select * from inc where 0") do n = n + 1 end
  for _ in db:values("select * from inc where 0") do n = n + 1 end
  T.is(n, 0, "query and values on empty results run no iteration")
  T.is(db:scalar("create table z(a)"), nil, "scalar of a statement without rows is nil")
  T.raises(function() for _ in db:values("select null, 1") do end end,
    "first column is NULL", "values refuses a NULL first column instead of stopping silently")
  T.raises(function() db:rows("select 1; select 2") end, "more than one statement", "one statement only")
  T.raises(function() db:first("  -- nothing\n") end, "no SQL statement", "empty SQL refused")
  T.is(db:scalar("select 7; -- trailing comment\n ;"), 7, "trailing comments and semicolons allowed")
  -- the iterator, called again after the end, keeps returning nil
  local it = db:query("select 1 as one")
  T.is(it(), {one = 1}, "manual iteration")
  T.is(it(), nil, "end")
  T.is(it(), nil, "still the end")
  -- duplicate column names: the later wins; aliases are the cure
  T.is(db:first("select 1 as a, 2 as a"), {a = 2}, "duplicate names: later column wins")
  db:close()
end

---------------------------------------------------------------- iterators finalize their statements
do
  local db = fresh()
  db:exec("create table t(a); insert into t values (1), (2), (3)")
  -- control: a statement left mid-way makes DROP TABLE fail, so the checks below can fail
  local it = db:query("select a from t")
  it()
  T.raises(function() db:exec("drop table t") end, "locked", "control: pending statement blocks DROP")
  local _, _, _, st = db:query("select 1") -- (a second, never stepped statement)
  T.ok(st:isopen(), "control: statement open before use")
  db:close()

  db = fresh()
  db:exec("create table t(a); insert into t values (1), (2), (3)")
  local f, s, c, stmt = db:query("select a from t")
  for _ in f, s, c, stmt do break end
  T.ok(not stmt:isopen(), "break closes the statement (to-be-closed 4th value)")
  T.ok(pcall(db.exec, db, "drop table t"), "DROP TABLE works after break")

  db:exec("create table t(a); insert into t values (1), (2), (3)")
  local f2, s2, c2, stmt2 = db:values("select a from t")
  local e = err_of(function() for _ in f2, s2, c2, stmt2 do error("inside loop") end end)
  T.like(e, "inside loop", "error inside loop propagates")
  T.ok(not stmt2:isopen(), "error inside loop closes the statement")
  T.ok(pcall(db.exec, db, "drop table t"), "DROP TABLE works after an error in a loop")

  db:exec("create table t(a); insert into t values (1)")
  local _, _, _, stmt3 = db:query("select a from t")
  T.ok(stmt3:isopen(), "statement open before the loop")
  for _ in db:query("select a from t") do end
  local f4, s4, c4, stmt4 = db:query("select a from t")
  for _ in f4, s4, c4, stmt4 do end
  T.ok(not stmt4:isopen(), "statement closed at the end of the loop")
  T.ok(db:close(), "close finalizes the rest")
  T.ok(not stmt3:isopen(), "close marks owned statements closed")
  T.raises(function() stmt3:step() end, "statement is closed", "a statement of a closed db raises")
end

---------------------------------------------------------------- statements
do
  local db = fresh()
  db:exec("create table t(id integer primary key, name text)")
  local ins = db:prepare("insert into t(name) values (:name)")
  for _, name in ipairs({"An Giang", "Tây Ninh", "Long An"}) do
    ins:bind{name = name}
    T.is(ins:step(), nil, "insert step returns nil (" .. name .. ")")
  end
  T.is(db:last_insert_rowid(), 3, "last_insert_rowid")
  T.is(ins:sql(), "insert into t(name) values (:name)", "sql()")
  T.like(tostring(ins), "^vigil%.db%.Stmt %(insert into t", "Stmt __tostring")
  T.ok(ins:close(), "close")
  T.ok(ins:close(), "close is idempotent")
  T.like(tostring(ins), "%(closed%)", "closed Stmt __tostring")
  T.raises(function() ins:bind{name = "x"} end, "statement is closed", "closed statement raises")

  local sel = db:prepare("select id, name from t where id >= ? order by id")
  T.is(sel:columns(), {"id", "name"}, "columns")
  sel:bind(2)
  T.is(sel:step(), {id = 2, name = "Tây Ninh"}, "step row 1")
  T.is({sel:values()}, {3, "Long An"}, "values on the next row")
  T.is(sel:step(), nil, "step at the end is nil")
  T.is(sel:step(), {id = 2, name = "Tây Ninh"}, "after the end the statement starts over")
  sel:reset()
  T.is(sel:step().id, 2, "reset rewinds, bindings stay")
  local ids = {}
  for row in sel:rows(1) do ids[#ids + 1] = row.id end
  T.is(ids, {1, 2, 3}, "stmt:rows(args) rebinds")
  ids = {}
  for row in sel:rows() do ids[#ids + 1] = row.id; break end
  T.is(ids, {1}, "stmt:rows() keeps bindings")
  T.ok(sel:isopen(), "stmt:rows leaves the statement open after break")
  T.ok(pcall(db.exec, db, "create index t_name on t(name)"), "but reset, holding no lock")
  T.is(select("#", sel:values()), 2, "a row after rows()")
  db:close()
  T.raises(function() sel:step() end, "statement is closed", "db:close() closes prepared statements")
end

---------------------------------------------------------------- exec
do
  local db = fresh()
  T.is(db:exec("create table a(x); create table b(x);\n insert into a values (1);"), true, "exec script")
  T.is(db:exec("insert into a values (:v); insert into b values (:v)", {v = 9}), true, "exec with named values")
  T.is(db:scalar("select count(*) from b where x = 9"), 1, "bound in every statement")
  T.is(db:changes(), 1, "changes")
  db:exec("update a set x = x + 1")
  T.is(db:changes(), 2, "changes after update")
  local e = err_of(function() db:exec("insert into a values (2); insert into nope values (3)") end)
  T.like(e, "vigil%.db: no such table: nope %(in: insert into nope values %(3%)%)", "error names the failing statement")
  T.raises(function() db:exec("select 1", 2) end, "no parameters", "values without parameters refused")
  T.is(db:exec(""), true, "empty script")
  T.is(db:exec("  -- only a comment"), true, "comment-only script")
  db:close()
end

---------------------------------------------------------------- errors
do
  local db = fresh()
  local e = err_of(function() db:rows("select * from nope") end)
  T.like(e, "vigil%.db: no such table: nope %(in: select %* from nope%)", "SQLite message and SQL")
  local long = "select * from nope where " .. string.rep("x = 'ế' and ", 40) .. "1"
  e = err_of(function() db:rows(long) end)
  local excerpt = e:match("%(in: (.*)%)$")
  T.ok(excerpt and #excerpt <= 203 and excerpt:sub(-3) == "...", "long SQL is cut to ~200 bytes")
  T.ok(excerpt and utf8.len(excerpt) ~= nil, "the cut keeps valid UTF-8")
  e = err_of(function() db:rows("select\n  1\n  from nope") end)
  T.like(e, "%(in: select 1 from nope%)", "SQL excerpt on one line")
  db:exec("create table c(x integer not null)")
  T.raises(function() db:exec("insert into c values (null)") end, "NOT NULL constraint failed: c%.x", "step errors raise")
  T.raises(function() db:query(nil) end, "bad argument #1 to 'query' %(string expected, got nil%)", "query(nil)")
  T.raises(function() db:rows(42 > 1) end, "bad argument #1 to 'rows' %(string expected, got boolean%)", "rows(true)")
  T.raises(function() db.scalar(nil, "select 1") end, "vigil%.db%.Db expected, got nil", "bad self")
  T.raises(function() vdb.open() end, "bad argument #1 to 'open'", "open without path")
  T.raises(function() vdb.open("x.db", 5) end, "table expected", "open with bad options")
  T.raises(function() vdb.open("x.db", {timeout = -1}) end, "timeout must be", "open with a bad timeout")
  T.raises(function() db:transaction(5) end, "function expected", "transaction without a function")
  T.like(tostring(db), "^vigil%.db %(db_test_%d+%.db%)$", "Db __tostring")
  T.like(db:path(), "^db_test_%d+%.db$", "path()")
  T.ok(db:isopen(), "isopen")
  T.is(db:close(), true, "close")
  T.is(db:close(), true, "close again")
  T.ok(not db:isopen(), "closed")
  T.is(tostring(db), "vigil.db (closed)", "closed Db __tostring")
  T.like(db:path(), "^db_test_%d+%.db$", "path() after close")
  for _, m in ipairs({"query", "values", "rows", "first", "scalar", "exec", "prepare",
                      "changes", "last_insert_rowid", "interrupt"}) do
    T.raises(function() db[m](db, "select 1") end, "attempt to use a closed database", m .. " on a closed db")
  end
  T.raises(function() db:transaction(function() end) end, "closed database", "transaction on a closed db")
  T.raises(function() db:create_function("f", 0, print) end, "closed database", "create_function on a closed db")
  do
    local db2 <close> = fresh()
    db = db2
  end
  T.ok(not db:isopen(), "__close closes the database")
end

---------------------------------------------------------------- open
do
  local db, msg, code = vdb.open("no/such/folder/x.db")
  T.ok(db == nil and code == 14, "open in a missing folder: nil, msg, SQLITE_CANTOPEN")
  T.like(msg, "^no/such/folder/x%.db: unable to open database file", "open failure message names the path")
  db, msg, code = vdb.open("absent.db", {create = false})
  T.ok(db == nil and code == 14, "create=false on a missing file fails")
  T.like(msg, "absent%.db", "message names the file")
  local f = assert(io.open("garbage.db", "wb"))
  f:write(string.rep("this is not a database\n", 100))
  f:close()
  db, msg, code = vdb.open("garbage.db")
  T.ok(db == nil and code == 26, "not a database: SQLITE_NOTADB")
  T.like(msg, "file is not a database", "not a database message")
  db, msg, code = vdb.open("garbage.db", {readonly = true})
  T.ok(db == nil and code == 26, "not a database, read-only too")

  local rw, path = fresh()
  T.is(rw:scalar("pragma journal_mode"), "wal", "read-write connections use WAL")
  T.is(rw:scalar("pragma foreign_keys"), 1, "foreign keys on")
  rw:exec("create table p(id integer primary key); create table ch(p references p(id))")
  T.raises(function() rw:exec("insert into ch values (5)") end, "FOREIGN KEY constraint failed", "foreign keys enforced")
  rw:exec("insert into p values (1)")
  local ro = assert(vdb.open(path, {readonly = true}))
  T.is(ro:scalar("select count(*) from p"), 1, "read-only connection reads")
  T.is(ro:scalar("pragma foreign_keys"), 1, "read-only connection has foreign keys on")
  T.raises(function() ro:exec("insert into p values (2)") end, "attempt to write a readonly database", "read-only refuses writes")
  ro:close()

  -- SQLITE_BUSY after the busy timeout (0 ms here: no waiting in tests)
  local other = assert(vdb.open(path, {timeout = 0}))
  rw:transaction(function()
    rw:exec("insert into p values (2)")
    T.raises(function() other:exec("insert into p values (3)") end, "database is locked", "a second writer gets BUSY")
  end)
  T.is(other:scalar("select count(*) from p"), 2, "the first writer's work is visible after commit")
  other:close()
  rw:close()
end

---------------------------------------------------------------- transactions
do
  local db = fresh()
  db:exec("create table t(x)")
  T.is({db:transaction(function(a, b)
    db:exec("insert into t values (1)")
    return a + b, "done"
  end, 2, 3)}, {5, "done"}, "transaction returns fn's results")
  T.is(db:scalar("select count(*) from t"), 1, "committed")
  local boom = {}
  local ok, e = pcall(db.transaction, db, function()
    db:exec("insert into t values (2)")
    error(boom)
  end)
  T.ok(not ok and rawequal(e, boom), "the error object is re-raised unchanged")
  T.is(db:scalar("select count(*) from t"), 1, "rolled back")
  ok, e = pcall(db.transaction, db, function() error("plain", 0) end)
  T.is(e, "plain", "string errors unchanged too")
  db:transaction(function()
    db:exec("insert into t values (10)")
    local inner_ok = pcall(db.transaction, db, function()
      db:exec("insert into t values (11)")
      error("inner fails")
    end)
    T.ok(not inner_ok, "inner transaction failed")
    db:transaction(function() db:exec("insert into t values (12)") end)
  end)
  T.is(db:rows("select x from t order by x"), {{x = 1}, {x = 10}, {x = 12}, columns = {"x"}},
       "nested: inner rollback, outer commit")
  pcall(db.transaction, db, function()
    db:transaction(function() db:exec("insert into t values (20)") end)
    error("outer fails")
  end)
  T.is(db:scalar("select count(*) from t where x = 20"), 0, "outer rollback undoes a released inner savepoint")
  T.is(db:scalar("select count(*) from t"), 3, "nothing else changed")
  local results = {db:transaction(function() end)}
  T.is(#results, 0, "no results from an empty fn")
  db:close()
end

---------------------------------------------------------------- SQL functions in Lua
do
  local db = fresh()
  T.is(db:create_function("twice", 1, function(x) return x * 2 end), true, "create_function")
  T.is(db:scalar("select twice(21)"), 42, "integer result")
  T.is(db:scalar("select twice(1.25)"), 2.5, "float result")
  local seen
  db:create_function("types", -1, function(...)
    seen = table.pack(...)
    local out = {}
    for i = 1, seen.n do out[i] = math.type(seen[i]) or type(seen[i]) end
    return table.concat(out, ",")
  end)
  T.is(db:scalar("select types(1, 2.5, 'tết', x'0001', null)"), "integer,float,string,string,nil",
    "argument types")
  T.is(seen[3], "tết", "text argument")
  T.is(seen[4], "\0\1", "blob argument")
  T.is(seen.n, 5, "NULL argument counted")
  db:create_function("nada", 0, function() end)
  T.is(db:scalar("select typeof(nada())"), "null", "no result -> NULL")
  db:create_function("nul", 0, function() return vdb.NULL end)
  T.is(db:scalar("select typeof(nul())"), "null", "vigil.db.NULL result -> NULL")
  db:create_function("yes", 0, function() return true end)
  T.is(db:scalar("select yes()"), 1, "boolean result -> 1")
  db:create_function("tbl", 0, function() return {} end)
  T.raises(function() db:scalar("select tbl()") end, "SQL function returned a table value", "table result refused")
  db:create_function("boom", 1, function(x) error("bad district " .. x) end)
  local e = err_of(function() db:scalar("select boom('xyz')") end)
  T.like(e, "bad district xyz", "a Lua error becomes an SQL error with the Lua message")
  T.like(e, "%(in: select boom%('xyz'%)%)", "and the SQL")
  db:create_function("boom2", 0, function() error({}) end)
  T.raises(function() db:scalar("select boom2()") end, "non%-string error", "non-string error objects")
  T.raises(function() db:create_function("f", 200, print) end, "must be from %-1 to 127", "nargs range")
  T.raises(function() db:create_function("f", 1, "print") end, "function expected", "fn must be a function")
  T.raises(function() db:scalar("select twice(1, 2)") end, "wrong number of arguments", "nargs enforced by SQLite")
  db:create_function("twice", 1, function(x) return x * 3 end)
  T.is(db:scalar("select twice(2)"), 6, "redefining replaces the function")
  -- SQL functions run queries of their own
  db:exec("create table d(code, name); insert into d values ('tn', 'Tây Ninh')")
  db:create_function("dname", 1, function(c) return db:scalar("select name from d where code = ?", c) end)
  T.is(db:scalar("select dname('tn')"), "Tây Ninh", "nested query inside an SQL function")
  -- misuse from inside: closing the db or the running statement
  db:create_function("close_db", 0, function() db:close() end)
  T.raises(function() db:scalar("select close_db()") end, "cannot close the database while its statement runs",
    "closing the db from its SQL function is refused")
  T.ok(db:isopen(), "db still open")
  local st
  db:create_function("selfstep", 0, function() st:step() end)
  st = db:prepare("select selfstep()")
  T.raises(function() st:step() end, "statement is running", "a statement cannot step itself")
  st:close()
  -- works from a coroutine too
  local co = coroutine.wrap(function() return db:scalar("select twice(5)") end)
  T.is(co(), 15, "SQL function called while running in a coroutine")
  -- interrupt
  db:create_function("stop", 1, function(x) if x == 1000 then db:interrupt() end return x end)
  T.raises(function()
    db:scalar("with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000) select sum(stop(x)) from c")
  end, "interrupted", "db:interrupt stops the running statement")
  T.is(db:scalar("select 1"), 1, "and the db works afterwards")
  db:close()
end

---------------------------------------------------------------- schema changes and odd paths
do
  local db = fresh()
  db:exec("create table t(a); insert into t values (1)")
  local st = db:prepare("select * from t")
  T.is(st:step(), {a = 1}, "before the schema change")
  st:reset()
  db:exec("alter table t add column b default 'x'")
  T.is(st:step(), {a = 1, b = "x"}, "column names follow a re-prepare after ALTER TABLE")
  T.is(st:columns(), {"a", "b"}, "columns() too")
  st:close()
  T.raises(function() db:exec("insert into t values (?, ?)") end,
    "missing value for parameter %?1", "exec of a statement with parameters needs values")
  T.raises(function()
    db:transaction(function() db:exec("commit") end)
  end, "no such savepoint", "a COMMIT inside a transaction surfaces when it ends")
  T.is(db:exec("insert into t values (2, 'y')"), true, "db still usable")
  local sel = db:prepare("select a from t order by a")
  T.raises(function() for _ in sel:rows() do error("stop") end end, "stop", "error in a stmt:rows loop")
  T.ok(sel:isopen(), "the prepared statement survives")
  T.ok(pcall(db.exec, db, "drop table t"), "and was reset: DROP TABLE works")
  sel:close()
  db:close()
end

---------------------------------------------------------------- many statements and garbage
do
  local db = fresh()
  for i = 1, 200 do
    local _ = db:prepare("select " .. i)
    for _ in db:query("select ?", i) do break end
  end
  collectgarbage()
  collectgarbage()
  T.is(db:scalar("select 1"), 1, "statements collected by the GC")
  local keep = db:prepare("select 1")
  db = nil
  collectgarbage()
  T.ok(keep:isopen(), "a statement keeps its db alive")
  T.is(keep:step(), {["1"] = 1}, "and works")
end

T.done()
