/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "activation/autofs.h"
#include "core/event.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/transaction.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "units/automount.h"
#include "units/unit-vtable.h"

/* The life of an automount unit (states in automount.h); the directives and the load
 * checks are in automount-config.c, the kernel protocol in activation/autofs.c.
 *
 * The manager never looks the path up once the placeholder is there, except where the
 * kernel lets it through (it is in the mount's process group): everything it learns
 * about the real mount comes from the mount unit's state (trigger_notify), which
 * mount.c follows through mountinfo. */

static const char *const state_names[_AUTOMOUNT_STATE_MAX] = {
	[AUTOMOUNT_DEAD] = "dead",
	[AUTOMOUNT_WAITING] = "waiting",
	[AUTOMOUNT_RUNNING] = "running",
	[AUTOMOUNT_FAILED] = "failed",
};

static const enum unit_active_state state_map[_AUTOMOUNT_STATE_MAX] = {
	[AUTOMOUNT_DEAD] = UNIT_INACTIVE,
	[AUTOMOUNT_WAITING] = UNIT_ACTIVE,
	[AUTOMOUNT_RUNNING] = UNIT_ACTIVE,
	[AUTOMOUNT_FAILED] = UNIT_FAILED,
};

static const char *const result_names[_AUTOMOUNT_RESULT_MAX] = {
	[AUTOMOUNT_SUCCESS] = "success",
	[AUTOMOUNT_FAILURE_RESOURCES] = "resources",
	[AUTOMOUNT_FAILURE_UNMOUNTED] = "unmounted",
	[AUTOMOUNT_FAILURE_MOUNTED] = "already-mounted",
};

const char *automount_state_to_string(enum automount_state s) { return state_names[s]; }
const char *automount_result_to_string(enum automount_result r) { return result_names[r]; }

/* What a waiting process gets when its mount will not happen (ls: "No such file or
 * directory"), and an expire request whose unmount did not happen. */
#define MOUNT_FAILED_STATUS (-ENOENT)
#define UNMOUNT_FAILED_STATUS (-EBUSY)
/* The mount source in mountinfo, so that an administrator sees who put it there. */
#define AUTOFS_SOURCE "ember"

static bool
is_up(const struct automount *a)
{
	return a->state == AUTOMOUNT_WAITING || a->state == AUTOMOUNT_RUNNING;
}

/* Tokens. */

static int
tokens_add(struct automount_tokens *t, uint32_t token)
{
	uint32_t *v;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i] == token)
			return 0;
	v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->v = v;
	t->v[t->n++] = token;
	return 0;
}

/* Answers every token of t: READY for status 0, else FAIL with status. */
static void
tokens_answer(struct automount *a, struct automount_tokens *t, int status, const char *what)
{
	for (size_t i = 0; i < t->n; i++) {
		int r = status == 0 ? autofs_ready(&a->am, t->v[i]) : autofs_fail(&a->am, t->v[i], status);

		/* A waiter the kernel already gave up on (it was killed, the mount went
		 * catatonic) is no reason to stop answering the others. */
		if (r < 0)
			log_unit_warning_errno(UNIT(a), r, "Failed to answer %s request %u with %s: %m",
					       what, t->v[i], status == 0 ? "ready" : "fail");
	}
	t->v = mfree(t->v);
	t->n = 0;
}

static void
tokens_drop(struct automount_tokens *t)
{
	t->v = mfree(t->v);
	t->n = 0;
}

/* State. */

static void arm_expire_timer(struct automount *a);

static void
automount_set_state(struct automount *a, enum automount_state st)
{
	enum automount_state old = a->state;

	a->state = st;
	arm_expire_timer(a);
	if (old != st) {
		log_unit_debug(UNIT(a), "Changed %s -> %s", state_names[old], state_names[st]);
		unit_notify(UNIT(a), state_map[old], state_map[st], true);
	}
}

