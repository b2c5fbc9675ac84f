// SPDX-License-Identifier: BSD-2-Clause
/*
 * The XDP program that xsk.h loads: every packet goes to the AF_XDP socket bound to
 * the queue it arrived on; a queue without a socket passes its packets to the kernel
 * stack (bpf_redirect_map's XDP_PASS fallback, kernel >= 5.3).
 *
 * xsk.h sets xsks_map's size to the interface's queue count before loading.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

SEC("xdp")
int xsk_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
