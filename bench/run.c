// SPDX-License-Identifier: BSD-2-Clause
/*
 * run - the harness of `make bench`. Builds nothing: runs the three xskbench builds
 * (xsk, libxdp, quick) found next to itself (or in $BENCH_DIR), in a private network
 * namespace on a veth pair:
 *
 *   xa0  our side: the benchmark's socket (queue 0), native XDP
 *   xb0  the peer: a generator process (BPF_PROG_RUN live frames, XDP_TX) sends 64-byte
 *        UDP/IPv4 frames out of it into xa0; a counting XDP_DROP program attached to it
 *        (the sink) counts and drops what xa0 sends.
 *
 * First the limit: the generator into a counting XDP_DROP program on xa0. Then for
 * rxdrop, l2fwd (generator on) and txonly (off), the builds interleaved A B C A B C...
 * Then several queues: a second pair xa1/xb1 with a queue per CPU, a generator per CPU
 * (random UDP source ports; veth picks the receiving queue by the sending CPU) into
 * XDP_DROP for that setup's limit, and into bench/mqrx (the quick path, a thread per
 * queue). Then setup and teardown-to-rebind times without a bpffs, and setup times
 * with one (both in a mount namespace of our own, whatever the machine has). Then, if
 * they were built: instructions per descriptor of the ring operations (ringops-*, under
 * callgrind) and the size and peak RSS of a minimal receiver (rxmin-*). Prints one
 * table; JSON=file (environment or argument) also writes the figures. QUICK=1: 3 rounds
 * of 2 s, else 5 rounds of 5 s.
 *
 * The harness runs on the last CPU, and so do the benchmarks it starts; the generator
 * runs on CPU 0 (veth's NAPI for frames sent by the generator runs there too), the
 * multi-queue ones on CPUs 0..n-1.
 */
#include "test/net.h"

#include <linux/if_link.h>
#include <math.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define NBUILD 3
#define NALL 5 /* and in rxdrop the two bounds of bench/rxbound */
#define NMODE 3
#define MAX_ROUNDS 16
/* Frames per BPF_PROG_RUN call. Each call patches the kernel's XDP dispatcher twice,
 * which here costs IPIs to the other CPU: at 2^16 the receivers lost 15-20% to it, at
 * 2^20 (about 0.1 s a call) it is lost in the noise. */
#define GEN_REPEAT (1u << 20)

static const char *const builds[NALL] = { "xsk", "libxdp", "quick", "bound", "bound-read" };
static const char *const progs[NALL] = { "xskbench-xsk", "xskbench-libxdp", "xskbench-quick",
					 "rxbound", "rxbound" };
static const char *const modes[NMODE] = { "rxdrop", "l2fwd", "txonly" };

static const char *dir;
static char logpath[4200];
static int ifa, ifb, ncpu;
static int counter_map_b = -1;
static int left_attached[NALL]; /* runs after which a program was still attached */

/* Shared with the generator processes, one per CPU at most. */
#define GEN_MAX 64
struct gen_shared {
	volatile unsigned long long sent[GEN_MAX];
	volatile int err;
};
static struct gen_shared *gen;
static pid_t gen_pid[GEN_MAX];
static int ngen;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[64];

	if (n <= 0)
		return NAN;
	memcpy(s, v, sizeof(*v) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (ncpu < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "run: sched_setaffinity(%d): %s\n", cpu, strerror(errno));
}

/* ---- counting XDP_DROP program ------------------------------------------------------ */

