/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_CGROUP_H
#define EMBER_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct manager;
struct unit;

/* Every unit's processes live in a cgroup of their own on the unified (v2) hierarchy
 * (design.md idea 4): a double-forking daemon cannot escape, stop kills the whole group,
 * and the kernel says when a group runs empty (cgroup.events "populated", through inotify).
 *
 * The tree: the manager's base cgroup (the hierarchy's root as the real PID 1; its own,
 * delegated cgroup otherwise), the manager itself in BASE/init.scope, and each unit at
 * BASE/SLICE-PATH/NAME, e.g. BASE/system.slice/foo.service or BASE/a.slice/a-b.slice/x.service.
 * Where there is no writable tree (a non-root debug run, or ember in the root cgroup of a
 * hierarchy it does not own), the manager falls back to process groups and a child
 * subreaper, and says why (cgroup_fallback_reason()). */

enum cgroup_mode {
	CGROUP_MODE_NONE,    /* process groups + subreaper */
	CGROUP_MODE_UNIFIED, /* a cgroup v2 tree of our own */
};

/* Finds the hierarchy, takes the base cgroup, moves the manager into init.scope and
 * enables the controllers. Never fails the manager: on any problem it falls back. */
int cgroup_setup(struct manager *m);
/* At exit: the manager moves back to the cgroup it came from and removes its empty tree
 * (not as the real PID 1, whose tree is the whole hierarchy). */
void cgroup_teardown(struct manager *m);

enum cgroup_mode cgroup_mode(const struct manager *m);
/* Why there are no per-unit cgroups (NULL in unified mode). */
const char *cgroup_fallback_reason(const struct manager *m);
/* Where the v2 hierarchy is mounted (NULL without one). */
const char *cgroup_mount_point(const struct manager *m);
/* The manager's base cgroup relative to the mount ("" for the root), NULL without a tree. */
const char *cgroup_base(const struct manager *m);
/* The controllers enabled for units ("cpu io memory pids"), "" if none. */
const char *cgroup_controllers(const struct manager *m);

/* BASE/SLICE-PATH/NAME of u, relative to the hierarchy's mount ("/system.slice/x.service"),
 * for a unit type that has cgroups. Returns 0, -EOPNOTSUPP (no cgroups), -ENOMEM. */
int unit_cgroup_path_for(struct unit *u, char **ret);
/* Creates u's cgroup (and its slices), watches it, applies the resource settings and sets
 * u->cgroup_path. A no-op without a cgroup tree. 0 or -errno (the start then fails). */
int unit_cgroup_realize(struct unit *u);
/* Removes u's cgroup once it is empty and u is inactive; keeps it (and the watch)
 * otherwise. Called again when the group runs empty. */
void unit_cgroup_prune(struct unit *u);
/* Forgets u's cgroup without touching the file system (the unit is being freed). */
void unit_cgroup_forget(struct unit *u);

/* The absolute directory of u's cgroup into buf; NULL if u has none. */
const char *unit_cgroup_fs_path(const struct unit *u, char *buf, size_t size);
/* 1 if processes are left in u's cgroup (or a child of it), 0 if not, -errno. */
int unit_cgroup_populated(const struct unit *u);
/* Sends sig to every process of u's cgroup and its children, looping until no new process
 * shows up (a forking daemon cannot outrun it); SIGKILL goes through cgroup.kill when the
 * kernel has it. Returns how many processes were signalled, or -errno. */
int unit_cgroup_kill(struct unit *u, int sig);
/* Reads a single number from a file of u's cgroup ("memory.current"); "max" is UINT64_MAX. */
int unit_cgroup_read_u64(const struct unit *u, const char *file, uint64_t *ret);
/* Writes value to a file of u's cgroup ("memory.max"). 0 or -errno. */
int unit_cgroup_write(const struct unit *u, const char *file, const char *value);

/* The unit whose cgroup holds pid, from /proc/PID/cgroup; NULL if none. */
struct unit *cgroup_unit_by_pid(struct manager *m, pid_t pid);

#endif
