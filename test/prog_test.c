/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bundled XDP program (xsk_prog.bpf.c) on crafted packets. The test opens the
 * skeleton itself, sets the filter in its read-only data, sizes both maps to the
 * veth's 4 queues and runs the program with BPF_PROG_RUN, with an xdp_md that says
 * the packet arrived on a queue of that veth (the kernel wants an interface of our
 * namespace and a queue below its real_num_rx_queues). Each packet is checked for its
 * verdict and for the one per-queue counter it must move: no_socket (matched, no
 * socket in xsks_map: XDP_PASS) or filtered (XDP_PASS too); a redirected packet
 * (XDP_REDIRECT) must move none.
 */
#include "rig.h"
#include <netinet/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#define QUEUES 4
#define PKT_MAX 256

/* The program's filter, as the skeleton declares it (an anonymous struct). */
typedef __typeof__(((struct xsk_prog__rodata *)0)->xsk_filter) filter_t;
#define NPORTS ((int)(sizeof(((filter_t *)0)->ports) / sizeof(((filter_t *)0)->ports[0])))

/* struct xsk_prog_counters; REDIRECTED is an outcome with no counter */
enum { NO_SOCKET, FILTERED, NCOUNTERS, REDIRECTED = NCOUNTERS };
static const char *const counter_name[] = { "no_socket", "filtered", "redirected" };

static int ifindex; /* pa0, the veth the packets arrive on */

/* The program with filter f (NULL: none), both maps sized to `entries`, loaded with
 * BPF_F_XDP_HAS_FRAGS (as xsk.h loads it on kernels that know the flag) or not. */
static struct xsk_prog *load_cfg(const filter_t *f, __u32 entries, int frags)
{
	struct xsk_prog *skel = xsk_prog__open();

	REQUIRE(skel);
	if (f)
		skel->rodata->xsk_filter = *f;
	REQUIRE(bpf_map__set_max_entries(skel->maps.xsks_map, entries) == 0);
	REQUIRE(bpf_map__set_max_entries(skel->maps.xsk_passed, entries) == 0);
	if (frags)
		REQUIRE(bpf_program__set_flags(skel->progs.xsk_redirect, BPF_F_XDP_HAS_FRAGS) == 0);
	REQUIRE(xsk_prog__load(skel) == 0);
	return skel;
}

static struct xsk_prog *load(const filter_t *f)
{
	return load_cfg(f, QUEUES, 1);
}

/* The number of instructions of the loaded program, as the verifier left it. */
static __u32 insns(struct xsk_prog *skel)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	REQUIRE(bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.xsk_redirect), &info,
				       &len) == 0);
	return info.xlated_prog_len / 8;
}

/* Runs the program once on len bytes of p arriving on queue q: the verdict, or -errno. */
static int run(struct xsk_prog *skel, const void *p, __u32 len, __u32 q)
{
	unsigned char out[PKT_MAX]; /* valgrind checks an output as large as the input */
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = (__u32)ifindex,
			      .rx_queue_index = q };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p, .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xsk_redirect), &o))
		return -errno;
	return (int)o.retval;
}

/* The counters of queues 0..nq-1, each summed over the CPUs, into c. */
static void counters(struct xsk_prog *skel, __u64 c[QUEUES][NCOUNTERS], __u32 nq)
{
	int ncpu = libbpf_num_possible_cpus(), cpu, k;
	__u64 *v;
	__u32 q;

	REQUIRE(ncpu > 0);
	/* calloc: valgrind thinks the lookup writes one CPU's value, not all of them */
	v = calloc((size_t)ncpu * NCOUNTERS, sizeof(*v));
	REQUIRE(v);
	memset(c, 0, sizeof(__u64) * QUEUES * NCOUNTERS);
	for (q = 0; q < nq; q++) {
		if (!CHECK(bpf_map_lookup_elem(bpf_map__fd(skel->maps.xsk_passed), &q, v) == 0))
			break;
		for (cpu = 0; cpu < ncpu; cpu++)
			for (k = 0; k < NCOUNTERS; k++)
				c[q][k] += v[cpu * NCOUNTERS + k];
	}
	free(v);
}

/*
 * Runs the packet on queue q and checks the outcome `want`: the verdict (XDP_REDIRECT
 * for REDIRECTED, XDP_PASS otherwise) and that counter want of queue q went up by one
 * (none for REDIRECTED) and no other counter of any queue moved.
 */
#define EXPECT(skel, p, len, q, want) expect(__LINE__, skel, p, len, q, want)