/* A per-CPU counter, incremented for every packet, then XDP_DROP. */
static int counter_prog(int *map_fd)
{
	int fd;

	*map_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bench_count", 4, 8, 1, NULL);
	if (*map_fd < 0)
		return -1;
	{
		const struct bpf_insn insns[] = {
			/* *(u32 *)(r10 - 4) = 0 */
			{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10, .off = -4 },
			/* r2 = r10 - 4 */
			{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2,
			  .src_reg = BPF_REG_10 },
			{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -4 },
			/* r1 = map */
			{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
			  .src_reg = BPF_PSEUDO_MAP_FD, .imm = *map_fd },
			{ .code = 0 },
			/* r0 = bpf_map_lookup_elem(r1, r2); if (!r0) goto drop */
			{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
			{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 3 },
			/* (*r0)++ (per CPU: no atomic needed) */
			{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1,
			  .src_reg = BPF_REG_0 },
			{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
			{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_0,
			  .src_reg = BPF_REG_1 },
			/* drop: return XDP_DROP */
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
			  .imm = XDP_DROP },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "bench_count", "GPL", insns,
				   sizeof(insns) / sizeof(insns[0]), NULL);
	}
	if (fd < 0) {
		close(*map_fd);
		*map_fd = -1;
	}
	return fd;
}

static unsigned long long counter_read(int map_fd)
{
	unsigned long long v[1024], sum = 0;
	int n = libbpf_num_possible_cpus(), i;
	__u32 key = 0;

	if (n <= 0 || n > 1024 || bpf_map_lookup_elem(map_fd, &key, v))
		return 0;
	for (i = 0; i < n; i++)
		sum += v[i];
	return sum;
}

/* Attaches a counting XDP_DROP program natively to ifindex; returns the map fd. */
static int counter_attach(int ifindex)
{
	int map_fd, fd = counter_prog(&map_fd);

	if (fd < 0) {
		fprintf(stderr, "run: loading the counting program: %s\n", strerror(errno));
		exit(1);
	}
	if (bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "run: attaching the counting program: %s\n", strerror(errno));
		exit(1);
	}
	close(fd);
	return map_fd;
}

/* ---- generator ---------------------------------------------------------------------- */

/* 64 bytes, UDP/IPv4 10.0.0.1:9 -> 10.0.0.2:9, header checksum set. */
static void make_udp_frame(unsigned char *f)
{
	static const unsigned char hdr[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00, /* Ethernet */
		0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, /* IPv4 */
		0, 9, 0, 9, 0, 30, 0, 0, /* UDP */
	};
	unsigned sum = 0, i;

	memset(f, 0, 64);
	memcpy(f, hdr, sizeof(hdr));
	for (i = 14; i < 34; i += 2)
		sum += (unsigned)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[24] = (unsigned char)(~sum >> 8);
	f[25] = (unsigned char)~sum;
}

/* Generators on CPUs 0..n-1 sending out of ifindex: the same frame (flows 0), or each
 * frame with a random UDP source port (flows 1; veth still picks the receiving queue by
 * the sending CPU, so each generator feeds one queue). */
static void gen_start(int ifindex, int n, int flows)
{
	unsigned char frame[64];
	int i;

	make_udp_frame(frame);
	memset((void *)gen, 0, sizeof(*gen));
	for (ngen = 0; ngen < n && ngen < GEN_MAX; ngen++) {
		i = ngen;
		gen_pid[i] = fork();
		if (gen_pid[i] < 0) {
			perror("run: fork");
			exit(1);
		}
		if (gen_pid[i])
			continue;
		signal(SIGTERM, SIG_DFL);
		pin(i);
		for (;;) {
			if (flows ? net_gen_live_flows(ifindex, frame, sizeof(frame), GEN_REPEAT,
						       34 /* UDP source port */) :
				    net_gen_live(ifindex, frame, sizeof(frame), GEN_REPEAT)) {
				gen->err = errno;
				_exit(1);
			}
			gen->sent[i] += GEN_REPEAT;
		}
	}
}

static unsigned long long gen_sent(void)
{
	unsigned long long sum = 0;
	int i;

	for (i = 0; i < ngen; i++)
		sum += gen->sent[i];
	return sum;
}

static void gen_stop(void)
{
	int st, i;

	for (i = 0; i < ngen; i++)
		kill(gen_pid[i], SIGTERM);
	for (i = 0; i < ngen; i++)
		waitpid(gen_pid[i], &st, 0);
	ngen = 0;
	if (gen->err) {
		fprintf(stderr, "run: generator: net_gen_live: %s\n", strerror(gen->err));
		exit(1);
	}
}

/* The XDP_DROP limit: n generators (flows as gen_start) out of peer into a counting
 * XDP_DROP on ifindex, native, for secs. Returns Mpps counted; *gen_mpps: sent. */
static double measure_limit(int ifindex, int peer, int n, int flows, int secs,
			    double *gen_mpps)
{
	unsigned long long c0, c1, g0, g1, t0, t1;
	int map_fd = counter_attach(ifindex);

	gen_start(peer, n, flows);
	net__sleep_ms(500);
	c0 = counter_read(map_fd);
	g0 = gen_sent();
	t0 = now_ns();
	net__sleep_ms(secs * 1000);
	c1 = counter_read(map_fd);
	g1 = gen_sent();
	t1 = now_ns();
	gen_stop();
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	close(map_fd);
	if (c1 == c0) {
		fprintf(stderr, "run: the generator's frames do not reach XDP\n");
		exit(1);
	}
	*gen_mpps = (double)(g1 - g0) * 1e3 / (double)(t1 - t0);
	return (double)(c1 - c0) * 1e3 / (double)(t1 - t0);
}

