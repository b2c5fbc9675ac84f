/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The quick path (xsk_queue__*): receive, forward, send and release through a handle,
 * in every XDP mode, with the frame ledger checked after each test: every frame is in
 * the pool, with the application, on a ring, or (for a moment) in the kernel, and no
 * call loses one. Also: the TX ring full, frames given back twice or not the handle's,
 * options, and every queue of a 4-queue veth opened on one UMEM.
 */
#include "rig.h"
#include <dlfcn.h>
#include <pthread.h>

#define LEN 100 /* test frame length */

static void sandbox_veth(unsigned queues)
{
	net_sandbox();
	REQUIRE(net_veth("xa0", "xb0", queues) == 0);
}

static int ip_link_down(const char *dev)
{
	return net__ip("link", "set", "dev", dev, "down", NULL);
}

static int ip_link_up(const char *dev)
{
	return net__ip("link", "set", "dev", dev, "up", NULL);
}

/* The handle's options in the mode of the test running. */
static struct xsk_queue_opts mode_opts(void)
{
	XSK_QUEUE_OPTS(o, .xdp_flags = rig_mode->xdp_flags);

	return o;
}

/* Waits until every frame is back: in the pool, or lent to the fill ring. 0 or -1
 * (printing where they are). */
static int ledger_settled(struct xsk_queue *q, __u32 app)
{
	long long end = rig_now_ms() + 2000;
	struct xsk_frames f;

	for (;;) {
		xsk_queue__complete(q);
		xsk_queue__frames(q, &f);
		if (f.app == app && !f.rx && !f.tx && !f.comp && !f.kernel &&
		    f.pool + f.fill + f.app == f.total)
			return 0;
		if (rig_now_ms() > end) {
			printf("ledger: total %u pool %u app %u fill %u rx %u tx %u comp %u "
			       "kernel %u\n", f.total, f.pool, f.app, f.fill, f.rx, f.tx, f.comp,
			       f.kernel);
			return -1;
		}
		net__sleep_ms(1);
	}
}

/* Receives n test frames numbered from *seq on (advanced), checking each; keeps them
 * in pkts (room for n). Returns how many arrived in timeout_ms. */
static int recv_n(struct xsk_queue *q, struct xsk_pkt *pkts, int n, uint32_t *seq)
{
	long long end = rig_now_ms() + 2000;
	int got = 0;

	while (got < n && rig_now_ms() < end) {
		int k = xsk_queue__recv(q, pkts + got, (unsigned)(n - got), 10), i;

		if (!CHECK(k >= 0))
			break;
		for (i = got; i < got + k; i++) {
			uint32_t s = 0;

			if (!CHECK_EQ(net_frame_check(pkts[i].data, pkts[i].len, &s), 0) ||
			    !CHECK_EQ(s, *seq) || !CHECK_EQ(pkts[i].len, LEN))
				return got;
			CHECK_EQ(pkts[i].addr % 4096, 256); /* data after the kernel's headroom */
			(*seq)++;
		}
		got += k;
	}
	return got;
}

static int send_n(int pkt, uint32_t from, int n)
{
	unsigned char frame[LEN];
	int i;

	for (i = 0; i < n; i++)
		if (net_pkt_send(pkt, frame, net_frame(frame, sizeof(frame), from + (uint32_t)i)))
			return -1;
	return 0;
}

