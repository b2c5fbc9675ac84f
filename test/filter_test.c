/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The filter end to end: xsk_queue__open with a struct xsk_filter on a veth pair, in
 * native and in generic XDP mode. What matches arrives on the handle, byte for byte as
 * sent; everything else reaches the kernel stack, so that TCP (SSH, say) and ARP on the
 * same interface keep working; and the program's counters say exactly how many packets
 * went where. First real traffic between two network namespaces, then each field of
 * the filter on frames crafted with AF_PACKET (EtherType, VLAN id, port ranges, IPv6),
 * then one program shared by the handles of two queues, as long as they ask for the
 * same filter. After each test every frame is back in the pool or on the fill ring.
 */
#include "rig.h"
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/prctl.h>

/* ---- what a test holds -------------------------------------------------------- */

/*
 * REQUIRE leaves a test at once, past its cleanup: so each test keeps what it opens
 * here, and cleanup() (after every test, passed or failed) closes it and kills the
 * forked peer. A test closes its handles itself where it checks what closing does.
 */
static struct {
	struct xsk_queue *q[2];
	int fd[16];
	int nfd;
	pid_t peer;
} held;

static int keep(int fd)
{
	if (fd >= 0 && held.nfd < (int)(sizeof(held.fd) / sizeof(held.fd[0])))
		held.fd[held.nfd++] = fd;
	return fd;
}

/* Closes fd, which keep() holds, and lets go of it. */
static void unkeep(int fd)
{
	int i;

	for (i = 0; i < held.nfd; i++)
		if (held.fd[i] == fd) {
			held.fd[i] = held.fd[--held.nfd];
			close(fd);
			return;
		}
}

static void close_q(int i)
{
	xsk_queue__close(held.q[i]);
	held.q[i] = NULL;
}

static void cleanup(void)
{
	if (held.peer > 0) {
		kill(held.peer, SIGKILL);
		waitpid(held.peer, NULL, 0);
	}
	held.peer = 0;
	while (held.nfd)
		close(held.fd[--held.nfd]);
	close_q(0);
	close_q(1);
}

static void sandbox_veth(unsigned queues)
{
	net_sandbox();
	REQUIRE(net_veth("xa0", "xb0", queues) == 0);
}

/* Opens held.q[i] on xa0 with filter f (NULL: none) in the mode of the test running;
 * small, since no test here receives more than a few dozen packets at a time. */
static int open_q(int i, __u32 queue, const struct xsk_filter *f)
{
	XSK_QUEUE_OPTS(o, .xdp_flags = rig_mode->xdp_flags, .frames = 512, .ring_size = 256,
		       .filter = f);

	return xsk_queue__open(&held.q[i], "xa0", queue, &o);
}

/* Waits until every frame is back: in the pool, or lent to the fill ring. 0 or -1
 * (printing where they are). */
static int ledger_settled(struct xsk_queue *q)
{
	long long end = net__now_ms() + 2000;
	struct xsk_frames f;

	for (;;) {
		xsk_queue__complete(q);
		xsk_queue__frames(q, &f);
		if (!f.app && !f.rx && !f.tx && !f.comp && !f.kernel && f.pool + f.fill == f.total)
			return 0;
		if (net__now_ms() > end) {
			printf("ledger: total %u pool %u app %u fill %u rx %u tx %u comp %u "
			       "kernel %u\n", f.total, f.pool, f.app, f.fill, f.rx, f.tx, f.comp,
			       f.kernel);
			return -1;
		}
		net__sleep_ms(1);
	}
}

/* The program's counters for q's queue, less those of `base`. */
struct counts {
	__u64 redirected, no_socket, filtered;
};

static struct counts counted(struct xsk_queue *q, const struct counts *base)
{
	struct xsk_queue_stats s;
	struct counts c = { 0, 0, 0 };

	if (!CHECK_EQ(xsk_queue__stats(q, &s), 0))
		return c;
	c.redirected = s.redirected - (base ? base->redirected : 0);
	c.no_socket = s.no_socket - (base ? base->no_socket : 0);
	c.filtered = s.filtered - (base ? base->filtered : 0);
	return c;
}

/* The counters once the program has seen at least n packets since `base`, or after
 * 2 s: the kernel hands packets to XDP a little after the sender's call returns. */
static struct counts counted_n(struct xsk_queue *q, const struct counts *base, __u64 n)
{
	long long end = net__now_ms() + 2000;
	struct counts c;

	for (;;) {
		c = counted(q, base);
		if (c.redirected + c.no_socket + c.filtered >= n || net__now_ms() > end)
			return c;
		net__sleep_ms(1);
	}
}

