/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rxcount: receive on one queue of an interface with AF_XDP and count what arrives.
 *
 *     rxcount IFNAME [QUEUE] [SECONDS] [UDP_PORT]
 *
 * QUEUE 0; SECONDS 0: until Ctrl-C; UDP_PORT: take only UDP packets to that port and
 * leave everything else (SSH, ARP...) to the kernel. It prints the XDP mode and copy or
 * zero-copy; packets and bytes once a second; at the end what the kernel dropped, what
 * the XDP program did with the queue's packets (so "nothing arrived" has an answer) and
 * "total: N packets, N bytes".
 *
 * What it shows: the quick path. One call opens the queue; recv gives packets in
 * batches, release gives their frames back to the kernel. Build:
 *     cc -O2 -I. examples/rxcount.c -lbpf
 */
#define _GNU_SOURCE
#define XSK_IMPLEMENTATION /* in exactly one file of the program */
#include "xsk.h"
#include "common.h"

int main(int argc, char **argv)
{
	unsigned long long pkts = 0, bytes = 0, last_pkts = 0, last_bytes = 0;
	unsigned queue = 0, seconds = 0, port = 0;
	struct xsk_filter udp = { .ip_proto = 17 /* UDP */, .nports = 1 };
	XSK_QUEUE_OPTS(opts);
	struct xsk_queue_stats st;
	struct xsk_pkt pkt[64];
	struct xsk_queue *q;
	long long start, next_report;
	int n, i, ret = 0;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: rxcount IFNAME [QUEUE] [SECONDS] [UDP_PORT]\n");
		return 1;
	}
	if (argc > 2)
		queue = (unsigned)parse_num("rxcount", "queue", argv[2], 65535);
	if (argc > 3)
		seconds = (unsigned)parse_num("rxcount", "seconds", argv[3], 86400 * 365);
	if (argc > 4) {
		port = (unsigned)parse_num("rxcount", "port", argv[4], 65535);
		udp.ports[0].lo = udp.ports[0].hi = (__u16)port;
		opts.filter = &udp;
	}
	example_init(print_xsk);
	if (xsk_queue__open(&q, argv[1], queue, &opts)) {
		fprintf(stderr, "rxcount: %s\n", xsk_diag());
		return 1;
	}
	printf("%s queue %u: %s XDP, %s mode\n", argv[1], queue,
	       mode_name(xsk_socket__xdp_mode(xsk_queue__socket(q))),
	       xsk_socket__zerocopy(xsk_queue__socket(q)) == 1 ? "zero-copy" : "copy");

	start = now_ms();
	next_report = start + 1000;
	while (!stop) {
		long long now;

		/* Up to 64 packets; waits at most 100 ms so the clock and Ctrl-C are seen. */
		n = xsk_queue__recv(q, pkt, 64, 100);
		if (n < 0) {
			fprintf(stderr, "rxcount: %s\n", strerror(-n));
			ret = 1;
			break;
		}
		for (i = 0; i < n; i++)
			bytes += pkt[i].len; /* the packet: pkt[i].len bytes at pkt[i].data */
		pkts += (unsigned)n;
		xsk_queue__release(q, pkt, (unsigned)n); /* the frames go back to the kernel */

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
	if (xsk_queue__stats(q, &st) == 0) {
		printf("dropped: %llu, rx ring full: %llu, fill ring empty: %llu\n",
		       (unsigned long long)st.xdp.rx_dropped,
		       (unsigned long long)st.xdp.rx_ring_full,
		       (unsigned long long)st.xdp.rx_fill_ring_empty_descs);
		printf("program: %llu to the socket, %llu to the stack as filtered out, %llu "
		       "to the stack for want of a socket\n", (unsigned long long)st.redirected,
		       (unsigned long long)st.filtered, (unsigned long long)st.no_socket);
	}
	printf("total: %llu packets, %llu bytes\n", pkts, bytes);
	xsk_queue__close(q);
	return ret;
}