/* 10,000 frames in batches: received in order, released, the ledger exact. */
static void test_recv(void)
{
	struct xsk_queue_opts o = mode_opts();
	struct net_snap before, after;
	struct xsk_queue_stats st;
	struct xsk_pkt pkts[64];
	struct xsk_queue *q;
	uint32_t seq = 0, sent;
	int pkt;

	sandbox_veth(1);
	net_snap_take(&before);
	REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
	CHECK_EQ(xsk_socket__xdp_mode(xsk_queue__socket(q)), rig_mode->xdp_flags);
	CHECK_EQ(ledger_settled(q, 0), 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	for (sent = 0; sent < 10000; sent += 64) {
		REQUIRE(send_n(pkt, sent, 64) == 0);
		if (!CHECK_EQ(recv_n(q, pkts, 64, &seq), 64))
			break;
		CHECK_EQ(xsk_queue__release(q, pkts, 64), 0);
	}
	CHECK_EQ(ledger_settled(q, 0), 0);
	CHECK_EQ(xsk_queue__stats(q, &st), 0);
	CHECK_EQ(st.rx_packets, sent);
	CHECK_EQ(st.xdp.rx_dropped + st.xdp.rx_ring_full + st.xdp.rx_fill_ring_empty_descs, 0);
	close(pkt);
	xsk_queue__close(q);
	CHECK_EQ(net_wait_no_xdp(net_ifindex("xa0"), 2000), 0);
	net_snap_take(&after);
	CHECK(net_snap_same(&before, &after, 0));
	net_snap_free(&before);
	net_snap_free(&after);
}

/* Received frames sent back without a copy (MAC addresses swapped) reach the peer. */
static void test_forward(void)
{
	struct xsk_queue_opts o = mode_opts();
	unsigned char buf[2048], mac[6];
	struct xsk_pkt pkts[64];
	struct xsk_queue *q;
	uint32_t seq = 0, back = 0, s;
	int pkt, i, n;

	sandbox_veth(1);
	REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	for (n = 0; n < 1000; n += 50) {
		REQUIRE(send_n(pkt, (uint32_t)n, 50) == 0);
		if (!CHECK_EQ(recv_n(q, pkts, 50, &seq), 50))
			break;
		for (i = 0; i < 50; i++) {
			unsigned char *p = (unsigned char *)pkts[i].data;

			memcpy(mac, p, 6);
			memcpy(p, p + 6, 6);
			memcpy(p + 6, mac, 6);
		}
		CHECK_EQ(xsk_queue__send(q, pkts, 50), 50);
		for (i = 0; i < 50; i++) {
			ssize_t len = net_pkt_recv(pkt, buf, sizeof(buf), 2000);

			if (!CHECK_EQ(len, LEN))
				break;
			CHECK(!memcmp(buf, NET_MAC_SRC, 6) && !memcmp(buf + 6, NET_MAC_DST, 6));
			memcpy(buf, NET_MAC_DST, 6); /* back as sent, for net_frame_check */
			memcpy(buf + 6, NET_MAC_SRC, 6);
			CHECK_EQ(net_frame_check(buf, (size_t)len, &s), 0);
			CHECK_EQ(s, back++);
		}
	}
	CHECK_EQ(back, 1000);
	CHECK_EQ(ledger_settled(q, 0), 0);
	close(pkt);
	xsk_queue__close(q);
}

/* New packets from allocated frames; the pool runs dry and fills again. */
static void test_alloc_send(void)
{
	struct xsk_queue_opts o = mode_opts();
	struct xsk_pkt pkts[4096];
	unsigned char buf[2048];
	struct xsk_frames f;
	struct xsk_queue *q;
	uint32_t s, want = 0;
	unsigned n, i;
	int pkt;

	sandbox_veth(1);
	REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	xsk_queue__frames(q, &f);
	CHECK_EQ(f.total, 4096);
	CHECK_EQ(f.fill, 512); /* fill_frames: ring_size / 4 */
	CHECK_EQ(f.pool, 3584);
	n = xsk_queue__alloc(q, pkts, 4096); /* all the pool has */
	CHECK_EQ(n, 3584);
	CHECK_EQ(xsk_queue__alloc(q, pkts + n, 1), 0);
	xsk_queue__frames(q, &f);
	CHECK_EQ(f.app, 3584);
	CHECK_EQ(f.pool, 0);
	for (i = 0; i < n; i++) {
		CHECK_EQ(pkts[i].len, 4096 - 256);
		pkts[i].len = (__u32)net_frame(pkts[i].data, LEN, i);
	}
	/* Sent in batches of 64: the peer's socket takes them at its pace. */
	for (i = 0; i < n; i += 64) {
		unsigned k;

		CHECK_EQ(xsk_queue__send(q, pkts + i, 64), 64);
		for (k = 0; k < 64; k++) {
			ssize_t len = net_pkt_recv(pkt, buf, sizeof(buf), 2000);

			if (!CHECK_EQ(len, LEN) || !CHECK_EQ(net_frame_check(buf, (size_t)len, &s), 0))
				break;
			CHECK_EQ(s, want++);
		}
	}
	CHECK_EQ(want, 3584);
	CHECK_EQ(ledger_settled(q, 0), 0);
	xsk_queue__frames(q, &f);
	CHECK_EQ(f.pool, 3584);
	close(pkt);
	xsk_queue__close(q);
}

/* More sends than the TX ring holds: the rest go back to the pool, counted. */
static void test_tx_ring_full(void)
{
	XSK_QUEUE_OPTS(o, .xdp_flags = rig_mode->xdp_flags, .ring_size = 64, .frames = 512);
	struct xsk_queue_stats st;
	struct xsk_pkt pkts[512];
	struct xsk_queue *q;
	unsigned n, i;
	int sent;

	sandbox_veth(1);
	REQUIRE(ip_link_down("xb0") == 0); /* no carrier: nothing leaves, the ring stays full */
	REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
	n = xsk_queue__alloc(q, pkts, 512);
	CHECK_EQ(n, 512 - 64);
	for (i = 0; i < n; i++)
		pkts[i].len = (__u32)net_frame(pkts[i].data, LEN, i);
	sent = xsk_queue__send(q, pkts, n);
	CHECK(sent >= 64 && sent < (int)n);
	CHECK_EQ(xsk_queue__stats(q, &st), 0);
	CHECK_EQ(st.tx_packets, (__u64)sent);
	CHECK_EQ(st.tx_ring_full, n - (unsigned)sent);
	REQUIRE(ip_link_up("xb0") == 0);
	CHECK_EQ(ledger_settled(q, 0), 0);
	xsk_queue__close(q);
}

/* Every sendto of this process (xsk.h's kicks among them) is counted. */
static unsigned long n_sendto;

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *,
			       socklen_t);

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, int, const struct sockaddr *,
				    socklen_t))dlsym(RTLD_NEXT, "sendto");
	__atomic_add_fetch(&n_sendto, 1, __ATOMIC_RELAXED);
	return real(fd, buf, len, flags, to, tolen);
}

