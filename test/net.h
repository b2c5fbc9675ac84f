/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net.h - helpers for the kernel tests: a private network namespace, veth and dummy
 * devices, test frames, AF_PACKET sockets, XDP queries and resource snapshots.
 *
 * Header-only, static functions; include it before any system header (it needs
 * _GNU_SOURCE). Link with -lbpf. Every kernel test starts like this:
 *
 *     t_need_root();            // skip (77) unless root with AF_XDP
 *     net_sandbox();            // private, anonymous network namespace
 *     REQUIRE(net_veth("ta0", "tb0", 2) == 0);
 *
 * The namespace has no name: the kernel removes it, and the devices in it, when the
 * process and its children have exited, however they exit (kill -9 included). Names
 * never collide between tests running at the same time. net_sandbox only moves the
 * calling thread: call it first in main, before any thread is created.
 *
 * Functions return >= 0 on success and -1 with errno set on failure, unless noted.
 * When a command (ip) fails, its output is printed to stderr and errno is 0.
 *
 * Test frames (net_frame): dst 02:00:00:00:00:02, src 02:00:00:00:00:01, EtherType
 * 0x88B5 (IEEE 802 local experimental), then the sequence number in every 32-bit
 * word of the payload (host byte order; a tail shorter than a word holds the first
 * bytes of the number). Receivers must ignore other frames: the kernel may send its
 * own. net_pkt_recv_ours does that, and also skips frames the interface sent
 * (an ETH_P_ALL socket sees both directions).
 *
 * Snapshots (net_snap_take / net_snap_same) prove that a failed call left nothing
 * behind: open fds, memory mappings, XDP programs on the interfaces of this
 * namespace and, optionally, the BPF program/map/link ids of the whole system.
 * Read the notes above struct net_snap before relying on them.
 */
#ifndef NET_H
#define NET_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "t.h"

#include <dirent.h>
#include <grp.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include <linux/capability.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#ifndef CLONE_NEWNET
#error "net.h needs _GNU_SOURCE: include net.h (or t.h) before any system header"
#endif

extern char **environ;

#define NET_ETH_P_TEST 0x88B5 /* IEEE 802 local experimental EtherType 1 */
#define NET_FRAME_MIN 60      /* shortest Ethernet frame without FCS */
#define NET_MAC_DST "\x02\x00\x00\x00\x00\x02"
#define NET_MAC_SRC "\x02\x00\x00\x00\x00\x01"

#define NET__UNUSED __attribute__((unused))

NET__UNUSED static long long net__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

NET__UNUSED static void net__sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- commands ---------------------------------------------------------------- */

NET__UNUSED static int net__run(const char *const argv[], int quiet)
{
	union { const char *const *c; char *const *m; } args = { .c = argv };
	posix_spawn_file_actions_t fa;
	char out[4096], junk[512];
	size_t n = 0, i;
	int p[2], err, st;
	pid_t pid;
	ssize_t r;

	if (pipe2(p, O_CLOEXEC)) {
		fprintf(stderr, "net_run: pipe: %s\n", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, args.m, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err) {
		close(p[0]);
		fprintf(stderr, "net_run: cannot run %s: %s\n", argv[0], strerror(err));
		errno = err;
		return -1;
	}
	for (;;) {
		if (n < sizeof(out) - 1)
			r = read(p[0], out + n, sizeof(out) - 1 - n);
		else
			r = read(p[0], junk, sizeof(junk)); /* keep only the start */
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (n < sizeof(out) - 1)
			n += (size_t)r;
	}
	out[n] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "net_run: waitpid: %s\n", strerror(errno));
			return -1;
		}
	}
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	errno = 0; /* the output says why, errno does not */
	if (st && !quiet) {
		fprintf(stderr, "net_run: `");
		for (i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
		fprintf(stderr, "` exited with %d\n%s", st, out);
		if (n && out[n - 1] != '\n')
			fprintf(stderr, "\n");
	}
	return st;
}

/*
 * Runs argv[0] (searched in PATH) with argv, waits for it and returns its exit
 * status, 128 + signal number if a signal killed it, or -1 with errno set if it
 * could not be started. Its stdout and stderr are collected and printed (to stderr)
 * only when the status is not 0; errno is then 0. posix_spawn, not fork: a forked
 * child of a process with a large pinned UMEM would have to copy it.
 */
NET__UNUSED static int net_run(const char *const argv[])
{
	return net__run(argv, 0);
}

