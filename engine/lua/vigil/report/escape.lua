-- vigil.report.escape: untrusted text made safe for HTML, Markdown and CSV.
local escape = {}

local HTML = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

-- Returns s with every byte outside valid UTF-8 replaced by U+FFFD and control
-- characters other than tab and newline removed.
local function clean(s)
  s = tostring(s)
  if not utf8.len(s) then
    local parts, i = {}, 1
    while i <= #s do
      local n, bad = utf8.len(s, i)
      if n then parts[#parts + 1] = s:sub(i); break end
      parts[#parts + 1] = s:sub(i, bad - 1) .. "\u{FFFD}"
      i = bad + 1
    end
    s = table.concat(parts)
  end
  return (s:gsub("[%z\1-\8\11-\31\127]", ""))
end
escape.clean = clean

-- escape.html(s) -> text safe inside HTML elements and quoted attributes.
function escape.html(s)
  return (clean(s):gsub("[&<>\"']", HTML))
end

-- escape.md(s) -> one line of Markdown showing s literally: line breaks become spaces,
-- Markdown's punctuation (\ ` * _ [ ] < > # | ~ ! & and { }) is backslash-escaped and a
-- leading - + = or "1." is escaped too, so no emphasis, link, HTML, entity, heading,
-- list or table cell can start inside it.
function escape.md(s)
  s = clean(s):gsub("[\r\n\t]+", " ")
  s = s:gsub("[\\`*_%[%]<>#|~!&{}]", "\\%0")
  if s:match("^[%-+=]%s") or s:match("^[%-+=]+$") then s = "\\" .. s end
  s = s:gsub("^(%d+)([.)]%s)", "%1\\%2"):gsub("^(%d+)([.)])$", "%1\\%2")
  return s
end

-- Cells that a spreadsheet would read as a formula start with one of these.
local FORMULA_START = { ["="] = true, ["+"] = true, ["-"] = true, ["@"] = true,
                        ["\t"] = true, ["\r"] = true }

-- escape.csv(v) -> one RFC 4180 field: numbers as they are, text with a leading ' when
-- it starts with = + - @ tab or CR (formula injection), quoted when it holds a comma, a
-- quote, CR or LF (quotes doubled).
function escape.csv(v)
  if v == nil then return "" end
  if type(v) == "number" then
    if math.type(v) == "integer" then return ("%d"):format(v) end
    return ("%.17g"):format(v)
  end
  local s = clean(v)
  if FORMULA_START[s:sub(1, 1)] then s = "'" .. s end
  if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

-- escape.slug(s [, max]) -> a file-name part from s: lower-case ASCII letters, digits,
-- '-' and '_' only, at most max (40) bytes; "" when nothing is left.
function escape.slug(s, max)
  s = tostring(s):lower():gsub("[^a-z0-9_%-]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
  return s:sub(1, max or 40)
end

return escape
