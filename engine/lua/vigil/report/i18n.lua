-- vigil.report.i18n: the message catalogue of reports, Vietnamese and English.
--
--   local i18n = require "vigil.report.i18n"
--   i18n.t("vi", "people")            --> "người"
--   i18n.t("en", "suppressed_cells", 3, 5)
--
-- Every key has both languages (tests/lua/report_test.lua checks it). A text may hold
-- %s / %d placeholders filled by string.format with the extra arguments.
local i18n = {}

i18n.LANGS = { "vi", "en" }

i18n.catalogue = {
  -- document frame
  generated_for = { vi = "Kỳ báo cáo: %s (từ %s đến %s)", en = "Period: %s (%s to %s)" },
  as_of = { vi = "Số liệu tính đến ngày %s", en = "Data as of %s" },
  synthetic_note = { vi = "Ngoài các số liệu đã công bố, mọi bản ghi là dữ liệu mô phỏng.",
                     en = "Apart from the published figures, every record is synthetic." },
  contents = { vi = "Mục lục", en = "Contents" },
  footer_made_by = { vi = "Lập bởi vigil %s, tập lệnh %s", en = "Made by vigil %s, script %s" },
  -- disclosure control
  disclosure = { vi = "Kiểm soát công bố", en = "Disclosure control" },
  suppressed_primary = { vi = "%d ô có số người dưới %d được hiển thị là <%d.",
                         en = "%d cells counting fewer than %d people are shown as <%d." },
  suppressed_secondary = { vi = "%d ô khác được ẩn (×) để các tổng không làm lộ các ô trên.",
                           en = "%d further cells are hidden (×) so that totals do not reveal them." },
  suppressed_none = { vi = "Không có ô nào dưới ngưỡng %d.", en = "No cell was below the threshold of %d." },
  -- tables and checks
  total = { vi = "Tổng", en = "Total" },
  figure = { vi = "Chỉ tiêu", en = "Figure" },
  computed = { vi = "Tính từ dữ liệu", en = "Computed" },
  published = { vi = "Đã công bố", en = "Published" },
  result = { vi = "Kết quả", en = "Result" },
  check_pass = { vi = "khớp", en = "matches" },
  check_fail = { vi = "không khớp", en = "differs" },
  more_than = { vi = "hơn %s", en = "more than %s" },
  change = { vi = "thay đổi", en = "change" },
  not_available = { vi = "không có", en = "n/a" },
  chart_failed = { vi = "Không vẽ được biểu đồ: %s", en = "Chart could not be drawn: %s" },
  -- shared labels of the shipped reports
  people = { vi = "người", en = "people" },
  cases = { vi = "vụ", en = "cases" },
  month = { vi = "Tháng", en = "Month" },
  year = { vi = "Năm", en = "Year" },
  agency = { vi = "Cơ quan", en = "Agency" },
  activity = { vi = "Hoạt động", en = "Activity" },
  district = { vi = "Huyện/thị xã/thành phố", en = "District" },
  border = { vi = "Giáp Campuchia", en = "Borders Cambodia" },
  yes = { vi = "có", en = "yes" },
  no = { vi = "không", en = "no" },
  category = { vi = "Loại vụ việc", en = "Category" },
  disposition = { vi = "Hình thức xử lý", en = "Disposition" },
  trend = { vi = "Xu hướng", en = "Trend" },
  direction_increasing = { vi = "tăng", en = "increasing" },
  direction_decreasing = { vi = "giảm", en = "decreasing" },
  ["direction_no trend"] = { vi = "không có xu hướng", en = "no trend" },
  sen_slope = { vi = "Độ dốc Sen (mỗi năm)", en = "Sen's slope (per year)" },
  p_value = { vi = "Giá trị p", en = "p-value" },
  this_period = { vi = "Kỳ này", en = "This period" },
  same_period_last_year = { vi = "Cùng kỳ năm trước", en = "Same period last year" },
  events = { vi = "Số buổi/lượt", en = "Events" },
  participants = { vi = "Người tham dự", en = "Participants" },
  materials = { vi = "Tài liệu (bản)", en = "Materials (copies)" },
  reach = { vi = "Lượt tiếp cận", en = "People reached" },
  audience = { vi = "Đối tượng", en = "Audience" },
  -- activities and measures
  broadcast = { vi = "Tin, bài phát thanh", en = "Radio items" },
  conference = { vi = "Hội nghị", en = "Conferences" },
  publication = { vi = "Sách, ấn phẩm", en = "Publications" },
  session = { vi = "Buổi tuyên truyền", en = "Awareness sessions" },
  leaflet = { vi = "Tờ rơi", en = "Leaflets" },
  training = { vi = "Lớp tập huấn", en = "Training classes" },
  job_counselling = { vi = "Tư vấn việc làm", en = "Job counselling" },
  social_media = { vi = "Mạng xã hội", en = "Social media" },
  volunteer_network = { vi = "Tuyên truyền viên", en = "Volunteer network" },
  banner = { vi = "Băng rôn, áp phích", en = "Banners" },
  subjects = { vi = "Đối tượng", en = "People" },
  victims = { vi = "Nạn nhân", en = "Victims" },
  sites = { vi = "Điểm cầu, trang", en = "Sites, pages" },
  illegal_migration = { vi = "Xuất, nhập cảnh, cư trú trái phép", en = "Illegal exit, entry and stay" },
  -- the shipped reports
  monthly_title = { vi = "Báo cáo tình hình phòng, chống mua bán người và xuất nhập cảnh trái phép",
                    en = "Anti-trafficking and illegal border crossing report" },
  outreach_title = { vi = "Báo cáo công tác tuyên truyền", en = "Outreach report" },
  sec_overview = { vi = "Tổng quan", en = "Overview" },
  sec_disposition = { vi = "Xử lý vi phạm theo hình thức", en = "Processed violations by disposition" },
  sec_category = { vi = "Xử lý vi phạm theo loại vụ việc", en = "Processed violations by category" },
  sec_trend = { vi = "Xu hướng 36 tháng", en = "Trend over 36 months" },
  sec_outreach = { vi = "Tuyên truyền theo cơ quan và hoạt động", en = "Outreach by agency and activity" },
  sec_border = { vi = "Các huyện biên giới", en = "Border districts" },
  sec_reconcile = { vi = "Đối chiếu với số liệu đã công bố (01/01/2022 - 08/09/2022)",
                    en = "Reconciliation with the published figures (2022-01-01 to 2022-09-08)" },
  sec_by_month = { vi = "Theo tháng", en = "By month" },
  sec_by_audience = { vi = "Theo đối tượng", en = "By audience" },
  kpi_processed = { vi = "Người bị xử lý vi phạm", en = "People processed" },
  kpi_cases = { vi = "Vụ việc phát hiện", en = "Cases detected" },
  kpi_participants = { vi = "Người tham dự tuyên truyền", en = "Outreach participants" },
  kpi_reach = { vi = "Lượt tiếp cận trực tuyến", en = "People reached online" },
  yoy_note = { vi = "So với cùng kỳ năm trước.", en = "Compared with the same period a year earlier." },
  trend_note = { vi = "Kiểm định Mann-Kendall trên số người bị xử lý mỗi tháng (36 tháng đến hết kỳ báo cáo).",
                 en = "Mann-Kendall test on people processed per month (36 months to the end of the period)." },
  -- codes
  administrative = { vi = "Xử phạt hành chính", en = "Administrative sanction" },
  warning = { vi = "Cảnh cáo, giáo dục", en = "Warning and education" },
  deportation = { vi = "Trục xuất", en = "Deportation" },
  prosecution = { vi = "Khởi tố", en = "Prosecution" },
  verifying = { vi = "Đang xác minh", en = "Being verified" },
  human_trafficking = { vi = "Mua bán người", en = "Human trafficking" },
  illegal_exit = { vi = "Xuất cảnh trái phép", en = "Illegal exit" },
  illegal_entry = { vi = "Nhập cảnh trái phép", en = "Illegal entry" },
  illegal_stay = { vi = "Cư trú trái phép", en = "Illegal stay" },
  organizing_illegal_migration = { vi = "Tổ chức xuất nhập cảnh trái phép",
                                   en = "Organising illegal migration" },
}

-- i18n.has(key) -> boolean: whether the catalogue holds key.
function i18n.has(key)
  return i18n.catalogue[key] ~= nil
end

-- i18n.t(lang, key, ...) -> text: the text of key in lang, formatted with the extra
-- arguments when given. An unknown key raises (a mistake of the caller).
function i18n.t(lang, key, ...)
  local entry = i18n.catalogue[key]
  if not entry then
    error(("report: no message '%s' in the catalogue"):format(tostring(key)), 2)
  end
  local text = entry[lang] or entry.en
  if select("#", ...) > 0 then
    return text:format(...)
  end
  return text
end

return i18n