/* The ip binary: PATH may lack /usr/sbin when a runner cleans the environment. */
NET__UNUSED static const char *net__ip_path(void)
{
	static const char *const dirs[] = { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip",
					    "/bin/ip" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (access(dirs[i], X_OK) == 0)
			return dirs[i];
	return "ip";
}

/* Runs `ip ARGS...` (up to 30 of them, then NULL); returns as net_run does. */
NET__UNUSED static int net__ipq(int quiet, const char *arg, va_list ap)
{
	const char *argv[32];
	size_t n = 0;

	argv[n++] = net__ip_path();
	for (; arg && n < sizeof(argv) / sizeof(argv[0]) - 1; arg = va_arg(ap, const char *))
		argv[n++] = arg;
	argv[n] = NULL;
	return net__run(argv, quiet);
}

NET__UNUSED static int net__ip(const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = net__ipq(0, arg, ap);
	va_end(ap);
	return r;
}

/* The same, but prints nothing when ip fails. */
NET__UNUSED static int net__ip_quiet(const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = net__ipq(1, arg, ap);
	va_end(ap);
	return r;
}

/* Sets IFF_UP on a device with ioctl (no ip binary needed). */
NET__UNUSED static int net__set_up(const char *name)
{
	struct ifreq ifr;
	int fd, ret = -1;

	if (strlen(name) >= IFNAMSIZ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret ? -1 : 0;
}

/*
 * Writes 1 to net.ipv6.conf.NAME.disable_ipv6 so that the kernel sends no router
 * solicitations or DAD probes from the device; a kernel without IPv6 is fine.
 */
NET__UNUSED static int net__no_ipv6(const char *name)
{
	char path[128];
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "net: %s: %s\n", path, strerror(errno));
		return -1;
	}
	r = write(fd, "1\n", 2);
	if (r != 2)
		fprintf(stderr, "net: write %s: %s\n", path, strerror(errno));
	close(fd);
	return r == 2 ? 0 : -1;
}

/* ---- namespace and devices --------------------------------------------------- */

/*
 * Moves the process into a new anonymous network namespace and brings lo up.
 * Exits 1 if that fails (call t_need_root first to skip when not root).
 */