/* Reads exactly len bytes within timeout_ms: 0, or -1 (timeout, end of file, error). */
static int read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	long long end = net__now_ms() + timeout_ms;
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = end - net__now_ms();
		ssize_t r;

		if (left < 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		r = read(fd, (char *)buf + got, len - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* ---- SSH keeps working ---------------------------------------------------------- */

#define SSH_PORT 2222
#define XSK_PORT 4789
#define STACK_PORT 5000
#define N_XSK 64   /* UDP datagrams to XSK_PORT: to the handle */
#define N_STACK 16 /* UDP datagrams to STACK_PORT: to the stack's socket */
#define PING "SSH-2.0-peer: hello from the other namespace"
#define PONG "SSH-2.0-xsk: hello back from the AF_XDP side"

/* The steps of the parent and the peer, one byte each way on two pipes. */
enum {
	PEER_UNSHARED = 'u', /* peer: in a namespace of its own */
	PEER_MOVED = 'm',    /* test: xb0 is there */
	PEER_READY = 'r',    /* peer: xb0 configured, down, its frames counted from now */
	PEER_GO = 'g',       /* test: the handle and sockets are ready */
	PEER_BYE = 'b',      /* test: done with xa0 */
};

/* What the peer sent out of xb0, counted by an AF_PACKET socket there: every frame xb0
 * transmits crosses the veth to xa0, so this is what xa0's program must have seen. */
struct peer_sent {
	__u32 arp, tcp, udp_xsk, udp_stack, other;
};

static int peer_fail(const char *what)
{
	printf("peer: %s failed (%s)\n", what, errno ? strerror(errno) : "no errno");
	fflush(stdout);
	return 1;
}

/* Counts the frames xb0 sent (the socket sees those received too: not counted); 0,
 * or -1 if reading failed. */
static int peer_count(int tap, struct peer_sent *s)
{
	unsigned char b[2048];
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	ssize_t n;

	memset(s, 0, sizeof(*s));
	while ((n = recvfrom(tap, b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&sll,
			     &sl)) >= 0) {
		unsigned l4 = ETH_HLEN + 20, port = 0;

		sl = sizeof(sll);
		if (sll.sll_pkttype != PACKET_OUTGOING)
			continue;
		if (n >= ETH_HLEN + 20 && get16(b + 12) == ETH_P_IP) {
			l4 = ETH_HLEN + (b[ETH_HLEN] & 0xf) * 4u;
			if ((size_t)n >= l4 + 4)
				port = get16(b + l4 + 2);
		}
		if (n >= ETH_HLEN && get16(b + 12) == ETH_P_ARP)
			s->arp++;
		else if (n < ETH_HLEN + 20 || get16(b + 12) != ETH_P_IP)
			s->other++;
		else if (b[ETH_HLEN + 9] == IPPROTO_TCP)
			s->tcp++;
		else if (b[ETH_HLEN + 9] == IPPROTO_UDP && port == XSK_PORT)
			s->udp_xsk++;
		else if (b[ETH_HLEN + 9] == IPPROTO_UDP && port == STACK_PORT)
			s->udp_stack++;
		else
			s->other++;
	}
	return errno == EAGAIN ? 0 : -1;
}

/*
 * The peer, a forked child in a network namespace of its own, so that its packets
 * to 10.9.0.1 really cross the veth instead of taking the local route: it connects
 * to SSH_PORT and talks both ways, sends N_XSK datagrams to XSK_PORT and N_STACK to
 * STACK_PORT, closes the connection and reports what it sent. Returns its exit
 * status: 0 if all it did worked.
 */
static int peer(int up, int down)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
	struct tcp_info ti;
	struct peer_sent sent;
	socklen_t tl;
	char buf[256], c;
	int tap, tcp, udp, i;
	long long end;

	/* If the test dies, so does the peer (it would end by its timeouts anyway). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return peer_fail("prctl(PR_SET_PDEATHSIG)");
	if (unshare(CLONE_NEWNET))
		return peer_fail("unshare(CLONE_NEWNET)");
	c = PEER_UNSHARED;
	if (write(up, &c, 1) != 1 || read_full(down, &c, 1, 5000) || c != PEER_MOVED)
		return peer_fail("waiting for xb0");
	/* A device moved to another namespace takes that namespace's IPv6 defaults: off
	 * again, so that xb0 sends no router solicitations, DAD or MLD reports. (They
	 * would be counted, but this keeps the traffic to what the test makes.) */
	if (net__set_up("lo") || net__no_ipv6("xb0"))
		return peer_fail("setting up lo and xb0");
	tap = net_pkt_sock("xb0"); /* before xb0 is up: it sees every frame xb0 sends */
	if (tap < 0)
		return peer_fail("AF_PACKET socket on xb0");
	if (net__ip("addr", "add", "10.9.0.2/24", "dev", "xb0", NULL))
		return peer_fail("ip addr add 10.9.0.2/24 dev xb0");
	c = PEER_READY;
	if (write(up, &c, 1) != 1 || read_full(down, &c, 1, 5000) || c != PEER_GO)
		return peer_fail("waiting for the AF_XDP side");
	if (net__set_up("xb0"))
		return peer_fail("setting xb0 up");
	/* The tap was bound while xb0 was down: it took ENETDOWN as its pending error,
	 * which its first read would return instead of a frame. It hooks in again as xb0
	 * goes up. */
	tl = sizeof(i);
	if (getsockopt(tap, SOL_SOCKET, SO_ERROR, &i, &tl))
		return peer_fail("SO_ERROR");

	tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (tcp < 0 || setsockopt(tcp, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(tcp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return peer_fail("TCP socket");
	to.sin_addr.s_addr = htonl(0x0a090001); /* 10.9.0.1 */
	to.sin_port = htons(SSH_PORT);
	if (connect(tcp, (struct sockaddr *)&to, sizeof(to)))
		return peer_fail("connecting to 10.9.0.1");
	if (send(tcp, PING, strlen(PING), 0) != (ssize_t)strlen(PING))
		return peer_fail("sending on the TCP connection");
	memset(buf, 0, sizeof(buf));
	if (read_full(tcp, buf, strlen(PONG), 5000) || strcmp(buf, PONG))
		return peer_fail("receiving the answer on the TCP connection");

	udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (udp < 0)
		return peer_fail("UDP socket");
	for (i = 0; i < N_XSK + N_STACK; i++) {
		int n = i < N_XSK ? snprintf(buf, sizeof(buf), "to the socket %03d", i) :
			snprintf(buf, sizeof(buf), "to the stack %03d", i - N_XSK);

		to.sin_port = htons(i < N_XSK ? XSK_PORT : STACK_PORT);
		if (sendto(udp, buf, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to)) != n)
			return peer_fail("sending UDP");
	}

	/* Close first and wait for the end: once the socket is TCP_CLOSE (TIME_WAIT
	 * belongs to another socket) its last ACK has been sent, so the tap has all. */
	if (shutdown(tcp, SHUT_WR) || recv(tcp, buf, sizeof(buf), 0) != 0)
		return peer_fail("closing the TCP connection");
	for (end = net__now_ms() + 5000;; net__sleep_ms(1)) {
		tl = sizeof(ti);
		if (getsockopt(tcp, IPPROTO_TCP, TCP_INFO, &ti, &tl))
			return peer_fail("TCP_INFO");
		if (ti.tcpi_state == TCP_CLOSE)
			break;
		if (net__now_ms() > end)
			return peer_fail("waiting for TCP_CLOSE");
	}
	if (peer_count(tap, &sent))
		return peer_fail("counting the frames sent");
	if (write(up, &sent, sizeof(sent)) != sizeof(sent))
		return peer_fail("reporting");
	/* Our namespace, and with it xb0 and so xa0, ends with us: not before the test is
	 * done with xa0. */
	if (read_full(down, &c, 1, 10000) || c != PEER_BYE)
		return peer_fail("waiting for the end");
	close(udp);
	close(tcp);
	close(tap);
	return 0;
}

/* The peer's exit status, or -1 if it did not exit within timeout_ms or was killed. */
static int reap_peer(int timeout_ms)
{
	long long end = net__now_ms() + timeout_ms;
	pid_t r;
	int st;

	while ((r = waitpid(held.peer, &st, WNOHANG)) == 0 && net__now_ms() < end)
		net__sleep_ms(2);
	if (r != held.peer)
		return -1;
	held.peer = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Receives n datagrams to XSK_PORT on q within 5 s, each IPv4 UDP from 10.9.0.2 to
 * 10.9.0.1 and carrying "to the socket i" for an i < n not seen before (the order is
 * not checked: in generic mode each CPU has its backlog, and the peer may move between
 * CPUs while it sends). Releases them; returns how many were right. */
static int recv_udp(struct xsk_queue *q, int n)
{
	long long end = net__now_ms() + 5000;
	static const unsigned char from_to[8] = { 10, 9, 0, 2, 10, 9, 0, 1 };
	unsigned char seen[N_XSK] = { 0 };
	struct xsk_pkt pkts[N_XSK];
	int got = 0, good = 0;

	while (got < n && net__now_ms() < end) {
		int k = xsk_queue__recv(q, pkts, (unsigned)(n - got), 10), i;

		if (!CHECK(k >= 0))
			break;
		for (i = 0; i < k; i++) {
			const unsigned char *b = (const unsigned char *)pkts[i].data;
			unsigned l4 = ETH_HLEN + (b[ETH_HLEN] & 0xf) * 4u, len = 0;
			char text[32] = "", want[32];
			int seq = -1;

			if (pkts[i].len >= l4 + 8 && get16(b + 12) == ETH_P_IP &&
			    b[ETH_HLEN + 9] == IPPROTO_UDP && get16(b + l4 + 2) == XSK_PORT &&
			    !memcmp(b + ETH_HLEN + 12, from_to, 8)) {
				len = get16(b + l4 + 4) - 8u; /* the payload, as a string */
				if (len < sizeof(text) && l4 + 8 + len <= pkts[i].len)
					memcpy(text, b + l4 + 8, len);
			}
			if (sscanf(text, "to the socket %3d", &seq) == 1 && seq >= 0 && seq < n)
				snprintf(want, sizeof(want), "to the socket %03d", seq);
			if (seq >= 0 && seq < n && !seen[seq] && !strcmp(text, want)) {
				seen[seq] = 1;
				good++;
				continue;
			}
			printf("recv_udp: packet %d (%u bytes) is not one of the peer's datagrams "
			       "to port %d\n", got + i, pkts[i].len, XSK_PORT);
		}
		CHECK_EQ(xsk_queue__release(q, pkts, (unsigned)k), 0);
		got += k;
	}
	return good;
}

/* Receives n datagrams on the UDP socket fd within 5 s, each "to the stack i" for an
 * i < n not seen before; returns how many were right. */
static int recv_stack(int fd, int n)
{
	unsigned char seen[N_STACK] = { 0 };
	char buf[64], want[32];
	int got, good = 0, seq;

	for (got = 0; got < n; got++) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t len;

		if (poll(&p, 1, 5000) != 1)
			break;
		len = recv(fd, buf, sizeof(buf) - 1, 0);
		if (len < 0)
			break;
		buf[len] = '\0';
		if (sscanf(buf, "to the stack %3d", &seq) == 1 && seq >= 0 && seq < n &&
		    !seen[seq] && len == snprintf(want, sizeof(want), "to the stack %03d", seq) &&
		    !strcmp(buf, want)) {
			seen[seq] = 1;
			good++;
		}
	}
	return good;
}

/* Frames that reached xa0's kernel stack (the tap fd sees them after XDP), up to want,
 * waiting up to 2 s for them. */
static __u32 stack_frames(int fd, __u32 want)
{
	unsigned char b[2048];
	struct sockaddr_ll sll;
	socklen_t sl;
	__u32 n = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (n >= want && poll(&p, 1, 0) != 1)
			return n; /* all expected, and nothing more queued */
		if (poll(&p, 1, 2000) != 1)
			return n;
		sl = sizeof(sll);
		if (recvfrom(fd, b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&sll, &sl) < 0)
			return n;
		n += sll.sll_pkttype != PACKET_OUTGOING;
	}
}

/*
 * "SSH keeps working": xa0 has 10.9.0.1 and a handle that wants UDP to port 4789; the
 * peer, 10.9.0.2 on xb0 in a namespace of its own, talks TCP to a listening socket on
 * 10.9.0.1, which needs ARP and TCP to reach the stack through the program, and sends
 * UDP both to 4789 (the handle) and to 5000 (a normal UDP socket). The counters must
 * match what the peer sent, frame by frame: redirected the datagrams to 4789, filtered
 * all the rest.
 */
static void test_ssh(void)
{
	struct xsk_filter udp = { .ip_proto = IPPROTO_UDP, .nports = 1,
				  .ports = { { XSK_PORT, XSK_PORT } } };
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
	struct xsk_queue_stats st;
	struct peer_sent sent;
	struct counts c;
	char buf[128], pid[16];
	int up[2], down[2], lst, conn, us, tap, one = 1, ifindex;
	__u32 passed;
	pid_t p;

	sandbox_veth(1);
	ifindex = net_ifindex("xa0");
	REQUIRE(net__ip("addr", "add", "10.9.0.1/24", "dev", "xa0", NULL) == 0);
	REQUIRE(pipe2(up, O_CLOEXEC) == 0);
	keep(up[0]);
	keep(up[1]);
	REQUIRE(pipe2(down, O_CLOEXEC) == 0);
	keep(down[0]);
	keep(down[1]);
	/* Forked before the handle exists: the peer shares no UMEM, socket or link. */
	fflush(stdout);
	p = fork();
	REQUIRE(p >= 0);
	if (p == 0) {
		close(up[0]);
		close(down[1]);
		_exit(peer(up[1], down[0]));
	}
	held.peer = p;
	unkeep(up[1]); /* the peer's ends: a read of ours then ends when the peer does */
	unkeep(down[0]);
	REQUIRE(read_full(up[0], buf, 1, 5000) == 0 && buf[0] == PEER_UNSHARED);
	snprintf(pid, sizeof(pid), "%d", (int)p);
	REQUIRE(net__ip("link", "set", "xb0", "netns", pid, NULL) == 0);
	buf[0] = PEER_MOVED;
	REQUIRE(write(down[1], buf, 1) == 1);
	REQUIRE(read_full(up[0], buf, 1, 5000) == 0 && buf[0] == PEER_READY);

	/* All in place before xb0 comes up, so that the program counts every frame. */
	REQUIRE(open_q(0, 0, &udp) == 0);
	addr.sin_addr.s_addr = htonl(0x0a090001);
	lst = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	addr.sin_port = htons(SSH_PORT);
	REQUIRE(lst >= 0 && setsockopt(lst, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	REQUIRE(bind(lst, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(lst, 1) == 0);
	us = keep(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	addr.sin_port = htons(STACK_PORT);
	REQUIRE(us >= 0 && bind(us, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	tap = keep(net_pkt_sock("xa0"));
	REQUIRE(tap >= 0);
	buf[0] = PEER_GO;
	REQUIRE(write(down[1], buf, 1) == 1);

	{
		struct pollfd pl = { lst, POLLIN, 0 };

		REQUIRE(poll(&pl, 1, 5000) == 1);
	}
	conn = keep(accept4(lst, NULL, NULL, SOCK_CLOEXEC));
	REQUIRE(conn >= 0);
	REQUIRE(setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(read_full(conn, buf, strlen(PING), 5000) == 0 && !strcmp(buf, PING));
	CHECK_EQ(send(conn, PONG, strlen(PONG), 0), strlen(PONG));
	CHECK_EQ(recv_udp(held.q[0], N_XSK), N_XSK);
	CHECK_EQ(recv_stack(us, N_STACK), N_STACK);
	CHECK_EQ(recv(conn, buf, sizeof(buf), 0), 0); /* the peer closed: end of file */
	unkeep(conn);

	memset(&sent, 0, sizeof(sent));
	CHECK_EQ(read_full(up[0], &sent, sizeof(sent), 5000), 0);
	CHECK_EQ(sent.udp_xsk, N_XSK);
	CHECK_EQ(sent.udp_stack, N_STACK);
	/* The peer had to ask for 10.9.0.1's address, and sent at least SYN, the
	 * handshake's ACK, PING and FIN. */
	CHECK(sent.arp >= 1);
	CHECK(sent.tcp >= 4);
	passed = sent.arp + sent.tcp + sent.udp_stack + sent.other;
	printf("# %s: the peer sent %u ARP, %u TCP, %u UDP to %d, %u UDP to %d, %u other\n",
	       rig_mode->name, sent.arp, sent.tcp, sent.udp_xsk, XSK_PORT, sent.udp_stack,
	       STACK_PORT, sent.other);

	c = counted_n(held.q[0], NULL, N_XSK + passed);
	CHECK_EQ(c.redirected, N_XSK);
	CHECK_EQ(c.filtered, passed);
	CHECK_EQ(c.no_socket, 0);
	CHECK_EQ(stack_frames(tap, passed), passed); /* and those passed reached the stack */
	CHECK_EQ(xsk_queue__stats(held.q[0], &st), 0);
	CHECK_EQ(st.rx_packets, N_XSK);
	CHECK_EQ(st.xdp.rx_dropped + st.xdp.rx_ring_full + st.xdp.rx_fill_ring_empty_descs, 0);
	CHECK_EQ(ledger_settled(held.q[0]), 0);
	close_q(0);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
	CHECK_EQ(net_ifindex("xa0"), ifindex); /* (had xa0 gone, no program would be there) */
	buf[0] = PEER_BYE;
	CHECK_EQ(write(down[1], buf, 1), 1);
	CHECK_EQ(reap_peer(10000), 0);
}

/* ---- each field, on crafted frames -------------------------------------------------- */

#define FLEN 100 /* every crafted frame; headers, then the byte 0xa5 */
#define MAXF 32  /* frames in one expect_split */

/* What craft() builds. */
struct spec {
	const char *what;
	int to_xsk;           /* the filter should hand it to the socket */
	__u16 tpid, tci;      /* an outer VLAN tag (tpid 0: none) */
	__u16 tpid2, tci2;    /* an inner one */
	__u16 ethertype;      /* after the tags; ETH_P_IP and ETH_P_IPV6 get their headers */
	__u8 proto;           /* IPPROTO_UDP or IPPROTO_TCP, with a header */
	__u8 hbh;             /* IPv6: a hop-by-hop options header before proto */
	__u16 frag;           /* IPv4 flags and fragment offset */
	__u16 sport, dport;   /* sport 0: 40000 */
};

/* A frame to send, and what the socket should receive if it arrives there. */
struct frame {
	const char *what;
	int to_xsk;
	unsigned char b[FLEN + 8], rx[FLEN + 8];
	__u32 len, rx_len;
};

static unsigned csum16(const unsigned char *p, unsigned n)
{
	__u32 s = 0;
	unsigned i;

	for (i = 0; i < n; i += 2)
		s += get16(p + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/*
 * Writes the frame s describes, number id. The destination MAC is not xa0's, so what
 * the stack gets it drops (no answers come back to disturb the counts); the source
 * MAC carries id, by which a frame that arrives is told from the others.
 */
static void craft(struct frame *f, const struct spec *s, __u32 id)
{
	unsigned char *b = f->b;
	unsigned off = 2 * ETH_ALEN, l4 = 0;

	memset(f, 0, sizeof(*f));
	memset(b, 0xa5, sizeof(f->b));
	memcpy(b, NET_MAC_DST, ETH_ALEN);
	b[6] = 0x02;
	b[7] = 0;
	put16(b + 8, id >> 16);
	put16(b + 10, id & 0xffff);
	if (s->tpid) {
		put16(b + off, s->tpid);
		put16(b + off + 2, s->tci);
		off += 4;
	}
	if (s->tpid2) {
		put16(b + off, s->tpid2);
		put16(b + off + 2, s->tci2);
		off += 4;
	}
	put16(b + off, s->ethertype);
	off += 2;
	if (s->ethertype == ETH_P_IP) {
		b[off] = 0x45;
		b[off + 1] = 0;
		put16(b + off + 2, FLEN - off);
		put16(b + off + 4, id & 0xffff);
		put16(b + off + 6, s->frag);
		b[off + 8] = 64;
		b[off + 9] = s->proto;
		put16(b + off + 10, 0);
		memcpy(b + off + 12, "\x0a\x09\x01\x01\x0a\x09\x01\x02", 8);
		put16(b + off + 10, csum16(b + off, 20));
		l4 = off + 20;
	} else if (s->ethertype == ETH_P_IPV6) {
		memset(b + off, 0, 40);
		b[off] = 0x60;
		put16(b + off + 4, FLEN - off - 40);
		b[off + 6] = s->hbh ? 0 /* hop-by-hop */ : s->proto;
		b[off + 7] = 64;
		b[off + 8] = b[off + 24] = 0xfd;
		b[off + 23] = 1;
		b[off + 39] = 2;
		l4 = off + 40;
		if (s->hbh) {
			memset(b + l4, 0, 8);
			b[l4] = s->proto;
			b[l4 + 2] = 1; /* PadN, 4 bytes */
			b[l4 + 3] = 4;
			l4 += 8;
		}
	}
	if (l4) {
		put16(b + l4, s->sport ? s->sport : 40000);
		put16(b + l4 + 2, s->dport);
		if (s->proto == IPPROTO_UDP) {
			put16(b + l4 + 4, FLEN - l4);
			put16(b + l4 + 6, 0);
		} else {
			memset(b + l4 + 4, 0, 16);
			b[l4 + 12] = 5 << 4; /* 20 bytes */
			b[l4 + 13] = 0x10;   /* ACK */
			put16(b + l4 + 14, 65535);
		}
	}
	f->what = s->what;
	f->to_xsk = s->to_xsk;
	f->len = f->rx_len = FLEN;
	memcpy(f->rx, b, sizeof(f->rx));
}

static void craft_all(struct frame *f, const struct spec *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		craft(&f[i], &s[i], (__u32)i);
}

/* Checks k frames received on q against the n sent (seen: which arrived already), and
 * releases them. */
static void expect_taken(struct xsk_queue *q, const struct frame *f, int n,
			 unsigned char *seen, const struct xsk_pkt *pkts, int k)
{
	int j;

	for (j = 0; j < k; j++) {
		const unsigned char *b = (const unsigned char *)pkts[j].data;
		__u32 id = (__u32)get16(b + 8) << 16 | get16(b + 10);

		if (id >= (__u32)n) {
			printf("expect_split: a frame that was not sent arrived (%u bytes)\n",
			       pkts[j].len);
			t__fail();
			continue;
		}
		if (!f[id].to_xsk || seen[id]) {
			printf("expect_split: \"%s\" arrived on the socket%s\n", f[id].what,
			       seen[id] ? " twice" : " instead of the stack");
			t__fail();
		} else if (pkts[j].len != f[id].rx_len || memcmp(b, f[id].rx, f[id].rx_len)) {
			printf("expect_split: \"%s\" arrived changed (%u bytes, want %u)\n",
			       f[id].what, pkts[j].len, f[id].rx_len);
			t__fail();
		}
		seen[id] = 1;
	}
	CHECK_EQ(xsk_queue__release(q, pkts, (unsigned)k), 0);
}

/*
 * Sends the n frames from the AF_PACKET socket pkt on xb0 (on tx queue `queue`, which
 * is xa0's rx queue in native mode; -1: any) and checks where they went:
 * those marked to_xsk, and no other, arrive on q, once each and byte for byte as
 * expected; the program counts exactly them as redirected and all the others as
 * filtered. Prints the frames that went astray.
 */
static void expect_split(struct xsk_queue *q, int pkt, const struct frame *f, int n, int queue)
{
	unsigned char seen[MAXF] = { 0 };
	struct xsk_pkt pkts[MAXF];
	struct counts base, c;
	int want = 0, got = 0, i, k;
	long long end;

	REQUIRE(n <= MAXF);
	base = counted(q, NULL);
	for (i = 0; i < n; i++) {
		want += f[i].to_xsk;
		if (queue < 0)
			REQUIRE(net_pkt_send(pkt, f[i].b, f[i].len) == 0);
		else
			REQUIRE(net_pkt_send_queue(pkt, f[i].b, f[i].len, (unsigned)queue) == 0);
	}
	for (end = net__now_ms() + 2000; got < want && net__now_ms() < end; got += k) {
		k = xsk_queue__recv(q, pkts, MAXF, 10);
		if (!CHECK(k >= 0))
			break;
		expect_taken(q, f, n, seen, pkts, k);
	}
	/* Once the program has counted all n, a frame it redirected that should not have
	 * gone to the socket is on the RX ring, or about to be: one more look. */
	c = counted_n(q, &base, (__u64)n);
	k = xsk_queue__recv(q, pkts, MAXF, 10);
	if (CHECK(k >= 0))
		expect_taken(q, f, n, seen, pkts, k);
	for (i = 0; i < n; i++)
		if (f[i].to_xsk && !seen[i]) {
			printf("expect_split: \"%s\" did not arrive on the socket\n", f[i].what);
			t__fail();
		}
	CHECK_EQ(c.redirected, want);
	CHECK_EQ(c.filtered, n - want);
	CHECK_EQ(c.no_socket, 0);
}

/* A handle on xa0 with filter f, and an AF_PACKET socket on xb0 to send from. */
static int open_pair(const struct xsk_filter *f)
{
	int pkt;

	sandbox_veth(1);
	REQUIRE(open_q(0, 0, f) == 0);
	pkt = keep(net_pkt_sock("xb0"));
	REQUIRE(pkt >= 0);
	return pkt;
}

static void close_pair(void)
{
	CHECK_EQ(ledger_settled(held.q[0]), 0);
	close_q(0);
	CHECK_EQ(net_wait_no_xdp(net_ifindex("xa0"), 2000), 0);
}

/* EtherType alone: it is the one after any VLAN tags. */
static void test_ethertype(void)
{
	static const struct xsk_filter fl = { .ethertype = NET_ETH_P_TEST };
	static const struct spec s[] = {
		{ .what = "0x88b5", .to_xsk = 1, .ethertype = NET_ETH_P_TEST },
		{ .what = "0x88b5 again", .to_xsk = 1, .ethertype = NET_ETH_P_TEST },
		{ .what = "IPv4 UDP", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 7 },
		{ .what = "IPv4 TCP", .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .dport = 22 },
		{ .what = "IPv6 UDP", .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP, .dport = 7 },
		{ .what = "0x88b6", .ethertype = NET_ETH_P_TEST + 1 },
		{ .what = "0x88b4", .ethertype = NET_ETH_P_TEST - 1 },
		{ .what = "VLAN 5, 0x88b5", .to_xsk = 1, .tpid = ETH_P_8021Q, .tci = 5,
		  .ethertype = NET_ETH_P_TEST },
		{ .what = "VLAN 5, IPv4", .tpid = ETH_P_8021Q, .tci = 5, .ethertype = ETH_P_IP,
		  .proto = IPPROTO_UDP, .dport = 7 },
	};
	struct frame f[sizeof(s) / sizeof(s[0])];
	int pkt = open_pair(&fl);

	craft_all(f, s, (int)(sizeof(s) / sizeof(s[0])));
	expect_split(held.q[0], pkt, f, (int)(sizeof(s) / sizeof(s[0])), -1);
	close_pair();
}

/*
 * A tc program (tcx, Linux 6.6) on xb0's egress that pushes a VLAN tag with id `vid`
 * onto every frame, as a VLAN device on xb0 would (this kernel may have none:
 * CONFIG_VLAN_8021Q): the link fd, or -1 (EINVAL, ENOENT: the kernel has no tcx).
 */
static int vlan_push(const char *dev, __u16 vid)
{
	const struct bpf_insn prog[] = {
		/* r2 = htons(ETH_P_8021Q), r3 = vid; bpf_skb_vlan_push(skb, r2, r3) */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = ETH_P_8021Q >> 8 | (ETH_P_8021Q & 0xff) << 8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = vid },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_skb_vlan_push },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 /* pass */ },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	/* BPF_TCX_EGRESS, which older <linux/bpf.h> lack */
	const enum bpf_attach_type tcx_egress = (enum bpf_attach_type)47;
	int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "vlan_push", "GPL", prog, 5, NULL);
	int link;

	if (fd < 0)
		return -1;
	link = bpf_link_create(fd, net_ifindex(dev), tcx_egress, NULL);
	close(fd); /* the link holds the program */
	return link;
}

/* Turns dev's tx-vlan-offload (ethtool -K dev txvlan) on or off; 0 or -1. */
static int txvlan(const char *dev, int on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GFLAGS };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ev;
	r = ioctl(fd, SIOCETHTOOL, &ifr);
	if (!r) {
		ev.cmd = ETHTOOL_SFLAGS;
		ev.data = on ? ev.data | ETH_FLAG_TXVLAN : ev.data & ~(__u32)ETH_FLAG_TXVLAN;
		r = ioctl(fd, SIOCETHTOOL, &ifr);
	}
	close(fd);
	return r ? -1 : 0;
}

/* Makes f's expected arrival carry a VLAN tag with id vid after the MAC addresses, as
 * the kernel writes one into the data. */
static void tag_rx(struct frame *f, __u16 vid)
{
	memcpy(f->rx + 16, f->b + 12, f->len - 12);
	put16(f->rx + 12, ETH_P_8021Q);
	put16(f->rx + 14, vid);
	f->rx_len = f->len + 4;
}

/*
 * VLAN id: the outer tag's. First what XDP sees, with no filter: a tag in the frame's
 * data reaches it on veth in both modes (veth strips nothing), the frame arrives tag
 * and all. But a tag that the sending kernel adds (a VLAN device, tc,
 * bpf_skb_vlan_push) is not in the data: veth offers tx-vlan-offload, so the tag
 * rides along as skb metadata (vlan_tci) and XDP, native or generic, sees the frame
 * untagged, as from a NIC that strips tags (rxvlan). With txvlan off on the sender the
 * kernel writes the tag into the data. Then the filter: id 100 to the socket, other
 * ids and untagged frames to the stack, and a pushed tag only once it is in the data.
 */
static void test_vlan(void)
{
	static const struct xsk_filter fl = { .vlan = 100 };
	static const struct spec s[] = {
		{ .what = "VLAN 100, 0x88b5", .to_xsk = 1, .tpid = ETH_P_8021Q, .tci = 100,
		  .ethertype = NET_ETH_P_TEST },
		{ .what = "VLAN 100, IPv4 UDP", .to_xsk = 1, .tpid = ETH_P_8021Q, .tci = 100,
		  .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 7 },
		{ .what = "VLAN 100, priority 7", .to_xsk = 1, .tpid = ETH_P_8021Q,
		  .tci = 7 << 13 | 100, .ethertype = NET_ETH_P_TEST },
		{ .what = "VLAN 100, DEI set", .to_xsk = 1, .tpid = ETH_P_8021Q,
		  .tci = 1 << 12 | 100, .ethertype = NET_ETH_P_TEST },
		{ .what = "802.1ad 100", .to_xsk = 1, .tpid = ETH_P_8021AD, .tci = 100,
		  .ethertype = NET_ETH_P_TEST },
		{ .what = "VLAN 200 in 100", .to_xsk = 1, .tpid = ETH_P_8021AD, .tci = 100,
		  .tpid2 = ETH_P_8021Q, .tci2 = 200, .ethertype = NET_ETH_P_TEST },
		{ .what = "VLAN 100 in 200", .tpid = ETH_P_8021AD, .tci = 200,
		  .tpid2 = ETH_P_8021Q, .tci2 = 100, .ethertype = NET_ETH_P_TEST },
		{ .what = "VLAN 200", .tpid = ETH_P_8021Q, .tci = 200,
		  .ethertype = NET_ETH_P_TEST },
		{ .what = "VLAN 101", .tpid = ETH_P_8021Q, .tci = 101,
		  .ethertype = NET_ETH_P_TEST },
		{ .what = "priority tag (id 0)", .tpid = ETH_P_8021Q, .tci = 0,
		  .ethertype = NET_ETH_P_TEST },
		{ .what = "untagged 0x88b5", .ethertype = NET_ETH_P_TEST },
		{ .what = "untagged IPv4", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 7 },
	};
	static const struct spec plain = { .what = "untagged, tag 100 pushed by tc",
					   .ethertype = NET_ETH_P_TEST };
	struct frame f[sizeof(s) / sizeof(s[0])], pushed;
	int pkt = open_pair(NULL), push;

	/* No filter: everything goes to the socket as XDP saw it. */
	craft(&f[0], &s[0], 0);
	expect_split(held.q[0], pkt, f, 1, -1);
	craft(&pushed, &plain, 0);
	pushed.to_xsk = 1;
	push = keep(vlan_push("xb0", 100));
	if (push < 0)
		printf("# no tcx (Linux 6.6) to push VLAN tags with: %s\n", strerror(errno));
	if (push >= 0) {
		expect_split(held.q[0], pkt, &pushed, 1, -1); /* untagged as sent */
		REQUIRE(txvlan("xb0", 0) == 0);
		tag_rx(&pushed, 100);
		expect_split(held.q[0], pkt, &pushed, 1, -1); /* the tag in the data */
		REQUIRE(txvlan("xb0", 1) == 0);
	}
	CHECK_EQ(ledger_settled(held.q[0]), 0);
	close_q(0);
	CHECK_EQ(net_wait_no_xdp(net_ifindex("xa0"), 2000), 0);

	REQUIRE(open_q(0, 0, &fl) == 0);
	craft_all(f, s, (int)(sizeof(s) / sizeof(s[0])));
	expect_split(held.q[0], pkt, f, (int)(sizeof(s) / sizeof(s[0])), -1);
	if (push >= 0) {
		craft(&pushed, &plain, 0); /* the tag is metadata: no match */
		expect_split(held.q[0], pkt, &pushed, 1, -1);
		REQUIRE(txvlan("xb0", 0) == 0);
		pushed.to_xsk = 1;
		tag_rx(&pushed, 100);
		expect_split(held.q[0], pkt, &pushed, 1, -1);
		unkeep(push);
	}
	close_pair();
}

/*
 * Three port ranges, each at its edges (a single port, a range, the top port), UDP
 * only; the destination port counts, not the source. A range past nports is not
 * looked at; a fragment other than the first has no ports; IPv6 has the same ports.
 */
static void test_ports(void)
{
	static const struct xsk_filter fl = {
		.ip_proto = IPPROTO_UDP, .nports = 3,
		.ports = { { 7, 7 }, { 1000, 1099 }, { 65535, 65535 }, { 2000, 2000 } },
	};
	static const struct spec s[] = {
		{ .what = "UDP 6", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 6 },
		{ .what = "UDP 7", .to_xsk = 1, .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 7 },
		{ .what = "UDP 8", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 8 },
		{ .what = "UDP 999", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 999 },
		{ .what = "UDP 1000", .to_xsk = 1, .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 1000 },
		{ .what = "UDP 1050", .to_xsk = 1, .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 1050 },
		{ .what = "UDP 1099", .to_xsk = 1, .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 1099 },
		{ .what = "UDP 1100", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 1100 },
		{ .what = "UDP 65534", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 65534 },
		{ .what = "UDP 65535", .to_xsk = 1, .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 65535 },
		{ .what = "UDP 0", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 0 },
		{ .what = "UDP 2000 (4th range, nports 3)", .ethertype = ETH_P_IP,
		  .proto = IPPROTO_UDP, .dport = 2000 },
		{ .what = "UDP from 1000 to 2001", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .sport = 1000, .dport = 2001 },
		{ .what = "TCP 1000", .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .dport = 1000 },
		{ .what = "UDP 1000, first fragment", .to_xsk = 1, .ethertype = ETH_P_IP,
		  .proto = IPPROTO_UDP, .frag = 0x2000 /* MF */, .dport = 1000 },
		{ .what = "UDP 1000, later fragment", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .frag = 0x2000 | 8, .dport = 1000 },
		{ .what = "IPv6 UDP 1099", .to_xsk = 1, .ethertype = ETH_P_IPV6,
		  .proto = IPPROTO_UDP, .dport = 1099 },
		{ .what = "IPv6 UDP 1100", .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP,
		  .dport = 1100 },
		{ .what = "VLAN 9, UDP 7", .to_xsk = 1, .tpid = ETH_P_8021Q, .tci = 9,
		  .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 7 },
		{ .what = "0x88b5", .ethertype = NET_ETH_P_TEST },
	};
	struct frame f[sizeof(s) / sizeof(s[0])];
	int pkt = open_pair(&fl);

	craft_all(f, s, (int)(sizeof(s) / sizeof(s[0])));
	expect_split(held.q[0], pkt, f, (int)(sizeof(s) / sizeof(s[0])), -1);
	close_pair();
}

/* IPv6 UDP to one port: the protocol is the fixed header's next header (extension
 * headers are not walked, so one before UDP hides it); IPv4 to the port does not
 * match with ethertype IPv6 set. */
static void test_ipv6(void)
{
	static const struct xsk_filter fl = { .ethertype = ETH_P_IPV6, .ip_proto = IPPROTO_UDP,
					      .nports = 1, .ports = { { 4789, 4789 } } };
	static const struct spec s[] = {
		{ .what = "IPv6 UDP 4789", .to_xsk = 1, .ethertype = ETH_P_IPV6,
		  .proto = IPPROTO_UDP, .dport = 4789 },
		{ .what = "IPv6 UDP 4788", .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP,
		  .dport = 4788 },
		{ .what = "IPv6 UDP 4790", .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP,
		  .dport = 4790 },
		{ .what = "IPv6 TCP 4789", .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP,
		  .dport = 4789 },
		{ .what = "IPv6 hop-by-hop, UDP 4789", .ethertype = ETH_P_IPV6, .hbh = 1,
		  .proto = IPPROTO_UDP, .dport = 4789 },
		{ .what = "IPv4 UDP 4789", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 4789 },
		{ .what = "VLAN 3, IPv6 UDP 4789", .to_xsk = 1, .tpid = ETH_P_8021Q, .tci = 3,
		  .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP, .dport = 4789 },
		{ .what = "IPv6 UDP 4789 again", .to_xsk = 1, .ethertype = ETH_P_IPV6,
		  .proto = IPPROTO_UDP, .dport = 4789 },
	};
	struct frame f[sizeof(s) / sizeof(s[0])];
	int pkt = open_pair(&fl);

	craft_all(f, s, (int)(sizeof(s) / sizeof(s[0])));
	expect_split(held.q[0], pkt, f, (int)(sizeof(s) / sizeof(s[0])), -1);
	close_pair();
}

/* ---- one program per interface ------------------------------------------------------ */

/*
 * A second handle, on queue 1, with the same filter shares the program; each queue's
 * matching frames go to its own handle. With another filter (or none) the open fails
 * with -EEXIST, says why and leaves the program as it was. Closing the last handle
 * takes the program away.
 */
static void test_shared(void)
{
	static const struct xsk_filter fl = { .ip_proto = IPPROTO_UDP, .nports = 1,
					      .ports = { { 4789, 4789 } } };
	static const struct spec s[] = {
		{ .what = "UDP 4789", .to_xsk = 1, .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
		  .dport = 4789 },
		{ .what = "UDP 4790", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .dport = 4790 },
	};
	struct xsk_filter same = fl, other = fl;
	struct frame f[2];
	__u32 id;
	int pkt, ifindex, err;

	sandbox_veth(2);
	ifindex = net_ifindex("xa0");
	REQUIRE(open_q(0, 0, &fl) == 0);
	id = net_xdp_prog_id(ifindex);
	REQUIRE(id != 0);
	same.ports[5].lo = same.ports[5].hi = 99; /* past nports: not part of the filter */
	REQUIRE(open_q(1, 1, &same) == 0);
	CHECK_EQ(net_xdp_prog_id(ifindex), id);
	pkt = keep(net_pkt_sock("xb0"));
	REQUIRE(pkt >= 0);
	craft_all(f, s, 2);
	expect_split(held.q[0], pkt, f, 2, 0);
	/* Only veth's NAPI path (native XDP) keeps the queue a packet was sent on: in
	 * generic mode everything arrives on queue 0 here, whatever the queue it left by. */
	if (rig_mode->xdp_flags == XDP_FLAGS_DRV_MODE)
		expect_split(held.q[1], pkt, f, 2, 1);
	CHECK_EQ(ledger_settled(held.q[1]), 0);

	close_q(1);
	other.ports[0].hi = 4790;
	errno = 0;
	err = open_q(1, 1, &other);
	CHECK_EQ(err, -EEXIST);
	CHECK_EQ(errno, EEXIST);
	if (!CHECK(held.q[1] == NULL))
		close_q(1);
	if (!CHECK(strstr(xsk_diag(), "filters differently") != NULL))
		printf("xsk_diag: %s\n", xsk_diag());
	CHECK_EQ(open_q(1, 1, NULL), -EEXIST); /* no filter is another filter too */
	if (!CHECK(held.q[1] == NULL))
		close_q(1);
	if (!CHECK(strstr(xsk_diag(), "filters differently") != NULL))
		printf("xsk_diag: %s\n", xsk_diag());
	CHECK_EQ(net_xdp_prog_id(ifindex), id);
	expect_split(held.q[0], pkt, f, 2, 0); /* queue 0 as before */
	CHECK_EQ(ledger_settled(held.q[0]), 0);
	close_q(0);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
}

int main(void)
{
	t_need_root();
	RIG_RUN_XDP_MODES(test_ssh, cleanup);
	RIG_RUN_XDP_MODES(test_ethertype, cleanup);
	RIG_RUN_XDP_MODES(test_vlan, cleanup);
	RIG_RUN_XDP_MODES(test_ports, cleanup);
	RIG_RUN_XDP_MODES(test_ipv6, cleanup);
	RIG_RUN_XDP_MODES(test_shared, cleanup);
	return t_done();
}
