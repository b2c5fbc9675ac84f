/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frames and resources: a forwarder whose RX ring overflows under 10^7 packets accounts
 * for every packet and keeps every frame; 1,000 create/traffic/destroy cycles leave
 * nothing behind; processes on the queues of one interface, started and killed in
 * random order, hold the XDP program exactly while one of them lives. (Shared UMEM:
 * shared_test.c.)
 */
#include "rig.h"
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

static void sandbox_veth(unsigned queues)
{
	net_sandbox(); /* each test gets a namespace of its own */
	REQUIRE(net_veth("xa0", "xb0", queues) == 0);
}

/* candidate for net.h */
/*
 * The driver statistic `name` of ifname (ethtool -S), in *val. 0, or -1 with errno
 * (ENOENT: the driver has no such statistic).
 */
static int eth_stat(const char *ifname, const char *name, uint64_t *val)
{
	uint64_t sset_buf[4]; /* struct ethtool_sset_info and one count */
	struct ethtool_sset_info *sset = (struct ethtool_sset_info *)sset_buf;
	struct ethtool_gstrings *str = NULL;
	struct ethtool_stats *st = NULL;
	struct ifreq ifr;
	int fd, ret = -1, err = ENOENT;
	uint32_t i, n;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	memset(sset_buf, 0, sizeof(sset_buf));
	sset->cmd = ETHTOOL_GSSET_INFO;
	sset->sset_mask = 1ULL << ETH_SS_STATS;
	ifr.ifr_data = (void *)sset;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		err = errno;
		goto out;
	}
	n = sset->sset_mask ? sset->data[0] : 0;
	str = calloc(1, sizeof(*str) + (size_t)n * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + (size_t)n * sizeof(uint64_t));
	if (!str || !st) {
		err = ENOMEM;
		goto out;
	}
	str->cmd = ETHTOOL_GSTRINGS;
	str->string_set = ETH_SS_STATS;
	str->len = n;
	ifr.ifr_data = (void *)str;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		err = errno;
		goto out;
	}
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = n;
	ifr.ifr_data = (void *)st;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		err = errno;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!strncmp((char *)str->data + (size_t)i * ETH_GSTRING_LEN, name,
			     ETH_GSTRING_LEN)) {
			*val = st->data[i];
			ret = 0;
			break;
		}
out:
	free(str);
	free(st);
	close(fd);
	if (ret)
		errno = err;
	return ret;
}

/* candidate for net.h */
/* Turns GRO on or off on ifname (ethtool -K ifname gro on|off). 0 or -1. */
static int eth_set_gro(const char *ifname, int on)
{
	struct ethtool_value v = { .cmd = ETHTOOL_SGRO, .data = (uint32_t)!!on };
	struct ifreq ifr;
	int fd, r;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&v;
	r = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return r ? -1 : 0;
}

