/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Streams through xsk.h's sockets on a veth pair, every frame checked in order: 64 and
 * 1514 bytes, the largest frame a 2K and a 4K frame holds, a single frame, both
 * directions at once and swapped on the same sockets; poll() on RX and TX, including
 * the cases where it must time out; and where each frame lands in its UMEM frame, with
 * headroom, in aligned and unaligned chunk mode.
 *
 * The generator is an AF_XDP socket with only a TX ring on the peer (xb0), the receiver
 * a socket on xa0; both in the mode of the test (rig_mode), each end with its own XDP
 * program. Every frame a receiver gets must be the next sequence number, with the
 * length sent, at exactly the address the fill ring's next entry promised: copy mode
 * (veth has no zero-copy) takes fill entries in order and puts the packet at
 * XDP_PACKET_HEADROOM (256) + frame_headroom into the frame.
 */
#include "rig.h"
#include <pthread.h>

#define PKT_HEADROOM 256 /* XDP_PACKET_HEADROOM: the kernel's, before frame_headroom */
#define FILL_FRAMES 2048 /* frames a receiver lends the kernel */
#define WINDOW 1024      /* frames sent but not yet received, at most: fewer than the
			  * receiver's fill entries and RX ring, so nothing may drop */
#define STALL_MS 5000    /* a stream with no frame for this long has failed, even on a
			  * loaded machine */

/* A socket as a receiver: the fill addresses it gave the kernel, oldest first, and what
 * the next frame must be. */
struct rcv {
	struct rig r;
	__u64 *fifo;      /* fill ring entries as written */
	__u32 head, count;
	__u32 hr;         /* the UMEM's frame_headroom */
	int unaligned;    /* XDP_UMEM_UNALIGNED_CHUNK_FLAG */
	__u32 nfills;     /* fill entries written: picks the next unaligned offset */
	uint32_t seq;     /* sequence number of the next frame */
	size_t len;       /* its length */
	long window;      /* frames in flight to it at most: WINDOW, or less for a small
			   * RX ring */
};

static void sandbox(unsigned mtu)
{
	char m[16];

	net_sandbox(); /* each test gets a namespace of its own */
	REQUIRE(net_veth("xa0", "xb0", 1) == 0);
	if (mtu) { /* before the programs attach: native XDP checks the MTU */
		snprintf(m, sizeof(m), "%u", mtu);
		REQUIRE(net__ip("link", "set", "xa0", "mtu", m, NULL) == 0);
		REQUIRE(net__ip("link", "set", "xb0", "mtu", m, NULL) == 0);
	}
}

/*
 * The address to put on the fill ring for the free frame at base. In unaligned mode
 * three kinds take turns where the chunk still fits in the UMEM: the bare base, an
 * offset in the upper 16 bits (the format of RX descriptors, which the kernel ignores
 * in fill entries: xp_check_unaligned keeps only the lower 48 bits), and an offset added
 * to the address (which it uses).
 */
static __u64 fill_addr(struct rcv *c, __u64 base)
{
	__u32 k = c->nfills++;
	__u64 off = 1 + (k * 61u) % 250u;

	/* (a chunk then reaches into the next frame, where the kernel writes nothing: the
	 * packets here end before base + frame_size) */
	if (!c->unaligned || k % 3 == 0 || base + off + c->r.frame_size > c->r.size)
		return base;
	if (k % 3 == 1)
		return base | off << XSK_UNALIGNED_BUF_OFFSET_SHIFT;
	return base + off;
}

/* Puts n free frames on the fill ring and remembers their addresses; 0, or -1 if they
 * do not fit. (No REQUIRE: the bidirectional test calls this from its threads.) */
static int rcv_fill(struct rcv *c, __u32 n)
{
	__u32 idx = 0, i;

	if (n > c->r.nfree || xsk_ring_prod__reserve(&c->r.fill, n, &idx) != n) {
		printf("rcv_fill: %u frames, %u free, %u fit\n", n, c->r.nfree,
		       xsk_prod_nb_free(&c->r.fill, n));
		return -1;
	}
	for (i = 0; i < n; i++) {
		__u64 a = fill_addr(c, rig_alloc(&c->r));

		*xsk_ring_prod__fill_addr(&c->r.fill, idx + i) = a;
		c->fifo[(c->head + c->count++) % c->r.frames] = a;
	}
	xsk_ring_prod__submit(&c->r.fill, n);
	return 0;
}

/* The receiver on ifname in the test's mode; cfg gives the UMEM. Lends the kernel
 * FILL_FRAMES frames, from a fill ring big enough that giving them back never waits. */
