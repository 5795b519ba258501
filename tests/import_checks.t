#!/bin/sh
# vigil import with the CHECK constraints deferred: full batches of 1024 records are
# inserted with the CHECKs off and checked in one SELECT afterwards (engine/csvcheck.c).
# A bad value in every batch position (first, middle, last record of a batch, the first
# of the next, the partial last batch), one CHECK on two columns, with and without
# --rejects: the same messages, the same rows, as when every row is checked on insert.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
mkdir ds
cat >ds/schema.sql <<'SQL'
CREATE TABLE spans (
  id   INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('a', 'b', 'c', 'd', 'e')),
  lo   INTEGER NOT NULL,
  hi   INTEGER NOT NULL,
  CONSTRAINT ordered CHECK (lo <= hi)
) STRICT;
CREATE TABLE kept (
  k    TEXT PRIMARY KEY,
  n    INTEGER NOT NULL CHECK (n BETWEEN 1 AND 1000)
) STRICT, WITHOUT ROWID;
CREATE TABLE "rowid" (
  rowid INTEGER, _rowid_ INTEGER, oid INTEGER,
  v INTEGER CHECK (v < 1000)
);
SQL
$VIGIL init --db base.db --datasets ds --quiet || { echo "Bail out! cannot build the test database"; exit 1; }

# q SQL: the first column of the first row of SQL on x.db.
q() {
    $VIGIL --db x.db -e "print(db:scalar([[$1]]))" 2>&1
}

# The records of the test files: two full batches of 1024 (BATCH_ROWS in
# engine/csvload.c) and a partial one.
N=2600

# spans FILE BADROW...: writes an N-record file for table spans (ids 1..N, lines
# 2..N+1); each BADROW "N:kind" has kind 'zz', "N:order" has lo > hi.
spans() {
    f=$1
    shift
    awk -v bad="$*" -v rows="$N" 'BEGIN {
        n = split(bad, b, " ")
        for (i = 1; i <= n; i++) { split(b[i], p, ":"); what[p[1]] = p[2] }
        print "id,kind,lo,hi"
        for (i = 1; i <= rows; i++) {
            kind = substr("abcde", i % 5 + 1, 1); lo = i; hi = i + 1
            if (what[i] == "kind") kind = "zz"
            if (what[i] == "order") { lo = i + 1; hi = i }
            print i "," kind "," lo "," hi
        }
    }' >"$f"
}

# run TABLE FILE [options]: imports FILE into TABLE of a fresh x.db; sets $rc, $err
# (stderr without the summary line).
run() {
    cp base.db x.db
    t=$1 f=$2
    shift 2
    $VIGIL import "$t" "$f" --db x.db "$@" >out 2>errall
    rc=$?
    err=$(grep -v "^vigil import: $t: " errall)
}

spans good.csv
run spans good.csv
is "$rc $(q 'SELECT count(*) || sum(lo < hi) FROM spans')" "0 $N$N" "$N good records: all imported"

# Record n is on line n + 1; a batch is records 1-1024, 1025-2048, then 2049-2600 one
# by one.
for n in 1 512 1024 1025 1100 2048 2049 2600; do
    line=$((n + 1))
    spans bad.csv "$n:kind"
    run spans bad.csv
    is "$rc|$err|$(q 'SELECT count(*) FROM spans')" \
       "1|bad.csv:$line:2: field 'kind': 'zz' rejected: CHECK constraint failed: kind IN ('a', 'b', 'c', 'd', 'e')|0" \
       "record $n with a bad code: its message, nothing imported"
    run spans bad.csv --rejects rej.csv
    is "$rc|$(q 'SELECT count(*) || count(*) FILTER (WHERE kind NOT IN ('"'a','b','c','d','e'"')) || count(*) FILTER (WHERE id = '"$n"') FROM spans')|$(sed -n '2s/,.*//p' rej.csv)|$(wc -l <rej.csv | tr -d ' ')" \
       "0|$((N - 1))00|$line|2" "record $n with a bad code, --rejects: the others imported, it rejected"
    spans bad.csv "$n:order"
    run spans bad.csv
    is "$rc|$err|$(q 'SELECT count(*) FROM spans')" \
       "1|bad.csv:$line: record rejected: CHECK constraint failed: ordered (lo <= hi) (field 'lo' (column 3) = '$((n + 1))', field 'hi' (column 4) = '$n')|0" \
       "record $n with lo > hi (a CHECK on two columns): its message, nothing imported"
    run spans bad.csv --rejects rej.csv
    is "$rc|$(q 'SELECT count(*) || sum(lo > hi) FROM spans')|$(sed -n '2s/,.*//p' rej.csv)" \
       "0|$((N - 1))0|$line" "record $n with lo > hi, --rejects: the others imported, it rejected"
