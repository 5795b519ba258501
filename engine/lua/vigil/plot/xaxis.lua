-- vigil.plot.xaxis: the x axis of a chart. Decides its kind (numbers, time from
-- 'YYYY-MM' / 'YYYY-MM-DD' strings, or categories), turns x values into numbers, and
-- writes the range, the tick list (vigil writes time ticks itself on month, quarter or
-- year starts: gnuplot's own monthly ticks drift) and the vertical markers.
local emit = require "vigil.plot.emit"
local periods = require "vigil.trend.periods"

local xaxis = {}

local q, num, usage = emit.quote, emit.number, emit.usage
local days_from_civil, civil_from_days = periods.days_from_civil, periods.civil_from_days

-- when s is not such a date.
function xaxis.parse_date(s)
  if type(s) ~= "string" then
    return nil
  end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then
    y, m = s:match("^(%d%d%d%d)%-(%d%d)$")
    d = "01"
  end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not y or m < 1 or m > 12 or d < 1 or d > 31 then
    return nil
  end
  return days_from_civil(y, m, d)
end

local MONTHS = {
  en = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" },
}

-- The tick label of the first day of month m of year y in language lang.
local function month_label(y, m, lang)
  if lang == "vi" then
    return ("T%d/%d"):format(m, y)
  end
  return ("%s %d"):format(MONTHS.en[m], y)
end

-- xaxis.time_ticks(lo, hi, lang, max) -> the ticks of a time axis from day lo to day hi:
-- {{day, label}, ...} on month, quarter or year starts (every 2, 5, 10 ... years for long
-- spans), at most about max of them.
function xaxis.time_ticks(lo, hi, lang, max)
  local y1, m1, d1 = civil_from_days(lo)
  local y2, m2 = civil_from_days(hi)
  local first = y1 * 12 + m1 - 1 + (d1 > 1 and 1 or 0)
  local last = y2 * 12 + m2 - 1
  local span = last - first
  local step = 1
  if span > max * 3 then
    for _, years in ipairs { 1, 2, 5, 10, 20, 50, 100 } do
      step = years * 12
      if span // step <= max then
        break
      end
    end
  elseif span > max then
    step = 3
  end
  local ticks = {}
  for k = first, last do
    if k % step == 0 then
      local y, m = k // 12, k % 12 + 1
      ticks[#ticks + 1] = { days_from_civil(y, m, 1), step >= 12 and tostring(y) or month_label(y, m, lang) }
    end
  end
  return ticks
end

-- xaxis.decide(series, force_category) -> axis. Decides the x axis: "number" (all x
-- numbers), "time" (all 'YYYY-MM[-DD]' strings) or "category"; converts every series' xs to
-- numbers (categories -> 0, 1, 2 ...) and returns the axis {kind=, categories={...}, lo=,
-- hi=}.
function xaxis.decide(series, force_category)
  local kind = force_category and "category" or nil
  if not kind and #series > 0 then
    -- every series a column of numbers checked in C (vigil.plot.data): nothing to convert
    local axis = { kind = "number", categories = {}, index = {} }
    for _, s in ipairs(series) do
      if not s.xscan then
        axis = nil
        break
      end
      if s.xscan.lo and (not axis.lo or s.xscan.lo < axis.lo) then
        axis.lo = s.xscan.lo
      end
      if s.xscan.hi and (not axis.hi or s.xscan.hi > axis.hi) then
        axis.hi = s.xscan.hi
      end
    end
    if axis and axis.lo then
      return axis
    end
  end
  if not kind then
    local all_num, all_time, any = true, true, false
    for _, s in ipairs(series) do
      for _, x in ipairs(s.xs) do
        any = true
        all_num = all_num and type(x) == "number"
        all_time = all_time and xaxis.parse_date(x) ~= nil
      end
    end
    kind = (any and all_num) and "number" or (any and all_time) and "time" or "category"
  end
  local axis = { kind = kind, categories = {} }
  local index = {}
  for _, s in ipairs(series) do
    for i, x in ipairs(s.xs) do
      local v
      if kind == "number" then
        v = x
      elseif kind == "time" then
        v = xaxis.parse_date(x)
      else
        local key = type(x) == "number" and num(x) or tostring(x)
        v = index[key]
        if not v then
          v = #axis.categories
          index[key] = v
          axis.categories[v + 1] = key
        end
      end
      s.xs[i] = v
      if not axis.lo or v < axis.lo then
        axis.lo = v
      end
      if not axis.hi or v > axis.hi then
        axis.hi = v
      end
    end
  end
  axis.index = index
  return axis
end


-- xaxis.markers(out, spec, axis): appends the vertical markers of spec.markers: each {at =
-- x, label = text} or {every_year = 'MM-DD', label = text} (time axes: one marker per year
-- in range).
function xaxis.markers(out, spec, axis)
  local markers = spec.markers
  if markers == nil then
    return
  end
  if type(markers) ~= "table" then
    usage("markers must be a list of {at = x, label = text}")
  end
  local n = 0
  local function add(x, label)
    n = n + 1
    out[#out + 1] = ("set arrow %d from %s, graph 0 to %s, graph 1 nohead front dashtype 2 lw 1.5 lc rgb '#b22222'")
      :format(n, num(x), num(x))
    if label ~= nil then
      out[#out + 1] = ("set label %d %s at %s, graph 0.98 right rotate by 90 offset character -0.7,0 front tc rgb '#b22222'")
        :format(n, q(label, emit.MAX_LABEL), num(x))
    end
  end
  for i, m in ipairs(markers) do
    if type(m) ~= "table" then
      usage("markers[%d] must be a table {at = x, label = text}", i)
    end
    if m.every_year ~= nil then
      local mm, dd = tostring(m.every_year):match("^(%d%d)%-(%d%d)$")
      if axis.kind ~= "time" or not mm then
        usage("markers[%d].every_year needs a time x axis and 'MM-DD'", i)
      end
      local y1 = civil_from_days(axis.lo)
      local y2 = civil_from_days(axis.hi)
      for y = y1, y2 do
        local d = days_from_civil(y, tonumber(mm), tonumber(dd))
        if d >= axis.lo and d <= axis.hi then
          add(d, m.label)
        end
      end
    else
      local x
      if axis.kind == "time" then
        x = xaxis.parse_date(m.at)
      elseif axis.kind == "category" then
        x = m.at ~= nil and axis.index[type(m.at) == "number" and num(m.at) or tostring(m.at)]
      else
        x = tonumber(m.at)
      end
      if not x then
        usage("markers[%d].at %s is not on the x axis", i, q(m.at))
      end
      add(x, m.label)
    end
  end
end

-- xaxis.lines(out, spec, axis, kind): appends the x axis lines: the range and the tick list
-- written by vigil for time and category axes.
function xaxis.lines(out, spec, axis, kind)
  if axis.kind == "time" then
    local lo, hi = axis.lo, axis.hi
    if lo == hi then
      lo, hi = lo - 15, hi + 15
    end
    out[#out + 1] = ("set xrange [%s:%s]"):format(num(lo), num(hi))
    local ticks = xaxis.time_ticks(lo, hi, spec.lang, axis.max_ticks)
    local items = {}
    for i, t in ipairs(ticks) do
      items[i] = q(t[2]) .. " " .. num(t[1])
    end
    out[#out + 1] = #items > 0 and ("set xtics (" .. table.concat(items, ", ") .. ")") or "set xtics"
  elseif axis.kind == "category" then
    local n = #axis.categories
    out[#out + 1] = ("set xrange [%s:%s]"):format(num(-0.6), num(n - 0.4))
    local items = {}
    for i, c in ipairs(axis.categories) do
      items[i] = q(c, emit.MAX_LABEL) .. " " .. num(i - 1)
    end
    out[#out + 1] = "set xtics (" .. table.concat(items, ", ") .. ")"
    if n > 12 then
      out[#out + 1] = "set xtics rotate by -45"
    end
    if kind == "bar" then
      out[#out + 1] = "set xtics scale 0"
    end
  end
end

return xaxis
