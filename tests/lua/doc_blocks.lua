-- Runs every ```lua block of a Markdown file (arg[1]) in order, each as its own chunk
-- named after the file and line, against the default database; prints TAP.
local path = assert(arg[1], "usage: doc_blocks.lua FILE.md")
package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local blocks = require("mdblocks").read(path)

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
