/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rig.h - a UMEM with one socket, as the kernel tests use it, built on xsk.h's public
 * API the way the README teaches. Each test file is one executable and includes this
 * once: it holds xsk.h's implementation.
 */
#ifndef RIG_H
#define RIG_H

#include "net.h"
#include <sys/mman.h>

#define XSK_IMPLEMENTATION
#include "xsk.h"

#define RIG_FRAMES 4096
#define RIG_FRAME XSK_UMEM__DEFAULT_FRAME_SIZE

struct rig {
	void *area;
	size_t size;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	__u32 next_frame; /* frames below this were handed out (fill or tx) */
};

/* The library's messages, kept for tests that check them. */
static char rig_last_msg[512];

NET__UNUSED static void rig_print(enum xsk_print_level level, const char *msg)
{
	snprintf(rig_last_msg, sizeof(rig_last_msg), "%s", msg);
	(void)level;
	if (getenv("XSK_TEST_VERBOSE"))
		printf("  [xsk] %s\n", msg);
}

/* UMEM of RIG_FRAMES frames and a socket on ifname/queue; 0 or -errno. */
NET__UNUSED static int rig_open(struct rig *r, const char *ifname, __u32 queue, __u32 xdp_flags,
		    __u16 bind_flags)
{
	struct xsk_socket_config cfg;
	int err;

	memset(r, 0, sizeof(*r));
	xsk_set_print(rig_print);
	r->size = (size_t)RIG_FRAMES * RIG_FRAME;
	r->area = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (r->area == MAP_FAILED)
		return -errno;
	err = xsk_umem__create(&r->umem, r->area, r->size, &r->fill, &r->comp, NULL);
	if (err)
		goto fail_area;
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	cfg.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
	cfg.xdp_flags = xdp_flags;
	cfg.bind_flags = bind_flags;
	err = xsk_socket__create(&r->xsk, ifname, queue, r->umem, &r->rx, &r->tx, &cfg);
	if (err)
		goto fail_umem;
	return 0;
fail_umem:
	xsk_umem__delete(r->umem);
fail_area:
	munmap(r->area, r->size);
	memset(r, 0, sizeof(*r)); /* rig_close of a failed rig does nothing */
	return err;
}

NET__UNUSED static void rig_close(struct rig *r)
{
	xsk_socket__delete(r->xsk);
	if (xsk_umem__delete(r->umem))
		printf("rig_close: xsk_umem__delete failed\n");
	if (r->area)
		munmap(r->area, r->size);
	memset(r, 0, sizeof(*r));
}

/* Puts n frames on the fill ring, starting at frame `first`. */
NET__UNUSED static int rig_fill(struct rig *r, __u32 first, __u32 n)
{
	__u32 idx = 0, i;

	if (xsk_ring_prod__reserve(&r->fill, n, &idx) != n)
		return -1;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&r->fill, idx + i) = (__u64)(first + i) * RIG_FRAME;
	xsk_ring_prod__submit(&r->fill, n);
	return 0;
}

/* Gives a received frame (any address inside it) back to the fill ring. */
NET__UNUSED static void rig_recycle(struct rig *r, __u64 addr)
{
	__u32 idx = 0;

	if (xsk_ring_prod__reserve(&r->fill, 1, &idx) == 1) {
		*xsk_ring_prod__fill_addr(&r->fill, idx) = addr - addr % RIG_FRAME;
		xsk_ring_prod__submit(&r->fill, 1);
	}
}

NET__UNUSED static long long rig_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
