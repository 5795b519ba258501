#!/bin/sh
# The shipped dataset: datasets/generate.lua reproduces the committed CSV files byte for
# byte (under vigil and under lua5.4), the records load into datasets/schema.sql with the
# sqlite3 shell (a loader independent of `vigil init`), the window 2022-01-01..2022-09-08
# adds up to every figure of ../shared/seed/FIGURES.md for any seed, and the generator's
# command line refuses bad options.
set -u
. "$(dirname "$0")/lib.sh"
ROOT=$VIGIL_ROOT
DATA=$ROOT/datasets
TABLES="agencies districts incidents subjects outreach dataset_info"


# diag FILE: shows the start of FILE as TAP diagnostics.
diag() {
    sed 's/^/# /' "$1" | head -20
}

# load DB DIR: builds DB from DIR/schema.sql and DIR/TABLE.csv with the sqlite3 shell. The
# shell imports empty fields as '', so the rows go through a text staging table and nullif.
load() {
    rm -f "$1"
    sqlite3 "$1" ".read $2/schema.sql" || return 1
    for table in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid"); do
        columns=$(head -n 1 "$2/$table.csv")
        values=$(printf '%s' "$columns" | sed "s/\([^,]*\)/nullif(\"\1\", '')/g")
        sqlite3 "$1" ".import --csv $2/$table.csv stage" \
            "INSERT INTO $table ($columns) SELECT $values FROM stage" "DROP TABLE stage" || return 1
    done
    test -z "$(sqlite3 "$1" 'PRAGMA foreign_key_check')"
}

# The window's figures computed straight from the records, in the order of FIGURES.md:
# cases by detected_on, people by their case; the youth union's reach as 1 when above 300000.
WINDOW_SQL="
WITH c AS (SELECT * FROM incidents WHERE detected_on BETWEEN '2022-01-01' AND '2022-09-08'),
     p AS (SELECT s.* FROM subjects AS s JOIN c ON c.id = s.incident_id),
     o AS (SELECT * FROM outreach WHERE held_on BETWEEN '2022-01-01' AND '2022-09-08')
SELECT (SELECT count(*) FROM c WHERE category = 'human_trafficking'),
       (SELECT total(victims) FROM c),
       (SELECT count(*) FROM c WHERE category <> 'human_trafficking'),
       (SELECT count(*) FROM p),
       (SELECT count(DISTINCT incident_id) FROM p WHERE disposition = 'administrative'),
       (SELECT count(*) FROM p WHERE disposition = 'administrative'),
       (SELECT count(*) FROM p WHERE disposition = 'warning'),
       (SELECT count(*) FROM p WHERE disposition = 'deportation'),
       (SELECT count(DISTINCT incident_id) FROM p WHERE disposition = 'prosecution'),
       (SELECT count(*) FROM p WHERE disposition = 'prosecution'),
       (SELECT count(*) FROM p WHERE disposition = 'verifying'),
       (SELECT total(events) FROM o WHERE agency = 'information_communications' AND activity = 'broadcast'),
       (SELECT total(events) FROM o WHERE agency = 'justice' AND activity = 'conference'),
       (SELECT total(sites) FROM o WHERE agency = 'justice' AND activity = 'conference'),
       (SELECT total(participants) FROM o WHERE agency = 'justice' AND activity = 'conference'),
       (SELECT total(materials) FROM o WHERE agency = 'justice' AND activity = 'publication'),
       (SELECT total(events) FROM o WHERE agency = 'education_training' AND activity = 'session'),
       (SELECT total(participants) FROM o WHERE agency = 'education_training' AND activity = 'session'),
       (SELECT total(materials) FROM o WHERE agency = 'labour_social_affairs' AND activity = 'leaflet'),
       (SELECT total(events) FROM o WHERE agency = 'labour_social_affairs' AND activity = 'training'),
       (SELECT total(participants) FROM o WHERE agency = 'labour_social_affairs' AND activity = 'training'),
       (SELECT total(participants) FROM o WHERE agency = 'labour_social_affairs' AND activity = 'job_counselling'),
       (SELECT total(sites) FROM o WHERE agency = 'womens_union' AND activity = 'social_media'),
       (SELECT total(participants) FROM o WHERE agency = 'womens_union' AND activity = 'volunteer_network'),
       (SELECT total(reach) > 300000 FROM o WHERE agency = 'youth_union' AND activity = 'social_media');"
FIGURES="0|0.0|41|117|27|68|29|6|6|12|2|602.0|1.0|158.0|1835.0|4000.0|195.0|70815.0|28000.0|12.0|350.0|53080.0|359.0|7800.0|1"

# The same people read by the day of the decision: decided in the window, per disposition.
DECIDED_SQL="SELECT group_concat(disposition || '=' || n, ' ') FROM (
  SELECT disposition, count(*) AS n FROM subjects
  WHERE disposed_on BETWEEN '2022-01-01' AND '2022-09-08' GROUP BY disposition ORDER BY disposition);"
DECIDED="administrative=68 deportation=6 prosecution=12 warning=29"

