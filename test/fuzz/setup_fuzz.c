// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: xsk.h's setup calls with any arguments and any kernel failure,
 * without a kernel.
 *
 * Every call xsk.h makes to the kernel (socket, setsockopt, mmap, bind, ioctl, the
 * libbpf calls...) is linked to a __wrap_ function here (the list is in the Makefile,
 * FUZZ_WRAP_setup_fuzz) that plays the kernel: two interfaces, fz0 and fz1, whose queue
 * count, native-XDP support and already attached (foreign) XDP program the input picks;
 * AF_XDP sockets with UMEM registration, rings, mmap and bind checked as the kernel
 * checks them; BPF programs, maps and links with ids and fds. The fds are real (eventfd)
 * so that close() works; mappings are real anonymous memory.
 *
 * The input is a sequence of calls (umem create, socket create or create_shared,
 * delete, xsk_setup_xdp_prog, release, update_xskmap) with fuzzed arguments, each with
 * an optional fault: the k-th kernel call it makes fails with a chosen errno. After
 * each call:
 *  - it returned 0 or a negative errno, with errno set to match;
 *  - a failure said why through the print callback;
 *  - a failure left nothing behind: no fd, mapping, attached program or map entry
 *    (but the UMEM's own socket, once bound, stays bound: the kernel has no unbind);
 *  - bad arguments failed with the documented errno before any kernel call;
 *  - without a fault, the result is the one the model of library and kernel predicts
 *    (0, or e.g. -EEXIST for a foreign program, -EBUSY for a queue in use);
 *  - every fd is opened close-on-exec.
 * At the end everything is deleted and nothing may remain (LeakSanitizer checks memory).
 *
 * Seeds: test/fuzz/corpus/setup_fuzz/: a happy path, the same with a fault in each call,
 * and one input for each bug this found in xsk.h. SETUP_FUZZ_TRACE=1 prints the calls,
 * the faults and the library's messages of an input:
 *     SETUP_FUZZ_TRACE=1 build/fuzz/setup_fuzz test/fuzz/corpus/setup_fuzz/happy-path
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#define XSK_BIND_RETRY_MS 2 /* a busy queue stays busy here: don't wait a second */
#define XSK__DETACH_WAIT_MS 0 /* a program here never detaches by itself */
#define XSK_IMPLEMENTATION
#include "xsk.h"

#define NFD 1024
#define NIF 2
#define NUMEM 2
#define NSOCK 4
#define NOPS 64  /* calls per input */
#define NOBJ (2 * NOPS + 4) /* programs, maps, links: at most one each per call */
#define BIG_MAP (1u << 20) /* entries: more fail with ENOMEM */
#define BIG_RING (1u << 24) /* ring entries: more fail with ENOMEM, as the kernel's vmalloc
			      * of a ring larger than memory does */
#define MAP_ENTRIES 8 /* live entries of a map: at most one per socket */
#define OFF_DESC 192 /* ring layout: producer 0, consumer 64, flags 128, entries 192 */

#define CHECK(cond, ...)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "setup_fuzz: %s:%d: %s: ", __FILE__, __LINE__, \
				#cond);                                                \
			fprintf(stderr, __VA_ARGS__);                                  \
			fprintf(stderr, " (last message: %s)\n", last_msg);            \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* --- the input ------------------------------------------------------------------- */

#include "input.h"

/* A value from a list of interesting ones, or (last choice) any 32-bit value. */
static __u32 pick(const __u32 *v, unsigned n)
{
	unsigned i = take(1) % (n + 1);

	return i < n ? v[i] : take(4);
}
#define PICK(...) pick((const __u32[]){ __VA_ARGS__ }, \
		       sizeof((const __u32[]){ __VA_ARGS__ }) / sizeof(__u32))

/* --- the library's messages -------------------------------------------------------- */

static char last_msg[512];
static unsigned nwarn;
static int trace; /* SETUP_FUZZ_TRACE=1: print the calls and the library's messages */

static void on_print(enum xsk_print_level level, const char *msg)
{
	if (trace)
		fprintf(stderr, "  %s\n", msg);
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	if (level == XSK_PRINT_WARN)
		nwarn++;
}

/* --- faults ---------------------------------------------------------------------- */

static const int fault_errnos[] = { EPERM, EINVAL, ENOMEM, ENOBUFS, EBUSY, ENOENT,
				    EOPNOTSUPP, EFAULT, EEXIST, EAGAIN, ENODEV, EACCES,
				    ENOSPC, E2BIG, EBADF, EINTR };
static unsigned kcalls;   /* kernel calls made by the current library call */
static int fault_at = -1; /* the one that fails, or -1 */
static int fault_errno, fault_hit;

/* Every kernel call starts here: 0, or the errno it fails with. */
static int kcall(void)
{
	if ((int)kcalls++ != fault_at)
		return 0;
	if (trace)
		fprintf(stderr, "  fault: kernel call %u fails with %d\n", kcalls - 1, fault_errno);
	fault_hit = 1;
	return fault_errno;
}

/* The fault injected said an object does not exist (the kernel's word for "gone"). */
static int enoent(void)
{
	return fault_hit && fault_errno == ENOENT;
}

static int fail(int e)
{
	errno = e;
	return -1;
}

static int bpf_fail(int e) /* libbpf's way: -errno, and errno set */
{
	errno = e;
	return -e;
}

/* --- the fake kernel's objects --------------------------------------------------- */

enum kind { K_NONE, K_XSK, K_LOCAL, K_PROG, K_MAP, K_LINK };

struct fsock {
	__u32 umem;       /* UMEM id (registered here or shared), 0: none */
	__u32 ring[4];    /* sizes: rx, tx, fill, completion */
	int bound, ifindex;
	__u32 queue;
};

struct fdent {
	enum kind kind;
	__u32 id; /* PROG, MAP, LINK: the object's id */
	struct fsock s;
};
static struct fdent fds[NFD];

struct fif {
	const char *name;
	int ifindex;
	__u32 queues;      /* what ethtool says; 0: no ethtool channels (then 1 queue) */
	int native;        /* the driver has native XDP */
	__u32 prog, link;  /* attached program and its link (0: netlink) */
	__u32 prog0;       /* the foreign program attached at the start */
	int mode;          /* XDP_ATTACHED_DRV or _SKB */
	__u32 pool_refs[8]; /* sockets bound per queue (a UMEM's, shared or not) */
};
static struct fif ifs[NIF];

