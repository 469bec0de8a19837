/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Starting a service process and setting up its execution environment (systemd.exec(5)).
 *
 * The parent only creates the status pipe and starts the child: it never asks NSS. The
 * child runs the steps of enum exec_step in order; the first that fails writes one
 * struct exec_status_report to the pipe (a single write, smaller than PIPE_BUF, so it is
 * atomic) and _exit()s with EXEC_STEP_EXIT_BASE + step. A successful execve() closes the
 * pipe (O_CLOEXEC), so after the reap an empty pipe means the program started.
 *
 * How the child is made. fork() copies the manager's page tables, and execve() throws
 * the copy away again: that is most of a spawn's cost, and it grows with the manager.
 * So where it is safe (spawn_shares_memory()), the child is made with clone(CLONE_VM |
 * CLONE_VFORK) instead, like posix_spawn(): it runs on a stack of its own (spawn_stack())
 * in the manager's memory, and the manager stays suspended in clone() until the child's
 * execve() succeeded or it exited. What that asks of the child, and why it holds:
 *   - Memory. The manager is single-threaded (checked: __libc_single_threaded) and does
 *     nothing while the child runs, so the child may call malloc(): no lock is held, no
 *     other thread touches the heap. But what it allocates lives on in the manager's heap
 *     after execve(). Every allocation is therefore reachable from struct child (fields,
 *     or child_hold() for a step's temporaries, spawn-internal.h) when the child may end,
 *     and exec_spawn() frees it all once clone() returned (child_free_leftovers()). After
 *     fork() the parent's struct child is untouched and there is nothing to free. Once
 *     the seccomp filters are in (step seccomp, last), the child allocates nothing more:
 *     a filter may kill it at a system call, which must never happen inside malloc().
 *   - State. The child writes no global or static variable and uses no stdio stream: its
 *     messages go through child_fail()'s vsnprintf() into its own stack buffer and one
 *     write(2). It reads environ (PassEnvironment=) but never changes it, and ends with
 *     _exit() only, so no atexit handler or stdio flush runs. Its signal handlers are a
 *     copy (no CLONE_SIGHAND): step signals resets them without touching the manager's.
 *     fds, cwd, root, umask, credentials, rlimits, namespaces, seccomp filters and the
 *     OOM score are the child's own (no CLONE_FILES/CLONE_FS; the kernel keeps a vfork
 *     child's oom_score_adj apart from its mm's other users).
 *   - errno and the thread pointer are shared (CLONE_VM without CLONE_SETTLS): the child
 *     sets the manager's errno. exec_spawn() saves and restores it around the clone, and
 *     reads it only when clone() itself failed. glibc's raise() and abort() ask the kernel
 *     for the thread id, so they hit the child, not the manager.
 *   - Signals. All are blocked across clone(), so no handler of the manager's (PID 1's
 *     crash handler, say) runs in the child before step signals resets them; a fault then
 *     kills the child with the default action and the manager resumes.
 *   - Waiting. The manager waits as long as the child's steps take, so spawns whose steps
 *     may wait on something else take fork(): NSS (User=, Group=, SupplementaryGroups=,
 *     WorkingDirectory=~ without User=), because its modules may talk to daemons, which
 *     could in turn wait on the manager, load libraries into the shared address space and
 *     keep fds in their static state that exist only in the child's fd table (a later
 *     lookup in the next child would use whatever the manager has at those numbers);
 *     terminals (StandardInput=tty waits for the terminal, an open() of a serial line
 *     for carrier); file: standard I/O (an open() of a FIFO waits for the other end).
 *     What remains can wait only on the file systems the steps touch (a hung NFS mount
 *     stalls the manager as well as the child). EMBER_SPAWN=fork (read at start-up,
 *     exec_spawn_init()) makes every spawn use fork().
 *   - Sanitizers and valgrind. AddressSanitizer keeps its own view of every stack; a
 *     child on a stack it does not know makes it report false errors, so builds with
 *     ASan use fork(). valgrind runs clone(CLONE_VM | CLONE_VFORK) as a fork() onto the
 *     given stack: the child then changes only its own copy, which the parent handles
 *     like a fork()ed child's (nothing to free).
 *
 * The child must never return into the manager's code. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>
#define HAVE_SINGLE_THREADED 1
#endif

#include "core/exec.h"
#include "core/spawn-internal.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DEFAULT_TTY "/dev/console"

_Static_assert(sizeof(struct exec_status_report) <= PIPE_BUF,
	       "the status report must fit in one atomic pipe write");

void
child_fail(struct child *ch, enum exec_step step, int error, const char *fmt, ...)
{
	struct exec_status_report r = { .step = step, .error = error };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r.detail, sizeof(r.detail), fmt, ap);
	va_end(ap);
	if (write(ch->status_fd, &r, sizeof(r)) < 0) {
		/* Nobody to tell: the exit code still names the step. */
	}
	_exit(EXEC_STEP_EXIT_BASE + step);
}

void
child_hold(struct child *ch, enum exec_step step, void *where, void (*release)(void *))
{
	if (ch->n_holds == CHILD_HOLDS_MAX)
		child_fail(ch, step, ENOBUFS, "more than %d temporary allocations held (ember bug)",
			   CHILD_HOLDS_MAX);
	ch->holds[ch->n_holds++] = (struct child_hold) { .where = where, .release = release };
}

void
child_release(struct child *ch, void *where)
{
	size_t i = ch->n_holds;

	while (i > 0 && ch->holds[i - 1].where != where)
		i--;
	if (i == 0)
		return; /* not held: a bug, but freeing nothing is the safe side */
	ch->holds[i - 1].release(where);
	memmove(&ch->holds[i - 1], &ch->holds[i], (ch->n_holds - i) * sizeof(ch->holds[0]));
	ch->n_holds--;
}

void
child_hold_free(void *where)
{
	free(*(void **)where);
	*(void **)where = NULL;
}

void
child_hold_strv_free(void *where)
{
	*(char ***)where = strv_free(*(char ***)where);
}

static void
hold_globfree(void *where)
{
	globfree(where); /* leaves gl_pathv NULL: a second call frees nothing */
}

