/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Faults: the link set down and the interface deleted under a bound socket, idle and
 * during traffic; kill -9 at random points of setup and traffic; the fill ring starved,
 * the RX ring and the completion ring never drained. Nothing crashes or deadlocks, the
 * library passes on what the kernel says, traffic resumes in order on the same socket,
 * every frame is accounted for, and teardown leaves nothing behind.
 *
 * What this kernel (6.18, veth, copy mode) does, as the tests assert it:
 *  - our end down: sendto and recvfrom fail with ENETDOWN, the TX ring is left as it is,
 *    poll reports no event at all (no POLLERR), stats and the XDP mode read normally,
 *    and a socket binds on a down link; after up the TX ring's frames go out in order.
 *  - the peer down (our end up, no carrier): each sendto, and each poll (which drives TX
 *    in copy mode), drops one TX frame, completes it unsent and (sendto) fails with
 *    EBUSY; the library counts that as a kick. Receiving just stops.
 *  - in copy mode the kernel never sets the fill ring's need_wakeup flag, so
 *    xsk_socket__wakeup_rx makes no syscall and cannot see either fault.
 *  - the interface deleted: sendto and recvfrom fail with ENXIO (the kernel unbinds the
 *    socket), SO_ERROR says ENETDOWN once, poll reports no event, stats still read,
 *    xsk_socket__xdp_mode returns 0 (no program).
 *  - the completion ring full: sendto fails with EAGAIN and the kernel leaves the TX
 *    ring alone; nothing is lost.
 *  - the RX ring full, generic mode: the kernel takes a frame from the fill ring before
 *    it finds no room, and keeps it in its pool for the next packet (one frame on no
 *    ring); native mode checks for room first.
 * An application blocked in poll() is therefore never woken by either fault.
 */
#include "rig.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

#define LEN 64 /* test frame length */

static void sandbox_veth(unsigned queues)
{
	net_sandbox(); /* each test gets a namespace of its own */
	REQUIRE(net_veth("xa0", "xb0", queues) == 0);
}

static int ip_link(const char *dev, const char *state)
{
	return net__ip("link", "set", "dev", dev, state, NULL);
}