struct fprog { __u32 id, map; };
static struct fprog progs[NOBJ];
struct fmap {
	__u32 id, type, max;
	char name[16];
	struct { __u32 key; int fd; } e[MAP_ENTRIES]; /* fd -1: free */
};
static struct fmap maps[NOBJ];
struct flink { __u32 id, prog; int ifindex, refs, foreign; };
static struct flink links[NOBJ];
static unsigned nprogs, nmaps, nlinks;
static __u32 next_id, next_umem;

/* Objects of a loaded skeleton: the fds bpf_program__fd and bpf_map__fd return. */
static struct { const void *obj; int fd; } skel_fds[8];

static struct fif *if_by_index(int ifindex)
{
	int i;

	for (i = 0; i < NIF; i++)
		if (ifs[i].ifindex == ifindex)
			return &ifs[i];
	return NULL;
}

static struct fprog *prog_by_id(__u32 id)
{
	unsigned i;

	for (i = 0; i < nprogs; i++)
		if (progs[i].id == id)
			return &progs[i];
	return NULL;
}

static struct fmap *map_by_id(__u32 id)
{
	unsigned i;

	for (i = 0; i < nmaps; i++)
		if (maps[i].id == id)
			return &maps[i];
	return NULL;
}

static struct flink *link_by_id(__u32 id)
{
	unsigned i;

	for (i = 0; i < nlinks; i++)
		if (links[i].id == id)
			return &links[i];
	return NULL;
}

static struct fmap *new_map(const char *name, __u32 type, __u32 max)
{
	struct fmap *m = &maps[nmaps++];
	unsigned i;

	CHECK(nmaps <= NOBJ, "too many maps");
	memset(m, 0, sizeof(*m));
	m->id = ++next_id;
	m->type = type;
	m->max = max;
	snprintf(m->name, sizeof(m->name), "%s", name);
	for (i = 0; i < MAP_ENTRIES; i++)
		m->e[i].fd = -1;
	return m;
}

/* The fd at key k (-1: none); with add, a free slot for it if there is none. */
static int *map_slot(struct fmap *m, __u32 k, int add)
{
	static int none;
	unsigned i;

	for (i = 0; i < MAP_ENTRIES; i++)
		if (m->e[i].fd >= 0 && m->e[i].key == k)
			return &m->e[i].fd;
	for (i = 0; add && i < MAP_ENTRIES; i++)
		if (m->e[i].fd < 0) {
			m->e[i].key = k;
			return &m->e[i].fd;
		}
	CHECK(!add, "map %u full", m->id);
	none = -1;
	return &none;
}

static __u32 new_prog(__u32 map)
{
	struct fprog *p = &progs[nprogs++];

	CHECK(nprogs <= NOBJ, "too many programs");
	p->id = ++next_id;
	p->map = map;
	return p->id;
}

/* A real fd for a fake object; close-on-exec as every fd the kernel gives here. */
static int new_fd(enum kind kind, __u32 id)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	CHECK(fd >= 0 && fd < NFD, "eventfd: %d", fd);
	memset(&fds[fd], 0, sizeof(fds[fd]));
	fds[fd].kind = kind;
	fds[fd].id = id;
	if (kind == K_LINK)
		link_by_id(id)->refs++;
	return fd;
}

static struct fdent *ent(int fd, enum kind kind)
{
	return fd >= 0 && fd < NFD && fds[fd].kind == kind ? &fds[fd] : NULL;
}

/* How much of the fake kernel is in use: what a failed call must leave as it was. */
struct census { unsigned fds, maps, entries, pools; __u32 attached[NIF]; };

static unsigned nmappings;

static void census(struct census *c)
{
	unsigned i, j;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NFD; i++)
		c->fds += fds[i].kind != K_NONE;
	c->maps = nmappings;
	for (i = 0; i < nmaps; i++)
		for (j = 0; j < MAP_ENTRIES; j++)
			c->entries += maps[i].e[j].fd >= 0;
	for (i = 0; i < NIF; i++) {
		c->attached[i] = ifs[i].prog;
		for (j = 0; j < 8; j++)
			c->pools += ifs[i].pool_refs[j];
	}
}

/* --- the wrapped calls: sockets ----------------------------------------------------- */

int __real_socket(int domain, int type, int protocol);
int __real_close(int fd);
int __real_setsockopt(int fd, int level, int opt, const void *val, socklen_t len);
int __real_getsockopt(int fd, int level, int opt, void *val, socklen_t *len);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
int __real_bind(int fd, const struct sockaddr *sa, socklen_t len);
int __real_ioctl(int fd, unsigned long req, ...);
int __real_fcntl(int fd, int cmd, ...);

int __wrap_socket(int domain, int type, int protocol)
{
	int e;

	if (domain != AF_XDP && domain != AF_LOCAL)
		return __real_socket(domain, type, protocol);
	CHECK(type & SOCK_CLOEXEC, "socket(%d, %#x) without SOCK_CLOEXEC", domain, type);
	e = kcall();
	if (e)
		return fail(e);
	return new_fd(domain == AF_XDP ? K_XSK : K_LOCAL, 0);
}

/* The kernel's side of closing: bindings, map entries and link holds go. */
int __wrap_close(int fd)
{
	struct fdent *f = fd >= 0 && fd < NFD ? &fds[fd] : NULL;
	unsigned i, j;

	if (f && f->kind == K_XSK) {
		if (f->s.bound) {
			struct fif *fi = if_by_index(f->s.ifindex);

			fi->pool_refs[f->s.queue]--;
		}
		for (i = 0; i < nmaps; i++)
			for (j = 0; j < MAP_ENTRIES; j++)
				if (maps[i].e[j].fd == fd)
					maps[i].e[j].fd = -1;
	}
	if (f && f->kind == K_LINK) {
		struct flink *l = link_by_id(f->id);

		if (!--l->refs) {
			struct fif *fi = if_by_index(l->ifindex);

			if (fi->link == l->id)
				fi->prog = fi->link = 0; /* the last holder is gone: detached */
		}
	}
	if (f)
		f->kind = K_NONE;
	return __real_close(fd);
}

static int ring_index(int opt)
{
	switch (opt) {
	case XDP_RX_RING: return 0;
	case XDP_TX_RING: return 1;
	case XDP_UMEM_FILL_RING: return 2;
	case XDP_UMEM_COMPLETION_RING: return 3;
	default: return -1;
	}
}

