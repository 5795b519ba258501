-- reconcile.lua: each published figure beside the value computed from the records.
--
--   vigil [--db PATH] scripts/reconcile.lua
--
-- Prints one line per row of published_figures: the agency, what is counted, the published
-- value, the value the records give for the same period, and `ok` or `DIFF`. A figure
-- qualified `more_than` is met when the records give more than the value. Exits 1 when any
-- figure differs. How each figure is read is documented in docs/dataset.md.
local args = require "vigil.args"

args.parse(arg, {
  name = "reconcile",
  usage = "Checks the records against every published figure; exits 1 when one differs.",
  options = {},
})

-- What a topic is, in Vietnamese.
local TOPIC_VI = {
  human_trafficking = "Mua bán người",
  illegal_migration = "Xuất, nhập cảnh, ở lại trái phép",
  administrative = "Xử phạt hành chính",
  warning = "Cảnh cáo, giáo dục",
  deportation = "Trục xuất",
  prosecution = "Khởi tố hình sự",
  verifying = "Còn đang xác minh",
  broadcast = "Tin, bài trên đài truyền thanh",
  conference = "Hội nghị phổ biến pháp luật",
  publication = "Sách pháp luật phát hành",
  session = "Buổi tuyên truyền",
  leaflet = "Tờ rơi",
  training = "Lớp tập huấn",
  job_counselling = "Tư vấn, giới thiệu việc làm",
  social_media = "Mạng xã hội",
  volunteer_network = "Tuyên truyền viên nòng cốt",
  banner = "Băng rôn, áp phích",
}

-- What a metric counts, in Vietnamese.
local METRIC_VI = {
  cases = "số vụ", victims = "nạn nhân", subjects = "đối tượng", events = "số cuộc, lượt",
  participants = "số người", materials = "số bản", sites = "điểm cầu, trang", reach = "lượt tiếp cận",
}

-- The queries of incident figures by metric, for a category topic (human_trafficking, or
-- illegal_migration: every other category). Parameters: first day, last day, topic, topic.
local CATEGORY_SQL = {
  cases = [[SELECT count(*) FROM incidents
            WHERE detected_on BETWEEN ? AND ?
              AND (category = ? OR (? = 'illegal_migration' AND category <> 'human_trafficking'))]],
  victims = [[SELECT coalesce(sum(victims), 0) FROM incidents
              WHERE detected_on BETWEEN ? AND ?
                AND (category = ? OR (? = 'illegal_migration' AND category <> 'human_trafficking'))]],
  subjects = [[SELECT count(*) FROM subjects AS s JOIN incidents AS i ON i.id = s.incident_id
               WHERE i.detected_on BETWEEN ? AND ?
                 AND (i.category = ? OR (? = 'illegal_migration'
                                         AND i.category <> 'human_trafficking'))]],
}

-- The queries of disposition figures: people of the period's cases with that disposition,
-- and the cases holding at least one of them. Parameters: first day, last day, disposition.
local DISPOSITION_SQL = {
  cases = [[SELECT count(DISTINCT s.incident_id) FROM subjects AS s
            JOIN incidents AS i ON i.id = s.incident_id
            WHERE i.detected_on BETWEEN ? AND ? AND s.disposition = ?]],
  subjects = [[SELECT count(*) FROM subjects AS s JOIN incidents AS i ON i.id = s.incident_id
               WHERE i.detected_on BETWEEN ? AND ? AND s.disposition = ?]],
}

-- The queries of outreach figures by measure: the sum over the agency's activities of that
-- kind held in the period. Parameters: agency, activity, first day, last day.
local OUTREACH_SQL = {}
for _, measure in ipairs { "events", "participants", "materials", "sites", "reach" } do
  OUTREACH_SQL[measure] = ("SELECT coalesce(sum(%s), 0) FROM outreach "
                           .. "WHERE agency = ? AND activity = ? AND held_on BETWEEN ? AND ?")
                          :format(measure)
end

local CATEGORY_TOPICS = { human_trafficking = true, illegal_migration = true }
local DISPOSITION_TOPICS = { administrative = true, warning = true, deportation = true,
                             prosecution = true, verifying = true }

-- Returns the value the records give for a figure, or nil and why it cannot be computed.
local function computed_value(figure)
  local topic, metric = figure.topic, figure.metric
  if CATEGORY_TOPICS[topic] and CATEGORY_SQL[metric] then
    return db:scalar(CATEGORY_SQL[metric], figure.period_start, figure.period_end, topic, topic)
  elseif DISPOSITION_TOPICS[topic] and DISPOSITION_SQL[metric] then
    return db:scalar(DISPOSITION_SQL[metric], figure.period_start, figure.period_end, topic)
  elseif OUTREACH_SQL[metric] and not CATEGORY_TOPICS[topic] and not DISPOSITION_TOPICS[topic] then
    return db:scalar(OUTREACH_SQL[metric], figure.agency, topic, figure.period_start,
                     figure.period_end)
  end
  return nil, "no reading for " .. topic .. "/" .. metric
end