static void rcv_open(struct rcv *c, const char *ifname, struct rig_cfg *cfg)
{
	memset(c, 0, sizeof(*c));
	cfg->xdp_flags = rig_mode->xdp_flags;
	cfg->bind_flags = rig_mode->bind_flags;
	cfg->fill_size = 2 * FILL_FRAMES;
	REQUIRE(rig_open_cfg(&c->r, ifname, 0, cfg) == 0);
	CHECK_EQ(xsk_socket__xdp_mode(c->r.xsk), rig_mode->xdp_flags);
	c->fifo = calloc(c->r.frames, sizeof(*c->fifo));
	REQUIRE(c->fifo);
	c->hr = cfg->headroom;
	c->window = cfg->rx_size && cfg->rx_size / 2 < WINDOW ? cfg->rx_size / 2 : WINDOW;
	c->unaligned = !!(cfg->umem_flags & XDP_UMEM_UNALIGNED_CHUNK_FLAG);
	REQUIRE(rcv_fill(c, FILL_FRAMES) == 0);
}

static void rcv_close(struct rcv *c)
{
	rig_close(&c->r);
	free(c->fifo);
	c->fifo = NULL;
}

/*
 * Checks a received descriptor against the oldest fill entry and the next sequence
 * number, and returns its frame's base address, or UINT64_MAX if it is wrong.
 * Aligned: the address is the fill address + 256 + headroom. Unaligned: the lower 48
 * bits are those of the fill entry, and the upper 16 always hold 256 + headroom, also
 * when the fill entry had no offset.
 */
static __u64 rcv_check(struct rcv *c, const struct xdp_desc *d)
{
	__u64 f = c->fifo[c->head], flat = xsk_umem__extract_addr(f), data = d->addr;
	__u64 want_off = PKT_HEADROOM + c->hr;
	uint32_t s = 0;
	int ok;

	if (!c->count) {
		printf("rcv: frame at %#llx, but no fill entry is outstanding\n",
		       (unsigned long long)d->addr);
		return UINT64_MAX;
	}
	if (c->unaligned) {
		ok = xsk_umem__extract_addr(d->addr) == flat &&
		     xsk_umem__extract_offset(d->addr) == want_off;
		data = xsk_umem__add_offset_to_addr(d->addr);
	} else {
		ok = d->addr == f + want_off;
	}
	if (!ok) {
		printf("rcv: frame seq %u at %#llx, for fill entry %#llx want %#llx + %llu\n",
		       c->seq, (unsigned long long)d->addr, (unsigned long long)f,
		       (unsigned long long)flat, (unsigned long long)want_off);
		return UINT64_MAX;
	}
	if (net_frame_check(xsk_umem__get_data(c->r.area, data), d->len, &s) ||
	    s != c->seq || d->len != c->len) {
		printf("rcv: frame len %u seq %u (check %d), want len %zu seq %u\n", d->len, s,
		       net_frame_check(xsk_umem__get_data(c->r.area, data), d->len, NULL),
		       c->len, c->seq);
		return UINT64_MAX;
	}
	c->head = (c->head + 1) % c->r.frames;
	c->count--;
	c->seq++;
	flat = xsk_umem__extract_addr(d->addr);
	return flat - flat % c->r.frame_size;
}

/*
 * Takes up to max frames off the RX ring, checks each (rcv_check) and lends its frame
 * to the kernel again. Returns the number taken, or -1 at the first wrong one.
 */
static int rcv_take(struct rcv *c, __u32 max)
{
	__u32 idx = 0, n, i;

	n = xsk_ring_cons__peek(&c->r.rx, max, &idx);
	if (!n) {
		xsk_socket__wakeup_rx(c->r.xsk);
		return 0;
	}
	for (i = 0; i < n; i++) {
		__u64 base = rcv_check(c, xsk_ring_cons__rx_desc(&c->r.rx, idx + i));

		if (base == UINT64_MAX) {
			/* the test fails; the frames before are free, the rest stay on RX */
			xsk_ring_cons__cancel(&c->r.rx, n - i);
			xsk_ring_cons__release(&c->r.rx, i);
			return -1;
		}
		rig_free(&c->r, base);
	}
	xsk_ring_cons__release(&c->r.rx, n);
	return rcv_fill(c, n) ? -1 : (int)n;
}

/* Takes frames until n arrived or timeout_ms passed; the number taken or -1. A frame
 * may arrive after its completion: veth orphans the skb before the peer's NAPI (or
 * ksoftirqd, on a busy machine) runs XDP on it. */
static int rcv_wait(struct rcv *c, int n, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;
	int got = 0, k;

	while (got < n && rig_now_ms() < end) {
		k = rcv_take(c, (__u32)(n - got));
		if (k < 0)
			return -1;
		got += k;
	}
	return got;
}

/* candidate for rig.h */
/* The socket's counters once rx_dropped + rx_ring_full reach n (or after 5 s): the
 * drops of frames already completed may still be on their way, as above. */
