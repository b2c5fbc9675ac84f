/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rxcount: receive on one queue of an interface with AF_XDP and count what arrives.
 *
 *     rxcount IFNAME [QUEUE] [SECONDS]      (QUEUE 0; SECONDS 0: until Ctrl-C)
 *
 * On start it prints the XDP mode (native or generic) and whether the socket runs in
 * zero-copy or copy mode; then packets and bytes once a second; at the end
 * "total: N packets, N bytes". While it runs, the queue's packets go to rxcount, not
 * to the kernel's network stack.
 *
 * What it shows: a UMEM and a socket bound with XDP_USE_NEED_WAKEUP, the fill ring
 * kept full, the RX ring read in batches, every frame handed back to the kernel at
 * once, and a clean teardown. Build: cc -O2 -I. examples/rxcount.c -lbpf
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/mman.h>

#define XSK_IMPLEMENTATION /* in exactly one file of the program */
#include "xsk.h"
#include "common.h"

#define NUM_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define BATCH 64

int main(int argc, char **argv)
{
	const char *ifname;
	unsigned queue = 0, seconds = 0;
	size_t size = (size_t)NUM_FRAMES * FRAME_SIZE;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
	struct xsk_umem_config ucfg;
	struct xsk_socket_config scfg;
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	struct xdp_statistics st;
	unsigned long long pkts = 0, bytes = 0, last_pkts = 0, last_bytes = 0;
	long long start, next_report;
	void *area;
	__u32 idx, i;
	int err, ret = 1;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: rxcount IFNAME [QUEUE] [SECONDS]\n");
		return 1;
	}
	ifname = argv[1];
	if (argc > 2)
		queue = (unsigned)parse_num("rxcount", "queue", argv[2], 65535);
	if (argc > 3)
		seconds = (unsigned)parse_num("rxcount", "seconds", argv[3], 86400 * 365);

	example_init(print_xsk);

	/* 1. The UMEM: packet memory shared with the kernel, cut into NUM_FRAMES frames.
	 *    The fill ring can hold all of them, so handing a frame back never fails. */
	area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		fprintf(stderr, "rxcount: mmap of %zu bytes: %s\n", size, strerror(errno));
		return 1;
	}
	memset(&ucfg, 0, sizeof(ucfg));
	ucfg.fill_size = NUM_FRAMES;
	ucfg.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	ucfg.frame_size = FRAME_SIZE;
	ucfg.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM;
	ucfg.flags = XSK_UMEM__DEFAULT_FLAGS;
	err = xsk_umem__create(&umem, area, size, &fill, &comp, &ucfg);
	if (err) {
		fprintf(stderr, "rxcount: xsk_umem__create: %s\n", strerror(-err));
		goto out;
	}

	/* 2. The socket, receive only (no TX ring). xsk.h loads and attaches the XDP
	 *    program that steers the queue's packets to it: native mode if the driver
	 *    has it, else generic. XDP_USE_NEED_WAKEUP: the driver tells us (a flag on
	 *    the fill ring) when it needs a syscall, instead of one every time. */
	memset(&scfg, 0, sizeof(scfg));
	scfg.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	scfg.bind_flags = XDP_USE_NEED_WAKEUP;
	err = xsk_socket__create(&xsk, ifname, queue, umem, &rx, NULL, &scfg);
	if (err) {
		fprintf(stderr, "rxcount: xsk_socket__create(%s, queue %u): %s\n", ifname, queue,
			strerror(-err));
		goto out;
	}

	/* 3. Give every frame to the kernel to receive into. A fill-ring entry is the
	 *    offset of a frame in the UMEM. */
	if (xsk_ring_prod__reserve(&fill, NUM_FRAMES, &idx) != NUM_FRAMES) {
		fprintf(stderr, "rxcount: fill ring: no room for %d frames\n", NUM_FRAMES);
		goto out;
	}
	for (i = 0; i < NUM_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&fill, NUM_FRAMES);

	printf("%s queue %u: %s XDP, %s mode\n", ifname, queue,
	       mode_name(xsk_socket__xdp_mode(xsk)),
	       xsk_socket__zerocopy(xsk) == 1 ? "zero-copy" : "copy");

	/* 4. Receive. Each frame is always in one place: the fill ring (the kernel's),
	 *    the RX ring (ours to read), or, briefly, this loop. */
	start = now_ms();
	next_report = start + 1000;
	while (!stop) {
		__u32 n, idx_rx, idx_fill;
		long long now;

		n = xsk_ring_cons__peek(&rx, BATCH, &idx_rx);
		if (n > 0) {
			/* The fill ring holds every frame, so it has room for these. */
			if (xsk_ring_prod__reserve(&fill, n, &idx_fill) != n) {
				fprintf(stderr, "rxcount: fill ring full: frames miscounted\n");
				goto out;
			}
			for (i = 0; i < n; i++) {
				const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rx, idx_rx + i);

				/* The packet is d->len bytes at xsk_umem__get_data(area,
				 * d->addr). d->addr points past the frame's headroom: hand
				 * back the start of the frame. */
				bytes += d->len;
				*xsk_ring_prod__fill_addr(&fill, idx_fill + i) =
					d->addr - d->addr % FRAME_SIZE;
			}
			xsk_ring_prod__submit(&fill, n);
			xsk_ring_cons__release(&rx, n); /* the RX entries are read */
			pkts += n;
		}

		/* If the driver ran out of fill frames it stopped and set need_wakeup;
		 * this kicks it then, and is a mere flag test otherwise. */
		err = xsk_socket__wakeup_rx(xsk);
		if (err < 0) {
			fprintf(stderr, "rxcount: xsk_socket__wakeup_rx: %s\n", strerror(-err));
			goto out;
		}

		/* Nothing to read: sleep until a packet arrives, at most 100 ms so that
		 * the clock and the stop flag are looked at. */
		if (n == 0) {
			struct pollfd pfd;

			pfd.fd = xsk_socket__fd(xsk);
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, 100) < 0 && errno != EINTR) {
				fprintf(stderr, "rxcount: poll: %s\n", strerror(errno));
				goto out;
			}
		}

		now = now_ms();
		if (now >= next_report) {
			printf("%llu pkts, %llu bytes\n", pkts - last_pkts, bytes - last_bytes);
			last_pkts = pkts;
			last_bytes = bytes;
			next_report += 1000;
		}
		if (seconds && now - start >= (long long)seconds * 1000)
			break;
	}

	/* Drops the kernel counted: a full RX ring or an empty fill ring shows here. */
	if (xsk_socket__stats(xsk, &st) == 0)
		printf("dropped: %llu, rx ring full: %llu, fill ring empty: %llu\n",
		       (unsigned long long)st.rx_dropped, (unsigned long long)st.rx_ring_full,
		       (unsigned long long)st.rx_fill_ring_empty_descs);
	printf("total: %llu packets, %llu bytes\n", pkts, bytes);
	ret = 0;
out:
	/* 5. Teardown, in reverse: the socket (and with it the XDP program, once no
	 *    socket uses it), then the UMEM, then its memory. */
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	munmap(area, size);
	return ret;
}