static void
step_signals(struct child *ch)
{
	struct sigaction sa = { 0 };
	sigset_t none;

	/* The manager blocks the signals it reads from its signalfd; a service must not
	 * start with them blocked, nor with anything but default dispositions. */
	for (int sig = 1; sig < _NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		sa.sa_handler = sig == SIGPIPE && ch->ctx->ignore_sigpipe ? SIG_IGN : SIG_DFL;
		(void)sigaction(sig, &sa, NULL); /* fails only for libc's reserved signals */
	}
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		child_fail(ch, EXEC_STEP_SIGNALS, errno, "unblocking signals");
}

static void
step_session(struct child *ch)
{
	if (ch->ctx->same_process_group || !ch->params->new_session)
		return;
	if (setsid() < 0)
		child_fail(ch, EXEC_STEP_SESSION, errno, "setsid");
}

static void
step_cgroup(struct child *ch)
{
	const char *dir = ch->params->cgroup_path;
	char path[PATH_MAX];
	int fd;

	if (!dir)
		return;
	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		child_fail(ch, EXEC_STEP_CGROUP, ENAMETOOLONG, "%s", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		child_fail(ch, EXEC_STEP_CGROUP, errno, "%s", path);
	if (write(fd, "0", 1) != 1)
		child_fail(ch, EXEC_STEP_CGROUP, errno, "joining %s", dir);
	close(fd);
}

/* Closes every fd >= min: close_range() where the kernel has it (5.9), else by listing. */
static void
close_from(int min)
{
	DIR *d;
	struct dirent *de;

	if (syscall(SYS_close_range, (unsigned)min, ~0U, 0) >= 0)
		return;
	d = opendir("/proc/self/fd");
	if (!d) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long fd = min; fd < (max > 0 ? max : 65536); fd++)
			close((int)fd);
		return;
	}
	while ((de = readdir(d))) {
		int fd;

		if (safe_atoi(de->d_name, &fd) < 0 || fd < min || fd == dirfd(d))
			continue;
		close(fd);
	}
	closedir(d);
}

/* Passed fds go to 3, 4, ... with CLOEXEC cleared; the status pipe and the stdio fds of
 * params are kept just above them; everything else is closed. Sources and targets may
 * overlap, so everything kept is first copied above all targets. */
static void
step_fds(struct child *ch)
{
	const struct exec_params *p = ch->params;
	int n = (int)p->n_fds, keep_at = 3 + n, scratch = keep_at + 4;
	int keep[4] = { ch->status_fd, p->stdin_fd, p->stdout_fd, p->stderr_fd };
	static const char *const keep_names[4] = { "status pipe", "stdin", "stdout", "stderr" };
	int *copies = NULL;

	child_hold(ch, EXEC_STEP_FDS, &copies, child_hold_free);
	if (n > 0 && !(copies = calloc((size_t)n, sizeof(int))))
		child_oom(ch, EXEC_STEP_FDS);
	for (int i = 0; i < n; i++) {
		copies[i] = fcntl(p->fds[i], F_DUPFD_CLOEXEC, scratch);
		if (copies[i] < 0)
			child_fail(ch, EXEC_STEP_FDS, errno, "passed fd %d (#%d)", p->fds[i], i);
	}
	for (int k = 0; k < 4; k++) {
		if (keep[k] < 0)
			continue;
		keep[k] = fcntl(keep[k], F_DUPFD_CLOEXEC, scratch);
		if (keep[k] < 0)
			child_fail(ch, EXEC_STEP_FDS, errno, "%s fd", keep_names[k]);
	}
	/* From here on the status pipe is the copy; the original may be overwritten. */
	ch->status_fd = keep[0];
	for (int i = 0; i < n; i++)
		if (dup2(copies[i], 3 + i) < 0) /* dup2() leaves CLOEXEC clear on 3 + i */
			child_fail(ch, EXEC_STEP_FDS, errno, "moving passed fd to %d", 3 + i);
	for (int k = 0; k < 4; k++) {
		if (keep[k] < 0) {
			close(keep_at + k);
			continue;
		}
		if (dup3(keep[k], keep_at + k, O_CLOEXEC) < 0)
			child_fail(ch, EXEC_STEP_FDS, errno, "moving %s fd to %d", keep_names[k],
				   keep_at + k);
		if (k == 0)
			ch->status_fd = keep_at;
		else
			ch->io_fds[k - 1] = keep_at + k;
	}
	child_release(ch, &copies);
	close_from(scratch);
}

/* Puts fd on target (0, 1, 2) without CLOEXEC and closes fd unless it is kept. */
static int
move_fd(int fd, int target, bool close_source)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0) < 0 ? -errno : 0;
	if (dup2(fd, target) < 0)
		return -errno;
	if (close_source)
		close(fd);
	return 0;
}

static const char *
tty_path(const struct child *ch)
{
	return ch->ctx->tty_path ? ch->ctx->tty_path : DEFAULT_TTY;
}

static bool
input_is_tty(enum exec_input i)
{
	return i == EXEC_INPUT_TTY || i == EXEC_INPUT_TTY_FORCE || i == EXEC_INPUT_TTY_FAIL;
}

/* Sane line discipline and a terminal reset (RIS), for TTYReset=. */
static void
tty_reset(int fd)
{
	struct termios t;

	(void)ioctl(fd, TIOCNXCL);
	(void)ioctl(fd, KDSKBMODE, K_UNICODE); /* fails harmlessly if not a VT */
	if (tcgetattr(fd, &t) >= 0) {
		t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | ISTRIP | INLCR | IGNCR | IUCLC);
		t.c_iflag |= ICRNL | IMAXBEL | IUTF8;
		t.c_oflag |= ONLCR | OPOST;
		t.c_cflag |= CREAD;
		t.c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		(void)tcsetattr(fd, TCSANOW, &t);
	}
	if (write(fd, "\033c", 2) < 0) {
		/* best effort */
	}
	(void)tcflush(fd, TCIOFLUSH);
}

/* TTYVTDisallocate=: frees /dev/ttyN's VT (and so its scrollback); if it is in use,
 * clears the screen instead. */