int __wrap_setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	struct fdent *f = ent(fd, K_XSK);
	int e, r;

	if (!f)
		return __real_setsockopt(fd, level, opt, val, len);
	e = kcall();
	if (e)
		return fail(e);
	CHECK(level == SOL_XDP, "setsockopt level %d", level);
	if (opt == XDP_UMEM_REG) {
		CHECK(len == sizeof(struct xdp_umem_reg), "XDP_UMEM_REG of %u bytes", len);
		if (f->s.umem || f->s.bound)
			return fail(EBUSY);
		f->s.umem = ++next_umem;
		return 0;
	}
	r = ring_index(opt);
	CHECK(r >= 0 && len == sizeof(__u32), "setsockopt %d, %u bytes", opt, len);
	if (f->s.bound)
		return fail(EBUSY);
	if (!xsk__pow2(*(const __u32 *)val))
		return fail(EINVAL);
	if (f->s.ring[r])
		return fail(EBUSY);
	if (*(const __u32 *)val > BIG_RING)
		return fail(ENOMEM);
	f->s.ring[r] = *(const __u32 *)val;
	return 0;
}

int __wrap_getsockopt(int fd, int level, int opt, void *val, socklen_t *len)
{
	struct xdp_mmap_offsets off;
	struct xdp_ring_offset ro = { 0, 64, OFF_DESC, 128 };
	int e;

	if (!ent(fd, K_XSK))
		return __real_getsockopt(fd, level, opt, val, len);
	e = kcall();
	if (e)
		return fail(e);
	CHECK(level == SOL_XDP && opt == XDP_MMAP_OFFSETS, "getsockopt %d %d", level, opt);
	off.rx = off.tx = off.fr = off.cr = ro;
	if (*len > sizeof(off))
		*len = sizeof(off);
	memcpy(val, &off, *len);
	return 0;
}

/* The mappings the fake kernel made; munmap of one must give its whole length. */
static struct { void *addr; size_t len; } mappings[64];

static void mapping_add(void *addr, size_t len)
{
	unsigned i;

	for (i = 0; i < 64; i++)
		if (!mappings[i].addr) {
			mappings[i].addr = addr;
			mappings[i].len = len;
			nmappings++;
			return;
		}
	CHECK(0, "more than 64 ring mappings");
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct fdent *f = ent(fd, K_XSK);
	__u32 n;
	int e, r;
	void *m;

	if (!f)
		return __real_mmap(addr, len, prot, flags, fd, off);
	e = kcall();
	if (e)
		return fail(e), MAP_FAILED;
	r = off == XDP_PGOFF_RX_RING ? 0 : off == XDP_PGOFF_TX_RING ? 1 :
	    off == (off_t)XDP_UMEM_PGOFF_FILL_RING ? 2 :
	    off == (off_t)XDP_UMEM_PGOFF_COMPLETION_RING ? 3 : -1;
	n = r >= 0 ? f->s.ring[r] : 0;
	if (!n || len > OFF_DESC + (size_t)n * (r < 2 ? sizeof(struct xdp_desc) : 8))
		return fail(EINVAL), MAP_FAILED;
	m = __real_mmap(NULL, len, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED)
		mapping_add(m, len);
	return m;
}

int __wrap_munmap(void *addr, size_t len)
{
	unsigned i;

	for (i = 0; i < 64; i++)
		if (mappings[i].addr && mappings[i].addr == addr) {
			CHECK(mappings[i].len == len, "munmap of %zu bytes of a %zu-byte ring",
			      len, mappings[i].len);
			mappings[i].addr = NULL;
			nmappings--;
		}
	return __real_munmap(addr, len);
}

int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_xdp *sx = (const struct sockaddr_xdp *)sa;
	struct fdent *f = ent(fd, K_XSK), *sh;
	struct fif *fi;
	__u32 q, umem, nq;
	int e;

	if (!f)
		return __real_bind(fd, sa, len);
	e = kcall();
	if (e)
		return fail(e);
	CHECK(len == sizeof(*sx) && sx->sxdp_family == AF_XDP, "bind");
	fi = if_by_index((int)sx->sxdp_ifindex);
	q = sx->sxdp_queue_id;
	nq = fi && fi->queues ? fi->queues : 1;
	if (f->s.bound || !fi || q >= nq || (!f->s.ring[0] && !f->s.ring[1]))
		return fail(EINVAL);
	if (sx->sxdp_flags & XDP_SHARED_UMEM) {
		if (sx->sxdp_flags != XDP_SHARED_UMEM || f->s.umem)
			return fail(EINVAL);
		sh = ent((int)sx->sxdp_shared_umem_fd, K_XSK);
		if (!sh || !sh->s.bound || !sh->s.umem)
			return fail(EBADF);
		umem = sh->s.umem;
		if (sh->s.ifindex == fi->ifindex && sh->s.queue == q) {
			if (f->s.ring[2] || f->s.ring[3]) /* same queue: its rings are shared */
				return fail(EINVAL);
		} else if (!f->s.ring[2] || !f->s.ring[3]) {
			return fail(EINVAL); /* another queue needs rings of its own */
		} else if (fi->pool_refs[q]) {
			return fail(EBUSY);
		}
	} else {
		if (sx->sxdp_flags & ~(__u16)(XDP_COPY | XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP |
					      XDP_USE_SG) ||
		    (sx->sxdp_flags & XDP_COPY && sx->sxdp_flags & XDP_ZEROCOPY) ||
		    !f->s.umem || !f->s.ring[2] || !f->s.ring[3])
			return fail(EINVAL);
		if (fi->pool_refs[q])
			return fail(EBUSY);
		if (sx->sxdp_flags & XDP_ZEROCOPY)
			return fail(EOPNOTSUPP); /* no zero-copy driver here */
		umem = f->s.umem;
	}
	f->s.bound = 1;
	f->s.ifindex = fi->ifindex;
	f->s.queue = q;
	f->s.umem = umem;
	fi->pool_refs[q]++;
	return 0;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct ethtool_channels *ch;
	struct ifreq *ifr;
	struct fif *fi = NULL;
	va_list ap;
	void *arg;
	int e, i;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!ent(fd, K_LOCAL))
		return __real_ioctl(fd, req, arg);
	e = kcall();
	if (e)
		return fail(e);
	CHECK(req == SIOCETHTOOL, "ioctl %lu", req);
	ifr = (struct ifreq *)arg;
	for (i = 0; i < NIF; i++)
		if (!strcmp(ifr->ifr_name, ifs[i].name))
			fi = &ifs[i];
	if (!fi)
		return fail(ENODEV);
	if (!fi->queues)
		return fail(EOPNOTSUPP);
	ch = (struct ethtool_channels *)(void *)ifr->ifr_data;
	CHECK(ch->cmd == ETHTOOL_GCHANNELS, "ethtool %u", ch->cmd);
	ch->combined_count = ch->max_combined = fi->queues;
	return 0;
}

