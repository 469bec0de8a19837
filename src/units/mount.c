/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mount units: mounting and unmounting run /bin/mount and /bin/umount as Debian does, as
 * control processes in the unit's cgroup, with TimeoutSec=. Whether something is mounted
 * is never guessed from their exit status alone: mountinfo (mount-monitor.c) decides, and
 * mounts made or removed by anybody else move the unit too. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/event.h"
#include "core/exec-command.h"
#include "core/manager.h"
#include "core/spawn-helper.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "units/directives.h"
#include "units/mount-unit.h"
#include "units/mount.h"
#include "units/unit-vtable.h"

#define MOUNT_PATH "/bin/mount"
#define UMOUNT_PATH "/bin/umount"
/* A path with mounts stacked on it needs one umount per layer. */
#define RETRY_UMOUNT_MAX 32

static const char *const state_names[_MOUNT_STATE_MAX] = {
	[MOUNT_DEAD] = "dead",
	[MOUNT_MOUNTING] = "mounting",
	[MOUNT_MOUNTING_DONE] = "mounting-done",
	[MOUNT_MOUNTED] = "mounted",
	[MOUNT_REMOUNTING] = "remounting",
	[MOUNT_UNMOUNTING] = "unmounting",
	[MOUNT_MOUNTING_SIGTERM] = "mounting-sigterm",
	[MOUNT_MOUNTING_SIGKILL] = "mounting-sigkill",
	[MOUNT_UNMOUNTING_SIGTERM] = "unmounting-sigterm",
	[MOUNT_UNMOUNTING_SIGKILL] = "unmounting-sigkill",
	[MOUNT_FAILED] = "failed",
};

static const enum unit_active_state state_map[_MOUNT_STATE_MAX] = {
	[MOUNT_DEAD] = UNIT_INACTIVE,
	[MOUNT_MOUNTING] = UNIT_ACTIVATING,
	[MOUNT_MOUNTING_DONE] = UNIT_ACTIVATING,
	[MOUNT_MOUNTED] = UNIT_ACTIVE,
	[MOUNT_REMOUNTING] = UNIT_RELOADING,
	[MOUNT_UNMOUNTING] = UNIT_DEACTIVATING,
	[MOUNT_MOUNTING_SIGTERM] = UNIT_DEACTIVATING,
	[MOUNT_MOUNTING_SIGKILL] = UNIT_DEACTIVATING,
	[MOUNT_UNMOUNTING_SIGTERM] = UNIT_DEACTIVATING,
	[MOUNT_UNMOUNTING_SIGKILL] = UNIT_DEACTIVATING,
	[MOUNT_FAILED] = UNIT_FAILED,
};

static const char *const result_names[_MOUNT_RESULT_MAX] = {
	[MOUNT_SUCCESS] = "success",
	[MOUNT_FAILURE_RESOURCES] = "resources",
	[MOUNT_FAILURE_TIMEOUT] = "timeout",
	[MOUNT_FAILURE_EXIT_CODE] = "exit-code",
	[MOUNT_FAILURE_SIGNAL] = "signal",
	[MOUNT_FAILURE_CORE_DUMP] = "core-dump",
	[MOUNT_FAILURE_PROTOCOL] = "protocol",
	[MOUNT_FAILURE_START_LIMIT_HIT] = "start-limit-hit",
};

static bool
state_has_process(enum mount_state st)
{
	return st == MOUNT_MOUNTING || st == MOUNT_MOUNTING_DONE || st == MOUNT_REMOUNTING ||
	       st == MOUNT_UNMOUNTING || st == MOUNT_MOUNTING_SIGTERM ||
	       st == MOUNT_MOUNTING_SIGKILL || st == MOUNT_UNMOUNTING_SIGTERM ||
	       st == MOUNT_UNMOUNTING_SIGKILL;
}

static void
set_result(struct mount_unit *m, enum mount_result f)
{
	if (f != MOUNT_SUCCESS && m->result == MOUNT_SUCCESS)
		m->result = f;
}

static int on_timer(struct event_source *src, usec_t usec, void *userdata);

