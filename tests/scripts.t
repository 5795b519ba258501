#!/bin/sh
# scripts/processed_by_category.lua: its monthly counts, by disposition and by category,
# equal an independent count made with the sqlite3 shell straight from subjects and
# incidents; every month of the range is present; bad options exit 2 with the usage.
set -u
. "$(dirname "$0")/lib.sh"
ROOT=$VIGIL_ROOT
SCRIPT=$ROOT/scripts/processed_by_category.lua



# The option parser vigil.args, case by case: each line the chunk prints is a failure.
cat >"$SCRATCH/args_cases.lua" <<'EOF'
local args = require "vigil.args"
local spec = { name = "t", options = {
  from = { type = "month" }, day = { type = "date" }, n = { type = "integer", default = 7 },
  x = { type = "number" }, by = { type = "choice", choices = { "a", "b" }, default = "a" },
  label = { type = "string" }, dry_run = { type = "flag" } } }
local cases = { -- argv, expected field, expected value (or nil and expected message part)
  { { "--from", "2022-01" }, "from", "2022-01" }, { { "--from=2022-12" }, "from", "2022-12" },
  { { "--from", "2022-00" }, nil, "wants a month YYYY-MM, not '2022-00'" },
  { { "--day", "2024-02-29" }, "day", "2024-02-29" },
  { { "--day", "2023-02-29" }, nil, "wants a date YYYY-MM-DD" },
  { { "--day=2022-04-31" }, nil, "not '2022-04-31'" },
  { {}, "n", 7 }, { { "--n", "-3" }, "n", -3 }, { { "--n", "1.5" }, nil, "an integer" },
  { { "--x", "2.5e3" }, "x", 2500.0 }, { { "--x", "nan" }, nil, "a number" },
  { { "--by", "b" }, "by", "b" }, { {}, "by", "a" }, { { "--by", "c" }, nil, "one of a, b" },
  { { "--label=a=b" }, "label", "a=b" }, { {}, "dry_run", false },
  { { "--dry-run" }, "dry_run", true }, { { "--dry-run=1" }, nil, "takes no value" },
  { { "--n" }, nil, "needs a value" }, { { "--nope" }, nil, "unknown option '--nope'" },
  { { "file" }, nil, "unexpected argument 'file'" }, { { "--help" }, nil, "usage: t [options]" },
}
for i, c in ipairs(cases) do
  local o, msg, status = args.try(c[1], spec)
  if c[2] then
    if not o or o[c[2]] ~= c[3] or math.type(o[c[2]]) ~= math.type(c[3]) then
      print(("case %d: %s = %s (%s)"):format(i, c[2], tostring(o and o[c[2]]), tostring(msg)))
    end
  elseif o or not msg:find(c[3], 1, true) or status ~= (c[3]:find("usage") and 0 or 2) then
    print(("case %d: %s / %s"):format(i, tostring(msg), tostring(status)))
  end
end
local p = { name = "p", options = {}, positional = { name = "FILE", min = 1, max = 2 } }
local o = args.try({ "a", "--", "--b" }, p)
if not (o and o[1] == "a" and o[2] == "--b") then print("positional after --") end
if args.try({}, p) then print("positional min") end
if args.try({ "a", "b", "c" }, p) then print("positional max") end
if pcall(args.try, {}, { options = {} }) then print("spec without a name") end
EOF

# cells FILE: the script's table as sorted "month|column|count" lines for non-zero counts,
# without the total row and column.
cells() {
    awk '$1 == "month" { for (i = 2; i <= NF; i++) name[i] = $i; next }
         $1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]$/ {
             for (i = 2; i < NF; i++) if ($i != 0) print $1 "|" name[i] "|" $i }' "$1" | sort
}

# expected GROUP FROM TO: the same cells counted by sqlite3 from the base tables.
expected() {
    sqlite3 "$SCRATCH/x.db" "
      SELECT strftime('%Y-%m', s.disposed_on) || '|' || $1 || '|' || count(*)
      FROM subjects AS s JOIN incidents AS i ON i.id = s.incident_id
      WHERE s.disposition <> 'verifying'
        AND s.disposed_on >= '$2-01' AND s.disposed_on < date('$3-01', '+1 month')
      GROUP BY strftime('%Y-%m', s.disposed_on), $1" | sort
}

$VIGIL init --db "$SCRATCH/x.db" >"$SCRATCH/init.out" 2>&1
ok $? "vigil init --db builds the database"

# 2-3: vigil.args under lua5.4 (the source file) and under vigil (the embedded copy).
LUA_PATH="$ROOT/engine/lua/?.lua" lua5.4 "$SCRATCH/args_cases.lua" >"$SCRATCH/args.out" 2>&1
status=$?
[ $status -eq 0 ] && [ ! -s "$SCRATCH/args.out" ]
ok $? "vigil.args parses and refuses options as specified (lua5.4)"
sed 's/^/# /' "$SCRATCH/args.out"
$VIGIL "$SCRATCH/args_cases.lua" >"$SCRATCH/args.out" 2>&1
status=$?
[ $status -eq 0 ] && [ ! -s "$SCRATCH/args.out" ]
ok $? "vigil.args parses and refuses options as specified (vigil)"
sed 's/^/# /' "$SCRATCH/args.out"

