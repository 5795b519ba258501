-- vigil.report.help: `vigil help NAME|FILE` — the usage of a script or a report,
-- generated from the metadata block of its file (vigil.report.meta) without running it.
--
-- NAME is looked up as a report in the user's folder and in the shipped scripts/reports,
-- then as a plain script in the shipped scripts/ (every match is shown); a FILE (holding
-- "/" or ending in .lua) is itself, a report when its metadata says `category: report`.
local meta = require "vigil.report.meta"
local runner = require "vigil.report.runner"

local help = {}

-- The commands of vigil, for a NAME that is none of the scripts.
local COMMANDS = { init = true, report = true, list = true, import = true, export = true, help = true }

-- Returns whether path names a file that can be opened for reading.
local function readable(path)
  local f = io.open(path, "rb")
  if not f then return false end
  local ok = f:read(0) ~= nil or f:read("a") ~= nil
  f:close()
  return ok
end

-- help.find(target) -> {{path, report = boolean}, ...}: the files target names.
function help.find(target)
  if target:find("/", 1, true) or target:match("%.lua$") then
    if not readable(target) then return {} end
    local m = meta.read(target)
    return { { path = target, report = m ~= nil and m.category == "report" } }
  end
  if not target:match("^[%w_%-]+$") then return {} end
  local share = vigil.share_dir
  local places = { { runner.user_dir(), true }, { share and (share .. "/scripts/reports"), true },
                   { share and (share .. "/scripts"), false } }
  local found = {}
  for _, place in ipairs(places) do
    local path = place[1] and (place[1] .. "/" .. target .. ".lua")
    if path and readable(path) then found[#found + 1] = { path = path, report = place[2] } end
  end
  return found
end

-- help.run(target) -> status: prints the usage of each file target names on stdout
-- (0); a target that names nothing is a usage error (2). Without target, the usage of
-- `vigil help` itself.
function help.run(target)
  if target == nil or target == "--help" or target == "-h" then
    io.write("usage: vigil help NAME|FILE\n",
             "Prints the usage of a script or report, generated from its metadata block\n",
             "(docs/report.md); `vigil list` shows them all, `vigil --help` the interpreter.\n")
    return 0
  end
  local found = help.find(target)
  if #found == 0 then
    if COMMANDS[target] then
      io.write(("'%s' is a command: vigil %s --help\n"):format(target, target))
      return 0
    end
    io.stderr:write(("vigil help: no script or report named '%s' (vigil list shows them)\n"):format(target))
    return 2
  end
  for i, f in ipairs(found) do
    local m, err = meta.read(f.path)
    if not m then
      io.stderr:write("vigil help: ", tostring(err), "\n")
      return 1
    end
    if #m.errors > 0 then
      io.stderr:write(("vigil help: %s: bad metadata: %s\n"):format(f.path, table.concat(m.errors, "; ")))
      return 1
    end
    local name = f.path:match("([^/]+)%.lua$") or f.path:match("([^/]+)$")
    if i > 1 then io.write("\n") end
    io.write(meta.usage(name, m, not f.report and f.path or nil))
  end
  return 0
end

return help
