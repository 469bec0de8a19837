/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/auto_dev-ioctl.h>
#include <linux/auto_fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "activation/autofs.h"
#include "macro.h"
#include "mountinfo.h"
#include "string-util.h"

/* The kernel's side of the conversation is in fs/autofs/ (dev-ioctl.c for the ioctls,
 * waitq.c for the packets). All control requests go through /dev/autofs with the
 * mount's ioctl fd named in the request, so none of them depends on the caller's
 * process group. */

_Static_assert(sizeof(union autofs_v5_packet_union) == 304 || sizeof(void *) != 8,
	       "autofs v5 packets are 304 bytes on 64-bit kernels");

static const char *const step_names[_AUTOFS_STEP_MAX] = {
	[AUTOFS_STEP_DEVICE] = "open /dev/autofs",
	[AUTOFS_STEP_VERSION] = "autofs version",
	[AUTOFS_STEP_PIPE] = "pipe",
	[AUTOFS_STEP_MOUNT] = "mount autofs",
	[AUTOFS_STEP_STAT] = "stat",
	[AUTOFS_STEP_OPENMOUNT] = "open mount",
	[AUTOFS_STEP_PROTOVER] = "protocol version",
	[AUTOFS_STEP_TIMEOUT] = "set timeout",
};

const char *
autofs_step_to_string(enum autofs_step s)
{
	return s >= 0 && s < _AUTOFS_STEP_MAX ? step_names[s] : "?";
}

static void
request_init(struct autofs_dev_ioctl *p, int ioctl_fd)
{
	memset(p, 0, sizeof(*p));
	p->ver_major = AUTOFS_DEV_IOCTL_VERSION_MAJOR;
	p->ver_minor = AUTOFS_DEV_IOCTL_VERSION_MINOR;
	p->size = sizeof(*p);
	p->ioctlfd = ioctl_fd;
}

static int
control_request(int control_fd, unsigned long cmd, struct autofs_dev_ioctl *p)
{
	return ioctl(control_fd, cmd, p) < 0 ? -errno : 0;
}

