// SPDX-License-Identifier: BSD-2-Clause
/*
 * The XDP program that xsk.h loads: packets go to the AF_XDP socket bound to the queue
 * they arrived on; a queue without a socket passes its packets to the kernel stack
 * (bpf_redirect_map's XDP_PASS fallback, kernel >= 5.3).
 *
 * Filter. xsk_filter, in read-only data, is set before load. With enabled 0 (the
 * default) every packet goes to the socket, and the verifier removes the parser as dead
 * code. Otherwise only packets that match every field set go to the socket; the others
 * pass to the kernel stack. The filter sees the packet's data as it arrived:
 *  - VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8; at most two) only if they are in the
 *    data: a NIC that strips them (rx VLAN offload; `ethtool -K dev rxvlan off`) leaves
 *    none, and a packet it stripped does not match `vlan`;
 *  - IPv6: the protocol is the fixed header's next header. Extension headers are not
 *    walked: a packet with one (hop-by-hop, routing, fragment...) has that as its
 *    protocol and no ports;
 *  - IPv4: options are skipped (IHL); a fragment other than the first has no ports;
 *  - a packet that ends inside a header the filter needs (Ethernet, the tags, IPv4
 *    with its options, IPv6's fixed header, UDP's 8 or TCP's 20 bytes for ports) does
 *    not match. In a multi-buffer packet the headers must be in the first buffer
 *    (drivers put them there).
 *
 * Counters. xsk_passed holds a struct xsk_prog_counters per queue and CPU (add up the
 * CPUs' values) for the packets passed to the stack; a queue beyond the map is not
 * counted. Packets redirected are not counted here: the socket sees those (its ring and
 * XDP_STATISTICS), and a counter touched for every packet cost 2-3% of the receive
 * rate in copy mode on veth, where the kernel's side is the bottleneck.
 *
 * xsk.h sets the size of xsks_map and xsk_passed to the interface's queue count
 * before loading, and BPF_F_XDP_HAS_FRAGS where the kernel has it. The program reads
 * the packet directly (no bpf_xdp_load_bytes, which needs 5.18) and has no loops.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define XSK_PROG_PORTS 8

/*
 * The filter (struct xsk_prog_filter). Its type is anonymous so that the skeleton, which
 * declares the variable, defines the type too: bpftool only names a struct type there,
 * which would leave every includer of the skeleton to define it first.
 */
const volatile struct {
	__u8 enabled;      /* 0: no filter, every packet goes to the socket */
	__u8 ip_proto;     /* IPPROTO_*; 0: any. Set: IPv4 or IPv6 with this protocol */
	__u8 nports;       /* port ranges in use, 0..XSK_PROG_PORTS; 0: any port */
	__u8 pad;
	__u16 ethertype;   /* host order, the EtherType after any VLAN tags; 0: any */
	__u16 vlan;        /* VLAN id of the outer tag the packet must carry; 0: any */
	struct {
		__u16 lo, hi;
	} ports[XSK_PROG_PORTS]; /* UDP or TCP destination ports, inclusive, host order */
} xsk_filter;

struct xsk_prog_counters {
	__u64 no_socket;   /* matched (or no filter) but the queue has no socket: XDP_PASS */
	__u64 filtered;    /* did not match the filter: XDP_PASS */
};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xsk_prog_counters);
} xsk_passed SEC(".maps");

struct xsk_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

#define XSK_VLAN_VID 0x0fff
#define XSK_IP_OFFSET 0x1fff /* IPv4 fragment offset */

/* 1 if the packet matches every field of xsk_filter that is set, else 0. */
static __always_inline int xsk_match(const struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct xsk_vlan_hdr *tag;
	struct ipv6hdr *ip6;
	struct iphdr *ip;
	void *l3, *l4;
	__u16 vid = 0, port;
	__be16 proto;
	__u8 l4proto;
	int i, frag = 0;

	if ((void *)(eth + 1) > end)
		return 0;
	proto = eth->h_proto;
	l3 = eth + 1;
#pragma unroll
	for (i = 0; i < 2; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		tag = l3;
		if ((void *)(tag + 1) > end)
			return 0;
		if (i == 0)
			vid = bpf_ntohs(tag->tci) & XSK_VLAN_VID;
		proto = tag->proto;
		l3 = tag + 1;
	}
	if (xsk_filter.vlan && vid != xsk_filter.vlan) /* untagged: vid 0, never set */
		return 0;
	if (xsk_filter.ethertype && proto != bpf_htons(xsk_filter.ethertype))
		return 0;
	if (!xsk_filter.ip_proto && !xsk_filter.nports)
		return 1;

	if (proto == bpf_htons(ETH_P_IP)) {
		ip = l3;
		if ((void *)(ip + 1) > end || ip->ihl < 5)
			return 0;
		l4 = (void *)ip + ip->ihl * 4;
		if (l4 > end)
			return 0;
		l4proto = ip->protocol;
		frag = ip->frag_off & bpf_htons(XSK_IP_OFFSET);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		ip6 = l3;
		if ((void *)(ip6 + 1) > end)
			return 0;
		l4 = ip6 + 1;
		l4proto = ip6->nexthdr;
	} else {
		return 0;
	}
	if (xsk_filter.ip_proto && l4proto != xsk_filter.ip_proto)
		return 0;
	if (!xsk_filter.nports)
		return 1;

	if (frag)
		return 0;
	if (l4proto == IPPROTO_UDP) {
		if (l4 + sizeof(struct udphdr) > end)
			return 0;
	} else if (l4proto == IPPROTO_TCP) {
		if (l4 + sizeof(struct tcphdr) > end)
			return 0;
	} else {
		return 0;
	}
	port = bpf_ntohs(((struct udphdr *)l4)->dest); /* where TCP has it too */
#pragma unroll
	for (i = 0; i < XSK_PROG_PORTS; i++)
		if (i < xsk_filter.nports && port >= xsk_filter.ports[i].lo &&
		    port <= xsk_filter.ports[i].hi)
			return 1;
	return 0;
}

SEC("xdp")
int xsk_redirect(struct xdp_md *ctx)
{
	__u32 queue = ctx->rx_queue_index;
	struct xsk_prog_counters *c;
	long act;

	if (xsk_filter.enabled && !xsk_match(ctx)) {
		c = bpf_map_lookup_elem(&xsk_passed, &queue);
		if (c)
			c->filtered++;
		return XDP_PASS;
	}
	act = bpf_redirect_map(&xsks_map, queue, XDP_PASS);
	if (act != XDP_REDIRECT) {
		c = bpf_map_lookup_elem(&xsk_passed, &queue);
		if (c)
			c->no_socket++;
	}
	return (int)act;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
