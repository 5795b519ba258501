-- Tests of long lines that are not reduced, written to gnuplot while their arrays are
-- read, as inline data (stream parts: vigil.gnuplot.inline_data, vigil.plot.xy.STREAM_ABOVE);
-- charts drawn into a scratch file renamed into place. Run by
-- tests/plot.t in a scratch folder.
local here = arg[0]:match("^(.*)/") or "."
package.path = here .. "/?.lua;" .. package.path
local T = require "tap"
local fixture = require "fixture"
local gnuplot = require "vigil.gnuplot"
local xy = require "vigil.plot.xy"

-- inline_data: the lines of the arrays then "e", or nil for what it cannot send as it
-- reads
local function inline_of(xs, ys) -- the same lines as the datablock of the columns
  local lines = gnuplot.datablock("$t", xs, ys):gsub("^[^\n]*\n", "")
  return (lines:gsub("VIGIL_EOD$", "e"))
end
T.is(gnuplot.inline_data({ -0.0, 1e-5, 1, 2 ^ 53 + 1, math.maxinteger }, { 0 / 0, math.huge, 0.1 + 0.2, 1e15, -2.5 }),
     inline_of({ -0.0, 1e-5, 1, 2 ^ 53 + 1, math.maxinteger }, { 0 / 0, math.huge, 0.1 + 0.2, 1e15, -2.5 }),
     "inline_data: the lines datablock writes, then e (gaps, -0, huge integers)")
T.is(gnuplot.inline_data({ 1, 2 }, { 3, 4 }), "1 3\n2 4\ne", "inline_data: ends with the line e")
T.is(gnuplot.inline_data({ 1, 3, 2 }, { 1, 2, 3 }), nil, "inline_data: nil when x goes down")
T.is(gnuplot.inline_data({ 1, 0 / 0, 3 }, { 1, 2, 3 }), nil, "inline_data: nil for a NaN x")
T.is(gnuplot.inline_data({ 1, "2", 3 }, { 1, 2, 3 }), nil, "inline_data: nil for a string x")
T.is(gnuplot.inline_data({ 1, 2, 3 }, { 1, "2", 3 }), nil, "inline_data: nil for a numeric string y")
T.is(gnuplot.inline_data({ 1, 2 }, { 0 / 0, math.huge }), nil, "inline_data: nil when no y is finite")
T.raises(function() gnuplot.inline_data({ 1, 2 }, { 1 }) end, "fewer y than x",
         "inline_data: y as long as x")
local n = 1000
local bx, by = {}, {}
for i = 1, n do
  bx[i], by[i] = i * 0.5, (i * 7919) % 1000 / 8
end
T.is(gnuplot.inline_data(bx, by), inline_of(bx, by),
     "inline_data: many batches, the lines datablock writes")

-- a long line drawn whole: its points follow the plot command as inline data ('-'),
-- read as they are sent; the program is the one of the columns read first
-- (xy.STREAM_ABOVE = math.huge) but for where the points are
local N = 30000
local xs, ys = fixture.walk(N, 3, 10)
local function spec(out, extra)
  local s = { x = xs, y = ys, out = out, width = 400, height = 300, reduce = false, title = "walk" }
  for k, v in pairs(extra or {}) do
    s[k] = v
  end
  return s
end
local function plain(s) -- s as a pattern that matches s
  return (s:gsub("%p", "%%%0"))
end
local streamed = plot.script(spec("s.png"))
local above = xy.STREAM_ABOVE
xy.STREAM_ABOVE = math.huge
local read_first = plot.script(spec("s.png"))
xy.STREAM_ABOVE = above
local block, lines = gnuplot.datablock("$s1", xs, ys), gnuplot.inline_data(xs, ys)
T.ok(streamed:find("\nplot '-' using 1:2 with lines lw 2 lc 1 title ''\n" .. lines .. "\nunset output\n", 1, true) ~= nil,
     "a long line drawn whole: plot '-', then its points, then e")
T.ok(not streamed:find("$s1", 1, true), "... and no datablock")
local a = streamed:gsub("\n" .. plain(lines), "", 1):gsub("plot '%-'", "plot $s1", 1)
local b = read_first:gsub(plain(block) .. "\n", "", 1)
T.is(a, b, "... and otherwise the program of the columns read first")
T.ok(read_first:find("set style fill solid 0.9 noborder\n" .. block, 1, true) ~= nil,
     "with xy.STREAM_ABOVE = math.huge, the datablock stays before the plot")