done

# Several bad records in one batch and in several: every one, in file order.
spans bad.csv 2:kind 200:order 1024:kind 1026:order 2047:kind 2599:order
run spans bad.csv
is "$(printf '%s\n' "$err" | sed 's/:.*//; s/^bad\.csv//' | tr '\n' ' ')" "      " "six bad records: six messages"
is "$rc|$(printf '%s\n' "$err" | cut -d: -f2 | tr '\n' ' ')|$(q 'SELECT count(*) FROM spans')" \
   "1|3 201 1025 1027 2048 2600 |0" "six bad records: reported in file order, nothing imported"
run spans bad.csv --rejects rej.csv
is "$rc|$(q 'SELECT count(*) || sum(lo > hi) || sum(kind = '"'zz'"') FROM spans')|$(sed '1d; s/,.*//' rej.csv | tr '\n' ' ')" \
   "0|$((N - 6))00|3 201 1025 1027 2048 2600 " "six bad records, --rejects: the $((N - 6)) others imported"

# Ids below the table's largest (the batch's rows are not the newest rowids): still
# every record checked.
cp base.db x.db
printf 'id,kind,lo,hi\n100000,a,1,2\n' | $VIGIL import spans - --db x.db 2>/dev/null
awk -v n="$N" 'BEGIN { print "id,kind,lo,hi"; for (i = n; i >= 1; i--) print i "," (i == 100 ? "zz" : "a") "," i "," i }' >desc.csv
$VIGIL import spans desc.csv --db x.db >out 2>errall
is "$?|$(grep -v '^vigil import: spans: ' errall)|$(q 'SELECT count(*) FROM spans')" \
   "1|desc.csv:$((N - 98)):2: field 'kind': 'zz' rejected: CHECK constraint failed: kind IN ('a', 'b', 'c', 'd', 'e')|1" \
   "ids below the largest, descending: the bad record found, nothing imported"
$VIGIL import spans desc.csv --db x.db --rejects rej.csv >out 2>errall
is "$?|$(q 'SELECT count(*) || count(*) FILTER (WHERE kind = '"'zz'"') FROM spans')" "0|${N}0" \
   "ids below the largest, --rejects: the others imported"

# No id column: SQLite gives the rowids.
awk -v n="$N" 'BEGIN { print "kind,lo,hi"; for (i = 1; i <= n; i++) print (i == 400 ? "q" : "b") "," i "," (i == 300 ? 0 : i) }' >noid.csv
run spans noid.csv
is "$rc|$err" "1|noid.csv:301: record rejected: CHECK constraint failed: ordered (lo <= hi) (field 'lo' (column 2) = '300', field 'hi' (column 3) = '0')
noid.csv:401:1: field 'kind': 'q' rejected: CHECK constraint failed: kind IN ('a', 'b', 'c', 'd', 'e')" \
   "rowids from SQLite: both bad records reported"
run spans noid.csv --rejects rej.csv
is "$rc|$(q 'SELECT count(*) || sum(lo > hi) || sum(kind = '"'q'"') FROM spans')" "0|$((N - 2))00" \
   "rowids from SQLite, --rejects: the $((N - 2)) others imported"

# A WITHOUT ROWID table, and one whose columns hide every name of the rowid: the CHECKs
# are not deferred, and still checked.
awk -v n="$N" 'BEGIN { print "k,n"; for (i = 1; i <= n; i++) print "k" i "," (i == 300 ? 0 : i % 900 + 1) }' >kept.csv
run kept kept.csv
is "$rc|$err" "1|kept.csv:301:2: field 'n': '0' rejected: CHECK constraint failed: n BETWEEN 1 AND 1000" \
   "WITHOUT ROWID: the bad record found"
awk -v n="$N" 'BEGIN { print "rowid,_rowid_,oid,v"; for (i = 1; i <= n; i++) print i "," i "," i "," (i == 290 ? 5000 : i % 900) }' >hidden.csv
run rowid hidden.csv --rejects rej.csv
is "$rc|$(q 'SELECT count(*) || max(v) FROM "rowid"')|$(sed -n '2s/,.*//p' rej.csv)" "0|$((N - 1))899|291" \
   "rowid, _rowid_ and oid all columns: the bad record rejected"

# vigil init loads through the same loader.
mkdir ds2
cp ds/schema.sql ds2/
spans ds2/spans.csv 300:order
$VIGIL init --db init.db --datasets ds2 --quiet >out 2>err
is "$?" 1 "vigil init: a bad record in a full batch fails the load"
like "$(cat err)" "spans\\.csv:301: record rejected: CHECK constraint failed: ordered" "vigil init: its message"

done_testing
