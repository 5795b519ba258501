-- vigil.trend.text: display width of UTF-8 text and aligned text tables, so Vietnamese
-- names (precomposed or with combining diacritics) and East Asian text line up in a
-- terminal.
local text = {}

-- Code point ranges that take no column: combining marks (diacritics written after their
-- letter), zero-width joiners and variation selectors.
local ZERO_WIDTH = {
  { 0x0300, 0x036F }, { 0x1AB0, 0x1AFF }, { 0x1DC0, 0x1DFF }, { 0x200B, 0x200F },
  { 0x20D0, 0x20FF }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F },
}

-- Code point ranges that take two columns: East Asian Wide and Fullwidth (Unicode UAX #11),
-- the main blocks.
local WIDE = {
  { 0x1100, 0x115F }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF },
  { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF },
  { 0xFE30, 0xFE4F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x1F300, 0x1F64F },
  { 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
}

-- Returns whether code point c lies in one of the ranges.
local function in_ranges(ranges, c)
  for _, range in ipairs(ranges) do
    if c >= range[1] and c <= range[2] then
      return true
    end
  end
  return false
end

-- text.char_width(c) -> 0, 1 or 2: the columns code point c takes.
function text.char_width(c)
  if c < 0x300 then
    return 1
  end
  if in_ranges(ZERO_WIDTH, c) then
    return 0
  end
  if in_ranges(WIDE, c) then
    return 2
  end
  return 1
end

-- text.width(s) -> the number of terminal columns s takes. Text that is not valid UTF-8
-- counts one column a byte.
function text.width(s)
  s = tostring(s)
  if not utf8.len(s) then
    return #s
  end
  local columns = 0
  for _, c in utf8.codes(s) do
    columns = columns + text.char_width(c)
  end
  return columns
end

-- text.pad(s, columns, align) -> s padded with spaces to the display width columns, on the
-- right ("left" alignment, the default) or on the left ("right").
function text.pad(s, columns, align)
  s = tostring(s)
  local fill = string.rep(" ", math.max(0, columns - text.width(s)))
  if align == "right" then
    return fill .. s
  end
  return s .. fill
end

-- text.table(header, rows, aligns) -> a string: the header, a rule of dashes and the rows
-- (arrays of strings), each column as wide as its widest cell, cells separated by two
-- spaces, column i aligned by aligns[i] ("left" or "right"), no trailing spaces.
function text.table(header, rows, aligns)
  aligns = aligns or {}
  local widths = {}
  for i, cell in ipairs(header) do
    widths[i] = text.width(cell)
  end
  for _, row in ipairs(rows) do
    for i = 1, #header do
      widths[i] = math.max(widths[i], text.width(row[i] or ""))
    end
  end
  local lines = {}
  -- Appends one line of cells, padded and joined.
  local function add(cells)
    local padded = {}
    for i = 1, #header do
      padded[i] = text.pad(cells[i] or "", widths[i], aligns[i])
    end
    lines[#lines + 1] = (table.concat(padded, "  "):gsub("%s+$", ""))
  end
  add(header)
  local rule = {}
  for i = 1, #header do
    rule[i] = string.rep("-", widths[i])
  end
  lines[#lines + 1] = table.concat(rule, "  ")
  for _, row in ipairs(rows) do
    add(row)
  end
  return table.concat(lines, "\n")
end

return text