static void
tty_vt_disallocate(const char *path)
{
	const char *num = startswith(path, "/dev/tty");
	unsigned vt;
	int fd;

	if (!num || safe_atou(num, &vt) < 0 || vt == 0)
		return;
	fd = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		int r = ioctl(fd, VT_DISALLOCATE, vt);

		close(fd);
		if (r >= 0)
			return;
	}
	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	if (write(fd, "\033[r\033[H\033[3J", 10) < 0) {
		/* best effort */
	}
	close(fd);
}

/* TTYVHangup=, TTYVTDisallocate=, TTYReset=, once, before the first open for use. */
static void
tty_prepare(struct child *ch)
{
	const char *path = tty_path(ch);
	int fd;

	if (ch->tty_prepared)
		return;
	ch->tty_prepared = true;
	if (ch->ctx->tty_vhangup) {
		fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			(void)ioctl(fd, TIOCVHANGUP);
			close(fd);
		}
	}
	if (ch->ctx->tty_vt_disallocate)
		tty_vt_disallocate(path);
	if (ch->ctx->tty_reset) {
		fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			tty_reset(fd);
			close(fd);
		}
	}
}

/* StandardInput=tty*: the child becomes the terminal's controlling process. */
static int
tty_acquire(struct child *ch)
{
	enum exec_input in = ch->ctx->std_input;
	const char *path = tty_path(ch);
	int fd;

	if (getsid(0) != getpid() && setsid() < 0)
		child_fail(ch, EXEC_STEP_STDIN, errno, "setsid for %s", path);
	tty_prepare(ch);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		child_fail(ch, EXEC_STEP_STDIN, errno, "%s", path);
	while (ioctl(fd, TIOCSCTTY, in == EXEC_INPUT_TTY_FORCE) < 0) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		/* tty waits until the current controlling process lets go of it. */
		if (errno != EPERM || in != EXEC_INPUT_TTY)
			child_fail(ch, EXEC_STEP_STDIN, errno, "making %s the controlling terminal",
				   path);
		nanosleep(&ts, NULL);
	}
	return fd;
}