static void expect(int line, struct xsk_prog *skel, const void *p, __u32 len, __u32 q,
		   int want)
{
	__u64 before[QUEUES][NCOUNTERS], after[QUEUES][NCOUNTERS];
	int verdict, ok, i, k;
	char what[96];

	counters(skel, before, QUEUES);
	verdict = run(skel, p, len, q);
	counters(skel, after, QUEUES);
	ok = verdict == (want == REDIRECTED ? XDP_REDIRECT : XDP_PASS);
	for (i = 0; i < QUEUES; i++)
		for (k = 0; k < NCOUNTERS; k++)
			ok &= after[i][k] - before[i][k] == (i == (int)q && k == want);
	if (!ok) {
		printf("%s:%d: verdict %d, counters moved:", __FILE__, line, verdict);
		for (i = 0; i < QUEUES; i++)
			for (k = 0; k < NCOUNTERS; k++)
				if (after[i][k] != before[i][k])
					printf(" queue %d %s +%llu", i, counter_name[k],
					       (unsigned long long)(after[i][k] - before[i][k]));
		printf("\n");
	}
	snprintf(what, sizeof(what), "%u bytes on queue %u: %s", len, q, counter_name[want]);
	t__check(ok, __FILE__, line, what);
}

/* ---- packets ---------------------------------------------------------------------- */

/* What pkt() builds: Ethernet, up to three VLAN tags, IPv4 or IPv6 by ethertype, UDP
 * or TCP by l4, then a payload up to len. */
struct spec {
	__u16 tpid[3], tci[3]; /* the tags' TPID (0: no tag) and TCI, outer first */
	__u16 ethertype;       /* after the tags */
	__u8 l4;               /* IP protocol */
	__u8 ihl;              /* IPv4 header words, 0: 5; options are NOPs (0x01) */
	__u16 frag_off;        /* IPv4 flags and fragment offset */
	__u8 ext;              /* IPv6: a hop-by-hop header (8 bytes) before l4 */
	__u16 dport;
	__u32 len;             /* 0: 64 bytes, or the headers if longer */
};

