-- vigil.args: command-line options for vigil scripts.
--
--   local args = require "vigil.args"
--   local o = args.parse(arg, {
--     name = "processed_by_category",
--     usage = "Processed violations per month.",
--     options = {
--       from = { type = "month", help = "first month" },
--       by = { type = "choice", choices = { "disposition", "category" }, default = "disposition" },
--     },
--   })
--   -- o.from is "2022-01" or nil, o.by is "disposition" unless given
--
-- Options are written `--name value` or `--name=value`; a name's underscores may be written
-- as hyphens. Types: month (YYYY-MM), date (YYYY-MM-DD, a real day), integer, number, choice,
-- string and flag (no value; true when present). `--help` (or -h) prints the usage on stdout
-- and exits 0; a bad option prints "NAME: message" and the usage on stderr and exits 2.
-- Words that are not options (and every word after `--`) are positional arguments, allowed
-- only when the spec has `positional = { name = "FILE", min = 0, max = 1 }`; they are kept in
-- the array part of the result.
local args = {}

-- Returns the number of days of month m of year y.
local function days_in_month(y, m)
  if m == 2 then
    local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
    return leap and 29 or 28
  end
  return (m == 4 or m == 6 or m == 9 or m == 11) and 30 or 31
end

-- Converters by type: each takes the text and the option's spec and returns the value, or
-- nil and what was expected.
local CONVERT = {}

-- month: YYYY-MM with a month from 01 to 12; stays text.
function CONVERT.month(text)
  local y, m = text:match("^(%d%d%d%d)%-(%d%d)$")
  if y and tonumber(m) >= 1 and tonumber(m) <= 12 then return text end
  return nil, "a month YYYY-MM"
end

-- date: YYYY-MM-DD naming a day that exists; stays text.
function CONVERT.date(text)
  local y, m, d = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y then
    y, m, d = tonumber(y), tonumber(m), tonumber(d)
    if m >= 1 and m <= 12 and d >= 1 and d <= days_in_month(y, m) then return text end
  end
  return nil, "a date YYYY-MM-DD"
end

-- integer: decimal digits with an optional sign; a Lua integer.
function CONVERT.integer(text)
  local value = text:match("^[+-]?%d+$") and math.tointeger(tonumber(text))
  if value then return value end
  return nil, "an integer"
end

-- number: a finite decimal number.
function CONVERT.number(text)
  local value = text:match("^[+-]?[%d.]+[eE]?[+-]?%d*$") and tonumber(text)
  if value and value == value and value ~= math.huge and value ~= -math.huge then
    return value
  end
  return nil, "a number"
end

-- choice: one of spec.choices.
function CONVERT.choice(text, spec)
  for _, choice in ipairs(spec.choices) do
    if text == choice then return text end
  end
  return nil, "one of " .. table.concat(spec.choices, ", ")
end

-- string: any text.
function CONVERT.string(text)
  return text
end

-- Returns the placeholder shown for an option's value in the usage.
local function placeholder(spec)
  if spec.metavar then return spec.metavar end
  local kind = spec.type or "string"
  if kind == "month" then return "YYYY-MM" end
  if kind == "date" then return "YYYY-MM-DD" end
  if kind == "choice" then return table.concat(spec.choices, "|") end
  if kind == "integer" then return "N" end
  if kind == "number" then return "X" end
  return "TEXT"
end