static struct xdp_statistics drops_after(struct rig *r, __u64 n)
{
	long long end = rig_now_ms() + 5000;
	struct xdp_statistics st;

	memset(&st, 0, sizeof(st));
	while (!xsk_socket__stats(r->xsk, &st) && st.rx_dropped + st.rx_ring_full < n &&
	       rig_now_ms() < end)
		net__sleep_ms(1);
	return st;
}

/* A TX-only socket on ifname in the test's mode with a UMEM of frame_size frames
 * (0: the default) and the given TX and completion ring sizes (0: the defaults). */
static void gen_open(struct rig *g, const char *ifname, __u32 frame_size, __u32 tx_size,
		     __u32 comp_size)
{
	struct rig_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.frame_size = frame_size;
	cfg.rx_size = RIG_NONE;
	cfg.tx_size = tx_size;
	cfg.comp_size = comp_size;
	cfg.xdp_flags = rig_mode->xdp_flags;
	cfg.bind_flags = rig_mode->bind_flags;
	REQUIRE(rig_open_cfg(g, ifname, 0, &cfg) == 0);
	CHECK_EQ(xsk_socket__xdp_mode(g->xsk), rig_mode->xdp_flags);
}

/* Puts up to n test frames on the TX ring without kicking; returns how many. */
static __u32 gen_put(struct rig *g, __u32 n, uint32_t *seq, size_t len)
{
	__u32 idx = 0, i;

	if (n > g->nfree)
		n = g->nfree;
	n = xsk_ring_prod__reserve(&g->tx, n, &idx);
	for (i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&g->tx, idx + i);

		d->addr = rig_alloc(g);
		d->len = (__u32)net_frame(xsk_umem__get_data(g->area, d->addr), len, (*seq)++);
		d->options = 0;
	}
	xsk_ring_prod__submit(&g->tx, n);
	return n;
}

/* poll() on one socket: the return value, and the events in *revents. */
static int poll1(struct rig *r, short events, int timeout_ms, short *revents)
{
	struct pollfd p = { .fd = xsk_socket__fd(r->xsk), .events = events };
	int ret;

	do
		ret = poll(&p, 1, timeout_ms);
	while (ret < 0 && errno == EINTR);
	*revents = p.revents;
	return ret;
}

#define POLL_RX 1 /* the receiver waits in poll(POLLIN) instead of spinning */
#define POLL_TX 2 /* the generator never kicks: poll(POLLOUT) drives its TX */

/*
 * Sends total frames of len bytes from g, at most c->window not yet received at a time, and
 * receives and checks them on c, in order. With POLL_RX / POLL_TX each poll() call must
 * return at once with its event: frames are waiting, or the TX ring has room. Returns
 * the number received in order, or -1 on a wrong frame or a failed call.
 */
static long stream(struct rig *g, uint32_t *gseq, struct rcv *c, long total, size_t len,
		   int flags)
{
	long long end = rig_now_ms() + STALL_MS;
	long sent = 0, got = 0, k;
	short ev;
	int n;

	c->len = len;
	while (got < total && rig_now_ms() < end) {
		k = total - sent < c->window - (sent - got) ? total - sent :
		    c->window - (sent - got);
		if (k > 64)
			k = 64;
		if (flags & POLL_TX) {
			/* no more than poll sends (32 in copy mode): the ring stays under half
			 * full, where POLLOUT holds */
			sent += gen_put(g, k < 32 ? (__u32)k : 32, gseq, len);
			if (!CHECK_EQ(poll1(g, POLLOUT, 5000, &ev), 1) || !CHECK_EQ(ev, POLLOUT))
				return -1;
		} else if (k > 0) {
			n = rig_tx(g, (__u32)k, gseq, len, 1000);
			if (!CHECK(n >= 0))
				return -1;
			sent += n;
		} else if (!CHECK(xsk_socket__wakeup_tx(g->xsk) >= 0)) {
			return -1;
		}
		rig_complete(g);
		if ((flags & POLL_RX) && got < sent &&
		    (!CHECK_EQ(poll1(&c->r, POLLIN, 5000, &ev), 1) || !CHECK_EQ(ev, POLLIN)))
			return -1;
		n = rcv_take(c, 64);
		if (n < 0)
			return -1;
		if (n)
			end = rig_now_ms() + STALL_MS;
		got += n;
	}
	return got;
}

/* Nothing dropped and nothing invalid on r's socket. (Not tx_ring_empty_descs: a kick
 * of an empty TX ring counts there.) */
