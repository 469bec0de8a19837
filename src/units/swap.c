/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Swap units: activation and deactivation run /sbin/swapon and /sbin/swapoff as control
 * processes in the unit's cgroup, with TimeoutSec=. Whether a swap area is in use is
 * decided by /proc/swaps (swap-monitor.c), never by their exit status alone, and areas
 * switched on or off by anybody else move the unit too.
 *
 *   dead/failed --start--> activating --swapon exits 0--> active
 *   active --stop--> deactivating --swapoff exits, area gone--> dead
 *   activating/deactivating --TimeoutSec=--> deactivating-sigterm --> -sigkill --> dead
 *   dead <--/proc/swaps--> active   (swapon/swapoff by hand)
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/event.h"
#include "core/exec-command.h"
#include "core/manager.h"
#include "core/spawn-helper.h"
#include "log.h"
#include "macro.h"
#include "mountinfo.h"
#include "string-util.h"
#include "strv.h"
#include "units/directives.h"
#include "units/swap-unit.h"
#include "units/swap.h"
#include "units/unit-vtable.h"

#define SWAPON_PATH "/sbin/swapon"
#define SWAPOFF_PATH "/sbin/swapoff"

static const char *const state_names[_SWAP_STATE_MAX] = {
	[SWAP_DEAD] = "dead",
	[SWAP_ACTIVATING] = "activating",
	[SWAP_ACTIVATING_DONE] = "activating-done",
	[SWAP_ACTIVE] = "active",
	[SWAP_DEACTIVATING] = "deactivating",
	[SWAP_DEACTIVATING_SIGTERM] = "deactivating-sigterm",
	[SWAP_DEACTIVATING_SIGKILL] = "deactivating-sigkill",
	[SWAP_FAILED] = "failed",
};

static const enum unit_active_state state_map[_SWAP_STATE_MAX] = {
	[SWAP_DEAD] = UNIT_INACTIVE,
	[SWAP_ACTIVATING] = UNIT_ACTIVATING,
	[SWAP_ACTIVATING_DONE] = UNIT_ACTIVATING,
	[SWAP_ACTIVE] = UNIT_ACTIVE,
	[SWAP_DEACTIVATING] = UNIT_DEACTIVATING,
	[SWAP_DEACTIVATING_SIGTERM] = UNIT_DEACTIVATING,
	[SWAP_DEACTIVATING_SIGKILL] = UNIT_DEACTIVATING,
	[SWAP_FAILED] = UNIT_FAILED,
};

static const char *const result_names[_SWAP_RESULT_MAX] = {
	[SWAP_SUCCESS] = "success",
	[SWAP_FAILURE_RESOURCES] = "resources",
	[SWAP_FAILURE_TIMEOUT] = "timeout",
	[SWAP_FAILURE_EXIT_CODE] = "exit-code",
	[SWAP_FAILURE_SIGNAL] = "signal",
	[SWAP_FAILURE_CORE_DUMP] = "core-dump",
};

static bool
state_has_process(enum swap_state st)
{
	return st == SWAP_ACTIVATING || st == SWAP_ACTIVATING_DONE || st == SWAP_DEACTIVATING ||
	       st == SWAP_DEACTIVATING_SIGTERM || st == SWAP_DEACTIVATING_SIGKILL;
}

static bool
state_is_killing(enum swap_state st)
{
	return st == SWAP_DEACTIVATING_SIGTERM || st == SWAP_DEACTIVATING_SIGKILL;
}

static void
set_result(struct swap_unit *s, enum swap_result f)
{
	if (f != SWAP_SUCCESS && s->result == SWAP_SUCCESS)
		s->result = f;
}

static int on_timer(struct event_source *src, usec_t usec, void *userdata);