int __wrap_fcntl(int fd, int cmd, ...)
{
	struct fdent *f;
	va_list ap;
	void *arg;
	int e;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	f = fd >= 0 && fd < NFD && fds[fd].kind != K_NONE ? &fds[fd] : NULL;
	if (!f)
		return __real_fcntl(fd, cmd, arg);
	CHECK(cmd == F_DUPFD_CLOEXEC, "fcntl(%d) on the kernel's fd", cmd);
	e = kcall();
	if (e)
		return fail(e);
	return new_fd(f->kind, f->id);
}

unsigned int __wrap_if_nametoindex(const char *name)
{
	int i;

	for (i = 0; i < NIF; i++)
		if (!strcmp(name, ifs[i].name))
			return (unsigned)ifs[i].ifindex;
	errno = ENODEV;
	return 0;
}

char *__wrap_if_indextoname(unsigned int ifindex, char *name)
{
	struct fif *fi = if_by_index((int)ifindex);

	if (!fi) {
		errno = ENXIO;
		return NULL;
	}
	return strcpy(name, fi->name);
}

/* --- the wrapped calls: BPF --------------------------------------------------------- */

int __real_bpf_object__load_skeleton(struct bpf_object_skeleton *s);
void __real_bpf_object__destroy_skeleton(struct bpf_object_skeleton *s);

int __wrap_bpf_xdp_query(int ifindex, int flags, struct bpf_xdp_query_opts *o)
{
	struct fif *fi = if_by_index(ifindex);
	int e = kcall();

	(void)flags;
	if (e)
		return bpf_fail(e);
	if (!fi)
		return bpf_fail(ENODEV);
	o->prog_id = fi->prog;
	o->drv_prog_id = fi->mode == XDP_ATTACHED_DRV ? fi->prog : 0;
	o->skb_prog_id = fi->mode == XDP_ATTACHED_SKB ? fi->prog : 0;
	o->hw_prog_id = 0;
	o->attach_mode = fi->prog ? (__u8)fi->mode : XDP_ATTACHED_NONE;
	return 0;
}

int __wrap_bpf_link_get_next_id(__u32 start, __u32 *next)
{
	__u32 best = 0;
	unsigned i;
	int e = kcall();

	if (e)
		return bpf_fail(e);
	for (i = 0; i < nlinks; i++)
		if (links[i].refs && links[i].id > start && (!best || links[i].id < best))
			best = links[i].id;
	if (!best)
		return bpf_fail(ENOENT);
	*next = best;
	return 0;
}

int __wrap_bpf_link_get_fd_by_id(__u32 id)
{
	struct flink *l = link_by_id(id);
	int e = kcall();

	if (e)
		return bpf_fail(e);
	return l && l->refs ? new_fd(K_LINK, id) : bpf_fail(ENOENT);
}

int __wrap_bpf_prog_get_fd_by_id(__u32 id)
{
	int e = kcall();

	if (e)
		return bpf_fail(e);
	return prog_by_id(id) ? new_fd(K_PROG, id) : bpf_fail(ENOENT);
}

int __wrap_bpf_map_get_fd_by_id(__u32 id)
{
	int e = kcall();

	if (e)
		return bpf_fail(e);
	return map_by_id(id) ? new_fd(K_MAP, id) : bpf_fail(ENOENT);
}

int __wrap_bpf_obj_get_info_by_fd(int fd, void *info, __u32 *len)
{
	struct fdent *f = fd >= 0 && fd < NFD ? &fds[fd] : NULL;
	int e = kcall();

	if (e)
		return bpf_fail(e);
	if (f && f->kind == K_PROG && *len >= sizeof(struct bpf_prog_info)) {
		struct bpf_prog_info *pi = (struct bpf_prog_info *)info;
		struct fprog *p = prog_by_id(f->id);
		__u32 room = pi->nr_map_ids;

		pi->id = p->id;
		pi->nr_map_ids = p->map ? 1 : 0;
		if (p->map && room)
			*(__u32 *)(uintptr_t)pi->map_ids = p->map;
		return 0;
	}
	if (f && f->kind == K_MAP && *len >= sizeof(struct bpf_map_info)) {
		struct bpf_map_info *mi = (struct bpf_map_info *)info;
		struct fmap *m = map_by_id(f->id);

		mi->id = m->id;
		mi->type = m->type;
		mi->max_entries = m->max;
		memcpy(mi->name, m->name, sizeof(mi->name));
		return 0;
	}
	if (f && f->kind == K_LINK && *len >= sizeof(struct bpf_link_info)) {
		struct bpf_link_info *li = (struct bpf_link_info *)info;
		struct flink *l = link_by_id(f->id);

		li->type = BPF_LINK_TYPE_XDP;
		li->id = l->id;
		li->prog_id = l->prog;
		li->xdp.ifindex = (__u32)l->ifindex;
		return 0;
	}
	return bpf_fail(EINVAL);
}

/* Loading makes a program whose maps are the skeleton's, as sized before the load. */
int __wrap_bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	__u32 map_id = 0;
	int e = kcall(), i, n = 0;

	if (e)
		return bpf_fail(e);
	for (i = 0; i < s->map_cnt; i++) {
		const struct bpf_map *m = *s->maps[i].map;
		struct fmap *fm = new_map(bpf_map__name(m), bpf_map__type(m),
					  bpf_map__max_entries(m));

		if (!fm->max || fm->max > BIG_MAP) {
			nmaps--; /* as the kernel: no map of 0 entries, nor memory for huge */
			for (i = 0; i < n; i++)
				__wrap_close(skel_fds[i].fd), skel_fds[i].obj = NULL;
			return bpf_fail(fm->max ? ENOMEM : EINVAL);
		}
		if (!strcmp(bpf_map__name(m), "xsks_map"))
			map_id = fm->id;
		skel_fds[n].obj = m;
		skel_fds[n++].fd = new_fd(K_MAP, fm->id);
	}
	/* The program here holds only xsks_map, the one map the setup calls look for;
	 * the others (counters, read-only data) go with their fds. */
	CHECK(s->prog_cnt == 1 && map_id, "%d programs, no xsks_map", s->prog_cnt);
	skel_fds[n].obj = *s->progs[0].prog;
	skel_fds[n].fd = new_fd(K_PROG, new_prog(map_id));
	return 0;
}

void __wrap_bpf_object__destroy_skeleton(struct bpf_object_skeleton *s)
{
	unsigned i;

	for (i = 0; i < sizeof(skel_fds) / sizeof(skel_fds[0]); i++) {
		if (skel_fds[i].obj)
			__wrap_close(skel_fds[i].fd);
		skel_fds[i].obj = NULL;
	}
	__real_bpf_object__destroy_skeleton(s);
}

