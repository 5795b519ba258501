#!/bin/sh
# The trend module: the statistics alone (tests/lua/stats_test.lua), the module on a small
# database (tests/lua/trend_test.lua), and scripts/trends.lua on a database built from the
# shipped datasets. All in a scratch folder.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

# run_lua_test NAME FILE [ARG]: runs a Lua TAP file and reports it as one test, its output
# indented as diagnostics when it fails.
run_lua_test() {
    out=$($VIGIL "$2" $3 2>&1)
    status=$?
    if [ $status -eq 0 ] && printf '%s\n' "$out" | grep -q '^1\.\.[1-9]' \
       && ! printf '%s\n' "$out" | grep -q '^not ok'; then
        ok 0 "$1"
    else
        ok 1 "$1"
        printf '%s\n' "$out" | grep -v '^ok ' | head -40 | sed 's/^/#   /'
    fi
}

run_lua_test "statistics against independent values" "$VIGIL_ROOT/tests/lua/stats_test.lua"
run_lua_test "counting in C (db:aggregate) equals GROUP BY" "$VIGIL_ROOT/tests/lua/trend_aggregate_test.lua"
# The script on the shipped data: both tables and their tests print, every month present.
if $VIGIL init --db trends.db --quiet >/dev/null 2>&1; then
    run_lua_test "trend module on a known database, shortcuts on the shipped one" \
        "$VIGIL_ROOT/tests/lua/trend_test.lua" trends.db
    out=$($VIGIL --db trends.db "$VIGIL_ROOT/scripts/trends.lua" 2>&1)
    ok $? "scripts/trends.lua runs"
    like "$out" "processed violations by disposition" "trends.lua: the disposition section"
    like "$out" "processed violations by category" "trends.lua: the category section"
    like "$out" "(increasing|decreasing|no trend)" "trends.lua: test verdicts"
    months=$(printf '%s\n' "$out" | grep -c '^20[12][0-9]-[01][0-9] ')
    is "$months" 168 "trends.lua: 84 months in each of the two tables"
    $VIGIL --db trends.db "$VIGIL_ROOT/scripts/trends.lua" --from 2025-13 >/dev/null 2>&1
    is $? 2 "trends.lua: a bad month is a usage error"
    # --plot DIR: one chart per grouping, a 30 July marker each year, lines drawn.
    mkdir charts
    out=$($VIGIL --db trends.db "$VIGIL_ROOT/scripts/trends.lua" --from 2019-01 --to 2021-12 \
          --plot charts --format svg --lang vi 2>&1)
    like "$out" "chart: charts/processed_by_category.svg" "trends.lua --plot: prints the charts' paths"
    for by in disposition category; do
        f=charts/processed_by_$by.svg
        [ "$(grep -c '<text>30/7</text>' "$f")" -eq 3 ] && grep -qF '<text>T1/2020</text>' "$f" \
            && [ "$(grep -c 'gnuplot_plot_' "$f")" -ge 4 ]
        ok $? "trends.lua --plot: $by chart with three 30/7 markers, month ticks, series"
    done
    # processed_by_category.lua --plot FILE
    out=$($VIGIL --db trends.db "$VIGIL_ROOT/scripts/processed_by_category.lua" --by category \
          --from 2019-01 --to 2025-12 --plot pbc.svg 2>&1)
    like "$out" "chart: pbc.svg" "processed_by_category.lua --plot: prints the chart's path"
    [ "$(grep -c '<text>30/7</text>' pbc.svg)" -eq 7 ] && grep -qF '<text>organizing_illegal_migration</text>' pbc.svg
    ok $? "processed_by_category.lua --plot: seven 30/7 markers and the categories"
    # outreach_vs_incidents.lua: the lag table, districts, and the chart with a second axis.
    out=$($VIGIL --db trends.db "$VIGIL_ROOT/scripts/outreach_vs_incidents.lua" --max-lag 3 \
          --plot ovi.svg 2>&1)
    ok $? "outreach_vs_incidents.lua runs"
    is "$(printf '%s\n' "$out" | grep -cE '^ *-?[0-3] +[0-9]+ +-?[01]\.[0-9]{3}$')" 7 \
       "outreach_vs_incidents.lua: r for the lags -3..3"
    like "$out" "Đức Huệ +yes" "outreach_vs_incidents.lua: districts by name, border marked"
    grep -qF '<text>events</text>' ovi.svg
    ok $? "outreach_vs_incidents.lua --plot: the chart with the outreach axis"
    r=$($VIGIL --db trends.db -e '
local o = trend.outreach{ range = {"2019-01", "2025-12"} }
local c = trend.series{ from = "incidents", time = "detected_on", range = {"2019-01", "2025-12"} }
for _, r in ipairs(trend.correlate(o, c, 3)) do if r.lag == 1 then print(("%.3f"):format(r.r)) end end')
    like "$out" "^ +1  83  $r\$" "outreach_vs_incidents.lua: lag 1 as trend.correlate gives it ($r)"
    # Every ```lua block of docs/trend.md runs on the same database.
    mkdir blocks
    awk '/^```lua/ { n++; f = sprintf("blocks/%02d.lua", n); inside = 1; next }
         /^```/    { inside = 0; next }
         inside    { print > f }' "$VIGIL_ROOT/docs/trend.md"
    count=$(ls blocks | wc -l)
    [ "$count" -ge 15 ]
    ok $? "docs/trend.md holds the examples ($count blocks)"
    for block in blocks/*.lua; do
        out=$($VIGIL --db trends.db "$block" 2>&1)
        status=$?
        ok $status "docs/trend.md example $(basename "$block" .lua) runs"
        [ $status -eq 0 ] || printf '%s\n' "$out" | tail -5 | sed 's/^/#   /'
    done
else
    ok 1 "vigil init builds the shipped database"
fi

done_testing
