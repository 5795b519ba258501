-- vigil.report: the building blocks of a report. A report script (run by `vigil report`,
-- see docs/report.md) gets a façade `report` whose functions append to an in-memory
-- document; the trusted renderers (vigil.report.html, .markdown, .csv) write the files
-- afterwards. The script never gets a file handle.
--
--   report.title(text [, subtitle])       report.section(text)
--   report.text(markdown)                 report.table(rows, opts)
--   report.chart(plotspec)                report.figure_check{label, computed, published, qualifier}
--   report.kpi(label, value [, change [, opts]])
--   report.t(key, ...)  report.number(n [, decimals])  report.date(iso)  report.month(ym)
local i18n = require "vigil.report.i18n"
local format = require "vigil.report.format"

local report = {}

local CHART_KINDS = { line = true, bar = true, area = true, scatter = true }
-- Fields of a plot spec passed on to vigil.plot; everything else is dropped.
local CHART_FIELDS = { "x", "y", "by", "name", "order", "title", "xlabel", "ylabel", "legend",
                       "logscale", "stacked", "labels", "points", "markers", "width", "height" }

-- Raises a caller error (level 3: the script's line) unless cond holds.
local function check(cond, fmt, ...)
  if not cond then error(("report.%s"):format(fmt:format(...)), 3) end
end

-- Returns a copy of v made of plain data only (strings, numbers, booleans, tables of
-- them, no metatables, depth <= 4); functions, userdata and threads raise.
local function copy_data(v, depth)
  local t = type(v)
  if t == "string" or t == "number" or t == "boolean" or t == "nil" then return v end
  if t ~= "table" then error(("a %s value cannot go into a report"):format(t), 0) end
  if depth > 4 then error("report data nested too deeply", 0) end
  local out = {}
  local key = next(v)
  while key ~= nil do
    local kt = type(key)
    if kt ~= "string" and kt ~= "number" then error("report data keys must be strings or numbers", 0) end
    out[key] = copy_data(rawget(v, key), depth + 1)
    key = next(v, key)
  end
  return out
end

-- Copies v through copy_data, turning its error into a caller error of function fname.
local function copied(fname, v)
  local ok, result = pcall(copy_data, v, 1)
  if not ok then error(("report.%s: %s"):format(fname, result), 3) end
  return result
end

-- report.document{lang = "vi"|"en"} -> doc: an empty document {lang, title, blocks}.
function report.document(opts)
  return { lang = opts and opts.lang or "vi", blocks = {}, meta = {} }
end

-- Normalises table columns: a list of keys or of {key, label, kind}; kind is "text",
-- "number", "people" (a count of people: subject to disclosure control), "percent",
-- "date" or "month". Without columns, the sorted keys of the first row.
local function table_columns(rows, columns)
  local out = {}
  if columns == nil then
    local keys = {}
    for k in pairs(rows[1] or {}) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    columns = keys
  end
  for i, c in ipairs(columns) do
    if type(c) == "string" then c = { key = c } end
    check(type(c) == "table", "table: column %d must be a key or a table", i)
    local key = c.key or c[1]
    check(type(key) == "string", "table: column %d has no key", i)
    local kind = c.kind or "auto"
    out[#out + 1] = { key = key, label = tostring(c.label or c[2] or key), kind = kind }
  end
  return out
end

-- report.facade(doc) -> the `report` table handed to a script: each function appends to
-- doc. The façade holds no file handle and no privileged function.
function report.facade(doc)
  local lang = doc.lang
  local f = {}

  -- report.title(text [, subtitle])
  function f.title(text, subtitle)
    check(type(text) == "string", "title: text must be a string")
    doc.title, doc.subtitle = text, subtitle ~= nil and tostring(subtitle) or nil
  end

  -- report.section(text): starts a section (a level-2 heading).
  function f.section(text)
    check(type(text) == "string", "section: text must be a string")
    doc.blocks[#doc.blocks + 1] = { kind = "section", text = text }
  end

  -- report.text(markdown): paragraphs in the Markdown subset (**bold**, *italic*, `code`,
  -- "- " list items, blank lines between paragraphs).
  function f.text(markdown)
    check(type(markdown) == "string", "text: markdown must be a string")
    doc.blocks[#doc.blocks + 1] = { kind = "text", text = markdown }
  end

  -- report.table(rows, opts): opts.columns (keys or {key, label, kind}), opts.title,
  -- opts.name (the CSV file's name), opts.total_row (a total row of the number columns),
  -- opts.total_column = label (a total per row of the "people"/"number" columns).
  function f.table(rows, opts)
    check(type(rows) == "table", "table: rows must be a table")
    opts = opts or {}
    check(type(opts) == "table", "table: opts must be a table")
    rows, opts = copied("table", rows), copied("table", opts)
    for i, r in ipairs(rows) do check(type(r) == "table", "table: row %d is not a table", i) end
    doc.blocks[#doc.blocks + 1] = { kind = "table", rows = rows, columns = table_columns(rows, opts.columns),
                                    title = opts.title and tostring(opts.title), name = opts.name and tostring(opts.name),
                                    total_row = opts.total_row and true or false,
                                    total_column = opts.total_column and tostring(opts.total_column) }
  end

  -- report.chart(spec): spec.kind "line" (default), "bar", "area" or "scatter", then the
  -- fields of vigil.plot (data as rows spec[1] or columns x/y). Drawn when rendering.
  function f.chart(spec)
    check(type(spec) == "table", "chart: spec must be a table")
    spec = copied("chart", spec)
    local kind = spec.kind or "line"
    check(CHART_KINDS[kind], "chart: unknown kind '%s'", tostring(kind))
    local clean = { kind = kind, spec[1] or spec.rows }
    for _, field in ipairs(CHART_FIELDS) do clean[field] = spec[field] end
    doc.blocks[#doc.blocks + 1] = { kind = "chart", spec = clean, caption = clean.title }
  end

  -- report.figure_check{label, computed, published, qualifier = "exact"|"more_than"}
  -- -> passed: a computed figure beside a published one with a pass/fail mark.
  function f.figure_check(c)
    check(type(c) == "table", "figure_check: wants a table")
    c = copied("figure_check", c)
    check(type(c.computed) == "number" and type(c.published) == "number",
          "figure_check: computed and published must be numbers")
    local q = c.qualifier or "exact"
    check(q == "exact" or q == "more_than", "figure_check: qualifier is exact or more_than")
    local passed = (q == "exact" and c.computed == c.published) or (q == "more_than" and c.computed > c.published)
    doc.blocks[#doc.blocks + 1] = { kind = "figure_check", label = tostring(c.label or ""),
                                    computed = c.computed, published = c.published,
                                    qualifier = q, passed = passed }
    return passed
  end

  -- report.kpi(label, value [, change [, {people = true, percent = true}]]): a headline
  -- figure with an optional change in percent.
  function f.kpi(label, value, change, opts)
    check(type(label) == "string", "kpi: label must be a string")
    check(type(value) == "number", "kpi: value must be a number")
    check(change == nil or type(change) == "number", "kpi: change must be a number or nil")
    opts = copied("kpi", opts or {})
    doc.blocks[#doc.blocks + 1] = { kind = "kpi", label = label, value = value, change = change,
                                    people = opts.people and true or false }
  end

  -- report.t(key, ...) -> text of the catalogue in the report's language.
  function f.t(key, ...)
    check(i18n.has(key), "t: no message '%s'", tostring(key))
    return i18n.t(lang, key, ...)
  end

  -- report.label(code) -> the catalogue text of a code, else the code itself.
  function f.label(code)
    return i18n.has(code) and i18n.t(lang, code) or tostring(code)
  end

  -- report.number(n [, decimals]), report.date(iso), report.month(ym) -> text
  function f.number(n, decimals) return format.number(n, lang, decimals) end
  function f.percent(x, decimals, signed) return format.percent(x, lang, decimals, signed) end
  function f.date(iso) return format.date(iso, lang) end
  function f.month(ym) return format.month(ym, lang) end

  f.lang = lang
  return f
end

return report
