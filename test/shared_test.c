/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared UMEM: two sockets on one queue sharing its fill ring, steered by the XSKMAP; a
 * socket per queue with rings of its own (two queues fed by AF_PACKET, four by AF_XDP
 * sockets on the peer); and a UMEM whose first socket was deleted taking a new one.
 */
#include "rig.h"

/* A socket of a shared UMEM with the rings it uses. */
struct side {
	struct xsk_ring_cons rx, comp;
	struct xsk_ring_prod tx, fill;
	struct xsk_socket *xsk;
};

static void *area;
static const size_t area_size = (size_t)RIG_FRAMES * RIG_FRAME;

static void sandbox_veth(unsigned queues)
{
	net_sandbox();
	REQUIRE(net_veth("xa0", "xb0", queues) == 0);
}

static void fill_frames(struct xsk_ring_prod *fill, __u32 first, __u32 n)
{
	__u32 idx = 0, i;

	REQUIRE(xsk_ring_prod__reserve(fill, n, &idx) == n);
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(fill, idx + i) = (__u64)(first + i) * RIG_FRAME;
	xsk_ring_prod__submit(fill, n);
}

/*
 * Sends `n` frames from seq on the peer's tx queue (rx queue of xa0), and receives
 * them on `rx`, checking order, content and that every frame lies in frames
 * [lo, hi) of the UMEM; each frame goes back to `fill`.
 */
static int send_recv(int pkt, int queue, struct xsk_ring_cons *rx,
		     struct xsk_ring_prod *fill, uint32_t seq, int n, __u32 lo, __u32 hi)
{
	unsigned char frame[80];
	long long end = rig_now_ms() + 2000;
	int i, got = 0;

	for (i = 0; i < n; i++) {
		net_frame(frame, sizeof(frame), seq + (uint32_t)i);
		if (queue < 0 ? net_pkt_send(pkt, frame, sizeof(frame)) :
		    net_pkt_send_queue(pkt, frame, sizeof(frame), (unsigned)queue))
			return -1;
	}
	while (got < n && rig_now_ms() < end) {
		__u32 idx = 0, k, m = xsk_ring_cons__peek(rx, 64, &idx);

		for (k = 0; k < m; k++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(rx, idx + k);
			__u64 frame_no = d->addr / RIG_FRAME;
			uint32_t s = 0;

			if (net_frame_check(xsk_umem__get_data(area, d->addr), d->len, &s) ||
			    s != seq + (uint32_t)got || frame_no < lo || frame_no >= hi) {
				printf("send_recv: frame %d: seq %u (want %u), UMEM frame %llu "
				       "(want %u..%u)\n", got, s, seq + (uint32_t)got,
				       (unsigned long long)frame_no, lo, hi - 1);
				return -1;
			}
			got++;
			fill_frames(fill, (__u32)frame_no, 1);
		}
		xsk_ring_cons__release(rx, m);
	}
	return got;
}

/*
 * Receives `want` test frames on rx (a ring of a socket of r's UMEM) in order from *seq
 * (advanced), each of len bytes, recycling every frame to r's fill ring; stops at the
 * first bad frame. Returns how many arrived in order within timeout_ms.
 */
static int recv_on(struct rig *r, struct xsk_ring_cons *rx, int want, uint32_t *seq,
		   size_t len, int timeout_ms)
{
	long long end = rig_now_ms() + timeout_ms;
	int got = 0, bad = 0;

	while (got < want && !bad && rig_now_ms() < end) {
		__u32 idx = 0, n = xsk_ring_cons__peek(rx, 64, &idx), i;

		if (!n)
			xsk_socket__wakeup_rx(r->xsk);
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(rx, idx + i);
			uint32_t s = 0;

			if (!bad && (net_frame_check(xsk_umem__get_data(r->area, d->addr), d->len,
						     &s) || s != *seq || d->len != len)) {
				printf("recv_on: frame %d: len %u seq %u, want len %zu seq %u\n",
				       got, d->len, s, len, *seq);
				bad = 1;
			} else if (!bad) {
				(*seq)++;
				got++;
			}
			rig_recycle(r, d->addr);
		}
		xsk_ring_cons__release(rx, n);
	}
	return bad ? -1 : got;
}

