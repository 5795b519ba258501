-- The fenced ```lua blocks of a Markdown file, for the tests that run documentation.
local mdblocks = {}

-- mdblocks.read(path) -> {{start = line, lines = {...}}, ...}, unterminated
-- Each block with the line its code starts on; unterminated is true when the file ends
-- inside a block.
function mdblocks.read(path)
  local f = assert(io.open(path, "r"))
  local text = f:read("a")
  f:close()
  local blocks, current, line_no = {}, nil, 0
  for line in (text .. "\n"):gmatch("(.-)\n") do
    line_no = line_no + 1
    if current then
      if line:match("^```%s*$") then
        blocks[#blocks + 1] = current
        current = nil
      else
        current.lines[#current.lines + 1] = line
      end
    elseif line:match("^```lua%s*$") then
      current = { start = line_no + 1, lines = {} }
    end
  end
  return blocks, current ~= nil
end

return mdblocks
