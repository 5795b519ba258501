#!/bin/sh
# scripts/reconcile.lua: on the database `vigil init` builds from datasets/, every published
# figure matches the records; after tampering with the records it exits 1 and names the
# figures that differ (and only those), honouring the more_than qualifier.
set -u
. "$(dirname "$0")/lib.sh"
ROOT=$VIGIL_ROOT
SCRIPT=$ROOT/scripts/reconcile.lua
WINDOW="BETWEEN '2022-01-01' AND '2022-09-08'"



# tampered NAME SQL: copies the shipped database to NAME.db, runs SQL on it, then runs the
# script on it; leaves its status in NAME.status and its output in NAME.out.
tampered() {
    cp "$SCRATCH/x.db" "$SCRATCH/$1.db"
    sqlite3 "$SCRATCH/$1.db" "$2"
    $VIGIL --db "$SCRATCH/$1.db" "$SCRIPT" >"$SCRATCH/$1.out" 2>"$SCRATCH/$1.err"
    echo $? >"$SCRATCH/$1.status"
}

# differing NAME: the figures (topic/metric) the output NAME.out marks DIFF, sorted, on one line.
differing() {
    awk '$0 ~ / DIFF / { print $NF }' "$SCRATCH/$1.out" | sort | tr '\n' ' ' | sed 's/ $//'
}

# 1-4: the shipped records.
$VIGIL init --db "$SCRATCH/x.db" >"$SCRATCH/init.out" 2>&1
ok $? "vigil init --db builds the database from datasets/"
$VIGIL --db "$SCRATCH/x.db" "$SCRIPT" >"$SCRATCH/ok.out" 2>"$SCRATCH/ok.err"
status=$?
ok $status "reconcile exits 0 on the shipped records"
[ $status -eq 0 ] || sed 's/^/# /' "$SCRATCH/ok.out" "$SCRATCH/ok.err"
figures=$(sqlite3 "$SCRATCH/x.db" "SELECT count(*) FROM published_figures")
oks=$(grep -c '  ok  ' "$SCRATCH/ok.out")
[ "$figures" -eq 25 ] && [ "$oks" -eq "$figures" ] && ! grep -q DIFF "$SCRATCH/ok.out"
ok $? "every one of the $figures figures is ok ($oks lines ok)"
grep -q '70\.815 *70\.815  ok  session/participants' "$SCRATCH/ok.out" &&
    grep -q 'hơn 300\.000' "$SCRATCH/ok.out"
ok $? "figures are written the Vietnamese way (70.815, hơn 300.000)"

# 5: the Vietnamese columns line up by display width, not by bytes: the status column
# starts at the same character position on every figure line.
cat >"$SCRATCH/column.lua" <<'EOF'
for line in io.lines(arg[1]) do
  local at = line:find("  ok  ", 1, true)
  if at then print(utf8.len(line:sub(1, at))) end
end
EOF
positions=$($VIGIL "$SCRATCH/column.lua" "$SCRATCH/ok.out" | sort -u | wc -l)
[ "$positions" -eq 1 ]
ok $? "the table is aligned by display width (one status column position)"

# 6-8: one administrative person of the window deleted (from a case with others fined).
tampered admin "DELETE FROM subjects WHERE id = (
    SELECT s.id FROM subjects AS s JOIN incidents AS i ON i.id = s.incident_id
    WHERE i.detected_on $WINDOW AND s.disposition = 'administrative'
      AND (SELECT count(*) FROM subjects AS t WHERE t.incident_id = s.incident_id
           AND t.disposition = 'administrative') > 1
    ORDER BY s.id LIMIT 1)"
[ "$(cat "$SCRATCH/admin.status")" -eq 1 ]
ok $? "a deleted administrative subject: exit 1"
[ "$(differing admin)" = "administrative/subjects illegal_migration/subjects" ]
ok $? "it names exactly the figures that changed ($(differing admin))"
grep ' DIFF ' "$SCRATCH/admin.out" | grep -q 'Xử phạt hành chính: đối tượng *68 *67 '
ok $? "the DIFF line shows the published 68 beside the records' 67"

# 9: the same deletion outside the window changes nothing.
tampered before "DELETE FROM subjects WHERE id = (
    SELECT s.id FROM subjects AS s JOIN incidents AS i ON i.id = s.incident_id
    WHERE i.detected_on < '2022-01-01' AND s.disposition = 'administrative'
    ORDER BY s.id LIMIT 1)"
[ "$(cat "$SCRATCH/before.status")" -eq 0 ] && [ -z "$(differing before)" ]
ok $? "a subject deleted from 2021 leaves every figure ok"

# 10-11: a trafficking case in the window breaks both trafficking figures.
tampered trafficking "UPDATE incidents SET category = 'human_trafficking', victims = 2 WHERE id = (
    SELECT min(id) FROM incidents WHERE detected_on $WINDOW)"
[ "$(cat "$SCRATCH/trafficking.status")" -eq 1 ]
ok $? "a trafficking case in the window: exit 1"
[ "$(differing trafficking)" = "human_trafficking/cases human_trafficking/victims illegal_migration/cases illegal_migration/subjects" ]
ok $? "it names the trafficking and illegal migration figures ($(differing trafficking))"

# 12: one more broadcast item.
tampered broadcast "UPDATE outreach SET events = events + 1 WHERE id = (
    SELECT min(id) FROM outreach WHERE held_on $WINDOW
    AND agency = 'information_communications' AND activity = 'broadcast')"
[ "$(cat "$SCRATCH/broadcast.status")" -eq 1 ] && [ "$(differing broadcast)" = "broadcast/events" ]
ok $? "603 broadcast items: exit 1 naming broadcast/events"

# 13-16: more_than 300000: exactly 300000 differs, 300001 is ok.
YOUTH="agency = 'youth_union' AND activity = 'social_media' AND held_on $WINDOW"
tampered exactly "UPDATE outreach SET reach = 0 WHERE $YOUTH;
    UPDATE outreach SET reach = 300000 WHERE id = (SELECT min(id) FROM outreach WHERE $YOUTH)"
[ "$(cat "$SCRATCH/exactly.status")" -eq 1 ] && [ "$(differing exactly)" = "social_media/reach" ]
ok $? "a reach of exactly 300.000 is not more than 300.000: exit 1"
tampered above "UPDATE outreach SET reach = 0 WHERE $YOUTH;
    UPDATE outreach SET reach = 300001 WHERE id = (SELECT min(id) FROM outreach WHERE $YOUTH)"
[ "$(cat "$SCRATCH/above.status")" -eq 0 ]
ok $? "a reach of 300.001 is ok"
tampered decided "UPDATE subjects SET disposition = 'warning', disposed_on = '2022-06-01', fine_vnd = NULL
    WHERE id IN (SELECT s.id FROM subjects AS s JOIN incidents AS i ON i.id = s.incident_id
                 WHERE i.detected_on $WINDOW AND s.disposition = 'verifying')"
[ "$(cat "$SCRATCH/decided.status")" -eq 1 ] && [ "$(differing decided)" = "verifying/subjects warning/subjects" ]
ok $? "the two people still verified turned into warnings: exit 1 naming both figures"
$VIGIL --db "$SCRATCH/x.db" "$SCRIPT" --bogus >/dev/null 2>"$SCRATCH/bad.err"
[ $? -eq 2 ] && grep -q "^reconcile: unknown option '--bogus'" "$SCRATCH/bad.err"
ok $? "an unknown option: exit 2 with the usage"

done_testing
