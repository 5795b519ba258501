#!/bin/sh
# The vigil.db module: tests/lua/db_test.lua (TAP) in a scratch folder.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
$VIGIL "$VIGIL_ROOT/tests/lua/db_test.lua"