NET__UNUSED static void net_sandbox(void)
{
	if (unshare(CLONE_NEWNET)) {
		printf("net_sandbox: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		exit(1);
	}
	if (net__set_up("lo")) {
		printf("net_sandbox: cannot bring lo up: %s\n", strerror(errno));
		exit(1);
	}
}

/*
 * Creates the veth pair a <-> b, both with `queues` rx and tx queues (0: the kernel's
 * default, 1), disables IPv6 on both and sets both up. Returns 0 or -1.
 */
NET__UNUSED static int net_veth(const char *a, const char *b, unsigned queues)
{
	char q[16];
	int r;

	snprintf(q, sizeof(q), "%u", queues);
	if (queues)
		r = net__ip("link", "add", a, "numrxqueues", q, "numtxqueues", q, "type",
			    "veth", "peer", "name", b, "numrxqueues", q, "numtxqueues", q,
			    NULL);
	else
		r = net__ip("link", "add", a, "type", "veth", "peer", "name", b, NULL);
	if (r)
		return -1;
	if (net__no_ipv6(a) || net__no_ipv6(b))
		return -1;
	if (net__ip("link", "set", a, "up", NULL) || net__ip("link", "set", b, "up", NULL))
		return -1;
	return 0;
}

/*
 * Creates a device without native XDP, disables IPv6 on it and sets it up: a dummy
 * device, or an ifb device (also no ndo_bpf) on a kernel built without
 * CONFIG_DUMMY, saying so once on stderr. Returns 0 or -1.
 */
NET__UNUSED static int net_dummy(const char *name)
{
	static int said;

	if (net__ip_quiet("link", "add", name, "type", "dummy", NULL)) {
		if (net__ip("link", "add", name, "type", "ifb", NULL))
			return -1;
		if (!said++)
			fprintf(stderr, "net_dummy: no dummy driver, %s is an ifb device\n",
				name);
	}
	if (net__no_ipv6(name))
		return -1;
	if (net__ip("link", "set", name, "up", NULL))
		return -1;
	return 0;
}

/* The device's ifindex, or -1 with errno set (ENODEV) if there is none. */
NET__UNUSED static int net_ifindex(const char *name)
{
	unsigned idx = if_nametoindex(name);

	return idx ? (int)idx : -1;
}

/*
 * The device's active queue counts from ETHTOOL_GCHANNELS: rx and tx include the
 * combined channels. veth reports its real_num_{rx,tx}_queues. 0 or -1
 * (EOPNOTSUPP for a driver without get_channels).
 */
NET__UNUSED static int net_queues(const char *name, unsigned *rx, unsigned *tx)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	int fd, r;

	if (strlen(name) >= IFNAMSIZ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	ifr.ifr_data = (void *)&ch;
	r = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	if (r)
		return -1;
	if (rx)
		*rx = ch.rx_count + ch.combined_count;
	if (tx)
		*tx = ch.tx_count + ch.combined_count;
	return 0;
}

/* ---- test frames -------------------------------------------------------------- */

/*
 * Writes a test frame of len bytes (>= NET_FRAME_MIN) carrying seq into buf.
 * Returns len, or 0 if len is too short.
 */
NET__UNUSED static size_t net_frame(void *buf, size_t len, uint32_t seq)
{
	unsigned char *p = buf;
	size_t off;

	if (len < NET_FRAME_MIN)
		return 0;
	memcpy(p, NET_MAC_DST, 6);
	memcpy(p + 6, NET_MAC_SRC, 6);
	p[12] = NET_ETH_P_TEST >> 8;
	p[13] = NET_ETH_P_TEST & 0xff;
	for (off = ETH_HLEN; off + 4 <= len; off += 4)
		memcpy(p + off, &seq, 4);
	memcpy(p + off, &seq, len - off);
	return len;
}

/*
 * Checks a test frame: length >= NET_FRAME_MIN, the header net_frame writes, and
 * every payload word (and the tail) equal to the first word. Returns 0 and stores
 * the sequence number in *seq_out (may be NULL), or returns -1.
 */
NET__UNUSED static int net_frame_check(const void *buf, size_t len, uint32_t *seq_out)
{
	const unsigned char *p = buf;
	uint32_t seq;
	size_t off;

	if (len < NET_FRAME_MIN || memcmp(p, NET_MAC_DST, 6) ||
	    memcmp(p + 6, NET_MAC_SRC, 6) || p[12] != NET_ETH_P_TEST >> 8 ||
	    p[13] != (NET_ETH_P_TEST & 0xff))
		return -1;
	memcpy(&seq, p + ETH_HLEN, 4);
	for (off = ETH_HLEN; off + 4 <= len; off += 4)
		if (memcmp(p + off, &seq, 4))
			return -1;
	if (memcmp(p + off, &seq, len - off))
		return -1;
	if (seq_out)
		*seq_out = seq;
	return 0;
}

/* ---- AF_PACKET ------------------------------------------------------------------ */

/*
 * An AF_PACKET SOCK_RAW socket bound to ifname for all protocols (ETH_P_ALL), with a
 * 4 MiB receive buffer where root can force it. It is created with protocol 0 and
 * bound afterwards, so it never queues frames from other devices. It sees frames
 * the device receives and frames it sends. Returns the fd or -1.
 */
NET__UNUSED static int net_pkt_sock(const char *ifname)
{
	struct sockaddr_ll sll;
	int fd, ifindex, sz = 4 << 20, err;

	ifindex = net_ifindex(ifname);
	if (ifindex < 0)
		return -1;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/*
 * Sends one frame (the whole of buf, Ethernet header included) on the socket's
 * device. Retries for up to a second while the device queue is full (ENOBUFS,
 * EAGAIN). Returns 0 or -1.
 */
NET__UNUSED static int net_pkt_send(int fd, const void *buf, size_t len)
{
	long long deadline = net__now_ms() + 1000;
	ssize_t n;

	for (;;) {
		n = send(fd, buf, len, 0);
		if (n >= 0 && (size_t)n == len)
			return 0;
		if (n >= 0) {
			errno = EMSGSIZE;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if ((errno != ENOBUFS && errno != EAGAIN) || net__now_ms() > deadline)
			return -1;
		net__sleep_ms(1);
	}
}

/*
 * Sends one frame like net_pkt_send, but on tx queue `queue` of the socket's device,
 * so that on veth it arrives on rx queue `queue` of the peer. (Plain sends of test
 * frames all hash to one queue, but which one depends on the boot's hash seed.) With PACKET_QDISC_BYPASS, which
 * this sets on fd, the kernel picks tx queue cpu % real_num_tx_queues; so the calling
 * thread moves to an allowed CPU with that remainder for the send, and back. Bypass
 * also hides fd's frames from other ETH_P_ALL sockets on the sending device.
 * Returns 0 or -1: EINVAL if queue >= the device's tx queues, ENXIO if no CPU the
 * thread may use gives that queue (queue >= the number of CPUs).
 */
NET__UNUSED static int net_pkt_send_queue(int fd, const void *buf, size_t len,
					  unsigned queue)
{
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	char name[IF_NAMESIZE];
	cpu_set_t old, one;
	int on = 1, r, err;
	unsigned ntx;
	size_t cpu;

	memset(&sll, 0, sizeof(sll));
	if (getsockname(fd, (struct sockaddr *)&sll, &sl))
		return -1;
	if (!if_indextoname((unsigned)sll.sll_ifindex, name) || net_queues(name, NULL, &ntx))
		return -1;
	if (queue >= ntx) {
		errno = EINVAL;
		return -1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &on, sizeof(on)) ||
	    sched_getaffinity(0, sizeof(old), &old))
		return -1;
	for (cpu = queue; cpu < CPU_SETSIZE; cpu += ntx)
		if (CPU_ISSET(cpu, &old))
			break;
	if (cpu >= CPU_SETSIZE) {
		errno = ENXIO;
		return -1;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return -1;
	r = net_pkt_send(fd, buf, len);
	err = errno;
	sched_setaffinity(0, sizeof(old), &old);
	errno = err;
	return r;
}

NET__UNUSED static ssize_t net__pkt_recv(int fd, void *buf, size_t len, int timeout_ms,
					 int ours)
{
	long long deadline = net__now_ms() + timeout_ms;
	const unsigned char *p = buf;
	struct sockaddr_ll sll;
	socklen_t sl;
	struct pollfd pfd;
	long long left;
	ssize_t n;
	int r;

	for (;;) {
		left = timeout_ms < 0 ? -1 : deadline - net__now_ms();
		if (timeout_ms >= 0 && left < 0)
			left = 0;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		sl = sizeof(sll);
		n = recvfrom(fd, buf, len, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sll,
			     &sl);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -1;
		if (ours && (sll.sll_pkttype == PACKET_OUTGOING || n < ETH_HLEN ||
			     len < ETH_HLEN || p[12] != NET_ETH_P_TEST >> 8 ||
			     p[13] != (NET_ETH_P_TEST & 0xff)))
			continue;
		if ((size_t)n > len) {
			errno = EMSGSIZE; /* the frame was longer than buf */
			return -1;
		}
		return n;
	}
}

/*
 * Receives one frame of any kind, waiting up to timeout_ms (< 0: forever). Returns its
 * length, or -1 with errno ETIMEDOUT on timeout, or EMSGSIZE if it was longer than
 * len (it is lost).
 */
NET__UNUSED static ssize_t net_pkt_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	return net__pkt_recv(fd, buf, len, timeout_ms, 0);
}

/*
 * Like net_pkt_recv, but drops frames that are not EtherType 0x88B5 and frames that
 * the device sent rather than received, until one of ours arrives or timeout_ms has
 * passed since the call.
 */
NET__UNUSED static ssize_t net_pkt_recv_ours(int fd, void *buf, size_t len,
					     int timeout_ms)
{
	return net__pkt_recv(fd, buf, len, timeout_ms, 1);
}

/* ---- privileges ----------------------------------------------------------------- */

#define NET_NOBODY 65534

/*
 * Becomes the user nobody with exactly the capabilities in caps (a bit set of CAP_*),
 * as a service with User= and AmbientCapabilities= runs: not uid 0 with capabilities
 * dropped, so nothing can depend on uid 0 owning a file. Checks what the kernel says it
 * has now, or the test proves nothing. 0, or -1 (printing why if it is the check).
 */
NET__UNUSED static int net_become_nobody(unsigned long long caps)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned long long eff = ~0ULL;
	char line[256];
	FILE *f;

	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) ||
	    setresgid(NET_NOBODY, NET_NOBODY, NET_NOBODY) ||
	    setresuid(NET_NOBODY, NET_NOBODY, NET_NOBODY))
		return -1;
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (__u32)caps;
	d[1].effective = d[1].permitted = (__u32)(caps >> 32);
	if (syscall(SYS_capset, &h, d))
		return -1;
	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	if (eff != caps || geteuid() != NET_NOBODY) {
		printf("net_become_nobody: CapEff %llx, want %llx; euid %u\n", eff, caps,
		       geteuid());
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* ---- XDP ------------------------------------------------------------------------ */

/* The id of the XDP program attached to ifindex in any mode, 0 if none or on error. */
NET__UNUSED static uint32_t net_xdp_prog_id(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, o);

	if (bpf_xdp_query(ifindex, 0, &o))
		return 0;
	if (o.prog_id)
		return o.prog_id;
	if (o.drv_prog_id)
		return o.drv_prog_id;
	if (o.skb_prog_id)
		return o.skb_prog_id;
	return o.hw_prog_id;
}

