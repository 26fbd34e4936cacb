#!/usr/bin/env bash
# Runs every unit test binary and every integration script, adds up their
# "ok"/"not ok" lines and ends with "N passed, N failed, N skipped".
# Usage: tests/run.sh BUILD_DIR [PATTERN]
# A test program that fails without printing "not ok" counts as one failure.
# With VALGRIND=1 the unit tests run under valgrind (leaks and errors fail).
set -u
build=${1:?usage: tests/run.sh BUILD_DIR [PATTERN]}
pattern=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
export LW_BIN="$build/bin" LW_TOP="$top"
passed=0 failed=0 skipped=0
failures=()

run_one() {
	local name=$1; shift
	local out rc
	out=$(mktemp)
	echo "# $name"
	"$@" </dev/null >"$out" 2>&1
	rc=$?
	local ok notok skip
	skip=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out")
	ok=$(grep -cE '^ok [0-9]+' "$out")
	ok=$((ok - skip))
	notok=$(grep -cE '^not ok [0-9]+' "$out")
	if [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; then
		notok=1
		echo "not ok - $name exited with status $rc" >>"$out"
	fi
	if [ "$notok" -gt 0 ]; then
		cat "$out"
		failures+=("$name")
	else
		grep -E '^(ok .*# SKIP|# )' "$out" || true
	fi
	passed=$((passed + ok)); failed=$((failed + notok)); skipped=$((skipped + skip))
	echo "#   $ok passed, $notok failed, $skip skipped"
	rm -f "$out"
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	[ -n "$pattern" ] && [[ $(basename "$t") != *$pattern* ]] && continue
	if [ "${VALGRIND:-0}" = 1 ]; then
		run_one "unit/$(basename "$t")" valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$t"
	else
		run_one "unit/$(basename "$t")" "$t"
	fi
done
for t in "$top"/tests/integration/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	[ -n "$pattern" ] && [[ $(basename "$t") != *$pattern* ]] && continue
	run_one "integration/$(basename "$t")" bash "$t"
done

if [ "${#failures[@]}" -gt 0 ]; then
	echo "# failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
