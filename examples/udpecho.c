/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udpecho: answer every IPv4 UDP datagram to PORT on one queue of an interface with
 * the same datagram, from AF_XDP, without a copy.
 *
 *     udpecho IFNAME PORT [QUEUE] [SECONDS]      (QUEUE 0; SECONDS 0: until Ctrl-C)
 *
 * Only UDP to PORT comes to AF_XDP (a filter in the XDP program); everything else,
 * ARP included, goes to the kernel as before, so the interface keeps its address and
 * a normal UDP socket on the other end talks to this program as to any echo server.
 * It says when it is ready, and at the end "total: N datagrams echoed".
 *
 * The answer is the datagram with its Ethernet, IP and UDP source and destination
 * swapped. That leaves the IP checksum right (a sum of the same fields in another
 * order). The UDP checksum is set to 0, "none", which IPv4 allows: a sender that left
 * it to checksum offload (veth and virtio do) sent only part of it.
 * Build: cc -O2 -I. examples/udpecho.c -lbpf
 */
#define _GNU_SOURCE
#define XSK_IMPLEMENTATION /* in exactly one file of the program */
#include "xsk.h"
#include "common.h"

static void swap(unsigned char *a, unsigned char *b, size_t n)
{
	unsigned char t[6];

	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

/* Turns an IPv4/UDP frame into its answer in place; 0, or -1 if it is not one. */
static int answer(unsigned char *p, __u32 len)
{
	unsigned ihl;

	if (len < 14 + 20 + 8 || p[12] != 0x08 || p[13] != 0x00 || (p[14] >> 4) != 4)
		return -1;
	ihl = (p[14] & 0xf) * 4u;
	if (ihl < 20 || len < 14 + ihl + 8 || p[23] != 17)
		return -1;
	swap(p, p + 6, 6);                          /* MAC addresses */
	swap(p + 26, p + 30, 4);                    /* IP addresses */
	swap(p + 14 + ihl, p + 14 + ihl + 2, 2);    /* UDP ports */
	p[14 + ihl + 6] = p[14 + ihl + 7] = 0;      /* UDP checksum: none */
	return 0;
}

int main(int argc, char **argv)
{
	struct xsk_filter udp = { .ethertype = 0x0800, .ip_proto = 17, .nports = 1 };
	unsigned queue = 0, seconds = 0;
	unsigned long long echoed = 0;
	XSK_QUEUE_OPTS(opts, .filter = &udp);
	struct xsk_pkt pkt[64], out[64];
	struct xsk_queue *q;
	long long start;
	int n, i, k, ret = 0;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: udpecho IFNAME PORT [QUEUE] [SECONDS]\n");
		return 1;
	}
	udp.ports[0].lo = udp.ports[0].hi = (__u16)parse_num("udpecho", "port", argv[2], 65535);
	if (argc > 3)
		queue = (unsigned)parse_num("udpecho", "queue", argv[3], 65535);
	if (argc > 4)
		seconds = (unsigned)parse_num("udpecho", "seconds", argv[4], 86400 * 365);
	example_init(print_xsk);
	if (xsk_queue__open(&q, argv[1], queue, &opts)) {
		fprintf(stderr, "udpecho: %s\n", xsk_diag());
		return 1;
	}
	printf("echoing UDP port %s on %s queue %u\n", argv[2], argv[1], queue);

	for (start = now_ms(); !stop && (!seconds || now_ms() - start < seconds * 1000LL);) {
		n = xsk_queue__recv(q, pkt, 64, 100);
		if (n < 0) {
			fprintf(stderr, "udpecho: %s\n", strerror(-n));
			ret = 1;
			break;
		}
		/* Answers go back out; anything else (an IPv4 fragment, say) is dropped. */
		for (i = k = 0; i < n; i++)
			if (answer((unsigned char *)pkt[i].data, pkt[i].len))
				xsk_queue__release(q, &pkt[i], 1);
			else
				out[k++] = pkt[i];
		if (k > 0)
			echoed += (unsigned)xsk_queue__send(q, out, (unsigned)k);
	}
	printf("total: %llu datagrams echoed\n", echoed);
	xsk_queue__close(q);
	return ret;
}
