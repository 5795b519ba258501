#!/bin/sh
# Golden outputs of the monthly report: `vigil report monthly --period 2022-09 --today
# 2022-10-01` in English and in Vietnamese, its report.md and every CSV compared byte for
# byte with tests/data/report/golden/LANG/.  The list of files must match too.
#
# To change them on purpose (a new section, a new label), regenerate and review the diff:
#   VIGIL_UPDATE_GOLDEN=1 VIGIL=$PWD/build/vigil VIGIL_ROOT=$PWD prove --exec '' tests/report_golden.t
#   git diff tests/data/report/golden
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
GOLDEN=$VIGIL_ROOT/tests/data/report/golden

$VIGIL init --db v.db --quiet >/dev/null 2>&1
ok $? "init a database"

for lang in en vi; do
    path=$($VIGIL report monthly --db v.db --period 2022-09 --today 2022-10-01 --lang "$lang" \
           --out "out-$lang" 2>"err-$lang.txt")
    ok $? "$lang: the monthly report for 2022-09 is made"
    (cd "$path" && ls report.md table-*.csv) > "got-$lang.list"
    if [ "${VIGIL_UPDATE_GOLDEN:-0}" = 1 ]; then
        rm -rf "${GOLDEN:?}/$lang"
        mkdir -p "$GOLDEN/$lang"
        (cd "$path" && cp report.md table-*.csv "$GOLDEN/$lang/")
        ok $? "$lang: golden files written to tests/data/report/golden/$lang"
        continue
    fi
    (cd "$GOLDEN/$lang" 2>/dev/null && ls report.md table-*.csv) > "want-$lang.list"
    is "$(cat "got-$lang.list")" "$(cat "want-$lang.list")" "$lang: the same files as the golden ones"
    for f in $(cat "want-$lang.list"); do
        cmp -s "$path/$f" "$GOLDEN/$lang/$f"
        status=$?
        ok $status "$lang: $f is byte-identical to the golden file"
        [ $status -eq 0 ] || diff "$GOLDEN/$lang/$f" "$path/$f" | head -10 | sed 's/^/#   /'
    done
done

done_testing
