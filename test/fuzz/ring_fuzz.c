// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: xsk_ring.h against a reference model.
 *
 * The input sets up two rings on plain memory, one the user produces (fill or TX) and
 * one the user consumes (completion or RX), each of a power-of-two size from 1 to 4096
 * with its indices starting at any 32-bit value (often near UINT32_MAX or 2^31), then
 * drives them with a sequence of operations: the user's reserve/fill/cancel/submit and
 * peek/read/cancel/release, nb_free/nb_avail, and the kernel's side (consume what was
 * submitted, produce new entries, set the need_wakeup flag). Every result is compared
 * with a model that keeps the true indices and the entries in flight: counts, indices,
 * the shared indices the kernel sees and every entry read. The model also keeps the
 * cached view the rings are documented to have (the shared index of the other side is
 * read only when the cached one runs out), so the counts are checked exactly.
 *
 * Input: each ring's set up (start index, size, entry type; see ring_init), then one
 * byte per operation (bit 7: the consumed ring; the rest % 6 picks it), followed by its
 * counts. The seeds in test/fuzz/corpus/ring_fuzz/ are written by hand in that layout:
 * wrap-arounds at sizes 1, 8 and 4096, huge counts, flags and address helpers.
 *
 * Run: build/fuzz/ring_fuzz [libFuzzer options] [corpus dirs or files]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsk_ring.h"

#define MAX_SIZE 4096

#include "input.h"

#define CHECK(cond, ...)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "ring_fuzz: %s:%d: %s: ", __FILE__, __LINE__,  \
				#cond);                                                \
			fprintf(stderr, __VA_ARGS__);                                  \
			fprintf(stderr, "\n");                                         \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* What the kernel would mmap: shared indices, flags and the entries. */
struct shm {
	__u32 producer, consumer, flags;
	union {
		__u64 addr[MAX_SIZE];
		struct xdp_desc desc[MAX_SIZE];
	} e;
};

/* A ring with its model. Indices are free-running 32-bit numbers, as in the kernel. */
struct ring {
	struct shm m;
	union {
		struct xsk_ring_prod prod;
		struct xsk_ring_cons cons;
	} r;
	__u32 size;
	int desc;           /* entries are struct xdp_desc (TX/RX), else __u64 (fill/comp) */
	__u32 head;      /* user producer: next to reserve; user consumer: next to peek */
	__u32 seen;      /* the other side's index as last read by the user side */
	__u64 val[MAX_SIZE]; /* the entry at index i is val[i % size] */
	__u64 next_val;
};

/* The model: entry values the kernel must see or the user must read, by index. */
static __u64 want(const struct ring *r, __u32 i)
{
	return r->val[i & (r->size - 1)];
}

static void put(struct ring *r, __u32 i, __u64 v)
{
	if (r->desc) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&r->r.prod, i);

		CHECK(d == &r->m.e.desc[i & (r->size - 1)], "tx_desc(%u) is entry %td", i,
		      d - r->m.e.desc);
		d->addr = v;
		d->len = (__u32)v;
		d->options = 0;
	} else {
		__u64 *a = xsk_ring_prod__fill_addr(&r->r.prod, i);

		CHECK(a == &r->m.e.addr[i & (r->size - 1)], "fill_addr(%u) is entry %td", i,
		      a - r->m.e.addr);
		*a = v;
	}
}

static __u64 get(struct ring *r, __u32 i)
{
	if (r->desc) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&r->r.cons, i);

		CHECK(d == &r->m.e.desc[i & (r->size - 1)], "rx_desc(%u) is entry %td", i,
		      d - r->m.e.desc);
		CHECK(d->len == (__u32)d->addr, "rx_desc(%u): len %u, addr %llu", i, d->len,
		      (unsigned long long)d->addr);
		return d->addr;
	} else {
		const __u64 *a = xsk_ring_cons__comp_addr(&r->r.cons, i);

		CHECK(a == &r->m.e.addr[i & (r->size - 1)], "comp_addr(%u) is entry %td", i,
		      a - r->m.e.addr);
		return *a;
	}
}

