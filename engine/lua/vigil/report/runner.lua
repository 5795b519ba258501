-- vigil.report.runner: `vigil report NAME|FILE ...` — finds the script, checks its
-- arguments, runs it in the sandbox against a document, renders the document and swaps
-- the new output folder into place atomically, under a lock. See docs/report.md.
--
-- Trusted code: the privileged functions it needs are captured here when the module
-- loads and are never given to the script, which sees only the report façade, `params`
-- and what vigil.sandbox puts in its environment.
local core = require "vigil.report.core"
local dbmodule = require "vigil.db"
local report = require "vigil.report"
local meta = require "vigil.report.meta"
local period = require "vigil.report.period"
local prepare = require "vigil.report.prepare"
local html = require "vigil.report.html"
local markdown = require "vigil.report.markdown"
local json = require "vigil.report.json"

local io_open, io_stderr, os_rename, os_remove, os_date, os_getenv, os_time =
      io.open, io.stderr, os.rename, os.remove, os.date, os.getenv, os.time
local xpcall, traceback, require, tostring = xpcall, debug.traceback, require, tostring

local runner = {}

local DEFAULTS = { period = "last-month", out = "reports", lang = "vi", format = "html,md,csv",
                   memory = 256 * 1024 * 1024, seconds = 120 }
local FORMATS = { html = true, md = true, csv = true, png = true }

-- Writes a timestamped log line on stderr: "2025-01-15T06:00:00Z vigil report: text".
local function log(fmt, ...)
  io_stderr:write(os_date("!%Y-%m-%dT%H:%M:%SZ"), " vigil report: ", fmt:format(...), "\n")
  io_stderr:flush()
end
runner.log = log

-- A usage error: raised as a table so that run() returns status 2.
local function usage(fmt, ...)
  error({ usage = fmt:format(...) }, 0)
end

-- Returns the user's report folder: $XDG_CONFIG_HOME/vigil/reports, else
-- $HOME/.config/vigil/reports (nil without either).
function runner.user_dir()
  local base = os_getenv("XDG_CONFIG_HOME")
  if not base or base == "" then
    local home = os_getenv("HOME")
    if not home or home == "" then return nil end
    base = home .. "/.config"
  end
  return base .. "/vigil/reports"
end

-- Returns whether a regular file can be opened at path.
local function readable(path)
  local f = io_open(path, "rb")
  if f then f:close() return not core.is_dir(path) end
  return false
end