/* ---- running a benchmark ------------------------------------------------------------- */

struct result {
	double mpps;
	unsigned long long packets;
	double seconds;
	unsigned long long bound_ns;
	double bind_retry_ms;
	unsigned long long t_spawn, t_exit;
	int ok;
};

/* Makes sure nothing is attached to xa0 once a benchmark has gone; counts for which
 * build something was (libxdp attaches through netlink: nothing detaches it on exit). */
static void settle(int b)
{
	if (!net_xdp_prog_id(ifa) || !net_wait_no_xdp(ifa, 200))
		return;
	left_attached[b]++;
	bpf_xdp_detach(ifa, XDP_FLAGS_DRV_MODE, NULL);
	bpf_xdp_detach(ifa, XDP_FLAGS_SKB_MODE, NULL);
}

/* Runs path with argv (argv[0] is path), stderr to the log, stdout into out (NUL
 * ended); kills it after timeout_s. Returns its wait status. */
static int spawn_read(const char *const argv[], int timeout_s, char *out, size_t size,
		      unsigned long long *t_spawn, unsigned long long *t_exit)
{
	posix_spawn_file_actions_t fa;
	size_t n = 0;
	int p[2], st, err;
	unsigned long long deadline;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		perror("run: pipe");
		exit(1);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
	*t_spawn = now_ns();
	err = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err) {
		fprintf(stderr, "run: cannot run %s: %s (make bench builds it)\n", argv[0],
			strerror(err));
		exit(1);
	}
	deadline = now_ns() + (unsigned long long)timeout_s * 1000000000ull;
	for (;;) {
		struct pollfd pfd = { p[0], POLLIN, 0 };
		ssize_t k;

		if (now_ns() > deadline) {
			fprintf(stderr, "run: %s timed out: killed\n", argv[0]);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		k = read(p[0], out + n, size - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n == size - 1)
			break;
	}
	out[n] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*t_exit = now_ns();
	return st;
}

/* Runs build b with args; fills r from its summary or setup line. */
static void run_one(int b, const char *const args[], int timeout_s, struct result *r)
{
	char path[4200], out[65536], *line;
	const char *argv[24];
	size_t i;
	int st;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/%s", dir, progs[b]);
	argv[0] = path;
	for (i = 0; args[i] && i < 22; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	st = spawn_read(argv, timeout_s, out, sizeof(out), &r->t_spawn, &r->t_exit);
	settle(b);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "run: %s %s failed (status %d); see %s\n", path, args[2], st,
			logpath);
		return;
	}
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char bname[16], mname[16];

		if (sscanf(line, "summary build=%15s mode=%15s packets=%llu seconds=%lf mpps=%lf",
			   bname, mname, &r->packets, &r->seconds, &r->mpps) == 5)
			r->ok = 1;
		if (sscanf(line, "setup bound_ns=%llu bind_retry_ms=%lf", &r->bound_ns,
			   &r->bind_retry_ms) == 2)
			r->ok = 1;
	}
	if (!r->ok)
		fprintf(stderr, "run: %s printed no summary\n", path);
}

/* Setup: fork+exec to a bound socket in the map, n times for each build in turn; the
 * times of runs that did not have to wait for the queue (bind_retry 0) in ms[b]. */
static void setup_times(int n, double ms[NBUILD][32], int count[NBUILD])
{
	int k, b;

	for (k = 0; k < n; k++) {
		for (b = 0; b < NBUILD; b++) {
			const char *args[] = { "-i", "xa0", "-m", "rxdrop", "--setup-only", NULL };
			struct result r;

			run_one(b, args, 30, &r);
			if (r.ok && r.bind_retry_ms == 0 && count[b] < 32)
				ms[b][count[b]++] = (double)(r.bound_ns - r.t_spawn) / 1e6;
			net__sleep_ms(50);
		}
	}
}

/* Puts a bpffs on /sys/fs/bpf (on 1) or none (on 0), whatever the machine has, in a
 * mount namespace of our own: libxdp tries its dispatcher only where there is one, and
 * systemd mounts one at boot. Returns 0, or -1 having said why. */
