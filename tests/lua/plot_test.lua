-- Tests of the gnuplot programs vigil.plot writes (run by tests/plot.t in a scratch
-- folder): quoting, numbers, datablocks, ticks, markers, usage errors, a golden file.
local here = arg[0]:match("^(.*)/") or "."
package.path = here .. "/?.lua;" .. package.path
local T = require "tap"
local fixture = require "fixture"
local plot = require "vigil.plot"

local read = fixture.read

-- quoting and numbers
T.is(plot.quote("it's"), "'it''s'", "quote doubles '")
T.is(plot.quote("a\nb\r!c\0d\te"), "'a b !c d e'", "quote turns control characters into spaces")
T.is(plot.quote("x]]>y"), "'x]] >y'", "quote defuses ]]>")
T.is(plot.quote("bad\xffz"), "'bad\u{FFFD}z'", "quote replaces invalid UTF-8")
T.is(plot.quote("Xử lý `cmd` \"q\" @m"), "'Xử lý `cmd` \"q\" @m'", "quote keeps UTF-8 and other characters")
local long = plot.quote(string.rep("ử", 1000))
T.ok(#long < 1010 and utf8.len(long) ~= nil, "quote cuts long text on a character boundary")
T.is(plot.format_number(3), "3", "integers as integers")
T.is(plot.format_number(3.0), "3", "integral floats without a decimal point")
T.is(plot.format_number(0.1), "0.1", "shortest exact form")
T.is(tonumber(plot.format_number(1 / 3)), 1 / 3, "floats read back exactly")
T.is(plot.format_number(0 / 0), "NaN", "NaN")
T.is(plot.format_number(math.huge), "NaN", "infinity is a gap")

-- a hostile program: every line outside datablocks is a known command, with text only
-- inside single-quoted strings; checked for every kind of chart
local evil = { "`touch PWNED`", "system('touch PWNED')", "a\n!touch PWNED", "VIGIL_EOD", "EOD", "'", "\"" }
local rows = {}
for i, s in ipairs(evil) do
  rows[i] = { c = s, g = evil[#evil + 1 - i], n = i }
end

-- Checks one generated program line by line (see above); name says which.
local function check_program(prog, name)
  local in_block, bad_block, bad_cmd, leftover = false, 0, 0, 0
  for line in prog:gmatch("([^\n]*)\n") do
    if in_block then
      if line == "VIGIL_EOD" then
        in_block = false
      elseif not line:match("^[-%d.eNa ]+$") then
        bad_block = bad_block + 1
      end
    elseif line:match("^%$[shmy]%d* << VIGIL_EOD$") then
      in_block = true
    elseif line:match("^#") then
      -- comment: must not end in a backslash (it would continue onto the next line)
      if line:match("\\$") then bad_cmd = bad_cmd + 1 end
    elseif not (line:match("^set ") or line:match("^unset ") or line:match("^plot ")
                or line:match("^     %$[shy]%d")) then
      bad_cmd = bad_cmd + 1
      T.diag("unexpected line: " .. line)
    else
      local rest = line:gsub("'[^']*'", "")
      if rest:find("[`!\"@]") or rest:find("system") then
        leftover = leftover + 1
        T.diag("text outside strings: " .. line)
      end
    end
  end
  T.ok(not in_block and bad_block == 0, name .. ": datablocks hold numbers only and end")
  T.ok(bad_cmd == 0, name .. ": every line is a known command or a comment")
  T.ok(leftover == 0, name .. ": no hostile text outside single-quoted strings")
end

local texts = { title = evil[3], xlabel = evil[1], ylabel = evil[2], sql = "select 1 \\\nplot 'x'",
                out = "e.svg", labels = true }
-- Returns spec with the hostile texts added where it has no field of that name.
local function with_texts(spec)
  for k, v in pairs(texts) do
    if spec[k] == nil then
      spec[k] = v
    end
  end
  return spec
end
local prog = plot.script(with_texts{ rows, kind = "bar", x = "c", y = "n", by = "g" })
check_program(prog, "hostile bar")
check_program(plot.script(with_texts{ rows, kind = "histogram", x = "n", by = "g" }), "hostile histogram")
check_program(plot.script(with_texts{ rows, kind = "heatmap", x = "c", y = "g", z = "n", zlabel = evil[1] }),
              "hostile heatmap")
check_program(plot.script(with_texts{ rows, kind = "line", x = "n", y = "n", by = "g", labels = false,
                                      y2 = { evil[1], label = evil[3] } }), "hostile line with y2")
check_program(plot.script(with_texts{ rows, kind = "bar", x = "c", y = "n", by = "g",
                                      y2 = { evil[2], label = evil[3] }, labels = false }),
              "hostile bar with y2")
T.like(prog, "\nset output 'e%.svg'\n", "output path as a string literal")
T.like(prog, "'a !touch PWNED'", "a newline in a title becomes a space")
T.like(prog, "'system%(''touch PWNED''%)'", "quotes in text are doubled")
T.like(prog, "\n#   select 1 \\ #\n#   plot 'x'\n", "SQL as comment lines, no trailing backslash")

-- time axes: ticks written by vigil, markers every year
local months = {}
for y = 2019, 2025 do
  for m = 1, 12 do
    months[#months + 1] = { month = ("%d-%02d"):format(y, m), n = m }
  end
end
prog = plot.script{ months, x = "month", y = "n", out = "t.png",
                    markers = { { every_year = "07-30", label = "30/7" } } }
T.like(prog, "set xtics %('2019' 17897, '2020' 18262, '2021' 18628, '2022' 18993, '2023' 19358, '2024' 19723, '2025' 20089%)",
       "seven years: ticks on 1 January")
local arrows = select(2, prog:gsub("\nset arrow ", ""))
T.is(arrows, 7, "one 30 July marker per year")
T.like(prog, "set arrow 1 from 18107,", "the first marker on 2019-07-30")
prog = plot.script{ { months[1], months[2], months[3], months[4] }, x = "month", y = "n", lang = "vi", out = "t.png" }
T.like(prog, "set xtics %('T1/2019' 17897, 'T2/2019' 17928, 'T3/2019' 17956, 'T4/2019' 17987%)",
       "four months: monthly ticks, Vietnamese names")

-- columns form, series order, kinds
prog = plot.script{ x = { 1, 2, 3 }, y = { b = { 1, 2, 3 }, a = { 3, 2, 1 } }, kind = "scatter", out = "s.pdf" }
T.like(prog, "title 'a'.*title 'b'", "named columns: series sorted by name")
T.like(prog, "set terminal pdfcairo size 10in,6in noenhanced", "PDF terminal")
prog = plot.script{ x = { 1, 2 }, y = { 5, 6 }, kind = "area", logscale = true, legend = "bottom right" }
T.like(prog, "set terminal dumb size %d+,%d+ noenhanced", "no out: the dumb terminal")
T.like(prog, "set logscale y", "logscale")
T.like(prog, "set key bottom right", "legend position")
T.is(plot.script{ x = { 1, 2 }, y = { 5, 6 } }, plot.script{ x = { 1, 2 }, y = { 5, 6 } }, "same spec, same program")

-- usage errors point at the caller
T.raises(function() plot.script{ x = { 1 }, y = { 1 }, kind = "pie" } end, "unknown kind", "unknown kind")
T.raises(function() plot.script{ x = { 1 }, y = { 1 }, logscale = "z" } end, "logscale", "bad logscale")
T.raises(function() plot.script{ x = { 1 }, y = { 1 }, legend = "top; !ls" } end, "unknown position word", "legend words are checked")
T.raises(function() plot.script{ { { a = 1, b = "x" } }, x = "a", y = "b" } end, "is not a number", "non-numeric y")
T.raises(function() plot.script{ x = { 1 }, y = { 1 }, out = "|cat" } end, "refused", "pipe output refused")
T.raises(function() plot.script{ x = { 1 }, y = { 1 }, out = "x.gif" } end, "unknown format", "unknown format")
T.raises(function() plot.script{ x = 1 } end, "plot_test%.lua:%d+: plot:", "error at the caller's line")

-- save_script keeps the program beside the chart; golden program
local spec = { { { m = "2022-01", d = "warning", n = 3 }, { m = "2022-02", d = "warning", n = 1.5 },
                 { m = "2022-01", d = "prosecution", n = 2 } },
               x = "m", y = "n", by = "d", title = "Xử lý vi phạm theo hình thức", ylabel = "người",
               sql = "select m, d, n from t", out = "golden.svg", save_script = "golden.gp" }
local golden = read(here .. "/../data/plot/golden.gp")
T.is(plot.script(spec), golden, "program equals tests/data/plot/golden.gp")
T.is(plot.line(spec), "golden.svg", "chart drawn")
T.is(read("golden.gp"), golden, "save_script wrote the same program")

-- histogram bins: Sturges' rule, bins = k, binwidth = w, equal values, the closed last bin
local b = plot.bins({ 1, 2, 2, 3, 3, 3, 4, 4, 5, 9, 10 })
T.is(b.edges, { 1, 2.8, 4.6, 6.4, 8.2, 10 }, "Sturges: 11 values, ceil(log2 11) + 1 = 5 bins over [1, 10]")
T.is(b.counts, { 3, 5, 1, 0, 2 }, "Sturges: counts by hand (10 in the closed last bin)")
b = plot.bins({ 0, 1, 2, 3, 4 }, { bins = 2 })
T.is(b.counts, { 2, 3 }, "bins = 2 over [0, 4]: [0, 2) and [2, 4]")
b = plot.bins({ 0.5, 1, 2.5, 7, nil, 0 / 0, n = 6 }, { binwidth = 2 })
T.is(b.edges, { 0, 2, 4, 6, 8 }, "binwidth = 2: edges on multiples of 2 (nil and NaN left out)")
T.is(b.counts, { 2, 1, 0, 1 }, "binwidth = 2: counts")
b = plot.bins({ 3, 3, 3 })
T.is(b, { edges = { 2.5, 3.5 }, counts = { 3 } }, "equal values: one bin of width 1")
T.is(plot.bins({ -3, -1 }, { binwidth = 1 }).edges, { -3, -2, -1, 0 }, "negative values: floor")
T.raises(function() plot.bins({ 1, 2 }, { bins = 0 }) end, "bins must be", "bins = 0 refused")
T.raises(function() plot.bins({ 1, 2 }, { binwidth = -1 }) end, "binwidth must be", "negative binwidth refused")
T.raises(function() plot.bins({ 1, math.huge }) end, "infinite", "infinite values refused")
prog = plot.script{ kind = "histogram", x = { a = { 1, 2 }, b = { 2, 2 } }, bins = 2, out = "h.svg" }
T.like(prog, "set xrange %[1:2%]", "histogram: x range from the first to the last edge")
T.like(prog, "\n%$h1 << VIGIL_EOD\n1.125 1 1 1.25 0 1\n1.625 1 1.5 1.75 0 1\nVIGIL_EOD\n",
       "histogram: group a's boxes in the first half of each bin (b's in the second)")
T.like(prog, "title 'a'.*title 'b'", "histogram: one key entry per group")

-- heatmap: a matrix of numbers, names as ticks, time columns in order, missing as NaN
prog = plot.script{ kind = "heatmap", x = { "2024-02", "2024-01", "2024-03" }, y = { "Đức Huệ", "b'c" },
                    z = { { 5, 1, 2 }, { 7, nil, 9 } }, lang = "vi", out = "m.svg" }
T.like(prog, "\n%$m << VIGIL_EOD\n1 5 2\nNaN 7 9\nVIGIL_EOD\n", "heatmap: matrix rows by y, columns in time order")
T.like(prog, "set ytics %('Đức Huệ' 0, 'b''c' 1%)", "heatmap: category names as quoted y ticks")
T.like(prog, "set xtics %('T1/2024' 0, 'T2/2024' 1, 'T3/2024' 2%)", "heatmap: month ticks on the columns")
T.like(prog, "plot %$m matrix using 1:2:3 with image", "heatmap: drawn as an image")
local hrows = { { m = "x", c = "p", n = 1 }, { m = "y", c = "p", n = 2 }, { m = "x", c = "p", n = 3 },
                { m = "x", c = "q", n = 4 } }
prog = plot.script{ hrows, kind = "heatmap", x = "m", y = "c", z = "n", out = "m.svg" }
T.like(prog, "\n%$m << VIGIL_EOD\n4 2\n4 NaN\nVIGIL_EOD\n", "heatmap rows: cells of the same x and y summed")
T.raises(function() plot.script{ kind = "heatmap", x = { 1 }, y = { 1 }, z = { { "a" } } } end,
         "is not a number", "heatmap: z must be numbers")

-- second y axis, value labels in the report's language
prog = plot.script{ x = { 1, 2 }, y = { a = { 1, 2 }, b = { 1000, 2000 } }, y2 = { "b", label = "B" }, out = "y.svg" }
T.like(prog, "set ytics nomirror\nset y2tics\nset y2label 'B'\n", "y2: its ticks and label")
T.like(prog, "title 'a'", "y2: a stays on the first axis")
T.like(prog, "lc 2 axes x1y2 title 'b'", "y2: b is drawn against the second axis")
T.raises(function() plot.script{ x = { 1 }, y = { a = { 1 } }, y2 = { "nope" } } end, "no series named",
         "y2: an unknown series name is an error")
T.raises(function() plot.script{ kind = "bar", x = { 1 }, y = { a = { 1 } }, y2 = { "a" } } end,
         "must stay on the first", "y2: bars need one series on the first axis")
T.raises(function() plot.script{ kind = "histogram", x = { 1 }, y2 = { "a" } } end, "y2 is for",
         "y2: not for histograms")
prog = plot.script{ kind = "bar", x = { "a", "b" }, y = { 70815, -1234.5 }, labels = true, lang = "vi", out = "l.svg" }
T.like(prog, "set label 10001 '70.815' at 0, 70815 center offset 0,0.6 front", "vi labels: 70.815 above the bar")
T.like(prog, "set label 10002 '%-1.234,5' at 1, %-1234.5 center offset 0,%-0.6 front", "vi labels: below a negative bar")
prog = plot.script{ kind = "bar", x = { "a" }, y = { 70815 }, labels = true, out = "l.svg" }
T.like(prog, "'70,815'", "en labels: 70,815")
T.raises(function() plot.script{ x = { 1 }, y = { 1 }, labels = true, lang = "fr" } end, "vi\" or \"en",
         "labels: an unknown language is an error")

T.done()
