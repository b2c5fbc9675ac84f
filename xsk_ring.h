/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xsk_ring.h - the four AF_XDP rings (fill, completion, RX, TX) seen from
 * user space: reserve/submit on the rings user space produces, peek/release
 * on the rings it consumes. Names, argument types and struct layout are those
 * of libxdp's <xdp/xsk.h>, plus xsk_ring_prod__cancel().
 *
 * Needs only <linux/if_xdp.h>; everything is inline, nothing to link.
 *
 * Memory ordering: each side keeps cached copies of both indices and reads
 * the other side's shared index only when its cached view runs out. Shared
 * indices are read with __atomic_load_n(ACQUIRE) and published with
 * __atomic_store_n(RELEASE); these pair with the kernel's barriers in
 * net/xdp/xsk_queue.h (labels A-D there). Index arithmetic is unsigned 32-bit
 * and relies on wrap-around; the ring size is a power of two.
 */
#ifndef XSK_RING_H
#define XSK_RING_H

#include <linux/if_xdp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Constants missing from older uapi headers. */
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9
#endif
#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4)
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0)
#endif
#ifndef XDP_UMEM_TX_SW_CSUM
#define XDP_UMEM_TX_SW_CSUM (1 << 1)
#endif
#ifndef XDP_UMEM_TX_METADATA_LEN
#define XDP_UMEM_TX_METADATA_LEN (1 << 2)
#endif
#ifndef XDP_TXMD_FLAGS_TIMESTAMP
#define XDP_TXMD_FLAGS_TIMESTAMP (1 << 0)
#endif
#ifndef XDP_TXMD_FLAGS_CHECKSUM
#define XDP_TXMD_FLAGS_CHECKSUM (1 << 1)
#endif
#ifndef XDP_TX_METADATA
#define XDP_TX_METADATA (1 << 1)
#endif
#ifndef XSK_UNALIGNED_BUF_OFFSET_SHIFT
#define XSK_UNALIGNED_BUF_OFFSET_SHIFT 48
#endif
#ifndef XSK_UNALIGNED_BUF_ADDR_MASK
#define XSK_UNALIGNED_BUF_ADDR_MASK ((1ULL << XSK_UNALIGNED_BUF_OFFSET_SHIFT) - 1)
#endif

#ifndef XSK_INLINE
#if defined(__GNUC__) || defined(__clang__)
#define XSK_INLINE static inline __attribute__((always_inline))
#else
#define XSK_INLINE static inline
#endif
#endif

/* Do not access these members directly; use the functions below. */
struct xsk_ring_prod {
	__u32 cached_prod;
	__u32 cached_cons; /* real consumer index + size */
	__u32 mask;
	__u32 size;
	__u32 *producer;
	__u32 *consumer;
	void *ring;
	__u32 *flags;
};

/* Do not access these members directly; use the functions below. */
struct xsk_ring_cons {
	__u32 cached_prod;
	__u32 cached_cons;
	__u32 mask;
	__u32 size;
	__u32 *producer;
	__u32 *consumer;
	void *ring;
	__u32 *flags;
};

XSK_INLINE __u64 *xsk_ring_prod__fill_addr(struct xsk_ring_prod *fill, __u32 idx)
{
	return &((__u64 *)fill->ring)[idx & fill->mask];
}

XSK_INLINE const __u64 *xsk_ring_cons__comp_addr(const struct xsk_ring_cons *comp, __u32 idx)
{
	return &((const __u64 *)comp->ring)[idx & comp->mask];
}

XSK_INLINE struct xdp_desc *xsk_ring_prod__tx_desc(struct xsk_ring_prod *tx, __u32 idx)
{
	return &((struct xdp_desc *)tx->ring)[idx & tx->mask];
}

XSK_INLINE const struct xdp_desc *xsk_ring_cons__rx_desc(const struct xsk_ring_cons *rx, __u32 idx)
{
	return &((const struct xdp_desc *)rx->ring)[idx & rx->mask];
}

XSK_INLINE int xsk_ring_prod__needs_wakeup(const struct xsk_ring_prod *r)
{
	/* A hint the kernel sets and clears; no ordering needed (as libxdp). */
	return (__atomic_load_n(r->flags, __ATOMIC_RELAXED) & XDP_RING_NEED_WAKEUP) != 0;
}

/*
 * Free entries, at least nb if that many are free. Reads the shared consumer
 * index only when the cached view has fewer than nb.
 */
