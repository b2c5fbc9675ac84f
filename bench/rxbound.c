// SPDX-License-Identifier: BSD-2-Clause
/*
 * rxbound - the least an rxdrop receiver can do, to bound what any library can reach
 * on a given machine. It is not a usable receiver: it refills the fill ring with frames
 * taken in turn from a cycle of CYCLE frames instead of the frames it received.
 *
 *   rxbound -i IFNAME [-d SECONDS] [-R] [-c CYCLE] [-m rxdrop] [-N]
 *
 * Each loop takes up to 64 descriptors off the RX ring and, once 64 frames are missing
 * from the 512 it lends the kernel, refills the fill ring. Without -R it never reads
 * the descriptors; with -R it reads each one's address and length, as every real
 * receiver must. CYCLE (default 640) sets how many distinct frames the kernel writes
 * into. Prints "rate <pps>" each second and a summary line like xskbench's.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_link.h>

#define XSK_IMPLEMENTATION
#define XSK_STATIC
#include "xsk.h"

#define RB_FRAMES 4096
#define RB_FRAME 4096
#define RB_RING 2048
#define RB_LEND 512
#define RB_STEP 64
#define RB_BATCH 64

static unsigned long long rb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Puts n frames on the fill ring, the next ones of the cycle; returns n, or 0 if the
 * ring has no room for them. */
static unsigned rb_fill(struct xsk_ring_prod *fq, unsigned n, unsigned long long *next,
		    unsigned cycle)
{
	__u32 idx = 0, i;

	if (xsk_ring_prod__reserve(fq, n, &idx) != n)
		return 0;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(fq, idx + i) = (*next)++ % cycle * RB_FRAME;
	xsk_ring_prod__submit(fq, n);
	return n;
}

int main(int argc, char **argv)
{
	struct xsk_socket_config sc = { .rx_size = RB_RING, .tx_size = RB_RING,
					.xdp_flags = XDP_FLAGS_DRV_MODE,
					.bind_flags = XDP_USE_NEED_WAKEUP };
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	const char *ifname = NULL;
	unsigned long long n = 0, last = 0, next = 0, sum = 0, loops = 0, t0, tl, t;
	unsigned cycle = 640, lent, seconds = 5;
	int read_desc = 0, c, err;
	void *area;

	while ((c = getopt(argc, argv, "i:d:Rc:m:N")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'd': seconds = (unsigned)atoi(optarg); break;
		case 'R': read_desc = 1; break;
		case 'c': cycle = (unsigned)atoi(optarg); break;
		case 'm':
			if (strcmp(optarg, "rxdrop"))
				return fprintf(stderr, "rxbound: rxdrop only\n"), 2;
			break;
		case 'N': break;
		default: return fprintf(stderr, "usage: rxbound -i IFNAME [-d SECONDS] [-R] "
					"[-c CYCLE]\n"), 2;
		}
	}
	if (!ifname || !seconds || cycle < RB_LEND + RB_BATCH || cycle > RB_FRAMES)
		return fprintf(stderr, "rxbound: -i needed; -d >= 1; -c %u..%u\n",
			       RB_LEND + RB_BATCH, RB_FRAMES), 2;
	area = mmap(NULL, (size_t)RB_FRAMES * RB_FRAME, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return perror("rxbound: mmap"), 1;
	err = xsk_umem__create(&umem, area, (__u64)RB_FRAMES * RB_FRAME, &fq, &cq, NULL);
	if (!err)
		err = xsk_socket__create(&xsk, ifname, 0, umem, &rx, NULL, &sc);
	if (err) {
		fprintf(stderr, "rxbound: %s\n", xsk_diag());
		xsk_umem__delete(umem);
		munmap(area, (size_t)RB_FRAMES * RB_FRAME);
		return 1;
	}
	lent = rb_fill(&fq, RB_LEND, &next, cycle);
	t0 = tl = rb_now_ns();
	for (;;) {
		__u32 idx = 0, k = xsk_ring_cons__peek(&rx, RB_BATCH, &idx), i;

		if (k) {
			for (i = 0; read_desc && i < k; i++) {
				const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rx, idx + i);

				sum += d->addr + d->len;
			}
			xsk_ring_cons__release(&rx, k);
			n += k;
			lent -= k;
			if (RB_LEND - lent >= RB_STEP)
				lent += rb_fill(&fq, RB_LEND - lent, &next, cycle);
			if (++loops % 1024)
				continue; /* else look at the clock even if packets keep coming */
		}
		t = rb_now_ns();
		if (t - tl >= 1000000000ull) {
			printf("rate %.0f\n", (double)(n - last) * 1e9 / (double)(t - tl));
			fflush(stdout);
			last = n;
			tl = t;
		}
		if (t - t0 >= seconds * 1000000000ull)
			break;
	}
	printf("summary build=bound%s mode=rxdrop packets=%llu seconds=%.3f mpps=%.3f "
	       "check=%llu\n", read_desc ? "-read" : "", n, (double)(t - t0) / 1e9,
	       (double)n * 1e3 / (double)(t - t0), sum & 1);
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	munmap(area, (size_t)RB_FRAMES * RB_FRAME);
	return 0;
}
