/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The XDP program's lifetime: the kernel holds it through BPF links, so it is attached
 * exactly while some process holds a socket on the interface, also after kill -9; a
 * restarted process binds at once; a foreign program is never replaced.
 */
#include "rig.h"
#include <signal.h>

static void sandbox_veth(unsigned queues)
{
	net_sandbox();
	REQUIRE(net_veth("xa0", "xb0", queues) == 0);
}

/*
 * A child that opens a rig on xa0/queue, writes its program id (or 0 on failure) to
 * the pipe, and then waits: for the pipe to close (exit 0) or to be killed.
 */
static pid_t child_socket(__u32 queue, int *ready_fd, int *go_fd)
{
	int up[2], down[2];
	pid_t pid;

	if (pipe(up) || pipe(down))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct rig r;
		uint32_t id = 0;
		char c;

		close(up[0]);
		close(down[1]);
		if (!rig_open(&r, "xa0", queue, 0, 0))
			id = net_xdp_prog_id(net_ifindex("xa0"));
		if (write(up[1], &id, sizeof(id)) != sizeof(id))
			_exit(2);
		while (read(down[0], &c, 1) > 0)
			;
		_exit(0); /* exit without cleaning up: the kernel must do it */
	}
	close(up[1]);
	close(down[0]);
	*ready_fd = up[0];
	*go_fd = down[1];
	return pid;
}

static uint32_t child_ready(int ready_fd)
{
	uint32_t id = 0;

	if (read(ready_fd, &id, sizeof(id)) != sizeof(id))
		return 0;
	return id;
}

