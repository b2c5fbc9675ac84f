// SPDX-License-Identifier: BSD-2-Clause
/*
 * ringops - the ring operations alone, on plain memory (no kernel), for counting
 * instructions with valgrind --tool=callgrind. One cycle at batch 64:
 *   reserve 64 on a producer ring, write 64 entries, submit;
 *   peek 64 on a consumer view of the same ring, read them, release.
 * ring_cycle does it on a fill/completion-style ring of __u64 addresses, desc_cycle on
 * a TX/RX-style ring of struct xdp_desc. Built against xsk_ring.h (default) or libxdp's
 * inline ring functions in <xdp/xsk.h> (-DBENCH_LIBXDP). Run under
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=ring_cycle ...
 * and divide the instructions by CYCLES * BATCH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BENCH_LIBXDP
#include <xdp/xsk.h>
#else
#include "xsk_ring.h"
#endif

#define BATCH 64
#define ENTRIES 2048
#ifndef CYCLES
#define CYCLES 100000
#endif

/* Shared indices and flags as the kernel lays them out (struct xdp_ring). */
struct fake_ring {
	__u32 producer __attribute__((aligned(64)));
	__u32 consumer __attribute__((aligned(64)));
	__u32 flags __attribute__((aligned(64)));
};

static void setup(struct fake_ring *f, void *entries, struct xsk_ring_prod *p,
		  struct xsk_ring_cons *c)
{
	memset(p, 0, sizeof(*p));
	memset(c, 0, sizeof(*c));
	p->mask = c->mask = ENTRIES - 1;
	p->size = c->size = ENTRIES;
	p->producer = c->producer = &f->producer;
	p->consumer = c->consumer = &f->consumer;
	p->flags = c->flags = &f->flags;
	p->ring = c->ring = entries;
	p->cached_cons = ENTRIES; /* the consumer index + size, as mmap setup leaves it */
}

__attribute__((noinline)) void ring_cycle(struct xsk_ring_prod *p, struct xsk_ring_cons *c,
					  __u64 base, __u64 *sum)
{
	__u32 idx = 0, i, n;
	__u64 s = 0;

	if (xsk_ring_prod__reserve(p, BATCH, &idx) != BATCH)
		abort();
	for (i = 0; i < BATCH; i++)
		*xsk_ring_prod__fill_addr(p, idx + i) = base + (__u64)i * 4096;
	xsk_ring_prod__submit(p, BATCH);
	n = xsk_ring_cons__peek(c, BATCH, &idx);
	for (i = 0; i < n; i++)
		s += *xsk_ring_cons__comp_addr(c, idx + i);
	xsk_ring_cons__release(c, n);
	*sum += s;
}

__attribute__((noinline)) void desc_cycle(struct xsk_ring_prod *p, struct xsk_ring_cons *c,
					  __u64 base, __u64 *sum)
{
	__u32 idx = 0, i, n;
	__u64 s = 0;

	if (xsk_ring_prod__reserve(p, BATCH, &idx) != BATCH)
		abort();
	for (i = 0; i < BATCH; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(p, idx + i);

		d->addr = base + (__u64)i * 4096;
		d->len = 64;
		d->options = 0;
	}
	xsk_ring_prod__submit(p, BATCH);
	n = xsk_ring_cons__peek(c, BATCH, &idx);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(c, idx + i);

		s += d->addr + d->len;
	}
	xsk_ring_cons__release(c, n);
	*sum += s;
}

int main(void)
{
	static struct fake_ring f1, f2;
	static __u64 addrs[ENTRIES];
	static struct xdp_desc descs[ENTRIES];
	struct xsk_ring_prod p1, p2;
	struct xsk_ring_cons c1, c2;
	__u64 sum = 0;
	long i;

	setup(&f1, addrs, &p1, &c1);
	setup(&f2, descs, &p2, &c2);
	for (i = 0; i < CYCLES; i++) {
		ring_cycle(&p1, &c1, (__u64)i, &sum);
		desc_cycle(&p2, &c2, (__u64)i, &sum);
	}
	printf("cycles %d batch %d sum %llu\n", CYCLES, BATCH, (unsigned long long)sum);
	return 0;
}
