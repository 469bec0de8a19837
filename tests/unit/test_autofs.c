/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* autofs.c: mount options, ExtraOptions= checks, mountinfo reading and request parsing
 * everywhere; and, where the kernel has autofs (/dev/autofs) and the test runs as root,
 * the real protocol in a private mount namespace: a process in another process group
 * sleeps on the placeholder until READY (and gets the file) or FAIL (and gets the error),
 * the test's own group passes through, idle expiry asks and is answered, and teardown
 * (answer, catatonic, unmount) ends the pipe. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/auto_fs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "activation/autofs.h"
#include "fixture.h"
#include "macro.h"

/* Pure parts. */

START_TEST(test_mount_options_name_pipe_group_and_protocol)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

	ck_assert_int_eq(autofs_mount_options(7, 1234, NULL, &a), 0);
	ck_assert_str_eq(a, "fd=7,pgrp=1234,minproto=5,maxproto=5,direct");
	/* A group outside our PID namespace reads as 0: the kernel takes ours itself. */
	ck_assert_int_eq(autofs_mount_options(7, 0, "", &b), 0);
	ck_assert_str_eq(b, "fd=7,minproto=5,maxproto=5,direct");
	ck_assert_int_eq(autofs_mount_options(3, 1, "strictexpire,uid=5", &c), 0);
	ck_assert_str_eq(c, "fd=3,pgrp=1,minproto=5,maxproto=5,direct,strictexpire,uid=5");
}
END_TEST

START_TEST(test_extra_options_accept_only_what_a_unit_may_set)
{
	static const struct { const char *in; const char *bad; } t[] = {
		{ "", NULL },
		{ "strictexpire", NULL },
		{ "ignore,uid=1000,gid=100", NULL },
		{ "fd=3", "fd=3" },
		{ "strictexpire,pgrp=1", "pgrp=1" },
		{ "minproto=4", "minproto=4" },
		{ "maxproto=5", "maxproto=5" },
		{ "indirect", "indirect" },
		{ "offset", "offset" },
		{ "direct", "direct" },
		{ "uid=root", "uid=root" },
		{ "rw", "rw" },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		char *bad = NULL;
		int r = autofs_check_extra_options(t[i].in, &bad);

		if (!t[i].bad) {
			ck_assert_msg(r == 0, "%s refused", t[i].in);
			ck_assert_ptr_null(bad);
		} else {
			ck_assert_msg(r == -EINVAL, "%s accepted", t[i].in);
			ck_assert_str_eq(bad, t[i].bad);
		}
		free(bad);
	}
}
END_TEST

START_TEST(test_mountinfo_top_is_the_last_mount_at_the_path)
{
	char *fstype = NULL;

	fixture_setup("autofs");
	fixture_write("mountinfo",
		      "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
		      "30 22 0:40 / /mnt/data rw - autofs ember rw,fd=5,pgrp=1,direct\n"
		      "31 30 0:41 / /mnt/data rw shared:7 - tmpfs tmpfs rw\n"
		      "32 22 0:42 / /mnt/my\\040disk rw - autofs ember rw,direct\n"
		      "33 22 0:43 / /mnt/datab rw - xfs /dev/sdb rw\n");
	ck_assert_int_eq(autofs_mountinfo_top(fixture_path("mountinfo"), "/mnt/data", &fstype), 1);
	ck_assert_str_eq(fstype, "tmpfs");
	free(fstype);
	ck_assert_int_eq(autofs_mountinfo_top(fixture_path("mountinfo"), "/mnt/my disk", &fstype), 1);
	ck_assert_str_eq(fstype, "autofs");
	free(fstype);
	ck_assert_int_eq(autofs_mountinfo_top(fixture_path("mountinfo"), "/mnt", NULL), 0);
	ck_assert_int_eq(autofs_mountinfo_top(fixture_path("nothing"), "/mnt", NULL), -ENOENT);
	fixture_teardown();
}
END_TEST