static void
arm_timer(struct mount_unit *m)
{
	struct manager *mgr = UNIT(m)->manager;
	usec_t when;

	if (m->timeout_usec == USEC_INFINITY) {
		m->timer = event_source_free(m->timer);
		return;
	}
	when = now(CLOCK_MONOTONIC) + m->timeout_usec;
	if (m->timer)
		event_source_set_time(m->timer, when);
	else if (event_add_time(mgr->event, when, on_timer, m, &m->timer) < 0)
		log_unit_warning(UNIT(m), "Cannot arm the mount time-out; waiting without one.");
}

static void
mount_set_state(struct mount_unit *m, enum mount_state st)
{
	enum mount_state old = m->state;

	m->state = st;
	if (!state_has_process(st)) {
		m->timer = event_source_free(m->timer);
		if (m->control_pid > 0) {
			unit_unwatch_pid(UNIT(m), m->control_pid);
			m->control_pid = 0;
		}
	} else if (st != old || m->state_rearm) {
		/* Each step (mount, each umount of a stack, SIGTERM, SIGKILL) has its own
		 * TimeoutSec=. */
		m->state_rearm = false;
		arm_timer(m);
	}
	if (old != st)
		log_unit_debug(UNIT(m), "Changed %s -> %s", state_names[old], state_names[st]);
	unit_notify(UNIT(m), state_map[old], state_map[st], m->reload_result == MOUNT_SUCCESS);
}

/* Control processes. */

/* In the manager's process group, which an autofs placeholder lets through: mounting
 * over an automount point must not wait for its own mount. */
static int
spawn_control(struct mount_unit *m, char **argv)
{
	int r = unit_spawn_helper(UNIT(m), &m->exec_context, argv, false, &m->control_command,
				  &m->control_spawn);

	if (r >= 0)
		m->control_pid = m->control_spawn.pid;
	return r;
}

/* mount -t TYPE -o OPTIONS WHAT WHERE, with what the unit file or fstab asked for. */
static char **
mount_argv(struct mount_unit *m, const char *extra_options)
{
	const struct mount_parameters *p = mount_parameters(m);
	_cleanup_free_ char *opts = NULL;
	char **argv = NULL;

	if (extra_options && p == &m->proc)
		opts = strdup(extra_options);
	else if (extra_options && !isempty(p->options))
		opts = strjoin(extra_options, ",", p->options);
	else
		opts = strdup(extra_options ? extra_options : strempty(p->options));
	if (!opts || strv_extend(&argv, MOUNT_PATH) < 0 ||
	    (!extra_options && strv_extend(&argv, p->what ? p->what : "none") < 0) ||
	    strv_extend(&argv, m->where) < 0 ||
	    (p->fstype && !extra_options && (strv_extend(&argv, "-t") < 0 ||
					      strv_extend(&argv, p->fstype) < 0)) ||
	    (m->sloppy_options && strv_extend(&argv, "-s") < 0) ||
	    (m->read_write_only && strv_extend(&argv, "-w") < 0) ||
	    (!isempty(opts) && (strv_extend(&argv, "-o") < 0 || strv_extend(&argv, opts) < 0)))
		return strv_free(argv);
	return argv;
}

static void enter_dead(struct mount_unit *m, enum mount_result f);
static void enter_signal(struct mount_unit *m, enum mount_state st, enum mount_result f);

static void
enter_mounted(struct mount_unit *m, enum mount_result f)
{
	set_result(m, f);
	mount_set_state(m, MOUNT_MOUNTED);
}

static void
enter_dead(struct mount_unit *m, enum mount_result f)
{
	set_result(m, f);
	m->n_retry_umount = 0;
	mount_set_state(m, m->result == MOUNT_SUCCESS ? MOUNT_DEAD : MOUNT_FAILED);
	if (m->result != MOUNT_SUCCESS)
		unit_log_event(UNIT(m), LOG_WARNING, "Failed with result '%s'.",
			       result_names[m->result]);
}

