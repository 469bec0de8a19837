/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_AUTOFS_H
#define EMBER_AUTOFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The kernel's autofs v5 protocol for direct mounts (protocols.md §5, kernel
 * Documentation/filesystems/autofs.rst and autofs-mount-control.rst), with no automount
 * daemon: the manager itself answers the kernel. Knows paths, fds and tokens, not units:
 * units/automount.c decides what a request means.
 *
 * A process that looks up the mount point while nothing is mounted on it sleeps in the
 * kernel (interruptibly) until a READY or FAIL for its token arrives. Processes in the
 * process group named at mount time (the manager's) never sleep there: that is what lets
 * the manager and the mount helpers it runs without a new session work on the path. */

/* One mount's fds. ioctl_fd is opened on the autofs root by OPENMOUNT; every request goes
 * through control_fd (/dev/autofs) naming it. */
struct autofs_mount {
	int control_fd;  /* /dev/autofs */
	int pipe_fd;     /* read end: the kernel writes requests here (non-blocking) */
	int ioctl_fd;    /* the autofs mount's root, for READY/FAIL/TIMEOUT/EXPIRE */
	unsigned dev;    /* st_dev of the autofs root */
};
#define AUTOFS_MOUNT_NULL { .control_fd = -1, .pipe_fd = -1, .ioctl_fd = -1 }

enum autofs_request_type {
	AUTOFS_REQUEST_MOUNT,   /* autofs_ptype_missing_direct: somebody wants it mounted */
	AUTOFS_REQUEST_EXPIRE,  /* autofs_ptype_expire_direct: unmount it, it is idle */
	AUTOFS_REQUEST_OTHER,   /* a type a direct mount does not send */
};

struct autofs_request {
	enum autofs_request_type type;
	int kernel_type;   /* the packet's type, for messages */
	uint32_t token;    /* answer with autofs_ready/autofs_fail */
	pid_t pid;         /* who is waiting (in the kernel's view: its PID namespace) */
	uid_t uid;
};

/* Where in autofs_mount_direct() a failure happened, for the message. */
enum autofs_step {
	AUTOFS_STEP_DEVICE,     /* open /dev/autofs */
	AUTOFS_STEP_VERSION,    /* dev-ioctl VERSION */
	AUTOFS_STEP_PIPE,
	AUTOFS_STEP_MOUNT,      /* mount(2) of the autofs file system */
	AUTOFS_STEP_STAT,
	AUTOFS_STEP_OPENMOUNT,
	AUTOFS_STEP_PROTOVER,
	AUTOFS_STEP_TIMEOUT,
	_AUTOFS_STEP_MAX,
};
const char *autofs_step_to_string(enum autofs_step s);

/* Mounts a direct autofs file system on where (which must exist) and opens what it needs.
 * source names the mount in mountinfo; extra_options (may be NULL) is appended to the
 * mount options. timeout_sec is the kernel's idle timeout (0 = never expire).
 * On failure returns -errno, sets *failed_step, and leaves nothing mounted or open.
 * Never blocks: the manager is in the mount's own process group. */
int autofs_mount_direct(const char *where, const char *source, const char *extra_options,
			uint64_t timeout_sec, struct autofs_mount *ret,
			enum autofs_step *failed_step);
/* Closes every fd of am (the mount stays). Safe on a closed one. */
void autofs_close(struct autofs_mount *am);

/* Reads one request from the pipe. Returns 1 with *ret filled, 0 when nothing is there
 * (EAGAIN), -EPIPE when the autofs mount is gone (EOF), -EBADMSG for a short packet,
 * -errno otherwise. */
int autofs_read_request(int pipe_fd, struct autofs_request *ret);

/* Wakes the processes waiting on token: READY (the lookup goes on) or FAIL with status
 * (a negative errno the lookup returns). -errno from the ioctl. */
int autofs_ready(const struct autofs_mount *am, uint32_t token);
int autofs_fail(const struct autofs_mount *am, uint32_t token, int status);
/* Sets the idle timeout (seconds, 0 = never). */
int autofs_set_timeout(const struct autofs_mount *am, uint64_t timeout_sec);
/* Asks the kernel to expire the mount on top if it has been idle for the timeout. The
 * kernel then sends an expire request and this call SLEEPS until that request is
 * answered: only a child process may call it. Returns 0 when something was expired,
 * -EAGAIN when nothing is idle, -errno otherwise. */
int autofs_expire(const struct autofs_mount *am);
/* Forks a child that asks the kernel to expire until nothing idle is left (autofs_expire
 * in a loop), so that the caller never sleeps in the kernel. The child exits 0, or with
 * the errno that stopped it. Returns its PID (the caller reaps it) or -errno. */
pid_t autofs_expire_spawn(const struct autofs_mount *am);
/* Catatonic mode: the kernel stops asking, wakes every waiter with an error, and lets
 * lookups through. Used before giving the mount up. */
int autofs_catatonic(const struct autofs_mount *am);

/* What is mounted on top at path, from a mountinfo file (normally
 * /proc/self/mountinfo). Returns 1 and the file system type (malloc'd) of the last mount
 * at path, 0 if nothing is mounted there, -errno. Reads a file only: path itself is never
 * looked up, so this is safe while an autofs mount sits there. */
int autofs_mountinfo_top(const char *mountinfo, const char *path, char **ret_fstype);

/* Checks ExtraOptions= for options that would take the mount's protocol out of the
 * manager's hands (fd=, pgrp=, minproto=, maxproto=, indirect, offset, direct).
 * Returns 0, or -EINVAL with *bad pointing into a malloc'd copy of the offending option
 * (the caller frees it). */
int autofs_check_extra_options(const char *options, char **bad);

/* Builds the mount option string "fd=N[,pgrp=G],minproto=5,maxproto=5,direct[,extra]".
 * pgrp is left out when the caller's process group lies outside its PID namespace
 * (getpgrp() is 0): the kernel then takes the caller's group itself. */
int autofs_mount_options(int pipe_write_fd, pid_t pgrp, const char *extra_options,
			 char **ret);

#endif
