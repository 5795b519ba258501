#!/bin/sh
# WAL and the busy timeout: a reader (a report) reads while a writer (an import) holds its
# transaction open, seeing the data as it was; a second writer waits for the first.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
$VIGIL init --db db.sqlite --quiet || exit 1
before=$($VIGIL --db db.sqlite -e 'print(db:scalar("select count(*) from districts"))')

mkfifo go done_writing
# The writer: opens a write transaction, inserts, says so, then waits for "go" to commit.
$VIGIL --db db.sqlite -e '
db:exec("begin immediate")
db:exec("insert into districts(code, name, borders_cambodia) values (?, ?, 0)", "test_x", "Thử nghiệm")
local signal = assert(io.open("done_writing", "w")) signal:write("inserted\n") signal:close()
local wait = assert(io.open("go", "r")) wait:read("l") wait:close()
db:exec("commit")' >writer.out 2>writer.err &
writer=$!
read -r line <done_writing
is "$line" "inserted" "the writer holds an open write transaction"

is "$($VIGIL --db db.sqlite -e 'print(db:scalar("pragma journal_mode"))')" "wal" "the database is in WAL mode"
out=$($VIGIL --db db.sqlite -e 'print(db:scalar("select count(*) from districts"))' 2>err)
is "$out" "$before" "a reader reads during the write, seeing the committed data only"
is "$(cat err)" "" "the reader neither waits nor fails"

# A second writer with a short busy timeout gives up with SQLite's busy error.
$VIGIL -e 'local d = assert(vigil.db.open("db.sqlite", {timeout = 200}))
print(pcall(d.exec, d, "begin immediate"))' >busy.out 2>&1
like "$(cat busy.out)" "^false	.*locked" "a second writer waits the busy timeout, then fails clearly"

echo go >go
wait $writer
is "$?" 0 "the writer commits"
is "$($VIGIL --db db.sqlite -e 'print(db:scalar("select count(*) from districts"))')" "$((before + 1))" "the reader sees the new row after the commit"

done_testing