/* After a mount or umount attempt: mountinfo tells how things stand. */
static void
enter_dead_or_mounted(struct mount_unit *m, enum mount_result f)
{
	if (m->from_proc)
		enter_mounted(m, f);
	else
		enter_dead(m, f);
}

static void
enter_unmounting(struct mount_unit *m)
{
	char **argv = NULL;
	int r;

	if (strv_extend(&argv, UMOUNT_PATH) < 0 || strv_extend(&argv, m->where) < 0 ||
	    strv_extend(&argv, "-c") < 0 ||
	    (m->lazy_unmount && strv_extend(&argv, "-l") < 0) ||
	    (m->force_unmount && strv_extend(&argv, "-f") < 0)) {
		strv_free(argv);
		r = -ENOMEM;
	} else
		r = spawn_control(m, argv);
	if (r < 0) {
		unit_log_event(UNIT(m), LOG_ERR, "Failed to run '" UMOUNT_PATH "': %s", strerror(-r));
		enter_mounted(m, MOUNT_FAILURE_RESOURCES);
		return;
	}
	mount_set_state(m, MOUNT_UNMOUNTING);
}

static void
enter_mounting(struct mount_unit *m)
{
	const struct mount_parameters *p = mount_parameters(m);
	char **argv;
	int r;

	/* Creating Where= never waits on an automount placeholder: the manager's own lookups
	 * pass through it (same process group). */
	r = mkdir_p(m->where, m->directory_mode);
	if (r < 0 && r != -EEXIST)
		log_unit_warning(UNIT(m), "Cannot create mount point %s: %s", m->where, strerror(-r));
	if (!p->what && !p->fstype) {
		unit_log_event(UNIT(m), LOG_ERR, "No What= or Type= to mount; refusing.");
		enter_dead(m, MOUNT_FAILURE_RESOURCES);
		return;
	}
	argv = mount_argv(m, NULL);
	r = argv ? spawn_control(m, argv) : -ENOMEM;
	if (r < 0) {
		unit_log_event(UNIT(m), LOG_ERR, "Failed to run '" MOUNT_PATH "': %s", strerror(-r));
		enter_dead(m, MOUNT_FAILURE_RESOURCES);
		return;
	}
	mount_set_state(m, MOUNT_MOUNTING);
}

static void
enter_remounting(struct mount_unit *m)
{
	char **argv = mount_argv(m, "remount");

	/* A mount only the mount table knows is remounted with its own options, which the
	 * kernel keeps; only configured options are given again (mount_argv). */
	int r = argv ? spawn_control(m, argv) : -ENOMEM;

	m->reload_result = MOUNT_SUCCESS;
	if (r < 0) {
		unit_log_event(UNIT(m), LOG_ERR, "Failed to run '" MOUNT_PATH "': %s", strerror(-r));
		m->reload_result = MOUNT_FAILURE_RESOURCES;
		enter_mounted(m, MOUNT_SUCCESS);
		return;
	}
	mount_set_state(m, MOUNT_REMOUNTING);
}

/* Kills a hanging mount/umount helper (its whole cgroup, or the process). */
static void
enter_signal(struct mount_unit *m, enum mount_state st, enum mount_result f)
{
	struct kill_context *k = &m->kill_context;
	bool term = st == MOUNT_MOUNTING_SIGTERM || st == MOUNT_UNMOUNTING_SIGTERM;
	int sig = term ? k->kill_signal : SIGKILL;

	set_result(m, f);
	if (m->control_pid > 0 && (term || k->send_sigkill)) {
		if (UNIT(m)->cgroup_path)
			unit_cgroup_kill(UNIT(m), sig);
		(void)kill(m->control_pid, sig);
		mount_set_state(m, st);
		return;
	}
	enter_dead_or_mounted(m, MOUNT_SUCCESS);
}

