-- Runs every ```lua block of docs/db.md (arg[1]), each with `db` open on a fresh,
-- empty database in the current folder, and checks every function has an example.
package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "tap"
local vdb = require "vigil.db"

local doc_path = assert(arg[1], "usage: db_docs_test.lua docs/db.md")
local blocks, unterminated = require("mdblocks").read(doc_path)
T.ok(not unterminated, "no unterminated lua block")
T.ok(#blocks >= 20, "docs hold the examples (" .. #blocks .. " blocks)")

-- Every function of the module needs an example that calls it.
local all = table.concat((function()
  local out = {}
  for i, b in ipairs(blocks) do out[i] = table.concat(b.lines, "\n") end
  return out
end)(), "\n")
for _, name in ipairs({"open", "lazy", "NULL", "sqlite_version"}) do
  T.ok(all:find("vdb." .. name, 1, true), "example of vigil.db." .. name)
end
for _, name in ipairs({"query", "values", "rows", "aggregate", "first", "scalar", "exec", "prepare",
                       "transaction", "create_function", "changes", "last_insert_rowid",
                       "interrupt", "path", "isopen", "close", "bind", "step", "reset",
                       "columns", "sql"}) do
  T.ok(all:find(":" .. name .. "%(") or all:find("%." .. name .. ", "), "example of " .. name)
end

-- Runs each block in its own environment: `db` on a fresh database, print as TAP
-- comments, everything else from _G.  Files the examples open by relative name land
-- in the current (scratch) folder.
for i, b in ipairs(blocks) do
  local path = string.format("docs_block_%d.db", i)
  os.remove(path)
  local db = assert(vdb.open(path))
  local env = setmetatable({
    db = db,
    print = function(...)
      local parts = table.pack(...)
      for k = 1, parts.n do parts[k] = tostring(parts[k]) end
      T.diag(table.concat(parts, "\t"))
    end,
  }, {__index = _G})
  local name = string.format("docs/db.md:%d", b.start)
  local chunk, err = load(table.concat(b.lines, "\n"), "@" .. name, "t", env)
  local ok = chunk ~= nil
  if chunk then ok, err = pcall(chunk) end
  if not T.ok(ok, "example at " .. name .. " runs") then T.diag(tostring(err)) end
  db:close()
end

T.done()
