-- vigil.report.markdown: a document rendered as report.md. Text from the script or the
-- database is escaped (vigil.report.escape.md) so that it shows literally: no HTML,
-- link, emphasis, heading, list or table cell can start inside it.
local escape = require "vigil.report.escape"
local format = require "vigil.report.format"
local i18n = require "vigil.report.i18n"
local text = require "vigil.report.text"

local markdown = {}
local esc = escape.md

-- Renders runs as escaped inline Markdown.
local function inline(runs)
  local out = {}
  for _, r in ipairs(runs) do
    local t = esc(r.text)
    if r.kind == "strong" then t = "**" .. t .. "**"
    elseif r.kind == "em" then t = "*" .. t .. "*"
    elseif r.kind == "code" then t = "`" .. r.text:gsub("[`\r\n]", " ") .. "`" end
    out[#out + 1] = t
  end
  return table.concat(out)
end

-- Renders a prepared table as a pipe table.
local function table_block(t)
  local out = {}
  if t.title then out[#out + 1] = "**" .. esc(t.title) .. "**" .. "\n" end
  local head, rule = {}, {}
  for j, h in ipairs(t.header) do
    head[j] = esc(h)
    rule[j] = t.aligns[j] == "r" and "---:" or "---"
  end
  out[#out + 1] = "| " .. table.concat(head, " | ") .. " |"
  out[#out + 1] = "| " .. table.concat(rule, " | ") .. " |"
  for _, row in ipairs(t.rows) do
    local cells = {}
    for j, cell in ipairs(row) do cells[j] = esc(cell.text) end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |"
  end
  return table.concat(out, "\n")
end

-- markdown.render(doc, ctx) -> text (ctx as for vigil.report.html; charts[i].file is the
-- PNG beside report.md when one was made).
function markdown.render(doc, ctx)
  local lang = ctx.lang
  local out = { "# " .. esc(doc.title or ctx.script) }
  if doc.subtitle then out[#out + 1] = esc(doc.subtitle) end
  out[#out + 1] = esc(i18n.t(lang, "generated_for", ctx.period.label, format.date(ctx.period.first, lang),
                             format.date(ctx.period.last, lang))) .. "  \n" ..
                  esc(i18n.t(lang, "as_of", format.date(ctx.today, lang)))
  local i, blocks = 1, doc.blocks
  while i <= #blocks do
    local b = blocks[i]
    if b.kind == "section" then
      out[#out + 1] = "## " .. esc(b.text)
    elseif b.kind == "text" then
      for _, blk in ipairs(text.parse(b.text)) do
        if blk.kind == "p" then
          out[#out + 1] = inline(blk.runs)
        else
          local items = {}
          for k, item in ipairs(blk.items) do items[k] = "- " .. inline(item) end
          out[#out + 1] = table.concat(items, "\n")
        end
      end
    elseif b.kind == "table" then
      out[#out + 1] = table_block(ctx.tables[i])
    elseif b.kind == "chart" then
      local c = ctx.charts[i]
      if c.png then
        out[#out + 1] = ("![%s](%s)"):format(esc(b.caption or ""), c.png)
      elseif b.caption then
        out[#out + 1] = "*" .. esc(b.caption) .. "*"
      end
    elseif b.kind == "kpi" then
      local items = {}
      while i <= #blocks and blocks[i].kind == "kpi" do
        local k = ctx.kpis[i]
        items[#items + 1] = ("- **%s**: %s%s"):format(esc(blocks[i].label), esc(k.value),
                                                      k.change and (" (" .. esc(k.change) .. ")") or "")
        i = i + 1
      end
      i = i - 1
      out[#out + 1] = table.concat(items, "\n")
    elseif b.kind == "figure_check" then
      local rows = { ("| %s | %s | %s | %s |"):format(esc(i18n.t(lang, "figure")), esc(i18n.t(lang, "computed")),
                                                      esc(i18n.t(lang, "published")), esc(i18n.t(lang, "result"))),
                     "| --- | ---: | ---: | --- |" }
      while i <= #blocks and blocks[i].kind == "figure_check" do
        local c = ctx.checks[i]
        rows[#rows + 1] = ("| %s | %s | %s | %s |"):format(esc(c.label), esc(c.computed), esc(c.published),
                                                           (c.passed and "✓ " or "✗ ") .. esc(c.result))
        i = i + 1
      end
      i = i - 1
      out[#out + 1] = table.concat(rows, "\n")
    end
    i = i + 1
  end
  out[#out + 1] = "---"
  for _, line in ipairs(ctx.footer) do out[#out + 1] = esc(line) end
  return table.concat(out, "\n\n") .. "\n"
end

return markdown
