#!/bin/sh
# vigil import with the foreign keys checked by vigil (engine/csvfk.c): an integer key to
# a parent's INTEGER PRIMARY KEY is checked against the parent's keys read in chunks,
# with SQLite's enforcement off for the import.  Every outcome must be SQLite's own: the
# same files go into two databases, one whose key vigil checks (own.db) and one whose
# key it leaves to SQLite (sqlite.db: the same schema, the key marked NOT DEFERRABLE,
# which is the default but makes vigil keep out), and the messages, exit statuses, rows
# and rejects files must be equal; a key that matches nothing is reported with its
# FILE:LINE:COLUMN and value in a full batch, in the last partial one and one by one.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

# schema KEYWORDS: the test schema, KEYWORDS after each foreign key.
schema() {
    cat <<SQL
CREATE TABLE cases (
  id       INTEGER PRIMARY KEY,
  district TEXT NOT NULL
) STRICT;
CREATE TABLE people (
  id      INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) $1,
  role    TEXT NOT NULL CHECK (role IN ('victim', 'organiser', 'migrant')),
  age     INTEGER CHECK (age BETWEEN 0 AND 120)
) STRICT;
CREATE INDEX people_case ON people (case_id);
CREATE TABLE seen (
  id      INTEGER PRIMARY KEY ON CONFLICT IGNORE,
  case_id INTEGER REFERENCES cases (id) $1
) STRICT;
CREATE TABLE notes (
  id      INTEGER PRIMARY KEY,
  case_id INTEGER DEFAULT 7 REFERENCES cases (id) $1,
  body    TEXT
) STRICT;
SQL
}
# Cases 1..20000 except the multiples of 7 (so the chunks of 4096 keys have holes).
for db in own sqlite; do
    mkdir "ds-$db"
    awk 'BEGIN { print "id,district"; for (i = 1; i <= 20000; i++) if (i % 7) print i ",d" i % 5 }' \
        >"ds-$db/cases.csv"
done
schema "" >ds-own/schema.sql
schema "NOT DEFERRABLE" >ds-sqlite/schema.sql
for db in own sqlite; do
    $VIGIL_PLAIN init --db "$db.db" --datasets "ds-$db" --quiet ||
        { echo "Bail out! cannot build the test database"; exit 1; }
done

# q DB SQL: the first column of the first row of SQL on DB.
q() {
    $VIGIL_PLAIN --db "$1" -e "print(db:scalar([[$2]]))" 2>&1
}

# both TABLE FILE [options]: imports FILE into TABLE of fresh copies of own.db and
# sqlite.db (x-own.db, x-sqlite.db); sets $own and $sqlite to "exit|stderr|rows" and
# the rejects files, when asked for (--rejects last: it gets rej.csv), are moved to
# rej-own.csv and rej-sqlite.csv.  Under check-valgrind only the import into own.db (the
# path of vigil's own key checks) runs under valgrind; the reference does not.
both() {
    t=$1 f=$2
    shift 2
    for db in own sqlite; do
        cp "$db.db" "x-$db.db"
        rm -f rej.csv
        if [ $db = own ]; then vigil=$VIGIL; else vigil=$VIGIL_PLAIN; fi
        case " $* " in
            *" --rejects "*) $vigil import "$t" "$f" --db "x-$db.db" "$@" rej.csv >out 2>err ;;
            *) $vigil import "$t" "$f" --db "x-$db.db" "$@" >out 2>err ;;
        esac
        r=$?
        [ ! -e rej.csv ] || mv rej.csv "rej-$db.csv"
        r="$r|$(sed 's/, [0-9.]* s\(, [0-9]* rows\/s\)\{0,1\}$//' err)|$(q "x-$db.db" "SELECT count(*) || ':' || total(id) || ':' || total(case_id) FROM $t")"
        eval "$db=\$r"
    done
}

# people FILE BAD...: writes a file of 3000 people (lines 2..3001), the case of each a
# case that exists; each BAD "N:what" changes record N: key (case 700, none), null
# (no case), check (age 300 and case 14, none), dup (the id of record N-1 and case 21,
# none), neg (case -4096), big (case 9223372036854775807).
people() {
    f=$1
    shift
    awk -v bad="$*" 'BEGIN {
        n = split(bad, b, " ")
        for (i = 1; i <= n; i++) { split(b[i], p, ":"); what[p[1]] = p[2] }
        print "id,case_id,role,age"
        for (i = 1; i <= 3000; i++) {
            id = i; c = int(i / 3) * 7 % 20000 + 1 + (i % 3); age = 20 + i % 50
            if (c % 7 == 0) c++
            if (what[i] == "key") c = 700
            if (what[i] == "null") c = ""
            if (what[i] == "check") { age = 300; c = 14 }
            if (what[i] == "dup") { id = i - 1; c = 21 }
            if (what[i] == "neg") c = -4096
            if (what[i] == "big") c = "9223372036854775807"
            print id "," c ",migrant," age
        }
    }' >"$f"
}

people good.csv
both people good.csv
is "$own" "$sqlite" "3000 good records: as with SQLite's checks"
like "$own" "^0\\|vigil import: people: 3000 rows imported, 0 rejected\\|3000:4501500\\.0:" \
     "3000 good records: all imported"
is "$(q x-own.db 'SELECT count(*) FROM pragma_foreign_key_check')" 0 "foreign_key_check finds nothing"