static void
step_stdin(struct child *ch)
{
	const struct exec_context *c = ch->ctx;
	int fd, r;

	switch (c->std_input) {
	case EXEC_INPUT_TTY:
	case EXEC_INPUT_TTY_FORCE:
	case EXEC_INPUT_TTY_FAIL:
		fd = tty_acquire(ch);
		break;
	case EXEC_INPUT_SOCKET:
		fd = ch->io_fds[0];
		if (fd < 0)
			child_fail(ch, EXEC_STEP_STDIN, ENOTSOCK,
				   "StandardInput=socket without a socket");
		break;
	case EXEC_INPUT_FILE:
		fd = open(strempty(c->std_input_path), O_RDONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			child_fail(ch, EXEC_STEP_STDIN, errno, "%s", strempty(c->std_input_path));
		break;
	case EXEC_INPUT_NULL:
	default:
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			child_fail(ch, EXEC_STEP_STDIN, errno, "/dev/null");
		break;
	}
	r = move_fd(fd, 0, fd != ch->io_fds[0]);
	if (r < 0)
		child_fail(ch, EXEC_STEP_STDIN, -r, "moving to fd 0");
}

/* EXEC_OUTPUT_DEFAULT resolved: stdout follows a tty/socket stdin, else goes to the log;
 * stderr follows stdout. */
static enum exec_output
output_resolve(const struct child *ch, int target)
{
	enum exec_output o = target == 1 ? ch->ctx->std_output : ch->ctx->std_error;
	enum exec_input in = ch->ctx->std_input;

	if (o != EXEC_OUTPUT_DEFAULT)
		return o;
	if (target == 2)
		return EXEC_OUTPUT_INHERIT;
	if (input_is_tty(in) || in == EXEC_INPUT_SOCKET)
		return EXEC_OUTPUT_INHERIT;
	return EXEC_OUTPUT_JOURNAL;
}

static int
output_open_file(const struct child *ch, int target, enum exec_output o, const char *path)
{
	int flags = O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC;

	/* StandardError= writing to the very file StandardOutput= opened shares its offset. */
	if (target == 2 && output_resolve(ch, 1) == o && ch->ctx->std_output_path &&
	    streq(ch->ctx->std_output_path, path))
		return 1;
	if (o == EXEC_OUTPUT_FILE_APPEND)
		flags |= O_APPEND;
	else if (o == EXEC_OUTPUT_FILE_TRUNCATE)
		flags |= O_TRUNC;
	return open(path, flags, 0644);
}

/* The manager's log pipe for this stream; -1 keeps the manager's own fd (no pipe yet). */
static int
output_log_fd(const struct child *ch, int target)
{
	if (ch->io_fds[target] >= 0)
		return ch->io_fds[target];
	if (target == 2 && ch->io_fds[1] >= 0)
		return ch->io_fds[1];
	return -1;
}

static void
step_output(struct child *ch, int target)
{
	enum exec_step step = target == 1 ? EXEC_STEP_STDOUT : EXEC_STEP_STDERR;
	enum exec_output o = output_resolve(ch, target);
	const char *path = strempty(target == 1 ? ch->ctx->std_output_path :
						  ch->ctx->std_error_path);
	bool owned = false;
	int fd, r;

	switch (o) {
	case EXEC_OUTPUT_INHERIT:
		fd = target - 1; /* stdout copies stdin, stderr copies stdout */
		break;
	case EXEC_OUTPUT_NULL:
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		owned = true;
		break;
	case EXEC_OUTPUT_TTY:
		if (input_is_tty(ch->ctx->std_input)) {
			fd = 0;
			break;
		}
		tty_prepare(ch);
		fd = open(tty_path(ch), O_WRONLY | O_NOCTTY | O_CLOEXEC);
		owned = true;
		break;
	case EXEC_OUTPUT_SOCKET:
		fd = ch->ctx->std_input == EXEC_INPUT_SOCKET ? 0 : ch->io_fds[0];
		if (fd < 0)
			child_fail(ch, step, ENOTSOCK, "socket output without a socket");
		break;
	case EXEC_OUTPUT_FILE:
	case EXEC_OUTPUT_FILE_APPEND:
	case EXEC_OUTPUT_FILE_TRUNCATE:
		fd = output_open_file(ch, target, o, path);
		owned = fd != 1;
		break;
	default: /* journal, syslog, kmsg (+console): the manager's log pipe */
		fd = output_log_fd(ch, target);
		if (fd < 0)
			return;
		break;
	}
	if (fd < 0)
		child_fail(ch, step, errno, "%s", o == EXEC_OUTPUT_NULL ? "/dev/null" :
				 o == EXEC_OUTPUT_TTY ? tty_path(ch) : path);
	r = move_fd(fd, target, owned);
	if (r < 0)
		child_fail(ch, step, -r, "moving to fd %d", target);
}

static void
step_stdio(struct child *ch)
{
	step_stdin(ch);
	step_output(ch, 1);
	step_output(ch, 2);
	for (int i = 0; i < 3; i++)
		if (ch->io_fds[i] >= 0)
			ch->io_fds[i] = safe_close(ch->io_fds[i]);
}

static void
step_user(struct child *ch)
{
	const char *name = ch->ctx->user;
	struct passwd *pw;
	bool is_numeric;
	unsigned id;

	if (!name)
		return;
	is_numeric = safe_atou(name, &id) >= 0;
	errno = 0;
	pw = is_numeric ? getpwuid((uid_t)id) : getpwnam(name);
	if (!pw) {
		if (errno == 0 || errno == ENOENT || errno == ESRCH)
			child_fail(ch, EXEC_STEP_USER, ESRCH, "no such user '%s'", name);
		child_fail(ch, EXEC_STEP_USER, errno, "looking up user '%s'", name);
	}
	ch->uid = pw->pw_uid;
	ch->gid = pw->pw_gid;
	ch->has_uid = ch->has_gid = true;
	ch->user_name = strdup(pw->pw_name);
	ch->home = strdup(pw->pw_dir);
	ch->shell = strdup(pw->pw_shell);
	if (!ch->user_name || !ch->home || !ch->shell)
		child_oom(ch, EXEC_STEP_USER);
}

static gid_t
group_lookup(struct child *ch, const char *name)
{
	struct group *gr;
	bool is_numeric;
	unsigned id;

	is_numeric = safe_atou(name, &id) >= 0;
	errno = 0;
	gr = is_numeric ? getgrgid((gid_t)id) : getgrnam(name);
	if (gr)
		return gr->gr_gid;
	if (errno == 0 || errno == ENOENT || errno == ESRCH)
		child_fail(ch, EXEC_STEP_GROUP, ESRCH, "no such group '%s'", name);
	child_fail(ch, EXEC_STEP_GROUP, errno, "looking up group '%s'", name);
}

static void
step_group(struct child *ch)
{
	const struct exec_context *c = ch->ctx;
	size_t n = strv_length(c->supplementary_groups);

	if (c->group) {
		ch->gid = group_lookup(ch, c->group);
		ch->has_gid = true;
	}
	if (n == 0)
		return;
	ch->groups = calloc(n, sizeof(gid_t));
	if (!ch->groups)
		child_oom(ch, EXEC_STEP_GROUP);
	STRV_FOREACH(g, c->supplementary_groups)
		ch->groups[ch->n_groups++] = group_lookup(ch, *g);
}

static char *
env_get(char *const *env, const char *name)
{
	size_t l = strlen(name);

	STRV_FOREACH(e, env)
		if (strneq(*e, name, l) && (*e)[l] == '=')
			return *e + l + 1;
	return NULL;
}

/* Sets "K=V" (taking ownership of kv), replacing an earlier K. */
static int
env_put(char ***env, char *kv)
{
	size_t l;

	if (!kv)
		return -ENOMEM;
	l = strcspn(kv, "=") + 1;
	for (char **e = *env; e && *e; e++)
		if (strneq(*e, kv, l)) {
			free(*e);
			*e = kv;
			return 0;
		}
	return strv_consume(env, kv);
}

static int
env_set(char ***env, const char *name, const char *value)
{
	return env_put(env, strjoin(name, "=", value));
}

static int
env_set_number(char ***env, const char *name, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", v);
	return env_set(env, name, buf);
}

static void
env_unset(char **env, const char *what)
{
	size_t l = strlen(what), j = 0;
	bool exact = strchr(what, '=');

	for (size_t i = 0; env && env[i]; i++) {
		bool match = exact ? streq(env[i], what) :
				     strneq(env[i], what, l) && env[i][l] == '=';

		if (match)
			free(env[i]);
		else
			env[j++] = env[i];
	}
	if (env)
		env[j] = NULL;
}

static bool
env_name_is_valid_n(const char *s, size_t n)
{
	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* A '...' or "..." value of an environment file; *p is on the opening quote. */
static int
env_file_quoted(const char **pp, struct strbuf *b)
{
	const char *p = *pp;
	char q = *p++;
	int r = 0;

	for (; r >= 0 && *p && *p != q; p++) {
		if (q == '"' && p[0] == '\\' && p[1]) {
			if (p[1] == '\n') {
				p++; /* continuation: the newline is dropped */
				continue;
			}
			if (strchr("\"\\`$", p[1])) {
				r = strbuf_putc(b, *++p);
				continue;
			}
		}
		r = strbuf_putc(b, *p);
	}
	if (*p == q)
		p++;
	*pp = p;
	return r;
}

/* The value after '=' up to the end of its (possibly continued) line. Leading and trailing
 * blanks go, unless quoted or escaped; a quote only quotes at the start of the value. */
static int
env_file_value(const char **pp, char **ret)
{
	struct strbuf b = { 0 };
	const char *p = *pp + strspn(*pp, " \t\r");
	size_t keep = 0;
	int r = 0;

	if (*p == '\'' || *p == '"') {
		r = env_file_quoted(&p, &b);
		keep = b.len;
	}
	while (r >= 0 && *p && *p != '\n') {
		if (p[0] == '\\' && p[1]) {
			if (p[1] != '\n') {
				r = strbuf_putc(&b, p[1]);
				keep = b.len;
			}
			p += 2;
			continue;
		}
		if (p[0] != '\\')
			r = strbuf_putc(&b, p[0]);
		p++;
	}
	if (*p == '\n')
		p++;
	*pp = p;
	while (r >= 0 && b.len > keep && strchr(" \t\r", b.s[b.len - 1]))
		b.s[--b.len] = 0;
	if (r < 0) {
		strbuf_done(&b);
		return r;
	}
	*ret = strbuf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

/* Assigns every "K=V" line of an EnvironmentFile= text; comments (#, ;), blank lines and
 * lines without '=' or with an invalid name are skipped. */
static int
env_file_parse(const char *text, char ***env)
{
	const char *p = text;

	for (;;) {
		const char *key;
		size_t kl, n;
		char *value, *kv;
		int r;

		p += strspn(p, " \t\r\n");
		if (!*p)
			return 0;
		if (*p == '#' || *p == ';') {
			p += strcspn(p, "\n");
			continue;
		}
		key = p;
		n = strcspn(p, "=\n");
		p += n;
		if (*p != '=')
			continue;
		p++;
		for (kl = n; kl > 0 && strchr(" \t\r", key[kl - 1]); kl--)
			;
		r = env_file_value(&p, &value);
		if (r < 0)
			return r;
		if (!env_name_is_valid_n(key, kl)) {
			free(value);
			continue;
		}
		r = env_put(env, asprintf(&kv, "%.*s=%s", (int)kl, key, value) < 0 ? NULL : kv);
		free(value);
		if (r < 0)
			return r;
	}
}

static int
read_all(const char *path, char **ret)
{
	struct strbuf b = { 0 };
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || strbuf_append(&b, buf, (size_t)n) < 0) {
			int r = n < 0 ? -errno : n == 0 ? 0 : -ENOMEM;

			close(fd);
			if (r < 0) {
				strbuf_done(&b);
				return r;
			}
			break;
		}
	}
	*ret = strbuf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

static void
env_file_load_one(struct child *ch, const char *path, bool missing_ok)
{
	char *text = NULL;
	int r = read_all(path, &text);

	if (r == -ENOENT && missing_ok)
		return;
	if (r < 0)
		child_fail(ch, EXEC_STEP_ENVIRONMENT, -r, "EnvironmentFile=%s", path);
	r = env_file_parse(text, &ch->env);
	free(text);
	if (r < 0)
		child_oom(ch, EXEC_STEP_ENVIRONMENT);
}

/* One EnvironmentFile= entry: "-" prefix = a missing file is fine; wildcards allowed. */
static void
env_file_load(struct child *ch, const char *spec)
{
	bool missing_ok = spec[0] == '-';
	const char *pattern = spec + missing_ok;
	glob_t g = { 0 };
	int r;

	if (!strpbrk(pattern, "*?[")) {
		env_file_load_one(ch, pattern, missing_ok);
		return;
	}
	child_hold(ch, EXEC_STEP_ENVIRONMENT, &g, hold_globfree);
	r = glob(pattern, 0, NULL, &g);
	if (r != 0 && !(r == GLOB_NOMATCH && missing_ok))
		child_fail(ch, EXEC_STEP_ENVIRONMENT, r == GLOB_NOMATCH ? ENOENT :
			   r == GLOB_NOSPACE ? ENOMEM : EIO, "EnvironmentFile=%s", pattern);
	for (size_t i = 0; r == 0 && i < g.gl_pathc; i++)
		env_file_load_one(ch, g.gl_pathv[i], missing_ok);
	child_release(ch, &g);
}

static void
env_check(struct child *ch, int r)
{
	if (r < 0)
		child_oom(ch, EXEC_STEP_ENVIRONMENT);
}

/* Variables the manager defines for this process (systemd.exec(5) "ENVIRONMENT"). */
static void
env_add_manager_vars(struct child *ch)
{
	const struct exec_params *p = ch->params;
	char ***env = &ch->env;

	if (ch->user_name) {
		env_check(ch, env_set(env, "USER", ch->user_name));
		env_check(ch, env_set(env, "LOGNAME", ch->user_name));
		env_check(ch, env_set(env, "HOME", ch->home));
		env_check(ch, env_set(env, "SHELL", ch->shell));
	}
	if (p->n_fds > 0) {
		env_check(ch, env_set_number(env, "LISTEN_FDS", p->n_fds));
		env_check(ch, env_set_number(env, "LISTEN_PID", (unsigned long long)getpid()));
		if (p->fd_names) {
			char *names = strv_join(p->fd_names, ":");
			int r = names ? env_set(env, "LISTEN_FDNAMES", names) : -ENOMEM;

			free(names);
			env_check(ch, r);
		}
	}
	if (p->watchdog_usec > 0 && p->watchdog_usec != USEC_INFINITY) {
		env_check(ch, env_set_number(env, "WATCHDOG_USEC", p->watchdog_usec));
		env_check(ch, env_set_number(env, "WATCHDOG_PID", (unsigned long long)getpid()));
	}
	child_directories_env(ch);
}

/* The argv to exec: $VAR references expanded against the final environment, except in
 * argv[0] and for ':' commands. */
static void
build_argv(struct child *ch)
{
	const struct exec_command *cmd = ch->command;
	char **rest;
	int r;

	if (!cmd->argv || !cmd->argv[0]) {
		env_check(ch, strv_extend(&ch->argv, strempty(cmd->path)));
		return;
	}
	if (cmd->flags & EXEC_NO_ENV_EXPAND) {
		ch->argv = strv_copy(cmd->argv);
		env_check(ch, ch->argv ? 0 : -ENOMEM);
		return;
	}
	rest = exec_command_expand_env(cmd->argv + 1, ch->env);
	env_check(ch, rest ? 0 : -ENOMEM);
	r = strv_extend(&ch->argv, cmd->argv[0]);
	if (r >= 0)
		r = strv_extend_strv(&ch->argv, rest);
	strv_free(rest);
	env_check(ch, r);
}

/* Later sources win: manager defaults, the manager's own variables, PassEnvironment=,
 * Environment=, EnvironmentFile=; UnsetEnvironment= is applied last. */
static void
step_environment(struct child *ch)
{
	const struct exec_context *c = ch->ctx;

	ch->env = strv_copy(ch->params->environment);
	env_check(ch, ch->env ? 0 : -ENOMEM);
	env_add_manager_vars(ch);
	STRV_FOREACH(n, c->pass_environment) {
		const char *v = getenv(*n);

		if (v)
			env_check(ch, env_set(&ch->env, *n, v));
	}
	STRV_FOREACH(e, c->environment)
		env_check(ch, env_put(&ch->env, strdup(*e)));
	STRV_FOREACH(f, c->environment_files)
		env_file_load(ch, *f);
	STRV_FOREACH(u, c->unset_environment)
		env_unset(ch->env, *u);
	build_argv(ch);
}

static const char *
rlimit_directive(int resource)
{
	for (const struct directive *d = exec_directives; d->name; d++)
		if (startswith(d->name, "Limit") && d->arg == resource)
			return d->name;
	return "Limit";
}

static void
format_rlim(char *buf, size_t l, rlim_t v)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, l, "infinity");
	else
		snprintf(buf, l, "%llu", (unsigned long long)v);
}