static void
arm_timer(struct swap_unit *s)
{
	struct manager *mgr = UNIT(s)->manager;
	usec_t when;

	if (s->timeout_usec == USEC_INFINITY) {
		s->timer = event_source_free(s->timer);
		return;
	}
	when = now(CLOCK_MONOTONIC) + s->timeout_usec;
	if (s->timer)
		event_source_set_time(s->timer, when);
	else if (event_add_time(mgr->event, when, on_timer, s, &s->timer) < 0)
		log_unit_warning(UNIT(s), "Cannot arm the swap time-out; waiting without one.");
}

static void
swap_set_state(struct swap_unit *s, enum swap_state st)
{
	enum swap_state old = s->state;

	s->state = st;
	if (!state_has_process(st)) {
		s->timer = event_source_free(s->timer);
		if (s->control_pid > 0) {
			unit_unwatch_pid(UNIT(s), s->control_pid);
			s->control_pid = 0;
		}
	} else if (!state_has_process(old) || (old != st && state_is_killing(st)))
		/* Each signal gets a full time-out of its own before the next one. */
		arm_timer(s);
	if (old != st)
		log_unit_debug(UNIT(s), "Changed %s -> %s", state_names[old], state_names[st]);
	unit_notify(UNIT(s), state_map[old], state_map[st], true);
}

/* Control processes. */

/* Its own session: a hanging helper is killed with everything it started. */
static int
spawn_control(struct swap_unit *s, char **argv)
{
	int r = unit_spawn_helper(UNIT(s), &s->exec_context, argv, true, &s->control_command,
				  &s->control_spawn);

	if (r >= 0)
		s->control_pid = s->control_spawn.pid;
	return r;
}

/* Does the comma list opts set the priority itself ("pri=5")? Then Priority= yields. */
static bool
options_set_priority(const char *opts)
{
	_cleanup_strv_free_ char **values = NULL;

	return mount_option_values(opts, "pri", &values) != 0; /* OOM: say yes, pass -o only */
}

/* swapon [-p PRIORITY] [-o OPTIONS] WHAT */
static char **
swapon_argv(const struct swap_unit *s)
{
	char prio[16];
	char **argv = NULL;

	snprintf(prio, sizeof(prio), "%d", s->priority);
	if (strv_extend(&argv, SWAPON_PATH) < 0 ||
	    (s->priority >= 0 && !options_set_priority(s->options) &&
	     (strv_extend(&argv, "-p") < 0 || strv_extend(&argv, prio) < 0)) ||
	    (!isempty(s->options) &&
	     (strv_extend(&argv, "-o") < 0 || strv_extend(&argv, s->options) < 0)) ||
	    strv_extend(&argv, s->what) < 0)
		return strv_free(argv);
	return argv;
}

static void
enter_active(struct swap_unit *s, enum swap_result f)
{
	set_result(s, f);
	swap_set_state(s, SWAP_ACTIVE);
}

static void
enter_dead(struct swap_unit *s, enum swap_result f)
{
	set_result(s, f);
	swap_set_state(s, s->result == SWAP_SUCCESS ? SWAP_DEAD : SWAP_FAILED);
	if (s->result != SWAP_SUCCESS)
		unit_log_event(UNIT(s), LOG_WARNING, "Failed with result '%s'.",
			       result_names[s->result]);
}

/* After a helper was stopped: /proc/swaps tells how things stand. */
static void
enter_dead_or_active(struct swap_unit *s, enum swap_result f)
{
	if (s->from_proc)
		enter_active(s, f);
	else
		enter_dead(s, f);
}

static void
enter_activating(struct swap_unit *s)
{
	char **argv = swapon_argv(s);
	int r = argv ? spawn_control(s, argv) : -ENOMEM;

	if (r < 0) {
		unit_log_event(UNIT(s), LOG_ERR, "Failed to run '" SWAPON_PATH "': %s", strerror(-r));
		enter_dead(s, SWAP_FAILURE_RESOURCES);
		return;
	}
	swap_set_state(s, SWAP_ACTIVATING);
}

