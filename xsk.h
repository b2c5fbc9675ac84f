/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xsk.h - header-only AF_XDP sockets for Linux              v0.1.0
 *
 * One header gives a program a UMEM, a bound AF_XDP socket, and the XDP program
 * that redirects the queue's packets to it, loaded and attached. The program is
 * embedded (gen/xsk_prog.skel.h): nothing but libbpf is needed at run time.
 *
 *   Do this in *one* C or C++ file, before the #include:
 *       #define XSK_IMPLEMENTATION
 *       #include "xsk.h"
 *   Every other file includes "xsk.h" without the define. Link with -lbpf.
 *
 * Quick start (receive on queue 0 of eth0):
 *     struct xsk_queue *q; struct xsk_pkt pkts[64]; int n;
 *     if (xsk_queue__open(&q, "eth0", 0, NULL))
 *             return fprintf(stderr, "%s\n", xsk_diag()), 1;
 *     while ((n = xsk_queue__recv(q, pkts, 64, -1)) >= 0) {
 *             ... pkts[i].data, pkts[i].len ...
 *             xsk_queue__release(q, pkts, n);  // or xsk_queue__send(q, pkts, n)
 *     }
 * Underneath, the UMEM/ring/socket calls of libxdp's xsk.h are all there too.
 *
 * Configuration macros (define before including xsk.h, in every file that includes it):
 *   XSK_IMPLEMENTATION   in exactly one file: emit the definitions.
 *   XSK_STATIC           make every function static (a one-file program); define it
 *                        together with XSK_IMPLEMENTATION.
 *   XSK_BIND_RETRY_MS    (implementation file) how long bind retries while the kernel
 *                        still releases a previous socket's queue; default 1000.
 *
 * Needs: Linux >= 5.10 (bpf_link for XDP), libbpf >= 1.1, uapi headers >= 5.10;
 * C99 or later, or C++. The embedded program is little-endian.
 *
 * The setup API is that of libxdp's <xdp/xsk.h>: a program written for it builds with
 * this header by changing its include line and dropping -lxdp. Differences:
 *   - The XDP program is attached through a BPF link: it goes away when the last
 *     process holding it exits, even on kill -9. Sockets on one interface, in one
 *     process or several, share one program and one link.
 *   - Without a mode flag it tries native XDP, then generic, and reports which it got
 *     (xsk_socket__xdp_mode). A foreign XDP program is never replaced: its xsks_map is
 *     used if it has one, otherwise creating the socket fails with -EEXIST.
 *   - Bind retries for XSK_BIND_RETRY_MS on EBUSY, so a restarted program binds.
 *   - xsk_setup_xdp_prog's program stays attached until xsk_release_xdp_prog or exit.
 *   - Errors are reported through xsk_set_print (off by default), never to stderr.
 *
 * Threads: the ring operations of one ring belong to one thread at a time; setup and
 * teardown calls on sockets of one UMEM, and xsk_setup_xdp_prog/xsk_release_xdp_prog,
 * must not run concurrently. Different UMEMs are independent.
 */
#ifndef XSK_H
#define XSK_H

#define XSK_VERSION_MAJOR 0
#define XSK_VERSION_MINOR 1
#define XSK_VERSION_PATCH 0
#define XSK_VERSION_STRING "0.1.0"

#include <stdio.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include "xsk_ring.h"

#ifndef XSKDEF
#ifdef XSK_STATIC
#define XSKDEF __attribute__((unused)) static
#else
#define XSKDEF extern
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct xsk_umem;
struct xsk_socket;

#define XSK_RING_CONS__DEFAULT_NUM_DESCS 2048
#define XSK_RING_PROD__DEFAULT_NUM_DESCS 2048
#define XSK_UMEM__DEFAULT_FRAME_SHIFT    12 /* 4096 bytes */
#define XSK_UMEM__DEFAULT_FRAME_SIZE     (1 << XSK_UMEM__DEFAULT_FRAME_SHIFT)
#define XSK_UMEM__DEFAULT_FRAME_HEADROOM 0
#define XSK_UMEM__DEFAULT_FLAGS          0

/* Flags for xsk_socket_config.libxdp_flags (also spelt libbpf_flags). */
#define XSK_LIBBPF_FLAGS__INHIBIT_PROG_LOAD (1 << 0)
#define XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD (1 << 0)

/* NULL config: the defaults above. A field of a given config is used as it is. */
struct xsk_umem_config {
	__u32 fill_size;      /* entries, a power of two */
	__u32 comp_size;      /* entries, a power of two */
	__u32 frame_size;     /* >= 2048; a power of two unless XDP_UMEM_UNALIGNED_CHUNK_FLAG */
	__u32 frame_headroom; /* bytes before each packet, on top of the kernel's 256 */
	__u32 flags;          /* XDP_UMEM_* */
};

struct xsk_socket_config {
	__u32 rx_size; /* entries, a power of two */
	__u32 tx_size; /* entries, a power of two */
	union {
		__u32 libbpf_flags;
		__u32 libxdp_flags; /* XSK_LIBXDP_FLAGS__* */
	};
	__u32 xdp_flags; /* XDP_FLAGS_SKB_MODE or _DRV_MODE forces a mode; 0 tries native, then generic */
	__u16 bind_flags; /* XDP_COPY, XDP_ZEROCOPY, XDP_USE_NEED_WAKEUP, XDP_USE_SG */
};

/*
 * Every int function returns 0 (or the documented value) on success and a negative
 * errno on failure, with errno set too. A failed call leaves nothing behind: no fd,
 * mapping, map entry or attached program.
 */

/* Registers umem_area (page-aligned, size a multiple of the frame size) with a new
 * AF_XDP socket and maps its fill and completion rings into *fill and *comp. */
XSKDEF int xsk_umem__create(struct xsk_umem **umem, void *umem_area, __u64 size,
			    struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
			    const struct xsk_umem_config *config);
/* The same on an AF_XDP socket fd of the caller's (fd < 0: make one). The UMEM owns
 * the fd from then on: xsk_umem__delete closes it. */
XSKDEF int xsk_umem__create_with_fd(struct xsk_umem **umem, int fd, void *umem_area,
				    __u64 size, struct xsk_ring_prod *fill,
				    struct xsk_ring_cons *comp,
				    const struct xsk_umem_config *config);
/* -EBUSY while sockets use the UMEM. The area itself stays the caller's. */
XSKDEF int xsk_umem__delete(struct xsk_umem *umem);
XSKDEF int xsk_umem__fd(const struct xsk_umem *umem);

/* Binds a socket to queue_id of ifname and, unless INHIBIT_PROG_LOAD, attaches (or
 * shares) the XDP program and puts the socket in its xsks_map. rx or tx may be NULL,
 * not both. The UMEM's first socket uses the UMEM's fill and completion rings; more
 * sockets on the same queue share them; a socket on another queue or interface needs
 * its own, which xsk_socket__create_shared maps into *fill and *comp. */
XSKDEF int xsk_socket__create(struct xsk_socket **xsk, const char *ifname, __u32 queue_id,
			      struct xsk_umem *umem, struct xsk_ring_cons *rx,
			      struct xsk_ring_prod *tx, const struct xsk_socket_config *config);
XSKDEF int xsk_socket__create_shared(struct xsk_socket **xsk, const char *ifname,
				     __u32 queue_id, struct xsk_umem *umem,
				     struct xsk_ring_cons *rx, struct xsk_ring_prod *tx,
				     struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
				     const struct xsk_socket_config *config);
XSKDEF void xsk_socket__delete(struct xsk_socket *xsk);
XSKDEF int xsk_socket__fd(const struct xsk_socket *xsk);

/* Attaches (or shares) the program on ifindex and returns a new fd of its xsks_map in
 * *xsks_map_fd (the caller closes it). The program stays attached until
 * xsk_release_xdp_prog(ifindex) or the process exits. */
XSKDEF int xsk_setup_xdp_prog(int ifindex, int *xsks_map_fd);
/* Drops one hold that xsk_setup_xdp_prog took on ifindex; -ENOENT if none. */
XSKDEF int xsk_release_xdp_prog(int ifindex);
/* Puts the socket into xsks_map at its queue id. */
XSKDEF int xsk_socket__update_xskmap(struct xsk_socket *xsk, int xsks_map_fd);

/* --- beyond libxdp ---------------------------------------------------------------- */

/* The socket's XDP_STATISTICS. On kernels before 5.9, which know only the first three
 * counters, the others read 0 (and rx_dropped includes ring-full drops). */
XSKDEF int xsk_socket__stats(const struct xsk_socket *xsk, struct xdp_statistics *stats);
/* 1 if the socket runs in zero-copy mode, 0 in copy mode (XDP_OPTIONS). */
XSKDEF int xsk_socket__zerocopy(const struct xsk_socket *xsk);
/* The mode of the XDP program now on the socket's interface: XDP_FLAGS_DRV_MODE
 * (native), XDP_FLAGS_SKB_MODE (generic), XDP_FLAGS_HW_MODE, or 0 if none (also once
 * the interface was deleted). */
XSKDEF int xsk_socket__xdp_mode(const struct xsk_socket *xsk);
/* Kick the kernel to send what is on the TX ring, only when the ring asks for it
 * (always without XDP_USE_NEED_WAKEUP). 1: kicked, 0: not needed. A kick the kernel
 * answers with EAGAIN (a batch sent and more waiting, or the completion ring full) or,
 * in copy mode, EBUSY (no carrier: one frame dropped and completed unsent) returns 1
 * too; -ENETDOWN: the interface is down; -ENXIO: it was deleted. */
XSKDEF int xsk_socket__wakeup_tx(struct xsk_socket *xsk);
/* Wake the driver to take fill-ring entries, only when the fill ring asks for it (never
 * without XDP_USE_NEED_WAKEUP: the driver then polls by itself). 1: woken, 0: not needed. */
XSKDEF int xsk_socket__wakeup_rx(struct xsk_socket *xsk);

enum xsk_print_level { XSK_PRINT_WARN, XSK_PRINT_INFO, XSK_PRINT_DEBUG };
typedef void (*xsk_print_fn_t)(enum xsk_print_level level, const char *msg);
/* Sets the function that receives the library's messages (one line, no newline);
 * NULL (the default) silences them. Returns the previous one. */
XSKDEF xsk_print_fn_t xsk_set_print(xsk_print_fn_t fn);
/* The last warning the library gave in this thread: what failed and what to do about
 * it; "" if none. Each xsk_queue__open* call starts with it empty. */
XSKDEF const char *xsk_diag(void);

/* --- the quick path: one handle per queue, with its frames ------------------------ */

/*
 * xsk_queue__open makes a UMEM, a socket and the program for one queue of an
 * interface, lends the kernel frames to receive into, and keeps the rest in a pool.
 * Received frames belong to the application until it gives them back with
 * xsk_queue__release (to the pool) or xsk_queue__send (onto the TX ring, no copy);
 * completed sends return to the pool by themselves. No call loses a frame, and
 * xsk_queue__frames says where each one is. A handle belongs to one thread at a time.
 */
struct xsk_queue;

#define XSK_FILTER_PORTS 8
/* Which packets the program hands to the socket; the others go to the kernel's stack
 * (so SSH on the same interface keeps working). A zero field matches anything. */
struct xsk_filter {
	__u16 ethertype; /* host order, after any VLAN tags: ETH_P_IP, ETH_P_IPV6... */
	__u16 vlan;      /* VLAN id of the outer tag the packet must carry (1..4094) */
	__u8 ip_proto;   /* IPPROTO_UDP, IPPROTO_TCP...: an IPv4 or IPv6 packet of it */
	__u8 nports;     /* port ranges in use (UDP or TCP destination ports) */
	struct { __u16 lo, hi; } ports[XSK_FILTER_PORTS]; /* inclusive, host order */
};

