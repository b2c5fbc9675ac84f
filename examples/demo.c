/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * demo: xsk.h end to end, on nothing but this machine (run it with `sudo make demo`).
 *
 * It moves itself into a new, private network namespace, creates a veth pair there,
 * opens an AF_XDP socket on one end with xsk.h, sends numbered frames from the other
 * end, and checks that every one arrives, in order and intact. The namespace has no
 * name: the kernel removes it, the veth pair and the XDP program with it when the demo
 * exits, however it exits (Ctrl-C included). Nothing outside the namespace is touched.
 *
 *     demo [PACKETS]     (default 1000000)
 *     demo --rate [SECONDS]   (default 10)
 *
 * With --rate it shows the speed instead: a generator on xsk1 (BPF_PROG_RUN with live
 * frames, the kernel's own packet blaster, on another CPU) sends 64-byte frames as fast
 * as it can, and the demo receives and counts them, printing the rate each second.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define XSK_IMPLEMENTATION
#include "xsk.h"
#include "common.h"

#define FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define BATCH 64
#define PKT_LEN 64
#define ETH_P_DEMO 0x88B5 /* IEEE 802 local experimental */

extern char **environ;
/* Only warnings: the demo's output stays short. */
static void print_warn(enum xsk_print_level level, const char *msg)
{
	if (level == XSK_PRINT_WARN)
		fprintf(stderr, "%s\n", msg);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs `ip ARGS...` and waits for it. */
static int ip(const char *a, const char *b, const char *c, const char *d, const char *e,
	      const char *f, const char *g)
{
	const char *argv[] = { "ip", a, b, c, d, e, f, g, NULL };
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "ip", NULL, NULL, (char *const *)argv, environ) ||
	    waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Keeps the kernel from sending its own IPv6 frames (router solicitations) on dev. */
static void no_ipv6(const char *dev)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", dev);
	f = fopen(path, "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
}

/* A test frame: broadcast-free local MACs, our EtherType, then seq in every word. */
static void make_frame(unsigned char *p, __u32 seq)
{
	static const unsigned char hdr[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
					       ETH_P_DEMO >> 8, ETH_P_DEMO & 0xff };
	int off;

	memcpy(p, hdr, sizeof(hdr));
	memset(p + 14, 0, PKT_LEN - 14); /* 50 bytes do not divide into 4-byte copies */
	for (off = 14; off + 4 <= PKT_LEN; off += 4)
		memcpy(p + off, &seq, 4);
}

/* The sequence number of a received frame, or -1 if any byte is not as sent. */
static long long check_frame(const unsigned char *p, __u32 len)
{
	unsigned char want[PKT_LEN];
	__u32 seq;

	if (len != PKT_LEN)
		return -1;
	memcpy(&seq, p + 14, 4);
	make_frame(want, seq);
	return memcmp(p, want, PKT_LEN) ? -1 : (long long)seq;
}

/*
 * The traffic generator of --rate, in a child process: BPF_PROG_RUN with live frames
 * runs a two-instruction XDP program (return XDP_TX) on copies of one frame as if they
 * had arrived on xsk1, so each copy leaves xsk1 for xsk0. Runs until killed.
 */
static pid_t start_generator(void)
{
	const struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_TX },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	unsigned char frame[PKT_LEN];
	struct xdp_md ctx;
	int fd;
	pid_t pid = fork();

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	make_frame(frame, 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.data_end = PKT_LEN; /* the kernel wants the packet's end said again here */
	ctx.ingress_ifindex = if_nametoindex("xsk1");
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "demo_gen", "GPL", prog, 2, NULL);
	for (;;) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = PKT_LEN,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1 << 20,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

		if (fd < 0 || bpf_prog_test_run_opts(fd, &o)) {
			perror("demo: generator (BPF_PROG_RUN live frames, Linux 5.18+)");
			_exit(1);
		}
	}
}

/* --rate: receive what the generator sends for `seconds`, the rate each second. */
static int show_rate(struct xsk_socket *xsk, struct xsk_ring_cons *rx,
		     struct xsk_ring_prod *fill, unsigned long seconds)
{
	unsigned long long total = 0, last_total = 0;
	double start = now(), last = start, t;
	pid_t gen = start_generator();
	int st;

