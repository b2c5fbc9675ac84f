/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared UMEM: two sockets on one queue sharing its fill ring, a socket per queue with
 * rings of its own, and a UMEM whose first socket was deleted taking a new one.
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

/* Two sockets on queue 0 share the UMEM's fill ring; the XSKMAP decides which one
 * receives, and re-pointing it moves the traffic. */
static void test_same_queue(void)
{
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_umem *umem;
	struct side a, b;
	int pkt, map_fd = -1, ifindex;

	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	REQUIRE(xsk_umem__create(&umem, area, area_size, &fill, &comp, NULL) == 0);
	REQUIRE(xsk_socket__create(&a.xsk, "xa0", 0, umem, &a.rx, &a.tx, NULL) == 0);
	REQUIRE(xsk_socket__create(&b.xsk, "xa0", 0, umem, &b.rx, &b.tx, NULL) == 0);
	CHECK(xsk_socket__fd(a.xsk) != xsk_socket__fd(b.xsk));
	fill_frames(&fill, 0, 1024);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	/* b went into the map last */
	CHECK_EQ(send_recv(pkt, -1, &b.rx, &fill, 0, 500, 0, RIG_FRAMES), 500);
	CHECK_EQ(xsk_cons_nb_avail(&a.rx, 1), 0);
	REQUIRE(xsk_setup_xdp_prog(ifindex, &map_fd) == 0);
	CHECK_EQ(xsk_socket__update_xskmap(a.xsk, map_fd), 0);
	CHECK_EQ(send_recv(pkt, -1, &a.rx, &fill, 500, 500, 0, RIG_FRAMES), 500);
	CHECK_EQ(xsk_cons_nb_avail(&b.rx, 1), 0);
	close(map_fd);
	CHECK_EQ(xsk_release_xdp_prog(ifindex), 0);
	CHECK_EQ(xsk_umem__delete(umem), -EBUSY);
	xsk_socket__delete(b.xsk);
	xsk_socket__delete(a.xsk);
	CHECK_EQ(xsk_umem__delete(umem), 0);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
	close(pkt);
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
	T_RUN(test_same_queue);
	T_RUN(test_two_queues);
	T_RUN(test_recreate);
	return t_done();
}