/* Options; zero means the default. Set sz to sizeof(struct xsk_queue_opts) (the
 * XSK_QUEUE_OPTS macro does), so that a program built against an older xsk.h keeps
 * working with a newer one. */
struct xsk_queue_opts {
	size_t sz;
	__u32 frames;         /* frames per queue: 4096 */
	__u32 frame_size;     /* 2048 or 4096 (XSK_UMEM__DEFAULT_FRAME_SIZE) */
	__u32 headroom;       /* bytes kept free before each packet: 0 */
	__u32 ring_size;      /* entries of each ring: 2048; at most frames / 2 */
	__u32 xdp_flags;      /* XDP_FLAGS_SKB_MODE or _DRV_MODE; 0: native, else generic */
	__u16 bind_flags;     /* XDP_COPY or XDP_ZEROCOPY (XDP_USE_NEED_WAKEUP always) */
	__u16 flags;          /* XSK_QUEUE_* */
	__u32 busy_poll_usec; /* SO_BUSY_POLL with SO_PREFER_BUSY_POLL; 0: off */
	__u32 busy_poll_budget; /* SO_BUSY_POLL_BUDGET: 64 */
	const struct xsk_filter *filter; /* NULL: every packet of the queue */
	__u32 fill_frames;    /* frames lent to the kernel to receive into: ring_size / 4
			       * but at least 512 (all of a smaller ring), like a NIC's
			       * receive ring. Fewer stay cache-hot (+5-10% rxdrop); more
			       * ride out longer stalls of the application */
};
#define XSK_QUEUE_HUGEPAGES  (1 << 0) /* the UMEM in huge pages if there are any */
#define XSK_QUEUE_ALLOW_DOWN (1 << 1) /* open on an interface that is down */

/* (C, and C++20 with the fields in declaration order) */
#define XSK_QUEUE_OPTS(name, ...) \
	struct xsk_queue_opts name = { .sz = sizeof(struct xsk_queue_opts), __VA_ARGS__ }

/* A packet: its bytes at data (len of them), in the frame at UMEM address addr. */
struct xsk_pkt {
	void *data;
	__u32 len;
	__u64 addr;
};

/* Where a handle's frames are now; exact when no traffic is moving. */
struct xsk_frames {
	__u32 total;  /* the handle's frames: the sum of all below */
	__u32 pool;   /* free in the handle */
	__u32 app;    /* received or allocated, not yet released or sent */
	__u32 fill;   /* on the fill ring */
	__u32 rx;     /* on the RX ring, not yet received */
	__u32 tx;     /* on the TX ring */
	__u32 comp;   /* on the completion ring, not yet back in the pool */
	__u32 kernel; /* taken from the fill or TX ring, not yet on the RX or completion ring */
};

struct xsk_queue_stats {
	__u64 rx_packets, tx_packets; /* through this handle */
	__u64 tx_ring_full;           /* sends dropped (frames back to the pool): TX ring full */
	__u64 redirected;             /* reached the socket: received, on the RX ring, or
					 dropped by it (xdp.rx_dropped + xdp.rx_ring_full) */
	/* The program's counters for this queue, 0 if it keeps none (a foreign one). */
	__u64 no_socket;              /* passed to the stack: no socket in xsks_map */
	__u64 filtered;               /* passed to the stack: not matched by the filter */
	struct xdp_statistics xdp;    /* the socket's own (XDP_STATISTICS) */
};

/* Opens queue `queue` of ifname. On failure *q is NULL, the return value a negative
 * errno, and xsk_diag() says what went wrong and what to do. */
XSKDEF int xsk_queue__open(struct xsk_queue **q, const char *ifname, __u32 queue,
			   const struct xsk_queue_opts *opts);
/* Opens every queue of ifname (at most max) on one UMEM, each handle with opts->frames
 * frames and rings of its own, for one thread per queue: qs[i] is queue i. Returns the
 * number opened. */
XSKDEF int xsk_queue__open_all(struct xsk_queue **qs, unsigned max, const char *ifname,
			       const struct xsk_queue_opts *opts);
/* Closes the socket; the UMEM and the program go with the last handle using them.
 * Handles of one xsk_queue__open_all are closed one after the other, not concurrently
 * (their data paths may go on meanwhile). */
XSKDEF void xsk_queue__close(struct xsk_queue *q);
/* The socket's fd, for poll() or epoll. */
XSKDEF int xsk_queue__fd(const struct xsk_queue *q);
XSKDEF struct xsk_socket *xsk_queue__socket(const struct xsk_queue *q);

/* Receives up to max packets into pkts, waiting up to timeout_ms (0: not at all, -1:
 * for ever) if none is there. Returns how many (0 on timeout), or -errno. Refills the
 * fill ring first and wakes the kernel only when the rings ask for it. */
XSKDEF int xsk_queue__recv(struct xsk_queue *q, struct xsk_pkt *pkts, unsigned max,
			   int timeout_ms);
/* Gives up to n empty frames for packets to send, data at the same offset as received
 * packets and len their room; returns how many (fewer while the pool is short). */
XSKDEF unsigned xsk_queue__alloc(struct xsk_queue *q, struct xsk_pkt *pkts, unsigned n);
/* Puts n packets (received or allocated; data and len as the application left them,
 * within their frame) on the TX ring and kicks the kernel if the ring asks for it. The
 * handle takes every frame: those that find the TX ring full go back to the pool and
 * count in tx_ring_full. Returns how many were queued, or -EINVAL (nothing done) if a
 * packet is not of this handle's frames. */
XSKDEF int xsk_queue__send(struct xsk_queue *q, const struct xsk_pkt *pkts, unsigned n);
/* Gives frames back: to the pool, and from there to the fill ring. -EINVAL (nothing
 * done) if a packet is not of this handle's frames. */
XSKDEF int xsk_queue__release(struct xsk_queue *q, const struct xsk_pkt *pkts, unsigned n);
/* Takes finished sends back into the pool (send, recv and alloc do it too) and kicks
 * the kernel if TX frames wait; returns how many frames came back. */
XSKDEF unsigned xsk_queue__complete(struct xsk_queue *q);

XSKDEF void xsk_queue__frames(const struct xsk_queue *q, struct xsk_frames *f);
XSKDEF int xsk_queue__stats(const struct xsk_queue *q, struct xsk_queue_stats *s);

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* XSK_H */

/* ================================================================================== */
#ifdef XSK_IMPLEMENTATION
#ifndef XSK_IMPLEMENTATION_DONE
#define XSK_IMPLEMENTATION_DONE

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "xsk.h embeds a little-endian BPF object: regenerate gen/ for big-endian"
#endif

/* Only what strict C99/C11 (no _GNU_SOURCE) also declares, or defined below. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#ifndef _LINUX_IF_H /* <net/if.h> after <linux/if.h> would clash */
#include <net/if.h>
#else
#ifdef __cplusplus
extern "C" {
#endif
unsigned int if_nametoindex(const char *ifname);
char *if_indextoname(unsigned int ifindex, char *ifname);
#ifdef __cplusplus
}
#endif
#endif
#include <linux/if.h> /* struct ifreq even under -std=c99 */
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
#endif
#include "gen/xsk_prog.skel.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#ifdef __cplusplus /* the skeleton's struct is nested in C++ */
typedef struct xsk_prog::xsk_prog__rodata xsk__rodata_t;
#else
typedef struct xsk_prog__rodata xsk__rodata_t;
#endif

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef MAP_ANONYMOUS /* strict C99/C11: the kernel's values for this architecture */
#include <linux/mman.h>
#endif
#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#ifdef MAP_POPULATE
#define XSK__MAP_POPULATE MAP_POPULATE
#else
#define XSK__MAP_POPULATE 0
#endif
#ifndef XSK_BIND_RETRY_MS
#define XSK_BIND_RETRY_MS 1000
#endif
/* How long a program found attached without a link may take to go (xsk__detaching). */
#ifndef XSK__DETACH_WAIT_MS
#define XSK__DETACH_WAIT_MS 20
#endif
#define XSK__PACKET_HEADROOM 256 /* XDP_PACKET_HEADROOM, which the kernel reserves */
#define XSK__MIN_FRAME_SIZE 2048

#define XSK__PRIVATE __attribute__((unused)) static

/* Fill and completion rings of one (interface, queue) of a UMEM. */
struct xsk__ctx {
	struct xsk__ctx *next;
	struct xsk_ring_prod *fill;
	struct xsk_ring_cons *comp;
	void *fill_map, *comp_map; /* mappings this ctx made; NULL: the UMEM's own */
	size_t fill_len, comp_len;
	int owner_fd; /* the socket that owns the rings: what same-queue sockets share */
	int ifindex;
	__u32 queue_id;
	int refcount;
};

struct xsk_umem {
	int fd;
	void *area;
	__u64 size;
	struct xsk_umem_config config;
	struct xsk_ring_prod *fill_save; /* the rings made by xsk_umem__create */
	struct xsk_ring_cons *comp_save;
	void *fill_map, *comp_map;
	size_t fill_len, comp_len;
	int refcount;           /* sockets */
	int fd_bound;           /* fd is bound (an AF_XDP socket can't be unbound) */
	__u16 bind_flags;       /* of the socket bound on fd; shared sockets inherit them */
	__u32 rx_set, tx_set;   /* sizes of rx/tx rings already made on fd */
	struct xsk__ctx *ctxs;
	struct xsk_socket *socks;
};

struct xsk_socket {
	struct xsk_ring_cons *rx;
	struct xsk_ring_prod *tx;
	void *rx_map, *tx_map;
	size_t rx_len, tx_len;
	struct xsk_umem *umem;
	struct xsk__ctx *ctx;
	int fd;
	int ifindex;
	__u32 queue_id;
	int link_fd; /* our hold on the program's link; -1: none */
	int map_fd;  /* the xsks_map we put the socket in; -1: none */
	int need_wakeup;
	struct xsk_socket *next; /* the UMEM's sockets */
};

/* Holds taken by xsk_setup_xdp_prog. */
struct xsk__hold {
	struct xsk__hold *next;
	int ifindex;
	int link_fd;
};

static xsk_print_fn_t xsk__print_fn;
static struct xsk__hold *xsk__holds;
#ifdef __cplusplus
static thread_local char xsk__diag_msg[512];
#else
static __thread char xsk__diag_msg[512];
#endif

XSKDEF const char *xsk_diag(void)
{
	return xsk__diag_msg;
}

XSKDEF xsk_print_fn_t xsk_set_print(xsk_print_fn_t fn)
{
	xsk_print_fn_t old = xsk__print_fn;

	xsk__print_fn = fn;
	return old;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
XSK__PRIVATE void xsk__log(enum xsk_print_level level, const char *fmt, ...)
{
	char buf[512];
	int saved = errno;
	va_list ap;

	if (!xsk__print_fn && level != XSK_PRINT_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (level == XSK_PRINT_WARN)
		memcpy(xsk__diag_msg, buf, sizeof(buf));
	if (xsk__print_fn)
		xsk__print_fn(level, buf);
	errno = saved;
}

/* Every public int function ends here: a negative errno is also left in errno. */
XSK__PRIVATE int xsk__ret(int err)
{
	if (err < 0)
		errno = -err;
	return err;
}

/* Logs a failure of `what` with errno `err` (negative) and returns err. */
XSK__PRIVATE int xsk__fail(int err, const char *what)
{
	if (err == -EAFNOSUPPORT)
		xsk__log(XSK_PRINT_WARN, "xsk: %s: %s: this kernel has no AF_XDP sockets: xsk.h "
			 "needs Linux 5.10 or later built with CONFIG_XDP_SOCKETS", what,
			 strerror(-err));
	else if (err == -EPERM || err == -EACCES)
		xsk__log(XSK_PRINT_WARN, "xsk: %s: %s: an AF_XDP socket needs CAP_NET_RAW; "
			 "loading and attaching its XDP program needs CAP_BPF and "
			 "CAP_NET_ADMIN, sharing one needs CAP_SYS_ADMIN",
			 what, strerror(-err));
	else
		xsk__log(XSK_PRINT_WARN, "xsk: %s: %s", what, strerror(-err));
	return err;
}

XSK__PRIVATE int xsk__pow2(__u32 n)
{
	return n && !(n & (n - 1));
}

XSK__PRIVATE void xsk__close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

XSK__PRIVATE void xsk__unmap(void **map, size_t len)
{
	if (*map)
		munmap(*map, len);
	*map = NULL;
}

XSK__PRIVATE int xsk__offsets(int fd, struct xdp_mmap_offsets *off)
{
	socklen_t len = sizeof(*off);

	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, off, &len))
		return -errno;
	return len == sizeof(*off) ? 0 : -EINVAL; /* kernels before 5.4 are not supported */
}