	printf("receiving what a generator on xsk1 sends, for %lu s\n", seconds);
	while (!stop && (t = now()) - start < (double)seconds) {
		__u32 idx = 0, fidx = 0, n = xsk_ring_cons__peek(rx, BATCH, &idx), i;

		if (!n) {
			xsk_socket__wakeup_rx(xsk);
			continue;
		}
		/* Every frame goes back at once: the fill ring always has room for them. */
		xsk_ring_prod__reserve(fill, n, &fidx);
		for (i = 0; i < n; i++) {
			__u64 a = xsk_ring_cons__rx_desc(rx, idx + i)->addr;

			*xsk_ring_prod__fill_addr(fill, fidx + i) = a - a % FRAME_SIZE;
		}
		xsk_ring_prod__submit(fill, n);
		xsk_ring_cons__release(rx, n);
		total += n;
		if (t - last >= 1.0) {
			printf("  %.2f Mpps\n", (double)(total - last_total) / (t - last) / 1e6);
			last_total = total;
			last = t;
		}
	}
	kill(gen, SIGKILL);
	if (waitpid(gen, &st, 0) != gen || !WIFSIGNALED(st)) {
		fprintf(stderr, "demo: the generator failed\n");
		return 1;
	}
	printf("%llu frames in %.1f s: %.2f Mpps on one queue, copy mode\n", total,
	       now() - start, (double)total / (now() - start) / 1e6);
	return total ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long long packets = 1000000;
	unsigned long rate = 0;
	unsigned long long sent = 0, received = 0, bad = 0, other = 0;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xsk_socket_config cfg;
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	struct sockaddr_ll peer;
	unsigned char frame[PKT_LEN];
	double start, last;
	void *area;
	int pkt, err, mode, zc;
	__u32 idx = 0, i;

