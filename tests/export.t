#!/bin/sh
# vigil export: a query's rows as RFC 4180 CSV, spreadsheet-safe by default, --raw,
# bound parameters, stdout, atomic files, refusals.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
mkdir ds && cp "$VIGIL_ROOT/tests/data/import/schema.sql" ds/
$VIGIL init --db x.db --datasets ds --quiet || { echo "Bail out! cannot build the test database"; exit 1; }
$VIGIL --db x.db -e '
  db:exec([[INSERT INTO cases VALUES
    (1, "2022-01-01", "duc_hue", "illegal_exit", 0, 0.1, "=HYPERLINK(""http://x"")"),
    (2, "2022-01-02", "moc_hoa", "illegal_exit", 2, -1.5, "+1; -2 @x"),
    (3, "2022-01-03", "duc_hue", "human_trafficking", 1, NULL, ""),
    (4, "2022-01-04", "duc_hue", "illegal_exit", 0, 2.0, "a,b
c")]])' 2>err || { echo "Bail out! cannot fill the test database: $(cat err)"; exit 1; }
CR=$(printf '\r')

$VIGIL export "SELECT id, share, note FROM cases ORDER BY id" - --db x.db >out 2>err
is "$?" 0 "export to stdout: exit 0"
is "$(cat err)" "" "export to stdout: nothing on stderr"
is "$(cat out)" "id,share,note$CR
1,0.1,\"'=HYPERLINK(\"\"http://x\"\")\"$CR
2,-1.5,\"'+1; -2 @x\"$CR
3,,\"\"$CR
4,2.0,\"a,b
c\"$CR" "RFC 4180 with CRLF; formulas neutralised, numbers kept, NULL empty, '' quoted"

$VIGIL export "SELECT note FROM cases WHERE id <= 2 ORDER BY id" - --db x.db --raw >out 2>err
is "$(tr -d '\r' <out)" "note
\"=HYPERLINK(\"\"http://x\"\")\"
+1; -2 @x" "--raw writes cells as they are"

$VIGIL export "SELECT id FROM cases WHERE district = ? AND victims >= ? ORDER BY id" ids.csv \
    --db x.db --param duc_hue --param 1 >out 2>err
is "$?:$(tr -d '\r' <ids.csv | tr '\n' ' ')" "0:id 3 " "--param values are bound in order"
is "$(cat err)" "vigil export: 1 row written to ids.csv" "a note on stderr names the file"

$VIGIL export "SELECT id FROM cases" - --db x.db --no-header --delimiter ';' >out 2>err
is "$(tr -d '\r' <out | tr '\n' ' ')" "1 2 3 4 " "--no-header"

echo keep >old.csv
$VIGIL export "SELECT nosuch FROM cases" old.csv --db x.db >out 2>err
is "$?" 1 "an SQL error: exit 1"
like "$(cat err)" "no such column: nosuch" "the SQL error is shown"
is "$(cat old.csv)" "keep" "a failed export leaves the file as it was"
is "$(ls | grep -c 'tmp-')" 0 "no temporary file left"
$VIGIL export "DELETE FROM cases" - --db x.db >out 2>err
is "$? $(cat err)" "1 vigil export: only a query that returns rows can be exported" "a statement that writes is refused"
$VIGIL export "SELECT 1; SELECT 2" - --db x.db >out 2>err
like "$?:$(cat err)" "^1:.*one statement only" "two statements are refused"
$VIGIL export "SELECT ?" - --db x.db >out 2>err
is "$?" 2 "a missing --param: usage error"
$VIGIL export "SELECT 1" >out 2>err
is "$?" 2 "no FILE: usage error"
$VIGIL --db x.db -e 'print(csv.export(db, "SELECT count(*) AS n FROM cases", "-"))' >out 2>err
is "$(tr -d '\r' <out | tr '\n' ' ')" "n 4 1 " "csv.export accepts the global db stand-in"
done_testing
