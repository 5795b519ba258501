-- vigil.trend.domain: the questions of the province's analysts as one call each, thin
-- wrappers over trend.series on the shipped schema: processed violations by disposition
-- or case category, outreach by agency or activity in one of its measures, and cases per
-- district (border districts, the others, or all). Every category of the schema is
-- present (zeros) and in the schema's order; the caller's range, period, where, params
-- and db pass through.
local query = require "vigil.trend.query"

local domain = {}

-- The categories of each grouping, in the order reports show them.
domain.CATEGORIES = {
  disposition = { "administrative", "warning", "deportation", "prosecution" },
  category = { "human_trafficking", "illegal_exit", "illegal_entry", "illegal_stay",
               "organizing_illegal_migration" },
  activity = { "broadcast", "conference", "publication", "session", "leaflet", "training",
               "job_counselling", "social_media", "volunteer_network", "banner" },
}

-- The outreach measures: the column summed for each.
domain.OUTREACH_MEASURES = { events = true, participants = true, materials = true,
                             reach = true, sites = true }

-- Returns a copy of the fields of spec that pass through to trend.series.
local function passed(spec)
  return { period = spec.period, range = spec.range, where = spec.where,
           params = spec.params, db = spec.db }
end

-- Raises "trend.NAME: FIELD must be one of ..., not VALUE" unless value is a key of set.
local function check_choice(name, field, value, set)
  if value ~= nil and set[value] then
    return
  end
  local keys = {}
  for k in pairs(set) do
    keys[#keys + 1] = k
  end
  table.sort(keys)
  error(("trend.%s: %s must be %s, not %s"):format(name, field, table.concat(keys, ", "),
        tostring(value)), 0)
end

-- Raises unless spec is a table (or nil, then {} is returned).
local function table_spec(name, spec)
  if spec == nil then
    return {}
  end
  if type(spec) ~= "table" then
    error(("trend.%s: expects a table of options"):format(name), 0)
  end
  return spec
end

-- domain.processed{by = "disposition"|"category", period, range, where, params, db}
-- -> Series: people of the view processed_violations (decided cases: every subject whose
-- disposition is not verifying) counted by the period of the decision (disposed_on).
function domain.processed(spec)
  spec = table_spec("processed", spec)
  local by = spec.by or "disposition"
  check_choice("processed", "by", by, { disposition = true, category = true })
  local args = passed(spec)
  args.from, args.time, args.by = "processed_violations", "disposed_on", by
  args.categories = domain.CATEGORIES[by]
  return query.series(args)
end

-- domain.outreach{by = "agency"|"activity"|"district"|nil, measure = "events"|"participants"|
-- "materials"|"reach"|"sites", period, range, where, params, db} -> Series: the sum of
-- the measure (default events) over the outreach activities held in each period, by
-- agency code, by activity, by district code, or in total (by = nil). meta.measure is
-- the measure's name.
function domain.outreach(spec)
  spec = table_spec("outreach", spec)
  local measure = spec.measure or "events"
  check_choice("outreach", "measure", measure, domain.OUTREACH_MEASURES)
  if spec.by ~= nil then
    check_choice("outreach", "by", spec.by, { agency = true, activity = true, district = true })
  end
  local args = passed(spec)
  args.from, args.time, args.by = "outreach", "held_on", spec.by
  args.measure = ("sum(%s)"):format(measure)
  args.categories = spec.by and domain.CATEGORIES[spec.by]
  local s = query.series(args)
  s.meta.measure = measure
  if not spec.by and s.names[1] ~= measure then
    s.data[measure], s.flags[measure] = s.data[s.names[1]], s.flags[s.names[1]]
    s.names = { measure }
  end
  return s
end

-- domain.cases_by_district{border = true|false|nil, measure = "cases"|"victims", period,
-- range, where, params, db} -> Series: incidents by the period of detection (detected_on)
-- and district code, counted (cases) or summed over their victims; border = true keeps the
-- districts on the Cambodian border (districts.borders_cambodia = 1), false the others, nil
-- all. Every district of the kind is present.
function domain.cases_by_district(spec)
  spec = table_spec("cases_by_district", spec)
  local measure = spec.measure or "cases"
  check_choice("cases_by_district", "measure", measure, { cases = true, victims = true })
  if spec.border ~= nil and type(spec.border) ~= "boolean" then
    error("trend.cases_by_district: border must be true, false or nil", 0)
  end
  local conn = spec.db or rawget(_G, "db")
  if conn == nil then
    error("trend.cases_by_district: no database (give db = connection)", 0)
  end
  local districts = {}
  local sql = "SELECT code FROM districts"
  if spec.border ~= nil then
    sql = sql .. " WHERE borders_cambodia = " .. (spec.border and "1" or "0")
  end
  for _, row in ipairs(conn:rows(sql .. " ORDER BY code")) do
    districts[#districts + 1] = row.code
  end
  local args = passed(spec)
  args.db = conn
  args.from, args.time, args.by = "incidents", "detected_on", "district"
  args.measure = measure == "victims" and "sum(victims)" or "count"
  args.categories = districts
  if spec.border ~= nil then
    local kind = "district IN (SELECT code FROM districts WHERE borders_cambodia = "
                 .. (spec.border and "1" or "0") .. ")"
    args.where = spec.where and ("(%s) AND %s"):format(spec.where, kind) or kind
  end
  local s = query.series(args)
  s.meta.measure = measure
  s.meta.border = spec.border
  return s
end

-- Returns fn wrapped so that its errors name the caller's line (not this file's, where
-- trend.series raised them).
local function public(fn)
  return function(spec)
    local ok, result = pcall(fn, spec)
    if not ok then
      error((tostring(result):gsub("^[^\n]-domain%.lua:%d+: ", "")), 2)
    end
    return result
  end
end

return {
  processed = public(domain.processed),
  outreach = public(domain.outreach),
  cases_by_district = public(domain.cases_by_district),
  CATEGORIES = domain.CATEGORIES,
}