/* The ids of the maps prog_id uses, at most max of them in ids: how many it uses (which
 * may be more than max), or -1 with errno. */
NET__UNUSED static int net_prog_map_ids(uint32_t prog_id, uint32_t *ids, uint32_t max)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id), err;

	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	memset(ids, 0, max * sizeof(*ids)); /* the kernel fills it; valgrind can't see that */
	info.nr_map_ids = max;
	info.map_ids = (uintptr_t)ids;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	return err ? -1 : (int)info.nr_map_ids;
}

/* The id of the XDP link that holds prog_id, 0 if none. */
NET__UNUSED static uint32_t net_xdp_link_id(uint32_t prog_id)
{
	uint32_t id = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info li;
		__u32 len = sizeof(li);
		int fd = bpf_link_get_fd_by_id(id), found;

		if (fd < 0)
			continue;
		memset(&li, 0, sizeof(li));
		found = !bpf_obj_get_info_by_fd(fd, &li, &len) && li.type == BPF_LINK_TYPE_XDP &&
			li.prog_id == prog_id;
		close(fd);
		if (found)
			return id;
	}
	return 0;
}

/*
 * Polls until no XDP program is attached to ifindex: 0, or -1 (ETIMEDOUT) after
 * timeout_ms. Detaching a bpf_link by closing its last fd is not always immediate.
 */
