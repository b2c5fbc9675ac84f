/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * l2fwd: send every frame that arrives on one queue of an interface back out of the
 * same interface, with its source and destination MAC addresses swapped.
 *
 *     l2fwd IFNAME [QUEUE] [SECONDS]      (QUEUE 0; SECONDS 0: until Ctrl-C)
 *
 * On start it prints the XDP mode and copy/zero-copy; at the end
 * "total: N packets forwarded".
 *
 * What it shows: forwarding without copying. A received frame is changed in place
 * and its UMEM address goes straight onto the TX ring; when the kernel has sent it,
 * the completion ring returns it and it goes back to the fill ring. Every frame is
 * always in exactly one place:
 *
 *     fill ring -> RX ring -> this loop -> TX ring -> completion ring -> fill ring
 *
 * and none is ever dropped on the floor: the loop takes from RX only as many frames
 * as the TX ring has room for. Build: cc -O2 -I. examples/l2fwd.c -lbpf
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/mman.h>
#include <linux/if_ether.h>

#define XSK_IMPLEMENTATION /* in exactly one file of the program */
#include "xsk.h"
#include "common.h"

#define NUM_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define BATCH 64

/* Ethernet: destination MAC, then source MAC. Shorter frames stay as they are. */
static void swap_macs(unsigned char *frame, __u32 len)
{
	unsigned char tmp[ETH_ALEN];

	if (len < 2 * ETH_ALEN)
		return;
	memcpy(tmp, frame, ETH_ALEN);
	memcpy(frame, frame + ETH_ALEN, ETH_ALEN);
	memcpy(frame + ETH_ALEN, tmp, ETH_ALEN);
}

