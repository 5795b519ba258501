#!/bin/sh
# vigil import: a corpus of good and malformed CSV files (tests/data/import), each with
# its expected messages and exit status; all-or-nothing, --rejects, --dry-run,
# --replace, --map, --no-header, limits, and SIGKILL midway leaving the database intact.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
DATA="$VIGIL_ROOT/tests/data/import"
mkdir ds && cp "$DATA/schema.sql" ds/
$VIGIL init --db base.db --datasets ds --quiet || { echo "Bail out! cannot build the test database"; exit 1; }
cp "$DATA"/* .

# q SQL: the first column of the first row of SQL on x.db.
q() {
    $VIGIL --db x.db -e "print(db:scalar([[$1]]))" 2>&1
}

# run FILE [options]: imports FILE into table cases of a fresh x.db; sets $rc, $err
# (stderr without the summary line) and $sum (the summary line).
run() {
    cp base.db x.db
    f=$1
    shift
    $VIGIL import cases "$f" --db x.db "$@" >out 2>errall
    rc=$?
    err=$(grep -v '^vigil import: cases: ' errall)
    sum=$(grep '^vigil import: cases: ' errall)
}

# --- good files ------------------------------------------------------------------
run good.csv
is "$rc" 0 "good.csv: exit 0"
like "$sum" '^vigil import: cases: 4 rows imported, 0 rejected, [0-9.]+ s, [0-9]+ rows/s$' "good.csv: one summary line"
is "$(cat out)$err" "" "good.csv: nothing else printed (no progress bar off a terminal)"
is "$(q "SELECT group_concat(detected_on, ' ') FROM cases")" "2022-09-08 2022-09-08 2020-02-01 2022-01-05" \
   "ISO kept, DD/MM/YYYY and D/M/YYYY converted, spaces around a date trimmed"
is "$(q "SELECT typeof(victims) || typeof(share) || share FROM cases WHERE id = 2")" "integerreal0.01" \
   "integers and reals stored as numbers"
is "$(q "SELECT note FROM cases WHERE id = 3")" "two
lines" "a quoted field spanning lines"
is "$(q "SELECT quote(share) || quote(note) FROM cases WHERE id = 4")" "-2.0''" \
   "empty number is NULL... and quoted empty text is the empty string"

run bom_semicolon_crlf.csv
is "$rc $(q 'SELECT group_concat(id) FROM cases') $(q 'SELECT detected_on FROM cases WHERE id = 11')" \
   "0 10,11 2024-02-29" "BOM, CRLF, ';' detected, header names with case and spaces, leap day"
run cr_only.csv
is "$rc $(q 'SELECT group_concat(id) FROM cases')" "0 20,21" "CR-only line ends"
run header_only.csv
is "$rc $(q 'SELECT count(*) FROM cases')" "0 0" "a header only: nothing to import, exit 0"

run mapped.csv --map ma_vu=id --map NGAY=detected_on --map huyen=district --map loai=category
is "$rc $(q 'SELECT detected_on FROM cases WHERE id = 30')" "0 2022-03-01" "--map renames CSV columns"
run no_header_tab.tsv --no-header --delimiter tab
is "$rc $(q 'SELECT district FROM cases WHERE id = 40')" "0 duc_hue" "--no-header --delimiter tab"

# --- malformed files: exit 1, exact messages, nothing imported ------------------------
# bad FILE WANT NAME [options]: the import fails with exactly WANT on stderr (besides
# the summary) and leaves table cases empty.
bad() {
    f=$1 want=$2 name=$3
    shift 3
    run "$f" "$@"
    is "$rc" 1 "$name: exit 1"
    is "$err" "$want" "$name: message"
    is "$(q 'SELECT count(*) FROM cases')" 0 "$name: nothing imported"
    like "$sum" "nothing imported" "$name: the summary says so"
}
bad unterminated.csv "unterminated.csv:2: a quoted field is never closed (a quote is missing)" "unterminated quote"
bad ragged.csv "ragged.csv:3: record has 3 fields, the header has 4" "ragged row"
bad nul.csv "nul.csv:2: byte 29: NUL byte" "embedded NUL"
bad bad_utf8.csv "bad_utf8.csv:2: byte 15: invalid UTF-8 (0xFC)" "invalid UTF-8 names the byte"
bad utf16.csv "utf16.csv: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8" "UTF-16"
bad empty.csv "empty.csv: empty file (the first line must name the columns)" "empty file"
bad duplicate_header.csv "duplicate_header.csv:1: header column 4: column 'district' appears twice" "duplicate header names"
bad unknown_columns.csv "unknown_columns.csv:1: header column 2: unknown column 'detected' (table cases has id, detected_on, district, category, victims, share, note)
unknown_columns.csv:1: header column 4: unknown column 'categry' (table cases has the columns above)
unknown_columns.csv:1: missing column 'detected_on' (it is NOT NULL and has no default)
unknown_columns.csv:1: missing column 'category' (it is NOT NULL and has no default)" "unknown and missing columns, all at once"
bad missing_columns.csv "missing_columns.csv:1: missing column 'detected_on' (it is NOT NULL and has no default)
missing_columns.csv:1: missing column 'category' (it is NOT NULL and has no default)" "missing required columns"
bad bad_dates.csv "bad_dates.csv:2:2: field 'detected_on': '31/02/2022' is not a date (February 2022 has 28 days)
bad_dates.csv:3:2: field 'detected_on': '2022-13-01' is not a date (there is no month 13)
bad_dates.csv:4:2: field 'detected_on': 'yesterday' is not a date (not in the form YYYY-MM-DD or DD/MM/YYYY)" "bad dates"
bad bad_numbers.csv "bad_numbers.csv:2:5: field 'victims': '2x' is not an integer
bad_numbers.csv:3: record has 7 fields, the header has 6" "bad integer; a decimal comma makes a ragged row"
bad codes_and_keys.csv "codes_and_keys.csv:3: field 'category' (column 4): 'smuggling' rejected: CHECK constraint failed: category IN ('illegal_exit', 'human_trafficking')
codes_and_keys.csv:4: field 'district' (column 3): 'tan_an' rejected: FOREIGN KEY constraint failed: no such districts.code" \
    "out-of-list code and a foreign key matching nothing"

# --- limits ----------------------------------------------------------------------
{ printf 'id,detected_on,district,category,note\n1,2022-01-01,duc_hue,illegal_exit,"'
  head -c 1100000 /dev/zero | tr '\0' x; printf '"\n'; } >big_field.csv
bad big_field.csv "big_field.csv:2: field 'note' (column 5) is longer than 1048576 bytes
vigil import: raise the limit with --max-field BYTES" "a 1 MB field over the default limit"
run big_field.csv --max-field 2M
is "$rc $(q 'SELECT length(note) FROM cases')" "0 1100000" "--max-field raises the limit"
bad good.csv "good.csv:1: record has more than 3 fields (the limit on columns)
vigil import: raise the limit with --max-columns N" "column-count limit" --max-columns 3

awk 'BEGIN { print "id,detected_on,district,category"; for (i = 1; i <= 30; i++) print i ",2022-02-30,duc_hue,illegal_exit" }' >many.csv
run many.csv --max-errors 5
is "$(printf '%s\n' "$err" | grep -c 'is not a date')" 5 "--max-errors: only that many listed"
like "$err" "\\.\\.\\. and 25 more rejected records" "then a count of the rest"
like "$sum" "nothing imported: 30 records rejected" "the summary counts them all"

# --- --rejects, --dry-run, --replace -----------------------------------------------
run codes_and_keys.csv --rejects rej.csv
is "$rc $(q 'SELECT group_concat(id) FROM cases')" "0 1,4" "--rejects: the good rows are imported"
like "$sum" "2 rows imported, 2 rejected \\(written to rej\\.csv\\)" "--rejects: the summary names the file"
is "$(head -1 rej.csv | tr -d '\r')" "line,reason,id,detected_on,district,category" "rejects file header"
like "$(sed -n 2p rej.csv)" "^3,\"codes_and_keys\\.csv:3: field 'category'.*\",2,2022-01-01,duc_hue,smuggling" \
     "a rejected record with its line and reason"
is "$(wc -l <rej.csv | tr -d ' ')" 3 "one line per rejected record"
run good.csv --rejects rej2.csv
ok "$([ ! -e rej2.csv ]; echo $?)" "no rejects: no rejects file left"

run good.csv --dry-run
is "$rc $(q 'SELECT count(*) FROM cases')" "0 0" "--dry-run checks and imports nothing"
like "$sum" "dry run: 4 rows would be imported, 0 rejected" "--dry-run summary"

cp base.db x.db
$VIGIL import cases good.csv --db x.db 2>/dev/null
$VIGIL import cases good.csv --db x.db >out 2>err
is "$?" 1 "importing the same rows twice fails (primary key)"
$VIGIL import cases cr_only.csv --db x.db --replace 2>/dev/null
is "$? $(q 'SELECT group_concat(id) FROM cases')" "0 20,21" "--replace empties the table first"

# --- usage errors --------------------------------------------------------------------
$VIGIL import cases >out 2>err
is "$?" 2 "no FILE: usage error, exit 2"
$VIGIL import cases good.csv --db x.db --frobnicate >out 2>err
is "$?" 2 "unknown option: exit 2"
$VIGIL import nosuch good.csv --db x.db >out 2>err
is "$? $(head -1 err)" "1 vigil import: good.csv: no such table: nosuch" "a missing table"
$VIGIL import cases good.csv --db nothere.db >out 2>err
is "$?" 1 "a missing database: exit 1"
ok "$([ ! -e nothere.db ]; echo $?)" "a missing database is not created"

# --- round trip: export -> import gives back the same rows --------------------------
cp base.db x.db
$VIGIL import cases good.csv --db x.db 2>/dev/null
$VIGIL export "SELECT * FROM cases ORDER BY id" one.csv --db x.db --raw 2>/dev/null
cp base.db y.db
$VIGIL import cases one.csv --db y.db 2>/dev/null
$VIGIL export "SELECT * FROM cases ORDER BY id" two.csv --db y.db --raw 2>/dev/null
cmp -s one.csv two.csv
ok $? "round trip: export, import, export gives the same file"
is "$($VIGIL --db y.db -e 'print(db:scalar("SELECT group_concat(quote(share) || quote(note), \";\") FROM cases"))')" \
   "$(q 'SELECT group_concat(quote(share) || quote(note), ";") FROM cases')" "round trip keeps NULL and '' apart"

# --- SIGKILL midway: the database is as before and intact --------------------------
cp base.db x.db
$VIGIL import cases good.csv --db x.db 2>/dev/null
before=$(q "SELECT count(*) || ':' || total(id) FROM cases")
mkfifo feed
$VIGIL import cases feed --db x.db >out 2>err &
pid=$!
exec 3>feed
# 200000 rows pass through the pipe; once awk is done the importer has read all but
# the pipe's last buffer, inside its transaction, and waits for more.
awk 'BEGIN { print "id,detected_on,district,category"; for (i = 1000; i < 201000; i++) print i ",2022-01-01,duc_hue,illegal_exit" }' >&3
kill -9 "$pid"
wait "$pid" 2>/dev/null
exec 3>&-
is "$(q "SELECT count(*) || ':' || total(id) FROM cases")" "$before" "killed mid-import: the table is as before"
is "$(q 'PRAGMA integrity_check')" "ok" "killed mid-import: integrity_check ok"
$VIGIL import cases cr_only.csv --db x.db 2>/dev/null
is "$? $(q 'SELECT count(*) FROM cases')" "0 6" "the database takes imports again"

done_testing
