-- Tests of long lines that are not reduced, written to gnuplot while their arrays are
-- read (stream parts: vigil.gnuplot.stream_block, vigil.plot.xy.STREAM_ABOVE). Run by
-- tests/plot.t in a scratch folder.
local here = arg[0]:match("^(.*)/") or "."
package.path = here .. "/?.lua;" .. package.path
local T = require "tap"
local gnuplot = require "vigil.gnuplot"
local xy = require "vigil.plot.xy"

-- stream_block: the datablock of the arrays, or nil for what it cannot send as it reads
T.is(gnuplot.stream_block("$t", { -0.0, 1e-5, 1, 2 ^ 53 + 1, math.maxinteger }, { 0 / 0, math.huge, 0.1 + 0.2, 1e15, -2.5 }),
     gnuplot.datablock("$t", { -0.0, 1e-5, 1, 2 ^ 53 + 1, math.maxinteger }, { 0 / 0, math.huge, 0.1 + 0.2, 1e15, -2.5 }),
     "stream_block: the text datablock writes (gaps, -0, huge integers)")
T.is(gnuplot.stream_block("$t", { 1, 3, 2 }, { 1, 2, 3 }), nil, "stream_block: nil when x goes down")
T.is(gnuplot.stream_block("$t", { 1, 0 / 0, 3 }, { 1, 2, 3 }), nil, "stream_block: nil for a NaN x")
T.is(gnuplot.stream_block("$t", { 1, "2", 3 }, { 1, 2, 3 }), nil, "stream_block: nil for a string x")
T.is(gnuplot.stream_block("$t", { 1, 2, 3 }, { 1, "2", 3 }), nil, "stream_block: nil for a numeric string y")
T.is(gnuplot.stream_block("$t", { 1, 2 }, { 0 / 0, math.huge }), nil, "stream_block: nil when no y is finite")
T.raises(function() gnuplot.stream_block("$t\nx", { 1 }, { 1 }) end, "datablock name",
         "stream_block: the name is $word")
local n = 1000
local bx, by = {}, {}
for i = 1, n do
  bx[i], by[i] = i * 0.5, (i * 7919) % 1000 / 8
end
T.is(gnuplot.stream_block("$b", bx, by), gnuplot.datablock("$b", bx, by),
     "stream_block: many batches, the text datablock writes")

-- a long line drawn whole: its datablock comes first, read as it is sent; the program is
-- the one of the columns read first (xy.STREAM_ABOVE = math.huge) but for its place
local N = 30000
local xs, ys, y, seed = {}, {}, 0, 3
for i = 1, N do
  seed = (seed * 1103515245 + 12345) % 2147483648
  y = y + (seed >> 16) % 201 - 100
  xs[i], ys[i] = i, y / 10
end
local function spec(out, extra)
  local s = { x = xs, y = ys, out = out, width = 400, height = 300, reduce = false, title = "walk" }
  for k, v in pairs(extra or {}) do
    s[k] = v
  end
  return s
end
local streamed = plot.script(spec("s.png"))
local above = xy.STREAM_ABOVE
xy.STREAM_ABOVE = math.huge
local read_first = plot.script(spec("s.png"))
xy.STREAM_ABOVE = above
local block = gnuplot.datablock("$s1", xs, ys)
T.ok(streamed:find("set encoding utf8\n" .. block .. "\nset terminal pngcairo", 1, true) ~= nil,
     "a long line drawn whole: its datablock right after set encoding, before the terminal")
local a = streamed:gsub(block:gsub("%p", "%%%0") .. "\n", "", 1)
local b = read_first:gsub(block:gsub("%p", "%%%0") .. "\n", "", 1)
T.is(a, b, "... and otherwise the program of the columns read first")
T.ok(read_first:find("set style fill solid 0.9 noborder\n" .. block, 1, true) ~= nil,
     "with xy.STREAM_ABOVE = math.huge, the datablock stays before the plot")
T.is(#plot.script{ x = { 1, 2 }, y = { 3, 4 }, out = "t.png", reduce = false } > 0 and
     plot.script{ x = { 1, 2 }, y = { 3, 4 }, out = "t.png", reduce = false }
       :find("set encoding utf8\nset terminal", 1, true) ~= nil, true,
     "a short line keeps its datablock before the plot")
plot.line(spec("s.png"))
xy.STREAM_ABOVE = math.huge
plot.line(spec("r.png"))
xy.STREAM_ABOVE = above
local function bytes(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end
T.ok(#bytes("s.png") > 1000 and bytes("s.png") == bytes("r.png"),
     "the chart is the one of the columns read first, byte for byte")

-- what a stream cannot send makes vigil build the program again with the columns read
-- first; gnuplot, stopped while it read the datablock, has touched nothing
local function with(k, v)
  local copy = { table.unpack(k == "x" and xs or ys) }
  copy[N // 2] = v
  return copy
end
local unsorted = with("x", 1)
local prog = plot.script(spec("u.png", { x = unsorted }))
T.ok(prog:find("set style fill solid 0.9 noborder\n$s1 << VIGIL_EOD\n1 ", 1, true) ~= nil
     and prog:find("\n1 [^\n]*\n1 ") ~= nil,
     "x out of order: the points sorted, the datablock before the plot (plot.script)")
local f = assert(io.open("keep.png", "wb"))
f:write("old")
f:close()
T.is(plot.line(spec("keep.png", { x = unsorted })), "keep.png", "x out of order: plot.line draws it")
T.ok(bytes("keep.png"):sub(2, 4) == "PNG", "... a PNG")
local nans = {}
for i = 1, N do
  nans[i] = 0 / 0
end
prog = plot.script(spec("n.png", { y = nans }))
T.ok(prog:find("set yrange [0:1]", 1, true) ~= nil, "no finite y: the empty chart's range (plot.script)")
T.is(plot.line(spec("n.png", { y = nans })), "n.png", "no finite y: plot.line draws the empty chart")
f = assert(io.open("keep.png", "wb"))
f:write("old")
f:close()
local ok, err = pcall(plot.line, spec("keep.png", { y = with("y", "abc") }))
T.ok(not ok and tostring(err):match("y value 'abc' in y%[" .. N // 2 .. "%] of '' is not a number"),
     "a string y: the usage error of the columns read first (" .. tostring(err) .. ")")
T.is(bytes("keep.png"), "old", "... and the file named by out is untouched")
local saved = spec("v.png", { x = unsorted, save_script = "v.gp" })
plot.line(saved)
T.is(bytes("v.gp"), plot.script(spec("v.png", { x = unsorted })),
     "x out of order with save_script: the program saved is the one drawn")
T.done()