/* Sets a ring's size on the socket (opt: XDP_*_RING) if *setup, maps it, and fills in
 * the ring struct r (xsk_ring_prod or xsk_ring_cons: the same layout). *setup is 0 once
 * the size is set, also when the mapping then fails: the kernel can't set it twice. */
XSK__PRIVATE int xsk__ring(int fd, int opt, __u32 n, int *setup, __u64 pgoff,
			   int producer_side, void *r, void **map, size_t *len)
{
	struct xsk_ring_prod *ring = (struct xsk_ring_prod *)r;
	struct xdp_mmap_offsets offs;
	const struct xdp_ring_offset *off;
	size_t entry = sizeof(__u64);
	void *m;
	int err;

	if (*setup && setsockopt(fd, SOL_XDP, opt, &n, sizeof(n)))
		return -errno;
	*setup = 0;
	err = xsk__offsets(fd, &offs);
	if (err)
		return err;
	switch (opt) {
	case XDP_RX_RING: off = &offs.rx; entry = sizeof(struct xdp_desc); break;
	case XDP_TX_RING: off = &offs.tx; entry = sizeof(struct xdp_desc); break;
	case XDP_UMEM_FILL_RING: off = &offs.fr; break;
	default: off = &offs.cr; break;
	}
	*len = (size_t)off->desc + n * entry;
	m = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED | XSK__MAP_POPULATE, fd,
		 (off_t)pgoff);
	if (m == MAP_FAILED)
		return -errno;
	*map = m;
	ring->mask = n - 1;
	ring->size = n;
	ring->producer = (__u32 *)((char *)m + off->producer);
	ring->consumer = (__u32 *)((char *)m + off->consumer);
	ring->flags = (__u32 *)((char *)m + off->flags);
	ring->ring = (char *)m + off->desc;
	ring->cached_prod = *ring->producer;
	/* A producer keeps cached_cons one ring ahead of the consumer (see xsk_ring.h). */
	ring->cached_cons = *ring->consumer + (producer_side ? n : 0);
	return 0;
}

/* Maps fill and completion rings of the UMEM's sizes on fd. */
XSK__PRIVATE int xsk__umem_rings(int fd, const struct xsk_umem_config *c,
				 struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
				 void **fill_map, size_t *fill_len, void **comp_map,
				 size_t *comp_len)
{
	int err, setup_fill = 1, setup_comp = 1;

	err = xsk__ring(fd, XDP_UMEM_FILL_RING, c->fill_size, &setup_fill,
			XDP_UMEM_PGOFF_FILL_RING, 1, fill, fill_map, fill_len);
	if (err)
		return err;
	err = xsk__ring(fd, XDP_UMEM_COMPLETION_RING, c->comp_size, &setup_comp,
			XDP_UMEM_PGOFF_COMPLETION_RING, 0, comp, comp_map, comp_len);
	if (err)
		xsk__unmap(fill_map, *fill_len);
	return err;
}

XSKDEF int xsk_umem__create_with_fd(struct xsk_umem **umem_ptr, int fd, void *umem_area,
				    __u64 size, struct xsk_ring_prod *fill,
				    struct xsk_ring_cons *comp,
				    const struct xsk_umem_config *config)
{
	struct xsk_umem_config c = { XSK_RING_PROD__DEFAULT_NUM_DESCS,
				     XSK_RING_CONS__DEFAULT_NUM_DESCS,
				     XSK_UMEM__DEFAULT_FRAME_SIZE,
				     XSK_UMEM__DEFAULT_FRAME_HEADROOM, XSK_UMEM__DEFAULT_FLAGS };
	long page = sysconf(_SC_PAGESIZE);
	struct xdp_umem_reg mr;
	struct xsk_umem *umem;
	int own_fd = fd < 0, err;

	if (!umem_ptr || !umem_area || !fill || !comp) {
		xsk__log(XSK_PRINT_WARN, "xsk: umem: NULL %s", !umem_ptr ? "umem pointer" :
			 !umem_area ? "area" : !fill ? "fill ring" : "completion ring");
		return xsk__ret(-EFAULT);
	}
	if (config)
		c = *config;
	if (!xsk__pow2(c.fill_size) || !xsk__pow2(c.comp_size)) {
		xsk__log(XSK_PRINT_WARN, "xsk: umem: ring sizes must be powers of two "
			 "(fill %u, completion %u)", c.fill_size, c.comp_size);
		return xsk__ret(-EINVAL);
	}
	if (c.frame_size < XSK__MIN_FRAME_SIZE ||
	    (!(c.flags & XDP_UMEM_UNALIGNED_CHUNK_FLAG) && !xsk__pow2(c.frame_size))) {
		xsk__log(XSK_PRINT_WARN, "xsk: umem: frame size %u: must be >= %d and, "
			 "without XDP_UMEM_UNALIGNED_CHUNK_FLAG, a power of two",
			 c.frame_size, XSK__MIN_FRAME_SIZE);
		return xsk__ret(-EINVAL);
	}
	if ((__u64)c.frame_headroom + XSK__PACKET_HEADROOM >= c.frame_size) {
		xsk__log(XSK_PRINT_WARN, "xsk: umem: headroom %u leaves no room for a packet "
			 "in a %u-byte frame (the kernel reserves %d more)",
			 c.frame_headroom, c.frame_size, XSK__PACKET_HEADROOM);
		return xsk__ret(-EINVAL);
	}
	if ((uintptr_t)umem_area % (uintptr_t)page || !size ||
	    (!(c.flags & XDP_UMEM_UNALIGNED_CHUNK_FLAG) && size % c.frame_size)) {
		xsk__log(XSK_PRINT_WARN, "xsk: umem: the area must be page-aligned and its "
			 "size (%llu) a non-zero multiple of the frame size (%u)",
			 (unsigned long long)size, c.frame_size);
		return xsk__ret(-EINVAL);
	}

	umem = (struct xsk_umem *)calloc(1, sizeof(*umem));
	if (!umem)
		return xsk__ret(xsk__fail(-ENOMEM, "umem"));
	if (own_fd) {
		fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = xsk__fail(-errno, "umem: socket(AF_XDP)");
			free(umem);
			return xsk__ret(err);
		}
	}
	memset(&mr, 0, sizeof(mr));
	mr.addr = (uintptr_t)umem_area;
	mr.len = size;
	mr.chunk_size = c.frame_size;
	mr.headroom = c.frame_headroom;
	mr.flags = c.flags;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &mr, sizeof(mr))) {
		err = -errno;
		if (err == -ENOBUFS || err == -ENOMEM)
			xsk__log(XSK_PRINT_WARN, "xsk: umem: registering %llu bytes: %s: locked "
				 "memory is limited by RLIMIT_MEMLOCK without CAP_IPC_LOCK",
				 (unsigned long long)size, strerror(-err));
		else if (err == -EINVAL)
			xsk__log(XSK_PRINT_WARN, "xsk: umem: the kernel refused the UMEM (frame "
				 "size %u, headroom %u, flags %#x, %llu bytes): a newer kernel "
				 "reserves more of each frame, or a flag is unknown to it",
				 c.frame_size, c.frame_headroom, c.flags, (unsigned long long)size);
		else
			xsk__fail(err, "umem: XDP_UMEM_REG");
		goto fail;
	}
	err = xsk__umem_rings(fd, &c, fill, comp, &umem->fill_map, &umem->fill_len,
			      &umem->comp_map, &umem->comp_len);
	if (err) {
		xsk__fail(err, "umem: fill/completion rings");
		goto fail;
	}
	umem->fd = fd;
	umem->area = umem_area;
	umem->size = size;
	umem->config = c;
	umem->fill_save = fill;
	umem->comp_save = comp;
	*umem_ptr = umem;
	return 0;
fail:
	if (own_fd)
		close(fd);
	free(umem);
	return xsk__ret(err);
}

XSKDEF int xsk_umem__create(struct xsk_umem **umem, void *umem_area, __u64 size,
			    struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
			    const struct xsk_umem_config *config)
{
	return xsk_umem__create_with_fd(umem, -1, umem_area, size, fill, comp, config);
}

XSKDEF int xsk_umem__delete(struct xsk_umem *umem)
{
	if (!umem)
		return 0;
	if (umem->refcount) {
		xsk__log(XSK_PRINT_WARN, "xsk: umem still used by %d socket(s): delete them "
			 "first", umem->refcount);
		return xsk__ret(-EBUSY);
	}
	while (umem->ctxs) { /* only the UMEM's own, kept while its fd is bound */
		struct xsk__ctx *ctx = umem->ctxs;

		umem->ctxs = ctx->next;
		free(ctx);
	}
	xsk__unmap(&umem->fill_map, umem->fill_len);
	xsk__unmap(&umem->comp_map, umem->comp_len);
	close(umem->fd);
	free(umem);
	return 0;
}

XSKDEF int xsk_umem__fd(const struct xsk_umem *umem)
{
	return umem ? umem->fd : xsk__ret(-EINVAL);
}

XSKDEF int xsk_socket__fd(const struct xsk_socket *xsk)
{
	return xsk ? xsk->fd : xsk__ret(-EINVAL);
}

/* The interface's rx queue count now (cur) and at most (max); -EOPNOTSUPP if the
 * driver does not say (no ethtool channels). */
XSK__PRIVATE int xsk__queues(int ifindex, __u32 *cur, __u32 *max)
{
	struct ethtool_channels ch;
	struct ifreq ifr;
	int fd, err = 0;

	memset(&ch, 0, sizeof(ch));
	memset(&ifr, 0, sizeof(ifr));
	ch.cmd = ETHTOOL_GCHANNELS;
	ifr.ifr_data = (char *)&ch;
	if (!if_indextoname((unsigned)ifindex, ifr.ifr_name))
		return -errno;
	fd = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	if (err)
		return err;
	*cur = ch.rx_count + ch.combined_count;
	*max = ch.max_rx + ch.max_combined;
	if (*max < *cur)
		*max = *cur;
	return *cur ? 0 : -EOPNOTSUPP;
}

XSK__PRIVATE int xsk__mode_flag(__u8 attach_mode)
{
	switch (attach_mode) {
	case XDP_ATTACHED_DRV: return XDP_FLAGS_DRV_MODE;
	case XDP_ATTACHED_SKB: return XDP_FLAGS_SKB_MODE;
	case XDP_ATTACHED_HW: return XDP_FLAGS_HW_MODE;
	case XDP_ATTACHED_MULTI: return XDP_FLAGS_DRV_MODE; /* native wins over offload here */
	default: return 0;
	}
}

XSK__PRIVATE const char *xsk__mode_name(int mode)
{
	return mode == XDP_FLAGS_DRV_MODE ? "native" : mode == XDP_FLAGS_SKB_MODE ? "generic" :
	       mode == XDP_FLAGS_HW_MODE ? "offload" : "no";
}