	if (argc > 1 && !strcmp(argv[1], "--rate")) {
		rate = argc > 2 ? parse_num("demo", "seconds", argv[2], 3600) : 10;
		argc = argc > 2 ? argc - 1 : argc;
	} else if (argc == 2) {
		packets = parse_num("demo", "number of packets", argv[1], 1000000000);
	}
	if (argc > 2) {
		fprintf(stderr, "usage: demo [PACKETS] | demo --rate [SECONDS]\n");
		return 1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "demo: needs root (CAP_SYS_ADMIN for its own network namespace, "
			"CAP_NET_ADMIN, CAP_NET_RAW and CAP_BPF for the veth pair, the socket and "
			"the XDP program): run it as `sudo make demo`\n");
		return 1;
	}
	example_init(print_warn);

	/* 1. A private network namespace with a veth pair: xsk0 (ours) <-> xsk1 (peer). */
	if (unshare(CLONE_NEWNET)) {
		perror("demo: unshare(CLONE_NEWNET)");
		return 1;
	}
	if (ip("link", "add", "xsk0", "type", "veth", "peer", "xsk1"))
		goto no_veth;
	no_ipv6("xsk0");
	no_ipv6("xsk1");
	if (ip("link", "set", "xsk0", "up", NULL, NULL, NULL) ||
	    ip("link", "set", "xsk1", "up", NULL, NULL, NULL)) {
no_veth:
		fprintf(stderr, "demo: could not create the veth pair (is iproute2 installed?)\n");
		return 1;
	}

	/* 2. A UMEM of 4096 frames and a socket on queue 0 of xsk0: xsk.h loads and attaches
	 *    the XDP program that sends the queue's packets to the socket. */
	area = mmap(NULL, (size_t)FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		perror("demo: mmap");
		return 1;
	}
	err = xsk_umem__create(&umem, area, (__u64)FRAMES * FRAME_SIZE, &fill, &comp, NULL);
	if (err) {
		fprintf(stderr, "demo: xsk_umem__create: %s\n", strerror(-err));
		return 1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	cfg.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
	cfg.bind_flags = XDP_USE_NEED_WAKEUP;
	err = xsk_socket__create(&xsk, "xsk0", 0, umem, &rx, &tx, &cfg);
	if (err) {
		fprintf(stderr, "demo: xsk_socket__create: %s\n", strerror(-err));
		xsk_umem__delete(umem);
		return 1;
	}
	mode = xsk_socket__xdp_mode(xsk);
	zc = xsk_socket__zerocopy(xsk);
	printf("AF_XDP socket on xsk0 queue 0: XDP program in %s mode, %s\n",
	       mode_name(mode), zc == 1 ? "zero-copy" : "copy mode (veth has no zero-copy)");

	/* 3. Give the kernel half of the frames to receive into. */
	xsk_ring_prod__reserve(&fill, FRAMES / 2, &idx);
	for (i = 0; i < FRAMES / 2; i++)
		*xsk_ring_prod__fill_addr(&fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&fill, FRAMES / 2);

	if (rate) {
		err = show_rate(xsk, &rx, &fill, rate);
		pkt = -1;
		goto out;
	}

	/* 4. The sender: a raw packet socket on the peer. */
	err = 1; /* until every frame is checked */
	pkt = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	memset(&peer, 0, sizeof(peer));
	peer.sll_family = AF_PACKET;
	peer.sll_ifindex = (int)if_nametoindex("xsk1");
	peer.sll_halen = ETH_ALEN;
	if (pkt < 0) {
		perror("demo: socket(AF_PACKET)");
		goto out;
	}

	printf("sending %llu numbered %d-byte frames from xsk1, checking each on arrival\n",
	       packets, PKT_LEN);
	start = last = now();
	while (received < packets && !stop) {
		unsigned long long burst = packets - sent < BATCH ? packets - sent : BATCH;
		__u32 n;

		for (i = 0; i < burst; i++, sent++) {
			make_frame(frame, (__u32)sent);
			if (sendto(pkt, frame, PKT_LEN, 0, (struct sockaddr *)&peer,
				   sizeof(peer)) != PKT_LEN) {
				if (errno == EINTR)
					break; /* Ctrl-C: the loop ends on `stop` */
				perror("demo: sendto");
				goto out;
			}
		}
		/* Receive what arrived; a frame goes straight back to the fill ring. */
		n = xsk_ring_cons__peek(&rx, BATCH, &idx);
		if (!n) {
			struct pollfd pfd = { xsk_socket__fd(xsk), POLLIN, 0 };

			xsk_socket__wakeup_rx(xsk);
			if (poll(&pfd, 1, 1000) == 0 && received < sent) {
				fprintf(stderr, "demo: no frame for a second\n");
				break;
			}
			continue;
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rx, idx + i);
			const unsigned char *p = xsk_umem__get_data(area, d->addr);
			__u32 fidx = 0;

			if (d->len < 14 || p[12] != ETH_P_DEMO >> 8 || p[13] != (ETH_P_DEMO & 0xff)) {
				other++; /* not ours: the kernel's own, say */
				goto recycle;
			}
			if (check_frame(p, d->len) != (long long)received)
				bad++;
			if (received < 3)
				printf("  frame %llu: %u bytes at UMEM offset %llu: "
				       "%02x:%02x:%02x:%02x:%02x:%02x -> "
				       "%02x:%02x:%02x:%02x:%02x:%02x type 0x%02x%02x seq %llu\n",
				       received, d->len, (unsigned long long)d->addr, p[6], p[7], p[8],
				       p[9], p[10], p[11], p[0], p[1], p[2], p[3], p[4], p[5], p[12],
				       p[13], (long long)check_frame(p, d->len));
			received++;
recycle:
			xsk_ring_prod__reserve(&fill, 1, &fidx);
			*xsk_ring_prod__fill_addr(&fill, fidx) = d->addr - d->addr % FRAME_SIZE;
			xsk_ring_prod__submit(&fill, 1);
		}
		xsk_ring_cons__release(&rx, n);
		if (now() - last >= 1.0) {
			last = now();
			printf("  %llu frames received, %.2f Mpps, %llu bad\n", received,
			       (double)received / (last - start) / 1e6, bad);
		}
	}

	{
		double secs = now() - start;
		struct xdp_statistics st;

		memset(&st, 0, sizeof(st));
		xsk_socket__stats(xsk, &st);
		printf("%llu sent, %llu received in %.2f s (%.2f Mpps): %s\n", sent, received, secs,
		       (double)received / secs / 1e6,
		       bad ? "SOME FRAMES WERE WRONG" : received == sent ?
		       "every frame arrived in order and intact" : "frames missing");
		if (other)
			printf("%llu other frames (not the demo's) arrived too\n", other);
		printf("kernel counters: %llu dropped, %llu invalid, %llu rx ring full\n",
		       (unsigned long long)st.rx_dropped,
		       (unsigned long long)st.rx_invalid_descs,
		       (unsigned long long)st.rx_ring_full);
		err = bad || received != sent || (!stop && received != packets);
	}
out:
	if (pkt >= 0)
		close(pkt);
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	munmap(area, (size_t)FRAMES * FRAME_SIZE);
	if (stop)
		printf("interrupted; ");
	printf("the namespace, the veth pair and the XDP program go away as the demo exits\n");
	return err ? 1 : 0;
}
