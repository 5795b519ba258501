#!/bin/sh
# vigil init: building a database from a datasets folder (tests/data/init: a tiny
# schema.sql and CSVs), all or nothing, with errors naming file, line, field and value.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
FIXTURE="$VIGIL_ROOT/tests/data/init"

# q SQL: prints the first column of the first row of SQL on x.db, through vigil.
q() {
    $VIGIL --db x.db -e "print(db:scalar([[$1]]))" 2>&1
}

# bad NAME: a fresh copy of the fixture in folder NAME, to be broken by the caller.
bad() {
    rm -rf "$1"
    cp -R "$FIXTURE" "$1"
}

# leftovers: the files a build left beside x.db (temporary or SQLite side files).
leftovers() {
    ls -a | grep -E '^x\.db.' | tr '\n' ' '
}

# --- success -------------------------------------------------------------------
$VIGIL init --db x.db --datasets "$FIXTURE" >out 2>err
ok $? "init builds from the fixture datasets"
is "$(cat out)" "" "init writes nothing on stdout"
is "$(grep -v 'built' err)" "vigil init: districts: 2 rows
vigil init: incidents: 3 rows
vigil init: subjects: 4 rows" "one note per loaded table, in schema order, on stderr"
is "$(q 'SELECT count(*) FROM districts') $(q 'SELECT count(*) FROM incidents') $(q 'SELECT count(*) FROM subjects') $(q 'SELECT count(*) FROM notes')" \
   "2 3 4 0" "every table has its rows; a table without a CSV is empty"
is "$(q "SELECT name FROM districts WHERE code = 'bt'")" 'Bến Tre, "cũ"' \
   "BOM and CRLF skipped, quoted comma and doubled quotes kept"
is "$(q 'SELECT summary FROM incidents WHERE id = 1')" "Two lines
of summary" "a quoted field spanning lines"
is "$(q 'SELECT quote(victims) || quote((SELECT summary FROM incidents WHERE id = 2)) FROM incidents WHERE id = 1')" \
   "NULL''" "empty field is NULL, quoted empty field is the empty string"
is "$(q 'SELECT typeof(fine_vnd) || fine_vnd FROM subjects WHERE id = 4')" "integer7500000" \
   "numbers become integers in STRICT tables"
is "$(q 'PRAGMA journal_mode')" "wal" "the database is in WAL mode"
is "$(leftovers)" "" "no temporary file left"

# --- an existing database --------------------------------------------------------
cksum x.db >before
$VIGIL init --db x.db --datasets "$FIXTURE" >out 2>err
is "$?" 2 "an existing database without --force: exit 2"
like "$(cat err)" "x\.db.*already exists.*--force" "the refusal says to use --force"
cksum x.db >after
cmp -s before after
ok $? "the existing database is untouched"

bad newer
printf 'code,name\nhg,Hà Giang\n' >newer/districts.csv
printf 'id,detected_on,district,category\n9,2023-04-01,hg,illegal_exit\n' >newer/incidents.csv
rm newer/subjects.csv
$VIGIL init --db x.db --datasets newer --force --quiet >out 2>err
ok $? "--force replaces an existing database"
is "$(cat err)" "" "--quiet prints nothing"
is "$(q 'SELECT group_concat(id) FROM incidents') $(q 'SELECT count(*) FROM subjects')" "9 0" \
   "the replaced database has the new rows only"

cp "$FIXTURE/subjects.csv" newer/subject.csv
$VIGIL init --db y.db --datasets newer >out 2>err
ok $? "a CSV matching no table does not stop the build"
like "$(cat err)" "^vigil init: note: newer/subject\.csv matches no table of the schema; not loaded" \
     "a CSV matching no table is named in a note"
rm -f y.db

# --- bad data: exit 1, the message names file:line, field and value, nothing left ---
# fails NAME DIR PATTERN: init from DIR must fail with status 1 and a message matching
# PATTERN, leave no x.db behind, and keep an existing one when --force is given.
fails() {
    rm -f x.db
    $VIGIL init --db x.db --datasets "$2" >out 2>err
    rc=$?
    is "$rc" 1 "$1: exit 1"
    like "$(cat err)" "$3" "$1: message"
    is "$(ls -a | grep -E '^x\.db' | tr '\n' ' ')" "" "$1: no database or temporary file left"
}

