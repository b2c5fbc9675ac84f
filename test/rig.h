/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rig.h - a UMEM with one socket, as the kernel tests use it, built on xsk.h's public
 * API the way the README teaches. Each test file is one executable and includes this
 * once: it holds xsk.h's implementation.
 *
 * Frames: every frame of the UMEM is always in exactly one place, and the rig keeps
 * count of the places only the test knows:
 *   free   frames nobody uses: r->free[0 .. r->nfree-1] (rig_fill, rig_tx take from it)
 *   held   frames the test took off a ring and has not given back (r->held)
 * The rings count themselves (producer - consumer in the shared indices). rig_ledger
 * checks free + held + FILL + RX + TX + COMPLETION = frames: a lost or doubled frame
 * shows there. A frame the kernel is copying is briefly on no ring, so rig_ledger
 * waits (kicking TX) until the sum settles.
 *
 * Modes: RIG_RUN_MODES(fn) runs a test once per entry of rig_modes (native and
 * generic XDP, with and without XDP_USE_NEED_WAKEUP); the test reads rig_mode.
 */
#ifndef RIG_H
#define RIG_H

#include "net.h"
#include <sys/mman.h>

#define XSK_IMPLEMENTATION
#include "xsk.h"

#define RIG_FRAMES 4096
#define RIG_FRAME XSK_UMEM__DEFAULT_FRAME_SIZE
#define RIG_NONE UINT32_MAX /* rx_size or tx_size: no such ring */

/* What rig_open_cfg builds; zero fields mean the defaults. */
struct rig_cfg {
	__u32 frames;                 /* RIG_FRAMES */
	__u32 frame_size;             /* RIG_FRAME */
	__u32 headroom;               /* 0 */
	__u32 umem_flags;             /* 0 (XDP_UMEM_UNALIGNED_CHUNK_FLAG) */
	__u32 fill_size, comp_size;   /* libxdp's defaults */
	__u32 rx_size, tx_size;       /* libxdp's defaults; RIG_NONE: no ring */
	__u32 xdp_flags, libxdp_flags;
	__u16 bind_flags;
};

struct rig {
	void *area;
	size_t size;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	__u32 frames, frame_size;
	__u64 *free;   /* frame addresses nobody uses */
	__u32 nfree;
	__u32 held;    /* frames off every ring, in the test's hands */
};

struct rig_mode {
	const char *name;
	__u32 xdp_flags;
	__u16 bind_flags;
};

static const struct rig_mode rig_modes[] = {
	{ "native", XDP_FLAGS_DRV_MODE, 0 },
	{ "native+need_wakeup", XDP_FLAGS_DRV_MODE, XDP_USE_NEED_WAKEUP },
	{ "generic", XDP_FLAGS_SKB_MODE, 0 },
	{ "generic+need_wakeup", XDP_FLAGS_SKB_MODE, XDP_USE_NEED_WAKEUP },
};
static const struct rig_mode *rig_mode = &rig_modes[0]; /* of the test running */

/* XSK_SOAK=1 (make soak): long variants of the tests. n normally, soak_n then. */
NET__UNUSED static long rig_soak(long n, long soak_n)
{
	const char *s = getenv("XSK_SOAK");

	return s && *s && strcmp(s, "0") ? soak_n : n;
}

/* Runs fn in every mode; RIG_RUN_XDP_MODES in native and generic only (for the quick
 * path, which always uses need_wakeup), calling `after` (if not NULL) after each. */
#define RIG_RUN_MODES(fn) rig__run_modes(#fn, fn, 1, NULL)
#define RIG_RUN_XDP_MODES(fn, after) rig__run_modes(#fn, fn, 2, after)

NET__UNUSED static void rig__run_modes(const char *name, void (*fn)(void), size_t step,
				       void (*after)(void))
{
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(rig_modes) / sizeof(rig_modes[0]); i += step) {
		rig_mode = &rig_modes[i];
		snprintf(buf, sizeof(buf), "%s [%s]", name, rig_mode->name);
		t__run(buf, fn);
		if (after)
			after();
	}
	rig_mode = &rig_modes[0];
}

/* The library's messages, kept for tests that check them. */
static char rig_last_msg[512];