static void
set_result(struct automount *a, enum automount_result f)
{
	if (f != AUTOMOUNT_SUCCESS && a->result == AUTOMOUNT_SUCCESS)
		a->result = f;
}

static void
set_failed_step(struct automount *a, const char *fmt, ...) _printf_(2, 3);

static void
set_failed_step(struct automount *a, const char *fmt, ...)
{
	va_list ap;

	a->failed_step = mfree(a->failed_step);
	va_start(ap, fmt);
	if (vasprintf(&a->failed_step, fmt, ap) < 0)
		a->failed_step = NULL;
	va_end(ap);
	unit_log_event(UNIT(a), LOG_ERR, "%s", strna(a->failed_step));
}

/* The top-most mount at path per our mountinfo: 1 autofs, 0 nothing, 2 something else. */
static int
top_mount_kind(const char *path, char **ret_fstype)
{
	_cleanup_free_ char *fstype = NULL;
	int r = autofs_mountinfo_top("/proc/self/mountinfo", path, &fstype);

	if (r <= 0)
		return r;
	r = streq(fstype, "autofs") ? 1 : 2;
	if (ret_fstype)
		*ret_fstype = TAKE_PTR(fstype);
	return r;
}

/* Detaches an autofs placeholder at path if it is what is on top there (ours, left
 * behind by a stop while the real mount was up, or by an earlier manager). */
static void
detach_placeholder(struct automount *a, const char *path)
{
	if (top_mount_kind(path, NULL) != 1)
		return;
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
		log_unit_warning_errno(UNIT(a), errno, "Failed to unmount the autofs placeholder at %s: %m",
				       path);
	else
		log_unit_debug(UNIT(a), "Unmounted the autofs placeholder at %s.", path);
}

/* Gives the placeholder up: every waiter is answered, the kernel stops asking
 * (catatonic), and the autofs mount goes unless the real mount sits on top of it.
 * forget_child is false when the manager is being freed (its PID table with it). */
static void
release_autofs(struct automount *a, int status, bool forget_child)
{
	int r;

	/* Requests still in the pipe get their answer too: catatonic mode does not wake a
	 * sleeper on every kernel (6.1 misses the killable wait), so nobody may be left to
	 * it. */
	for (int i = 0; i < 64 && a->am.pipe_fd >= 0 && a->am.ioctl_fd >= 0; i++) {
		struct autofs_request req;

		if (autofs_read_request(a->am.pipe_fd, &req) <= 0)
			break;
		(void)tokens_add(req.type == AUTOFS_REQUEST_EXPIRE ? &a->expire_tokens :
				 &a->mount_tokens, req.token);
	}
	if (a->am.ioctl_fd >= 0) {
		tokens_answer(a, &a->mount_tokens, status, "mount");
		tokens_answer(a, &a->expire_tokens, status, "expire");
	} else {
		tokens_drop(&a->mount_tokens);
		tokens_drop(&a->expire_tokens);
	}
	if (a->expire_pid > 0) {
		(void)kill(a->expire_pid, SIGKILL);
		/* Its exit is reaped by the loop and ignored (expire_pid no longer matches). */
		if (forget_child)
			unit_unwatch_pid(UNIT(a), a->expire_pid);
		a->expire_pid = 0;
	}
	a->io = event_source_free(a->io);
	if (a->am.ioctl_fd >= 0 && (r = autofs_catatonic(&a->am)) < 0)
		log_unit_debug_errno(UNIT(a), r, "Failed to make the autofs mount catatonic: %m");
	autofs_close(&a->am);
	if (!a->mounted_where)
		return;
	if (top_mount_kind(a->mounted_where, NULL) == 2) {
		/* The real mount is on top: it stays (stopping the automount does not unmount
		 * file systems in use); the inert placeholder goes after it. */
		a->leftover = true;
		log_unit_info(UNIT(a), "Leaving %s mounted; the autofs placeholder under it goes when it is unmounted.",
			      a->mounted_where);
		return;
	}
	detach_placeholder(a, a->mounted_where);
	a->mounted_where = mfree(a->mounted_where);
}