/* Copy mode: one kick sends all 200 frames where the kernel knows XDP_MAX_TX_SKB_BUDGET
 * (Linux 6.17), which xsk.h sets to the TX ring's size; 32 a kick where it does not. */
static void test_tx_budget(void)
{
	XSK_QUEUE_OPTS(o, .xdp_flags = XDP_FLAGS_DRV_MODE, .ring_size = 256, .frames = 1024);
	struct xsk_pkt pkts[200];
	struct xsk_queue *q;
	unsigned long before;
	int fd, v = 64, known;
	unsigned n, i;

	sandbox_veth(1);
	/* A socket without a TX ring: EACCES where the option is known, else ENOPROTOOPT. */
	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	REQUIRE(fd >= 0);
	known = setsockopt(fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &v, sizeof(v)) == 0 ||
		errno == EACCES;
	close(fd);
	printf("# XDP_MAX_TX_SKB_BUDGET %s\n", known ? "known" : "unknown");
	REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
	n = xsk_queue__alloc(q, pkts, 200);
	CHECK_EQ(n, 200);
	for (i = 0; i < n; i++)
		pkts[i].len = (__u32)net_frame(pkts[i].data, LEN, i);
	before = n_sendto;
	CHECK_EQ(xsk_queue__send(q, pkts, n), 200);
	CHECK_EQ(n_sendto - before, known ? 1 : 7);
	CHECK_EQ(ledger_settled(q, 0), 0);
	xsk_queue__close(q);
}

