/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * compat_prog: a small AF_XDP program written for libxdp 1.3.1's <xdp/xsk.h> and its
 * API only. test/compat_test.sh builds it as it is against libxdp, and against xsk.h
 * with nothing changed but the include line, then runs the xsk.h build.
 *
 *     compat_prog RXIF TXIF [auto|skb|manual]
 *
 * RXIF and TXIF are the two ends of a veth pair. A TX-only socket on TXIF (program
 * loading inhibited) sends NFRAMES numbered frames; a socket on queue 0 of RXIF must
 * receive every one of them, in order and intact.
 *   auto    the library loads and attaches the XDP program (default)
 *   skb     the same, but generic mode (XDP_FLAGS_SKB_MODE) and XDP_COPY
 *   manual  xsk_setup_xdp_prog loads it, the socket is created with
 *           XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD and put into the map with
 *           xsk_socket__update_xskmap
 * Exit status 0 if every frame arrived, 1 otherwise. The source is C99 and C++.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <xdp/xsk.h>

#define NUM_FRAMES 256
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define NFRAMES 64
#define FRAME_LEN 128
#define ETH_TYPE_TEST 0x88B5 /* IEEE 802 local experimental */

static const unsigned char mac_dst[6] = { 2, 0, 0, 0, 0, 2 };
static const unsigned char mac_src[6] = { 2, 0, 0, 0, 0, 1 };

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void make_frame(unsigned char *p, unsigned seq)
{
	unsigned i;

	memcpy(p, mac_dst, 6);
	memcpy(p + 6, mac_src, 6);
	p[12] = ETH_TYPE_TEST >> 8;
	p[13] = ETH_TYPE_TEST & 0xff;
	for (i = 14; i < FRAME_LEN; i++)
		p[i] = (unsigned char)(seq + i);
}

/* 1 if p is a test frame (whatever its number), and its number in *seq. */
static int is_test_frame(const unsigned char *p, unsigned len, unsigned *seq)
{
	unsigned i;

	if (len < 15 || p[12] != ETH_TYPE_TEST >> 8 || p[13] != (ETH_TYPE_TEST & 0xff))
		return 0;
	*seq = (unsigned)(p[14] - 14) & 0xff;
	if (len != FRAME_LEN || memcmp(p, mac_dst, 6) || memcmp(p + 6, mac_src, 6))
		return -1;
	for (i = 14; i < FRAME_LEN; i++)
		if (p[i] != (unsigned char)(*seq + i))
			return -1;
	return 1;
}

static void *alloc_area(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, (size_t)sysconf(_SC_PAGESIZE), size))
		return NULL;
	memset(p, 0, size);
	return p;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "compat_prog: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