NET__UNUSED static void rig_print(enum xsk_print_level level, const char *msg)
{
	snprintf(rig_last_msg, sizeof(rig_last_msg), "%s", msg);
	(void)level;
	if (getenv("XSK_TEST_VERBOSE"))
		printf("  [xsk] %s\n", msg);
}

NET__UNUSED static long long rig_now_ms(void)
{
	return net__now_ms();
}

static __u32 rig__or(__u32 v, __u32 def)
{
	return v ? v : def;
}

/* A UMEM of cfg->frames frames, all free, and no socket; 0 or -errno. */
NET__UNUSED static int rig_umem(struct rig *r, const struct rig_cfg *cfg)
{
	struct xsk_umem_config ucfg;
	__u32 i;
	int err;

	memset(r, 0, sizeof(*r));
	xsk_set_print(rig_print);
	r->frames = rig__or(cfg->frames, RIG_FRAMES);
	r->frame_size = rig__or(cfg->frame_size, RIG_FRAME);
	r->size = (size_t)r->frames * r->frame_size;
	r->area = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (r->area == MAP_FAILED) {
		r->area = NULL;
		return -errno;
	}
	r->free = calloc(r->frames, sizeof(*r->free));
	if (!r->free) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < r->frames; i++)
		r->free[i] = (__u64)(r->frames - 1 - i) * r->frame_size; /* frame 0 first */
	r->nfree = r->frames;
	ucfg.fill_size = rig__or(cfg->fill_size, XSK_RING_PROD__DEFAULT_NUM_DESCS);
	ucfg.comp_size = rig__or(cfg->comp_size, XSK_RING_CONS__DEFAULT_NUM_DESCS);
	ucfg.frame_size = r->frame_size;
	ucfg.frame_headroom = cfg->headroom;
	ucfg.flags = cfg->umem_flags;
	err = xsk_umem__create(&r->umem, r->area, r->size, &r->fill, &r->comp, &ucfg);
	if (err)
		goto fail;
	return 0;
fail:
	free(r->free);
	munmap(r->area, r->size);
	memset(r, 0, sizeof(*r)); /* rig_close of a failed rig does nothing */
	return err;
}

/* The libxdp socket config that cfg describes. */
NET__UNUSED static struct xsk_socket_config rig_socket_cfg(const struct rig_cfg *cfg)
{
	struct xsk_socket_config s;

	memset(&s, 0, sizeof(s));
	s.rx_size = cfg->rx_size == RIG_NONE ? 0 :
		    rig__or(cfg->rx_size, XSK_RING_CONS__DEFAULT_NUM_DESCS);
	s.tx_size = cfg->tx_size == RIG_NONE ? 0 :
		    rig__or(cfg->tx_size, XSK_RING_PROD__DEFAULT_NUM_DESCS);
	s.xdp_flags = cfg->xdp_flags;
	s.libxdp_flags = cfg->libxdp_flags;
	s.bind_flags = cfg->bind_flags;
	return s;
}

/* UMEM and a socket on ifname/queue as cfg says; 0 or -errno. */
NET__UNUSED static int rig_open_cfg(struct rig *r, const char *ifname, __u32 queue,
				    const struct rig_cfg *cfg)
{
	struct xsk_socket_config s = rig_socket_cfg(cfg);
	int err;

	err = rig_umem(r, cfg);
	if (err)
		return err;
	err = xsk_socket__create(&r->xsk, ifname, queue, r->umem,
				 cfg->rx_size == RIG_NONE ? NULL : &r->rx,
				 cfg->tx_size == RIG_NONE ? NULL : &r->tx, &s);
	if (err) {
		xsk_umem__delete(r->umem);
		munmap(r->area, r->size);
		free(r->free);
		memset(r, 0, sizeof(*r));
	}
	return err;
}

/* The default rig, in the given modes; 0 or -errno. */
NET__UNUSED static int rig_open(struct rig *r, const char *ifname, __u32 queue, __u32 xdp_flags,
				__u16 bind_flags)
{
	struct rig_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.xdp_flags = xdp_flags;
	cfg.bind_flags = bind_flags;
	return rig_open_cfg(r, ifname, queue, &cfg);
}

/* In the mode of the test running (rig_mode). */
NET__UNUSED static int rig_open_mode(struct rig *r, const char *ifname, __u32 queue)
{
	return rig_open(r, ifname, queue, rig_mode->xdp_flags, rig_mode->bind_flags);
}

