#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs each test given (an executable or a .sh script): exit 0 passes, 77 skips, anything
# else fails. Under CI=true a skip counts as a failure: CI runs as root on a kernel with
# AF_XDP, so a skip there means a broken install, not a missing feature.
pass=0 fail=0 skip=0 failed=
limit=${TEST_TIMEOUT:-300}
for t in "$@"; do
	name=$(basename "$t")
	start=$(date +%s)
	case "$t" in
	*.sh) timeout -k 5 "$limit" sh "$t" ;;
	*) timeout -k 5 "$limit" $TEST_WRAP "$t" ;;
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