static int
on_timer(struct event_source *src, usec_t usec, void *userdata)
{
	struct mount_unit *m = userdata;

	switch (m->state) {
	case MOUNT_MOUNTING:
	case MOUNT_MOUNTING_DONE:
		unit_log_event(UNIT(m), LOG_WARNING, "Mounting timed out. Terminating.");
		enter_signal(m, MOUNT_MOUNTING_SIGTERM, MOUNT_FAILURE_TIMEOUT);
		break;
	case MOUNT_REMOUNTING:
		/* The file system stays mounted; only the reload fails (its job with it). */
		unit_log_event(UNIT(m), LOG_WARNING, "Remounting timed out. Killing remount process.");
		m->reload_result = MOUNT_FAILURE_TIMEOUT;
		if (m->control_pid > 0)
			(void)kill(m->control_pid, SIGKILL);
		break;
	case MOUNT_UNMOUNTING:
		unit_log_event(UNIT(m), LOG_WARNING, "Unmounting timed out. Terminating.");
		enter_signal(m, MOUNT_UNMOUNTING_SIGTERM, MOUNT_FAILURE_TIMEOUT);
		break;
	case MOUNT_MOUNTING_SIGTERM:
		enter_signal(m, MOUNT_MOUNTING_SIGKILL, MOUNT_FAILURE_TIMEOUT);
		break;
	case MOUNT_UNMOUNTING_SIGTERM:
		enter_signal(m, MOUNT_UNMOUNTING_SIGKILL, MOUNT_FAILURE_TIMEOUT);
		break;
	default:
		unit_log_event(UNIT(m), LOG_WARNING, "Processes still around after SIGKILL. Ignoring.");
		enter_dead_or_mounted(m, MOUNT_FAILURE_TIMEOUT);
		break;
	}
	return 0;
}

static enum mount_result
exit_result(int code, int status)
{
	if (code == CLD_EXITED)
		return status == 0 ? MOUNT_SUCCESS : MOUNT_FAILURE_EXIT_CODE;
	return code == CLD_DUMPED ? MOUNT_FAILURE_CORE_DUMP : MOUNT_FAILURE_SIGNAL;
}

static void
control_exited(struct mount_unit *m, int code, int status)
{
	struct exec_status_report rep;
	enum mount_result f = exit_result(code, status);
	const char *tool = m->state == MOUNT_UNMOUNTING ? "umount" : "mount";

	if (exec_spawn_collect(&m->control_spawn, &rep) > 0) {
		free(m->failed_step);
		if (asprintf(&m->failed_step, "%s: step %s: %s", tool, exec_step_to_string(rep.step),
			     rep.detail[0] ? rep.detail : strerror(rep.error)) < 0)
			m->failed_step = NULL;
		unit_log_event(UNIT(m), LOG_ERR, "%s", strna(m->failed_step));
		f = MOUNT_FAILURE_RESOURCES;
	} else if (f != MOUNT_SUCCESS)
		unit_log_event(UNIT(m), LOG_WARNING, "%s process exited, code=%s, status=%d", tool,
			       code == CLD_EXITED ? "exited" : "killed", status);
	/* Learn what the helper did now, not when the kernel's notice is read. */
	mount_monitor_rescan(UNIT(m)->manager);
	switch (m->state) {
	case MOUNT_MOUNTING:
	case MOUNT_MOUNTING_DONE:
		if (f == MOUNT_SUCCESS && !m->from_proc) {
			unit_log_event(UNIT(m), LOG_ERR,
				       "mount reported success, but nothing is mounted on %s.", m->where);
			f = MOUNT_FAILURE_PROTOCOL;
		}
		if (f == MOUNT_SUCCESS)
			enter_mounted(m, f);
		else if (m->from_proc)
			/* Mounted after all (or by someone else meanwhile): up, but say so. */
			enter_mounted(m, f);
		else
			enter_dead(m, f);
		break;
	case MOUNT_REMOUNTING:
		if (m->reload_result == MOUNT_SUCCESS) /* a time-out stays the reason */
			m->reload_result = f;
		enter_dead_or_mounted(m, MOUNT_SUCCESS);
		break;
	case MOUNT_UNMOUNTING:
		if (f == MOUNT_SUCCESS && m->from_proc && m->n_retry_umount < RETRY_UMOUNT_MAX) {
			/* Another layer is still mounted there. */
			m->n_retry_umount++;
			m->state_rearm = true;
			enter_unmounting(m);
		} else if (m->from_proc) {
			unit_log_event(UNIT(m), LOG_WARNING, "Still mounted after unmounting.");
			enter_mounted(m, f != MOUNT_SUCCESS ? f : MOUNT_FAILURE_EXIT_CODE);
		} else
			enter_dead(m, f);
		break;
	case MOUNT_MOUNTING_SIGTERM:
	case MOUNT_MOUNTING_SIGKILL:
	case MOUNT_UNMOUNTING_SIGTERM:
	case MOUNT_UNMOUNTING_SIGKILL:
		enter_dead_or_mounted(m, f);
		break;
	default:
		break;
	}
}