static int reap(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* kill -9 of the process holding the only socket leaves no program behind. */
static void test_kill9(void)
{
	int ready, go, ifindex, i;

	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	for (i = 0; i < 5; i++) {
		pid_t pid = child_socket(0, &ready, &go);
		uint32_t id;

		REQUIRE(pid > 0);
		id = child_ready(ready);
		CHECK(id != 0);
		CHECK_EQ(net_xdp_prog_id(ifindex), id);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
		close(ready);
		close(go);
	}
}

/* Two processes on two queues share one program; it stays while either lives. */
static void test_two_processes(void)
{
	int ready_a, go_a, ready_b, go_b, ifindex;
	uint32_t id_a, id_b;
	pid_t a, b;

	sandbox_veth(2);
	ifindex = net_ifindex("xa0");
	a = child_socket(0, &ready_a, &go_a);
	REQUIRE(a > 0);
	id_a = child_ready(ready_a);
	b = child_socket(1, &ready_b, &go_b);
	REQUIRE(b > 0);
	id_b = child_ready(ready_b);
	CHECK(id_a != 0);
	CHECK_EQ(id_b, id_a); /* shared, not replaced */

	kill(a, SIGKILL);
	waitpid(a, NULL, 0);
	net__sleep_ms(100);
	CHECK_EQ(net_xdp_prog_id(ifindex), id_a); /* b still holds it */

	close(go_b); /* b exits normally, without deleting its socket */
	CHECK_EQ(reap(b), 0);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
	close(ready_a);
	close(go_a);
	close(ready_b);
}

/* Within one process: the second socket's program is the first one's; the program
 * goes when the last socket is deleted. */
static void test_share_in_process(void)
{
	struct rig r0, r1;
	int ifindex;
	uint32_t id;

	sandbox_veth(2);
	ifindex = net_ifindex("xa0");
	REQUIRE(rig_open(&r0, "xa0", 0, 0, 0) == 0);
	id = net_xdp_prog_id(ifindex);
	REQUIRE(rig_open(&r1, "xa0", 1, 0, 0) == 0);
	CHECK_EQ(net_xdp_prog_id(ifindex), id);
	rig_close(&r0);
	CHECK_EQ(net_xdp_prog_id(ifindex), id);
	rig_close(&r1);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
}

/* A process restarted right after the previous one exited binds the same queue on its
 * first call: the bind retry covers the kernel's deferred release of the queue. */
static void test_restart(void)
{
	int ready, go, i;

	sandbox_veth(1);
	for (i = 0; i < 5; i++) {
		pid_t pid = child_socket(0, &ready, &go);
		struct rig r;

		REQUIRE(pid > 0);
		CHECK(child_ready(ready) != 0);
		close(go); /* the child exits now */
		CHECK_EQ(reap(pid), 0);
		CHECK_EQ(rig_open(&r, "xa0", 0, 0, 0), 0);
		rig_close(&r);
		close(ready);
	}
}

/* A program built from two instructions: return XDP_PASS. */
static int load_pass_prog(void)
{
	struct bpf_insn insns[2];

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[0].dst_reg = BPF_REG_0;
	insns[0].imm = XDP_PASS;
	insns[1].code = BPF_JMP | BPF_EXIT;
	return bpf_prog_load(BPF_PROG_TYPE_XDP, "foreign", "GPL", insns, 2, NULL);
}

/* A foreign program without an xsks_map stays, and the socket is refused with -EEXIST
 * and nothing left behind; a forced mode that differs from the attached one too. */
static void test_foreign_without_map(void)
{
	struct net_snap before, after;
	struct rig r;
	int ifindex, prog;
	uint32_t id;

	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	prog = load_pass_prog();
	REQUIRE(prog >= 0);
	REQUIRE(bpf_xdp_attach(ifindex, prog, XDP_FLAGS_DRV_MODE, NULL) == 0);
	id = net_xdp_prog_id(ifindex);
	net_snap_take(&before);
	CHECK_EQ(rig_open(&r, "xa0", 0, 0, 0), -EEXIST);
	CHECK(strstr(rig_last_msg, "xsks_map") != NULL);
	CHECK_EQ(rig_open(&r, "xa0", 0, XDP_FLAGS_SKB_MODE, 0), -EEXIST);
	CHECK(strstr(rig_last_msg, "native mode") != NULL);
	net_snap_take(&after);
	CHECK(net_snap_same(&before, &after, 0));
	CHECK_EQ(net_xdp_prog_id(ifindex), id);
	net_snap_free(&before);
	net_snap_free(&after);
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	close(prog);
}

/* Lends r 64 frames, sends one test frame from xb0 and receives it: how many came. */
static int recv_one(struct rig *r)
{
	unsigned char frame[64];
	uint32_t seq = 0;
	int pkt, n = -1;

	if (rig_fill(r, 64))
		return -1;
	pkt = net_pkt_sock("xb0");
	if (pkt < 0)
		return -1;
	if (!net_pkt_send(pkt, frame, net_frame(frame, sizeof(frame), 0)))
		n = rig_recv(r, 1, &seq, sizeof(frame), 2000);
	close(pkt);
	return n;
}

/* A foreign program with an xsks_map (attached through netlink, as libxdp or ip do) is
 * used as it is: packets arrive through it, and it stays after the socket goes. */
static void test_foreign_with_map(void)
{
	struct xsk_prog *skel;
	struct rig r;
	uint32_t id;
	int ifindex;

	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	skel = xsk_prog__open();
	REQUIRE(skel);
	REQUIRE(bpf_map__set_max_entries(skel->maps.xsks_map, 4) == 0);
	REQUIRE(xsk_prog__load(skel) == 0);
	REQUIRE(bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.xsk_redirect),
			       XDP_FLAGS_SKB_MODE, NULL) == 0);
	id = net_xdp_prog_id(ifindex);
	REQUIRE(rig_open(&r, "xa0", 0, 0, 0) == 0);
	CHECK_EQ(net_xdp_prog_id(ifindex), id);
	CHECK_EQ(xsk_socket__xdp_mode(r.xsk), XDP_FLAGS_SKB_MODE);
	CHECK_EQ(recv_one(&r), 1);
	rig_close(&r);
	CHECK_EQ(net_xdp_prog_id(ifindex), id);
	bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
	xsk_prog__destroy(skel);
}

