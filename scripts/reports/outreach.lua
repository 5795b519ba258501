-- outreach.lua: awareness work per agency, per audience and per month.
-- description: Outreach effort and reach per agency, per audience and per month, with a monthly chart.
-- category: report
-- arg measure: one-of(participants|events|materials|reach) = participants -- the measure charted per month
--
-- Run by `vigil report outreach --period 2022-Q3` (docs/report.md). Sums the measures of
-- the outreach rows held within the period.
local t, label = report.t, report.label
local first, last = params.period.first, params.period.last
local name_col = params.lang == "vi" and "name_vi" or "name_en"

report.title(t("outreach_title"), params.period.label)

report.section(t("sec_overview"))
local total = db:first([[SELECT coalesce(sum(events), 0) AS events, coalesce(sum(participants), 0) AS participants,
  coalesce(sum(reach), 0) AS reach FROM outreach WHERE held_on BETWEEN ? AND ?]], first, last)
report.kpi(t("events"), total.events)
report.kpi(t("kpi_participants"), total.participants)
report.kpi(t("kpi_reach"), total.reach)

report.section(t("agency"))
report.table(db:rows(([[SELECT a.%s AS agency, sum(o.events) AS events, sum(o.participants) AS participants,
    sum(o.materials) AS materials, sum(o.sites) AS sites, sum(o.reach) AS reach
  FROM outreach AS o JOIN agencies AS a ON a.code = o.agency
  WHERE o.held_on BETWEEN ? AND ? GROUP BY a.code ORDER BY 1]]):format(name_col), first, last),
  { name = "by-agency", total_row = true, columns = {
    { "agency", t("agency") }, { "events", t("events"), kind = "number" },
    { "participants", t("participants"), kind = "number" }, { "materials", t("materials"), kind = "number" },
    { "sites", t("sites"), kind = "number" }, { "reach", t("reach"), kind = "number" } } })

report.section(t("sec_by_audience"))
report.table(db:rows([[SELECT coalesce(audience, '-') AS audience, sum(events) AS events,
    sum(participants) AS participants, sum(reach) AS reach
  FROM outreach WHERE held_on BETWEEN ? AND ? GROUP BY 1 ORDER BY 1]], first, last),
  { name = "by-audience", total_row = true, columns = {
    { "audience", t("audience") }, { "events", t("events"), kind = "number" },
    { "participants", t("participants"), kind = "number" }, { "reach", t("reach"), kind = "number" } } })

report.section(t("sec_by_month"))
local measure = params.args.measure
local s = trend.series { from = "outreach", time = "held_on", period = "month", measure = "sum(" .. measure .. ")",
                         range = { first, last } }
local rows = {}
for _, r in ipairs(s:long()) do rows[#rows + 1] = { month = r.period, value = r.value } end
report.table(rows, { name = "by-month", total_row = true, columns = {
  { "month", t("month"), kind = "month" }, { "value", label(measure), kind = "number" } } })
report.chart { kind = "bar", rows, x = "month", y = "value", title = label(measure) }