/* The attached program's id and mode flag (0, 0 when none). */
XSK__PRIVATE int xsk__attached(int ifindex, __u32 *prog_id, int *mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err = bpf_xdp_query(ifindex, 0, &q);

	if (err)
		return err;
	*mode = xsk__mode_flag(q.attach_mode);
	*prog_id = q.attach_mode == XDP_ATTACHED_MULTI ? (q.drv_prog_id ? q.drv_prog_id :
							   q.skb_prog_id) : q.prog_id;
	return 0;
}

/* A new fd of the XDP link that holds prog_id on ifindex, or -ENOENT (attached
 * without a link, through netlink). */
XSK__PRIVATE int xsk__find_link(int ifindex, __u32 prog_id)
{
	__u32 id = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info;
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id), err;

		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* went away meanwhile */
			return -errno;
		}
		memset(&info, 0, sizeof(info));
		err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
		if (!err && info.type == BPF_LINK_TYPE_XDP && info.prog_id == prog_id &&
		    (int)info.xdp.ifindex == ifindex)
			return fd;
		close(fd);
		if (err)
			return err; /* not -ENOENT: that would mean "no link, not ours to hold" */
	}
	return errno == ENOENT ? -ENOENT : -errno; /* ENOENT: no more links */
}

/* prog_id is on ifindex, and no link holds it that we can find: it was attached through
 * netlink, or its last link was closed just now (the kernel frees a link's id before it
 * detaches the program). Watches for XSK__DETACH_WAIT_MS: 1 if it went away (or the
 * query failed: the caller looks again), 0 if it stays. */
XSK__PRIVATE int xsk__detaching(int ifindex, __u32 prog_id)
{
	int waited, mode;
	__u32 id;

	xsk__log(XSK_PRINT_DEBUG, "xsk: XDP program %u has no link to hold: watching whether "
		 "it is being detached", prog_id);
	for (waited = 0; waited <= XSK__DETACH_WAIT_MS; waited++) {
		if (xsk__attached(ifindex, &id, &mode) || id != prog_id)
			return 1;
		if (waited < XSK__DETACH_WAIT_MS)
			poll(NULL, 0, 1);
	}
	return 0;
}

/* The program's read-only data for filter f (NULL: no filter). */
XSK__PRIVATE void xsk__rodata(xsk__rodata_t *r, const struct xsk_filter *f)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	if (!f || (!f->ethertype && !f->vlan && !f->ip_proto && !f->nports))
		return; /* matches everything: the same program as no filter */
	r->xsk_filter.enabled = 1;
	r->xsk_filter.ip_proto = f->ip_proto;
	r->xsk_filter.nports = f->nports;
	r->xsk_filter.ethertype = f->ethertype;
	r->xsk_filter.vlan = f->vlan;
	for (i = 0; i < f->nports; i++) {
		r->xsk_filter.ports[i].lo = f->ports[i].lo;
		r->xsk_filter.ports[i].hi = f->ports[i].hi;
	}
}

/* A new fd of prog_id's map of that type and name, or -ENOENT. */
XSK__PRIVATE int xsk__prog_map(__u32 prog_id, __u32 type, const char *name)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), ids[16], i, n;
	int prog_fd, err = -ENOENT;

	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	memset(ids, 0, sizeof(ids)); /* the kernel fills it; valgrind can't see that */
	info.nr_map_ids = 16;
	info.map_ids = (uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		err = -errno;
		info.nr_map_ids = 0; /* ids[] holds nothing: look at none of it */
	}
	close(prog_fd);
	n = info.nr_map_ids < 16 ? info.nr_map_ids : 16;
	for (i = 0; err == -ENOENT && i < n; i++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) && mi.type == type &&
		    !strcmp(mi.name, name))
			return fd;
		close(fd);
	}
	return err;
}

XSK__PRIVATE int xsk__find_xsks_map(__u32 prog_id)
{
	return xsk__prog_map(prog_id, BPF_MAP_TYPE_XSKMAP, "xsks_map");
}

/* 0 if the attached program prog_id filters as f says (NULL: no filter), else
 * -EEXIST with a message. A program without our read-only data (a foreign one)
 * passes only when no filter is wanted. */
XSK__PRIVATE int xsk__same_filter(const char *name, __u32 prog_id,
				  const struct xsk_filter *f)
{
	xsk__rodata_t want, have;
	struct bpf_map_info mi;
	__u32 mlen = sizeof(mi), zero = 0;
	int fd = xsk__prog_map(prog_id, BPF_MAP_TYPE_ARRAY, "xsk_prog.rodata"), same = 0;

	xsk__rodata(&want, f);
	memset(&mi, 0, sizeof(mi));
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &mi, &mlen) &&
	    mi.value_size == sizeof(have) && !bpf_map_lookup_elem(fd, &zero, &have))
		same = !memcmp(&want, &have, sizeof(have));
	else if (fd == -ENOENT)
		same = !f;
	if (fd >= 0)
		close(fd);
	if (same)
		return 0;
	xsk__log(XSK_PRINT_WARN, "xsk: %s already has XDP program %u, which %s: one "
		 "interface has one program, so every socket on it must ask for the same "
		 "filter (or close the others first)", name, prog_id, fd == -ENOENT ?
		 "is not xsk.h's and cannot filter" : "filters differently");
	return -EEXIST;
}

/* A new fd of the counters map of the program attached to ifindex, -1 if none. */
XSK__PRIVATE int xsk__q_counters(int ifindex)
{
	__u32 prog_id = 0;
	int mode, fd;

	if (xsk__attached(ifindex, &prog_id, &mode) || !prog_id)
		return -1;
	fd = xsk__prog_map(prog_id, BPF_MAP_TYPE_PERCPU_ARRAY, "xsk_passed");
	return fd < 0 ? -1 : fd;
}

/* Loads the embedded program with xsks_map sized to `entries` and attaches it with a
 * link in `mode` (0: native if the driver has it, else generic). */
XSK__PRIVATE int xsk__attach(int ifindex, __u32 entries, __u32 mode,
			     const struct xsk_filter *filter, int *link_fd, int *map_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	struct xsk_prog *skel;
	int frags, err = 0;

	/* Multi-buffer aware where the kernel knows it (5.18), so interfaces with jumbo
	 * MTUs take the program too; plain on older kernels. */
	for (frags = 1; frags >= 0; frags--) {
		skel = xsk_prog__open();
		if (!skel)
			return -errno;
		xsk__rodata(skel->rodata, filter);
		err = bpf_map__set_max_entries(skel->maps.xsks_map, entries);
		if (!err)
			err = bpf_map__set_max_entries(skel->maps.xsk_passed, entries);
		if (!err && frags)
			err = bpf_program__set_flags(skel->progs.xsk_redirect,
						     BPF_F_XDP_HAS_FRAGS);
		if (!err)
			err = xsk_prog__load(skel);
		if (!err || err == -EPERM)
			break;
		xsk_prog__destroy(skel);
		skel = NULL;
	}
	if (err)
		goto out;
	opts.flags = mode;
	*link_fd = bpf_link_create(bpf_program__fd(skel->progs.xsk_redirect), ifindex,
				   BPF_XDP, &opts);
	if (*link_fd < 0) {
		err = -errno;
		goto out;
	}
	*map_fd = fcntl(bpf_map__fd(skel->maps.xsks_map), F_DUPFD_CLOEXEC, 0);
	if (*map_fd < 0) {
		err = -errno;
		xsk__close(link_fd);
	}
out:
	xsk_prog__destroy(skel); /* the link keeps the program, the program its map */
	return err;
}

/*
 * Takes a hold on the XDP program on ifindex that redirects to an xsks_map, loading
 * and attaching ours if the interface has none, and returns fds of the link (-1 if
 * the program was attached without one: then it is not ours to hold) and of the map.
 * `queue`: a queue id that must fit the map, or -1.
 */
XSK__PRIVATE int xsk__prog_get(int ifindex, __u32 xdp_flags, long long queue,
			       const struct xsk_filter *filter, int check_filter,
			       int *link_fd, int *map_fd)
{
	__u32 want = xdp_flags & XDP_FLAGS_MODES, cur_q = 0, max_q = 0, prog_id, entries;
	char name[IFNAMSIZ] = "?";
	struct bpf_map_info mi;
	__u32 mlen = sizeof(mi);
	int tries, mode, err = 0;

	*link_fd = *map_fd = -1;
	if_indextoname((unsigned)ifindex, name);
	/* Another process may attach or detach meanwhile: look again, a few times. */
	for (tries = 0; tries < 8; tries++) {
		err = xsk__attached(ifindex, &prog_id, &mode);
		if (err)
			return xsk__fail(err, "querying the interface's XDP program");
		if (prog_id) {
			if (want && (__u32)mode != want) {
				xsk__log(XSK_PRINT_WARN, "xsk: %s already has XDP program %u in %s "
					 "mode; %s mode was asked for: ask for %s or no mode flag to "
					 "share it, or detach it (ip link set dev %s xdp off, or end the "
					 "process holding its link)", name, prog_id, xsk__mode_name(mode),
					 xsk__mode_name((int)want), mode == XDP_FLAGS_SKB_MODE ?
					 "XDP_FLAGS_SKB_MODE" : "XDP_FLAGS_DRV_MODE", name);
				return -EEXIST;
			}
			*map_fd = xsk__find_xsks_map(prog_id);
			if (*map_fd == -ENOENT) {
				xsk__log(XSK_PRINT_WARN, "xsk: %s already has XDP program %u, which "
					 "has no xsks_map; xsk.h does not replace it: detach it ("
					 "ip link set dev %s xdp off, or end the process holding its "
					 "link), or pass XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD and put the "
					 "socket in your own map with xsk_socket__update_xskmap",
					 name, prog_id, name);
				return -EEXIST;
			}
			if (*map_fd < 0) {
				err = *map_fd;
				*map_fd = -1;
				if (err == -ENOENT || err == -EINVAL)
					continue; /* the program went away: look again */
				if (err == -EPERM) {
					xsk__log(XSK_PRINT_WARN, "xsk: %s: XDP program %u is attached "
						 "already, and sharing it needs CAP_SYS_ADMIN: without "
						 "it the kernel gives out no fd of an attached program "
						 "(BPF_PROG_GET_FD_BY_ID)", name, prog_id);
					return err;
				}
				return xsk__fail(err, "taking the attached program's xsks_map");
			}
			if (check_filter) {
				err = xsk__same_filter(name, prog_id, filter);
				if (err) {
					xsk__close(map_fd);
					return err;
				}
			}
			*link_fd = xsk__find_link(ifindex, prog_id);
			if (*link_fd == -ENOENT && xsk__detaching(ifindex, prog_id)) {
				close(*map_fd);
				*link_fd = *map_fd = -1;
				continue; /* its last holder exited: look again */
			}
			if (*link_fd == -ENOENT) {
				*link_fd = -1; /* attached by netlink: not ours to hold */
			} else if (*link_fd < 0) {
				err = xsk__fail(*link_fd, "taking a hold on the XDP link");
				*link_fd = -1;
				break;
			}
			xsk__log(XSK_PRINT_DEBUG, "xsk: %s: sharing XDP program %u (%s mode)",
				 name, prog_id, xsk__mode_name(mode));
		} else {
			if (xsk__queues(ifindex, &cur_q, &max_q))
				max_q = 1;
			entries = max_q > queue + 1 ? max_q : (__u32)(queue + 1);
			err = xsk__attach(ifindex, entries, want, filter, link_fd, map_fd);
			if (err && !want && err != -EBUSY && err != -EEXIST && err != -EPERM) {
				xsk__log(XSK_PRINT_INFO, "xsk: %s: native XDP failed (%s); trying "
					 "generic", name, strerror(-err));
				err = xsk__attach(ifindex, entries, XDP_FLAGS_SKB_MODE, filter,
						  link_fd, map_fd);
			}
			if (err == -EBUSY || err == -EEXIST)
				continue; /* someone attached meanwhile: share theirs */
			if (err == -EOPNOTSUPP && want == XDP_FLAGS_DRV_MODE) {
				xsk__log(XSK_PRINT_WARN, "xsk: %s: the driver has no native XDP; "
					 "use generic mode (XDP_FLAGS_SKB_MODE) or no mode flag", name);
				return err;
			}
			if (err == -EINVAL) {
				xsk__log(XSK_PRINT_WARN, "xsk: %s: loading and attaching the XDP "
					 "program: %s: is the kernel older than 5.10? xsk.h attaches "
					 "through BPF links, which XDP has since Linux 5.9", name,
					 strerror(EINVAL));
				return err;
			}
			if (err)
				return xsk__fail(err, "loading and attaching the XDP program");
			if (!xsk__attached(ifindex, &prog_id, &mode))
				xsk__log(XSK_PRINT_INFO, "xsk: %s: XDP program %u attached in %s mode",
					 name, prog_id, xsk__mode_name(mode));
		}
		break;
	}
	if (!err && *map_fd < 0)
		err = -EAGAIN; /* the interface kept changing under us */
	memset(&mi, 0, sizeof(mi));
	if (!err && queue >= 0 && !bpf_obj_get_info_by_fd(*map_fd, &mi, &mlen) &&
	    queue >= mi.max_entries) {
		xsk__log(XSK_PRINT_WARN, "xsk: %s: queue %lld does not fit the attached "
			 "program's xsks_map (%u entries)", name, queue, mi.max_entries);
		err = -EINVAL;
	}
	if (err) {
		xsk__close(link_fd);
		xsk__close(map_fd);
	}
	return err;
}

