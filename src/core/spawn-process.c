/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The child's process attribute steps (exec-process.h): CPU scheduling, CPU affinity, I/O
 * priority, timer slack and personality right after OOMScoreAdjust=; the capability
 * bounding set and the secure bits before the credentials change; the ambient
 * capabilities right after setuid().
 *
 * Capabilities are handled with prctl() and the raw capget/capset calls. For a service
 * with User= and AmbientCapabilities=, the secure bit keep-caps keeps the permitted set
 * across setuid() (which clears the effective set); the ambient step then raises the
 * wanted capabilities into the inheritable and ambient sets, and execve() turns the
 * ambient set into the program's permitted and effective sets. Everything else in the
 * permitted set is lost at execve(), since the program is not run as root. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/exec-sandbox.h"
#include "core/spawn-internal.h"

static const struct exec_process *
process_of(const struct child *ch)
{
	return ch->ctx->sandbox ? &ch->ctx->sandbox->process : NULL;
}

static const char *
sched_policy_name(int policy)
{
	switch (policy) {
	case SCHED_OTHER: return "other";
	case SCHED_BATCH: return "batch";
	case SCHED_IDLE: return "idle";
	case SCHED_FIFO: return "fifo";
	case SCHED_RR: return "rr";
	default: return "?";
	}
}

/* Unset parts default to the other policy, and to the lowest priority the policy takes
 * (1 for fifo and rr), so that CPUSchedulingPolicy=fifo alone works. */
static void
cpu_sched(struct child *ch, const struct exec_process *p)
{
	struct sched_param param = { 0 };
	int policy, min, max;

	if (p->cpu_sched_policy < 0 && p->cpu_sched_priority < 0 && !p->cpu_sched_reset_on_fork)
		return;
	policy = p->cpu_sched_policy >= 0 ? p->cpu_sched_policy : SCHED_OTHER;
	min = sched_get_priority_min(policy);
	max = sched_get_priority_max(policy);
	param.sched_priority = p->cpu_sched_priority >= 0 ? p->cpu_sched_priority : min;
	if (param.sched_priority < min || param.sched_priority > max)
		child_fail(ch, EXEC_STEP_CPU_SCHED, EINVAL,
			   "CPUSchedulingPriority=%d is outside %d..%d, the range of "
			   "CPUSchedulingPolicy=%s", param.sched_priority, min, max,
			   sched_policy_name(policy));
	if (sched_setscheduler(0, policy | (p->cpu_sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0),
			       &param) < 0)
		child_fail(ch, EXEC_STEP_CPU_SCHED, errno,
			   "CPUSchedulingPolicy=%s CPUSchedulingPriority=%d%s",
			   sched_policy_name(policy), param.sched_priority,
			   p->cpu_sched_reset_on_fork ? " CPUSchedulingResetOnFork=yes" : "");
}

/* "0-3 6" for messages; truncated with "..." if long. */
static void
format_cpus(const struct exec_process *p, char *buf, size_t l)
{
	unsigned n = p->cpu_affinity_bytes * 8u, used = 0;

	buf[0] = 0;
	for (unsigned cpu = 0; cpu < n && used + 16 < l; cpu++) {
		unsigned last = cpu;

		if (!(p->cpu_affinity[cpu / 8] >> (cpu % 8) & 1))
			continue;
		while (last + 1 < n && (p->cpu_affinity[(last + 1) / 8] >> ((last + 1) % 8) & 1))
			last++;
		used += (unsigned)snprintf(buf + used, l - used, last > cpu ? "%s%u-%u" : "%s%u",
					   used ? " " : "", cpu, last);
		cpu = last;
	}
	if (used + 16 >= l)
		snprintf(buf + used, l - used, " ...");
}

static void
cpu_affinity(struct child *ch, const struct exec_process *p)
{
	unsigned n = p->cpu_affinity_bytes * 8u;
	char list[128];
	cpu_set_t *set;
	size_t size;

	if (p->cpu_affinity_numa)
		child_fail(ch, EXEC_STEP_CPU_AFFINITY, EOPNOTSUPP,
			   "CPUAffinity=numa follows NUMAPolicy=, which ember does not support");
	if (!p->cpu_affinity)
		return;
	set = CPU_ALLOC(n);
	if (!set)
		child_oom(ch, EXEC_STEP_CPU_AFFINITY);
	size = CPU_ALLOC_SIZE(n);
	CPU_ZERO_S(size, set);
	for (unsigned cpu = 0; cpu < n; cpu++)
		if (p->cpu_affinity[cpu / 8] >> (cpu % 8) & 1)
			CPU_SET_S(cpu, size, set);
	if (sched_setaffinity(0, size, set) < 0) {
		int error = errno;

		CPU_FREE(set); /* the child's heap may be the manager's */
		format_cpus(p, list, sizeof(list));
		child_fail(ch, EXEC_STEP_CPU_AFFINITY, error, "CPUAffinity=%s%s", list,
			   error == EINVAL ? " (none of these CPUs is usable)" : "");
	}
	CPU_FREE(set);
}