static void
enter_dead(struct automount *a, enum automount_result f)
{
	set_result(a, f);
	release_autofs(a, MOUNT_FAILED_STATUS, true);
	if (a->result != AUTOMOUNT_SUCCESS)
		unit_log_event(UNIT(a), LOG_WARNING, "Failed with result '%s'.", result_names[a->result]);
	automount_set_state(a, a->result == AUTOMOUNT_SUCCESS ? AUTOMOUNT_DEAD : AUTOMOUNT_FAILED);
}

/* Expiry: TimeoutIdleSec= tells the kernel how long an unused mount stays; the kernel
 * only expires when asked, so while the real mount is up a timer asks at a third of the
 * timeout (autofs daemons do the same). The asking happens in a child: the kernel holds
 * the asker until its expire request is answered, and the answer comes from us. */

static uint64_t
timeout_sec(const struct automount *a)
{
	if (a->timeout_idle == USEC_INFINITY || a->timeout_idle == 0)
		return 0;
	return (a->timeout_idle + USEC_PER_SEC - 1) / USEC_PER_SEC;
}

static int on_expire_timer(struct event_source *s, usec_t usec, void *userdata);

static void
arm_expire_timer(struct automount *a)
{
	usec_t when;

	if (a->state != AUTOMOUNT_RUNNING || timeout_sec(a) == 0) {
		if (a->expire_timer)
			event_source_set_enabled(a->expire_timer, false);
		return;
	}
	if (a->expire_timer && event_source_get_enabled(a->expire_timer))
		return;
	when = now(CLOCK_MONOTONIC) + MAX(a->timeout_idle / 3, USEC_PER_SEC);
	if (a->expire_timer)
		event_source_set_time(a->expire_timer, when);
	else if (event_add_time(UNIT(a)->manager->event, when, on_expire_timer, a,
				&a->expire_timer) < 0)
		log_unit_warning(UNIT(a), "Cannot arm the expiry timer; the mount will not expire.");
}

static int
on_expire_timer(struct event_source *s, usec_t usec, void *userdata)
{
	struct automount *a = userdata;
	pid_t pid;

	if (a->state == AUTOMOUNT_RUNNING && a->expire_pid <= 0 && a->am.ioctl_fd >= 0) {
		pid = autofs_expire_spawn(&a->am);
		if (pid < 0)
			log_unit_warning_errno(UNIT(a), (int)pid, "Failed to fork the expiry check: %m");
		else {
			a->expire_pid = pid;
			if (unit_watch_pid(UNIT(a), pid) < 0)
				log_unit_warning(UNIT(a), "Cannot watch the expiry check (PID %d).", (int)pid);
		}
	}
	arm_expire_timer(a);
	return 0;
}

static void
automount_sigchld(struct unit *u, pid_t pid, int code, int status)
{
	struct automount *a = AUTOMOUNT(u);

	if (pid <= 0 || pid != a->expire_pid)
		return;
	a->expire_pid = 0;
	if (code != CLD_EXITED)
		log_unit_warning(u, "The expiry check was killed by signal %d.", status);
	else if (status != 0)
		log_unit_warning_errno(u, status, "Asking the kernel to expire %s failed: %m",
				       strna(a->mounted_where));
}

/* Requests from the kernel. */

static bool
job_is_start(const struct job *j)
{
	return j && (j->type == JOB_START || j->type == JOB_RESTART ||
		     j->type == JOB_VERIFY_ACTIVE || j->type == JOB_RELOAD_OR_START);
}

