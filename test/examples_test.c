/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The example programs, run as a user runs them: build/rxcount and build/l2fwd are
 * started as child processes on one end of a veth pair in a fresh network namespace
 * (they inherit it), test frames are sent from the other end with AF_PACKET, and
 * what the programs print and how they exit is checked.
 */
#include "net.h"
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>

#define FRAMES 1000
#define FRAME_LEN 100
#define BATCH 25

static char bindir[PATH_MAX]; /* build/, where the examples are */

/* build/test/examples_test -> build */
static void find_bindir(void)
{
	ssize_t n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	char *slash;
	int i;

	if (n <= 0) {
		printf("readlink /proc/self/exe: %s\n", strerror(errno));
		exit(1);
	}
	bindir[n] = '\0';
	for (i = 0; i < 2; i++) {
		slash = strrchr(bindir, '/');
		if (!slash || slash == bindir) {
			printf("cannot find build/ above %s\n", bindir);
			exit(1);
		}
		*slash = '\0';
	}
}

static void sandbox_veth(void)
{
	net_sandbox(); /* each sub-test gets a namespace of its own */
	REQUIRE(net_veth("xa0", "xb0", 1) == 0);
}

/* ---- a child process and its output -------------------------------------------- */

struct child {
	pid_t pid;
	int out, err;       /* read ends of its stdout and stderr; -1 at EOF */
	char obuf[16384];   /* everything it wrote, NUL-terminated */
	size_t olen, otaken; /* otaken: bytes of obuf already returned as lines */
	char ebuf[4096];
	size_t elen;
	int status;         /* exit status once reaped; -1 if it died of a signal */
};

/* Starts bindir/name with its arguments (up to 6, then NULL). 0 or -1. */
static int child_start(struct child *c, const char *name, ...)
{
	char path[PATH_MAX + 32];
	char *argv[8];
	int po[2], pe[2], i = 1;
	va_list ap;

	memset(c, 0, sizeof(*c));
	c->pid = -1;
	c->out = c->err = -1;
	snprintf(path, sizeof(path), "%s/%s", bindir, name);
	if (access(path, X_OK)) {
		printf("%s: %s (run make first)\n", path, strerror(errno));
		return -1;
	}
	argv[0] = path;
	va_start(ap, name);
	while (i < 7 && (argv[i] = va_arg(ap, char *)))
		i++;
	va_end(ap);
	argv[i] = NULL;
	if (pipe2(po, O_CLOEXEC))
		return -1;
	if (pipe2(pe, O_CLOEXEC)) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	fflush(stdout);
	c->pid = fork();
	if (c->pid == 0) {
		/* Dies with the test, whatever ends it: it leaves nothing running. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(path, argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	if (c->pid < 0) {
		close(po[0]);
		close(pe[0]);
		return -1;
	}
	c->out = po[0];
	c->err = pe[0];
	return 0;
}

/* Reads what the child wrote, waiting at most timeout_ms for something to come. */
static void child_pump(struct child *c, int timeout_ms)
{
	struct pollfd p[2];
	int n = 0, i;

	if (c->out >= 0)
		p[n++] = (struct pollfd){ .fd = c->out, .events = POLLIN };
	if (c->err >= 0)
		p[n++] = (struct pollfd){ .fd = c->err, .events = POLLIN };
	if (!n || poll(p, (nfds_t)n, timeout_ms) <= 0)
		return;
	for (i = 0; i < n; i++) {
		int is_out = p[i].fd == c->out;
		char *buf = is_out ? c->obuf : c->ebuf;
		size_t *len = is_out ? &c->olen : &c->elen;
		size_t cap = is_out ? sizeof(c->obuf) : sizeof(c->ebuf);
		char junk[512];
		ssize_t r;

		if (!p[i].revents)
			continue;
		if (*len < cap - 1)
			r = read(p[i].fd, buf + *len, cap - 1 - *len);
		else
			r = read(p[i].fd, junk, sizeof(junk)); /* keep the start only */
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(p[i].fd);
			if (is_out)
				c->out = -1;
			else
				c->err = -1;
			continue;
		}
		if (*len < cap - 1)
			*len += (size_t)r;
		buf[*len] = '\0';
	}
}

/* The next line of the child's stdout (without '\n'), waiting up to timeout_ms.
 * 0, or -1 if none came (timeout or end of output). */
static int child_line(struct child *c, char *line, size_t len, int timeout_ms)
{
	long long end = net__now_ms() + timeout_ms;

	for (;;) {
		char *nl = memchr(c->obuf + c->otaken, '\n', c->olen - c->otaken);

		if (nl) {
			size_t n = (size_t)(nl - (c->obuf + c->otaken));

			snprintf(line, len, "%.*s", (int)n, c->obuf + c->otaken);
			c->otaken += n + 1;
			return 0;
		}
		if (c->out < 0 || net__now_ms() >= end)
			return -1;
		child_pump(c, (int)(end - net__now_ms()));
	}
}

/* Collects all output and reaps the child; after timeout_ms it is killed. Returns
 * its exit status, or -1 if a signal ended it. */
static int child_wait(struct child *c, int timeout_ms)
{
	long long end = net__now_ms() + timeout_ms;
	int st, killed = 0;

	if (c->pid <= 0)
		return c->status;
	while (c->out >= 0 || c->err >= 0) {
		if (!killed && net__now_ms() >= end) {
			printf("child %d still running after %d ms: killing it\n", (int)c->pid,
			       timeout_ms);
			kill(c->pid, SIGKILL);
			killed = 1;
		}
		child_pump(c, 100);
	}
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	c->pid = -1;
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return c->status;
}

/* Ends a child that is still running (a test that failed half-way). */
static void child_stop(struct child *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		child_wait(c, 5000);
	}
	if (c->out >= 0)
		close(c->out);
	if (c->err >= 0)
		close(c->err);
	c->out = c->err = -1;
}