/* The kernel's own answer to a TX kick and an RX wakeup: 0 or -errno. */
static int kick_raw(const struct rig *r)
{
	return sendto(xsk_socket__fd(r->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 ? -errno : 0;
}

static int recv_raw(const struct rig *r)
{
	return recvfrom(xsk_socket__fd(r->xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL) < 0 ?
	       -errno : 0;
}

/* poll()'s events for the socket now, without waiting; -errno on error. */
static int poll_now(const struct rig *r)
{
	struct pollfd p = { xsk_socket__fd(r->xsk), POLLIN | POLLOUT, 0 };

	return poll(&p, 1, 0) < 0 ? -errno : p.revents;
}

/* The socket's pending error (SO_ERROR, which reading clears), or -errno. */
static int so_error(const struct rig *r)
{
	socklen_t len = sizeof(int);
	int e = 0;

	if (getsockopt(xsk_socket__fd(r->xsk), SOL_SOCKET, SO_ERROR, &e, &len))
		return -errno;
	return e;
}

/*
 * xsk_socket__wakeup_rx with the fill ring asking for a wakeup. In copy mode the kernel
 * never sets that flag, so the library would make no syscall: set it as a zero-copy
 * driver does, to see the kernel's answer pass through the library.
 */
static int wakeup_rx_forced(struct rig *r)
{
	int ret;

	*r->fill.flags |= XDP_RING_NEED_WAKEUP;
	ret = xsk_socket__wakeup_rx(r->xsk);
	*r->fill.flags &= ~(__u32)XDP_RING_NEED_WAKEUP;
	return ret;
}

/* candidate for rig.h */
/*
 * Receives up to `want` test frames within timeout_ms, recycling them. Each must be a
 * whole test frame with a sequence number above the one before (*last, -1 before the
 * first): a gap is a drop, which faults cause, but never disorder. Returns how many
 * arrived, or -1 at a bad frame.
 */
static int rx_increasing(struct rig *r, long long *last, int want, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;
	int got = 0;

	while (got < want && rig_now_ms() < end) {
		__u32 idx = 0, n, i;
		int bad = 0;

		n = xsk_ring_cons__peek(&r->rx, want - got < 64 ? (__u32)(want - got) : 64, &idx);
		if (!n) {
			xsk_socket__wakeup_rx(r->xsk);
			usleep(20);
			continue;
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&r->rx, idx + i);
			uint32_t s = 0;

			if (!bad && (net_frame_check(xsk_umem__get_data(r->area, d->addr), d->len,
						     &s) || d->len != LEN || (long long)s <= *last)) {
				printf("rx_increasing: len %u seq %u after %lld\n", d->len, s, *last);
				bad = 1;
			}
			if (!bad) {
				*last = s;
				got++;
			}
			rig_recycle(r, d->addr);
		}
		xsk_ring_cons__release(&r->rx, n);
		if (bad)
			return -1;
	}
	return got;
}

/* Receives (in order, as rx_increasing) until nothing came for quiet_ms. */
static int rx_quiet(struct rig *r, long long *last, int quiet_ms)
{
	int n, total = 0;

	while ((n = rx_increasing(r, last, 1 << 30, quiet_ms)) > 0)
		total += n;
	return n < 0 ? -1 : total;
}

/* n AF_PACKET test frames from seq on, sent one by one. 0 or -1. */
static int pkt_send_n(int pkt, uint32_t seq, int n)
{
	unsigned char f[LEN];

	for (; n > 0; n--, seq++)
		if (net_pkt_send(pkt, f, net_frame(f, sizeof(f), seq)))
			return -1;
	return 0;
}

/* How many of the test frames seq, seq+1, ... arrive on the AF_PACKET socket in order,
 * stopping at the first missing or wrong one (or after n). */
static int pkt_expect(int pkt, uint32_t seq, int n)
{
	unsigned char buf[256];
	int got = 0;

	for (; got < n; got++, seq++) {
		ssize_t len = net_pkt_recv_ours(pkt, buf, sizeof(buf), 2000);
		uint32_t s = 0;

		if (len != LEN || net_frame_check(buf, (size_t)len, &s) || s != seq) {
			printf("pkt_expect: frame %d: len %zd seq %u, want seq %u\n", got, len, s,
			       seq);
			break;
		}
	}
	return got;
}

/* Polls the socket's statistics until pick(stats) >= want or timeout_ms; its value. */
static __u64 stat_wait(struct rig *r, size_t off, __u64 want, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;
	struct xdp_statistics st;
	__u64 v = 0;

	for (;;) {
		memset(&st, 0, sizeof(st));
		if (xsk_socket__stats(r->xsk, &st))
			return UINT64_MAX;
		memcpy(&v, (char *)&st + off, sizeof(v));
		if (v >= want || rig_now_ms() > end)
			return v;
		net__sleep_ms(2);
	}
}

#define STAT_WAIT(r, field, want, ms) \
	stat_wait(r, offsetof(struct xdp_statistics, field), want, ms)

/* candidate for rig.h */
/* ---- a generator: an AF_XDP socket on the peer sending numbered frames ------------- */

struct gen {
	struct rig r;     /* TX only, on xb0 */
	pthread_t thread;
	uint32_t seq;     /* the next sequence number (the thread's while it runs) */
	int stop;
	long errors;      /* rig_tx calls whose kick failed */
	int last_err;     /* and the errno of the last one */
};

static int gen_open(struct gen *g, uint32_t seq)
{
	struct rig_cfg cfg;

	memset(g, 0, sizeof(*g));
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = RIG_NONE;
	cfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD; /* sending needs no program */
	cfg.bind_flags = rig_mode->bind_flags;
	g->seq = seq;
	return rig_open_cfg(&g->r, "xb0", 0, &cfg);
}

static void *gen_run(void *arg)
{
	struct gen *g = arg;

	while (!__atomic_load_n(&g->stop, __ATOMIC_ACQUIRE)) {
		if (rig_tx(&g->r, 64, &g->seq, LEN, 20) < 0) {
			__atomic_store_n(&g->last_err, errno, __ATOMIC_RELAXED);
			__atomic_add_fetch(&g->errors, 1, __ATOMIC_RELEASE);
			net__sleep_ms(1); /* the link is down: try again */
		}
	}
	return NULL;
}

static int gen_start(struct gen *g)
{
	return pthread_create(&g->thread, NULL, gen_run, g) ? -1 : 0;
}

static void gen_stop(struct gen *g)
{
	__atomic_store_n(&g->stop, 1, __ATOMIC_RELEASE);
	pthread_join(g->thread, NULL);
}

/* Waits until the generator's kicks have failed at least once; its errno, or 0. */
static int gen_wait_error(struct gen *g, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;

	while (!__atomic_load_n(&g->errors, __ATOMIC_ACQUIRE) && rig_now_ms() < end)
		net__sleep_ms(1);
	return __atomic_load_n(&g->errors, __ATOMIC_ACQUIRE) ?
	       __atomic_load_n(&g->last_err, __ATOMIC_RELAXED) : 0;
}

/*
 * With the generator stopped and the receiver quiet: n frames from the generator's next
 * sequence number all arrive, in order, every word checked. Batches of 32 fit every RX
 * ring here. Returns how many arrived in order.
 */
static int exact(struct gen *g, struct rig *r, int n)
{
	uint32_t want = g->seq;
	int got = 0, b, k;

	while (got < n) {
		b = n - got < 32 ? n - got : 32;
		if (rig_tx(&g->r, (__u32)b, &g->seq, LEN, 2000) != b)
			break;
		k = rig_recv(r, b, &want, LEN, 2000);
		got += k > 0 ? k : 0;
		if (k != b)
			break;
	}
	return got;
}

/* Stops the generator, sends what it left on its ring, and drains the receiver. */
static void gen_settle(struct gen *g, struct rig *r, long long *last)
{
	gen_stop(g);
	CHECK_EQ(rig_tx_flush(&g->r, 2000), 0);
	CHECK(rx_quiet(r, last, 50) >= 0);
}

/* ---- link down ---------------------------------------------------------------------- */

/*
 * Bound and idle, our end goes down, then the peer. Every call answers as the kernel
 * decides (see the top of the file), sockets bind on a down link, and after each up the
 * frames left on the TX ring go out in order on the same socket.
 */
static void test_down_idle(void)
{
	int mode = (int)rig_mode->xdp_flags, wakeup = !!(rig_mode->bind_flags &
						     XDP_USE_NEED_WAKEUP);
	struct xdp_statistics st;
	struct rig r, r1, peer;
	uint32_t seq = 0, pseq = 13;
	int pkt;

	sandbox_veth(2);
	REQUIRE(rig_open_mode(&r, "xa0", 0) == 0);
	REQUIRE(rig_fill(&r, 1024) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	CHECK_EQ(poll_now(&r), POLLOUT);
	/* copy mode: the kernel always asks for TX kicks, never for fill-ring wakeups */
	CHECK(!wakeup || xsk_ring_prod__needs_wakeup(&r.tx));
	CHECK(!xsk_ring_prod__needs_wakeup(&r.fill));

	/* our end down */
	REQUIRE(ip_link("xa0", "down") == 0);
	REQUIRE(rig_tx_put(&r, 10, &seq, LEN) == 0);
	errno = 0;
	CHECK_EQ(xsk_socket__wakeup_tx(r.xsk), -ENETDOWN);
	CHECK_EQ(errno, ENETDOWN);
	CHECK_EQ(kick_raw(&r), -ENETDOWN);
	CHECK_EQ(recv_raw(&r), -ENETDOWN);
	CHECK_EQ(xsk_socket__wakeup_rx(r.xsk), 0); /* no syscall: the fill ring never asks */
	CHECK_EQ(wakeup_rx_forced(&r), wakeup ? -ENETDOWN : 0);
	CHECK_EQ(poll_now(&r), 0); /* xsk_poll reports nothing on a down device */
	CHECK_EQ(rig_prod_used(&r.tx), 10); /* the kernel took nothing */
	CHECK_EQ(rig_cons_used(&r.comp), 0);
	CHECK_EQ(so_error(&r), 0);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.rx_dropped + st.rx_invalid_descs + st.tx_invalid_descs, 0);
	CHECK_EQ(xsk_socket__xdp_mode(r.xsk), mode); /* the program stays attached */
	CHECK_EQ(xsk_socket__zerocopy(r.xsk), 0);
	/* a socket on the down link binds (sharing the program) */
	CHECK_EQ(rig_open_mode(&r1, "xa0", 1), 0);
	CHECK_EQ(kick_raw(&r1), -ENETDOWN); /* bound (an unbound socket says ENXIO) */
	rig_close(&r1);

	/* up: the frames waiting on the TX ring leave in order */
	REQUIRE(ip_link("xa0", "up") == 0);
	CHECK_EQ(rig_tx_flush(&r, 2000), 0);
	CHECK_EQ(pkt_expect(pkt, 0, 10), 10);
	CHECK_EQ(poll_now(&r), POLLOUT);

	/* the peer down: no carrier on our end */
	REQUIRE(ip_link("xb0", "down") == 0);
	REQUIRE(rig_tx_put(&r, 10, &seq, LEN) == 0);
	CHECK_EQ(kick_raw(&r), -EBUSY); /* frame 10 dropped, completed unsent */
	CHECK_EQ(rig_prod_used(&r.tx), 9);
	CHECK_EQ(rig_cons_used(&r.comp), 1);
	CHECK_EQ(xsk_socket__wakeup_tx(r.xsk), 1); /* frame 11 the same: a kick all the same */
	CHECK_EQ(rig_prod_used(&r.tx), 8);
	CHECK_EQ(rig_cons_used(&r.comp), 2);
	CHECK_EQ(recv_raw(&r), 0);
	CHECK_EQ(rig_prod_used(&r.tx), 8);
	CHECK_EQ(poll_now(&r), POLLOUT); /* poll drives TX in copy mode: frame 12 goes too */
	CHECK_EQ(rig_prod_used(&r.tx), 7);
	CHECK_EQ(rig_cons_used(&r.comp), 3);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.tx_invalid_descs, 0);
	CHECK_EQ(xsk_socket__xdp_mode(r.xsk), mode);
	/* a socket on the down peer binds, attaching a program of its own there */
	REQUIRE(rig_open_mode(&peer, "xb0", 0) == 0);
	CHECK_EQ(xsk_socket__xdp_mode(peer.xsk), mode);
	CHECK_EQ(xsk_socket__wakeup_tx(peer.xsk), -ENETDOWN);
	REQUIRE(rig_fill(&peer, 64) == 0);

	/* up: the 7 frames left reach the socket made while the peer was down, in order */
	REQUIRE(ip_link("xb0", "up") == 0);
	CHECK_EQ(rig_tx_flush(&r, 2000), 0);
	CHECK_EQ(rig_recv(&peer, 7, &pseq, LEN, 2000), 7);
	CHECK_EQ(pseq, seq);

	/* and receiving on the same socket works as before. The peer's socket sends: its
	 * queue 0 feeds our queue 0 in native mode, where an AF_PACKET sender's queue
	 * would depend on the boot's flow-hash seed. */
	seq = pseq = 1000;
	REQUIRE(rig_tx_put(&peer, 100, &pseq, LEN) == 0);
	CHECK_EQ(rig_tx_flush(&peer, 2000), 0);
	CHECK_EQ(rig_recv(&r, 100, &seq, LEN, 2000), 100);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.rx_dropped + st.rx_ring_full + st.rx_fill_ring_empty_descs, 0);
	CHECK_EQ(rig_ledger(&r, 0, 1000), 0);
	CHECK_EQ(rig_ledger(&peer, 0, 1000), 0);
	rig_close(&peer);
	close(pkt);
	rig_close(&r);
}

