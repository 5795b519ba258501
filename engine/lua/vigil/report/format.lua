-- vigil.report.format: numbers and dates in the report's language.
--   vi: 70.815   1.234,5   08/09/2022
--   en: 70,815   1,234.5   2022-09-08
-- Numbers are formatted by vigil.trend.numbers (shared with chart labels); this module
-- adds the report's defaults (a fixed count of decimals, "–" for NaN) and the dates.
local numbers = require "vigil.trend.numbers"

local format = {}

-- format.number(n, lang [, decimals]) -> text: n with grouped thousands, through
-- vigil.trend.numbers.format (the one implementation; lang "vi" or "en", default "en").
-- A report's conventions on top: integers (and integral floats below 2^53 without
-- decimals) show no decimal part even when decimals is given; other numbers show
-- exactly `decimals` digits (default 1, trailing zeros kept so a column lines up); nil
-- gives "", NaN and infinities "–", a value that is not a number its tostring.
function format.number(n, lang, decimals)
  if n == nil then return "" end
  if type(n) ~= "number" then return tostring(n) end
  if n ~= n or n == math.huge or n == -math.huge then return "–" end
  if math.type(n) == "integer" or (decimals == nil and n == math.floor(n) and math.abs(n) < 2^53) then
    return numbers.format(n, lang, 0)
  end
  return numbers.format(n, lang, math.tointeger(decimals or 1) or decimals)
end

-- format.percent(x, lang [, decimals [, signed]]) -> "12,5%" / "12.5%" (x already in
-- percent) as format.number with 1 decimal by default, an explicit "+" when signed is
-- true and x shows above zero; nil gives "".
function format.percent(x, lang, decimals, signed)
  if x == nil then return "" end
  local text = format.number(x, lang, decimals or 1)
  if signed and x > 0 and text:match("[1-9]") then text = "+" .. text end
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