static int skel_fd(const void *obj)
{
	unsigned i;

	for (i = 0; i < sizeof(skel_fds) / sizeof(skel_fds[0]); i++)
		if (skel_fds[i].obj && skel_fds[i].obj == obj)
			return skel_fds[i].fd;
	return bpf_fail(EINVAL);
}

int __wrap_bpf_program__fd(const struct bpf_program *p)
{
	return skel_fd(p);
}

int __wrap_bpf_map__fd(const struct bpf_map *m)
{
	return skel_fd(m);
}

int __wrap_bpf_link_create(int prog_fd, int ifindex, enum bpf_attach_type type,
			   const struct bpf_link_create_opts *o)
{
	struct fdent *p = ent(prog_fd, K_PROG);
	struct fif *fi = if_by_index(ifindex);
	__u32 mode = o ? o->flags : 0;
	struct flink *l;
	int e = kcall();

	if (e)
		return bpf_fail(e);
	CHECK(p && type == BPF_XDP, "link_create(%d, %d)", prog_fd, type);
	if (!fi || (mode & ~(__u32)XDP_FLAGS_MODES))
		return bpf_fail(EINVAL);
	if (fi->prog)
		return bpf_fail(EBUSY);
	if (mode == XDP_FLAGS_DRV_MODE && !fi->native)
		return bpf_fail(EOPNOTSUPP);
	if (mode == XDP_FLAGS_HW_MODE)
		return bpf_fail(EOPNOTSUPP);
	CHECK(nlinks < NOBJ, "too many links");
	l = &links[nlinks++];
	l->id = ++next_id;
	l->prog = p->id;
	l->ifindex = ifindex;
	l->refs = 0;
	l->foreign = 0;
	fi->prog = p->id;
	fi->link = l->id;
	fi->mode = mode == XDP_FLAGS_SKB_MODE || !fi->native ? XDP_ATTACHED_SKB :
							      XDP_ATTACHED_DRV;
	return new_fd(K_LINK, l->id);
}

int __wrap_bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
	struct fdent *f = ent(fd, K_MAP);
	struct fmap *m;
	__u32 k = *(const __u32 *)key;
	int v = *(const int *)value, e = kcall();

	if (e)
		return bpf_fail(e);
	CHECK(f && !flags, "map update on fd %d", fd);
	m = map_by_id(f->id);
	if (k >= m->max)
		return bpf_fail(E2BIG);
	if (!ent(v, K_XSK) || !fds[v].s.bound)
		return bpf_fail(EINVAL);
	*map_slot(m, k, 1) = v;
	return 0;
}

int __wrap_bpf_map_delete_elem(int fd, const void *key)
{
	struct fdent *f = ent(fd, K_MAP);
	__u32 k = *(const __u32 *)key;
	int e = kcall();

	if (e)
		return bpf_fail(e);
	CHECK(f, "map delete on fd %d", fd);
	if (k >= map_by_id(f->id)->max || *map_slot(map_by_id(f->id), k, 0) < 0)
		return bpf_fail(ENOENT);
	*map_slot(map_by_id(f->id), k, 0) = -1;
	return 0;
}

/* --- the model -------------------------------------------------------------------- */

static char area[NUMEM][1 << 16] __attribute__((aligned(4096)));

struct mumem {
	struct xsk_umem *u;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	int sockets;
};
static struct mumem umems[NUMEM];

struct msock {
	struct xsk_socket *x;
	int umem, ifindex;
	__u32 queue;
	int inhibit;
	struct xsk_ring_cons rx, comp;
	struct xsk_ring_prod tx, fill;
};
static struct msock socks[NSOCK];

struct mhold { int ifindex, map_fd; };
static struct mhold holds[4];

/* The set up of the interfaces, from the input. */
static void setup_ifs(void)
{
	static const char *const names[NIF] = { "fz0", "fz1" };
	int i;

	for (i = 0; i < NIF; i++) {
		struct fif *fi = &ifs[i];
		__u32 b = take(1);

		memset(fi, 0, sizeof(*fi));
		fi->name = names[i];
		fi->ifindex = 101 + i;
		fi->queues = (b & 7) % 5;  /* 0: no ethtool channels */
		fi->native = b >> 3 & 1;
		switch (b >> 4 & 3) {      /* a foreign program already there */
		case 1:                    /* with an xsks_map, attached with a link */
		case 2: {                  /* with an xsks_map, attached through netlink */
			struct fmap *m = new_map("xsks_map", BPF_MAP_TYPE_XSKMAP,
						 1 + (b >> 6));
			struct flink *l;

			fi->prog = new_prog(m->id);
			fi->mode = fi->native && !(b & 0x80) ? XDP_ATTACHED_DRV :
							       XDP_ATTACHED_SKB;
			if ((b >> 4 & 3) == 1) {
				l = &links[nlinks++];
				l->id = ++next_id;
				l->prog = fi->prog;
				l->ifindex = fi->ifindex;
				l->refs = 1; /* held by some other process */
				l->foreign = 1;
				fi->link = l->id;
			}
			break;
		}
		case 3: /* without one */
			fi->prog = new_prog(new_map("other", BPF_MAP_TYPE_ARRAY, 4)->id);
			fi->mode = XDP_ATTACHED_SKB;
			break;
		}
		fi->prog0 = fi->prog;
	}
}

static int pow2(__u32 n)
{
	return n && !(n & (n - 1));
}

/* Checks one call's result; `expect` is the errno the model predicts without a fault
 * (0: success, -1: the model does not say). */
static void check_result(const char *what, int ret, int err, unsigned warn0,
			 const struct census *before, int expect)
{
	struct census after;

	if (trace)
		fprintf(stderr, "%s = %d (model %d%s)\n", what, ret, -expect,
			fault_hit ? ", fault hit" : "");
	CHECK(ret <= 0 && ret > -4096, "%s returned %d", what, ret);
	if (ret < 0)
		CHECK(err == -ret, "%s returned %d, errno %d", what, ret, err);
	if (ret < 0)
		CHECK(nwarn > warn0, "%s failed with %d and said nothing", what, ret);
	if (ret < 0) {
		census(&after);
		CHECK(!memcmp(&after, before, sizeof(after)),
		      "%s failed and left something: fds %u->%u mappings %u->%u entries "
		      "%u->%u bound %u->%u programs %u,%u->%u,%u", what, before->fds,
		      after.fds, before->maps, after.maps, before->entries, after.entries,
		      before->pools, after.pools, before->attached[0], before->attached[1],
		      after.attached[0], after.attached[1]);
	}
	if (!fault_hit && expect >= 0)
		CHECK(ret == -expect, "%s returned %d, the model says %d", what, ret, -expect);
}