/*
 * A generator on the peer sends while `dev` goes down and up again: nothing arrives
 * while down, the calls answer as when idle, receiving resumes in order after up on
 * the same socket, and every frame of both UMEMs is accounted for.
 */
static void down_during_traffic(const char *dev)
{
	int ours = !strcmp(dev, "xa0"), err;
	struct xdp_statistics st;
	long long last = -1;
	struct rig r;
	struct gen g;

	sandbox_veth(1);
	REQUIRE(rig_open_mode(&r, "xa0", 0) == 0);
	/* Fewer frames than the RX ring has entries: it cannot overflow, so the kernel
	 * keeps no frame off the rings (see test_rx_full) and rx_ring_full stays 0. */
	REQUIRE(rig_fill(&r, 1024) == 0);
	REQUIRE(gen_open(&g, 0) == 0);
	REQUIRE(gen_start(&g) == 0);
	CHECK_EQ(rx_increasing(&r, &last, 2000, 5000), 2000);

	CHECK_EQ(ip_link(dev, "down"), 0); /* (no REQUIRE while the generator runs) */
	if (ours) {
		CHECK_EQ(xsk_socket__wakeup_tx(r.xsk), -ENETDOWN);
		CHECK_EQ(recv_raw(&r), -ENETDOWN);
		CHECK_EQ(poll_now(&r), 0);
	} else {
		CHECK_EQ(xsk_socket__wakeup_tx(r.xsk), 1); /* our TX ring is empty: sendto is 0 */
		CHECK_EQ(recv_raw(&r), 0);
	}
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(xsk_socket__xdp_mode(r.xsk), (int)rig_mode->xdp_flags);
	CHECK(rx_quiet(&r, &last, 100) >= 0);            /* what was under way */
	CHECK_EQ(rx_increasing(&r, &last, 1, 300), 0);   /* then nothing while down */
	err = gen_wait_error(&g, ours ? 100 : 2000);
	/* The peer's kicks fail when the peer is down; with our end down the peer only
	 * lacks carrier: each kick drops a frame and is still a kick (EBUSY). */
	CHECK_EQ(err, ours ? 0 : ENETDOWN);

	CHECK_EQ(ip_link(dev, "up"), 0);
	CHECK_EQ(rx_increasing(&r, &last, 2000, 5000), 2000);
	gen_settle(&g, &r, &last);
	CHECK_EQ(exact(&g, &r, 500), 500);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.rx_invalid_descs, 0);
	CHECK_EQ(st.rx_ring_full, 0);
	CHECK_EQ(rig_ledger(&r, 0, 1000), 0);
	CHECK_EQ(rig_ledger(&g.r, 0, 1000), 0);
	rig_close(&g.r);
	rig_close(&r);
}