/* candidate for net.h */
/* The packets ifname received and sent (/proc/net/dev: this namespace). 0 or -1. */
static int dev_packets(const char *ifname, uint64_t *rx, uint64_t *tx)
{
	unsigned long long v[10];
	char line[512], *p;
	size_t n = strlen(ifname);
	FILE *f = fopen("/proc/net/dev", "re");
	int ret = -1;

	if (!f)
		return -1;
	while (ret && fgets(line, sizeof(line), f)) {
		for (p = line; *p == ' '; p++)
			;
		if (strncmp(p, ifname, n) || p[n] != ':')
			continue;
		/* rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes packets */
		if (sscanf(p + n + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 10) {
			*rx = v[1];
			*tx = v[9];
			ret = 0;
		}
	}
	fclose(f);
	if (ret)
		errno = ENOENT;
	return ret;
}

/* ---- a forwarder under overload ------------------------------------------------------ */

/* The generator thread: g->total test frames into xa0, in chunks so it can stop. */
struct gen {
	int ifindex;
	uint64_t total;
	uint64_t done; /* frames generated, read once the thread is joined */
	int err;       /* errno of a failed net_gen_live */
	int finished;  /* set by the thread at the end */
	int stop;      /* set to end it early */
};

static void *gen_main(void *arg)
{
	struct gen *g = arg;
	unsigned char frame[NET_FRAME_MIN];
	uint64_t chunk;

	net_frame(frame, sizeof(frame), 7);
	while (g->done < g->total && !__atomic_load_n(&g->stop, __ATOMIC_ACQUIRE)) {
		chunk = g->total - g->done < 65536 ? g->total - g->done : 65536;
		if (net_gen_live(g->ifindex, frame, sizeof(frame), (uint32_t)chunk)) {
			g->err = errno;
			break;
		}
		g->done += chunk;
	}
	__atomic_store_n(&g->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void swap_macs(unsigned char *p)
{
	unsigned char tmp[ETH_ALEN];

	memcpy(tmp, p, ETH_ALEN);
	memcpy(p, p + ETH_ALEN, ETH_ALEN);
	memcpy(p + ETH_ALEN, tmp, ETH_ALEN);
}

struct fwd {
	uint64_t received, forwarded, completed, bad;
	__u64 last_addr; /* of the last frame received */
};

/*
 * One round of the forwarder: completed frames back to the fill ring (it holds every
 * frame), then as many received frames as the TX ring has room for sent back out with
 * their MACs swapped, as examples/l2fwd.c does. Returns the number received, or -1.
 */
static int fwd_poll(struct rig *r, struct fwd *f)
{
	__u32 idx = 0, fidx = 0, tidx = 0, n, i, room;

	n = xsk_ring_cons__peek(&r->comp, r->comp.size, &idx);
	if (n) {
		if (!CHECK_EQ(xsk_ring_prod__reserve(&r->fill, n, &fidx), n))
			return -1;
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&r->fill, fidx + i) =
				*xsk_ring_cons__comp_addr(&r->comp, idx + i);
		xsk_ring_prod__submit(&r->fill, n);
		xsk_ring_cons__release(&r->comp, n);
		f->completed += n;
	}
	room = xsk_prod_nb_free(&r->tx, 64);
	n = xsk_ring_cons__peek(&r->rx, room < 64 ? room : 64, &idx);
	if (n) {
		if (!CHECK_EQ(xsk_ring_prod__reserve(&r->tx, n, &tidx), n))
			return -1;
		for (i = 0; i < n; i++) {
			const struct xdp_desc *in = xsk_ring_cons__rx_desc(&r->rx, idx + i);
			struct xdp_desc *out = xsk_ring_prod__tx_desc(&r->tx, tidx + i);
			unsigned char *p = xsk_umem__get_data(r->area, in->addr);

			f->bad += net_frame_check(p, in->len, NULL) != 0;
			swap_macs(p);
			*out = *in; /* the same frame goes out: nothing is copied */
			f->last_addr = in->addr;
		}
		xsk_ring_prod__submit(&r->tx, n);
		xsk_ring_cons__release(&r->rx, n);
		f->received += n;
		f->forwarded += n;
	}
	if ((f->forwarded != f->completed && !CHECK(xsk_socket__wakeup_tx(r->xsk) >= 0)) ||
	    !CHECK(xsk_socket__wakeup_rx(r->xsk) >= 0))
		return -1;
	return (int)n;
}

/* Runs the forwarder until *done is set and for quiet_ms nothing arrived and nothing was
 * in flight; 0, or -1 on an error or after timeout_ms. */
static int fwd_run(struct rig *r, struct fwd *f, const int *done, int quiet_ms, int timeout_ms)
{
	long long start = rig_now_ms(), busy = start;
	int n;

	for (;;) {
		n = fwd_poll(r, f);
		if (n < 0)
			return -1;
		if (n || f->forwarded != f->completed || !__atomic_load_n(done, __ATOMIC_ACQUIRE))
			busy = rig_now_ms();
		else if (rig_now_ms() - busy > quiet_ms)
			return 0;
		if (rig_now_ms() - start > timeout_ms) {
			printf("fwd_run: still busy after %d ms\n", timeout_ms);
			return -1;
		}
	}
}

/* The UMEM address of the only frame that is not on the fill ring, or UINT64_MAX if
 * not exactly one is missing. For a quiet rig whose frames all went to the fill ring. */
static __u64 missing_frame(const struct rig *r)
{
	__u32 cons = *r->fill.consumer, prod = *r->fill.producer, i, k = 0, found = 0;
	unsigned char *seen = calloc(r->frames, 1);
	__u64 addr = UINT64_MAX;

	if (!seen)
		return UINT64_MAX;
	for (i = cons; i != prod; i++)
		seen[((const __u64 *)r->fill.ring)[i & r->fill.mask] / r->frame_size] = 1;
	for (i = 0; i < r->frames; i++)
		if (!seen[i]) {
			k = i;
			found++;
		}
	if (found == 1)
		addr = (__u64)k * r->frame_size;
	free(seen);
	return addr;
}

/*
 * The fast generator (net_gen_live, several Mpps, in a second thread) sends frames from
 * xb0 into a forwarder on xa0 with a 64-entry RX ring, which overflows. Afterwards every
 * generated frame is accounted for, forwarded or counted as dropped by veth or by the
 * socket (XDP_STATISTICS); every forwarded frame left through xa0 and reached xb0; and
 * every UMEM frame is back (the ledger).
 *
 * 10^7 frames in native mode, 2 * 10^6 in the other modes (10^8 in all with XSK_SOAK=1):
 * a mode takes about 1 s per 10^6 frames here, and the file's budget has no room for
 * four times 10^7.
 */
static void test_forward_overflow(void)
{
	struct gen g = { .total = (uint64_t)rig_soak(rig_mode == rig_modes ? 10000000 : 2000000,
						     100000000) };
	uint64_t xmit = 0, xmit_err = 0, rx_b = 0, tx_a = 0, unused;
	unsigned char frame[NET_FRAME_MIN];
	struct xdp_statistics st, st2;
	struct fwd f = { 0 };
	struct rig_cfg cfg;
	struct rig r;
	pthread_t gen_thread;
	long long start;
	int yes = 1, err, k;
	__u64 missing = UINT64_MAX;

	sandbox_veth(1);
	/* The generator's frames reach xa0 through veth's NAPI ring (ndo_xdp_xmit), which
	 * exists with a native XDP program or with GRO on: in generic mode, GRO. */
	if (rig_mode->xdp_flags == XDP_FLAGS_SKB_MODE)
		REQUIRE(eth_set_gro("xa0", 1) == 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.fill_size = cfg.comp_size = RIG_FRAMES; /* room for every frame */
	cfg.rx_size = 64;
	cfg.tx_size = 2048;
	cfg.xdp_flags = rig_mode->xdp_flags;
	cfg.bind_flags = rig_mode->bind_flags;
	REQUIRE(rig_open_cfg(&r, "xa0", 0, &cfg) == 0);
	REQUIRE(rig_fill(&r, RIG_FRAMES) == 0);
	g.ifindex = net_ifindex("xb0");
	start = rig_now_ms();
	REQUIRE(pthread_create(&gen_thread, NULL, gen_main, &g) == 0);
	err = fwd_run(&r, &f, &g.finished, 200, 300000);
	__atomic_store_n(&g.stop, 1, __ATOMIC_RELEASE);
	pthread_join(gen_thread, NULL);
	printf("  %llu frames generated, %llu forwarded in %lld ms\n",
	       (unsigned long long)g.done, (unsigned long long)f.forwarded,
	       rig_now_ms() - start);
	REQUIRE(err == 0);
	CHECK_EQ(g.err, 0);
	CHECK_EQ(g.done, g.total);
	CHECK_EQ(f.bad, 0);
	CHECK_EQ(f.completed, f.forwarded);
	/* generated = into xa0's ring + dropped by veth (its ring full); into the ring =
	 * received + dropped by the socket (RX ring full, or no fill frame). On a loaded
	 * machine veth's NAPI may still be busy: give it up to 5 s. */
	CHECK_EQ(eth_stat("xb0", "tx_queue_0_xdp_xmit", &xmit), 0);
	CHECK_EQ(eth_stat("xb0", "tx_queue_0_xdp_xmit_errors", &xmit_err), 0);
	CHECK_EQ(xmit + xmit_err, g.done);
	for (k = 0; k < 50; k++) {
		REQUIRE(xsk_socket__stats(r.xsk, &st) == 0);
		if (f.received + st.rx_ring_full + st.rx_dropped == xmit)
			break;
		REQUIRE(fwd_run(&r, &f, &yes, 100, 10000) == 0);
	}
	CHECK_EQ(f.received + st.rx_ring_full + st.rx_dropped, xmit);
	CHECK(st.rx_ring_full + st.rx_fill_ring_empty_descs > 0); /* it did overflow */

	/* For a packet that finds the RX ring full the kernel has already taken a frame off
	 * the fill ring, and keeps it (xsk_buff_pool's free list) for the next packet. So
	 * one frame may be on no ring now, and then the next packet must arrive in it. */
	if (rig_accounted(&r) != r.frames) {
		CHECK_EQ(rig_accounted(&r), r.frames - 1);
		missing = missing_frame(&r);
		CHECK(missing != UINT64_MAX);
		printf("  the kernel holds frame %llu for the next packet\n",
		       (unsigned long long)missing / r.frame_size);
	}
	net_frame(frame, sizeof(frame), 7);
	REQUIRE(net_gen_live(g.ifindex, frame, sizeof(frame), 1) == 0);
	CHECK_EQ(fwd_run(&r, &f, &yes, 100, 10000), 0);
	CHECK_EQ(f.received + st.rx_ring_full + st.rx_dropped, xmit + 1);
	if (missing != UINT64_MAX)
		CHECK_EQ(f.last_addr - f.last_addr % r.frame_size, missing);
	REQUIRE(xsk_socket__stats(r.xsk, &st2) == 0);
	CHECK_EQ(st2.rx_ring_full, st.rx_ring_full);
	CHECK_EQ(st2.rx_dropped, st.rx_dropped);
	CHECK_EQ(f.completed, f.forwarded);
	/* what the forwarder sent left xa0 and reached xb0 (whose stack drops it) */
	CHECK_EQ(dev_packets("xa0", &unused, &tx_a), 0);
	CHECK_EQ(dev_packets("xb0", &rx_b, &unused), 0);
	CHECK_EQ(tx_a, f.forwarded);
	CHECK_EQ(rx_b, f.forwarded);
	CHECK_EQ(rig_ledger(&r, 0, 2000), 0);
	rig_close(&r);
}

/* ---- create, pass traffic, destroy: 1,000 times ----------------------------------- */

#define CYCLE_IDS 8 /* BPF objects one cycle makes: the program, its maps, the link */

struct bpf_id {
	char kind; /* 'p'rog, 'm'ap, 'l'ink */
	uint32_t id;
	long cycle;
};

/* Appends prog_id, its maps and its link to ids; returns how many. */
static int prog_objects(uint32_t prog_id, long cycle, struct bpf_id *ids)
{
	uint32_t map_ids[CYCLE_IDS - 2], link;
	int i, n = 0, maps = net_prog_map_ids(prog_id, map_ids, CYCLE_IDS - 2);

	ids[n++] = (struct bpf_id){ 'p', prog_id, cycle };
	for (i = 0; i < maps && i < CYCLE_IDS - 2; i++)
		ids[n++] = (struct bpf_id){ 'm', map_ids[i], cycle };
	link = net_xdp_link_id(prog_id);
	if (link)
		ids[n++] = (struct bpf_id){ 'l', link, cycle };
	return n;
}

/* How many of ids the system still has (s: a snapshot); prints them if `say`. */
static long ids_left(const struct net_snap *s, const struct bpf_id *ids, long n, int say)
{
	long i, left = 0;

	for (i = 0; i < n; i++) {
		const struct net_snap_ids *l = ids[i].kind == 'p' ? &s->prog_ids :
					       ids[i].kind == 'm' ? &s->map_ids : &s->link_ids;

		if (!net_snap_has_id(l, ids[i].id))
			continue;
		left++;
		if (say)
			printf("  BPF %s id %u of cycle %ld is still there\n",
			       ids[i].kind == 'p' ? "prog" : ids[i].kind == 'm' ? "map" : "link",
			       ids[i].id, ids[i].cycle);
	}
	return left;
}

/*
 * One worker of test_cycles, in a child process: `cycles` times a UMEM and a socket on
 * queue 0 of its own veth pair (the program attached), two frames received and two sent,
 * the ledger, everything destroyed; the modes take turns. No XDP program on the
 * interface after any cycle; at the end the same fds and mappings as before, and no BPF
 * program, map or link that a cycle made left in the system. Returns the exit status.
 */
static int cycles_worker(int w, long cycles)
{
	struct bpf_id *ids = calloc((size_t)cycles * CYCLE_IDS, sizeof(*ids));
	long long t0, t_open = 0, t_all, busy_ms = 0, worst = 0;
	struct net_snap before, after;
	char a[IFNAMSIZ], b[IFNAMSIZ];
	unsigned char buf[256];
	uint32_t rseq = 0, tseq = 0;
	int pkt, ifindex, busy = 0, k;
	long i, nids = 0;

	t__in_test = 0; /* a failed REQUIRE exits the child */
	t__nfailed = 0;
	snprintf(a, sizeof(a), "xa%d", w);
	snprintf(b, sizeof(b), "xb%d", w);
	REQUIRE(ids);
	net_sandbox(); /* a namespace of its own: its snapshots see only its interfaces */
	REQUIRE(net_veth(a, b, 1) == 0);
	ifindex = net_ifindex(a);
	pkt = net_pkt_sock(b);
	REQUIRE(pkt >= 0);
	net_snap_take(&before);
	t_all = rig_now_ms();
	for (i = 0; i < cycles && !t__nfailed; i++) {
		const struct rig_mode *m = &rig_modes[i % 4];
		struct rig_cfg cfg;
		struct rig r;
		uint32_t s;
		long ms;
		char *p;
		int err;

		memset(&cfg, 0, sizeof(cfg));
		cfg.frames = 64;
		cfg.fill_size = cfg.comp_size = cfg.rx_size = cfg.tx_size = 64;
		cfg.xdp_flags = m->xdp_flags;
		cfg.bind_flags = m->bind_flags;
		rig_last_msg[0] = '\0';
		t0 = rig_now_ms();
		err = rig_open_cfg(&r, a, 0, &cfg);
		t0 = rig_now_ms() - t0;
		if (!CHECK_EQ(err, 0)) {
			printf("  %s cycle %ld (%s): %s\n", a, i, m->name, rig_last_msg);
			break;
		}
		t_open += t0;
		worst = t0 > worst ? t0 : worst;
		/* the library's debug message when bind had to wait for the queue */
		p = strstr(rig_last_msg, "busy for about ");
		if (p && sscanf(p, "busy for about %ld", &ms) == 1) {
			busy++;
			busy_ms += ms;
		}
		s = net_xdp_prog_id(ifindex);
		CHECK(s != 0);
		nids += prog_objects(s, i, ids + nids);
		REQUIRE(rig_fill(&r, 32) == 0);
		for (k = 0; k < 2; k++)
			REQUIRE(!net_pkt_send(pkt, buf, net_frame(buf, 100, rseq + (uint32_t)k)));
		if (!CHECK_EQ(rig_recv(&r, 2, &rseq, 100, 2000), 2))
			printf("  %s cycle %ld (%s)\n", a, i, m->name);
		CHECK_EQ(rig_tx(&r, 2, &tseq, 100, 2000), 2);
		for (k = 0; k < 2; k++) {
			ssize_t len = net_pkt_recv_ours(pkt, buf, sizeof(buf), 2000);

			if (!CHECK_EQ(len, 100) || !CHECK_EQ(net_frame_check(buf, 100, &s), 0) ||
			    !CHECK_EQ(s, tseq - 2 + (uint32_t)k))
				break;
		}
		CHECK_EQ(rig_ledger(&r, 0, 2000), 0);
		rig_close(&r);
		CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
	}
	t_all = rig_now_ms() - t_all;
	printf("  %s: %ld cycles, %.1f ms each; create %.1f ms on average (worst %lld ms); "
	       "bind waited for the queue in %d cycles, %.1f ms on average\n", a, i,
	       (double)t_all / (double)(i ? i : 1), (double)t_open / (double)(i ? i : 1), worst,
	       busy, busy ? (double)busy_ms / busy : 0.0);
	/* A program's maps are freed after an RCU grace period: give them 2 s. */
	for (k = 0; k < 100; k++) {
		net_snap_take(&after);
		if (!ids_left(&after, ids, nids, 0))
			break;
		net_snap_free(&after);
		net__sleep_ms(20);
	}
	if (k == 100)
		net_snap_take(&after);
	CHECK(nids >= 3 * i); /* a program, its xsks_map, a link at least */
	CHECK_EQ(ids_left(&after, ids, nids, 1), 0);
	CHECK(net_snap_same(&before, &after, 0));
	net_snap_free(&before);
	net_snap_free(&after);
	close(pkt);
	free(ids);
	fflush(stdout);
	return t__nfailed ? 1 : 0;
}

/*
 * rig_soak(1000, 10000) create/traffic/destroy cycles (cycles_worker), shared by two
 * worker processes on veth pairs of their own: a cycle mostly waits for the kernel (RCU
 * grace periods when the program is detached and the socket closed), so two at a time
 * take half as long. Every cycle rebinds the queue the previous one just closed.
 *
 * The system-wide BPF id lists (bpf_*_get_next_id) are not compared whole: other
 * processes, such as tests running at the same time, load and free BPF objects
 * meanwhile. Each cycle notes the ids of the objects it made, and they must be gone
 * from the list. (An object of ours that is not gone is held by an fd of ours, by an
 * attachment to our interface, or by another object of ours: the fd and XDP checks and
 * the noted ids see all three.)
 */
#define CYCLE_WORKERS 2

static void test_cycles(void)
{
	const long cycles = rig_soak(1000, 10000);
	pid_t pid[CYCLE_WORKERS];
	long long start = rig_now_ms();
	int w, st;

	fflush(stdout);
	for (w = 0; w < CYCLE_WORKERS; w++) {
		pid[w] = fork();
		REQUIRE(pid[w] >= 0);
		if (pid[w] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1)
				_exit(1); /* the parent is gone already */
			_exit(cycles_worker(w, cycles / CYCLE_WORKERS));
		}
	}
	for (w = 0; w < CYCLE_WORKERS; w++) {
		CHECK_EQ(waitpid(pid[w], &st, 0), pid[w]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	printf("  %ld cycles in %lld ms\n", cycles, rig_now_ms() - start);
}

/* ---- processes on the queues of one interface, started and ended at random ---------- */

#define PROC_QUEUES 4

struct proc {
	pid_t pid;   /* 0: the queue is free */
	int up;      /* reads the child's report */
	int down;    /* the child exits when it reads from this: 'c' after deleting its
		      * socket, at EOF without */
};

struct proc_report {
	int err;          /* of rig_open_cfg */
	int mode;         /* xsk_socket__xdp_mode */
	uint32_t prog_id; /* on xa0 once the socket was made */
	int ms;           /* how long rig_open_cfg took */
};

static unsigned proc_rand(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 16;
}

/* Starts a process with a socket on xa0/queue and reads its report into p[queue]; all:
 * the PROC_QUEUES processes. 0 or -1. */
static int proc_start(struct proc *all, __u32 queue, __u32 xdp_flags, struct proc_report *rep)
{
	struct proc *p = &all[queue];
	int up[2], down[2], i;
	pid_t parent = getpid();

	p->pid = 0;
	if (pipe2(up, O_CLOEXEC))
		return -1;
	if (pipe2(down, O_CLOEXEC)) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	fflush(stdout);
	p->pid = fork();
	if (p->pid == 0) {
		struct rig_cfg cfg;
		struct rig r;
		long long t0 = rig_now_ms();
		char c = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1); /* the parent died before prctl */
		close(up[0]);
		close(down[1]);
		for (i = 0; i < PROC_QUEUES; i++)
			if (all[i].pid && &all[i] != p) { /* or they would never see EOF */
				close(all[i].up);
				close(all[i].down);
			}
		memset(rep, 0, sizeof(*rep));
		memset(&cfg, 0, sizeof(cfg));
		cfg.frames = 64;
		cfg.fill_size = cfg.comp_size = cfg.rx_size = cfg.tx_size = 64;
		cfg.xdp_flags = xdp_flags;
		rep->err = rig_open_cfg(&r, "xa0", queue, &cfg);
		rep->ms = (int)(rig_now_ms() - t0);
		if (!rep->err) {
			rep->mode = xsk_socket__xdp_mode(r.xsk);
			rep->prog_id = net_xdp_prog_id(net_ifindex("xa0"));
		}
		if (write(up[1], rep, sizeof(*rep)) != sizeof(*rep))
			_exit(2);
		if (read(down[0], &c, 1) == 1 && c == 'c' && !rep->err)
			rig_close(&r);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	p->up = up[0];
	p->down = down[1];
	if (p->pid < 0) {
		p->pid = 0;
		close(p->up);
		close(p->down);
		return -1;
	}
	return read(p->up, rep, sizeof(*rep)) == sizeof(*rep) ? 0 : -1;
}

/* Ends the process: how = 0 SIGKILL, 1 exit after deleting the socket, 2 exit without.
 * reap: wait for it. Returns 0 if it ended as told. */
static int proc_end(struct proc *p, int how, int reap)
{
	int st = 0, ok;

	if (how == 0)
		kill(p->pid, SIGKILL);
	else if (how == 1 && write(p->down, "c", 1) != 1)
		return -1;
	close(p->down);
	close(p->up);
	if (!reap)
		return 0;
	ok = waitpid(p->pid, &st, 0) == p->pid &&
	     (how == 0 ? WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL
		       : WIFEXITED(st) && WEXITSTATUS(st) == 0);
	p->pid = 0;
	return ok ? 0 : -1;
}

/*
 * Processes with a socket each on the queues of a 4-queue veth, started and ended
 * (SIGKILL, exit after deleting the socket, exit without) in a random order, seeded
 * (XSK_SEED=n repeats a run), for rig_soak(20, 200) steps. After each step the XDP program
 * is attached exactly while some process lives: the one the first process attached,
 * shared by the later ones, until the last has gone (a bounded wait for the kernel to
 * release the link). A process started right after another one on its queue binds at
 * once; some steps start it before the killed one has even been reaped. Native and
 * generic; need_wakeup changes nothing here.
 */
static void processes(__u32 xdp_flags)
{
	const long steps = rig_soak(20, 200);
	const char *env = getenv("XSK_SEED");
	unsigned seed = env ? (unsigned)strtoul(env, NULL, 0)
			    : (unsigned)time(NULL) ^ (unsigned)getpid();
	unsigned rnd = seed;
	struct proc p[PROC_QUEUES];
	struct proc_report rep;
	uint32_t prog_id = 0;
	int ifindex, live = 0, last_freed = -1, starts = 0, rebinds = 0, restarts = 0, worst = 0;
	int q;
	long step;

	printf("  seed %u (XSK_SEED=%u repeats this run)\n", seed, seed);
	sandbox_veth(PROC_QUEUES);
	ifindex = net_ifindex("xa0");
	memset(p, 0, sizeof(p));
	for (step = 0; step < steps && !t__test_failed; step++) {
		int start = live == 0 || (live < PROC_QUEUES && proc_rand(&rnd) % 2);
		int how;

		if (start) {
			/* mostly the queue the last step freed, as a restarted program does */
			q = last_freed;
			if (q < 0 || p[q].pid || proc_rand(&rnd) % 4 == 0)
				do
					q = (int)(proc_rand(&rnd) % PROC_QUEUES);
				while (p[q].pid);
			if (!CHECK_EQ(proc_start(p, (__u32)q, xdp_flags, &rep), 0))
				break;
			starts++;
			rebinds += q == last_freed;
			worst = rep.ms > worst ? rep.ms : worst;
			if (!CHECK_EQ(rep.err, 0) || !CHECK_EQ(rep.mode, xdp_flags))
				printf("  step %ld: start on queue %d: %s\n", step, q,
				       strerror(-rep.err));
			if (live)
				CHECK_EQ(rep.prog_id, prog_id); /* shared, not replaced */
			else
				CHECK(rep.prog_id != 0 && rep.prog_id != prog_id);
			prog_id = rep.prog_id;
			live++;
			last_freed = -1;
		} else {
			do
				q = (int)(proc_rand(&rnd) % PROC_QUEUES);
			while (!p[q].pid);
			how = (int)(proc_rand(&rnd) % 4);
			/* 3: a restart: SIGKILL, and the next process on the queue at once */
			if (how == 3) {
				pid_t old = p[q].pid;
				int st, err;

				proc_end(&p[q], 0, 0);
				err = proc_start(p, (__u32)q, xdp_flags, &rep);
				CHECK_EQ(waitpid(old, &st, 0), old);
				if (!CHECK_EQ(err, 0))
					break;
				starts++;
				restarts++;
				worst = rep.ms > worst ? rep.ms : worst;
				if (!CHECK_EQ(rep.err, 0))
					printf("  step %ld: restart on queue %d: %s\n", step, q,
					       strerror(-rep.err));
				CHECK(rep.prog_id != 0);
				if (live > 1)
					CHECK_EQ(rep.prog_id, prog_id);
				prog_id = rep.prog_id;
			} else {
				CHECK_EQ(proc_end(&p[q], how, 1), 0);
				live--;
				last_freed = q;
			}
		}
		/* attached exactly while some socket lives */
		if (live)
			CHECK_EQ(net_xdp_prog_id(ifindex), prog_id);
		else
			CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
		if (t__test_failed)
			printf("  step %ld: %d processes live\n", step, live);
	}
	printf("  %d processes started: %d on the queue the previous step freed, %d before "
	       "the killed one on theirs was reaped; the slowest took %d ms to open\n", starts,
	       rebinds, restarts, worst);
	for (q = 0; q < PROC_QUEUES; q++)
		if (p[q].pid)
			CHECK_EQ(proc_end(&p[q], 0, 1), 0);
	CHECK_EQ(net_wait_no_xdp(ifindex, 2000), 0);
}

static void test_processes_native(void) { processes(XDP_FLAGS_DRV_MODE); }
static void test_processes_generic(void) { processes(XDP_FLAGS_SKB_MODE); }

int main(void)
{
	t_need_root();
	RIG_RUN_MODES(test_forward_overflow);
	T_RUN(test_cycles);
	T_RUN(test_processes_native);
	T_RUN(test_processes_generic);
	return t_done();
}
