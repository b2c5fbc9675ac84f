// SPDX-License-Identifier: BSD-2-Clause
/*
 * xskbench - the three classic AF_XDP benchmark modes on one queue:
 *   rxdrop  receive and give the frames straight back to the fill ring
 *   txonly  send one prepared 64-byte UDP/IPv4 frame over and over
 *   l2fwd   receive, swap the MAC addresses, send the same frames back
 *
 * One source, three builds:
 *   (default)       xsk.h's UMEM/ring/socket API          -> build=xsk
 *   -DBENCH_LIBXDP  libxdp's <xdp/xsk.h>, the same calls  -> build=libxdp
 *   -DBENCH_QUICK   xsk.h's quick path (xsk_queue__*)     -> build=quick
 *
 * Prints "rate <pps>" every second and, at the end,
 *   summary build=B mode=M packets=N seconds=S mpps=X
 * With --setup-only: makes the UMEM and the socket (program attached, socket in the
 * map), prints "setup bound_ns=<CLOCK_MONOTONIC> bind_retry_ms=<ms>" and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>

#if defined(BENCH_LIBXDP)
#include <xdp/xsk.h>
#define BUILD "libxdp"
#else
#define XSK_IMPLEMENTATION
#define XSK_STATIC
#include "xsk.h"
#ifdef BENCH_QUICK
#define BUILD "quick"
#else
#define BUILD "xsk"
#endif
#endif

#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

#define BENCH_MAX_BATCH 1024
#define BENCH_PKT_LEN 64
#define BENCH_BUSY_USEC 20

enum mode { M_RXDROP, M_TXONLY, M_L2FWD };
static const char *const mode_names[] = { "rxdrop", "txonly", "l2fwd" };

static struct {
	const char *ifname;
	__u32 queue, batch, ring, frame, xdp_flags, fill; /* fill: quick path's fill_frames */
	int seconds, need_wakeup, busy_poll, setup_only;
	enum mode mode;
} opt = {
	.ifname = NULL, .queue = 0, .batch = 64, .ring = 2048, .frame = 4096,
	.xdp_flags = XDP_FLAGS_DRV_MODE, .seconds = 5, .need_wakeup = 1, .mode = M_RXDROP,
};