/* Frames given back twice, or not the handle's: -EINVAL and nothing changes. */
static void test_bad_frames(void)
{
	struct xsk_queue_opts o = mode_opts();
	struct xsk_pkt pkts[4], bad;
	struct xsk_frames f0, f1;
	struct xsk_queue *q;
	char other[64];

	sandbox_veth(1);
	REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
	CHECK_EQ(xsk_queue__alloc(q, pkts, 4), 4);
	xsk_queue__frames(q, &f0);
	CHECK_EQ(xsk_queue__release(q, pkts, 2), 0);
	errno = 0;
	CHECK_EQ(xsk_queue__release(q, pkts + 1, 2), -EINVAL); /* pkts[1] went already */
	CHECK_EQ(errno, EINVAL);
	CHECK(strstr(xsk_diag(), "given back twice") != NULL);
	CHECK_EQ(xsk_queue__send(q, pkts, 1), -EINVAL);
	bad = pkts[3];
	bad.data = other;
	CHECK_EQ(xsk_queue__release(q, &bad, 1), -EINVAL);
	CHECK(strstr(xsk_diag(), "not in this handle's frames") != NULL);
	bad = pkts[3];
	bad.len = 4096; /* runs past its frame */
	CHECK_EQ(xsk_queue__send(q, &bad, 1), -EINVAL);
	CHECK(strstr(xsk_diag(), "longer than its frame") != NULL);
	xsk_queue__frames(q, &f1);
	CHECK_EQ(f1.app, f0.app - 2);
	CHECK_EQ(xsk_queue__release(q, pkts + 2, 2), 0);
	CHECK_EQ(ledger_settled(q, 0), 0);
	xsk_queue__close(q);
}

/* Options: unknown bits past sz fail; a smaller (older) sz works; bad values fail. */
static void test_opts(void)
{
	struct { struct xsk_queue_opts o; char newer[8]; } big;
	struct xsk_queue_opts o;
	struct xsk_queue *q = (struct xsk_queue *)1;

	sandbox_veth(1);
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	CHECK_EQ(xsk_queue__open(&q, "xa0", 0, &big.o), 0); /* zero beyond: fine */
	xsk_queue__close(q);
	big.newer[3] = 1;
	CHECK_EQ(xsk_queue__open(&q, "xa0", 0, &big.o), -EINVAL);
	CHECK(q == NULL);
	CHECK(strstr(xsk_diag(), "beyond") != NULL);
	memset(&o, 0, sizeof(o));
	CHECK_EQ(xsk_queue__open(&q, "xa0", 0, &o), -EINVAL); /* sz unset */
	CHECK(strstr(xsk_diag(), "XSK_QUEUE_OPTS") != NULL);
	o.sz = offsetof(struct xsk_queue_opts, frame_size); /* an older, shorter struct */
	o.frames = 8192;
	o.frame_size = 12345; /* past sz: not read */
	REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
	{
		struct xsk_frames f;

		xsk_queue__frames(q, &f);
		CHECK_EQ(f.total, 8192);
	}
	xsk_queue__close(q);
	o.sz = sizeof(o);
	CHECK_EQ(xsk_queue__open(&q, "xa0", 0, &o), -EINVAL); /* frame_size 12345 */
	o.frame_size = 2048;
	o.ring_size = 1000;
	CHECK_EQ(xsk_queue__open(&q, "xa0", 0, &o), -EINVAL);
	o.ring_size = 1024;
	o.frames = 1024; /* fewer than 2 * ring_size */
	CHECK_EQ(xsk_queue__open(&q, "xa0", 0, &o), -EINVAL);
	o.frames = 2048;
	o.fill_frames = 1025; /* more than ring_size */
	CHECK_EQ(xsk_queue__open(&q, "xa0", 0, &o), -EINVAL);
	{
		static const __u32 fill[][2] = { /* ring_size, fill_frames: 0 (default) -> lent */
			{ 256, 256 }, { 1024, 512 }, { 2048, 512 }, { 4096, 1024 },
		};
		struct xsk_frames f;
		unsigned i;

		for (i = 0; i < 4; i++) {
			XSK_QUEUE_OPTS(d, .ring_size = fill[i][0], .frames = 2 * fill[i][0]);

			REQUIRE(xsk_queue__open(&q, "xa0", 0, &d) == 0);
			xsk_queue__frames(q, &f);
			CHECK_EQ(f.fill, fill[i][1]);
			xsk_queue__close(q);
		}
		o.fill_frames = 1024; /* all of the ring, as asked */
		REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
		xsk_queue__frames(q, &f);
		CHECK_EQ(f.fill, 1024);
		xsk_queue__close(q);
	}
	CHECK_EQ(xsk_queue__open(NULL, "xa0", 0, NULL), -EFAULT);
	CHECK_EQ(xsk_queue__open(&q, NULL, 0, NULL), -EFAULT);
	CHECK_EQ(xsk_queue__open(&q, "xa0", 0, NULL), 0); /* NULL: all defaults */
	xsk_queue__close(q);
}

