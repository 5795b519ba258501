-- vigil.report.format: numbers and dates in the report's language.
--   vi: 70.815   1.234,5   08/09/2022
--   en: 70,815   1,234.5   2022-09-08
local format = {}

local SEPARATORS = { vi = { group = ".", decimal = "," }, en = { group = ",", decimal = "." } }

-- Inserts the group separator every three digits of the digit string s.
local function group_digits(s, sep)
  local out = s:reverse():gsub("(%d%d%d)", "%1" .. sep):reverse()
  if out:sub(1, #sep) == sep then
    out = out:sub(#sep + 1)
  end
  return out
end

-- format.number(n, lang [, decimals]) -> text: n with grouped thousands; integers (and
-- floats without decimals) with no decimal part, others with `decimals` digits (1).
function format.number(n, lang, decimals)
  if n == nil then return "" end
  if type(n) ~= "number" then return tostring(n) end
  if n ~= n or n == math.huge or n == -math.huge then return "–" end
  local sep = SEPARATORS[lang] or SEPARATORS.en
  local text
  if math.type(n) == "integer" or (decimals == nil and n == math.floor(n) and math.abs(n) < 2^53) then
    text = ("%d"):format(math.tointeger(n) or n)
  else
    text = ("%." .. (decimals or 1) .. "f"):format(n)
  end
  local sign, int, frac = text:match("^(%-?)(%d+)%.?(%d*)$")
  if not int then return text end
  local out = sign .. group_digits(int, sep.group)
  if frac ~= "" then out = out .. sep.decimal .. frac end
  return out
end

-- format.percent(x, lang [, decimals]) -> "12,5%" / "12.5%" with an explicit sign when
-- signed is true; nil gives "".
function format.percent(x, lang, decimals, signed)
  if x == nil then return "" end
  local text = format.number(x, lang, decimals or 1)
  if signed and x > 0 then text = "+" .. text end
  return text .. "%"
end

-- format.date(iso, lang) -> text: "YYYY-MM-DD" as 08/09/2022 (vi) or unchanged (en);
-- anything else is returned as it is.
function format.date(iso, lang)
  local y, m, d = tostring(iso):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return tostring(iso) end
  if lang == "vi" then return ("%s/%s/%s"):format(d, m, y) end
  return ("%s-%s-%s"):format(y, m, d)
end

-- format.month(label, lang) -> "09/2022" (vi) or "2022-09" (en) for "YYYY-MM".
function format.month(label, lang)
  local y, m = tostring(label):match("^(%d%d%d%d)%-(%d%d)$")
  if not y then return tostring(label) end
  if lang == "vi" then return ("%s/%s"):format(m, y) end
  return label
end

return format