XSKDEF int xsk_setup_xdp_prog(int ifindex, int *xsks_map_fd)
{
	struct xsk__hold *h;
	int link_fd, err;

	if (!xsks_map_fd) {
		xsk__log(XSK_PRINT_WARN, "xsk: xsk_setup_xdp_prog: NULL map fd pointer");
		return xsk__ret(-EFAULT);
	}
	h = (struct xsk__hold *)calloc(1, sizeof(*h));
	if (!h)
		return xsk__ret(xsk__fail(-ENOMEM, "hold"));
	err = xsk__prog_get(ifindex, 0, -1, NULL, 0, &link_fd, xsks_map_fd);
	if (err) {
		free(h);
		return xsk__ret(err);
	}
	h->ifindex = ifindex;
	h->link_fd = link_fd;
	h->next = xsk__holds;
	xsk__holds = h;
	return 0;
}

XSKDEF int xsk_release_xdp_prog(int ifindex)
{
	struct xsk__hold **p, *h;

	for (p = &xsk__holds; *p; p = &(*p)->next) {
		if ((*p)->ifindex != ifindex)
			continue;
		h = *p;
		*p = h->next;
		xsk__close(&h->link_fd);
		free(h);
		return 0;
	}
	xsk__log(XSK_PRINT_WARN, "xsk: xsk_release_xdp_prog: no hold on interface %d",
		 ifindex);
	return xsk__ret(-ENOENT);
}

XSKDEF int xsk_socket__update_xskmap(struct xsk_socket *xsk, int xsks_map_fd)
{
	if (!xsk) {
		xsk__log(XSK_PRINT_WARN, "xsk: xsk_socket__update_xskmap: NULL socket");
		return xsk__ret(-EFAULT);
	}
	if (bpf_map_update_elem(xsks_map_fd, &xsk->queue_id, &xsk->fd, 0))
		return xsk__ret(xsk__fail(-errno, "xsks_map update"));
	return 0;
}

XSK__PRIVATE struct xsk__ctx *xsk__ctx_find(struct xsk_umem *umem, int ifindex, __u32 q)
{
	struct xsk__ctx *c;

	for (c = umem->ctxs; c; c = c->next)
		if (c->ifindex == ifindex && c->queue_id == q)
			return c;
	return NULL;
}

XSK__PRIVATE void xsk__ctx_put(struct xsk_umem *umem, struct xsk__ctx *ctx)
{
	struct xsk__ctx **p;

	if (--ctx->refcount)
		return;
	for (p = &umem->ctxs; *p != ctx; p = &(*p)->next)
		;
	*p = ctx->next;
	xsk__unmap(&ctx->fill_map, ctx->fill_len);
	xsk__unmap(&ctx->comp_map, ctx->comp_len);
	free(ctx);
}

/* bind(), retried on EBUSY for XSK_BIND_RETRY_MS: the kernel releases the queue of a
 * socket that just closed (a restarted program's predecessor) only after a while. */
XSK__PRIVATE int xsk__bind(int fd, const struct sockaddr_xdp *sxdp)
{
	long waited = 0, step = 1;

	while (bind(fd, (const struct sockaddr *)sxdp, sizeof(*sxdp))) {
		if (errno != EBUSY || waited >= XSK_BIND_RETRY_MS)
			return -errno;
		poll(NULL, 0, (int)step);
		waited += step;
		step = step < 32 ? step * 2 : step;
	}
	if (waited)
		xsk__log(XSK_PRINT_DEBUG, "xsk: the queue was busy for about %ld ms", waited);
	return 0;
}

XSK__PRIVATE int xsk__check_name(const char *ifname, int *ifindex)
{
	if (!*ifname || strlen(ifname) >= IFNAMSIZ) {
		xsk__log(XSK_PRINT_WARN, "xsk: interface name \"%.32s%s\" is %s (names have 1 "
			 "to %d characters)", ifname, strlen(ifname) > 32 ? "..." : "",
			 *ifname ? "too long" : "empty", IFNAMSIZ - 1);
		return *ifname ? -ENAMETOOLONG : -EINVAL;
	}
	*ifindex = (int)if_nametoindex(ifname);
	if (!*ifindex) {
		xsk__log(XSK_PRINT_WARN, "xsk: no interface named %s (ip link shows those there "
			 "are)", ifname);
		return -ENODEV;
	}
	return 0;
}

/* xsk_socket__create_shared; the quick path (quick) also asks for its filter. */
XSK__PRIVATE int xsk__socket_create(struct xsk_socket **xsk_ptr, const char *ifname,
				    __u32 queue_id, struct xsk_umem *umem,
				    struct xsk_ring_cons *rx, struct xsk_ring_prod *tx,
				    struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
				    const struct xsk_socket_config *config,
				    const struct xsk_filter *filter, int quick)
{
	struct xsk_socket_config c;
	struct xsk_socket *xsk;
	struct sockaddr_xdp sxdp;
	struct xsk__ctx *ctx, *new_ctx = NULL;
	__u32 cur_q, max_q;
	int first, err;

	if (!xsk_ptr || !ifname || !umem || (!rx && !tx)) {
		xsk__log(XSK_PRINT_WARN, "xsk: socket: NULL %s", !xsk_ptr ? "socket pointer" :
			 !ifname ? "interface name" : !umem ? "umem" : "rx and tx rings");
		return xsk__ret(-EFAULT);
	}
	memset(&c, 0, sizeof(c));
	c.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	c.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
	if (config)
		c = *config;
	xsk = (struct xsk_socket *)calloc(1, sizeof(*xsk));
	if (!xsk)
		return xsk__ret(xsk__fail(-ENOMEM, "socket"));
	xsk->fd = xsk->link_fd = xsk->map_fd = -1;
	xsk->rx = rx;
	xsk->tx = tx;
	xsk->umem = umem;
	xsk->queue_id = queue_id;

	err = xsk__check_name(ifname, &xsk->ifindex);
	if (err)
		goto fail;
	err = -EINVAL;
	if ((rx && !xsk__pow2(c.rx_size)) || (tx && !xsk__pow2(c.tx_size))) {
		xsk__log(XSK_PRINT_WARN, "xsk: socket: ring sizes must be powers of two "
			 "(rx %u, tx %u)", c.rx_size, c.tx_size);
		goto fail;
	}
	if ((c.xdp_flags & ~(__u32)(XDP_FLAGS_MODES | XDP_FLAGS_UPDATE_IF_NOEXIST)) ||
	    ((c.xdp_flags & XDP_FLAGS_MODES) & ((c.xdp_flags & XDP_FLAGS_MODES) - 1)) ||
	    (c.libxdp_flags & ~(__u32)XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD)) {
		xsk__log(XSK_PRINT_WARN, "xsk: socket: bad flags (xdp_flags %#x, libxdp_flags "
			 "%#x): at most one mode, no replace", c.xdp_flags, c.libxdp_flags);
		goto fail;
	}
	if (!xsk__queues(xsk->ifindex, &cur_q, &max_q) && queue_id >= cur_q) {
		xsk__log(XSK_PRINT_WARN, "xsk: socket: queue %u out of range: %s has %u queue%s",
			 queue_id, ifname, cur_q, cur_q == 1 ? "" : "s");
		goto fail;
	}

	/* Everything that can be checked is checked; the program comes before the socket
	 * since a bound socket cannot be taken back. */
	if (!(c.libxdp_flags & XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD)) {
		err = xsk__prog_get(xsk->ifindex, c.xdp_flags, queue_id, filter, quick,
				    &xsk->link_fd,
				    &xsk->map_fd);
		if (err)
			goto fail;
	}

	first = !umem->fd_bound;
	ctx = xsk__ctx_find(umem, xsk->ifindex, queue_id);
	if (first) {
		xsk->fd = umem->fd;
	} else {
		xsk->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (xsk->fd < 0) {
			err = xsk__fail(-errno, "socket(AF_XDP)");
			goto fail;
		}
	}
	if (!ctx) {
		new_ctx = ctx = (struct xsk__ctx *)calloc(1, sizeof(*ctx));
		if (!ctx) {
			err = xsk__fail(-ENOMEM, "socket");
			goto fail;
		}
		ctx->ifindex = xsk->ifindex;
		ctx->queue_id = queue_id;
		ctx->owner_fd = xsk->fd;
		if (first) {
			/* The UMEM's own rings; the caller may want them in other structs. */
			if (fill && fill != umem->fill_save)
				memcpy(fill, umem->fill_save, sizeof(*fill));
			if (comp && comp != umem->comp_save)
				memcpy(comp, umem->comp_save, sizeof(*comp));
			ctx->fill = fill ? fill : umem->fill_save;
			ctx->comp = comp ? comp : umem->comp_save;
		} else if (!fill || !comp || fill == umem->fill_save || comp == umem->comp_save) {
			xsk__log(XSK_PRINT_WARN, "xsk: socket: %s queue %u needs fill and "
				 "completion rings of its own: use xsk_socket__create_shared with "
				 "new ring structs", ifname, queue_id);
			err = -EINVAL;
			goto fail;
		} else {
			err = xsk__umem_rings(xsk->fd, &umem->config, fill, comp, &ctx->fill_map,
					      &ctx->fill_len, &ctx->comp_map, &ctx->comp_len);
			if (err) {
				xsk__fail(err, "socket: fill/completion rings");
				goto fail;
			}
			ctx->fill = fill;
			ctx->comp = comp;
		}
	}

	if (rx) {
		int setup = xsk->fd != umem->fd || !umem->rx_set;

		err = -EINVAL;
		if (!setup && umem->rx_set != c.rx_size) {
			xsk__log(XSK_PRINT_WARN, "xsk: socket: an rx ring of %u entries was made "
				 "on the UMEM's socket already", umem->rx_set);
			goto fail;
		}
		err = xsk__ring(xsk->fd, XDP_RX_RING, c.rx_size, &setup, XDP_PGOFF_RX_RING, 0,
				rx, &xsk->rx_map, &xsk->rx_len);
		if (xsk->fd == umem->fd && !setup)
			umem->rx_set = c.rx_size; /* made, even if the mapping failed */
		if (err) {
			xsk__fail(err, "socket: rx ring");
			goto fail;
		}
	}
	if (tx) {
		int setup = xsk->fd != umem->fd || !umem->tx_set;

		err = -EINVAL;
		if (!setup && umem->tx_set != c.tx_size) {
			xsk__log(XSK_PRINT_WARN, "xsk: socket: a tx ring of %u entries was made "
				 "on the UMEM's socket already", umem->tx_set);
			goto fail;
		}
		err = xsk__ring(xsk->fd, XDP_TX_RING, c.tx_size, &setup, XDP_PGOFF_TX_RING, 1,
				tx, &xsk->tx_map, &xsk->tx_len);
		if (xsk->fd == umem->fd && !setup)
			umem->tx_set = c.tx_size; /* made, even if the mapping failed */
		if (err) {
			xsk__fail(err, "socket: tx ring");
			goto fail;
		}
	}

	memset(&sxdp, 0, sizeof(sxdp));
	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = (__u32)xsk->ifindex;
	sxdp.sxdp_queue_id = queue_id;
	if (first) {
		sxdp.sxdp_flags = c.bind_flags & (__u16)~XDP_SHARED_UMEM;
	} else {
		/* The kernel takes no other flags here: the pool's are inherited. */
		sxdp.sxdp_flags = XDP_SHARED_UMEM;
		sxdp.sxdp_shared_umem_fd = (__u32)(new_ctx ? umem->fd : ctx->owner_fd);
	}
	err = xsk__bind(xsk->fd, &sxdp);
	if (err) {
		if (err == -EBUSY)
			xsk__log(XSK_PRINT_WARN, "xsk: socket: queue %u of %s is in use by another "
				 "AF_XDP socket", queue_id, ifname);
		else
			xsk__fail(err, "socket: bind");
		goto fail;
	}
	if (first) {
		umem->fd_bound = 1;
		umem->bind_flags = sxdp.sxdp_flags;
		ctx->refcount++; /* the UMEM's fd stays bound: its ctx lives with the UMEM */
	}
	xsk->need_wakeup = !!(umem->bind_flags & XDP_USE_NEED_WAKEUP);
	if (xsk->map_fd >= 0 && bpf_map_update_elem(xsk->map_fd, &queue_id, &xsk->fd, 0)) {
		err = xsk__fail(-errno, "socket: xsks_map update");
		goto fail; /* (a bound UMEM fd stays bound: the kernel has no unbind) */
	}
	if (new_ctx) {
		new_ctx->next = umem->ctxs;
		umem->ctxs = new_ctx;
	}
	ctx->refcount++;
	xsk->ctx = ctx;
	xsk->next = umem->socks;
	umem->socks = xsk;
	umem->refcount++;
	*xsk_ptr = xsk;
	return 0;

fail:
	if (new_ctx && !new_ctx->refcount) {
		xsk__unmap(&new_ctx->fill_map, new_ctx->fill_len);
		xsk__unmap(&new_ctx->comp_map, new_ctx->comp_len);
		free(new_ctx);
	} else if (new_ctx) { /* the UMEM's fd got bound: keep its ctx */
		new_ctx->next = umem->ctxs;
		umem->ctxs = new_ctx;
	}
	xsk__unmap(&xsk->rx_map, xsk->rx_len);
	xsk__unmap(&xsk->tx_map, xsk->tx_len);
	if (xsk->fd != umem->fd)
		xsk__close(&xsk->fd);
	xsk__close(&xsk->map_fd);
	xsk__close(&xsk->link_fd);
	free(xsk);
	return xsk__ret(err);
}

