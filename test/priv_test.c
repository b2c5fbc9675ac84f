/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Least privilege, and fds that do not leak into programs the application runs.
 *
 * A process with exactly CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF and CAP_IPC_LOCK opens a
 * UMEM and a socket and receives frames. It runs as the user nobody (kept capabilities,
 * PR_SET_KEEPCAPS), not as uid 0 with capabilities dropped: that is how a service runs
 * (systemd's User= with AmbientCapabilities=), and it shows that nothing depends on
 * uid 0 owning a file.
 *
 * Sharing the program that socket attached needs CAP_SYS_ADMIN as well: a second
 * socket finds the attached program's xsks_map through bpf(BPF_PROG_GET_FD_BY_ID),
 * which the kernel allows only with CAP_SYS_ADMIN. Checked: from another process, and
 * also from the same process (the library keeps no list of the programs it holds).
 * Both fail with -EPERM and a message that names CAP_SYS_ADMIN, and the first socket
 * goes on receiving.
 *
 * Every fd the library opens is close-on-exec: with a UMEM, two sockets, the attached
 * program and xsk_setup_xdp_prog holds open, a program this test executes has the fds
 * it had before any of them: 0, 1 and 2 (the fds this test inherited are made
 * close-on-exec first: they are not the library's).
 */
#include "rig.h"
#include <limits.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define FRAME_LEN 100

static const __u64 least = 1ULL << CAP_NET_ADMIN | 1ULL << CAP_NET_RAW | 1ULL << CAP_BPF |
			   1ULL << CAP_IPC_LOCK;
static char self[PATH_MAX]; /* this executable: the fd lister for the exec test */

/* Becomes nobody with exactly the capabilities in `least`; 0 or -1. */
static int drop_privileges(void)
{
	return CHECK_EQ(net_become_nobody(least), 0) ? 0 : -1;
}

/* Sends n test frames from xb0's queue 0 (to r's queue), numbered from *sent on, and
 * receives them on r. */
static int send_recv(struct rig *r, int pkt, uint32_t *sent, uint32_t *seq, int n)
{
	unsigned char frame[FRAME_LEN];
	int i;

	for (i = 0; i < n; i++, (*sent)++)
		if (net_pkt_send_queue(pkt, frame, net_frame(frame, sizeof(frame), *sent), 0))
			return -1;
	return rig_recv(r, n, seq, sizeof(frame), 2000);
}

static void wait_ok(pid_t pid, const char *who)
{
	int st;

	if (!CHECK(waitpid(pid, &st, 0) == pid))
		return;
	if (!CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		printf("%s: %s %d\n", who, WIFEXITED(st) ? "exit" : "signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* The second process: with the same capabilities, shares xa0's program on queue 1. */
static void second_process(void)
{
	struct rig r2;

	if (drop_privileges())
		_exit(2);
	rig_last_msg[0] = 0;
	CHECK_EQ(rig_open(&r2, "xa0", 1, 0, 0), -EPERM);
	CHECK(strstr(rig_last_msg, "sharing it needs CAP_SYS_ADMIN") != NULL);
	printf("  second process: %s\n", rig_last_msg);
	fflush(stdout);
	_exit(t__test_failed ? 1 : 0);
}

static void test_least_privilege(void)
{
	int up[2], down[2];
	pid_t a, b;
	char c = 0;

	REQUIRE(pipe2(up, O_CLOEXEC) == 0 && pipe2(down, O_CLOEXEC) == 0);
	fflush(stdout);
	a = fork();
	REQUIRE(a >= 0);
	if (a == 0) {
		struct xsk_ring_cons rx2, comp2;
		struct xsk_ring_prod tx2, fill2;
		struct xsk_socket *s2 = NULL;
		uint32_t sent = 0, seq = 0;
		struct rig r;
		int pkt;

		close(up[0]);
		close(down[1]);
		if (drop_privileges())
			_exit(2);
		if (!CHECK_EQ(rig_open(&r, "xa0", 0, 0, 0), 0)) {
			printf("  %s\n", rig_last_msg);
			_exit(1);
		}
		pkt = net_pkt_sock("xb0");
		if (!CHECK(pkt >= 0) || !CHECK(rig_fill(&r, 2048) == 0))
			_exit(1);
		CHECK_EQ(send_recv(&r, pkt, &sent, &seq, 64), 64);

		/* Another socket of this process, on queue 1 with rings of its own. */
		rig_last_msg[0] = 0;
		CHECK_EQ(xsk_socket__create_shared(&s2, "xa0", 1, r.umem, &rx2, &tx2, &fill2,
						   &comp2, NULL), -EPERM);
		CHECK(strstr(rig_last_msg, "sharing it needs CAP_SYS_ADMIN") != NULL);

		/* The parent runs the second process now; then this socket still works. */
		CHECK(write(up[1], "r", 1) == 1);
		CHECK(read(down[0], &c, 1) == 0);
		CHECK_EQ(send_recv(&r, pkt, &sent, &seq, 64), 64);
		close(pkt);
		rig_close(&r);
		fflush(stdout);
		_exit(t__test_failed ? 1 : 0);
	}
	close(up[1]);
	close(down[0]);
	if (CHECK(read(up[0], &c, 1) == 1)) {
		fflush(stdout);
		b = fork();
		if (b == 0)
			second_process();
		if (CHECK(b > 0))
			wait_ok(b, "second process");
	}
	close(down[1]); /* the first process goes on */
	close(up[0]);
	wait_ok(a, "first process");
}

/* The fds a program started now would have, as a bit set of fds 0..62 (bit 63: any
 * higher one), or -1 if that could not be found out. */
static long long fds_after_exec(void)
{
	char *argv[] = { self, (char *)"--fds", NULL };
	long long set = 0;
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1); /* dup2's copy is not close-on-exec */
		execv(self, argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &set, sizeof(set)) != sizeof(set))
		set = -1;
	close(p[0]);
	if (pid > 0 && (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)))
		set = -1;
	return set;
}

/* The other half of fds_after_exec: this program run with --fds. */
static int list_fds(void)
{
	struct rlimit lim;
	long long set = 0;
	struct dirent *d;
	DIR *dir;

	/* valgrind keeps its own fds above the limit it shows its client: not ours. */
	if (getrlimit(RLIMIT_NOFILE, &lim))
		return 1;
	dir = opendir("/proc/self/fd");
	if (!dir)
		return 1;
	while ((d = readdir(dir))) {
		int fd = atoi(d->d_name);

		if (d->d_name[0] == '.' || fd == dirfd(dir) || (rlim_t)fd >= lim.rlim_cur)
			continue;
		set |= fd < 63 ? 1LL << fd : 1LL << 63;
	}
	closedir(dir);
	return write(1, &set, sizeof(set)) == sizeof(set) ? 0 : 1;
}

static void test_cloexec(void)
{
	struct xsk_ring_cons rx2, comp2;
	struct xsk_ring_prod tx2, fill2;
	struct xsk_socket *s2;
	int map_c = -1, map_a = -1;
	long long base = fds_after_exec(); /* 0, 1, 2, or fewer if the test got fewer */
	struct rig r;

	REQUIRE(base >= 0 && (base & ~7LL) == 0);
	REQUIRE(rig_open(&r, "xa0", 0, 0, 0) == 0);   /* UMEM, socket, attached program */
	REQUIRE(xsk_socket__create_shared(&s2, "xa0", 1, r.umem, &rx2, &tx2, &fill2, &comp2,
					  NULL) == 0); /* shares the program */
	CHECK_EQ(xsk_setup_xdp_prog(net_ifindex("xc0"), &map_c), 0); /* attaches one */
	CHECK_EQ(xsk_setup_xdp_prog(net_ifindex("xa0"), &map_a), 0); /* shares one */
	CHECK_EQ(fds_after_exec(), base);
	if (map_c >= 0) {
		close(map_c);
		CHECK_EQ(xsk_release_xdp_prog(net_ifindex("xc0")), 0);
	}
	if (map_a >= 0) {
		close(map_a);
		CHECK_EQ(xsk_release_xdp_prog(net_ifindex("xa0")), 0);
	}
	xsk_socket__delete(s2);
	rig_close(&r);
}

int main(int argc, char **argv)
{
	ssize_t n;
	int fd;

	if (argc == 2 && !strcmp(argv[1], "--fds"))
		return list_fds();
	t_need_root();
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	REQUIRE(n > 0);
	self[n] = '\0';
	/* fds this test inherited are not the library's: keep them out of the exec test. */
	for (fd = 3; fd < 1024; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	net_sandbox();
	REQUIRE(net_veth("xa0", "xb0", 2) == 0);
	REQUIRE(net_veth("xc0", "xd0", 1) == 0);
	xsk_set_print(rig_print);
	T_RUN(test_least_privilege);
	T_RUN(test_cloexec);
	return t_done();
}
