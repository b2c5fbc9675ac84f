// SPDX-License-Identifier: BSD-2-Clause
/*
 * xsk_ring.h on plain memory, no kernel. The test plays the kernel's half of
 * each ring by hand (a consumer for prod rings, a producer for cons rings),
 * then runs a real producer thread against a real consumer thread.
 *
 * Indices start at 0 and just below UINT32_MAX (and below 2^31) so every
 * check is also made across the 32-bit wrap. Ring sizes 1, 2, 4096.
 *
 * RING_TEST_N: entries for the two-thread run (default 100000000; use
 * fewer under sanitizers or valgrind).
 * Exit 0 pass, 1 fail; one line per failed check (the first 100). A two-thread
 * run without progress for STALL_S, or a whole run over TIMEOUT_S, fails too.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "xsk_ring.h"

#define TIMEOUT_S 300 /* whole program */
#define STALL_S 10     /* two-thread run: longest time without progress */
#define MAX_REPORTED 100 /* failure lines printed; the rest are counted */

static unsigned long failures;
static char where[64]; /* the case being run, printed with each failure */

static void check(const char *file, int line, const char *expr,
		  unsigned long long got, unsigned long long want)
{
	if (got == want)
		return;
	if (++failures > MAX_REPORTED)
		return; /* counted, not printed */
	fprintf(stderr, "%s:%d: %s: got %llu (0x%llx), want %llu (0x%llx) [%s]\n",
		file, line, expr, got, got, want, want, where);
}

