#!/bin/sh
# vigil --sandbox: what an untrusted script cannot do, and the limits that stop it.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
$VIGIL init --db db.sqlite --quiet || exit 1
SB="$VIGIL --db $SCRATCH/db.sqlite --sandbox"

# run NAME SCRIPT [vigil options]: writes the script, runs it sandboxed into out/err.
run() {
    printf '%s\n' "$2" >"$1.lua"
    shift 2
    $SB "$@" "$SCRATCH/$name.lua" >out 2>err
}

name=ok; run ok 'print(db:scalar("select count(*) > 0 from incidents"), ...)' ; rc=$?
is "$rc" 0 "a plain script runs"
is "$(cat out)" "1" "it reads the database"
printf 'print(...)\n' >args.lua
is "$($SB args.lua a 'b c')" "a	b c" "arguments reach the script"

name=globals; run globals 'for _, n in ipairs{"io","package","debug","dofile","loadfile","os.execute","os.getenv","os.remove","os.rename","os.exit","io.popen","package.loadlib"} do local ok, v = pcall(load("return " .. n)) print(n, ok and v ~= nil) end'
is "$(grep -c 'false$' out)" 12 "no io, package, debug, dofile, loadfile, os.execute, getenv, remove, rename, exit, popen, loadlib"

name=req; run req 'print(pcall(require, "vigil.gnuplot")) print(require("vigil.db").open, require("vigil.db").lazy) print(pcall(require, "io")) print(type(require("vigil.trend").series)) print(pcall(require, "vigil.plot"))'
like "$(cat out)" "false	module 'vigil.gnuplot' is not available in the sandbox" "require of vigil.gnuplot refused"
like "$(cat out)" "nil	nil" "require of vigil.db gives no open or lazy (no other databases)"
like "$(cat out)" "^function$" "vigil.trend is available"
like "$(cat out)" "false	module 'vigil.plot' is not available" "require of vigil.plot refused (files only through reports)"

name=copies; run copies 'local t = require "vigil.trend" t.series = nil t.stats.mann_kendall = nil print(trend == t, type(package))'
is "$(cat out)" "true	nil" "the sandbox's vigil.trend is its own copy"
name=series; run series 'local s = trend.series{ from = "incidents", time = "detected_on", period = "month", range = { "2022-01", "2022-03" } } print(#s:periods()) print(pcall(s.plot, s, { out = "'"$SCRATCH"'/pwned.svg" }))'
like "$(cat out)" "^3" "trend works in the sandbox"
like "$(cat out)" "module 'vigil.plot' is not available" "a Series cannot plot from the sandbox"
test ! -e pwned.svg
ok $? "and writes no file"

name=export; run export 'print(pcall(db.export, db, "select 1 as x", "'"$SCRATCH"'/exported.csv"))'
like "$(cat out)" "not allowed on a guarded" "db:export refused in the sandbox"
test ! -e exported.csv
ok $? "and writes no file"

name=bytecode; run bytecode 'print(load(string.dump(function() return 1 end))) print(load("return 2", "x", "b"))'
like "$(cat out)" "attempt to load a binary chunk" "load of bytecode refused"
like "$(cat out)" "only text chunks" "load with mode b refused"
$VIGIL -e 'local f = assert(io.open("bin.luac", "wb")) f:write(string.dump(load("print(1)"))) f:close()'
$SB bin.luac >out 2>err
is "$?" 1 "a binary script file: exit 1"
like "$(cat err)" "binary chunk" "a binary script file is refused"

for sql in "attach '$SCRATCH/attached.db' as a" "vacuum into '$SCRATCH/vacuumed.db'" \
           "pragma query_only = 0" "pragma writable_schema = 1" \
           "delete from subjects" "insert into districts values('x', 'x', 0)" \
           "create temp table t(x)" "select fts3_tokenizer('simple')" "select load_extension('x')" \
           "detach main"; do
    printf 'db:exec([==[%s]==])\n' "$sql" >sql.lua
    $SB sql.lua >out 2>err
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q "not authorized\|authorization denied\|cannot detach" err; then ok 0 "refused: $sql"; else ok 1 "refused: $sql"; cat err | sed 's/^/# /'; fi
done
test ! -e attached.db && test ! -e vacuumed.db
ok $? "ATTACH and VACUUM INTO created no file"
is "$($VIGIL --db db.sqlite -e 'print(db:scalar("select count(*) > 0 from subjects"))')" 1 "the database is intact"

name=meta; run meta 'print(getmetatable(""), getmetatable(db)) string.gsub = nil print(("x"):gsub("x", "y"))'
is "$(cat out)" "nil	nil
y	1" "string metatable hidden; a script's string table is its own copy"

name=loop; run loop 'while true do end' --max-seconds 1
is "$?" 1 "an endless loop: exit 1"
like "$(cat err)" "stopped: time limit of 1 s exceeded" "an endless loop: the time limit says so"

name=sql; run sql 'print(db:scalar("with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"))' --max-seconds 1
is "$?" 1 "an endless query: exit 1"
like "$(cat err)" "stopped: time limit of 1 s exceeded .*interrupted" "an endless query is interrupted at the deadline"

name=swallow; run swallow 'while true do pcall(function() while true do end end) end' --max-seconds 1
is "$?" 1 "pcall swallowing the limit: exit 1"
like "$(cat err)" "stopped: time limit of 1 s exceeded \(watchdog\)" "pcall swallowing the limit: the watchdog ends it"

name=handler; run handler 'xpcall(function() while true do end end, function() while true do end end)' --max-seconds 1
is "$?" 1 "a looping xpcall handler (hooks off): exit 1"
like "$(cat err)" "watchdog" "a looping xpcall handler: the watchdog ends it"

name=pattern; run pattern 'print(string.rep("a", 40):find(string.rep("a?", 40) .. string.rep("a", 40) .. "b"))' --max-seconds 1
is "$?" 1 "a pathological pattern (one C call): exit 1"
like "$(cat err)" "watchdog" "a pathological pattern: the watchdog ends it"

name=memory; run memory 'local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end' --max-memory 32
is "$?" 1 "a growing table: exit 1"
like "$(cat err)" "stopped: memory limit of 32 MiB exceeded" "a growing table: the memory limit says so"

name=rep; run rep 'local s = string.rep("x", 1 << 30) print(#s)' --max-memory 32
is "$?" 1 "string.rep of 1 GiB: exit 1"
like "$(cat err)" "memory limit of 32 MiB" "string.rep of 1 GiB: refused by the memory cap"

name=err; run err 'local function f() error("bad thing") end f()'
is "$?" 1 "a script error: exit 1"
like "$(cat err)" "err.lua:1: bad thing" "a script error names the script line"
like "$(cat err)" "stack traceback" "a script error has a traceback"

$VIGIL --sandbox -e 'print(1)' >out 2>err
is "$?" 2 "--sandbox with -e: usage error"
$VIGIL --sandbox >out 2>err
is "$?" 2 "--sandbox without a script: usage error"
$VIGIL --sandbox --max-seconds x ok.lua >out 2>err
is "$?" 2 "--max-seconds needs a number"
$VIGIL --sandbox --max-memory 0.5 ok.lua >out 2>err
is "$?" 2 "--max-memory below 1 MiB is refused, not taken as the default"

done_testing