bad b1
cat >b1/incidents.csv <<'EOF'
id,detected_on,district,category,summary
1,2022-01-05,tn,illegal_exit,"first
record, on ""two"" lines"
2,2022-01-06,tn,illegal_exit,"second
record
on three"
3,2022-01-07,tn,illegal_trade,third
EOF
fails "CHECK on a value after multi-line records" b1 \
    "^vigil init: b1/incidents\.csv:7:4: field 'category': 'illegal_trade' rejected: CHECK constraint failed: category IN "

bad b2
printf 'id,detected_on,district,category\n1,2022-01-05,tn,illegal_exit\n2,2022-01-06,xx,illegal_exit\n' >b2/incidents.csv
fails "broken foreign key" b2 \
    "^vigil init: b2/incidents\.csv:3:3: field 'district': 'xx' rejected: FOREIGN KEY constraint failed: no such districts\.code"

bad b3
printf 'id,detected_on,district,category,victims\n1,2022-01-05,tn,illegal_exit,two\n' >b3/incidents.csv
fails "STRICT type error" b3 \
    "^vigil init: b3/incidents\.csv:2:5: field 'victims': 'two' rejected: cannot store TEXT value in INTEGER column incidents\.victims"

bad b4
printf 'id,detected_on,district,category,victim\n' >b4/incidents.csv
fails "unknown header column" b4 "^vigil init: b4/incidents\.csv:1: header column 5: unknown column 'victim'"

bad b5
printf 'id,detected_on,district,category\n1,2022-01-05,tn,"illegal_exit\n2,2022-01-06,tn,illegal_exit\n' >b5/incidents.csv
fails "unterminated quote" b5 "^vigil init: b5/incidents\.csv:2: a quoted field is never closed"

bad b6
printf 'code,name\ntn,T\303n\n' >b6/districts.csv
fails "invalid UTF-8" b6 "^vigil init: b6/districts\.csv:2: byte 5: invalid UTF-8 \(0xC3 0x6E\)"

bad b7
printf 'id,detected_on,district,category\n1,2022-01-05,tn\n' >b7/incidents.csv
fails "ragged record" b7 "^vigil init: b7/incidents\.csv:2: record has 3 fields, the header has 4"

bad b8
printf 'code,name\ntn,T\000n\n' >b8/districts.csv
fails "NUL byte" b8 "^vigil init: b8/districts\.csv:2: byte 5: NUL byte"

bad b9
printf 'CREATE TABLE districts(code TEXT PRIMARY KEY) STRICT;\n\nCREATE TABLE oops(x TXT) STRICT;\n' >b9/schema.sql
fails "schema error" b9 "^vigil init: b9/schema\.sql:3: .*unknown datatype"

mkdir -p empty
fails "no schema.sql" empty "^vigil init: empty/schema\.sql: cannot open"

$VIGIL init --db x.db --datasets "$FIXTURE" --quiet 2>err
cksum x.db >before
$VIGIL init --db x.db --datasets b1 --force >out 2>err
is "$?" 1 "--force with bad data: exit 1"
cksum x.db >after
cmp -s before after
ok $? "--force with bad data keeps the old database"
is "$(leftovers)" "" "--force with bad data leaves no temporary file"

# --- interrupted builds ----------------------------------------------------------------
# A build killed midway leaves no database at the path; the next build clears its
# temporary file.  The dataset is big enough that the kill usually lands mid-build;
# either way x.db must be absent or complete.
bad big
awk 'BEGIN { print "id,detected_on,district,category,victims,summary";
             for (i = 1; i <= 300000; i++)
                 printf "%d,2022-01-05,tn,illegal_exit,%d,\"case %d\"\n", i, i % 7, i }' >big/incidents.csv
rm big/subjects.csv
rm -f x.db
$VIGIL init --db x.db --datasets big --quiet 2>/dev/null &
pid=$!
sleep 0.3
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -e x.db ]; then
    is "$(q 'SELECT count(*) FROM incidents')" 300000 "a killed build leaves a complete database or none"
else
    ok 0 "a killed build leaves a complete database or none"
fi
sh -c 'echo $$ >deadpid'
: >"x.db.tmp-$(cat deadpid)"
rm -f x.db
$VIGIL init --db x.db --datasets "$FIXTURE" --quiet
ok $? "init after a killed build"
is "$(leftovers)" "" "temporary files of dead builds are removed"

done_testing