static struct rlimit service_nofile = { RLIM_INFINITY, RLIM_INFINITY }; /* exec_spawn_init() */

static void
step_rlimit(struct child *ch)
{
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		const struct rlimit *rl = ch->ctx->rlimit[i];
		char soft[32], hard[32];
		int error;

		if (!rl && i == RLIMIT_NOFILE && service_nofile.rlim_cur != RLIM_INFINITY)
			rl = &service_nofile; /* what the manager had before it raised its own */
		if (!rl || setrlimit(i, rl) >= 0)
			continue;
		error = errno;
		format_rlim(soft, sizeof(soft), rl->rlim_cur);
		format_rlim(hard, sizeof(hard), rl->rlim_max);
		child_fail(ch, EXEC_STEP_RLIMIT, error, "%s=%s:%s", rlimit_directive(i), soft,
			   hard);
	}
}

static void
step_nice(struct child *ch)
{
	if (ch->ctx->nice_set && setpriority(PRIO_PROCESS, 0, ch->ctx->nice) < 0)
		child_fail(ch, EXEC_STEP_NICE, errno, "Nice=%d", ch->ctx->nice);
}

static void
step_oom_adjust(struct child *ch)
{
	char buf[16];
	int fd, n;

	if (!ch->ctx->oom_score_adjust_set)
		return;
	n = snprintf(buf, sizeof(buf), "%d\n", ch->ctx->oom_score_adjust);
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	/* Lowering it is denied in a user namespace or container without CAP_SYS_RESOURCE:
	 * run the service anyway, as systemd does, rather than fail a daemon (dbus.service
	 * asks for -900) over a hint to the OOM killer. */
	if ((fd < 0 || write(fd, buf, (size_t)n) != n) && errno != EPERM && errno != EACCES)
		child_fail(ch, EXEC_STEP_OOM_ADJUST, errno, "OOMScoreAdjust=%d",
			   ch->ctx->oom_score_adjust);
	close(fd);
}

