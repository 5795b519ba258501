#!/bin/sh
# The plot module (vigil.plot over vigil.gnuplot): rendered files, Vietnamese text,
# byte-for-byte determinism, hostile strings, missing gnuplot, gnuplot's own errors,
# refused output paths, the time limit; then tests/lua/plot_test.lua (program text).
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
mkdir "$SCRATCH/tmp" && export TMPDIR="$SCRATCH/tmp"
DATA="$VIGIL_ROOT/tests/data/plot"

# The PNG: its signature, its size from the IHDR chunk, and not a blank file.
out=$($VIGIL "$DATA/monthly.lua" chart.png 2>&1)
is "$out" "chart.png" "plot.line returns the output path"
is "$(head -c 8 chart.png | od -An -tx1 | tr -d ' \n')" "89504e470d0a1a0a" "PNG signature"
is "$(head -c 24 chart.png | tail -c 8 | od -An -tu1 | tr -s ' ' | sed 's/^ //')" \
   "0 0 3 32 0 0 1 244" "PNG is 800 x 500 as asked"
size=$(wc -c < chart.png)
[ "$size" -gt 10000 ]
ok $? "PNG has plausible size ($size bytes)"
# Not blank: the same chart with every value undefined (frame, ticks, markers alone) is
# far smaller; and the SVG of the chart holds each series' polyline, a point a month.
$VIGIL "$DATA/monthly.lua" blank.png blank > /dev/null 2>&1
blank=$(wc -c < blank.png)
[ "$blank" -gt 1000 ] && [ "$size" -gt $((blank * 2)) ]
ok $? "PNG is not blank: $size bytes against $blank for the empty frame"
$VIGIL "$DATA/monthly.lua" lines.svg > /dev/null 2>&1
$VIGIL "$DATA/monthly.lua" blank.svg blank > /dev/null 2>&1
# points N FILE: the number of line-to points in the SVG group of plot N.
points() {
    awk -v n="$1" '/<g id="gnuplot_plot_/ { inside = ($0 ~ "gnuplot_plot_" n "\"") }
                   inside { c += gsub(/L[0-9]/, "") } END { print c + 0 }' "$2"
}
p1=$(points 1 lines.svg); p2=$(points 2 lines.svg); b1=$(points 1 blank.svg)
[ "$p1" -ge 36 ] && [ "$p2" -ge 36 ] && [ "$b1" -lt 5 ]
ok $? "SVG is not blank: 36 months drawn per series ($p1, $p2; empty frame $b1)"

# The SVG: the Vietnamese title intact, and twice the same bytes.
$VIGIL "$DATA/monthly.lua" a.svg > /dev/null 2>&1
grep -qF '<text>Xử lý vi phạm theo hình thức</text>' a.svg
ok $? "SVG holds the Vietnamese title intact"
grep -qF 'T7/2020' a.svg
ok $? "SVG has the Vietnamese month ticks written by vigil"
mkdir again && (cd again && $VIGIL "$DATA/monthly.lua" a.svg > /dev/null 2>&1)
cmp -s a.svg again/a.svg
ok $? "SVG: two runs give the same bytes"
$VIGIL "$DATA/monthly.lua" again/chart.png > /dev/null 2>&1
cmp -s chart.png again/chart.png
ok $? "PNG: two runs give the same bytes"
$VIGIL "$DATA/monthly.lua" a.pdf > /dev/null 2>&1
sleep 1
$VIGIL "$DATA/monthly.lua" again/a.pdf > /dev/null 2>&1
head -c 5 a.pdf | grep -q '%PDF-'
ok $? "PDF written"
cmp -s a.pdf again/a.pdf
ok $? "PDF: two runs a second apart give the same bytes (creation date fixed)"

# Hostile strings everywhere: nothing runs, the chart is still drawn, the SVG is valid.
for f in h.svg h.png; do
    err=$($VIGIL "$DATA/hostile.lua" "$f" 2>&1)
    is "$err" "" "hostile strings: $f drawn without error"
done
for kind in line histogram heatmap; do
    err=$($VIGIL "$DATA/hostile.lua" "h-$kind.svg" "$kind" 2>&1)
    is "$err" "" "hostile strings: $kind chart drawn without error"
    iconv -f UTF-8 -t UTF-8 "h-$kind.svg" > /dev/null 2>&1 && ! grep -q ']]>' "h-$kind.svg" \
        && grep -qF 'a]] >b &lt;x> &amp; y' "h-$kind.svg"
    ok $? "hostile strings: $kind SVG valid UTF-8, text shown defused"
    if command -v xmllint > /dev/null 2>&1; then
        xmllint --noout "h-$kind.svg" 2> /dev/null
        ok $? "hostile strings: $kind SVG is well-formed XML"
    fi