static void put16(unsigned char *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Writes the packet s describes into buf (PKT_MAX bytes); returns its length. Where
 * the filter could look by mistake there are bytes that would not match: the payload
 * and IPv4 options hold 0x01, which read as a port is 257. */
static __u32 pkt(unsigned char *buf, const struct spec *s)
{
	__u32 off = 2 * ETH_ALEN, l4off, len, min = s->len ? s->len : 64, i;

	/* the headers are built aligned, then copied into place */
	memset(buf, 0x01, PKT_MAX);
	memcpy(buf, NET_MAC_DST, ETH_ALEN);
	memcpy(buf + ETH_ALEN, NET_MAC_SRC, ETH_ALEN);
	for (i = 0; i < 3 && s->tpid[i]; i++, off += 4) {
		put16(buf + off, s->tpid[i]);
		put16(buf + off + 2, s->tci[i]);
	}
	put16(buf + off, s->ethertype);
	off += 2;
	l4off = off;
	if (s->ethertype == ETH_P_IP) {
		struct iphdr ip;

		memset(&ip, 0, sizeof(ip));
		ip.version = 4;
		ip.ihl = s->ihl ? s->ihl : 5;
		ip.ttl = 64;
		ip.protocol = s->l4;
		ip.frag_off = htons(s->frag_off);
		ip.saddr = htonl(0x0a000001);
		ip.daddr = htonl(0x0a000002);
		memcpy(buf + off, &ip, sizeof(ip));
		l4off = off + ip.ihl * 4;
	} else if (s->ethertype == ETH_P_IPV6) {
		struct ipv6hdr ip6;

		memset(&ip6, 0, sizeof(ip6));
		ip6.version = 6;
		ip6.nexthdr = s->ext ? 0 /* hop-by-hop */ : s->l4;
		ip6.hop_limit = 64;
		ip6.saddr.s6_addr[15] = 1;
		ip6.daddr.s6_addr[15] = 2;
		memcpy(buf + off, &ip6, sizeof(ip6));
		l4off = off + sizeof(ip6);
		if (s->ext) {
			memset(buf + l4off, 0, 8);
			buf[l4off] = s->l4; /* next header; length 0: 8 bytes */
			l4off += 8;
		}
	}
	len = l4off;
	if (s->l4 == IPPROTO_UDP || s->l4 == IPPROTO_TCP) {
		struct tcphdr th; /* UDP's header is the first 8 bytes of it */

		memset(&th, 0, sizeof(th));
		th.source = htons(40000);
		th.dest = htons(s->dport);
		th.doff = 5;
		th.syn = 1;
		th.window = htons(1024);
		len += s->l4 == IPPROTO_UDP ? sizeof(struct udphdr) : sizeof(th);
		memcpy(buf + l4off, &th, len - l4off);
	}
	return len > min ? len : min;
}

/* A UDP packet over IPv4 to dport; 64 bytes. */
static __u32 udp4(unsigned char *buf, __u16 dport)
{
	struct spec s = { .ethertype = ETH_P_IP, .l4 = IPPROTO_UDP, .dport = dport };

	return pkt(buf, &s);
}

/* A filter for UDP (ip_proto IPPROTO_UDP, or 0 for any) to ports lo..hi. */
static filter_t ports_filter(__u8 ip_proto, __u16 lo, __u16 hi)
{
	filter_t f;

	memset(&f, 0, sizeof(f));
	f.enabled = 1;
	f.ip_proto = ip_proto;
	f.nports = 1;
	f.ports[0].lo = lo;
	f.ports[0].hi = hi;
	return f;
}

/* ---- tests ------------------------------------------------------------------------ */

/* No filter: every packet, whatever it holds and however short, goes to the socket
 * (here none: XDP_PASS counted as no_socket). The kernel runs nothing shorter than an
 * Ethernet header. */
static void test_no_filter(void)
{
	struct xsk_prog *skel = load(NULL), *all;
	filter_t take_all = { .enabled = 1 };
	unsigned char buf[PKT_MAX];
	struct spec vlan = { .tpid = { ETH_P_8021Q }, .tci = { 7 }, .ethertype = ETH_P_IP,
			     .l4 = IPPROTO_TCP, .dport = 80 };
	__u32 len, i;

	EXPECT(skel, buf, udp4(buf, 53), 0, NO_SOCKET);
	EXPECT(skel, buf, net_frame(buf, 60, 1), 1, NO_SOCKET);
	EXPECT(skel, buf, pkt(buf, &vlan), 3, NO_SOCKET);
	for (i = 0; i < PKT_MAX; i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	for (len = ETH_HLEN; len <= 64; len++)
		EXPECT(skel, buf, len, len % QUEUES, NO_SOCKET);
	CHECK_EQ(run(skel, buf, ETH_HLEN - 1, 0), -EINVAL); /* the kernel's minimum */

	/* A filter that takes everything does the same, but the verifier removed the
	 * parser only from the program without one: the fast path stays short. */
	all = load(&take_all);
	EXPECT(all, buf, 64, 1, NO_SOCKET);
	if (!CHECK(insns(skel) + 16 <= insns(all)))
		printf("%u instructions without a filter, %u with one taking all\n",
		       insns(skel), insns(all));
	xsk_prog__destroy(all);
	xsk_prog__destroy(skel);
}

/* Only an EtherType, compared after the VLAN tags. */
static void test_ethertype(void)
{
	filter_t f = { .enabled = 1, .ethertype = NET_ETH_P_TEST };
	struct spec tagged = { .tpid = { ETH_P_8021Q }, .tci = { 5 },
			       .ethertype = NET_ETH_P_TEST };
	struct spec tagged_ip = { .tpid = { ETH_P_8021Q }, .tci = { 5 }, .ethertype = ETH_P_IP,
				  .l4 = IPPROTO_UDP, .dport = 9 };
	struct xsk_prog *skel = load(&f);
	unsigned char buf[PKT_MAX];

	EXPECT(skel, buf, net_frame(buf, 60, 1), 0, NO_SOCKET);
	EXPECT(skel, buf, ETH_HLEN, 0, NO_SOCKET); /* the header is all it needs */
	EXPECT(skel, buf, pkt(buf, &tagged), 0, NO_SOCKET);
	EXPECT(skel, buf, pkt(buf, &tagged_ip), 0, FILTERED);
	EXPECT(skel, buf, udp4(buf, 9), 0, FILTERED);
	net_frame(buf, 60, 1);
	buf[13] ^= 1; /* 0x88b4 */
	EXPECT(skel, buf, 60, 0, FILTERED);
	xsk_prog__destroy(skel);

	f.ethertype = ETH_P_IP;
	skel = load(&f);
	EXPECT(skel, buf, udp4(buf, 9), 0, NO_SOCKET);
	EXPECT(skel, buf, pkt(buf, &tagged_ip), 0, NO_SOCKET);
	EXPECT(skel, buf, net_frame(buf, 60, 1), 0, FILTERED);
	xsk_prog__destroy(skel);
}

/* A UDP port range over IPv4, at its edges. */
static void test_udp_range(void)
{
	filter_t f = ports_filter(IPPROTO_UDP, 1000, 2000);
	struct xsk_prog *skel = load(&f);
	unsigned char buf[PKT_MAX];

	EXPECT(skel, buf, udp4(buf, 999), 0, FILTERED);
	EXPECT(skel, buf, udp4(buf, 1000), 0, NO_SOCKET);
	EXPECT(skel, buf, udp4(buf, 1500), 0, NO_SOCKET);
	EXPECT(skel, buf, udp4(buf, 2000), 0, NO_SOCKET);
	EXPECT(skel, buf, udp4(buf, 2001), 0, FILTERED);
	EXPECT(skel, buf, udp4(buf, 0), 0, FILTERED);
	EXPECT(skel, buf, udp4(buf, 65535), 0, FILTERED);
	EXPECT(skel, buf, udp4(buf, 0xe803), 0, FILTERED); /* 1000 in the other byte order */
	EXPECT(skel, buf, net_frame(buf, 60, 1000), 0, FILTERED);
	xsk_prog__destroy(skel);
}

/* ip_proto tells TCP from UDP; ports alone take either, and no other protocol. */
static void test_tcp_udp(void)
{
	struct spec tcp = { .ethertype = ETH_P_IP, .l4 = IPPROTO_TCP, .dport = 80 };
	struct spec udp = { .ethertype = ETH_P_IP, .l4 = IPPROTO_UDP, .dport = 80 };
	struct spec sctp = { .ethertype = ETH_P_IP, .l4 = IPPROTO_SCTP, .dport = 80 };
	struct spec icmp = { .ethertype = ETH_P_IP, .l4 = IPPROTO_ICMP };
	filter_t f = ports_filter(IPPROTO_TCP, 80, 80);
	struct xsk_prog *skel = load(&f);
	unsigned char buf[PKT_MAX];
	__u32 len;

	EXPECT(skel, buf, pkt(buf, &tcp), 0, NO_SOCKET);
	EXPECT(skel, buf, pkt(buf, &udp), 0, FILTERED);
	xsk_prog__destroy(skel);

	f = ports_filter(0, 80, 80);
	skel = load(&f);
	EXPECT(skel, buf, pkt(buf, &tcp), 0, NO_SOCKET);
	EXPECT(skel, buf, pkt(buf, &udp), 0, NO_SOCKET);
	put16(buf + ETH_HLEN + 20 + 2, 81); /* dport */
	EXPECT(skel, buf, 64, 0, FILTERED);
	len = pkt(buf, &sctp);
	put16(buf + ETH_HLEN + 20 + 2, 80); /* SCTP's ports are where UDP's are */
	EXPECT(skel, buf, len, 0, FILTERED);
	xsk_prog__destroy(skel);

	/* a protocol without ports */
	memset(&f, 0, sizeof(f));
	f.enabled = 1;
	f.ip_proto = IPPROTO_ICMP;
	skel = load(&f);
	EXPECT(skel, buf, pkt(buf, &icmp), 0, NO_SOCKET);
	EXPECT(skel, buf, pkt(buf, &udp), 0, FILTERED);
	EXPECT(skel, buf, net_frame(buf, 60, 1), 0, FILTERED);
	xsk_prog__destroy(skel);
}

/* IPv6: the fixed header's next header; extension headers are not walked. */
static void test_ipv6(void)
{
	struct spec u6 = { .ethertype = ETH_P_IPV6, .l4 = IPPROTO_UDP, .dport = 5000 };
	struct spec t6 = { .ethertype = ETH_P_IPV6, .l4 = IPPROTO_TCP, .dport = 5000 };
	filter_t f = ports_filter(IPPROTO_UDP, 5000, 5001);
	struct xsk_prog *skel;
	unsigned char buf[PKT_MAX];

	f.ethertype = ETH_P_IPV6;
	skel = load(&f);
	EXPECT(skel, buf, pkt(buf, &u6), 0, NO_SOCKET);
	EXPECT(skel, buf, pkt(buf, &t6), 0, FILTERED);
	u6.dport = 5002;
	EXPECT(skel, buf, pkt(buf, &u6), 0, FILTERED);
	u6.dport = 5001;
	EXPECT(skel, buf, pkt(buf, &u6), 0, NO_SOCKET);
	u6.ext = 1;
	EXPECT(skel, buf, pkt(buf, &u6), 0, FILTERED);
	EXPECT(skel, buf, udp4(buf, 5000), 0, FILTERED);
	xsk_prog__destroy(skel);

	f.ethertype = 0; /* IPv4 or IPv6 */
	skel = load(&f);
	EXPECT(skel, buf, udp4(buf, 5000), 0, NO_SOCKET);
	u6.ext = 0;
	EXPECT(skel, buf, pkt(buf, &u6), 0, NO_SOCKET);
	xsk_prog__destroy(skel);
}

/* vlan: the outer tag's VID (without priority and DEI bits); one or two tags. */
static void test_vlan(void)
{
	filter_t f = { .enabled = 1, .vlan = 100 };
	struct spec s = { .ethertype = ETH_P_IP, .l4 = IPPROTO_UDP, .dport = 7 };
	struct xsk_prog *skel = load(&f);
	unsigned char buf[PKT_MAX];

	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED); /* untagged */
	s.tpid[0] = ETH_P_8021Q;
	s.tci[0] = 100;
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	s.tci[0] = 101;
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	s.tci[0] = 0xf000 | 100; /* priority 7, DEI */
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	s.tci[0] = 100 + 4096; /* a bit above the VID */
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	s.tpid[0] = ETH_P_8021AD;
	s.tpid[1] = ETH_P_8021Q;
	s.tci[0] = 100;
	s.tci[1] = 200;
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	s.tci[0] = 200;
	s.tci[1] = 100; /* only the outer tag counts */
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	s.tpid[0] = ETH_P_8021Q;
	s.tci[0] = 100;
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	xsk_prog__destroy(skel);

	/* with the rest of the filter behind two tags */
	f = ports_filter(IPPROTO_UDP, 7, 7);
	f.vlan = 100;
	f.ethertype = ETH_P_IP;
	skel = load(&f);
	s.tpid[0] = ETH_P_8021AD;
	s.tci[0] = 100;
	s.tci[1] = 200;
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	s.dport = 8;
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	s.dport = 7;
	s.tci[0] = 99;
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	/* a third tag: the EtherType after two tags is 0x8100, not IPv4 */
	s.tci[0] = 100;
	s.tpid[2] = ETH_P_8021Q;
	s.tci[2] = 300;
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	xsk_prog__destroy(skel);
	f.ethertype = 0;
	f.ip_proto = 0;
	f.nports = 0;
	skel = load(&f);
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET); /* the outer tag still counts */
	xsk_prog__destroy(skel);
}

