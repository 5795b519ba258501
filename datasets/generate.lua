-- datasets/generate.lua: writes vigil's synthetic records as CSV files.
--
-- Plain Lua 5.4 (runs under `lua5.4` and under `vigil`, requires nothing). Deterministic: a
-- splitmix64 generator over 64-bit integers, seeded by --seed, drives every draw; no floating
-- point function of the C library is used for the shipped scale, so the output is the same
-- bytes on every run and under either interpreter. Rows are written as they are made (memory
-- does not grow with --cases or --scale).
--
-- The records cover 2019-01-01 .. 2025-12-31. Those of the window 2022-01-01 .. 2022-09-08
-- are not drawn at random: they are an exact allocation of the figures the source article
-- publishes (published_figures.csv, written by hand, is not touched here). docs/dataset.md
-- says how each figure is read.

local USAGE = [[
usage: generate.lua [--seed N] [--scale F] [--cases N] [--out DIR]
Writes the synthetic vigil records (agencies, districts, incidents, subjects, outreach,
dataset_info) as CSV files into DIR.
  --seed N    seed of the generator, an integer (default 1)
  --scale F   size factor of the records outside the 2022 window (default 1)
  --cases N   exact number of incidents in all (at least 41, the window's cases)
  --out DIR   an existing folder (default: the folder of this script)
  --help      print this text
]]

local WINDOW_CASES = 41 -- the cases the article reports for 2022-01-01 .. 2022-09-08

------------------------------------------------------------------------------------------
-- Command line

-- Prints msg and the usage on stderr and exits with status 2 (a usage error).
local function usage_error(msg)
  io.stderr:write("generate.lua: ", msg, "\n", USAGE)
  os.exit(2)
end

-- Returns the folder holding this script ("." when arg[0] has no folder part).
local function script_folder()
  local path = arg and arg[0] or ""
  return path:match("^(.*)/[^/]*$") or "."
end

-- Parses the command line into { seed, scale, cases, out }; exits 2 on a bad option.
local function parse_options(argv)
  local options = { seed = 1, scale = 1, cases = nil, out = script_folder() }
  local i = 1
  while i <= #argv do
    local word = argv[i]
    local name, value = word:match("^%-%-([%w-]+)=(.*)$")
    if not name then
      name = word:match("^%-%-([%w-]+)$")
    end
    if word == "--help" or word == "-h" then
      io.stdout:write(USAGE)
      os.exit(0)
    elseif name == "seed" or name == "scale" or name == "cases" or name == "out" then
      if value == nil then
        i = i + 1
        value = argv[i]
        if value == nil then usage_error("option --" .. name .. " needs a value") end
      end
      if name == "seed" then
        options.seed = math.tointeger(tonumber(value))
        if not options.seed or not value:match("^%-?%d+$") then
          usage_error("--seed wants an integer, not '" .. value .. "'")
        end
      elseif name == "scale" then
        options.scale = tonumber(value)
        if not options.scale or options.scale <= 0 or options.scale > 1e6 then
          usage_error("--scale wants a number above 0, not '" .. value .. "'")
        end
      elseif name == "cases" then
        options.cases = math.tointeger(tonumber(value))
        if not options.cases or not value:match("^%d+$") or options.cases < WINDOW_CASES then
          usage_error(("--cases wants an integer of at least %d, not '%s'")
                      :format(WINDOW_CASES, value))
        end
      else
        if value == "" then usage_error("--out wants a folder") end
        options.out = value
      end
    else
      usage_error("unknown argument '" .. word .. "'")
    end
    i = i + 1
  end
  return options
end

------------------------------------------------------------------------------------------
-- Random numbers: splitmix64 over Lua's wrapping 64-bit integers

local Random = {}
Random.__index = Random

-- Makes a generator for the given seed and stream number (independent streams per purpose).
local function new_random(seed, stream)
  local self = setmetatable({ state = seed ~ (stream * 0x632BE59BD9B4E019) }, Random)
  self:next64()
  return self
end

-- Returns the next 64-bit integer of the sequence.
function Random:next64()
  local z = self.state + 0x9E3779B97F4A7C15
  self.state = z
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return z ~ (z >> 31)
end

-- Returns a float in [0, 1) with 53 random bits (exact, no rounding).
function Random:uniform()
  return (self:next64() >> 11) * (1.0 / 9007199254740992.0)
end

-- Returns an integer in [lo, hi].
function Random:between(lo, hi)
  return lo + (self:next64() >> 1) % (hi - lo + 1)
end

-- Returns true with probability p.
function Random:chance(p)
  return self:uniform() < p
end

-- Returns an element of list, each equally likely.
function Random:pick(list)
  return list[self:between(1, #list)]
end

-- Returns a key of the weighted table {{key, weight}, ...} in proportion to the weights.
function Random:weighted(choices)
  local total = 0
  for i = 1, #choices do total = total + choices[i][2] end
  local u = self:uniform() * total
  for i = 1, #choices - 1 do
    u = u - choices[i][2]
    if u < 0 then return choices[i][1] end
  end
  return choices[#choices][1]
end

-- Returns 0, 1, 2, ... with a geometric law of the given mean (mean >= 0).
function Random:geometric(mean)
  local stop = 1 / (1 + mean)
  local n = 0
  while not self:chance(stop) do n = n + 1 end
  return n
end

-- Returns x^n for an integer n >= 0 by repeated squaring (IEEE products only).
local function power(x, n)
  local result = 1.0
  while n > 0 do
    if n & 1 == 1 then result = result * x end
    x = x * x
    n = n >> 1
  end
  return result
end

-- Returns a draw of Binomial(n, p). Small means invert the distribution with products
-- only; large ones (benchmark scales) use a normal approximation built from 12 uniforms.
function Random:binomial(n, p)
  if n <= 0 or p <= 0 then return 0 end
  if p >= 1 then return n end
  if p > 0.5 then return n - self:binomial(n, 1 - p) end
  local mean, q = n * p, 1 - p
  if mean < 30 then
    local pmf = power(q, n)
    local k, cdf, u = 0, pmf, self:uniform()
    local ratio = p / q
    while u >= cdf and k < n do
      pmf = pmf * (n - k) / (k + 1) * ratio
      k = k + 1
      cdf = cdf + pmf
      if pmf == 0 then break end
    end
    return k
  end
  local z = -6.0
  for _ = 1, 12 do z = z + self:uniform() end
  local k = math.floor(mean + z * math.sqrt(mean * q) + 0.5)
  if k < 0 then return 0 elseif k > n then return n end
  return k
end

-- Splits total (an integer >= 0) into #weights integers proportional to weights that add up
-- to total exactly (largest remainders; ties go to the earlier part).
local function allocate(total, weights)
  local sum = 0
  for i = 1, #weights do sum = sum + weights[i] end
  local parts, order, given = {}, {}, 0
  for i = 1, #weights do
    local share = total * weights[i] / sum
    parts[i] = math.floor(share)
    given = given + parts[i]
    order[i] = { i, share - parts[i] }
  end
  table.sort(order, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[1] < b[1]
  end)
  for j = 1, total - given do
    local i = order[j][1]
    parts[i] = parts[i] + 1
  end
  return parts
end

-- Like allocate, but every part gets at least minimum first (total >= minimum * #weights).
local function allocate_at_least(total, weights, minimum)
  assert(total >= minimum * #weights, "allocation below its minimum")
  local parts = allocate(total - minimum * #weights, weights)
  for i = 1, #parts do parts[i] = parts[i] + minimum end
  return parts
end

-- Returns weights for n parts: each base_of(i) times a random factor in [0.5, 1.5).
local function jittered_weights(random, n, base_of)
  local weights = {}
  for i = 1, n do
    weights[i] = (base_of and base_of(i) or 1) * (0.5 + random:uniform())
  end
  return weights
end

------------------------------------------------------------------------------------------
-- Calendar: days are integers counted from 1970-01-01 (proleptic Gregorian)

-- Returns the day number of the date y-m-d.
local function day_number(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local year_of_era = y - era * 400
  local day_of_year = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  local day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
  return era * 146097 + day_of_era - 719468
end

-- Returns year, month and day of a day number.
local function civil_date(n)
  n = n + 719468
  local era = n // 146097
  local day_of_era = n - era * 146097
  local year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524
                       - day_of_era // 146096) // 365
  local day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
  local mp = (5 * day_of_year + 2) // 153
  local d = day_of_year - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = year_of_era + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local iso_cache = {}

-- Returns the ISO text YYYY-MM-DD of a day number (memoised; the range is a few years).
local function iso(n)
  local text = iso_cache[n]
  if not text then
    text = string.format("%04d-%02d-%02d", civil_date(n))
    iso_cache[n] = text
  end
  return text
end

-- Returns the day of the week of a day number: 0 Sunday .. 6 Saturday.
local function weekday(n)
  return (n + 4) % 7
end

local FIRST_DAY = day_number(2019, 1, 1)
local LAST_DAY = day_number(2025, 12, 31)
local WINDOW_FIRST = day_number(2022, 1, 1)
local WINDOW_LAST = day_number(2022, 9, 8)

-- Returns true when the day number lies in the published window.
local function in_window(n)
  return n >= WINDOW_FIRST and n <= WINDOW_LAST
end

------------------------------------------------------------------------------------------
-- CSV output (RFC 4180, UTF-8, LF; an empty unquoted field is NULL)

local find, gsub, concat = string.find, string.gsub, table.concat

-- Returns the CSV text of one value: nil is the empty field, a string is quoted when it
-- holds a comma, a quote or a line break (or is empty), an integer is written in decimal.
local function csv_field(value)
  local kind = math.type(value)
  if kind == "integer" then return tostring(value) end
  if value == nil then return "" end
  if kind == "float" then error("a float reached the CSV writer: " .. value) end
  if value == "" then return '""' end
  if find(value, '[,"\r\n]') then
    return '"' .. gsub(value, '"', '""') .. '"'
  end
  return value
end

-- Opens DIR/NAME.csv for writing, writes the header and returns a writer: writer(v1, ...,
-- vn) writes one row of exactly the header's number of fields; writer.close() closes it.
local function open_csv(dir, name, columns)
  local path = dir .. "/" .. name .. ".csv"
  local file, msg = io.open(path, "wb")
  if not file then
    io.stderr:write("generate.lua: cannot write ", msg, "\n")
    os.exit(1)
  end
  file:setvbuf("full", 1 << 16)
  file:write(table.concat(columns, ","), "\n")
  local width = #columns
  local fields = {}
  local writer = { path = path, rows = 0 }
  setmetatable(writer, { __call = function(_, ...)
    local values = { ... }
    for i = 1, width do fields[i] = csv_field(values[i]) end
    file:write(concat(fields, ",", 1, width), "\n")
    writer.rows = writer.rows + 1
  end })
  -- Closes the file, exiting with status 1 when a write failed.
  function writer.close()
    local ok, err = file:close()
    if not ok then
      io.stderr:write("generate.lua: cannot write ", path, ": ", tostring(err), "\n")
      os.exit(1)
    end
  end
  return writer
end

------------------------------------------------------------------------------------------
-- Reference data

local AGENCIES = {
  { "police", "Công an tỉnh", "Provincial Police", "enforcement" },
  { "border_guard", "Bộ đội Biên phòng tỉnh", "Provincial Border Guard", "enforcement" },
  { "information_communications", "Sở Thông tin và Truyền thông",
    "Department of Information and Communications", "department" },
  { "justice", "Sở Tư pháp", "Department of Justice", "department" },
  { "education_training", "Sở Giáo dục và Đào tạo", "Department of Education and Training",
    "department" },
  { "labour_social_affairs", "Sở Lao động - Thương binh và Xã hội",
    "Department of Labour, Invalids and Social Affairs", "department" },
  { "womens_union", "Hội Liên hiệp Phụ nữ tỉnh", "Provincial Women's Union",
    "mass_organisation" },
  { "youth_union", "Tỉnh Đoàn Thanh niên", "Provincial Youth Union", "mass_organisation" },
  { "farmers_union", "Hội Nông dân tỉnh", "Provincial Farmers' Union", "mass_organisation" },
  { "fatherland_front", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Provincial Committee of the Vietnam Fatherland Front", "mass_organisation" },
}

-- code, name, borders Cambodia, rough population weight (thousands; for spreading records)
local DISTRICTS = {
  { "tan_an", "Tân An", 0, 145 },
  { "kien_tuong", "Kiến Tường", 1, 65 },
  { "tan_hung", "Tân Hưng", 1, 50 },
  { "vinh_hung", "Vĩnh Hưng", 1, 50 },
  { "moc_hoa", "Mộc Hóa", 1, 30 },
  { "tan_thanh", "Tân Thạnh", 0, 80 },
  { "thanh_hoa", "Thạnh Hóa", 1, 55 },
  { "duc_hue", "Đức Huệ", 1, 60 },
  { "duc_hoa", "Đức Hòa", 0, 300 },
  { "ben_luc", "Bến Lức", 0, 190 },
  { "thu_thua", "Thủ Thừa", 0, 95 },
  { "tan_tru", "Tân Trụ", 0, 65 },
  { "can_duoc", "Cần Đước", 0, 185 },
  { "can_giuoc", "Cần Giuộc", 0, 200 },
  { "chau_thanh", "Châu Thành", 0, 110 },
}

local DISTRICT_NAME, IS_BORDER = {}, {}
for _, d in ipairs(DISTRICTS) do
  DISTRICT_NAME[d[1]], IS_BORDER[d[1]] = d[2], d[3] == 1
end

-- Returns a weighted-choice table over the districts with weight_of(district row).
local function district_choices(weight_of)
  local choices = {}
  for _, d in ipairs(DISTRICTS) do choices[#choices + 1] = { d[1], weight_of(d) } end
  return choices
end

local BY_POPULATION = district_choices(function(d) return d[4] end)
local MOSTLY_BORDER = district_choices(function(d) return d[3] == 1 and 10 or 1 end)
local ONLY_BORDER = district_choices(function(d) return d[3] == 1 and d[4] or 0 end)
local INDUSTRIAL = district_choices(function(d)
  return ({ duc_hoa = 6, ben_luc = 5, can_giuoc = 4, tan_an = 3, can_duoc = 2 })[d[1]] or 1
end)

------------------------------------------------------------------------------------------
-- The incident model outside the window

local CATEGORIES = { "human_trafficking", "illegal_exit", "illegal_entry", "illegal_stay",
                     "organizing_illegal_migration" }

-- Expected cases per year at scale 1, by category and year (before seasonal factors).
local CASES_PER_YEAR = {
  human_trafficking = { [2019] = 5, [2020] = 3, [2021] = 2, [2022] = 4, [2023] = 5,
                        [2024] = 6, [2025] = 4 },
  illegal_exit = { [2019] = 45, [2020] = 22, [2021] = 18, [2022] = 40, [2023] = 48,
                   [2024] = 42, [2025] = 38 },
  illegal_entry = { [2019] = 22, [2020] = 24, [2021] = 24, [2022] = 20, [2023] = 24,
                    [2024] = 22, [2025] = 20 },
  illegal_stay = { [2019] = 10, [2020] = 9, [2021] = 8, [2022] = 8, [2023] = 11,
                   [2024] = 12, [2025] = 12 },
  organizing_illegal_migration = { [2019] = 8, [2020] = 9, [2021] = 10, [2022] = 8,
                                   [2023] = 9, [2024] = 8, [2025] = 7 },
}

-- Month factors: crossings gather around Tết (January, February) and the year's end.
local CROSSING_SEASON = { 1.5, 1.35, 1.0, 0.9, 0.85, 0.8, 0.8, 0.85, 0.9, 0.95, 1.05, 1.25 }

-- Returns the factor of the 2020-2021 border closure for a category on a day: Vietnamese
-- workers coming home from Cambodia through trails multiplied illegal entries.
local function closure_factor(category, y, m)
  if y == 2020 and m >= 4 or y == 2021 then
    local surge
    if y == 2020 then surge = m >= 10 and 7 or 5
    elseif m <= 3 then surge = 5
    elseif m <= 9 then surge = 9 -- the Cambodian wave of 2021 sent many home
    else surge = 4 end
    if category == "illegal_entry" then return surge end
    if category == "organizing_illegal_migration" then return 1 + surge / 3 end
    if category == "illegal_stay" then return 1.5 end
  end
  return 1
end

-- Returns the expected cases of a category on day n (scale 1).
local function case_rate(category, n)
  local y, m = civil_date(n)
  local rate = CASES_PER_YEAR[category][y] / 365
  if category ~= "human_trafficking" then rate = rate * CROSSING_SEASON[m] end
  return rate * closure_factor(category, y, m)
end

------------------------------------------------------------------------------------------
-- Cases and subjects: shared by the window plan and the random records

local SOURCES = {
  human_trafficking = { { "cyberspace", 35 }, { "tip_off", 25 }, { "hotline", 20 },
                        { "handover", 20 } },
  illegal_exit = { { "patrol", 60 }, { "tip_off", 20 }, { "hotline", 5 }, { "cyberspace", 5 },
                   { "inspection", 10 } },
  illegal_entry = { { "patrol", 50 }, { "handover", 25 }, { "tip_off", 15 }, { "hotline", 10 } },
  illegal_stay = { { "inspection", 60 }, { "tip_off", 30 }, { "hotline", 10 } },
  organizing_illegal_migration = { { "cyberspace", 30 }, { "tip_off", 30 }, { "patrol", 20 },
                                   { "hotline", 10 }, { "handover", 10 } },
}

local PLACES = {
  human_trafficking = BY_POPULATION,
  illegal_exit = MOSTLY_BORDER,
  illegal_entry = MOSTLY_BORDER,
  illegal_stay = INDUSTRIAL,
  organizing_illegal_migration = MOSTLY_BORDER,
}

-- How the summary of a case begins, by source.
local OPENINGS = {
  patrol = { "Tổ tuần tra biên giới", "Lực lượng tuần tra, kiểm soát" },
  tip_off = { "Từ tin báo của người dân,", 'Qua nhóm Zalo "Phòng, chống tội phạm" của ấp,' },
  hotline = { "Từ cuộc gọi đến đường dây nóng,", "Qua đường dây nóng của công an," },
  cyberspace = { "Qua rà soát trên không gian mạng,", "Theo dõi các nhóm tuyển lao động trên mạng," },
  inspection = { "Khi kiểm tra hành chính cơ sở lưu trú,",
                 "Khi kiểm tra cơ sở kinh doanh vùng giáp ranh," },
  handover = { "Nhận bàn giao từ lực lượng chức năng Campuchia:",
               "Theo trao đổi với phía Svay Rieng, Prey Veng:" },
}

-- Returns the Vietnamese one-line summary of a case (marked as synthetic).
local function case_summary(random, case, people)
  local opening = random:pick(OPENINGS[case.source])
  local place = DISTRICT_NAME[case.district]
  local what
  if case.category == "human_trafficking" then
    local suspects = people > 0 and ("%d đối tượng liên quan"):format(people)
                     or "chưa xác định được đối tượng"
    what = ("nghi vấn lừa %d người sang Campuchia làm việc trái ý muốn; %s, "
            .. "nạn nhân được tiếp nhận, hỗ trợ (%s)"):format(case.victims, suspects, place)
  elseif case.category == "illegal_exit" then
    what = ("phát hiện %d người định sang Campuchia qua đường mòn, lối mở tại %s")
           :format(people, place)
  elseif case.category == "illegal_entry" then
    what = ("phát hiện %d người từ Campuchia về không qua cửa khẩu tại %s%s")
           :format(people, place, case.closure and ", đưa đi cách ly y tế" or "")
  elseif case.category == "illegal_stay" then
    what = ("phát hiện %d người ở lại không khai báo tạm trú, quá hạn thị thực tại %s")
           :format(people, place)
  else
    what = ("làm rõ nhóm môi giới, dẫn đường đưa người qua biên giới tại %s; %d người liên quan")
           :format(place, people)
  end
  return "[Dữ liệu mô phỏng] " .. opening .. " " .. what .. "."
end

-- Returns a new case table for a category on day n, with district, agency and source.
local function new_case(random, category, n)
  local case = { category = category, day = n, victims = 0 }
  case.district = random:weighted(PLACES[category])
  case.source = random:weighted(SOURCES[category])
  if case.source == "patrol" and IS_BORDER[case.district] then
    case.detected_by = random:chance(0.8) and "border_guard" or "police"
  elseif case.source == "handover" then
    case.detected_by = random:chance(0.5) and "border_guard" or "police"
  else
    case.detected_by = "police"
  end
  local y, m = civil_date(n)
  case.closure = (y == 2020 and m >= 4) or y == 2021
  if category == "human_trafficking" then case.victims = random:between(1, 4) end
  return case
end

-- Days between detection and decision, by disposition (low, high).
local DELAYS = { administrative = { 1, 20 }, warning = { 0, 7 }, deportation = { 3, 30 },
                 prosecution = { 10, 60 } }

-- Foreign nationalities met on this border, with weights.
local FOREIGNERS = { { "kh", 70 }, { "cn", 22 }, { "th", 3 }, { "kr", 3 }, { "la", 2 } }

-- Returns the fields of one subject of a case with a given disposition and role
-- ("organiser" or "migrant"): sex, birth_year, nationality, disposed_on, fine_vnd.
-- foreign is nil (draw), true or false. window marks a case of the exact window.
local function subject_fields(random, case, disposition, role, foreign, window)
  local y = civil_date(case.day)
  if foreign == nil then foreign = disposition == "deportation" or random:chance(0.03) end
  if disposition == "deportation" then foreign = true end
  local nationality = foreign and random:weighted(FOREIGNERS) or "vn"
  local sex = random:chance(role == "organiser" and 0.8 or 0.58) and "male" or "female"
  local age = role == "organiser" and random:between(24, 58) or random:between(17, 48)
  local birth_year = y - age
  if foreign and random:chance(0.1) then birth_year = nil end
  local disposed_on, fine
  if disposition ~= "verifying" then
    -- decisions on the window's cases fall in the window, and no earlier case is decided
    -- in it: the window reads the same by detected_on or by disposed_on
    local shortest, longest = DELAYS[disposition][1], DELAYS[disposition][2]
    local deadline = window and WINDOW_LAST or case.day < WINDOW_FIRST and WINDOW_FIRST - 1
    if deadline and case.day + longest > deadline then
      longest = deadline - case.day
      if shortest > longest then shortest = longest end
    end
    local day = case.day + random:between(shortest, longest)
    if day > LAST_DAY then
      disposition = "verifying" -- not decided by the end of the records
    else
      disposed_on = day
    end
  end
  if disposition == "administrative" then
    if role == "organiser" then fine = random:between(20, 80) * 500000
    elseif foreign then fine = random:between(6, 10) * 500000
    else fine = random:between(1, 10) * 500000 end
  end
  return sex, birth_year, nationality, disposition, disposed_on, fine
end

------------------------------------------------------------------------------------------
-- The window's cases: an exact allocation of the police figures

-- Returns n random parts adding up to total, each at least 1.
local function random_composition(random, total, n)
  local parts = {}
  for i = 1, n do parts[i] = 1 end
  for _ = 1, total - n do
    local i = random:between(1, n)
    parts[i] = parts[i] + 1
  end
  return parts
end

-- Shuffles list in place (Fisher-Yates).
local function shuffle(random, list)
  for i = #list, 2, -1 do
    local j = random:between(1, i)
    list[i], list[j] = list[j], list[i]
  end
end

-- Builds the 41 cases of 2022-01-01 .. 2022-09-08 with their subjects' dispositions:
-- 6 organising cases holding the 12 prosecuted people, 27 cases holding the 68 people
-- fined, 8 other cases; the 29 warned, 6 deported (foreigners) and 2 still verified are
-- spread so that each of the 8 has at least one. Returns the cases sorted by day.
local function window_plan(random)
  local cases = {}
  -- Returns a new planned case with its category and list of {disposition, role}.
  local function add(category)
    local case = { category = category, people = {} }
    cases[#cases + 1] = case
    return case
  end
  for _, count in ipairs(random_composition(random, 12, 6)) do
    local case = add("organizing_illegal_migration")
    for _ = 1, count do case.people[#case.people + 1] = { "prosecution", "organiser" } end
  end
  local crossing = { { "illegal_exit", 45 }, { "illegal_entry", 40 }, { "illegal_stay", 15 } }
  for _, count in ipairs(random_composition(random, 68, 27)) do
    local case = add(random:weighted(crossing))
    for _ = 1, count do case.people[#case.people + 1] = { "administrative", "migrant" } end
  end
  local others = {}
  for _ = 1, 8 do others[#others + 1] = add(random:weighted(crossing)) end
  local rest = {}
  for _ = 1, 29 do rest[#rest + 1] = "warning" end
  for _ = 1, 6 do rest[#rest + 1] = "deportation" end
  for _ = 1, 2 do rest[#rest + 1] = "verifying" end
  shuffle(random, rest)
  for i, disposition in ipairs(rest) do
    local case = i <= #others and others[i] or cases[random:between(1, #cases)]
    case.people[#case.people + 1] = { disposition, "migrant" }
  end
  for _, case in ipairs(cases) do
    local verifying, deported = false, false
    for _, person in ipairs(case.people) do
      verifying = verifying or person[1] == "verifying"
      deported = deported or person[1] == "deportation"
    end
    if deported and case.category == "illegal_exit" then
      case.category = random:chance(0.5) and "illegal_entry" or "illegal_stay"
    end
    -- cases still being verified at the article's date were found late in the period
    local first = verifying and day_number(2022, 7, 15) or WINDOW_FIRST
    case.day = random:between(first, day_number(2022, 8, 31))
    shuffle(random, case.people)
  end
  for i, case in ipairs(cases) do case.order = i end
  table.sort(cases, function(a, b)
    if a.day ~= b.day then return a.day < b.day end
    return a.order < b.order
  end)
  return cases
end

------------------------------------------------------------------------------------------
-- Random subjects of a case outside the window

-- Returns the list of {disposition, role, foreign} of a random case's subjects.
local function random_people(random, case)
  local people = {}
  -- Appends count subjects of a role whose disposition is drawn from choices.
  local function add(count, role, choices, foreign)
    for _ = 1, count do
      people[#people + 1] = { random:weighted(choices), role, foreign }
    end
  end
  local category = case.category
  if category == "human_trafficking" then
    if random:chance(0.75) then
      add(random:between(1, 3), "organiser", { { "prosecution", 1 } }, false)
    end
  elseif category == "illegal_exit" then
    add(1 + random:geometric(1.6), "migrant",
        { { "administrative", 55 }, { "warning", 45 } }, nil)
  elseif category == "illegal_entry" then
    local foreign = random:chance(case.closure and 0.25 or 0.12)
    if foreign then
      add(1 + random:geometric(1.5), "migrant",
          { { "deportation", 70 }, { "administrative", 30 } }, true)
    else
      add(1 + random:geometric(case.closure and 3.5 or 1.8), "migrant",
          { { "warning", 60 }, { "administrative", 40 } }, false)
    end
  elseif category == "illegal_stay" then
    add(random:between(1, 3), "migrant", { { "deportation", 40 }, { "administrative", 60 } },
        true)
  else
    add(random:between(1, 3), "organiser",
        { { "prosecution", 75 }, { "administrative", 25 } }, false)
    local foreign = random:chance(0.3)
    add(random:between(0, 6), "migrant", foreign
        and { { "deportation", 80 }, { "administrative", 20 } }
        or { { "administrative", 50 }, { "warning", 50 } }, foreign)
  end
  return people
end

------------------------------------------------------------------------------------------
-- Outreach

-- Figure pairs (agency/activity) whose rows in the window come from the exact plan.
local PLANNED = {
  ["information_communications/broadcast"] = true, ["justice/conference"] = true,
  ["justice/publication"] = true, ["education_training/session"] = true,
  ["labour_social_affairs/leaflet"] = true, ["labour_social_affairs/training"] = true,
  ["labour_social_affairs/job_counselling"] = true, ["womens_union/social_media"] = true,
  ["womens_union/volunteer_network"] = true, ["youth_union/social_media"] = true,
}

-- The kinds of outreach rows: agency, activity, channel, audience, rows per year at scale 1,
-- where (districts table or false for province-wide), and measures(random) returning
-- events, participants, materials, sites, reach.
local TEMPLATES = {
  { "information_communications", "broadcast", "radio", "public", 80, BY_POPULATION,
    function(r) return r:between(3, 14), nil, nil, nil, nil end },
  { "justice", "conference", "online", "officials", 2, false,
    function(r) return 1, r:between(900, 2400), nil, r:between(90, 190), nil end },
  { "justice", "publication", "print", "public", 3, false,
    function(r) return nil, nil, r:between(5, 30) * 100, nil, nil end },
  { "education_training", "session", "in_person", "students", 200, BY_POPULATION,
    function(r) return 1, r:between(60, 700), nil, nil, nil end },
  { "labour_social_affairs", "leaflet", "print", "at_risk", 18, BY_POPULATION,
    function(r) return nil, nil, r:between(2, 8) * 500, nil, nil end },
  { "labour_social_affairs", "training", "in_person", "officials", 16, BY_POPULATION,
    function(r) return 1, r:between(18, 40), nil, nil, nil end },
  { "labour_social_affairs", "job_counselling", "in_person", "at_risk", 70, BY_POPULATION,
    function(r) return nil, r:between(200, 1600), nil, nil, nil end },
  { "womens_union", "social_media", "zalo", "women", 30, BY_POPULATION,
    function(r) return nil, nil, nil, r:between(4, 30), nil end },
  { "womens_union", "volunteer_network", "in_person", "women", 15, BY_POPULATION,
    function(r) return nil, r:between(150, 800), nil, nil, nil end },
  { "youth_union", "social_media", "facebook", "youth", 40, false,
    function(r) return nil, nil, nil, nil, r:between(3000, 60000) end },
  { "police", "session", "in_person", "border_residents", 40, ONLY_BORDER,
    function(r) return 1, r:between(40, 300), nil, nil, nil end },
  { "police", "social_media", "zalo", "public", 8, BY_POPULATION,
    function(r) return nil, nil, nil, r:between(1, 12), r:between(500, 9000) end },
  { "border_guard", "session", "in_person", "border_residents", 50, ONLY_BORDER,
    function(r) return 1, r:between(30, 200), nil, nil, nil end },
  { "border_guard", "leaflet", "print", "border_residents", 10, ONLY_BORDER,
    function(r) return nil, nil, r:between(2, 10) * 100, nil, nil end },
  { "farmers_union", "session", "in_person", "members", 20, BY_POPULATION,
    function(r) return 1, r:between(30, 150), nil, nil, nil end },
  { "fatherland_front", "banner", "outdoor", "public", 25, BY_POPULATION,
    function(r) return nil, nil, r:between(3, 40), nil, nil end },
}

-- Returns the weight of day n for outreach of a template: working days, the campaign
-- around 30 July, the school year for students, the COVID-19 distancing for in-person work.
local function outreach_weight(template, n)
  local y, m, d = civil_date(n)
  local w = 1.0
  local wd = weekday(n)
  if wd == 0 then w = 0.15 elseif wd == 6 then w = 0.5 end
  if m == 7 then w = w * (d >= 15 and 4.0 or 1.8) elseif m == 8 and d <= 5 then w = w * 2.0 end
  if m == 2 and d <= 10 then w = w * 0.3 end -- around Tết
  if m == 1 and d == 1 or m == 4 and d == 30 or m == 5 and d == 1 or m == 9 and d == 2 then
    w = w * 0.1 -- public holidays
  end
  local channel, audience = template[3], template[4]
  if audience == "students" then
    if m == 6 or m == 7 then w = w * 0.25 elseif m == 8 then w = w * 0.6 end
  end
  if channel == "in_person" or channel == "outdoor" then
    if y == 2020 and m == 4 then w = w * 0.15 end
    if y == 2021 and m >= 7 and m <= 9 then w = w * 0.1 end
  end
  return w
end

-- Returns the exact outreach rows of the window: { day, agency, activity, channel, audience,
-- district, events, participants, materials, sites, reach } lists, sorted by day.
local function outreach_plan(random)
  local rows = {}
  local july = day_number(2022, 7, 1)
  -- Returns a random day of the window, weighted like template t's background.
  local function some_day(t, first, last)
    first, last = first or WINDOW_FIRST, last or WINDOW_LAST
    while true do
      local n = random:between(first, last)
      if random:uniform() * 8 < outreach_weight(t, n) then return n end
    end
  end
  -- Appends count rows of template t with measures from measure(i) (5 values).
  local function add(t, count, measure, first, last)
    for i = 1, count do
      local district = t[6] and random:weighted(t[6]) or nil
      local row = { some_day(t, first, last), t[1], t[2], t[3], t[4], district }
      local e, p, m, s, r = measure(i)
      row[7], row[8], row[9], row[10], row[11] = e, p, m, s, r
      rows[#rows + 1] = row
    end
  end
  local T = {}
  for _, t in ipairs(TEMPLATES) do T[t[1] .. "/" .. t[2]] = t end

  local broadcasts = allocate_at_least(602, jittered_weights(random, 70), 2)
  add(T["information_communications/broadcast"], 70, function(i) return broadcasts[i] end)
  add(T["justice/conference"], 1, function() return 1, 1835, nil, 158, nil end,
      july + 20, july + 29)
  local books = allocate_at_least(40, jittered_weights(random, 3), 5)
  add(T["justice/publication"], 3, function(i) return nil, nil, books[i] * 100 end)
  local pupils = allocate_at_least(70815, jittered_weights(random, 195), 60)
  add(T["education_training/session"], 195, function(i) return 1, pupils[i] end)
  local leaflets = allocate_at_least(56, jittered_weights(random, 14), 1)
  add(T["labour_social_affairs/leaflet"], 14, function(i) return nil, nil, leaflets[i] * 500 end)
  local trainees = allocate_at_least(350, jittered_weights(random, 12), 18)
  add(T["labour_social_affairs/training"], 12, function(i) return 1, trainees[i] end)
  local counselled = allocate_at_least(53080, jittered_weights(random, 48), 300)
  add(T["labour_social_affairs/job_counselling"], 48, function(i) return nil, counselled[i] end)
  local groups = allocate_at_least(359, jittered_weights(random, 22), 4)
  add(T["womens_union/social_media"], 22, function(i) return nil, nil, nil, groups[i] end)
  local volunteers = allocate_at_least(7800, jittered_weights(random, 15), 150)
  add(T["womens_union/volunteer_network"], 15, function(i) return nil, volunteers[i] end)
  local reach_total = 300001 + random:between(0, 24999)
  local reached = allocate_at_least(reach_total, jittered_weights(random, 28), 2000)
  add(T["youth_union/social_media"], 28, function(i) return nil, nil, nil, nil, reached[i] end)

  for i, row in ipairs(rows) do row.order = i end
  table.sort(rows, function(a, b)
    if a[1] ~= b[1] then return a[1] < b[1] end
    return a.order < b.order
  end)
  return rows
end

------------------------------------------------------------------------------------------
-- Main

-- Writes the agencies and districts tables.
local function write_reference(dir)
  local agencies = open_csv(dir, "agencies", { "code", "name_vi", "name_en", "kind" })
  for _, a in ipairs(AGENCIES) do agencies(a[1], a[2], a[3], a[4]) end
  agencies.close()
  local districts = open_csv(dir, "districts", { "code", "name", "borders_cambodia" })
  for _, d in ipairs(DISTRICTS) do districts(d[1], d[2], d[3]) end
  districts.close()
end

-- Returns a sampler spreading total events over the days FIRST_DAY..LAST_DAY in proportion
-- to weight_of(n): sampler(n) gives the count of day n; it must be called for each day in
-- order. The counts add up to total exactly (a multinomial drawn day by day).
local function day_spreader(random, total, weight_of)
  local remaining_weight = 0.0
  for n = FIRST_DAY, LAST_DAY do remaining_weight = remaining_weight + weight_of(n) end
  local remaining = total
  return function(n)
    local w = weight_of(n)
    if w <= 0 or remaining == 0 then return 0 end
    local count
    if n == LAST_DAY or w >= remaining_weight then
      count = remaining
    else
      count = random:binomial(remaining, w / remaining_weight)
    end
    remaining_weight = remaining_weight - w
    remaining = remaining - count
    return count
  end
end

-- Returns the total weight of weight_of over all days.
local function total_weight(weight_of)
  local sum = 0.0
  for n = FIRST_DAY, LAST_DAY do sum = sum + weight_of(n) end
  return sum
end

-- Writes incidents.csv and subjects.csv; returns the numbers of incidents and subjects.
local function write_incidents(dir, options)
  local plan = window_plan(new_random(options.seed, 1))
  local random = new_random(options.seed, 2)
  local incidents = open_csv(dir, "incidents", { "id", "detected_on", "district", "category",
                                                 "detected_by", "source", "victims", "summary" })
  local subjects = open_csv(dir, "subjects", { "id", "incident_id", "sex", "birth_year",
                                               "nationality", "disposition", "disposed_on",
                                               "fine_vnd" })
  -- Returns the expected cases of all categories on day n (0 in the window).
  local function rate_of_day(n)
    if in_window(n) then return 0 end
    local sum = 0.0
    for _, category in ipairs(CATEGORIES) do sum = sum + case_rate(category, n) end
    return sum
  end
  local total
  if options.cases then
    total = options.cases - #plan
  else
    total = math.floor(options.scale * total_weight(rate_of_day) + 0.5)
  end
  local cases_of_day = day_spreader(random, total, rate_of_day)

  -- Writes one case and its subjects (people: list of {disposition, role, foreign}).
  local function emit(case, people, window)
    local id = incidents.rows + 1
    incidents(id, iso(case.day), case.district, case.category, case.detected_by, case.source,
              case.victims, case_summary(random, case, #people))
    for _, person in ipairs(people) do
      local sex, birth_year, nationality, disposition, disposed_on, fine =
        subject_fields(random, case, person[1], person[2], person[3], window)
      subjects(subjects.rows + 1, id, sex, birth_year, nationality, disposition,
               disposed_on and iso(disposed_on), fine)
    end
  end

  local next_planned = 1
  local choices = {}
  for n = FIRST_DAY, LAST_DAY do
    while plan[next_planned] and plan[next_planned].day == n do
      local p = plan[next_planned]
      local case = new_case(random, p.category, n)
      emit(case, p.people, true)
      next_planned = next_planned + 1
    end
    local count = cases_of_day(n)
    if count > 0 then
      for i, category in ipairs(CATEGORIES) do choices[i] = { category, case_rate(category, n) } end
      for _ = 1, count do
        local case = new_case(random, random:weighted(choices), n)
        emit(case, random_people(random, case), false)
      end
    end
  end
  incidents.close()
  subjects.close()
  return incidents.rows, subjects.rows
end

-- Writes outreach.csv; returns its number of rows.
local function write_outreach(dir, options)
  local plan = outreach_plan(new_random(options.seed, 3))
  local random = new_random(options.seed, 4)
  local outreach = open_csv(dir, "outreach", { "id", "held_on", "agency", "district",
                                               "activity", "channel", "audience", "events",
                                               "participants", "materials", "sites", "reach" })
  local spreaders = {}
  for i, t in ipairs(TEMPLATES) do
    local planned = PLANNED[t[1] .. "/" .. t[2]]
    -- the template's weight of day n, 0 where the plan replaces it
    local function weight_of(n)
      if planned and in_window(n) then return 0 end
      return outreach_weight(t, n)
    end
    local all_days = total_weight(function(n) return outreach_weight(t, n) end)
    local expected = options.scale * t[5] * 7 * total_weight(weight_of) / all_days
    spreaders[i] = day_spreader(random, math.floor(expected + 0.5), weight_of)
  end
  -- Writes one outreach row.
  local function emit(n, agency, activity, channel, audience, district, e, p, m, s, r)
    outreach(outreach.rows + 1, iso(n), agency, district, activity, channel, audience,
             e, p, m, s, r)
  end
  local next_planned = 1
  for n = FIRST_DAY, LAST_DAY do
    while plan[next_planned] and plan[next_planned][1] == n do
      emit(table.unpack(plan[next_planned], 1, 11))
      next_planned = next_planned + 1
    end
    for i, t in ipairs(TEMPLATES) do
      for _ = 1, spreaders[i](n) do
        local district = t[6] and random:weighted(t[6]) or nil
        emit(n, t[1], t[2], t[3], t[4], district, t[7](random))
      end
    end
  end
  outreach.close()
  return outreach.rows
end

-- Writes dataset_info.csv: what the records are and how to make them again.
local function write_info(dir, options, counts)
  local info = open_csv(dir, "dataset_info", { "key", "value" })
  info("synthetic", "yes: every record except published_figures is made up")
  info("note", "Dữ liệu mô phỏng (synthetic), not real cases or people. The records of "
       .. "2022-01-01..2022-09-08 add up exactly to the figures of the article in "
       .. "published_figures; everything else is random but deterministic.")
  info("generator", "datasets/generate.lua")
  info("seed", tostring(options.seed))
  info("scale", options.cases and "cases" or string.format("%.10g", options.scale))
  info("cases", tostring(counts.incidents))
  info("subjects", tostring(counts.subjects))
  info("outreach", tostring(counts.outreach))
  info("period", iso(FIRST_DAY) .. ".." .. iso(LAST_DAY))
  info("exact_window", iso(WINDOW_FIRST) .. ".." .. iso(WINDOW_LAST))
  info("command", "generate.lua --seed " .. options.seed
       .. (options.cases and " --cases " .. options.cases
           or " --scale " .. string.format("%.10g", options.scale)))
  info.close()
end

-- Runs the generator with the command-line arguments.
local function main(argv)
  local options = parse_options(argv)
  write_reference(options.out)
  local counts = {}
  counts.incidents, counts.subjects = write_incidents(options.out, options)
  counts.outreach = write_outreach(options.out, options)
  write_info(options.out, options, counts)
end

main(arg or {})
