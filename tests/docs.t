#!/bin/sh
# The examples of docs/reference.md run (the module chapters are checked by their own
# tests: db_docs.t, trend.t, plot.t, csv.t, report.t).
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
$VIGIL init --db ref.db --quiet || exit 1
$VIGIL --db ref.db "$VIGIL_ROOT/tests/lua/doc_blocks.lua" "$VIGIL_ROOT/docs/reference.md" 2>&1