/* IPv4 options: the ports are after IHL words, wherever that is. */
static void test_ipv4_options(void)
{
	struct spec s = { .ethertype = ETH_P_IP, .l4 = IPPROTO_UDP, .dport = 1500, .len = 128 };
	filter_t f = ports_filter(IPPROTO_UDP, 1000, 2000);
	struct xsk_prog *skel = load(&f);
	unsigned char buf[PKT_MAX];

	for (s.ihl = 5; s.ihl <= 15; s.ihl++)
		EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	/* port 257: what a filter that ignored IHL would read in the options (NOPs) */
	f = ports_filter(IPPROTO_UDP, 257, 257);
	xsk_prog__destroy(skel);
	skel = load(&f);
	for (s.ihl = 6; s.ihl <= 15; s.ihl++)
		EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	/* IHL below 5 is no IPv4 header */
	s.ihl = 4;
	s.dport = 257;
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	s.ihl = 5;
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	xsk_prog__destroy(skel);
}

/* Fragments: only the first has the ports; all have the protocol. */
static void test_fragments(void)
{
	struct spec s = { .ethertype = ETH_P_IP, .l4 = IPPROTO_UDP, .dport = 53 };
	filter_t f = ports_filter(IPPROTO_UDP, 53, 53);
	struct xsk_prog *skel = load(&f);
	unsigned char buf[PKT_MAX];

	s.frag_off = 0x2000; /* MF, offset 0: the first fragment */
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	s.frag_off = 0x4000; /* DF */
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	s.frag_off = 0x2000 | 185; /* a middle fragment, "port" 53 in its data */
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	s.frag_off = 1; /* the last, at offset 8 */
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	s.frag_off = 0x1000; /* offset 4096 * 8 */
	EXPECT(skel, buf, pkt(buf, &s), 0, FILTERED);
	xsk_prog__destroy(skel);

	memset(&f, 0, sizeof(f));
	f.enabled = 1;
	f.ip_proto = IPPROTO_UDP;
	skel = load(&f);
	s.frag_off = 185;
	EXPECT(skel, buf, pkt(buf, &s), 0, NO_SOCKET);
	xsk_prog__destroy(skel);
}

