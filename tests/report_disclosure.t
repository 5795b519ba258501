#!/bin/sh
# Disclosure control (--min-cell) on a crafted table whose one small count could be
# recovered from its row and column totals: the count shows "<5", secondary suppression
# hides enough further cells that no line gives it away, and an exhaustive search over
# the hidden cells of the published CSV finds more than one possible value for it.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

$VIGIL init --db v.db --quiet >/dev/null 2>&1
ok $? "init a database"

# Rows a, b, c; columns X, Y, Z of people; a total column T and a total row. The 3 of
# row a would be 19 - 10 - 6 from its row, 20 - 8 - 9 from its column.
cat > grid.lua <<'LUA'
-- description: a crafted table for disclosure control
report.table({ { g = "a", x = 3, y = 10, z = 6 }, { g = "b", x = 8, y = 12, z = 7 },
               { g = "c", x = 9, y = 0, z = 11 } },
  { name = "grid", total_row = true, total_column = "T", columns = { "g",
    { "x", "X", kind = "people" }, { "y", "Y", kind = "people" }, { "z", "Z", kind = "people" } } })
LUA
# grid ARGS...: runs the crafted report in English; prints its folder.
grid() {
    $VIGIL report grid.lua --db v.db --period 2022-09 --today 2022-09-08 --lang en "$@" 2>err.txt
}

path=$(grid --out plain)
ok $? "without --min-cell the report runs"
is "$(sed -n 2p "$path/table-01-grid.csv" | tr -d '\r')" "a,3,10,6,19" "without --min-cell the 3 is shown, and its row total gives it away"

path=$(grid --out safe --min-cell 5)
ok $? "with --min-cell 5 the report runs"
tr -d '\r' < "$path/table-01-grid.csv" > grid.csv   # RFC 4180's CRLF aside
csv=grid.csv
is "$(sed -n 2p "$csv" | cut -d, -f2)" "<5" "the 3 shows as <5 (primary suppression)"
! grep -q ',3,\|,3$' "$csv"
ok $? "the 3 appears nowhere"
# Every line (a row with its total, a column with its total) hides 0 or at least 2 cells.
single=$(awk -F, 'NR > 1 { for (j = 2; j <= NF; j++) if ($j == "<5" || $j == "×") { row[NR]++; col[j]++ } }
                  END { for (i in row) if (row[i] == 1) print "row " i; for (j in col) if (col[j] == 1) print "column " j }' "$csv")
is "$single" "" "no row or column hides exactly one cell (secondary suppression)"
is "$(grep -o "×" "$csv" | wc -l)" 3 "three cells are hidden as ×"

# An attacker's search: every non-negative filling of the hidden cells (<5 means 1..4)
# that agrees with every total; the small cell must keep more than one possible value.
cat > search.lua <<'LUA'
local grid, hidden = {}, {}
for line in io.lines(arg[1]) do
  local row = {}
  for cell in line:gmatch("[^,]+") do row[#row + 1] = cell end
  grid[#grid + 1] = row
end
table.remove(grid, 1)                                  -- the header
local R, C = #grid, #grid[1]
local top = tonumber(grid[R][C])
for i = 1, R do
  for j = 2, C do
    local v = grid[i][j]
    if v == "<5" or v == "×" then
      hidden[#hidden + 1] = { i, j, v == "<5" and 1 or 0, v == "<5" and 4 or top }
      grid[i][j] = false
    else
      grid[i][j] = tonumber(v)
    end
  end
end
-- Returns whether every row and column of the filled grid adds up to its total.
local function consistent()
  for i = 1, R do
    local s = 0
    for j = 2, C - 1 do s = s + grid[i][j] end
    if s ~= grid[i][C] then return false end
  end
  for j = 2, C do
    local s = 0
    for i = 1, R - 1 do s = s + grid[i][j] end
    if s ~= grid[R][j] then return false end
  end
  return true
end
local values = {}
-- Fills hidden cell k onwards with every value of its range.
local function fill(k)
  if k > #hidden then
    if consistent() then
      for _, h in ipairs(hidden) do
        if h[4] == 4 then values[grid[h[1]][h[2]]] = true end
      end
    end
    return
  end
  local h = hidden[k]
  for v = h[3], h[4] do
    grid[h[1]][h[2]] = v
    fill(k + 1)
  end
end
fill(1)
local list = {}
for v in pairs(values) do list[#list + 1] = v end
table.sort(list)
print(table.concat(list, " "))
LUA
is "$($VIGIL search.lua "$csv")" "1 2 3 4" "the published totals leave the small cell anywhere in 1..4"
tr -d '\r' < plain/grid/2022-09/table-01-grid.csv > plain.csv
is "$($VIGIL search.lua plain.csv)" "" "(the search finds nothing to hide in the plain table)"
like "$(cat "$path/report.md")" '1 cells counting fewer than 5 people are shown as \\<5\. 3 further cells are hidden' \
    "the footer says what was suppressed"
like "$(tr -d ' \n' < "$path/manifest.json")" '"suppressed":\{"primary":1,"secondary":3\}' "the manifest counts them"

done_testing
