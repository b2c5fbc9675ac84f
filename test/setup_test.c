/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bad input to the setup calls: each fails with the documented errno, says why through
 * the print callback, and leaves nothing behind (fds, mappings, attached programs
 * compared before and after).
 */
#include "rig.h"
#include <linux/capability.h>
#include <sys/syscall.h>

static struct net_snap snap;

static void before(void)
{
	net_snap_take(&snap);
	rig_last_msg[0] = 0;
}

/* Checks the call's result and errno, and that nothing was left behind. */
#define EXPECT_FAIL(call, err)                                                 \
	do {                                                                   \
		struct net_snap after_;                                        \
		errno = 0;                                                     \
		CHECK_EQ(call, err);                                           \
		CHECK_EQ(errno, -(err));                                       \
		CHECK(rig_last_msg[0] != 0);                                   \
		net_snap_take(&after_);                                        \
		CHECK(net_snap_same(&snap, &after_, 0));                       \
		net_snap_free(&after_);                                        \
		net_snap_free(&snap);                                          \
	} while (0)

static void *area;
static const size_t area_size = 64 * 4096;
static struct xsk_ring_prod fill, tx;
static struct xsk_ring_cons comp, rx;

static int umem_with(__u32 fill_size, __u32 comp_size, __u32 frame, __u32 headroom,
		     __u32 flags, void *a, __u64 size)
{
	struct xsk_umem_config c = { fill_size, comp_size, frame, headroom, flags };
	struct xsk_umem *u = NULL;
	int err = xsk_umem__create(&u, a, size, &fill, &comp, &c);

	if (!err)
		xsk_umem__delete(u);
	return err;
}

static void test_umem_bad_input(void)
{
	struct xsk_umem *u;

	before(); EXPECT_FAIL(xsk_umem__create(NULL, area, area_size, &fill, &comp, NULL), -EFAULT);
	before(); EXPECT_FAIL(xsk_umem__create(&u, NULL, area_size, &fill, &comp, NULL), -EFAULT);
	before(); EXPECT_FAIL(xsk_umem__create(&u, area, area_size, NULL, &comp, NULL), -EFAULT);
	before(); EXPECT_FAIL(xsk_umem__create(&u, area, area_size, &fill, NULL, NULL), -EFAULT);
	before(); EXPECT_FAIL(umem_with(0, 2048, 4096, 0, 0, area, area_size), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 0, 4096, 0, 0, area, area_size), -EINVAL);
	before(); EXPECT_FAIL(umem_with(1000, 2048, 4096, 0, 0, area, area_size), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 3, 4096, 0, 0, area, area_size), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 2048, 3072, 0, 0, area, area_size), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 2048, 1024, 0, 0, area, area_size), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 2048, 1024, 0, XDP_UMEM_UNALIGNED_CHUNK_FLAG, area,
				       area_size), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 2048, 4096, 0, 0, (char *)area + 64,
				       area_size - 4096), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 2048, 4096, 0, 0, area, area_size - 100), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 2048, 4096, 0, 0, area, 0), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 2048, 4096, 4096 - 256, 0, area, area_size), -EINVAL);
	before(); EXPECT_FAIL(umem_with(2048, 2048, 2048, 1 << 20, 0, area, area_size), -EINVAL);
	/* the edges that are fine */
	CHECK_EQ(umem_with(2048, 2048, 4096, 1024, 0, area, area_size), 0);
	CHECK_EQ(umem_with(2048, 2048, 2048, 0, 0, area, area_size), 0);
	CHECK_EQ(umem_with(1, 1, 3072, 0, XDP_UMEM_UNALIGNED_CHUNK_FLAG, area, area_size), 0);
}

static int sock_with(const char *ifname, __u32 queue, __u32 rx_size, __u32 tx_size,
		     __u32 xdp_flags, __u32 libxdp_flags)
{
	struct xsk_socket_config c;
	struct xsk_socket *s = NULL;
	struct xsk_umem *u = NULL;
	int err;

	memset(&c, 0, sizeof(c));
	c.rx_size = rx_size;
	c.tx_size = tx_size;
	c.xdp_flags = xdp_flags;
	c.libxdp_flags = libxdp_flags;
	err = xsk_umem__create(&u, area, area_size, &fill, &comp, NULL);
	if (err)
		return 1000; /* not the error under test */
	err = xsk_socket__create(&s, ifname, queue, u, &rx, &tx, &c);
	xsk_socket__delete(s);
	if (xsk_umem__delete(u))
		return 1001;
	return err;
}