#define CHECK_EQ(got, want) \
	check(__FILE__, __LINE__, #got, (unsigned long long)(got), (unsigned long long)(want))

/* The memory the kernel would mmap: shared indices, flags and the ring. */
struct shm {
	__u32 producer __attribute__((aligned(64)));
	__u32 consumer __attribute__((aligned(64)));
	__u32 flags __attribute__((aligned(64)));
	__u32 size;
	__u64 *ring;
};

static void shm_init(struct shm *s, __u32 size, __u32 start)
{
	s->producer = start;
	s->consumer = start;
	s->flags = 0;
	s->size = size;
	s->ring = calloc(size, sizeof(*s->ring));
	if (!s->ring) {
		perror("calloc");
		exit(1);
	}
}

/* As the library will set the rings up after mmap. */
static void prod_init(struct xsk_ring_prod *p, struct shm *s)
{
	p->cached_prod = s->producer;
	p->cached_cons = s->consumer + s->size;
	p->mask = s->size - 1;
	p->size = s->size;
	p->producer = &s->producer;
	p->consumer = &s->consumer;
	p->ring = s->ring;
	p->flags = &s->flags;
}

static void cons_init(struct xsk_ring_cons *c, struct shm *s)
{
	c->cached_prod = s->producer;
	c->cached_cons = s->consumer;
	c->mask = s->size - 1;
	c->size = s->size;
	c->producer = &s->producer;
	c->consumer = &s->consumer;
	c->ring = s->ring;
	c->flags = &s->flags;
}

/* Hand-rolled kernel consumer: takes n entries, checks they are want, want+1... */
static void kernel_consume(struct shm *s, __u32 n, __u64 want)
{
	__u32 i;

	/* Never more than the producer published, nor than the ring holds. */
	CHECK_EQ(n <= s->producer - s->consumer && n <= s->size, 1);
	if (n > s->size)
		n = s->size;
	for (i = 0; i < n; i++)
		CHECK_EQ(s->ring[(s->consumer + i) & (s->size - 1)], want + i);
	s->consumer += n;
}

/* Hand-rolled kernel producer: writes val, val+1... into n entries. */
static void kernel_produce(struct shm *s, __u32 n, __u64 val)
{
	__u32 i;

	for (i = 0; i < n; i++)
		s->ring[(s->producer + i) & (s->size - 1)] = val + i;
	s->producer += n;
}

static void test_prod(__u32 size, __u32 start)
{
	__u32 batches[3] = { 1, size - 1, size };
	struct xsk_ring_prod p;
	struct shm s;
	__u32 next = start, idx = 0, idx2 = 0, i, b, round;
	__u64 seq = 1000;

	snprintf(where, sizeof(where), "prod size=%u start=0x%x", size, start);
	shm_init(&s, size, start);
	prod_init(&p, &s);

	CHECK_EQ(xsk_prod_nb_free(&p, 0), size);
	CHECK_EQ(xsk_prod_nb_free(&p, size), size);

	/* More than free: 0, nothing changes. */
	idx = 0xdeadbeef;
	CHECK_EQ(xsk_ring_prod__reserve(&p, size + 1, &idx), 0);
	CHECK_EQ(idx, 0xdeadbeef);
	CHECK_EQ(p.cached_prod, start);
	CHECK_EQ(p.cached_cons, start + size);
	CHECK_EQ(s.producer, start);

	/* Batches of 1, size-1 and size, enough rounds to cross the wrap. */
	for (round = 0; round < 8; round++) {
		for (b = 0; b < 3; b++) {
			__u32 nb = batches[b];

			if (nb == 0)
				continue;
			CHECK_EQ(xsk_ring_prod__reserve(&p, nb, &idx), nb);
			CHECK_EQ(idx, next);
			for (i = 0; i < nb; i++)
				*xsk_ring_prod__fill_addr(&p, idx + i) = seq + i;
			CHECK_EQ(s.producer, next); /* nothing visible before submit */
			xsk_ring_prod__submit(&p, nb);
			CHECK_EQ(s.producer, next + nb);
			/* The cached view can be stale but never above the real free. */
			CHECK_EQ(xsk_prod_nb_free(&p, size - nb), size - nb);
			kernel_consume(&s, nb, seq);
			next += nb;
			seq += nb;
		}
	}
	CHECK_EQ(p.cached_prod, next);

	/* Full ring: reserve fails, state unchanged, until the kernel consumes. */
	CHECK_EQ(xsk_ring_prod__reserve(&p, size, &idx), size);
	for (i = 0; i < size; i++)
		*xsk_ring_prod__fill_addr(&p, idx + i) = seq + i;
	xsk_ring_prod__submit(&p, size);
	idx = 0xdeadbeef;
	CHECK_EQ(xsk_ring_prod__reserve(&p, 1, &idx), 0);
	CHECK_EQ(idx, 0xdeadbeef);
	CHECK_EQ(p.cached_prod, next + size);
	CHECK_EQ(xsk_prod_nb_free(&p, 1), 0);
	kernel_consume(&s, 1, seq);
	CHECK_EQ(xsk_prod_nb_free(&p, 1), 1); /* refreshed from *consumer */
	if (size > 1) {
		kernel_consume(&s, 1, seq + 1);
		/* Cached view has 1 free: a request for 1 must not re-read... */
		CHECK_EQ(xsk_prod_nb_free(&p, 1), 1);
		/* ...a request for 2 must. */
		CHECK_EQ(xsk_prod_nb_free(&p, 2), 2);
	}
	kernel_consume(&s, s.producer - s.consumer, seq + size - (s.producer - s.consumer));
	next += size;
	seq += size;
	CHECK_EQ(xsk_prod_nb_free(&p, size), size);

	/* Cancel: the next reserve hands out the same indices. */
	for (b = 0; b < 3; b++) {
		__u32 nb = batches[b];

		if (nb == 0)
			continue;
		CHECK_EQ(xsk_ring_prod__reserve(&p, nb, &idx), nb);
		xsk_ring_prod__cancel(&p, nb);
		CHECK_EQ(p.cached_prod, next);
		CHECK_EQ(xsk_prod_nb_free(&p, size), size);
		CHECK_EQ(xsk_ring_prod__reserve(&p, nb, &idx2), nb);
		CHECK_EQ(idx2, idx);
		CHECK_EQ(idx2, next);
		/* Partial cancel: keep the first entry, give back the rest. */
		xsk_ring_prod__cancel(&p, nb - 1);
		*xsk_ring_prod__fill_addr(&p, idx) = seq;
		xsk_ring_prod__submit(&p, 1);
		CHECK_EQ(s.producer, next + 1);
		kernel_consume(&s, 1, seq);
		next++;
		seq++;
		CHECK_EQ(p.cached_prod, next);
	}

	/* needs_wakeup follows bit 0 of the flags word only. */
	CHECK_EQ(xsk_ring_prod__needs_wakeup(&p), 0);
	s.flags = XDP_RING_NEED_WAKEUP;
	CHECK_EQ(xsk_ring_prod__needs_wakeup(&p), 1);
	s.flags = ~(__u32)XDP_RING_NEED_WAKEUP;
	CHECK_EQ(xsk_ring_prod__needs_wakeup(&p), 0);
	s.flags = 0xffffffff;
	CHECK_EQ(xsk_ring_prod__needs_wakeup(&p), 1);

	free(s.ring);
}

static void test_cons(__u32 size, __u32 start)
{
	__u32 batches[3] = { 1, size - 1, size };
	struct xsk_ring_cons c;
	struct shm s;
	__u32 next = start, idx = 0, idx2 = 0, i, b, round;
	__u64 seq = 5000;

	snprintf(where, sizeof(where), "cons size=%u start=0x%x", size, start);
	shm_init(&s, size, start);
	cons_init(&c, &s);

	/* Empty ring. */
	idx = 0xdeadbeef;
	CHECK_EQ(xsk_ring_cons__peek(&c, 1, &idx), 0);
	CHECK_EQ(idx, 0xdeadbeef);
	CHECK_EQ(xsk_cons_nb_avail(&c, size), 0);
	CHECK_EQ(c.cached_cons, start);

	for (round = 0; round < 8; round++) {
		for (b = 0; b < 3; b++) {
			__u32 nb = batches[b];

			if (nb == 0)
				continue;
			kernel_produce(&s, nb, seq);
			CHECK_EQ(xsk_cons_nb_avail(&c, size), nb);
			/* Asking for more than is there returns what is there. */
			CHECK_EQ(xsk_ring_cons__peek(&c, nb + 1, &idx), nb);
			CHECK_EQ(idx, next);
			for (i = 0; i < nb; i++)
				CHECK_EQ(*xsk_ring_cons__comp_addr(&c, idx + i), seq + i);
			CHECK_EQ(s.consumer, next); /* nothing released yet */
			xsk_ring_cons__release(&c, nb);
			CHECK_EQ(s.consumer, next + nb);
			CHECK_EQ(xsk_cons_nb_avail(&c, size), 0);
			next += nb;
			seq += nb;
		}
	}

	/* nb_avail caps at nb; the cached view is used until it is empty. */
	if (size > 1) {
		kernel_produce(&s, 1, seq);
		CHECK_EQ(xsk_cons_nb_avail(&c, size), 1);
		kernel_produce(&s, 1, seq + 1);
		CHECK_EQ(xsk_cons_nb_avail(&c, size), 1); /* not re-read */
		CHECK_EQ(xsk_ring_cons__peek(&c, size, &idx), 1);
		CHECK_EQ(idx, next);
		CHECK_EQ(xsk_cons_nb_avail(&c, size), 1); /* empty: re-read */
		CHECK_EQ(xsk_ring_cons__peek(&c, size, &idx), 1);
		CHECK_EQ(idx, next + 1);
		CHECK_EQ(*xsk_ring_cons__comp_addr(&c, idx), seq + 1);
		xsk_ring_cons__release(&c, 2);
		next += 2;
		seq += 2;
	}
	kernel_produce(&s, size, seq);
	CHECK_EQ(xsk_cons_nb_avail(&c, 1), 1);
	CHECK_EQ(xsk_cons_nb_avail(&c, size), size);

	/* Cancel: the next peek returns the same entries. */
	CHECK_EQ(xsk_ring_cons__peek(&c, size, &idx), size);
	xsk_ring_cons__cancel(&c, size);
	CHECK_EQ(c.cached_cons, next);
	CHECK_EQ(xsk_ring_cons__peek(&c, size, &idx2), size);
	CHECK_EQ(idx2, idx);
	CHECK_EQ(idx2, next);
	for (i = 0; i < size; i++)
		CHECK_EQ(*xsk_ring_cons__comp_addr(&c, idx2 + i), seq + i);
	/* Partial cancel: release the first, re-peek the rest. */
	xsk_ring_cons__cancel(&c, size - 1);
	xsk_ring_cons__release(&c, 1);
	CHECK_EQ(s.consumer, next + 1);
	if (size > 1) {
		CHECK_EQ(xsk_ring_cons__peek(&c, size, &idx), size - 1);
		CHECK_EQ(idx, next + 1);
		CHECK_EQ(*xsk_ring_cons__comp_addr(&c, idx), seq + 1);
		xsk_ring_cons__release(&c, size - 1);
	}
	next += size;
	CHECK_EQ(s.consumer, next);
	CHECK_EQ(c.cached_cons, next);
	CHECK_EQ(xsk_cons_nb_avail(&c, size), 0);

	free(s.ring);
}

/* Accessors mask the index; descriptor rings use 16-byte entries. */
static void test_masking(void)
{
	static const __u32 idxs[] = { 0, 1, 3, 4, 5, 4095, 4096, 4101, 0x7fffffff,
				      0x80000000, UINT32_MAX - 3, UINT32_MAX };
	static const __u32 sizes[] = { 1, 2, 4, 4096 };
	static struct xdp_desc descs[4096];
	static __u64 addrs[4096];
	struct xsk_ring_prod p = { 0, 0, 0, 0, NULL, NULL, NULL, NULL };
	struct xsk_ring_cons c = { 0, 0, 0, 0, NULL, NULL, NULL, NULL };
	size_t i, j;

	for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
		__u32 mask = sizes[j] - 1;

		snprintf(where, sizeof(where), "masking size=%u", sizes[j]);
		p.mask = c.mask = mask;
		p.size = c.size = sizes[j];
		for (i = 0; i < sizeof(idxs) / sizeof(idxs[0]); i++) {
			__u32 n = idxs[i];

			p.ring = c.ring = addrs;
			CHECK_EQ((uintptr_t)xsk_ring_prod__fill_addr(&p, n), (uintptr_t)&addrs[n & mask]);
			CHECK_EQ((uintptr_t)xsk_ring_cons__comp_addr(&c, n), (uintptr_t)&addrs[n & mask]);
			p.ring = c.ring = descs;
			CHECK_EQ((uintptr_t)xsk_ring_prod__tx_desc(&p, n), (uintptr_t)&descs[n & mask]);
			CHECK_EQ((uintptr_t)xsk_ring_cons__rx_desc(&c, n), (uintptr_t)&descs[n & mask]);
		}
	}
}