int main(int argc, char **argv)
{
	const char *rx_if, *tx_if, *mode = "auto";
	size_t size = (size_t)NUM_FRAMES * FRAME_SIZE;
	struct xsk_ring_prod rx_fill, tx_fill, tx_ring;
	struct xsk_ring_cons rx_comp, tx_comp, rx_ring;
	struct xsk_umem *rx_umem = NULL, *tx_umem = NULL;
	struct xsk_socket *rx_xsk = NULL, *tx_xsk = NULL;
	struct xsk_umem_config ucfg;
	struct xsk_socket_config cfg;
	void *rx_area = NULL, *tx_area = NULL;
	unsigned got = 0, done = 0, i;
	int manual, skb, map_fd = -1, err, ret = 1;
	long long end;
	__u32 idx;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: compat_prog RXIF TXIF [auto|skb|manual]\n");
		return 1;
	}
	rx_if = argv[1];
	tx_if = argv[2];
	if (argc == 4)
		mode = argv[3];
	manual = !strcmp(mode, "manual");
	skb = !strcmp(mode, "skb");
	if (!manual && !skb && strcmp(mode, "auto")) {
		fprintf(stderr, "compat_prog: unknown mode %s\n", mode);
		return 1;
	}
	/* libxdp leaves some cached ring indices as it finds them: start from zero, as
	 * programs that calloc their rings do. */
	memset(&rx_fill, 0, sizeof(rx_fill));
	memset(&tx_fill, 0, sizeof(tx_fill));
	memset(&tx_ring, 0, sizeof(tx_ring));
	memset(&rx_comp, 0, sizeof(rx_comp));
	memset(&tx_comp, 0, sizeof(tx_comp));
	memset(&rx_ring, 0, sizeof(rx_ring));
	rx_area = alloc_area(size);
	tx_area = alloc_area(size);
	if (!rx_area || !tx_area) {
		ret = fail("posix_memalign", ENOMEM);
		goto out;
	}

	/* Receiver: a UMEM with an explicit config of the defaults, then its socket. */
	ucfg.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
	ucfg.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	ucfg.frame_size = XSK_UMEM__DEFAULT_FRAME_SIZE;
	ucfg.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM;
	ucfg.flags = XSK_UMEM__DEFAULT_FLAGS;
	err = xsk_umem__create(&rx_umem, rx_area, size, &rx_fill, &rx_comp, &ucfg);
	if (err) {
		ret = fail("xsk_umem__create (rx)", err);
		goto out;
	}
	if (xsk_umem__fd(rx_umem) < 0) {
		ret = fail("xsk_umem__fd", EBADF);
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	cfg.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
	cfg.libxdp_flags = manual ? XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD : 0;
	cfg.xdp_flags = skb ? XDP_FLAGS_SKB_MODE : 0;
	cfg.bind_flags = skb ? XDP_COPY : XDP_USE_NEED_WAKEUP;
	if (manual) {
		int ifindex = (int)if_nametoindex(rx_if);

		if (!ifindex) {
			ret = fail(rx_if, errno);
			goto out;
		}
		err = xsk_setup_xdp_prog(ifindex, &map_fd);
		if (err) {
			ret = fail("xsk_setup_xdp_prog", err);
			goto out;
		}
	}
	err = xsk_socket__create(&rx_xsk, rx_if, 0, rx_umem, &rx_ring, NULL, &cfg);
	if (err) {
		ret = fail("xsk_socket__create (rx)", err);
		goto out;
	}
	if (manual) {
		err = xsk_socket__update_xskmap(rx_xsk, map_fd);
		if (err) {
			ret = fail("xsk_socket__update_xskmap", err);
			goto out;
		}
	}
	if (xsk_ring_prod__reserve(&rx_fill, NUM_FRAMES, &idx) != NUM_FRAMES) {
		ret = fail("fill ring reserve", ENOSPC);
		goto out;
	}
	for (i = 0; i < NUM_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&rx_fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&rx_fill, NUM_FRAMES);

	/* Sender: default UMEM config (NULL), a TX-only socket, no XDP program. */
	err = xsk_umem__create(&tx_umem, tx_area, size, &tx_fill, &tx_comp, NULL);
	if (err) {
		ret = fail("xsk_umem__create (tx)", err);
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	cfg.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
	cfg.libbpf_flags = XSK_LIBBPF_FLAGS__INHIBIT_PROG_LOAD; /* the old spelling */
	cfg.bind_flags = XDP_COPY;
	err = xsk_socket__create(&tx_xsk, tx_if, 0, tx_umem, NULL, &tx_ring, &cfg);
	if (err) {
		ret = fail("xsk_socket__create (tx)", err);
		goto out;
	}

	if (xsk_ring_prod__reserve(&tx_ring, NFRAMES, &idx) != NFRAMES) {
		ret = fail("tx ring reserve", ENOSPC);
		goto out;
	}
	for (i = 0; i < NFRAMES; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&tx_ring, idx + i);

		d->addr = (__u64)i * FRAME_SIZE;
		d->len = FRAME_LEN;
		d->options = 0;
		make_frame((unsigned char *)xsk_umem__get_data(tx_area, d->addr), i);
	}
	xsk_ring_prod__submit(&tx_ring, NFRAMES);

	/* Kick until every frame is completed; a copy-mode kick sends a batch. */
	end = now_ms() + 2000;
	while (done < NFRAMES && now_ms() < end) {
		__u32 n;

		if (sendto(xsk_socket__fd(tx_xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS) {
			ret = fail("sendto (tx kick)", errno);
			goto out;
		}
		n = xsk_ring_cons__peek(&tx_comp, NFRAMES, &idx);
		for (i = 0; i < n; i++)
			if (*xsk_ring_cons__comp_addr(&tx_comp, idx + i) !=
			    (__u64)(done + i) * FRAME_SIZE)
				fprintf(stderr, "compat_prog: completion %u out of order\n",
					done + i);
		xsk_ring_cons__release(&tx_comp, n);
		done += n;
	}
	if (done != NFRAMES) {
		fprintf(stderr, "compat_prog: %u of %d frames completed\n", done, NFRAMES);
		goto out;
	}

	/* Receive, give each frame back to the fill ring, wake the driver if asked. */
	end = now_ms() + 2000;
	while (got < NFRAMES && now_ms() < end) {
		struct pollfd pfd;
		__u32 n, fidx;

		pfd.fd = xsk_socket__fd(rx_xsk);
		pfd.events = POLLIN;
		pfd.revents = 0;
		poll(&pfd, 1, 100);
		n = xsk_ring_cons__peek(&rx_ring, 64, &idx);
		if (!n)
			continue;
		if (xsk_ring_prod__reserve(&rx_fill, n, &fidx) != n) {
			ret = fail("fill ring full", ENOSPC);
			goto out;
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rx_ring, idx + i);
			const unsigned char *p =
				(const unsigned char *)xsk_umem__get_data(rx_area, d->addr);
			unsigned seq = 0;
			int r = is_test_frame(p, d->len, &seq);

			if (r < 0 || (r > 0 && seq != got)) {
				fprintf(stderr, "compat_prog: frame %u: bad (len %u, seq %u)\n",
					got, d->len, seq);
				goto out;
			}
			got += (unsigned)r;
			*xsk_ring_prod__fill_addr(&rx_fill, fidx + i) =
				d->addr - d->addr % FRAME_SIZE;
		}
		xsk_ring_prod__submit(&rx_fill, n);
		xsk_ring_cons__release(&rx_ring, n);
		if (xsk_ring_prod__needs_wakeup(&rx_fill))
			recvfrom(xsk_socket__fd(rx_xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL);
	}
	printf("compat_prog %s: %u of %d frames received on %s\n", mode, got, NFRAMES, rx_if);
	if (got == NFRAMES)
		ret = 0;
out:
	xsk_socket__delete(tx_xsk);
	xsk_socket__delete(rx_xsk);
	if (tx_umem && xsk_umem__delete(tx_umem))
		ret = fail("xsk_umem__delete (tx)", EBUSY);
	if (rx_umem && xsk_umem__delete(rx_umem))
		ret = fail("xsk_umem__delete (rx)", EBUSY);
	if (map_fd >= 0)
		close(map_fd);
	free(tx_area);
	free(rx_area);
	return ret;
}
