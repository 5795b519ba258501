#!/bin/sh
# The vigil.csv module: tests/lua/csv_test.lua (TAP) in a scratch folder.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
$VIGIL "$VIGIL_ROOT/tests/lua/csv_test.lua"