static void
request_mount(struct automount *a, const struct autofs_request *req)
{
	struct unit *u = UNIT(a), *mnt = automount_trigger_unit(u);
	_cleanup_free_ char *err = NULL;
	enum unit_active_state ms;
	int r;

	if (!mnt) {
		(void)autofs_fail(&a->am, req->token, MOUNT_FAILED_STATUS);
		log_unit_error(u, "No mount unit to start for %s.", a->mounted_where);
		return;
	}
	ms = unit_active_state(mnt);
	if (unit_active_or_reloading(ms) && !(mnt->job && mnt->job->type == JOB_STOP)) {
		r = autofs_ready(&a->am, req->token);
		if (r < 0)
			log_unit_warning_errno(u, r, "Failed to answer mount request %u: %m", req->token);
		automount_set_state(a, AUTOMOUNT_RUNNING);
		return;
	}
	/* A mount that failed before is tried afresh on every access: the start limit is
	 * for services that crash by themselves, not for somebody looking again. */
	if (ms == UNIT_FAILED && !mnt->job)
		unit_reset_failed(mnt);
	if (tokens_add(&a->mount_tokens, req->token) < 0) {
		(void)autofs_fail(&a->am, req->token, -ENOMEM);
		log_unit_error(u, "Out of memory; the request for %s fails.", a->mounted_where);
		return;
	}
	if (job_is_start(mnt->job))
		return; /* already on its way */
	unit_log_event(u, LOG_INFO, "Got automount request for %s, triggered by PID %d.",
		       a->mounted_where, (int)req->pid);
	r = manager_add_job(u->manager, JOB_START, mnt, JOB_REPLACE, NULL, &err);
	if (r < 0) {
		unit_log_event(u, LOG_WARNING, "Failed to queue the start of %s: %s", mnt->id,
			       err ? err : strerror(-r));
		tokens_answer(a, &a->mount_tokens, r == -ENOMEM ? r : MOUNT_FAILED_STATUS, "mount");
	}
}

static void
request_expire(struct automount *a, const struct autofs_request *req)
{
	struct unit *u = UNIT(a), *mnt = automount_trigger_unit(u);
	_cleanup_free_ char *err = NULL;
	char idle[FORMAT_TIMESPAN_MAX];
	int r;

	if (!mnt || unit_inactive_or_failed(unit_active_state(mnt))) {
		/* Nothing of ours is mounted: nothing to keep. */
		r = autofs_ready(&a->am, req->token);
		if (r < 0)
			log_unit_warning_errno(u, r, "Failed to answer expire request %u: %m", req->token);
		return;
	}
	if (tokens_add(&a->expire_tokens, req->token) < 0) {
		(void)autofs_fail(&a->am, req->token, -ENOMEM);
		return;
	}
	if (mnt->job && mnt->job->type == JOB_STOP)
		return;
	unit_log_event(u, LOG_INFO, "%s has been idle for %s, unmounting.", a->mounted_where,
		       format_timespan(idle, sizeof(idle), timeout_sec(a) * USEC_PER_SEC, USEC_PER_SEC));
	r = manager_add_job(u->manager, JOB_STOP, mnt, JOB_REPLACE, NULL, &err);
	if (r < 0) {
		unit_log_event(u, LOG_WARNING, "Failed to queue the stop of %s: %s", mnt->id,
			       err ? err : strerror(-r));
		tokens_answer(a, &a->expire_tokens, UNMOUNT_FAILED_STATUS, "expire");
	}
}

static int
on_autofs_io(struct event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct automount *a = userdata;
	struct unit *u = UNIT(a);

	/* The pipe may hold a request written just before the mount went: read first. */
	for (int i = 0; i < 64 && is_up(a); i++) {
		struct autofs_request req;
		int r = autofs_read_request(fd, &req);

		if (r == 0)
			break;
		if (r == -EPIPE) {
			unit_log_event(u, LOG_WARNING, "The autofs mount at %s went away.",
				       strna(a->mounted_where));
			enter_dead(a, AUTOMOUNT_FAILURE_UNMOUNTED);
			return 0;
		}
		if (r < 0) {
			log_unit_warning_errno(u, r, "Failed to read a request from the kernel: %m");
			break;
		}
		if (req.type == AUTOFS_REQUEST_MOUNT)
			request_mount(a, &req);
		else if (req.type == AUTOFS_REQUEST_EXPIRE)
			request_expire(a, &req);
		else {
			log_unit_warning(u, "Unexpected autofs request type %d, failing it.",
					 req.kernel_type);
			(void)autofs_fail(&a->am, req.token, -EINVAL);
		}
	}
	return 0;
}

