#!/bin/sh
# A report run killed (SIGKILL) midway leaves the previous report untouched and no
# half-written one; the next run removes the stale temporary folder and succeeds.
#
# The run is made slow deterministically: a fake gnuplot first on PATH tells the test that
# the run reached its charts (the script has run, the temporary folder is being filled)
# and then waits on a FIFO the test controls. The test kills vigil at that moment.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

$VIGIL init --db v.db --quiet >/dev/null 2>&1
ok $? "init a database"

# report ARGS...: the monthly report for 2022-09 on v.db into out/.
report() {
    $VIGIL report monthly --db v.db --period 2022-09 --today 2022-10-01 --out out "$@"
}

report >/dev/null 2>first.err
ok $? "the previous report is made"
before=$(cd out/monthly/2022-09 && sha256sum ./* | sha256sum)

# events: where the fake gnuplot and the background run say what happened. The test holds
# it open for reading and writing, so writers never block and reads wait for a line.
mkfifo events go || exit 1
exec 3<>events
mkdir bin
cat > bin/gnuplot <<SH
#!/bin/sh
echo "started \$PPID" > "$SCRATCH/events"
read line < "$SCRATCH/go"
exit 1
SH
chmod +x bin/gnuplot

( PATH="$SCRATCH/bin:$PATH" report >/dev/null 2>slow.err; echo "exited $?" > "$SCRATCH/events" ) &
runner=$!
read -r what pid <&3
is "$what" started "the run reaches its charts and waits on the test's FIFO"
if [ "$what" = started ]; then
    test -d "out/monthly/.2022-09.tmp-$pid"
    ok $? "its temporary folder .2022-09.tmp-$pid exists while it runs"
    kill -KILL "$pid"
    read -r what status <&3
    is "$what $status" "exited 137" "the run is killed by SIGKILL"
    echo go > go   # let the fake gnuplot end
else
    ok 1 "its temporary folder exists while it runs"
    ok 1 "the run is killed by SIGKILL"
    sed 's/^/#   /' slow.err
fi
wait "$runner"
exec 3>&-

is "$(cd out/monthly/2022-09 && sha256sum ./* | sha256sum)" "$before" "the previous report is untouched"
is "$(ls -A out/monthly | grep -c '^\.2022-09\.tmp-')" 1 "the killed run left its temporary folder, nothing else"
is "$(ls -A out/monthly | grep -vc '^\.')" 1 "no second report folder appeared"

path=$(report 2>next.err)
ok $? "the next run succeeds (a killed run's lock is gone with it)"
like "$(cat next.err)" "removing the leftover out/monthly/\.2022-09\.tmp-$pid" "it says it removes the stale temporary folder"
is "$(ls -A out/monthly | grep -c 'tmp-\|old-')" 0 "no temporary folder is left"
test -s "$path/index.html" && test -s "$path/report.md" && test -s "$path/manifest.json"
ok $? "the new report is whole"

done_testing
