-- vigil.trend.numbers: numbers as people read them in a report's language. Pure
-- functions on Lua numbers, shared by tables, chart labels and reports.
--
--   language  thousands  decimal  example
--   "vi"      .          ,        70.815   12,5   -1.234,56
--   "en"      ,          .        70,815   12.5   -1,234.56
--
-- Digits are grouped by three from the decimal sign leftwards, as Vietnamese official
-- documents and the press write them (dot for thousands, comma for decimals).
-- This is vigil's one number formatter: vigil.report.format builds the report's numbers
-- on it (with the report's defaults), vigil.plot's value labels call it directly.
local numbers = {}

-- The separators of each language: thousands, decimal.
local SEPARATORS = {
  vi = { ".", "," },
  en = { ",", "." },
}

-- Returns the separators of lang ("vi" or "en", default "en"): thousands, decimal;
-- raises at the caller of the public function for another language.
local function separators(lang)
  local seps = SEPARATORS[lang or "en"]
  if not seps then
    error(("numbers: language must be \"vi\" or \"en\", not %s"):format(tostring(lang)), 3)
  end
  return seps[1], seps[2]
end

-- Returns the digits of a whole number's text grouped by three with sep.
local function group(digits, sep)
  local head = #digits % 3
  local parts = {}
  if head > 0 then
    parts[1] = digits:sub(1, head)
  end
  for i = head + 1, #digits, 3 do
    parts[#parts + 1] = digits:sub(i, i + 2)
  end
  return table.concat(parts, sep)
end

-- numbers.format(n [, lang [, decimals]]) -> string
-- n with grouped thousands and the decimal sign of lang. decimals: that many digits after
-- the decimal sign (rounded as %.Nf does); without it, whole numbers get none and others
-- two, trailing zeros dropped (12.5 -> "12,5" in Vietnamese). nil and NaN give "",
-- infinities "∞" and "-∞". A result that rounds to zero has no minus sign.
function numbers.format(n, lang, decimals)
  local thousands, point = separators(lang)
  if n == nil or n ~= n then
    return ""
  end
  if type(n) ~= "number" then
    error(("numbers.format: expects a number, not %s"):format(type(n)), 2)
  end
  if n == math.huge or n == -math.huge then
    return n > 0 and "∞" or "-∞"
  end
  local trim = decimals == nil
  if trim then
    decimals = (n == math.floor(n)) and 0 or 2
  elseif math.type(decimals) ~= "integer" or decimals < 0 or decimals > 15 then
    error("numbers.format: decimals must be a whole number from 0 to 15", 2)
  end
  local text = ("%." .. decimals .. "f"):format(math.abs(n)):gsub(",", ".")
  local whole, fraction = text:match("^(%d+)%.?(%d*)$")
  if trim then
    fraction = fraction:gsub("0+$", "")
  end
  local negative = n < 0 and (whole:match("[1-9]") or fraction:match("[1-9]"))
  local result = group(whole, thousands)
  if fraction ~= "" then
    result = result .. point .. fraction
  end
  return (negative and "-" or "") .. result
end

-- numbers.percent(x [, lang [, decimals]]) -> x (already in percent) formatted as by
-- numbers.format, followed by "%" ("12,5%" in Vietnamese, "12.5%" in English); "" for
-- nil and NaN.
function numbers.percent(x, lang, decimals)
  local text = numbers.format(x, lang, decimals)
  return text == "" and "" or text .. "%"
end

return numbers