/* Sends n test frames of len bytes carrying *seq, *seq+1, ... (advanced) from the peer
 * with AF_PACKET. (veth's ring takes 256 frames.) */
static int send_pkt(int pkt, int n, uint32_t *seq, size_t len)
{
	unsigned char frame[2048];
	int i;

	for (i = 0; i < n; i++)
		if (net_pkt_send(pkt, frame, net_frame(frame, len, (*seq)++)))
			return -1;
	return 0;
}

/*
 * Two sockets on queue 0 of one UMEM share its fill and completion rings; the XSKMAP
 * entry for the queue decides which one receives: the socket made last, another one
 * once the entry is re-pointed, and neither once the entry is deleted (the program then
 * passes the frames to the stack, where an AF_PACKET socket on xa0 sees them). All
 * modes; the ledger counts the other socket's rings too.
 */
static void test_same_queue(void)
{
	const int n = 100;
	unsigned char buf[256];
	struct xsk_socket_config cfg;
	struct xdp_statistics st;
	struct rig r;
	struct side b;
	uint32_t tseq = 0, rseq = 0, s;
	int pkt, pkt_a, map_fd = -1, ifindex, round, i;

	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	REQUIRE(rig_open_mode(&r, "xa0", 0) == 0);
	cfg = rig_socket_cfg(&(struct rig_cfg){ .xdp_flags = rig_mode->xdp_flags,
						 .bind_flags = rig_mode->bind_flags });
	REQUIRE(xsk_socket__create(&b.xsk, "xa0", 0, r.umem, &b.rx, &b.tx, &cfg) == 0);
	CHECK(xsk_socket__fd(r.xsk) != xsk_socket__fd(b.xsk));
	REQUIRE(rig_fill(&r, 1024) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	pkt_a = net_pkt_sock("xa0");
	REQUIRE(pkt_a >= 0);
	REQUIRE(xsk_setup_xdp_prog(ifindex, &map_fd) == 0);
	for (round = 0; round < 4; round++) {
		/* b went into the map last; then a, b, a */
		struct xsk_ring_cons *to = round % 2 ? &r.rx : &b.rx;
		struct xsk_ring_cons *other = round % 2 ? &b.rx : &r.rx;

		if (round)
			CHECK_EQ(xsk_socket__update_xskmap(round % 2 ? r.xsk : b.xsk, map_fd), 0);
		REQUIRE(send_pkt(pkt, n, &tseq, 100) == 0);
		CHECK_EQ(recv_on(&r, to, n, &rseq, 100, 2000), n);
		CHECK_EQ(xsk_cons_nb_avail(other, 1), 0);
	}
	/* no entry: XDP_PASS, to the stack */
	REQUIRE(bpf_map_delete_elem(map_fd, &(__u32){ 0 }) == 0);
	REQUIRE(send_pkt(pkt, 10, &tseq, 100) == 0);
	for (i = 0; i < 10; i++) {
		if (!CHECK_EQ(net_pkt_recv_ours(pkt_a, buf, sizeof(buf), 2000), 100) ||
		    !CHECK_EQ(net_frame_check(buf, 100, &s), 0) || !CHECK_EQ(s, rseq++))
			break;
	}
	net__sleep_ms(20);
	CHECK_EQ(xsk_cons_nb_avail(&r.rx, 1), 0);
	CHECK_EQ(xsk_cons_nb_avail(&b.rx, 1), 0);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.rx_dropped + st.rx_ring_full + st.rx_invalid_descs, 0);
	CHECK_EQ(xsk_socket__stats(b.xsk, &st), 0);
	CHECK_EQ(st.rx_dropped + st.rx_ring_full + st.rx_invalid_descs, 0);
	CHECK_EQ(rig_ledger(&r, rig_cons_used(&b.rx) + rig_prod_used(&b.tx), 2000), 0);
	close(map_fd);
	CHECK_EQ(xsk_release_xdp_prog(ifindex), 0);
	CHECK_EQ(xsk_umem__delete(r.umem), -EBUSY);
	xsk_socket__delete(b.xsk);
	rig_close(&r);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
	close(pkt);
	close(pkt_a);
}

