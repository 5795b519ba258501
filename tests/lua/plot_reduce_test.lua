-- Tests of the reduction of long line series (vigil.plot, vigil.gnuplot.reduce) and of
-- the numbers vigil.gnuplot.datablock writes. Run by tests/plot.t in a scratch folder.
-- The charts of 200,000 points are drawn with and without the reduction to PNG
-- (pngcairo, what users get), both decoded back to pixels by gnuplot itself (libgd's
-- PNG reader, `with rgbimage` into `set table`), and compared pixel by pixel.
local here = arg[0]:match("^(.*)/") or "."
package.path = here .. "/?.lua;" .. package.path
local T = require "tap"
local fixture = require "fixture"
local gnuplot = require "vigil.gnuplot"
local emit = require "vigil.plot.emit"

-- numbers: the C writer and emit.number agree on integers, floats of few digits,
-- random bit patterns, tiny and huge values, NaN and infinities
local state, mismatches, first_bad = 7, 0, nil
local function next_random()
  state = (state * 6364136223846793005 + 1442695040888963407)
  return state
end
for i = 1, 20000 do
  local r, v = i % 4, nil
  if r == 0 then
    v = string.unpack("d", string.pack("i8", next_random()))
  elseif r == 1 then
    v = (next_random() >> 40) / 100
  elseif r == 2 then
    v = ((next_random() >> 11) / 2 ^ 53 - 0.5) * 10.0 ^ ((next_random() >> 59) - 8)
  else
    v = math.tointeger(next_random() >> 20) or 0
  end
  local got = gnuplot.datablock("$t", { v }, { 0 }):match("\n(%S+) 0\n")
  if got ~= emit.number(v) then
    mismatches = mismatches + 1
    first_bad = first_bad or ("%s: %s against %s"):format(emit.number(v), got, emit.number(v))
  end
end
T.is(mismatches, 0, "datablock numbers are emit.number's (20000 values) " .. (first_bad or ""))
T.is(gnuplot.datablock("$t", { 1, -0.0, 1e-5, 0.0001, 3.0 }, { 0 / 0, math.huge, 0.1 + 0.2, 1e15, -2.5 }),
     "$t << VIGIL_EOD\n1 NaN\n-0 NaN\n1e-05 0.30000000000000004\n0.0001 1e+15\n3 -2.5\nVIGIL_EOD",
     "datablock text: integers, gaps, shortest exact floats")
T.raises(function() gnuplot.datablock("$t", { 1, "2" }, { 1, 2 }) end, "x%[2%] is a string",
         "datablock refuses a non-number")
T.raises(function() gnuplot.datablock("$t\nsystem", { 1 }, { 1 }) end, "datablock name",
         "datablock refuses a name that is not $word")

-- reduce: the M4 rule on a small case worked by hand (2 columns over [0, 8))
local xs, ys = gnuplot.reduce({ 0, 1, 2, 3, 4, 5, 6, 7 }, { 5, 9, 1, 4, 2, 2, 8, 3 }, 0, 8, 2)
T.is(table.concat(xs, " "), "0 1 2 3 4 6 7", "reduce: first, highest, lowest, last per column")
T.is(table.concat(ys, " "), "5 9 1 4 2 8 3", "reduce: their y values, in order")
xs, ys = gnuplot.reduce({ 1, 2, 3, 4, 5, 6 }, { 1, 0 / 0, 3, 4, 5, 6 }, 1, 6, 1)
T.is(table.concat(xs, " ") .. ":" .. tostring(ys[2] ~= ys[2]), "1 2 3 6:true",
     "reduce: a gap is kept where it was, each side reduced alone")
T.is(math.type(xs[1]), "integer", "reduce: integers stay integers")

