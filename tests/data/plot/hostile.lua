-- Draws a chart whose every piece of text is hostile; nothing may run, the chart must
-- still be drawn.  arg[1]: output file; arg[2]: the kind of chart, "bar" (stacked, value
-- labels; the default), "line" (with a second y axis), "histogram" or "heatmap".
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
local common = { title = text, xlabel = evil[5], ylabel = evil[2], legend = "outside",
                 sql = "select 1 -- " .. text .. "\\", out = arg[1], labels = true,
                 lang = "vi" }
local kind = arg[2] or "bar"
local spec = { rows }
if kind == "bar" then
  spec.x, spec.y, spec.by, spec.stacked = "cat", "n", "grp", true
  spec.markers = { { at = "EOD", label = evil[3] } }
elseif kind == "line" then
  spec = { x = { 1, 2, 3 }, y = { [evil[1]] = { 1, 2, 3 }, [evil[5]] = { 3, 1, 2 } },
           y2 = { evil[5], label = evil[9] }, markers = { { at = 2, label = evil[6] } } }
  common.labels = nil
elseif kind == "histogram" then
  spec.x, spec.by = "n", "grp"
elseif kind == "heatmap" then
  spec.x, spec.y, spec.z, common.zlabel = "grp", "cat", "n", evil[12]
end
for k, v in pairs(common) do
  spec[k] = v
end
return plot[kind](spec)
