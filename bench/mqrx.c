// SPDX-License-Identifier: BSD-2-Clause
/*
 * mqrx - rxdrop on every queue of an interface with xsk.h's quick path: one UMEM
 * (xsk_queue__open_all), one thread per queue, thread i on CPU i modulo the CPU count.
 * A thread that finds its RX ring empty sleeps in poll() (xsk_queue__recv's timeout),
 * so the receivers leave their CPUs to whatever else runs there (the generators).
 *
 *   mqrx IFNAME SECONDS
 *
 * Prints "mqrx queues=N seconds=S mpps=X" and "mqrx queue=I packets=P" for each queue.
 * Exits 1 if the queues could not be opened or a thread not started.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>

#define XSK_IMPLEMENTATION
#define XSK_STATIC
#include "xsk.h"

#define MQ_MAX 64
#define MQ_BATCH 64

struct mq_thread {
	pthread_t tid;
	struct xsk_queue *q;
	int cpu;
	unsigned long long packets;
	char pad[64];
};

static volatile int mq_stop;

static unsigned long long mq_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void *mq_rx(void *arg)
{
	struct mq_thread *t = arg;
	struct xsk_pkt pkts[MQ_BATCH];
	cpu_set_t set;
	int n;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!mq_stop) {
		n = xsk_queue__recv(t->q, pkts, MQ_BATCH, 100);
		if (n > 0) {
			xsk_queue__release(t->q, pkts, (unsigned)n);
			t->packets += (unsigned)n;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static struct mq_thread th[MQ_MAX];
	struct xsk_queue *qs[MQ_MAX];
	XSK_QUEUE_OPTS(o, .xdp_flags = XDP_FLAGS_DRV_MODE);
	unsigned long long t0, t1, total = 0;
	int n, i, started, ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);

	if (argc != 3 || atoi(argv[2]) < 1) {
		fprintf(stderr, "usage: mqrx IFNAME SECONDS\n");
		return 2;
	}
	n = xsk_queue__open_all(qs, MQ_MAX, argv[1], &o);
	if (n < 1) {
		fprintf(stderr, "mqrx: %s\n", xsk_diag());
		return 1;
	}
	t0 = mq_now_ns();
	for (started = 0; started < n; started++) {
		th[started].q = qs[started];
		th[started].cpu = started % (ncpu > 0 ? ncpu : 1);
		if (pthread_create(&th[started].tid, NULL, mq_rx, &th[started])) {
			fprintf(stderr, "mqrx: pthread_create failed\n");
			break;
		}
	}
	if (started == n)
		sleep((unsigned)atoi(argv[2]));
	mq_stop = 1;
	for (i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	t1 = mq_now_ns();
	for (i = 0; started == n && i < n; i++) {
		printf("mqrx queue=%d packets=%llu\n", i, th[i].packets);
		total += th[i].packets;
	}
	if (started == n)
		printf("mqrx queues=%d seconds=%.3f mpps=%.3f\n", n, (double)(t1 - t0) / 1e9,
		       (double)total * 1e3 / (double)(t1 - t0));
	for (i = 0; i < n; i++)
		xsk_queue__close(qs[i]);
	return started == n ? 0 : 1;
}
