-- The prelude: runs in every vigil state before any user code. It makes the global
-- `vigil` table and the global `db`, the default database, opened on first use.
local core = require "vigil.core"
local dbmodule = require "vigil.db"

local connection -- the open default connection, or nil

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

-- Returns the default connection, opening it (and building its file) on first use.
local function default_connection()
  if connection and connection:isopen() then
    return connection
  end
  local path = core.db_path
  build_if_missing(path)
  local conn, msg = dbmodule.open(path)
  if not conn then
    error(("cannot open database '%s': %s"):format(path, msg), 0)
  end
  connection = conn
  return conn
end

-- The global `db`: a stand-in for the default connection. Any field opens it; methods
-- called on the stand-in run on the real connection.
local default_db = {}
setmetatable(default_db, {
  __name = "vigil.db",
  __index = function(proxy, key)
    local value = default_connection()[key]
    if type(value) ~= "function" then
      return value
    end
    local function method(self, ...)
      local conn = default_connection()
      if self == proxy then
        self = conn
      end
      return conn[key](self, ...)
    end
    rawset(proxy, key, method)
    return method
  end,
  __tostring = function()
    if connection and connection:isopen() then
      return tostring(connection)
    end
    return ("vigil.db (%s, not opened yet)"):format(core.db_path)
  end,
  __close = function()
    if connection then
      connection:close()
    end
  end,
})

db = default_db

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
  -- vigil.default_db() -> the real default connection (opening it), for C bindings
  -- that need a Db userdata rather than the `db` stand-in.
  default_db = default_connection,
}

return vigil