# A key matching nothing in each batch position: records 1..1024 and 1025..2048 are
# full batches (BATCH_ROWS in engine/csvload.c), 2049..3000 the partial last one.
for n in 1 512 1024 1025 2048 2049 3000; do
    people bad.csv "$n:key"
    both people bad.csv
    is "$own" "$sqlite" "record $n: a key matching nothing: as with SQLite's checks"
    like "$own" "^1\\|bad\\.csv:$((n + 1)):2: field 'case_id': '700' rejected: FOREIGN KEY constraint failed: no such cases\\.id
vigil import: people: nothing imported: 1 record rejected" "record $n: FILE:LINE:COLUMN, the value, nothing imported"
    both people bad.csv --rejects
    is "$own" "$sqlite" "record $n, --rejects: as with SQLite's checks"
    like "$own" "^0\\|.*2999 rows imported, 1 rejected" "record $n, --rejects: the others imported"
    cmp -s rej-own.csv rej-sqlite.csv
    ok $? "record $n, --rejects: the same rejects file"
done

# Several problems, in several batches and one record: each as SQLite says it.
people bad.csv 3:key 4:null 200:check 1300:dup 1301:neg 2900:big 2901:check 2999:key
both people bad.csv
is "$own" "$sqlite" "eight bad records: the messages, in order, as with SQLite's checks"
like "$own" "bad\\.csv:201:2: field 'case_id': '14' rejected: FOREIGN KEY constraint failed: no such cases\\.id
bad\\.csv:201:4: field 'age': '300' rejected: CHECK constraint failed" "a key and a CHECK failing in one record: both said"
like "$own" "bad\\.csv:1301:1: .*UNIQUE.*
bad\\.csv:1301:2: field 'case_id': '21' rejected: FOREIGN KEY" "a duplicate id and a key failing in one record: both said"
like "$own" "bad\\.csv:5:2: field 'case_id': NULL rejected: NOT NULL" "no key in a NOT NULL column: SQLite's NOT NULL"
like "$own" "bad\\.csv:1302:2: field 'case_id': '-4096' rejected: FOREIGN KEY" "a negative key"
like "$own" "bad\\.csv:2901:2: field 'case_id': '9223372036854775807' rejected: FOREIGN KEY" "the largest key"
both people bad.csv --rejects
is "$own" "$sqlite" "eight bad records, --rejects: as with SQLite's checks"
cmp -s rej-own.csv rej-sqlite.csv
ok $? "eight bad records, --rejects: the same rejects file"
is "$(q x-own.db 'SELECT count(*) FROM pragma_foreign_key_check')" 0 \
   "eight bad records, --rejects: foreign_key_check finds nothing"
both people bad.csv --dry-run
is "$own" "$sqlite" "--dry-run: as with SQLite's checks"

# --replace, into a table holding rows already.
people good.csv
for db in own sqlite; do
    $VIGIL_PLAIN import people good.csv --db "$db.db" --quiet 2>/dev/null
done
people bad.csv 1000:key
both people bad.csv --replace
is "$own" "$sqlite" "--replace with a bad key: as with SQLite's checks"
like "$own" "\\|3000:4501500\\.0:" "--replace with a bad key: the old rows stay"

# A key column missing from the header takes its DEFAULT 7: no such case, every record
# refused; with 14 rows of notes the default is checked both in batches and alone.
awk 'BEGIN { print "id,body"; for (i = 1; i <= 300; i++) print i ",x" }' >notes.csv
both notes notes.csv --max-errors 2
is "$own" "$sqlite" "a missing key column's DEFAULT matching nothing: as with SQLite's checks"
like "$own" "^1\\|notes\\.csv:2: record rejected: FOREIGN KEY constraint failed" "the DEFAULT's refusal said"
awk 'BEGIN { print "id,case_id,body"; for (i = 1; i <= 300; i++) print i "," (i % 2 ? "" : 8) ",x" }' >notes2.csv
both notes notes2.csv
is "$own" "$sqlite" "empty keys (the DEFAULT 7) in every other record: as with SQLite's checks"

# ON CONFLICT IGNORE: SQLite does not check the key of a row it ignores, so vigil leaves
# such a table's keys to SQLite (a duplicate id with a key matching nothing is dropped
# without a word, as SQLite does).
awk 'BEGIN { print "id,case_id"; for (i = 1; i <= 3000; i++) print (i == 2000 ? 5 : i) "," (i == 2000 ? 700 : 1) }' >seen.csv
both seen seen.csv
is "$own" "$sqlite" "ON CONFLICT IGNORE, an ignored row with a bad key: as with SQLite's checks"
like "$own" "^0\\|vigil import: seen: [0-9]* rows imported, 0 rejected\\|2999:" \
     "ON CONFLICT IGNORE: the ignored row dropped, no message"

# --- SIGKILL midway: the database is as before and intact ----------------------------
cp own.db x.db
before=$(q x.db "SELECT count(*) || ':' || total(id) FROM people")
import_killed people x.db awk 'BEGIN { print "id,case_id,role,age"; for (i = 5000; i < 205000; i++) print i "," (i % 7 ? i % 20000 : 1) ",victim,30" }'
is "$(q x.db "SELECT count(*) || ':' || total(id) FROM people")" "$before" "killed mid-import: the table is as before"
is "$(q x.db 'PRAGMA integrity_check')" "ok" "killed mid-import: integrity_check ok"
is "$(q x.db 'SELECT count(*) FROM pragma_foreign_key_check')" 0 "killed mid-import: foreign_key_check finds nothing"
people bad.csv 5:key
$VIGIL import people bad.csv --db x.db >out 2>err
is "$?" 1 "after the kill, a bad key is still refused (foreign keys as before)"

done_testing
