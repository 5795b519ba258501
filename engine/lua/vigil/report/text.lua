-- vigil.report.text: the Markdown subset of report.text, parsed into blocks of runs so
-- that each renderer escapes the text itself.
--   blocks: {kind = "p" | "ul", runs = {...}} or {kind = "ul", items = {runs, ...}}
--   runs:   {kind = "plain" | "strong" | "em" | "code", text = "..."}
-- Paragraphs are separated by blank lines; lines starting with "- " are list items;
-- **strong**, *em* and `code` do not nest.
local text = {}

-- Splits one paragraph's text into runs.
local function runs(s)
  local out, i = {}, 1
  while i <= #s do
    local a, b, mark = s:find("([*`]+)", i)
    local kind, close
    if mark then
      if mark:sub(1, 2) == "**" then kind, mark = "strong", "**"
      elseif mark:sub(1, 1) == "*" then kind, mark = "em", "*"
      else kind, mark = "code", "`" end
      b = a + #mark - 1
      close = s:find(mark, b + 1, true)
    end
    if not close then
      out[#out + 1] = { kind = "plain", text = s:sub(i) }
      break
    end
    if a > i then out[#out + 1] = { kind = "plain", text = s:sub(i, a - 1) } end
    out[#out + 1] = { kind = kind, text = s:sub(b + 1, close - 1) }
    i = close + #mark
  end
  return out
end

-- text.parse(markdown) -> blocks
function text.parse(markdown)
  local blocks, para, list = {}, nil, nil
  local function flush()
    if para then blocks[#blocks + 1] = { kind = "p", runs = runs(table.concat(para, " ")) } end
    if list then blocks[#blocks + 1] = { kind = "ul", items = list } end
    para, list = nil, nil
  end
  for line in (markdown .. "\n"):gmatch("([^\n]*)\n") do
    line = line:gsub("\r$", "")
    local item = line:match("^%s*[-*]%s+(.*)$")
    if line:match("^%s*$") then
      flush()
    elseif item then
      if para then flush() end
      list = list or {}
      list[#list + 1] = runs(item)
    else
      if list then flush() end
      para = para or {}
      para[#para + 1] = line:match("^%s*(.-)%s*$")
    end
  end
  flush()
  return blocks
end

return text
