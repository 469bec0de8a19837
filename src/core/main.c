/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dbus/dbus.h>

#include "config.h"
#include "core/manager-conf.h"
#include "core/cgroup.h"
#include "core/manager.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"

static const char *arg_runtime_dir, *arg_unit_path, *arg_unit, *arg_config;
static enum manager_scope arg_scope = SCOPE_SYSTEM;
static bool arg_scope_set, arg_test;
static int arg_show_status = -1, arg_crash_shell = -1, arg_log_level = -1, arg_log_target = -1;

static void
help(void)
{
	printf("ember [OPTIONS...]\n\n"
	       "Starts and supervises services: as PID 1 the system manager, otherwise a full\n"
	       "manager for the calling user (debug instance).\n\n"
	       "  -h --help                 Show this help\n"
	       "     --version              Show the version\n"
	       "     --system               Run a system manager (default as PID 1 or root)\n"
	       "     --user                 Run a user manager\n"
	       "     --unit=NAME            Start this unit instead of default.target\n"
	       "     --unit-path=DIR[:DIR]  Replace the unit search path\n"
	       "     --runtime-dir=DIR      State and sockets directory\n"
	       "     --config=FILE          Read this file instead of ember.conf/user.conf\n"
	       "     --test                 Compute and print the start transaction, then exit\n"
	       "     --log-level=LEVEL      emerg..debug\n"
	       "     --log-target=TARGET    console, kmsg, syslog, auto, null\n"
	       "     --show-status[=BOOL]   Print [  OK  ] lines for jobs\n"
	       "     --crash-shell[=BOOL]   Spawn a shell if PID 1 crashes\n");
}

static int
parse_argv(int argc, char *argv[])
{
	enum { ARG_VERSION = 0x100, ARG_SYSTEM, ARG_USER, ARG_UNIT, ARG_UNIT_PATH, ARG_RUNTIME_DIR,
	       ARG_TEST, ARG_LOG_LEVEL, ARG_LOG_TARGET, ARG_SHOW_STATUS, ARG_CRASH_SHELL,
	       ARG_CONFIG };
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ARG_VERSION },
		{ "system", no_argument, NULL, ARG_SYSTEM },
		{ "user", no_argument, NULL, ARG_USER },
		{ "unit", required_argument, NULL, ARG_UNIT },
		{ "unit-path", required_argument, NULL, ARG_UNIT_PATH },
		{ "runtime-dir", required_argument, NULL, ARG_RUNTIME_DIR },
		{ "config", required_argument, NULL, ARG_CONFIG },
		{ "test", no_argument, NULL, ARG_TEST },
		{ "log-level", required_argument, NULL, ARG_LOG_LEVEL },
		{ "log-target", required_argument, NULL, ARG_LOG_TARGET },
		{ "show-status", optional_argument, NULL, ARG_SHOW_STATUS },
		{ "crash-shell", optional_argument, NULL, ARG_CRASH_SHELL },
		{}
	};
	int c, r;

	/* The kernel passes its unparsed command line to PID 1; only accept options then. */
	opterr = getpid() != 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help();
			exit(0);
		case ARG_VERSION:
			printf("ember %s\n", EMBER_VERSION);
			exit(0);
		case ARG_SYSTEM:
		case ARG_USER:
			arg_scope = c == ARG_SYSTEM ? SCOPE_SYSTEM : SCOPE_USER;
			arg_scope_set = true;
			break;
		case ARG_UNIT:
			arg_unit = optarg;
			break;
		case ARG_UNIT_PATH:
			arg_unit_path = optarg;
			break;
		case ARG_RUNTIME_DIR:
			arg_runtime_dir = optarg;
			break;
		case ARG_CONFIG:
			arg_config = optarg;
			break;
		case ARG_TEST:
			arg_test = true;
			break;
		case ARG_LOG_LEVEL:
			arg_log_level = log_level_from_string(optarg);
			if (arg_log_level < 0)
				return log_error_errno(EINVAL, "Invalid log level: %s", optarg);
			break;
		case ARG_LOG_TARGET:
			arg_log_target = log_target_from_string(optarg);
			if (arg_log_target < 0)
				return log_error_errno(EINVAL, "Invalid log target: %s", optarg);
			break;
		case ARG_SHOW_STATUS:
		case ARG_CRASH_SHELL:
			r = optarg ? parse_boolean(optarg) : 1;
			if (r < 0)
				return log_error_errno(EINVAL, "Invalid boolean: %s", optarg);
			if (c == ARG_SHOW_STATUS)
				arg_show_status = r;
			else
				arg_crash_shell = r;
			break;
		case '?':
			if (getpid() == 1)
				break;
			return -EINVAL;
		default:
			break;
		}
	}
	return 0;
}

