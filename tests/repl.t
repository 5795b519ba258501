#!/bin/sh
# The REPL through a pseudo-terminal (tests/pty/ptyrun.c, compiled here): line editing,
# history across sessions, continuation, auto-print, query tables with Vietnamese names
# aligned, dot-commands, completion, Ctrl-C during a long query and a long loop, Ctrl-D.
# Plus vigil.repl's value printing and the non-terminal loop against lua5.4.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

# Value printing (vigil.repl.dump) needs no terminal.
out=$($VIGIL -e '
local r = require "vigil.repl"
local t = {1, "two", sub = {x = 1}, [true] = false, ["not id"] = 2}
t.sub.up = t
print(r.dump(t))
print(r.dump({}), r.dump("a\nb"), r.dump(0/0), r.dump({n = 1/0}))
local rows = {{code = "a", n = 1}, {code = "b"}}
print(table.concat(r.is_result(rows), ","), r.is_result({1, 2}), r.is_result({}))
local long = {}
for i = 1, 30 do long[i] = "item" .. i end
print(select(2, r.dump(long):gsub("\n", "")))' 2>&1)
is "$out" '{1, "two", ["not id"] = 2, sub = {up = <cycle>, x = 1}, [true] = false}
{}	"a\nb"	0/0	{n = math.huge}
code,n	nil	nil
31' "values print as constructors: cycles marked, keys ordered, long tables on lines"

# Not a terminal: the plain lua loop (tests/cli.t compares it with lua5.4); dot-commands
# and SQL lines are Lua there, as they would be for lua5.4.
printf 'x = 2\nx * 21\n.help\n' | $VIGIL -i >plain.out 2>plain.err
is "$(sed '/^Lua 5/d' plain.out)" "> > 42
> > " "-i on a pipe: prompts and values as lua -i"
like "$(cat plain.err)" "unexpected symbol near '.'" "-i on a pipe: no dot-commands"

# The pty driver.
if ! cc -std=c11 -O1 -o ptyrun "$VIGIL_ROOT/tests/pty/ptyrun.c" -lutil 2>cc.err; then
    ok 1 "cc builds the pty driver: $(head -3 cc.err)"
    done_testing
fi
$VIGIL init --db "$SCRATCH/t.db" --quiet >/dev/null 2>&1
ok $? "a database to explore"

export HOME="$SCRATCH/home" XDG_STATE_HOME="$SCRATCH/state" TERM=xterm LC_ALL=C.UTF-8
unset COLUMNS LINES
mkdir -p "$HOME"

# session NAME: runs vigil --db t.db on a terminal, driven by the script on stdin (it
# ends with Ctrl-D or .quit); leaves the step results in NAME.steps and the cleaned
# output in NAME.out.  Passes when every expected output came and vigil exited 0 (under
# valgrind: without memory errors or leaks).
session() {
    # shellcheck disable=SC2086
    ./ptyrun "$1.out" $VIGIL --db "$SCRATCH/t.db" >"$1.steps" 2>&1
    if grep -q TIMEOUT "$1.steps" || ! grep -qx "exit 0" "$1.steps"; then
        ok 1 "$1: every expected output came, then exit status 0"
        grep -E "TIMEOUT|^exit" "$1.steps" | sed 's/^/#   /'
        tail -15 "$1.out" | sed 's/^/#   out: /'
    else
        ok 0 "$1: every expected output came, then exit status 0"
    fi
}

# Lua input, continuation, auto-print, `_`, editing keys (Ctrl-A), errors, _PROMPT,
# Ctrl-D on an empty line.
session lua <<'EOF'
expect > $
send hist_marker = 6\r
send hist_marker * 7\r
expect 42
send for i = 1, 3 do\r
expect >> $
send io.write(i * 11, " ") end\r
expect 11 22 33
send t = {1, "two", sub = {x = 1}}; t.sub.up = t; return t\r
expect \{1, "two", sub = \{up = <cycle>, x = 1\}\}
send _[2] .. "!"\r
expect two!
send (6 * 9)\x01print\r
expect 54
send error("bo" .. "om!")\r
expect vigil: stdin:1: boom!
send _PROMPT = "vigil% "\r
expect vigil% $
send _PROMPT = nil\r
send "still" .. " here"\r
expect still here
send last_of_a = 123\r
send "last" .. " line"\r
expect last line
expect > $
send \x04
wait
EOF

# History: a line of the session before comes back with Ctrl-P (previous); .quit.
test -s "$XDG_STATE_HOME/vigil/history" && grep -q 'last_of_a' "$XDG_STATE_HOME/vigil/history"
ok $? "history saved under \$XDG_STATE_HOME/vigil/history"
session history <<'EOF'
expect > $
send \x10\x10
expect last_of_a = 123
send \r
send last_of_a + 1\r
expect 124
send .quit\r
wait
EOF

# The database: SQL after "\", tables aligned by display width, modes, dot-commands.
ndistricts=$($VIGIL --db "$SCRATCH/t.db" -e 'io.write(db:scalar("select count(*) from districts"))')
session sql <<EOF
expect > \$
send \\\\select code, name, borders_cambodia from districts order by code\\r
expect └[─┴]+┘
send #_ .. " rows kept"\\r
expect $ndistricts rows kept
send .mode markdown\\r
send \\\\select code, name_vi from agencies order by code limit 2\\r
expect \\|[-]+\\|[-]+\\|
send .mode table\\r
send .rows 3\\r
send \\\\select code from districts order by code\\r
expect \\.\\.\\. $((ndistricts - 3)) more rows
send .tables\\r
expect published_figures
send .schema districts\\r
expect CREATE TABLE districts
send \\\\select substr(detected_on, 1, 4) as year, count(*) as n from incidents group by 1\\r
expect \\| 2021 \\| +[0-9]+ \\|
send .plot\\r
expect 2019 +2020 +2021
send _:plot{kind = "bar"}\\r
expect 2019 +2020 +2021
send _.columns[2] .. " kept"\\r
expect n kept
send .timer on\\r
send \\\\select 1 + 1 as two\\r
expect Run Time: [0-9.]+ s
send .timer off\\r
send .help\\r
expect \\.quit +leave vigil
send .nosuch\\r
expect unknown command '.nosuch'
send \\\\select nonsense from nowhere\\r
expect vigil: vigil.db: no such table: nowhere
expect > \$
send \\x04
wait
EOF
# The district table: every line of the box the same display width (combining marks
# and precomposed letters one column each), numbers right-aligned.
cat >widths.lua <<'LUA'
local widths, lines = {}, 0
local inside = false
for line in io.lines(arg[1]) do
  if line:find("^┌") then inside = true end
  if inside then
    local s = line:gsub("[\204\205][\128-\191]", "")   -- U+0300..U+036F marks
    widths[utf8.len(s) or -1] = true
    lines = lines + 1
  end
  if line:find("^└") then break end
end
local n = 0
for _ in pairs(widths) do n = n + 1 end
print(lines, n)
LUA
is "$($VIGIL widths.lua sql.out)" "$((ndistricts + 4))	1" "the district table: one width for every line"
like "$(cat sql.out)" "│ tan_an +│ Tân An +│ +0 │" "Vietnamese names aligned, numbers right-aligned"

# Completion: globals, fields, methods of db, SQL tables and columns, dot-commands.
session complete <<'EOF'
expect > $
send tab\t
expect table
send .\t
expect concat +insert
send \x03
send db:pre\t
expect prepare
send \x03
send trend.se\t
expect series
send \x03
send \\select * from distr\t
expect districts
send  where borders\t
expect borders_cambodia
send \x03
send .sch\t
expect \.schema
send \x03
send "done" .. "!"\r
expect done!
send \x04
wait
EOF

# Ctrl-C: a long query and a long loop stop, the session and its state go on.
session interrupt <<'EOF'
expect > $
send keep = 41\r
send \\with recursive n(i) as (select 1 union all select i + 1 from n where i < 1e10) select count(*) from n\r
poke 3 \x03
expect interrupted
send keep + 1\r
expect 42
send n = db:scalar("with recursive n(i) as (select 1 union all select i + 1 from n where i < 1e10) select count(*) from n")\r
poke 3 \x03
expect interrupted
send keep + 1.5\r
expect 42.5
send print("spin" .. "ning") while true do end\r
expect spinning
poke 3 \x03
expect interrupted!
send keep + 2\r
expect 43
expect > $
send half-typed line\x03
send "after" .. " drop"\r
expect after drop
expect > $
send \x04
wait
EOF

done_testing