/* The mount unit changed state, or its job ended. */
static void
automount_trigger_notify(struct unit *u, struct unit *other)
{
	struct automount *a = AUTOMOUNT(u);
	enum unit_active_state ms = unit_active_state(other);

	if (other != automount_trigger_unit(u))
		return;
	if (!is_up(a)) {
		if (a->leftover && unit_inactive_or_failed(ms) && a->mounted_where) {
			detach_placeholder(a, a->mounted_where);
			a->mounted_where = mfree(a->mounted_where);
			a->leftover = false;
		}
		return;
	}
	if (unit_active_or_reloading(ms)) {
		if (a->mount_tokens.n > 0)
			unit_log_event(u, LOG_INFO, "%s is mounted, letting %zu waiting request(s) through.",
				       a->mounted_where, a->mount_tokens.n);
		tokens_answer(a, &a->mount_tokens, 0, "mount");
		/* A stop that ended with the file system still mounted: the unmount failed. */
		if (a->expire_tokens.n > 0 && !(other->job && other->job->type == JOB_STOP)) {
			unit_log_event(u, LOG_WARNING, "%s could not be unmounted; it stays.",
				       a->mounted_where);
			tokens_answer(a, &a->expire_tokens, UNMOUNT_FAILED_STATUS, "expire");
		}
		automount_set_state(a, AUTOMOUNT_RUNNING);
		return;
	}
	if (!unit_inactive_or_failed(ms))
		return; /* activating or deactivating: wait for the end */
	tokens_answer(a, &a->expire_tokens, 0, "expire");
	if (a->mount_tokens.n > 0 && !job_is_start(other->job)) {
		unit_log_event(u, LOG_WARNING, "Mounting %s failed (%s is %s); %zu waiting request(s) get an error, the next access tries again.",
			       a->mounted_where, other->id, unit_active_state_to_string(ms),
			       a->mount_tokens.n);
		tokens_answer(a, &a->mount_tokens, MOUNT_FAILED_STATUS, "mount");
	}
	if (a->state == AUTOMOUNT_RUNNING)
		automount_set_state(a, AUTOMOUNT_WAITING);
}

/* Operations. */

/* Where= must be an empty spot: a file system mounted there already would be hidden
 * under the placeholder... or rather over it, and every access would bypass us. */
static int
check_where_free(struct automount *a, struct unit *mnt)
{
	_cleanup_free_ char *fstype = NULL;
	int r;

	if (mnt && !unit_inactive_or_failed(unit_active_state(mnt))) {
		set_failed_step(a, "%s is already mounted (%s is %s); refusing to put an automount under it.",
				a->where, mnt->id, unit_active_state_to_string(unit_active_state(mnt)));
		return -EBUSY;
	}
	r = top_mount_kind(a->where, &fstype);
	if (r < 0) {
		set_failed_step(a, "step mountinfo: cannot read /proc/self/mountinfo: %s", strerror(-r));
		return r;
	}
	if (r == 2) {
		set_failed_step(a, "%s is already mounted (%s); refusing to put an automount under it.",
				a->where, fstype);
		return -EBUSY;
	}
	if (r == 1) {
		/* A placeholder nobody serves (left by an earlier manager): it would hold
		 * every access forever. Replace it. */
		log_unit_notice(UNIT(a), "Replacing a stale autofs mount at %s.", a->where);
		detach_placeholder(a, a->where);
	}
	return 0;
}

