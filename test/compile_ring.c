// SPDX-License-Identifier: BSD-2-Clause
/*
 * Compile test: xsk_ring.h alone, every function used once. Build it as C99,
 * C11 and C++17 (-x c++) with -Wall -Wextra -Werror -Wsign-conversion
 * (and -Wstrict-prototypes for C). Running it is harmless; it exits 0.
 */
#include "xsk_ring.h"

static __u32 words[3]; /* producer, consumer, flags */
static __u64 addrs[4];
static struct xdp_desc descs[4];
static char umem[64];
static struct xsk_ring_prod prod;
static struct xsk_ring_cons cons;

int main(void)
{
	__u64 sum = 0;
	__u32 idx = 0;

	prod.mask = 3;
	prod.size = 4;
	prod.cached_cons = 4;
	prod.producer = &words[0];
	prod.consumer = &words[1];
	prod.flags = &words[2];
	prod.ring = addrs;
	cons.mask = 3;
	cons.size = 4;
	cons.producer = &words[0];
	cons.consumer = &words[1];
	cons.flags = &words[2];
	cons.ring = addrs;

	sum += xsk_prod_nb_free(&prod, 1);
	sum += xsk_ring_prod__reserve(&prod, 2, &idx);
	*xsk_ring_prod__fill_addr(&prod, idx) = 7;
	xsk_ring_prod__cancel(&prod, 1);
	xsk_ring_prod__submit(&prod, 1);
	sum += (__u64)xsk_ring_prod__needs_wakeup(&prod);

	sum += xsk_cons_nb_avail(&cons, 1);
	sum += xsk_ring_cons__peek(&cons, 1, &idx);
	sum += *xsk_ring_cons__comp_addr(&cons, idx);
	xsk_ring_cons__cancel(&cons, 1);
	xsk_ring_cons__release(&cons, 0);

	prod.ring = descs;
	cons.ring = descs;
	xsk_ring_prod__tx_desc(&prod, 0)->len = 1;
	sum += xsk_ring_cons__rx_desc(&cons, 0)->len;

	sum += xsk_umem__extract_addr(1);
	sum += xsk_umem__extract_offset(1);
	sum += xsk_umem__add_offset_to_addr(1);
	*(char *)xsk_umem__get_data(umem, sum % sizeof(umem)) = 1;

	return 0;
}
