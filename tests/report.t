#!/bin/sh
# vigil report and vigil list: the report modules alone (tests/lua/report_test.lua), the
# shipped reports for a fixed --today in both languages, byte-identical reruns, escaping
# of hostile names, atomic replacement, the lock and the usage errors (the sandbox:
# report_sandbox.t; golden outputs: report_golden.t; a killed run: report_kill.t).
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

out=$($VIGIL "$VIGIL_ROOT/tests/lua/report_test.lua" 2>&1)
status=$?
if [ $status -eq 0 ] && printf '%s\n' "$out" | grep -q '^1\.\.[1-9]' && ! printf '%s\n' "$out" | grep -q '^not ok'; then
    ok 0 "report modules: catalogue, formats, escaping, periods, metadata, suppression"
else
    ok 1 "report modules: catalogue, formats, escaping, periods, metadata, suppression"
    printf '%s\n' "$out" | grep -v '^ok ' | head -30 | sed 's/^/#   /'
fi

$VIGIL init --db v.db --quiet >/dev/null 2>&1
ok $? "init a database"

# report NAME ARGS...: runs vigil report on v.db with a fixed --today into out/.
report() {
    $VIGIL report "$@" --db v.db --today 2022-09-08 --out out 2>err.txt
}

# The monthly report for the article's window, in Vietnamese then English.
path=$(report monthly --period ytd --lang vi --min-cell 5)
ok $? "monthly --period ytd exits 0"
is "$path" "out/monthly/2022-ytd" "the output folder is printed on stdout"
like "$(cat err.txt)" '^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]+Z vigil report: ' "log lines on stderr are timestamped"
for f in index.html report.md manifest.json table-02-by-category.csv; do
    test -s "out/monthly/2022-ytd/$f"
    ok $? "monthly writes $f"
done
md=$(cat out/monthly/2022-ytd/report.md)
html=$(cat out/monthly/2022-ytd/index.html)
like "$md" '\| 70\.815 \| 70\.815 \| ✓ khớp \|' "vi: 70.815 matches the published figure"
like "$md" '01/01/2022 đến 08/09/2022' "vi: dates as 08/09/2022"
like "$md" 'Tổ chức xuất nhập cảnh trái phép' "vi: Vietnamese labels"
like "$html" '<td class="r">117</td><td class="r">117</td><td class="pass">✓ khớp</td>' "vi: html reconciliation of the 117 people"
like "$html" '<svg' "html: inline SVG charts"
! grep -Eq '(src|href)="?(https?:|//)|<link |<script' out/monthly/2022-ytd/index.html
ok $? "html: no external resource and no script"
like "$md" 'Kiểm soát công bố: [0-9]+ ô có số người dưới 5' "vi: the footer says what was suppressed"
! grep -q 'không khớp' out/monthly/2022-ytd/report.md
ok $? "vi: every published figure matches"

path=$(report monthly --period ytd --lang en)
md=$(cat out/monthly/2022-ytd/report.md)
like "$md" '\| 70,815 \| 70,815 \| ✓ matches \|' "en: 70,815"
like "$md" '2022-01-01 to 2022-09-08' "en: dates as 2022-09-08"
like "$md" 'Organising illegal migration' "en: English labels"
like "$md" 'more than 300,000' "en: a more_than figure"