NET__UNUSED static int net_wait_no_xdp(int ifindex, int timeout_ms)
{
	long long deadline = net__now_ms() + timeout_ms;

	for (;;) {
		if (net_xdp_prog_id(ifindex) == 0)
			return 0;
		if (net__now_ms() > deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		net__sleep_ms(2);
	}
}

/*
 * A fast traffic generator: BPF_PROG_RUN with live frames runs an XDP program returning
 * XDP_TX on `repeat` copies of frame as if they had arrived on ifindex, so each copy is
 * transmitted out of ifindex (into its veth peer) in batches of 64. Several million
 * frames a second: the receiver, not this, is the limit. Returns 0 or -1 with errno
 * (EOPNOTSUPP: a kernel before 5.18).
 *
 * net_gen_live sends frame as it is. net_gen_live_flows first writes a random 16-bit
 * value at byte offset flow_off of each copy (a UDP source port, say: with the UDP
 * checksum 0 the frame stays valid), so each frame is a flow of its own and a device
 * that spreads flows over queues (RSS) spreads them. veth does not: it picks the
 * receiving queue by the sending CPU, so to reach several queues of a veth, run one
 * generator per CPU.
 */
NET__UNUSED static int net__gen_run(int *prog_fd, const struct bpf_insn *prog, size_t ninsn,
				    int ifindex, const void *frame, size_t len, uint32_t repeat)
{
	struct xdp_md ctx;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (uint32_t)len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

	if (*prog_fd < 0)
		*prog_fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "net_gen_live", "GPL", prog, ninsn,
					 NULL);
	if (*prog_fd < 0)
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.data_end = (uint32_t)len;
	ctx.ingress_ifindex = (uint32_t)ifindex;
	return bpf_prog_test_run_opts(*prog_fd, &o) ? -1 : 0;
}

NET__UNUSED static int net_gen_live(int ifindex, const void *frame, size_t len, uint32_t repeat)
{
	static int prog_fd = -1;
	const struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_TX },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return net__gen_run(&prog_fd, prog, 2, ifindex, frame, len, repeat);
}

NET__UNUSED static int net_gen_live_flows(int ifindex, const void *frame, size_t len,
					  uint32_t repeat, uint16_t flow_off)
{
	static int prog_fd = -1;
	static uint16_t prog_off;
	const struct bpf_insn prog[] = {
		/* r6 = ctx; r0 = bpf_get_prandom_u32() */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_6, .src_reg = BPF_REG_1 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_prandom_u32 },
		/* r2 = ctx->data; r3 = ctx->data_end; r1 = r2 + flow_off + 2 */
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_6,
		  .off = offsetof(struct xdp_md, data) },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_3, .src_reg = BPF_REG_6,
		  .off = offsetof(struct xdp_md, data_end) },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_2 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_1, .imm = flow_off + 2 },
		/* if r1 <= r3: *(u16 *)(r2 + flow_off) = r0 */
		{ .code = BPF_JMP | BPF_JGT | BPF_X, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_3,
		  .off = 1 },
		{ .code = BPF_STX | BPF_MEM | BPF_H, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_0,
		  .off = (int16_t)flow_off },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_TX },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	if (prog_fd >= 0 && prog_off != flow_off) {
		close(prog_fd);
		prog_fd = -1;
	}
	prog_off = flow_off;
	return net__gen_run(&prog_fd, prog, sizeof(prog) / sizeof(prog[0]), ifindex, frame,
			    len, repeat);
}

/* ---- resource snapshots ---------------------------------------------------------- */

/*
 * A snapshot of what a call could leave behind:
 *  - the open fds, each with its /proc/self/fd link target (so a replaced fd shows);
 *  - the text of /proc/self/maps. net_snap_same ignores the [heap] and [stack]
 *    lines: malloc grows and trims the heap and deep calls grow the stack, neither
 *    a leak. Memory leaked inside the heap does not show here at all; use
 *    -fsanitize=address for that;
 *  - the XDP program ids (driver, generic, offload) of every interface in the
 *    current network namespace, and which interfaces exist;
 *  - the BPF program, map and link ids of the whole system. Other processes load
 *    and free BPF objects at any time, so net_snap_same compares these only when
 *    asked (check_ids), and net_snap_same_ids compares only these. A leaked BPF
 *    object that this process still holds shows as an fd; one attached to an
 *    interface here shows in the XDP ids; so the fd and XDP checks are safe to use
 *    when tests run in parallel and the id check is for serial runs. To check that
 *    objects whose ids a test knows are gone, use net_snap_has_id, which other
 *    processes cannot disturb.
 *
 * net_snap_take reads /proc/self/maps with read() into a buffer in .bss, so reading
 * it maps no memory; the copy kept in the snapshot is malloc'd, and if the maps text
 * ever grew past glibc's mmap threshold (128 KiB at first) the copy of the first
 * snapshot would itself show as a new mapping in the second. The first call warms
 * up (if_nameindex, libbpf, stdio) with a snapshot it throws away.
 */
struct net_snap_fd {
	int fd;
	char target[120];
};

struct net_snap_xdp {
	unsigned ifindex;
	char name[IF_NAMESIZE];
	int err;          /* errno from bpf_xdp_query, 0 if it worked */
	uint32_t drv_id;  /* native (driver) mode */
	uint32_t skb_id;  /* generic (skb) mode */
	uint32_t hw_id;   /* offloaded */
};