static volatile sig_atomic_t stop, tick;
static unsigned long long packets;

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		tick = 1;
	else
		stop = 1;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static __u16 ip_csum(const void *hdr, size_t len)
{
	const __u16 *p = hdr;
	__u32 sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* The frame txonly sends: 64 bytes, UDP/IPv4 10.0.0.1:9 -> 10.0.0.2:9. */
static void make_frame(unsigned char *f)
{
	struct ethhdr *eth = (struct ethhdr *)f;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);

	memset(f, 0, BENCH_PKT_LEN);
	memcpy(eth->h_dest, "\x02\x00\x00\x00\x00\x02", ETH_ALEN);
	memcpy(eth->h_source, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(BENCH_PKT_LEN - sizeof(*eth));
	ip->saddr = htonl(0x0a000001);
	ip->daddr = htonl(0x0a000002);
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(9);
	udp->dest = htons(9);
	udp->len = htons(BENCH_PKT_LEN - sizeof(*eth) - sizeof(*ip));
}

static void swap_mac(void *data)
{
	unsigned char *p = data, tmp[ETH_ALEN];

	memcpy(tmp, p, ETH_ALEN);
	memcpy(p, p + ETH_ALEN, ETH_ALEN);
	memcpy(p + ETH_ALEN, tmp, ETH_ALEN);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "xskbench(" BUILD "): %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* Called at every tick; prints the last second's rate. */
static void report_tick(unsigned long long *last_ns, unsigned long long *last_pkts)
{
	unsigned long long t = now_ns();

	tick = 0;
	printf("rate %.0f\n", (double)(packets - *last_pkts) * 1e9 / (double)(t - *last_ns));
	fflush(stdout);
	*last_ns = t;
	*last_pkts = packets;
}

static unsigned bind_retry_ms;

#ifndef BENCH_LIBXDP
/* xsk.h retries bind by itself and says how long the queue was busy (debug level). */
static void on_print(enum xsk_print_level level, const char *msg)
{
	const char *p = strstr(msg, "busy for about ");

	(void)level;
	if (p)
		bind_retry_ms += (unsigned)atoi(p + strlen("busy for about "));
}
#endif

#ifndef BENCH_QUICK
/* ---- the classic API (xsk.h and libxdp) ------------------------------------------ */

struct bench {
	void *area;
	__u64 size;
	__u32 nframes;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	__u32 outstanding; /* frames on TX or completion ring (txonly, l2fwd) */
	__u32 next_frame;  /* txonly: the next frame to send from */
	int fd;
};

static int bench_create(struct bench *b)
{
	struct xsk_umem_config uc = {
		.fill_size = opt.ring, .comp_size = opt.ring, .frame_size = opt.frame,
		.frame_headroom = 0, .flags = 0,
	};
	struct xsk_socket_config sc;
	int err;

	memset(&sc, 0, sizeof(sc));
	sc.rx_size = opt.ring;
	sc.tx_size = opt.ring;
	sc.xdp_flags = opt.xdp_flags;
	sc.bind_flags = opt.need_wakeup ? XDP_USE_NEED_WAKEUP : 0;
	err = xsk_umem__create(&b->umem, b->area, b->size, &b->fq, &b->cq, &uc);
	if (err)
		return err;
	err = xsk_socket__create(&b->xsk, opt.ifname, opt.queue, b->umem,
				 opt.mode == M_TXONLY ? NULL : &b->rx, &b->tx, &sc);
	if (err) {
		xsk_umem__delete(b->umem);
		b->umem = NULL;
	}
	return err;
}

static void bench_open(struct bench *b)
{
	unsigned long long t0 = 0;
	__u32 idx = 0, i, n;
	int err;

	b->nframes = 2 * opt.ring > 4096 ? 2 * opt.ring : 4096;
	b->size = (__u64)b->nframes * opt.frame;
	b->area = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->area == MAP_FAILED)
		die("mmap", errno);
#ifndef BENCH_LIBXDP
	xsk_set_print(on_print);
#endif
	/* libxdp does not retry: a normal libxdp program would try again itself, from
	 * the UMEM on (a failed create may leave the UMEM's rings half set up). */
	while ((err = bench_create(b)) == -EBUSY) {
		if (!t0)
			t0 = now_ns();
		poll(NULL, 0, 1);
		if (now_ns() - t0 > 5000000000ull)
			break;
	}
	if (t0)
		bind_retry_ms += (unsigned)((now_ns() - t0) / 1000000);
	if (err)
		die("xsk_socket__create", err);
	b->fd = xsk_socket__fd(b->xsk);
	if (opt.busy_poll) {
		int one = 1, usec = BENCH_BUSY_USEC, budget = (int)opt.batch;

		if (setsockopt(b->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one)) ||
		    setsockopt(b->fd, SOL_SOCKET, SO_BUSY_POLL, &usec, sizeof(usec)) ||
		    setsockopt(b->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget, sizeof(budget)))
			die("busy poll setsockopt", errno);
	}
	if (opt.mode == M_TXONLY) {
		for (i = 0; i < b->nframes; i++)
			make_frame((unsigned char *)b->area + (__u64)i * opt.frame);
		return;
	}
	/* rxdrop and l2fwd: the first ring's worth of frames to the fill ring; l2fwd
	 * uses the rest while frames are on TX and completion rings. */
	n = xsk_ring_prod__reserve(&b->fq, opt.ring, &idx);
	if (n != opt.ring)
		die("fill ring reserve", ENOSPC);
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&b->fq, idx + i) = (__u64)i * opt.frame;
	xsk_ring_prod__submit(&b->fq, n);
}

static void bench_close(struct bench *b)
{
	xsk_socket__delete(b->xsk);
	xsk_umem__delete(b->umem);
	munmap(b->area, b->size);
}