static void test_socket_bad_input(void)
{
	struct xsk_umem *u;
	struct xsk_socket *s;

	REQUIRE(xsk_umem__create(&u, area, area_size, &fill, &comp, NULL) == 0);
	before(); EXPECT_FAIL(xsk_socket__create(NULL, "xa0", 0, u, &rx, &tx, NULL), -EFAULT);
	before(); EXPECT_FAIL(xsk_socket__create(&s, NULL, 0, u, &rx, &tx, NULL), -EFAULT);
	before(); EXPECT_FAIL(xsk_socket__create(&s, "xa0", 0, NULL, &rx, &tx, NULL), -EFAULT);
	before(); EXPECT_FAIL(xsk_socket__create(&s, "xa0", 0, u, NULL, NULL, NULL), -EFAULT);
	before(); EXPECT_FAIL(xsk_socket__create(&s, "", 0, u, &rx, &tx, NULL), -EINVAL);
	before(); EXPECT_FAIL(xsk_socket__create(&s, "a-name-of-sixteen", 0, u, &rx, &tx, NULL),
			      -ENAMETOOLONG);
	before(); EXPECT_FAIL(xsk_socket__create(&s, "nosuchif0", 0, u, &rx, &tx, NULL), -ENODEV);
	CHECK_EQ(xsk_umem__delete(u), 0);

	before(); EXPECT_FAIL(sock_with("xa0", 2, 2048, 2048, 0, 0), -EINVAL); /* 2 queues */
	before(); EXPECT_FAIL(sock_with("xa0", 1000, 2048, 2048, 0, 0), -EINVAL);
	before(); EXPECT_FAIL(sock_with("xa0", 0, 0, 2048, 0, 0), -EINVAL);
	before(); EXPECT_FAIL(sock_with("xa0", 0, 1000, 2048, 0, 0), -EINVAL);
	before(); EXPECT_FAIL(sock_with("xa0", 0, 2048, 0, 0, 0), -EINVAL);
	before(); EXPECT_FAIL(sock_with("xa0", 0, 2048, 2048,
					XDP_FLAGS_DRV_MODE | XDP_FLAGS_SKB_MODE, 0), -EINVAL);
	before(); EXPECT_FAIL(sock_with("xa0", 0, 2048, 2048, XDP_FLAGS_REPLACE, 0), -EINVAL);
	before(); EXPECT_FAIL(sock_with("xa0", 0, 2048, 2048, 0, 0x8), -EINVAL);
	/* the edge that is fine: the last queue */
	CHECK_EQ(sock_with("xa0", 1, 2048, 2048, 0, 0), 0);
}

/* A second socket on another queue needs its own fill and completion rings. */
static void test_second_queue_needs_rings(void)
{
	struct xsk_ring_cons rx2;
	struct xsk_ring_prod tx2;
	struct xsk_umem *u;
	struct xsk_socket *s, *s2;

	REQUIRE(xsk_umem__create(&u, area, area_size, &fill, &comp, NULL) == 0);
	REQUIRE(xsk_socket__create(&s, "xa0", 0, u, &rx, &tx, NULL) == 0);
	before(); EXPECT_FAIL(xsk_socket__create(&s2, "xa0", 1, u, &rx2, &tx2, NULL), -EINVAL);
	CHECK(strstr(rig_last_msg, "xsk_socket__create_shared") != NULL);
	/* and the UMEM can't go while a socket uses it */
	before(); EXPECT_FAIL(xsk_umem__delete(u), -EBUSY);
	xsk_socket__delete(s);
	CHECK_EQ(xsk_umem__delete(u), 0);
}

/* A device without native XDP: a forced native mode says so; no flag falls back. */
static void test_no_native(void)
{
	struct rig r;

	REQUIRE(net_dummy("xd0") == 0);
	before(); EXPECT_FAIL(sock_with("xd0", 0, 2048, 2048, XDP_FLAGS_DRV_MODE, 0), -EOPNOTSUPP);
	CHECK(strstr(rig_last_msg, "no native XDP") != NULL);
	REQUIRE(rig_open(&r, "xd0", 0, 0, 0) == 0);
	CHECK_EQ(xsk_socket__xdp_mode(r.xsk), XDP_FLAGS_SKB_MODE);
	rig_close(&r);
}

/* Without capabilities: -EPERM, and the message names the capabilities needed. */
static void test_no_privileges(void)
{
	pid_t pid;
	int st;

	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		struct xsk_umem *u;
		int fails = 0;

		memset(d, 0, sizeof(d));
		if (syscall(SYS_capset, &h, d))
			_exit(3);
		before();
		EXPECT_FAIL(xsk_umem__create(&u, area, area_size, &fill, &comp, NULL), -EPERM);
		fails += !strstr(rig_last_msg, "CAP_NET_RAW");
		fails += !strstr(rig_last_msg, "CAP_BPF");
		_exit(fails || t__test_failed ? 1 : 0);
	}
	REQUIRE(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

int main(void)
{
	t_need_root();
	net_sandbox();
	REQUIRE(net_veth("xa0", "xb0", 2) == 0);
	xsk_set_print(rig_print);
	area = mmap(NULL, area_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(area != MAP_FAILED);
	T_RUN(test_umem_bad_input);
	T_RUN(test_socket_bad_input);
	T_RUN(test_second_queue_needs_rings);
	T_RUN(test_no_native);
	T_RUN(test_no_privileges);
	return t_done();
}
