-- vigil.plot.labels: value labels written by vigil (never by gnuplot's sprintf), so
-- they follow the report's language: 70.815 with lang = "vi", 70,815 otherwise (see
-- vigil.trend.numbers). Each label is a `set label` command with a quoted string and
-- numeric coordinates; tags start at 10001 so they never meet the markers' tags.
local emit = require "vigil.plot.emit"
local numbers = require "vigil.trend.numbers"

local labels = {}

local FIRST_TAG = 10001
local MAX_LABELS = 5000 -- more would hide the chart; a usage error says so

-- labels.text(spec, value) -> the text of one value label: numbers.format(value,
-- spec.lang, spec.decimals); raises a usage error for a bad lang or decimals.
function labels.text(spec, value)
  local ok, result = pcall(numbers.format, value, spec.lang, spec.decimals)
  if not ok then
    emit.usage("%s", (tostring(result):gsub("^.-numbers", "numbers")))
  end
  return result
end

-- labels.write(out, spec, points): appends one label per point {x, y, value, dy}: the
-- value's text centred at (x, y), moved dy character heights up (negative: down). NaN
-- values and coordinates are skipped.
function labels.write(out, spec, points)
  local n = 0
  for _, p in ipairs(points) do
    local x, y, value, dy = p[1], p[2], p[3], p[4] or 0
    if value == value and x == x and y == y then
      n = n + 1
      if n > MAX_LABELS then
        emit.usage("labels: more than %d values to label; draw without labels", MAX_LABELS)
      end
      out[#out + 1] = ("set label %d %s at %s, %s center offset 0,%s front")
        :format(FIRST_TAG + n - 1, emit.quote(labels.text(spec, value), emit.MAX_LABEL),
                emit.number(x), emit.number(y), emit.number(dy))
    end
  end
end

return labels
