#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A program written for libxdp's <xdp/xsk.h> builds against xsk.h by changing only its
# include line. test/compat_prog.c (libxdp 1.3.1 API only) is built
#  (a) as it is, against libxdp (-lxdp -lbpf), when /usr/include/xdp/xsk.h exists;
#  (b) with that one line replaced by xsk.h's implementation, without -lxdp, as C99,
#      gnu11 and C++17;
# then the (b) builds run on veth pairs in a fresh network namespace, sending and
# receiving frames in three setups (auto, skb, manual: see compat_prog.c).
# Exit 0: all passed; 1: something failed; 77: not all done (needs root, AF_XDP,
# libxdp-dev).
cd "$(dirname "$0")/.." || exit 1
PATH=$PATH:/usr/sbin:/sbin
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
W="-Wall -Wextra -Werror"
src=test/compat_prog.c
inc='#include <xdp/xsk.h>'
fail=0
try() {
	if ! "$@" 2>"$out/err"; then
		echo "FAILED: $*"; cat "$out/err"; fail=1
	fi
}

# The source must be a libxdp program: one include of <xdp/xsk.h>, no other xsk
# header, none of xsk.h's own names (the libxdp build below proves it when it runs).
n=$(grep -c "^$inc\$" "$src")
[ "$n" = 1 ] || { echo "FAILED: $src needs exactly one line '$inc' (has $n)"; exit 1; }
if grep '^[[:space:]]*#[[:space:]]*include' "$src" | grep -v "^$inc\$" | grep -q xsk; then
	echo "FAILED: $src includes another xsk header"; exit 1
fi
extras='xsk_set_print|xsk_socket__stats|xsk_socket__zerocopy|xsk_socket__xdp_mode'
extras="$extras|xsk_socket__wakeup|xsk_release_xdp_prog|xsk_ring_prod__cancel"
extras="$extras|xsk_umem__create_with_fd|XSK_IMPLEMENTATION|XSK_STATIC"
if grep -Eq "$extras" "$src"; then
	echo "FAILED: $src uses names libxdp 1.3.1 does not have:"
	grep -En "$extras" "$src"; exit 1
fi

# (a) against libxdp
libxdp=0
if [ -e /usr/include/xdp/xsk.h ]; then
	libxdp=1
	try gcc -std=gnu11 $W "$src" -o "$out/libxdp_c" -lxdp -lbpf
	try g++ -x c++ -std=c++17 $W "$src" -o "$out/libxdp_cxx" -lxdp -lbpf
else
	echo "note: /usr/include/xdp/xsk.h not found (libxdp-dev): libxdp build not done"
fi

# (b) against xsk.h: the include line, and nothing else, replaced
sed "s|^$inc\$|#define XSK_IMPLEMENTATION\\
#include \"xsk.h\"|" "$src" > "$out/compat_xsk.c"
if [ "$(grep -c '^#include "xsk.h"$' "$out/compat_xsk.c")" != 1 ] ||
   grep -q 'include <xdp/xsk.h>' "$out/compat_xsk.c" ||
   [ "$(diff "$src" "$out/compat_xsk.c" | grep -c '^[<>]')" != 3 ]; then
	echo "FAILED: replacing the include line"; diff "$src" "$out/compat_xsk.c"; exit 1
fi
try gcc -std=c99 $W -I. "$out/compat_xsk.c" -o "$out/xsk_c99" -lbpf
try gcc -std=gnu11 $W -I. "$out/compat_xsk.c" -o "$out/xsk_gnu11" -lbpf
try g++ -x c++ -std=c++17 $W -I. "$out/compat_xsk.c" -o "$out/xsk_cxx" -lbpf
[ $fail -eq 0 ] || exit 1
echo "built: libxdp source against xsk.h (C99, gnu11, C++17)"

# Run the xsk.h builds, as root, in a namespace of their own.
if [ "$(id -u)" != 0 ]; then
	echo "SKIP run: needs root"; exit 77
fi
printf '#include <sys/socket.h>\nint main(void) { return socket(44, SOCK_RAW, 0) < 0; }\n' \
	> "$out/have_xdp.c"
try gcc "$out/have_xdp.c" -o "$out/have_xdp"
[ $fail -eq 0 ] || exit 1
if ! "$out/have_xdp"; then
	echo "SKIP run: no AF_XDP sockets (44) on this kernel"; exit 77
fi
if ! unshare -n true 2>"$out/err"; then
	echo "SKIP run: cannot create a network namespace: $(cat "$out/err")"; exit 77
fi
# The namespace has no name: it and its veth pairs vanish when this shell exits.
unshare -n sh -c '
	dir=$1 rc=0
	ip link set lo up || exit 1
	f=/proc/sys/net/ipv6/conf/default/disable_ipv6
	[ -w $f ] && echo 1 > $f # no IPv6 chatter on the new devices
	for i in 0 1 2 3; do
		ip link add xa$i numrxqueues 1 numtxqueues 1 type veth \
			peer name xb$i numrxqueues 1 numtxqueues 1 &&
		ip link set xa$i up && ip link set xb$i up || exit 1
	done
	run() {
		timeout -k 5 30 "$@" || { echo "FAILED: $* (exit $?)"; rc=1; }
	}
	run "$dir/xsk_c99" xa0 xb0 auto
	run "$dir/xsk_gnu11" xa1 xb1 skb
	run "$dir/xsk_c99" xa2 xb2 manual
	run "$dir/xsk_cxx" xa3 xb3 auto
	exit $rc
' sh "$out" || fail=1
[ $fail -eq 0 ] || exit 1
# Without the libxdp build nothing showed that the source is a libxdp program.
[ $libxdp -eq 1 ] || { echo "SKIP: install libxdp-dev to build against libxdp"; exit 77; }
exit 0
