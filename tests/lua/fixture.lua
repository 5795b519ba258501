-- Shared pieces of vigil's Lua tests: reading a file whole, and the random walk that
-- the plot tests draw.
--   local fixture = require "fixture"
--   fixture.read(path)            fixture.walk(n, seed, scale)
local fixture = {}

-- fixture.read(path) -> the bytes of the file at path; raises when it cannot be read.
function fixture.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- fixture.walk(n, seed, scale) -> xs, ys: x = 1..n and y a random walk, steps of -100 to
-- 100 drawn from a fixed LCG started at seed, divided by scale.
function fixture.walk(n, seed, scale)
  local xs, ys, y = {}, {}, 0
  for i = 1, n do
    seed = (seed * 1103515245 + 12345) % 2147483648
    y = y + (seed >> 16) % 201 - 100
    xs[i], ys[i] = i, y / scale
  end
  return xs, ys
end

return fixture
