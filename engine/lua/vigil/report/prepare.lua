-- vigil.report.prepare: what every renderer shares — tables with totals and disclosure
-- control, KPI and figure-check texts in the report's language, the footer lines.
local format = require "vigil.report.format"
local i18n = require "vigil.report.i18n"
local tables = require "vigil.report.tables"
local escape = require "vigil.report.escape"

local prepare = {}

-- prepare.run(doc, ctx) -> ctx filled with tables, kpis, checks, csv (file names per
-- table block), counts and footer. ctx: lang, min_cell, version, script.
function prepare.run(doc, ctx)
  local lang, min = ctx.lang, ctx.min_cell
  ctx.tables, ctx.kpis, ctx.checks, ctx.csv = {}, {}, {}, {}
  ctx.counts = { primary = 0, secondary = 0 }
  local used, n_tables = {}, 0
  for i, b in ipairs(doc.blocks) do
    if b.kind == "table" then
      local t = tables.prepare(b, ctx)
      ctx.tables[i] = t
      ctx.counts.primary = ctx.counts.primary + t.counts.primary
      ctx.counts.secondary = ctx.counts.secondary + t.counts.secondary
      n_tables = n_tables + 1
      local base = escape.slug(b.name or b.title or "")
      base = ("table-%02d%s"):format(n_tables, base ~= "" and ("-" .. base) or "")
      while used[base] do base = base .. "x" end
      used[base] = true
      ctx.csv[i] = base .. ".csv"
    elseif b.kind == "kpi" then
      local value = format.number(b.value, lang)
      if b.people and min and min > 1 and b.value > 0 and b.value < min then
        value = "<" .. min
        ctx.counts.primary = ctx.counts.primary + 1
      end
      ctx.kpis[i] = { value = value, change = b.change and format.percent(b.change, lang, 1, true) }
    elseif b.kind == "figure_check" then
      local published = format.number(b.published, lang)
      if b.qualifier == "more_than" then published = i18n.t(lang, "more_than", published) end
      ctx.checks[i] = { label = b.label, computed = format.number(b.computed, lang), published = published,
                        passed = b.passed, result = i18n.t(lang, b.passed and "check_pass" or "check_fail") }
    end
  end
  local footer = { i18n.t(lang, "synthetic_note") }
  if min and min > 1 then
    local line = i18n.t(lang, "disclosure") .. ": "
    if ctx.counts.primary == 0 then
      line = line .. i18n.t(lang, "suppressed_none", min)
    else
      line = line .. i18n.t(lang, "suppressed_primary", ctx.counts.primary, min, min)
      if ctx.counts.secondary > 0 then line = line .. " " .. i18n.t(lang, "suppressed_secondary", ctx.counts.secondary) end
    end
    footer[#footer + 1] = line
  end
  footer[#footer + 1] = i18n.t(lang, "footer_made_by", ctx.version, ctx.script)
  ctx.footer = footer
  return ctx
end

-- prepare.csv(t) -> text: a prepared table as RFC 4180 CSV (CRLF line ends), cells made
-- formula-safe; suppressed cells hold their marks ("<5", "×").
function prepare.csv(t)
  local lines = {}
  local head = {}
  for j, h in ipairs(t.header) do head[j] = escape.csv(h) end
  lines[1] = table.concat(head, ",")
  for _, row in ipairs(t.rows) do
    local cells = {}
    for j, cell in ipairs(row) do cells[j] = escape.csv(cell.value) end
    lines[#lines + 1] = table.concat(cells, ",")
  end
  return table.concat(lines, "\r\n") .. "\r\n"
end

return prepare