struct net_snap_ids {
	uint32_t *id;     /* ascending */
	size_t n;
	int err;          /* errno if the listing failed (EPERM without root), else 0 */
};

struct net_snap {
	size_t nfds;
	struct net_snap_fd *fds;   /* ascending fd numbers */
	char *maps;                /* NUL-terminated text of /proc/self/maps */
	size_t maps_len;
	size_t nxdp;
	struct net_snap_xdp *xdp;  /* ascending ifindex */
	struct net_snap_ids prog_ids, map_ids, link_ids;
};

#define NET__MAPS_MAX (1u << 20)

/*
 * NET_SNAP_MAPS is 0 under AddressSanitizer, whose allocator maps and splits its
 * regions whenever it likes: the mappings are then not compared (ASan reports
 * leaks itself). Tests that expect a mapping difference check this macro.
 */
#ifndef NET_SNAP_MAPS
#if defined(__SANITIZE_ADDRESS__)
#define NET_SNAP_MAPS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NET_SNAP_MAPS 0
#endif
#endif
#endif
#ifndef NET_SNAP_MAPS
#define NET_SNAP_MAPS 1
#endif

NET__UNUSED static int net__cmp_fd(const void *a, const void *b)
{
	const struct net_snap_fd *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

NET__UNUSED static int net__cmp_xdp(const void *a, const void *b)
{
	const struct net_snap_xdp *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

NET__UNUSED static void net__snap_fds(struct net_snap *s)
{
	char dbuf[4096];
	size_t cap = 0;
	ssize_t n, off;
	int dfd, fd;
	void *np;

	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		fprintf(stderr, "net_snap: /proc/self/fd: %s\n", strerror(errno));
		return;
	}
	/* getdents64, not opendir: no malloc'd DIR buffer */
	while ((n = getdents64(dfd, dbuf, sizeof(dbuf))) > 0) {
		for (off = 0; off < n; off += ((struct dirent64 *)(dbuf + off))->d_reclen) {
			struct dirent64 *d = (struct dirent64 *)(dbuf + off);
			struct net_snap_fd *e;
			ssize_t l;

			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			fd = atoi(d->d_name);
			if (fd == dfd)
				continue;
			if (s->nfds == cap) {
				cap = cap ? cap * 2 : 64;
				np = realloc(s->fds, cap * sizeof(*s->fds));
				if (!np)
					abort();
				s->fds = np;
			}
			e = &s->fds[s->nfds++];
			e->fd = fd;
			l = readlinkat(dfd, d->d_name, e->target, sizeof(e->target) - 1);
			e->target[l > 0 ? l : 0] = '\0';
		}
	}
	close(dfd);
	if (s->nfds)
		qsort(s->fds, s->nfds, sizeof(*s->fds), net__cmp_fd);
}

NET__UNUSED static void net__snap_maps(struct net_snap *s)
{
	static char buf[NET__MAPS_MAX];
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "net_snap: /proc/self/maps: %s\n", strerror(errno));
		return;
	}
	while (len < sizeof(buf) - 1) {
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len == sizeof(buf) - 1)
		fprintf(stderr, "net_snap: /proc/self/maps longer than %u bytes, cut\n",
			NET__MAPS_MAX - 1);
	else if (len > 96 * 1024)
		fprintf(stderr, "net_snap: /proc/self/maps is %zu bytes: the snapshot's own "
				"copy may be mmap'd and show as a difference\n", len);
	buf[len] = '\0';
	s->maps = malloc(len + 1);
	if (!s->maps)
		abort();
	memcpy(s->maps, buf, len + 1);
	s->maps_len = len;
}

NET__UNUSED static void net__snap_xdp(struct net_snap *s)
{
	struct if_nameindex *ifs, *i;
	size_t n = 0;

	ifs = if_nameindex();
	if (!ifs) {
		fprintf(stderr, "net_snap: if_nameindex: %s\n", strerror(errno));
		return;
	}
	for (i = ifs; i->if_index; i++)
		n++;
	s->xdp = calloc(n ? n : 1, sizeof(*s->xdp));
	if (!s->xdp)
		abort();
	for (i = ifs; i->if_index; i++) {
		struct net_snap_xdp *x = &s->xdp[s->nxdp++];
		LIBBPF_OPTS(bpf_xdp_query_opts, o);

		x->ifindex = i->if_index;
		snprintf(x->name, sizeof(x->name), "%s", i->if_name);
		if (bpf_xdp_query((int)i->if_index, 0, &o)) {
			x->err = errno;
			continue;
		}
		x->drv_id = o.drv_prog_id;
		x->skb_id = o.skb_prog_id;
		x->hw_id = o.hw_prog_id;
		/* one program in one mode: prog_id is set, so is the mode's own id */
		if (o.prog_id && !o.drv_prog_id && !o.skb_prog_id && !o.hw_prog_id)
			x->drv_id = o.prog_id;
	}
	if_freenameindex(ifs);
	if (s->nxdp)
		qsort(s->xdp, s->nxdp, sizeof(*s->xdp), net__cmp_xdp);
}