static int set_bpffs(int on)
{
	static int own;
	struct statfs st;

	if ((!statfs("/sys/fs/bpf", &st) && st.f_type == BPF_FS_MAGIC) == on)
		return 0;
	if (!own && (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))) {
		fprintf(stderr, "run: a mount namespace of our own: %s\n", strerror(errno));
		return -1;
	}
	own = 1;
	if (on ? mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL) :
		 umount2("/sys/fs/bpf", MNT_DETACH)) {
		fprintf(stderr, "run: cannot %s the bpffs on /sys/fs/bpf: %s\n",
			on ? "mount" : "unmount", strerror(errno));
		return -1;
	}
	return set_bpffs(on); /* one more to unmount if several were stacked */
}

/* ---- ring operations and footprint (item 4: when the binaries are there) ------------- */

#define RING_CYCLES 20000 /* bench/ringops.c is built with -DCYCLES=20000 */

/* Instructions per descriptor in one call of fn of ringops-<which>, by callgrind. */
static double ring_ir(const char *which, const char *fn)
{
	char bin[4300], outf[4400], tog[64], outarg[4500], line[512];
	const char *argv[] = { "valgrind", "--tool=callgrind", "--collect-atstart=no", tog,
			       outarg, bin, NULL };
	unsigned long long ir = 0;
	FILE *f;

	snprintf(bin, sizeof(bin), "%s/ringops-%s", dir, which);
	snprintf(outf, sizeof(outf), "%s/callgrind.%s.%s", dir, which, fn);
	snprintf(tog, sizeof(tog), "--toggle-collect=%s", fn);
	snprintf(outarg, sizeof(outarg), "--callgrind-out-file=%s", outf);
	if (access(bin, X_OK) || net_run(argv))
		return NAN;
	f = fopen(outf, "r");
	if (!f)
		return NAN;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "totals: %llu", &ir) == 1 ||
		    sscanf(line, "summary: %llu", &ir) == 1)
			break;
	fclose(f);
	return ir ? (double)ir / ((double)RING_CYCLES * 64) : NAN;
}

/* Size (KiB) of dir/name and its peak RSS (KiB, wait4) receiving for 1 s. */
static void footprint(const char *name, double *size_kib, double *rss_kib)
{
	char path[4300];
	char *const argv[] = { path, "xa0", "1", NULL };
	struct rusage ru;
	struct stat stt;
	pid_t pid;
	int st;

	*size_kib = *rss_kib = NAN;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &stt))
		return;
	*size_kib = (double)stt.st_size / 1024;
	net__sleep_ms(300); /* the previous receiver's queue is free again (libxdp: no retry) */
	pid = fork(); /* not posix_spawn: a vfork child's exec records our RSS as its peak */
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return;
	settle(0);
	*rss_kib = (double)ru.ru_maxrss;
}

