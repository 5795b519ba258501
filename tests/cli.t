#!/bin/sh
# vigil as a superset of the lua 5.4 interpreter: the same flags and scripts give the
# same output and status as lua5.4 (the program name aside), plus vigil's own options.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
LUA=lua5.4

# same NAME ARGS...: runs lua5.4 and vigil with ARGS (stdin from $STDIN_FILE when set)
# and checks stdout, stderr and exit status agree once program names are normalised.
same() {
    name=$1
    shift
    input=${STDIN_FILE:-/dev/null}
    $LUA "$@" <"$input" >lua.out 2>lua.err
    lua_rc=$?
    $VIGIL "$@" <"$input" >vigil.out 2>vigil.err
    vigil_rc=$?
    sed -e "s#^$LUA: #PROG: #" -e "s#\\b$LUA\\b#PROG#g" lua.out lua.err >lua.all
    sed -e 's#^vigil: #PROG: #' -e "s#[^ 	]*/vigil\\b#PROG#g" vigil.out vigil.err >vigil.all
    is "$(cat vigil.all) rc=$vigil_rc" "$(cat lua.all) rc=$lua_rc" "same as lua5.4: $name"
}

cat >args.lua <<'LUA'
print("arg0", arg[0], "n", #arg, ...)
for i = 1, #arg do print(i, arg[i]) end
print("neg", arg[-1] ~= nil, arg[-2])
LUA
cat >fail.lua <<'LUA'
local function inner() error("boom at depth") end
local function outer() inner() end
outer()
LUA
cat >syntax.lua <<'LUA'
local x = = 1
LUA
cat >exit3.lua <<'LUA'
io.write("before exit\n")
os.exit(3)
LUA
cat >tostr.lua <<'LUA'
error(setmetatable({}, {__tostring = function() return "custom error object" end}))
LUA
cat >mod_x.lua <<'LUA'
return { answer = 42 }
LUA
cat >init.lua <<'LUA'
print("from LUA_INIT file")
LUA
printf 'print("stdin chunk", ...)\nprint(arg[0])\n' >stdin.lua

same "-e chunk" -e 'print(1 + 1, "two")'
same "-e attached" '-eprint(7)'
same "several -e in order" -e 'x = 1' -e 'x = x * 10' -e 'print(x)'
same "script with args" args.lua a "b c" ""
same "-e then script" -e 'print("first")' args.lua z
same "-- then script" -- args.lua q
same "arg table without script" -e 'print(#arg, arg[0] ~= nil, arg[1], arg[2])'
STDIN_FILE=stdin.lua same "- runs stdin with args" - x y
STDIN_FILE=stdin.lua same "stdin when not a terminal"
same "dofile of a missing file fails the same way" -e 'print(pcall(dofile, "nonexistent"))'
printf 'print("the file named -", ...)\n' >./-
STDIN_FILE=stdin.lua same "-- - runs a file named -, not stdin" -- - x
like "$(cat vigil.out)" "^the file named -	x$" "-- -: vigil ran the file, with its argument"
same "-l mod" -l string -e 'print(string.upper("ok"))'
same "-l g=mod" -l s=string -e 'print(s.rep("ab", 2))'
same "-l mod-suffix drops the suffix" -e 'package.path = "./?.lua;" .. package.path' -l mod_x -e 'print(mod_x.answer)'
same "-v" -v
same "-v with -e" -v -e 'print("after version")'
same "-W turns warnings on" -W -e 'warn("careful")'
same "warnings off by default" -e 'warn("silent")'
same "runtime error with traceback" fail.lua
same "syntax error" syntax.lua
same "os.exit status" exit3.lua
same "error object with __tostring" tostr.lua
same "error object without __tostring" -e 'error({})'
same "missing script" no_such_script.lua
same "script return values ignored" -e 'return 1, 2'
same "-i on non-terminal stdin" -i -e 'y = 5'
# lua5.4's readline echoes input that is not a terminal; compare without the echo.
$VIGIL -i <stdin.lua >out 2>err
is "$(grep -v '^Lua 5' out)" "> stdin chunk
> $(echo "$VIGIL" | sed 's/.* //')
> " "-i reads chunks from stdin, printing prompts"
printf 'x = 20\nx + 1\nfor i = 1, 2 do\nprint(i)\nend\nerror("oops")\nprint("still here")\n' | $VIGIL -i >out 2>err
is "$(grep -v '^Lua 5' out)" "> > 21
> >> >> 1
2
> > still here
> " "-i: expressions print, incomplete input continues"
like "$(cat err)" "^vigil: stdin:1: oops" "-i: errors print and the session goes on"
printf '_PROMPT = "vigil> "\n1\n' | $VIGIL -i >out 2>err
like "$(cat out)" "vigil> 1" "-i: _PROMPT honoured"
LUA_INIT='print("init chunk")' same "LUA_INIT chunk" -e 'print("main")'
LUA_INIT='@init.lua' same "LUA_INIT @file" -e ''
LUA_INIT='print("old")' LUA_INIT_5_4='print("new")' same "LUA_INIT_5_4 wins" -e ''
LUA_INIT='print("init")' same "-E ignores LUA_INIT" -E -e 'print("main")'
LUA_INIT='error("bad init")' same "failing LUA_INIT stops" -e 'print("never")'
LUA_PATH='./?.lua' same "LUA_PATH honoured" -e 'print(require("mod_x").answer)'
LUA_PATH='./?.lua' same "-E ignores LUA_PATH" -E -e 'print((pcall(require, "mod_x")))'

# Where vigil differs on purpose: usage errors exit 2, not 1.
$VIGIL -x >out 2>err
is "$?" 2 "bad option: exit 2"
like "$(cat err)" "^vigil: unrecognized option '-x'" "bad option: named on stderr"
$VIGIL -e >out 2>err
is "$?" 2 "-e without argument: exit 2"
like "$(cat err)" "'-e' needs argument" "-e without argument: message"
$VIGIL --db >out 2>err
is "$?" 2 "--db without argument: exit 2"

# vigil's own options.
$VIGIL --help >out 2>err
is "$?" 0 "--help exits 0"
like "$(cat out)" "usage: vigil" "--help prints the usage on stdout"
is "$(cat err)" "" "--help prints nothing on stderr"
out=$($VIGIL --version)
like "$out" "^vigil [0-9]+\.[0-9]+\.[0-9]+ \(Lua 5\.4\.[0-9]+, SQLite 3\.[0-9.]+\)$" "--version names vigil, Lua and SQLite"
out=$($VIGIL -e 'print(type(vigil), vigil.version, type(require("vigil.db").open))')
like "$out" "^table	[0-9.]+	function$" "the vigil table and require \"vigil.db\""
out=$($VIGIL -e 'print(package.preload["vigil.db"] ~= nil, package.loaded["vigil.prelude"] ~= nil)')
is "$out" "true	true" "vigil modules are preloaded"

# The default database is opened lazily: a chunk that does not touch db creates nothing.
$VIGIL -e 'x = 1' >out 2>err
test ! -e vigil.db
ok $? "vigil -e without db creates no database"
out=$($VIGIL --db "$SCRATCH/lazy.db" -e 'print(tostring(db):match("not opened") ~= nil)')
is "$out" "true" "db is not opened before first use"
test ! -e "$SCRATCH/lazy.db"
ok $? "db stand-in does not open the file by itself"
out=$($VIGIL --db ":memory:" -e 'print(db:scalar("select 6 * 7"))')
is "$out" "42" "--db :memory: gives an empty database"
out=$(VIGIL_DB=":memory:" $VIGIL -e 'print(db:scalar("select 1 + 1"))')
is "$out" "2" "\$VIGIL_DB is honoured"
out=$($VIGIL --db=":memory:" -e 'db:exec("create table t(x)") db:close() print(db:scalar("select count(*) from sqlite_schema"))')
is "$out" "0" "db reopens after db:close()"

# A missing default database is built from the shipped datasets, with a note.
mkdir fresh && cd fresh || exit 1
out=$($VIGIL -e 'print(db:scalar("select count(*) > 0 from incidents"))' 2>err)
is "$out" "1" "missing vigil.db is built from datasets/"
like "$(cat err)" "building it from .*datasets" "the build is announced on stderr"
test -f vigil.db
ok $? "vigil.db now exists"
$VIGIL -e 'print(db:scalar("select 1"))' >out 2>err
is "$(cat err)" "" "second run builds nothing"
cd .. || exit 1
VIGIL_HOME="$SCRATCH/nowhere" $VIGIL --db "$SCRATCH/x.db" -e 'db:scalar("select 1")' >out 2>err
is "$?" 1 "no datasets: exit 1"
like "$(cat err)" "does not exist and the shipped datasets were not found" "no datasets: clear message"

done_testing