static void test_down_traffic_ours(void) { down_during_traffic("xa0"); }
static void test_down_traffic_peer(void) { down_during_traffic("xb0"); }

/* ---- the interface deleted ------------------------------------------------------------ */

/* The ids of the XDP program on an interface, of its maps and of the link holding it. */
struct objs {
	__u32 prog, maps[8], nmaps, link;
};

static int objs_get(int ifindex, struct objs *o)
{
	int n;

	memset(o, 0, sizeof(*o));
	o->prog = net_xdp_prog_id(ifindex);
	n = net_prog_map_ids(o->prog, o->maps, 8);
	if (n < 1 || n > 8)
		return -1;
	o->nmaps = (__u32)n;
	o->link = net_xdp_link_id(o->prog);
	return o->prog && o->link ? 0 : -1;
}

/* 1 if the object still exists (freeing is deferred in the kernel). */
static int obj_exists(int (*get_fd)(__u32), __u32 id)
{
	int fd = get_fd(id);

	if (fd >= 0)
		close(fd);
	return fd >= 0 || errno != ENOENT;
}

/* Waits until the program, its maps and link are gone from the system: 0, or -1. */
static int objs_gone(const struct objs *o, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;

	for (;;) {
		int p = obj_exists(bpf_prog_get_fd_by_id, o->prog), m = 0, l;
		__u32 i;

		for (i = 0; i < o->nmaps; i++)
			m += obj_exists(bpf_map_get_fd_by_id, o->maps[i]);
		l = obj_exists(bpf_link_get_fd_by_id, o->link);
		if (!p && !m && !l)
			return 0;
		if (rig_now_ms() > end) {
			printf("objs_gone: still there: prog %u %d, %d of %u maps, link %u %d\n",
			       o->prog, p, m, o->nmaps, o->link, l);
			return -1;
		}
		net__sleep_ms(5);
	}
}

