-- vigil.report.period: the period a report covers, from --period and --today.
--
--   period.parse("2022-Q3", "2025-01-15") -> {label = "2022-Q3", first = "2022-07-01",
--                                              last = "2022-09-30", kind = "quarter"}
-- Forms: YYYY-MM, YYYY-Qn, YYYY, last-month, last-quarter, ytd (1 January to today), and
-- FIRST..LAST (two dates). today is "YYYY-MM-DD".
local period = {}

-- Returns the number of days of month m of year y.
local function days_in_month(y, m)
  if m == 2 then
    return ((y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0) and 29 or 28
  end
  return (m == 4 or m == 6 or m == 9 or m == 11) and 30 or 31
end

-- period.valid_date(s) -> y, m, d | nil: the parts of an ISO date naming a real day.
function period.valid_date(s)
  local y, m, d = tostring(s):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 or d > days_in_month(y, m) then return nil end
  return y, m, d
end

-- Returns the period of months m1..m2 of year y.
local function months(y, m1, m2, label, kind)
  return { label = label, kind = kind, first = ("%04d-%02d-01"):format(y, m1),
           last = ("%04d-%02d-%02d"):format(y, m2, days_in_month(y, m2)) }
end

-- period.parse(text, today) -> period | nil, message
function period.parse(text, today)
  local ty, tm, td = period.valid_date(today)
  if not ty then return nil, ("--today wants a date YYYY-MM-DD, not '%s'"):format(tostring(today)) end
  text = tostring(text)
  local y, m = text:match("^(%d%d%d%d)%-(%d%d)$")
  if y and tonumber(m) >= 1 and tonumber(m) <= 12 then
    return months(tonumber(y), tonumber(m), tonumber(m), text, "month")
  end
  local q
  y, q = text:match("^(%d%d%d%d)%-Q([1-4])$")
  if y then
    q = tonumber(q)
    return months(tonumber(y), 3 * q - 2, 3 * q, text, "quarter")
  end
  if text:match("^%d%d%d%d$") then
    return months(tonumber(text), 1, 12, text, "year")
  end
  if text == "last-month" then
    local py, pm = ty, tm - 1
    if pm == 0 then py, pm = ty - 1, 12 end
    return months(py, pm, pm, ("%04d-%02d"):format(py, pm), "month")
  end
  if text == "last-quarter" then
    local pq, py = (tm - 1) // 3, ty
    if pq == 0 then pq, py = 4, ty - 1 end
    return months(py, 3 * pq - 2, 3 * pq, ("%04d-Q%d"):format(py, pq), "quarter")
  end
  if text == "ytd" then
    return { label = ("%04d-ytd"):format(ty), kind = "range", first = ("%04d-01-01"):format(ty),
             last = ("%04d-%02d-%02d"):format(ty, tm, td) }
  end
  local first, last = text:match("^(%d%d%d%d%-%d%d%-%d%d)%.%.(%d%d%d%d%-%d%d%-%d%d)$")
  if first and period.valid_date(first) and period.valid_date(last) and first <= last then
    return { label = first .. "_" .. last, kind = "range", first = first, last = last }
  end
  return nil, ("--period wants YYYY-MM, YYYY-Qn, YYYY, last-month, last-quarter, ytd or "
               .. "FIRST..LAST, not '%s'"):format(text)
end

-- period.shift_year(iso, years) -> the same day `years` later (28 February for 29 February).
function period.shift_year(iso, years)
  local y, m, d = period.valid_date(iso)
  y = y + years
  if m == 2 and d == 29 and days_in_month(y, 2) == 28 then d = 28 end
  return ("%04d-%02d-%02d"):format(y, m, d)
end

return period