/* Starts a library call: the fault for it, and the state to compare with. */
static void begin(struct census *c, unsigned *warn0)
{
	__u32 f = take(1);

	fault_at = f < 0xc0 ? -1 : (int)(f & 0x1f);
	fault_errno = fault_errnos[take(1) % (sizeof(fault_errnos) / sizeof(int))];
	fault_hit = 0;
	kcalls = 0;
	*warn0 = nwarn;
	census(c);
}

static void op_umem_create(void)
{
	struct xsk_umem_config c;
	struct census before;
	unsigned warn0, i = take(1) % NUMEM;
	struct mumem *m = &umems[i];
	__u32 how = take(1), frames;
	int null_umem = (how & 3) == 3, null_area = (how & 0xc) == 0xc;
	int null_ring = (how & 0x30) == 0x30, null_cfg = (how & 0xc0) == 0xc0;
	int with_fd = take(1) & 1, fd = -1, ret, err, expect = 0, pure = 0;
	void *a = area[i];
	__u64 size;

	if (m->u)
		return;
	c.fill_size = PICK(2048, 1, 2, 4096, 0, 3, 1000);
	c.comp_size = PICK(2048, 1, 2, 4096, 0, 3, 1000);
	c.frame_size = PICK(4096, 2048, 3072, 8192, 1024, 0, 65536);
	c.frame_headroom = PICK(0, 256, 1024, 3840, 4096);
	c.flags = PICK(0, XDP_UMEM_UNALIGNED_CHUNK_FLAG, 2, 4);
	frames = take(1) % 17;
	size = (__u64)frames * c.frame_size + PICK(0, 0, 100, 4096);
	a = (char *)a + PICK(0, 0, 0, 64, 2048);
	if (null_cfg) { /* the defaults */
		c = (struct xsk_umem_config){ 2048, 2048, 4096, 0, 0 };
		size = (__u64)frames * 4096;
	}

	if (null_umem || null_area || null_ring)
		pure = expect = EFAULT;
	else if (!pow2(c.fill_size) || !pow2(c.comp_size) || c.frame_size < 2048 ||
		 (!(c.flags & XDP_UMEM_UNALIGNED_CHUNK_FLAG) && !pow2(c.frame_size)) ||
		 (__u64)c.frame_headroom + 256 >= c.frame_size || (uintptr_t)a % 4096 ||
		 !size || (!(c.flags & XDP_UMEM_UNALIGNED_CHUNK_FLAG) && size % c.frame_size))
		pure = expect = EINVAL;
	else if (c.fill_size > BIG_RING || c.comp_size > BIG_RING)
		expect = ENOMEM;

	if (with_fd)
		fd = new_fd(K_XSK, 0); /* the caller's own AF_XDP socket */
	begin(&before, &warn0);
	ret = xsk_umem__create_with_fd(null_umem ? NULL : &m->u, fd, null_area ? NULL : a, size,
				       null_ring && how & 1 ? NULL : &m->fill,
				       null_ring && !(how & 1) ? NULL : &m->comp,
				       null_cfg ? NULL : &c);
	err = errno;
	check_result("xsk_umem__create", ret, err, warn0, &before, expect);
	if (pure)
		CHECK(kcalls == 0, "bad arguments, yet %u kernel calls", kcalls);
	if (ret) {
		m->u = NULL;
		if (with_fd) {
			CHECK(ent(fd, K_XSK), "a failed xsk_umem__create_with_fd closed fd %d",
			      fd);
			__wrap_close(fd);
		}
		return;
	}
	CHECK(xsk_umem__fd(m->u) >= 0 && ent(xsk_umem__fd(m->u), K_XSK) &&
	      (!with_fd || xsk_umem__fd(m->u) == fd), "umem fd %d", xsk_umem__fd(m->u));
	m->sockets = 0;
}

static int find_if(const char *name)
{
	int i;

	for (i = 0; i < NIF; i++)
		if (!strcmp(name, ifs[i].name))
			return i;
	return -1;
}

/* What creating this socket gives without a fault, as xsk.h and the kernel decide. */
static int model_socket(struct mumem *m, int ifi, __u32 q, const struct xsk_socket_config *c,
			int rx, int tx, int own_rings)
{
	struct fif *fi = &ifs[ifi];
	struct fdent *uf = ent(xsk_umem__fd(m->u), K_XSK);
	__u32 nq = fi->queues ? fi->queues : 1, want = c->xdp_flags & XDP_FLAGS_MODES;
	int i, ctx = 0;

	if (fi->queues && q >= fi->queues)
		return EINVAL;
	if (!(c->libxdp_flags & XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD)) {
		if (fi->prog) {
			struct fprog *p = prog_by_id(fi->prog);
			struct fmap *mp = map_by_id(p->map);

			if (want && want != (fi->mode == XDP_ATTACHED_DRV ?
					     XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE))
				return EEXIST;
			if (mp->type != BPF_MAP_TYPE_XSKMAP || strcmp(mp->name, "xsks_map"))
				return EEXIST;
			if (q >= mp->max)
				return EINVAL;
		} else if (!fi->queues && (!(q + 1) || q + 1 > BIG_MAP)) {
			return q + 1 ? ENOMEM : EINVAL; /* loading xsks_map of queue + 1 */
		} else if ((want == XDP_FLAGS_DRV_MODE && !fi->native) ||
			   want == XDP_FLAGS_HW_MODE) {
			return EOPNOTSUPP; /* attaching; no offload here */
		}
	}
	if (uf->s.bound) { /* not the first socket: a new fd */
		for (i = 0; i < NSOCK; i++)
			if (socks[i].x && &umems[socks[i].umem] == m &&
			    socks[i].ifindex == fi->ifindex && socks[i].queue == q)
				ctx = 1;
		if (uf->s.ifindex == fi->ifindex && uf->s.queue == q)
			ctx = 1; /* the UMEM's own, kept while it lives */
		if (!ctx && !own_rings)
			return EINVAL;
		if ((rx && c->rx_size > BIG_RING) || (tx && c->tx_size > BIG_RING))
			return ENOMEM;
		if (q >= nq)
			return EINVAL;
		if (!ctx && fi->pool_refs[q])
			return EBUSY;
		return 0;
	}
	/* the rings, rx then tx: made on the UMEM's fd by an earlier try, or made now */
	if (rx && uf->s.ring[0] && uf->s.ring[0] != c->rx_size)
		return EINVAL;
	if (rx && !uf->s.ring[0] && c->rx_size > BIG_RING)
		return ENOMEM;
	if (tx && uf->s.ring[1] && uf->s.ring[1] != c->tx_size)
		return EINVAL;
	if (tx && !uf->s.ring[1] && c->tx_size > BIG_RING)
		return ENOMEM;
	if (q >= nq || (c->bind_flags & ~(__u16)(XDP_COPY | XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP |
						   XDP_USE_SG | XDP_SHARED_UMEM)) ||
	    (c->bind_flags & XDP_COPY && c->bind_flags & XDP_ZEROCOPY) ||
	    (!rx && !uf->s.ring[0] && !tx && !uf->s.ring[1]))
		return EINVAL;
	if (fi->pool_refs[q])
		return EBUSY;
	if (c->bind_flags & XDP_ZEROCOPY)
		return EOPNOTSUPP;
	return 0;
}