static void
step_chroot(struct child *ch)
{
	const char *root = ch->ctx->root_directory;

	if (ch->is_privileged || !root)
		return;
	if (chroot(root) < 0)
		child_fail(ch, EXEC_STEP_CHROOT, errno, "%s", root);
}

/* The home of User=, or of the manager's own user. */
static const char *
home_directory(struct child *ch)
{
	struct passwd *pw;

	if (ch->home)
		return ch->home;
	pw = getpwuid(getuid());
	if (pw && pw->pw_dir)
		return pw->pw_dir;
	return env_get(ch->env, "HOME");
}

static void
step_chdir(struct child *ch)
{
	const struct exec_context *c = ch->ctx;
	const char *dir = "/";
	bool missing_ok = c->working_directory_missing_ok;

	if (c->working_directory_home) {
		dir = home_directory(ch);
	} else if (c->working_directory) {
		dir = c->working_directory;
	} else if (ch->params->user_manager) {
		dir = env_get(ch->env, "HOME");
		missing_ok = true;
	}
	if (!dir) {
		if (!missing_ok)
			child_fail(ch, EXEC_STEP_CHDIR, ENOENT, "no home directory");
		dir = "/";
	}
	if (chdir(dir) >= 0)
		return;
	if (!missing_ok || (errno != ENOENT && errno != ENOTDIR))
		child_fail(ch, EXEC_STEP_CHDIR, errno, "%s", dir);
	/* Not inside a chroot's old working directory, at least. */
	if (chdir("/") < 0)
		child_fail(ch, EXEC_STEP_CHDIR, errno, "/");
}

static void
step_umask(struct child *ch)
{
	umask(ch->ctx->umask);
}

/* User='s groups from the group database plus SupplementaryGroups=. */
static void
step_setgroups(struct child *ch)
{
	gid_t *list = NULL;
	int n = 0;

	if (ch->keeps_credentials)
		return;
	if (!ch->user_name && ch->n_groups == 0)
		return; /* no User=: keep the manager's groups */
	child_hold(ch, EXEC_STEP_SETGROUPS, &list, child_hold_free);
	if (ch->user_name) {
		int room = 64;

		for (;;) {
			free(list);
			list = calloc((size_t)room + ch->n_groups, sizeof(gid_t));
			if (!list)
				child_oom(ch, EXEC_STEP_SETGROUPS);
			n = room;
			if (getgrouplist(ch->user_name, ch->gid, list, &n) >= 0)
				break;
			if (n <= room)
				child_fail(ch, EXEC_STEP_SETGROUPS, EIO, "groups of '%s'",
					   ch->user_name);
			room = n;
		}
	} else {
		list = calloc(ch->n_groups, sizeof(gid_t));
		if (!list)
			child_oom(ch, EXEC_STEP_SETGROUPS);
	}
	/* An unprivileged manager running its own user's service has nothing to drop. */
	if (geteuid() == 0 || ch->n_groups > 0) {
		for (size_t i = 0; i < ch->n_groups; i++)
			list[n++] = ch->groups[i];
		if (setgroups((size_t)n, list) < 0)
			child_fail(ch, EXEC_STEP_SETGROUPS, errno, "%d groups", n);
	}
	child_release(ch, &list);
}

