-- Tests of the pure parts of the report modules: the catalogue, number and date formats,
-- escaping, the Markdown subset, periods, metadata and disclosure control.
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local T = require "tap"
local i18n = require "vigil.report.i18n"
local format = require "vigil.report.format"
local escape = require "vigil.report.escape"
local period = require "vigil.report.period"
local meta = require "vigil.report.meta"
local suppress = require "vigil.report.suppress"
local text = require "vigil.report.text"
local json = require "vigil.report.json"

-- The catalogue is complete: every key has a non-empty text in both languages, with the
-- same placeholders.
local missing = {}
for key, entry in pairs(i18n.catalogue) do
  for _, lang in ipairs(i18n.LANGS) do
    if type(entry[lang]) ~= "string" or entry[lang] == "" then missing[#missing + 1] = key .. "/" .. lang end
  end
  if entry.vi and entry.en and select(2, entry.vi:gsub("%%[sd]", "")) ~= select(2, entry.en:gsub("%%[sd]", "")) then
    missing[#missing + 1] = key .. " (placeholders differ)"
  end
end
table.sort(missing)
T.is(table.concat(missing, ", "), "", "catalogue: every key in vi and en with the same placeholders")
T.is(i18n.t("vi", "people"), "người", "catalogue: vi text")
T.raises(function() i18n.t("en", "no_such_key") end, "no message 'no_such_key'", "catalogue: unknown key raises")

-- Numbers and dates.
T.is(format.number(70815, "vi"), "70.815", "format: 70.815 in vi")
T.is(format.number(70815, "en"), "70,815", "format: 70,815 in en")
T.is(format.number(-1234567, "vi"), "-1.234.567", "format: negative, two groups")
T.is(format.number(999, "en"), "999", "format: no separator below 1000")
T.is(format.number(1234.56, "vi", 1), "1.234,6", "format: vi decimal comma")
T.is(format.number(0.045, "en", 3), "0.045", "format: en decimal point")
T.is(format.percent(12.5, "vi", 1, true), "+12,5%", "format: signed percent")
T.is(format.date("2022-09-08", "vi"), "08/09/2022", "format: vi date")
T.is(format.date("2022-09-08", "en"), "2022-09-08", "format: en date")
T.is(format.month("2022-09", "vi"), "09/2022", "format: vi month")
-- One implementation: the report's numbers are vigil.trend.numbers' with the report's defaults.
local numbers = require "vigil.trend.numbers"
for _, case in ipairs({ { 70815, "vi" }, { -1234567, "en" }, { 1234.56, "vi", 1 }, { 0.04567, "en", 3 } }) do
  T.is(format.number(case[1], case[2], case[3]), numbers.format(case[1], case[2], case[3] or 0),
       ("format: %s in %s as trend.numbers gives it"):format(tostring(case[1]), case[2]))
end
T.is(format.number(2.5, "vi"), "2,5", "format: one decimal by default")
T.is(format.number(2.0, "en"), "2", "format: an integral float without decimals")
T.is(format.number(2.0, "en", 2), "2.00", "format: an integral float with decimals keeps them")
T.is(format.number(7, "en", 2), "7", "format: an integer never gets decimals")
T.is(format.number(-0.04, "en"), "0.0", "format: no minus sign on a value shown as zero")
T.is(format.percent(0.01, "en", 1, true), "0.0%", "format: no plus sign on a change shown as zero")
T.is(format.number(0 / 0, "en"), "–", "format: NaN")
T.raises(function() format.number(1.5, "fr") end, "language must be", "format: an unknown language raises")

-- Escaping.
T.is(escape.html([[<script>alert("x")</script> & 'q']]),
     "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;", "html: the five characters")
T.is(escape.md("a|b *c* _d_ `e` [f](g) <h> #i"), [[a\|b \*c\* \_d\_ \`e\` \[f\](g) \<h\> \#i]], "md: punctuation")
T.is(escape.md("# title"), [[\# title]], "md: no heading")
T.is(escape.md("- item"), [[\- item]], "md: no list item")
T.is(escape.md("1. item"), [[1\. item]], "md: no ordered item")
T.is(escape.md("a\nb\r\nc"), "a b c", "md: one line")
T.is(escape.csv("=cmd()"), "'=cmd()", "csv: = prefixed")
T.is(escape.csv("+1"), "'+1", "csv: + prefixed")
T.is(escape.csv("-2"), "'-2", "csv: - in text prefixed")
T.is(escape.csv("@SUM(A1)"), "'@SUM(A1)", "csv: @ prefixed")
T.is(escape.csv("\tx"), "'\tx", "csv: tab prefixed")
T.is(escape.csv(-2), "-2", "csv: a negative number stays a number")
T.is(escape.csv('a,"b"'), '"a,""b"""', "csv: quoted, quotes doubled")
T.is(escape.csv("=a,b"), [["'=a,b"]], "csv: prefixed then quoted")
T.is(escape.slug("../../etc/passwd"), "etc-passwd", "slug: no path")

-- The Markdown subset.
local blocks = text.parse("one **two** *three* `four`\n\n- a\n- b")
T.is(#blocks, 2, "text: a paragraph and a list")
T.is(blocks[1].runs[2].kind .. blocks[1].runs[4].kind .. blocks[1].runs[6].kind, "strongemcode", "text: runs")
T.is(#blocks[2].items, 2, "text: two items")

-- Periods.
local function p(s, today) local r = assert(period.parse(s, today or "2022-09-08")) return r.label .. " " .. r.first .. " " .. r.last end
T.is(p("2022-09"), "2022-09 2022-09-01 2022-09-30", "period: month")
T.is(p("2024-02"), "2024-02 2024-02-01 2024-02-29", "period: leap February")
T.is(p("2022-Q3"), "2022-Q3 2022-07-01 2022-09-30", "period: quarter")
T.is(p("2022"), "2022 2022-01-01 2022-12-31", "period: year")
T.is(p("last-month"), "2022-08 2022-08-01 2022-08-31", "period: last month")
T.is(p("last-month", "2023-01-15"), "2022-12 2022-12-01 2022-12-31", "period: last month across a year")
T.is(p("last-quarter", "2022-02-01"), "2021-Q4 2021-10-01 2021-12-31", "period: last quarter across a year")
T.is(p("ytd"), "2022-ytd 2022-01-01 2022-09-08", "period: year to date")
T.is(p("2022-01-01..2022-09-08"), "2022-01-01_2022-09-08 2022-01-01 2022-09-08", "period: range")
T.ok(not period.parse("2022-13", "2022-09-08"), "period: month 13 refused")
T.ok(not period.parse("../x", "2022-09-08"), "period: garbage refused")
T.ok(not period.parse("2022", "2022-02-30"), "period: bad today refused")

-- Metadata, read without running anything.
local m = meta.parse([[#!/usr/bin/env vigil
-- x.lua: fallback text
-- description: A report.
-- category: report
-- arg n: integer = 3 -- how many
-- arg by: one-of(a|b) = a
-- arg since: date
os.exit(1)
-- arg late: integer
]])
T.is(m.description, "A report.", "meta: description")
T.is(m.category, "report", "meta: category")
T.is(#m.args, 3, "meta: only the leading comment block")
T.is(m.args[1].help, "how many", "meta: help text")
local v = assert(meta.parse_args(m, { "--n=5", "--since", "2022-01-31" }, "2022-09-08"))
T.ok(v.n == 5 and v.by == "a" and v.since == "2022-01-31", "meta: values and defaults")
local none, err = meta.parse_args(m, { "--n=x" }, "2022-09-08")
T.ok(not none and err:find("integer"), "meta: a bad integer is refused")
none, err = meta.parse_args(m, { "--by=c" }, "2022-09-08")
T.ok(not none and err:find("one of a, b"), "meta: a bad choice is refused")
none, err = meta.parse_args(m, { "--zzz=1" }, "2022-09-08")
T.ok(not none and err:find("unknown argument"), "meta: an unknown argument is refused")
T.is(meta.parse("-- y.lua: the fallback\nlocal x").description, "the fallback", "meta: fallback description")

-- Disclosure control: primary and secondary suppression.
-- rows: {a, b, total}; last row: column totals
local grid = { { 3, 10, 13 }, { 8, 12, 20 }, { 11, 22, 33 } }
local marks, counts = suppress.mark(grid, { min = 5, total_column = true, total_row = true })
T.is(marks[1][1], "primary", "suppress: 3 < 5 is primary")
T.ok(marks[1][2] == "secondary" and marks[2][1] == "secondary", "suppress: its row and column get a complement")
T.ok(marks[2][2] == "secondary", "suppress: the complements' lines get one too")
T.is(counts.primary .. "/" .. counts.secondary, "1/3", "suppress: counts")
-- no line may hold exactly one hidden member
local lines_ok = true
for i = 1, 3 do
  local r, c = 0, 0
  for j = 1, 3 do
    if marks[i][j] then r = r + 1 end
    if marks[j][i] then c = c + 1 end
  end
  if r == 1 or c == 1 then lines_ok = false end
end
T.ok(lines_ok, "suppress: no line with a single hidden cell")
marks = suppress.mark({ { 0, 7 } }, { min = 5 })
T.ok(not marks[1][1] and not marks[1][2], "suppress: zero and large counts stay")

-- JSON.
T.is(json.encode({ b = 1, a = { "x", "y\n" }, c = {} }), '{\n  "a": [\n    "x",\n    "y\\n"\n  ],\n  "b": 1,\n  "c": {}\n}\n',
     "json: sorted keys, arrays, escapes")

T.done()
