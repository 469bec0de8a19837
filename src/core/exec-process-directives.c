/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsers of the process attributes of the sandbox (exec-process.h): capabilities,
 * SecureBits=, CPU and I/O scheduling, TimerSlackNSec=, Personality=, and the settings
 * that become seccomp filters. Values are only checked and stored here; spawn-process.c
 * and spawn-seccomp.c apply them in the child. A bad value is a warning with file:line
 * and is ignored; nothing here fails a unit's load. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <syslog.h>

#include "core/exec-process.h"
#include "core/syscall-table.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "time-util.h"

/* A parser that sets several fields gets a pointer to one of them; this finds the rest. */
#define PROCESS_OF(data, field) \
	((struct exec_process *)((char *)(data) - offsetof(struct exec_process, field)))

#define syntax_warning(c, ...) log_syntax((c)->file, (c)->line, LOG_WARNING, 0, __VA_ARGS__)

_Static_assert(NAMESPACE_FLAGS_ALL == (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNET |
				       CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER |
				       CLONE_NEWUTS | 0x80 /* CLONE_NEWTIME */),
	       "NAMESPACE_FLAGS_ALL must be every CLONE_NEW* flag");

void
exec_process_init(struct exec_process *p)
{
	*p = (struct exec_process) {
		.cpu_sched_policy = -1,
		.cpu_sched_priority = -1,
		.io_class = -1,
		.io_priority = -1,
	};
}

void
exec_process_done(struct exec_process *p)
{
	p->cpu_affinity = mfree(p->cpu_affinity);
	p->syscall_filter = mfree(p->syscall_filter);
	p->syscall_errnos = mfree(p->syscall_errnos);
}

bool
exec_process_has_seccomp(const struct exec_process *p)
{
	return p->syscall_filter || p->syscall_archs ||
	       (p->namespaces_set && (NAMESPACE_FLAGS_ALL & ~p->restrict_namespaces)) ||
	       p->address_families_set || p->lock_personality || p->memory_deny_write_execute ||
	       p->restrict_realtime || p->restrict_suid_sgid;
}

/* One word of v per call: 1 with *w set, 0 at the end, <0 on error (logged). */
static int
next_word(const struct parse_ctx *c, const char **p, char **w, const char *separators)
{
	int r = extract_word(p, w, separators, EXTRACT_UNQUOTE);

	if (r == -EINVAL)
		syntax_warning(c, "Bad quoting in %s=, ignoring.", c->key);
	return r;
}

/* A leading '~' inverts a list; returns the rest. */
static const char *
skip_invert(const char *v, bool *invert)
{
	*invert = v[0] == '~';
	return v + *invert;
}

struct name_value {
	const char *name;
	int value;
};

static int
lookup(const struct name_value *t, const char *name)
{
	for (; t->name; t++)
		if (streq(t->name, name))
			return t->value;
	return -1;
}

/* ---- Capabilities and SecureBits= ---- */

