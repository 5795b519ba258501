-- Draws a chart whose every piece of text is hostile; nothing may run, the chart must
-- still be drawn.  arg[1]: output file.
local evil = {
  "it's \"quoted\"",
  "`touch PWNED`",
  "system(\"touch PWNED\")",
  "x'.system('touch PWNED').'y",
  "line\n!touch PWNED",
  "cr\r!touch PWNED",
  "VIGIL_EOD",
  "EOD",
  "a]]>b <x> & y",
  "bad \xff\xfe utf8 \xc3",
  "@evil_macro",
  "\\'; !touch PWNED",
  string.rep("long Xử lý ", 2000),
}
evil_macro = "touch PWNED"
local rows = {}
for i, s in ipairs(evil) do
  rows[#rows + 1] = { cat = s, grp = evil[#evil - i + 1], n = i }
end
local text = table.concat(evil, " ")
return plot.bar{ rows, x = "cat", y = "n", by = "grp", stacked = true, labels = true,
                 title = text, xlabel = evil[5], ylabel = evil[2], legend = "outside",
                 markers = { { at = "EOD", label = evil[3] } },
                 sql = "select 1 -- " .. text .. "\\", out = arg[1] }