static __u32 pick_start(void)
{
	switch (take(1) % 4) {
	case 0: return take(4);
	case 1: return UINT32_MAX - take(1) % 64;
	case 2: return 0x80000000u - take(1) % 64;
	default: return take(1) % 64;
	}
}

/* A ring in the state the library leaves it in after mmap (see xsk__ring). */
static void ring_init(struct ring *r, int producer_side)
{
	__u32 start = pick_start();

	memset(&r->m, 0, sizeof(r->m));
	r->size = 1u << (take(1) % 13);
	r->desc = take(1) & 1;
	r->m.producer = r->m.consumer = start;
	r->head = r->seen = start;
	r->next_val = 1;
	r->r.prod.cached_prod = start;
	r->r.prod.cached_cons = start + (producer_side ? r->size : 0);
	r->r.prod.mask = r->size - 1;
	r->r.prod.size = r->size;
	r->r.prod.producer = &r->m.producer;
	r->r.prod.consumer = &r->m.consumer;
	r->r.prod.flags = &r->m.flags;
	r->r.prod.ring = &r->m.e;
}

/* A count for an operation: mostly small, sometimes past the ring, now and then huge. */
static __u32 pick_n(__u32 size)
{
	__u32 b = take(1);

	if (b == 255)
		return UINT32_MAX - take(1);
	return b % (2 * size + 2);
}

/* --- the ring the user produces (fill, TX); the kernel consumes it ---------------- */

static void prod_op(struct ring *r, unsigned op)
{
	struct xsk_ring_prod *p = &r->r.prod;
	__u32 pub = r->m.producer, cons = r->m.consumer; /* pub: what the kernel sees */
	__u32 n, got, idx = 0, i, cached, expect;

	switch (op % 6) {
	case 0: /* reserve n and write the entries */
	case 1: /* nb_free(n) */
		n = pick_n(r->size);
		cached = r->seen + r->size - r->head;
		if (cached < n) {
			r->seen = cons; /* the library reads the consumer index only now */
			cached = r->seen + r->size - r->head;
		}
		if (op % 6 == 1) {
			got = xsk_prod_nb_free(p, n);
			CHECK(got == cached, "nb_free(%u) = %u, want %u", n, got, cached);
			break;
		}
		expect = cached >= n ? n : 0;
		got = xsk_ring_prod__reserve(p, n, &idx);
		CHECK(got == expect, "reserve(%u) = %u, want %u (free %u)", n, got, expect,
		      cached);
		if (!got)
			break;
		CHECK(idx == r->head, "reserve(%u): idx %u, want %u", n, idx, r->head);
		for (i = 0; i < n; i++) {
			r->val[(idx + i) & (r->size - 1)] = r->next_val;
			put(r, idx + i, r->next_val++);
		}
		r->head += n;
		break;
	case 2: /* cancel some of what is reserved and not submitted */
		n = r->head - pub ? take(2) % (r->head - pub + 1) : 0;
		xsk_ring_prod__cancel(p, n);
		r->head -= n;
		break;
	case 3: /* submit some of what is reserved */
		n = r->head - pub ? take(2) % (r->head - pub + 1) : 0;
		xsk_ring_prod__submit(p, n);
		CHECK(r->m.producer == pub + n, "submit(%u): producer %u, want %u", n,
		      r->m.producer, pub + n);
		break;
	case 4: /* the kernel consumes some of what was submitted, in order */
		n = pub - cons ? take(2) % (pub - cons + 1) : 0;
		for (i = 0; i < n; i++) {
			__u64 v = r->desc ? r->m.e.desc[(cons + i) & (r->size - 1)].addr :
					       r->m.e.addr[(cons + i) & (r->size - 1)];

			CHECK(v == want(r, cons + i), "kernel read %llu at %u, want %llu",
			      (unsigned long long)v, cons + i,
			      (unsigned long long)want(r, cons + i));
		}
		r->m.consumer = cons + n;
		break;
	default: /* the kernel sets or clears need_wakeup */
		r->m.flags = take(1) & 1 ? XDP_RING_NEED_WAKEUP : 0;
		CHECK(xsk_ring_prod__needs_wakeup(p) == !!r->m.flags, "needs_wakeup");
		break;
	}
	CHECK(r->m.producer - r->m.consumer <= r->size, "kernel sees %u entries in %u",
	      r->m.producer - r->m.consumer, r->size);
}

