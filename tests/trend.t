#!/bin/sh
# The trend module: the statistics alone (tests/lua/stats_test.lua), the module on a small
# database (tests/lua/trend_test.lua), and scripts/trends.lua on a database built from the
# shipped datasets. All in a scratch folder.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

# run_lua_test NAME FILE: runs a Lua TAP file and reports it as one test, its output
# indented as diagnostics when it fails.
run_lua_test() {
    out=$($VIGIL "$2" 2>&1)
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
run_lua_test "trend module on a known database" "$VIGIL_ROOT/tests/lua/trend_test.lua"

# The script on the shipped data: both tables and their tests print, every month present.
if $VIGIL init --db trends.db --quiet >/dev/null 2>&1; then
    out=$($VIGIL --db trends.db "$VIGIL_ROOT/scripts/trends.lua" 2>&1)
    ok $? "scripts/trends.lua runs"
    like "$out" "processed violations by disposition" "trends.lua: the disposition section"
    like "$out" "processed violations by category" "trends.lua: the category section"
    like "$out" "(increasing|decreasing|no trend)" "trends.lua: test verdicts"
    months=$(printf '%s\n' "$out" | grep -c '^20[12][0-9]-[01][0-9] ')
    is "$months" 168 "trends.lua: 84 months in each of the two tables"
    $VIGIL --db trends.db "$VIGIL_ROOT/scripts/trends.lua" --from 2025-13 >/dev/null 2>&1
    is $? 2 "trends.lua: a bad month is a usage error"
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
