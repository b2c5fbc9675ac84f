/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every way xsk_queue__open (and xsk_queue__open_all) can be refused, one test each:
 * the return value is the right negative errno, errno holds it too, *q is NULL (no
 * qs[] entry of open_all points to a handle), nothing is left behind (fds, mappings,
 * XDP programs: net_snap_same), and xsk_diag() names both the cause and what to do
 * about it, checked by their key words ("ip link set dev xa0 up").
 *
 * Causes a root test process does not have are made in a forked child: missing
 * capabilities (the child becomes nobody with only some of them, as a service runs),
 * and a kernel too old (the child installs a seccomp filter that makes socket(AF_XDP)
 * or bpf(BPF_LINK_CREATE) fail the way an old kernel does). The child does the same
 * open and sends its outcome back through a pipe; the parent checks it.
 */
#define XSK_BIND_RETRY_MS 100 /* a queue that stays busy (test_open_all_partial) fails soon */
#include "rig.h"
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define MAXQ 4 /* room for handles in open_all */

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

/* open_all's qs[] is filled with this first: an entry still holding it was not written. */
static char untouched_mark;
#define UNTOUCHED ((struct xsk_queue *)&untouched_mark)

/* What one open did, in this process or in a child (which sends it through a pipe). */
struct outcome {
	int ret;
	int err;         /* errno after the call */
	int handle_left; /* failed, yet *q or a qs[] entry points to a handle */
	int same;        /* net_snap_same: nothing left behind */
	char diag[512];  /* xsk_diag() */
};

/*
 * Opens queue `queue` of ifname (all: every queue, with open_all) and records what came
 * of it. A handle it got is closed, after the second snapshot: that one is for failures.
 */
static void try_open(struct outcome *out, int all, const char *ifname, __u32 queue,
		     const struct xsk_queue_opts *o)
{
	struct xsk_queue *qs[MAXQ];
	struct net_snap a, b;
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < MAXQ; i++)
		qs[i] = UNTOUCHED;
	net_snap_take(&a);
	errno = 0;
	out->ret = all ? xsk_queue__open_all(qs, MAXQ, ifname, o) :
			 xsk_queue__open(qs, ifname, queue, o);
	out->err = errno;
	snprintf(out->diag, sizeof(out->diag), "%s", xsk_diag());
	net_snap_take(&b);
	if (out->ret < 0) {
		out->same = net_snap_same(&a, &b, 0);
		/* open sets *q NULL; open_all may leave an entry alone, but a closed handle
		 * in it would invite a double close */
		out->handle_left = all ? 0 : qs[0] != NULL;
		for (i = 0; all && i < MAXQ; i++)
			out->handle_left |= qs[i] != NULL && qs[i] != UNTOUCHED;
	} else {
		for (i = 0; i < (all ? out->ret : 1) && i < MAXQ; i++)
			xsk_queue__close(qs[i]);
	}
	net_snap_free(&a);
	net_snap_free(&b);
}

/* A child that runs prepare(arg) and then try_open; its outcome in *out. 0, or -1 if
 * the child reported none (prepare failed, it crashed or hung: said on stdout). */
