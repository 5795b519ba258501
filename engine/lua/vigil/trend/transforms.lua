-- vigil.trend.transforms: the Series operations that make a new Series from one or two:
-- totals, moving averages, changes, running sums, top-N folding and ratios. Each is
-- installed as a Series method by vigil.trend; formulas in docs/trend.md.
local periods = require "vigil.trend.periods"

local transforms = {}

-- s:total() -> a Series with one category "total": the sum over categories per period
-- (nil when any category is nil there).
function transforms.total(s)
  local sums = {}
  for i = 1, #s.labels do
    local sum = 0
    for _, name in ipairs(s.names) do
      local v = s.data[name][i]
      if v == nil then
        sum = nil
        break
      end
      sum = sum + v
    end
    sums[i] = sum
  end
  return s:derive("total", { "total" }, { total = sums })
end

-- s:totals() -> {{category=, value=, share=}, ...}: each category's sum over all periods
-- (nil values skipped) and its share of the grand total (nil when that is 0), largest
-- first, ties by name. rows.total is the grand total.
function transforms.totals(s)
  local rows, grand = {}, 0
  for _, name in ipairs(s.names) do
    local sum = 0
    for i = 1, #s.labels do
      sum = sum + (s.data[name][i] or 0)
    end
    rows[#rows + 1] = { category = name, value = sum }
    grand = grand + sum
  end
  for _, row in ipairs(rows) do
    row.share = grand ~= 0 and row.value / grand or nil
  end
  table.sort(rows, function(a, b)
    if a.value ~= b.value then
      return a.value > b.value
    end
    return tostring(a.category) < tostring(b.category)
  end)
  rows.total = grand
  return rows
end

-- Returns the weights of a moving average of k periods, their divisor, and the offset of
-- the first weight from the current period: trailing (1/k over i-k+1..i), centred with odd
-- k (1/k over i-(k-1)/2..i+(k-1)/2), centred with even k (the 2xk average: 1/(2k) at both
-- ends and 1/k between, over i-k/2..i+k/2). Whole weights over a divisor keep the
-- averages of whole counts exact where they can be.
local function moving_weights(k, centred)
  local weights = {}
  if not centred or k % 2 == 1 then
    for j = 1, k do
      weights[j] = 1
    end
    return weights, k, centred and -(k - 1) // 2 or -(k - 1)
  end
  for j = 1, k + 1 do
    weights[j] = (j == 1 or j == k + 1) and 1 or 2
  end
  return weights, 2 * k, -k // 2
end

-- s:moving_average(k [, {centred = false}]) -> Series: the average over a window of k
-- periods (see moving_weights); nil where the window leaves the series or holds a nil.
function transforms.moving_average(s, k, opts)
  if math.type(k) ~= "integer" or k < 1 then
    error("trend: moving_average needs a whole number of periods k >= 1", 2)
  end
  local centred = opts and opts.centred or false
  local weights, divisor, offset = moving_weights(k, centred)
  local n = #s.labels
  local name = ("moving_average(%d%s)"):format(k, centred and ", centred" or "")
  return s:map(name, function(values)
    local out = {}
    for i = 1, n do
      local sum = 0
      for j, w in ipairs(weights) do
        local v = values[i + offset + j - 1]
        if v == nil then
          sum = nil
          break
        end
        sum = sum + w * v
      end
      out[i] = sum and sum / divisor
    end
    return out
  end)
end

-- Returns the change from base to value: value - base, or with percent 100 (value - base)
-- / |base| and, when base is 0, nil and the flag "zero_base". nil when either is nil.
local function change_from(value, base, percent)
  if value == nil or base == nil then
    return nil
  end
  if not percent then
    return value - base
  end
  if base == 0 then
    return nil, "zero_base"
  end
  return 100 * (value - base) / math.abs(base)
end

-- s:change{lag = 1, percent = false} -> Series: the change of each period from the period
-- lag places earlier (nil for the first lag periods).
function transforms.change(s, opts)
  opts = opts or {}
  local lag, percent = opts.lag or 1, opts.percent or false
  if math.type(lag) ~= "integer" or lag < 1 then
    error("trend: change needs a whole lag >= 1", 2)
  end
  local name = ("change(lag %d%s)"):format(lag, percent and ", %" or "")
  return s:map(name, function(values)
    local out, flags = {}, {}
    for i = 1, #s.labels do
      if i > lag then
        out[i], flags[i] = change_from(values[i], values[i - lag], percent)
      end
    end
    return out, flags
  end)
end

-- s:yoy{percent = true} -> Series: the change of each period from the same period one year
-- earlier (same month, quarter, ISO week number or day; see periods.year_before), in
-- percent by default; nil where that period is not in the series.
function transforms.yoy(s, opts)
  local percent = true
  if opts and opts.percent ~= nil then
    percent = opts.percent
  end
  local kind = s.meta.period
  return s:map(percent and "yoy %" or "yoy", function(values)
    local out, flags = {}, {}
    for i, label in ipairs(s.labels) do
      local earlier = periods.year_before(kind, label)
      local j = earlier and s.index[earlier]
      if j then
        out[i], flags[i] = change_from(values[i], values[j], percent)
      end
    end
    return out, flags
  end)
end

-- Returns a running sum of values that restarts when restart_at(i) is true (nil values
-- add nothing).
local function running_sum(values, n, restart_at)
  local out, sum = {}, 0
  for i = 1, n do
    if restart_at(i) then
      sum = 0
    end
    sum = sum + (values[i] or 0)
    out[i] = sum
  end
  return out
end

-- s:cumulative() -> Series: the running sum from the first period.
function transforms.cumulative(s)
  return s:map("cumulative", function(values)
    return running_sum(values, #s.labels, function() return false end)
  end)
end

-- s:ytd() -> Series: the running sum within each year (year to date), restarting at the
-- first period of each year.
function transforms.ytd(s)
  return s:map("ytd", function(values)
    return running_sum(values, #s.labels, function(i)
      return i > 1 and periods.year_of(s.labels[i]) ~= periods.year_of(s.labels[i - 1])
    end)
  end)
end

-- s:top(n [, other = "other"]) -> Series: the n categories with the largest totals (see
-- totals), in that order, and the sum of all others as one more category named other.
function transforms.top(s, n, other)
  if math.type(n) ~= "integer" or n < 0 then
    error("trend: top needs a whole number n >= 0", 2)
  end
  other = other or "other"
  local ranked = transforms.totals(s)
  local kept, names, values = {}, {}, {}
  for i = 1, math.min(n, #ranked) do
    local name = ranked[i].category
    kept[name] = true
    names[#names + 1] = name
    values[name] = s.data[name]
  end
  if #ranked > n then
    local folded = values[other] and table.move(values[other], 1, #s.labels, 1, {}) or {}
    for i = 1, #s.labels do
      folded[i] = folded[i] or 0
    end
    for _, name in ipairs(s.names) do
      if not kept[name] then
        for i = 1, #s.labels do
          local v = s.data[name][i]
          folded[i] = (folded[i] ~= nil and v ~= nil) and folded[i] + v or nil
        end
      end
    end
    if not values[other] then
      names[#names + 1] = other
    end
    values[other] = folded
  end
  local flags = {}
  for _, name in ipairs(names) do
    flags[name] = kept[name] and s.flags[name] or {}
  end
  return s:derive(("top(%d)"):format(n), names, values, flags)
end

-- trend.ratio(a, b) -> Series: a / b per period and category, over a's periods. b gives the
-- category of the same name, or its only category for every one of a's. A zero
-- denominator gives nil with the flag "zero_base"; a period missing from b gives nil.
function transforms.ratio(a, b)
  if a.meta.period ~= b.meta.period then
    error(("trend.ratio: periods differ (%s and %s)"):format(tostring(a.meta.period),
          tostring(b.meta.period)), 2)
  end
  local values, flags = {}, {}
  for _, name in ipairs(a.names) do
    local denominators = b.data[name] or (#b.names == 1 and b.data[b.names[1]])
    if not denominators then
      error(("trend.ratio: category '%s' is not in the denominator"):format(tostring(name)), 2)
    end
    local out, flagged = {}, {}
    for i, label in ipairs(a.labels) do
      local j = b.index[label]
      local num, den = a.data[name][i], j and denominators[j]
      if num ~= nil and den ~= nil then
        if den == 0 then
          flagged[i] = "zero_base"
        else
          out[i] = num / den
        end
      end
    end
    values[name], flags[name] = out, flagged
  end
  local result = a:derive("ratio", table.move(a.names, 1, #a.names, 1, {}), values, flags)
  result.meta.measure = ("%s / %s"):format(tostring(a.meta.measure), tostring(b.meta.measure))
  return result
end

return transforms
