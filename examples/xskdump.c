/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xskdump: capture what arrives on one queue of an interface to a pcap file, which
 * tcpdump and wireshark read.
 *
 *     xskdump IFNAME FILE [COUNT] [QUEUE]     (COUNT 0: until Ctrl-C)
 *
 * Unlike tcpdump, the packets it captures do not go on to the kernel's stack: AF_XDP
 * takes them. It says when it has started, and at the end "captured: N packets".
 *
 * What it shows: the quick path, and writing the classic pcap format (a file header,
 * then a record header before each packet) by hand.
 * Build: cc -O2 -I. examples/xskdump.c -lbpf
 */
#define _GNU_SOURCE
#include <sys/time.h>

#define XSK_IMPLEMENTATION /* in exactly one file of the program */
#include "xsk.h"
#include "common.h"

struct pcap_file_header {
	__u32 magic;    /* 0xa1b2c3d4: microsecond time stamps, our byte order */
	__u16 major, minor;
	__s32 thiszone; /* time stamps are UTC */
	__u32 sigfigs;
	__u32 snaplen;
	__u32 linktype; /* 1: Ethernet */
};

struct pcap_record {
	__u32 sec, usec;
	__u32 caplen, len;
};

int main(int argc, char **argv)
{
	struct pcap_file_header fh = { 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1 };
	unsigned long count = 0, queue = 0, got = 0;
	XSK_QUEUE_OPTS(opts);
	struct xsk_pkt pkt[64];
	struct xsk_queue *q;
	int n, i, ret = 0;
	FILE *f;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: xskdump IFNAME FILE [COUNT] [QUEUE]\n");
		return 1;
	}
	if (argc > 3)
		count = parse_num("xskdump", "count", argv[3], 1UL << 40);
	if (argc > 4)
		queue = parse_num("xskdump", "queue", argv[4], 65535);
	example_init(print_xsk);
	f = fopen(argv[2], "wb");
	if (!f || fwrite(&fh, sizeof(fh), 1, f) != 1) {
		fprintf(stderr, "xskdump: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (xsk_queue__open(&q, argv[1], (__u32)queue, &opts)) {
		fprintf(stderr, "xskdump: %s\n", xsk_diag());
		fclose(f);
		return 1;
	}
	printf("capturing %s queue %lu to %s\n", argv[1], queue, argv[2]);
	while (!stop && (!count || got < count)) {
		struct timeval tv;

		n = xsk_queue__recv(q, pkt, count && count - got < 64 ? (unsigned)(count - got) : 64,
				    100);
		if (n < 0) {
			fprintf(stderr, "xskdump: %s\n", strerror(-n));
			ret = 1;
			break;
		}
		gettimeofday(&tv, NULL); /* one time stamp for the batch */
		for (i = 0; i < n && !ret; i++) {
			struct pcap_record r = { (__u32)tv.tv_sec, (__u32)tv.tv_usec, pkt[i].len,
						 pkt[i].len };

			if (fwrite(&r, sizeof(r), 1, f) != 1 ||
			    fwrite(pkt[i].data, pkt[i].len, 1, f) != 1) {
				fprintf(stderr, "xskdump: %s: %s\n", argv[2], strerror(errno));
				ret = 1;
			}
		}
		got += (unsigned)n;
		xsk_queue__release(q, pkt, (unsigned)n);
	}
	if (fclose(f)) {
		fprintf(stderr, "xskdump: %s: %s\n", argv[2], strerror(errno));
		ret = 1;
	}
	printf("captured: %lu packets\n", got);
	xsk_queue__close(q);
	return ret;
}