/* Each matching packet cut short, at every length the kernel runs: none matches. */
static void test_truncated(void)
{
	static const struct {
		struct spec s;
		__u8 ip_proto, ports;  /* the filter: ip_proto, and ports 4789 or none */
		__u16 ethertype, vlan;
	} cases[] = {
		{ .s = { .ethertype = ETH_P_IP, .l4 = IPPROTO_UDP, .dport = 4789 },
		  .ip_proto = IPPROTO_UDP, .ports = 1 },
		{ .s = { .ethertype = ETH_P_IP, .l4 = IPPROTO_UDP, .dport = 4789, .ihl = 15 },
		  .ports = 1 },
		{ .s = { .ethertype = ETH_P_IP, .l4 = IPPROTO_TCP, .dport = 4789 },
		  .ip_proto = IPPROTO_TCP, .ports = 1 },
		{ .s = { .ethertype = ETH_P_IPV6, .l4 = IPPROTO_UDP, .dport = 4789 },
		  .ip_proto = IPPROTO_UDP, .ports = 1 },
		{ .s = { .ethertype = ETH_P_IPV6, .l4 = IPPROTO_TCP, .dport = 4789 }, .ports = 1 },
		{ .s = { .tpid = { ETH_P_8021Q }, .tci = { 4 }, .ethertype = ETH_P_IP,
			 .l4 = IPPROTO_UDP, .dport = 4789 },
		  .ip_proto = IPPROTO_UDP, .ports = 1, .ethertype = ETH_P_IP, .vlan = 4 },
		{ .s = { .tpid = { ETH_P_8021AD, ETH_P_8021Q }, .tci = { 4, 5 },
			 .ethertype = ETH_P_IPV6, .l4 = IPPROTO_UDP, .dport = 4789 },
		  .ports = 1, .ethertype = ETH_P_IPV6, .vlan = 4 },
		/* no ports: the headers end with IP's */
		{ .s = { .ethertype = ETH_P_IP, .l4 = IPPROTO_ICMP, .ihl = 15 },
		  .ip_proto = IPPROTO_ICMP },
		{ .s = { .ethertype = ETH_P_IPV6, .l4 = IPPROTO_ICMPV6 },
		  .ip_proto = IPPROTO_ICMPV6 },
		/* no IP: they end with the tags */
		{ .s = { .tpid = { ETH_P_8021AD, ETH_P_8021Q }, .tci = { 4, 5 },
			 .ethertype = NET_ETH_P_TEST },
		  .ethertype = NET_ETH_P_TEST, .vlan = 4 },
	};
	unsigned char buf[PKT_MAX];
	struct xsk_prog *skel;
	__u32 i, len, full;
	struct spec s;
	filter_t f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = ports_filter(cases[i].ip_proto, 4789, 4789);
		f.nports = cases[i].ports;
		f.ethertype = cases[i].ethertype;
		f.vlan = cases[i].vlan;
		skel = load(&f);
		s = cases[i].s;
		s.len = 1; /* just the headers */
		full = pkt(buf, &s);
		for (len = ETH_HLEN; len < full; len++)
			EXPECT(skel, buf, len, i % QUEUES, FILTERED);
		EXPECT(skel, buf, full, i % QUEUES, NO_SOCKET);
		xsk_prog__destroy(skel);
	}
}

