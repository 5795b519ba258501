-- vigil.trend.periods: calendar periods (day, ISO week, month, quarter, year) as labels,
-- their SQL bucket expressions, and the list of every period between two bounds, so a
-- series can be gap-filled in Lua. Labels sort as text in time order within one kind:
--   day "2021-01-04", week "2021-W01" (ISO 8601), month "2021-01", quarter "2021-Q1",
--   year "2021".
local periods = {}

local floor = math.floor

-- The periods of one year, for slopes per year and year-over-year lags.
periods.per_year = { day = 365.2425, week = 365.2425 / 7, month = 12, quarter = 4, year = 1 }

-- periods.days_from_civil(y, m, d) -> the number of days since 1970-01-01 (negative
-- before), proleptic Gregorian calendar. Counts from 0000-03-01 in 400-year eras of
-- 146097 days so that the leap day is the last of its year (H. Hinnant, "chrono-Compatible
-- Low-Level Date Algorithms").
function periods.days_from_civil(y, m, d)
  if m <= 2 then
    y = y - 1
  end
  local era = floor(y / 400)
  local year_of_era = y - era * 400
  local month_from_march = (m + 9) % 12 -- March 0 .. February 11
  local day_of_year = (153 * month_from_march + 2) // 5 + d - 1
  local day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
  return era * 146097 + day_of_era - 719468
end

-- periods.civil_from_days(n) -> y, m, d: the inverse of days_from_civil.
function periods.civil_from_days(n)
  n = n + 719468
  local era = floor(n / 146097)
  local day_of_era = n - era * 146097
  local year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524
                       - day_of_era // 146096) // 365
  local day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
  local month_from_march = (5 * day_of_year + 2) // 153
  local d = day_of_year - (153 * month_from_march + 2) // 5 + 1
  local m = month_from_march < 10 and month_from_march + 3 or month_from_march - 9
  local y = year_of_era + era * 400 + (m <= 2 and 1 or 0)
  return y, m, d
end

-- Returns the number of days of month m of year y.
local function days_in_month(y, m)
  if m == 12 then
    return 31
  end
  return periods.days_from_civil(y, m + 1, 1) - periods.days_from_civil(y, m, 1)
end

-- periods.iso_week(day_number) -> iso_year, week: the ISO 8601 week of a day. The week is
-- the one holding the same week's Thursday; its year is the Thursday's year and its number
-- is (ordinal day of the Thursday - 1) // 7 + 1.
function periods.iso_week(n)
  local monday_based = (n + 3) % 7 -- 1970-01-01 was a Thursday: 0 Monday .. 6 Sunday
  local thursday = n - monday_based + 3
  local y = periods.civil_from_days(thursday)
  local ordinal = thursday - periods.days_from_civil(y, 1, 1) + 1
  return y, (ordinal - 1) // 7 + 1
end

-- Returns the day number of the Monday of ISO week w of ISO year y.
local function iso_week_monday(y, w)
  local jan4 = periods.days_from_civil(y, 1, 4) -- 4 January is always in week 1
  return jan4 - (jan4 + 3) % 7 + (w - 1) * 7
end

-- The label of the period of kind `kind` holding day number n.
local function label_of_day(kind, n)
  local y, m, d = periods.civil_from_days(n)
  if kind == "day" then
    return ("%04d-%02d-%02d"):format(y, m, d)
  elseif kind == "week" then
    return ("%04d-W%02d"):format(periods.iso_week(n))
  elseif kind == "month" then
    return ("%04d-%02d"):format(y, m)
  elseif kind == "quarter" then
    return ("%04d-Q%d"):format(y, (m + 2) // 3)
  end
  return ("%04d"):format(y)
end
periods.label_of_day = label_of_day

-- Returns whether y-m-d is a real calendar day.
local function valid_day(y, m, d)
  return m >= 1 and m <= 12 and d >= 1 and d <= days_in_month(y, m)
end

-- periods.span(text) -> first_day, last_day (day numbers) of the time a bound names, or
-- nil, message. Accepts "YYYY", "YYYY-MM", "YYYY-MM-DD", "YYYY-Qn", "YYYY-Www".
function periods.span(text)
  if type(text) ~= "string" then
    return nil, ("a period bound must be a string, not %s"):format(type(text))
  end
  local y, m, d = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y then
    y, m, d = tonumber(y), tonumber(m), tonumber(d)
    if not valid_day(y, m, d) then
      return nil, ("'%s' is not a calendar day"):format(text)
    end
    local n = periods.days_from_civil(y, m, d)
    return n, n
  end
  y, m = text:match("^(%d%d%d%d)%-(%d%d)$")
  if y then
    y, m = tonumber(y), tonumber(m)
    if m < 1 or m > 12 then
      return nil, ("'%s' is not a month"):format(text)
    end
    local first = periods.days_from_civil(y, m, 1)
    return first, first + days_in_month(y, m) - 1
  end
  local q
  y, q = text:match("^(%d%d%d%d)%-Q(%d)$")
  if y then
    y, q = tonumber(y), tonumber(q)
    if q < 1 or q > 4 then
      return nil, ("'%s' is not a quarter"):format(text)
    end
    local first = periods.days_from_civil(y, 3 * q - 2, 1)
    local last_month = 3 * q
    return first, periods.days_from_civil(y, last_month, days_in_month(y, last_month))
  end
  local w
  y, w = text:match("^(%d%d%d%d)%-W(%d%d)$")
  if y then
    y, w = tonumber(y), tonumber(w)
    local monday = iso_week_monday(y, w)
    if w < 1 or select(1, periods.iso_week(monday)) ~= y then
      return nil, ("'%s' is not an ISO week"):format(text)
    end
    return monday, monday + 6
  end
  y = text:match("^(%d%d%d%d)$")
  if y then
    y = tonumber(y)
    return periods.days_from_civil(y, 1, 1), periods.days_from_civil(y, 12, 31)
  end
  return nil, ("'%s' is not a period (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www)")
              :format(text)
end

-- periods.check_kind(kind) -> kind | raises: one of day, week, month, quarter, year.
function periods.check_kind(kind)
  if periods.per_year[kind] == nil then
    error(("trend: period must be day, week, month, quarter or year, not %s")
          :format(tostring(kind)), 0)
  end
  return kind
end

-- periods.label(kind, text) -> the label of the period of kind holding the first day of
-- the bound text, or nil, message.
function periods.label(kind, text)
  local first, msg = periods.span(text)
  if not first then
    return nil, msg
  end
  return label_of_day(kind, first)
end

-- periods.list(kind, first_day, last_day) -> {label, ...}: every period of kind that
-- overlaps the days first_day..last_day, in time order.
function periods.list(kind, first_day, last_day)
  local labels = {}
  local n = first_day
  while n <= last_day do
    local label = label_of_day(kind, n)
    labels[#labels + 1] = label
    local _, last = periods.span(label)
    n = last + 1
  end
  return labels
end

-- periods.between(kind, first_label, last_label) -> {label, ...}: every period from the
-- one holding first_label's first day to the one holding last_label's last day.
function periods.between(kind, first_label, last_label)
  local first = assert(periods.span(first_label))
  local _, last = assert(periods.span(last_label))
  return periods.list(kind, first, last)
end

-- periods.sql_bucket(kind, column_sql) -> an SQL expression of the period label of the
-- date in column_sql (an already quoted identifier). ISO weeks use the Thursday of the
-- date's week, date(x, '-3 days', 'weekday 4') (SQLite's 'weekday 4' moves forward to the
-- next Thursday, or stays on one): its year, and (its day of the year - 1) / 7 + 1.
function periods.sql_bucket(kind, column_sql)
  if kind == "day" then
    return ("strftime('%%Y-%%m-%%d', %s)"):format(column_sql)
  elseif kind == "month" then
    return ("strftime('%%Y-%%m', %s)"):format(column_sql)
  elseif kind == "quarter" then
    return ("strftime('%%Y', %s) || '-Q' || ((CAST(strftime('%%m', %s) AS INTEGER) + 2) / 3)")
           :format(column_sql, column_sql)
  elseif kind == "year" then
    return ("strftime('%%Y', %s)"):format(column_sql)
  end
  local thursday = ("date(%s, '-3 days', 'weekday 4')"):format(column_sql)
  -- (a time that is no date has no Thursday: NULL, as for the other periods)
  return ("CASE WHEN %s IS NOT NULL THEN printf('%%s-W%%02d', strftime('%%Y', %s), "
          .. "(CAST(strftime('%%j', %s) AS INTEGER) - 1) / 7 + 1) END")
         :format(thursday, thursday, thursday)
end

-- periods.year_of(label) -> the calendar year of a label (the ISO year for weeks).
function periods.year_of(label)
  return tonumber(label:sub(1, 4))
end

-- periods.season_of(kind, label) -> the position of the period within its year (month
-- 1-12, quarter 1-4, week 1-53), nil for day and year.
function periods.season_of(kind, label)
  if kind == "month" then
    return tonumber(label:sub(6, 7))
  elseif kind == "quarter" then
    return tonumber(label:sub(7))
  elseif kind == "week" then
    return tonumber(label:sub(7, 8))
  end
  return nil
end

-- periods.year_before(kind, label) -> the label of the same period one year earlier (same
-- month, quarter, ISO week number or calendar day), or nil when there is none (29
-- February, week 53).
function periods.year_before(kind, label)
  local year = periods.year_of(label) - 1
  local earlier = ("%04d"):format(year) .. label:sub(5)
  if kind == "day" or kind == "week" then
    local first = periods.span(earlier)
    if not first or label_of_day(kind, first) ~= earlier then
      return nil
    end
  end
  return earlier
end

return periods