NET__UNUSED static void net__snap_ids(struct net_snap_ids *ids,
				      int (*next)(uint32_t, uint32_t *))
{
	uint32_t id = 0;
	size_t cap = 0;
	void *np;

	while (next(id, &id) == 0) {
		if (ids->n == cap) {
			cap = cap ? cap * 2 : 256;
			np = realloc(ids->id, cap * sizeof(*ids->id));
			if (!np)
				abort();
			ids->id = np;
		}
		ids->id[ids->n++] = id;
	}
	if (errno != ENOENT)
		ids->err = errno;
}

NET__UNUSED static void net__snap_take(struct net_snap *s)
{
	int err = errno;

	memset(s, 0, sizeof(*s));
	net__snap_fds(s);
	net__snap_maps(s);
	net__snap_xdp(s);
	net__snap_ids(&s->prog_ids, bpf_prog_get_next_id);
	net__snap_ids(&s->map_ids, bpf_map_get_next_id);
	net__snap_ids(&s->link_ids, bpf_link_get_next_id);
	errno = err;
}

NET__UNUSED static void net_snap_free(struct net_snap *s)
{
	free(s->fds);
	free(s->maps);
	free(s->xdp);
	free(s->prog_ids.id);
	free(s->map_ids.id);
	free(s->link_ids.id);
	memset(s, 0, sizeof(*s));
}

NET__UNUSED static void net_snap_take(struct net_snap *s)
{
	static int warm;

	if (!warm) {
		warm = 1;
		net__snap_take(s);
		net_snap_free(s);
	}
	net__snap_take(s);
}

/* What an id is, for the report: "xsk_redirect (prog type 6)" */
NET__UNUSED static void net__id_desc(char kind, uint32_t id, char *buf, size_t len)
{
	union { struct bpf_prog_info p; struct bpf_map_info m; struct bpf_link_info l; } u;
	uint32_t ilen = sizeof(u);
	int fd;

	buf[0] = '\0';
	memset(&u, 0, sizeof(u));
	fd = kind == 'p' ? bpf_prog_get_fd_by_id(id)
	   : kind == 'm' ? bpf_map_get_fd_by_id(id) : bpf_link_get_fd_by_id(id);
	if (fd < 0)
		return;
	if (bpf_obj_get_info_by_fd(fd, &u, &ilen) == 0) {
		if (kind == 'p')
			snprintf(buf, len, " (%s, type %u)", u.p.name, u.p.type);
		else if (kind == 'm')
			snprintf(buf, len, " (%s, type %u)", u.m.name, u.m.type);
		else
			snprintf(buf, len, " (link type %u, prog id %u)", u.l.type,
				 u.l.prog_id);
	}
	close(fd);
}

NET__UNUSED static int net__same_idset(const char *what, char kind,
				       const struct net_snap_ids *a,
				       const struct net_snap_ids *b)
{
	size_t i = 0, j = 0;
	char desc[128];
	int same = 1;

	if (a->err || b->err) {
		printf("net_snap: cannot list %s ids: %s\n", what,
		       strerror(a->err ? a->err : b->err));
		return 0;
	}
	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->id[i] < b->id[j])) {
			printf("net_snap: %s id %u disappeared\n", what, a->id[i++]);
			same = 0;
		} else if (i == a->n || b->id[j] < a->id[i]) {
			net__id_desc(kind, b->id[j], desc, sizeof(desc));
			printf("net_snap: %s id %u appeared%s\n", what, b->id[j++], desc);
			same = 0;
		} else {
			i++;
			j++;
		}
	}
	return same;
}

/*
 * Compares only the system-wide BPF prog, map and link ids; prints each id that
 * appeared or disappeared. 1 if the same, else 0.
 */
NET__UNUSED static int net_snap_same_ids(const struct net_snap *a, const struct net_snap *b)
{
	int same = 1;

	same &= net__same_idset("BPF prog", 'p', &a->prog_ids, &b->prog_ids);
	same &= net__same_idset("BPF map", 'm', &a->map_ids, &b->map_ids);
	same &= net__same_idset("BPF link", 'l', &a->link_ids, &b->link_ids);
	return same;
}