static void
mount_sigchld(struct unit *u, pid_t pid, int code, int status)
{
	struct mount_unit *m = MOUNT(u);

	if (pid <= 0 || pid != m->control_pid)
		return;
	unit_unwatch_pid(u, pid);
	m->control_pid = 0;
	control_exited(m, code, status);
}

/* mountinfo changed for this unit's path (mount-monitor.c). */
void
mount_proc_update(struct mount_unit *m, bool mounted, bool changed)
{
	switch (m->state) {
	case MOUNT_DEAD:
	case MOUNT_FAILED:
		if (mounted) {
			/* Mounted by somebody else: the unit is up. */
			m->result = MOUNT_SUCCESS;
			mount_set_state(m, MOUNT_MOUNTED);
		}
		break;
	case MOUNT_MOUNTED:
		if (!mounted) {
			unit_log_event(UNIT(m), LOG_INFO, "Unmounted behind the manager's back.");
			enter_dead(m, MOUNT_SUCCESS);
		} else if (changed)
			unit_add_to_dbus_queue(UNIT(m));
		break;
	case MOUNT_MOUNTING:
		if (mounted)
			mount_set_state(m, MOUNT_MOUNTING_DONE);
		break;
	default:
		/* A helper runs; its exit decides. */
		break;
	}
}

/* Unit operations. */

static void
mount_init(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	m->control_spawn.status_fd = -1;
	mount_init_defaults(u);
}

static void
mount_done(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	mount_monitor_forget(m);
	m->timer = event_source_free(m->timer);
	if (m->control_pid > 0)
		unit_unwatch_pid(u, m->control_pid);
	if (m->control_spawn.status_fd >= 0)
		m->control_spawn.status_fd = safe_close(m->control_spawn.status_fd);
	m->control_command = exec_command_free_list(m->control_command);
	free(m->failed_step);
	free(m->proc.what);
	free(m->proc.fstype);
	free(m->proc.options);
	mount_free_config(m);
	free(m->where);
	exec_context_done(&m->exec_context);
}

static void
mount_reset_config(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	mount_free_config(m);
	exec_context_done(&m->exec_context);
	mount_init_defaults(u);
}

static int
mount_start(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	if (state_has_process(m->state) && state_map[m->state] == UNIT_DEACTIVATING)
		return -EAGAIN;
	if (m->state == MOUNT_MOUNTING || m->state == MOUNT_MOUNTING_DONE)
		return 0;
	if (m->state == MOUNT_MOUNTED)
		return 1;
	if (!unit_test_start_limit(u)) {
		enter_dead(m, MOUNT_FAILURE_START_LIMIT_HIT);
		return -ECANCELED;
	}
	if (!u->manager->mount_monitor) {
		/* Whether a mount worked is read from the mount table, which only the system
		 * manager running as PID 1 follows. */
		unit_log_event(u, LOG_ERR, "Mount units are only handled by the system manager "
			       "as PID 1; refusing to mount %s.", m->where);
		return -EOPNOTSUPP;
	}
	m->result = MOUNT_SUCCESS;
	m->reload_result = MOUNT_SUCCESS;
	free(m->failed_step);
	m->failed_step = NULL;
	if (m->from_proc) {
		/* Somebody mounted it already. */
		enter_mounted(m, MOUNT_SUCCESS);
		return 0;
	}
	enter_mounting(m);
	return 0;
}