static void op_socket_create(void)
{
	static const char *const names[] = { "fz0", "fz1", "", "nosuch0",
					     "a-name-of-sixteen", NULL };
	struct xsk_socket_config c;
	struct census before;
	unsigned warn0, si = take(1) % NSOCK, mi = take(1) % NUMEM;
	struct msock *s = &socks[si];
	struct mumem *m = &umems[mi];
	__u32 how = take(1), len;
	const char *name = names[take(1) % 6];
	__u32 q = PICK(0, 1, 2, 3, 4, 63, 64);
	int ret, err, expect = -1, pure = 0, ifi, shared = how & 1, own = how >> 1 & 1, uf_bound;
	struct xsk_ring_cons *rx = how & 4 ? NULL : &s->rx;
	struct xsk_ring_prod *tx = how & 8 ? NULL : &s->tx;
	struct xsk_ring_prod *fill = own ? &s->fill : how & 0x40 ? NULL : &m->fill;
	struct xsk_ring_cons *comp = own ? &s->comp : how & 0x40 ? NULL : &m->comp;

	if (s->x)
		return;
	memset(&c, 0, sizeof(c));
	c.rx_size = PICK(2048, 1, 4096, 0, 1000);
	c.tx_size = PICK(2048, 1, 4096, 0, 1000);
	c.libxdp_flags = PICK(0, 0, XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD, 2);
	c.xdp_flags = PICK(0, 0, XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE,
			   XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE, XDP_FLAGS_UPDATE_IF_NOEXIST,
			   XDP_FLAGS_HW_MODE, XDP_FLAGS_REPLACE);
	c.bind_flags = (__u16)PICK(0, XDP_USE_NEED_WAKEUP, XDP_COPY, XDP_ZEROCOPY, XDP_USE_SG,
				   XDP_SHARED_UMEM, XDP_COPY | XDP_ZEROCOPY, 0x40);
	if (how & 0x80) { /* NULL config: libxdp's defaults */
		memset(&c, 0, sizeof(c));
		c.rx_size = c.tx_size = 2048;
	}

	len = name ? (__u32)strlen(name) : 0;
	ifi = name ? find_if(name) : -1;
	if (how & 0x10 || !name || !m->u || (!rx && !tx))
		pure = expect = EFAULT;
	else if (!len)
		pure = expect = EINVAL;
	else if (len >= IFNAMSIZ)
		pure = expect = ENAMETOOLONG;
	else if (ifi < 0)
		pure = expect = ENODEV;
	else if ((rx && !pow2(c.rx_size)) || (tx && !pow2(c.tx_size)) ||
		 (c.xdp_flags & ~(__u32)(XDP_FLAGS_MODES | XDP_FLAGS_UPDATE_IF_NOEXIST)) ||
		 ((c.xdp_flags & XDP_FLAGS_MODES) & ((c.xdp_flags & XDP_FLAGS_MODES) - 1)) ||
		 (c.libxdp_flags & ~(__u32)XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD))
		pure = expect = EINVAL;
	else
		expect = model_socket(m, ifi, q, &c, !!rx, !!tx,
				      shared && fill && comp && own);

	uf_bound = m->u && ent(xsk_umem__fd(m->u), K_XSK)->s.bound;
	if (trace)
		fprintf(stderr, "socket %u: umem %u %s q %u rx %d tx %d shared %d own %d "
			"sizes %u/%u libxdp %#x xdp %#x bind %#x\n", si, mi, name, q, !!rx,
			!!tx, shared, own, c.rx_size, c.tx_size, c.libxdp_flags, c.xdp_flags,
			c.bind_flags);
	begin(&before, &warn0);
	if (shared)
		ret = xsk_socket__create_shared(how & 0x10 ? NULL : &s->x, name, q, m->u, rx, tx,
						fill, comp, how & 0x80 ? NULL : &c);
	else
		ret = xsk_socket__create(how & 0x10 ? NULL : &s->x, name, q, m->u, rx, tx,
					 how & 0x80 ? NULL : &c);
	err = errno;
	/* The one thing a failure may leave, as documented: the UMEM's own fd, once bound,
	 * stays bound (the kernel has no unbind) when a later step failed. */
	if (ret && !uf_bound && m->u && ent(xsk_umem__fd(m->u), K_XSK)->s.bound)
		before.pools++;
	check_result("xsk_socket__create", ret, err, warn0, &before, expect);
	if (pure)
		CHECK(kcalls == 0, "bad arguments, yet %u kernel calls", kcalls);
	if (ret) {
		s->x = NULL;
		return;
	}
	{
		struct fdent *f = ent(xsk_socket__fd(s->x), K_XSK);

		CHECK(f && f->s.bound && f->s.ifindex == ifs[ifi].ifindex && f->s.queue == q,
		      "socket %d not bound to %s queue %u", xsk_socket__fd(s->x), name, q);
		if (!(c.libxdp_flags & XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD)) {
			struct fmap *mp = map_by_id(prog_by_id(ifs[ifi].prog)->map);

			CHECK(*map_slot(mp, q, 0) == xsk_socket__fd(s->x),
			      "xsks_map[%u] is %d, not %d", q, *map_slot(mp, q, 0),
			      xsk_socket__fd(s->x));
			/* A program attached with a link stays while the socket holds it.
			 * (Unless the link was said not to exist: an injected ENOENT.) */
			CHECK(!ifs[ifi].link || enoent() || (ent(s->x->link_fd, K_LINK) &&
						 fds[s->x->link_fd].id == ifs[ifi].link),
			      "the socket holds no fd of link %u", ifs[ifi].link);
		}
	}
	s->umem = (int)mi;
	s->ifindex = ifs[ifi].ifindex;
	s->queue = q;
	s->inhibit = !!(c.libxdp_flags & XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD);
	m->sockets++;
}