/* Every queue of a 4-queue veth on one UMEM, on both ends: what the peer's handle of
 * queue i sends arrives on our handle of queue i (native veth keeps the queue), and
 * each handle's ledger holds its own frames. */
static void test_open_all(void)
{
	XSK_QUEUE_OPTS(o, .xdp_flags = XDP_FLAGS_DRV_MODE, .frames = 1024, .ring_size = 256);
	struct xsk_queue *qs[8], *peer[4];
	struct xsk_pkt pkts[64];
	int n, i, k;
	uint32_t seq;

	sandbox_veth(4);
	CHECK_EQ(xsk_queue__open_all(qs, 0, "xa0", &o), -EINVAL);
	n = xsk_queue__open_all(qs, 8, "xa0", &o);
	REQUIRE(n == 4);
	REQUIRE(xsk_queue__open_all(peer, 4, "xb0", &o) == 4);
	for (i = 0; i < n; i++) {
		CHECK_EQ(xsk_queue__alloc(peer[i], pkts, 32), 32);
		for (k = 0; k < 32; k++)
			pkts[k].len = (__u32)net_frame(pkts[k].data, LEN, (uint32_t)(i * 1000 + k));
		CHECK_EQ(xsk_queue__send(peer[i], pkts, 32), 32);
	}
	for (i = 0; i < n; i++) {
		struct xsk_frames f;

		seq = (uint32_t)i * 1000;
		CHECK_EQ(recv_n(qs[i], pkts, 32, &seq), 32);
		CHECK(pkts[0].addr >= (__u64)i * 1024 * 4096);
		CHECK(pkts[0].addr < (__u64)(i + 1) * 1024 * 4096);
		CHECK_EQ(xsk_queue__release(qs[i], pkts, 32), 0);
		CHECK_EQ(ledger_settled(qs[i], 0), 0);
		CHECK_EQ(ledger_settled(peer[i], 0), 0);
		xsk_queue__frames(qs[i], &f);
		CHECK_EQ(f.total, 1024);
	}
	for (i = 0; i < n; i++) {
		xsk_queue__close(qs[i]);
		xsk_queue__close(peer[i]);
	}
	CHECK_EQ(net_wait_no_xdp(net_ifindex("xa0"), 2000), 0);
	CHECK_EQ(net_wait_no_xdp(net_ifindex("xb0"), 2000), 0);
}

/* The page size (KiB) of the mapping that holds addr, from /proc/self/smaps; -1 if
 * not found. */
static long page_kb(const void *addr)
{
	unsigned long lo, hi, a = (unsigned long)addr;
	char line[256];
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = a >= lo && a < hi;
		else if (in && sscanf(line, "KernelPageSize: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return in ? kb : -1;
}

static int set_hugepages(long n)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "w");
	int err;

	if (!f)
		return -1;
	err = fprintf(f, "%ld\n", n) < 0;
	return fclose(f) || err ? -1 : 0;
}

