#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# xsk.h and xsk_ring.h compile cleanly as C99, C11 and C++17 with gcc and clang; with
# XSK_STATIC; and as two translation units sharing one implementation.
cd "$(dirname "$0")/.." || exit 1
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
W="-Wall -Wextra -Werror -Wsign-conversion -Wstrict-prototypes"
WXX="-Wall -Wextra -Werror -Wsign-conversion"
fail=0
try() {
	if ! "$@" 2>"$out/err"; then
		echo "FAILED: $*"; cat "$out/err"; fail=1
	fi
}
for cc in gcc clang; do
	command -v $cc >/dev/null || { echo "no $cc"; [ $cc = gcc ] && fail=1; continue; }
	for std in c99 c11; do
		try $cc -std=$std $W -I. -c test/compile_ring.c -o "$out/ring.o"
		try $cc -std=$std $W -I. -DXSK_IMPLEMENTATION -c test/compile_a.c -o "$out/a.o"
		try $cc -std=$std $W -I. -c test/compile_b.c -o "$out/b.o"
		try $cc "$out/a.o" "$out/b.o" -o "$out/ab" -lbpf
		try $cc -std=$std $W -I. -DXSK_IMPLEMENTATION -DXSK_STATIC test/compile_a.c \
			-DCOMPILE_MAIN -o "$out/static" -lbpf
	done
done
for cxx in g++ clang++; do
	command -v $cxx >/dev/null || { echo "no $cxx"; [ $cxx = g++ ] && fail=1; continue; }
	try $cxx -x c++ -std=c++17 $WXX -I. -c test/compile_ring.c -o "$out/ring.o"
	try $cxx -x c++ -std=c++17 $WXX -I. -DXSK_IMPLEMENTATION -c test/compile_a.c -o "$out/a.o"
	try $cxx -x c++ -std=c++17 $WXX -I. -c test/compile_b.c -o "$out/b.o"
	try $cxx "$out/a.o" "$out/b.o" -o "$out/ab" -lbpf
	try $cxx -x c++ -std=c++17 $WXX -I. -DXSK_IMPLEMENTATION -DXSK_STATIC -DCOMPILE_MAIN \
		test/compile_a.c -o "$out/static" -lbpf
done
# The README's example is a complete program: it must compile as it stands.
sed -n '/<!-- readme-example/,/^```$/p' README.md | sed '1,2d;$d' > "$out/readme.c"
lines=$(wc -l < "$out/readme.c")
if [ "$lines" -lt 10 ] || [ "$lines" -gt 30 ]; then
	echo "README example: $lines lines (want a complete program under 30)"; fail=1
fi
try gcc -std=gnu11 $W -I. "$out/readme.c" -o "$out/readme" -lbpf
# Installed headers and xsk.pc: a program builds with pkg-config alone.
if make -s install PREFIX="$out/prefix" >"$out/err" 2>&1; then
	flags=$(PKG_CONFIG_PATH="$out/prefix/lib/pkgconfig" pkg-config --cflags --libs xsk) ||
		{ echo "pkg-config xsk failed"; fail=1; }
	try gcc -std=gnu11 $W "$out/readme.c" -o "$out/readme" $flags
	case "$flags" in *-lbpf*) ;; *) echo "xsk.pc does not bring -lbpf: $flags"; fail=1 ;; esac
else
	echo "make install failed"; cat "$out/err"; fail=1
fi
# The two-unit program must have linked one definition of each function and run.
[ -x "$out/ab" ] && { "$out/ab" || { echo "two-unit program failed"; fail=1; }; }
exit $fail
