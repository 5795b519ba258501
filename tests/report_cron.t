#!/bin/sh
# The crontab line and the systemd service + timer pair of the README, taken from the
# document itself (so the two cannot drift) and run as cron and systemd would: their exact
# command, in their working folder, with an empty environment and no terminal. Only the
# absolute places are moved into the scratch folder: /srv -> $SCRATCH/srv, /var/log ->
# $SCRATCH/log, /usr/local/bin/vigil and `vigil` on PATH -> the vigil under test.
. "$(dirname "$0")/lib.sh"
[ "${VIGIL_VALGRIND:-0}" = 1 ] && { echo "1..0 # SKIP runs vigil through a wrapper"; exit 0; }
cd "$SCRATCH" || exit 1
DOC=$VIGIL_ROOT/README.md

mkdir -p bin srv/vigil srv/reports log
printf '#!/bin/sh\nexec %s "$@"\n' "$VIGIL" > bin/vigil
chmod +x bin/vigil
$VIGIL init --db srv/vigil/vigil.db --quiet >/dev/null 2>&1
ok $? "the database of the working folder /srv/vigil"
# The month before today, as --period last-month names it.
month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)

# moved TEXT: TEXT with its absolute places moved into the scratch folder.
moved() {
    printf '%s\n' "$1" | sed -e "s#/usr/local/bin/vigil#$SCRATCH/bin/vigil#g" \
        -e "s#/srv/#$SCRATCH/srv/#g" -e "s#/var/log/#$SCRATCH/log/#g"
}

# as_daemon DIR COMMAND: runs the shell command in DIR as cron or systemd would: a new
# session without a terminal, stdin from /dev/null, nearly no environment.
as_daemon() {
    (cd "$1" && setsid -w env -i PATH="$SCRATCH/bin:/usr/bin:/bin" HOME="$SCRATCH" LOGNAME=vigil \
        SHELL=/bin/sh /bin/sh -c "$2" </dev/null)
}

# The crontab line: five time fields, then the command.
line=$(grep -E '^    [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ ' "$DOC")
is "$(printf '%s\n' "$line" | grep -c .)" 1 "the README holds one crontab line"
command=$(printf '%s\n' "$line" | sed -E 's/^ +([^ ]+ +){5}//')
like "$command" '^cd /srv/vigil && vigil report monthly --period last-month ' "its command runs the monthly report"
! printf '%s' "$command" | grep -q '%'
ok $? "its command holds no % (cron would cut the line there)"
as_daemon "$SCRATCH" "$(moved "$command")" >cron.out 2>cron.err
ok $? "the crontab command exits 0"
test ! -s cron.out && test ! -s cron.err
ok $? "it writes nothing outside its log"
log=$(cat log/vigil-report.log 2>/dev/null)
like "$log" "^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z vigil report: monthly for $month" "the log has timestamped lines"
is "$(tail -n 1 log/vigil-report.log)" "$SCRATCH/srv/reports/monthly/$month" "the log ends with the report's folder (stdout)"
test -s "srv/reports/monthly/$month/index.html"
ok $? "the report for last month ($month) is there"

# The systemd pair: each unit is the indented block under its "# /etc/systemd/system/NAME".
awk '/^    # \/etc\/systemd\/system\// { f = $2; sub(".*/", "", f); next }
     f && /^    / { sub(/^    /, ""); print > f; next }
     { f = "" }' "$DOC"
test -s vigil-report.service && test -s vigil-report.timer
ok $? "the README holds vigil-report.service and vigil-report.timer (the timer starts the service of its name)"
grep -qx 'Type=oneshot' vigil-report.service && grep -qx 'WantedBy=timers.target' vigil-report.timer &&
    grep -qx 'Persistent=true' vigil-report.timer
ok $? "a oneshot service, a persistent timer wanted by timers.target"
calendar=$(sed -n 's/^OnCalendar=//p' vigil-report.timer)
moved "$(cat vigil-report.service)" > moved.service
if command -v systemd-analyze >/dev/null; then
    systemd-analyze calendar "$calendar" >calendar.out 2>&1
    ok $? "OnCalendar=$calendar is a valid calendar expression"
    like "$(cat calendar.out)" 'Next elapse: .*-02 06:00:00' "it falls on the 2nd of a month at 06:00"
    systemd-analyze verify --man=no "$SCRATCH/moved.service" >verify.out 2>&1
    ok $? "systemd-analyze verify accepts the service"
    sed 's/^/#   /' verify.out | head -5
else
    for i in 1 2 3; do TEST_N=$((TEST_N + 1)); echo "ok $TEST_N # SKIP systemd-analyze is not installed"; done
fi
workdir=$(sed -n 's/^WorkingDirectory=//p' moved.service)
exec_start=$(sed -n 's/^ExecStart=//p' moved.service)
rm -rf srv/reports/monthly
as_daemon "$workdir" "$exec_start" >service.out 2>service.err
ok $? "the service's ExecStart exits 0 in its WorkingDirectory"
is "$(cat service.out)" "$SCRATCH/srv/reports/monthly/$month" "stdout (the journal) gets the report's folder"
like "$(cat service.err)" "Z vigil report: done: " "stderr (the journal) gets the timestamped log"
test -s "srv/reports/monthly/$month/index.html"
ok $? "the report for last month is there"

done_testing
