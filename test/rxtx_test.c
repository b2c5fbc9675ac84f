/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The data path through xsk.h's socket: receive and transmit on a veth pair in a fresh
 * network namespace, in native and generic XDP mode, with and without need_wakeup.
 */
#include "rig.h"

#define RX_PACKETS 100000
#define BATCH 64

static void sandbox_veth(unsigned queues)
{
	net_sandbox(); /* each sub-test gets a namespace of its own */
	REQUIRE(net_veth("xa0", "xb0", queues) == 0);
}

/* 100,000 frames sent on the peer by AF_PACKET arrive in order, every word checked. */
static void rx_stream(__u32 xdp_flags, __u16 bind_flags)
{
	unsigned char frame[128];
	struct rig r;
	uint32_t seq = 0, sent = 0;
	int pkt, mode;

	sandbox_veth(1);
	REQUIRE(rig_open(&r, "xa0", 0, xdp_flags, bind_flags) == 0);
	mode = xsk_socket__xdp_mode(r.xsk);
	CHECK_EQ(mode, xdp_flags ? xdp_flags : XDP_FLAGS_DRV_MODE);
	CHECK_EQ(xsk_socket__zerocopy(r.xsk), 0); /* veth has no zero-copy */
	REQUIRE(rig_fill(&r, 2048) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	while (sent < RX_PACKETS) {
		int i, got, n = RX_PACKETS - sent < BATCH ? (int)(RX_PACKETS - sent) : BATCH;

		for (i = 0; i < n; i++, sent++)
			REQUIRE(net_pkt_send(pkt, frame, net_frame(frame, sizeof(frame), sent)) == 0);
		got = rig_recv(&r, n, &seq, sizeof(frame), 2000);
		if (!CHECK_EQ(got, n))
			break;
	}
	CHECK_EQ(seq, RX_PACKETS);
	{
		struct xdp_statistics st;

		CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
		CHECK_EQ(st.rx_dropped, 0);
		CHECK_EQ(st.rx_ring_full, 0);
		CHECK_EQ(st.rx_invalid_descs, 0);
	}
	close(pkt);
	rig_close(&r);
}

static void test_rx_native(void) { rx_stream(XDP_FLAGS_DRV_MODE, 0); }
static void test_rx_native_wakeup(void) { rx_stream(XDP_FLAGS_DRV_MODE, XDP_USE_NEED_WAKEUP); }
static void test_rx_generic(void) { rx_stream(XDP_FLAGS_SKB_MODE, 0); }
static void test_rx_generic_wakeup(void) { rx_stream(XDP_FLAGS_SKB_MODE, XDP_USE_NEED_WAKEUP); }
static void test_rx_default_mode(void) { rx_stream(0, XDP_USE_NEED_WAKEUP); }

/* Frames put on the TX ring leave through the veth and reach an AF_PACKET receiver on
 * the peer in order; every frame comes back on the completion ring. */
static void tx_stream(__u32 xdp_flags, __u16 bind_flags)
{
	const uint32_t total = 20000 + 7;
	unsigned char buf[2048];
	struct rig r;
	uint32_t sent = 0, seq = 0, done = 0;
	int pkt, kicks = 0;

	sandbox_veth(1);
	REQUIRE(rig_open(&r, "xa0", 0, xdp_flags, bind_flags) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	while (sent < total) {
		__u32 idx = 0, i, n, batch = total - sent < BATCH ? total - sent : BATCH;
		long long end;

		REQUIRE(xsk_ring_prod__reserve(&r.tx, batch, &idx) == batch);
		for (i = 0; i < batch; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&r.tx, idx + i);

			d->addr = (__u64)((sent + i) % RIG_FRAMES) * RIG_FRAME;
			d->len = (__u32)net_frame(xsk_umem__get_data(r.area, d->addr), 100,
						  sent + i);
			d->options = 0;
		}
		xsk_ring_prod__submit(&r.tx, batch);
		sent += batch;
		/* Copy mode sends a bounded batch per kick: kick until all completed. */
		end = rig_now_ms() + 2000;
		while (done < sent && rig_now_ms() < end) {
			int k = xsk_socket__wakeup_tx(r.xsk);

			CHECK(k >= 0);
			kicks += k;
			n = xsk_ring_cons__peek(&r.comp, BATCH, &idx);
			for (i = 0; i < n; i++)
				CHECK_EQ(*xsk_ring_cons__comp_addr(&r.comp, idx + i),
					 (__u64)(done + i) % RIG_FRAMES * RIG_FRAME);
			xsk_ring_cons__release(&r.comp, n);
			done += n;
		}
		REQUIRE(done == sent);
		for (i = 0; i < batch; i++) {
			uint32_t s;
			ssize_t len = net_pkt_recv_ours(pkt, buf, sizeof(buf), 2000);

			REQUIRE(len == 100);
			REQUIRE(net_frame_check(buf, (size_t)len, &s) == 0);
			if (!CHECK_EQ(s, seq))
				break;
			seq++;
		}
	}
	CHECK_EQ(seq, total);
	CHECK(kicks >= (int)(total / BATCH)); /* at least one kick per batch was needed */
	close(pkt);
	rig_close(&r);
}

static void test_tx_native(void) { tx_stream(XDP_FLAGS_DRV_MODE, 0); }
static void test_tx_generic_wakeup(void) { tx_stream(XDP_FLAGS_SKB_MODE, XDP_USE_NEED_WAKEUP); }

/* The RX ring overflows when nobody drains it: rx_ring_full counts every frame that
 * did not fit, and the pre-5.9 sized read folds them into rx_dropped. */
static void test_stats_ring_full(void)
{
	unsigned char frame[64];
	struct xdp_statistics st, v1;
	struct rig_cfg cfg;
	struct rig r;
	uint32_t i;
	__u32 idx = 0;
	int pkt;

	sandbox_veth(1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = 64;
	cfg.tx_size = 64;
	REQUIRE(rig_open_cfg(&r, "xa0", 0, &cfg) == 0);
	REQUIRE(rig_fill(&r, 1024) == 0);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	for (i = 0; i < 200; i++)
		REQUIRE(net_pkt_send(pkt, frame, net_frame(frame, sizeof(frame), i)) == 0);
	for (i = 0; i < 100 && xsk_cons_nb_avail(&r.rx, 64) < 64; i++)
		net__sleep_ms(10);
	net__sleep_ms(50);
	CHECK_EQ(xsk_ring_cons__peek(&r.rx, 200, &idx), 64);
	CHECK_EQ(xsk_socket__stats(r.xsk, &st), 0);
	CHECK_EQ(st.rx_ring_full, 200 - 64);
	CHECK_EQ(st.rx_dropped, 0);
	CHECK_EQ(xsk__stats(xsk_socket__fd(r.xsk), &v1,
			    (socklen_t)offsetof(struct xdp_statistics, rx_ring_full)), 0);
	CHECK_EQ(v1.rx_dropped, st.rx_dropped + st.rx_ring_full);
	CHECK_EQ(v1.rx_invalid_descs, st.rx_invalid_descs);
	CHECK_EQ(v1.rx_ring_full, 0);
	CHECK_EQ(v1.rx_fill_ring_empty_descs, 0);
	close(pkt);
	rig_close(&r);
}

/* Without need_wakeup every TX kick is a syscall; with it, none while the kernel does
 * not ask; the fill ring is never woken in copy mode without the flag. */
static void test_wakeup_helpers(void)
{
	struct rig r;

	sandbox_veth(1);
	REQUIRE(rig_open(&r, "xa0", 0, XDP_FLAGS_SKB_MODE, 0) == 0);
	CHECK_EQ(xsk_socket__wakeup_tx(r.xsk), 1);
	CHECK_EQ(xsk_socket__wakeup_rx(r.xsk), 0);
	rig_close(&r);

	REQUIRE(rig_open(&r, "xa0", 0, XDP_FLAGS_SKB_MODE, XDP_USE_NEED_WAKEUP) == 0);
	*r.tx.flags &= ~(__u32)XDP_RING_NEED_WAKEUP; /* as the kernel leaves it when busy */
	CHECK_EQ(xsk_socket__wakeup_tx(r.xsk), 0);
	*r.tx.flags |= XDP_RING_NEED_WAKEUP;
	CHECK_EQ(xsk_socket__wakeup_tx(r.xsk), 1);
	*r.fill.flags &= ~(__u32)XDP_RING_NEED_WAKEUP;
	CHECK_EQ(xsk_socket__wakeup_rx(r.xsk), 0);
	*r.fill.flags |= XDP_RING_NEED_WAKEUP;
	CHECK_EQ(xsk_socket__wakeup_rx(r.xsk), 1);
	rig_close(&r);
}

int main(void)
{
	t_need_root();
	T_RUN(test_rx_native);
	T_RUN(test_rx_native_wakeup);
	T_RUN(test_rx_generic);
	T_RUN(test_rx_generic_wakeup);
	T_RUN(test_rx_default_mode);
	T_RUN(test_tx_native);
	T_RUN(test_tx_generic_wakeup);
	T_RUN(test_stats_ring_full);
	T_RUN(test_wakeup_helpers);
	return t_done();
}
