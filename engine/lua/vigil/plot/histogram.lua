-- vigil.plot.histogram: histograms whose bins are computed here, in Lua, so the rule is
-- ours and documented (docs/plot.md), not gnuplot's:
--   * bins = k: k bins of equal width (max - min) / k from the smallest to the largest
--     value; each bin [lo, hi) holds lo and not hi, the last one [lo, hi] holds both;
--   * binwidth = w: bins [j w, (j + 1) w) for the whole numbers j from floor(min / w) to
--     floor(max / w), so bin edges fall on multiples of w;
--   * neither: Sturges' rule, k = ceil(log2 n) + 1 for n values (Sturges 1926), as bins.
-- All values equal: one bin of width 1 centred on the value (binwidth = w: that of w).
-- nil and NaN values are left out; infinities are a usage error.
local emit = require "vigil.plot.emit"
local labels = require "vigil.plot.labels"
local xaxis = require "vigil.plot.xaxis"

local histogram = {}

local q, num, usage = emit.quote, emit.number, emit.usage

-- histogram.bins(values, {bins = k | binwidth = w}) -> {edges = {e1, ..., ek+1},
-- counts = {c1, ..., ck}}: the bins of the rule above over the numbers of values (an
-- array, or an array of arrays counted together when opts.groups is true; then counts
-- is one array per group). Raises a usage error for a bad bins or binwidth.
function histogram.bins(values, opts)
  opts = opts or {}
  local groups = opts.groups and values or { values }
  local lo, hi, n = math.huge, -math.huge, 0
  for _, group in ipairs(groups) do
    for i = 1, group.n or #group do
      local v = group[i]
      if v ~= nil and v == v then
        if v == math.huge or v == -math.huge then
          usage("histogram: value %s is infinite", num(v))
        end
        lo, hi, n = math.min(lo, v), math.max(hi, v), n + 1
      end
    end
  end
  local edges = {}
  if n == 0 then
    edges = { 0, 1 }
  elseif opts.binwidth ~= nil then
    local w = opts.binwidth
    if type(w) ~= "number" or not (w > 0) or w == math.huge then
      usage("histogram: binwidth must be a positive number")
    end
    local first, last = math.floor(lo / w), math.floor(hi / w)
    if last - first >= 100000 then
      usage("histogram: binwidth %s makes more than 100000 bins", num(w))
    end
    for j = first, last + 1 do
      edges[#edges + 1] = j * w
    end
  elseif lo == hi then
    edges = { lo - 0.5, lo + 0.5 }
  else
    local k = opts.bins
    if k == nil then
      k = math.ceil(math.log(n, 2)) + 1
    elseif math.type(k) ~= "integer" or k < 1 or k > 100000 then
      usage("histogram: bins must be a whole number from 1 to 100000")
    end
    local width = (hi - lo) / k
    for j = 0, k do
      edges[j + 1] = j == 0 and lo or j == k and hi or lo + j * width
    end
  end
  local k = #edges - 1
  local all = {}
  for g, group in ipairs(groups) do
    local counts = {}
    for j = 1, k do
      counts[j] = 0
    end
    for i = 1, group.n or #group do
      local v = group[i]
      if v ~= nil and v == v then
        local j = math.floor((v - edges[1]) / (edges[2] - edges[1])) + 1
        j = math.max(1, math.min(k, j))
        -- equal widths: rounding may put a value on the wrong side of an edge
        while j > 1 and v < edges[j] do
          j = j - 1
        end
        while j < k and v >= edges[j + 1] do
          j = j + 1
        end
        counts[j] = counts[j] + 1
      end
    end
    all[g] = counts
  end
  return { edges = edges, counts = opts.groups and all or all[1] }
end

-- Returns the groups of values of a histogram spec: {{name=, values={...}}, ...}.
-- Rows form: spec[1] (or rows) an array of row tables, x the column of values, by an
-- optional column splitting the groups. Columns form: x an array of numbers, or a table
-- {name = array} (groups in spec.order, else sorted by name).
local function collect(spec)
  local groups, by_name = {}, {}
  -- Returns the group of name, made on first use.
  local function get(name)
    if not by_name[name] then
      by_name[name] = { name = name, values = {} }
      groups[#groups + 1] = by_name[name]
    end
    return by_name[name]
  end
  -- Adds value v (from where) to group g: a number, a numeric string, or nil (skipped).
  local function add(g, v, where)
    if v ~= nil then
      local n = tonumber(v)
      if not n then
        usage("histogram: value %s in %s is not a number", q(v, emit.MAX_LABEL), where)
      end
      g.values[#g.values + 1] = n
    end
  end
  local rows = spec[1] or spec.rows
  if rows ~= nil then
    if type(rows) ~= "table" or type(spec.x) ~= "string" then
      usage("histogram: give rows and x = the column of values")
    end
    for i, row in ipairs(rows) do
      local name = spec.by and emit.clean_text(row[spec.by] == nil and "" or row[spec.by]) or (spec.name or spec.x)
      add(get(name), row[spec.x], ("row %d, column %s"):format(i, spec.x))
    end
  elseif type(spec.x) == "table" then
    if #spec.x > 0 or next(spec.x) == nil then
      local g = get(spec.name or "")
      for i = 1, spec.x.n or #spec.x do
        add(g, spec.x[i], ("x[%d]"):format(i))
      end
    else
      local order = spec.order
      if not order then
        order = {}
        for k in pairs(spec.x) do
          order[#order + 1] = tostring(k)
        end
        table.sort(order)
      end
      for _, name in ipairs(order) do
        local g, column = get(name), spec.x[name] or {}
        for i = 1, column.n or #column do
          add(g, column[i], ("x[%s][%d]"):format(q(name, emit.MAX_LABEL), i))
        end
      end
    end
  else
    usage("histogram: give rows ({rows, x = 'col'}) or values (x = {...})")
  end
  return groups
end

-- histogram.prepare(spec) -> chart {groups=, bins=, nseries=}: the groups and their bins.
function histogram.prepare(spec)
  local groups = collect(spec)
  local values = {}
  for i, g in ipairs(groups) do
    values[i] = g.values
  end
  local bins = histogram.bins(values, { bins = spec.bins, binwidth = spec.binwidth, groups = true })
  return { groups = groups, bins = bins, nseries = #groups }
end

-- histogram.write(out, spec, chart): appends the x range, markers and the boxes of every
-- group (side by side within a bin when there are several), with value labels.
function histogram.write(out, spec, chart)
  if #chart.groups == 0 then
    usage("no data to plot")
  end
  local edges, ngroups = chart.bins.edges, #chart.groups
  out[#out + 1] = ("set xrange [%s:%s]"):format(num(edges[1]), num(edges[#edges]))
  out[#out + 1] = "set yrange [0:*]"
  if spec.labels then
    out[#out + 1] = "set offsets 0, 0, graph 0.08, 0"
  end
  xaxis.markers(out, spec, { kind = "number" })
  local clauses, points = {}, {}
  for g, group in ipairs(chart.groups) do
    local lines = {}
    for j, count in ipairs(chart.bins.counts[g]) do
      local width = (edges[j + 1] - edges[j]) / ngroups
      local lo = edges[j] + (g - 1) * width
      local x = lo + width / 2
      lines[j] = { x, count, lo, lo + width, 0, count }
      points[#points + 1] = { x, count, count, 0.6 }
    end
    emit.datablock(out, "$h" .. g, lines)
    clauses[g] = ("$h%d using 1:2:3:4:5:6 with boxxyerror lc %d title %s")
      :format(g, g, q(group.name, emit.MAX_LABEL))
  end
  if spec.labels then
    labels.write(out, spec, points)
  end
  out[#out + 1] = "plot " .. table.concat(clauses, ", \\\n     ")
end

return histogram
