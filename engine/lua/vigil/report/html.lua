-- vigil.report.html: a document rendered as one self-contained HTML page (inline CSS,
-- inline SVG charts, no external resource, print-friendly). Every piece of text from
-- the script or the database is escaped (& < > " ').
local escape = require "vigil.report.escape"
local format = require "vigil.report.format"
local i18n = require "vigil.report.i18n"
local text = require "vigil.report.text"

local html = {}
local esc = escape.html

local CSS = [[
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;color:#1b1b1b;margin:2em auto;max-width:62em;padding:0 1em;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.3em;border-bottom:1px solid #bbb;margin-top:1.6em}
.sub,.period{color:#555;margin:.2em 0}table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}th{background:#eef1f5;text-align:left}
td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:bold;background:#f6f6f6}
td.sup{color:#a33}caption{text-align:left;font-weight:bold;padding:.3em 0}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{color:#555;font-size:.9em}
.kpis{display:flex;flex-wrap:wrap;gap:.8em}.kpi{border:1px solid #ccc;border-radius:4px;padding:.5em .9em;min-width:10em}
.kpi .v{font-size:1.5em;font-weight:bold}.kpi .l{color:#555;font-size:.9em}
.pass{color:#17672b;font-weight:bold}.fail{color:#b00020;font-weight:bold}
footer{margin-top:2em;border-top:1px solid #bbb;color:#555;font-size:.85em}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,figure,.kpi{page-break-inside:avoid}}
]]

-- Renders runs (from vigil.report.text) as escaped inline HTML.
local function inline(runs)
  local out = {}
  for _, r in ipairs(runs) do
    local t = esc(r.text)
    if r.kind == "strong" then t = "<strong>" .. t .. "</strong>"
    elseif r.kind == "em" then t = "<em>" .. t .. "</em>"
    elseif r.kind == "code" then t = "<code>" .. t .. "</code>" end
    out[#out + 1] = t
  end
  return table.concat(out)
end

-- Renders a report.text block.
local function text_block(b)
  local out = {}
  for _, blk in ipairs(text.parse(b.text)) do
    if blk.kind == "p" then
      out[#out + 1] = "<p>" .. inline(blk.runs) .. "</p>"
    else
      out[#out + 1] = "<ul>"
      for _, item in ipairs(blk.items) do out[#out + 1] = "<li>" .. inline(item) .. "</li>" end
      out[#out + 1] = "</ul>"
    end
  end
  return table.concat(out, "\n")
end

-- Renders a prepared table (vigil.report.tables).
local function table_block(t)
  local out = { "<table>" }
  if t.title then out[#out + 1] = "<caption>" .. esc(t.title) .. "</caption>" end
  local head = {}
  for j, h in ipairs(t.header) do
    head[j] = ('<th%s>%s</th>'):format(t.aligns[j] == "r" and ' class="r"' or "", esc(h))
  end
  out[#out + 1] = "<thead><tr>" .. table.concat(head) .. "</tr></thead><tbody>"
  for i, row in ipairs(t.rows) do
    local cells = {}
    for j, cell in ipairs(row) do
      local class = {}
      if t.aligns[j] == "r" then class[#class + 1] = "r" end
      if cell.mark then class[#class + 1] = "sup" end
      cells[j] = ("<td%s>%s</td>"):format(#class > 0 and (' class="' .. table.concat(class, " ") .. '"') or "",
                                          esc(cell.text))
    end
    local total = i > #t.rows - t.total_rows
    out[#out + 1] = (total and '<tr class="total">' or "<tr>") .. table.concat(cells) .. "</tr>"
  end
  out[#out + 1] = "</tbody></table>"
  return table.concat(out, "\n")
end

-- Returns the SVG text of chart number k ready to inline: no XML declaration or doctype,
-- and its ids prefixed so that several charts in one page do not clash.
function html.inline_svg(svg, k)
  svg = svg:gsub("^%s*<%?xml.-%?>%s*", ""):gsub("<!DOCTYPE.->%s*", "")
  local prefix = ("c%d-"):format(k)
  svg = svg:gsub("(%sid=)(['\"])", "%1%2" .. prefix)
  svg = svg:gsub("(href=)(['\"])#", "%1%2#" .. prefix)
  svg = svg:gsub("url%(#", "url(#" .. prefix)
  return svg
end

-- html.render(doc, ctx) -> text. ctx: lang, period, today, tables[block index],
-- charts[block index] = {svg = text} | {error = text}, counts, min_cell, version, script.
function html.render(doc, ctx)
  local lang = ctx.lang
  local out = {
    "<!DOCTYPE html>",
    ('<html lang="%s"><head><meta charset="utf-8">'):format(lang),
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>" .. esc(doc.title or ctx.script) .. "</title>",
    "<style>" .. CSS .. "</style></head><body>",
    "<header><h1>" .. esc(doc.title or ctx.script) .. "</h1>",
  }
  if doc.subtitle then out[#out + 1] = '<p class="sub">' .. esc(doc.subtitle) .. "</p>" end
  out[#out + 1] = '<p class="period">' .. esc(i18n.t(lang, "generated_for", ctx.period.label,
      format.date(ctx.period.first, lang), format.date(ctx.period.last, lang))) .. "</p>"
  out[#out + 1] = '<p class="period">' .. esc(i18n.t(lang, "as_of", format.date(ctx.today, lang))) .. "</p></header>"
  out[#out + 1] = "<main>"
  local i, blocks = 1, doc.blocks
  while i <= #blocks do
    local b = blocks[i]
    if b.kind == "section" then
      out[#out + 1] = "<h2>" .. esc(b.text) .. "</h2>"
    elseif b.kind == "text" then
      out[#out + 1] = text_block(b)
    elseif b.kind == "table" then
      out[#out + 1] = table_block(ctx.tables[i])
    elseif b.kind == "chart" then
      local c = ctx.charts[i]
      if c.svg then
        out[#out + 1] = "<figure>" .. html.inline_svg(c.svg, i) ..
          (b.caption and ("<figcaption>" .. esc(b.caption) .. "</figcaption>") or "") .. "</figure>"
      else
        out[#out + 1] = '<p class="fail">' .. esc(i18n.t(lang, "chart_failed", c.error)) .. "</p>"
      end
    elseif b.kind == "kpi" then
      out[#out + 1] = '<div class="kpis">'
      while i <= #blocks and blocks[i].kind == "kpi" do
        local k = ctx.kpis[i]
        out[#out + 1] = ('<div class="kpi"><div class="v">%s</div><div class="l">%s</div>%s</div>')
          :format(esc(k.value), esc(blocks[i].label), k.change and ('<div class="l">' .. esc(k.change) .. "</div>") or "")
        i = i + 1
      end
      i = i - 1
      out[#out + 1] = "</div>"
    elseif b.kind == "figure_check" then
      out[#out + 1] = ("<table><thead><tr><th>%s</th><th class=\"r\">%s</th><th class=\"r\">%s</th><th>%s</th></tr></thead><tbody>")
        :format(esc(i18n.t(lang, "figure")), esc(i18n.t(lang, "computed")), esc(i18n.t(lang, "published")),
                esc(i18n.t(lang, "result")))
      while i <= #blocks and blocks[i].kind == "figure_check" do
        local c = ctx.checks[i]
        out[#out + 1] = ('<tr><td>%s</td><td class="r">%s</td><td class="r">%s</td><td class="%s">%s</td></tr>')
          :format(esc(c.label), esc(c.computed), esc(c.published), c.passed and "pass" or "fail",
                  (c.passed and "✓ " or "✗ ") .. esc(c.result))
        i = i + 1
      end
      i = i - 1
      out[#out + 1] = "</tbody></table>"
    end
    i = i + 1
  end
  out[#out + 1] = "</main><footer>"
  for _, line in ipairs(ctx.footer) do out[#out + 1] = "<p>" .. esc(line) .. "</p>" end
  out[#out + 1] = "</footer></body></html>"
  return table.concat(out, "\n") .. "\n"
end

return html