static void
io_priority(struct child *ch, const struct exec_process *p)
{
	static const char *const class_names[] = { "none", "realtime", "best-effort", "idle" };
	int cls, level;

	if (p->io_class < 0 && p->io_priority < 0)
		return;
	cls = p->io_class >= 0 ? p->io_class : IOPRIO_CLASS_BE;
	/* The kernel's default level is 4; classes without levels take 0. */
	level = p->io_priority >= 0 ? p->io_priority :
		cls == IOPRIO_CLASS_RT || cls == IOPRIO_CLASS_BE ? 4 : 0;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(cls, level)) < 0)
		child_fail(ch, EXEC_STEP_IOPRIO, errno,
			   "IOSchedulingClass=%s IOSchedulingPriority=%d", class_names[cls & 3],
			   level);
}

static void
timer_slack(struct child *ch, const struct exec_process *p)
{
	if (!p->timer_slack_set)
		return;
	if (prctl(PR_SET_TIMERSLACK, (unsigned long)p->timer_slack_nsec, 0, 0, 0) < 0)
		child_fail(ch, EXEC_STEP_TIMER_SLACK, errno, "TimerSlackNSec=%llu",
			   (unsigned long long)p->timer_slack_nsec);
}

/* Only the execution domain changes; flags like ADDR_NO_RANDOMIZE stay as inherited. */
static void
set_personality(struct child *ch, const struct exec_process *p)
{
	long value;
	int current;

	if (!p->personality)
		return;
	value = personality_value(p->personality);
	if (value < 0)
		child_fail(ch, EXEC_STEP_PERSONALITY, EOPNOTSUPP,
			   "Personality=%s is not available on this machine",
			   personality_name(p->personality));
	current = personality(0xffffffff);
	if (current == -1 || personality(((unsigned long)current & ~(unsigned long)PER_MASK) |
					 (unsigned long)value) == -1)
		child_fail(ch, EXEC_STEP_PERSONALITY, errno, "Personality=%s",
			   personality_name(p->personality));
}

void
step_process_attributes(struct child *ch)
{
	const struct exec_process *p = process_of(ch);

	/* These apply to '+' commands too, like Nice=: they limit nothing. */
	if (!p)
		return;
	cpu_sched(ch, p);
	cpu_affinity(ch, p);
	io_priority(ch, p);
	timer_slack(ch, p);
	set_personality(ch, p);
}

struct caps {
	uint64_t effective, permitted, inheritable;
};