XSKDEF int xsk_socket__create_shared(struct xsk_socket **xsk, const char *ifname,
				     __u32 queue_id, struct xsk_umem *umem,
				     struct xsk_ring_cons *rx, struct xsk_ring_prod *tx,
				     struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
				     const struct xsk_socket_config *config)
{
	return xsk__socket_create(xsk, ifname, queue_id, umem, rx, tx, fill, comp, config,
				  NULL, 0);
}

XSKDEF int xsk_socket__create(struct xsk_socket **xsk, const char *ifname, __u32 queue_id,
			      struct xsk_umem *umem, struct xsk_ring_cons *rx,
			      struct xsk_ring_prod *tx, const struct xsk_socket_config *config)
{
	return xsk_socket__create_shared(xsk, ifname, queue_id, umem, rx, tx,
					 umem ? umem->fill_save : NULL,
					 umem ? umem->comp_save : NULL, config);
}

XSKDEF void xsk_socket__delete(struct xsk_socket *xsk)
{
	struct xsk_socket **p, *s;

	if (!xsk)
		return;
	for (p = &xsk->umem->socks; *p != xsk; p = &(*p)->next)
		;
	*p = xsk->next;
	/* Sockets that join the queue later bind to the owner of its rings: if that is
	 * this one (not the UMEM's, which stays open), another socket of the queue takes
	 * over, before this fd closes and its number can be reused. */
	if (xsk->ctx->owner_fd == xsk->fd && xsk->fd != xsk->umem->fd)
		for (s = xsk->umem->socks; s; s = s->next)
			if (s->ctx == xsk->ctx) {
				xsk->ctx->owner_fd = s->fd;
				break;
			}
	/* Closing a socket takes it out of every map; the UMEM's socket stays open. */
	if (xsk->map_fd >= 0 && xsk->fd == xsk->umem->fd)
		bpf_map_delete_elem(xsk->map_fd, &xsk->queue_id);
	xsk__close(&xsk->map_fd);
	xsk__close(&xsk->link_fd);
	xsk__unmap(&xsk->rx_map, xsk->rx_len);
	xsk__unmap(&xsk->tx_map, xsk->tx_len);
	xsk__ctx_put(xsk->umem, xsk->ctx);
	if (xsk->fd != xsk->umem->fd)
		close(xsk->fd);
	xsk->umem->refcount--;
	free(xsk);
}

XSK__PRIVATE int xsk__stats(int fd, struct xdp_statistics *stats, socklen_t len)
{
	memset(stats, 0, sizeof(*stats));
	if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, stats, &len))
		return -errno;
	return 0; /* an older kernel fills only the first three counters */
}

XSKDEF int xsk_socket__stats(const struct xsk_socket *xsk, struct xdp_statistics *stats)
{
	if (!xsk || !stats)
		return xsk__ret(-EFAULT);
	return xsk__ret(xsk__stats(xsk->fd, stats, sizeof(*stats)));
}

XSKDEF int xsk_socket__zerocopy(const struct xsk_socket *xsk)
{
	struct xdp_options opts;
	socklen_t len = sizeof(opts);

	if (!xsk)
		return xsk__ret(-EFAULT);
	if (getsockopt(xsk->fd, SOL_XDP, XDP_OPTIONS, &opts, &len))
		return xsk__ret(-errno);
	return !!(opts.flags & XDP_OPTIONS_ZEROCOPY);
}

XSKDEF int xsk_socket__xdp_mode(const struct xsk_socket *xsk)
{
	__u32 prog_id;
	int mode, err;

	if (!xsk)
		return xsk__ret(-EFAULT);
	err = xsk__attached(xsk->ifindex, &prog_id, &mode);
	return err ? xsk__ret(err) : mode;
}

/* A kick the kernel could not act on at once (ring or driver busy), or on which it
 * dropped a frame for want of carrier (copy mode's EBUSY), is still a kick. */
XSK__PRIVATE int xsk__kicked(long ret)
{
	if (ret >= 0 || errno == EAGAIN || errno == EBUSY || errno == ENOBUFS)
		return 1;
	return xsk__ret(-errno);
}

XSKDEF int xsk_socket__wakeup_tx(struct xsk_socket *xsk)
{
	if (!xsk || !xsk->tx)
		return xsk__ret(-EINVAL);
	if (xsk->need_wakeup && !xsk_ring_prod__needs_wakeup(xsk->tx))
		return 0;
	return xsk__kicked(sendto(xsk->fd, NULL, 0, MSG_DONTWAIT, NULL, 0));
}

XSKDEF int xsk_socket__wakeup_rx(struct xsk_socket *xsk)
{
	if (!xsk)
		return xsk__ret(-EINVAL);
	if (!xsk->need_wakeup || !xsk_ring_prod__needs_wakeup(xsk->ctx->fill))
		return 0;
	return xsk__kicked(recvfrom(xsk->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL));
}

/* --- the quick path --------------------------------------------------------------- */

/* The UMEM and its memory, shared by the handles of one xsk_queue__open_all (or owned
 * by one handle). fill and comp are the UMEM's own rings: its first queue's. */
struct xsk__qmem {
	void *area;
	size_t size;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	int refcount;
};

struct xsk_queue {
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod *fill; /* the UMEM's rings, or own_fill/own_comp */
	struct xsk_ring_cons *comp;
	char *area;
	__u64 base;           /* UMEM address of the handle's first frame */
	__u64 *pool;          /* UMEM addresses of free frames */
	unsigned char *held;  /* per frame: 1 while the application has it */
	__u32 npool, nframes, frame_size, data_off, fill_target;
	__u32 app, fill_out, tx_out; /* frames with the application, lent to fill, sent */
	int fd, busy_poll, counters_fd;
	__u32 queue_id;
	__u64 rx_packets, tx_packets, tx_ring_full;
	struct xsk_socket *xsk;
	struct xsk__qmem *mem;
	struct xsk_ring_prod own_fill;
	struct xsk_ring_cons own_comp;
};

/* The frame (its index in the handle) that UMEM address addr falls in, or -1 if none of
 * the handle's. */
XSK__PRIVATE long xsk__q_frame(const struct xsk_queue *q, __u64 addr)
{
	__u64 i = (addr - q->base) / q->frame_size;

	return addr >= q->base && i < q->nframes ? (long)i : -1;
}

/* Takes finished sends back into the pool. */
XSK__PRIVATE __u32 xsk__q_reap(struct xsk_queue *q)
{
	__u32 idx = 0, n = xsk_ring_cons__peek(q->comp, q->comp->size, &idx), i;

	for (i = 0; i < n; i++) {
		__u64 a = *xsk_ring_cons__comp_addr(q->comp, idx + i);

		q->pool[q->npool++] = a - (a - q->base) % q->frame_size;
	}
	xsk_ring_cons__release(q->comp, n);
	q->tx_out -= n;
	return n;
}

/* Lends the kernel frames from the pool until fill_target are lent (on the fill ring,
 * in the kernel or on the RX ring), in batches of at least an eighth of that: a ring
 * line the kernel reads is written whole, and its producer moves less often. */
XSK__PRIVATE void xsk__q_refill(struct xsk_queue *q)
{
	__u32 want = q->fill_target - q->fill_out, idx = 0, i;

	if (want > q->npool)
		want = q->npool;
	if (!want || (want < q->fill_target / 8 && q->fill_out) ||
	    xsk_ring_prod__reserve(q->fill, want, &idx) != want)
		return;
	for (i = 0; i < want; i++)
		*xsk_ring_prod__fill_addr(q->fill, idx + i) = q->pool[--q->npool];
	xsk_ring_prod__submit(q->fill, want);
	q->fill_out += want;
}

/* Kicks the kernel while the TX ring asks for it and holds frames; copy mode sends at
 * most 32 frames a kick, or the budget xsk__q_one sets. */
XSK__PRIVATE void xsk__q_kick(struct xsk_queue *q)
{
	int i;

	for (i = 0; i < 8; i++) {
		if (q->tx.cached_prod == __atomic_load_n(q->tx.consumer, __ATOMIC_ACQUIRE) ||
		    (!q->busy_poll && !xsk_ring_prod__needs_wakeup(&q->tx)))
			return;
		if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0 ||
		    (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS))
			return; /* all sent, or the device is down or gone */
		xsk__q_reap(q);
	}
}