-- Returns the display width of UTF-8 text: one column per code point, none for combining
-- marks, two for East Asian wide characters.
local function display_width(text)
  local width = 0
  for _, code in utf8.codes(text, true) do
    if (code >= 0x0300 and code <= 0x036F) or (code >= 0x1AB0 and code <= 0x1AFF)
        or (code >= 0x1DC0 and code <= 0x1DFF) or (code >= 0x20D0 and code <= 0x20FF)
        or (code >= 0xFE20 and code <= 0xFE2F) or code == 0x200B or code == 0x200D then
      -- combining or zero-width: no column
    elseif (code >= 0x1100 and code <= 0x115F) or (code >= 0x2E80 and code <= 0xA4CF)
        or (code >= 0xAC00 and code <= 0xD7A3) or (code >= 0xF900 and code <= 0xFAFF)
        or (code >= 0xFE30 and code <= 0xFE4F) or (code >= 0xFF00 and code <= 0xFF60)
        or (code >= 0xFFE0 and code <= 0xFFE6) or (code >= 0x20000 and code <= 0x3FFFD) then
      width = width + 2
    else
      width = width + 1
    end
  end
  return width
end

-- Returns text padded with spaces to width columns, on the right (align "left") or on the
-- left (align "right").
local function pad(text, width, align)
  local fill = string.rep(" ", width - display_width(text))
  return align == "right" and fill .. text or text .. fill
end

-- Returns an integer written the Vietnamese way, with dots between thousands (70.815).
local function vi_number(n)
  if n == nil then return "?" end
  local digits = tostring(math.tointeger(n) or n)
  local sign, body = digits:match("^(%-?)(%d+)$")
  if not body then return digits end
  body = body:reverse():gsub("(%d%d%d)", "%1."):reverse():gsub("^%.", "")
  return sign .. body
end

-- Returns "dd/mm/yyyy" for an ISO date.
local function vi_date(iso)
  local y, m, d = iso:match("^(%d+)-(%d+)-(%d+)$")
  return y and (d .. "/" .. m .. "/" .. y) or iso
end

-- Prints rows (lists of cells) as a table aligned by display width; aligns[i] is "left"
-- or "right" for column i.
local function print_table(header, rows, aligns)
  local widths = {}
  for _, row in ipairs({ header, table.unpack(rows) }) do
    for i, cell in ipairs(row) do
      widths[i] = math.max(widths[i] or 0, display_width(cell))
    end
  end
  -- Writes one row.
  local function line(row)
    local cells = {}
    for i, cell in ipairs(row) do
      cells[i] = i == #row and cell or pad(cell, widths[i], aligns[i])
    end
    print((table.concat(cells, "  "):gsub("%s+$", "")))
  end
  line(header)
  local rule = {}
  for i, w in ipairs(widths) do rule[i] = string.rep("-", w) end
  line(rule)
  for _, row in ipairs(rows) do line(row) end
end

-- Compares every figure with the records; prints the table; returns the number of figures
-- that differ and the number of figures.
local function reconcile()
  local rows, differing, count = {}, 0, 0
  local periods = {}
  for figure in db:query([[SELECT f.id, f.source, f.published_on, f.period_start,
                                  f.period_end, f.topic, f.agency, f.metric, f.value,
                                  f.qualifier, a.name_vi AS agency_name
                           FROM published_figures AS f
                           LEFT JOIN agencies AS a ON a.code = f.agency
                           ORDER BY f.id]]) do
    count = count + 1
    local value, why = computed_value(figure)
    local met
    if value == nil then
      met = false
    elseif figure.qualifier == "more_than" then
      met = value > figure.value
    else
      met = value == figure.value
    end
    if not met then differing = differing + 1 end
    local period = vi_date(figure.period_start) .. "–" .. vi_date(figure.period_end)
    periods[period] = (periods[period] or 0) + 1
    rows[#rows + 1] = {
      tostring(figure.id),
      figure.agency_name or figure.agency,
      (TOPIC_VI[figure.topic] or figure.topic) .. ": " .. (METRIC_VI[figure.metric] or figure.metric),
      (figure.qualifier == "more_than" and "hơn " or "") .. vi_number(figure.value),
      value ~= nil and vi_number(value) or ("? " .. why),
      met and "ok" or "DIFF",
      figure.topic .. "/" .. figure.metric,
    }
  end
  local names = {}
  for period in pairs(periods) do names[#names + 1] = period end
  table.sort(names)
  print("Đối chiếu số liệu công bố với dữ liệu (published figures vs records), kỳ "
        .. table.concat(names, ", "))
  print_table({ "#", "Cơ quan", "Chỉ tiêu", "Công bố", "Dữ liệu", "", "figure" }, rows,
              { "right", "left", "left", "right", "right", "left", "left" })
  return differing, count
end

local differing, count = reconcile()
if count == 0 then
  io.stderr:write("reconcile: published_figures is empty\n")
  os.exit(1)
end
if differing > 0 then
  print(("%d/%d số liệu lệch (figures differ)"):format(differing, count))
  io.stdout:flush()
  os.exit(1)
end
print(("%d/%d số liệu khớp (all figures match)"):format(count, count))
