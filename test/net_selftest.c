// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of the test helpers in net.h (and of t.h by using it): the sandbox, command
 * running, frames, veth and dummy devices, AF_PACKET and snapshots. Needs root;
 * skips (77) without it or without AF_XDP. Runs in an anonymous network namespace,
 * so it leaves nothing in the root namespace.
 */
#include "test/net.h"

#include <linux/bpf.h>
#include <linux/if_link.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>

static char ns_before[64];

/* An XDP program that returns XDP_PASS, from raw instructions (no clang needed). */
static int load_pass_prog(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "t_pass", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

/* An XDP program that passes frames from rx queue q and drops the others. */
static int load_pass_queue_prog(unsigned q)
{
	const struct bpf_insn insns[] = {
		/* r2 = ctx->rx_queue_index */
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_1,
		  .off = offsetof(struct xdp_md, rx_queue_index) },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		/* if r2 == q goto exit */
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_2, .off = 1,
		  .imm = (int)q },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "t_pass_queue", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

static uint32_t obj_id(int fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static int is_up(const char *name)
{
	struct ifreq ifr;
	int fd, r;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	r = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	return r ? -1 : !!(ifr.ifr_flags & IFF_UP);
}

/*
 * Other processes load and free BPF objects at any time: two snapshots taken back
 * to back have the same ids unless one of those raced in between, so try a few
 * pairs before calling it a difference.
 */
static int ids_same_back_to_back(void)
{
	struct net_snap a, b;
	int i, same = 0;

	for (i = 0; i < 20 && !same; i++) {
		if (i)
			net__sleep_ms(10);
		net_snap_take(&a);
		net_snap_take(&b);
		same = net_snap_same_ids(&a, &b);
		net_snap_free(&b);
		net_snap_free(&a);
	}
	return same;
}

/* Waits up to a second for the system to have no BPF object of this kind and id. */
static int id_gone(char kind, uint32_t id)
{
	struct net_snap s;
	int i, gone = 0;

	for (i = 0; i < 50 && !gone; i++) {
		if (i)
			net__sleep_ms(20);
		net_snap_take(&s);
		gone = !net_snap_has_id(kind == 'p' ? &s.prog_ids : kind == 'm' ? &s.map_ids
									    : &s.link_ids,
					id);
		net_snap_free(&s);
	}
	return gone;
}

static void test_sandbox(void)
{
	struct if_nameindex *ifs;
	char ns[64];
	ssize_t l;
	int n = 0;

	l = readlink("/proc/self/ns/net", ns, sizeof(ns) - 1);
	REQUIRE(l > 0);
	ns[l] = '\0';
	CHECK(strcmp(ns, ns_before) != 0);

	ifs = if_nameindex();
	REQUIRE(ifs != NULL);
	for (n = 0; ifs[n].if_index; n++)
		CHECK(strcmp(ifs[n].if_name, "lo") == 0);
	CHECK_EQ(n, 1);
	if_freenameindex(ifs);
	CHECK_EQ(is_up("lo"), 1);
}

static void test_run(void)
{
	const char *const t[] = { "true", NULL };
	const char *const f[] = { "false", NULL };
	const char *const e3[] = { "sh", "-c", "echo expected output from exit 3; exit 3",
				   NULL };
	const char *const sig[] = { "sh", "-c", "kill -9 $$", NULL };
	const char *const none[] = { "/nonexistent/t-run-missing", NULL };

	CHECK_EQ(net_run(t), 0);
	CHECK_EQ(net_run(f), 1);
	CHECK_EQ(net_run(e3), 3);
	CHECK_EQ(net_run(sig), 128 + 9);
	CHECK_EQ(net_run(none), -1);
}

static void test_frames_mem(void)
{
	static const size_t lens[] = { 60, 61, 62, 63, 64, 65, 1514, 9000 };
	unsigned char buf[9000];
	uint32_t seq;
	size_t i, j;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint32_t want = 0xA5000000u + (uint32_t)i;

		memset(buf, 0xEE, sizeof(buf));
		CHECK_EQ(net_frame(buf, lens[i], want), lens[i]);
		seq = 0;
		CHECK_EQ(net_frame_check(buf, lens[i], &seq), 0);
		CHECK_EQ(seq, want);
		CHECK_EQ(buf[12], 0x88);
		CHECK_EQ(buf[13], 0xB5);
		if (lens[i] < sizeof(buf))
			CHECK_EQ(buf[lens[i]], 0xEE); /* wrote nothing past len */
		/* any changed byte, header or payload or tail, is caught */
		for (j = 0; j < lens[i]; j += j < 80 ? 1 : 97) {
			buf[j] ^= 0x40;
			if (!CHECK_EQ(net_frame_check(buf, lens[i], &seq), -1))
				printf("  (len %zu, byte %zu)\n", lens[i], j);
			buf[j] ^= 0x40;
		}
		buf[lens[i] - 1] ^= 1;
		CHECK_EQ(net_frame_check(buf, lens[i], NULL), -1);
	}
	CHECK_EQ(net_frame(buf, 59, 1), 0);
	net_frame(buf, 60, 7);
	CHECK_EQ(net_frame_check(buf, 59, NULL), -1);
	CHECK_EQ(net_frame_check(buf, 60, NULL), 0);
}

static void test_veth_frames(void)
{
	unsigned char out[1514], in[2048];
	const int nframes = 1000, batch = 50;
	int rx, tx, mon, i, k, sent = 0;
	unsigned qrx = 0, qtx = 0;
	char v[8] = "";
	uint32_t seq;
	ssize_t n;
	int fd;

	REQUIRE(net_veth("ta0", "tb0", 2) == 0);
	CHECK(net_ifindex("ta0") > 0);
	CHECK(net_ifindex("tb0") > 0);
	CHECK_EQ(net_ifindex("nosuch0"), -1);
	CHECK_EQ(is_up("ta0"), 1);
	CHECK_EQ(is_up("tb0"), 1);
	if (CHECK_EQ(net_queues("ta0", &qrx, &qtx), 0)) {
		CHECK_EQ(qrx, 2);
		CHECK_EQ(qtx, 2);
	}
	fd = open("/proc/sys/net/ipv6/conf/ta0/disable_ipv6", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		CHECK_EQ(read(fd, v, sizeof(v) - 1), 2);
		CHECK(strcmp(v, "1\n") == 0);
		close(fd);
	}

	rx = net_pkt_sock("ta0");
	tx = net_pkt_sock("tb0");
	mon = net_pkt_sock("tb0"); /* sees tb0's outgoing frames */
	REQUIRE(rx >= 0 && tx >= 0 && mon >= 0);

	/* in batches, so no queue on the way has to hold all of them */
	for (i = 0; i < nframes; i += batch) {
		for (k = i; k < i + batch && k < nframes; k++) {
			size_t len = 60 + (size_t)k * 37 % (sizeof(out) - 59);

			net_frame(out, len, (uint32_t)k);
			if (CHECK_EQ(net_pkt_send(tx, out, len), 0))
				sent++;
		}
		for (k = i; k < i + batch && k < nframes; k++) {
			size_t len = 60 + (size_t)k * 37 % (sizeof(out) - 59);

			n = net_pkt_recv_ours(rx, in, sizeof(in), 2000);
			if (!CHECK_EQ(n, len)) {
				printf("  frame %d\n", k);
				REQUIRE(n > 0);
			}
			seq = UINT32_MAX;
			CHECK_EQ(net_frame_check(in, (size_t)n, &seq), 0);
			if (!CHECK_EQ(seq, k))
				REQUIRE(0); /* out of order: the rest would all fail */
		}
	}
	CHECK_EQ(sent, nframes);
	/* nothing more of ours on ta0 */
	CHECK_EQ(net_pkt_recv_ours(rx, in, sizeof(in), 100), -1);
	CHECK_EQ(errno, ETIMEDOUT);

	/* mon saw tb0 send them: raw recv returns them, recv_ours skips them */
	n = net_pkt_recv(mon, in, sizeof(in), 1000);
	CHECK_EQ(n, 60);
	CHECK_EQ(net_frame_check(in, (size_t)n, &seq), 0);
	CHECK_EQ(seq, 0);
	CHECK_EQ(net_pkt_recv_ours(mon, in, sizeof(in), 200), -1);

	/* a buffer too small for the frame is an error, not a silent truncation */
	net_frame(out, 200, 5);
	CHECK_EQ(net_pkt_send(tx, out, 200), 0);
	CHECK_EQ(net_pkt_recv_ours(rx, in, 100, 1000), -1);
	CHECK_EQ(errno, EMSGSIZE);

	close(rx);
	close(tx);
	close(mon);
}

/* net_pkt_send_queue: frames arrive on the peer's rx queue of that number */
static void test_veth_queues(void)
{
	unsigned char f[NET_FRAME_MIN], in[2048];
	int ifx, rx, tx, prog, i, got;
	unsigned q, to;
	cpu_set_t cpus;

	REQUIRE(net_veth("te0", "tf0", 2) == 0);
	ifx = net_ifindex("te0");
	rx = net_pkt_sock("te0");
	tx = net_pkt_sock("tf0");
	REQUIRE(ifx > 0 && rx >= 0 && tx >= 0);
	REQUIRE(sched_getaffinity(0, sizeof(cpus), &cpus) == 0);
	net_frame(f, sizeof(f), 1);
	CHECK_EQ(net_pkt_send_queue(tx, f, sizeof(f), 2), -1);
	CHECK_EQ(errno, EINVAL);

	for (q = 0; q < 2; q++) {
		prog = load_pass_queue_prog(q);
		REQUIRE(prog >= 0);
		REQUIRE(bpf_xdp_attach(ifx, prog, XDP_FLAGS_DRV_MODE, NULL) == 0);
		for (to = 0; to < 2; to++) {
			if (CPU_COUNT(&cpus) <= (int)to) {
				printf("# one CPU: no queue %u to send to\n", to);
				CHECK_EQ(net_pkt_send_queue(tx, f, sizeof(f), to), -1);
				CHECK_EQ(errno, ENXIO);
				continue;
			}
			for (i = 0; i < 20; i++)
				CHECK_EQ(net_pkt_send_queue(tx, f, sizeof(f), to), 0);
			got = 0;
			while (net_pkt_recv_ours(rx, in, sizeof(in), to == q ? 1000 : 100) > 0)
				if (++got == 20)
					break;
			if (!CHECK_EQ(got, to == q ? 20 : 0))
				printf("  sent to queue %u, passing queue %u\n", to, q);
		}
		CHECK_EQ(bpf_xdp_detach(ifx, XDP_FLAGS_DRV_MODE, NULL), 0);
		close(prog);
	}
	close(rx);
	close(tx);
}

static void test_snap_basic(void)
{
	struct net_snap a, b;
	void *small[200], *big, *page;
	int fd, i;

	net_snap_take(&a);
	net_snap_take(&b);
	CHECK(net_snap_same(&a, &b, 0));
	CHECK(ids_same_back_to_back());
	CHECK(a.nfds >= 3);
	CHECK(a.maps_len > 0 && strstr(a.maps, "[stack]") != NULL);
	CHECK(a.prog_ids.err == 0 && a.map_ids.err == 0 && a.link_ids.err == 0);
	net_snap_free(&b);

	printf("# expected differences follow\n");
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	REQUIRE(fd >= 0);
	net_snap_take(&b);
	CHECK(!net_snap_same(&a, &b, 0));
	CHECK_EQ(b.nfds, a.nfds + 1);
	net_snap_free(&b);
	close(fd);

	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(page != MAP_FAILED);
	net_snap_take(&b);
	CHECK(!net_snap_same(&a, &b, 0) || !NET_SNAP_MAPS);
	net_snap_free(&b);
	munmap(page, 4096);

	big = malloc(64 << 20); /* above any mmap threshold: its own mapping */
	REQUIRE(big != NULL);
	net_snap_take(&b);
	CHECK(!net_snap_same(&a, &b, 0) || !NET_SNAP_MAPS);
	net_snap_free(&b);
	free(big);
	printf("# end of expected differences\n");

	/* all undone: the same again */
	net_snap_take(&b);
	CHECK(net_snap_same(&a, &b, 0));
	net_snap_free(&b);

	/* growing the heap is not a difference */
	for (i = 0; i < 200; i++)
		small[i] = malloc(1000);
	net_snap_take(&b);
	CHECK(net_snap_same(&a, &b, 0));
	net_snap_free(&b);
	for (i = 0; i < 200; i++)
		free(small[i]);
	net_snap_free(&a);
}

static void test_snap_xdp(void)
{
	struct net_snap s0, s1, s2, s3;
	uint32_t pid, lid;
	int ifx, prog, link;

	REQUIRE(net_veth("tc0", "td0", 1) == 0);
	ifx = net_ifindex("tc0");
	REQUIRE(ifx > 0);
	CHECK_EQ(net_xdp_prog_id(ifx), 0);

	net_snap_take(&s0);
	prog = load_pass_prog();
	REQUIRE(prog >= 0);
	pid = obj_id(prog);
	CHECK(pid != 0);
	printf("# expected differences follow\n");
	net_snap_take(&s1);
	CHECK(!net_snap_same(&s0, &s1, 0));  /* the prog fd */
	CHECK(!net_snap_same_ids(&s0, &s1)); /* the prog id */
	CHECK(!net_snap_has_id(&s0.prog_ids, pid));
	CHECK(net_snap_has_id(&s1.prog_ids, pid));

	/* netlink attach, native mode */
	CHECK_EQ(bpf_xdp_attach(ifx, prog, XDP_FLAGS_DRV_MODE, NULL), 0);
	CHECK_EQ(net_xdp_prog_id(ifx), pid);
	net_snap_take(&s2);
	CHECK(!net_snap_same(&s1, &s2, 0));
	net_snap_free(&s2);
	CHECK_EQ(bpf_xdp_detach(ifx, XDP_FLAGS_DRV_MODE, NULL), 0);
	CHECK_EQ(net_wait_no_xdp(ifx, 1000), 0);
	printf("# end of expected differences\n");
	net_snap_take(&s2);
	CHECK(net_snap_same(&s1, &s2, 0));
	net_snap_free(&s2);

	/* bpf_link attach: a link id appears too */
	link = bpf_link_create(prog, ifx, BPF_XDP, NULL);
	REQUIRE(link >= 0);
	lid = obj_id(link);
	CHECK(lid != 0);
	CHECK_EQ(net_xdp_prog_id(ifx), pid);
	printf("# expected differences follow\n");
	net_snap_take(&s3);
	CHECK(!net_snap_same(&s1, &s3, 0));
	CHECK(!net_snap_same_ids(&s1, &s3));
	printf("# end of expected differences\n");
	CHECK(net_snap_has_id(&s3.link_ids, lid));
	CHECK(!net_snap_has_id(&s1.link_ids, lid));
	net_snap_free(&s3);
	close(link);
	CHECK_EQ(net_wait_no_xdp(ifx, 1000), 0);
	CHECK(id_gone('l', lid));
	net_snap_take(&s3);
	CHECK(net_snap_same(&s1, &s3, 0));
	net_snap_free(&s3);

	close(prog);
	CHECK(id_gone('p', pid));
	net_snap_take(&s3);
	CHECK(net_snap_same(&s0, &s3, 0));
	net_snap_free(&s3);
	net_snap_free(&s1);
	net_snap_free(&s0);
}

static void test_dummy(void)
{
	int ifx, prog;
	uint32_t pid;

	REQUIRE(net_dummy("dm0") == 0);
	ifx = net_ifindex("dm0");
	REQUIRE(ifx > 0);
	CHECK_EQ(is_up("dm0"), 1);
	prog = load_pass_prog();
	REQUIRE(prog >= 0);
	pid = obj_id(prog);
	/* no native XDP on a dummy device; generic works */
	printf("# libbpf may print the kernel's refusal next\n");
	CHECK_EQ(bpf_xdp_attach(ifx, prog, XDP_FLAGS_DRV_MODE, NULL), -EOPNOTSUPP);
	CHECK_EQ(net_xdp_prog_id(ifx), 0);
	CHECK_EQ(bpf_xdp_attach(ifx, prog, XDP_FLAGS_SKB_MODE, NULL), 0);
	CHECK_EQ(net_xdp_prog_id(ifx), pid);
	CHECK_EQ(bpf_xdp_detach(ifx, XDP_FLAGS_SKB_MODE, NULL), 0);
	CHECK_EQ(net_wait_no_xdp(ifx, 1000), 0);
	close(prog);
}

int main(void)
{
	ssize_t l;

	t_need_root();
	l = readlink("/proc/self/ns/net", ns_before, sizeof(ns_before) - 1);
	if (l > 0)
		ns_before[l] = '\0';
	net_sandbox();

	T_RUN(test_sandbox);
	T_RUN(test_run);
	T_RUN(test_frames_mem);
	T_RUN(test_veth_frames);
	T_RUN(test_veth_queues);
	T_RUN(test_snap_basic);
	T_RUN(test_snap_xdp);
	T_RUN(test_dummy);
	return t_done();
}
