/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_EXEC_NAMESPACE_H
#define EMBER_EXEC_NAMESPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "units/directives.h"

/* The mount namespace and the isolation settings around it (systemd.exec(5) "SANDBOXING"):
 * Private{Tmp,Devices,Network,Mounts}=, Protect{System,Home,Kernel*,ControlGroups,Clock,
 * Hostname,Proc}=, ProcSubset=, {ReadWrite,ReadOnly,Inaccessible}Paths=,
 * TemporaryFileSystem=, Bind{,ReadOnly}Paths=, MountFlags=. Lives in struct exec_sandbox;
 * the child applies it in spawn-namespace.c (steps network, hostname, namespace, protect). */

enum protect_system {
	PROTECT_SYSTEM_NO,
	PROTECT_SYSTEM_YES,    /* /usr /boot /efi read-only */
	PROTECT_SYSTEM_FULL,   /* ... and /etc */
	PROTECT_SYSTEM_STRICT, /* everything but /dev /proc /sys */
	_PROTECT_SYSTEM_MAX,
};

enum protect_home {
	PROTECT_HOME_NO,
	PROTECT_HOME_YES,       /* /home /root /run/user inaccessible */
	PROTECT_HOME_READ_ONLY,
	PROTECT_HOME_TMPFS,     /* an empty read-only tmpfs on each */
	_PROTECT_HOME_MAX,
};

enum protect_proc {
	PROTECT_PROC_DEFAULT,
	PROTECT_PROC_NOACCESS,
	PROTECT_PROC_INVISIBLE,
	PROTECT_PROC_PTRACEABLE,
	_PROTECT_PROC_MAX,
};

enum proc_subset {
	PROC_SUBSET_ALL,
	PROC_SUBSET_PID,
	_PROC_SUBSET_MAX,
};

/* MountFlags=: the final propagation of the service's namespace. */
enum mount_propagation {
	MOUNT_PROPAGATION_UNSET, /* shared, after the initial slave (so nothing leaks out) */
	MOUNT_PROPAGATION_SHARED,
	MOUNT_PROPAGATION_SLAVE,
	MOUNT_PROPAGATION_PRIVATE,
	_MOUNT_PROPAGATION_MAX,
};

/* One BindPaths=/BindReadOnlyPaths= entry: "[-]SOURCE[:DEST[:rbind|norbind]]". */
struct exec_bind {
	char *source;
	char *destination;
	bool read_only;
	bool ignore_missing;
	bool recursive;
};

/* One TemporaryFileSystem= entry: "PATH[:OPTIONS]". */
struct exec_tmpfs {
	char *path;
	char *options; /* NULL = the defaults only */
};

struct exec_namespace {
	/* Each "[-][+]/path", the prefixes kept: '-' missing is fine, '+' below
	 * RootDirectory=. */
	char **read_write_paths;
	char **read_only_paths;
	char **inaccessible_paths;
	struct exec_bind *binds;
	struct exec_tmpfs *tmpfs;
	uint16_t n_binds, n_tmpfs;
	uint8_t protect_system;   /* enum protect_system */
	uint8_t protect_home;     /* enum protect_home */
	uint8_t protect_proc;     /* enum protect_proc */
	uint8_t proc_subset;      /* enum proc_subset */
	uint8_t mount_propagation; /* enum mount_propagation */
	int private_mounts;       /* -1 unset: PrivateNetwork= implies it */
	bool private_tmp;
	bool private_devices;
	bool private_network;
	bool protect_kernel_tunables;
	bool protect_kernel_modules;
	bool protect_kernel_logs;
	bool protect_control_groups;
	bool protect_clock;
	bool protect_hostname;
};

void exec_namespace_init(struct exec_namespace *n);
void exec_namespace_done(struct exec_namespace *n);

/* True if the settings need a mount namespace for the child. */
bool exec_namespace_needs_mounts(const struct exec_namespace *n);

/* Directive parsers (rows in exec_sandbox_directives[]). */
int parse_ns_paths(const struct parse_ctx *c, const char *v, int arg, void *data);     /* char ** */
int parse_ns_binds(const struct parse_ctx *c, const char *v, int arg, void *data);     /* arg: read-only; data: the struct */
int parse_ns_tmpfs(const struct parse_ctx *c, const char *v, int arg, void *data);     /* data: the struct */
int parse_protect_system(const struct parse_ctx *c, const char *v, int arg, void *data); /* uint8_t */
int parse_protect_home(const struct parse_ctx *c, const char *v, int arg, void *data);   /* uint8_t */
int parse_protect_proc(const struct parse_ctx *c, const char *v, int arg, void *data);   /* uint8_t */
int parse_proc_subset(const struct parse_ctx *c, const char *v, int arg, void *data);    /* uint8_t */
int parse_mount_flags(const struct parse_ctx *c, const char *v, int arg, void *data);    /* uint8_t */

const char *protect_system_to_string(enum protect_system p);
const char *protect_home_to_string(enum protect_home p);
const char *protect_proc_to_string(enum protect_proc p);

#endif