static void check_clean(struct rig *r)
{
	struct xdp_statistics st;

	if (!CHECK_EQ(xsk_socket__stats(r->xsk, &st), 0))
		return;
	CHECK_EQ(st.rx_dropped, 0);
	CHECK_EQ(st.rx_invalid_descs, 0);
	CHECK_EQ(st.tx_invalid_descs, 0);
	CHECK_EQ(st.rx_ring_full, 0);
	CHECK_EQ(st.rx_fill_ring_empty_descs, 0);
}

/* The end of a test that moved frames: every frame accounted for on both rigs. */
static void finish(struct rig *g, struct rcv *c)
{
	CHECK_EQ(rig_ledger(g, 0, 2000), 0);
	CHECK_EQ(rig_ledger(&c->r, 0, 2000), 0);
	rig_close(g);
	rcv_close(c);
}

/* ---- streams ------------------------------------------------------------------- */

/*
 * total frames of len bytes into UMEM frames of frame_size bytes. With oversize, the
 * MTU lets a frame one byte longer through the veth, and that frame must be dropped by
 * the socket (rx_dropped 1), with the next one of len bytes arriving.
 */
static void stream_case(__u32 frame_size, size_t len, long total, int oversize)
{
	struct rig_cfg cfg;
	struct rcv c;
	struct rig g;
	uint32_t gseq = 0;
	struct xdp_statistics st;
	short ev;

	sandbox(oversize ? (unsigned)(len + 1 - ETH_HLEN) : 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.frame_size = frame_size;
	rcv_open(&c, "xa0", &cfg);
	gen_open(&g, "xb0", frame_size, 0, 0);
	CHECK_EQ(stream(&g, &gseq, &c, total, len, 0), total);
	CHECK_EQ(c.seq, total);
	check_clean(&g);
	check_clean(&c.r);
	if (oversize) {
		CHECK_EQ(rig_tx(&g, 1, &gseq, len + 1, 1000), 1);
		c.seq++; /* that one must never arrive */
		st = drops_after(&c.r, 1);
		CHECK_EQ(st.rx_dropped, 1);
		CHECK_EQ(st.rx_ring_full, 0);
		CHECK_EQ(poll1(&c.r, POLLIN, 100, &ev), 0);
		CHECK_EQ(stream(&g, &gseq, &c, 1, len, 0), 1);
	}
	finish(&g, &c);
}

static void test_stream_64(void)
{
	stream_case(0, 64, rig_soak(20000, 2000000), 0);
}

/* A full Ethernet frame at the default MTU of 1500. */
static void test_stream_1514(void)
{
	stream_case(0, 1514, rig_soak(10000, 1000000), 0);
}

/* 2K frames: 2048 - 256 bytes of headroom leave 1792 for the packet. */
static void test_stream_2k_largest(void)
{
	stream_case(2048, 2048 - PKT_HEADROOM, rig_soak(5000, 500000), 1);
}

/* The default 4K frames: 3840 bytes fit. */
static void test_stream_4k_largest(void)
{
	stream_case(0, RIG_FRAME - PKT_HEADROOM, rig_soak(5000, 500000), 1);
}

/* One frame: it arrives, completes once, and nothing follows it. */
static void test_single(void)
{
	struct rig_cfg cfg;
	struct rcv c;
	struct rig g;
	uint32_t gseq = 0;
	long long end;
	__u32 done = 0;
	short ev;

	sandbox(0);
	memset(&cfg, 0, sizeof(cfg));
	rcv_open(&c, "xa0", &cfg);
	gen_open(&g, "xb0", 0, 0, 0);
	CHECK_EQ(poll1(&c.r, POLLIN, 0, &ev), 0);
	CHECK_EQ(rig_tx(&g, 1, &gseq, 64, 1000), 1);
	for (end = rig_now_ms() + 5000; !done && rig_now_ms() < end;)
		done = rig_complete(&g);
	CHECK_EQ(done, 1);
	c.len = 64;
	CHECK_EQ(poll1(&c.r, POLLIN, 5000, &ev), 1);
	CHECK_EQ(ev, POLLIN);
	CHECK_EQ(rcv_wait(&c, 1, 5000), 1);
	CHECK_EQ(poll1(&c.r, POLLIN, 100, &ev), 0);
	CHECK_EQ(rig_complete(&g), 0);
	CHECK_EQ(g.nfree, g.frames);
	check_clean(&g);
	check_clean(&c.r);
	finish(&g, &c);
}

/* ---- both directions ------------------------------------------------------------- */

/* One end of a pair of sockets that both send and receive, run by its own thread. */
struct end {
	struct rcv c;
	uint32_t tx_seq;
	long send, recv;  /* frames to send and to receive in this phase */
	long sent, got;   /* so far; got is read by the other end's thread */
	struct end *peer;
	int err;
};

/*
 * Sends e->send frames to the peer (at most WINDOW that the peer has not received) and
 * receives e->recv, until the peer has received all of ours too: our TX ring only moves
 * when we kick it.
 */
static void *end_run(void *arg)
{
	struct end *e = arg;
	long long end = rig_now_ms() + STALL_MS;
	long peer_got, k;
	int n;

	for (;;) {
		peer_got = __atomic_load_n(&e->peer->got, __ATOMIC_ACQUIRE);
		if ((e->sent == e->send && e->got == e->recv && peer_got == e->send) ||
		    rig_now_ms() > end)
			break;
		k = e->send - e->sent < WINDOW - (e->sent - peer_got) ?
		    e->send - e->sent : WINDOW - (e->sent - peer_got);
		if (k > 64)
			k = 64;
		if (k > 0)
			n = rig_tx(&e->c.r, (__u32)k, &e->tx_seq, 64, 1000);
		else
			n = xsk_socket__wakeup_tx(e->c.r.xsk) < 0 ? -1 : 0;
		if (n < 0) {
			e->err = 1;
			break;
		}
		e->sent += n;
		rig_complete(&e->c.r);
		n = rcv_take(&e->c, 64);
		if (n < 0) {
			e->err = 2;
			break;
		}
		if (n || peer_got != __atomic_load_n(&e->peer->got, __ATOMIC_ACQUIRE))
			end = rig_now_ms() + STALL_MS;
		__atomic_store_n(&e->got, e->got + n, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* One phase: a sends na frames to b, b sends nb to a, at the same time. */
static void phase(struct end *a, struct end *b, long na, long nb)
{
	pthread_t ta, tb;

	a->send = b->recv = na;
	b->send = a->recv = nb;
	a->sent = a->got = b->sent = b->got = 0;
	a->err = b->err = 0;
	REQUIRE(pthread_create(&ta, NULL, end_run, a) == 0);
	REQUIRE(pthread_create(&tb, NULL, end_run, b) == 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CHECK_EQ(a->err, 0);
	CHECK_EQ(b->err, 0);
	CHECK_EQ(a->sent, na);
	CHECK_EQ(b->got, na);
	CHECK_EQ(b->sent, nb);
	CHECK_EQ(a->got, nb);
}

/*
 * A socket with RX and TX on each end of the veth, each end with its own program: a
 * sends to b, then the direction swaps on the same sockets, then both send at once.
 */
static void test_bidirectional(void)
{
	const long n = rig_soak(5000, 500000);
	struct end a, b;
	struct rig_cfg cfg;

	sandbox(0);
	memset(&cfg, 0, sizeof(cfg));
	rcv_open(&a.c, "xa0", &cfg);
	rcv_open(&b.c, "xb0", &cfg);
	a.c.len = b.c.len = 64;
	a.tx_seq = b.tx_seq = 0;
	a.peer = &b;
	b.peer = &a;
	CHECK(net_xdp_prog_id(net_ifindex("xa0")) != 0);
	CHECK(net_xdp_prog_id(net_ifindex("xb0")) != 0);
	CHECK(net_xdp_prog_id(net_ifindex("xa0")) != net_xdp_prog_id(net_ifindex("xb0")));
	phase(&a, &b, n, 0);
	phase(&a, &b, 0, n); /* the former receiver sends */
	phase(&a, &b, n, n);
	CHECK_EQ(a.c.seq, 2 * n);
	CHECK_EQ(b.c.seq, 2 * n);
	check_clean(&a.c.r);
	check_clean(&b.c.r);
	CHECK_EQ(rig_ledger(&a.c.r, 0, 2000), 0);
	CHECK_EQ(rig_ledger(&b.c.r, 0, 2000), 0);
	rcv_close(&a.c);
	rcv_close(&b.c);
}

/* ---- poll ------------------------------------------------------------------------- */

static void poll_stream(int flags)
{
	struct rig_cfg cfg;
	struct rcv c;
	struct rig g;
	uint32_t gseq = 0;
	const long n = rig_soak(10000, 1000000);

	sandbox(0);
	memset(&cfg, 0, sizeof(cfg));
	rcv_open(&c, "xa0", &cfg);
	gen_open(&g, "xb0", 0, 0, 0);
	CHECK_EQ(stream(&g, &gseq, &c, n, 64, flags), n);
	check_clean(&g);
	check_clean(&c.r);
	finish(&g, &c);
}

/* The kernel selftests' POLL_RX: the receiver waits in poll(POLLIN), which returns
 * POLLIN (and only that) whenever frames are on their way. */
static void test_poll_rx(void)
{
	poll_stream(POLL_RX);
}

/* POLL_TX: the generator only calls poll(POLLOUT), which sends in copy mode and
 * reports room each time. */
static void test_poll_tx(void)
{
	poll_stream(POLL_TX);
}

struct late {
	struct rig *g;
	uint32_t seq;
	int sent;
};

static void *late_send(void *arg)
{
	struct late *l = arg;

	net__sleep_ms(50); /* the receiver is in poll by now, mostly */
	l->sent = rig_tx(l->g, 1, &l->seq, 64, 1000);
	return NULL;
}

/* A receiver blocked in poll(POLLIN) wakes when a frame arrives. */
static void test_poll_rx_wakes(void)
{
	struct late l = { 0 };
	struct rig_cfg cfg;
	struct rcv c;
	struct rig g;
	pthread_t t;
	short ev;

	sandbox(0);
	memset(&cfg, 0, sizeof(cfg));
	rcv_open(&c, "xa0", &cfg);
	gen_open(&g, "xb0", 0, 0, 0);
	c.len = 64;
	l.g = &g;
	CHECK_EQ(xsk_cons_nb_avail(&c.r.rx, 1), 0);
	REQUIRE(pthread_create(&t, NULL, late_send, &l) == 0);
	CHECK_EQ(poll1(&c.r, POLLIN, 10000, &ev), 1);
	CHECK_EQ(ev, POLLIN);
	pthread_join(t, NULL);
	CHECK_EQ(l.sent, 1);
	CHECK_EQ(rcv_wait(&c, 1, 5000), 1);
	check_clean(&c.r);
	finish(&g, &c);
}

/*
 * The kernel selftests' POLL_RXQ_FULL (testapp_poll_rxq_tmout; once named
 * POLL_RXQ_EMPTY, which is what it is): a receiver with frames on its fill ring and no
 * traffic times out in poll(POLLIN), and the kernel took no fill entry.
 */
static void test_poll_rx_empty(void)
{
	struct rig_cfg cfg;
	struct rcv c;
	short ev = -1;

	sandbox(0);
	memset(&cfg, 0, sizeof(cfg));
	rcv_open(&c, "xa0", &cfg);
	CHECK_EQ(poll1(&c.r, POLLIN, 200, &ev), 0);
	CHECK_EQ(ev, 0);
	CHECK_EQ(rig_cons_used(&c.r.rx), 0);
	CHECK_EQ(rig_prod_used(&c.r.fill), FILL_FRAMES);
	check_clean(&c.r);
	CHECK_EQ(rig_ledger(&c.r, 0, 2000), 0);
	rcv_close(&c);
}

/*
 * A full RX ring: of 100 frames sent to a 64-entry RX ring, 64 wait there, in order, and
 * rx_ring_full counts the 36 others, which are gone: once the ring is drained,
 * poll(POLLIN) times out. Traffic then flows again.
 */
static void test_poll_rx_full(void)
{
	struct xdp_statistics st;
	struct rig_cfg cfg;
	struct rcv c;
	struct rig g;
	uint32_t gseq = 0;
	long long end;
	__u32 done = 0;
	short ev;

	sandbox(0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = 64;
	rcv_open(&c, "xa0", &cfg);
	gen_open(&g, "xb0", 0, 0, 0);
	c.len = 64;
	CHECK_EQ(rig_tx(&g, 100, &gseq, 64, 1000), 100);
	for (end = rig_now_ms() + 5000; done < 100 && rig_now_ms() < end;) {
		CHECK(xsk_socket__wakeup_tx(g.xsk) >= 0);
		done += rig_complete(&g);
	}
	CHECK_EQ(done, 100);
	st = drops_after(&c.r, 36);
	CHECK_EQ(st.rx_ring_full, 36);
	CHECK_EQ(st.rx_dropped, 0);
	CHECK_EQ(st.rx_invalid_descs, 0);
	CHECK_EQ(st.rx_fill_ring_empty_descs, 0);
	CHECK_EQ(poll1(&c.r, POLLIN, 1000, &ev), 1);
	CHECK_EQ(ev, POLLIN);
	CHECK_EQ(xsk_cons_nb_avail(&c.r.rx, 100), 64);
	CHECK_EQ(rcv_take(&c, 100), 64);
	CHECK_EQ(c.seq, 64);
	CHECK_EQ(poll1(&c.r, POLLIN, 200, &ev), 0);
	CHECK_EQ(ev, 0);
	/* The dropped frames used up no fill entry: the next frames land in the next fill
	 * entries, in order. (Generic mode keeps the entry it copied a dropped frame into
	 * aside and uses it for the next packet; native mode checks for room first.) */
	c.seq = gseq;
	CHECK_EQ(stream(&g, &gseq, &c, 1000, 64, 0), 1000);
	CHECK_EQ(xsk_socket__stats(c.r.xsk, &st), 0);
	CHECK_EQ(st.rx_ring_full, 36);
	finish(&g, &c);
}

/*
 * The kernel selftests' POLL_TXQ_FULL, made exact: a 64-entry TX ring full of frames and
 * a 16-entry completion ring that nobody drains. poll() sends (copy mode) until the
 * completion ring is full; the 48 left keep the TX ring over half full, so POLLOUT never
 * comes and poll times out, every time, as a kick changes nothing. Each completion
 * released lets one more frame go; at 32 left POLLOUT returns.
 */
static void test_poll_tx_full(void)
{
	struct rig_cfg cfg;
	struct rcv c;
	struct rig g;
	uint32_t gseq = 0;
	__u32 idx = 0, i;
	short ev = -1;
	long long end;

	sandbox(0);
	memset(&cfg, 0, sizeof(cfg));
	rcv_open(&c, "xa0", &cfg);
	gen_open(&g, "xb0", 0, 64, 16);
	c.len = 64;
	CHECK_EQ(poll1(&g, POLLOUT, 0, &ev), 1); /* empty: room */
	CHECK_EQ(ev, POLLOUT);
	CHECK_EQ(gen_put(&g, 64, &gseq, 64), 64);
	CHECK_EQ(xsk_prod_nb_free(&g.tx, 1), 0);
	CHECK_EQ(poll1(&g, POLLOUT, 200, &ev), 0);
	CHECK_EQ(ev, 0);
	CHECK_EQ(rig_prod_used(&g.tx), 48);
	CHECK_EQ(rig_cons_used(&g.comp), 16);
	CHECK_EQ(poll1(&g, POLLOUT, 100, &ev), 0);
	CHECK_EQ(xsk_socket__wakeup_tx(g.xsk), 1); /* EAGAIN: still a kick */
	CHECK_EQ(rig_prod_used(&g.tx), 48);
	CHECK_EQ(rcv_wait(&c, 16, 5000), 16); /* the 16 sent, in order */

	/* Half the completions back: 8 more go, 40 stay, still no POLLOUT. */
	REQUIRE(xsk_ring_cons__peek(&g.comp, 8, &idx) == 8);
	for (i = 0; i < 8; i++)
		rig_free(&g, *xsk_ring_cons__comp_addr(&g.comp, idx + i));
	xsk_ring_cons__release(&g.comp, 8);
	CHECK_EQ(poll1(&g, POLLOUT, 100, &ev), 0);
	CHECK_EQ(rig_prod_used(&g.tx), 40);
	CHECK_EQ(rig_cons_used(&g.comp), 16);
	CHECK_EQ(rcv_wait(&c, 8, 5000), 8);

	/* All of them back: 16 more go, 24 stay: at most half full, POLLOUT. */
	CHECK_EQ(rig_complete(&g), 16);
	CHECK_EQ(poll1(&g, POLLOUT, 100, &ev), 1);
	CHECK_EQ(ev, POLLOUT);
	CHECK_EQ(rig_prod_used(&g.tx), 24);
	CHECK_EQ(rcv_wait(&c, 16, 5000), 16);

	for (end = rig_now_ms() + 5000; c.seq < 64 && rig_now_ms() < end;) {
		rig_complete(&g);
		CHECK_EQ(poll1(&g, POLLOUT, 1000, &ev), 1);
		CHECK(rcv_take(&c, 64) >= 0);
	}
	CHECK_EQ(c.seq, 64);
	check_clean(&g);
	check_clean(&c.r);
	finish(&g, &c);
}

/* ---- where packets land ------------------------------------------------------------ */

/* The largest frame_headroom the kernel takes for frame_size-byte aligned frames. */
static __u32 max_headroom(__u32 frame_size)
{
	static __u32 found, found_for;
	const size_t size = 16 * (size_t)frame_size;
	struct xsk_umem_config ucfg = { 64, 64, frame_size, 0, 0 };
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_umem *u;
	__u32 lo = 0, hi = frame_size - PKT_HEADROOM; /* xsk.h refuses hi itself */
	void *area;

	if (found_for == frame_size)
		return found;
	area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(area != MAP_FAILED);
	while (lo + 1 < hi) {
		ucfg.frame_headroom = lo + (hi - lo) / 2;
		if (xsk_umem__create(&u, area, size, &fill, &comp, &ucfg) == 0) {
			lo = ucfg.frame_headroom;
			xsk_umem__delete(u);
		} else {
			CHECK_EQ(errno, EINVAL);
			hi = ucfg.frame_headroom;
		}
	}
	munmap(area, size);
	printf("# largest frame_headroom for %u-byte frames: %u\n", frame_size, lo);
	found_for = frame_size;
	return found = lo;
}

/* A receiver with cfg's UMEM gets n frames, each at the address rcv_check wants. */
static void land(struct rig *g, uint32_t *gseq, struct rig_cfg *cfg, long n, size_t len)
{
	struct rcv c;

	rcv_open(&c, "xa0", cfg);
	c.seq = *gseq;
	CHECK_EQ(stream(g, gseq, &c, n, len, 0), n);
	check_clean(&c.r);
	CHECK_EQ(rig_ledger(&c.r, 0, 2000), 0);
	rcv_close(&c);
}

/*
 * frame_headroom 0, 128 and the largest the kernel takes: every packet at 256 +
 * headroom into its frame, intact. On this kernel (6.18 with the 2026 fix that keeps
 * room for skb_shared_info) the largest is frame - 256 - 320 - 128 = 3392 for 4K frames,
 * leaving 448 bytes: a 448-byte frame arrives, a 449-byte one is dropped (rx_dropped).
 * Older kernels take up to frame - 257.
 */
static void test_headroom(void)
{
	const __u32 hrs[3] = { 0, 128, max_headroom(RIG_FRAME) };
	const long n = rig_soak(2000, 200000);
	struct xdp_statistics st;
	struct rig_cfg cfg;
	struct rcv c;
	struct rig g;
	uint32_t gseq = 0;
	size_t room, len;
	short ev;
	int i;

	CHECK(hrs[2] > 128);
	sandbox(0);
	gen_open(&g, "xb0", 0, 0, 0);
	for (i = 0; i < 3; i++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.headroom = hrs[i];
		room = RIG_FRAME - PKT_HEADROOM - hrs[i];
		len = room < 1514 ? room : 1514;
		land(&g, &gseq, &cfg, n, len);
	}
	/* one past the largest headroom is refused; at the largest, one byte past the room
	 * is dropped */
	memset(&cfg, 0, sizeof(cfg));
	cfg.headroom = hrs[2] + 1;
	CHECK_EQ(rig_umem(&c.r, &cfg), -EINVAL);
	cfg.headroom = hrs[2];
	room = RIG_FRAME - PKT_HEADROOM - hrs[2];
	if (room < 1514) {
		rcv_open(&c, "xa0", &cfg);
		c.len = room;
		c.seq = gseq + 1;
		CHECK_EQ(rig_tx(&g, 1, &gseq, room + 1, 1000), 1);
		st = drops_after(&c.r, 1);
		CHECK_EQ(st.rx_dropped, 1);
		CHECK_EQ(st.rx_ring_full, 0);
		CHECK_EQ(poll1(&c.r, POLLIN, 100, &ev), 0);
		CHECK_EQ(stream(&g, &gseq, &c, 1, room, 0), 1);
		CHECK_EQ(rig_ledger(&c.r, 0, 2000), 0);
		rcv_close(&c);
	}
	check_clean(&g);
	CHECK_EQ(rig_ledger(&g, 0, 2000), 0);
	rig_close(&g);
}

/*
 * Unaligned chunks of 3000 bytes (no power of two), fill entries with no offset, with an
 * offset in the upper bits and with one added to the address: every RX descriptor has
 * the fill entry's lower 48 bits in its lower 48 (xsk_umem__extract_addr) and 256 +
 * headroom in its upper 16 (xsk_umem__extract_offset), also when the fill entry had no
 * offset; xsk_umem__add_offset_to_addr points at the intact packet.
 */
static void test_unaligned(void)
{
	const long n = rig_soak(4000, 400000);
	struct rig_cfg cfg;
	struct rig g;
	uint32_t gseq = 0;
	int hr;

	sandbox(0);
	gen_open(&g, "xb0", 0, 0, 0);
	for (hr = 0; hr <= 128; hr += 128) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.frame_size = 3000;
		cfg.umem_flags = XDP_UMEM_UNALIGNED_CHUNK_FLAG;
		cfg.headroom = (__u32)hr;
		land(&g, &gseq, &cfg, n, 1514);
	}
	check_clean(&g);
	CHECK_EQ(rig_ledger(&g, 0, 2000), 0);
	rig_close(&g);
}

int main(void)
{
	t_need_root();
	RIG_RUN_MODES(test_stream_64);
	RIG_RUN_MODES(test_stream_1514);
	RIG_RUN_MODES(test_stream_2k_largest);
	RIG_RUN_MODES(test_stream_4k_largest);
	RIG_RUN_MODES(test_single);
	RIG_RUN_MODES(test_bidirectional);
	RIG_RUN_MODES(test_poll_rx);
	RIG_RUN_MODES(test_poll_tx);
	RIG_RUN_MODES(test_poll_rx_wakes);
	RIG_RUN_MODES(test_poll_rx_empty);
	RIG_RUN_MODES(test_poll_rx_full);
	RIG_RUN_MODES(test_poll_tx_full);
	RIG_RUN_MODES(test_headroom);
	RIG_RUN_MODES(test_unaligned);
	return t_done();
}
