#!/bin/sh
# make install honours PREFIX and DESTDIR, and an installed vigil finds its datasets and
# scripts under PREFIX/share/vigil, away from the source tree.
. "$(dirname "$0")/lib.sh"
[ "${VIGIL_VALGRIND:-0}" = 1 ] && { echo "1..0 # SKIP not a command-line test"; exit 0; }
ROOT=$VIGIL_ROOT
PREFIX=$SCRATCH/prefix

make -s -C "$ROOT" install B="$SCRATCH/build" PREFIX="$PREFIX" >"$SCRATCH/make.log" 2>&1
ok $? "make install PREFIX=... builds and installs"
test -x "$PREFIX/bin/vigil"
ok $? "the binary is in PREFIX/bin"
test -f "$PREFIX/share/vigil/datasets/schema.sql" && test -f "$PREFIX/share/vigil/datasets/incidents.csv"
ok $? "the datasets are in PREFIX/share/vigil/datasets"
test -f "$PREFIX/share/vigil/scripts/reconcile.lua"
ok $? "the scripts are in PREFIX/share/vigil/scripts"

mkdir "$SCRATCH/work" && cd "$SCRATCH/work" || exit 1
out=$("$PREFIX/bin/vigil" -e 'print(vigil.share_dir)')
is "$out" "$PREFIX/share/vigil" "the installed vigil knows its share folder"
"$PREFIX/bin/vigil" "$PREFIX/share/vigil/scripts/reconcile.lua" >out 2>err
is "$?" 0 "the installed vigil builds vigil.db from its datasets and reconciles"
like "$(cat err)" "building it from $PREFIX/share/vigil/datasets" "it says where it built the database from"

make -s -C "$ROOT" install B="$SCRATCH/build" PREFIX=/usr DESTDIR="$SCRATCH/stage" >"$SCRATCH/make2.log" 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr"
test -x "$SCRATCH/stage/usr/bin/vigil" && test -f "$SCRATCH/stage/usr/share/vigil/datasets/schema.sql"
ok $? "DESTDIR stages under DESTDIR/PREFIX"
out=$(VIGIL_HOME="$SCRATCH/stage/usr/share/vigil" "$SCRATCH/stage/usr/bin/vigil" --db "$SCRATCH/staged.db" -e 'print(db:scalar("select count(*) > 0 from outreach"))' 2>/dev/null)
is "$out" "1" "a staged vigil runs with VIGIL_HOME"

done_testing