-- columns: arrays of numbers read into C once, with their summary; the datablocks of
-- columns (reduced or not) are those of the arrays
local col, bad, badtype = gnuplot.column({ 1, 2, "3" })
T.ok(col == nil and bad == 3 and badtype == "string", "column: nil, index and type of a non-number")
col = gnuplot.column({ 3, 0 / 0, 1, math.huge })
local n, lo, hi, sorted, finite = col:summary()
T.is(table.concat({ n, lo, hi, tostring(sorted), tostring(finite), #col }, " "), "4 1.0 inf false true 4",
     "column: summary (NaN left out, order broken) and length")
T.is(select(2, gnuplot.column({ 0 / 0 }):summary()), nil, "column: no range when every value is NaN")
local odd_x = { math.maxinteger, math.mininteger, 2 ^ 53 + 1, 1e15, 1e15 - 1, -0.0, 0, 2.5 }
local odd_y = { 1, 2, 3, 4, 5, 6, 7, 8 }
local want = {}
for i = 1, #odd_x do
  want[i] = emit.number(odd_x[i]) .. " " .. emit.number(odd_y[i])
end
T.is(gnuplot.datablock("$t", gnuplot.column(odd_x), gnuplot.column(odd_y)),
     "$t << VIGIL_EOD\n" .. table.concat(want, "\n") .. "\nVIGIL_EOD",
     "datablock of columns: huge integers, -0, whole floats as emit.number writes them")
do
  local wx, wy, seed2, walk = {}, {}, 5, 0
  for i = 1, 5000 do
    seed2 = (seed2 * 1103515245 + 12345) % 2147483648
    walk = walk + (seed2 >> 16) % 21 - 10
    wx[i], wy[i] = i * 0.5, i % 777 == 0 and 0 / 0 or walk / 4
  end
  local rx, ry = gnuplot.reduce(wx, wy, 0.5, 2500, 37)
  T.is(gnuplot.datablock("$w", gnuplot.column(wx), gnuplot.column(wy), { lo = 0.5, hi = 2500, columns = 37 }),
       gnuplot.datablock("$w", rx, ry), "datablock of columns with a plan: the reduction of the arrays")
  -- a program of parts: the datablock is written into the pipe; gnuplot's error names
  -- the right line after it (1 + 5000 + 2 lines before the plot)
  local run = gnuplot.start()
  local ok, err = pcall(run.finish, run, { "set print '-'",
    { block = "$w", x = gnuplot.column(wx), y = gnuplot.column(wy) }, "plot $w with linez" })
  T.ok(not ok and err:match("^gnuplot: line 5004: unrecognized plot type\n  plot %$w with linez$"),
       "parts: gnuplot's error and line after a datablock part (" .. tostring(err):gsub("\n", " / ") .. ")")
  T.raises(function() run:finish("print 1\n") end, "over", "a run runs once")
  run = gnuplot.start()
  local out = run:finish({ "set print '-'", { block = "$w", x = gnuplot.column(wx), y = gnuplot.column(wy),
    plan = { lo = 0.5, hi = 2500, columns = 37 } }, "stats $w using 1:2 nooutput", "print STATS_records + STATS_invalid" })
  T.is(out, #rx .. "\n", "parts: gnuplot reads the reduced datablock part whole")
  run = gnuplot.start()
  run:close()
  T.raises(function() run:finish("print 1\n") end, "over", "a closed run does not run")
  T.raises(function() gnuplot.run({ "print 1", 42 }) end, "part 2 of the program is a number",
           "parts: only strings and datablock parts")
end

-- reduce_line: the reduction done while reading the arrays (no copy) keeps what the
-- reduction of the columns keeps, and refuses what it cannot do in one pass
do
  local function block(kx, ky)
    return gnuplot.datablock("$r", kx, ky)
  end
  local cases = {
    { { 0, 1, 2, 3, 4, 5, 6, 7 }, { 5, 9, 1, 4, 2, 2, 8, 3 }, 2, "hand case" },
    { { 1, 2, 3, 4, 5, 6 }, { 1, 0 / 0, 3, 4, 5, 6 }, 1, "a gap" },
    { { 1, 1, 1, 1 }, { 4, -1, 7, 2 }, 5, "one x value" },
    { { -0.0, 0, 0, 1.5, 2 ^ 53 + 1, math.maxinteger }, { 1, -0.0, 2.5, 1e300, -1e-300, 3 }, 3,
      "huge integers, -0, whole floats" },
    { { -math.huge, 0, math.huge }, { 1, 2, 3 }, 4, "infinite x" },
  }
  local wx, wy, seed3, walk = {}, {}, 11, 0
  for i = 1, 20000 do
    seed3 = (seed3 * 1103515245 + 12345) % 2147483648
    walk = walk + (seed3 >> 16) % 21 - 10
    wx[i], wy[i] = i // 3 * 0.25, i % 991 == 0 and 0 / 0 or (i % 1777 == 0 and math.huge or walk / 8)
  end
  cases[#cases + 1] = { wx, wy, 123, "a walk of 20000 points with repeated x, gaps, infinities" }
  for _, c in ipairs(cases) do
    local xs, ys, columns, name = c[1], c[2], c[3], c[4]
    local kx, ky, lo, hi, xfinite, yfinite = gnuplot.reduce_line(xs, ys, columns)
    local cx, cy = gnuplot.column(xs), gnuplot.column(ys)
    local n, clo, chi, _, cfinite = cx:summary()
    local yfin = select(5, cy:summary())
    T.is(block(kx, ky), gnuplot.datablock("$r", cx, cy, { lo = clo, hi = chi, columns = columns }),
         "reduce_line: the points the reduction of the columns keeps: " .. name)
    T.is(table.concat({ tostring(lo), tostring(hi), tostring(xfinite), tostring(yfinite) }, " "),
         table.concat({ tostring(clo), tostring(chi), tostring(cfinite), tostring(yfin) }, " "),
         "reduce_line: the range and finiteness of the columns: " .. name .. " (" .. n .. ")")
  end
  T.is(gnuplot.reduce_line({ 1, 3, 2 }, { 1, 2, 3 }, 4), nil, "reduce_line: nil when x goes down")
  T.is(gnuplot.reduce_line({ 1, 0 / 0, 2 }, { 1, 2, 3 }, 4), nil, "reduce_line: nil for a NaN x")
  T.is(gnuplot.reduce_line({ 1, "2", 3 }, { 1, 2, 3 }, 4), nil, "reduce_line: nil for a string x")
  T.is(gnuplot.reduce_line({ 1, 2, 3 }, { 1, "2", 3 }, 4), nil, "reduce_line: nil for a string y")
  T.is(gnuplot.reduce_line({}, {}, 4), nil, "reduce_line: nil for no points")
  T.raises(function() gnuplot.reduce_line({ 1, 2 }, { 1 }, 4) end, "fewer y",
           "reduce_line: ys at least as long as xs")
  -- in a chart: the same program as the reduction of the columns read first
  local ry = {}
  for i = 1, #wx do
    ry[i] = wy[i] == wy[i] and wy[i] ~= math.huge and wy[i] or 0
  end
  local prog = plot.script{ x = wx, y = { a = wy, b = ry }, width = 300, height = 200, out = "w.png" }
  local cx = gnuplot.column(wx)
  local _, clo, chi = cx:summary()
  local plan = { lo = clo, hi = chi, columns = 600 }
  T.ok(prog:find(gnuplot.datablock("$s1", cx, gnuplot.column(wy), plan), 1, true)
       and prog:find(gnuplot.datablock("$s2", cx, gnuplot.column(ry), plan), 1, true),
       "a chart of two long series: each reduced while read, as the columns are")
  local column, reads = gnuplot.column, 0
  gnuplot.column = function(...)
    reads = reads + 1
    return column(...)
  end
  plot.script{ x = wx, y = wy, out = "w.png" }
  local long_reads = reads
  local xy = require "vigil.plot.xy"
  local above = xy.STREAM_ABOVE
  xy.STREAM_ABOVE = math.huge -- (else a long line drawn whole is read as it is sent)
  plot.script{ x = wx, y = wy, out = "w.png", reduce = false }
  xy.STREAM_ABOVE = above
  gnuplot.column = column
  T.is(long_reads .. " " .. reads, "0 2",
       "a long line in order is reduced in the pass that reads it (no column copied)")
  local unsorted = { table.unpack(wx, 1, 15000) }
  unsorted[1], unsorted[2] = unsorted[2] + 1, unsorted[1]
  prog = plot.script{ x = unsorted, y = { table.unpack(ry, 1, 15000) }, width = 300, height = 200, out = "u.png" }
  T.ok(prog:find("\n0 ") and select(2, prog:gsub("\n[%d.]+ %S+", "")) <= 4 * 600 + 8,
       "x not in order: sorted, then reduced (the general path)")
end

-- the chart: a random walk of N points, with and without the reduction
local N, W, H = 200000, 800, 480
local px, py = fixture.walk(N, 99, 10)
py[N // 3] = 0 / 0 -- a gap, which must stay visible
local function spec(out, reduce)
  return { x = px, y = py, out = out, width = W, height = H, reduce = reduce, title = "walk" }
end
local reduced = plot.script(spec("r.png"))
local full = plot.script(spec("f.png", false))
local function points(program)
  local n = 0
  for _ in program:gmatch("\n%-?[%d.]+ [^\n]+") do
    n = n + 1
  end
  return n
end
local nr, nf = points(reduced), points(full)
T.is(nf, N, "reduce = false: every point goes to gnuplot")
T.ok(nr < 4 * 2 * W + 10 and nr > W, ("default: reduced to %d points (at most 4 per column)"):format(nr))
T.is(points(plot.script{ x = { 1, 2, 3 }, y = { 1, 2, 3 }, out = "s.png" }), 3,
     "a short series is left alone")
T.is(points(plot.script{ x = px, y = py, out = "p.png", points = true }), N,
     "points = true: not reduced (each point is drawn)")

local saved = spec("r.png")
saved.save_script = "r.gp"
plot.line(saved)
plot.line(spec("f.png", false))
local f = assert(io.open("r.gp", "rb"))
T.is(f:read("a"), reduced, "save_script holds the program plot.script gives")
f:close()

-- Returns the pixels of a PNG as an array of "r g b" strings, decoded by gnuplot.
local function pixels(png)
  gnuplot.run(("set table '%s.txt'\nplot '%s' binary filetype=png with rgbimage\nunset table\n")
              :format(png, png))
  local out = {}
  for line in io.lines(png .. ".txt") do
    local r, g, b = line:match("^%s*%d+%s+%d+%s+(%d+)%s+(%d+)%s+(%d+)")
    if r then
      out[#out + 1] = { tonumber(r), tonumber(g), tonumber(b) }
    end
  end
  return out
end
local a, b = pixels("r.png"), pixels("f.png")
T.is(#a, W * H, "the reduced chart decodes to every pixel")
T.is(#b, W * H, "the full chart decodes to every pixel")
local differ, worst, inked = 0, 0, 0
for i = 1, math.min(#a, #b) do
  local d = math.max(math.abs(a[i][1] - b[i][1]), math.abs(a[i][2] - b[i][2]),
                     math.abs(a[i][3] - b[i][3]))
  if d > 64 then
    differ = differ + 1
  end
  worst = math.max(worst, d)
  if b[i][1] + b[i][2] + b[i][3] < 600 then
    inked = inked + 1
  end
end
-- near-identity: at most 0.1% of the pixels may differ by more than a quarter of the
-- range in some channel (antialiasing of the 2-pixel line where a column's inner
-- points fall between pixel edges); a wrong reduction (a lost peak, gap or column)
-- changes whole strokes: hundreds of pixels
T.ok(inked > 5000, ("the chart is not blank (%d dark pixels)"):format(inked))
T.ok(differ <= W * H // 1000,
     ("reduced and full charts look the same: %d of %d pixels differ by > 64 (worst %d)")
     :format(differ, W * H, worst))
T.done()
