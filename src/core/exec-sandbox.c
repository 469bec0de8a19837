/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "core/exec-sandbox.h"
#include "macro.h"

/* Defaults of the sandbox settings, and their directive rows. The steps that apply them in
 * the child are in spawn-*.c. */

struct exec_sandbox *
exec_sandbox_new(void)
{
	struct exec_sandbox *s = calloc(1, sizeof(*s));

	if (s)
		exec_directories_init(&s->directories);
	if (s)
		exec_process_init(&s->process);
	if (s)
		exec_namespace_init(&s->ns);
	return s;
}

struct exec_sandbox *
exec_sandbox_free(struct exec_sandbox *s)
{
	if (!s)
		return NULL;
	exec_directories_done(&s->directories);
	exec_process_done(&s->process);
	exec_namespace_done(&s->ns);
	free(s);
	return NULL;
}

#define SANDBOX_ROW(name, parse, arg, field) \
	{ NULL, name, parse, arg, offsetof(struct exec_sandbox, field) }

const struct directive exec_sandbox_directives[] = {
	/* The directories group: RuntimeDirectory= and friends (exec-directories.c). */
#define DIRECTORY_ROWS(name, type) \
	SANDBOX_ROW(name, parse_exec_directories, 0, directories.paths[type]), \
	SANDBOX_ROW(name "Mode", parse_mode, 0, directories.mode[type])
	DIRECTORY_ROWS("RuntimeDirectory", EXEC_DIRECTORY_RUNTIME),
	DIRECTORY_ROWS("StateDirectory", EXEC_DIRECTORY_STATE),
	DIRECTORY_ROWS("CacheDirectory", EXEC_DIRECTORY_CACHE),
	DIRECTORY_ROWS("LogsDirectory", EXEC_DIRECTORY_LOGS),
	DIRECTORY_ROWS("ConfigurationDirectory", EXEC_DIRECTORY_CONFIGURATION),
#undef DIRECTORY_ROWS
	SANDBOX_ROW("RuntimeDirectoryPreserve", parse_exec_preserve, 0,
		    directories.runtime_preserve),
	/* End of the directories group. */
	/* The process attributes group: capabilities, scheduling, personality, seccomp
	 * (exec-process-directives.c). */
	SANDBOX_ROW("CapabilityBoundingSet", parse_capability_set, CAPS_BOUNDING,
		    process.capability_bounding_set),
	SANDBOX_ROW("AmbientCapabilities", parse_capability_set, CAPS_AMBIENT,
		    process.ambient_capabilities),
	SANDBOX_ROW("SecureBits", parse_securebits, 0, process.securebits),
	SANDBOX_ROW("CPUSchedulingPolicy", parse_cpu_sched_policy, 0, process.cpu_sched_policy),
	SANDBOX_ROW("CPUSchedulingPriority", parse_cpu_sched_priority, 0,
		    process.cpu_sched_priority),
	SANDBOX_ROW("CPUSchedulingResetOnFork", parse_bool, 0, process.cpu_sched_reset_on_fork),
	SANDBOX_ROW("CPUAffinity", parse_cpu_affinity, 0, process.cpu_affinity),
	SANDBOX_ROW("IOSchedulingClass", parse_io_class, 0, process.io_class),
	SANDBOX_ROW("IOSchedulingPriority", parse_io_priority, 0, process.io_priority),
	SANDBOX_ROW("TimerSlackNSec", parse_timer_slack, 0, process.timer_slack_nsec),
	SANDBOX_ROW("Personality", parse_personality, 0, process.personality),
	SANDBOX_ROW("LockPersonality", parse_bool, 0, process.lock_personality),
	SANDBOX_ROW("MemoryDenyWriteExecute", parse_bool, 0, process.memory_deny_write_execute),
	SANDBOX_ROW("RestrictRealtime", parse_bool, 0, process.restrict_realtime),
	SANDBOX_ROW("RestrictSUIDSGID", parse_bool, 0, process.restrict_suid_sgid),
	SANDBOX_ROW("RestrictNamespaces", parse_restrict_namespaces, 0,
		    process.restrict_namespaces),
	SANDBOX_ROW("RestrictAddressFamilies", parse_address_families, 0,
		    process.address_families),
	SANDBOX_ROW("SystemCallFilter", parse_syscall_filter, 0, process.syscall_filter),
	SANDBOX_ROW("SystemCallErrorNumber", parse_syscall_error, 0, process.syscall_error),
	SANDBOX_ROW("SystemCallArchitectures", parse_syscall_archs, 0, process.syscall_archs),
	/* End of the process attributes group. */
	/* The mount namespace group: Private*=, Protect*=, *Paths=, TemporaryFileSystem=,
	 * MountFlags= (exec-namespace-directives.c, applied in spawn-namespace.c). */
	SANDBOX_ROW("PrivateTmp", parse_bool, 0, ns.private_tmp),
	SANDBOX_ROW("PrivateDevices", parse_bool, 0, ns.private_devices),
	SANDBOX_ROW("PrivateNetwork", parse_bool, 0, ns.private_network),
	SANDBOX_ROW("PrivateMounts", parse_tristate, 0, ns.private_mounts),
	SANDBOX_ROW("ProtectSystem", parse_protect_system, 0, ns.protect_system),
	SANDBOX_ROW("ProtectHome", parse_protect_home, 0, ns.protect_home),
	SANDBOX_ROW("ProtectKernelTunables", parse_bool, 0, ns.protect_kernel_tunables),
	SANDBOX_ROW("ProtectKernelModules", parse_bool, 0, ns.protect_kernel_modules),
	SANDBOX_ROW("ProtectKernelLogs", parse_bool, 0, ns.protect_kernel_logs),
	SANDBOX_ROW("ProtectControlGroups", parse_bool, 0, ns.protect_control_groups),
	SANDBOX_ROW("ProtectClock", parse_bool, 0, ns.protect_clock),
	SANDBOX_ROW("ProtectHostname", parse_bool, 0, ns.protect_hostname),
	SANDBOX_ROW("ProtectProc", parse_protect_proc, 0, ns.protect_proc),
	SANDBOX_ROW("ProcSubset", parse_proc_subset, 0, ns.proc_subset),
	SANDBOX_ROW("ReadWritePaths", parse_ns_paths, 0, ns.read_write_paths),
	SANDBOX_ROW("ReadOnlyPaths", parse_ns_paths, 0, ns.read_only_paths),
	SANDBOX_ROW("InaccessiblePaths", parse_ns_paths, 0, ns.inaccessible_paths),
	SANDBOX_ROW("ReadWriteDirectories", parse_ns_paths, 0, ns.read_write_paths),
	SANDBOX_ROW("ReadOnlyDirectories", parse_ns_paths, 0, ns.read_only_paths),
	SANDBOX_ROW("InaccessibleDirectories", parse_ns_paths, 0, ns.inaccessible_paths),
	SANDBOX_ROW("TemporaryFileSystem", parse_ns_tmpfs, 0, ns),
	SANDBOX_ROW("BindPaths", parse_ns_binds, 0, ns),
	SANDBOX_ROW("BindReadOnlyPaths", parse_ns_binds, 1, ns),
	SANDBOX_ROW("MountFlags", parse_mount_flags, 0, ns.mount_propagation),
	/* End of the mount namespace group. */
	{ NULL }
};