static const char *const capability_names[] = {
	[CAP_CHOWN] = "CAP_CHOWN",
	[CAP_DAC_OVERRIDE] = "CAP_DAC_OVERRIDE",
	[CAP_DAC_READ_SEARCH] = "CAP_DAC_READ_SEARCH",
	[CAP_FOWNER] = "CAP_FOWNER",
	[CAP_FSETID] = "CAP_FSETID",
	[CAP_KILL] = "CAP_KILL",
	[CAP_SETGID] = "CAP_SETGID",
	[CAP_SETUID] = "CAP_SETUID",
	[CAP_SETPCAP] = "CAP_SETPCAP",
	[CAP_LINUX_IMMUTABLE] = "CAP_LINUX_IMMUTABLE",
	[CAP_NET_BIND_SERVICE] = "CAP_NET_BIND_SERVICE",
	[CAP_NET_BROADCAST] = "CAP_NET_BROADCAST",
	[CAP_NET_ADMIN] = "CAP_NET_ADMIN",
	[CAP_NET_RAW] = "CAP_NET_RAW",
	[CAP_IPC_LOCK] = "CAP_IPC_LOCK",
	[CAP_IPC_OWNER] = "CAP_IPC_OWNER",
	[CAP_SYS_MODULE] = "CAP_SYS_MODULE",
	[CAP_SYS_RAWIO] = "CAP_SYS_RAWIO",
	[CAP_SYS_CHROOT] = "CAP_SYS_CHROOT",
	[CAP_SYS_PTRACE] = "CAP_SYS_PTRACE",
	[CAP_SYS_PACCT] = "CAP_SYS_PACCT",
	[CAP_SYS_ADMIN] = "CAP_SYS_ADMIN",
	[CAP_SYS_BOOT] = "CAP_SYS_BOOT",
	[CAP_SYS_NICE] = "CAP_SYS_NICE",
	[CAP_SYS_RESOURCE] = "CAP_SYS_RESOURCE",
	[CAP_SYS_TIME] = "CAP_SYS_TIME",
	[CAP_SYS_TTY_CONFIG] = "CAP_SYS_TTY_CONFIG",
	[CAP_MKNOD] = "CAP_MKNOD",
	[CAP_LEASE] = "CAP_LEASE",
	[CAP_AUDIT_WRITE] = "CAP_AUDIT_WRITE",
	[CAP_AUDIT_CONTROL] = "CAP_AUDIT_CONTROL",
	[CAP_SETFCAP] = "CAP_SETFCAP",
	[CAP_MAC_OVERRIDE] = "CAP_MAC_OVERRIDE",
	[CAP_MAC_ADMIN] = "CAP_MAC_ADMIN",
	[CAP_SYSLOG] = "CAP_SYSLOG",
	[CAP_WAKE_ALARM] = "CAP_WAKE_ALARM",
	[CAP_BLOCK_SUSPEND] = "CAP_BLOCK_SUSPEND",
	[CAP_AUDIT_READ] = "CAP_AUDIT_READ",
	[38] = "CAP_PERFMON",
	[39] = "CAP_BPF",
	[40] = "CAP_CHECKPOINT_RESTORE",
};

const char *
capability_to_name(int cap)
{
	if (cap < 0 || (size_t)cap >= ELEMENTSOF(capability_names))
		return NULL;
	return capability_names[cap];
}

