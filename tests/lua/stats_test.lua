-- Tests of vigil.trend.stats against values computed independently: by hand (the working
-- is in the comments) or, for the normal and Poisson distributions, with Python's
-- math.erfc and math.lgamma (a separate implementation). Runs under vigil (tests/trend.t)
-- and under plain lua5.4 with VIGIL_ROOT set.
local here = arg and arg[0] and arg[0]:match("^(.*)/") or "."
package.path = here .. "/?.lua;" .. here .. "/../../engine/lua/?.lua;" .. package.path
local T = require "tap"
local stats = require "vigil.trend.stats"

-- Passes when got is within tol (relative to max(1, |want|)) of want.
local function near(got, want, tol, name)
  local pass = type(got) == "number" and math.abs(got - want) <= tol * math.max(1, math.abs(want))
  if not T.ok(pass, name) then
    T.diag(("     got: %s\nexpected: %.17g"):format(tostring(got), want))
  end
  return pass
end

-- Passes when got is within a relative tol of want (for tiny tail probabilities).
local function near_rel(got, want, tol, name)
  local pass = type(got) == "number" and math.abs(got - want) <= tol * math.abs(want)
  if not T.ok(pass, name) then
    T.diag(("     got: %s\nexpected: %.17g"):format(tostring(got), want))
  end
  return pass
end

-- Normal distribution: Phi(z) = erfc(-z/sqrt 2)/2 from Python's math.erfc.
local PHI = {
  { 0, 0.5 }, { 0.5, 0.6914624612740131 }, { 1, 0.8413447460685429 },
  { -1, 0.15865525393145707 }, { 1.96, 0.9750021048517795 }, { -2.5, 0.006209665325776139 },
  { 3.5, 0.9997673709209645 },
}
for _, case in ipairs(PHI) do
  near(stats.normal_cdf(case[1]), case[2], 1e-14, ("normal_cdf(%g)"):format(case[1]))
end
-- The far tail keeps relative precision (the continued fraction branch).
near_rel(stats.normal_cdf(-6), 9.865876450377012e-10, 1e-12, "normal_cdf(-6), relative")
near_rel(stats.normal_cdf(-10), 7.619853024160593e-24, 1e-12, "normal_cdf(-10), relative")
T.is(stats.erfc(0), 1.0, "erfc(0) = 1")
T.is(stats.normal_cdf(-math.huge), 0.0, "normal_cdf(-inf) = 0")
near(stats.normal_quantile(0.975), 1.959963984540054, 1e-12, "normal_quantile(0.975)")
near(stats.normal_quantile(0.5), 0, 1e-15, "normal_quantile(0.5) = 0")
T.is(stats.normal_quantile(1), nil, "normal_quantile(1) is undefined")

-- mean, sd, median by hand.
T.is(stats.mean({ 1, 2, 3, 6 }), 3.0, "mean")
T.is(stats.mean({}), nil, "mean of nothing")
near(stats.sd({ 2, 4, 4, 4, 5, 5, 7, 9 }), math.sqrt(32 / 7), 1e-15,
     "sd: sum of squares 32, n-1 = 7")
T.is(stats.sd({ 5 }), nil, "sd of one value")
T.is(stats.median({ 5, 1, 3 }), 3, "median, odd n")
T.is(stats.median({ 4, 1, 3, 2 }), 2.5, "median, even n")

-- OLS, y = {2,4,5,4,5} at t = 1..5: t mean 3, y mean 4; Stt = 10, Sty = 4+0+0+0+2 = 6,
-- Syy = 4+0+1+0+1 = 6 -> slope 0.6, intercept 4 - 1.8 = 2.2, r2 = 36/60 = 0.6.
local fit = stats.ols({ 2, 4, 5, 4, 5 })
near(fit.slope, 0.6, 1e-14, "ols slope")
near(fit.intercept, 2.2, 1e-14, "ols intercept")
near(fit.r2, 0.6, 1e-14, "ols r2")
-- Gaps: y = {3,5,9} at t = {1,2,4} lie on y = 1 + 2t: Stt = 42/9, Sty = 84/9.
fit = stats.ols({ 3, 5, 9 }, { 1, 2, 4 })
near(fit.slope, 2, 1e-14, "ols with a gap: slope")
near(fit.intercept, 1, 1e-14, "ols with a gap: intercept")
near(fit.r2, 1, 1e-14, "ols with a gap: r2 = 1")
fit = stats.ols({ 0, 0, 0, 0 })
T.ok(fit.slope == 0 and fit.r2 == nil, "ols of an all-zero series: slope 0, r2 undefined")
fit = stats.ols({ 7 })
T.ok(fit.n == 1 and fit.slope == nil and fit.intercept == nil, "ols of one period: undefined")
fit = stats.ols({ 3, 5 })
T.ok(fit.slope == 2 and fit.intercept == 1 and fit.r2 == 1, "ols of n = 2: the line through both")

