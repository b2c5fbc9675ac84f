/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * l2fwd: send every frame that arrives on one queue of an interface back out of the
 * same interface, with its source and destination MAC addresses swapped.
 *
 *     l2fwd IFNAME [QUEUE] [SECONDS]      (QUEUE 0; SECONDS 0: until Ctrl-C)
 *
 * On start it prints the XDP mode and copy/zero-copy; at the end
 * "total: N packets forwarded" and how many found the TX ring full.
 *
 * What it shows: forwarding without copying. A received frame is changed in place and
 * sent as it is; the handle takes it back into its pool when the kernel has sent it,
 * and lends it to the kernel to receive into again. No frame is ever lost: one that
 * finds the TX ring full goes back to the pool too, and is counted.
 * Build: cc -O2 -I. examples/l2fwd.c -lbpf
 */
#define _GNU_SOURCE
#define XSK_IMPLEMENTATION /* in exactly one file of the program */
#include "xsk.h"
#include "common.h"

int main(int argc, char **argv)
{
	unsigned queue = 0, seconds = 0;
	unsigned long long fwd = 0;
	XSK_QUEUE_OPTS(opts);
	struct xsk_queue_stats st;
	struct xsk_pkt pkt[64];
	struct xsk_queue *q;
	long long start;
	int n, i, ret = 0;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: l2fwd IFNAME [QUEUE] [SECONDS]\n");
		return 1;
	}
	if (argc > 2)
		queue = (unsigned)parse_num("l2fwd", "queue", argv[2], 65535);
	if (argc > 3)
		seconds = (unsigned)parse_num("l2fwd", "seconds", argv[3], 86400 * 365);
	example_init(print_xsk);
	if (xsk_queue__open(&q, argv[1], queue, &opts)) {
		fprintf(stderr, "l2fwd: %s\n", xsk_diag());
		return 1;
	}
	printf("%s queue %u: %s XDP, %s mode\n", argv[1], queue,
	       mode_name(xsk_socket__xdp_mode(xsk_queue__socket(q))),
	       xsk_socket__zerocopy(xsk_queue__socket(q)) == 1 ? "zero-copy" : "copy");

	for (start = now_ms(); !stop && (!seconds || now_ms() - start < seconds * 1000LL);) {
		n = xsk_queue__recv(q, pkt, 64, 100);
		if (n < 0) {
			fprintf(stderr, "l2fwd: %s\n", strerror(-n));
			ret = 1;
			break;
		}
		for (i = 0; i < n; i++) {
			unsigned char *eth = (unsigned char *)pkt[i].data, mac[6];

			memcpy(mac, eth, 6);
			memcpy(eth, eth + 6, 6);
			memcpy(eth + 6, mac, 6);
		}
		if (n > 0)
			fwd += (unsigned)xsk_queue__send(q, pkt, (unsigned)n);
	}
	xsk_queue__stats(q, &st);
	printf("total: %llu packets forwarded, %llu found the TX ring full\n", fwd,
	       (unsigned long long)st.tx_ring_full);
	xsk_queue__close(q);
	return ret;
}
