-- Tests of the gnuplot programs vigil.plot writes (run by tests/plot.t in a scratch
-- folder): quoting, numbers, datablocks, ticks, markers, usage errors, a golden file.
local here = arg[0]:match("^(.*)/") or "."
package.path = here .. "/?.lua;" .. package.path
local T = require "tap"
local plot = require "vigil.plot"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

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
-- inside single-quoted strings
local evil = { "`touch PWNED`", "system('touch PWNED')", "a\n!touch PWNED", "VIGIL_EOD", "EOD", "'", "\"" }
local rows = {}
for i, s in ipairs(evil) do
  rows[i] = { c = s, g = evil[#evil + 1 - i], n = i }
end
local prog = plot.script{ rows, kind = "bar", x = "c", y = "n", by = "g", labels = true,
                          title = evil[3], xlabel = evil[1], ylabel = evil[2],
                          sql = "select 1 \\\nplot 'x'", out = "e.svg" }
local in_block, bad_block, bad_cmd, leftover = false, 0, 0, 0
for line in prog:gmatch("([^\n]*)\n") do
  if in_block then
    if line == "VIGIL_EOD" then
      in_block = false
    elseif not line:match("^[-%d.eNa ]+$") then
      bad_block = bad_block + 1
    end
  elseif line:match("^%$s%d+ << VIGIL_EOD$") then
    in_block = true
  elseif line:match("^#") then
    -- comment: must not end in a backslash (it would continue onto the next line)
    if line:match("\\$") then bad_cmd = bad_cmd + 1 end
  elseif not (line:match("^set ") or line:match("^unset ") or line:match("^plot ")
              or line:match("^     %$s%d")) then
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
T.ok(not in_block and bad_block == 0, "hostile program: datablocks hold numbers only and end")
T.ok(bad_cmd == 0, "hostile program: every line is a known command or a comment")
T.ok(leftover == 0, "hostile program: no hostile text outside single-quoted strings")
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

T.done()
