-- A tiny TAP producer for vigil's Lua tests.
--   local T = require "tap"
--   T.plan(3)                      -- or nothing, then T.done() prints the plan
--   T.ok(cond, name)   T.is(got, want, name)   T.like(str, pattern, name)
--   T.raises(fn, pattern, name)    T.diag(msg)
--   T.done()                       -- prints the plan if needed; exits 1 when any failed
local T = {}

local count, failed, planned = 0, 0, nil

-- Prints msg as TAP diagnostics ("# " before every line).
function T.diag(msg)
  for line in (tostring(msg) .. "\n"):gmatch("(.-)\n") do
    io.write("# ", line, "\n")
  end
end

-- Declares the number of tests up front.
function T.plan(n)
  planned = n
  io.write("1..", n, "\n")
end

-- Reports one test; returns cond so callers can add diagnostics.
function T.ok(cond, name)
  count = count + 1
  if not cond then failed = failed + 1 end
  io.write(cond and "ok " or "not ok ", count, name and (" - " .. name) or "", "\n")
  return cond
end

-- A readable rendering of v for diagnostics (tables sorted by key, one level deep
-- per nesting, strings quoted).
local function show(v, depth)
  depth = depth or 0
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" or depth > 3 then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
    return type(a) < type(b)
  end)
  local parts = {}
  for _, k in ipairs(keys) do
    parts[#parts + 1] = "[" .. show(k) .. "]=" .. show(v[k], depth + 1)
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end
T.show = show

-- Deep equality: same type and value (integer 1 differs from float 1.0); tables
-- equal when they have the same keys with deeply equal values.
local function same(a, b)
  if math.type(a) ~= math.type(b) then return false end
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do
    if not same(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end
T.same = same

-- Passes when got deeply equals want.
function T.is(got, want, name)
  local pass = same(got, want)
  if not T.ok(pass, name) then
    T.diag("     got: " .. show(got))
    T.diag("expected: " .. show(want))
  end
  return pass
end

-- Passes when s is a string matching the Lua pattern.
function T.like(s, pattern, name)
  local pass = type(s) == "string" and s:find(pattern) ~= nil
  if not T.ok(pass, name) then
    T.diag("     got: " .. show(s))
    T.diag(" pattern: " .. pattern)
  end
  return pass
end

-- Passes when fn() raises an error whose string form matches pattern (any error
-- when pattern is nil).  Returns the error object.
function T.raises(fn, pattern, name)
  local ok, err = pcall(fn)
  local pass = not ok and (pattern == nil or tostring(err):find(pattern) ~= nil)
  if not T.ok(pass, name) then
    if ok then T.diag("no error raised") else T.diag("   error: " .. tostring(err)) end
    if pattern then T.diag(" pattern: " .. pattern) end
  end
  return err
end

-- Ends the run: prints the plan when none was declared, complains about a wrong
-- count, and exits 1 when any test failed (0 otherwise).
function T.done()
  if planned == nil then
    io.write("1..", count, "\n")
  elseif planned ~= count then
    T.diag(string.format("planned %d tests but ran %d", planned, count))
    failed = failed + 1
  end
  io.stdout:flush()
  os.exit(failed == 0 and 0 or 1, true)
end
T.done_testing = T.done

return T