static void child_dump(const struct child *c, const char *name)
{
	printf("--- %s stdout ---\n%s--- %s stderr ---\n%s---\n", name, c->obuf, name,
	       c->ebuf);
}

/* The child's "total:" line, from the start of a line of its stdout. */
static const char *total_line(const struct child *c)
{
	const char *p = c->obuf;

	while (p) {
		if (!strncmp(p, "total:", 6))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* Sends test frames first .. first+n-1 from fd, FRAME_LEN bytes each. */
static int send_frames(int fd, uint32_t first, uint32_t n)
{
	unsigned char frame[FRAME_LEN];
	uint32_t i;

	for (i = 0; i < n; i++)
		if (net_pkt_send(fd, frame, net_frame(frame, sizeof(frame), first + i)))
			return -1;
	return 0;
}


/* An IPv4/UDP frame to port dport, FRAME_LEN bytes, carrying seq; returns its length.
 * (The IPv4 checksum is left 0: XDP and AF_XDP don't check it.) */
static size_t udp_frame(unsigned char *f, uint16_t dport, uint32_t seq)
{
	memset(f, 0, FRAME_LEN);
	memcpy(f, NET_MAC_DST, 6);
	memcpy(f + 6, NET_MAC_SRC, 6);
	f[12] = 0x08;                       /* IPv4 */
	f[14] = 0x45;                       /* version 4, 20-byte header */
	f[17] = FRAME_LEN - 14;             /* total length */
	f[22] = 64;                         /* TTL */
	f[23] = 17;                         /* UDP */
	f[34 + 2] = (unsigned char)(dport >> 8);
	f[34 + 3] = (unsigned char)dport;
	f[34 + 5] = FRAME_LEN - 34;         /* UDP length */
	memcpy(f + 42, &seq, sizeof(seq));
	return FRAME_LEN;
}

/* ---- tests ------------------------------------------------------------------- */

/* rxcount counts exactly the 1000 frames sent to its queue, then stops by itself. */
static void test_rxcount(void)
{
	unsigned long long pkts = 0, bytes = 0;
	struct child c;
	char line[256];
	const char *t;
	int pkt, reports = 0;
	uint32_t sent;

	sandbox_veth();
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	REQUIRE(child_start(&c, "rxcount", "xa0", "0", "3", NULL) == 0);
	if (!CHECK(child_line(&c, line, sizeof(line), 5000) == 0))
		goto out;
	CHECK(strcmp(line, "xa0 queue 0: native XDP, copy mode") == 0);
	/* Paced: a burst larger than veth's ring (256 frames) would drop frames. */
	for (sent = 0; sent < FRAMES; sent += BATCH) {
		if (!CHECK(send_frames(pkt, sent, BATCH) == 0))
			goto out;
		net__sleep_ms(2);
	}
	CHECK_EQ(child_wait(&c, 10000), 0);
	t = total_line(&c);
	if (CHECK(t != NULL) && CHECK_EQ(sscanf(t, "total: %llu packets, %llu bytes", &pkts,
						 &bytes), 2)) {
		CHECK_EQ(pkts, FRAMES);
		CHECK_EQ(bytes, FRAMES * FRAME_LEN);
	}
	CHECK(strstr(c.obuf, "\ndropped: 0, rx ring full: 0, fill ring empty: 0\n") != NULL);
	/* Once a second for 3 seconds; the line of the last second may be cut off. */
	while (child_line(&c, line, sizeof(line), 0) == 0) {
		unsigned long long p, b;

		if (sscanf(line, "%llu pkts, %llu bytes", &p, &b) == 2)
			reports++;
	}
	CHECK(reports >= 2 && reports <= 3);
	CHECK(net_wait_no_xdp(net_ifindex("xa0"), 2000) == 0); /* it cleaned up */
out:
	child_stop(&c);
	if (t__test_failed)
		child_dump(&c, "rxcount");
	close(pkt);
}

/* rxcount without SECONDS runs until SIGTERM, then reports and exits 0. */
static void test_rxcount_signal(void)
{
	struct child c;
	char line[256];

	sandbox_veth();
	REQUIRE(child_start(&c, "rxcount", "xa0", NULL, NULL) == 0);
	if (!CHECK(child_line(&c, line, sizeof(line), 5000) == 0))
		goto out;
	net__sleep_ms(200);
	CHECK_EQ(kill(c.pid, SIGTERM), 0);
	CHECK_EQ(child_wait(&c, 5000), 0);
	CHECK(total_line(&c) && !strcmp(total_line(&c), "total: 0 packets, 0 bytes\n"));
	CHECK(net_wait_no_xdp(net_ifindex("xa0"), 2000) == 0);
out:
	child_stop(&c);
	if (t__test_failed)
		child_dump(&c, "rxcount");
}

/* l2fwd sends each of 1000 frames back once, in order, MACs swapped, payload intact;
 * Ctrl-C (SIGINT) ends it. */
static void test_l2fwd(void)
{
	unsigned long long fwd = 0;
	unsigned char buf[2048];
	struct child c;
	char line[256];
	const char *t;
	uint32_t sent, seq = 0, i;
	int pkt;

	sandbox_veth();
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	REQUIRE(child_start(&c, "l2fwd", "xa0", NULL, NULL) == 0);
	if (!CHECK(child_line(&c, line, sizeof(line), 5000) == 0))
		goto out;
	CHECK(strcmp(line, "xa0 queue 0: native XDP, copy mode") == 0);
	for (sent = 0; sent < FRAMES; sent += BATCH) {
		if (!CHECK(send_frames(pkt, sent, BATCH) == 0))
			goto out;
		/* net_pkt_recv_ours skips what xb0 sent itself (PACKET_OUTGOING) and
		 * other EtherTypes; the frames l2fwd sent back arrive as incoming. */
		for (i = 0; i < BATCH; i++) {
			ssize_t n = net_pkt_recv_ours(pkt, buf, sizeof(buf), 2000);
			uint32_t s = UINT32_MAX;

			if (!CHECK_EQ(n, FRAME_LEN))
				goto out;
			/* Swapped: dst is the sender's src and src its dst. */
			if (!CHECK(!memcmp(buf, NET_MAC_SRC, 6) && !memcmp(buf + 6, NET_MAC_DST, 6)))
				goto out;
			memcpy(buf, NET_MAC_DST, 6); /* swap back for net_frame_check */
			memcpy(buf + 6, NET_MAC_SRC, 6);
			if (!CHECK(net_frame_check(buf, (size_t)n, &s) == 0) || !CHECK_EQ(s, seq))
				goto out;
			seq++;
		}
	}
	CHECK_EQ(seq, FRAMES);
	/* Each came back once: nothing more arrives. */
	CHECK(net_pkt_recv_ours(pkt, buf, sizeof(buf), 300) < 0 && errno == ETIMEDOUT);
	CHECK_EQ(kill(c.pid, SIGINT), 0);
	CHECK_EQ(child_wait(&c, 5000), 0);
	t = total_line(&c);
	if (CHECK(t != NULL) && CHECK_EQ(sscanf(t, "total: %llu packets forwarded", &fwd), 1))
		CHECK_EQ(fwd, FRAMES);
	CHECK(net_wait_no_xdp(net_ifindex("xa0"), 2000) == 0);
out:
	child_stop(&c);
	if (t__test_failed)
		child_dump(&c, "l2fwd");
	close(pkt);
}

/* On an interface that does not exist both say so on stderr and exit 1. */
static void test_no_interface(void)
{
	static const char *const progs[] = { "rxcount", "l2fwd" };
	struct child c;
	size_t i;

	net_sandbox();
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		REQUIRE(child_start(&c, progs[i], "nosuch0", "0", "1", NULL) == 0);
		CHECK_EQ(child_wait(&c, 5000), 1);
		/* what failed, and what to do (from xsk_diag) */
		CHECK(strstr(c.ebuf, "no interface named nosuch0 (ip link shows") != NULL);
		CHECK(total_line(&c) == NULL);
		if (t__test_failed)
			child_dump(&c, progs[i]);
		child_stop(&c);
	}
}

/* rxcount with a UDP port: only UDP to that port arrives; the test frames and UDP to
 * another port go to the stack, and the program's counters it prints say so. */
static void test_rxcount_filter(void)
{
	unsigned long long pkts = 0, bytes = 0, to_socket = 0, filtered = 0, no_socket = 0;
	unsigned char frame[FRAME_LEN];
	struct child c;
	char line[256];
	const char *t;
	uint32_t i;
	int pkt;

	sandbox_veth();
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	REQUIRE(child_start(&c, "rxcount", "xa0", "0", "2", "4789", NULL) == 0);
	if (!CHECK(child_line(&c, line, sizeof(line), 5000) == 0))
		goto out;
	for (i = 0; i < 100; i++) {
		if (!CHECK_EQ(net_pkt_send(pkt, frame, udp_frame(frame, 4789, i)), 0) ||
		    !CHECK_EQ(net_pkt_send(pkt, frame, udp_frame(frame, 4790, i)), 0) ||
		    !CHECK_EQ(send_frames(pkt, i, 1), 0))
			goto out;
		if (i % 25 == 24)
			net__sleep_ms(2); /* paced: veth's ring takes 256 frames */
	}
	CHECK_EQ(child_wait(&c, 10000), 0);
	t = total_line(&c);
	if (CHECK(t != NULL) && CHECK_EQ(sscanf(t, "total: %llu packets, %llu bytes", &pkts,
						 &bytes), 2))
		CHECK_EQ(pkts, 100);
	t = strstr(c.obuf, "\nprogram: ");
	if (CHECK(t != NULL) &&
	    CHECK_EQ(sscanf(t, "\nprogram: %llu to the socket, %llu to the stack as filtered "
			    "out, %llu to the stack for want of a socket", &to_socket, &filtered,
			    &no_socket), 3)) {
		CHECK_EQ(to_socket, 100);
		CHECK(filtered >= 200); /* ours; IPv6 is off, but the kernel may send more */
		CHECK_EQ(no_socket, 0);
	}
out:
	child_stop(&c);
	if (t__test_failed)
		child_dump(&c, "rxcount");
	close(pkt);
}

/* xskdump writes the 50 frames it captures to a pcap file that tcpdump reads back:
 * 50 packets, each with the test EtherType and length. */
static void test_xskdump(void)
{
	char path[] = "/tmp/xskdump-test-XXXXXX", cmd[128], line[512];
	struct child c;
	int fd, pkt, n = 0;
	FILE *p;

	sandbox_veth();
	fd = mkstemp(path);
	REQUIRE(fd >= 0);
	close(fd);
	pkt = net_pkt_sock("xb0");
	REQUIRE(pkt >= 0);
	REQUIRE(child_start(&c, "xskdump", "xa0", path, "50", NULL) == 0);
	if (CHECK(child_line(&c, line, sizeof(line), 5000) == 0)) /* "capturing ..." */
		CHECK_EQ(send_frames(pkt, 0, 50), 0);
	CHECK_EQ(child_wait(&c, 10000), 0);
	CHECK(strstr(c.obuf, "captured: 50 packets\n") != NULL);
	snprintf(cmd, sizeof(cmd), "tcpdump -n -r %s 2>/dev/null", path);
	p = popen(cmd, "r");
	if (CHECK(p != NULL)) {
		while (fgets(line, sizeof(line), p))
			n += strstr(line, "ethertype Unknown (0x88b5), length 100") != NULL;
		CHECK_EQ(pclose(p), 0);
	}
	CHECK_EQ(n, 50);
	child_stop(&c);
	if (t__test_failed)
		child_dump(&c, "xskdump");
	unlink(path);
	close(pkt);
}

/*
 * The peer of test_udpecho, a forked child in a network namespace of its own (so its
 * datagrams to 10.9.0.1 cross the veth instead of taking the local route). Once the
 * parent has moved xb0 in and says go (a byte on `go`), it sends n datagrams with a
 * normal UDP socket and checks each echo. Its exit status: how many went wrong.
 */
static int echo_peer(int ready, int go, int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 2 };
	char c, buf[64], back[64];
	int fd, i, bad = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNET) || write(ready, "u", 1) != 1 || read(go, &c, 1) != 1)
		return 100;
	if (net__set_up("lo") || net__no_ipv6("xb0") ||
	    net__ip("addr", "add", "10.9.0.2/24", "dev", "xb0", NULL) || net__set_up("xb0"))
		return 101;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return 102;
	to.sin_addr.s_addr = htonl(0x0a090001); /* 10.9.0.1 */
	to.sin_port = htons(7777);
	for (i = 0; i < n; i++) {
		int len = snprintf(buf, sizeof(buf), "datagram %d", i);

		memset(back, 0, sizeof(back));
		if (sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) != len ||
		    recv(fd, back, sizeof(back), 0) != len || memcmp(buf, back, (size_t)len))
			bad++;
	}
	return bad > 99 ? 99 : bad;
}