int main(int argc, char **argv)
{
	const char *ifname;
	unsigned queue = 0, seconds = 0;
	size_t size = (size_t)NUM_FRAMES * FRAME_SIZE;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xsk_umem_config ucfg;
	struct xsk_socket_config scfg;
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	unsigned long long forwarded = 0;
	__u32 in_flight = 0; /* frames on the TX or completion ring */
	long long start;
	void *area;
	__u32 idx, i;
	int err, ret = 1;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: l2fwd IFNAME [QUEUE] [SECONDS]\n");
		return 1;
	}
	ifname = argv[1];
	if (argc > 2)
		queue = (unsigned)parse_num("l2fwd", "queue", argv[2], 65535);
	if (argc > 3)
		seconds = (unsigned)parse_num("l2fwd", "seconds", argv[3], 86400 * 365);

	example_init(print_xsk);

	/* 1. The UMEM. Its fill and completion rings can each hold every frame, so
	 *    moving frames between them never runs out of room. */
	area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		fprintf(stderr, "l2fwd: mmap of %zu bytes: %s\n", size, strerror(errno));
		return 1;
	}
	memset(&ucfg, 0, sizeof(ucfg));
	ucfg.fill_size = NUM_FRAMES;
	ucfg.comp_size = NUM_FRAMES;
	ucfg.frame_size = FRAME_SIZE;
	ucfg.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM;
	ucfg.flags = XSK_UMEM__DEFAULT_FLAGS;
	err = xsk_umem__create(&umem, area, size, &fill, &comp, &ucfg);
	if (err) {
		fprintf(stderr, "l2fwd: xsk_umem__create: %s\n", strerror(-err));
		goto out;
	}

	/* 2. The socket, with RX and TX rings, on the same UMEM: a received frame can
	 *    be sent from where it lies. */
	memset(&scfg, 0, sizeof(scfg));
	scfg.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	scfg.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
	scfg.bind_flags = XDP_USE_NEED_WAKEUP;
	err = xsk_socket__create(&xsk, ifname, queue, umem, &rx, &tx, &scfg);
	if (err) {
		fprintf(stderr, "l2fwd: xsk_socket__create(%s, queue %u): %s\n", ifname, queue,
			strerror(-err));
		goto out;
	}

	/* 3. Every frame starts on the fill ring. */
	if (xsk_ring_prod__reserve(&fill, NUM_FRAMES, &idx) != NUM_FRAMES) {
		fprintf(stderr, "l2fwd: fill ring: no room for %d frames\n", NUM_FRAMES);
		goto out;
	}
	for (i = 0; i < NUM_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&fill, NUM_FRAMES);

	printf("%s queue %u: %s XDP, %s mode\n", ifname, queue,
	       mode_name(xsk_socket__xdp_mode(xsk)),
	       xsk_socket__zerocopy(xsk) == 1 ? "zero-copy" : "copy");

	start = now_ms();
	while (!stop) {
		__u32 n, room, idx_rx, idx_tx;

		/* 4. Sent frames come back on the completion ring: return them to the
		 *    fill ring. It holds every frame, so it has room. */
		n = xsk_ring_cons__peek(&comp, NUM_FRAMES, &idx);
		if (n > 0) {
			__u32 idx_fill;

			if (xsk_ring_prod__reserve(&fill, n, &idx_fill) != n) {
				fprintf(stderr, "l2fwd: fill ring full: frames miscounted\n");
				goto out;
			}
			for (i = 0; i < n; i++) {
				__u64 addr = *xsk_ring_cons__comp_addr(&comp, idx + i);

				/* The start of the frame, not of the packet in it. */
				*xsk_ring_prod__fill_addr(&fill, idx_fill + i) =
					addr - addr % FRAME_SIZE;
			}
			xsk_ring_prod__submit(&fill, n);
			xsk_ring_cons__release(&comp, n);
			in_flight -= n;
		}

		/* 5. Take from RX only as many frames as TX has room for: a frame taken
		 *    and then not placed would be lost. */
		room = xsk_prod_nb_free(&tx, BATCH);
		if (room > BATCH)
			room = BATCH;
		n = room ? xsk_ring_cons__peek(&rx, room, &idx_rx) : 0;
		if (n > 0) {
			if (xsk_ring_prod__reserve(&tx, n, &idx_tx) != n) { /* room >= n */
				fprintf(stderr, "l2fwd: TX ring full: frames miscounted\n");
				goto out;
			}
			for (i = 0; i < n; i++) {
				const struct xdp_desc *in = xsk_ring_cons__rx_desc(&rx, idx_rx + i);
				struct xdp_desc *out = xsk_ring_prod__tx_desc(&tx, idx_tx + i);

				swap_macs((unsigned char *)xsk_umem__get_data(area, in->addr),
					  in->len);
				out->addr = in->addr; /* the same frame: nothing is copied */
				out->len = in->len;
				out->options = 0;
			}
			xsk_ring_prod__submit(&tx, n);
			xsk_ring_cons__release(&rx, n);
			in_flight += n;
			forwarded += n;
		}

		/* 6. Kicks. TX: the kernel sends what is on the TX ring when asked to (in
		 *    copy mode a kick sends a limited batch, so ask while frames remain).
		 *    RX: the driver asks for a kick when it ran out of fill frames. Both
		 *    calls test need_wakeup first and make a syscall only when needed. */
		if (in_flight > 0) {
			err = xsk_socket__wakeup_tx(xsk);
			if (err < 0) {
				fprintf(stderr, "l2fwd: xsk_socket__wakeup_tx: %s\n",
					strerror(-err));
				goto out;
			}
		}
		err = xsk_socket__wakeup_rx(xsk);
		if (err < 0) {
			fprintf(stderr, "l2fwd: xsk_socket__wakeup_rx: %s\n", strerror(-err));
			goto out;
		}

		/* 7. Nothing received: sleep until a packet arrives. While frames are out
		 *    on TX, only briefly, to collect their completions. */
		if (n == 0) {
			struct pollfd pfd;

			pfd.fd = xsk_socket__fd(xsk);
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, in_flight ? 1 : 100) < 0 && errno != EINTR) {
				fprintf(stderr, "l2fwd: poll: %s\n", strerror(errno));
				goto out;
			}
		}
		if (seconds && now_ms() - start >= (long long)seconds * 1000)
			break;
	}

	printf("total: %llu packets forwarded\n", forwarded);
	ret = 0;
out:
	/* 8. Teardown, in reverse: the socket, the UMEM, its memory. */
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	munmap(area, size);
	return ret;
}