static long get_hugepages(void)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* Opens with XSK_QUEUE_HUGEPAGES and receives a frame; the page size of the UMEM. */
static long huge_open(void)
{
	XSK_QUEUE_OPTS(o, .flags = XSK_QUEUE_HUGEPAGES, .frames = 1024, .ring_size = 256);
	struct xsk_queue *q;
	struct xsk_pkt p;
	uint32_t seq = 0;
	long kb;
	int pkt;

	if (!CHECK_EQ(xsk_queue__open(&q, "xa0", 0, &o), 0))
		return -1;
	pkt = net_pkt_sock("xb0");
	CHECK(pkt >= 0);
	CHECK_EQ(send_n(pkt, 0, 1), 0);
	kb = CHECK_EQ(recv_n(q, &p, 1, &seq), 1) ? page_kb(p.data) : -1;
	CHECK_EQ(xsk_queue__release(q, &p, 1), 0);
	close(pkt);
	xsk_queue__close(q);
	return kb;
}

/* The UMEM in 2 MiB pages when the system has some (here: 4 MiB of UMEM, 2 pages);
 * in normal pages, working the same, when it has none. */
static void test_hugepages(void)
{
	long old = get_hugepages();

	REQUIRE(old >= 0);
	sandbox_veth(1);
	REQUIRE(set_hugepages(0) == 0);
	CHECK_EQ(huge_open(), 4);
	if (CHECK_EQ(set_hugepages(2), 0) && CHECK_EQ(get_hugepages(), 2))
		CHECK_EQ(huge_open(), 2048);
	CHECK_EQ(set_hugepages(old), 0);
}

/* A new fd of the map named `name` of the program attached to ifindex, or -1. */
static int prog_map(int ifindex, const char *name)
{
	uint32_t ids[8];
	int i, n = net_prog_map_ids(net_xdp_prog_id(ifindex), ids, 8);

	for (i = 0; i < n && i < 8; i++) {
		struct bpf_map_info mi;
		__u32 len = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		memset(&mi, 0, sizeof(mi));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &mi, &len) && !strcmp(mi.name, name))
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return -1;
}

/* The program's per-queue counters: frames of queue 0 count as redirected in queue 0's
 * handle (also those its socket drops); with queue 1's socket taken out of xsks_map,
 * frames of queue 1 count as passed for want of a socket in queue 1's handle, and reach
 * the kernel stack. */
