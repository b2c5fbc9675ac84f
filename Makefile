# SPDX-License-Identifier: BSD-2-Clause
# xsk.h build. Users need none of this: include xsk.h and link -lbpf.
# Maintainers regenerate gen/xsk_prog.skel.h with `make gen` (needs clang and bpftool).

CC      ?= cc
CXX     ?= c++
CLANG   ?= clang
BPFTOOL ?= bpftool
PREFIX  ?= /usr/local
ifeq ($(SAN),1)
OUT     ?= build/san
endif
OUT     ?= build

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror
LDLIBS  := -lbpf
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all gen check-gen test demo install clean deps

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
	$(Q)sh test/deps.sh

test: deps all
	$(Q)sh test/run.sh $(TESTS_C) $(TEST_SH)

demo: deps $(OUT)/demo
	$(Q)$(OUT)/demo

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