/* udpecho answers a normal UDP socket on the other end of the veth: 50 datagrams, each
 * echoed once; ARP on the way goes through the kernel as usual. */
static void test_udpecho(void)
{
	int ready[2], go[2], st = -1, pid_ok;
	char line[256], pidbuf[16], c;
	unsigned long long echoed = 0;
	struct child c1;
	const char *t;
	pid_t peer;

	sandbox_veth();
	REQUIRE(net__ip("addr", "add", "10.9.0.1/24", "dev", "xa0", NULL) == 0);
	REQUIRE(pipe2(ready, O_CLOEXEC) == 0 && pipe2(go, O_CLOEXEC) == 0);
	fflush(stdout);
	peer = fork();
	if (peer == 0)
		_exit(echo_peer(ready[1], go[0], 50));
	REQUIRE(peer > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)peer);
	pid_ok = CHECK(read(ready[0], &c, 1) == 1) &&
		 CHECK_EQ(net__ip("link", "set", "xb0", "netns", pidbuf, NULL), 0);
	if (CHECK_EQ(child_start(&c1, "udpecho", "xa0", "7777", NULL), 0) &&
	    CHECK(child_line(&c1, line, sizeof(line), 5000) == 0) && pid_ok) {
		CHECK(strcmp(line, "echoing UDP port 7777 on xa0 queue 0") == 0);
		CHECK(write(go[1], "g", 1) == 1);
		CHECK_EQ(waitpid(peer, &st, 0), peer);
		peer = -1;
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 0); /* every datagram came back as sent */
		CHECK_EQ(kill(c1.pid, SIGINT), 0);
		CHECK_EQ(child_wait(&c1, 5000), 0);
		t = total_line(&c1);
		if (CHECK(t != NULL) &&
		    CHECK_EQ(sscanf(t, "total: %llu datagrams echoed", &echoed), 1))
			CHECK_EQ(echoed, 50);
	}
	if (peer > 0) {
		kill(peer, SIGKILL);
		waitpid(peer, NULL, 0);
	}
	child_stop(&c1);
	if (t__test_failed)
		child_dump(&c1, "udpecho");
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