/* Checks that each packet lies within one of the handle's frames that the application
 * holds; marks those frames as no longer held. -EINVAL (nothing marked) otherwise. */
XSK__PRIVATE int xsk__q_take_back(struct xsk_queue *q, const struct xsk_pkt *pkts,
				  unsigned n, const char *call)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		__u64 a = (__u64)((const char *)pkts[i].data - q->area);
		long f = xsk__q_frame(q, a);

		if (f < 0 || !q->held[f] || (pkts[i].len && xsk__q_frame(q, a + pkts[i].len - 1) != f)) {
			xsk__log(XSK_PRINT_WARN, "xsk: %s: packet %u (UMEM address %llu, %u bytes) "
				 "is %s", call, i, (unsigned long long)a, pkts[i].len,
				 f < 0 ? "not in this handle's frames" : !q->held[f] ?
				 "in a frame the application does not hold (given back twice?)" :
				 "longer than its frame");
			while (i--) /* as it was */
				q->held[xsk__q_frame(q, (__u64)((const char *)pkts[i].data -
								q->area))] = 1;
			return xsk__ret(-EINVAL);
		}
		q->held[f] = 0;
	}
	q->app -= n;
	return 0;
}

XSKDEF int xsk_queue__fd(const struct xsk_queue *q)
{
	return q ? q->fd : xsk__ret(-EINVAL);
}

XSKDEF struct xsk_socket *xsk_queue__socket(const struct xsk_queue *q)
{
	return q ? q->xsk : NULL;
}

XSKDEF int xsk_queue__recv(struct xsk_queue *q, struct xsk_pkt *pkts, unsigned max,
			   int timeout_ms)
{
	__u32 idx = 0, n, i;

	xsk__q_reap(q);
	xsk__q_refill(q);
	n = xsk_ring_cons__peek(&q->rx, max, &idx);
	if (!n && max) {
		if (q->busy_poll || xsk_ring_prod__needs_wakeup(q->fill))
			recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
		if (timeout_ms) {
			struct pollfd p = { q->fd, POLLIN, 0 };

			if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
				return xsk__ret(-errno);
		}
		n = xsk_ring_cons__peek(&q->rx, max, &idx);
	}
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);

		pkts[i].addr = d->addr;
		pkts[i].data = q->area + d->addr;
		pkts[i].len = d->len;
		q->held[(d->addr - q->base) / q->frame_size] = 1;
	}
	xsk_ring_cons__release(&q->rx, n);
	q->fill_out -= n;
	q->app += n;
	q->rx_packets += n;
	return (int)n;
}

XSKDEF unsigned xsk_queue__alloc(struct xsk_queue *q, struct xsk_pkt *pkts, unsigned n)
{
	unsigned i;

	if (q->npool < n)
		xsk__q_reap(q);
	if (n > q->npool)
		n = q->npool;
	for (i = 0; i < n; i++) {
		__u64 a = q->pool[--q->npool];

		q->held[(a - q->base) / q->frame_size] = 1;
		pkts[i].addr = a + q->data_off;
		pkts[i].data = q->area + pkts[i].addr;
		pkts[i].len = q->frame_size - q->data_off;
	}
	q->app += n;
	return n;
}

XSKDEF int xsk_queue__send(struct xsk_queue *q, const struct xsk_pkt *pkts, unsigned n)
{
	__u32 idx = 0, k, i;
	int err = xsk__q_take_back(q, pkts, n, "xsk_queue__send");

	if (err)
		return err;
	xsk__q_reap(q);
	k = xsk_prod_nb_free(&q->tx, n);
	if (k > n)
		k = n;
	if (k)
		xsk_ring_prod__reserve(&q->tx, k, &idx);
	for (i = 0; i < k; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx, idx + i);

		d->addr = (__u64)((const char *)pkts[i].data - q->area);
		d->len = pkts[i].len;
		d->options = 0;
	}
	xsk_ring_prod__submit(&q->tx, k);
	for (i = k; i < n; i++) { /* no room: back to the pool */
		__u64 a = (__u64)((const char *)pkts[i].data - q->area);

		q->pool[q->npool++] = a - (a - q->base) % q->frame_size;
	}
	q->tx_out += k;
	q->tx_packets += k;
	q->tx_ring_full += n - k;
	xsk__q_kick(q);
	return (int)k;
}

XSKDEF int xsk_queue__release(struct xsk_queue *q, const struct xsk_pkt *pkts, unsigned n)
{
	unsigned i;
	int err = xsk__q_take_back(q, pkts, n, "xsk_queue__release");

	if (err)
		return err;
	for (i = 0; i < n; i++) {
		__u64 a = (__u64)((const char *)pkts[i].data - q->area);

		q->pool[q->npool++] = a - (a - q->base) % q->frame_size;
	}
	xsk__q_refill(q);
	return 0;
}

XSKDEF unsigned xsk_queue__complete(struct xsk_queue *q)
{
	__u32 n = xsk__q_reap(q);

	xsk__q_kick(q);
	return n + xsk__q_reap(q);
}

/* Packets on the RX ring that the application has not received yet. */
XSK__PRIVATE __u32 xsk__q_rx_waiting(const struct xsk_queue *q)
{
	return __atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE) - q->rx.cached_cons;
}

XSKDEF void xsk_queue__frames(const struct xsk_queue *q, struct xsk_frames *f)
{
	memset(f, 0, sizeof(*f));
	f->total = q->nframes;
	f->pool = q->npool;
	f->app = q->app;
	f->fill = q->fill->cached_prod - __atomic_load_n(q->fill->consumer, __ATOMIC_ACQUIRE);
	f->rx = xsk__q_rx_waiting(q);
	f->tx = q->tx.cached_prod - __atomic_load_n(q->tx.consumer, __ATOMIC_ACQUIRE);
	f->comp = __atomic_load_n(q->comp->producer, __ATOMIC_ACQUIRE) - q->comp->cached_cons;
	f->kernel = f->total - f->pool - f->app - f->fill - f->rx - f->tx - f->comp;
}

/* The counters map's value: struct xsk_prog_counters of xsk_prog.bpf.c (no_socket,
 * filtered), one per CPU. */
XSK__PRIVATE int xsk__read_counters(int fd, __u32 queue, struct xsk_queue_stats *s)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	__u64 *v;

	if (ncpu < 1)
		return xsk__ret(ncpu < 0 ? ncpu : -EINVAL);
	v = (__u64 *)calloc((size_t)ncpu, 2 * sizeof(*v));
	if (!v)
		return xsk__ret(xsk__fail(-ENOMEM, "stats"));
	if (bpf_map_lookup_elem(fd, &queue, v)) {
		i = -errno;
		free(v);
		return xsk__ret(xsk__fail(i, "xsk_queue__stats: the program's counters"));
	}
	for (i = 0; i < ncpu; i++) {
		s->no_socket += v[2 * i];
		s->filtered += v[2 * i + 1];
	}
	free(v);
	return 0;
}

XSKDEF int xsk_queue__stats(const struct xsk_queue *q, struct xsk_queue_stats *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->rx_packets = q->rx_packets;
	s->tx_packets = q->tx_packets;
	s->tx_ring_full = q->tx_ring_full;
	err = xsk_socket__stats(q->xsk, &s->xdp);
	s->redirected = q->rx_packets + xsk__q_rx_waiting(q) + s->xdp.rx_dropped +
			s->xdp.rx_ring_full;
	if (!err && q->counters_fd >= 0)
		err = xsk__read_counters(q->counters_fd, q->queue_id, s);
	return err;
}

XSKDEF void xsk_queue__close(struct xsk_queue *q)
{
	if (!q)
		return;
	xsk_socket__delete(q->xsk);
	if (q->counters_fd >= 0)
		close(q->counters_fd);
	if (q->mem && !--q->mem->refcount) {
		xsk_umem__delete(q->mem->umem);
		munmap(q->mem->area, q->mem->size);
		free(q->mem);
	}
	free(q->pool);
	free(q->held);
	free(q);
}

/* 0 if the filter is one the program can apply, else -EINVAL saying why. */
XSK__PRIVATE int xsk__filter_check(const struct xsk_filter *f)
{
	unsigned i;

	for (i = 0; i < f->nports && i < XSK_FILTER_PORTS; i++)
		if (f->ports[i].lo > f->ports[i].hi) {
			xsk__log(XSK_PRINT_WARN, "xsk: filter: port range %u is %u-%u: lo > hi", i,
				 f->ports[i].lo, f->ports[i].hi);
			return -EINVAL;
		}
	if (f->nports > XSK_FILTER_PORTS)
		xsk__log(XSK_PRINT_WARN, "xsk: filter: %u port ranges: at most %u", f->nports,
			 XSK_FILTER_PORTS);
	else if (f->nports && f->ip_proto && f->ip_proto != 17 && f->ip_proto != 6)
		xsk__log(XSK_PRINT_WARN, "xsk: filter: port ranges with ip_proto %u: ports only "
			 "with UDP or TCP (17, 6), or ip_proto 0", f->ip_proto);
	else if (f->vlan > 4094)
		xsk__log(XSK_PRINT_WARN, "xsk: filter: vlan %u: at most 4094", f->vlan);
	else
		return 0;
	return -EINVAL;
}

/* The caller's options with the defaults filled in, checked; 0 or -EINVAL. */
XSK__PRIVATE int xsk__q_opts(const struct xsk_queue_opts *in, struct xsk_queue_opts *o)
{
	const unsigned char *extra;

	memset(o, 0, sizeof(*o));
	if (in) {
		if (in->sz < sizeof(in->sz)) {
			xsk__log(XSK_PRINT_WARN, "xsk: options: sz is %zu: set it to sizeof(struct "
				 "xsk_queue_opts), or declare them with XSK_QUEUE_OPTS", in->sz);
			return -EINVAL;
		}
		/* Options of a newer xsk.h that this one does not know must be unset. */
		for (extra = (const unsigned char *)in + sizeof(*o);
		     extra < (const unsigned char *)in + in->sz; extra++)
			if (*extra) {
				xsk__log(XSK_PRINT_WARN, "xsk: options: set beyond the %zu bytes "
					 "this xsk.h knows (sz %zu)", sizeof(*o), in->sz);
				return -EINVAL;
			}
		memcpy(o, in, in->sz < sizeof(*o) ? in->sz : sizeof(*o));
	}
	o->sz = sizeof(*o);
	o->frames = o->frames ? o->frames : 4096;
	o->frame_size = o->frame_size ? o->frame_size : XSK_UMEM__DEFAULT_FRAME_SIZE;
	o->ring_size = o->ring_size ? o->ring_size : 2048;
	o->busy_poll_budget = o->busy_poll_budget ? o->busy_poll_budget : 64;
	if (!o->fill_frames)
		o->fill_frames = o->ring_size / 4 > 512 ? o->ring_size / 4 :
				 o->ring_size < 512 ? o->ring_size : 512;
	if (o->frame_size != 2048 && o->frame_size != 4096)
		xsk__log(XSK_PRINT_WARN, "xsk: options: frame_size %u: 2048 or 4096",
			 o->frame_size);
	else if (!xsk__pow2(o->ring_size))
		xsk__log(XSK_PRINT_WARN, "xsk: options: ring_size %u: a power of two",
			 o->ring_size);
	else if (o->frames < 2 * o->ring_size || o->frames > (1u << 30) / o->frame_size)
		xsk__log(XSK_PRINT_WARN, "xsk: options: frames %u: at least 2 * ring_size (%u), "
			 "at most 1 GiB of frames", o->frames, 2 * o->ring_size);
	else if (o->fill_frames > o->ring_size)
		xsk__log(XSK_PRINT_WARN, "xsk: options: fill_frames %u: at most ring_size (%u)",
			 o->fill_frames, o->ring_size);
	else if (o->headroom > o->frame_size - XSK__PACKET_HEADROOM - 128)
		xsk__log(XSK_PRINT_WARN, "xsk: options: headroom %u: at most frame_size - 384 "
			 "(%u)", o->headroom, o->frame_size - XSK__PACKET_HEADROOM - 128);
	else if ((o->flags & ~(__u16)(XSK_QUEUE_HUGEPAGES | XSK_QUEUE_ALLOW_DOWN)) ||
		 (o->xdp_flags & ~(__u32)XDP_FLAGS_MODES) ||
		 (o->bind_flags & ~(__u16)(XDP_COPY | XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP)))
		xsk__log(XSK_PRINT_WARN, "xsk: options: unknown flags: flags %#x, xdp_flags %#x, "
			 "bind_flags %#x", o->flags, o->xdp_flags, o->bind_flags);
	else
		return o->filter ? xsk__filter_check(o->filter) : 0;
	return -EINVAL;
}