/* ---- main ------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static double mpps[NMODE][NALL][MAX_ROUNDS], genr[NMODE][NALL][MAX_ROUNDS];
	static double sinkr[NMODE][NALL][MAX_ROUNDS], by_round[NMODE][NALL][MAX_ROUNDS];
	static double setup_ms[NBUILD][32], setup_fs_ms[NBUILD][32];
	static double rebind_ms[NBUILD][16], retry_ms[NBUILD][16];
	static char self[4096];
	const char *json = getenv("JSON"), *quick = getenv("QUICK");
	int rounds, secs, limit_secs, m, b, k, i, nsetup = 20, nrebind = 10;
	int nm[NMODE][NALL] = { { 0 } }, ns[NBUILD] = { 0 }, nr[NBUILD] = { 0 };
	int ns_fs[NBUILD] = { 0 };
	double limit, limit_gen, med[NMODE][NALL], gmed[NMODE], smed[NMODE][NALL];
	double ratio[NMODE][NALL]; /* median over rounds of build / libxdp in that round */
	unsigned long long g0, g1, tstart = now_ns();
	double fp_size[4], fp_rss[4], ir[2][2];
	double mq_limit, mq_limit_gen, mq_mpps[MAX_ROUNDS], mq_share[MAX_ROUNDS];
	int mq_n = 0, mq_queues = 0;
	struct rusage self_ru;
	char secstr[16];
	FILE *jf;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "JSON=", 5))
			json = argv[i] + 5;
		else if (!strncmp(argv[i], "QUICK=", 6))
			quick = argv[i] + 6;
	}
	rounds = quick && !strcmp(quick, "1") ? 3 : 5;
	secs = rounds == 3 ? 2 : 5;
	limit_secs = secs;
	dir = getenv("BENCH_DIR");
	if (!dir) {
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);

		self[l > 0 ? l : 0] = '\0';
		dir = strrchr(self, '/') ? (*strrchr(self, '/') = '\0', self) : ".";
	}
	snprintf(logpath, sizeof(logpath), "%s/bench.log", dir);
	unlink(logpath);

	t_need_root();
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	pin(ncpu - 1);
	net_sandbox();
	if (net_veth("xa0", "xb0", 1)) {
		fprintf(stderr, "run: cannot create the veth pair\n");
		return 1;
	}
	ifa = net_ifindex("xa0");
	ifb = net_ifindex("xb0");
	gen = mmap(NULL, sizeof(*gen), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (gen == MAP_FAILED) {
		perror("run: mmap");
		return 1;
	}
	{
		char la[64] = "";
		FILE *f = fopen("/proc/loadavg", "r");

		if (f) {
			if (!fgets(la, sizeof(la), f))
				la[0] = '\0';
			fclose(f);
		}
		printf("load average at start: %s", la[0] ? la : "?\n");
	}
	{
		char line[256], cpu[128] = "?";
		struct utsname u;
		FILE *f = fopen("/proc/cpuinfo", "r");

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "model name : %127[^\n]", cpu) == 1)
				break;
		if (f)
			fclose(f);
		if (uname(&u))
			strcpy(u.release, "?");
		printf("machine: %d CPUs (%s), Linux %s\n", ncpu, cpu, u.release);
	}
	printf("xsk.h benchmark: veth xa0 <-> xb0 in a private namespace, 1 queue; "
	       "%d rounds of %d s; stderr of the runs in %s\n", rounds, secs, logpath);
	fflush(stdout);

	/* The limit: the generator into a counting XDP_DROP on xa0, native. */
	limit = measure_limit(ifa, ifb, 1, 0, limit_secs, &limit_gen);
	printf("limit: XDP_DROP on xa0 (native) counted %.3f Mpps; generator sent %.3f Mpps\n",
	       limit, limit_gen);
	fflush(stdout);

	/* The sink: what xa0 sends (l2fwd, txonly) is counted and dropped on xb0. */
	counter_map_b = counter_attach(ifb);

	snprintf(secstr, sizeof(secstr), "%d", secs);
	for (m = 0; m < NMODE; m++) {
		for (k = 0; k < rounds; k++) {
			for (b = 0; b < (m == 0 ? NALL : NBUILD); b++) {
				const char *args[] = { "-i", "xa0", "-m", modes[m], "-d", secstr,
						       "-N", b == 4 ? "-R" : NULL, NULL };
				struct result r;
				unsigned long long s0, s1;
				double dt;

				if (m != 2)
					gen_start(ifb, 1, 0);
				g0 = gen_sent();
				s0 = counter_read(counter_map_b);
				run_one(b, args, secs + 30, &r);
				s1 = counter_read(counter_map_b);
				g1 = gen_sent();
				if (m != 2)
					gen_stop();
				by_round[m][b][k] = r.ok ? r.mpps : NAN;
				if (!r.ok)
					continue;
				i = nm[m][b]++;
				mpps[m][b][i] = r.mpps;
				/* offered and delivered over the whole run, setup included */
				dt = (double)(r.t_exit - r.t_spawn) / 1e3;
				genr[m][b][i] = (double)(g1 - g0) / dt;
				sinkr[m][b][i] = (double)(s1 - s0) / dt;
				printf("  %-6s %-10s round %d: %.3f Mpps%s", modes[m], builds[b],
				       k + 1, r.mpps, m != 2 ? "" : "\n");
				if (m != 2)
					printf(" (generator %.3f Mpps)\n", genr[m][b][i]);
				fflush(stdout);
			}
		}
	}

	/* Several queues: a veth pair with a queue per CPU, a generator per CPU with random
	 * source ports (veth: CPU i feeds queue i), bench/mqrx receiving on every queue with
	 * the quick path, a thread per queue; and the limit of that setup. */
	if (net_veth("xa1", "xb1", (unsigned)ncpu)) {
		fprintf(stderr, "run: cannot create the multi-queue veth pair\n");
		return 1;
	}
	mq_limit = measure_limit(net_ifindex("xa1"), net_ifindex("xb1"), ncpu, 1, limit_secs,
				 &mq_limit_gen);
	for (k = 0; k < rounds; k++) {
		char path[4200], out[4096], *line;
		const char *argv[] = { path, "xa1", secstr, NULL };
		unsigned long long q[GEN_MAX] = { 0 }, t_spawn, t_exit, sum = 0, least = ~0ull;
		int st, nq = 0, qi;
		double mp;

		snprintf(path, sizeof(path), "%s/mqrx", dir);
		gen_start(net_ifindex("xb1"), ncpu, 1);
		st = spawn_read(argv, secs + 30, out, sizeof(out), &t_spawn, &t_exit);
		gen_stop();
		mp = NAN;
		for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
			unsigned long long pk;

			if (sscanf(line, "mqrx queue=%d packets=%llu", &qi, &pk) == 2 && qi >= 0 &&
			    qi < GEN_MAX)
				q[qi] = pk;
			sscanf(line, "mqrx queues=%d seconds=%*f mpps=%lf", &nq, &mp);
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) || isnan(mp) || nq < 1) {
			fprintf(stderr, "run: mqrx failed (status %d); see %s\n", st, logpath);
			continue;
		}
		for (i = 0; i < nq; i++) {
			sum += q[i];
			least = q[i] < least ? q[i] : least;
		}
		mq_share[mq_n] = sum ? (double)least / (double)sum : 0;
		mq_queues = nq;
		mq_mpps[mq_n++] = mp;
		printf("  rxdrop %d queues (quick, mqrx) round %d: %.3f Mpps; per queue:", nq,
		       k + 1, mp);
		for (i = 0; i < nq; i++)
			printf(" %.3f", (double)q[i] * 1e3 / (double)(t_exit - t_spawn));
		printf("\n");
		fflush(stdout);
	}

	/* Setup: fork+exec to bound and in the map, without a bpffs; teardown to rebind, one
	 * binds and exits, the next starts at once; then setup again with a bpffs. */
	if (!set_bpffs(0))
		setup_times(nsetup, setup_ms, ns);
	for (k = 0; k < nrebind; k++) {
		for (b = 0; b < NBUILD; b++) {
			const char *args[] = { "-i", "xa0", "-m", "rxdrop", "--setup-only", NULL };
			struct result r1, r2;

			run_one(b, args, 30, &r1);
			run_one(b, args, 30, &r2);
			if (r1.ok && r2.ok) {
				retry_ms[b][nr[b]] = r2.bind_retry_ms;
				rebind_ms[b][nr[b]++] = (double)(r2.bound_ns - r1.t_exit) / 1e6;
			}
			net__sleep_ms(100);
		}
	}

	if (!set_bpffs(1))
		setup_times(nsetup, setup_fs_ms, ns_fs);

	/* Footprint: a minimal receiver, linked statically and dynamically. */
	{
		static const char *const fp[] = { "rxmin-xsk-static", "rxmin-libxdp-static",
						   "rxmin-xsk", "rxmin-libxdp" };

		gen_start(ifb, 1, 0);
		for (i = 0; i < 4; i++)
			footprint(fp[i], &fp_size[i], &fp_rss[i]);
		gen_stop();
	}
	ir[0][0] = ring_ir("xsk", "ring_cycle");
	ir[0][1] = ring_ir("xsk", "desc_cycle");
	ir[1][0] = ring_ir("libxdp", "ring_cycle");
	ir[1][1] = ring_ir("libxdp", "desc_cycle");

	/* The table. */
	for (m = 0; m < NMODE; m++) {
		double g[NBUILD * MAX_ROUNDS];
		int n = 0;

		for (b = 0; b < NALL; b++) {
			double rr[MAX_ROUNDS];
			int nrr = 0;

			for (k = 0; k < rounds; k++)
				if (!isnan(by_round[m][b][k]) && !isnan(by_round[m][1][k]))
					rr[nrr++] = by_round[m][b][k] / by_round[m][1][k];
			ratio[m][b] = median(rr, nrr);
			med[m][b] = median(mpps[m][b], nm[m][b]);
			smed[m][b] = median(sinkr[m][b], nm[m][b]);
			for (i = 0; b < NBUILD && i < nm[m][b]; i++)
				g[n++] = genr[m][b][i];
		}
		gmed[m] = median(g, n);
	}
	printf("\n%-7s %8s %8s %8s  %10s %12s  %9s %9s %9s  %9s\n", "mode", "xsk", "libxdp",
	       "quick", "xsk/libxdp", "quick/libxdp", "xsk/lim", "libxdp/lim", "quick/lim",
	       "gen Mpps");
	for (m = 0; m < NMODE; m++) {
		printf("%-7s %8.3f %8.3f %8.3f  %10.3f %12.3f", modes[m], med[m][0], med[m][1],
		       med[m][2], ratio[m][0], ratio[m][2]);
		if (m == 0)
			printf("  %9.3f %9.3f %9.3f", med[m][0] / limit, med[m][1] / limit,
			       med[m][2] / limit);
		else
			printf("  %9s %9s %9s", "-", "-", "-");
		if (m != 2)
			printf("  %9.3f\n", gmed[m]);
		else
			printf("  %9s\n", "-");
	}
	printf("(Mpps: median of %d rounds of %d s; x/libxdp: median of the rounds' ratios, each "
	       "round running the builds back to back; limit: XDP_DROP on xa0 %.3f Mpps, "
	       "generator %.3f Mpps)\n", rounds, secs, limit, limit_gen);
	printf("rxdrop, the least a receiver can do (bench/rxbound, same rounds; not a usable "
	       "receiver): reading no descriptors %.3f Mpps (%.3f of libxdp), reading each "
	       "descriptor %.3f Mpps (%.3f of libxdp)\n", med[0][3], ratio[0][3], med[0][4],
	       ratio[0][4]);
	printf("delivered to the peer (sink on xb0), median Mpps: l2fwd %.3f %.3f %.3f, "
	       "txonly %.3f %.3f %.3f\n", smed[1][0], smed[1][1], smed[1][2], smed[2][0],
	       smed[2][1], smed[2][2]);
	printf("rxdrop on %d queues (quick path, bench/mqrx; a generator per CPU, random source "
	       "ports): %.3f Mpps, %.3f of the limit on %d queues (%.3f Mpps, generators %.3f); "
	       "smallest queue's share %.3f\n", mq_queues, median(mq_mpps, mq_n),
	       median(mq_mpps, mq_n) / mq_limit, ncpu, mq_limit, mq_limit_gen,
	       median(mq_share, mq_n));
	printf("\n%-7s %16s %16s %20s %18s  %s\n", "build", "setup ms (med)", "with bpffs",
	       "rebind ms (med)", "bind_retry ms (med)", "program left attached after exit");
	for (b = 0; b < NBUILD; b++)
		printf("%-7s %16.2f %16.2f %20.2f %18.2f  %d runs\n", builds[b],
		       median(setup_ms[b], ns[b]), median(setup_fs_ms[b], ns_fs[b]),
		       median(rebind_ms[b], nr[b]), median(retry_ms[b], nr[b]), left_attached[b]);
	printf("(setup: fork+exec to bound and in the map, median of %d, without a bpffs and "
	       "with one on /sys/fs/bpf as systemd mounts it (libxdp then tries its dispatcher); "
	       "rebind: the previous process's exit to the next one bound, without a bpffs, "
	       "median of %d)\n", nsetup, nrebind);
	getrusage(RUSAGE_SELF, &self_ru);
	printf("\nring operations, instructions per descriptor (callgrind, batch 64, plain "
	       "memory):\n  fill/comp (u64): xsk_ring.h %.2f, libxdp %.2f;  tx/rx (xdp_desc): "
	       "xsk_ring.h %.2f, libxdp %.2f\n", ir[0][0], ir[1][0], ir[0][1], ir[1][1]);
	printf("minimal receiver (bench/rxmin.c), size KiB / peak RSS KiB: static xsk %.0f / %.0f, "
	       "static libxdp %.0f / %.0f; dynamic xsk %.0f / %.0f, dynamic libxdp %.0f / %.0f "
	       "(harness RSS %ld KiB)\n", fp_size[0], fp_rss[0], fp_size[1], fp_rss[1],
	       fp_size[2], fp_rss[2], fp_size[3], fp_rss[3], self_ru.ru_maxrss);
	printf("setup xsk/libxdp %.3f, with bpffs %.3f; total %.0f s\n", median(setup_ms[0], ns[0]) /
	       median(setup_ms[1], ns[1]), median(setup_fs_ms[0], ns_fs[0]) /
	       median(setup_fs_ms[1], ns_fs[1]), (double)(now_ns() - tstart) / 1e9);

	if (json) {
		char *text = NULL, *t;
		size_t len = 0;
		FILE *out;

		jf = open_memstream(&text, &len);
		if (!jf) {
			perror("run: open_memstream");
			return 1;
		}
		fprintf(jf, "{\n  \"rounds\": %d, \"seconds\": %d, \"cpus\": %d,\n", rounds, secs,
			ncpu);
		fprintf(jf, "  \"limit_mpps\": %.4f, \"limit_generator_mpps\": %.4f,\n", limit,
			limit_gen);
		fprintf(jf, "  \"modes\": {\n");
		for (m = 0; m < NMODE; m++) {
			fprintf(jf, "    \"%s\": { \"generator_mpps\": %.4f", modes[m],
				m == 2 ? 0.0 : gmed[m]);
			for (b = 0; b < NBUILD; b++) {
				fprintf(jf, ", \"%s\": { \"median_mpps\": %.4f, "
					"\"ratio_to_libxdp\": %.4f, \"sink_mpps\": %.4f, "
					"\"rounds\": [", builds[b], med[m][b], ratio[m][b],
					smed[m][b]);
				for (i = 0; i < nm[m][b]; i++)
					fprintf(jf, "%s%.4f", i ? ", " : "", mpps[m][b][i]);
				fprintf(jf, "] }");
			}
			fprintf(jf, " }%s\n", m + 1 < NMODE ? "," : "");
		}
		fprintf(jf, "  },\n  \"rxdrop_bound\": { \"no_reads\": { \"median_mpps\": %.4f, "
			"\"ratio_to_libxdp\": %.4f }, \"reads\": { \"median_mpps\": %.4f, "
			"\"ratio_to_libxdp\": %.4f } ", med[0][3], ratio[0][3], med[0][4],
			ratio[0][4]);
		fprintf(jf, "},\n  \"multiqueue\": { \"queues\": %d, \"limit_mpps\": %.4f, "
			"\"median_mpps\": %.4f, \"smallest_queue_share\": %.4f, \"rounds\": [",
			mq_queues, mq_limit, median(mq_mpps, mq_n), median(mq_share, mq_n));
		for (i = 0; i < mq_n; i++)
			fprintf(jf, "%s%.4f", i ? ", " : "", mq_mpps[i]);
		fprintf(jf, "] },\n  \"setup\": {");
		for (b = 0; b < NBUILD; b++)
			fprintf(jf, "%s \"%s\": { \"setup_ms\": %.3f, \"setup_bpffs_ms\": %.3f, "
				"\"rebind_ms\": %.3f, \"bind_retry_ms\": %.3f, "
				"\"left_attached\": %d }", b ? "," : "", builds[b],
				median(setup_ms[b], ns[b]), median(setup_fs_ms[b], ns_fs[b]),
				median(rebind_ms[b], nr[b]), median(retry_ms[b], nr[b]),
				left_attached[b]);
		fprintf(jf, " },\n  \"ring_ir_per_desc\": { \"xsk\": { \"fill_comp\": %.3f, "
			"\"tx_rx\": %.3f }, \"libxdp\": { \"fill_comp\": %.3f, "
			"\"tx_rx\": %.3f } },\n",
			ir[0][0], ir[0][1], ir[1][0], ir[1][1]);
		fprintf(jf, "  \"footprint_kib\": { \"xsk_static\": { \"size\": %.0f, "
			"\"rss\": %.0f }, \"libxdp_static\": { \"size\": %.0f, \"rss\": %.0f }, "
			"\"xsk_dynamic\": { \"size\": %.0f, \"rss\": %.0f }, \"libxdp_dynamic\": "
			"{ \"size\": %.0f, \"rss\": %.0f } }\n}\n", fp_size[0], fp_rss[0],
			fp_size[1], fp_rss[1],
			fp_size[2], fp_rss[2], fp_size[3], fp_rss[3]);
		fclose(jf);
		out = fopen(json, "w");
		if (!out) {
			fprintf(stderr, "run: %s: %s\n", json, strerror(errno));
			return 1;
		}
		/* what was not measured (NaN) is null in JSON */
		for (t = text; *t; t++) {
			if (!strncmp(t, "-nan", 4) || !strncmp(t, "nan", 3)) {
				fputs("null", out);
				t += t[0] == '-' ? 3 : 2;
			} else {
				fputc(*t, out);
			}
		}
		fclose(out);
		free(text);
		printf("wrote %s\n", json);
	}
	return 0;
}
