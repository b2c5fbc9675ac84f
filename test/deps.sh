#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Installs the Debian packages that `make test` and `make demo` need, and those named as
# arguments (valgrind for `make test VALGRIND=1`), when run as root on Debian or Ubuntu;
# otherwise says exactly what is missing. libclang-rt-dev is libFuzzer and the sanitizer
# runtimes of the default clang (libclang-rt-14-dev on Debian 12).
pkgs="make gcc g++ clang libclang-rt-dev pkg-config libbpf-dev libelf-dev zlib1g-dev iproute2
	libxdp-dev tcpdump $*"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null && exit 0
	echo "apt-get failed to install:$missing" >&2
	exit 1
fi
if command -v dpkg-query >/dev/null; then
	echo "missing packages:$missing" >&2
	echo "install them with: sudo apt-get install$missing" >&2
	exit 1
fi
# Not Debian: check the headers and tools directly.
for f in /usr/include/bpf/libbpf.h /usr/include/gelf.h /usr/include/zlib.h; do
	[ -e "$f" ] || { echo "missing $f (libbpf, libelf, zlib development files)" >&2; exit 1; }
done
command -v ip >/dev/null || { echo "missing the ip command (iproute2)" >&2; exit 1; }
for c in "$@"; do
	command -v "$c" >/dev/null || { echo "missing $c" >&2; exit 1; }
done