# 4-8: by disposition over a range crossing the window's start.
$VIGIL --db "$SCRATCH/x.db" "$SCRIPT" --from 2021-10 --to 2022-03 >"$SCRATCH/disp.out" 2>"$SCRATCH/disp.err"
ok $? "--from 2021-10 --to 2022-03 exits 0"
cells "$SCRATCH/disp.out" >"$SCRATCH/disp.got"
expected s.disposition 2021-10 2022-03 >"$SCRATCH/disp.want"
[ -s "$SCRATCH/disp.want" ] && cmp -s "$SCRATCH/disp.got" "$SCRATCH/disp.want"
status=$?
ok $status "its counts equal sqlite3's count by month and disposition"
[ $status -eq 0 ] || diff "$SCRATCH/disp.want" "$SCRATCH/disp.got" | sed 's/^/# /'
[ "$(awk '$1 ~ /^20/ { printf "%s ", $1 }' "$SCRATCH/disp.out")" = "2021-10 2021-11 2021-12 2022-01 2022-02 2022-03 " ]
ok $? "every month of the range is a row, in order"
[ "$(sed -n 2p "$SCRATCH/disp.out" | awk '{ $1 = $1; print }')" = "month administrative warning deportation prosecution total" ]
ok $? "the columns are the dispositions and a total"
total=$(sqlite3 "$SCRATCH/x.db" "SELECT count(*) FROM subjects WHERE disposition <> 'verifying' AND disposed_on BETWEEN '2021-10-01' AND '2022-03-31'")
[ "$(awk '$1 == "total" { print $NF }' "$SCRATCH/disp.out")" = "$total" ]
ok $? "the total row ends with the $total people decided in the range"

# 9-11: by category.
$VIGIL --db "$SCRATCH/x.db" "$SCRIPT" --from=2020-04 --to=2020-09 --by category >"$SCRATCH/cat.out" 2>&1
ok $? "--by category exits 0"
cells "$SCRATCH/cat.out" >"$SCRATCH/cat.got"
expected i.category 2020-04 2020-09 >"$SCRATCH/cat.want"
[ -s "$SCRATCH/cat.want" ] && cmp -s "$SCRATCH/cat.got" "$SCRATCH/cat.want"
ok $? "its counts equal sqlite3's count by month and case category"
[ "$(sed -n 2p "$SCRATCH/cat.out" | awk '{ $1 = $1; print }')" = "month human_trafficking illegal_exit illegal_entry illegal_stay organizing_illegal_migration total" ]
ok $? "the columns are the five categories and a total"

# 12: months without any record are rows of zeros.
$VIGIL --db "$SCRATCH/x.db" "$SCRIPT" --from 2018-11 --to 2019-01 >"$SCRATCH/zero.out" 2>&1
grep -q '^2018-11  *0  *0  *0  *0  *0$' "$SCRATCH/zero.out" && grep -q '^2018-12  *0  *0  *0  *0  *0$' "$SCRATCH/zero.out" &&
    [ "$(cells "$SCRATCH/zero.out")" = "$(expected s.disposition 2018-11 2019-01)" ]
ok $? "months before the records are present with zeros"

# 13: without a range, the records' whole range.
$VIGIL --db "$SCRATCH/x.db" "$SCRIPT" >"$SCRATCH/all.out" 2>&1
all=$(sqlite3 "$SCRATCH/x.db" "SELECT count(*) FROM subjects WHERE disposition <> 'verifying'")
[ "$(awk '$1 ~ /^20/' "$SCRATCH/all.out" | wc -l)" -eq 84 ] &&
    [ "$(awk '$1 == "total" { print $NF }' "$SCRATCH/all.out")" = "$all" ]
ok $? "without --from/--to: 84 months 2019-01..2025-12 and all $all decisions"

# 14-20: bad options and --help.
# refused WORD ARGS...: the script exits 2, prints "processed_by_category: ...WORD..." and
# the usage on stderr, nothing on stdout.
refused() {
    word=$1
    shift
    $VIGIL --db "$SCRATCH/x.db" "$SCRIPT" "$@" >"$SCRATCH/bad.out" 2>"$SCRATCH/bad.err"
    [ $? -eq 2 ] && [ ! -s "$SCRATCH/bad.out" ] &&
        grep -q "^processed_by_category: .*$word" "$SCRATCH/bad.err" &&
        grep -q "^usage: processed_by_category" "$SCRATCH/bad.err"
}
refused "month YYYY-MM, not '2022-13'" --from 2022-13
ok $? "--from 2022-13: exit 2 with the usage"
refused "month YYYY-MM, not '2022-1'" --to=2022-1
ok $? "--to=2022-1: exit 2 with the usage"
refused "one of disposition, category" --by district
ok $? "--by district: exit 2 naming the choices"
refused "unknown option '--form'" --form 2022-01
ok $? "a misspelt option: exit 2 naming it"
refused "needs a value" --from
ok $? "--from without a value: exit 2"
refused "after --to" --from 2022-05 --to 2022-01
ok $? "--from after --to: exit 2"
$VIGIL --db "$SCRATCH/x.db" "$SCRIPT" --help >"$SCRATCH/help.out" 2>"$SCRATCH/help.err"
[ $? -eq 0 ] && grep -q "^usage: processed_by_category" "$SCRATCH/help.out" &&
    grep -q -- "--by disposition|category" "$SCRATCH/help.out" && [ ! -s "$SCRATCH/help.err" ]
ok $? "--help prints the usage on stdout and exits 0"

done_testing