/* What every call says about a socket whose interface was deleted (see the top). */
static void check_deleted(struct rig *r)
{
	int wakeup = !!(rig_mode->bind_flags & XDP_USE_NEED_WAKEUP);
	struct xdp_statistics st;

	CHECK_EQ(net_ifindex("xa0"), -1);
	errno = 0;
	CHECK_EQ(xsk_socket__wakeup_tx(r->xsk), -ENXIO);
	CHECK_EQ(errno, ENXIO);
	CHECK_EQ(kick_raw(r), -ENXIO);
	CHECK_EQ(recv_raw(r), -ENXIO);
	CHECK_EQ(xsk_socket__wakeup_rx(r->xsk), 0);
	CHECK_EQ(wakeup_rx_forced(r), wakeup ? -ENXIO : 0);
	CHECK_EQ(poll_now(r), 0); /* no POLLERR: xsk_poll reports nothing when unbound */
	CHECK_EQ(so_error(r), ENETDOWN);
	CHECK_EQ(so_error(r), 0); /* reported once */
	CHECK_EQ(xsk_socket__stats(r->xsk, &st), 0);
	CHECK_EQ(st.rx_invalid_descs + st.tx_invalid_descs + st.rx_ring_full, 0);
	CHECK_EQ(xsk_socket__xdp_mode(r->xsk), 0);
	CHECK_EQ(xsk_socket__zerocopy(r->xsk), 0);
}

/*
 * Bound and idle, with frames on the fill and TX rings, the interface goes. The
 * library reports it; teardown frees every fd, mapping and BPF object; a new veth of
 * the same name then takes a new socket and a new program as usual.
 */
static void test_delete_idle(void)
{
	struct net_snap before, after;
	struct objs o;
	struct rig r, n;
	uint32_t seq = 0;
	int pkt, ifindex;

	net_sandbox();
	net_snap_take(&before); /* only lo: as after the deletion */
	REQUIRE(net_veth("xa0", "xb0", 1) == 0);
	ifindex = net_ifindex("xa0");
	REQUIRE(rig_open_mode(&r, "xa0", 0) == 0);
	REQUIRE(objs_get(ifindex, &o) == 0);
	REQUIRE(rig_fill(&r, 512) == 0);
	REQUIRE(rig_tx_put(&r, 10, &seq, LEN) == 0);

	REQUIRE(net__ip("link", "del", "xa0", NULL) == 0);
	check_deleted(&r);
	CHECK_EQ(rig_prod_used(&r.tx), 10); /* never taken */
	CHECK_EQ(rig_prod_used(&r.fill), 512);
	CHECK_EQ(rig_ledger(&r, 0, 1000), 0);
	/* a socket on the name now fails cleanly */
	CHECK_EQ(rig_open_mode(&n, "xa0", 0), -ENODEV);
	rig_close(&r);
	CHECK_EQ(objs_gone(&o, 2000), 0);
	net_snap_take(&after);
	CHECK(net_snap_same(&before, &after, 0));
	net_snap_free(&before);
	net_snap_free(&after);

	/* the same names again: a fresh socket and program */
	REQUIRE(net_veth("xa0", "xb0", 1) == 0);
	ifindex = net_ifindex("xa0");
	REQUIRE(rig_open_mode(&n, "xa0", 0) == 0);
	CHECK_EQ(xsk_socket__xdp_mode(n.xsk), (int)rig_mode->xdp_flags);
	CHECK(net_xdp_prog_id(ifindex) != 0);
	CHECK(net_xdp_prog_id(ifindex) != o.prog);
	REQUIRE(rig_fill(&n, 512) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	seq = 0;
	REQUIRE(pkt_send_n(pkt, 0, 100) == 0);
	CHECK_EQ(rig_recv(&n, 100, &seq, LEN, 2000), 100);
	CHECK_EQ(rig_ledger(&n, 0, 1000), 0);
	rig_close(&n);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
	close(pkt);
}

/* What a generator process on the peer reports (shared memory). */
struct gen_report {
	int ready, done;
	int err;       /* errno of the last failed kick */
	int ledger;    /* rig_ledger at the end */
	uint32_t seq;  /* frames sent so far */
};

/* A process sending on xb0 until its kicks fail with ENXIO (or 10 s pass), then
 * checking its ledger and closing its socket. */
static pid_t gen_process(struct gen_report *rep)
{
	pid_t parent = getpid(), pid = fork();
	long long end;
	struct gen g;

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent || gen_open(&g, 0))
		_exit(1);
	__atomic_store_n(&rep->ready, 1, __ATOMIC_RELEASE);
	for (end = rig_now_ms() + 10000; rig_now_ms() < end;) {
		if (rig_tx(&g.r, 64, &g.seq, LEN, 20) < 0) {
			rep->err = errno; /* ENETDOWN first: the device is closed before it goes */
			if (errno == ENXIO)
				break;
			net__sleep_ms(1);
		}
		__atomic_store_n(&rep->seq, g.seq, __ATOMIC_RELEASE);
	}
	rep->ledger = rig_ledger(&g.r, 0, 1000);
	rig_close(&g.r);
	__atomic_store_n(&rep->done, 1, __ATOMIC_RELEASE);
	_exit(0);
}