static void test_counters(void)
{
	XSK_QUEUE_OPTS(o, .xdp_flags = XDP_FLAGS_DRV_MODE, .frames = 1024, .ring_size = 256);
	struct xsk_queue_stats s0, s1;
	unsigned char frame[LEN];
	struct xsk_queue *qs[2];
	struct xsk_pkt pkts[64];
	struct xsk_frames f;
	uint32_t seq = 0, one = 1;
	long long end;
	unsigned n;
	int i, pkt, map;

	sandbox_veth(2);
	REQUIRE(xsk_queue__open_all(qs, 2, "xa0", &o) == 2);
	map = prog_map(net_ifindex("xa0"), "xsks_map");
	REQUIRE(map >= 0);
	REQUIRE(bpf_map_delete_elem(map, &one) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	for (i = 0; i < 40; i++)
		REQUIRE(net_pkt_send_queue(pkt, frame, net_frame(frame, LEN, (uint32_t)i), 0) == 0);
	for (i = 0; i < 25; i++)
		REQUIRE(net_pkt_send_queue(pkt, frame, net_frame(frame, LEN, 0), 1) == 0);
	CHECK_EQ(recv_n(qs[0], pkts, 40, &seq), 40);
	CHECK_EQ(xsk_queue__release(qs[0], pkts, 40), 0);
	CHECK_EQ(xsk_queue__recv(qs[1], pkts, 64, 50), 0);
	CHECK_EQ(xsk_queue__stats(qs[0], &s0), 0);
	CHECK_EQ(xsk_queue__stats(qs[1], &s1), 0);
	CHECK_EQ(s0.redirected, 40);
	CHECK_EQ(s0.no_socket + s0.filtered, 0);
	CHECK_EQ(s0.rx_packets, 40);
	CHECK_EQ(s1.no_socket, 25);
	CHECK_EQ(s1.redirected + s1.filtered + s1.rx_packets, 0);

	/* Frames the socket drops (nothing left on its fill ring) reached it too. */
	xsk_queue__frames(qs[0], &f);
	n = f.fill + 20;
	for (i = 0; i < (int)n; i++)
		REQUIRE(net_pkt_send_queue(pkt, frame, net_frame(frame, LEN, 0), 0) == 0);
	for (end = rig_now_ms() + 2000; rig_now_ms() < end; net__sleep_ms(1))
		if (!CHECK_EQ(xsk_queue__stats(qs[0], &s0), 0) || s0.redirected >= 40 + n)
			break;
	CHECK_EQ(s0.redirected, 40 + n);
	CHECK_EQ(s0.xdp.rx_dropped + s0.xdp.rx_ring_full, 20);
	CHECK_EQ(s0.rx_packets, 40);
	close(map);
	close(pkt);
	xsk_queue__close(qs[0]);
	xsk_queue__close(qs[1]);
}

/* Busy polling as an option: the socket options are set, and receiving works. */
static void test_busy_poll(void)
{
	XSK_QUEUE_OPTS(o, .busy_poll_usec = 20, .busy_poll_budget = 16);
	struct xsk_pkt pkts[64];
	struct xsk_queue *q;
	socklen_t len = sizeof(int);
	uint32_t seq = 0;
	int v = 0, pkt;

	sandbox_veth(1);
	REQUIRE(xsk_queue__open(&q, "xa0", 0, &o) == 0);
	CHECK_EQ(getsockopt(xsk_queue__fd(q), SOL_SOCKET, SO_BUSY_POLL, &v, &len), 0);
	CHECK_EQ(v, 20);
	CHECK_EQ(getsockopt(xsk_queue__fd(q), SOL_SOCKET, SO_PREFER_BUSY_POLL, &v, &len), 0);
	CHECK_EQ(v, 1); /* (the kernel has no getsockopt for SO_BUSY_POLL_BUDGET) */
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	REQUIRE(send_n(pkt, 0, 64) == 0);
	CHECK_EQ(recv_n(q, pkts, 64, &seq), 64);
	CHECK_EQ(xsk_queue__release(q, pkts, 64), 0);
	CHECK_EQ(ledger_settled(q, 0), 0);
	close(pkt);
	xsk_queue__close(q);
}

struct rx_thread {
	pthread_t t;
	struct xsk_queue *q;
	uint32_t first, n, got; /* frames numbered first.. expected, in order */
	int bad;
};

static void *rx_run(void *arg)
{
	struct rx_thread *r = (struct rx_thread *)arg;
	long long end = rig_now_ms() + 10000;
	struct xsk_pkt pkts[64];

	uint32_t got = 0;

	while (got < r->n && !r->bad && rig_now_ms() < end) {
		int k = xsk_queue__recv(r->q, pkts, 64, 10), i;
		uint32_t s;

		for (i = 0; i < k; i++)
			if (net_frame_check(pkts[i].data, pkts[i].len, &s) || s != r->first + got++)
				r->bad = 1;
		if (k < 0 || (k > 0 && xsk_queue__release(r->q, pkts, (unsigned)k)))
			r->bad = 1;
		__atomic_store_n(&r->got, got, __ATOMIC_RELEASE); /* the sender paces itself by it */
	}
	return NULL;
}

/* One thread per queue, as open_all is meant for: two receivers run at once on the
 * handles of one UMEM while the peer sends 20,000 frames to each queue. */
static void test_threads(void)
{
	XSK_QUEUE_OPTS(o, .xdp_flags = XDP_FLAGS_DRV_MODE, .frames = 1024, .ring_size = 256);
	struct xsk_queue *qs[2], *peer[2];
	struct rx_thread th[2];
	struct xsk_pkt pkts[32];
	uint32_t sent[2] = { 0, 0 };
	long long end;
	int i, k;

	sandbox_veth(2);
	REQUIRE(xsk_queue__open_all(qs, 2, "xa0", &o) == 2);
	REQUIRE(xsk_queue__open_all(peer, 2, "xb0", &o) == 2);
	for (i = 0; i < 2; i++) {
		memset(&th[i], 0, sizeof(th[i]));
		th[i].q = qs[i];
		th[i].first = (uint32_t)i << 20;
		th[i].n = 20000;
		REQUIRE(pthread_create(&th[i].t, NULL, rx_run, &th[i]) == 0);
	}
	/* Never more than 128 ahead of the receiver: veth drops what its ring can't take. */
	for (end = rig_now_ms() + 10000; (sent[0] < 20000 || sent[1] < 20000) &&
	     rig_now_ms() < end;) {
		for (i = 0; i < 2; i++) {
			unsigned n;

			if (sent[i] >= 20000 || sent[i] - __atomic_load_n(&th[i].got, __ATOMIC_ACQUIRE) > 128)
				continue;
			n = xsk_queue__alloc(peer[i], pkts, 32);
			for (k = 0; k < (int)n; k++)
				pkts[k].len = (__u32)net_frame(pkts[k].data, LEN,
							       th[i].first + sent[i] + (uint32_t)k);
			k = xsk_queue__send(peer[i], pkts, n);
			sent[i] += k > 0 ? (uint32_t)k : 0;
		}
		xsk_queue__complete(peer[0]);
		xsk_queue__complete(peer[1]);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i].t, NULL);
		CHECK_EQ(th[i].bad, 0);
		CHECK_EQ(th[i].got, 20000);
		CHECK_EQ(ledger_settled(qs[i], 0), 0);
		CHECK_EQ(ledger_settled(peer[i], 0), 0);
		xsk_queue__close(qs[i]);
		xsk_queue__close(peer[i]);
	}
}

