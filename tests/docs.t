#!/bin/sh
# The examples of docs/reference.md, docs/csv.md and docs/plot.md run, in order, each
# file in a fresh folder with the shipped database (db.md and trend.md are run by
# db_docs.t and trend.t).
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
$VIGIL init --db ref.db --quiet || exit 1
echo "1..3"
n=0
failed=0
for doc in reference csv plot; do
    n=$((n + 1))
    mkdir "$doc" && cd "$doc" || exit 1
    if $VIGIL --db ../ref.db "$VIGIL_ROOT/tests/lua/doc_blocks.lua" "$VIGIL_ROOT/docs/$doc.md" >tap 2>&1; then
        echo "ok $n - docs/$doc.md: every example runs ($(grep -c '^ok' tap) checks)"
    else
        echo "not ok $n - docs/$doc.md: every example runs"
        grep -v '^ok' tap | sed 's/^/# /'
        failed=1
    fi
    cd ..
done
exit $failed