# 1-6: the generator run by vigil gives the committed files, byte for byte.
mkdir "$SCRATCH/vigil" "$SCRATCH/lua" "$SCRATCH/seed2" "$SCRATCH/cases"
$VIGIL "$DATA/generate.lua" --out "$SCRATCH/vigil" >"$SCRATCH/out" 2>&1
status=$?
[ $status -eq 0 ] || diag "$SCRATCH/out"
for table in $TABLES; do
    cmp -s "$DATA/$table.csv" "$SCRATCH/vigil/$table.csv"
    ok $? "vigil datasets/generate.lua reproduces datasets/$table.csv byte for byte"
done

# 7: lua5.4 gives the same bytes as vigil.
lua5.4 "$DATA/generate.lua" --out "$SCRATCH/lua" >"$SCRATCH/out" 2>&1
same=0
for table in $TABLES; do cmp -s "$SCRATCH/vigil/$table.csv" "$SCRATCH/lua/$table.csv" || same=1; done
ok $same "lua5.4 and vigil generate identical files"

# 8: the generator writes no published_figures.csv (it is written by hand).
test ! -e "$SCRATCH/vigil/published_figures.csv"
ok $? "the generator leaves published_figures.csv alone"

# 9: the committed files load into the STRICT schema with every check and foreign key.
load "$SCRATCH/shipped.db" "$DATA" >"$SCRATCH/out" 2>&1
status=$?
[ $status -eq 0 ] || diag "$SCRATCH/out"
ok $status "the committed CSV files load into datasets/schema.sql (sqlite3 shell)"

# 10: the shipped window adds up to every figure.
got=$(sqlite3 "$SCRATCH/shipped.db" "$WINDOW_SQL")
[ "$got" = "$FIGURES" ]
ok $? "the shipped 2022-01-01..2022-09-08 records add up to the published figures"
if [ "$got" != "$FIGURES" ]; then echo "# got      $got"; echo "# expected $FIGURES"; fi

# 11: read by the day of the decision, the window holds the same dispositions.
got=$(sqlite3 "$SCRATCH/shipped.db" "$DECIDED_SQL")
[ "$got" = "$DECIDED" ]
ok $? "decisions dated in the window are those of the window's cases ($got)"

# 12: published_figures.csv holds the figures of FIGURES.md.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT group_concat(topic || '/' || agency || '/' || metric || '=' || value || '/' || qualifier, ' ') FROM published_figures WHERE published_on = '2022-09-08' AND period_start = '2022-01-01' AND period_end = '2022-09-08'")
want="human_trafficking/police/cases=0/exact human_trafficking/police/victims=0/exact illegal_migration/police/cases=41/exact illegal_migration/police/subjects=117/exact administrative/police/cases=27/exact administrative/police/subjects=68/exact warning/police/subjects=29/exact deportation/police/subjects=6/exact prosecution/police/cases=6/exact prosecution/police/subjects=12/exact verifying/police/subjects=2/exact broadcast/information_communications/events=602/exact conference/justice/events=1/exact conference/justice/sites=158/exact conference/justice/participants=1835/exact publication/justice/materials=4000/exact session/education_training/events=195/exact session/education_training/participants=70815/exact leaflet/labour_social_affairs/materials=28000/exact training/labour_social_affairs/events=12/exact training/labour_social_affairs/participants=350/exact job_counselling/labour_social_affairs/participants=53080/exact social_media/womens_union/sites=359/exact volunteer_network/womens_union/participants=7800/exact social_media/youth_union/reach=300000/more_than"
[ "$got" = "$want" ]
ok $? "published_figures.csv holds every figure of FIGURES.md"

# 13: the records say they are synthetic.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT (SELECT value FROM dataset_info WHERE key = 'synthetic') LIKE 'yes%', (SELECT count(*) FROM incidents WHERE summary NOT LIKE '[Dữ liệu mô phỏng]%')")
[ "$got" = "1|0" ]
ok $? "dataset_info and every summary mark the records as synthetic"

# 14: dataset_info's counts match the files.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT (SELECT value FROM dataset_info WHERE key = 'cases') = (SELECT count(*) FROM incidents), (SELECT value FROM dataset_info WHERE key = 'subjects') = (SELECT count(*) FROM subjects), (SELECT value FROM dataset_info WHERE key = 'outreach') = (SELECT count(*) FROM outreach)")
[ "$got" = "1|1|1" ]
ok $? "dataset_info counts the rows it describes"