static void kick_tx(struct bench *b)
{
	if (opt.need_wakeup && !opt.busy_poll && !xsk_ring_prod__needs_wakeup(&b->tx))
		return;
	if (sendto(b->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0 || errno == ENOBUFS ||
	    errno == EAGAIN || errno == EBUSY || errno == ENETDOWN)
		return;
	die("sendto", errno);
}

static void wake_rx(struct bench *b)
{
	if (opt.busy_poll || !opt.need_wakeup || xsk_ring_prod__needs_wakeup(&b->fq))
		recvfrom(b->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

static void rx_drop(struct bench *b)
{
	__u32 idx_rx = 0, idx_fq = 0, n, i;

	n = xsk_ring_cons__peek(&b->rx, opt.batch, &idx_rx);
	if (!n) {
		wake_rx(b);
		return;
	}
	while (xsk_ring_prod__reserve(&b->fq, n, &idx_fq) != n)
		wake_rx(b);
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&b->fq, idx_fq + i) =
			xsk_ring_cons__rx_desc(&b->rx, idx_rx + i)->addr;
	xsk_ring_prod__submit(&b->fq, n);
	xsk_ring_cons__release(&b->rx, n);
	packets += n;
}

/* Completed sends: to the fill ring (l2fwd) or just counted (txonly). */
static void complete_tx(struct bench *b, int refill)
{
	__u32 idx_cq = 0, idx_fq = 0, n, i;

	if (!b->outstanding)
		return;
	kick_tx(b);
	n = xsk_ring_cons__peek(&b->cq, opt.batch, &idx_cq);
	if (!n)
		return;
	if (refill) {
		while (xsk_ring_prod__reserve(&b->fq, n, &idx_fq) != n)
			wake_rx(b);
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&b->fq, idx_fq + i) =
				*xsk_ring_cons__comp_addr(&b->cq, idx_cq + i);
		xsk_ring_prod__submit(&b->fq, n);
	} else {
		packets += n;
	}
	xsk_ring_cons__release(&b->cq, n);
	b->outstanding -= n;
}

static void l2fwd(struct bench *b)
{
	__u32 idx_rx = 0, idx_tx = 0, n, i;

	complete_tx(b, 1);
	n = xsk_ring_cons__peek(&b->rx, opt.batch, &idx_rx);
	if (!n) {
		wake_rx(b);
		return;
	}
	while (xsk_ring_prod__reserve(&b->tx, n, &idx_tx) != n) {
		complete_tx(b, 1);
		if (stop)
			return;
	}
	for (i = 0; i < n; i++) {
		const struct xdp_desc *rd = xsk_ring_cons__rx_desc(&b->rx, idx_rx + i);
		struct xdp_desc *td = xsk_ring_prod__tx_desc(&b->tx, idx_tx + i);

		swap_mac(xsk_umem__get_data(b->area, rd->addr));
		td->addr = rd->addr;
		td->len = rd->len;
		td->options = 0;
	}
	xsk_ring_prod__submit(&b->tx, n);
	xsk_ring_cons__release(&b->rx, n);
	b->outstanding += n;
	packets += n;
}

static void tx_only(struct bench *b)
{
	__u32 idx = 0, i;

	if (b->outstanding + opt.batch <= b->nframes &&
	    xsk_ring_prod__reserve(&b->tx, opt.batch, &idx) == opt.batch) {
		for (i = 0; i < opt.batch; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&b->tx, idx + i);

			d->addr = (__u64)b->next_frame * opt.frame;
			d->len = BENCH_PKT_LEN;
			d->options = 0;
			b->next_frame = b->next_frame + 1 == b->nframes ? 0 : b->next_frame + 1;
		}
		xsk_ring_prod__submit(&b->tx, opt.batch);
		b->outstanding += opt.batch;
	}
	complete_tx(b, 0);
}

static void run(struct bench *b)
{
	switch (opt.mode) {
	case M_RXDROP:
		rx_drop(b);
		break;
	case M_TXONLY:
		tx_only(b);
		break;
	case M_L2FWD:
		l2fwd(b);
		break;
	}
}

#else
/* ---- the quick path ------------------------------------------------------------- */

struct bench {
	struct xsk_queue *q;
	struct xsk_pkt pkts[BENCH_MAX_BATCH];
};

static void bench_open(struct bench *b)
{
	XSK_QUEUE_OPTS(o, .ring_size = opt.ring, .frame_size = opt.frame,
		       .frames = 2 * opt.ring > 4096 ? 2 * opt.ring : 4096,
		       .xdp_flags = opt.xdp_flags,
		       .busy_poll_usec = opt.busy_poll ? BENCH_BUSY_USEC : 0,
		       .busy_poll_budget = opt.batch, .fill_frames = opt.fill);
	struct xsk_pkt *p;
	unsigned n, i;
	int err;

	if (!opt.need_wakeup)
		fprintf(stderr, "xskbench(quick): -w ignored: the quick path always uses "
			"need_wakeup\n");
	xsk_set_print(on_print);
	err = xsk_queue__open(&b->q, opt.ifname, opt.queue, &o);
	if (err) {
		fprintf(stderr, "xskbench(quick): %s\n", xsk_diag());
		die("xsk_queue__open", err);
	}
	if (opt.mode != M_TXONLY)
		return;
	/* Write the frame into every frame of the pool once, as the classic build does;
	 * released frames stay in the pool (the fill ring is full already). */
	p = malloc(sizeof(*p) * o.frames);
	if (!p)
		die("malloc", ENOMEM);
	n = xsk_queue__alloc(b->q, p, o.frames);
	for (i = 0; i < n; i++)
		make_frame(p[i].data);
	if (xsk_queue__release(b->q, p, n))
		die("xsk_queue__release", EINVAL);
	free(p);
}

