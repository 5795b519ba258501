#!/bin/sh
# vigil help NAME|FILE: the usage generated from a script's or report's metadata block;
# plain scripts parse and check the same declared arguments through
# require("vigil.report.meta").args(arg) before they run any query.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

out=$($VIGIL help monthly 2>err.txt)
ok $? "help monthly exits 0"
like "$out" '^usage: vigil report monthly \[--period P\]' "a report's usage is that of vigil report"
like "$out" '--months=INTEGER +months of history in the trend section \(default 36\)' "with its declared argument, help and default"
like "$($VIGIL help outreach)" '--measure=participants\|events\|materials\|reach +the measure' "a one-of argument lists its choices"
out=$($VIGIL help outreach_vs_incidents)
ok $? "help of a shipped plain script exits 0"
like "$out" '^usage: vigil \[--db PATH\] .*/scripts/outreach_vs_incidents\.lua \[ARGS\]' "a script's usage runs vigil on its file"
like "$out" '--max-lag=INTEGER +the largest lag' "its arguments, underscores written as hyphens"
$VIGIL help nosuchthing >out.txt 2>err.txt
is $? 2 "an unknown name is a usage error (exit 2)"
like "$(cat err.txt)" "no script or report named 'nosuchthing'" "and says so"
like "$($VIGIL help)" '^usage: vigil help NAME\|FILE' "help alone prints its own usage"

# The user's folder of reports is searched first.
mkdir -p cfg/vigil/reports
printf -- '-- description: Mine.\n-- category: report\n-- arg top: integer = 5 -- how many\n' > cfg/vigil/reports/mine.lua
like "$(XDG_CONFIG_HOME=$SCRATCH/cfg $VIGIL help mine)" '^usage: vigil report mine .*
Mine\.
.*--top=INTEGER' "a report of the user's folder"

# A plain script declaring metadata: parsed and checked before anything runs.
cat > tool.lua <<'LUA'
-- tool.lua: a plain script with declared arguments.
-- arg n: integer = 3 -- how many
-- arg since: date -- the first day
-- arg within: period = 2022-Q3 -- a period
-- arg by: one-of(a|b) = a
local o = require("vigil.report.meta").args(arg)
print("ran", db:scalar("select count(*) from agencies") > 0)
print(o.n, o.since, o.by, o.within.first, o.within.last)
LUA
$VIGIL init --db v.db --quiet >/dev/null 2>&1
ok $? "init a database"
is "$($VIGIL --db v.db tool.lua --n=7 --since 2022-02-28 --by b)" "ran	true
7	2022-02-28	b	2022-07-01	2022-09-30" "values converted, defaults applied (a period becomes its days)"
like "$($VIGIL help ./tool.lua)" '^usage: vigil \[--db PATH\] \./tool\.lua' "help FILE: the script's usage"
for bad in "--n=x|argument --n wants an integer, not 'x'" "--since 2022-02-30|wants a date YYYY-MM-DD" \
           "--by=c|wants one of a, b" "--zz=1|unknown argument '--zz'" "--n|argument --n needs a value" \
           "--within=2022-13|wants a period"; do
    $VIGIL --db nothere.db tool.lua ${bad%%|*} >out.txt 2>err.txt
    st=$?
    [ $st -eq 2 ] && [ ! -s out.txt ] && grep -q "^tool: .*${bad#*|}" err.txt && grep -q '^usage: vigil' err.txt &&
        [ ! -e nothere.db ]
    ok $? "plain script ${bad%%|*}: exit 2 with the message and usage, before any query"
done
$VIGIL --db nothere.db tool.lua --help >out.txt 2>err.txt
[ $? -eq 0 ] && grep -Eq -- '--n=INTEGER +how many \(default 3\)' out.txt && [ ! -s err.txt ] && [ ! -e nothere.db ]
ok $? "plain script --help: the usage on stdout, exit 0, nothing run"

# The shipped script that uses it keeps its checks across arguments.
$VIGIL --db nothere.db "$VIGIL_ROOT/scripts/outreach_vs_incidents.lua" --from 2022-05 --to 2022-01 >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q '^outreach_vs_incidents: --from 2022-05 is after --to 2022-01' err.txt && [ ! -e nothere.db ]
ok $? "outreach_vs_incidents: --from after --to is a usage error (meta.fail)"
$VIGIL --db nothere.db "$VIGIL_ROOT/scripts/outreach_vs_incidents.lua" --measure=bogus >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q "wants one of events, participants" err.txt && [ ! -e nothere.db ]
ok $? "outreach_vs_incidents: a bad choice is a usage error"
like "$($VIGIL list)" 'outreach_vs_incidents\.lua +Outreach activity against incidents' "vigil list shows its description"

done_testing