-- Returns the option names of a spec, sorted.
local function sorted_names(spec)
  local names = {}
  for name in pairs(spec.options or {}) do names[#names + 1] = name end
  table.sort(names)
  return names
end

-- Raises when an option spec is malformed (a mistake of the script, not of its user).
local function check_spec(spec)
  if type(spec) ~= "table" or type(spec.name) ~= "string" then
    error("vigil.args: the spec needs a name", 3)
  end
  for name, option in pairs(spec.options or {}) do
    local kind = option.type or "string"
    if kind ~= "flag" and not CONVERT[kind] then
      error(("vigil.args: option '%s' has unknown type '%s'"):format(name, tostring(kind)), 3)
    end
    if kind == "choice" and type(option.choices) ~= "table" then
      error(("vigil.args: choice option '%s' needs choices"):format(name), 3)
    end
  end
end

-- args.usage(spec) -> text: the usage of a script, made from its spec.
function args.usage(spec)
  local lines = {}
  local positional = spec.positional and (" " .. (spec.positional.name or "ARG") .. "...") or ""
  lines[1] = ("usage: %s [options]%s"):format(spec.name, positional)
  if spec.usage then lines[#lines + 1] = spec.usage end
  lines[#lines + 1] = "options:"
  local rows = {}
  for _, name in ipairs(sorted_names(spec)) do
    local option = spec.options[name]
    local left = "--" .. name:gsub("_", "-")
    if (option.type or "string") ~= "flag" then left = left .. " " .. placeholder(option) end
    local right = option.help or ""
    if option.default ~= nil and option.type ~= "flag" then
      right = right .. (right ~= "" and " " or "") .. "(default " .. tostring(option.default) .. ")"
    end
    if option.required then right = right .. (right ~= "" and " " or "") .. "(required)" end
    rows[#rows + 1] = { left, right }
  end
  rows[#rows + 1] = { "--help", "print this help and exit" }
  local width = 0
  for _, row in ipairs(rows) do width = math.max(width, #row[1]) end
  for _, row in ipairs(rows) do
    lines[#lines + 1] = ("  %-" .. width .. "s  %s"):format(row[1], row[2]):gsub("%s+$", "")
  end
  return table.concat(lines, "\n") .. "\n"
end

-- args.try(argv, spec) -> options | nil, message, status: parses without printing or
-- exiting. On --help returns nil, the usage, 0; on a bad option nil, the message, 2.
function args.try(argv, spec)
  check_spec(spec)
  local options, given = {}, {}
  local i, only_positional = 1, false
  while i <= #argv do
    local word = argv[i]
    if only_positional or word == "-" or word:sub(1, 1) ~= "-" then
      options[#options + 1] = word
    elseif word == "--" then
      only_positional = true
    elseif word == "--help" or word == "-h" then
      return nil, args.usage(spec), 0
    else
      local written, value = word:match("^%-%-([^=]+)=(.*)$")
      written = written or word:match("^%-%-(.+)$")
      if not written then return nil, ("unknown option '%s'"):format(word), 2 end
      local name = written:gsub("-", "_")
      local option = spec.options and spec.options[name]
      if not option then return nil, ("unknown option '--%s'"):format(written), 2 end
      local kind = option.type or "string"
      if kind == "flag" then
        if value then return nil, ("option --%s takes no value"):format(written), 2 end
        options[name] = true
      else
        if not value then
          i = i + 1
          value = argv[i]
          if not value then return nil, ("option --%s needs a value"):format(written), 2 end
        end
        local converted, expected = CONVERT[kind](value, option)
        if converted == nil then
          return nil, ("option --%s wants %s, not '%s'"):format(written, expected, value), 2
        end
        options[name] = converted
      end
      given[name] = true
    end
    i = i + 1
  end
  for name, option in pairs(spec.options or {}) do
    if not given[name] then
      if option.required then return nil, ("option --%s is required"):format(name), 2 end
      if option.type == "flag" then options[name] = false else options[name] = option.default end
    end
  end
  local positional = spec.positional
  local count = #options
  if not positional and count > 0 then
    return nil, ("unexpected argument '%s'"):format(options[1]), 2
  end
  if positional then
    local label = positional.name or "ARG"
    if count < (positional.min or 0) then
      return nil, ("missing argument %s"):format(label), 2
    end
    if count > (positional.max or math.huge) then
      return nil, ("too many arguments (%s)"):format(label), 2
    end
  end
  return options
end

-- args.parse(argv, spec) -> options: parses argv (the script's `arg`); on --help prints the
-- usage to stdout and exits 0; on a bad option prints "NAME: message" and the usage to
-- stderr and exits 2.
function args.parse(argv, spec)
  local options, message, status = args.try(argv or {}, spec)
  if options then return options end
  if status == 0 then
    io.stdout:write(message)
    io.stdout:flush()
    os.exit(0)
  end
  io.stderr:write(spec.name, ": ", message, "\n", args.usage(spec))
  io.stderr:flush()
  os.exit(2)
end

return args