static void bench_close(struct bench *b)
{
	xsk_queue__close(b->q);
}

static void run(struct bench *b)
{
	unsigned i, n;
	int r;

	switch (opt.mode) {
	case M_RXDROP:
		r = xsk_queue__recv(b->q, b->pkts, opt.batch, 0);
		if (r > 0) {
			xsk_queue__release(b->q, b->pkts, (unsigned)r);
			packets += (unsigned)r;
		}
		break;
	case M_L2FWD:
		r = xsk_queue__recv(b->q, b->pkts, opt.batch, 0);
		if (r > 0) {
			for (i = 0; i < (unsigned)r; i++)
				swap_mac(b->pkts[i].data);
			r = xsk_queue__send(b->q, b->pkts, (unsigned)r);
			if (r > 0)
				packets += (unsigned)r;
		} else {
			xsk_queue__complete(b->q);
		}
		break;
	case M_TXONLY:
		n = xsk_queue__alloc(b->q, b->pkts, opt.batch);
		if (!n) {
			xsk_queue__complete(b->q);
			break;
		}
		for (i = 0; i < n; i++)
			b->pkts[i].len = BENCH_PKT_LEN;
		r = xsk_queue__send(b->q, b->pkts, n);
		if (r > 0)
			packets += (unsigned)r;
		break;
	}
}
#endif

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s -i IFNAME [-q QUEUE] [-m rxdrop|txonly|l2fwd] [-d SECONDS] [-b BATCH]\n"
		"       [-r RING] [-f FRAME] [-F FILL_FRAMES (quick)] [-S | -N] [-w] [-B]\n"
		"       [--setup-only]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "setup-only", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	struct itimerval it = { { 1, 0 }, { 1, 0 } };
	unsigned long long t0, t1, last_ns, last_pkts = 0;
	static struct bench b;
	int c;

	while ((c = getopt_long(argc, argv, "i:q:m:d:b:r:f:F:SNwB", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': opt.ifname = optarg; break;
		case 'q': opt.queue = (__u32)atoi(optarg); break;
		case 'm':
			for (opt.mode = M_RXDROP; opt.mode <= M_L2FWD; opt.mode++)
				if (!strcmp(optarg, mode_names[opt.mode]))
					break;
			if (opt.mode > M_L2FWD)
				usage(argv[0]);
			break;
		case 'd': opt.seconds = atoi(optarg); break;
		case 'b': opt.batch = (__u32)atoi(optarg); break;
		case 'r': opt.ring = (__u32)atoi(optarg); break;
		case 'f': opt.frame = (__u32)atoi(optarg); break;
		case 'S': opt.xdp_flags = XDP_FLAGS_SKB_MODE; break;
		case 'N': opt.xdp_flags = XDP_FLAGS_DRV_MODE; break;
		case 'w': opt.need_wakeup = 0; break;
		case 'B': opt.busy_poll = 1; break;
		case 'F': opt.fill = (__u32)atoi(optarg); break;
		case 'O': opt.setup_only = 1; break;
		default: usage(argv[0]);
		}
	}
	if (!opt.ifname || !opt.batch || opt.batch > BENCH_MAX_BATCH || opt.batch > opt.ring ||
	    opt.seconds < 1)
		usage(argv[0]);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);

	bench_open(&b);
	if (opt.setup_only) {
		printf("setup bound_ns=%llu bind_retry_ms=%u\n", now_ns(), bind_retry_ms);
		fflush(stdout);
		bench_close(&b);
		return 0;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = last_ns = now_ns();
	while (!stop) {
		run(&b);
		if (tick) {
			report_tick(&last_ns, &last_pkts);
			if (now_ns() - t0 >= (unsigned long long)opt.seconds * 1000000000ull)
				break;
		}
	}
	t1 = now_ns();
	printf("summary build=%s mode=%s packets=%llu seconds=%.3f mpps=%.3f\n", BUILD,
	       mode_names[opt.mode], packets, (double)(t1 - t0) / 1e9,
	       (double)packets / ((double)(t1 - t0) / 1e3));
	fflush(stdout);
	bench_close(&b);
	return 0;
}