NET__UNUSED static void rig_close(struct rig *r)
{
	xsk_socket__delete(r->xsk);
	if (xsk_umem__delete(r->umem))
		printf("rig_close: xsk_umem__delete failed\n");
	if (r->area)
		munmap(r->area, r->size);
	free(r->free);
	memset(r, 0, sizeof(*r));
}

/* ---- frames ---------------------------------------------------------------------- */

/* A free frame's address, or UINT64_MAX if none is free. */
NET__UNUSED static __u64 rig_alloc(struct rig *r)
{
	return r->nfree ? r->free[--r->nfree] : UINT64_MAX;
}

/* Back to the free list: any address inside the frame. */
NET__UNUSED static void rig_free(struct rig *r, __u64 addr)
{
	if (r->nfree >= r->frames) {
		printf("rig_free: frame %llu freed twice?\n", (unsigned long long)addr);
		t__fail();
		return;
	}
	r->free[r->nfree++] = addr - addr % r->frame_size;
}

/* Entries on a ring (the kernel's and the application's side agree when quiet). */
NET__UNUSED static __u32 rig_prod_used(const struct xsk_ring_prod *p)
{
	return p->producer ? __atomic_load_n(p->producer, __ATOMIC_ACQUIRE) -
			     __atomic_load_n(p->consumer, __ATOMIC_ACQUIRE) : 0;
}

NET__UNUSED static __u32 rig_cons_used(const struct xsk_ring_cons *c)
{
	return c->producer ? __atomic_load_n(c->producer, __ATOMIC_ACQUIRE) -
			     __atomic_load_n(c->consumer, __ATOMIC_ACQUIRE) : 0;
}

/* Moves n free frames onto the fill ring; 0, or -1 if fewer are free or fit. */
NET__UNUSED static int rig_fill(struct rig *r, __u32 n)
{
	__u32 idx = 0, i;

	if (n > r->nfree || xsk_ring_prod__reserve(&r->fill, n, &idx) != n)
		return -1;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&r->fill, idx + i) = rig_alloc(r);
	xsk_ring_prod__submit(&r->fill, n);
	return 0;
}

/* Gives a frame (any address inside it) back to the fill ring, or to the free list
 * when the fill ring is full. */
NET__UNUSED static void rig_recycle(struct rig *r, __u64 addr)
{
	__u32 idx = 0;

	if (xsk_ring_prod__reserve(&r->fill, 1, &idx) == 1) {
		*xsk_ring_prod__fill_addr(&r->fill, idx) = addr - addr % r->frame_size;
		xsk_ring_prod__submit(&r->fill, 1);
	} else {
		rig_free(r, addr);
	}
}

/* Completed TX frames back to the free list; returns how many. A peek sees only its
 * cached view while that holds entries, so it peeks until nothing is left. */
NET__UNUSED static __u32 rig_complete(struct rig *r)
{
	__u32 idx = 0, n, i, total = 0;

	if (!r->comp.producer)
		return 0;
	while ((n = xsk_ring_cons__peek(&r->comp, r->comp.size, &idx))) {
		for (i = 0; i < n; i++)
			rig_free(r, *xsk_ring_cons__comp_addr(&r->comp, idx + i));
		xsk_ring_cons__release(&r->comp, n);
		total += n;
	}
	return total;
}

/* Puts n test frames of len bytes carrying *seq, *seq+1, ... (advanced) on the TX ring
 * from free frames, without kicking: 0, or -1 (nothing put) if they don't all fit. */
NET__UNUSED static int rig_tx_put(struct rig *r, __u32 n, uint32_t *seq, size_t len)
{
	__u32 idx = 0, i;

	if (n > r->nfree || xsk_ring_prod__reserve(&r->tx, n, &idx) != n)
		return -1;
	for (i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&r->tx, idx + i);

		d->addr = rig_alloc(r);
		d->len = (__u32)net_frame(xsk_umem__get_data(r->area, d->addr), len, (*seq)++);
		d->options = 0;
	}
	xsk_ring_prod__submit(&r->tx, n);
	return 0;
}