/* The detaching test's print callback: detaches the program when the library starts
 * to watch it. */
static int detach_ifindex;

static void detach_on_watch(enum xsk_print_level level, const char *msg)
{
	rig_print(level, msg);
	if (strstr(msg, "watching whether it is being detached") && detach_ifindex) {
		CHECK_EQ(bpf_xdp_detach(detach_ifindex, XDP_FLAGS_SKB_MODE, NULL), 0);
		detach_ifindex = 0;
	}
}

/*
 * A program on the interface that no link holds, which goes while a socket is being
 * created: what a process sees when the last holder of the link has just exited (the
 * kernel frees a link's id before it detaches the program). The socket must not share
 * the going program, or it would be left without one: it attaches its own.
 */
static void test_share_detaching(void)
{
	struct xsk_socket_config s;
	struct xsk_prog *skel;
	struct rig_cfg cfg;
	struct rig r;
	uint32_t id;

	sandbox_veth(1);
	detach_ifindex = net_ifindex("xa0");
	skel = xsk_prog__open();
	REQUIRE(skel);
	REQUIRE(xsk_prog__load(skel) == 0);
	REQUIRE(bpf_xdp_attach(detach_ifindex, bpf_program__fd(skel->progs.xsk_redirect),
			       XDP_FLAGS_SKB_MODE, NULL) == 0);
	id = net_xdp_prog_id(detach_ifindex);
	memset(&cfg, 0, sizeof(cfg));
	REQUIRE(rig_umem(&r, &cfg) == 0); /* (it sets rig_print) */
	s = rig_socket_cfg(&cfg);
	xsk_set_print(detach_on_watch);
	CHECK_EQ(xsk_socket__create(&r.xsk, "xa0", 0, r.umem, &r.rx, &r.tx, &s), 0);
	xsk_set_print(rig_print);
	CHECK_EQ(detach_ifindex, 0); /* the library watched, and the program went */
	CHECK(net_xdp_prog_id(net_ifindex("xa0")) != 0);
	CHECK(net_xdp_prog_id(net_ifindex("xa0")) != id);
	CHECK_EQ(recv_one(&r), 1);
	rig_close(&r);
	CHECK_EQ(net_wait_no_xdp(net_ifindex("xa0"), 2000), 0);
	xsk_prog__destroy(skel);
}

/* xsk_setup_xdp_prog + INHIBIT_PROG_LOAD + xsk_socket__update_xskmap, the libxdp way;
 * the program stays until xsk_release_xdp_prog. */
static void test_setup_xdp_prog(void)
{
	struct rig_cfg cfg;
	struct rig r;
	int ifindex, map_fd = -1;

	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	REQUIRE(xsk_setup_xdp_prog(ifindex, &map_fd) == 0);
	CHECK(map_fd >= 0);
	CHECK(net_xdp_prog_id(ifindex) != 0);

	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = cfg.tx_size = 256;
	cfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
	REQUIRE(rig_open_cfg(&r, "xa0", 0, &cfg) == 0);
	CHECK_EQ(xsk_socket__update_xskmap(r.xsk, map_fd), 0);
	CHECK_EQ(recv_one(&r), 1);
	rig_close(&r);
	close(map_fd);
	CHECK(net_xdp_prog_id(ifindex) != 0); /* held by xsk_setup_xdp_prog */
	CHECK_EQ(xsk_release_xdp_prog(ifindex), 0);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
	CHECK_EQ(xsk_release_xdp_prog(ifindex), -ENOENT);
}

int main(void)
{
	t_need_root();
	T_RUN(test_kill9);
	T_RUN(test_two_processes);
	T_RUN(test_share_in_process);
	T_RUN(test_restart);
	T_RUN(test_foreign_without_map);
	T_RUN(test_foreign_with_map);
	T_RUN(test_share_detaching);
	T_RUN(test_setup_xdp_prog);
	return t_done();
}
