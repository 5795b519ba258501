-- vigil.trend.stats: the pure statistics behind the trend module, on plain Lua arrays.
-- No database, no series: every function takes numbers and returns numbers (or nil where a
-- statistic is undefined), so each can be tested alone. Formulas and sources: docs/trend.md.
--
-- Observations come as an array `y` and, optionally, an array `t` of their times (default
-- 1..#y). A series with gaps passes only the observed points with their times, e.g.
-- y = {3, 5, 9}, t = {1, 2, 4}.
local stats = {}

local sqrt, exp, log, abs, floor, huge = math.sqrt, math.exp, math.log, math.abs,
                                         math.floor, math.huge

local SQRT_PI = sqrt(math.pi)

-- stats.erfc(x) -> the complementary error function of x.
-- For |x| < 3 the power series of erf with positive terms (DLMF 7.6.2) summed until the
-- terms stop changing the sum; beyond, the continued fraction of erfc (DLMF 7.9.2)
-- evaluated from its 60th level up, which keeps relative precision in the far tail.
function stats.erfc(x)
  if x ~= x then
    return x
  end
  if x < 0 then
    return 2 - stats.erfc(-x)
  end
  if x < 3 then
    local term, sum, n = x, x, 0
    repeat
      n = n + 1
      term = term * 2 * x * x / (2 * n + 1)
      local before = sum
      sum = sum + term
    until sum == before
    return 1 - 2 / SQRT_PI * exp(-x * x) * sum
  end
  if x == huge then
    return 0
  end
  -- sqrt(pi) e^(x^2) erfc x = 1/(x+ (1/2)/(x+ 1/(x+ (3/2)/(x+ 2/(x+ ...))))
  local tail = x
  for level = 60, 1, -1 do
    tail = x + (level / 2) / tail
  end
  return exp(-x * x) / (SQRT_PI * tail)
end

-- stats.normal_cdf(z) -> P(Z <= z) for a standard normal Z: erfc(-z / sqrt 2) / 2.
function stats.normal_cdf(z)
  return stats.erfc(-z / sqrt(2)) / 2
end

-- stats.normal_quantile(p) -> z with normal_cdf(z) = p, for 0 < p < 1 (nil outside).
-- Bisection on normal_cdf to full double precision: slow-ish but exact enough for
-- confidence levels, which are computed a few times per call.
function stats.normal_quantile(p)
  if not (p > 0 and p < 1) then
    return nil
  end
  local lo, hi = -40.0, 40.0
  for _ = 1, 200 do
    local mid = (lo + hi) / 2
    if mid == lo or mid == hi then
      break
    end
    if stats.normal_cdf(mid) < p then
      lo = mid
    else
      hi = mid
    end
  end
  return (lo + hi) / 2
end

-- Returns t when given, else the array 1..n; raises when the lengths differ.
local function times_of(y, t)
  if t == nil then
    local default = {}
    for i = 1, #y do
      default[i] = i
    end
    return default
  end
  if #t ~= #y then
    error(("stats: %d values but %d times"):format(#y, #t), 3)
  end
  return t
end

-- stats.mean(y) -> the arithmetic mean, nil for an empty array.
function stats.mean(y)
  local n = #y
  if n == 0 then
    return nil
  end
  local sum = 0
  for i = 1, n do
    sum = sum + y[i]
  end
  return sum / n
end

-- stats.sd(y) -> the sample standard deviation (divisor n - 1), nil when n < 2.
function stats.sd(y)
  local n = #y
  if n < 2 then
    return nil
  end
  local m = stats.mean(y)
  local ss = 0
  for i = 1, n do
    ss = ss + (y[i] - m) ^ 2
  end
  return sqrt(ss / (n - 1))
end

-- stats.median(y) -> the median of y (y is not changed), nil for an empty array.
function stats.median(y)
  local n = #y
  if n == 0 then
    return nil
  end
  local sorted = table.move(y, 1, n, 1, {})
  table.sort(sorted)
  if n % 2 == 1 then
    return sorted[(n + 1) // 2]
  end
  return (sorted[n // 2] + sorted[n // 2 + 1]) / 2
end

-- stats.ols(y [, t]) -> {n, slope, intercept, r2}
-- Least squares line y = intercept + slope * t. slope and intercept are nil when n < 2 or
-- all times are equal; r2 is nil when y is constant (0/0), 1 for a perfect fit.
function stats.ols(y, t)
  t = times_of(y, t)
  local n = #y
  local result = { n = n }
  if n < 2 then
    return result
  end
  local tm, ym = stats.mean(t), stats.mean(y)
  local stt, syy, sty = 0, 0, 0
  for i = 1, n do
    local dt, dy = t[i] - tm, y[i] - ym
    stt, syy, sty = stt + dt * dt, syy + dy * dy, sty + dt * dy
  end
  if stt == 0 then
    return result
  end
  result.slope = sty / stt
  result.intercept = ym - result.slope * tm
  if syy > 0 then
    result.r2 = sty * sty / (stt * syy)
  end
  return result
end

-- stats.pearson(x, y) -> r, n: the correlation of the pairs (x[i], y[i]); r is nil when
-- n < 2 or either array is constant.
function stats.pearson(x, y)
  local n = #x
  if n ~= #y then
    error(("stats.pearson: %d x values but %d y values"):format(n, #y), 2)
  end
  if n < 2 then
    return nil, n
  end
  local xm, ym = stats.mean(x), stats.mean(y)
  local sxx, syy, sxy = 0, 0, 0
  for i = 1, n do
    local dx, dy = x[i] - xm, y[i] - ym
    sxx, syy, sxy = sxx + dx * dx, syy + dy * dy, sxy + dx * dy
  end
  if sxx == 0 or syy == 0 then
    return nil, n
  end
  return sxy / sqrt(sxx * syy), n
end

-- Returns S (the sum of sign(y_j - y_i) over i < j, in time order) and the tie term
-- sum over groups of tied values of u(u-1)(2u+5), for one sequence of observations.
local function kendall_s(y)
  local n, s = #y, 0
  for i = 1, n - 1 do
    local yi = y[i]
    for j = i + 1, n do
      local d = y[j] - yi
      if d > 0 then
        s = s + 1
      elseif d < 0 then
        s = s - 1
      end
    end
  end
  local counts = {}
  for i = 1, n do
    counts[y[i]] = (counts[y[i]] or 0) + 1
  end
  local ties = 0
  for _, u in pairs(counts) do
    ties = ties + u * (u - 1) * (2 * u + 5)
  end
  return s, ties
end

-- Returns Var(S) under no trend with the tie correction:
-- [n(n-1)(2n+5) - sum u(u-1)(2u+5)] / 18.
local function kendall_variance(n, ties)
  return (n * (n - 1) * (2 * n + 5) - ties) / 18
end

-- Returns the normal score of S with the continuity correction and its two-sided p:
-- z = (S - 1)/sqrt(var) when S > 0, (S + 1)/sqrt(var) when S < 0, 0 when S = 0.
local function kendall_z(s, var_s)
  if var_s <= 0 or s == 0 then
    return 0.0, 1.0
  end
  local z = (s > 0 and s - 1 or s + 1) / sqrt(var_s)
  return z, 2 * stats.normal_cdf(-abs(z))
end

-- Puts y in time order of t (stable) and returns the sorted copy of y.
local function in_time_order(y, t)
  local order = {}
  for i = 1, #y do
    order[i] = i
  end
  table.sort(order, function(a, b)
    if t[a] ~= t[b] then
      return t[a] < t[b]
    end
    return a < b
  end)
  local sorted = {}
  for i, k in ipairs(order) do
    sorted[i] = y[k]
  end
  return sorted
end

-- stats.mann_kendall(y [, t]) -> {n, S, var_s, z, p, tau}
-- The Mann-Kendall test of a monotonic trend (Mann 1945, Kendall 1975; as in Gilbert
-- 1987, ch. 16): S, its variance with the tie correction, the normal score with the
-- continuity correction, the two-sided p, and tau = S / (n(n-1)/2). With n < 2, S = 0,
-- var_s = 0, z = 0, p = 1 and tau is nil.
function stats.mann_kendall(y, t)
  t = times_of(y, t)
  local ordered = in_time_order(y, t)
  local n = #ordered
  local s, ties = kendall_s(ordered)
  local var_s = kendall_variance(n, ties)
  local z, p = kendall_z(s, var_s)
  local tau = n >= 2 and s / (n * (n - 1) / 2) or nil
  return { n = n, S = s, var_s = var_s, z = z, p = p, tau = tau }
end

-- stats.seasonal_mann_kendall(seasons) -> {n, S, var_s, z, p, tau}
-- The seasonal Kendall test (Hirsch, Slack and Smith 1982): seasons is an array of
-- {y = {...}, t = {...}} (t optional), one per season; S and var_s are the sums of the
-- seasons' S and tie-corrected variances; z and p as in mann_kendall; tau = S over the
-- sum of the seasons' n(n-1)/2.
function stats.seasonal_mann_kendall(seasons)
  local s, var_s, n, pairs_count = 0, 0, 0, 0
  for _, season in ipairs(seasons) do
    local one = stats.mann_kendall(season.y, season.t)
    s, var_s, n = s + one.S, var_s + one.var_s, n + one.n
    pairs_count = pairs_count + one.n * (one.n - 1) / 2
  end
  local z, p = kendall_z(s, var_s)
  local tau = pairs_count > 0 and s / pairs_count or nil
  return { n = n, S = s, var_s = var_s, z = z, p = p, tau = tau }
end

-- Appends to slopes the pairwise slopes (y_j - y_i)/(t_j - t_i) of one sequence, for the
-- pairs with different times.
local function add_pair_slopes(slopes, y, t)
  for i = 1, #y - 1 do
    for j = i + 1, #y do
      local dt = t[j] - t[i]
      if dt ~= 0 then
        slopes[#slopes + 1] = (y[j] - y[i]) / dt
      end
    end
  end
end

-- Returns the value at 1-based rank r of the sorted array, interpolating linearly between
-- neighbours for a fractional r; nil when r is outside 1..#sorted.
local function at_rank(sorted, r)
  if r < 1 or r > #sorted then
    return nil
  end
  local below = floor(r)
  local fraction = r - below
  if fraction == 0 then
    return sorted[below]
  end
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below])
end

-- Returns {slope, lo, hi, n_slopes} from the pairwise slopes and Var(S): the median slope
-- and Gilbert's (1987, eq. 16.6-16.8) confidence limits: C = z_(1-alpha/2) sqrt(Var S),
-- M1 = (N - C)/2, M2 = (N + C)/2, lower = the M1-th and upper = the (M2+1)-th smallest
-- slope, interpolated; a limit beyond the slopes is nil.
local function sen_from_slopes(slopes, var_s, alpha)
  table.sort(slopes)
  local count = #slopes
  local result = { n_slopes = count, slope = stats.median(slopes) }
  if count == 0 then
    return result
  end
  local c = stats.normal_quantile(1 - alpha / 2) * sqrt(var_s)
  result.lo = at_rank(slopes, (count - c) / 2)
  result.hi = at_rank(slopes, (count + c) / 2 + 1)
  return result
end

-- stats.sens_slope(y [, t [, alpha]]) -> {slope, lo, hi, n_slopes}
-- Sen's (1968) slope: the median of (y_j - y_i)/(t_j - t_i) over i < j, with the
-- 100(1-alpha)% confidence interval of Gilbert 1987 (alpha 0.05 by default). slope is nil
-- when no pair has distinct times (n < 2).
function stats.sens_slope(y, t, alpha)
  t = times_of(y, t)
  local ordered_t = in_time_order(t, t)
  local ordered_y = in_time_order(y, t)
  local slopes = {}
  add_pair_slopes(slopes, ordered_y, ordered_t)
  local mk = stats.mann_kendall(ordered_y)
  return sen_from_slopes(slopes, mk.var_s, alpha or 0.05)
end

-- stats.seasonal_sens_slope(seasons [, alpha]) -> {slope, lo, hi, n_slopes}
-- The seasonal Kendall slope (Hirsch, Slack and Smith 1982): the median of the pairwise
-- slopes taken within each season only; limits as in sens_slope with the summed Var(S).
function stats.seasonal_sens_slope(seasons, alpha)
  local slopes = {}
  for _, season in ipairs(seasons) do
    local t = times_of(season.y, season.t)
    add_pair_slopes(slopes, in_time_order(season.y, t), in_time_order(t, t))
  end
  local mk = stats.seasonal_mann_kendall(seasons)
  return sen_from_slopes(slopes, mk.var_s, alpha or 0.05)
end

-- Returns log(k!) for a whole k >= 0: the exact sum for k < 20, else Stirling's series
-- (DLMF 5.11.1) to the k^-5 term, accurate to about 1e-13 there.
local function log_factorial(k)
  if k < 20 then
    local sum = 0
    for i = 2, k do
      sum = sum + log(i)
    end
    return sum
  end
  local k1 = k + 1 -- log k! = log Gamma(k + 1)
  return (k1 - 0.5) * log(k1) - k1 + 0.5 * log(2 * math.pi) + 1 / (12 * k1)
         - 1 / (360 * k1 ^ 3) + 1 / (1260 * k1 ^ 5)
end

-- stats.poisson_pmf(k, lambda) -> P(X = k) for X ~ Poisson(lambda), k a whole number.
function stats.poisson_pmf(k, lambda)
  if k < 0 then
    return 0.0
  end
  if lambda == 0 then
    return k == 0 and 1.0 or 0.0
  end
  return exp(k * log(lambda) - lambda - log_factorial(k))
end

-- Sums poisson_pmf over k = from, from + step, ... until a term no longer changes the sum
-- (past the mode) or k leaves 0..
local function poisson_sum(from, step, lambda)
  local sum, k = 0.0, from
  while k >= 0 do
    local term = stats.poisson_pmf(k, lambda)
    local before = sum
    sum = sum + term
    if sum == before and (step > 0 and k > lambda or step < 0 and k < lambda) then
      break
    end
    k = k + step
  end
  return sum
end

-- stats.poisson_upper(k, lambda) -> P(X >= k) for X ~ Poisson(lambda), summed directly
-- from k upward, so a tiny tail keeps its precision.
function stats.poisson_upper(k, lambda)
  if k <= 0 then
    return 1.0
  end
  return math.min(1.0, poisson_sum(k, 1, lambda))
end

-- stats.poisson_lower(k, lambda) -> P(X <= k), summed directly from k downward.
function stats.poisson_lower(k, lambda)
  if k < 0 then
    return 0.0
  end
  return math.min(1.0, poisson_sum(k, -1, lambda))
end

return stats