static int try_open_child(struct outcome *out, int (*prepare)(long), long arg,
			  const char *ifname, const struct xsk_queue_opts *o)
{
	struct pollfd pfd;
	size_t got = 0;
	ssize_t r;
	int p[2], st = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (prepare(arg)) {
			printf("child: preparing failed: %s\n", strerror(errno));
			fflush(stdout);
			_exit(2);
		}
		try_open(out, 0, ifname, 0, o);
		r = write(p[1], out, sizeof(*out));
		fflush(stdout);
		_exit(r == (ssize_t)sizeof(*out) ? 0 : 3);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	pfd.fd = p[0];
	pfd.events = POLLIN;
	/* an open takes milliseconds; under valgrind, well under a second */
	while (got < sizeof(*out) && poll(&pfd, 1, 20000) == 1) {
		r = read(p[0], (char *)out + got, sizeof(*out) - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(p[0]);
	if (got < sizeof(*out))
		kill(pid, SIGKILL); /* ours, if it hangs; harmless if it has exited */
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("child: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return -1;
	}
	return got == sizeof(*out) ? 0 : -1;
}

/* The checks report the line of the test that asked for them. */
#define FAILS(out, e) fails(__LINE__, out, e, #e)
#define HAS(out, word) diag_has(__LINE__, out, word, 1)
#define LACKS(out, word) diag_has(__LINE__, out, word, 0)
#define ALL_FAILS_SAME(one, ifname, o) all_fails_same(__LINE__, one, ifname, o)
#define OPENS(ifname, queue, o) opens(__LINE__, ifname, queue, o)
#define CLOSES(q, ifname) closes(__LINE__, q, ifname)

/* The call failed with -want, errno want, no handle left and nothing else left behind. */
static void fails(int line, const struct outcome *o, int want, const char *name)
{
	char what[96];

	errno = 0; /* t__check would print a stale one */
	snprintf(what, sizeof(what), "returns -%s", name);
	if (!t__check(o->ret == -want, __FILE__, line, what))
		printf("  returned %d (%s), want %d: %s\n", o->ret,
		       o->ret < 0 ? strerror(-o->ret) : "success", -want, o->diag);
	snprintf(what, sizeof(what), "errno %s", name);
	if (!t__check(o->err == want, __FILE__, line, what))
		printf("  errno %d (%s)\n", o->err, strerror(o->err));
	if (o->ret < 0) {
		t__check(!o->handle_left, __FILE__, line, "no handle left in *q or qs[]");
		t__check(o->same, __FILE__, line, "nothing left behind (net_snap_same)");
	}
}

/* xsk_diag() of the call has word (want 1) or has not (want 0). */
static int diag_has(int line, const struct outcome *o, const char *word, int want)
{
	char what[192];
	int ok = (strstr(o->diag, word) != NULL) == want;

	errno = 0;
	snprintf(what, sizeof(what), "xsk_diag() %s \"%s\"", want ? "has" : "lacks", word);
	if (!t__check(ok, __FILE__, line, what))
		printf("  xsk_diag(): \"%s\"\n", o->diag);
	return ok;
}

/* open_all refuses what open (outcome one) refused, alike. */
static void all_fails_same(int line, const struct outcome *one, const char *ifname,
			   const struct xsk_queue_opts *o)
{
	struct outcome all;

	try_open(&all, 1, ifname, 0, o);
	errno = 0;
	if (!t__check(all.ret == one->ret && all.err == one->err, __FILE__, line,
		      "open_all fails as open does"))
		printf("  open_all: %d errno %d, open: %d errno %d\n", all.ret, all.err,
		       one->ret, one->err);
	if (all.ret < 0) {
		t__check(!all.handle_left, __FILE__, line, "open_all: no handle left in qs[]");
		t__check(all.same, __FILE__, line, "open_all: nothing left behind");
	}
	if (!t__check(!strcmp(all.diag, one->diag), __FILE__, line,
		      "open_all says what open says"))
		printf("  open_all: \"%s\"\n  open:     \"%s\"\n", all.diag, one->diag);
}

static struct xsk_queue *opens(int line, const char *ifname, __u32 queue,
			       const struct xsk_queue_opts *o)
{
	struct xsk_queue *q = NULL;
	int r = xsk_queue__open(&q, ifname, queue, o);

	errno = 0;
	if (!t__check(r == 0 && q != NULL, __FILE__, line, "xsk_queue__open succeeds"))
		printf("  returned %d: %s\n", r, xsk_diag());
	return r == 0 ? q : NULL;
}

/* Closes the last handle on ifname: its program goes too (before the next snapshot). */
static void closes(int line, struct xsk_queue *q, const char *ifname)
{
	if (!q)
		return;
	xsk_queue__close(q);
	errno = 0;
	t__check(net_wait_no_xdp(net_ifindex(ifname), 2000) == 0, __FILE__, line,
		 "the XDP program goes with the last handle");
}

static void sandbox_veth(unsigned queues)
{
	net_sandbox();
	REQUIRE(net_veth("xa0", "xb0", queues) == 0);
}

static int set_mtu(const char *dev, const char *mtu)
{
	return net__ip("link", "set", "dev", dev, "mtu", mtu, NULL);
}

/* ---- privileges -------------------------------------------------------------------- */

/* prepare for try_open_child: nobody with exactly the capabilities in caps. */
static int become_nobody(long caps)
{
	return net_become_nobody((unsigned long long)caps);
}

/* Also locked memory limited: the UMEM (16 MiB by default) can't be pinned. */
static int become_nobody_memlock(long caps)
{
	struct rlimit lim = { 64 << 10, 64 << 10 };
	struct rlimit cur;

	/* lower only: a child may give up what it has, never take more */
	if (getrlimit(RLIMIT_MEMLOCK, &cur))
		return -1;
	if (cur.rlim_max < lim.rlim_max)
		lim.rlim_cur = lim.rlim_max = cur.rlim_max;
	if (cur.rlim_cur < lim.rlim_cur)
		lim.rlim_cur = cur.rlim_cur;
	if (setrlimit(RLIMIT_MEMLOCK, &lim))
		return -1;
	return become_nobody(caps);
}

#define CAP(c) (1L << (c))
#define LEAST (CAP(CAP_NET_ADMIN) | CAP(CAP_NET_RAW) | CAP(CAP_BPF) | CAP(CAP_IPC_LOCK))

/* Everything but CAP_NET_RAW: the socket is refused, and the message must say so. */
static void test_no_cap_net_raw(void)
{
	struct outcome out;

	sandbox_veth(1);
	REQUIRE(try_open_child(&out, become_nobody, LEAST & ~CAP(CAP_NET_RAW), "xa0",
			       NULL) == 0);
	FAILS(&out, EPERM);
	HAS(&out, "socket(AF_XDP)");
	HAS(&out, "CAP_NET_RAW");
	CHECK_EQ(net_xdp_prog_id(net_ifindex("xa0")), 0);
}

/* Everything but CAP_BPF: the socket is made, the program can't be loaded. */
static void test_no_cap_bpf(void)
{
	struct outcome out;

	sandbox_veth(1);
	REQUIRE(try_open_child(&out, become_nobody, LEAST & ~CAP(CAP_BPF), "xa0", NULL) == 0);
	FAILS(&out, EPERM);
	HAS(&out, "loading");
	HAS(&out, "CAP_BPF");
	CHECK_EQ(net_xdp_prog_id(net_ifindex("xa0")), 0);
}

/* Everything but CAP_IPC_LOCK, and 64 KiB of locked memory: the UMEM can't be pinned. */
static void test_no_cap_ipc_lock(void)
{
	struct outcome out;

	sandbox_veth(1);
	REQUIRE(try_open_child(&out, become_nobody_memlock, LEAST & ~CAP(CAP_IPC_LOCK), "xa0",
			       NULL) == 0);
	FAILS(&out, ENOBUFS);
	HAS(&out, "UMEM");
	HAS(&out, "CAP_IPC_LOCK");
	HAS(&out, "ulimit -l");
	CHECK_EQ(net_xdp_prog_id(net_ifindex("xa0")), 0);
}

/* ---- a kernel too old, made with seccomp ------------------------------------------- */

#if defined(SECCOMP_ARCH)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LO offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LO (offsetof(struct seccomp_data, args[0]) + 4)
#endif
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

enum old_kernel { NO_AF_XDP, NO_XDP_LINK };

/*
 * prepare for try_open_child: system call `nr` with first argument `arg0` fails with
 * `err` from now on, as it does on a kernel without the feature. Only the low 32 bits
 * of the argument are compared: both are int in the kernel, which ignores the rest.
 */
static int deny(long which)
{
	__u32 nr = which == NO_AF_XDP ? __NR_socket : __NR_bpf;
	__u32 arg0 = which == NO_AF_XDP ? AF_XDP : BPF_LINK_CREATE;
	__u32 err = which == NO_AF_XDP ? EAFNOSUPPORT : EINVAL;
	struct sock_filter f[] = {
		/* numbers mean other calls under another ABI: let none of those through */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
		/* x32 calls come with the x86-64 arch and numbers of their own */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arg0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	/* without it an unprivileged process may not filter; root does it for form's sake */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	if (!syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return 0;
	/* valgrind 3.19 does not know seccomp(2); the older prctl does the same */
	if (errno != ENOSYS)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) ? -1 : 0;
}

/* No AF_XDP sockets at all (before 4.18, or built without CONFIG_XDP_SOCKETS). */
static void test_old_kernel_no_af_xdp(void)
{
	struct outcome out;

	sandbox_veth(1);
	REQUIRE(try_open_child(&out, deny, NO_AF_XDP, "xa0", NULL) == 0);
	FAILS(&out, EAFNOSUPPORT);
	HAS(&out, "no AF_XDP sockets");
	HAS(&out, "CONFIG_XDP_SOCKETS");
	HAS(&out, "5.10"); /* what xsk.h needs, not merely what has AF_XDP (4.18) */
	CHECK_EQ(net_xdp_prog_id(net_ifindex("xa0")), 0);
}

/* AF_XDP but no BPF links for XDP (before 5.9): the program loads, the link fails. */
static void test_old_kernel_no_xdp_link(void)
{
	struct outcome out;

	sandbox_veth(1);
	REQUIRE(try_open_child(&out, deny, NO_XDP_LINK, "xa0", NULL) == 0);
	FAILS(&out, EINVAL);
	HAS(&out, "older than 5.10");
	HAS(&out, "BPF links");
	CHECK_EQ(net_xdp_prog_id(net_ifindex("xa0")), 0);
}
#else
static void test_old_kernel_no_af_xdp(void)
{
	printf("# no seccomp filter for this architecture: not tested\n");
}

static void test_old_kernel_no_xdp_link(void)
{
	printf("# no seccomp filter for this architecture: not tested\n");
}
#endif

/* ---- the interface ------------------------------------------------------------------ */

/* A driver without native XDP: native asked for fails; no mode flag gets generic. */
static void test_no_native_xdp(void)
{
	XSK_QUEUE_OPTS(drv, .xdp_flags = XDP_FLAGS_DRV_MODE);
	struct outcome out;
	struct xsk_queue *q;

	net_sandbox();
	REQUIRE(net_dummy("xm0") == 0);
	try_open(&out, 0, "xm0", 0, &drv);
	FAILS(&out, EOPNOTSUPP);
	HAS(&out, "no native XDP");
	HAS(&out, "XDP_FLAGS_SKB_MODE");
	ALL_FAILS_SAME(&out, "xm0", &drv);

	q = OPENS("xm0", 0, NULL);
	if (q)
		CHECK_EQ(xsk_socket__xdp_mode(xsk_queue__socket(q)), XDP_FLAGS_SKB_MODE);
	CLOSES(q, "xm0");
}

/* Queues that are not there; the last one that is opens. */
static void test_queue_out_of_range(void)
{
	struct outcome out;

	sandbox_veth(2);
	REQUIRE(net_veth("xc0", "xd0", 1) == 0);
	try_open(&out, 0, "xa0", 2, NULL);
	FAILS(&out, EINVAL);
	HAS(&out, "xa0 has 2 queues");
	HAS(&out, "no queue 2");
	HAS(&out, "ethtool -l xa0");
	HAS(&out, "ethtool -L xa0 combined");

	try_open(&out, 0, "xc0", 5, NULL);
	FAILS(&out, EINVAL);
	HAS(&out, "xc0 has 1 queue ");
	HAS(&out, "no queue 5");
	HAS(&out, "ethtool -L xc0 combined");

	CLOSES(OPENS("xa0", 1, NULL), "xa0");
}

/* An MTU whose packets don't fit a frame; the MTU the message advises does. */
static void test_mtu(void)
{
	XSK_QUEUE_OPTS(small, .frame_size = 2048);
	XSK_QUEUE_OPTS(room, .headroom = 256);
	struct outcome out;

	sandbox_veth(1);
	REQUIRE(set_mtu("xa0", "9000") == 0);
	try_open(&out, 0, "xa0", 0, NULL);
	FAILS(&out, EMSGSIZE);
	HAS(&out, "MTU 9000");
	HAS(&out, "ip link set dev xa0 mtu 3818");
	LACKS(&out, "raise frame_size"); /* 4096 is the most there is: no use saying so */
	ALL_FAILS_SAME(&out, "xa0", NULL);

	REQUIRE(set_mtu("xa0", "3819") == 0); /* one byte more than the advice */
	try_open(&out, 0, "xa0", 0, NULL);
	FAILS(&out, EMSGSIZE);
	REQUIRE(set_mtu("xa0", "3818") == 0);
	CLOSES(OPENS("xa0", 0, NULL), "xa0");

	try_open(&out, 0, "xa0", 0, &room); /* headroom comes out of the frame too */
	FAILS(&out, EMSGSIZE);
	HAS(&out, "ip link set dev xa0 mtu 3562");

	REQUIRE(set_mtu("xa0", "1800") == 0);
	try_open(&out, 0, "xa0", 0, &small);
	FAILS(&out, EMSGSIZE);
	HAS(&out, "MTU 1800");
	HAS(&out, "ip link set dev xa0 mtu 1770");
	HAS(&out, "raise frame_size"); /* here there is a larger one: 4096 */
	REQUIRE(set_mtu("xa0", "1770") == 0);
	CLOSES(OPENS("xa0", 0, &small), "xa0");
	REQUIRE(set_mtu("xa0", "1500") == 0);
	CLOSES(OPENS("xa0", 0, &small), "xa0");
}

/* An interface that is down, unless the caller says that is fine. */
static void test_down(void)
{
	XSK_QUEUE_OPTS(down_ok, .flags = XSK_QUEUE_ALLOW_DOWN);
	struct outcome out;

	sandbox_veth(1);
	REQUIRE(net__ip("link", "set", "dev", "xa0", "down", NULL) == 0);
	try_open(&out, 0, "xa0", 0, NULL);
	FAILS(&out, ENETDOWN);
	HAS(&out, "xa0 is down");
	HAS(&out, "ip link set dev xa0 up");
	HAS(&out, "XSK_QUEUE_ALLOW_DOWN");
	ALL_FAILS_SAME(&out, "xa0", NULL);
	CLOSES(OPENS("xa0", 0, &down_ok), "xa0");
}

/* Another program's: XDP_PASS, no maps (so no xsks_map to share). fd or -1. */
static int foreign_prog(void)
{
	const struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "foreign", "GPL", prog, 2, NULL);
}

/* A program that is not xsk.h's is never replaced; the message says how to remove it. */
static void test_foreign_prog(void)
{
	XSK_QUEUE_OPTS(drv, .xdp_flags = XDP_FLAGS_DRV_MODE);
	int ifindex, fd, link;
	struct outcome out;
	__u32 id;

	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	fd = foreign_prog();
	REQUIRE(fd >= 0);

	/* through netlink, as ip link set dev xa0 xdp obj ... does */
	if (CHECK_EQ(bpf_xdp_attach(ifindex, fd, 0, NULL), 0)) {
		id = net_xdp_prog_id(ifindex);
		try_open(&out, 0, "xa0", 0, NULL);
		FAILS(&out, EEXIST);
		HAS(&out, "already has XDP program");
		HAS(&out, "ip link set dev xa0 xdp off");
		ALL_FAILS_SAME(&out, "xa0", NULL);
		CHECK_EQ(net_xdp_prog_id(ifindex), id);
		CHECK_EQ(bpf_xdp_detach(ifindex, 0, NULL), 0);
	}

	/* through a link of another process's: ip link can't detach that one */
	link = bpf_link_create(fd, ifindex, BPF_XDP, NULL);
	if (CHECK(link >= 0)) {
		try_open(&out, 0, "xa0", 0, NULL);
		FAILS(&out, EEXIST);
		HAS(&out, "already has XDP program");
		HAS(&out, "process holding its link");
		close(link);
		CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
	}

	/* in generic mode, and native asked for: it is still in the way */
	if (CHECK_EQ(bpf_xdp_attach(ifindex, fd, XDP_FLAGS_SKB_MODE, NULL), 0)) {
		try_open(&out, 0, "xa0", 0, &drv);
		FAILS(&out, EEXIST);
		HAS(&out, "generic mode");
		HAS(&out, "ip link set dev xa0 xdp off");
		CHECK_EQ(bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL), 0);
	}
	close(fd);
}

/* xsk.h's own program in generic mode, native asked for on another queue. */
static void test_mode_mismatch(void)
{
	XSK_QUEUE_OPTS(skb, .xdp_flags = XDP_FLAGS_SKB_MODE);
	XSK_QUEUE_OPTS(drv, .xdp_flags = XDP_FLAGS_DRV_MODE);
	struct outcome out;
	struct xsk_queue *q;

	sandbox_veth(2);
	q = OPENS("xa0", 0, &skb);
	REQUIRE(q != NULL);
	try_open(&out, 0, "xa0", 1, &drv);
	FAILS(&out, EEXIST);
	HAS(&out, "generic mode");
	HAS(&out, "XDP_FLAGS_SKB_MODE"); /* what to ask for instead (or no mode flag) */
	CLOSES(q, "xa0");
}

/* Names: none such, empty, too long (15 characters is the most). */
static void test_names(void)
{
	struct outcome out;

	sandbox_veth(1);
	try_open(&out, 0, "nosuch0", 0, NULL);
	FAILS(&out, ENODEV);
	HAS(&out, "no interface named nosuch0");
	HAS(&out, "ip link"); /* where to see the names there are */
	ALL_FAILS_SAME(&out, "nosuch0", NULL);

	try_open(&out, 0, "abcdefghijklmno", 0, NULL); /* 15: a valid name, no such device */
	FAILS(&out, ENODEV);

	try_open(&out, 0, "abcdefghijklmnop", 0, NULL); /* 16 */
	FAILS(&out, ENAMETOOLONG);
	HAS(&out, "too long");
	HAS(&out, "15");
	ALL_FAILS_SAME(&out, "abcdefghijklmnop", NULL);

	try_open(&out, 0, "", 0, NULL);
	FAILS(&out, EINVAL);
	HAS(&out, "empty");
	ALL_FAILS_SAME(&out, "", NULL);
}

/* One interface, one program, one filter: a handle asking for another one is refused;
 * one asking for the same shares the program. */
static void test_filter_mismatch(void)
{
	struct xsk_filter vxlan = { .ip_proto = 17, .nports = 1, .ports = { { 4789, 4789 } } };
	struct xsk_filter other = { .ip_proto = 17, .nports = 1, .ports = { { 4790, 4790 } } };
	XSK_QUEUE_OPTS(o_vxlan, .filter = &vxlan);
	XSK_QUEUE_OPTS(o_other, .filter = &other);
	struct xsk_queue *q, *q2;
	struct outcome out;
	__u32 id;

	sandbox_veth(2);
	q = OPENS("xa0", 0, &o_vxlan);
	REQUIRE(q != NULL);
	id = net_xdp_prog_id(net_ifindex("xa0"));
	try_open(&out, 0, "xa0", 1, &o_other);
	FAILS(&out, EEXIST);
	HAS(&out, "filters differently");
	HAS(&out, "same filter");
	try_open(&out, 0, "xa0", 1, NULL);
	FAILS(&out, EEXIST);
	HAS(&out, "filters differently");
	HAS(&out, "same filter");
	ALL_FAILS_SAME(&out, "xa0", NULL);

	q2 = OPENS("xa0", 1, &o_vxlan);
	CHECK_EQ(net_xdp_prog_id(net_ifindex("xa0")), id); /* shared, not replaced */
	xsk_queue__close(q);
	CLOSES(q2, "xa0");

	/* and the other way round: no filter attached, one asked for */
	q = OPENS("xa0", 0, NULL);
	REQUIRE(q != NULL);
	try_open(&out, 0, "xa0", 1, &o_vxlan);
	FAILS(&out, EEXIST);
	HAS(&out, "filters differently");
	CLOSES(q, "xa0");
}

/* open_all fails on its second queue: the first handle goes again, and no qs[] entry
 * is left pointing to it. */
static void test_open_all_partial(void)
{
	struct outcome out;
	struct xsk_queue *q;

	sandbox_veth(2);
	q = OPENS("xa0", 1, NULL);
	REQUIRE(q != NULL);
	try_open(&out, 1, "xa0", 0, NULL);
	FAILS(&out, EBUSY);
	HAS(&out, "queue 1 of xa0 is in use");
	CLOSES(q, "xa0");
}

/* Options that are wrong, each named alone in the message. */
static void test_bad_opts(void)
{
	struct xsk_filter nine = { .ip_proto = 17, .nports = 9 };
	struct xsk_filter icmp = { .ip_proto = 1, .nports = 1, .ports = { { 7, 7 } } };
	XSK_QUEUE_OPTS(ring, .ring_size = 1000);
	XSK_QUEUE_OPTS(frame, .frame_size = 1000);
	XSK_QUEUE_OPTS(fill, .fill_frames = 4096);
	XSK_QUEUE_OPTS(o_nine, .filter = &nine);
	XSK_QUEUE_OPTS(o_icmp, .filter = &icmp);
	struct outcome out;

	sandbox_veth(1);
	try_open(&out, 0, "xa0", 0, &ring);
	FAILS(&out, EINVAL);
	HAS(&out, "ring_size 1000");
	HAS(&out, "power of two");
	LACKS(&out, "frame_size"); /* that one is right */
	ALL_FAILS_SAME(&out, "xa0", &ring);

	try_open(&out, 0, "xa0", 0, &frame);
	FAILS(&out, EINVAL);
	HAS(&out, "frame_size 1000");
	HAS(&out, "2048 or 4096");
	LACKS(&out, "ring_size");

	try_open(&out, 0, "xa0", 0, &fill);
	FAILS(&out, EINVAL);
	HAS(&out, "fill_frames 4096");
	HAS(&out, "at most ring_size (2048)");

	try_open(&out, 0, "xa0", 0, &o_nine);
	FAILS(&out, EINVAL);
	HAS(&out, "9 port ranges");
	HAS(&out, "at most 8");
	LACKS(&out, "vlan");

	try_open(&out, 0, "xa0", 0, &o_icmp);
	FAILS(&out, EINVAL);
	HAS(&out, "ip_proto 1");
	HAS(&out, "UDP or TCP");
	LACKS(&out, "vlan");
}

int main(void)
{
	t_need_root();
	xsk_set_print(rig_print); /* XSK_TEST_VERBOSE=1 shows every message */
	T_RUN(test_no_cap_net_raw);
	T_RUN(test_no_cap_bpf);
	T_RUN(test_no_cap_ipc_lock);
	T_RUN(test_old_kernel_no_af_xdp);
	T_RUN(test_old_kernel_no_xdp_link);
	T_RUN(test_no_native_xdp);
	T_RUN(test_queue_out_of_range);
	T_RUN(test_mtu);
	T_RUN(test_down);
	T_RUN(test_foreign_prog);
	T_RUN(test_mode_mismatch);
	T_RUN(test_names);
	T_RUN(test_filter_mismatch);
	T_RUN(test_open_all_partial);
	T_RUN(test_bad_opts);
	return t_done();
}