/* Kicks and collects completions until the TX ring is empty: 0, or -1 on timeout. */
NET__UNUSED static int rig_tx_flush(struct rig *r, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;

	for (;;) {
		rig_complete(r);
		if (!rig_prod_used(&r->tx))
			return 0;
		if (rig_now_ms() > end)
			return -1;
		xsk_socket__wakeup_tx(r->xsk);
		net__sleep_ms(1);
	}
}

/*
 * Sends n test frames of len bytes carrying *seq, *seq+1, ... (advanced) from free
 * frames: as many as fit on the TX ring at a time, kicking and collecting completions
 * until all were sent or timeout_ms passed. Returns the number sent, -1 on a kick
 * error. Completions of the last frames may still be outstanding: rig_ledger waits.
 */
NET__UNUSED static int rig_tx(struct rig *r, __u32 n, uint32_t *seq, size_t len, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;
	__u32 sent = 0;

	while (sent < n) {
		__u32 k = n - sent, room;

		rig_complete(r);
		if (k > r->nfree)
			k = r->nfree;
		room = xsk_prod_nb_free(&r->tx, k);
		if (k > room)
			k = room;
		if (rig_tx_put(r, k, seq, len))
			return -1;
		sent += k;
		if (xsk_socket__wakeup_tx(r->xsk) < 0)
			return -1;
		if (!k) {
			if (rig_now_ms() > end)
				break;
			usleep(50); /* the ring is full: let the kernel send */
		}
	}
	return (int)sent;
}

/*
 * free + held + FILL + RX + TX + COMPLETION, the frames the rig can account for.
 * Other rings sharing the UMEM (create_shared) are added by the caller.
 */
NET__UNUSED static __u32 rig_accounted(const struct rig *r)
{
	return r->nfree + r->held + rig_prod_used(&r->fill) + rig_cons_used(&r->rx) +
	       rig_prod_used(&r->tx) + rig_cons_used(&r->comp);
}

/*
 * The ledger: waits up to timeout_ms (kicking TX, whose frames the kernel may be
 * copying) until every frame is accounted for, plus `extra` frames the caller counts
 * on other rings of the UMEM. 0, or -1 with the places printed.
 */
NET__UNUSED static int rig_ledger(struct rig *r, __u32 extra, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;

	for (;;) {
		if (rig_accounted(r) + extra == r->frames)
			return 0;
		if (rig_now_ms() > end)
			break;
		if (r->xsk && r->tx.producer)
			xsk_socket__wakeup_tx(r->xsk);
		net__sleep_ms(1);
	}
	printf("ledger: %u frames, but free %u + held %u + fill %u + rx %u + tx %u + "
	       "comp %u + other %u = %u\n", r->frames, r->nfree, r->held,
	       rig_prod_used(&r->fill), rig_cons_used(&r->rx), rig_prod_used(&r->tx),
	       rig_cons_used(&r->comp), extra, rig_accounted(r) + extra);
	return -1;
}

/*
 * Receives until `want` test frames arrived or timeout_ms passed, checking that each
 * carries the next sequence number (*seq, advanced) in every word and `len` bytes, and
 * recycling its frame. Returns the number received in order, or -1 at the first bad one.
 */
NET__UNUSED static int rig_recv(struct rig *r, int want, uint32_t *seq, size_t len, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;
	int got = 0;

	while (got < want && rig_now_ms() < end) {
		__u32 idx = 0, n, i;

		n = xsk_ring_cons__peek(&r->rx, 64, &idx);
		if (!n) {
			xsk_socket__wakeup_rx(r->xsk);
			continue;
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&r->rx, idx + i);
			uint32_t s = 0;

			if (net_frame_check(xsk_umem__get_data(r->area, d->addr), d->len, &s) ||
			    s != *seq || d->len != len) {
				printf("rig_recv: frame %d: len %u seq %u, want len %zu seq %u\n",
				       got, d->len, s, len, *seq);
				for (; i < n; i++)
					rig_recycle(r, xsk_ring_cons__rx_desc(&r->rx, idx + i)->addr);
				xsk_ring_cons__release(&r->rx, n);
				return -1;
			}
			(*seq)++;
			got++;
			rig_recycle(r, d->addr);
		}
		xsk_ring_cons__release(&r->rx, n);
	}
	return got;
}

#endif /* RIG_H */