/* Kernel command line: ember.log_level=, ember.show_status=, ember.unit= (and the
 * systemd.* spellings, so existing boot entries keep working). */
static void
parse_proc_cmdline(void)
{
	static char buf[4096];
	FILE *f = fopen("/proc/cmdline", "re");
	char *w, *save = NULL;

	if (!f)
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	for (w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
		const char *v;

		if ((v = startswith(w, "ember.log_level=")) || (v = startswith(w, "systemd.log_level="))) {
			int l = log_level_from_string(v);
			if (l >= 0 && arg_log_level < 0)
				arg_log_level = l;
		} else if ((v = startswith(w, "ember.unit=")) || (v = startswith(w, "systemd.unit=")))
			arg_unit = arg_unit ? arg_unit : v;
		else if ((v = startswith(w, "ember.show_status=")) ||
			 (v = startswith(w, "systemd.show_status="))) {
			int b = parse_boolean(v);
			if (b >= 0 && arg_show_status < 0)
				arg_show_status = b;
		} else if (streq(w, "emergency") || streq(w, "single") || streq(w, "s") ||
			   streq(w, "S") || streq(w, "1"))
			arg_unit = arg_unit ? arg_unit : (streq(w, "emergency") ? "emergency.target" :
							  "rescue.target");
	}
}

/* API filesystems PID 1 needs before anything else; no shell involved. */
static void
mount_api_filesystems(void)
{
	static const struct { const char *what, *where, *type; unsigned long flags; const char *opts; } mounts[] = {
		{ "proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL },
		{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL },
		{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755" },
		{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=755" },
		/* The unified hierarchy: one cgroup per unit (cgroup.c). */
		{ "cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NOEXEC | MS_NODEV, "nsdelegate" },
	};

	for (size_t i = 0; i < ELEMENTSOF(mounts); i++) {
		struct stat a, b;
		char parent[64];

		snprintf(parent, sizeof(parent), "%s/..", mounts[i].where);
		if (stat(mounts[i].where, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev)
			continue; /* already a mount point */
		mkdir(mounts[i].where, 0755);
		if (mount(mounts[i].what, mounts[i].where, mounts[i].type, mounts[i].flags,
			  mounts[i].opts) < 0)
			log_warning_errno(errno, "Failed to mount %s: %m", mounts[i].where);
	}
}

static bool crash_shell_enabled;

/* PID 1 must not return to the kernel: dump core from a child, then freeze (or shell). */
static void
crash_handler(int sig)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = SIG_DFL };

		sigaction(sig, &sa, NULL);
		raise(sig);
		_exit(1);
	}
	if (pid > 0)
		(void)waitpid(pid, NULL, 0);
	if (crash_shell_enabled && fork() == 0) {
		execl("/bin/sh", "/bin/sh", NULL);
		_exit(1);
	}
	for (;;)
		pause();
}

static void
install_crash_handler(void)
{
	struct sigaction sa = { .sa_handler = crash_handler, .sa_flags = SA_NODEFER };
	static const int sigs[] = { SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGQUIT, SIGABRT };

	for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static char *
default_runtime_dir(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	char *p;

	if (arg_runtime_dir)
		return strdup(arg_runtime_dir);
	/* Where emberctl --system looks, whatever the environment says. */
	if (arg_scope == SCOPE_SYSTEM && (getpid() == 1 || geteuid() == 0))
		return strdup("/run/ember");
	if (x && asprintf(&p, "%s/ember", x) >= 0)
		return p;
	if (asprintf(&p, "/tmp/ember-%u", (unsigned)getuid()) >= 0)
		return p;
	return NULL;
}

/* Where the message bus is, unless ember.conf says (BusAddress=): the system bus for PID 1;
 * for a user manager in the default runtime directory, the session bus its dbus.socket
 * makes at $XDG_RUNTIME_DIR/bus. Debug instances (own --runtime-dir, or not PID 1) stay off
 * any bus unless configured: they must not take the name from the real manager. */
static char *
default_bus_address(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	char *escaped, *address = NULL, *path;

	if (getpid() == 1 && arg_scope == SCOPE_SYSTEM)
		return strdup("unix:path=/run/dbus/system_bus_socket");
	if (arg_scope != SCOPE_USER || arg_runtime_dir || !x || x[0] != '/')
		return NULL;
	if (asprintf(&path, "%s/bus", x) < 0)
		return NULL;
	escaped = dbus_address_escape_value(path);
	free(path);
	if (escaped && asprintf(&address, "unix:path=%s", escaped) < 0)
		address = NULL;
	dbus_free(escaped);
	return address;
}

/* Kernel threads are only visible from the initial PID namespace: kthreadd is PID 2
 * there, and PID 2 is one of ours in a container. */
static bool
in_initial_pid_namespace(void)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/2/comm", "re");

	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
	}
	return startswith(comm, "kthreadd") != NULL;
}

/* The last act of PID 1: everything is stopped, now end the machine. */
static void
final_shutdown(enum manager_objective o)
{
	int cmd = o == MANAGER_REBOOT ? RB_AUTOBOOT : o == MANAGER_HALT ? RB_HALT_SYSTEM :
		  o == MANAGER_KEXEC ? RB_KEXEC : RB_POWER_OFF;

	log_info("Sending SIGTERM to remaining processes...");
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	for (int i = 0; i < 50; i++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (kill(-1, 0) < 0 && errno == ESRCH)
			break;
		usleep(100 * 1000);
	}
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	sync();
	/* The file systems belong to the machine only when we are its real PID 1: in a PID
	 * namespace (a container, the demo) a remount would change the host's superblock. */
	if (in_initial_pid_namespace())
		mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL);
	reboot(cmd);
	/* In a PID namespace reboot() ends it; if it returns, freeze rather than exit. */
	for (;;)
		pause();
}