/* Several ranges: any of the first nports matches; those beyond nports are unused. */
static void test_port_ranges(void)
{
	static const struct {
		__u16 port;
		int want;
	} p[] = {
		{ 0, NO_SOCKET }, { 1, FILTERED }, { 9, FILTERED }, { 10, NO_SOCKET },
		{ 20, NO_SOCKET }, { 21, FILTERED }, { 99, FILTERED }, { 100, NO_SOCKET },
		{ 101, FILTERED }, { 550, FILTERED }, { 64999, FILTERED },
		{ 65000, NO_SOCKET }, { 65535, NO_SOCKET },
	};
	filter_t f = ports_filter(0, 0, 0);
	unsigned char buf[PKT_MAX];
	struct xsk_prog *skel;
	__u32 i;

	f.nports = 4;
	f.ports[1].lo = 10;
	f.ports[1].hi = 20;
	f.ports[2].lo = 100;
	f.ports[2].hi = 100;
	f.ports[3].lo = 65000;
	f.ports[3].hi = 65535;
	f.ports[4].lo = 500; /* beyond nports */
	f.ports[4].hi = 600;
	skel = load(&f);
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		EXPECT(skel, buf, udp4(buf, p[i].port), 0, p[i].want);
	xsk_prog__destroy(skel);

	/* all eight, each one port: the last counts too */
	f.nports = NPORTS;
	for (i = 0; i < NPORTS; i++)
		f.ports[i].lo = f.ports[i].hi = (__u16)(1000 + i);
	skel = load(&f);
	for (i = 0; i < NPORTS; i++)
		EXPECT(skel, buf, udp4(buf, (__u16)(1000 + i)), 0, NO_SOCKET);
	EXPECT(skel, buf, udp4(buf, 999), 0, FILTERED);
	EXPECT(skel, buf, udp4(buf, 1000 + NPORTS), 0, FILTERED);
	xsk_prog__destroy(skel);

	/* an empty range (lo > hi) matches nothing */
	f = ports_filter(0, 2000, 1000);
	skel = load(&f);
	EXPECT(skel, buf, udp4(buf, 1500), 0, FILTERED);
	xsk_prog__destroy(skel);
}