static void
enter_deactivating(struct swap_unit *s)
{
	char **argv = NULL;
	int r;

	if (strv_extend(&argv, SWAPOFF_PATH) < 0 || strv_extend(&argv, s->what) < 0) {
		strv_free(argv);
		r = -ENOMEM;
	} else
		r = spawn_control(s, argv);
	if (r < 0) {
		unit_log_event(UNIT(s), LOG_ERR, "Failed to run '" SWAPOFF_PATH "': %s", strerror(-r));
		enter_active(s, SWAP_FAILURE_RESOURCES);
		return;
	}
	swap_set_state(s, SWAP_DEACTIVATING);
}

/* Kills a hanging swapon or swapoff (its whole cgroup, or the process). */
static void
enter_signal(struct swap_unit *s, enum swap_state st, enum swap_result f)
{
	struct kill_context *k = &s->kill_context;
	bool term = st == SWAP_DEACTIVATING_SIGTERM;
	int sig = term ? k->kill_signal : SIGKILL;

	set_result(s, f);
	if (s->control_pid > 0 && (term || k->send_sigkill)) {
		if (UNIT(s)->cgroup_path)
			unit_cgroup_kill(UNIT(s), sig);
		(void)kill(s->control_pid, sig);
		swap_set_state(s, st);
		return;
	}
	enter_dead_or_active(s, SWAP_SUCCESS);
}

static int
on_timer(struct event_source *src, usec_t usec, void *userdata)
{
	struct swap_unit *s = userdata;

	switch (s->state) {
	case SWAP_ACTIVATING:
	case SWAP_ACTIVATING_DONE:
		unit_log_event(UNIT(s), LOG_WARNING, "Activation timed out. Terminating.");
		enter_signal(s, SWAP_DEACTIVATING_SIGTERM, SWAP_FAILURE_TIMEOUT);
		break;
	case SWAP_DEACTIVATING:
		unit_log_event(UNIT(s), LOG_WARNING, "Deactivation timed out. Terminating.");
		enter_signal(s, SWAP_DEACTIVATING_SIGTERM, SWAP_FAILURE_TIMEOUT);
		break;
	case SWAP_DEACTIVATING_SIGTERM:
		unit_log_event(UNIT(s), LOG_WARNING, "Swap helper did not stop. Killing.");
		enter_signal(s, SWAP_DEACTIVATING_SIGKILL, SWAP_FAILURE_TIMEOUT);
		break;
	default:
		unit_log_event(UNIT(s), LOG_WARNING, "Processes still around after SIGKILL. Ignoring.");
		enter_dead_or_active(s, SWAP_FAILURE_TIMEOUT);
		break;
	}
	return 0;
}

static enum swap_result
exit_result(int code, int status)
{
	if (code == CLD_EXITED)
		return status == 0 ? SWAP_SUCCESS : SWAP_FAILURE_EXIT_CODE;
	return code == CLD_DUMPED ? SWAP_FAILURE_CORE_DUMP : SWAP_FAILURE_SIGNAL;
}