-- Pearson, x = {1,2,3}, y = {2,4,7}: Sxy = 5, Sxx = 2, Syy = 114/9 -> r = 5/sqrt(228/9).
near(stats.pearson({ 1, 2, 3 }, { 2, 4, 7 }), 5 / math.sqrt(228 / 9), 1e-14, "pearson")
near(stats.pearson({ 1, 2, 3 }, { 3, 2, 1 }), -1, 1e-14, "pearson of a reversed line = -1")
T.is(stats.pearson({ 1, 2, 3 }, { 4, 4, 4 }), nil, "pearson with a constant array: undefined")
T.is(stats.pearson({ 1 }, { 2 }), nil, "pearson of one pair: undefined")
T.raises(function() stats.pearson({ 1, 2 }, { 1 }) end, "2 x values but 1",
         "pearson of unequal lengths")

-- Mann-Kendall, y = 1..5: all 10 pairs rise, S = 10; Var S = 5*4*15/18 = 300/18;
-- z = (10 - 1)/sqrt(300/18) = 2.2045407685048604; p = 2 Phi(-z) = 0.0274863361115103.
local mk = stats.mann_kendall({ 1, 2, 3, 4, 5 })
T.is(mk.S, 10, "mk S, rising")
near(mk.var_s, 300 / 18, 1e-14, "mk var S, no ties")
near(mk.z, 2.2045407685048604, 1e-12, "mk z with the continuity correction")
near(mk.p, 0.0274863361115103, 1e-12, "mk two-sided p")
T.is(mk.tau, 1.0, "mk tau = 1 for a rising series")
-- Ties, y = {1,2,2,3}: pairs + + + 0 + + -> S = 5; Var S = (4*3*13 - 2*1*9)/18 = 138/18;
-- z = 4/sqrt(138/18) = 1.4446302370292303, p = 0.1485617748918687; tau = 5/6.
mk = stats.mann_kendall({ 1, 2, 2, 3 })
T.is(mk.S, 5, "mk S with a tie")
near(mk.var_s, 138 / 18, 1e-14, "mk var S with the tie correction")
near(mk.z, 1.4446302370292303, 1e-12, "mk z with a tie")
near(mk.p, 0.1485617748918687, 1e-12, "mk p with a tie")
near(mk.tau, 5 / 6, 1e-14, "mk tau with a tie")
-- Falling: S and z change sign, z = (S + 1)/sqrt(var).
mk = stats.mann_kendall({ 5, 4, 3, 2, 1 })
T.ok(mk.S == -10 and math.abs(mk.z + 2.2045407685048604) < 1e-12, "mk of a falling series")
-- All zero: every pair tied, S = 0, Var S = (156 - 156)/18 = 0 -> z = 0, p = 1.
mk = stats.mann_kendall({ 0, 0, 0, 0 })
T.ok(mk.S == 0 and mk.var_s == 0 and mk.z == 0 and mk.p == 1, "mk of an all-zero series")
-- One period: no pairs.
mk = stats.mann_kendall({ 7 })
T.ok(mk.n == 1 and mk.S == 0 and mk.p == 1 and mk.tau == nil, "mk of one period")
-- n = 2: S = 1, Var S = 2*1*9/18 = 1, z = (1 - 1)/1 = 0, p = 1.
mk = stats.mann_kendall({ 3, 5 })
T.ok(mk.S == 1 and mk.var_s == 1 and mk.z == 0 and mk.p == 1, "mk of n = 2")
-- Gaps, y = {3,5,9} at t = {1,2,4}: S = 3, Var S = 3*2*11/18 = 66/18, z = 2/sqrt(66/18).
mk = stats.mann_kendall({ 3, 5, 9 }, { 1, 2, 4 })
T.ok(mk.S == 3 and mk.n == 3, "mk with a gap: S = 3 over 3 observations")
near(mk.z, 1.044465935734187, 1e-12, "mk with a gap: z")
-- Times out of order are put in order first: same as the sorted series.
mk = stats.mann_kendall({ 9, 3, 5 }, { 4, 1, 2 })
T.is(mk.S, 3, "mk sorts by time")