static int
mount_stop(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	switch (m->state) {
	case MOUNT_UNMOUNTING:
	case MOUNT_UNMOUNTING_SIGTERM:
	case MOUNT_UNMOUNTING_SIGKILL:
	case MOUNT_MOUNTING_SIGTERM:
	case MOUNT_MOUNTING_SIGKILL:
		return 0;
	case MOUNT_MOUNTING:
	case MOUNT_MOUNTING_DONE:
	case MOUNT_REMOUNTING:
		enter_signal(m, MOUNT_MOUNTING_SIGTERM, MOUNT_SUCCESS);
		return 0;
	case MOUNT_MOUNTED:
		m->result = MOUNT_SUCCESS;
		m->n_retry_umount = 0;
		enter_unmounting(m);
		return 0;
	default:
		return 1;
	}
}

static int
mount_reload(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	if (m->state != MOUNT_MOUNTED)
		return -ENOEXEC;
	enter_remounting(m);
	return 0;
}

static bool
mount_can_reload(const struct unit *u)
{
	return MOUNT(u)->fragment.what != NULL || MOUNT(u)->from_proc;
}

static void
mount_reset_failed(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	if (m->state == MOUNT_FAILED)
		mount_set_state(m, MOUNT_DEAD);
	m->result = MOUNT_SUCCESS;
	m->reload_result = MOUNT_SUCCESS;
}

static int
mount_kill(struct unit *u, const char *whom, int sig, char **error)
{
	struct mount_unit *m = MOUNT(u);

	if (m->control_pid <= 0) {
		*error = strdup("No control process to kill.");
		return -ESRCH;
	}
	return kill(m->control_pid, sig) < 0 ? -errno : 0;
}

static enum unit_active_state
mount_active_state(const struct unit *u)
{
	return state_map[MOUNT(u)->state];
}

static const char *
mount_sub_state(const struct unit *u)
{
	return state_names[MOUNT(u)->state];
}

static const char *
mount_result_string(const struct unit *u)
{
	return result_names[MOUNT(u)->result];
}

static pid_t
mount_control_pid(const struct unit *u)
{
	return MOUNT(u)->control_pid;
}

/* A mount nobody mounted and no file describes is forgotten. */
static bool
mount_may_gc(struct unit *u)
{
	struct mount_unit *m = MOUNT(u);

	return !m->from_proc && m->control_pid <= 0 && m->state == MOUNT_DEAD;
}

static void
mount_dump(struct unit *u, FILE *f, const char *prefix)
{
	struct mount_unit *m = MOUNT(u);
	const struct mount_parameters *p = mount_parameters(m);

	fprintf(f, "%s   Where: %s\n", prefix, m->where ? m->where : "?");
	fprintf(f, "%s    What: %s\n", prefix, m->from_proc && m->proc.what ? m->proc.what :
		strna(p->what));
	if (p->fstype)
		fprintf(f, "%s    Type: %s\n", prefix, p->fstype);
	if (m->from_proc && m->proc.options)
		fprintf(f, "%s Options: %s\n", prefix, m->proc.options);
	if (m->failed_step)
		fprintf(f, "%s  Failed: %s\n", prefix, m->failed_step);
}

const struct unit_vtable mount_vtable = {
	.object_size = sizeof(struct mount_unit),
	.section = "Mount",
	.directives = mount_directives,
	.exec_context_offset = offsetof(struct mount_unit, exec_context),
	.kill_context_offset = offsetof(struct mount_unit, kill_context),
	.can_fragment_be_missing = true,
	.has_cgroup = true,
	.init = mount_init,
	.done = mount_done,
	.load = mount_load,
	.start = mount_start,
	.stop = mount_stop,
	.reload = mount_reload,
	.kill = mount_kill,
	.reset_failed = mount_reset_failed,
	.reset_config = mount_reset_config,
	.sigchld = mount_sigchld,
	.active_state = mount_active_state,
	.sub_state_to_string = mount_sub_state,
	.can_reload = mount_can_reload,
	.may_gc = mount_may_gc,
	.control_pid = mount_control_pid,
	.result = mount_result_string,
	.dump = mount_dump,
};
