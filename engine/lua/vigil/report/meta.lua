-- vigil.report.meta: the metadata a script declares in its leading comment block, read
-- from the text without running it, and the typed arguments it accepts.
--
--   -- description: Monthly trend report of processed violations and outreach.
--   -- category: report
--   -- arg districts: one-of(all|border|inland) = all -- which districts to show
--   -- arg top: integer = 5 -- how many agencies
--
-- Only comment lines at the very start of the file count (a #! line may come first).
-- Without a `description:` line, a first line "-- NAME.lua: text" gives the description.
-- Argument types: date, month, period, integer, one-of(a|b|...), path, string.
--
-- Reports get their arguments as params.args (vigil.report.runner); a plain script gets
-- the same parsing with `local o = require("vigil.report.meta").args(arg)`.
local period = require "vigil.report.period"

local meta = {}

-- Parses the type text of an argument; returns {type=, choices=} or nil, message.
local function parse_type(text)
  local choices = text:match("^one%-of%(([^)]*)%)$")
  if choices then
    local list = {}
    for c in choices:gmatch("[^|]+") do list[#list + 1] = c:match("^%s*(.-)%s*$") end
    return { type = "one-of", choices = list }
  end
  for _, t in ipairs({ "date", "month", "period", "integer", "path", "string" }) do
    if text == t then return { type = t } end
  end
  return nil, ("unknown argument type '%s'"):format(text)
end

-- meta.parse(text) -> {description, category, args = {{name, type, choices, default, help}},
-- errors = {...}}: the metadata of a script's source text.
function meta.parse(text)
  local m = { args = {}, errors = {} }
  local first = true
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    if first and line:match("^#!") then
      first = false
    else
      local body = line:match("^%-%-%s?(.*)$")
      if not body or line:match("^%-%-%[") then break end
      if first and not m.description then
        local d = body:match("^[%w_%-]+%.lua:%s*(.+)$")
        if d then m.fallback = d end
      end
      first = false
      local key, value = body:match("^(%a+):%s*(.-)%s*$")
      if key == "description" then
        m.description = value
      elseif key == "category" then
        m.category = value
      else
        local name, spec = body:match("^arg%s+([%a_][%w_]*):%s*(.-)%s*$")
        if name then
          local help
          spec, help = spec:match("^(.-)%s*%-%-%s*(.*)$") or spec, spec:match("%-%-%s*(.*)$")
          local typetext, default = spec:match("^(.-)%s*=%s*(.-)$")
          typetext = typetext or spec
          local arg, err = parse_type(typetext)
          if arg then
            arg.name, arg.default, arg.help = name, default, help
            m.args[#m.args + 1] = arg
          else
            m.errors[#m.errors + 1] = ("arg %s: %s"):format(name, err)
          end
        end
      end
    end
  end
  m.description = m.description or m.fallback
  m.fallback = nil
  return m
end

-- meta.read(path) -> metadata | nil, message: reads the file's first 16 KiB.
function meta.read(path, open)
  local f, err = (open or io.open)(path, "rb")
  if not f then return nil, err end
  local text = f:read(16384) or ""
  f:close()
  return meta.parse(text)
end

-- Converts the text of argument a; returns the value or nil, message.
local function convert(a, text, today)
  local t = a.type
  if t == "date" then
    if period.valid_date(text) then return text end
    return nil, "a date YYYY-MM-DD"
  elseif t == "month" then
    local y, m = text:match("^(%d%d%d%d)%-(%d%d)$")
    if y and tonumber(m) >= 1 and tonumber(m) <= 12 then return text end
    return nil, "a month YYYY-MM"
  elseif t == "period" then
    local p = period.parse(text, today)
    if p then return p end
    return nil, "a period (YYYY-MM, YYYY-Qn, YYYY, ...)"
  elseif t == "integer" then
    local v = text:match("^[+-]?%d+$") and math.tointeger(tonumber(text))
    if v then return v end
    return nil, "an integer"
  elseif t == "one-of" then
    for _, c in ipairs(a.choices) do
      if c == text then return text end
    end
    return nil, "one of " .. table.concat(a.choices, ", ")
  end
  return text
end

-- meta.parse_args(m, words, today) -> values | nil, message: the script arguments
-- (--name=value or --name value), checked against the declared types; defaults fill the
-- rest. Runs before any query.
function meta.parse_args(m, words, today)
  local byname, values = {}, {}
  for _, a in ipairs(m.args) do byname[a.name] = a end
  local i = 1
  while i <= #words do
    local word = words[i]
    local name, value = word:match("^%-%-([%w_%-]+)=(.*)$")
    name = name or word:match("^%-%-([%w_%-]+)$")
    if not name then return nil, ("unexpected argument '%s'"):format(word) end
    local a = byname[name:gsub("-", "_")]
    if not a then return nil, ("unknown argument '--%s'"):format(name) end
    if not value then
      i = i + 1
      value = words[i]
      if not value then return nil, ("argument --%s needs a value"):format(name) end
    end
    local v, expected = convert(a, value, today)
    if v == nil then return nil, ("argument --%s wants %s, not '%s'"):format(name, expected, value) end
    values[a.name] = v
    i = i + 1
  end
  for _, a in ipairs(m.args) do
    if values[a.name] == nil and a.default ~= nil then
      local v, expected = convert(a, a.default, today)
      if v == nil then return nil, ("default of --%s is not %s"):format(a.name, expected) end
      values[a.name] = v
    end
  end
  return values
end

-- Returns the text of an argument's value in a usage: its choices or its type.
local function value_text(a)
  return a.type == "one-of" and table.concat(a.choices, "|") or a.type:upper()
end

-- meta.usage(name, m [, script]) -> text: a usage generated from the metadata. Without
-- script, the usage of `vigil report NAME`; with script (the path to show), that of a
-- plain script run as `vigil [--db PATH] SCRIPT`.
function meta.usage(name, m, script)
  local head
  if script then
    head = ("usage: vigil [--db PATH] %s"):format(script)
  else
    head = ("usage: vigil report %s [--period P] [--today D] [--out DIR] [--lang vi|en] "
            .. "[--format LIST] [--min-cell N]"):format(name)
  end
  local lines = { head .. (#m.args > 0 and " [ARGS]" or "") }
  if m.description then lines[#lines + 1] = m.description end
  if #m.args > 0 then lines[#lines + 1] = "arguments (--name=value or --name value):" end
  local width = 0
  for _, a in ipairs(m.args) do width = math.max(width, #a.name + #value_text(a) + 3) end
  for _, a in ipairs(m.args) do
    local left = ("--%s=%s"):format(a.name:gsub("_", "-"), value_text(a))
    local right = (a.help or "") .. (a.default and ((a.help and " " or "") .. "(default " .. a.default .. ")") or "")
    lines[#lines + 1] = ("  %-" .. width .. "s  %s"):format(left, right):gsub("%s+$", "")
  end
  return table.concat(lines, "\n") .. "\n"
end

-- Returns the metadata, name and shown path of the running plain script argv[0];
-- raises when its file cannot be read or its metadata is malformed.
local function script_meta(argv)
  local path = argv and argv[0]
  if type(path) ~= "string" or path == "-" then
    error("meta.args: the script's metadata is read from arg[0], a file", 3)
  end
  local m, err = meta.read(path)
  if not m then error("meta.args: " .. tostring(err), 3) end
  if #m.errors > 0 then error(("meta.args: %s: bad metadata: %s"):format(path, table.concat(m.errors, "; ")), 3) end
  return m, path:match("([^/]+)%.lua$") or path:match("([^/]+)$"), path
end

-- meta.fail(argv, message): a plain script's usage error, as meta.args reports its own:
-- "NAME: message" and the generated usage on stderr, then exit status 2. For checks
-- across arguments that the types cannot express (--from after --to).
function meta.fail(argv, message)
  local m, name, path = script_meta(argv)
  io.stderr:write(name, ": ", message, "\n", meta.usage(name, m, path))
  io.stderr:flush()
  os.exit(2)
end

-- meta.args(argv) -> values: the arguments of a plain script (its `arg`), parsed and
-- checked against the metadata block of the script file argv[0] exactly as `vigil
-- report` checks a report's, before the script runs any query: `--name=value` or
-- `--name value`, the declared types, defaults applied (a period counts from today).
-- `--help` prints the generated usage on stdout and exits 0; a bad argument prints
-- "NAME: message" and the usage on stderr and exits 2.
function meta.args(argv)
  local m, name, path = script_meta(argv)
  local words = table.move(argv, 1, #argv, 1, {})
  for _, w in ipairs(words) do
    if w == "--help" or w == "-h" then
      io.stdout:write(meta.usage(name, m, path))
      io.stdout:flush()
      os.exit(0)
    end
  end
  local values, err = meta.parse_args(m, words, os.date("%Y-%m-%d"))
  if not values then meta.fail(argv, err) end
  return values
end

return meta
