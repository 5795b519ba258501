-- vigil.report.json: a small JSON writer for the manifest. Object keys are sorted, so
-- the same value always gives the same text; a table is an array when it has
-- `n` = its length or only keys 1..#t (and is not empty), else an object.
local json = {}

local ESC = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n",
              ["\r"] = "\\r", ["\t"] = "\\t" }

-- Returns s as a JSON string literal (control characters as \u00XX).
local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESC[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end

-- Returns whether t is an array (see above).
local function is_array(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n > 0 and n == #t
end

-- Appends the encoding of v at indent level to out.
local function encode(v, out, indent)
  local t = type(v)
  if t == "string" then
    out[#out + 1] = quote(v)
  elseif t == "number" then
    if math.type(v) == "integer" then out[#out + 1] = ("%d"):format(v)
    elseif v ~= v or v == math.huge or v == -math.huge then out[#out + 1] = "null"
    else out[#out + 1] = ("%.17g"):format(v) end
  elseif t == "boolean" then
    out[#out + 1] = tostring(v)
  elseif t == "nil" then
    out[#out + 1] = "null"
  elseif t == "table" then
    local pad, inner = ("  "):rep(indent), ("  "):rep(indent + 1)
    if is_array(v) then
      out[#out + 1] = "[\n"
      for i = 1, #v do
        out[#out + 1] = inner
        encode(v[i], out, indent + 1)
        out[#out + 1] = i < #v and ",\n" or "\n"
      end
      out[#out + 1] = pad .. "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      if #keys == 0 then out[#out + 1] = "{}" return end
      out[#out + 1] = "{\n"
      for i, k in ipairs(keys) do
        out[#out + 1] = inner .. quote(k) .. ": "
        local value = v[k]
        if value == nil then value = v[tonumber(k)] end
        encode(value, out, indent + 1)
        out[#out + 1] = i < #keys and ",\n" or "\n"
      end
      out[#out + 1] = pad .. "}"
    end
  else
    error("json: cannot encode a " .. t, 0)
  end
end

-- json.encode(v) -> text (indented, ending with a newline)
function json.encode(v)
  local out = {}
  encode(v, out, 0)
  return table.concat(out) .. "\n"
end

return json
