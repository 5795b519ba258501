-- vigil.report.list: `vigil list` — every script and report (shipped and the user's)
-- with the one-line description and arguments of its metadata block, read from the
-- file's leading comments without running it (vigil.report.meta).
local core = require "vigil.report.core"
local meta = require "vigil.report.meta"
local runner = require "vigil.report.runner"

local list = {}

-- Returns the sorted *.lua names of dir (none when it does not exist).
local function lua_files(dir)
  local out = {}
  for _, name in ipairs(dir and core.list_dir(dir) or {}) do
    if name:match("^[^.].*%.lua$") then out[#out + 1] = name end
  end
  return out
end

-- Prints one section: a heading, then each script's name, description and arguments.
local function section(heading, dir, how)
  local files = lua_files(dir)
  if #files == 0 then return end
  io.write(heading, " (", dir, ")\n")
  for _, file in ipairs(files) do
    local m = meta.read(dir .. "/" .. file) or { args = {} }
    local name = file:gsub("%.lua$", "")
    io.write(("  %-24s %s\n"):format(how == "report" and name or file, m.description or ""))
    for _, a in ipairs(m.args) do
      local t = a.type == "one-of" and table.concat(a.choices, "|") or a.type
      io.write(("  %-24s   --%s=%s%s%s\n"):format("", (a.name:gsub("_", "-")), t, a.default and (" (default " .. a.default .. ")") or "",
                                               a.help and ("  " .. a.help) or ""))
    end
  end
end

-- list.run() -> 0: prints the listing on stdout.
function list.run()
  local share = vigil.share_dir
  if share then
    section("Scripts: vigil SCRIPT", share .. "/scripts", "script")
    section("Reports: vigil report NAME", share .. "/scripts/reports", "report")
  end
  section("Your reports: vigil report NAME", runner.user_dir(), "report")
  return 0
end

return list