static void
control_exited(struct swap_unit *s, int code, int status)
{
	struct exec_status_report rep;
	enum swap_result f = exit_result(code, status);
	const char *tool = s->control_command ? strrchr(s->control_command->path, '/') + 1 : "swap";

	if (exec_spawn_collect(&s->control_spawn, &rep) > 0) {
		free(s->failed_step);
		if (asprintf(&s->failed_step, "%s: step %s: %s", tool, exec_step_to_string(rep.step),
			     rep.detail[0] ? rep.detail : strerror(rep.error)) < 0)
			s->failed_step = NULL;
		unit_log_event(UNIT(s), LOG_ERR, "%s", strna(s->failed_step));
		f = SWAP_FAILURE_RESOURCES;
	} else if (f != SWAP_SUCCESS)
		unit_log_event(UNIT(s), LOG_WARNING, "%s %s failed: process %s, status=%d", tool,
			       s->what, code == CLD_EXITED ? "exited" : "killed", status);
	/* Learn what the helper did now, not when the kernel's notice is read. */
	swap_monitor_rescan(UNIT(s)->manager);
	switch (s->state) {
	case SWAP_ACTIVATING:
	case SWAP_ACTIVATING_DONE:
		/* swapon's word is taken even if /proc/swaps names the area by another path
		 * (a symbolic link to the file); an area that is in use is up, whoever made
		 * it so. */
		if (f == SWAP_SUCCESS || s->from_proc)
			enter_active(s, f);
		else
			enter_dead(s, f);
		break;
	case SWAP_DEACTIVATING:
		if (s->from_proc) {
			unit_log_event(UNIT(s), LOG_WARNING, "Still in use after swapoff.");
			enter_active(s, f != SWAP_SUCCESS ? f : SWAP_FAILURE_EXIT_CODE);
		} else
			/* Off, whoever did it: another unit for the same area may have run its
			 * swapoff first, and this one then found nothing to do. */
			enter_dead(s, f == SWAP_FAILURE_EXIT_CODE ? SWAP_SUCCESS : f);
		break;
	case SWAP_DEACTIVATING_SIGTERM:
	case SWAP_DEACTIVATING_SIGKILL:
		enter_dead_or_active(s, f);
		break;
	default:
		break;
	}
}

static void
swap_sigchld(struct unit *u, pid_t pid, int code, int status)
{
	struct swap_unit *s = SWAP(u);

	if (pid <= 0 || pid != s->control_pid)
		return;
	unit_unwatch_pid(u, pid);
	s->control_pid = 0;
	control_exited(s, code, status);
}

/* /proc/swaps changed for this unit's area (swap-monitor.c). */
void
swap_proc_update(struct swap_unit *s, bool active)
{
	switch (s->state) {
	case SWAP_DEAD:
	case SWAP_FAILED:
		if (active) {
			/* Switched on by somebody else: the unit is up. */
			s->result = SWAP_SUCCESS;
			swap_set_state(s, SWAP_ACTIVE);
		}
		break;
	case SWAP_ACTIVE:
		if (!active) {
			unit_log_event(UNIT(s), LOG_INFO, "Switched off behind the manager's back.");
			enter_dead(s, SWAP_SUCCESS);
		}
		break;
	case SWAP_ACTIVATING:
		if (active)
			swap_set_state(s, SWAP_ACTIVATING_DONE);
		break;
	default:
		/* A helper runs; its exit decides. */
		break;
	}
}

/* Unit operations. */

static void
swap_init(struct unit *u)
{
	SWAP(u)->control_spawn.status_fd = -1;
	swap_init_defaults(u);
}

static void
swap_done(struct unit *u)
{
	struct swap_unit *s = SWAP(u);

	s->timer = event_source_free(s->timer);
	if (s->control_pid > 0)
		unit_unwatch_pid(u, s->control_pid);
	if (s->control_spawn.status_fd >= 0)
		s->control_spawn.status_fd = safe_close(s->control_spawn.status_fd);
	s->control_command = exec_command_free_list(s->control_command);
	free(s->failed_step);
	swap_free_config(s);
	free(s->what);
	exec_context_done(&s->exec_context);
}

static void
swap_reset_config(struct unit *u)
{
	struct swap_unit *s = SWAP(u);

	swap_free_config(s);
	exec_context_done(&s->exec_context);
	swap_init_defaults(u);
}

static int
swap_start(struct unit *u)
{
	struct swap_unit *s = SWAP(u);

	if (state_map[s->state] == UNIT_DEACTIVATING)
		return -EAGAIN;
	if (s->state == SWAP_ACTIVATING || s->state == SWAP_ACTIVATING_DONE)
		return 0;
	if (s->state == SWAP_ACTIVE)
		return 1;
	if (!unit_test_start_limit(u)) {
		enter_dead(s, SWAP_FAILURE_RESOURCES);
		return -ECANCELED;
	}
	s->result = SWAP_SUCCESS;
	s->failed_step = mfree(s->failed_step);
	if (s->from_proc || swap_monitor_adopt(s)) {
		/* In use already (by hand, or through another name of the device). */
		enter_active(s, SWAP_SUCCESS);
		return 0;
	}
	enter_activating(s);
	return 0;
}