static void
write_packet(int fd, int type, uint32_t token, size_t size)
{
	union autofs_v5_packet_union p;

	memset(&p, 0, sizeof(p));
	p.v5_packet.hdr.proto_version = 5;
	p.v5_packet.hdr.type = type;
	p.v5_packet.wait_queue_token = token;
	p.v5_packet.pid = 4242;
	p.v5_packet.uid = 1000;
	ck_assert_int_eq(write(fd, &p, size), (ssize_t)size);
}

START_TEST(test_requests_are_read_one_packet_at_a_time)
{
	struct autofs_request req;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	ck_assert_int_eq(autofs_read_request(p[0], &req), 0);
	write_packet(p[1], autofs_ptype_missing_direct, 42, sizeof(union autofs_v5_packet_union));
	write_packet(p[1], autofs_ptype_expire_direct, 43, sizeof(union autofs_v5_packet_union));
	write_packet(p[1], autofs_ptype_missing_indirect, 44, sizeof(union autofs_v5_packet_union));
	ck_assert_int_eq(autofs_read_request(p[0], &req), 1);
	ck_assert_int_eq(req.type, AUTOFS_REQUEST_MOUNT);
	ck_assert_uint_eq(req.token, 42);
	ck_assert_int_eq(req.pid, 4242);
	ck_assert_int_eq(req.uid, 1000);
	ck_assert_int_eq(autofs_read_request(p[0], &req), 1);
	ck_assert_int_eq(req.type, AUTOFS_REQUEST_EXPIRE);
	ck_assert_uint_eq(req.token, 43);
	ck_assert_int_eq(autofs_read_request(p[0], &req), 1);
	ck_assert_int_eq(req.type, AUTOFS_REQUEST_OTHER);
	ck_assert_int_eq(req.kernel_type, autofs_ptype_missing_indirect);
	ck_assert_int_eq(autofs_read_request(p[0], &req), 0);
	write_packet(p[1], autofs_ptype_missing_direct, 45, 20);
	ck_assert_int_eq(autofs_read_request(p[0], &req), -EBADMSG);
	close(p[1]);
	ck_assert_int_eq(autofs_read_request(p[0], &req), -EPIPE);
	close(p[0]);
}
END_TEST

/* The kernel protocol. Each test runs in its own mount namespace (Check forks per test),
 * over a tmpfs, so nothing it mounts is seen outside. */

static char dir[64], where[96];
static struct autofs_mount am = AUTOFS_MOUNT_NULL;

static bool
kernel_available(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "skipped: the autofs protocol tests need root\n");
		return false;
	}
	if (access("/dev/autofs", F_OK) < 0) {
		fprintf(stderr, "skipped: no /dev/autofs (no autofs in this kernel)\n");
		return false;
	}
	if (unshare(CLONE_NEWNS) < 0) {
		fprintf(stderr, "skipped: cannot create a mount namespace: %s\n", strerror(errno));
		return false;
	}
	return true;
}

