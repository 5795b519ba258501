-- vigil.plot.emit: the safe pieces of a gnuplot program, shared by the chart kinds.
--   * text (titles, labels, categories, series names) is written as a single-quoted
--     gnuplot string after cleaning: invalid UTF-8 -> U+FFFD, control characters ->
--     space, "]]>" -> "]] >", ' doubled. Single-quoted strings have no escapes, no
--     backquote substitution and no macro expansion, and with the newlines gone nothing
--     can end a string or start a command;
--   * numbers are formatted here (integers as integers, floats in the shortest form that
--     reads back exactly, "." as decimal sign whatever the locale);
--   * data go in inline datablocks of numbers alone, so no line can be the terminator;
--   * usage errors are raised as tables that vigil.plot re-raises at the caller's line.
local emit = {}

emit.EOD = "VIGIL_EOD" -- datablock terminator; data lines are numbers, never this
emit.MAX_TEXT = 1000 -- bytes kept of a title or axis label (cut on a character boundary)
emit.MAX_LABEL = 80 -- bytes kept of a tick label, series name or marker label


-- Returns s with every byte that is not part of valid UTF-8 replaced by U+FFFD.
local function valid_utf8(s)
  if utf8.len(s) then
    return s
  end
  local parts, i = {}, 1
  while i <= #s do
    local n, bad = utf8.len(s, i)
    if n then
      parts[#parts + 1] = s:sub(i)
      break
    end
    parts[#parts + 1] = s:sub(i, bad - 1) .. "\u{FFFD}"
    i = bad + 1
  end
  return table.concat(parts)
end

-- emit.clean_text(v [, max]) -> the text a chart shows for value v: valid UTF-8, no control
-- characters (C0, DEL, C1), no "]]>", at most max (default MAX_TEXT) bytes.
function emit.clean_text(v, max)
  max = max or emit.MAX_TEXT
  local s = type(v) == "number" and emit.number(v) or tostring(v)
  s = valid_utf8(s)
  s = s:gsub("[%z\1-\31\127]", " "):gsub("\194[\128-\159]", " ")
  s = s:gsub("%]%]>", "]] >")
  if #s > max then
    local cut = max
    while cut > 0 and s:byte(cut + 1) and s:byte(cut + 1) >= 0x80 and s:byte(cut + 1) < 0xC0 do
      cut = cut - 1
    end
    s = s:sub(1, cut) .. "…"
  end
  return s
end

-- emit.quote(v [, max]) -> string: v as a single-quoted gnuplot string literal (see
-- above), cut to at most max bytes (default 1000) before quoting.
function emit.quote(v, max)
  return "'" .. emit.clean_text(v, max):gsub("'", "''") .. "'"
end

-- emit.number(n) -> string: integers as integers, floats in the shortest of
-- %.15g/%.16g/%.17g that reads back exactly, NaN for NaN and infinities.
function emit.number(n)
  if math.type(n) == "integer" then
    return string.format("%d", n)
  end
  if n ~= n or n == math.huge or n == -math.huge then
    return "NaN"
  end
  local s
  for digits = 15, 17 do
    s = string.format("%." .. digits .. "g", n):gsub(",", ".")
    if tonumber(s) == n then
      break
    end
  end
  return s
end

-- emit.fail(msg): raises an error that the public functions re-raise at their caller's
-- line.
function emit.fail(msg)
  error({ vigil_plot_error = msg }, 0)
end

-- emit.usage(msg, ...): raises a usage error (msg formatted with the arguments) for the
-- caller's line.
function emit.usage(msg, ...)
  emit.fail("plot: " .. msg:format(...))
end

-- The number a y value stands for: numbers as they are, numeric strings converted, nil

-- emit.datablock(out, name, lines): appends to out a datablock named name whose lines are
-- the number tuples of `lines`.
function emit.datablock(out, name, lines)
  out[#out + 1] = ("%s << %s"):format(name, emit.EOD)
  for _, tuple in ipairs(lines) do
    local cells = {}
    for i, v in ipairs(tuple) do
      cells[i] = emit.number(v)
    end
    local line = table.concat(cells, " ")
    assert(line:sub(1, #emit.EOD) ~= emit.EOD) -- numbers only: cannot happen
    out[#out + 1] = line
  end
  out[#out + 1] = emit.EOD
end

return emit