/* 1 if id is in the list (e.g. s.prog_ids), else 0. */
NET__UNUSED static int net_snap_has_id(const struct net_snap_ids *ids, uint32_t id)
{
	size_t lo = 0, hi = ids->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids->id[mid] == id)
			return 1;
		if (ids->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

NET__UNUSED static int net__maps_volatile(const char *line, size_t len)
{
	return (len >= 6 && memcmp(line + len - 6, "[heap]", 6) == 0) ||
	       (len >= 7 && memcmp(line + len - 7, "[stack]", 7) == 0);
}

struct net__line {
	const char *p;
	size_t len;
	int matched;
};

NET__UNUSED static struct net__line *net__split(const char *text, size_t *n)
{
	struct net__line *l;
	const char *p, *e;
	size_t cap = 1;

	for (p = text; *p; p++)
		cap += *p == '\n';
	l = calloc(cap, sizeof(*l));
	if (!l)
		abort();
	*n = 0;
	for (p = text; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (net__maps_volatile(p, (size_t)(e - p)))
			continue;
		l[*n].p = p;
		l[*n].len = (size_t)(e - p);
		(*n)++;
	}
	return l;
}

NET__UNUSED static int net__same_maps(const struct net_snap *a, const struct net_snap *b)
{
	struct net__line *la, *lb;
	size_t na, nb, i, j;
	int same = 1;

	if (!NET_SNAP_MAPS)
		return 1;
	if (!a->maps || !b->maps)
		return a->maps == b->maps;
	la = net__split(a->maps, &na);
	lb = net__split(b->maps, &nb);
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (!lb[j].matched && la[i].len == lb[j].len &&
			    memcmp(la[i].p, lb[j].p, la[i].len) == 0) {
				la[i].matched = lb[j].matched = 1;
				break;
			}
	for (i = 0; i < na; i++)
		if (!la[i].matched) {
			printf("net_snap: mapping gone: %.*s\n", (int)la[i].len, la[i].p);
			same = 0;
		}
	for (j = 0; j < nb; j++)
		if (!lb[j].matched) {
			printf("net_snap: mapping new:  %.*s\n", (int)lb[j].len, lb[j].p);
			same = 0;
		}
	free(la);
	free(lb);
	return same;
}

NET__UNUSED static int net__same_fds(const struct net_snap *a, const struct net_snap *b)
{
	size_t i = 0, j = 0;
	int same = 1;

	if (a->nfds != b->nfds) {
		printf("net_snap: open fds: %zu before, %zu after\n", a->nfds, b->nfds);
		same = 0;
	}
	while (i < a->nfds || j < b->nfds) {
		if (j == b->nfds || (i < a->nfds && a->fds[i].fd < b->fds[j].fd)) {
			printf("net_snap: fd %d closed (was %s)\n", a->fds[i].fd,
			       a->fds[i].target);
			i++;
			same = 0;
		} else if (i == a->nfds || b->fds[j].fd < a->fds[i].fd) {
			printf("net_snap: fd %d opened: %s\n", b->fds[j].fd, b->fds[j].target);
			j++;
			same = 0;
		} else {
			if (strcmp(a->fds[i].target, b->fds[j].target)) {
				printf("net_snap: fd %d was %s, is %s\n", a->fds[i].fd,
				       a->fds[i].target, b->fds[j].target);
				same = 0;
			}
			i++;
			j++;
		}
	}
	return same;
}

NET__UNUSED static int net__same_xdp(const struct net_snap *a, const struct net_snap *b)
{
	static const char *const mode[3] = { "native", "generic", "offload" };
	size_t i = 0, j = 0;
	int same = 1, m;

	while (i < a->nxdp || j < b->nxdp) {
		const struct net_snap_xdp *x = i < a->nxdp ? &a->xdp[i] : NULL;
		const struct net_snap_xdp *y = j < b->nxdp ? &b->xdp[j] : NULL;

		if (!y || (x && x->ifindex < y->ifindex)) {
			printf("net_snap: interface %u (%s) gone\n", x->ifindex, x->name);
			i++;
			same = 0;
			continue;
		}
		if (!x || y->ifindex < x->ifindex) {
			printf("net_snap: interface %u (%s) new\n", y->ifindex, y->name);
			if (y->drv_id || y->skb_id || y->hw_id)
				printf("net_snap: ... with XDP prog ids %u/%u/%u\n", y->drv_id,
				       y->skb_id, y->hw_id);
			j++;
			same = 0;
			continue;
		}
		if (x->err || y->err) {
			printf("net_snap: interface %u (%s): bpf_xdp_query: %s\n", x->ifindex,
			       x->name, strerror(x->err ? x->err : y->err));
			same = 0;
		}
		for (m = 0; m < 3; m++) {
			uint32_t u = m == 0 ? x->drv_id : m == 1 ? x->skb_id : x->hw_id;
			uint32_t v = m == 0 ? y->drv_id : m == 1 ? y->skb_id : y->hw_id;

			if (u != v) {
				printf("net_snap: interface %u (%s): %s XDP prog id %u -> %u\n",
				       x->ifindex, x->name, mode[m], u, v);
				same = 0;
			}
		}
		i++;
		j++;
	}
	return same;
}

/*
 * Compares two snapshots and prints every difference (fds, mappings, interfaces and
 * their XDP programs, and with check_ids the system's BPF ids). 1 if the same.
 */
NET__UNUSED static int net_snap_same(const struct net_snap *a, const struct net_snap *b,
				     int check_ids)
{
	int err = errno, same = 1;

	same &= net__same_fds(a, b);
	same &= net__same_maps(a, b);
	same &= net__same_xdp(a, b);
	if (check_ids)
		same &= net_snap_same_ids(a, b);
	fflush(stdout);
	errno = err;
	return same;
}

#endif /* NET_H */