static void test_umem(void)
{
	static char area[0x10000];
	__u64 a = (0x123ULL << XSK_UNALIGNED_BUF_OFFSET_SHIFT) | 0x4000;
	__u64 max = ~0ULL;

	snprintf(where, sizeof(where), "umem");
	CHECK_EQ(xsk_umem__extract_addr(a), 0x4000);
	CHECK_EQ(xsk_umem__extract_offset(a), 0x123);
	CHECK_EQ(xsk_umem__add_offset_to_addr(a), 0x4123);
	CHECK_EQ(xsk_umem__extract_addr(max), 0xffffffffffffULL);
	CHECK_EQ(xsk_umem__extract_offset(max), 0xffff);
	CHECK_EQ(xsk_umem__add_offset_to_addr(max), 0xffffffffffffULL + 0xffff);
	CHECK_EQ(xsk_umem__extract_addr(0x1234), 0x1234);
	CHECK_EQ(xsk_umem__extract_offset(0x1234), 0);
	CHECK_EQ(xsk_umem__add_offset_to_addr(0x1234), 0x1234);
	CHECK_EQ((uintptr_t)xsk_umem__get_data(area, 0x4123), (uintptr_t)&area[0x4123]);
	CHECK_EQ(XSK_UNALIGNED_BUF_ADDR_MASK, 0xffffffffffffULL);
}

