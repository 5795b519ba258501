-- Runs every ```lua block of a Markdown file (arg[1]) in order, each as its own chunk
-- named after the file and line, against the default database; prints TAP.
local path = assert(arg[1], "usage: doc_blocks.lua FILE.md")
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

local failed = 0
for i, block in ipairs(blocks) do
  local name = ("=%s:%d"):format(path, block.start)
  local chunk, err = load(table.concat(block.lines, "\n"), name, "t")
  local ok = chunk ~= nil
  if ok then
    ok, err = pcall(chunk)
  end
  print(("%sok %d - %s:%d runs"):format(ok and "" or "not ", i, path, block.start))
  if not ok then
    failed = failed + 1
    print("# " .. tostring(err):gsub("\n", "\n# "))
  end
end
print(("ok %d - %s has examples (%d)"):format(#blocks + 1, path, #blocks))
print("1.." .. #blocks + 1)
os.exit(failed == 0 and #blocks > 0)