/* --- the ring the user consumes (completion, RX); the kernel produces it ---------- */

static void cons_op(struct ring *r, unsigned op)
{
	struct xsk_ring_cons *c = &r->r.cons;
	__u32 prod = r->m.producer, rel = r->m.consumer; /* rel: released by the user */
	__u32 n, got, idx = 0, i, cached, expect;

	switch (op % 6) {
	case 0: /* peek up to n and read them */
	case 1: /* nb_avail(n) */
		n = pick_n(r->size);
		cached = r->seen - r->head;
		if (cached == 0) {
			r->seen = prod; /* the library reads the producer index only now */
			cached = r->seen - r->head;
		}
		expect = cached < n ? cached : n;
		if (op % 6 == 1) {
			got = xsk_cons_nb_avail(c, n);
			CHECK(got == expect, "nb_avail(%u) = %u, want %u", n, got, expect);
			break;
		}
		got = xsk_ring_cons__peek(c, n, &idx);
		CHECK(got == expect, "peek(%u) = %u, want %u", n, got, expect);
		if (!got)
			break;
		CHECK(idx == r->head, "peek(%u): idx %u, want %u", n, idx, r->head);
		for (i = 0; i < got; i++) {
			__u64 v = get(r, idx + i);

			CHECK(v == want(r, idx + i), "read %llu at %u, want %llu",
			      (unsigned long long)v, idx + i,
			      (unsigned long long)want(r, idx + i));
		}
		r->head += got;
		break;
	case 2: /* un-peek some of what is peeked and not released */
		n = r->head - rel ? take(2) % (r->head - rel + 1) : 0;
		xsk_ring_cons__cancel(c, n);
		r->head -= n;
		break;
	case 3: /* release some of what is peeked */
		n = r->head - rel ? take(2) % (r->head - rel + 1) : 0;
		xsk_ring_cons__release(c, n);
		CHECK(r->m.consumer == rel + n, "release(%u): consumer %u, want %u", n,
		      r->m.consumer, rel + n);
		break;
	case 4: /* the kernel produces into what the user released */
		n = take(2) % (r->size - (prod - rel) + 1);
		for (i = 0; i < n; i++) {
			__u32 k = (prod + i) & (r->size - 1);

			r->val[k] = r->next_val;
			if (r->desc) {
				r->m.e.desc[k].addr = r->next_val;
				r->m.e.desc[k].len = (__u32)r->next_val;
			} else {
				r->m.e.addr[k] = r->next_val;
			}
			r->next_val++;
		}
		r->m.producer = prod + n;
		break;
	default: { /* unaligned-mode address helpers */
		__u64 a = (__u64)take(4) << 32 | take(4);

		CHECK(xsk_umem__extract_addr(a) == (a & ((1ULL << 48) - 1)), "extract_addr");
		CHECK(xsk_umem__extract_offset(a) == a >> 48, "extract_offset");
		CHECK(xsk_umem__add_offset_to_addr(a) ==
		      (a & ((1ULL << 48) - 1)) + (a >> 48), "add_offset_to_addr");
		break;
	}
	}
	CHECK(r->head - r->m.consumer <= r->m.producer - r->m.consumer &&
	      r->m.producer - r->m.consumer <= r->size,
	      "user holds %u of %u produced, ring %u", r->head - r->m.consumer,
	      r->m.producer - r->m.consumer, r->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ring p, c;

	in = data;
	in_len = size;
	ring_init(&p, 1);
	ring_init(&c, 0);
	while (in_len) {
		unsigned op = take(1);

		if (op & 0x80)
			cons_op(&c, op & 0x7f);
		else
			prod_op(&p, op);
	}
	return 0;
}