int
main(int argc, char *argv[])
{
	struct manager *m = NULL;
	enum manager_objective o;
	int r;

	log_set_ident("ember");
	log_parse_environment();
	exec_spawn_init();
	if (getpid() == 1) {
		install_crash_handler();
		/* Ctrl-Alt-Del becomes SIGINT to us (ctrl-alt-del.target), not a hard reboot. */
		(void)reboot(RB_DISABLE_CAD);
		mount_api_filesystems();
		log_set_target(LOG_TARGET_KMSG);
		parse_proc_cmdline();
	}
	r = parse_argv(argc, argv);
	if (r < 0)
		return 1;
	if (!arg_scope_set && getpid() != 1 && geteuid() != 0)
		arg_scope = SCOPE_USER;

	r = manager_new(arg_scope, arg_test, &m);
	if (r < 0) {
		log_error_errno(r, "Failed to allocate manager: %m");
		goto fail;
	}
	/* libdbus aborts the process when a caller breaks one of its rules. A bug of ours
	 * must not take PID 1 down with it: such checks only warn. Set after the manager
	 * copied the environment for services, so they do not inherit it. */
	setenv("DBUS_FATAL_WARNINGS", "0", 0);
	m->show_status = getpid() == 1;
	manager_parse_config(m, arg_config);
	if (arg_log_level >= 0)
		log_set_max_level(arg_log_level);
	if (arg_log_target >= 0)
		log_set_target(arg_log_target);
	if (arg_show_status >= 0)
		m->show_status = arg_show_status;
	if (arg_crash_shell >= 0)
		m->crash_shell = arg_crash_shell;
	crash_shell_enabled = m->crash_shell;
	if (arg_test)
		m->show_status = false;
	m->runtime_dir = default_runtime_dir();
	if (!m->bus_address)
		m->bus_address = default_bus_address();
	m->unit_path_override = arg_unit_path ? strdup(arg_unit_path) : NULL;
	m->default_unit = arg_unit ? strdup(arg_unit) : NULL;
	if (!m->runtime_dir || (arg_unit_path && !m->unit_path_override) ||
	    (arg_unit && !m->default_unit)) {
		log_oom();
		goto fail;
	}
	r = manager_setup(m);
	if (r < 0)
		goto fail;
	r = manager_startup(m);
	if (arg_test) {
		manager_free(m);
		return r < 0 ? 1 : 0;
	}
	if (r < 0 && getpid() != 1)
		goto fail;
	log_info("ember %s running as %s manager%s, runtime directory %s.", EMBER_VERSION,
		 arg_scope == SCOPE_SYSTEM ? "system" : "user", getpid() == 1 ? " (PID 1)" : "",
		 m->runtime_dir);
	o = manager_loop(m);
	/* PID 1 returning from main() panics the kernel: "exit" means power off there
	 * (in a PID namespace that ends the namespace, as a container expects). */
	if (getpid() == 1) {
		/* Everything is stopped: a delegated tree goes back empty to whoever gave it. */
		cgroup_teardown(m);
		final_shutdown(o == MANAGER_EXIT ? MANAGER_POWEROFF : o);
	}
	r = m->exit_code;
	manager_free(m);
	return r;
fail:
	if (getpid() == 1) {
		log_error("Fatal start-up error; freezing.");
		for (;;)
			pause();
	}
	manager_free(m);
	return 1;
}