static void
step_setgid(struct child *ch)
{
	if (ch->keeps_credentials || !ch->has_gid)
		return;
	if (setgid(ch->gid) < 0)
		child_fail(ch, EXEC_STEP_SETGID, errno, "gid %u", (unsigned)ch->gid);
}

static void
step_setuid(struct child *ch)
{
	if (ch->keeps_credentials || !ch->has_uid)
		return;
	if (setuid(ch->uid) < 0)
		child_fail(ch, EXEC_STEP_SETUID, errno, "user '%s' (uid %u)", ch->user_name,
			   (unsigned)ch->uid);
}

static void
step_no_new_privileges(struct child *ch)
{
	if (ch->is_privileged || !ch->ctx->no_new_privileges)
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(ch, EXEC_STEP_NO_NEW_PRIVILEGES, errno, "PR_SET_NO_NEW_PRIVS");
}

/* name in $PATH of the built environment; NULL with *error set if not found. */
static char *
path_search(struct child *ch, const char *name, int *error)
{
	const char *p = env_get(ch->env, "PATH");

	*error = ENOENT;
	for (p = p ? p : DEFAULT_PATH; *p; p += *p == ':') {
		size_t l = strcspn(p, ":");
		struct stat st;
		char *cand;

		if (l == 0)
			continue;
		if (asprintf(&cand, "%.*s/%s", (int)l, p, name) < 0) {
			*error = ENOMEM;
			return NULL;
		}
		p += l;
		if (stat(cand, &st) >= 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) >= 0)
				return cand;
			*error = EACCES;
		}
		free(cand);
	}
	return NULL;
}

/* The program to run: a name without '/' is looked up in $PATH of the built environment.
 * After the user change (access() checks the real ids), and before the seccomp step:
 * with the filters in place the child allocates nothing (see the top of the file). */
static void
step_executable(struct child *ch)
{
	const char *path = ch->command->path;
	int error;

	if (isempty(path))
		child_fail(ch, EXEC_STEP_EXECVE, EINVAL, "no program to run");
	if (strchr(path, '/'))
		return;
	ch->exec_path = path_search(ch, path, &error);
	if (!ch->exec_path)
		child_fail(ch, EXEC_STEP_EXECVE, error, "%s not found in $PATH", path);
}

_noreturn_ static void
step_execve(struct child *ch)
{
	const char *path = ch->exec_path ? ch->exec_path : ch->command->path;

	execve(path, ch->argv, ch->env);
	child_fail(ch, EXEC_STEP_EXECVE, errno, "%s", path);
}

/* The steps in order, each with the step its failures report first (for the check
 * below). */
static const struct {
	void (*run)(struct child *ch);
	enum exec_step step;
} child_steps[] = {
	{ step_signals, EXEC_STEP_SIGNALS },
	{ step_session, EXEC_STEP_SESSION },
	{ step_cgroup, EXEC_STEP_CGROUP },
	{ step_fds, EXEC_STEP_FDS },
	{ step_stdio, EXEC_STEP_STDIN },
	/* User and group are looked up before the environment is built: it needs $HOME... */
	{ step_user, EXEC_STEP_USER },
	{ step_group, EXEC_STEP_GROUP },
	{ step_environment, EXEC_STEP_ENVIRONMENT },
	{ step_rlimit, EXEC_STEP_RLIMIT },
	{ step_nice, EXEC_STEP_NICE },
	{ step_oom_adjust, EXEC_STEP_OOM_ADJUST },
	{ step_process_attributes, EXEC_STEP_CPU_SCHED },
	{ step_directories, EXEC_STEP_DIRECTORIES },
	{ step_network, EXEC_STEP_NETWORK },
	{ step_hostname, EXEC_STEP_HOSTNAME },
	{ step_namespace, EXEC_STEP_NAMESPACE },
	{ step_protect, EXEC_STEP_PROTECT },
	{ step_chroot, EXEC_STEP_CHROOT },
	{ step_chdir, EXEC_STEP_CHDIR },
	{ step_umask, EXEC_STEP_UMASK },
	{ step_capabilities, EXEC_STEP_CAPABILITIES },
	{ step_securebits, EXEC_STEP_SECUREBITS },
	{ step_setgroups, EXEC_STEP_SETGROUPS },
	{ step_setgid, EXEC_STEP_SETGID },
	{ step_setuid, EXEC_STEP_SETUID },
	{ step_ambient, EXEC_STEP_AMBIENT },
	{ step_no_new_privileges, EXEC_STEP_NO_NEW_PRIVILEGES },
	{ step_executable, EXEC_STEP_EXECVE },
	{ step_seccomp, EXEC_STEP_SECCOMP },
};

_noreturn_ static void
exec_child(struct child *ch)
{
	for (size_t i = 0; i < ELEMENTSOF(child_steps); i++) {
		child_steps[i].run(ch);
		/* A hold left behind points into a stack frame that is gone: the parent would
		 * free whatever the next steps write there. Forget it (a leak, at worst) and
		 * stop, so that the bug is seen. */
		if (ch->n_holds > 0) {
			ch->n_holds = 0;
			child_fail(ch, child_steps[i].step, EFAULT,
				   "temporary allocation left held (ember bug)");
		}
	}
	step_execve(ch);
}

/* After the child exec'd or exited: what it left in the manager's heap (see the top of
 * the file). The holds point into the child's stack frames, intact until the next spawn
 * reuses the stack. After fork() this frees nothing: the child changed only its copy. */
static void
child_free_leftovers(struct child *ch)
{
	while (ch->n_holds > 0) {
		struct child_hold *h = &ch->holds[--ch->n_holds];

		h->release(h->where);
	}
	ch->env = strv_free(ch->env);
	ch->argv = strv_free(ch->argv);
	ch->exec_path = mfree(ch->exec_path);
	ch->seccomp_program = mfree(ch->seccomp_program);
	ch->user_name = mfree(ch->user_name);
	ch->home = mfree(ch->home);
	ch->shell = mfree(ch->shell);
	ch->groups = mfree(ch->groups);
}

/* EMBER_SPAWN=fork: every spawn forks. */
static bool spawn_always_forks;