# Two runs with the same data and --today give the same bytes (the manifest's times aside).
report monthly --period 2022-Q3 --lang vi --min-cell 5 --format html,md,csv,png >/dev/null
cp -R out/monthly/2022-Q3 first
report monthly --period 2022-Q3 --lang vi --min-cell 5 --format html,md,csv,png >/dev/null
ok $? "a second run replaces the first"
same=0
for f in first/*; do
    name=$(basename "$f")
    if [ "$name" = manifest.json ]; then
        grep -v '"started"\|"finished"' "$f" > a.json; grep -v '"started"\|"finished"' "out/monthly/2022-Q3/$name" > b.json
        cmp -s a.json b.json || same=1
    else
        cmp -s "$f" "out/monthly/2022-Q3/$name" || { same=1; echo "# differs: $name"; }
    fi
done
ok $same "two runs give identical bytes"
ls out/monthly/2022-Q3/chart-*.png >/dev/null 2>&1
ok $? "--format png writes PNG charts"
want=$(sha256sum out/monthly/2022-Q3/index.html | cut -d' ' -f1)
like "$(cat out/monthly/2022-Q3/manifest.json)" "\"sha256\": \"$want\"" "manifest: sha256 of index.html"
want=$(sha256sum "$VIGIL_ROOT/scripts/reports/monthly.lua" | cut -d' ' -f1)
like "$(cat out/monthly/2022-Q3/manifest.json)" "\"sha256\": \"$want\"" "manifest: sha256 of the script"

# The outreach report.
path=$(report outreach --period 2022-Q3 --lang en --measure=events)
ok $? "outreach report exits 0"
like "$(cat out/outreach/2022-Q3/report.md)" 'Outreach report' "outreach: its title"
report outreach --period 2022-Q3 --measure=bogus >/dev/null
is $? 2 "a bad report argument is a usage error (exit 2)"
like "$(cat err.txt)" 'one of participants, events, materials, reach' "the usage error names the choices"

# Usage errors.
report monthly --period 2022-13 >/dev/null; is $? 2 "bad --period: exit 2"
report monthly --lang fr >/dev/null; is $? 2 "bad --lang: exit 2"
report nosuchreport >/dev/null; is $? 2 "unknown report: exit 2"
like "$($VIGIL report monthly --help 2>&1)" '--months=INTEGER' "report --help prints the generated usage"
like "$($VIGIL list 2>&1)" 'monthly +Processed violations' "vigil list shows the reports with descriptions"

# Hostile names render escaped.
$VIGIL init --db h.db --quiet >/dev/null 2>&1
$VIGIL --db h.db -e "db:exec([[UPDATE districts SET name = '=cmd()|<script>alert(1)</script> *x* _y_ [l](http://e) # ''q''' WHERE code = 'kien_tuong']])"
ok $? "hostile district name stored"
$VIGIL report monthly --db h.db --period ytd --today 2022-09-08 --out hout >/dev/null 2>&1
ok $? "monthly on the hostile dataset"
h=$(cat hout/monthly/2022-ytd/index.html)
! grep -q '<script>' hout/monthly/2022-ytd/index.html
ok $? "html: no raw <script>"
like "$h" '=cmd\(\)\|&lt;script&gt;alert\(1\)&lt;/script&gt; \*x\* _y_ \[l\]\(http://e\) # &#39;q&#39;' "html: the name escaped"
like "$(cat hout/monthly/2022-ytd/report.md)" '=cmd\(\)\\\|\\<script\\>alert\(1\)\\</script\\> \\\*x\\\* \\_y\\_ \\\[l\\\]\(http://e\) \\# ' "md: the name escaped"
like "$(cat hout/monthly/2022-ytd/table-05-border-districts.csv)" "^'=cmd\(\)\|<script>" "csv: the name prefixed against formulas"

# A failing script leaves the previous report untouched and exits 1.
cat > fragile.lua <<'LUA'
-- description: a report that fails when asked
-- arg fail: one-of(no|yes) = no
report.title("fragile")
report.table({ { a = 1 } })
if params.args.fail == "yes" then error("asked to fail") end
LUA
report fragile.lua --period 2022-09 >/dev/null
ok $? "fragile report runs"
before=$(sha256sum out/fragile/2022-09/* | sha256sum)
report fragile.lua --period 2022-09 --fail=yes >/dev/null
is $? 1 "a failing script exits 1"
like "$(cat err.txt)" 'fragile.lua:5: asked to fail' "the failure names the script's line"
is "$(sha256sum out/fragile/2022-09/* | sha256sum)" "$before" "the previous report is untouched"
is "$(ls -A out/fragile | grep -c tmp)" 0 "no half-written folder is left"

# The lock: while another process holds it, a run refuses and exits 1.
# flock -o: flock itself holds the lock (not the sleeping child), so killing it releases it.
flock -n -o out/fragile/.2022-09.lock sh -c 'echo $$ > sleeper; touch held; exec sleep 30' &
holder=$!
i=0; while [ ! -f held ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
report fragile.lua --period 2022-09 >/dev/null
is $? 1 "a concurrent run exits 1"
like "$(cat err.txt)" 'another run of this report is in progress' "and says the lock is held"
kill "$(cat sleeper)" 2>/dev/null; wait $holder 2>/dev/null
report fragile.lua --period 2022-09 >/dev/null
ok $? "once released, the report runs"

# The sandbox escapes: tests/report_sandbox.t.

done_testing