/* Each queue counts in its own entry; a queue beyond xsk_passed is not counted. */
static void test_queues(void)
{
	filter_t f = ports_filter(IPPROTO_UDP, 53, 53);
	unsigned char buf[PKT_MAX];
	__u64 c[QUEUES][NCOUNTERS];
	struct xsk_prog *skel;
	__u32 q, i;

	skel = load(&f);
	for (q = 0; q < QUEUES; q++) {
		for (i = 0; i <= q; i++)
			EXPECT(skel, buf, udp4(buf, 53), q, NO_SOCKET);
		for (i = 0; i < 2 * q; i++)
			EXPECT(skel, buf, udp4(buf, 54), q, FILTERED);
	}
	counters(skel, c, QUEUES);
	for (q = 0; q < QUEUES; q++) {
		CHECK_EQ(c[q][NO_SOCKET], q + 1);
		CHECK_EQ(c[q][FILTERED], 2 * q);
	}
	xsk_prog__destroy(skel);

	/* maps of one entry (as in the source): queue 3 passes, uncounted */
	skel = load_cfg(&f, 1, 1);
	CHECK_EQ(run(skel, buf, udp4(buf, 53), 3), XDP_PASS);
	CHECK_EQ(run(skel, buf, udp4(buf, 54), 3), XDP_PASS);
	CHECK_EQ(run(skel, buf, udp4(buf, 53), 0), XDP_PASS);
	counters(skel, c, 1);
	CHECK_EQ(c[0][NO_SOCKET], 1);
	CHECK_EQ(c[0][FILTERED], 0);
	xsk_prog__destroy(skel);
}

/* With a bound AF_XDP socket in xsks_map at queue 1, matching packets there are
 * redirected; other queues have none. */
static void test_redirect(void)
{
	filter_t f = ports_filter(IPPROTO_UDP, 53, 53);
	struct xsk_prog *skel[2];
	struct rig_cfg cfg;
	unsigned char buf[PKT_MAX];
	struct rig r;
	__u32 q = 1;
	int fd, i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.frames = 64;
	cfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
	REQUIRE(rig_open_cfg(&r, "pa0", q, &cfg) == 0);
	CHECK_EQ(net_xdp_prog_id(ifindex), 0); /* no program attached */
	skel[0] = load(NULL);
	skel[1] = load(&f);
	fd = xsk_socket__fd(r.xsk);
	for (i = 0; i < 2; i++)
		REQUIRE(!bpf_map_update_elem(bpf_map__fd(skel[i]->maps.xsks_map), &q, &fd, 0));

	EXPECT(skel[0], buf, udp4(buf, 54), 1, REDIRECTED);
	EXPECT(skel[0], buf, net_frame(buf, 60, 1), 1, REDIRECTED);
	EXPECT(skel[0], buf, udp4(buf, 54), 0, NO_SOCKET);
	EXPECT(skel[0], buf, udp4(buf, 54), 2, NO_SOCKET);
	EXPECT(skel[1], buf, udp4(buf, 53), 1, REDIRECTED);
	EXPECT(skel[1], buf, udp4(buf, 54), 1, FILTERED);
	EXPECT(skel[1], buf, udp4(buf, 53), 2, NO_SOCKET);
	EXPECT(skel[1], buf, udp4(buf, 54), 2, FILTERED);

	/* the socket leaves the map: no_socket again */
	REQUIRE(bpf_map_delete_elem(bpf_map__fd(skel[1]->maps.xsks_map), &q) == 0);
	EXPECT(skel[1], buf, udp4(buf, 53), 1, NO_SOCKET);
	for (i = 0; i < 2; i++)
		xsk_prog__destroy(skel[i]);
	rig_close(&r);
}

