/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_MANAGER_H
#define EMBER_MANAGER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "core/exec.h"
#include "core/job.h"
#include "core/unit.h"
#include "hashmap.h"
#include "path-lookup.h"
#include "time-util.h"

struct event;
struct event_source;
struct unit_index;
struct bus_state;
struct notify_listener;

/* What the main loop should do once the current iteration ends. */
enum manager_objective {
	MANAGER_OK,
	MANAGER_EXIT,       /* debug/user instance: leave after stopping everything */
	MANAGER_RELOAD,     /* daemon-reload */
	MANAGER_REEXECUTE,
	MANAGER_REBOOT,
	MANAGER_POWEROFF,
	MANAGER_HALT,
	MANAGER_KEXEC,
	_MANAGER_OBJECTIVE_MAX,
};

/* Defaults from ember.conf / user.conf [Manager] (ember.conf(5)). */
struct manager_defaults {
	usec_t timeout_start;
	usec_t timeout_stop;
	usec_t timeout_abort;
	usec_t restart;
	usec_t start_limit_interval;
	unsigned start_limit_burst;
	enum exec_output std_output;
	enum exec_output std_error;
	struct rlimit *rlimit[RLIM_NLIMITS];
	char **environment;
};

struct manager {
	enum manager_scope scope;
	bool is_pid1;
	bool test_run;           /* --test: load and compute, never spawn */
	struct event *event;
	char *runtime_dir;       /* --runtime-dir, $XDG_RUNTIME_DIR/ember or /run/ember */
	char *unit_path_override;
	char *default_unit;      /* --unit, else default.target */
	struct lookup_paths lookup;
	struct unit_index *index;/* name -> file, built once per (re)load */

	struct hashmap *units;   /* every name (canonical and alias) -> struct unit * */
	struct hashmap *jobs;    /* id -> struct job * (HASHMAP_POINTER keyed by uintptr id) */
	uint32_t current_job_id;
	unsigned n_running_jobs;
	unsigned n_idle_waiting;  /* Type=idle services holding their start until jobs settle */
	struct hashmap *watch_pids; /* pid (as pointer) -> struct unit * */
	struct set *group_waiters;  /* units waiting for stray processes of their group to go */

	struct unit *load_queue;
	struct unit *dbus_unit_queue;
	struct unit *gc_queue;
	struct unit *unneeded_queue;
	struct unit *target_deps_queue;
	struct job *run_queue_head, *run_queue_tail;
	struct event_source *run_queue_source;
	struct event_source *load_queue_source;
	struct event_source *dbus_queue_source;
	struct event_source *gc_queue_source;
	struct event_source *status_timer;

	char **environment;      /* what every service inherits */
	struct manager_defaults defaults;
	bool show_status;
	bool crash_shell;
	bool no_console_output;

	struct notify_listener *notify;
	char *notify_socket_path;
	struct bus_state *bus;   /* private API server and connections (dbus.c) */
	char *bus_address;       /* BusAddress=: the message bus to join; NULL or "" = none */
	struct cgroup_state *cgroup; /* the unit cgroup tree, or why there is none (cgroup.c) */
	struct mount_monitor *mount_monitor;   /* /proc/self/mountinfo (units/mount.c) */
	struct device_monitor *device_monitor; /* the udev monitor (units/device.c) */
	struct swap_monitor *swap_monitor;     /* /proc/swaps (units/swap.c) */

	enum manager_objective objective;
	enum manager_objective shutdown_pending; /* set by begin_shutdown, taken when jobs end */
	int exit_code;
	struct dual_timestamp startup_timestamp;
	struct dual_timestamp finish_timestamp;
	bool startup_finished;
	bool startup_queued;     /* the default unit's transaction is in */
	unsigned n_reloading;
	bool freeing;            /* manager_free() runs: no queueing, no signals */
};

/* Sets up the manager: loop, signals, notify socket, API socket, unit index.
 * Does not start anything. */
int manager_new(enum manager_scope scope, bool test_run, struct manager **ret);
struct manager *manager_free(struct manager *m);
/* Computes search paths, indexes unit files and, unless test_run, sets up signals, the
 * runtime directory, the notify socket and the API server. */
int manager_setup(struct manager *m);
/* Loads every queued unit now (normally done at the start of each loop iteration). */
void manager_dispatch_load_queue(struct manager *m);
/* The unit whose process group or cgroup holds pid, or NULL. */
struct unit *manager_get_unit_by_cgroup_pid(struct manager *m, pid_t pid);
/* Loads the default unit and starts it (isolate). Returns 0 or -errno (logged). */
int manager_startup(struct manager *m);
/* Runs the loop until an objective other than OK is reached; returns it. */
enum manager_objective manager_loop(struct manager *m);
/* daemon-reload: re-reads every unit file, keeping runtime state. */
int manager_reload(struct manager *m);
/* Sets what the loop does next and wakes it (from any callback). */
void manager_set_objective(struct manager *m, enum manager_objective o);
/* Queues stop jobs for everything and sets the objective when done. */
void manager_begin_shutdown(struct manager *m, enum manager_objective objective);

struct job *manager_get_job(struct manager *m, uint32_t id);
/* Looks up a unit by a PID it watches or by the PID's cgroup. */
struct unit *manager_get_unit_by_pid(struct manager *m, pid_t pid);
/* Console status line "[  OK  ] Started foo.service - Foo." when show_status. */
void manager_status_printf(struct manager *m, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Called by jobs/units when the set of jobs changed (startup finished detection). */
void manager_check_finished(struct manager *m);
/* Sets/unsets variables of the environment passed to services. */
int manager_set_environment(struct manager *m, char **assignments, char **unset);

#endif
