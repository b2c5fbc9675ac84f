/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t.h - a tiny test framework for the xsk.h tests.
 *
 * Header-only and every function is static: each test .c file includes it and builds
 * into its own executable. Include it before any system header (it defines
 * _GNU_SOURCE, which net.h needs).
 *
 *     #include "test/t.h"
 *
 *     static void test_wrap(void)
 *     {
 *         REQUIRE(p != NULL);          // on failure: report, end this test
 *         CHECK(x > 0);                // on failure: report, go on
 *         CHECK_EQ(n, 3);              // also prints both values
 *     }
 *
 *     int main(void)
 *     {
 *         t_need_root();               // only for tests that need the kernel
 *         T_RUN(test_wrap);            // prints "ok - test_wrap" or "FAIL - test_wrap"
 *         return t_done();             // 0 if nothing failed, else 1
 *     }
 *
 * Exit status: 0 pass, 1 fail, 77 skip (t_skip, t_need_root); the runner decides
 * what a skip means.
 *
 * CHECK(cond) evaluates to 1 if cond holds, 0 if it failed, so it can guard code:
 * `if (CHECK(fd >= 0)) { ... }`. A failing check prints errno when it is nonzero;
 * the checks never change errno, so the value printed may be left over from an
 * earlier call. CHECK_EQ converts both sides to long long (a uint64_t above
 * LLONG_MAX prints as negative, and -1 equals UINT64_MAX). Each argument is
 * evaluated once.
 *
 * REQUIRE leaves the test function with longjmp: cleanup code after it in the test
 * does not run (fds stay open until the process exits). Outside T_RUN it exits 1.
 * T_RUN calls do not nest.
 */
#ifndef T_H
#define T_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AF_XDP
#define AF_XDP 44
#endif

#define T__UNUSED __attribute__((unused))

#define CHECK(cond) t__check(!!(cond), __FILE__, __LINE__, "CHECK(" #cond ")")

#define CHECK_EQ(a, b) \
	t__check_eq((long long)(a), (long long)(b), __FILE__, __LINE__, #a, #b)

#define REQUIRE(cond)                                                          \
	do {                                                                   \
		if (!t__check(!!(cond), __FILE__, __LINE__,                    \
			      "REQUIRE(" #cond ")"))                           \
			t__abort();                                            \
	} while (0)

#define T_RUN(fn) t__run(#fn, fn)

static int t__in_test;      /* inside T_RUN */
static int t__test_failed;  /* the current test has failed a check */
static int t__nfailed;      /* tests that failed, plus failures outside tests */
static int t__npassed;
static jmp_buf t__jmp;

T__UNUSED static void t__fail(void)
{
	if (t__in_test)
		t__test_failed = 1;
	else
		t__nfailed++;
}

T__UNUSED static int t__check(int ok, const char *file, int line, const char *what)
{
	int err = errno;

	if (ok)
		return 1;
	if (err)
		printf("%s:%d: %s failed (errno %d: %s)\n", file, line, what, err,
		       strerror(err));
	else
		printf("%s:%d: %s failed\n", file, line, what);
	fflush(stdout);
	t__fail();
	errno = err;
	return 0;
}

T__UNUSED static int t__check_eq(long long a, long long b, const char *file, int line,
				 const char *as, const char *bs)
{
	int err = errno;

	if (a == b)
		return 1;
	printf("%s:%d: CHECK_EQ(%s, %s) failed: %lld != %lld", file, line, as, bs, a,
	       b);
	if (err)
		printf(" (errno %d: %s)", err, strerror(err));
	printf("\n");
	fflush(stdout);
	t__fail();
	errno = err;
	return 0;
}

T__UNUSED static void t__abort(void)
{
	if (t__in_test)
		longjmp(t__jmp, 1);
	exit(1);
}

/* Runs a test; T_ONLY=prefix in the environment runs only those whose name starts so. */
T__UNUSED static void t__run(const char *name, void (*fn)(void))
{
	const char *only = getenv("T_ONLY");

	if (only && strncmp(name, only, strlen(only)))
		return;
	t__in_test = 1;
	t__test_failed = 0;
	if (setjmp(t__jmp) == 0)
		fn();
	t__in_test = 0;
	if (t__test_failed)
		t__nfailed++;
	else
		t__npassed++;
	printf("%s - %s\n", t__test_failed ? "FAIL" : "ok", name);
	fflush(stdout);
}

/* Returns the exit status for main: 0 if nothing failed, else 1. */
T__UNUSED static int t_done(void)
{
	printf("# %d passed, %d failed\n", t__npassed, t__nfailed);
	fflush(stdout);
	return t__nfailed ? 1 : 0;
}

T__UNUSED static void t_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	fflush(stdout);
	exit(77);
}

/* Skips (77) unless running as root on a kernel that can create AF_XDP sockets. */
T__UNUSED static void t_need_root(void)
{
	char why[128];
	int fd;

	if (geteuid() != 0)
		t_skip("needs root");
	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, sizeof(why), "no AF_XDP sockets: %s", strerror(errno));
		t_skip(why);
	}
	close(fd);
	errno = 0;
}

#endif /* T_H */