XSK_INLINE __u32 xsk_prod_nb_free(struct xsk_ring_prod *r, __u32 nb)
{
	__u32 free_entries = r->cached_cons - r->cached_prod;

	if (free_entries >= nb)
		return free_entries;

	/*
	 * Pairs with the kernel consumer's barrier before it stores ->consumer
	 * (__xskq_cons_release, D): the kernel has finished reading the entries
	 * we are about to overwrite.
	 */
	r->cached_cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE) + r->size;
	return r->cached_cons - r->cached_prod;
}

/*
 * Entries ready to read, at most nb. Reads the shared producer index only
 * when the cached view is empty.
 */
XSK_INLINE __u32 xsk_cons_nb_avail(struct xsk_ring_cons *r, __u32 nb)
{
	__u32 entries = r->cached_prod - r->cached_cons;

	if (entries == 0) {
		/*
		 * Pairs with the kernel producer's smp_wmb() before it stores
		 * ->producer (__xskq_prod_submit, B): the entries are written
		 * before we read them.
		 */
		r->cached_prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
		entries = r->cached_prod - r->cached_cons;
	}

	return entries > nb ? nb : entries;
}

/* Reserves exactly nb entries starting at *idx and returns nb, or returns 0. */
XSK_INLINE __u32 xsk_ring_prod__reserve(struct xsk_ring_prod *prod, __u32 nb, __u32 *idx)
{
	if (xsk_prod_nb_free(prod, nb) < nb)
		return 0;

	*idx = prod->cached_prod;
	prod->cached_prod += nb;
	return nb;
}

/* Gives back the last nb entries reserved and not yet submitted. */
XSK_INLINE void xsk_ring_prod__cancel(struct xsk_ring_prod *prod, __u32 nb)
{
	prod->cached_prod -= nb;
}

/* Hands the oldest nb reserved entries to the kernel. */
XSK_INLINE void xsk_ring_prod__submit(struct xsk_ring_prod *prod, __u32 nb)
{
	/* Only user space writes ->producer, so our own last store is current; a plain
	 * read lets the compiler fold it into the add. */
	__u32 prod_idx = *prod->producer;

	/*
	 * Pairs with the kernel consumer's smp_rmb() after it loads ->producer
	 * (__xskq_cons_peek, C): the entries are written before the kernel can
	 * see the new index.
	 */
	__atomic_store_n(prod->producer, prod_idx + nb, __ATOMIC_RELEASE);
}

/* Up to nb entries ready to read, starting at *idx; returns how many. */
XSK_INLINE __u32 xsk_ring_cons__peek(struct xsk_ring_cons *cons, __u32 nb, __u32 *idx)
{
	__u32 entries = xsk_cons_nb_avail(cons, nb);

	if (entries > 0) {
		*idx = cons->cached_cons;
		cons->cached_cons += entries;
	}
	return entries;
}

/* Un-peeks the last nb entries peeked and not yet released. */
XSK_INLINE void xsk_ring_cons__cancel(struct xsk_ring_cons *cons, __u32 nb)
{
	cons->cached_cons -= nb;
}

/* Returns the oldest nb peeked entries to the kernel. */
XSK_INLINE void xsk_ring_cons__release(struct xsk_ring_cons *cons, __u32 nb)
{
	/* Only user space writes ->consumer, so our own last store is current. */
	__u32 cons_idx = *cons->consumer;

	/*
	 * Pairs with the kernel producer's load of ->consumer before it writes
	 * entries (xskq_prod_nb_free, A): our reads of the entries are done
	 * before the kernel may reuse them.
	 */
	__atomic_store_n(cons->consumer, cons_idx + nb, __ATOMIC_RELEASE);
}

XSK_INLINE void *xsk_umem__get_data(void *umem_area, __u64 addr)
{
	return &((char *)umem_area)[addr];
}

/* Unaligned chunk mode: an address carries an offset in its top 16 bits. */
XSK_INLINE __u64 xsk_umem__extract_addr(__u64 addr)
{
	return addr & XSK_UNALIGNED_BUF_ADDR_MASK;
}

XSK_INLINE __u64 xsk_umem__extract_offset(__u64 addr)
{
	return addr >> XSK_UNALIGNED_BUF_OFFSET_SHIFT;
}

XSK_INLINE __u64 xsk_umem__add_offset_to_addr(__u64 addr)
{
	return xsk_umem__extract_addr(addr) + xsk_umem__extract_offset(addr);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* XSK_RING_H */