/* What the interface must be for queues [first, first + *count) (*count 0: all of
 * them, set to how many there are): there, up, those queues, an MTU a frame holds. */
XSK__PRIVATE int xsk__q_check(const char *ifname, __u32 first, __u32 *count,
			      const struct xsk_queue_opts *o)
{
	__u32 cur = 1, max = 1, room = o->frame_size - XSK__PACKET_HEADROOM - o->headroom;
	struct ifreq ifr;
	int ifindex, fd, err;

	err = xsk__check_name(ifname, &ifindex);
	if (err)
		return err;
	if (xsk__queues(ifindex, &cur, &max))
		cur = 1; /* no ethtool channels: one queue */
	if (!*count)
		*count = cur;
	if (first >= cur || *count > cur - first) {
		xsk__log(XSK_PRINT_WARN, "xsk: %s has %u queue%s (0 to %u); there is no queue %u: "
			 "ethtool -l %s shows them, ethtool -L %s combined N sets them", ifname,
			 cur, cur == 1 ? "" : "s", cur - 1, first + *count - 1, ifname, ifname);
		return -EINVAL;
	}
	fd = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return xsk__fail(-errno, "socket(AF_LOCAL)");
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		err = xsk__fail(-errno, "SIOCGIFFLAGS");
	} else if (!(ifr.ifr_flags & IFF_UP) && !(o->flags & XSK_QUEUE_ALLOW_DOWN)) {
		xsk__log(XSK_PRINT_WARN, "xsk: %s is down: ip link set dev %s up (or open it "
			 "anyway with XSK_QUEUE_ALLOW_DOWN)", ifname, ifname);
		err = -ENETDOWN;
	} else if (ioctl(fd, SIOCGIFMTU, &ifr)) {
		err = xsk__fail(-errno, "SIOCGIFMTU");
	} else if ((__u32)ifr.ifr_mtu + 22 > room) { /* Ethernet header, two VLAN tags */
		xsk__log(XSK_PRINT_WARN, "xsk: %s has MTU %d: its packets (up to %d bytes) do "
			 "not fit a frame, which holds %u (frame_size %u - 256 bytes for the "
			 "kernel - headroom %u), and the quick path does not chain frames: "
			 "lower the MTU (ip link set dev %s mtu %u)%s", ifname,
			 ifr.ifr_mtu, ifr.ifr_mtu + 22, room, o->frame_size, o->headroom, ifname,
			 room - 22, o->frame_size < 4096 ? " or raise frame_size to 4096" :
			 ", or use xsk_socket__create with XDP_USE_SG for larger packets");
		err = -EMSGSIZE;
	}
	close(fd);
	return err;
}

/* Makes queue handle qs[i] for queue first + i on mem, all of it but the UMEM. */
XSK__PRIVATE int xsk__q_one(struct xsk_queue **out, struct xsk__qmem *mem, __u32 i,
			    const char *ifname, __u32 queue, const struct xsk_queue_opts *o)
{
	struct xsk_socket_config sc;
	struct xsk_queue *q;
	int err, v;
	__u32 f;

	q = (struct xsk_queue *)calloc(1, sizeof(*q));
	if (!q)
		return xsk__fail(-ENOMEM, "xsk_queue__open");
	q->fd = q->counters_fd = -1;
	q->area = (char *)mem->area;
	q->nframes = o->frames;
	q->frame_size = o->frame_size;
	q->base = (__u64)i * o->frames * o->frame_size;
	q->data_off = XSK__PACKET_HEADROOM + o->headroom;
	q->fill_target = o->fill_frames;
	q->queue_id = queue;
	q->busy_poll = o->busy_poll_usec > 0;
	q->fill = i ? &q->own_fill : &mem->fill;
	q->comp = i ? &q->own_comp : &mem->comp;
	q->pool = (__u64 *)malloc(o->frames * sizeof(*q->pool));
	q->held = (unsigned char *)calloc(o->frames, 1);
	if (!q->pool || !q->held) {
		err = xsk__fail(-ENOMEM, "xsk_queue__open");
		goto fail;
	}
	for (f = 0; f < o->frames; f++)
		q->pool[q->npool++] = q->base + (__u64)(o->frames - 1 - f) * o->frame_size;
	memset(&sc, 0, sizeof(sc));
	sc.rx_size = sc.tx_size = o->ring_size;
	sc.xdp_flags = o->xdp_flags;
	sc.bind_flags = o->bind_flags | XDP_USE_NEED_WAKEUP;
	err = xsk__socket_create(&q->xsk, ifname, queue, mem->umem, &q->rx, &q->tx, q->fill,
				 q->comp, &sc, o->filter, 1);
	if (err)
		goto fail;
	q->fd = xsk_socket__fd(q->xsk);
	q->mem = mem;
	mem->refcount++;
	if (q->busy_poll) {
		v = 1;
		if (setsockopt(q->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &v, sizeof(v)) ||
		    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL, &o->busy_poll_usec,
			       sizeof(o->busy_poll_usec)) ||
		    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &o->busy_poll_budget,
			       sizeof(o->busy_poll_budget))) {
			err = -errno;
			xsk__log(XSK_PRINT_WARN, "xsk: %s queue %u: busy polling: %s: it needs "
				 "Linux 5.11 or later, and CAP_NET_ADMIN to set a budget or a time "
				 "above net.core.busy_read", ifname, queue, strerror(errno));
			goto fail;
		}
	}
	/* Copy mode sends 32 frames a kick unless told more (Linux 6.17); older kernels
	 * refuse the option, and then 32 it is. */
	v = (int)o->ring_size;
	setsockopt(q->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &v, sizeof(v));
	q->counters_fd = xsk__q_counters(q->xsk->ifindex);
	xsk__q_refill(q);
	*out = q;
	return 0;
fail:
	xsk_queue__close(q);
	return err;
}

XSK__PRIVATE int xsk__q_open(struct xsk_queue **qs, const char *ifname, __u32 first,
			     __u32 count, const struct xsk_queue_opts *opts)
{
	struct xsk_umem_config uc;
	struct xsk_queue_opts o;
	struct xsk__qmem *mem;
	size_t huge = 2u << 20;
	__u32 i;
	int err;

	xsk__diag_msg[0] = '\0';
	if (!qs || !ifname) {
		xsk__log(XSK_PRINT_WARN, "xsk: xsk_queue__open: NULL %s",
			 !qs ? "handle pointer" : "interface name");
		return -EFAULT;
	}
	err = xsk__q_opts(opts, &o);
	if (!err)
		err = xsk__q_check(ifname, first, &count, &o);
	if (err)
		return err;
	mem = (struct xsk__qmem *)calloc(1, sizeof(*mem));
	if (!mem)
		return xsk__fail(-ENOMEM, "xsk_queue__open");
	mem->size = (size_t)count * o.frames * o.frame_size;
	mem->area = MAP_FAILED;
#ifdef MAP_HUGETLB
	if (o.flags & XSK_QUEUE_HUGEPAGES) {
		mem->size = (mem->size + huge - 1) / huge * huge;
		mem->area = mmap(NULL, mem->size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (mem->area == MAP_FAILED)
			xsk__log(XSK_PRINT_INFO, "xsk: no huge pages (%s): the UMEM is in normal "
				 "pages; /proc/sys/vm/nr_hugepages sets how many there are",
				 strerror(errno));
	}
#endif
	if (mem->area == MAP_FAILED)
		mem->area = mmap(NULL, mem->size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem->area == MAP_FAILED) {
		err = xsk__fail(-errno, "mmap of the UMEM");
		free(mem);
		return err;
	}
	memset(&uc, 0, sizeof(uc));
	uc.fill_size = uc.comp_size = o.ring_size;
	uc.frame_size = o.frame_size;
	uc.frame_headroom = o.headroom;
	err = xsk_umem__create(&mem->umem, mem->area, mem->size, &mem->fill, &mem->comp, &uc);
	if (err) {
		if (err == -ENOMEM || err == -ENOBUFS)
			xsk__log(XSK_PRINT_WARN, "xsk: registering the UMEM (%zu bytes): %s: the "
				 "kernel pins it, which needs CAP_IPC_LOCK or RLIMIT_MEMLOCK (ulimit "
				 "-l) above its size", mem->size, strerror(-err));
		munmap(mem->area, mem->size);
		free(mem);
		return err;
	}
	mem->refcount = 1; /* ours until the handles hold it */
	for (i = 0; i < count && !err; i++)
		err = xsk__q_one(&qs[i], mem, i, ifname, first + i, &o);
	if (err)
		while (i-- > 1) {
			xsk_queue__close(qs[i - 1]);
			qs[i - 1] = NULL; /* not left pointing to a closed handle */
		}
	if (!--mem->refcount) {
		xsk_umem__delete(mem->umem);
		munmap(mem->area, mem->size);
		free(mem);
	}
	return err ? err : (int)count;
}

XSKDEF int xsk_queue__open(struct xsk_queue **q, const char *ifname, __u32 queue,
			   const struct xsk_queue_opts *opts)
{
	int err;

	if (q)
		*q = NULL;
	err = xsk__q_open(q, ifname, queue, 1, opts);
	return err < 0 ? xsk__ret(err) : 0;
}

XSKDEF int xsk_queue__open_all(struct xsk_queue **qs, unsigned max, const char *ifname,
			       const struct xsk_queue_opts *opts)
{
	struct xsk_queue_opts o;
	__u32 count = 0;
	int err;

	xsk__diag_msg[0] = '\0';
	if (qs)
		memset(qs, 0, max * sizeof(*qs)); /* on failure no entry points to a closed handle */
	if (!qs || !ifname)
		return xsk__ret(xsk__q_open(qs, ifname, 0, 1, opts));
	if (!max) {
		xsk__log(XSK_PRINT_WARN, "xsk: xsk_queue__open_all: room for no handle (max 0)");
		return xsk__ret(-EINVAL);
	}
	err = xsk__q_opts(opts, &o);
	if (!err)
		err = xsk__q_check(ifname, 0, &count, &o);
	if (err)
		return xsk__ret(err);
	if (count > max)
		count = max;
	return xsk__ret(xsk__q_open(qs, ifname, 0, count, opts));
}

#endif /* XSK_IMPLEMENTATION_DONE */
#endif /* XSK_IMPLEMENTATION */

/*
 * Copyright (c) 2026 the xsk.h authors
 *
 * Redistribution and use in source and binary forms, with or without modification,
 * are permitted provided that the following conditions are met:
 * 1. Redistributions of source code must retain the above copyright notice, this list
 *    of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice, this
 *    list of conditions and the following disclaimer in the documentation and/or other
 *    materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY
 * EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES
 * OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT
 * SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT,
 * INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED
 * TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR
 * BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
 * CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN
 * ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH
 * DAMAGE.
 */