T.ok(plot.script{ x = { 1, 2 }, y = { 3, 4 }, out = "t.png", reduce = false }
       :find("set style fill solid 0.9 noborder\n$s1 << VIGIL_EOD\n1 3\n2 4\nVIGIL_EOD\nplot $s1", 1, true) ~= nil,
     "a short line keeps its datablock before the plot")
plot.line(spec("s.png"))
xy.STREAM_ABOVE = math.huge
plot.line(spec("r.png"))
xy.STREAM_ABOVE = above
local bytes = fixture.read
T.ok(#bytes("s.png") > 1000 and bytes("s.png") == bytes("r.png"),
     "the chart is the one of the columns read first, byte for byte")
T.is(io.open(gnuplot.scratch_path("s.png")), nil, "no scratch file left beside the chart")

-- two long lines drawn whole: two '-' in the plot command, their points in that order
local ys2 = {}
for i = 1, N do
  ys2[i] = -ys[i]
end
local two = spec("two.svg", { y = { up = ys, down = ys2 }, order = { "up", "down" } })
local prog = plot.script(two)
T.ok(prog:find("plot '-' using 1:2 with lines lw 2 lc 1 title 'up', \\\n     '-' using 1:2 with lines lw 2 lc 2 title 'down'\n"
               .. gnuplot.inline_data(xs, ys) .. "\n" .. gnuplot.inline_data(xs, ys2) .. "\nunset output", 1, true) ~= nil,
     "two long lines: two '-' and their points in the order of the plot command")
plot.line(two)
xy.STREAM_ABOVE = math.huge
two.out = "two-r.svg"
plot.line(two)
xy.STREAM_ABOVE = above
T.ok(#bytes("two.svg") > 1000 and bytes("two.svg") == bytes("two-r.svg"),
     "two long lines: the chart of the columns read first, byte for byte")

-- what a stream cannot send makes vigil build the program again with the columns read
-- first; gnuplot, stopped while it read the points, drew into a scratch file that is
-- gone: the file named by out is untouched
local function with(k, v)
  local copy = { table.unpack(k == "x" and xs or ys) }
  copy[N // 2] = v
  return copy
end
local unsorted = with("x", 1)
prog = plot.script(spec("u.png", { x = unsorted }))
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
T.is(io.open(gnuplot.scratch_path("keep.png")), nil, "... and no scratch file is left")
local saved = spec("v.png", { x = unsorted, save_script = "v.gp" })
plot.line(saved)
T.is(bytes("v.gp"), plot.script(spec("v.png", { x = unsorted })),
     "x out of order with save_script: the program saved is the one drawn")

-- gnuplot draws into the scratch file beside out, which is renamed into place only
-- when gnuplot succeeded (a stand-in gnuplot shows what the real one is given)
local real_start = gnuplot.start
local given
local function stand_in(fail)
  return function()
    local run = { close = function() end }
    run.finish = function(_, program)
      given = {}
      for _, part in ipairs(program) do
        given[#given + 1] = type(part) == "string" and part or "(data)"
      end
      local out = table.concat(given, "\n"):match("\nset output '([^']*)'")
      local f = assert(io.open(out, "wb"))
      f:write("half")
      f:close()
      if fail then
        error("gnuplot: line 9: stand-in failure", 0)
      end
      return "", ""
    end
    return setmetatable(run, { __close = function() end })
  end
end
f = assert(io.open("swap.png", "wb"))
f:write("old")
f:close()
gnuplot.start = stand_in(true)
ok, err = pcall(plot.line, { x = { 1, 2 }, y = { 3, 4 }, out = "swap.png" })
gnuplot.start = real_start
T.ok(not ok and tostring(err):match("stand%-in failure"), "a failing gnuplot: its error (" .. tostring(err) .. ")")
T.ok(table.concat(given, "\n"):find("\nset output '" .. gnuplot.scratch_path("swap.png") .. "'\n", 1, true) ~= nil,
     "gnuplot is told to draw into the scratch file beside out")
T.is(bytes("swap.png"), "old", "a failing gnuplot: the file named by out is untouched")
T.is(io.open(gnuplot.scratch_path("swap.png")), nil, "... and its scratch file is removed")
gnuplot.start = stand_in(false)
ok, err = pcall(plot.line, { x = { 1, 2 }, y = { 3, 4 }, out = "swap.png" })
gnuplot.start = real_start
T.is(ok and bytes("swap.png"), "half", "a gnuplot that succeeds: its drawing is renamed into place")
T.is(io.open(gnuplot.scratch_path("swap.png")), nil, "... and no scratch file is left")
T.ok(plot.script{ x = { 1, 2 }, y = { 3, 4 }, out = "swap.png" }:find("\nset output 'swap.png'\n", 1, true) ~= nil,
     "plot.script shows the output path itself")
T.done()
