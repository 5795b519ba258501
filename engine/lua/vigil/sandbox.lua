-- vigil.sandbox: running untrusted scripts (scheduled reports, `vigil --sandbox`).
--
-- A sandboxed script runs in an environment of its own (never _G) holding only safe
-- functions: no io, no os.execute/getenv/remove/rename/exit, no package, no debug, no
-- dofile/loadfile, `load` of text chunks only. Its `db` is the default database opened
-- read-only with SQLite's defensive settings and an authorizer (no ATTACH, VACUUM INTO,
-- writes, settings or extension loading). Memory and time are capped by
-- vigil.limits: a capped allocator, an instruction-count hook pcall cannot swallow, a
-- deadline that interrupts SQL, and a watchdog outside the VM that ends the process.
--
-- The privileged functions this module needs are captured here, when it loads, and
-- never handed to a script.
local limits = require "vigil.limits"
local dbmodule = require "vigil.db"
local core = require "vigil.core"

local io_open, load, require, setmetatable, getmetatable, type, pairs, error, tostring =
      io.open, load, require, setmetatable, getmetatable, type, pairs, error, tostring
local select, xpcall, string_format, traceback = select, xpcall, string.format, debug.traceback
local rawget, io_stdin = rawget, io.stdin

local sandbox = {}

-- The modules a sandboxed script may require, with their submodules ("vigil.trend.*").
-- Each sandbox loads its own copies from the sources compiled into vigil, in its own
-- environment: a script cannot change the modules trusted code uses, and what those
-- copies require goes through the sandbox's require too (so `s:plot{out = ...}` of a
-- trend series cannot reach vigil.plot and write a file).
sandbox.allowed_modules = { ["vigil.trend"] = true, ["vigil.args"] = true }

-- Returns true when a sandboxed script may require module name.
local function is_allowed(name)
  if sandbox.allowed_modules[name] then
    return true
  end
  local parent = name:match("^(vigil%.[%w_]+)%.")
  return parent ~= nil and sandbox.allowed_modules[parent] == true
end

-- Returns a shallow copy of table t (so a script changing string.gsub changes only its
-- own copy, not the library the trusted code uses).
local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

-- The metatable of strings is shared by every chunk; a script must not reach it.
local function safe_getmetatable(value)
  if type(value) == "string" or type(value) == "userdata" then
    return nil
  end
  return getmetatable(value)
end

-- collectgarbage without "stop", "incremental"/"generational" switches or "restart".
local function safe_collectgarbage(option, ...)
  option = option or "collect"
  if option == "collect" or option == "count" or option == "step" or option == "isrunning" then
    return collectgarbage(option, ...)
  end
  error(string_format("collectgarbage('%s') is not allowed in the sandbox", tostring(option)), 2)
end

-- sandbox.env([extra]) -> env
-- A fresh environment of safe globals, `db` (the default database, read-only and
-- guarded, opened on first use), `trend`, a `require` limited to sandbox.allowed_modules, and the fields of extra.
function sandbox.env(extra)
  local env = {
    assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs,
    pcall = pcall, xpcall = xpcall, print = print, rawequal = rawequal, rawget = rawget,
    rawlen = rawlen, rawset = rawset, select = select, setmetatable = setmetatable,
    getmetatable = safe_getmetatable, tonumber = tonumber, tostring = tostring,
    type = type, warn = warn, _VERSION = _VERSION,
    collectgarbage = safe_collectgarbage,
    string = copy(string), table = copy(table), math = copy(math), utf8 = copy(utf8),
    coroutine = copy(coroutine),
    os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime },
  }
  env._G = env
  -- load(chunk [, name [, mode [, env]]]): text only; the sandbox's env by default.
  env.load = function(chunk, name, mode, chunk_env)
    if mode ~= nil and mode ~= "t" then
      return nil, "only text chunks can be loaded in the sandbox"
    end
    return load(chunk, name, "t", select("#", chunk_env) > 0 and chunk_env or env)
  end
  local loaded = {
    -- vigil.db inside the sandbox: only its NULL sentinel (no open, no lazy).
    ["vigil.db"] = { NULL = dbmodule.NULL },
  }
  env.require = function(name)
    if type(name) ~= "string" then
      error("bad argument #1 to 'require' (string expected)", 2)
    end
    if loaded[name] ~= nil then
      return loaded[name]
    end
    if not is_allowed(name) then
      error(string_format("module '%s' is not available in the sandbox", name), 2)
    end
    local source, chunkname = core.embedded(name)
    if not source then
      error(string_format("module '%s' not found", name), 2)
    end
    local fn = assert(load(source, chunkname, "t", env))
    local module = fn(name)
    if module == nil then module = true end
    loaded[name] = module
    return module
  end
  env.db = dbmodule.lazy(function()
    return vigil.default_db_path(), { defensive = true, create = false }
  end)
  setmetatable(env, { __index = function(t, name)
    if name == "trend" then
      local m = env.require "vigil.trend"
      rawset(t, name, m)
      return m
    end
  end })
  for k, v in pairs(extra or {}) do env[k] = v end
  return env
end

-- sandbox.load_file(path, env) -> function | raises
-- Loads the script at path as text (a binary chunk is refused) with env as its _ENV.
function sandbox.load_file(path, env)
  local text
  if path == "-" then
    text = io_stdin:read("a")
    path = "stdin"
  else
    local f, msg = io_open(path, "rb")
    if not f then
      error("cannot open " .. msg, 0)
    end
    text = f:read("a")
    f:close()
  end
  if text:sub(1, 1) == "#" then  -- a #! line, as lua allows
    text = "--" .. text
  end
  local fn, err = load(text, "@" .. path, "t", env)
  if not fn then
    error(err, 0)
  end
  return fn
end

-- sandbox.limit{memory = bytes, seconds = n} -> true: see vigil.limits.set.
function sandbox.limit(opts)
  return limits.set(opts)
end

-- sandbox.explain(err, opts) -> message: says which limit stopped the run, if one did.
function sandbox.explain(err, opts)
  if limits.memory_exceeded() then
    return string_format("stopped: memory limit of %d MiB exceeded", (opts.memory or 0) // (1024 * 1024))
  end
  local passed, seconds = limits.deadline_passed()
  local text = tostring(err)
  if passed and not text:find("stopped: time limit", 1, true) then
    return string_format("stopped: time limit of %g s exceeded (%s)", seconds, text)
  end
  return text
end

-- An error object whose text is final: the host prints it without adding a traceback.
local final_error_mt = { __tostring = function(e) return e.text end }

-- sandbox.run(path, args, opts) -> true | raises
-- Runs the script at path sandboxed, with args (an array) as its `...` and `arg`, under
-- opts.memory bytes and opts.seconds seconds.
function sandbox.run(path, args, opts)
  opts = opts or {}
  local env = sandbox.env { arg = args }
  local fn = sandbox.load_file(path, env)
  sandbox.limit { memory = opts.memory, seconds = opts.seconds }
  local ok, err = xpcall(fn, function(e)
    return traceback(sandbox.explain(e, opts), 2)
  end, table.unpack(args, 1, args.n or #args))
  if not ok then
    -- a memory error skips the message handler: explain it here
    local text = limits.memory_exceeded() and sandbox.explain(err, opts) or err
    error(setmetatable({ text = text }, final_error_mt), 0)
  end
  return true
end

return sandbox