/* Every filter field at once, and no filter, load with and without
 * BPF_F_XDP_HAS_FRAGS (xsk.h falls back to the plain program on older kernels). */
static void test_load_flags(void)
{
	struct spec s = { .tpid = { ETH_P_8021Q }, .tci = { 9 }, .ethertype = ETH_P_IP,
			  .l4 = IPPROTO_TCP, .dport = 80 };
	filter_t f = ports_filter(IPPROTO_TCP, 80, 80);
	unsigned char buf[PKT_MAX];
	struct xsk_prog *skel;
	int frags, i;

	f.nports = NPORTS;
	f.ethertype = ETH_P_IP;
	f.vlan = 9;
	for (i = 1; i < NPORTS; i++)
		f.ports[i] = f.ports[0];
	for (frags = 0; frags <= 1; frags++) {
		skel = load_cfg(&f, QUEUES, frags);
		EXPECT(skel, buf, pkt(buf, &s), 3, NO_SOCKET);
		EXPECT(skel, buf, udp4(buf, 80), 3, FILTERED);
		xsk_prog__destroy(skel);
		skel = load_cfg(NULL, QUEUES, frags);
		EXPECT(skel, buf, udp4(buf, 80), 3, NO_SOCKET);
		xsk_prog__destroy(skel);
	}
}

/* The maps as the kernel names them: xsk.h finds an attached program's maps by these
 * names and types, and compares its read-only data with the filter it wants. */
static void test_maps(void)
{
	filter_t f = ports_filter(IPPROTO_UDP, 1, 2), have;
	struct xsk_prog *skel = load(&f);
	struct bpf_prog_info info;
	__u32 len = sizeof(info), ids[8], zero = 0;
	int i, n, found = 0;

	memset(&info, 0, sizeof(info));
	REQUIRE(bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.xsk_redirect), &info,
				       &len) == 0);
	n = net_prog_map_ids(info.id, ids, 8);
	CHECK_EQ(n, 3);
	for (i = 0; i < n && i < 8; i++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		memset(&mi, 0, sizeof(mi));
		if (!CHECK(fd >= 0) || !CHECK(bpf_obj_get_info_by_fd(fd, &mi, &mlen) == 0))
			continue;
		if (!strcmp(mi.name, "xsks_map")) {
			found |= 1;
			CHECK_EQ(mi.type, BPF_MAP_TYPE_XSKMAP);
			CHECK_EQ(mi.max_entries, QUEUES);
		} else if (!strcmp(mi.name, "xsk_passed")) {
			found |= 2;
			CHECK_EQ(mi.type, BPF_MAP_TYPE_PERCPU_ARRAY);
			CHECK_EQ(mi.max_entries, QUEUES);
			CHECK_EQ(mi.value_size, NCOUNTERS * sizeof(__u64));
		} else if (!strcmp(mi.name, "xsk_prog.rodata")) {
			found |= 4;
			CHECK_EQ(mi.type, BPF_MAP_TYPE_ARRAY);
			CHECK_EQ(mi.value_size, sizeof(*skel->rodata));
			memset(&have, 0, sizeof(have));
			CHECK(bpf_map_lookup_elem(fd, &zero, &have) == 0);
			CHECK(!memcmp(&have, &f, sizeof(f)));
		} else {
			printf("unexpected map %s\n", mi.name);
			CHECK(0);
		}
		close(fd);
	}
	CHECK_EQ(found, 7);
	CHECK_EQ(sizeof(filter_t), 40); /* xsk.h's layout */
	CHECK_EQ(NPORTS, 8);
	xsk_prog__destroy(skel);
}

int main(void)
{
	t_need_root();
	net_sandbox();
	REQUIRE(net_veth("pa0", "pb0", QUEUES) == 0);
	ifindex = net_ifindex("pa0");
	REQUIRE(ifindex > 0);
	T_RUN(test_no_filter);
	T_RUN(test_ethertype);
	T_RUN(test_udp_range);
	T_RUN(test_tcp_udp);
	T_RUN(test_ipv6);
	T_RUN(test_vlan);
	T_RUN(test_ipv4_options);
	T_RUN(test_fragments);
	T_RUN(test_truncated);
	T_RUN(test_port_ranges);
	T_RUN(test_queues);
	T_RUN(test_redirect);
	T_RUN(test_load_flags);
	T_RUN(test_maps);
	return t_done();
}
