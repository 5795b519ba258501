# Shared helpers of the shell tests: TAP output, a scratch folder, and $VIGIL (under
# valgrind when VIGIL_VALGRIND=1).  Source it: . "$(dirname "$0")/lib.sh"

: "${VIGIL:?VIGIL is not set: run the tests through make test}"
: "${VIGIL_ROOT:=$(cd "$(dirname "$0")/.." && pwd)}"
export VIGIL_ROOT
# VIGIL_PLAIN: vigil never under valgrind, for a test's set-up, its look-ups and the
# reference runs it compares with (what is under test still runs as $VIGIL).
VIGIL_PLAIN=$VIGIL
if [ "${VIGIL_VALGRIND:-0}" = 1 ]; then
    VIGIL="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99 $VIGIL"
fi
# Tests never read the user's environment.
unset VIGIL_DB LUA_INIT LUA_INIT_5_4 LUA_PATH LUA_CPATH LUA_PATH_5_4 LUA_CPATH_5_4

TEST_N=0
TEST_FAILED=0
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/vigil-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT

# ok COND_STATUS NAME: reports one test from the status of the command before it.
ok() {
    TEST_N=$((TEST_N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $TEST_N - $2"
    else
        echo "not ok $TEST_N - $2"
        TEST_FAILED=$((TEST_FAILED + 1))
    fi
}

# is GOT WANT NAME: reports whether two strings are equal, showing both when not.
is() {
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '%s\n' "$1" | head -20 | sed 's/^/#   got:  /'
        printf '%s\n' "$2" | head -20 | sed 's/^/#   want: /'
    fi
}

# like GOT PATTERN NAME: reports whether GOT contains the grep -E pattern.
like() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '%s\n' "$1" | head -20 | sed 's/^/#   got: /'
        echo "#   pattern: $2"
    fi
}

# import_killed TABLE DB COMMAND...: runs `$VIGIL import TABLE` into DB on a pipe (its
# output in ./out and ./err) fed with COMMAND's output, then kills it with SIGKILL.
# Once COMMAND is done the importer has read all but the pipe's last buffer, inside its
# transaction, and waits for more.
import_killed() {
    _table=$1 _db=$2
    shift 2
    rm -f feed && mkfifo feed || return 1
    $VIGIL import "$_table" feed --db "$_db" >out 2>err &
    _pid=$!
    exec 3>feed
    "$@" >&3
    kill -9 "$_pid"
    wait "$_pid" 2>/dev/null
    exec 3>&-
    rm -f feed
}

# done_testing: prints the plan and exits non-zero when a test failed.
done_testing() {
    echo "1..$TEST_N"
    [ "$TEST_FAILED" -eq 0 ]
    exit $?
}
