-- vigil.trend.analysis: the Series operations that answer "is the change real?": trend
-- tests per category, anomaly flags for counts, and the lagged correlation of two series.
-- The statistics themselves are in vigil.trend.stats; formulas in docs/trend.md.
local stats = require "vigil.trend.stats"
local periods = require "vigil.trend.periods"
local text = require "vigil.trend.text"

local analysis = {}

-- Returns the defined points of one category: y values and their period numbers t.
local function points(s, name)
  local y, t = {}, {}
  for i = 1, #s.labels do
    local v = s.data[name][i]
    if v ~= nil then
      y[#y + 1], t[#t + 1] = v, i
    end
  end
  return y, t
end

-- Returns the defined points of one category grouped by season (month of the year, ...):
-- an array of {y=, t=}.
local function seasons_of(s, name)
  local kind = s.meta.period
  local by_season, order = {}, {}
  for i, label in ipairs(s.labels) do
    local v = s.data[name][i]
    local season = periods.season_of(kind, label)
    if v ~= nil then
      if not by_season[season] then
        by_season[season] = { y = {}, t = {} }
        order[#order + 1] = season
      end
      local group = by_season[season]
      group.y[#group.y + 1], group.t[#group.t + 1] = v, i
    end
  end
  table.sort(order)
  local list = {}
  for _, season in ipairs(order) do
    list[#list + 1] = by_season[season]
  end
  return list
end

-- Returns x formatted with pattern (default %.4g), "" for nil.
local function fmt(x, pattern)
  if x == nil then
    return ""
  end
  return (pattern or "%.4g"):format(x)
end

-- __tostring of a test result: one line per category.
local function tests_tostring(results)
  local header = { "category", "n", "direction", "p", "S", "tau", "slope/yr", "lo/yr", "hi/yr",
                   "ols r2" }
  local rows = {}
  for _, name in ipairs(getmetatable(results).order) do
    local r = results[name]
    rows[#rows + 1] = { tostring(name), tostring(r.n), r.direction, fmt(r.mk.p), fmt(r.mk.S, "%d"),
                        fmt(r.mk.tau, "%.3f"), fmt(r.slope_per_year),
                        fmt(r.sen.lo and r.sen.lo * r.per_year),
                        fmt(r.sen.hi and r.sen.hi * r.per_year), fmt(r.ols.r2, "%.3f") }
  end
  local aligns = { "left", "right", "left", "right", "right", "right", "right", "right",
                   "right", "right" }
  return text.table(header, rows, aligns)
end

-- s:test{seasonal = false, alpha = 0.05} -> {[category] = result}
-- result = {n, per_year, slope_per_year, ols = {slope, intercept, r2},
--           mk = {S, var_s, z, p, tau}, sen = {slope, lo, hi}, direction, seasonal}
-- over the defined values of each category, time in periods (slopes per period;
-- slope_per_year is Sen's slope times the periods of a year). seasonal = true uses the
-- seasonal Kendall test and slope (month, quarter or week series only). direction is
-- "increasing" or "decreasing" when p < alpha, else "no trend". Prints as a table.
function analysis.test(s, opts)
  opts = opts or {}
  local alpha = opts.alpha or 0.05
  local seasonal = opts.seasonal or false
  local kind = s.meta.period
  if seasonal and kind ~= "month" and kind ~= "quarter" and kind ~= "week" then
    error(("trend: a seasonal test needs month, quarter or week periods, not %s")
          :format(tostring(kind)), 2)
  end
  local per_year = periods.per_year[kind] or 1
  local results = {}
  for _, name in ipairs(s.names) do
    local y, t = points(s, name)
    local mk, sen
    if seasonal then
      local seasons = seasons_of(s, name)
      mk = stats.seasonal_mann_kendall(seasons)
      sen = stats.seasonal_sens_slope(seasons, alpha)
    else
      mk = stats.mann_kendall(y, t)
      sen = stats.sens_slope(y, t, alpha)
    end
    local direction = "no trend"
    if mk.p < alpha and mk.S > 0 then
      direction = "increasing"
    elseif mk.p < alpha and mk.S < 0 then
      direction = "decreasing"
    end
    results[name] = { n = #y, per_year = per_year, ols = stats.ols(y, t), mk = mk, sen = sen,
                      slope_per_year = sen.slope and sen.slope * per_year,
                      direction = direction, seasonal = seasonal, alpha = alpha }
  end
  return setmetatable(results, { __tostring = tests_tostring,
                                 order = table.move(s.names, 1, #s.names, 1, {}) })
end

-- Returns the verdict of the Poisson rule for value x against the window mean lambda:
-- "high" when P(X >= x) < threshold, "low" when P(X <= x) < threshold, and that
-- probability as the score.
local function poisson_rule(x, window, threshold)
  if x ~= math.floor(x) or x < 0 then
    error("trend: the poisson anomaly rule needs whole counts; use rule = \"zscore\"", 3)
  end
  local lambda = stats.mean(window)
  local upper, lower = stats.poisson_upper(x, lambda), stats.poisson_lower(x, lambda)
  if x > lambda and upper < threshold then
    return "high", upper, lambda
  elseif x < lambda and lower < threshold then
    return "low", lower, lambda
  end
  return nil, math.min(upper, lower), lambda
end

-- Returns the verdict of the z-score rule: z = (x - mean) / sd of the window (sample sd);
-- "high" or "low" when |z| > threshold. A constant window gives z = +-inf when x differs.
local function zscore_rule(x, window, threshold)
  local mean, sd = stats.mean(window), stats.sd(window)
  local z
  if sd == nil or sd == 0 then
    z = x == mean and 0.0 or (x > mean and math.huge or -math.huge)
  else
    z = (x - mean) / sd
  end
  if z > threshold then
    return "high", z, mean
  elseif z < -threshold then
    return "low", z, mean
  end
  return nil, z, mean
end

-- __tostring of an anomaly list: one line per flag.
local function anomalies_tostring(flags)
  local rows = {}
  for i, f in ipairs(flags) do
    rows[i] = { f.period, tostring(f.category), fmt(f.value), fmt(f.expected), f.direction,
                fmt(f.score) }
  end
  return text.table({ "period", "category", "value", "expected", "flag", "score" }, rows,
                    { "left", "left", "right", "right", "left", "right" })
end

-- s:anomalies{window = 12, rule = "poisson"|"zscore", threshold} -> {{period, category,
-- value, expected, direction = "high"|"low", score}, ...}
-- Compares each value with the `window` values before it (all defined; the first window
-- periods are not judged). poisson (default): score = the tail probability of the value
-- under Poisson(mean of the window), flagged below threshold (default 0.005). zscore:
-- score = z, flagged when |z| > threshold (default 3). Prints as a table.
function analysis.anomalies(s, opts)
  opts = opts or {}
  local window = opts.window or 12
  local rule = opts.rule or "poisson"
  if math.type(window) ~= "integer" or window < 2 then
    error("trend: anomalies needs a whole window >= 2", 2)
  end
  local judge, threshold
  if rule == "poisson" then
    judge, threshold = poisson_rule, opts.threshold or 0.005
  elseif rule == "zscore" then
    judge, threshold = zscore_rule, opts.threshold or 3
  else
    error(("trend: anomaly rule must be poisson or zscore, not %s"):format(tostring(rule)), 2)
  end
  local flags = {}
  for i = window + 1, #s.labels do
    for _, name in ipairs(s.names) do
      local values = s.data[name]
      local x = values[i]
      local past = table.move(values, i - window, i - 1, 1, {})
      if x ~= nil and #past == window then
        local direction, score, expected = judge(x, past, threshold)
        if direction then
          flags[#flags + 1] = { period = s.labels[i], category = name, value = x,
                                expected = expected, direction = direction, score = score }
        end
      end
    end
  end
  return setmetatable(flags, { __tostring = anomalies_tostring })
end

-- Returns the one column of s used by correlate: its only category or its total.
local function single_column(s)
  if #s.names == 1 then
    return s.data[s.names[1]]
  end
  return s:total().data.total
end

-- trend.correlate(a, b [, max_lag = 0]) -> {{lag=, r=, n=}, ..., best = row}
-- The Pearson correlation of a's value in period p with b's value in the period lag places
-- later, for lag = -max_lag..max_lag (positive lag: a leads b), over the periods both
-- series hold with defined values. A series with several categories uses its total.
-- best is the row with the largest |r| (nil when no r is defined).
function analysis.correlate(a, b, max_lag)
  max_lag = max_lag or 0
  if a.meta.period ~= b.meta.period then
    error(("trend.correlate: periods differ (%s and %s)"):format(tostring(a.meta.period),
          tostring(b.meta.period)), 2)
  end
  local av, bv = single_column(a), single_column(b)
  local rows = {}
  for lag = -max_lag, max_lag do
    local x, y = {}, {}
    for i, label in ipairs(a.labels) do
      local j = b.index[label]
      local bj = j and bv[j + lag]
      if av[i] ~= nil and bj ~= nil then
        x[#x + 1], y[#y + 1] = av[i], bj
      end
    end
    local r, n = stats.pearson(x, y)
    local row = { lag = lag, r = r, n = n }
    rows[#rows + 1] = row
    if r and (not rows.best or math.abs(r) > math.abs(rows.best.r)) then
      rows.best = row
    end
  end
  return rows
end

return analysis