static int
control_open(void)
{
	struct autofs_dev_ioctl p;
	int fd, r;

	fd = open("/dev/autofs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	request_init(&p, -1);
	r = control_request(fd, AUTOFS_DEV_IOCTL_VERSION, &p);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* OPENMOUNT carries the path after the fixed part of the request. */
static int
open_mount(int control_fd, const char *where, unsigned dev)
{
	size_t l = strlen(where) + 1;
	struct autofs_dev_ioctl *p = malloc(sizeof(*p) + l);
	int r;

	if (!p)
		return -ENOMEM;
	request_init(p, -1);
	p->size = (uint32_t)(sizeof(*p) + l);
	p->openmount.devid = dev;
	memcpy(p->path, where, l);
	r = control_request(control_fd, AUTOFS_DEV_IOCTL_OPENMOUNT, p);
	if (r >= 0)
		r = p->ioctlfd;
	free(p);
	if (r >= 0 && fcntl(r, F_SETFD, FD_CLOEXEC) < 0) {
		int e = -errno;

		close(r);
		r = e;
	}
	return r;
}

int
autofs_mount_options(int pipe_write_fd, pid_t pgrp, const char *extra_options, char **ret)
{
	char group[32] = "";
	int r;

	if (pgrp > 0)
		snprintf(group, sizeof(group), ",pgrp=%d", (int)pgrp);
	r = asprintf(ret, "fd=%d%s,minproto=5,maxproto=5,direct%s%s", pipe_write_fd, group,
		     isempty(extra_options) ? "" : ",", strempty(extra_options));
	if (r < 0) {
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int
protocol_setup(const struct autofs_mount *am, uint64_t timeout_sec, enum autofs_step *step)
{
	struct autofs_dev_ioctl p;
	int r;

	*step = AUTOFS_STEP_PROTOVER;
	request_init(&p, am->ioctl_fd);
	r = control_request(am->control_fd, AUTOFS_DEV_IOCTL_PROTOVER, &p);
	if (r < 0)
		return r;
	if (p.protover.version < 5)
		return -EPROTONOSUPPORT;
	*step = AUTOFS_STEP_TIMEOUT;
	return autofs_set_timeout(am, timeout_sec);
}

int
autofs_mount_direct(const char *where, const char *source, const char *extra_options,
		    uint64_t timeout_sec, struct autofs_mount *ret, enum autofs_step *failed_step)
{
	struct autofs_mount am = AUTOFS_MOUNT_NULL;
	_cleanup_free_ char *options = NULL;
	int pipefd[2] = { -1, -1 };
	bool mounted = false;
	struct stat st;
	int r;

	*failed_step = AUTOFS_STEP_DEVICE;
	r = control_open();
	if (r < 0) {
		/* No device: no autofs in this kernel (module not loaded). A device that
		 * refuses VERSION is a different story: say so. */
		if (r != -ENOENT && r != -ENODEV && r != -ENXIO)
			*failed_step = AUTOFS_STEP_VERSION;
		return r;
	}
	am.control_fd = r;

	*failed_step = AUTOFS_STEP_PIPE;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	am.pipe_fd = pipefd[0];
	if (fcntl(am.pipe_fd, F_SETFL, O_NONBLOCK) < 0) {
		r = -errno;
		goto fail;
	}

	*failed_step = AUTOFS_STEP_MOUNT;
	r = autofs_mount_options(pipefd[1], getpgrp(), extra_options, &options);
	if (r < 0)
		goto fail;
	if (mount(source, where, "autofs", 0, options) < 0) {
		r = -errno;
		goto fail;
	}
	mounted = true;
	/* The kernel holds its own reference to the write end now; ours would keep the
	 * pipe from reporting EOF when the mount goes. */
	pipefd[1] = safe_close(pipefd[1]);

	/* Safe although it looks the path up: we are in the mount's process group, so the
	 * kernel does not wait for us to answer ourselves. */
	*failed_step = AUTOFS_STEP_STAT;
	if (stat(where, &st) < 0) {
		r = -errno;
		goto fail;
	}
	am.dev = (unsigned)st.st_dev;

	*failed_step = AUTOFS_STEP_OPENMOUNT;
	r = open_mount(am.control_fd, where, am.dev);
	if (r < 0)
		goto fail;
	am.ioctl_fd = r;

	r = protocol_setup(&am, timeout_sec, failed_step);
	if (r < 0)
		goto fail;
	*ret = am;
	return 0;

fail:
	if (am.ioctl_fd >= 0)
		(void)autofs_catatonic(&am);
	if (mounted)
		(void)umount2(where, MNT_DETACH);
	safe_close(pipefd[1]);
	autofs_close(&am);
	return r;
}

void
autofs_close(struct autofs_mount *am)
{
	am->ioctl_fd = safe_close(am->ioctl_fd);
	am->pipe_fd = safe_close(am->pipe_fd);
	am->control_fd = safe_close(am->control_fd);
}

int
autofs_read_request(int pipe_fd, struct autofs_request *ret)
{
	union autofs_v5_packet_union pkt;
	ssize_t n;

	/* The kernel writes each packet whole (it is smaller than PIPE_BUF). */
	n = read(pipe_fd, &pkt, sizeof(pkt));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -EPIPE;
	if ((size_t)n < sizeof(pkt.v5_packet.hdr) + sizeof(pkt.v5_packet.wait_queue_token))
		return -EBADMSG;
	*ret = (struct autofs_request){
		.kernel_type = pkt.hdr.type,
		.token = pkt.v5_packet.wait_queue_token,
		.pid = (pid_t)pkt.v5_packet.pid,
		.uid = (uid_t)pkt.v5_packet.uid,
	};
	if (pkt.hdr.type == autofs_ptype_missing_direct)
		ret->type = AUTOFS_REQUEST_MOUNT;
	else if (pkt.hdr.type == autofs_ptype_expire_direct)
		ret->type = AUTOFS_REQUEST_EXPIRE;
	else
		ret->type = AUTOFS_REQUEST_OTHER;
	if ((size_t)n < sizeof(pkt.v5_packet) && ret->type != AUTOFS_REQUEST_OTHER)
		return -EBADMSG;
	return 1;
}

int
autofs_ready(const struct autofs_mount *am, uint32_t token)
{
	struct autofs_dev_ioctl p;

	request_init(&p, am->ioctl_fd);
	p.ready.token = token;
	return control_request(am->control_fd, AUTOFS_DEV_IOCTL_READY, &p);
}

int
autofs_fail(const struct autofs_mount *am, uint32_t token, int status)
{
	struct autofs_dev_ioctl p;

	request_init(&p, am->ioctl_fd);
	p.fail.token = token;
	/* The kernel hands status to the waiting lookup as its result. */
	p.fail.status = status < 0 ? status : -status;
	return control_request(am->control_fd, AUTOFS_DEV_IOCTL_FAIL, &p);
}

int
autofs_set_timeout(const struct autofs_mount *am, uint64_t timeout_sec)
{
	struct autofs_dev_ioctl p;

	request_init(&p, am->ioctl_fd);
	p.timeout.timeout = timeout_sec;
	return control_request(am->control_fd, AUTOFS_DEV_IOCTL_TIMEOUT, &p);
}

int
autofs_expire(const struct autofs_mount *am)
{
	struct autofs_dev_ioctl p;

	request_init(&p, am->ioctl_fd);
	p.expire.how = AUTOFS_EXP_NORMAL;
	return control_request(am->control_fd, AUTOFS_DEV_IOCTL_EXPIRE, &p);
}

pid_t
autofs_expire_spawn(const struct autofs_mount *am)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid > 0)
		return pid;
	/* One direct mount has at most one thing to expire; the bound only guards against a
	 * kernel that keeps answering yes. */
	for (int i = 0; i < 16; i++) {
		int r = autofs_expire(am);

		if (r == -EAGAIN)
			_exit(0);
		if (r < 0)
			_exit(-r & 0xff);
	}
	_exit(0);
}

int
autofs_catatonic(const struct autofs_mount *am)
{
	struct autofs_dev_ioctl p;

	request_init(&p, am->ioctl_fd);
	return control_request(am->control_fd, AUTOFS_DEV_IOCTL_CATATONIC, &p);
}

int
autofs_mountinfo_top(const char *mountinfo, const char *path, char **ret_fstype)
{
	_cleanup_free_ char *line = NULL, *found = NULL;
	size_t cap = 0;
	FILE *f;

	f = fopen(mountinfo, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		struct mountinfo_entry e;

		if (mountinfo_parse_line(line, &e) < 0 || !streq(e.where, path))
			continue;
		free(found);
		found = strdup(e.fstype);
		if (!found) {
			fclose(f);
			return -ENOMEM;
		}
	}
	fclose(f);
	if (!found)
		return 0;
	if (ret_fstype)
		*ret_fstype = TAKE_PTR(found);
	return 1;
}

/* The options of a direct autofs mount a unit may add: owner of the mount point, expiry
 * that ignores mere lookups, and "ignore" (hide it from mount tables). Everything else
 * either belongs to the protocol the manager speaks or means nothing to a direct mount. */
static bool
extra_option_allowed(const char *o)
{
	const char *v;
	unsigned id;

	if (streq(o, "strictexpire") || streq(o, "ignore"))
		return true;
	v = startswith(o, "uid=");
	if (!v)
		v = startswith(o, "gid=");
	return v && safe_atou(v, &id) == 0;
}

int
autofs_check_extra_options(const char *options, char **bad)
{
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	*bad = NULL;
	if (isempty(options))
		return 0;
	copy = strdup(options);
	if (!copy)
		return -ENOMEM;
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (!extra_option_allowed(o)) {
			*bad = strdup(o);
			return *bad ? -EINVAL : -ENOMEM;
		}
	return 0;
}