static int
swap_stop(struct unit *u)
{
	struct swap_unit *s = SWAP(u);

	switch (s->state) {
	case SWAP_DEACTIVATING:
	case SWAP_DEACTIVATING_SIGTERM:
	case SWAP_DEACTIVATING_SIGKILL:
		return 0;
	case SWAP_ACTIVATING:
	case SWAP_ACTIVATING_DONE:
		enter_signal(s, SWAP_DEACTIVATING_SIGTERM, SWAP_SUCCESS);
		return 0;
	case SWAP_ACTIVE:
		s->result = SWAP_SUCCESS;
		enter_deactivating(s);
		return 0;
	default:
		return 1;
	}
}

static void
swap_reset_failed(struct unit *u)
{
	struct swap_unit *s = SWAP(u);

	if (s->state == SWAP_FAILED)
		swap_set_state(s, SWAP_DEAD);
	s->result = SWAP_SUCCESS;
}

static int
swap_kill(struct unit *u, const char *whom, int sig, char **error)
{
	struct swap_unit *s = SWAP(u);

	if (s->control_pid <= 0) {
		*error = strdup("No control process to kill.");
		return -ESRCH;
	}
	return kill(s->control_pid, sig) < 0 ? -errno : 0;
}

static enum unit_active_state
swap_active_state(const struct unit *u)
{
	return state_map[SWAP(u)->state];
}

static const char *
swap_sub_state(const struct unit *u)
{
	return state_names[SWAP(u)->state];
}

static const char *
swap_result_string(const struct unit *u)
{
	return result_names[SWAP(u)->result];
}

static pid_t
swap_control_pid(const struct unit *u)
{
	return SWAP(u)->control_pid;
}

/* An area nobody switched on and no file describes is forgotten. */
static bool
swap_may_gc(struct unit *u)
{
	struct swap_unit *s = SWAP(u);

	return !s->from_proc && s->control_pid <= 0 && s->state == SWAP_DEAD;
}

static void
swap_dump(struct unit *u, FILE *f, const char *prefix)
{
	struct swap_unit *s = SWAP(u);

	fprintf(f, "%s    What: %s\n", prefix, strna(s->what));
	if (s->from_proc)
		fprintf(f, "%sPriority: %d\n", prefix, s->proc_priority);
	else if (s->priority >= 0)
		fprintf(f, "%sPriority: %d\n", prefix, s->priority);
	if (s->options)
		fprintf(f, "%s Options: %s\n", prefix, s->options);
	if (s->failed_step)
		fprintf(f, "%s  Failed: %s\n", prefix, s->failed_step);
}

const struct unit_vtable swap_vtable = {
	.object_size = sizeof(struct swap_unit),
	.section = "Swap",
	.directives = swap_directives,
	.exec_context_offset = offsetof(struct swap_unit, exec_context),
	.kill_context_offset = offsetof(struct swap_unit, kill_context),
	.can_fragment_be_missing = true,
	.has_cgroup = true,
	.init = swap_init,
	.done = swap_done,
	.load = swap_load,
	.start = swap_start,
	.stop = swap_stop,
	.kill = swap_kill,
	.reset_failed = swap_reset_failed,
	.reset_config = swap_reset_config,
	.sigchld = swap_sigchld,
	.active_state = swap_active_state,
	.sub_state_to_string = swap_sub_state,
	.may_gc = swap_may_gc,
	.control_pid = swap_control_pid,
	.result = swap_result_string,
	.dump = swap_dump,
};