static void socket_delete(struct msock *s)
{
	int fd = xsk_socket__fd(s->x), ufd = xsk_umem__fd(umems[s->umem].u);

	if (trace)
		fprintf(stderr, "delete socket %d (fd %d, queue %u)\n", (int)(s - socks), fd,
			s->queue);
	xsk_socket__delete(s->x);
	CHECK(fd == ufd ? ent(fd, K_XSK) != NULL : !ent(fd, K_XSK),
	      "after delete, socket fd %d (the UMEM's: %d) is %s", fd, ufd,
	      ent(fd, K_XSK) ? "open" : "closed");
	umems[s->umem].sockets--;
	s->x = NULL;
}

static void op_socket_delete(void)
{
	struct msock *s = &socks[take(1) % NSOCK];

	if (s->x)
		socket_delete(s);
	else
		xsk_socket__delete(NULL);
}

static void op_umem_delete(void)
{
	struct mumem *m = &umems[take(1) % NUMEM];
	struct census before;
	unsigned warn0;
	int ret, err;

	begin(&before, &warn0);
	ret = xsk_umem__delete(m->u);
	err = errno;
	check_result("xsk_umem__delete", ret, err, warn0, &before,
		     m->u && m->sockets ? EBUSY : 0);
	if (!ret)
		m->u = NULL;
}

static void op_setup_prog(void)
{
	struct census before;
	unsigned warn0, h = take(1) % 4;
	int ifindex = (int)PICK(101, 102, 0, 7), ret, err, expect = 0, fd = -1;
	struct fif *fi = if_by_index(ifindex);
	int null = take(1) == 0xff;

	if (holds[h].ifindex)
		return;
	if (null)
		expect = EFAULT;
	else if (!fi)
		expect = ENODEV;
	else if (fi->prog) {
		struct fmap *mp = map_by_id(prog_by_id(fi->prog)->map);

		if (mp->type != BPF_MAP_TYPE_XSKMAP || strcmp(mp->name, "xsks_map"))
			expect = EEXIST;
	}
	begin(&before, &warn0);
	ret = xsk_setup_xdp_prog(ifindex, null ? NULL : &fd);
	err = errno;
	check_result("xsk_setup_xdp_prog", ret, err, warn0, &before, expect);
	if (ret)
		return;
	CHECK(ent(fd, K_MAP) && fi->prog && prog_by_id(fi->prog)->map == fds[fd].id,
	      "xsk_setup_xdp_prog gave fd %d (kind %d id %u; program %u, its map %u)", fd,
	      fds[fd].kind, fds[fd].id, fi->prog, fi->prog ? prog_by_id(fi->prog)->map : 0);
	CHECK(!fi->link || enoent() || (ent(xsk__holds->link_fd, K_LINK) &&
			    fds[xsk__holds->link_fd].id == fi->link),
	      "xsk_setup_xdp_prog holds no fd of link %u", fi->link);
	holds[h].ifindex = ifindex;
	holds[h].map_fd = fd;
}

static void release_hold(struct mhold *h)
{
	struct census before;
	unsigned warn0;
	int ret, err;

	begin(&before, &warn0);
	ret = xsk_release_xdp_prog(h->ifindex);
	err = errno;
	check_result("xsk_release_xdp_prog", ret, err, warn0, &before, 0);
	__wrap_close(h->map_fd);
	h->ifindex = 0;
}

static void op_release_prog(void)
{
	struct mhold *h = &holds[take(1) % 4];
	struct census before;
	unsigned warn0, i;
	int ret, err, held = 0;

	if (h->ifindex) {
		release_hold(h);
		return;
	}
	for (i = 0; i < 4; i++)
		held |= holds[i].ifindex == 102;
	if (held)
		return;
	begin(&before, &warn0);
	ret = xsk_release_xdp_prog(102);
	err = errno;
	check_result("xsk_release_xdp_prog", ret, err, warn0, &before, ENOENT);
}

static void op_update_xskmap(void)
{
	struct msock *s = &socks[take(1) % NSOCK];
	struct mhold *h = &holds[take(1) % 4];
	struct census before;
	unsigned warn0;
	int ret, err, expect = -1;

	if (!h->ifindex)
		return;
	if (!s->x)
		expect = EFAULT;
	begin(&before, &warn0);
	ret = xsk_socket__update_xskmap(s->x, h->map_fd);
	err = errno;
	check_result("xsk_socket__update_xskmap", ret, err, warn0, &before, expect);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct census c;
	unsigned i, nops = 0;

	in = data;
	in_len = size;
	trace = getenv("SETUP_FUZZ_TRACE") != NULL;
	xsk_set_print(on_print);
	next_id = 1000;
	nprogs = nmaps = nlinks = 0;
	setup_ifs();
	while (in_len && nops++ < NOPS) {
		switch (take(1) % 7) {
		case 0: op_umem_create(); break;
		case 1: op_socket_create(); break;
		case 2: op_socket_delete(); break;
		case 3: op_umem_delete(); break;
		case 4: op_setup_prog(); break;
		case 5: op_release_prog(); break;
		default: op_update_xskmap(); break;
		}
	}
	/* Everything goes; then only the foreign programs' phantom holds remain. */
	fault_at = -1;
	for (i = 0; i < NSOCK; i++)
		if (socks[i].x)
			socket_delete(&socks[i]);
	for (i = 0; i < 4; i++)
		if (holds[i].ifindex)
			release_hold(&holds[i]);
	for (i = 0; i < NUMEM; i++)
		if (umems[i].u) {
			CHECK(xsk_umem__delete(umems[i].u) == 0, "umem %u", i);
			umems[i].u = NULL;
		}
	census(&c);
	CHECK(c.fds == 0 && c.maps == 0 && c.entries == 0 && c.pools == 0,
	      "left: fds %u mappings %u map entries %u bound sockets %u", c.fds, c.maps,
	      c.entries, c.pools);
	CHECK(!xsk__holds, "xsk.h still has a hold on interface %d", xsk__holds->ifindex);
	for (i = 0; i < sizeof(skel_fds) / sizeof(skel_fds[0]); i++)
		CHECK(!skel_fds[i].obj, "a skeleton was not destroyed");
	for (i = 0; i < NIF; i++)
		CHECK(ifs[i].prog == ifs[i].prog0, "%s: program %u attached, was %u",
		      ifs[i].name, ifs[i].prog, ifs[i].prog0);
	for (i = 0; i < nlinks; i++)
		CHECK(links[i].refs == links[i].foreign, "link %u: %d holders", links[i].id,
		      links[i].refs);
	return 0;
}