-- runner.find(target) -> path, name | raises usage: a FILE (holding "/" or ending in
-- .lua) is itself; a NAME is looked up in the user folder, then in share/scripts/reports.
function runner.find(target)
  if target:find("/", 1, true) or target:match("%.lua$") then
    if not readable(target) then usage("report script '%s' not found", target) end
    local name = target:match("([^/]+)%.lua$") or target:match("([^/]+)$")
    return target, name
  end
  if not target:match("^[%w_%-]+$") then usage("bad report name '%s'", target) end
  local tried = {}
  for _, dir in ipairs({ runner.user_dir(), vigil.share_dir and (vigil.share_dir .. "/scripts/reports") }) do
    local path = dir .. "/" .. target .. ".lua"
    if readable(path) then return path, target end
    tried[#tried + 1] = dir
  end
  usage("no report named '%s' (looked in %s)", target, table.concat(tried, ", "))
end

-- Reads a whole file; returns its bytes or raises.
local function read_file(path)
  local f, err = io_open(path, "rb")
  if not f then error(err, 0) end
  local data = f:read("a")
  f:close()
  return data
end

-- Writes data to path (a new file in the temporary folder); raises on failure.
local function write_file(path, data)
  local f, err = io_open(path, "wb")
  if not f then error(err, 0) end
  local ok, werr = f:write(data)
  local closed, cerr = f:close()
  if not ok or not closed then error(("%s: %s"):format(path, tostring(werr or cerr)), 0) end
end

-- Removes path and, when it is a folder, everything in it (symbolic links are removed,
-- never followed).
local function remove_tree(path)
  if core.is_dir(path) then
    for _, name in ipairs(core.list_dir(path) or {}) do remove_tree(path .. "/" .. name) end
  end
  os_remove(path)
end
runner.remove_tree = remove_tree

-- Makes path and its missing parents; raises on failure.
local function make_dirs(path)
  local sofar = path:sub(1, 1) == "/" and "" or "."
  for part in path:gmatch("[^/]+") do
    sofar = sofar == "." and part or (sofar .. "/" .. part)
    local ok, err = core.mkdir(sofar)
    if not ok then error(err, 0) end
  end
end

-- Returns a fingerprint of the database's data: per table (sorted) its row count and
-- largest rowid, and the sha256 of those lines.
local function fingerprint(path)
  local conn, msg = dbmodule.open(path, { readonly = true, create = false })
  if not conn then return { error = msg } end
  local tables, lines = {}, {}
  local ok, err = pcall(function()
    local names = {}
    for row in conn:query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name") do
      names[#names + 1] = row.name
    end
    for _, name in ipairs(names) do
      local q = '"' .. name:gsub('"', '""') .. '"'
      local r = conn:first("SELECT count(*) AS n FROM " .. q)
      local okmax, mx = pcall(conn.scalar, conn, "SELECT max(rowid) FROM " .. q)
      tables[name] = { rows = r.n, max_rowid = okmax and mx or nil }
      lines[#lines + 1] = ("%s\t%d\t%s"):format(name, r.n, okmax and tostring(mx) or "")
    end
  end)
  conn:close()
  if not ok then return { error = tostring(err) } end
  return { tables = tables, sha256 = core.sha256(table.concat(lines, "\n") .. "\n") }
end

-- The sandbox environment of a report script: vigil.sandbox's with the façade, the
-- parameters and a print that logs on stderr (stdout carries only the output path).
local function script_env(facade, params)
  local sandbox = require "vigil.sandbox"
  local function log_print(...)
    local parts = table.pack(...)
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    log("%s", table.concat(parts, "\t", 1, parts.n))
  end
  return sandbox, sandbox.env { report = facade, params = params, print = log_print }
end

-- Parses the command's options (strings from C) into a checked table; raises usage.
local function read_options(o)
  local argv = o.argv or {}
  local target = argv[1]
  local opts = { target = target, words = table.move(argv, 2, #argv, 1, {}) }
  opts.today = o.today or os_date("%Y-%m-%d")
  if not period.valid_date(opts.today) then usage("--today wants a date YYYY-MM-DD, not '%s'", opts.today) end
  local p, perr = period.parse(o.period or DEFAULTS.period, opts.today)
  if not p then usage("%s", perr) end
  opts.period = p
  opts.lang = o.lang or DEFAULTS.lang
  if opts.lang ~= "vi" and opts.lang ~= "en" then usage("--lang wants vi or en, not '%s'", opts.lang) end
  opts.formats = {}
  for f in (o.format or DEFAULTS.format):gmatch("[^,%s]+") do
    if not FORMATS[f] then usage("--format wants a list of html, md, csv, png, not '%s'", f) end
    opts.formats[f] = true
  end
  opts.min_cell = 0
  if o["min-cell"] then
    opts.min_cell = o["min-cell"]:match("^%d+$") and math.tointeger(tonumber(o["min-cell"]))
    if not opts.min_cell then usage("--min-cell wants a whole number, not '%s'", o["min-cell"]) end
  end
  opts.seconds = tonumber(o["time-limit"] or DEFAULTS.seconds)
  if not opts.seconds or opts.seconds <= 0 then usage("--time-limit wants seconds > 0, not '%s'", o["time-limit"]) end
  local mib = tonumber(o["memory-limit"] or DEFAULTS.memory // (1024 * 1024))
  if not mib or mib < 16 then usage("--memory-limit wants MiB >= 16, not '%s'", o["memory-limit"]) end
  opts.memory = math.tointeger(mib // 1) * 1024 * 1024
  opts.out = (o.out or DEFAULTS.out):gsub("/+$", "")
  if opts.out == "" then opts.out = "/" end
  opts.version = o.version or "?"
  return opts
end

-- Draws every chart of the document into dir (SVG, and PNG when asked); returns
-- charts[block index] = {svg = text, png = file name}.
local function draw_charts(doc, dir, opts)
  local plot = require "vigil.plot"
  local charts = {}
  for i, b in ipairs(doc.blocks) do
    if b.kind == "chart" then
      local spec = {}
      for k, v in pairs(b.spec) do spec[k] = v end
      spec.kind, spec.lang = nil, opts.lang
      local svg = ("%s/.chart-%02d.svg"):format(dir, i)
      spec.out = svg
      plot[b.spec.kind](spec)
      charts[i] = { svg = read_file(svg) }
      os_remove(svg)
      if opts.formats.png then
        local png = ("chart-%02d.png"):format(i)
        spec.out = dir .. "/" .. png
        plot[b.spec.kind](spec)
        charts[i].png = png
      end
    end
  end
  return charts
end

-- Runs the script and renders its outputs into the folder tmp; returns the manifest's
-- outputs list. Raises on any failure.
local function build(opts, script, tmp, started)
  local doc = report.document { lang = opts.lang }
  local facade = report.facade(doc)
  local params = { period = { label = opts.period.label, first = opts.period.first, last = opts.period.last,
                              kind = opts.period.kind },
                   today = opts.today, lang = opts.lang, min_cell = opts.min_cell, args = opts.args }
  local sandbox, env = script_env(facade, params)
  local fn = sandbox.load_file(script.path, env)
  -- The limits cover the rest of the run (rendering and charts included): vigil.limits
  -- cannot lift them once set.
  local limit = { memory = opts.memory, seconds = opts.seconds }
  sandbox.limit(limit)
  local ok, err = xpcall(fn, function(e)
    -- the script's own frames only: cut the traceback where the runner called it
    return (traceback(sandbox.explain(e, limit), 2):gsub("\n%s*%[C%]: in function 'xpcall'.*$", ""))
  end)
  -- What the script made is collected now, still under the limits: a finalizer of its
  -- own (__gc runs with hooks off) that never ends is stopped by the watchdog before
  -- anything is moved into place, not at lua_close after the swap.
  fn, env = nil, nil
  collectgarbage("collect")
  collectgarbage("collect")
  if not ok then
    -- a memory error skips the message handler: explain it here
    error("the report script failed: " .. sandbox.explain(err, limit), 0)
  end
  log("script done: %d blocks", #doc.blocks)
  local ctx = { lang = opts.lang, period = opts.period, today = opts.today, min_cell = opts.min_cell,
                version = opts.version, script = script.name }
  prepare.run(doc, ctx)
  ctx.charts = draw_charts(doc, tmp, opts)
  local outputs = {}
  if opts.formats.html then
    write_file(tmp .. "/index.html", html.render(doc, ctx))
    outputs[#outputs + 1] = "index.html"
  end
  if opts.formats.md then
    write_file(tmp .. "/report.md", markdown.render(doc, ctx))
    outputs[#outputs + 1] = "report.md"
  end
  if opts.formats.csv then
    for i in ipairs(doc.blocks) do
      if ctx.csv[i] then
        write_file(tmp .. "/" .. ctx.csv[i], prepare.csv(ctx.tables[i]))
        outputs[#outputs + 1] = ctx.csv[i]
      end
    end
  end
  for _, c in pairs(ctx.charts) do
    if c.png then outputs[#outputs + 1] = c.png end
  end
  table.sort(outputs)
  local listed = {}
  for k, name in ipairs(outputs) do
    local data = read_file(tmp .. "/" .. name)
    listed[k] = { file = name, bytes = #data, sha256 = core.sha256(data) }
  end
  local formats = {}
  for f in pairs(opts.formats) do formats[#formats + 1] = f end
  table.sort(formats)
  local manifest = {
    vigil_version = opts.version,
    report = script.name,
    script = { path = script.path, sha256 = core.sha256(script.text) },
    database = { path = vigil.db_path, fingerprint = fingerprint(vigil.db_path) },
    parameters = { period = opts.period.label, first = opts.period.first, last = opts.period.last,
                   today = opts.today, lang = opts.lang, formats = formats, min_cell = opts.min_cell,
                   args = opts.args_text },
    suppressed = { primary = ctx.counts.primary, secondary = ctx.counts.secondary },
    started = started,
    finished = os_date("!%Y-%m-%dT%H:%M:%SZ"),
    outputs = listed,
  }
  write_file(tmp .. "/manifest.json", json.encode(manifest))
end

-- Puts the finished folder tmp at final: the previous one (if any) is renamed aside,
-- tmp renamed in, then the old one removed; on failure the previous one is put back.
local function swap(tmp, final, aside)
  local had_old = core.is_dir(final)
  if had_old then
    local ok, err = os_rename(final, aside)
    if not ok then error("cannot move the previous report aside: " .. tostring(err), 0) end
  end
  local ok, err = os_rename(tmp, final)
  if not ok then
    if had_old then os_rename(aside, final) end
    error("cannot move the new report into place: " .. tostring(err), 0)
  end
  if had_old then remove_tree(aside) end
end

-- The work of run() once the options are read; returns the final folder.
local function run_report(opts)
  local path, name = runner.find(opts.target)
  local script = { path = path, name = name, text = read_file(path) }
  local m = meta.parse(script.text)
  if #m.errors > 0 then usage("%s: bad metadata: %s", path, table.concat(m.errors, "; ")) end
  for _, w in ipairs(opts.words) do
    if w == "--help" or w == "-h" then
      io.stdout:write(meta.usage(name, m))
      return nil
    end
  end
  local args, aerr = meta.parse_args(m, opts.words, opts.today)
  if not args then usage("%s: %s", name, aerr) end
  opts.args, opts.args_text = args, {}
  for k, v in pairs(args) do opts.args_text[k] = type(v) == "table" and v.label or v end
  local base = opts.out .. "/" .. name
  make_dirs(base)
  local label = opts.period.label
  local final = base .. "/" .. label
  local lock, lerr = core.lock(base .. "/." .. label .. ".lock")
  if not lock then error("another run of this report is in progress (" .. lerr .. ")", 0) end
  -- Leftovers of killed runs (the lock is ours, so nobody is using them).
  for _, entry in ipairs(core.list_dir(base) or {}) do
    if entry:find("." .. label .. ".tmp-", 1, true) == 1 or entry:find("." .. label .. ".old-", 1, true) == 1 then
      log("removing the leftover %s/%s", base, entry)
      remove_tree(base .. "/" .. entry)
    end
  end
  local pid = core.pid()
  local tmp = ("%s/.%s.tmp-%d"):format(base, label, pid)
  local started = os_date("!%Y-%m-%dT%H:%M:%SZ")
  log("%s for %s (%s .. %s), lang %s, script %s", name, label, opts.period.first, opts.period.last, opts.lang, path)
  local ok, err = pcall(function()
    local made, merr = core.mkdir(tmp)
    if not made then error(merr, 0) end
    build(opts, script, tmp, started)
    swap(tmp, final, ("%s/.%s.old-%d"):format(base, label, pid))
  end)
  if not ok then
    remove_tree(tmp)
    lock:release()
    error(err, 0)
  end
  lock:release()
  log("done: %s", final)
  return final
end

-- runner.run(o) -> status, path: o holds the command's options as strings (period,
-- today, out, lang, format, min-cell, db, argv = {NAME|FILE, script args...}, version).
-- Status 0 with the output folder, 1 when the report failed (the previous one stays),
-- 2 for a usage error.
function runner.run(o)
  local ok, result = pcall(function()
    local opts = read_options(o)
    if not opts.target or opts.target == "--help" then
      io.stdout:write("usage: vigil report NAME|FILE [--period P] [--today YYYY-MM-DD] [--out DIR] "
                      .. "[--lang vi|en] [--format html,md,csv,png] [--min-cell N] [--db PATH] [--ARG=VALUE ...]\n")
      return nil
    end
    return run_report(opts)
  end)
  if ok then return 0, result end
  if type(result) == "table" and result.usage then
    io_stderr:write("vigil report: ", result.usage, "\n")
    return 2
  end
  log("failed: %s", tostring(result))
  return 1
end

return runner
