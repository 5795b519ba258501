#!/bin/sh
# Sandbox escapes of a report script: each attempt fails with its own message, the run
# stops (exit 1, no "done"), the previous report of the same name and period stays
# byte for byte, and no file appears outside. Attempts that only the watchdog can stop (a
# finalizer looping with hooks off) leave a stale temporary folder, removed by the next run.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

$VIGIL init --db v.db --quiet >/dev/null 2>&1
ok $? "init a database"

# run SCRIPT_TEXT: writes escape.lua and runs it as a report with small limits (a time
# limit of $limit seconds).
limit=1
run() {
    printf '%s\n' "$1" > escape.lua
    $VIGIL report escape.lua --db v.db --period 2022-09 --today 2022-09-08 --out out \
        --time-limit "$limit" --memory-limit 64 >/dev/null 2>err.txt
}

run 'report.title("previous") report.table({ { a = 1 } })'
ok $? "the previous report is made"
before=$(cd out/escape/2022-09 && sha256sum ./* | sha256sum)

# escape SCRIPT_TEXT PATTERN NAME: the attempt exits 1 with PATTERN (grep -E) on stderr,
# the run says no "done", and the previous report is untouched.
escape() {
    run "$1"
    st=$?
    msg=$(cat err.txt)
    now=$(cd out/escape/2022-09 && sha256sum ./* | sha256sum)
    if [ $st -eq 1 ] && printf '%s' "$msg" | grep -Eq -- "$2" && ! printf '%s' "$msg" | grep -q 'vigil report: done' &&
       [ "$now" = "$before" ]; then
        ok 0 "sandbox: $3"
    else
        ok 1 "sandbox: $3"
        echo "#   exit $st; previous report $( [ "$now" = "$before" ] && echo intact || echo CHANGED)"
        printf '%s\n' "$msg" | head -5 | sed 's/^/#   /'
    fi
}
escape 'io.open("pwned", "w")' "global 'io'" "io.open"
escape 'io.popen("touch pwned")' "global 'io'" "io.popen"
escape 'os.execute("touch pwned")' "field 'execute'" "os.execute"
escape 'report.title(os.getenv("HOME"))' "field 'getenv'" "os.getenv"
escape 'require "vigil.gnuplot"' "module 'vigil.gnuplot' is not available in the sandbox" 'require "vigil.gnuplot"'
escape 'require "vigil.report.core"' "module 'vigil.report.core' is not available in the sandbox" 'require "vigil.report.core"'
escape 'debug.sethook()' "global 'debug'" "debug"
escape 'assert(load(string.dump(function() end)))' "attempt to load a binary chunk" "string.dump + load"
escape 'assert(load(string.dump(function() end), "x", "b"))' "only text chunks can be loaded in the sandbox" "load with mode b"
escape 'package.loadlib("libc.so.6", "system")' "global 'package'" "package.loadlib"
escape 'collectgarbage("stop")' "collectgarbage\('stop'\) is not allowed in the sandbox" 'collectgarbage("stop")'
escape 'getmetatable("").__index.rep = nil' "escape.lua:1: attempt to index a nil value" 'getmetatable("").__index'
escape 'setmetatable(_G, { __index = function(_, k) return k end }) io.open("pwned", "w")' \
    "attempt to call a nil value \(field 'open'\)" "setmetatable on _G reaches no hidden global"
escape 'report.title("new") setmetatable(_G, { __gc = function() while true do end end })' \
    "stopped: time limit of 1 s exceeded \(watchdog\)" "setmetatable on _G with a looping __gc"
escape 'setmetatable({}, { __gc = function() while true do end end }) collectgarbage()' \
    "stopped: time limit of 1 s exceeded \(watchdog\)" "a finalizer that loops (hooks off)"
escape 'coroutine.wrap(function() while true do end end)()' "stopped: time limit of 1 s exceeded" \
    "an infinite loop inside a coroutine"
escape 'while true do end' "stopped: time limit of 1 s exceeded" "time limit"
escape 'pcall(function() while true do end end) while true do end' "stopped: time limit of 1 s exceeded" \
    "a pcall swallowing the time limit"
limit=60
escape 'local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end' "memory limit of 64 MiB exceeded" "memory limit"
limit=1
escape 'db:exec("ATTACH DATABASE '"'pwned.db'"' AS p")' "not authorized" "ATTACH"
escape 'db:exec("VACUUM INTO '"'pwned.db'"'")' "not authorized|authorization denied" "VACUUM INTO"
escape 'db:exec("PRAGMA query_only = 0") db:exec("CREATE TABLE pwned(x)")' "not authorized|readonly|read-only" \
    "PRAGMA query_only = 0 then a write"
escape 'db:exec("SELECT fts3_tokenizer(1)")' "not authorized|no such function|unsafe use" "fts3_tokenizer"
escape 'db:exec("SELECT load_extension(1)")' "not authorized|no such function" "load_extension"
escape 'report.chart{ {{x = 1, y = 2}}, x = "x", y = "y", out = "pwned.svg" }; error("done here")' "done here" \
    "a chart's out is ignored"
test ! -e pwned && test ! -e pwned.db && test ! -e pwned.svg && test ! -e out/escape/pwned.svg
ok $? "sandbox: no file was created"

run 'report.title("again")'
ok $? "the next run after the watchdog's stops succeeds"
is "$(ls -A out/escape | grep -c 'tmp-\|old-')" 0 "and no temporary folder is left"

# A Series' :plot inside the sandbox: the sandbox's own copy of vigil.trend requires
# vigil.plot through the sandbox's require, which refuses it; no file is written.
run 'local s = trend.series{ from = "incidents", time = "detected_on", range = { "2022-01", "2022-03" } }
s:plot{ out = "pwned-by-series.svg" }'
is "$?" 1 "sandbox: s:plot{out = FILE} fails"
test ! -e pwned-by-series.svg && test ! -e out/escape/pwned-by-series.svg
ok $? "sandbox: s:plot{out = FILE} writes no file"

done_testing