/* demo --rate: the generator's frames arrive, a rate is printed each second, exit 0. */
static void test_demo_rate(void)
{
	double mpps = 0;
	struct child c;
	const char *t;
	int lines = 0;
	char line[256];

	REQUIRE(child_start(&c, "demo", "--rate", "2", NULL) == 0);
	CHECK_EQ(child_wait(&c, 20000), 0);
	while (child_line(&c, line, sizeof(line), 0) == 0)
		lines += strstr(line, " Mpps") && line[0] == ' ';
	CHECK(lines >= 1);
	t = strstr(c.obuf, "frames in ");
	if (CHECK(t != NULL) && CHECK(sscanf(strstr(t, ": ") ? strstr(t, ": ") : t, ": %lf Mpps",
					     &mpps) == 1))
		CHECK(mpps > 0.1); /* a generator far below its speed would be a fault */
	child_stop(&c);
	if (t__test_failed)
		child_dump(&c, "demo");
}

int main(void)
{
	t_need_root();
	find_bindir();
	T_RUN(test_rxcount);
	T_RUN(test_rxcount_signal);
	T_RUN(test_l2fwd);
	T_RUN(test_rxcount_filter);
	T_RUN(test_xskdump);
	T_RUN(test_udpecho);
	T_RUN(test_demo_rate);
	T_RUN(test_no_interface);
	return t_done();
}