/* A tmpfs at dir and the placeholder at dir/a. Returns false (skip) without autofs. */
static bool
kernel_setup(uint64_t timeout)
{
	enum autofs_step step;
	char *fstype = NULL;
	int r;

	if (!kernel_available())
		return false;
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(dir, sizeof(dir), "/tmp/autofs-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(mount("test", dir, "tmpfs", 0, "mode=755"), 0);
	snprintf(where, sizeof(where), "%s/a", dir);
	ck_assert_int_eq(mkdir(where, 0755), 0);
	r = autofs_mount_direct(where, "autofs-test", NULL, timeout, &am, &step);
	ck_assert_msg(r == 0, "step %s: %s", autofs_step_to_string(step), strerror(-r));
	ck_assert_int_eq(autofs_mountinfo_top("/proc/self/mountinfo", where, &fstype), 1);
	ck_assert_str_eq(fstype, "autofs");
	free(fstype);
	return true;
}

static void
kernel_teardown(void)
{
	autofs_close(&am);
	(void)umount2(dir, MNT_DETACH);
	(void)rmdir(dir);
}

/* Waits (bounded) for the next request from the kernel. */
static struct autofs_request
next_request(void)
{
	struct pollfd p = { .fd = am.pipe_fd, .events = POLLIN };
	struct autofs_request req;

	ck_assert_msg(poll(&p, 1, 10000) == 1, "no request from the kernel");
	ck_assert_int_eq(autofs_read_request(am.pipe_fd, &req), 1);
	return req;
}

static bool
no_request_pending(void)
{
	struct pollfd p = { .fd = am.pipe_fd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

/* A reader in a process group of its own (so the placeholder holds it): reads
 * where/hello and exits 0 if it says "hi", else with the errno it got. */
static pid_t
spawn_reader(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char path[128], buf[16] = "";
		int fd;

		if (setpgid(0, 0) < 0)
			_exit(100);
		snprintf(path, sizeof(path), "%s/hello", where);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(errno);
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			_exit(errno);
		_exit(streq(buf, "hi\n") ? 0 : 101);
	}
	return pid;
}

static int
reap(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "child killed by signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

/* What the mount unit would do: the real file system on top of the placeholder. */
static void
mount_real(void)
{
	char path[128];
	FILE *f;

	ck_assert_int_eq(mount("real", where, "tmpfs", 0, "mode=755"), 0);
	snprintf(path, sizeof(path), "%s/hello", where);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs("hi\n", f);
	fclose(f);
}

START_TEST(test_kernel_reader_sleeps_until_ready_and_sees_the_mount)
{
	struct autofs_request req;
	struct stat st;
	pid_t reader;

	if (!kernel_setup(0))
		return;
	/* Our own process group passes through: no request. */
	ck_assert_int_eq(stat(where, &st), 0);
	ck_assert(no_request_pending());

	reader = spawn_reader();
	req = next_request();
	ck_assert_int_eq(req.type, AUTOFS_REQUEST_MOUNT);
	ck_assert_int_eq(waitpid(reader, NULL, WNOHANG), 0); /* still asleep in the kernel */
	mount_real();
	ck_assert_int_eq(autofs_ready(&am, req.token), 0);
	ck_assert_int_eq(reap(reader), 0);
	/* Mounted now: the next reader needs nobody. */
	reader = spawn_reader();
	ck_assert_int_eq(reap(reader), 0);
	ck_assert(no_request_pending());
	kernel_teardown();
}
END_TEST

START_TEST(test_kernel_fail_gives_the_reader_the_error_and_the_next_access_asks_again)
{
	struct autofs_request req;
	pid_t reader;

	if (!kernel_setup(0))
		return;
	reader = spawn_reader();
	req = next_request();
	ck_assert_int_eq(autofs_fail(&am, req.token, -ENOENT), 0);
	ck_assert_int_eq(reap(reader), ENOENT);

	reader = spawn_reader();
	req = next_request();
	ck_assert_int_eq(req.type, AUTOFS_REQUEST_MOUNT);
	mount_real();
	ck_assert_int_eq(autofs_ready(&am, req.token), 0);
	ck_assert_int_eq(reap(reader), 0);
	kernel_teardown();
}
END_TEST

START_TEST(test_kernel_idle_mount_is_expired_when_asked)
{
	struct autofs_request req;
	char *fstype = NULL;
	pid_t reader, expirer = 0;
	int status = -1;

	if (!kernel_setup(1))
		return;
	reader = spawn_reader();
	req = next_request();
	mount_real();
	ck_assert_int_eq(autofs_ready(&am, req.token), 0);
	ck_assert_int_eq(reap(reader), 0);

	/* Ask until the kernel finds it idle (after the 1 s timeout); the asker sleeps in
	 * the kernel until we answer the expire request. Bounded: 100 rounds of 0.1 s. */
	for (int i = 0; i < 100 && status < 0; i++) {
		struct pollfd p = { .fd = am.pipe_fd, .events = POLLIN };

		if (expirer == 0)
			expirer = autofs_expire_spawn(&am);
		ck_assert_int_gt(expirer, 0);
		if (poll(&p, 1, 100) == 1) {
			ck_assert_int_eq(autofs_read_request(am.pipe_fd, &req), 1);
			ck_assert_int_eq(req.type, AUTOFS_REQUEST_EXPIRE);
			ck_assert_int_eq(umount2(where, 0), 0);
			ck_assert_int_eq(autofs_ready(&am, req.token), 0);
			status = reap(expirer);
		} else if (waitpid(expirer, &status, WNOHANG) == expirer) {
			ck_assert_int_eq(WEXITSTATUS(status), 0); /* EAGAIN: nothing idle yet */
			expirer = 0;
			status = -1;
		}
	}
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(autofs_mountinfo_top("/proc/self/mountinfo", where, &fstype), 1);
	ck_assert_str_eq(fstype, "autofs");
	free(fstype);
	/* The placeholder is back: the next access asks again. */
	reader = spawn_reader();
	req = next_request();
	ck_assert_int_eq(req.type, AUTOFS_REQUEST_MOUNT);
	ck_assert_int_eq(autofs_fail(&am, req.token, -ENOENT), 0);
	ck_assert_int_eq(reap(reader), ENOENT);
	kernel_teardown();
}
END_TEST

/* Teardown answers every request first: catatonic mode alone does not wake a sleeper on
 * every kernel (6.1 wakes the killable wait with wake_up_interruptible, which misses it;
 * fixed upstream in 2023), so a sleeper left to it would sleep until killed. */
START_TEST(test_kernel_teardown_answers_then_goes_catatonic_and_unmount_ends_the_pipe)
{
	struct autofs_request req;
	pid_t reader;

	if (!kernel_setup(0))
		return;
	reader = spawn_reader();
	req = next_request();
	ck_assert_int_eq(req.type, AUTOFS_REQUEST_MOUNT);
	ck_assert_int_eq(autofs_fail(&am, req.token, -EHOSTDOWN), 0);
	ck_assert_int_eq(reap(reader), EHOSTDOWN);
	ck_assert_int_eq(autofs_catatonic(&am), 0);
	/* Catatonic: lookups pass through to the empty directory, nobody is asked. */
	reader = spawn_reader();
	ck_assert_int_eq(reap(reader), ENOENT);
	ck_assert_int_eq(autofs_read_request(am.pipe_fd, &req), -EPIPE);
	ck_assert_int_eq(umount2(where, MNT_DETACH), 0);
	kernel_teardown();
}
END_TEST

START_TEST(test_kernel_mount_on_a_missing_directory_names_the_step)
{
	struct autofs_mount m = AUTOFS_MOUNT_NULL;
	enum autofs_step step;

	if (!kernel_setup(0))
		return;
	ck_assert_int_eq(autofs_mount_direct("/nonexistent/ember/x", "t", NULL, 0, &m, &step), -ENOENT);
	ck_assert_int_eq(step, AUTOFS_STEP_MOUNT);
	ck_assert_int_eq(m.pipe_fd, -1);
	kernel_teardown();
}
END_TEST

static Suite *
autofs_suite(void)
{
	Suite *s = suite_create("autofs");
	TCase *pure = tcase_create("pure"), *kernel = tcase_create("kernel");

	tcase_add_test(pure, test_mount_options_name_pipe_group_and_protocol);
	tcase_add_test(pure, test_extra_options_accept_only_what_a_unit_may_set);
	tcase_add_test(pure, test_mountinfo_top_is_the_last_mount_at_the_path);
	tcase_add_test(pure, test_requests_are_read_one_packet_at_a_time);
	suite_add_tcase(s, pure);

	tcase_set_timeout(kernel, 60);
	tcase_add_test(kernel, test_kernel_reader_sleeps_until_ready_and_sees_the_mount);
	tcase_add_test(kernel, test_kernel_fail_gives_the_reader_the_error_and_the_next_access_asks_again);
	tcase_add_test(kernel, test_kernel_idle_mount_is_expired_when_asked);
	tcase_add_test(kernel, test_kernel_teardown_answers_then_goes_catatonic_and_unmount_ends_the_pipe);
	tcase_add_test(kernel, test_kernel_mount_on_a_missing_directory_names_the_step);
	suite_add_tcase(s, kernel);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(autofs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