/* One UMEM, a socket on each of two queues, each queue with its own fill and
 * completion rings and its own half of the frames. */
static void two_queues(__u32 xdp_flags)
{
	struct xsk_socket_config cfg;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_umem *umem;
	struct side a, b;
	int pkt, round;

	sandbox_veth(2);
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = cfg.tx_size = 1024;
	cfg.xdp_flags = xdp_flags;
	REQUIRE(xsk_umem__create(&umem, area, area_size, &fill, &comp, NULL) == 0);
	/* the first socket may name ring structs of its own: the UMEM's are copied */
	REQUIRE(xsk_socket__create_shared(&a.xsk, "xa0", 0, umem, &a.rx, &a.tx, &a.fill,
					  &a.comp, &cfg) == 0);
	CHECK(a.fill.ring == fill.ring);
	REQUIRE(xsk_socket__create_shared(&b.xsk, "xa0", 1, umem, &b.rx, &b.tx, &b.fill,
					  &b.comp, &cfg) == 0);
	CHECK(b.fill.ring != a.fill.ring);
	CHECK(b.comp.ring != a.comp.ring);
	fill_frames(&a.fill, 0, 1024);
	fill_frames(&b.fill, 2048, 1024);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	for (round = 0; round < 4; round++) {
		CHECK_EQ(send_recv(pkt, 0, &a.rx, &a.fill, (uint32_t)round * 1000, 300, 0, 2048),
			 300);
		CHECK_EQ(send_recv(pkt, 1, &b.rx, &b.fill, (uint32_t)round * 1000 + 500, 300, 2048,
				   RIG_FRAMES), 300);
	}
	CHECK_EQ(xsk_cons_nb_avail(&a.rx, 1), 0);
	CHECK_EQ(xsk_cons_nb_avail(&b.rx, 1), 0);
	xsk_socket__delete(a.xsk); /* the UMEM's own socket goes first */
	CHECK_EQ(send_recv(pkt, 1, &b.rx, &b.fill, 9000, 100, 2048, RIG_FRAMES), 100);
	xsk_socket__delete(b.xsk);
	CHECK_EQ(xsk_umem__delete(umem), 0);
	close(pkt);
}

/* (Native only: in generic mode veth hands every frame to XDP as if on queue 0.) */
static void test_two_queues(void) { two_queues(XDP_FLAGS_DRV_MODE); }

#define QUEUES 4

/*
 * Takes what arrived on queue q's RX ring (sd[q]; sd[0] is r's), checking that each frame
 * carries the next number of the queue's sequence (*seq, advanced) and lies in a UMEM
 * frame that went to queue q's fill ring (owner), and gives each frame back to that fill
 * ring. Returns the number received in order, or -1.
 */
static int drain_queue(struct rig *r, struct side *sd, int q, const unsigned char *owner,
		       uint32_t *seq)
{
	struct xsk_ring_prod *fill = q ? &sd[q].fill : &r->fill;
	__u32 idx = 0, fidx = 0, n, i;
	int got = 0, bad = 0;

	n = xsk_ring_cons__peek(&sd[q].rx, 64, &idx);
	if (!n)
		return 0;
	if (!CHECK_EQ(xsk_ring_prod__reserve(fill, n, &fidx), n)) /* it holds them all */
		return -1;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&sd[q].rx, idx + i);
		__u64 frame = d->addr / RIG_FRAME;
		uint32_t s = 0;

		*xsk_ring_prod__fill_addr(fill, fidx + i) = frame * RIG_FRAME;
		if (bad)
			continue;
		if (net_frame_check(xsk_umem__get_data(r->area, d->addr), d->len, &s) ||
		    s != *seq || owner[frame] != q) {
			printf("queue %d: seq %#x (want %#x) in UMEM frame %llu of queue %d's fill "
			       "ring\n", q, s, *seq, (unsigned long long)frame, owner[frame]);
			bad = 1;
			continue;
		}
		(*seq)++;
		got++;
	}
	xsk_ring_prod__submit(fill, n);
	xsk_ring_cons__release(&sd[q].rx, n);
	return bad ? -1 : got;
}

