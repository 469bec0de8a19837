/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_EXEC_PROCESS_H
#define EMBER_EXEC_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/syscall-table.h"
#include "units/directives.h"

/* The process attributes of the sandbox (systemd.exec(5) "Capabilities", "Security",
 * "Scheduling", "System Call Filtering" and the seccomp-based Restrict* settings): their
 * parsers, used by the rows of exec_sandbox_directives[], and the name tables the spawn
 * steps (spawn-process.c, spawn-seccomp.c) share with them. */

/* Lives in struct exec_sandbox. "Not set" is -1 for the small integers, NULL for the
 * bitmaps and false for the *_set flags; everything else is 0 by default. */
struct exec_process {
	uint64_t capability_bounding_set;  /* CapabilityBoundingSet=, if bounding_set_set */
	uint64_t ambient_capabilities;     /* AmbientCapabilities=, if ambient_set */
	uint64_t timer_slack_nsec;         /* TimerSlackNSec=, if timer_slack_set */
	uint64_t address_families;         /* RestrictAddressFamilies= AF_* bits */
	uint8_t *cpu_affinity;             /* CPUAffinity= bitmap (bit n = CPU n) */
	uint8_t *syscall_filter;           /* SystemCallFilter= bitmap of call numbers */
	struct syscall_errno *syscall_errnos; /* "name:errno" entries of a deny list */
	uint32_t restrict_namespaces;      /* CLONE_NEW* types allowed, if namespaces_set */
	uint16_t cpu_affinity_bytes;
	uint16_t syscall_filter_bytes;
	uint16_t n_syscall_errnos;
	uint16_t syscall_archs;            /* bit i = seccomp_archs[i]; 0 = not set */
	int16_t syscall_error;             /* SystemCallErrorNumber=; 0 = kill the process */
	int8_t cpu_sched_policy;           /* SCHED_* */
	int8_t cpu_sched_priority;
	int8_t io_class;                   /* IOPRIO_CLASS_* */
	int8_t io_priority;
	uint8_t securebits;                /* SECBIT_* of SecureBits= */
	uint8_t personality;               /* 1 + index for personality_name() */
	bool bounding_set_set;
	bool ambient_set;
	bool securebits_set;
	bool timer_slack_set;
	bool cpu_sched_reset_on_fork;
	bool cpu_affinity_numa;            /* CPUAffinity=numa: refused at spawn */
	bool namespaces_set;
	bool address_families_set;
	bool address_families_allow;       /* allow list (else deny list) */
	bool syscall_filter_allow;         /* allow list (else deny list); with syscall_filter */
	bool lock_personality;
	bool memory_deny_write_execute;
	bool restrict_realtime;
	bool restrict_suid_sgid;
};

/* Sets the "not set" values / frees the bitmaps. */
void exec_process_init(struct exec_process *p);
void exec_process_done(struct exec_process *p);

/* Whether any setting needs a seccomp filter (spawn-seccomp.c). */
bool exec_process_has_seccomp(const struct exec_process *p);

/* Every capability, as a set. Bits the running kernel does not know are ignored. */
#define CAPABILITY_ALL UINT64_MAX

/* "CAP_NET_ADMIN" for 12; NULL for a number without a name. */
const char *capability_to_name(int cap);

/* Personality=: the architecture name stored in the sandbox (1-based index), and the
 * personality(2) value for it on this machine, or -1 if the machine cannot provide it. */
const char *personality_name(unsigned index);
long personality_value(unsigned index);

/* SystemCallArchitectures=: bit i of the sandbox's set is entry i of this table. */
struct seccomp_arch {
	const char *name;
	uint32_t audit_arch; /* AUDIT_ARCH_*; 0 for x32 (x86-64's audit arch, high call numbers) */
};
extern const struct seccomp_arch seccomp_archs[];
extern const unsigned n_seccomp_archs;
/* Index in seccomp_archs[] of the architecture ember is built for, or -1 if seccomp
 * filtering is not supported for it. */
int seccomp_native_arch(void);

/* Parsers of the rows in exec-sandbox.c; data points at the named field of the
 * struct exec_process. */
int parse_capability_set(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_securebits(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_cpu_affinity(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_cpu_sched_policy(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_cpu_sched_priority(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_io_class(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_io_priority(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_timer_slack(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_personality(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_restrict_namespaces(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_address_families(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_syscall_filter(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_syscall_error(const struct parse_ctx *c, const char *v, int arg, void *data);
int parse_syscall_archs(const struct parse_ctx *c, const char *v, int arg, void *data);

/* arg of parse_capability_set(). */
enum {
	CAPS_BOUNDING,
	CAPS_AMBIENT,
};

/* The namespace types of RestrictNamespaces=, all CLONE_NEW* flags together. */
#define NAMESPACE_FLAGS_ALL 0x7e020080u

#endif