/* --- Two threads over one ring --- */

struct mt {
	struct shm s;
	unsigned long long n;
	int stop; /* set on failure, so the other side does not wait forever */
	int done; /* threads finished */
	/* Set up by main before the threads start; each thread works on a copy. */
	struct xsk_ring_prod prod;
	struct xsk_ring_cons cons;
	int bad;
	unsigned long long bad_got, bad_want;
};

static __u32 rand32(__u32 *x) /* xorshift32 */
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static int backoff(struct mt *m, unsigned *spins)
{
	if (__atomic_load_n(&m->stop, __ATOMIC_RELAXED))
		return -1;
	if (++*spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		return 0;
	}
	*spins = 0;
	sched_yield();
	return 0;
}

static void *producer_main(void *arg)
{
	struct mt *m = arg;
	struct xsk_ring_prod p = m->prod;
	unsigned long long seq = 0;
	__u32 rng = 2463534242u, idx, nb, i;
	unsigned spins = 0;

	while (seq < m->n) {
		nb = 1 + rand32(&rng) % 64;
		if (nb > m->n - seq)
			nb = (__u32)(m->n - seq);
		if (xsk_ring_prod__reserve(&p, nb, &idx) != nb) {
			if (backoff(m, &spins))
				break;
			continue;
		}
		spins = 0;
		if (nb > 1 && rand32(&rng) % 8 == 0) { /* now and then give some back */
			xsk_ring_prod__cancel(&p, nb / 2);
			nb -= nb / 2;
		}
		for (i = 0; i < nb; i++)
			*xsk_ring_prod__fill_addr(&p, idx + i) = seq + i;
		xsk_ring_prod__submit(&p, nb);
		seq += nb;
	}
	m->prod = p;
	__atomic_add_fetch(&m->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct mt *m = arg;
	struct xsk_ring_cons c = m->cons;
	unsigned long long seq = 0;
	__u32 rng = 88675123u, idx, nb, i;
	unsigned spins = 0;

	while (seq < m->n) {
		nb = xsk_ring_cons__peek(&c, 1 + rand32(&rng) % 64, &idx);
		if (nb == 0) {
			if (backoff(m, &spins))
				break;
			continue;
		}
		spins = 0;
		if (nb > 1 && rand32(&rng) % 8 == 0) { /* now and then leave some for later */
			xsk_ring_cons__cancel(&c, nb / 2);
			nb -= nb / 2;
		}
		for (i = 0; i < nb; i++) {
			__u64 v = *xsk_ring_cons__comp_addr(&c, idx + i);

			if (v != seq + i) {
				m->bad = 1;
				m->bad_got = v;
				m->bad_want = seq + i;
				__atomic_store_n(&m->stop, 1, __ATOMIC_RELAXED);
				goto out;
			}
		}
		xsk_ring_cons__release(&c, nb);
		seq += nb;
	}
out:
	m->cons = c;
	__atomic_add_fetch(&m->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_alarm(int sig)
{
	static const char msg[] = "ring_test: timed out\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);

	(void)sig;
	(void)r;
	_exit(1);
}

static void test_threads(void)
{
	static struct mt m; /* zeroed */
	const char *env = getenv("RING_TEST_N");
	struct timespec t0, t1;
	const struct timespec tick = { 0, 10000000 }; /* 10 ms */
	pthread_t pt, ct;
	__u32 start, end, seen, now;
	unsigned still = 0;
	double secs;

	m.n = 100000000ULL;
	if (env) {
		char *e;

		m.n = strtoull(env, &e, 10);
		if (*env == '\0' || *e != '\0' || m.n == 0) {
			fprintf(stderr, "RING_TEST_N=%s: want a positive integer\n", env);
			exit(1);
		}
	}
	/* Start so that the indices wrap halfway through the run. */
	start = (__u32)(0ULL - m.n / 2);
	if (start == 0)
		start = UINT32_MAX - 5;
	snprintf(where, sizeof(where), "threads n=%llu start=0x%x", m.n, start);
	shm_init(&m.s, 4096, start);
	prod_init(&m.prod, &m.s);
	cons_init(&m.cons, &m.s);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pthread_create(&ct, NULL, consumer_main, &m) ||
	    pthread_create(&pt, NULL, producer_main, &m)) {
		fprintf(stderr, "pthread_create failed\n");
		exit(1);
	}
	/* Watch the consumer index; a ring that loses entries stalls rather than fails. */
	seen = __atomic_load_n(&m.s.consumer, __ATOMIC_RELAXED);
	while (__atomic_load_n(&m.done, __ATOMIC_ACQUIRE) < 2) {
		nanosleep(&tick, NULL);
		now = __atomic_load_n(&m.s.consumer, __ATOMIC_RELAXED);
		if (now != seen) {
			seen = now;
			still = 0;
		} else if (++still == STALL_S * 100) {
			failures++;
			fprintf(stderr, "%s:%d: no progress for %d s: producer 0x%x consumer 0x%x [%s]\n",
				__FILE__, __LINE__, STALL_S,
				__atomic_load_n(&m.s.producer, __ATOMIC_RELAXED), now, where);
			__atomic_store_n(&m.stop, 1, __ATOMIC_RELAXED);
		}
	}
	pthread_join(pt, NULL);
	pthread_join(ct, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (m.bad)
		fprintf(stderr, "%s:%d: consumer got %llu, want %llu [%s]\n",
			__FILE__, __LINE__, m.bad_got, m.bad_want, where);
	CHECK_EQ(m.bad, 0);
	end = start + (__u32)m.n;
	CHECK_EQ(m.s.producer, end);
	CHECK_EQ(m.s.consumer, end);
	CHECK_EQ(m.prod.cached_prod, end);
	CHECK_EQ(m.cons.cached_cons, end);

	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("two threads: %llu entries in %.2f s (%.1f M/s), start 0x%x\n",
	       m.n, secs, (double)m.n / secs / 1e6, start);
	free(m.s.ring);
}

int main(void)
{
	static const __u32 sizes[] = { 1, 2, 4096 };
	static const __u32 starts[] = { 0, UINT32_MAX - 5, UINT32_MAX, 0x7ffffffd };
	size_t i, j;

	signal(SIGALRM, on_alarm); /* a hang is a failure, not a stuck CI job */
	alarm(TIMEOUT_S);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (j = 0; j < sizeof(starts) / sizeof(starts[0]); j++) {
			test_prod(sizes[i], starts[j]);
			test_cons(sizes[i], starts[j]);
		}
	}
	test_masking();
	test_umem();
	if (failures == 0) /* a broken ring could leave the threads spinning */
		test_threads();
	else
		printf("ring_test: two-thread run skipped\n");

	if (failures) {
		printf("ring_test: %lu checks failed\n", failures);
		return 1;
	}
	printf("ring_test: pass\n");
	return 0;
}