/* "CAP_NET_ADMIN" in any case, or a number below 64. */
static int
capability_from_name(const char *s)
{
	unsigned n;

	if (safe_atou(s, &n) >= 0)
		return n < 64 ? (int)n : -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(capability_names); i++)
		if (capability_names[i] && strcasecmp(capability_names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

/* CapabilityBoundingSet= (arg CAPS_BOUNDING) and AmbientCapabilities= (CAPS_AMBIENT): lines
 * OR together, "~" lines are subtracted; the first "~" line starts from every capability. */
int
parse_capability_set(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = arg == CAPS_BOUNDING ? PROCESS_OF(data, capability_bounding_set) :
						       PROCESS_OF(data, ambient_capabilities);
	bool *is_set = arg == CAPS_BOUNDING ? &p->bounding_set_set : &p->ambient_set;
	uint64_t *set = data, sum = 0;
	unsigned words = 0;
	bool invert;
	char *w;
	int r;

	if (isempty(v)) { /* the empty set, whatever came before */
		*set = 0;
		*is_set = true;
		return 0;
	}
	v = skip_invert(v, &invert);
	while ((r = next_word(c, &v, &w, NULL)) > 0) {
		int cap = capability_from_name(w);

		words++;
		if (cap < 0)
			syntax_warning(c, "Unknown capability '%s' in %s=, ignoring it.", w,
				       c->key);
		else
			sum |= UINT64_C(1) << cap;
		free(w);
	}
	if (r < 0)
		return r;
	if (words > 0 && sum == 0) /* nothing known: the line changes nothing */
		return -EINVAL;
	if (!invert)
		*set = *is_set ? *set | sum : sum;
	else if (words == 0) /* a lone "~": every capability, undoing earlier lines */
		*set = CAPABILITY_ALL;
	else
		*set = (*is_set ? *set : CAPABILITY_ALL) & ~sum;
	*is_set = true;
	return 0;
}

static const struct name_value securebits_names[] = {
	{ "noroot", 1 << SECURE_NOROOT },
	{ "noroot-locked", 1 << SECURE_NOROOT_LOCKED },
	{ "no-setuid-fixup", 1 << SECURE_NO_SETUID_FIXUP },
	{ "no-setuid-fixup-locked", 1 << SECURE_NO_SETUID_FIXUP_LOCKED },
	{ "keep-caps", 1 << SECURE_KEEP_CAPS },
	{ "keep-caps-locked", 1 << SECURE_KEEP_CAPS_LOCKED },
	{ NULL }
};

/* SecureBits=: names OR together; the empty value resets to none. */
int
parse_securebits(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = PROCESS_OF(data, securebits);
	unsigned bits = 0;
	char *w;
	int r;

	if (isempty(v)) {
		p->securebits = 0;
		p->securebits_set = false;
		return 0;
	}
	while ((r = next_word(c, &v, &w, NULL)) > 0) {
		int b = lookup(securebits_names, w);

		if (b < 0) {
			syntax_warning(c, "Unknown secure bit '%s' in %s=, ignoring.", w, c->key);
			free(w);
			return -EINVAL;
		}
		bits |= (unsigned)b;
		free(w);
	}
	if (r < 0)
		return r;
	p->securebits |= (uint8_t)bits;
	p->securebits_set = true;
	return 0;
}

/* ---- Scheduling ---- */

/* A CPU number beyond any machine ember expects; keeps the bitmap at most 1 KiB. */
#define CPU_INDEX_MAX 8191

static int
cpu_range_parse(const char *w, unsigned *lo, unsigned *hi)
{
	const char *dash = strchr(w, '-');
	char first[16];

	if (!dash)
		return safe_atou(w, lo) < 0 || (*hi = *lo) > CPU_INDEX_MAX ? -EINVAL : 0;
	if ((size_t)(dash - w) >= sizeof(first))
		return -EINVAL;
	memcpy(first, w, (size_t)(dash - w));
	first[dash - w] = 0;
	if (safe_atou(first, lo) < 0 || safe_atou(dash + 1, hi) < 0 || *lo > *hi ||
	    *hi > CPU_INDEX_MAX)
		return -EINVAL;
	return 0;
}

/* CPUAffinity=: CPU numbers and ranges ("0-1 3", "0,2"); lines merge; empty resets. */
int
parse_cpu_affinity(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = PROCESS_OF(data, cpu_affinity);
	unsigned lo[64], hi[64], n = 0, top = 0;
	const char *s = v;
	char *w;
	int r;

	if (isempty(v)) {
		p->cpu_affinity = mfree(p->cpu_affinity);
		p->cpu_affinity_bytes = 0;
		p->cpu_affinity_numa = false;
		return 0;
	}
	if (streq(v, "numa")) {
		p->cpu_affinity_numa = true;
		return 0;
	}
	while ((r = next_word(c, &s, &w, WHITESPACE ",")) > 0) {
		bool bad = n == ELEMENTSOF(lo) || cpu_range_parse(w, &lo[n], &hi[n]) < 0;

		free(w);
		if (bad) {
			syntax_warning(c, "Invalid CPU list %s=%s, ignoring.", c->key, v);
			return -EINVAL;
		}
		top = MAX(top, hi[n]);
		n++;
	}
	if (r < 0)
		return r;
	if (top / 8 + 1 > p->cpu_affinity_bytes) {
		unsigned bytes = top / 8 + 1;
		uint8_t *m = realloc(p->cpu_affinity, bytes);

		if (!m)
			return -ENOMEM;
		memset(m + p->cpu_affinity_bytes, 0, bytes - p->cpu_affinity_bytes);
		p->cpu_affinity = m;
		p->cpu_affinity_bytes = (uint16_t)bytes;
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned cpu = lo[i]; cpu <= hi[i]; cpu++)
			p->cpu_affinity[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
	return 0;
}

static const struct name_value sched_policies[] = {
	{ "other", SCHED_OTHER }, { "batch", SCHED_BATCH }, { "idle", SCHED_IDLE },
	{ "fifo", SCHED_FIFO }, { "rr", SCHED_RR },
	{ NULL }
};

int
parse_cpu_sched_policy(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int policy;

	if (isempty(v)) {
		*(int8_t *)data = -1;
		return 0;
	}
	policy = lookup(sched_policies, v);
	if (policy < 0) {
		syntax_warning(c, "Unknown %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	*(int8_t *)data = (int8_t)policy;
	return 0;
}

/* A small integer in [min, max] into an int8_t; the empty value unsets it (-1). */
static int
parse_small_int(const struct parse_ctx *c, const char *v, int min, int max, int8_t *ret)
{
	int i;

	if (isempty(v)) {
		*ret = -1;
		return 0;
	}
	if (safe_atoi(v, &i) < 0 || i < min || i > max) {
		syntax_warning(c, "%s= takes an integer between %d and %d, ignoring: %s", c->key,
			       min, max, v);
		return -EINVAL;
	}
	*ret = (int8_t)i;
	return 0;
}

/* 0..99: which values the policy accepts is checked at spawn, when both are known. */
int
parse_cpu_sched_priority(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	return parse_small_int(c, v, 0, 99, data);
}

static const struct name_value io_classes[] = {
	{ "none", IOPRIO_CLASS_NONE }, { "realtime", IOPRIO_CLASS_RT },
	{ "best-effort", IOPRIO_CLASS_BE }, { "idle", IOPRIO_CLASS_IDLE },
	{ NULL }
};

/* IOSchedulingClass=: a name or its number; the empty value resets class and priority. */
int
parse_io_class(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = PROCESS_OF(data, io_class);
	int cls;

	if (isempty(v)) {
		p->io_class = p->io_priority = -1;
		return 0;
	}
	cls = lookup(io_classes, v);
	if (cls < 0 && (safe_atoi(v, &cls) < 0 || cls < 0 || cls > IOPRIO_CLASS_IDLE))
		cls = -1;
	if (cls < 0) {
		syntax_warning(c, "Unknown %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	p->io_class = (int8_t)cls;
	return 0;
}

/* IOSchedulingPriority=: 0..7; the empty value resets class and priority. */
int
parse_io_priority(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = PROCESS_OF(data, io_priority);

	if (isempty(v)) {
		p->io_class = p->io_priority = -1;
		return 0;
	}
	return parse_small_int(c, v, 0, 7, &p->io_priority);
}

/* TimerSlackNSec=: nanoseconds, or a time span with units ("50us", "1ms"). */
int
parse_timer_slack(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = PROCESS_OF(data, timer_slack_nsec);
	unsigned long long n;
	size_t digits = strspn(v, "0123456789");
	usec_t u;

	if (isempty(v)) {
		p->timer_slack_set = false;
		return 0;
	}
	if (digits > 0 && (!v[digits] || streq(v + digits, "ns") || streq(v + digits, "nsec"))) {
		char num[32];

		if (digits >= sizeof(num))
			goto bad;
		memcpy(num, v, digits);
		num[digits] = 0;
		if (safe_atollu(num, &n) < 0)
			goto bad;
		p->timer_slack_nsec = n;
	} else if (parse_time(v, &u, USEC_PER_SEC) >= 0 && u != USEC_INFINITY &&
		   u <= UINT64_MAX / NSEC_PER_USEC) {
		p->timer_slack_nsec = u * NSEC_PER_USEC;
	} else {
		goto bad;
	}
	p->timer_slack_set = true;
	return 0;
bad:
	syntax_warning(c, "Invalid time span %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

/* ---- Personality= ---- */

/* The architecture names of systemd.exec(5). Which of them a machine can provide depends
 * on its native architecture: the 64-bit ones also run their 32-bit counterpart. */
static const char *const personality_names[] = {
	"x86", "x86-64", "arm", "arm-be", "arm64", "arm64-be", "ppc", "ppc-le", "ppc64",
	"ppc64-le", "s390", "s390x",
};

const char *
personality_name(unsigned index)
{
	if (index == 0 || index > ELEMENTSOF(personality_names))
		return NULL;
	return personality_names[index - 1];
}

/* The native architecture's name and its 32-bit counterpart's. */
#if defined(__x86_64__)
#define PERSONALITY_NATIVE "x86-64"
#define PERSONALITY_SECONDARY "x86"
#elif defined(__i386__)
#define PERSONALITY_NATIVE "x86"
#elif defined(__aarch64__) && defined(__AARCH64EB__)
#define PERSONALITY_NATIVE "arm64-be"
#define PERSONALITY_SECONDARY "arm-be"
#elif defined(__aarch64__)
#define PERSONALITY_NATIVE "arm64"
#define PERSONALITY_SECONDARY "arm"
#elif defined(__arm__) && defined(__ARMEB__)
#define PERSONALITY_NATIVE "arm-be"
#elif defined(__arm__)
#define PERSONALITY_NATIVE "arm"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PERSONALITY_NATIVE "ppc64-le"
#define PERSONALITY_SECONDARY "ppc-le"
#elif defined(__powerpc64__)
#define PERSONALITY_NATIVE "ppc64"
#define PERSONALITY_SECONDARY "ppc"
#elif defined(__powerpc__)
#define PERSONALITY_NATIVE "ppc"
#elif defined(__s390x__)
#define PERSONALITY_NATIVE "s390x"
#define PERSONALITY_SECONDARY "s390"
#elif defined(__s390__)
#define PERSONALITY_NATIVE "s390"
#endif

long
personality_value(unsigned index)
{
	const char *name = personality_name(index);

	if (!name)
		return -1;
#ifdef PERSONALITY_NATIVE
	if (streq(name, PERSONALITY_NATIVE))
		return PER_LINUX;
#endif
#ifdef PERSONALITY_SECONDARY
	if (streq(name, PERSONALITY_SECONDARY))
		return PER_LINUX32;
#endif
	return -1;
}

/* An architecture this machine cannot run is kept: the spawn fails and says so. */
int
parse_personality(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	if (isempty(v)) {
		*(uint8_t *)data = 0;
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(personality_names); i++)
		if (streq(personality_names[i], v)) {
			*(uint8_t *)data = (uint8_t)(i + 1);
			return 0;
		}
	syntax_warning(c, "Unknown personality %s=%s, ignoring.", c->key, v);
	return -EINVAL;
}

/* ---- The seccomp-based settings ---- */

static const struct name_value namespace_names[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
	{ "mnt", CLONE_NEWNS }, { "pid", CLONE_NEWPID }, { "user", CLONE_NEWUSER },
	{ "uts", CLONE_NEWUTS }, { "time", 0x80 /* CLONE_NEWTIME */ },
	{ NULL }
};

/* RestrictNamespaces=: a boolean (yes = none allowed), or the types allowed; "~" lists
 * the types denied. Lines OR together, "~" lines subtract. Empty: no restriction. */
int
parse_restrict_namespaces(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = PROCESS_OF(data, restrict_namespaces);
	uint32_t sum = 0;
	bool invert;
	int b, r;
	char *w;

	if (isempty(v)) {
		p->namespaces_set = false;
		return 0;
	}
	b = parse_boolean(v);
	if (b >= 0) {
		p->restrict_namespaces = b ? 0 : NAMESPACE_FLAGS_ALL;
		p->namespaces_set = true;
		return 0;
	}
	v = skip_invert(v, &invert);
	while ((r = next_word(c, &v, &w, NULL)) > 0) {
		int f = lookup(namespace_names, w);

		if (f < 0) {
			syntax_warning(c, "Unknown namespace type '%s' in %s=, ignoring.", w,
				       c->key);
			free(w);
			return -EINVAL;
		}
		sum |= (uint32_t)f;
		free(w);
	}
	if (r < 0)
		return r;
	if (!invert)
		p->restrict_namespaces = (p->namespaces_set ? p->restrict_namespaces : 0) | sum;
	else
		p->restrict_namespaces = (p->namespaces_set ? p->restrict_namespaces :
							       NAMESPACE_FLAGS_ALL) & ~sum;
	p->namespaces_set = true;
	return 0;
}

#define FAMILY(f) { #f, f }
static const struct name_value family_names[] = {
	FAMILY(AF_UNIX), FAMILY(AF_LOCAL), FAMILY(AF_INET), FAMILY(AF_AX25), FAMILY(AF_IPX),
	FAMILY(AF_APPLETALK), FAMILY(AF_NETROM), FAMILY(AF_BRIDGE), FAMILY(AF_ATMPVC),
	FAMILY(AF_X25), FAMILY(AF_INET6), FAMILY(AF_ROSE), FAMILY(AF_DECnet),
	FAMILY(AF_NETBEUI), FAMILY(AF_SECURITY), FAMILY(AF_KEY), FAMILY(AF_NETLINK),
	FAMILY(AF_ROUTE), FAMILY(AF_PACKET), FAMILY(AF_ASH), FAMILY(AF_ECONET),
	FAMILY(AF_ATMSVC), FAMILY(AF_RDS), FAMILY(AF_SNA), FAMILY(AF_IRDA), FAMILY(AF_PPPOX),
	FAMILY(AF_WANPIPE), FAMILY(AF_LLC), FAMILY(AF_IB), FAMILY(AF_MPLS), FAMILY(AF_CAN),
	FAMILY(AF_TIPC), FAMILY(AF_BLUETOOTH), FAMILY(AF_IUCV), FAMILY(AF_RXRPC),
	FAMILY(AF_ISDN), FAMILY(AF_PHONET), FAMILY(AF_IEEE802154), FAMILY(AF_CAIF),
	FAMILY(AF_ALG), FAMILY(AF_NFC), FAMILY(AF_VSOCK), FAMILY(AF_KCM), FAMILY(AF_QIPCRTR),
	FAMILY(AF_SMC), FAMILY(AF_XDP), { "AF_MCTP", 45 },
	{ NULL }
};
#undef FAMILY

/* RestrictAddressFamilies=: the families allowed, "~" the ones denied, "none" nothing.
 * The first line decides between allow and deny list; later lines add to it or, with the
 * other polarity, take away from it. Empty: no restriction. */
int
parse_address_families(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = PROCESS_OF(data, address_families);
	uint64_t sum = 0;
	bool invert;
	char *w;
	int r;

	if (isempty(v)) {
		p->address_families_set = false;
		p->address_families = 0;
		return 0;
	}
	if (streq(v, "none")) {
		p->address_families_set = p->address_families_allow = true;
		p->address_families = 0;
		return 0;
	}
	v = skip_invert(v, &invert);
	while ((r = next_word(c, &v, &w, NULL)) > 0) {
		int f = lookup(family_names, w);

		if (f < 0) {
			syntax_warning(c, "Unknown address family '%s' in %s=, ignoring.", w,
				       c->key);
			free(w);
			return -EINVAL;
		}
		sum |= UINT64_C(1) << f;
		free(w);
	}
	if (r < 0)
		return r;
	if (!p->address_families_set) {
		p->address_families_set = true;
		p->address_families_allow = !invert;
		p->address_families = sum;
	} else if (p->address_families_allow != invert) {
		p->address_families |= sum;
	} else {
		p->address_families &= ~sum;
	}
	return 0;
}

/* "EPERM", "1" (1..4095); -1 if neither. */
static int
errno_from_name(const char *s)
{
	unsigned n;

	if (safe_atou(s, &n) >= 0)
		return n >= 1 && n <= 4095 ? (int)n : -1;
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);

		if (name && streq(name, s))
			return e;
	}
	return -1;
}

struct filter_edit {
	struct exec_process *p;
	bool add;
	int error; /* 0, an errno, or SYSCALL_ERRNO_KILL: the action of a deny-list entry */
	int oom;
};

static int
errno_entry_set(struct exec_process *p, int nr, int error)
{
	struct syscall_errno *e;

	for (unsigned i = 0; i < p->n_syscall_errnos; i++)
		if (p->syscall_errnos[i].nr == nr) {
			if (error)
				p->syscall_errnos[i].error = (uint16_t)error;
			else
				p->syscall_errnos[i] = p->syscall_errnos[--p->n_syscall_errnos];
			return 0;
		}
	if (!error)
		return 0;
	e = realloc(p->syscall_errnos, (p->n_syscall_errnos + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	p->syscall_errnos = e;
	e[p->n_syscall_errnos++] = (struct syscall_errno) { (uint16_t)nr, (uint16_t)error };
	return 0;
}

static void
filter_edit_one(int nr, void *userdata)
{
	struct filter_edit *e = userdata;
	struct exec_process *p = e->p;

	if (nr < 0 || (unsigned)nr / 8 >= p->syscall_filter_bytes)
		return;
	if (e->add)
		p->syscall_filter[nr / 8] |= (uint8_t)(1u << (nr % 8));
	else
		p->syscall_filter[nr / 8] &= (uint8_t)~(1u << (nr % 8));
	/* A call leaving the set, or entering it without an action, loses its own action. */
	if (errno_entry_set(p, nr, e->add ? e->error : 0) < 0)
		e->oom = 1;
}

static void
no_op(int nr, void *userdata)
{
}

/* Checks one word of SystemCallFilter= ("name" or "@group", either with ":errno" or
 * ":kill") and cuts the action off into *error. Returns 1 if the word applies, 0 if it is
 * ignored (with a warning). */
static int
filter_word_check(const struct parse_ctx *c, bool deny_add, char *w, int *error)
{
	char *colon = strchr(w, ':');

	*error = 0;
	if (colon) {
		*colon++ = 0;
		if (!deny_add) {
			syntax_warning(c, "%s=: an action (':%s') only applies to a deny list, "
				       "ignoring the action.", c->key, colon);
		} else if (streq(colon, "kill")) {
			*error = SYSCALL_ERRNO_KILL;
		} else if ((*error = errno_from_name(colon)) < 0) {
			syntax_warning(c, "Unknown error number '%s' in %s=, ignoring '%s'.", colon,
				       c->key, w);
			return 0;
		}
	}
	if (w[0] == '@') {
		if (syscall_group_foreach(w, no_op, NULL) >= 0)
			return 1;
		syntax_warning(c, "Unknown system call group '%s' in %s=, ignoring it.", w,
			       c->key);
		return 0;
	}
	if (syscall_from_name(w) >= 0)
		return 1;
	syntax_warning(c, "Unknown system call '%s' in %s= (not on this architecture?), "
		       "ignoring it.", w, c->key);
	return 0;
}

static int
filter_word_apply(struct filter_edit *e, const char *w, int error)
{
	e->error = error;
	if (w[0] == '@')
		(void)syscall_group_foreach(w, filter_edit_one, e);
	else
		filter_edit_one(syscall_from_name(w), e);
	return e->oom ? -ENOMEM : 0;
}

static void
syscall_filter_reset(struct exec_process *p)
{
	p->syscall_filter = mfree(p->syscall_filter);
	p->syscall_errnos = mfree(p->syscall_errnos);
	p->syscall_filter_bytes = p->n_syscall_errnos = 0;
}

/* SystemCallFilter=: the first line decides between allow list and ("~") deny list;
 * later lines add to the set, or with the other polarity take away from it. Unknown
 * names are left out; a line with nothing known in it changes nothing. */
int
parse_syscall_filter(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	struct exec_process *p = PROCESS_OF(data, syscall_filter);
	struct filter_edit e = { .p = p };
	_cleanup_strv_free_ char **words = NULL;
	int errors[512];
	size_t n = 0;
	bool invert, allow;
	char *w;
	int r;

	if (isempty(v)) {
		syscall_filter_reset(p);
		return 0;
	}
	v = skip_invert(v, &invert);
	allow = p->syscall_filter ? p->syscall_filter_allow : !invert;
	e.add = allow != invert;
	while ((r = next_word(c, &v, &w, NULL)) > 0) {
		if (n == ELEMENTSOF(errors) || filter_word_check(c, e.add && !allow, w,
								 &errors[n]) <= 0) {
			if (n == ELEMENTSOF(errors))
				syntax_warning(c, "Too many words in %s=, ignoring '%s'.",
					       c->key, w);
			free(w);
			continue;
		}
		r = strv_consume(&words, w);
		if (r < 0)
			return r;
		n++;
	}
	if (r < 0)
		return r;
	if (n == 0)
		return -EINVAL;
	if (!p->syscall_filter) {
		unsigned bytes = (unsigned)syscall_nr_limit() / 8 + 1;

		p->syscall_filter = calloc(bytes, 1);
		if (!p->syscall_filter)
			return -ENOMEM;
		p->syscall_filter_bytes = (uint16_t)bytes;
		p->syscall_filter_allow = allow;
	}
	for (size_t i = 0; i < n; i++) {
		r = filter_word_apply(&e, words[i], errors[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* SystemCallErrorNumber=: an errno name or number; "kill" or empty: kill the process. */
int
parse_syscall_error(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	int e;

	if (isempty(v) || streq(v, "kill")) {
		*(int16_t *)data = 0;
		return 0;
	}
	e = errno_from_name(v);
	if (e < 0) {
		syntax_warning(c, "Unknown error number %s=%s, ignoring.", c->key, v);
		return -EINVAL;
	}
	*(int16_t *)data = (int16_t)e;
	return 0;
}

const struct seccomp_arch seccomp_archs[] = {
	{ "x86", AUDIT_ARCH_I386 },
	{ "x86-64", AUDIT_ARCH_X86_64 },
	{ "x32", 0 },
	{ "arm", AUDIT_ARCH_ARM },
	{ "arm64", AUDIT_ARCH_AARCH64 },
	{ "ppc", AUDIT_ARCH_PPC },
	{ "ppc64", AUDIT_ARCH_PPC64 },
	{ "ppc64-le", AUDIT_ARCH_PPC64LE },
	{ "s390", AUDIT_ARCH_S390 },
	{ "s390x", AUDIT_ARCH_S390X },
	{ "riscv64", AUDIT_ARCH_RISCV64 },
	{ "loongarch64", 0xc0000102 /* AUDIT_ARCH_LOONGARCH64 */ },
};
const unsigned n_seccomp_archs = ELEMENTSOF(seccomp_archs);
_Static_assert(ELEMENTSOF(seccomp_archs) <= 16, "syscall_archs is a 16-bit set");

int
seccomp_native_arch(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return 1;
#elif defined(__i386__)
	return 0;
#elif defined(__aarch64__) && !defined(__AARCH64EB__)
	return 4;
#elif defined(__arm__) && !defined(__ARMEB__)
	return 3;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return 7;
#elif defined(__powerpc64__)
	return 6;
#elif defined(__powerpc__)
	return 5;
#elif defined(__s390x__)
	return 9;
#elif defined(__s390__)
	return 8;
#elif defined(__riscv) && __riscv_xlen == 64
	return 10;
#elif defined(__loongarch64)
	return 11;
#else
	return -1;
#endif
}

/* SystemCallArchitectures=: names, "native" for ember's own; empty: no restriction. */
int
parse_syscall_archs(const struct parse_ctx *c, const char *v, int arg, void *data)
{
	uint16_t *set = data, sum = 0;
	char *w;
	int r;

	if (isempty(v)) {
		*set = 0;
		return 0;
	}
	while ((r = next_word(c, &v, &w, NULL)) > 0) {
		int idx = -1;

		if (streq(w, "native")) {
			idx = seccomp_native_arch();
			if (idx < 0) {
				syntax_warning(c, "%s=native: seccomp filters are not supported on "
					       "this architecture; the service will not start.",
					       c->key);
				idx = 15; /* a bit no architecture has: refused at spawn */
			}
		}
		for (unsigned i = 0; idx < 0 && i < n_seccomp_archs; i++)
			if (streq(seccomp_archs[i].name, w))
				idx = (int)i;
		if (idx < 0) {
			syntax_warning(c, "Unknown architecture '%s' in %s=, ignoring.", w, c->key);
			free(w);
			return -EINVAL;
		}
		sum |= (uint16_t)(1u << idx);
		free(w);
	}
	if (r < 0)
		return r;
	*set |= sum;
	return 0;
}