static int
automount_start(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);
	enum autofs_step step;
	struct unit *mnt;
	int r;

	a->result = AUTOMOUNT_SUCCESS;
	a->failed_step = mfree(a->failed_step);
	mnt = automount_trigger_unit(u);
	if (!mnt || mnt->load_state != UNIT_LOADED) {
		set_failed_step(a, "The mount unit %s to trigger is not loaded (%s); refusing to start.",
				mnt ? mnt->id : "for Where=", mnt && mnt->load_error ? mnt->load_error :
				"no unit");
		enter_dead(a, AUTOMOUNT_FAILURE_RESOURCES);
		return -ECANCELED;
	}
	/* Also replaces a placeholder left under a real mount that has gone since. */
	r = check_where_free(a, mnt);
	if (r < 0) {
		enter_dead(a, AUTOMOUNT_FAILURE_MOUNTED);
		return -ECANCELED;
	}
	a->leftover = false;
	a->mounted_where = mfree(a->mounted_where);
	r = mkdir_p(a->where, a->directory_mode);
	if (r < 0) {
		set_failed_step(a, "step mkdir: %s: %s", a->where, strerror(-r));
		goto fail;
	}
	r = autofs_mount_direct(a->where, AUTOFS_SOURCE, a->extra_options, timeout_sec(a), &a->am,
				&step);
	if (r < 0) {
		if (step == AUTOFS_STEP_DEVICE && (r == -ENOENT || r == -ENODEV || r == -ENXIO))
			set_failed_step(a, "step %s: %s (the kernel has no autofs support: load the autofs4 module)",
					autofs_step_to_string(step), strerror(-r));
		else
			set_failed_step(a, "step %s: %s: %s", autofs_step_to_string(step), a->where,
					strerror(-r));
		goto fail;
	}
	/* From here on release_autofs() takes the placeholder down again on failure. */
	a->mounted_where = strdup(a->where);
	if (!a->mounted_where) {
		set_failed_step(a, "step watch: out of memory");
		(void)autofs_catatonic(&a->am);
		(void)umount2(a->where, MNT_DETACH | UMOUNT_NOFOLLOW);
		goto fail;
	}
	r = event_add_io(u->manager->event, a->am.pipe_fd, EPOLLIN, on_autofs_io, a, &a->io);
	if (r < 0) {
		set_failed_step(a, "step watch: %s", strerror(-r));
		goto fail;
	}
	unit_log_event(u, LOG_INFO, "Set up automount on %s%s.", a->where,
		       timeout_sec(a) ? " with an idle timeout" : "");
	automount_set_state(a, AUTOMOUNT_WAITING);
	return 0;

fail:
	enter_dead(a, AUTOMOUNT_FAILURE_RESOURCES);
	return -ECANCELED;
}

static int
automount_stop(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);

	if (is_up(a))
		enter_dead(a, AUTOMOUNT_SUCCESS);
	return 0;
}

static void
automount_reset_failed(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);

	if (a->state == AUTOMOUNT_FAILED)
		automount_set_state(a, AUTOMOUNT_DEAD);
	a->result = AUTOMOUNT_SUCCESS;
}

static void
automount_init(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);

	a->am = (struct autofs_mount)AUTOFS_MOUNT_NULL;
	automount_init_defaults(u);
}

static void
free_config(struct automount *a)
{
	a->where = mfree(a->where);
	a->extra_options = mfree(a->extra_options);
}

static void
automount_done(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);

	/* The manager is going away (or the unit is collected): nobody is left to answer,
	 * so the kernel must stop asking. */
	if (is_up(a))
		release_autofs(a, MOUNT_FAILED_STATUS, false);
	autofs_close(&a->am);
	a->io = event_source_free(a->io);
	a->expire_timer = event_source_free(a->expire_timer);
	tokens_drop(&a->mount_tokens);
	tokens_drop(&a->expire_tokens);
	free_config(a);
	a->mounted_where = mfree(a->mounted_where);
	a->failed_step = mfree(a->failed_step);
}