void
exec_spawn_init(void)
{
	const char *e = getenv("EMBER_SPAWN");
	struct rlimit rl;

	spawn_always_forks = e && streq(e, "fork");
	/* The manager holds a few fds per unit (sockets, pipes, watches): it takes its hard
	 * file limit, and gives services the soft limit it was started with unless they
	 * set LimitNOFILE= (select() breaks above 1024). */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		service_nofile = rl;
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static bool
output_may_wait(enum exec_output o)
{
	return o == EXEC_OUTPUT_TTY || o == EXEC_OUTPUT_FILE || o == EXEC_OUTPUT_FILE_APPEND ||
	       o == EXEC_OUTPUT_FILE_TRUNCATE;
}

/* ASan (see the top of the file), and hppa, where stacks grow up. */
#if defined(__SANITIZE_ADDRESS__) || defined(__hppa__)
#define SPAWN_ALWAYS_FORKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPAWN_ALWAYS_FORKS 1
#endif
#endif

/* Whether the child may share the manager's memory until it execs (top of the file). */
static bool
spawn_shares_memory(const struct exec_context *c)
{
#if SPAWN_ALWAYS_FORKS
	return false;
#endif
#ifdef HAVE_SINGLE_THREADED
	if (!__libc_single_threaded)
		return false;
#endif
	if (spawn_always_forks)
		return false;
	if (c->user || c->group || strv_length(c->supplementary_groups) > 0 ||
	    c->working_directory_home)
		return false;
	return !input_is_tty(c->std_input) && c->std_input != EXEC_INPUT_FILE &&
	       !output_may_wait(c->std_output) && !output_may_wait(c->std_error);
}

/* The shared-memory child's stack: mapped on first use and kept, since one child at a
 * time uses it (the parent waits in clone()). The size leaves room for the deepest steps
 * (the namespace step's path buffers, glob(), realpath(): a few dozen KiB in all); the
 * lowest page is a guard, so an overflow kills the child rather than write below. Pages
 * are only backed once touched. Returns the top (stacks grow down), NULL without one. */
#define SPAWN_STACK_SIZE (256u * 1024u)

static void *
spawn_stack(void)
{
	static char *base;
	long page = sysconf(_SC_PAGESIZE);
	size_t guard = page > 0 ? (size_t)page : 4096;
	char *p;

	if (base)
		return base + guard + SPAWN_STACK_SIZE;
	p = mmap(NULL, guard + SPAWN_STACK_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, guard, PROT_NONE) < 0) {
		munmap(p, guard + SPAWN_STACK_SIZE);
		return NULL;
	}
	base = p;
	return base + guard + SPAWN_STACK_SIZE;
}

static int
child_main(void *ch)
{
	exec_child(ch);
}

/* Returns the pid, -errno if no child could be made, or 0 if the shared spawn is not
 * possible now (no stack) and fork() should be used instead. */
static pid_t
spawn_shared(struct child *ch)
{
	void *top = spawn_stack();
	sigset_t all, saved;
	int saved_errno = errno, error;
	pid_t pid;

	if (!top)
		return 0;
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &saved) < 0)
		return 0;
	pid = clone(child_main, top, CLONE_VM | CLONE_VFORK | SIGCHLD, ch);
	error = errno; /* the child's if it ran: only read if clone() failed */
	(void)sigprocmask(SIG_SETMASK, &saved, NULL);
	errno = saved_errno;
	return pid < 0 ? -error : pid;
}

static pid_t
spawn_forked(struct child *ch)
{
	pid_t pid = fork();

	if (pid == 0)
		exec_child(ch);
	return pid < 0 ? -errno : pid;
}

int
exec_spawn(const struct exec_command *command, const struct exec_context *ctx,
	   const struct exec_params *params, struct exec_spawn *ret)
{
	struct child ch;
	int pipefd[2], pending = 0;
	pid_t pid = 0;
	bool shared = false;

	if (!command || !ctx || !params || !ret)
		return -EINVAL;
	/* Non-blocking: exec_spawn_collect() must never wait, even on a pipe that some
	 * other process still holds open. */
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	/* The read end stays open in the child until step fds closes what it does not keep. */
	ch = (struct child) {
		.command = command,
		.ctx = ctx,
		.params = params,
		.status_fd = pipefd[1],
		.io_fds = { -1, -1, -1 },
		.is_privileged = (command->flags & EXEC_FULL_PRIVILEGES) || !params->apply_sandbox,
	};
	/* "!!" skips the user change only on kernels without ambient capabilities (before
	 * 4.3); ember relies on them, so a "!!" command runs like a plain one. */
	ch.keeps_credentials = ch.is_privileged || (command->flags & EXEC_NO_SETUID);
	if (spawn_shares_memory(ctx)) {
		pid = spawn_shared(&ch);
		shared = pid > 0;
	}
	if (pid == 0)
		pid = spawn_forked(&ch);
	child_free_leftovers(&ch);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return pid;
	}
	/* The shared clone resumes us only once the child is past execve() or has exited
	 * after writing its report: an empty pipe now means the program runs, and the pipe
	 * need not be kept (a service that runs for days would hold it all that time). */
	if (shared && ioctl(pipefd[0], FIONREAD, &pending) == 0 && pending == 0) {
		close(pipefd[0]);
		pipefd[0] = -1;
	}
	*ret = (struct exec_spawn) { .pid = pid, .status_fd = pipefd[0] };
	return 0;
}

int
exec_spawn_collect(struct exec_spawn *s, struct exec_status_report *report)
{
	struct exec_status_report r;
	ssize_t n;

	if (s->status_fd < 0)
		return 0;
	do
		n = read(s->status_fd, &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	safe_close(s->status_fd);
	s->status_fd = -1;
	/* Anything but one whole report means execve() succeeded (the pipe closed empty),
	 * or the child died before reporting; its exit status says the rest. */
	if (n != (ssize_t)sizeof(r) || r.step <= EXEC_STEP_NONE || r.step >= _EXEC_STEP_MAX)
		return 0;
	r.detail[sizeof(r.detail) - 1] = '\0';
	*report = r;
	return 1;
}