-- Seasonal Kendall: season A {1,2,3} S = 3, Var = 3*2*11/18; season B {3,2,1,0} S = -6,
-- Var = 4*3*13/18. S = -3, Var = 66/18 + 156/18 = 37/3, z = (-3 + 1)/sqrt(37/3)
-- = -0.5694947974514993, p = 0.5690204003534877, tau = -3/(3 + 6).
local seasons = { { y = { 1, 2, 3 } }, { y = { 3, 2, 1, 0 } } }
mk = stats.seasonal_mann_kendall(seasons)
T.ok(mk.S == -3 and mk.n == 7, "seasonal mk S sums the seasons")
near(mk.var_s, 37 / 3, 1e-14, "seasonal mk variance sums the seasons")
near(mk.z, -0.5694947974514993, 1e-12, "seasonal mk z")
near(mk.p, 0.5690204003534877, 1e-12, "seasonal mk p")
near(mk.tau, -1 / 3, 1e-14, "seasonal mk tau")
-- Seasonal slope: within-season slopes {1,1,1} and {-1 x 6}: median -1.
T.is(stats.seasonal_sens_slope(seasons).slope, -1.0,
     "seasonal Sen slope: median of within-season slopes")

-- Sen's slope with Gilbert's interval, y = {1,3,2,5,4,4,7,9,6,10} (n = 10, one pair of
-- tied 4s). The 45 pairwise slopes sorted: ... 11th 0.5, 12th 0.5, ... 23rd 0.875, ...
-- 34th 1.25, 35th 4/3 ... -> median (23rd) 0.875. Var S = (10*9*25 - 2*1*9)/18 = 124;
-- C = 1.959963984540054 * sqrt(124) = 21.82523525110489; M1 = (45 - C)/2 = 11.5874
-- -> between the 11th and 12th slope, both 0.5 -> lo = 0.5; M2 + 1 = (45 + C)/2 + 1
-- = 34.4126 -> 1.25 + 0.4126 * (4/3 - 1.25) = 1.2843848021293702.
local y10 = { 1, 3, 2, 5, 4, 4, 7, 9, 6, 10 }
local sen = stats.sens_slope(y10)
T.is(sen.n_slopes, 45, "sen: 45 pairwise slopes")
near(sen.slope, 0.875, 1e-14, "sen slope = median pairwise slope")
near(sen.lo, 0.5, 1e-12, "sen lower 95% limit (Gilbert)")
near(sen.hi, 1.2843848021293702, 1e-12, "sen upper 95% limit, interpolated (Gilbert)")
mk = stats.mann_kendall(y10)
T.ok(mk.S == 34 and mk.var_s == 124, "mk of the same series: S = 34, Var S = 124")
near(mk.p, 0.0030417443199009337, 1e-12, "mk p of the same series")
-- A 90% interval is narrower.
local sen90 = stats.sens_slope(y10, nil, 0.10)
T.ok(sen90.lo >= sen.lo and sen90.hi <= sen.hi, "a 90% interval lies inside the 95% one")
-- Gaps: slopes (5-3)/1, (9-3)/3, (9-5)/2 are all 2.
T.is(stats.sens_slope({ 3, 5, 9 }, { 1, 2, 4 }).slope, 2.0, "sen with a gap uses the times")
-- All zero: every slope 0; C = 0 so both limits are the median slope.
sen = stats.sens_slope({ 0, 0, 0, 0 })
T.ok(sen.slope == 0 and sen.lo == 0 and sen.hi == 0, "sen of an all-zero series")
sen = stats.sens_slope({ 7 })
T.ok(sen.slope == nil and sen.lo == nil and sen.n_slopes == 0, "sen of one period: undefined")
-- n = 2: one slope 2; C = 1.96 * 1 > N = 1, so the limits fall outside: nil.
sen = stats.sens_slope({ 3, 5 })
T.ok(sen.slope == 2 and sen.lo == nil and sen.hi == nil, "sen of n = 2: slope, no interval")

-- Poisson: P(X >= 5 | 1) = 1 - e^-1 (1 + 1 + 1/2 + 1/6 + 1/24) = 1 - 65/(24e).
near(stats.poisson_upper(5, 1), 1 - 65 / 24 * math.exp(-1), 1e-14, "poisson upper tail, small")
near(stats.poisson_lower(0, 3), math.exp(-3), 1e-15, "poisson P(X <= 0) = e^-lambda")
-- Python: sum of exp(k log l - l - lgamma(k + 1)).
near(stats.poisson_pmf(25, 20), 0.04458764910826764, 1e-12, "poisson pmf through Stirling's series")
near(stats.poisson_lower(1000, 1000), 0.5084093671683851, 1e-11, "poisson lower tail, lambda 1000")
near_rel(stats.poisson_upper(1100, 1000), 0.0009626304058662804, 1e-9,
         "poisson upper tail, lambda 1000")
T.is(stats.poisson_upper(0, 4), 1.0, "P(X >= 0) = 1")
T.is(stats.poisson_upper(1, 0), 0.0, "lambda 0: P(X >= 1) = 0")

T.done()