/* A filter with every field zero matches everything: it is the program without a
 * filter, so a handle with it and one without share it. */
static void test_zero_filter(void)
{
	struct xsk_filter none;
	XSK_QUEUE_OPTS(o, .filter = &none, .frames = 1024, .ring_size = 256);
	XSK_QUEUE_OPTS(plain, .frames = 1024, .ring_size = 256);
	struct xsk_queue *a, *b;
	uint32_t id;

	memset(&none, 0, sizeof(none));
	sandbox_veth(2);
	REQUIRE(xsk_queue__open(&a, "xa0", 0, &o) == 0);
	id = net_xdp_prog_id(net_ifindex("xa0"));
	CHECK_EQ(xsk_queue__open(&b, "xa0", 1, &plain), 0);
	CHECK_EQ(net_xdp_prog_id(net_ifindex("xa0")), id);
	xsk_queue__close(b);
	xsk_queue__close(a);
}

int main(void)
{
	t_need_root();
	RIG_RUN_XDP_MODES(test_recv, NULL);
	RIG_RUN_XDP_MODES(test_forward, NULL);
	RIG_RUN_XDP_MODES(test_alloc_send, NULL);
	RIG_RUN_XDP_MODES(test_tx_ring_full, NULL);
	T_RUN(test_bad_frames);
	T_RUN(test_opts);
	T_RUN(test_open_all);
	T_RUN(test_threads);
	T_RUN(test_hugepages);
	T_RUN(test_counters);
	T_RUN(test_busy_poll);
	T_RUN(test_zero_filter);
	T_RUN(test_tx_budget);
	return t_done();
}