/* daemon-reload: the placeholder stays where it is (mounted_where) and keeps its
 * waiters; a new Where= takes effect at the next start. */
static void
automount_reset_config(struct unit *u)
{
	free_config(AUTOMOUNT(u));
	automount_init_defaults(u);
}

static int
automount_load(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);
	int r = automount_load_check(u);

	/* A new TimeoutIdleSec= applies to the running placeholder at once. */
	if (r >= 0 && is_up(a) && a->am.ioctl_fd >= 0) {
		int k = autofs_set_timeout(&a->am, timeout_sec(a));

		if (k < 0)
			log_unit_warning_errno(u, k, "Failed to set the new idle timeout: %m");
		arm_expire_timer(a);
	}
	return r;
}

static int
automount_serialize(struct unit *u, FILE *f)
{
	fprintf(f, "result=%s\n", result_names[AUTOMOUNT(u)->result]);
	return 0;
}

/* The placeholder's fds do not survive a re-execution (they are close-on-exec): the new
 * manager comes up with the unit dead and replaces the stale mount at its next start. */
static int
automount_deserialize_item(struct unit *u, const char *key, const char *value)
{
	if (streq(key, "result"))
		for (int i = 0; i < _AUTOMOUNT_RESULT_MAX; i++)
			if (streq(value, result_names[i]))
				AUTOMOUNT(u)->result = i;
	return 0;
}

static enum unit_active_state
automount_active_state(const struct unit *u)
{
	return state_map[AUTOMOUNT(u)->state];
}

static const char *
automount_sub_state(const struct unit *u)
{
	return state_names[AUTOMOUNT(u)->state];
}

static const char *
automount_result(const struct unit *u)
{
	return result_names[AUTOMOUNT(u)->result];
}

static bool
automount_may_gc(struct unit *u)
{
	struct automount *a = AUTOMOUNT(u);

	return a->expire_pid <= 0 && !a->leftover;
}

static void
automount_dump(struct unit *u, FILE *f, const char *prefix)
{
	struct automount *a = AUTOMOUNT(u);
	char buf[FORMAT_TIMESPAN_MAX];

	fprintf(f, "%sWhere: %s\n", prefix, strna(a->where));
	fprintf(f, "%sDirectoryMode: %04o\n", prefix, (unsigned)a->directory_mode);
	fprintf(f, "%sTimeoutIdleSec: %s\n", prefix,
		a->timeout_idle == USEC_INFINITY ? "infinity" :
		format_timespan(buf, sizeof(buf), a->timeout_idle, USEC_PER_MSEC));
	if (a->extra_options)
		fprintf(f, "%sExtraOptions: %s\n", prefix, a->extra_options);
	fprintf(f, "%sResult: %s\n", prefix, result_names[a->result]);
	fprintf(f, "%sWaiting requests: %zu mount, %zu expire\n", prefix, a->mount_tokens.n,
		a->expire_tokens.n);
	if (a->failed_step)
		fprintf(f, "%sFailed step: %s\n", prefix, a->failed_step);
}

const struct unit_vtable automount_vtable = {
	.object_size = sizeof(struct automount),
	.section = "Automount",
	.directives = automount_directives,
	.init = automount_init,
	.done = automount_done,
	.load = automount_load,
	.start = automount_start,
	.stop = automount_stop,
	.reset_failed = automount_reset_failed,
	.reset_config = automount_reset_config,
	.sigchld = automount_sigchld,
	.trigger_notify = automount_trigger_notify,
	.serialize = automount_serialize,
	.deserialize_item = automount_deserialize_item,
	.active_state = automount_active_state,
	.sub_state_to_string = automount_sub_state,
	.result = automount_result,
	.may_gc = automount_may_gc,
	.dump = automount_dump,
};