done
[ ! -e PWNED ]
ok $? "hostile strings: no PWNED file (nothing ran)"
[ -s h.png ] && [ -s h.svg ]
ok $? "hostile strings: both charts exist"
iconv -f UTF-8 -t UTF-8 h.svg > /dev/null 2>&1
ok $? "hostile strings: SVG is valid UTF-8"
grep -c ']]>' h.svg | grep -qx 0
ok $? "hostile strings: no ']]>' in the SVG"
grep -qF 'a]] >b &lt;x> &amp; y' h.svg
ok $? "hostile strings: the text is shown, defused"
if command -v xmllint > /dev/null 2>&1; then
    xmllint --noout h.svg 2> /dev/null
    ok $? "hostile strings: SVG is well-formed XML"
fi

# The other kinds render: a histogram's boxes, a heatmap's image with the category
# names as ticks, bars with a second y axis and labels in the Vietnamese number format.
out=$($VIGIL -e '
plot.histogram{ x = { 1, 2, 2, 3, 3, 3, 4, 4, 5, 9, 10 }, out = "hist.svg" }
plot.heatmap{ x = { "2024-02", "2024-01" }, y = { "Đức Huệ", "Mộc Hóa" },
              z = { { 5, 1 }, { 0, 70815 } }, labels = true, lang = "vi", out = "heat.svg" }
plot.bar{ x = { "2023", "2024" }, y = { cases = { 70815, 1200 }, events = { 3, 4 } },
          order = { "cases", "events" }, y2 = { "events", label = "số sự kiện" },
          labels = true, lang = "vi", out = "y2.svg" }' 2>&1)
is "$out" "" "histogram, heatmap and y2 bar charts drawn"
is "$(grep -c "<polygon fill = 'rgb(148" hist.svg)" 4 \
   "histogram: five bins (Sturges), four boxes drawn (one bin is empty)"
grep -q "<image " heat.svg && grep -qF '<text>Đức Huệ</text>' heat.svg && grep -qF '<text>T1/2024</text>' heat.svg
ok $? "heatmap: an image, category names and month ticks"
grep -qF '<text>70.815</text>' heat.svg && grep -qF '<text>70.815</text>' y2.svg
ok $? "value labels in the Vietnamese number format (70.815)"
grep -qF '<text>số sự kiện</text>' y2.svg && [ "$(points 2 y2.svg)" -ge 2 ]
ok $? "y2: the second axis label and the line on it"

# gnuplot absent: a catchable error naming the package (PATH holds only valgrind, for
# runs under valgrind).
mkdir nognuplot
v=$(command -v valgrind) && ln -s "$v" "$v.bin" nognuplot/ 2> /dev/null
out=$(PATH="$SCRATCH/nognuplot" $VIGIL -e '
local ok, e = pcall(plot.line, { x = {1, 2}, y = {3, 4}, out = "x.png" })
print(ok, e)' 2>&1)
like "$out" "^false	.*gnuplot (is not installed|could not be started).*gnuplot-nox" "missing gnuplot: catchable error naming gnuplot-nox"

# gnuplot's own message and the program line.
out=$($VIGIL -e '
local ok, e = pcall(require("vigil.gnuplot").run, "set print \"-\"\nprint 1\nplot sin(x) with linez\n")
print(ok, e)' 2>&1)
like "$out" "^false	gnuplot: line 3: unrecognized plot type" "gnuplot error: its message and line"
like "$out" "plot sin\(x\) with linez" "gnuplot error: the program line"
out=$($VIGIL -e 'plot.line{ x = {1, 2}, y = {3, 4}, out = "no-such-dir/x.png" }' 2>&1)
status=$?
like "$out" "cannot open file" "plot.line into a missing folder: gnuplot's message"
like "$out" "
  set output 'no-such-dir/x.png'
stack traceback" "... and the program line as plot.script shows it (not the scratch file)"
like "$out" "^[^ ]*: \(command line\):1: " "the error points at the caller's line"
is "$status" 1 "a failed chart is a failure of the work (exit 1)"

# Output paths that would run a command are refused before gnuplot starts.
for p in '|touch PWNED' ' <touch PWNED' "$(printf 'x.png\n!touch PWNED')"; do
    out=$(P="$p" $VIGIL -e 'print(pcall(plot.line, { x = {1, 2}, y = {3, 4}, out = os.getenv("P") }))' 2>&1)
    like "$out" "^false	.*refused" "output path refused: $(printf '%s' "$p" | head -1)"
done
[ ! -e PWNED ]
ok $? "refused paths ran nothing"
out=$($VIGIL -e 'print(pcall(plot.line, { x = {1, 2}, y = {3, 4}, out = "a\255.png" }))' 2>&1)
like "$out" "^false	.*not valid UTF-8.*refused" "an output path gnuplot would not write as given is refused"

# A gnuplot that does not finish is stopped.
out=$($VIGIL -e 'print(pcall(require("vigil.gnuplot").run, "pause 30\n", { timeout = 0.3 }))' 2>&1)
like "$out" "^false	gnuplot: still running after 0.3 seconds; stopped" "timeout stops gnuplot"
[ -z "$(ls -A "$TMPDIR")" ]
ok $? "no temporary program files left"

# A chart that fails leaves the file named by out as it was: gnuplot draws into a
# scratch file beside it, renamed into place once the chart is whole.
printf old > kept.png
out=$($VIGIL -e 'print(pcall(plot.line, { x = {1, 2}, y = {3, 4}, out = "kept.png", timeout = 0.001 }))' 2>&1)
like "$out" "^false	.*still running after" "a chart stopped by its time limit fails"
is "$(cat kept.png)" "old" "... and the file named by out is untouched"
is "$(ls kept.png*)" "kept.png" "... and no scratch file is left beside it"
out=$($VIGIL -e 'print(plot.line{ x = {1, 2}, y = {3, 4}, out = "kept.png" })' 2>&1)
is "$out" "kept.png" "the same chart with time to finish"
is "$(head -c 4 kept.png | tail -c 3)$(ls kept.png*)" "PNGkept.png" "... replaces the file, and no scratch file is left"

# Long lines: the numbers written in C, the reduction, and the reduced chart against
# the full one pixel by pixel (tests/lua/plot_reduce_test.lua, 200,000 points).
out=$($VIGIL "$VIGIL_ROOT/tests/lua/plot_reduce_test.lua" 2>&1)
status=$?
ok $status "tests/lua/plot_reduce_test.lua"
[ $status -eq 0 ] || printf '%s\n' "$out" | grep -v '^ok' | sed 's/^/#   /'

# Long lines drawn whole, read while they are sent; what they cannot send sends the
# program again (tests/lua/plot_stream_test.lua).
out=$($VIGIL "$VIGIL_ROOT/tests/lua/plot_stream_test.lua" 2>&1)
status=$?
ok $status "tests/lua/plot_stream_test.lua"
[ $status -eq 0 ] || printf '%s\n' "$out" | grep -v '^ok' | sed 's/^/#   /'

# The generated programs (tests/lua/plot_test.lua).
out=$($VIGIL "$VIGIL_ROOT/tests/lua/plot_test.lua" 2>&1)
status=$?
ok $status "tests/lua/plot_test.lua"
[ $status -eq 0 ] || printf '%s\n' "$out" | grep -v '^ok' | sed 's/^/#   /'

# plot.show in the terminal: text by default, sixel graphics when asked.
$VIGIL -e 'plot.show{ {{x = 1, y = 2}, {x = 2, y = 5}, {x = 3, y = 3}}, x = "x", y = "y", title = "Thử" }' >show.txt 2>show.err
like "$(cat show.txt)" "Thử" "plot.show draws text with the Vietnamese title"
$VIGIL -e 'plot.show{ {{x = 1, y = 2}, {x = 2, y = 5}, {x = 3, y = 3}}, x = "x", y = "y", sixel = true, width = 200, height = 120 }' >show.six 2>show.err
head -c 3 show.six | od -An -c | tr -d ' ' | grep -q '^033Pq$'
ok $? "plot.show{sixel = true} writes a sixel image (ESC P q)"
like "$(head -c 40 show.six)" '"1;1;200;120' "the sixel image has the asked size"
VIGIL_SIXEL=1 $VIGIL -e 'plot.show{ {{x = 1, y = 2}, {x = 2, y = 5}}, x = "x", y = "y" }' | head -c 2 | od -An -c | grep -q '033'
ok $? "VIGIL_SIXEL=1 asks for sixel"

done_testing
