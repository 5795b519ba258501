-- The prelude: runs in every vigil state before any user code. It makes the global
-- `vigil` table and the global `db`, the default database, opened on first use.
local core = require "vigil.core"
local dbmodule = require "vigil.db"

-- Returns the path of the shipped datasets folder, or nil when vigil cannot find it.
local function datasets_dir()
  return core.share_dir and core.share_dir .. "/datasets"
end

-- Builds the default database from the shipped datasets when its file does not exist,
-- saying so on stderr.
local function build_if_missing(path)
  if path == ":memory:" or path == "" or path:match("^file:") or core.is_file(path) then
    return
  end
  local dir = datasets_dir()
  if not dir then
    error(("database '%s' does not exist and the shipped datasets were not found "
           .. "(set VIGIL_HOME to the folder holding datasets/)"):format(path), 0)
  end
  io.stderr:write(("vigil: database '%s' not found; building it from %s (synthetic records)\n")
                  :format(path, dir))
  local ok, msg = core.init_db(path, dir, { quiet = true })
  if not ok then
    error(msg, 0)
  end
end

-- The global `db`: the default connection, a vigil.db Db that opens itself on first
-- use (building its file first when it does not exist) and again after db:close().
local default_db = dbmodule.lazy(function()
  build_if_missing(core.db_path)
  return core.db_path
end)
db = default_db

-- db:export(sql, path [, params [, opts]]) -> rows | nil, msg: the rows of one query
-- to a CSV file, as csv.export(db, ...) (the method lives here so that vigil.db does not
-- depend on vigil.csv; every Db has it).
getmetatable(default_db).__index.export = function(self, sql, path, params, opts)
  return require("vigil.csv").export(self, sql, path, params, opts)
end

-- The library's other modules are globals loaded on first use (start-up stays as fast as
-- lua's): `plot` is require "vigil.plot" the first time a chunk reads it. A script that
-- sets its own metatable on _G can still require them.
local lazy_globals = { csv = "vigil.csv", plot = "vigil.plot", trend = "vigil.trend",
                       report = "vigil.report" }
setmetatable(_G, {
  __index = function(globals, name)
    local module = lazy_globals[name]
    if module and package.preload[module] then
      local value = require(module)
      rawset(globals, name, value)
      return value
    end
    return nil
  end,
})

vigil = {
  version = core.version,
  lua_version = core.lua_version,
  sqlite_version = core.sqlite_version,
  db_path = core.db_path,
  share_dir = core.share_dir,
  db = dbmodule,
  -- vigil.default_db() -> the default connection (the global `db` may be replaced
  -- by a script; this one is not).
  default_db = function() return default_db end,
  -- vigil.default_db_path() -> path of the default database, built first when its file
  -- does not exist (the sandbox opens it read-only itself).
  default_db_path = function()
    build_if_missing(core.db_path)
    return core.db_path
  end,
}

return vigil