# 15: trafficking cases exist in other years, none in the window; records span 2019-2025.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT count(*) > 0, min(detected_on) >= '2019-01-01', max(detected_on) <= '2025-12-31' FROM incidents WHERE category = 'human_trafficking'; SELECT min(detected_on) < '2019-02-01', max(detected_on) > '2025-11-30' FROM incidents; SELECT min(held_on) < '2019-02-01', max(held_on) > '2025-11-30' FROM outreach")
[ "$got" = "1|1|1
1|1
1|1" ]
ok $? "records cover 2019-01..2025-12 with trafficking cases outside the window"

# 16: decisions never precede detection.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT count(*) FROM subjects AS s JOIN incidents AS i ON i.id = s.incident_id WHERE s.disposed_on < i.detected_on")
[ "$got" = "0" ]
ok $? "no subject is decided before the case is detected"

# 17: illegal crossing cases are mostly in border districts.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT avg(d.borders_cambodia) > 0.7 FROM incidents AS i JOIN districts AS d ON d.code = i.district WHERE i.category IN ('illegal_exit', 'illegal_entry', 'organizing_illegal_migration')")
[ "$got" = "1" ]
ok $? "illegal exit, entry and organising cases are mostly in border districts"

# 18: illegal entries surge during the 2020-2021 border closure.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT (SELECT count(*) FROM incidents WHERE category = 'illegal_entry' AND detected_on BETWEEN '2020-04-01' AND '2021-12-31') > 3 * (SELECT count(*) FROM incidents WHERE category = 'illegal_entry' AND detected_on BETWEEN '2023-04-01' AND '2024-12-31')")
[ "$got" = "1" ]
ok $? "illegal entries surge during the 2020-2021 border closure"

# 19: outreach clusters around 30 July.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT (SELECT count(*) FROM outreach WHERE strftime('%m-%d', held_on) BETWEEN '07-15' AND '08-05') > 2 * 22 * (SELECT count(*) FROM outreach) / 365")
[ "$got" = "1" ]
ok $? "outreach clusters around 30 July"

# 20: the size at scale 1 stays modest.
got=$(sqlite3 "$SCRATCH/shipped.db" "SELECT (SELECT max(n) FROM (SELECT count(*) AS n FROM incidents GROUP BY substr(detected_on, 1, 4))) < 1000, (SELECT count(*) FROM outreach) BETWEEN 1000 AND 6000")
[ "$got" = "1|1" ]
ok $? "scale 1 has hundreds of incidents a year and a few thousand outreach rows"

# 21-23: another seed gives other records whose window still adds up exactly.
$VIGIL "$DATA/generate.lua" --seed 2 --out "$SCRATCH/seed2" >"$SCRATCH/out" 2>&1
! cmp -s "$DATA/incidents.csv" "$SCRATCH/seed2/incidents.csv"
ok $? "--seed 2 gives other records"
cp "$DATA/schema.sql" "$DATA/published_figures.csv" "$SCRATCH/seed2/"
load "$SCRATCH/seed2.db" "$SCRATCH/seed2" >"$SCRATCH/out" 2>&1 &&
    [ "$(sqlite3 "$SCRATCH/seed2.db" "$WINDOW_SQL")" = "$FIGURES" ]
ok $? "--seed 2 records load and their window adds up to the figures"
[ "$(sqlite3 "$SCRATCH/seed2.db" "$DECIDED_SQL")" = "$DECIDED" ]
ok $? "--seed 2 decisions dated in the window match too"

# 24-25: --cases N gives exactly N incidents and keeps the window exact.
$VIGIL "$DATA/generate.lua" --cases 300 --seed 5 --out "$SCRATCH/cases" >"$SCRATCH/out" 2>&1
[ "$(($(wc -l <"$SCRATCH/cases/incidents.csv") - 1))" -eq 300 ]
ok $? "--cases 300 writes exactly 300 incidents"
cp "$DATA/schema.sql" "$DATA/published_figures.csv" "$SCRATCH/cases/"
load "$SCRATCH/cases.db" "$SCRATCH/cases" >"$SCRATCH/out" 2>&1 &&
    [ "$(sqlite3 "$SCRATCH/cases.db" "$WINDOW_SQL")" = "$FIGURES" ]
ok $? "--cases 300 keeps the window exact"

# 26-31: the command line.
# refuses ARGS... EXPECTED_STATUS WORD: runs the generator, checks status and stderr text.
refuses() {
    expected=$1 word=$2
    shift 2
    $VIGIL "$DATA/generate.lua" "$@" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    status=$?
    [ $status -eq "$expected" ] && grep -q -- "$word" "$SCRATCH/stderr" && [ ! -s "$SCRATCH/stdout" ]
}
refuses 2 "seed" --seed abc --out "$SCRATCH/x"
ok $? "--seed abc: exit 2 naming --seed"
refuses 2 "at least 41" --cases 40 --out "$SCRATCH/x"
ok $? "--cases 40: exit 2, fewer than the window's cases"
refuses 2 "scale" --scale 0 --out "$SCRATCH/x"
ok $? "--scale 0: exit 2 naming --scale"
refuses 2 "unknown argument '--bogus'" --bogus
ok $? "an unknown option: exit 2 naming it"
refuses 1 "$SCRATCH/missing/agencies.csv" --out "$SCRATCH/missing"
ok $? "--out to a missing folder: exit 1 naming the file"
$VIGIL "$DATA/generate.lua" --help >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
[ $? -eq 0 ] && grep -q "^usage: generate.lua" "$SCRATCH/stdout" && [ ! -s "$SCRATCH/stderr" ]
ok $? "--help prints the usage on stdout and exits 0"

done_testing