static int
caps_get(struct caps *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	c->effective = d[0].effective | (uint64_t)d[1].effective << 32;
	c->permitted = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inheritable = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

static int
caps_set(const struct caps *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {
		{ (uint32_t)c->effective, (uint32_t)c->permitted, (uint32_t)c->inheritable },
		{ (uint32_t)(c->effective >> 32), (uint32_t)(c->permitted >> 32),
		  (uint32_t)(c->inheritable >> 32) },
	};

	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* The capabilities the running kernel knows (PR_CAPBSET_READ fails beyond the last). */
static uint64_t
caps_known(void)
{
	uint64_t known = 0;

	for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		known |= UINT64_C(1) << cap;
	return known;
}

static const char *
cap_label(int cap, char buf[static 24])
{
	const char *name = capability_to_name(cap);

	if (name)
		return name;
	snprintf(buf, 24, "capability %d", cap);
	return buf;
}

/* CapabilityBoundingSet=: drops what is not listed from the bounding set, which caps what
 * execve() can give (root's full set, file capabilities, setuid programs), and from the
 * inheritable set, through which a program with inheritable file capabilities would get
 * them back. */
void
step_capabilities(struct child *ch)
{
	const struct exec_process *p = process_of(ch);
	struct caps c;
	char buf[24];
	int r;

	if (ch->is_privileged || !p || !p->bounding_set_set)
		return;
	for (int cap = 0; cap < 64; cap++) {
		int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (in < 0)
			break;
		if (!in || (p->capability_bounding_set >> cap & 1))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			int error = errno;

			child_fail(ch, EXEC_STEP_CAPABILITIES, error,
				   "dropping %s from the bounding set%s", cap_label(cap, buf),
				   error == EPERM ? " needs CAP_SETPCAP" : "");
		}
	}
	r = caps_get(&c);
	if (r >= 0 && (c.inheritable & ~p->capability_bounding_set)) {
		c.inheritable &= p->capability_bounding_set;
		r = caps_set(&c);
	}
	if (r < 0)
		child_fail(ch, EXEC_STEP_CAPABILITIES, -r, "limiting the inheritable set");
}

static uint64_t
ambient_wanted(const struct exec_process *p)
{
	return p->ambient_set ? p->ambient_capabilities & caps_known() : 0;
}

/* Whether setuid() must keep the permitted set for the ambient step. */
static bool
needs_keep_caps(const struct child *ch, const struct exec_process *p)
{
	return !ch->keeps_credentials && ch->has_uid && ch->uid != 0 && ambient_wanted(p) != 0;
}

static void
format_securebits(unsigned bits, char *buf, size_t l)
{
	static const char *const names[] = {
		[SECURE_NOROOT] = "noroot", [SECURE_NOROOT_LOCKED] = "noroot-locked",
		[SECURE_NO_SETUID_FIXUP] = "no-setuid-fixup",
		[SECURE_NO_SETUID_FIXUP_LOCKED] = "no-setuid-fixup-locked",
		[SECURE_KEEP_CAPS] = "keep-caps", [SECURE_KEEP_CAPS_LOCKED] = "keep-caps-locked",
	};
	size_t used = 0;

	buf[0] = 0;
	for (unsigned b = 0; b < ELEMENTSOF(names); b++)
		if (bits >> b & 1 && used < l)
			used += (size_t)snprintf(buf + used, l - used, "%s%s", used ? " " : "",
						 names[b]);
}

/* SecureBits=, plus keep-caps when AmbientCapabilities= has to survive the user change
 * (keep-caps is cleared again by execve()). */
void
step_securebits(struct child *ch)
{
	const struct exec_process *p = process_of(ch);
	bool keep;

	if (ch->is_privileged || !p)
		return;
	keep = needs_keep_caps(ch, p);
	if (p->securebits_set) {
		unsigned bits = p->securebits | (keep ? SECBIT_KEEP_CAPS : 0);
		char names[128];

		if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0) {
			int error = errno;

			format_securebits(bits, names, sizeof(names));
			child_fail(ch, EXEC_STEP_SECUREBITS, error, "SecureBits=%s%s", names,
				   error == EPERM ? " (needs CAP_SETPCAP, or a bit is locked)" :
						    "");
		}
	} else if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		child_fail(ch, EXEC_STEP_SECUREBITS, errno, "keep-caps for AmbientCapabilities=");
	}
}

/* AmbientCapabilities=: each capability must be permitted (the manager has it, kept
 * across setuid() by keep-caps) and in the bounding set; it goes into the inheritable
 * set, then into the ambient set. */
void
step_ambient(struct child *ch)
{
	const struct exec_process *p = process_of(ch);
	uint64_t want;
	struct caps c;
	char buf[24];
	int r;

	if (ch->is_privileged || ch->keeps_credentials || !p || !p->ambient_set)
		return;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		child_fail(ch, EXEC_STEP_AMBIENT, errno, "clearing the ambient set");
	want = ambient_wanted(p);
	if (want == 0)
		return;
	r = caps_get(&c);
	if (r < 0)
		child_fail(ch, EXEC_STEP_AMBIENT, -r, "reading the capability sets");
	for (int cap = 0; cap < 64; cap++) {
		if (!(want >> cap & 1))
			continue;
		if (!(c.permitted >> cap & 1))
			child_fail(ch, EXEC_STEP_AMBIENT, EPERM,
				   "%s is not a capability the manager has", cap_label(cap, buf));
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			child_fail(ch, EXEC_STEP_AMBIENT, EPERM,
				   "%s is not in the capability bounding set", cap_label(cap, buf));
	}
	c.inheritable |= want;
	r = caps_set(&c);
	if (r < 0)
		child_fail(ch, EXEC_STEP_AMBIENT, -r, "raising the inheritable set");
	for (int cap = 0; cap < 64; cap++)
		if (want >> cap & 1 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) {
			int error = errno;

			child_fail(ch, EXEC_STEP_AMBIENT, error, "raising %s", cap_label(cap, buf));
		}
}
