#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs each test given (an executable or a .sh script): exit 0 passes, 77 skips, anything
# else fails. Under CI=true a skip counts as a failure: CI runs as root on a kernel with
# AF_XDP, so a skip there means a broken install, not a missing feature.
#
# A test is one argument: its path, which may be preceded by VAR=value words (its
# environment) and followed by its own arguments, split at spaces and not globbed:
#     sh test/run.sh build/test/setup_test "RING_TEST_N=1000 build/test/ring_test"
# $TEST_WRAP (e.g. valgrind and its options) goes before each executable; TEST_TIMEOUT
# is the time limit of each test in seconds (300).
pass=0 fail=0 skip=0 failed=
limit=${TEST_TIMEOUT:-300}
set -f
for t in "$@"; do
	set -- $t
	vars=
	while [ $# -gt 1 ] && case $1 in *=*) true ;; *) false ;; esac; do
		vars="$vars $1"
		shift
	done
	path=$1
	shift
	name=$(basename "$path")
	start=$(date +%s)
	case "$path" in
	*.sh) timeout -k 5 "$limit" env $vars sh "$path" "$@" ;;
	*) timeout -k 5 "$limit" env $vars $TEST_WRAP "$path" "$@" ;;
	esac
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc -eq 77 ] && [ "${CI:-}" != true ]; then
		skip=$((skip + 1)); echo "SKIP $name (${secs}s)"
	elif [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS $name (${secs}s)"
	else
		fail=$((fail + 1)); failed="$failed $name"
		[ $rc -eq 77 ] && echo "FAIL $name: skipped under CI=true (${secs}s)" ||
			echo "FAIL $name: exit $rc (${secs}s)"
	fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
