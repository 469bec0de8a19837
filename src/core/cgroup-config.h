/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_CGROUP_CONFIG_H
#define EMBER_CGROUP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "time-util.h"
#include "units/directives.h"

struct unit;

/* Resource control (systemd.resource-control(5)) of a unit with a cgroup, and its slice.
 * Allocated at the first such directive: units without any pay one pointer. */

#define CGROUP_LIMIT_UNSET UINT64_C(0xfffffffffffffffe) /* "not set": the kernel default */
#define CGROUP_LIMIT_MAX UINT64_MAX                     /* "infinity" */

enum oom_policy {
	OOM_POLICY_STOP,     /* an OOM kill in the unit stops it (result oom-kill) */
	OOM_POLICY_CONTINUE, /* logged, the unit goes on */
	OOM_POLICY_KILL,     /* the whole unit is killed */
	_OOM_POLICY_MAX,
};

struct cgroup_context {
	char *slice;               /* Slice= */
	uint64_t memory_min, memory_low, memory_high, memory_max, memory_swap_max;
	uint64_t cpu_weight, startup_cpu_weight; /* 1-10000, CGROUP_LIMIT_UNSET */
	usec_t cpu_quota_per_sec;  /* CPUQuota= as CPU time per second, USEC_INFINITY unset */
	usec_t cpu_quota_period;   /* CPUQuotaPeriodSec=, 0 = 100 ms */
	char *allowed_cpus;        /* AllowedCPUs=, cpuset syntax */
	uint64_t io_weight;        /* 1-10000 */
	char **io_device_weight;   /* "PATH WEIGHT" */
	char **io_read_bandwidth;  /* "PATH BYTES" */
	char **io_write_bandwidth;
	uint64_t tasks_max;        /* CGROUP_LIMIT_UNSET: DefaultTasksMax applies */
	uint32_t tasks_max_scale;  /* TasksMax=N%: out of 10000 of the kernel's pid_max, 0 = absolute */
	bool delegate;
	enum oom_policy oom_policy;
};

extern const struct directive cgroup_context_directives[]; /* offsets into cgroup_context */
extern const struct directive cgroup_unit_directives[];    /* Slice=, offsets into the unit */

struct cgroup_context *cgroup_context_new(void);
struct cgroup_context *cgroup_context_free(struct cgroup_context *c);
const char *oom_policy_to_string(enum oom_policy p);

/* After load: u goes into its slice (Slice=, else the default one: system.slice for the
 * system manager, app.slice for a user manager; a slice into its parent), with Requires=
 * and After= on it. */
int unit_add_slice_dependencies(struct unit *u);

/* Writes u's resource settings into its cgroup. A setting whose controller this tree does
 * not have is logged and skipped (the unit runs; status says so). 0 or -errno. */
int unit_cgroup_apply(struct unit *u);

/* emberctl set-property: "MemoryMax=1G" etc. parsed like the unit file and applied at once
 * when the unit has a cgroup. Returns 0, -EINVAL with *error set, or -ENOMEM. */
int unit_set_property(struct unit *u, const char *assignment, char **error);

#endif
