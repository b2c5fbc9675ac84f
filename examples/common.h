/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the examples share that is not AF_XDP: stopping on Ctrl-C, a clock, argument
 * parsing and how xsk.h's messages and modes are shown. Include it after xsk.h.
 */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Ctrl-C and SIGTERM only set `stop`; without SA_RESTART they also end a poll().
 * Output goes out a whole line at a time, also into a pipe. xsk.h says nothing
 * unless given a print function: its warnings and notes go to stderr. */
static inline void example_init(void (*print)(enum xsk_print_level, const char *))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	xsk_set_print(print);
}

static inline void print_xsk(enum xsk_print_level level, const char *msg)
{
	if (level <= XSK_PRINT_INFO)
		fprintf(stderr, "%s\n", msg);
}

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A decimal number no larger than max, or exit with a message. */
static inline unsigned long parse_num(const char *prog, const char *what, const char *s,
				      unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max) {
		fprintf(stderr, "%s: bad %s: %s\n", prog, what, s);
		exit(1);
	}
	return v;
}

static inline const char *mode_name(int mode)
{
	switch (mode) {
	case XDP_FLAGS_DRV_MODE: return "native";
	case XDP_FLAGS_SKB_MODE: return "generic";
	case XDP_FLAGS_HW_MODE: return "offloaded";
	default: return "unknown";
	}
}
#endif