/*
 * The interface deleted while a generator process on the peer sends to our socket:
 * both sockets report it, both UMEMs keep every frame, and teardown frees everything.
 * (The generator is a process, not a thread: a thread's stack would stay mapped in
 * glibc's cache and show in the snapshot.)
 */
static void test_delete_traffic(void)
{
	struct gen_report *rep;
	struct net_snap before, after;
	long long last = -1, end;
	struct objs o;
	struct rig r;
	pid_t pid;
	int st;

	net_sandbox();
	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(rep != MAP_FAILED);
	net_snap_take(&before);
	REQUIRE(net_veth("xa0", "xb0", 1) == 0);
	REQUIRE(rig_open_mode(&r, "xa0", 0) == 0);
	REQUIRE(objs_get(net_ifindex("xa0"), &o) == 0);
	REQUIRE(rig_fill(&r, 1024) == 0); /* the RX ring cannot overflow: see down_during_traffic */
	pid = gen_process(rep);
	REQUIRE(pid > 0);
	CHECK_EQ(rx_increasing(&r, &last, 2000, 5000), 2000);

	CHECK_EQ(net__ip("link", "del", "xa0", NULL), 0); /* (no REQUIRE: the child runs) */
	check_deleted(&r);
	CHECK(rx_quiet(&r, &last, 50) >= 0);
	for (end = rig_now_ms() + 5000; !__atomic_load_n(&rep->done, __ATOMIC_ACQUIRE) &&
	     rig_now_ms() < end;)
		net__sleep_ms(1);
	CHECK(rep->done);
	CHECK_EQ(rep->err, ENXIO);
	CHECK_EQ(rep->ledger, 0);
	CHECK(rep->seq >= 2000);
	if (!rep->done)
		kill(pid, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK_EQ(st, 0);
	CHECK_EQ(rig_ledger(&r, 0, 1000), 0);
	rig_close(&r);
	CHECK_EQ(objs_gone(&o, 2000), 0);
	net_snap_take(&after);
	CHECK(net_snap_same(&before, &after, 0));
	net_snap_free(&before);
	net_snap_free(&after);
	munmap(rep, sizeof(*rep));
}

/* ---- rings nobody serves -------------------------------------------------------------- */

/*
 * Nothing on the fill ring: every frame is dropped and counted, nothing is received,
 * also under a generator's full load; once the fill ring is filled, receiving resumes
 * in order.
 */
static void test_fill_starved(void)
{
	struct xdp_statistics st;
	long long last = -1;
	struct rig r;
	struct gen g;
	int pkt;

	sandbox_veth(1);
	REQUIRE(rig_open_mode(&r, "xa0", 0) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	REQUIRE(pkt_send_n(pkt, 0, 100) == 0);
	CHECK_EQ(STAT_WAIT(&r, rx_fill_ring_empty_descs, 100, 2000), 100);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.rx_dropped, 100); /* copy mode counts a failed allocation here too */
	CHECK_EQ(st.rx_ring_full, 0);
	CHECK_EQ(rig_cons_used(&r.rx), 0);

	REQUIRE(gen_open(&g, 1000) == 0);
	REQUIRE(gen_start(&g) == 0);
	CHECK_EQ(rx_increasing(&r, &last, 1, 300), 0);
	CHECK(STAT_WAIT(&r, rx_fill_ring_empty_descs, 1000, 5000) >= 1000);
	CHECK_EQ(rig_accounted(&r), r.frames); /* the kernel took no frame */

	CHECK_EQ(rig_fill(&r, 1024), 0); /* the RX ring cannot overflow: see above */
	CHECK_EQ(rx_increasing(&r, &last, 2000, 5000), 2000);
	CHECK(last >= 1000);
	gen_settle(&g, &r, &last);
	CHECK_EQ(exact(&g, &r, 500), 500);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.rx_invalid_descs, 0);
	CHECK_EQ(st.rx_ring_full, 0);
	CHECK_EQ(rig_ledger(&r, 0, 1000), 0);
	CHECK_EQ(rig_ledger(&g.r, 0, 1000), 0);
	rig_close(&g.r);
	rig_close(&r);
	close(pkt);
}

/*
 * An RX ring of 64 that nobody drains: it holds the first 64 frames, the rest are
 * dropped and counted, also under a generator's full load; once drained, receiving
 * resumes in order.
 *
 * In generic mode the kernel takes a frame from the fill ring before it finds the RX
 * ring full, and keeps it in its pool for the next packet: one frame is then on no
 * ring until traffic resumes, so the ledger is checked after that.
 */