/*
 * One UMEM, a socket on each queue of a 4-queue veth: the first on the UMEM's fill and
 * completion rings, the others on rings of their own (xsk_socket__create_shared), each
 * queue with 512 frames. On the peer an AF_XDP socket per queue (INHIBIT_PROG_LOAD: no
 * program there) sends numbered frames on its TX queue q, which veth delivers to RX queue
 * q: each socket receives exactly its queue's sequence, in order, in frames from its own
 * fill ring. Native only: in generic mode veth hands every frame to XDP as if it had
 * arrived on queue 0.
 */
static void four_queues(__u16 bind_flags)
{
	const int rounds = (int)rig_soak(32, 1024), batch = 64;
	unsigned char owner[RIG_FRAMES]; /* the queue whose fill ring a frame went to */
	struct side sd[QUEUES]; /* the rings of the socket on each queue; r's for queue 0 */
	uint32_t tseq[QUEUES], rseq[QUEUES];
	struct xsk_socket_config cfg;
	struct xdp_statistics st;
	struct rig_cfg tcfg;
	struct rig r, tx[QUEUES];
	int q, round, got[QUEUES], n;
	__u32 extra = 0, idx = 0, i;

	sandbox_veth(QUEUES);
	REQUIRE(rig_umem(&r, &(struct rig_cfg){ 0 }) == 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = cfg.tx_size = 1024;
	cfg.xdp_flags = XDP_FLAGS_DRV_MODE;
	cfg.bind_flags = bind_flags;
	for (q = 0; q < QUEUES; q++) {
		struct xsk_ring_prod *fill = q ? &sd[q].fill : &r.fill;

		REQUIRE(xsk_socket__create_shared(&sd[q].xsk, "xa0", (__u32)q, r.umem, &sd[q].rx,
						  &sd[q].tx, fill, q ? &sd[q].comp : &r.comp,
						  &cfg) == 0);
		REQUIRE(xsk_ring_prod__reserve(fill, 512, &idx) == 512);
		for (i = 0; i < 512; i++) {
			__u64 addr = rig_alloc(&r);

			owner[addr / RIG_FRAME] = (unsigned char)q;
			*xsk_ring_prod__fill_addr(fill, idx + i) = addr;
		}
		xsk_ring_prod__submit(fill, 512);
		tseq[q] = rseq[q] = (uint32_t)q << 24;
	}
	r.xsk = sd[0].xsk; /* the rig's socket, for rig_ledger and rig_close */
	r.rx = sd[0].rx;
	r.tx = sd[0].tx;
	CHECK_EQ(xsk_socket__xdp_mode(r.xsk), XDP_FLAGS_DRV_MODE);
	memset(&tcfg, 0, sizeof(tcfg));
	tcfg.frames = 256;
	tcfg.rx_size = RIG_NONE;
	tcfg.tx_size = 256;
	tcfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
	tcfg.bind_flags = bind_flags;
	for (q = 0; q < QUEUES; q++)
		REQUIRE(rig_open_cfg(&tx[q], "xb0", (__u32)q, &tcfg) == 0);
	CHECK_EQ(net_xdp_prog_id(net_ifindex("xb0")), 0);

	for (round = 0; round < rounds && !t__test_failed; round++) {
		long long end = rig_now_ms() + 5000;
		int left = QUEUES * batch;

		for (q = 0; q < QUEUES; q++) {
			CHECK_EQ(rig_tx(&tx[q], (__u32)batch, &tseq[q], 64, 2000), batch);
			got[q] = 0;
		}
		while (left > 0 && rig_now_ms() < end && !t__test_failed) {
			for (q = 0; q < QUEUES; q++) {
				n = drain_queue(&r, sd, q, owner, &rseq[q]);
				if (!CHECK(n >= 0))
					break;
				got[q] += n;
				left -= n;
				xsk_socket__wakeup_rx(sd[q].xsk);
				/* a kick sends at most 32 frames in copy mode: kick again */
				if (rig_prod_used(&tx[q].tx))
					CHECK(xsk_socket__wakeup_tx(tx[q].xsk) >= 0);
				rig_complete(&tx[q]);
			}
		}
		for (q = 0; q < QUEUES; q++)
			CHECK_EQ(got[q], batch);
	}
	net__sleep_ms(20);
	for (q = 0; q < QUEUES; q++) {
		CHECK_EQ(rseq[q], ((uint32_t)q << 24) + (uint32_t)(rounds * batch));
		CHECK_EQ(xsk_cons_nb_avail(&sd[q].rx, 1), 0); /* nothing more */
		CHECK_EQ(xsk_socket__stats(sd[q].xsk, &st), 0);
		CHECK_EQ(st.rx_dropped + st.rx_ring_full + st.rx_invalid_descs, 0);
		CHECK_EQ(rig_ledger(&tx[q], 0, 2000), 0);
		rig_close(&tx[q]);
		if (q)
			extra += rig_prod_used(&sd[q].fill) + rig_cons_used(&sd[q].rx) +
				 rig_prod_used(&sd[q].tx) + rig_cons_used(&sd[q].comp);
	}
	CHECK_EQ(extra, (QUEUES - 1) * 512); /* each queue's frames back on its fill ring */
	CHECK_EQ(rig_ledger(&r, extra, 2000), 0);
	for (q = QUEUES - 1; q > 0; q--)
		xsk_socket__delete(sd[q].xsk);
	rig_close(&r);
	CHECK_EQ(net_wait_no_xdp(net_ifindex("xa0"), 2000), 0);
}

static void test_four_queues(void) { four_queues(0); }
static void test_four_queues_wakeup(void) { four_queues(XDP_USE_NEED_WAKEUP); }

/* The UMEM's first socket deleted, a new socket on the same queue works (the kernel
 * cannot unbind the UMEM's socket: the new one shares it), and so does one on another
 * queue with rings of its own. */
static void test_recreate(void)
{
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_umem *umem;
	struct side a, b;
	int pkt, i;

	sandbox_veth(2);
	REQUIRE(xsk_umem__create(&umem, area, area_size, &fill, &comp, NULL) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	fill_frames(&fill, 0, 512);
	for (i = 0; i < 3; i++) {
		REQUIRE(xsk_socket__create(&a.xsk, "xa0", 0, umem, &a.rx, &a.tx, NULL) == 0);
		CHECK_EQ(send_recv(pkt, 0, &a.rx, &fill, (uint32_t)i * 100, 100, 0, 512), 100);
		xsk_socket__delete(a.xsk);
	}
	REQUIRE(xsk_socket__create_shared(&b.xsk, "xa0", 1, umem, &b.rx, &b.tx, &b.fill,
					  &b.comp, NULL) == 0);
	fill_frames(&b.fill, 1024, 512);
	CHECK_EQ(send_recv(pkt, 1, &b.rx, &b.fill, 5000, 100, 1024, 1536), 100);
	xsk_socket__delete(b.xsk);
	CHECK_EQ(xsk_umem__delete(umem), 0);
	close(pkt);
}

int main(void)
{
	t_need_root();
	xsk_set_print(rig_print);
	area = mmap(NULL, area_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(area != MAP_FAILED);
	RIG_RUN_MODES(test_same_queue);
	T_RUN(test_two_queues);
	T_RUN(test_four_queues);
	T_RUN(test_four_queues_wakeup);
	T_RUN(test_recreate);
	return t_done();
}
