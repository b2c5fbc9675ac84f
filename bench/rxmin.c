// SPDX-License-Identifier: BSD-2-Clause
/*
 * rxmin - a minimal AF_XDP receiver, for the footprint figures (binary size when
 * linked statically, peak RSS): UMEM, socket on queue 0 of argv[1], then receive and
 * recycle frames for argv[2] seconds (default 1), print the count. Built against xsk.h
 * (default) or libxdp (-DBENCH_LIBXDP), the same code.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_link.h>

#ifdef BENCH_LIBXDP
#include <xdp/xsk.h>
#else
#define XSK_IMPLEMENTATION
#define XSK_STATIC
#include "xsk.h"
#endif

#define FRAMES 4096
#define FRAME 4096
#define RING 2048
#define BATCH 64

int main(int argc, char **argv)
{
	struct xsk_socket_config sc = { .rx_size = RING, .tx_size = RING,
					.xdp_flags = XDP_FLAGS_DRV_MODE,
					.bind_flags = XDP_USE_NEED_WAKEUP };
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	unsigned long long n = 0;
	time_t end;
	__u32 idx = 0, i;
	void *area;
	int err;

	if (argc < 2)
		return fprintf(stderr, "usage: rxmin IFNAME [SECONDS]\n"), 2;
	end = time(NULL) + (argc > 2 ? atoi(argv[2]) : 1);
	area = mmap(NULL, (size_t)FRAMES * FRAME, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return perror("mmap"), 1;
	err = xsk_umem__create(&umem, area, (__u64)FRAMES * FRAME, &fq, &cq, NULL);
	if (!err)
		err = xsk_socket__create(&xsk, argv[1], 0, umem, &rx, NULL, &sc);
	if (err)
		return fprintf(stderr, "rxmin: %s\n", strerror(-err)), 1;
	if (xsk_ring_prod__reserve(&fq, RING, &idx) != RING)
		return 1;
	for (i = 0; i < RING; i++)
		*xsk_ring_prod__fill_addr(&fq, idx + i) = (__u64)i * FRAME;
	xsk_ring_prod__submit(&fq, RING);
	while (time(NULL) < end) {
		__u32 r = 0, f = 0, k = xsk_ring_cons__peek(&rx, BATCH, &r);

		if (!k) {
			if (xsk_ring_prod__needs_wakeup(&fq))
				recvfrom(xsk_socket__fd(xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL);
			continue;
		}
		while (xsk_ring_prod__reserve(&fq, k, &f) != k)
			;
		for (i = 0; i < k; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rx, r + i);

			*xsk_ring_prod__fill_addr(&fq, f + i) = d->addr;
		}
		xsk_ring_prod__submit(&fq, k);
		xsk_ring_cons__release(&rx, k);
		n += k;
	}
	printf("received %llu\n", n);
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	munmap(area, (size_t)FRAMES * FRAME);
	return 0;
}
