#!/bin/sh
# The monthly report's index.html in headless Chromium (Debian's chromium): it renders
# (a screenshot that is not blank), its charts are inline SVG, it loads nothing from
# outside and logs no console error.
. "$(dirname "$0")/lib.sh"
[ "${VIGIL_VALGRIND:-0}" = 1 ] && { echo "1..0 # SKIP not a command-line test"; exit 0; }
cd "$SCRATCH" || exit 1
CHROMIUM=$(command -v chromium || command -v chromium-browser)
$VIGIL init --db db.sqlite --quiet || exit 1
out=$($VIGIL report monthly --db db.sqlite --period 2022-09 --today 2022-10-01 --out reports 2>log)
is "$?" 0 "the monthly report is made"
page="$SCRATCH/$out/index.html"
test -f "$page"
ok $? "index.html exists"
test -n "$CHROMIUM"
ok $? "chromium is installed (make deps installs it)"

# chrome FLAGS...: headless Chromium with a fresh profile and no network of its own.
chrome() {
    rm -rf "$SCRATCH/profile"
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$SCRATCH/profile" "$@"
}

chrome --window-size=1200,1600 --screenshot="$SCRATCH/shot.png" "file://$page" >chrome.out 2>chrome.err
test -s shot.png
ok $? "a screenshot is taken"
size=$(wc -c <shot.png)
# A blank 1200x1600 page compresses to a few KB; text, tables and charts make far more.
test "$size" -gt 60000
ok $? "the screenshot is not blank ($size bytes)"

chrome --dump-dom "file://$page" >dom.html 2>/dev/null
svgs=$(grep -o '<svg' dom.html | wc -l)
test "$svgs" -ge 2
ok $? "the rendered page holds the inline SVG charts ($svgs)"
like "$(cat dom.html)" "Xử lý vi phạm theo hình thức" "the Vietnamese headings survive rendering"

chrome --enable-logging=stderr --v=0 --dump-dom "file://$page" >/dev/null 2>console.log
! grep -qi 'CONSOLE.*\(error\|uncaught\)\|Uncaught' console.log
ok $? "no console error"
! grep -Eo '(src|href)="[a-z]+://[^"]*' "$page" | grep -q .
ok $? "no external resource (no src/href with a scheme)"

done_testing
