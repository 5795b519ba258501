-- tests/bench/plot/chart.lua N OUT [reduce|script|script-reduce|data]: the benchmark chart of
-- tests/bench/plot/run: a line chart of N points (x = 1..N, y a random walk in hundredths,
-- made here from a fixed seed) to OUT (.png or .svg) through vigil.plot. "reduce" turns
-- the automatic reduction on (it is off otherwise, so the full data go to gnuplot);
-- "script" prints the gnuplot program instead of drawing (the file gnuplot alone is
-- timed on), "script-reduce" the program of the reduced chart; "data" only makes the points (what making them costs).
local n = math.tointeger(tonumber(arg[1])) or error("usage: chart.lua N OUT [reduce] [script]")
local out, mode = arg[2], arg[3]
local xs, ys = {}, {}
local seed, y = 12345, 10000
for i = 1, n do
  seed = (seed * 1103515245 + 12345) % 2147483648   -- a fixed LCG: the same walk everywhere
  y = y + (seed >> 16) % 201 - 100
  xs[i], ys[i] = i, y / 100
end
local spec = { x = xs, y = ys, name = "walk", title = "1,000,000 points", out = out,
               width = 1000, height = 600, reduce = mode == "reduce" or mode == "script-reduce" }
if mode == "data" then
  return
elseif mode == "script" or mode == "script-reduce" then
  io.write(plot.script(spec))
else
  plot.line(spec)
end
