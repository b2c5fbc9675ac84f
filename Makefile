# SPDX-License-Identifier: BSD-2-Clause
# xsk.h build. Users need none of this: include xsk.h and link -lbpf.
# Maintainers regenerate gen/xsk_prog.skel.h with `make gen` (needs clang and bpftool).

CC      ?= cc
CXX     ?= c++
CLANG   ?= clang
BPFTOOL ?= bpftool
PREFIX  ?= /usr/local
OUT     ?= build
# Sanitizer and valgrind builds go into a directory of their own under OUT.
ifeq ($(SAN),1)
override OUT := $(OUT)/san
endif
ifeq ($(VALGRIND),1)
override OUT := $(OUT)/vg
endif

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror
LDLIBS  := -lbpf
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(VALGRIND),1)
# valgrind's own mappings come and go: net.h then compares fds, not mappings.
CFLAGS  += -DNET_SNAP_MAPS=0
endif

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all gen check-gen test soak fuzz demo install clean deps

HEADERS  := xsk.h xsk_ring.h gen/xsk_prog.skel.h
EXAMPLES := $(patsubst examples/%.c,$(OUT)/%,$(wildcard examples/*.c))
TESTS_C  := $(patsubst test/%.c,$(OUT)/test/%,$(wildcard test/*_test.c))
TEST_SH  := $(wildcard test/*_test.sh)

all: $(EXAMPLES) $(TESTS_C)

$(OUT)/%: examples/%.c examples/*.h $(HEADERS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -I. $< -o $@ $(LDFLAGS) $(LDLIBS)

$(OUT)/test/%: test/%.c test/*.h $(HEADERS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -I. $< -o $@ $(LDFLAGS) $(LDLIBS) -pthread

# --- the embedded XDP program -------------------------------------------------
# clang's system include dirs are needed for the BPF target (asm/types.h).
BPF_INC = $(shell $(CLANG) -v -E - </dev/null 2>&1 | \
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
# -fdebug-prefix-map keeps the checkout's path out of the object: gen/ is byte-reproducible.
BPF_CFLAGS = -g -O2 -target bpf -fdebug-prefix-map=$(CURDIR)=. $(BPF_INC)

define gen_skel
	$(Q)mkdir -p $(2) $(dir $(1))
	$(Q)$(CLANG) $(BPF_CFLAGS) -c xsk_prog.bpf.c -o $(2)/xsk_prog.tmp.o
	$(Q)$(BPFTOOL) gen object $(2)/xsk_prog.bpf.o $(2)/xsk_prog.tmp.o
	$(Q)$(BPFTOOL) gen skeleton $(2)/xsk_prog.bpf.o name xsk_prog > $(1)
	$(Q)rm -f $(2)/xsk_prog.tmp.o $(2)/xsk_prog.bpf.o
endef

gen:
	$(call msg,GEN,gen/xsk_prog.skel.h)
	$(call gen_skel,gen/xsk_prog.skel.h,$(OUT)/bpf)

check-gen:
	$(call msg,CHECK,gen/xsk_prog.skel.h)
	$(call gen_skel,$(OUT)/check-gen/xsk_prog.skel.h,$(OUT)/check-gen)
	$(Q)cmp gen/xsk_prog.skel.h $(OUT)/check-gen/xsk_prog.skel.h || \
		{ echo "gen/xsk_prog.skel.h is stale: run 'make gen' and commit it"; exit 1; }

# --- tests, demo, install -------------------------------------------------------
deps:
	$(Q)sh test/deps.sh $(if $(filter 1,$(VALGRIND)),valgrind)

# ring_test's two threads under ThreadSanitizer: a build of its own, whatever SAN says.
TSAN_RING_N ?= 60000000
$(OUT)/test/ring_test_tsan: test/ring_test.c xsk_ring.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -fsanitize=thread $(WARN) -std=gnu11 -I. $< -o $@ -pthread

# libFuzzer targets, test/fuzz/*.c, with seeds in test/fuzz/corpus/<target>/. setup_fuzz
# plays the kernel: the calls xsk.h makes to it are linked to its __wrap_ functions.
FUZZ          := ring_fuzz setup_fuzz
FUZZ_BIN      := $(addprefix $(OUT)/fuzz/,$(FUZZ))
FUZZ_CFLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS  ?= 60
comma := ,
FUZZ_WRAP_setup_fuzz := socket close setsockopt getsockopt mmap munmap bind ioctl fcntl \
	if_nametoindex if_indextoname bpf_xdp_query bpf_link_get_next_id \
	bpf_link_get_fd_by_id bpf_prog_get_fd_by_id bpf_map_get_fd_by_id \
	bpf_obj_get_info_by_fd bpf_object__load_skeleton bpf_object__destroy_skeleton \
	bpf_program__fd bpf_map__fd bpf_link_create bpf_map_update_elem bpf_map_delete_elem

$(OUT)/fuzz/%: test/fuzz/%.c test/fuzz/input.h $(HEADERS)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(WARN) -I. $< -o $@ \
		$(addprefix -Wl$(comma)--wrap=,$(FUZZ_WRAP_$*)) $(LDLIBS)

# make fuzz: each target for FUZZ_SECONDS (at most 60) from its seeds; what it finds goes
# to $(OUT)/fuzz/new/<target>/ (add an input to the seeds by hand if it is worth keeping),
# a crashing input to $(OUT)/fuzz/<target>-crash-*, the log to $(OUT)/fuzz/<target>.log.
fuzz: deps $(FUZZ_BIN)
	$(Q)[ "$(FUZZ_SECONDS)" -ge 1 ] 2>/dev/null && [ "$(FUZZ_SECONDS)" -le 60 ] || \
		{ echo "FUZZ_SECONDS=$(FUZZ_SECONDS): want 1 to 60" >&2; exit 1; }
	$(Q)for f in $(FUZZ); do \
		mkdir -p $(OUT)/fuzz/new/$$f && \
		echo "fuzzing $$f for $(FUZZ_SECONDS) s" && \
		if $(OUT)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-print_final_stats=1 -artifact_prefix=$(OUT)/fuzz/$$f- \
			$(OUT)/fuzz/new/$$f test/fuzz/corpus/$$f >$(OUT)/fuzz/$$f.log 2>&1; \
		then grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' \
			$(OUT)/fuzz/$$f.log; \
		else tail -n 60 $(OUT)/fuzz/$$f.log; echo "FAIL fuzz $$f"; exit 1; fi; \
	done

# What `make test` runs. Under VALGRIND=1: the C tests under memcheck, except those in
# VALGRIND_SKIP (none so far), ring_test with fewer entries (valgrind runs one thread at
# a time). Forked children stay under valgrind, and so do programs of ours that a test
# executes (the examples); system programs (ip) run without it. Not under valgrind: the
# .sh tests (they build and run other programs), the TSan and fuzz builds (sanitizer
# runtimes and valgrind exclude each other). valgrind's warnings about bpf commands it
# does not know are filtered out (see test/valgrind.supp).
VALGRIND_SKIP :=
VALGRIND_CMD  := valgrind -q --error-exitcode=99 --vgdb=no --fair-sched=yes --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--suppressions=test/valgrind.supp --trace-children=yes \
	--trace-children-skip=/usr/*,/bin/*,/sbin/*
ifeq ($(VALGRIND),1)
TEST_BIN := $(TESTS_C)
TEST_RUN := $(foreach t,$(filter-out $(VALGRIND_SKIP:%=$(OUT)/test/%),$(TESTS_C)), \
	"$(if $(filter %/ring_test,$t),RING_TEST_N=2000000 )$t")
else
TEST_BIN := $(TESTS_C) $(OUT)/test/ring_test_tsan $(FUZZ_BIN)
TEST_RUN := $(TESTS_C) "RING_TEST_N=$(TSAN_RING_N) $(OUT)/test/ring_test_tsan" \
	$(foreach f,$(FUZZ),"$(OUT)/fuzz/$f $(wildcard test/fuzz/corpus/$f/*)") $(TEST_SH)
endif

test: deps all $(TEST_BIN)
ifeq ($(VALGRIND),1)
	$(Q){ TEST_WRAP="$(VALGRIND_CMD)" sh test/run.sh $(TEST_RUN) 2>&1; \
		echo $$? >$(OUT)/test/rc; } | grep --line-buffered -v 'WARNING: unhandled eBPF'; \
		exit $$(cat $(OUT)/test/rc)
else
	$(Q)sh test/run.sh $(TEST_RUN)
endif

# make soak: the whole suite with XSK_SOAK=1 (tests scale their counts up) and an hour
# per test.
soak: export XSK_SOAK := 1
soak: export TEST_TIMEOUT := 3600
soak: test

demo: deps $(OUT)/demo
	$(Q)$(OUT)/demo $(if $(filter 1,$(RATE)),--rate)

VERSION = $(shell sed -n 's/^\#define XSK_VERSION_STRING "\(.*\)"/\1/p' xsk.h)

install:
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(PREFIX)/include/xsk/gen $(DESTDIR)$(PREFIX)/lib/pkgconfig
	$(Q)install -m 644 xsk.h xsk_ring.h $(DESTDIR)$(PREFIX)/include/xsk/
	$(Q)install -m 644 gen/xsk_prog.skel.h $(DESTDIR)$(PREFIX)/include/xsk/gen/
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include/xsk' '' \
		'Name: xsk' 'Description: header-only AF_XDP socket library' \
		'Version: $(VERSION)' 'Requires: libbpf' 'Cflags: -I$${includedir}' \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/xsk.pc

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT)

# --- benchmark (not part of `make test`) -----------------------------------------------
# make bench: xskbench built three ways from bench/xskbench.c (xsk.h's classic API,
# libxdp's, xsk.h's quick path), then bench/run.c runs them against each other and against
# an in-kernel XDP_DROP. QUICK=1 for a short run, JSON=file to also write the figures.
.PHONY: bench bench-build
BENCH_DIR := $(OUT)/bench
BENCH_BIN := $(BENCH_DIR)/xskbench-xsk $(BENCH_DIR)/xskbench-libxdp \
	$(BENCH_DIR)/xskbench-quick $(BENCH_DIR)/mqrx \
	$(BENCH_DIR)/rxbound $(BENCH_DIR)/run

$(BENCH_DIR)/xskbench-xsk: bench/xskbench.c $(HEADERS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -I. $< -o $@ $(LDFLAGS) -lbpf

$(BENCH_DIR)/xskbench-quick: bench/xskbench.c $(HEADERS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -DBENCH_QUICK -I. $< -o $@ $(LDFLAGS) -lbpf

$(BENCH_DIR)/rxbound: bench/rxbound.c $(HEADERS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -I. $< -o $@ $(LDFLAGS) -lbpf

$(BENCH_DIR)/mqrx: bench/mqrx.c $(HEADERS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -I. $< -o $@ $(LDFLAGS) -lbpf -lpthread

$(BENCH_DIR)/xskbench-libxdp: bench/xskbench.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -DBENCH_LIBXDP $< -o $@ $(LDFLAGS) -lxdp -lbpf

$(BENCH_DIR)/run: bench/run.c test/net.h test/t.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -I. $< -o $@ $(LDFLAGS) -lbpf

# Item 4: ring operations for callgrind, and a minimal receiver for size and RSS. A
# static link that fails is reported and skipped (run then says n/a).
BENCH_EXTRA := $(BENCH_DIR)/ringops-xsk $(BENCH_DIR)/ringops-libxdp \
	$(BENCH_DIR)/rxmin-xsk $(BENCH_DIR)/rxmin-libxdp \
	$(BENCH_DIR)/rxmin-xsk-static $(BENCH_DIR)/rxmin-libxdp-static
BENCH_STATIC_xsk    := -lbpf -lelf -lz
BENCH_STATIC_libxdp := -lxdp -lbpf -lelf -lz

$(BENCH_DIR)/ringops-xsk: bench/ringops.c xsk_ring.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -DCYCLES=20000 -I. $< -o $@

$(BENCH_DIR)/ringops-libxdp: bench/ringops.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -DCYCLES=20000 -DBENCH_LIBXDP $< -o $@

$(BENCH_DIR)/rxmin-xsk: bench/rxmin.c $(HEADERS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -I. $< -o $@ $(LDFLAGS) -lbpf

$(BENCH_DIR)/rxmin-libxdp: bench/rxmin.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -DBENCH_LIBXDP $< -o $@ $(LDFLAGS) -lxdp -lbpf

$(BENCH_DIR)/rxmin-%-static: bench/rxmin.c $(HEADERS)
	$(call msg,CCSTATIC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) $(if $(filter libxdp,$*),-DBENCH_LIBXDP,-I.) -static $< \
		-o $@ $(LDFLAGS) $(BENCH_STATIC_$*) 2>$@.err || \
		{ echo "  static link of rxmin-$* failed (see $@.err)"; rm -f $@; }

bench-build: deps $(BENCH_BIN) $(BENCH_EXTRA)

bench: bench-build
	$(Q)sh test/deps.sh valgrind
	$(Q)BENCH_DIR=$(BENCH_DIR) $(if $(QUICK),QUICK=$(QUICK)) $(if $(JSON),JSON=$(JSON)) \
		$(BENCH_DIR)/run