static void test_rx_full(void)
{
	struct xdp_statistics st;
	struct rig_cfg cfg;
	long long last = -1;
	uint32_t seq = 0;
	struct rig r;
	struct gen g;
	__u64 full;
	int pkt;

	sandbox_veth(1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = 64;
	cfg.xdp_flags = rig_mode->xdp_flags;
	cfg.bind_flags = rig_mode->bind_flags;
	REQUIRE(rig_open_cfg(&r, "xa0", 0, &cfg) == 0);
	REQUIRE(rig_fill(&r, 1024) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	REQUIRE(pkt_send_n(pkt, 0, 100) == 0);
	CHECK_EQ(STAT_WAIT(&r, rx_ring_full, 36, 2000), 36);
	CHECK_EQ(rig_cons_used(&r.rx), 64);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.rx_dropped, 0);
	CHECK_EQ(st.rx_fill_ring_empty_descs, 0);

	REQUIRE(gen_open(&g, 1000) == 0);
	REQUIRE(gen_start(&g) == 0);
	full = STAT_WAIT(&r, rx_ring_full, 1036, 5000);
	CHECK(full >= 1036);
	CHECK_EQ(rig_cons_used(&r.rx), 64);
	CHECK_EQ(rig_accounted(&r), r.frames - (rig_mode->xdp_flags == XDP_FLAGS_SKB_MODE));

	/* drain: the ring held frames 0..63, in order; then the generator's come through */
	CHECK_EQ(rig_recv(&r, 64, &seq, LEN, 2000), 64);
	last = 63;
	CHECK_EQ(rx_increasing(&r, &last, 2000, 5000), 2000);
	CHECK(last >= 1000);
	gen_settle(&g, &r, &last);
	CHECK_EQ(exact(&g, &r, 500), 500);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK(st.rx_ring_full >= full);
	CHECK_EQ(st.rx_invalid_descs, 0);
	CHECK_EQ(rig_ledger(&r, 0, 1000), 0);
	CHECK_EQ(rig_ledger(&g.r, 0, 1000), 0);
	rig_close(&g.r);
	rig_close(&r);
	close(pkt);
}

/*
 * A completion ring of 64 that nobody drains: the kernel sends 64 frames, then every
 * sendto fails with EAGAIN and the TX ring stays as it is (nothing dropped; the library
 * counts EAGAIN as a kick). Drained, the rest go out in order. (The TX path is copy
 * mode in every XDP mode here; the modes differ in the kicks.)
 */
static void test_comp_full(void)
{
	struct xdp_statistics st;
	struct rig_cfg cfg;
	uint32_t seq = 0;
	struct rig r;
	int pkt, i;

	sandbox_veth(1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.comp_size = 64;
	cfg.tx_size = 256;
	cfg.xdp_flags = rig_mode->xdp_flags;
	cfg.bind_flags = rig_mode->bind_flags;
	REQUIRE(rig_open_cfg(&r, "xa0", 0, &cfg) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	REQUIRE(rig_tx_put(&r, 200, &seq, LEN) == 0);
	/* at most 32 frames a sendto in copy mode, and EAGAIN while more wait */
	for (i = 0; i < 8; i++)
		CHECK_EQ(kick_raw(&r), -EAGAIN);
	CHECK_EQ(rig_cons_used(&r.comp), 64);
	CHECK_EQ(rig_prod_used(&r.tx), 136);
	CHECK_EQ(xsk_socket__wakeup_tx(r.xsk), 1);
	CHECK_EQ(rig_prod_used(&r.tx), 136); /* stalled */
	CHECK_EQ(pkt_expect(pkt, 0, 64), 64);
	{
		unsigned char buf[256];

		CHECK(net_pkt_recv_ours(pkt, buf, sizeof(buf), 100) < 0); /* no more */
	}
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.tx_invalid_descs, 0);

	/* drained: it goes on */
	CHECK_EQ(rig_complete(&r), 64);
	CHECK_EQ(rig_tx_flush(&r, 2000), 0);
	CHECK_EQ(pkt_expect(pkt, 64, 136), 136);
	CHECK_EQ(rig_ledger(&r, 0, 1000), 0);
	rig_close(&r);
	close(pkt);
}

/* ---- kill -9 -------------------------------------------------------------------------- */

enum { K_FORKED, K_UMEM, K_CREATE, K_BOUND, K_TRAFFIC, K_FAILED };

/* What the child got to (shared memory). */
struct kill_report {
	int stage;
	int err;  /* xsk_socket__create's return */
	int busy; /* its bind found the queue still busy and retried */
};

/* A child that opens a socket on xa0 in mode m and then moves frames both ways until it
 * is killed (or 10 s pass), reporting its progress. */
static void kill_child(struct kill_report *k, const struct rig_mode *m, pid_t parent)
{
	struct xsk_socket_config sc;
	struct rig_cfg cfg;
	unsigned char f[LEN];
	uint32_t pseq = 0, tseq = 1u << 31;
	long long last = -1, end;
	struct rig r;
	int pkt;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.xdp_flags = m->xdp_flags;
	cfg.bind_flags = m->bind_flags;
	if (rig_umem(&r, &cfg))
		_exit(1);
	__atomic_store_n(&k->stage, K_CREATE, __ATOMIC_RELEASE);
	sc = rig_socket_cfg(&cfg);
	k->err = xsk_socket__create(&r.xsk, "xa0", 0, r.umem, &r.rx, &r.tx, &sc);
	if (k->err) {
		__atomic_store_n(&k->stage, K_FAILED, __ATOMIC_RELEASE);
		_exit(1);
	}
	k->busy = strstr(rig_last_msg, "busy") != NULL; /* the library's last message */
	__atomic_store_n(&k->stage, K_BOUND, __ATOMIC_RELEASE);
	pkt = net_pkt_sock("xb0");
	if (pkt < 0 || rig_fill(&r, 2048))
		_exit(1);
	for (end = rig_now_ms() + 10000; rig_now_ms() < end;) {
		int i;

		for (i = 0; i < 8; i++)
			net_pkt_send(pkt, f, net_frame(f, sizeof(f), pseq++));
		if (rig_tx(&r, 8, &tseq, LEN, 100) > 0 && rx_increasing(&r, &last, 8, 5) > 0)
			__atomic_store_n(&k->stage, K_TRAFFIC, __ATOMIC_RELEASE);
	}
	_exit(0);
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_us(long long us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * rig_soak(100, 1000) children, each killed with SIGKILL after a random delay (seeded;
 * XSK_SEED=n repeats a run) that spans setup, xsk_socket__create (program load, link,
 * bind) and traffic. After each: no XDP program once the child is reaped (with a
 * bounded wait for the kernel's deferred release), and every child that got as far
 * binds on its first xsk_socket__create (the library retries EBUSY meanwhile).
 */
static void test_kill9(void)
{
	const char *env = getenv("XSK_SEED");
	unsigned seed = env ? (unsigned)strtoul(env, NULL, 0) :
			(unsigned)(now_us() ^ getpid());
	long i, n = rig_soak(100, 1000);
	int setup = 0, in_create = 0, traffic = 0, busy = 0, ifindex, st;
	long long t0, span;
	pid_t parent = getpid(), pid;
	struct kill_report *k;
	uint32_t rseq = 0;
	struct rig r;
	int pkt;

	printf("# test_kill9: seed %u (XSK_SEED=%u repeats this run)\n", seed, seed);
	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	k = mmap(NULL, sizeof(*k), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(k != MAP_FAILED);

	/* How long a child takes to get to traffic here and now: the delays span twice that. */
	memset(k, 0, sizeof(*k));
	t0 = now_us();
	pid = fork();
	if (pid == 0)
		kill_child(k, rig_mode, parent);
	REQUIRE(pid > 0);
	while (__atomic_load_n(&k->stage, __ATOMIC_ACQUIRE) < K_TRAFFIC && now_us() - t0 < 5000000)
		sleep_us(100);
	span = 2 * (now_us() - t0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	REQUIRE(k->stage == K_TRAFFIC);
	REQUIRE(net_wait_no_xdp(ifindex, 2000) == 0);

	for (i = 0; i < n; i++) {
		const struct rig_mode *m = &rig_modes[i % 4];
		long long delay = (long long)(rand_r(&seed) % (unsigned)span);
		int stage;

		memset(k, 0, sizeof(*k));
		pid = fork();
		if (pid == 0)
			kill_child(k, m, parent);
		REQUIRE(pid > 0);
		sleep_us(delay);
		kill(pid, SIGKILL);
		REQUIRE(waitpid(pid, &st, 0) == pid);
		stage = __atomic_load_n(&k->stage, __ATOMIC_ACQUIRE);
		if (!CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) ||
		    !CHECK(stage != K_FAILED)) {
			printf("kill %ld [%s] after %lld us: stage %d, xsk_socket__create %d\n", i,
			       m->name, delay, stage, k->err);
		}
		if (stage == K_TRAFFIC)
			traffic++;
		else
			setup++;
		in_create += stage == K_CREATE;
		busy += k->busy;
		if (!CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0)) {
			printf("kill %ld [%s] after %lld us: stage %d: XDP program left\n", i,
			       m->name, delay, stage);
			break;
		}
	}
	printf("# test_kill9: %ld kills in 0..%lld us: %d in setup (%d inside "
	       "xsk_socket__create), %d during traffic; %d binds retried on EBUSY\n", i, span,
	       setup, in_create, traffic, busy);
	CHECK(setup > 0);
	CHECK(in_create > 0);
	CHECK(traffic > 0);

	/* and right after the last kill, this process binds on its first call */
	CHECK_EQ(rig_open_mode(&r, "xa0", 0), 0);
	if (r.xsk) {
		pkt = net_pkt_sock("xb0");
		REQUIRE(pkt >= 0);
		REQUIRE(rig_fill(&r, 512) == 0);
		REQUIRE(pkt_send_n(pkt, 0, 100) == 0);
		CHECK_EQ(rig_recv(&r, 100, &rseq, LEN, 2000), 100);
		CHECK_EQ(rig_ledger(&r, 0, 1000), 0);
		rig_close(&r);
		close(pkt);
	}
	munmap(k, sizeof(*k));
}

int main(void)
{
	t_need_root();
	setvbuf(stdout, NULL, _IOLBF, 0);
RIG_RUN_MODES(test_down_idle);
	RIG_RUN_MODES(test_down_traffic_ours);
	RIG_RUN_MODES(test_down_traffic_peer);
	RIG_RUN_MODES(test_delete_idle);
	RIG_RUN_MODES(test_delete_traffic);
	RIG_RUN_MODES(test_fill_starved);
	RIG_RUN_MODES(test_rx_full);
	RIG_RUN_MODES(test_comp_full);
	T_RUN(test_kill9);
	return t_done();
}
