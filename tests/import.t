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
bad codes_and_keys.csv "codes_and_keys.csv:3:4: field 'category': 'smuggling' rejected: CHECK constraint failed: category IN ('illegal_exit', 'human_trafficking')
codes_and_keys.csv:4:3: field 'district': 'tan_an' rejected: FOREIGN KEY constraint failed: no such districts.code" \
    "out-of-list code and a foreign key matching nothing"

bad multi_bad.csv "multi_bad.csv:2:2: field 'detected_on': '31/02/2022' is not a date (February 2022 has 28 days)
multi_bad.csv:2:3: field 'district': 'tan_an' rejected: FOREIGN KEY constraint failed: no such districts.code
multi_bad.csv:2:4: field 'category': 'smuggling' rejected: CHECK constraint failed: category IN ('illegal_exit', 'human_trafficking')
multi_bad.csv:2:5: field 'victims': '2x' is not an integer
multi_bad.csv:3:3: field 'district': 'tan_an' rejected: FOREIGN KEY constraint failed: no such districts.code
multi_bad.csv:3:4: field 'category': 'smuggling' rejected: CHECK constraint failed: category IN ('illegal_exit', 'human_trafficking')" \
    "every bad value of a record, in column order (values, CHECK and foreign key together)"
run multi_bad.csv --rejects rej_multi.csv
is "$rc $(q 'SELECT quote(victims) || quote(share) FROM cases WHERE id = 3')" "0 0NULL" \
   "an empty field gets the column's DEFAULT (victims 0), else NULL"
like "$(sed -n 2p rej_multi.csv)" "^2,\"multi_bad\\.csv:2:2: .*; multi_bad\\.csv:2:3: .*; multi_bad\\.csv:2:4: .*; multi_bad\\.csv:2:5: " \
     "--rejects: every problem of a record in its reason, joined with '; '"

# --- limits ----------------------------------------------------------------------
{ printf 'id,detected_on,district,category,note\n1,2022-01-01,duc_hue,illegal_exit,"'
  head -c 1100000 /dev/zero | tr '\0' x; printf '"\n'; } >big_field.csv
bad big_field.csv "big_field.csv:2:5: field 'note' is longer than 1048576 bytes
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
like "$(sed -n 2p rej.csv)" "^3,\"codes_and_keys\\.csv:3:4: field 'category'.*\",2,2022-01-01,duc_hue,smuggling" \
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

# --- --create and --sniff: a table inferred from the file -----------------------------
$VIGIL import newt create.csv --sniff >out 2>err
is "$? $(cat err)" "0 " "--sniff: exit 0, nothing on stderr"
is "$(cat out)" "-- delimiter: comma: it splits every one of the first lines into 7 fields
-- header: the first line is a header: its field 1 'id' is not like the INTEGER values below it
-- sample: all 3 records of the file
CREATE TABLE \"newt\" (
  \"id\" INTEGER,  -- INTEGER: 3 of 3 values are integers
  \"Ngày phát hiện\" TEXT CHECK (\"Ngày phát hiện\" IS date(\"Ngày phát hiện\", '+0 days')),  -- date: 3 of 3 values are dates (1 YYYY-MM-DD, 2 DD/MM/YYYY day first, converted to ISO)
  \"x\"\"; DROP TABLE districts; --\" TEXT,  -- TEXT: 3 of 3 values are text (line 2 has 'a')
  \"victims\" INTEGER,  -- INTEGER: 2 of 2 values are integers; 1 empty
  \"share\" REAL,  -- REAL: 3 of 3 values are numbers, 2 with a fraction or exponent
  \"code\" TEXT,  -- TEXT: 3 of 3 values are integers, some with a leading zero: codes, and TEXT keeps the zero
  \"mixed\" TEXT   -- TEXT: only 1 of 2 values are dates (line 3 has 'yesterday'); not guessed as a date; 1 empty
) STRICT;" "--sniff: delimiter, header, sample and CREATE TABLE with a reason per column"
cp base.db x.db
$VIGIL import newt create.csv --db x.db --sniff >out 2>err
is "$(q "SELECT count(*) FROM sqlite_schema WHERE name = 'newt'")" 0 "--sniff creates and imports nothing"
$VIGIL import newt create.csv --db x.db --create >out 2>err
is "$?" 0 "--create: exit 0"
is "$(q "SELECT group_concat(typeof(id) || typeof(victims) || typeof(share) || code || \"Ngày phát hiện\", ' ') FROM newt")" \
   "integerintegerreal0072022-09-08 integernullreal0102022-09-09 integerintegerreal0112020-01-01" \
   "--create: numbers stored as numbers, codes keep their zero, dates converted to ISO"
is "$(q "SELECT count(*) || ' ' || (SELECT group_concat(\"x\"\"; DROP TABLE districts; --\") FROM newt) FROM districts")" "2 a,b,c" \
   "a header that is SQL becomes a harmless quoted column name"
$VIGIL import newt create.csv --db x.db --create >out 2>err
is "$? $(cat err)" "1 vigil import: table newt already exists (import into it without --create)" \
   "--create refuses an existing table"
# The types come from the first 10000 records; a later value that does not fit is
# reported with its line and column, and the new table is not left behind.
awk 'BEGIN { print "n,d"; for (i = 1; i <= 10000; i++) print i ",2022-01-01"; print "10001,2022-01-02"; print "1.5,02/01/2022"; print "10003,soon" }' >late.csv
cp base.db x.db
$VIGIL import late late.csv --db x.db --create >out 2>err
is "$?" 1 "--create: a value after the sample that does not fit: exit 1"
is "$(grep -v '^vigil import: late: ' err)" "late.csv:10003:1: field 'n': '1.5' is not an integer
late.csv:10004:2: field 'd': 'soon' is not a date (not in the form YYYY-MM-DD or DD/MM/YYYY)
vigil import: the column types were inferred from the first 10000 records (to line 10001); see them with --sniff, and create the table yourself when a later value needs another type" \
   "--create: FILE:LINE:COLUMN of each late misfit, and where the types came from"
is "$(q "SELECT count(*) FROM sqlite_schema WHERE name = 'late'")" 0 "--create: all or nothing, the table too"
printf 'a,b\nx,y\n' | $VIGIL import pipe - --db x.db --create --no-header >out 2>err
is "$? $(q "SELECT group_concat(column1 || column2, ' ') FROM pipe")" "0 ab xy" "--create from a pipe, --no-header: column1, column2"
printf 'a,A,\n1,2,3\n' >dup.csv
$VIGIL import dup dup.csv --db x.db --create >out 2>err
is "$? $(cat err)" "1 dup.csv:1:2: header field 'A' names column 1 again
dup.csv:1:3: header field has no name (a column needs one)" "--create: names empty or twice are refused, all at once"

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
# 200000 rows pass through the pipe
import_killed cases x.db awk 'BEGIN { print "id,detected_on,district,category"; for (i = 1000; i < 201000; i++) print i ",2022-01-01,duc_hue,illegal_exit" }'
is "$(q "SELECT count(*) || ':' || total(id) FROM cases")" "$before" "killed mid-import: the table is as before"
is "$(q 'PRAGMA integrity_check')" "ok" "killed mid-import: integrity_check ok"
$VIGIL import cases cr_only.csv --db x.db 2>/dev/null
is "$? $(q 'SELECT count(*) FROM cases')" "0 6" "the database takes imports again"

done_testing
