/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec_spawn() with real forks: each test runs /bin/sh with some exec context, reaps it
 * (tests may block, the manager may not) and looks at what the child saw. Runs as root
 * for the User=/Nice=/rlimit tests. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/exec.h"
#include "core/exec-sandbox.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

static char dir[] = "/tmp/ember-spawn-XXXXXX";

static void
setup(void)
{
	strcpy(dir, "/tmp/ember-spawn-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* dir/name; the result lives until the next call with the same slot. */
static const char *
path_in_dir(int slot, const char *name)
{
	static char buf[4][PATH_MAX];

	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", dir, name);
	return buf[slot];
}

static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *s = NULL;
	size_t n = 0;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	ck_assert_int_ge(getdelim(&s, &n, '\0', f), 0);
	fclose(f);
	return s;
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* A command "/bin/sh -c script" with the script formatted like printf. The script is
 * left alone by the manager's own $VAR expansion (':'), so it means what sh makes of it. */
struct sh {
	struct exec_command cmd;
	char *argv[4];
	char script[2048];
};

static struct exec_command *
sh_command(struct sh *sh, const char *fmt, ...) _printf_(2, 3);

static struct exec_command *
sh_command(struct sh *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sh->script, sizeof(sh->script), fmt, ap);
	va_end(ap);
	sh->argv[0] = "/bin/sh";
	sh->argv[1] = "-c";
	sh->argv[2] = sh->script;
	sh->argv[3] = NULL;
	sh->cmd = (struct exec_command) { .path = "/bin/sh", .argv = sh->argv,
					  .flags = EXEC_NO_ENV_EXPAND };
	return &sh->cmd;
}

static void
params_init(struct exec_params *p)
{
	*p = (struct exec_params) {
		.unit_id = "test.service",
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
		.new_session = true,
		.apply_sandbox = true,
	};
}

struct outcome {
	pid_t pid;
	int status;
	int failed; /* exec_spawn_collect() */
	struct exec_status_report report;
};

static void
spawn_and_wait(const struct exec_command *cmd, const struct exec_context *ctx,
	       const struct exec_params *p, struct outcome *o)
{
	struct exec_spawn s;

	ck_assert_int_eq(exec_spawn(cmd, ctx, p, &s), 0);
	ck_assert_int_gt(s.pid, 0);
	/* The shared-memory spawn has closed the pipe already when the program runs. */
	ck_assert_int_ge(s.status_fd, -1);
	o->pid = s.pid;
	ck_assert_int_eq(waitpid(s.pid, &o->status, 0), s.pid);
	memset(&o->report, 0, sizeof(o->report));
	o->failed = exec_spawn_collect(&s, &o->report);
	ck_assert_int_eq(s.status_fd, -1);
}

static void
assert_success(const struct outcome *o)
{
	ck_assert_msg(o->failed == 0, "step %s failed: %s (%s)", exec_step_to_string(o->report.step),
		      o->report.detail, strerror(o->report.error));
	ck_assert(WIFEXITED(o->status));
	ck_assert_int_eq(WEXITSTATUS(o->status), 0);
}

static void
assert_step_failed(const struct outcome *o, enum exec_step step)
{
	ck_assert_int_eq(o->failed, 1);
	ck_assert_str_eq(exec_step_to_string(o->report.step), exec_step_to_string(step));
	ck_assert(WIFEXITED(o->status));
	ck_assert_int_eq(WEXITSTATUS(o->status), EXEC_STEP_EXIT_BASE + (int)step);
}

START_TEST(test_environment_reaches_child)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out;

	exec_context_init(&ctx);
	ck_assert_int_eq(strv_extend(&ctx.environment, "FOO=hello world"), 0);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "echo \"$FOO\" > '%s'", path_in_dir(0, "out")), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "hello world\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_success_reports_nothing)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;

	exec_context_init(&ctx);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "exit 7"), &ctx, &p, &o);
	ck_assert_int_eq(o.failed, 0);
	ck_assert_int_eq(WEXITSTATUS(o.status), 7);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_environment_file_quotes_and_comments)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out, *spec;

	write_text(path_in_dir(1, "env"),
		   "# a comment\n"
		   "; another comment\n"
		   "\n"
		   "A=plain value   \n"
		   "B=\"double \\\"quoted\\\" $x \\q\"\n"
		   "C='single $x \\n'\n"
		   "D=esc\\ aped\\\\\n"
		   "E=cont\\\n"
		   "inued\n"
		   "  F = spaced  \n"
		   "G='multi\n"
		   "line'\n"
		   "bad-name=x\n"
		   "no equals sign\n"
		   "H=\n"
		   "I=\"x\"   \n");
	exec_context_init(&ctx);
	ck_assert_int_ge(asprintf(&spec, "%s", path_in_dir(1, "env")), 0);
	ck_assert_int_eq(strv_consume(&ctx.environment_files, spec), 0);
	/* EnvironmentFile= wins over Environment= (systemd.exec(5)). */
	ck_assert_int_eq(strv_extend(&ctx.environment, "A=from-environment"), 0);
	ck_assert_int_eq(strv_extend(&ctx.environment, "Z=kept"), 0);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "printf '%%s|' \"$A\" \"$B\" \"$C\" \"$D\" \"$E\" \"$F\" "
				  "\"$G\" \"${H-unset}\" \"$I\" \"$Z\" > '%s'",
				  path_in_dir(0, "out")), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "plain value|double \"quoted\" $x \\q|single $x \\n|esc aped\\|"
			      "continued|spaced|multi\nline||x|kept|");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_missing_environment_file_fails_step_environment)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;

	exec_context_init(&ctx);
	ck_assert_int_eq(strv_extend(&ctx.environment_files, "/nonexistent/ember.env"), 0);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "true"), &ctx, &p, &o);
	assert_step_failed(&o, EXEC_STEP_ENVIRONMENT);
	ck_assert_int_eq(o.report.error, ENOENT);
	ck_assert_ptr_nonnull(strstr(o.report.detail, "/nonexistent/ember.env"));
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_missing_environment_file_with_dash_is_ok)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;

	exec_context_init(&ctx);
	ck_assert_int_eq(strv_extend(&ctx.environment_files, "-/nonexistent/ember.env"), 0);
	ck_assert_int_eq(strv_extend(&ctx.environment_files, "-/nonexistent/*.env"), 0);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "true"), &ctx, &p, &o);
	assert_success(&o);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_pass_and_unset_environment)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *env[] = { "PATH=/usr/bin:/bin", "DROP=1", "KEEP=1", "EXACT=a", NULL };
	char *out;

	setenv("EMBER_TEST_PASSED", "passed", 1);
	unsetenv("EMBER_TEST_ABSENT");
	exec_context_init(&ctx);
	ck_assert_int_eq(strv_extend(&ctx.pass_environment, "EMBER_TEST_PASSED"), 0);
	ck_assert_int_eq(strv_extend(&ctx.pass_environment, "EMBER_TEST_ABSENT"), 0);
	ck_assert_int_eq(strv_extend(&ctx.unset_environment, "DROP"), 0);
	ck_assert_int_eq(strv_extend(&ctx.unset_environment, "EXACT=b"), 0);
	params_init(&p);
	p.environment = env;
	spawn_and_wait(sh_command(&sh, "printf '%%s|' \"$EMBER_TEST_PASSED\" "
				  "\"${EMBER_TEST_ABSENT-absent}\" \"${DROP-dropped}\" \"$KEEP\" "
				  "\"$EXACT\" > '%s'", path_in_dir(0, "out")), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "passed|absent|dropped|1|a|");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_unknown_user_fails_step_user)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;

	exec_context_init(&ctx);
	ctx.user = strdup("nonexistent-user-xyz");
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "true"), &ctx, &p, &o);
	assert_step_failed(&o, EXEC_STEP_USER);
	ck_assert_str_eq(o.report.detail, "no such user 'nonexistent-user-xyz'");
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_unknown_group_fails_step_group)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;

	exec_context_init(&ctx);
	ck_assert_int_eq(strv_extend(&ctx.supplementary_groups, "nonexistent-group-xyz"), 0);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "true"), &ctx, &p, &o);
	assert_step_failed(&o, EXEC_STEP_GROUP);
	ck_assert_str_eq(o.report.detail, "no such group 'nonexistent-group-xyz'");
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_user_switches_credentials_and_sets_home)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out, *expected;

	if (geteuid() != 0)
		return;
	exec_context_init(&ctx);
	ctx.user = strdup("nobody");
	ctx.std_output = EXEC_OUTPUT_FILE;
	/* Opened before the switch, so nobody needs no access to dir. */
	ctx.std_output_path = strdup(path_in_dir(0, "out"));
	ck_assert_int_eq(strv_extend(&ctx.environment, "SHELL=/bin/overridden"), 0);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "echo \"$(id -u) $(id -G) $USER $LOGNAME $HOME $SHELL\""),
		       &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_int_ge(asprintf(&expected, "65534 65534 nobody nobody /nonexistent "
				  "/bin/overridden\n"), 0);
	ck_assert_str_eq(out, expected);
	free(out);
	free(expected);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_group_and_supplementary_groups)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out;

	if (geteuid() != 0)
		return;
	exec_context_init(&ctx);
	ctx.user = strdup("nobody");
	ctx.group = strdup("adm");
	ck_assert_int_eq(strv_extend(&ctx.supplementary_groups, "0"), 0);
	ctx.std_output = EXEC_OUTPUT_FILE;
	ctx.std_output_path = strdup(path_in_dir(0, "out"));
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "echo \"$(id -u) $(id -g) $(id -G | tr ' ' '\\n' | sort -n "
				  "| tr '\\n' ' ')\""), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	/* Group= replaces nobody's primary group (as initgroups(user, Group=) would), the
	 * supplementary group is added. */
	ck_assert_str_eq(out, "65534 4 0 4 \n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_full_privileges_ignore_user)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out;

	if (geteuid() != 0)
		return;
	exec_context_init(&ctx);
	ctx.user = strdup("nobody");
	params_init(&p);
	sh_command(&sh, "id -u > '%s'", path_in_dir(0, "out"));
	sh.cmd.flags |= EXEC_FULL_PRIVILEGES;
	spawn_and_wait(&sh.cmd, &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "0\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_missing_working_directory_fails_step_chdir)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;

	exec_context_init(&ctx);
	ctx.working_directory = strdup("/nonexistent");
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "true"), &ctx, &p, &o);
	assert_step_failed(&o, EXEC_STEP_CHDIR);
	ck_assert_int_eq(o.report.error, ENOENT);
	ck_assert_str_eq(o.report.detail, "/nonexistent");
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_missing_working_directory_with_dash_is_ok)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out;

	exec_context_init(&ctx);
	ctx.working_directory = strdup("/nonexistent");
	ctx.working_directory_missing_ok = true;
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "pwd > '%s'", path_in_dir(0, "out")), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "/\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_working_directory_is_used)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out, *expected;

	exec_context_init(&ctx);
	ctx.working_directory = strdup(dir);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "pwd > out"), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_int_ge(asprintf(&expected, "%s\n", dir), 0);
	ck_assert_str_eq(out, expected);
	free(out);
	free(expected);
	exec_context_done(&ctx);
}
END_TEST

/* Puts fd on target for the duration of a spawn; returns the saved previous occupant. */
static int
place_fd(int fd, int target)
{
	int saved = fcntl(target, F_DUPFD_CLOEXEC, 100);

	ck_assert_int_eq(dup2(fd, target), target);
	return saved;
}

static void
restore_fd(int saved, int target)
{
	if (saved < 0) {
		close(target);
		return;
	}
	ck_assert_int_eq(dup2(saved, target), target);
	close(saved);
}

static int
count_lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

START_TEST(test_passed_fds_arrive_at_3_and_4)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *names[] = { "a", "b", NULL };
	int fds[2], saved3, saved4, fa, fb, leak;
	char *out, *env, line[PATH_MAX + 32];

	write_text(path_in_dir(1, "fd-a"), "");
	write_text(path_in_dir(2, "fd-b"), "");
	fa = open(path_in_dir(1, "fd-a"), O_RDONLY | O_CLOEXEC);
	fb = open(path_in_dir(2, "fd-b"), O_RDONLY | O_CLOEXEC);
	leak = open("/dev/null", O_RDONLY); /* not CLOEXEC: must still not reach the child */
	ck_assert_int_ge(fa, 0);
	ck_assert_int_ge(fb, 0);
	ck_assert_int_ge(leak, 0);
	/* The sources sit on each other's targets: a on 4, b on 3. */
	saved3 = place_fd(fb, 3);
	saved4 = place_fd(fa, 4);
	fds[0] = 4;
	fds[1] = 3;
	exec_context_init(&ctx);
	/* Not a shell redirection: dash would keep a saved copy of fd 1 open meanwhile. */
	ctx.std_output = EXEC_OUTPUT_FILE_TRUNCATE;
	ctx.std_output_path = strdup(path_in_dir(0, "out"));
	params_init(&p);
	p.fds = fds;
	p.fd_names = names;
	p.n_fds = 2;
	spawn_and_wait(sh_command(&sh, "ls -l /proc/$$/fd; echo; env"), &ctx, &p, &o);
	restore_fd(saved3, 3);
	restore_fd(saved4, 4);
	close(fa);
	close(fb);
	close(leak);
	assert_success(&o);

	out = read_text(path_in_dir(0, "out"));
	env = strstr(out, "\n\n");
	ck_assert_ptr_nonnull(env);
	env[1] = '\0';
	env += 2;
	snprintf(line, sizeof(line), " 3 -> %s\n", path_in_dir(1, "fd-a"));
	ck_assert_msg(strstr(out, line), "fd 3 is not fd-a:\n%s", out);
	snprintf(line, sizeof(line), " 4 -> %s\n", path_in_dir(2, "fd-b"));
	ck_assert_msg(strstr(out, line), "fd 4 is not fd-b:\n%s", out);
	ck_assert_msg(count_lines_with(out, " -> ") == 5, "unexpected fds:\n%s", out);
	ck_assert_ptr_nonnull(strstr(env, "LISTEN_FDS=2\n"));
	snprintf(line, sizeof(line), "LISTEN_PID=%d\n", (int)o.pid);
	ck_assert_msg(strstr(env, line), "no %s in:\n%s", line, env);
	ck_assert_ptr_nonnull(strstr(env, "LISTEN_FDNAMES=a:b\n"));
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_watchdog_environment)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *env, line[64];

	exec_context_init(&ctx);
	params_init(&p);
	p.watchdog_usec = 3000000;
	spawn_and_wait(sh_command(&sh, "env > '%s'", path_in_dir(0, "env")), &ctx, &p, &o);
	assert_success(&o);
	env = read_text(path_in_dir(0, "env"));
	ck_assert_ptr_nonnull(strstr(env, "WATCHDOG_USEC=3000000\n"));
	snprintf(line, sizeof(line), "WATCHDOG_PID=%d\n", (int)o.pid);
	ck_assert_ptr_nonnull(strstr(env, line));
	ck_assert_ptr_null(strstr(env, "LISTEN_FDS="));
	free(env);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_limit_nofile)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out;

	exec_context_init(&ctx);
	ctx.rlimit[RLIMIT_NOFILE] = malloc(sizeof(struct rlimit));
	*ctx.rlimit[RLIMIT_NOFILE] = (struct rlimit) { 123, 123 };
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "ulimit -n > '%s'", path_in_dir(0, "out")), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "123\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_nice)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *stat, *end;
	int nice = -100;

	exec_context_init(&ctx);
	ctx.nice = 5;
	ctx.nice_set = true;
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "cat /proc/self/stat > '%s'", path_in_dir(0, "stat")), &ctx,
		       &p, &o);
	assert_success(&o);
	stat = read_text(path_in_dir(0, "stat"));
	/* Field 19 is the nice value; fields 3.. follow the ')' that ends comm. */
	end = strrchr(stat, ')');
	ck_assert_ptr_nonnull(end);
	ck_assert_int_eq(sscanf(end + 2, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
				"%*s %*s %d", &nice), 1);
	ck_assert_int_eq(nice, 5);
	free(stat);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_umask)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	struct stat st;

	exec_context_init(&ctx);
	ctx.umask = 0077;
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "touch '%s'", path_in_dir(0, "f")), &ctx, &p, &o);
	assert_success(&o);
	ck_assert_int_eq(stat(path_in_dir(0, "f"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_argv_variables_are_expanded)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct exec_command cmd;
	char script[PATH_MAX + 64], *out;
	char *argv[] = { "/bin/sh", "-c", script, "sh", "$WORDS", "${ONE}", "$UNSET", "$$", NULL };

	snprintf(script, sizeof(script), "printf '%%s|' \"$$@\" > '%s'", path_in_dir(0, "out"));
	exec_context_init(&ctx);
	ck_assert_int_eq(strv_extend(&ctx.environment, "WORDS=a 'b c'"), 0);
	ck_assert_int_eq(strv_extend(&ctx.environment, "ONE=x y"), 0);
	params_init(&p);
	cmd = (struct exec_command) { .path = "/bin/sh", .argv = argv };
	spawn_and_wait(&cmd, &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "a|b c|x y|$|");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_argv_no_expansion_with_colon)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct exec_command cmd;
	char script[PATH_MAX + 64], *out;
	char *argv[] = { "/bin/sh", "-c", script, "sh", "${ONE}", NULL };

	snprintf(script, sizeof(script), "printf '%%s|' \"$@\" > '%s'", path_in_dir(0, "out"));
	exec_context_init(&ctx);
	ck_assert_int_eq(strv_extend(&ctx.environment, "ONE=x y"), 0);
	params_init(&p);
	cmd = (struct exec_command) { .path = "/bin/sh", .argv = argv,
				      .flags = EXEC_NO_ENV_EXPAND };
	spawn_and_wait(&cmd, &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "${ONE}|");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_relative_program_is_searched_in_path)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct exec_command cmd;
	char script[PATH_MAX + 64], *out;
	char *argv[] = { "sh", "-c", script, NULL };
	char *env[] = { "PATH=/nonexistent:/bin:/usr/bin", NULL };

	snprintf(script, sizeof(script), "echo found > '%s'", path_in_dir(0, "out"));
	exec_context_init(&ctx);
	params_init(&p);
	p.environment = env;
	cmd = (struct exec_command) { .path = "sh", .argv = argv };
	spawn_and_wait(&cmd, &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "found\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_missing_program_fails_step_execve)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	char *argv[] = { "/nonexistent/program", NULL };
	struct exec_command cmd = { .path = "/nonexistent/program", .argv = argv };

	exec_context_init(&ctx);
	params_init(&p);
	spawn_and_wait(&cmd, &ctx, &p, &o);
	assert_step_failed(&o, EXEC_STEP_EXECVE);
	ck_assert_int_eq(o.report.error, ENOENT);
	ck_assert_str_eq(o.report.detail, "/nonexistent/program");
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_standard_output_file)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out;

	write_text(path_in_dir(0, "x"), "0123456789\n");
	exec_context_init(&ctx);
	ctx.std_output = EXEC_OUTPUT_FILE;
	ctx.std_output_path = strdup(path_in_dir(0, "x"));
	ctx.std_error = EXEC_OUTPUT_FILE;
	ctx.std_error_path = strdup(path_in_dir(0, "x"));
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "echo out; echo err >&2"), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "x"));
	/* file: writes from the start without truncating; stderr shares stdout's offset. */
	ck_assert_str_eq(out, "out\nerr\n89\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_standard_output_append_and_truncate)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out;

	write_text(path_in_dir(0, "append"), "old\n");
	write_text(path_in_dir(1, "truncate"), "old old old\n");
	exec_context_init(&ctx);
	ctx.std_output = EXEC_OUTPUT_FILE_APPEND;
	ctx.std_output_path = strdup(path_in_dir(0, "append"));
	ctx.std_error = EXEC_OUTPUT_FILE_TRUNCATE;
	ctx.std_error_path = strdup(path_in_dir(1, "truncate"));
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "echo new; echo err >&2"), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "append"));
	ck_assert_str_eq(out, "old\nnew\n");
	free(out);
	out = read_text(path_in_dir(1, "truncate"));
	ck_assert_str_eq(out, "err\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_standard_input_file_and_stderr_inherit)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out;

	write_text(path_in_dir(1, "in"), "from stdin\n");
	exec_context_init(&ctx);
	ctx.std_input = EXEC_INPUT_FILE;
	ctx.std_input_path = strdup(path_in_dir(1, "in"));
	ctx.std_output = EXEC_OUTPUT_FILE_TRUNCATE;
	ctx.std_output_path = strdup(path_in_dir(0, "out"));
	ctx.std_error = EXEC_OUTPUT_INHERIT;
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "cat; echo err >&2"), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "from stdin\nerr\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_log_fds_receive_output)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	int pipefd[2];
	char buf[64] = { 0 };

	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	exec_context_init(&ctx);
	ctx.std_output = EXEC_OUTPUT_JOURNAL;
	params_init(&p);
	p.stdout_fd = pipefd[1];
	p.stderr_fd = pipefd[1];
	spawn_and_wait(sh_command(&sh, "echo to-log; echo err-to-log >&2"), &ctx, &p, &o);
	close(pipefd[1]);
	assert_success(&o);
	ck_assert_int_gt(read(pipefd[0], buf, sizeof(buf) - 1), 0);
	ck_assert_str_eq(buf, "to-log\nerr-to-log\n");
	close(pipefd[0]);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_standard_input_tty_becomes_controlling_terminal)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	char *out, *expected, buf[256] = { 0 };
	int master;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	exec_context_init(&ctx);
	ctx.std_input = EXEC_INPUT_TTY_FAIL;
	ctx.tty_path = strdup(ptsname(master));
	ctx.tty_reset = true;
	params_init(&p);
	/* stdout defaults to the tty too; the 'ps' field says whether it is our ctty. */
	spawn_and_wait(sh_command(&sh, "tty > '%s'; ps -o tty= -p $$ >> '%s'; echo on-tty",
				  path_in_dir(0, "out"), path_in_dir(0, "out")), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_int_ge(asprintf(&expected, "%s\n%s\n", ctx.tty_path,
				  ctx.tty_path + strlen("/dev/")), 0);
	ck_assert_str_eq(out, expected);
	ck_assert_int_gt(read(master, buf, sizeof(buf) - 1), 0);
	ck_assert_ptr_nonnull(strstr(buf, "on-tty"));
	free(out);
	free(expected);
	close(master);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_signals_are_reset_in_child)
{
	struct exec_context ctx;
	struct exec_params p;
	struct outcome o;
	struct sh sh;
	sigset_t block;
	char *out;

	/* The manager blocks what its signalfd reads, and SIGPIPE is ignored by default. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &block, NULL), 0);
	signal(SIGUSR1, SIG_IGN);
	exec_context_init(&ctx);
	params_init(&p);
	spawn_and_wait(sh_command(&sh, "grep -E '^(SigBlk|SigIgn)' /proc/self/status > '%s'",
				  path_in_dir(0, "out")), &ctx, &p, &o);
	assert_success(&o);
	out = read_text(path_in_dir(0, "out"));
	ck_assert_str_eq(out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000001000\n");
	free(out);
	exec_context_done(&ctx);
}
END_TEST

/* The shared-memory spawn (spawn.c) is not used in ASan builds. */
#if defined(__SANITIZE_ADDRESS__)
#define SPAWN_FORKS_ALWAYS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPAWN_FORKS_ALWAYS 1
#endif
#endif

/* A sandbox directive, through its row (as a unit file would set it). */
static void
sandbox_set(struct exec_context *ctx, const char *key, const char *value)
{
	struct parse_ctx c = { .file = "test.service", .line = 1, .section = "Service",
			       .key = key };

	if (!ctx->sandbox)
		ck_assert_ptr_nonnull(ctx->sandbox = exec_sandbox_new());
	for (const struct directive *d = exec_sandbox_directives; d->name; d++)
		if (streq(d->name, key)) {
			ck_assert_int_ge(d->parse(&c, value, d->arg, (char *)ctx->sandbox + d->offset),
					 0);
			return;
		}
	ck_abort_msg("no row for %s", key);
}

/* One spawn that must end in step (EXEC_STEP_NONE: success). */
struct leak_case {
	struct exec_context ctx;
	struct exec_command cmd;
	char *argv[3];
	enum exec_step step;
};

static void
leak_case_run(struct leak_case *c, struct exec_params *p)
{
	struct outcome o;

	spawn_and_wait(&c->cmd, &c->ctx, p, &o);
	if (c->step == EXEC_STEP_NONE)
		assert_success(&o);
	else
		assert_step_failed(&o, c->step);
}

/* Whether a child can make a mount namespace with "/" as a slave (not in a chroot, where
 * "/" is no mount point, nor without the privilege). */
static bool
can_build_namespaces(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWNS) == 0 &&
		      mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* Without fork(), the child allocates in our heap (environment, argv, the program's path,
 * the namespace plan, seccomp programs, glob() results) and may fail anywhere: whatever it
 * leaves must be freed by exec_spawn(), so the heap in use is the same after every
 * round. */
START_TEST(test_spawn_leaves_no_allocation_behind)
{
	static char *env[] = { "PATH=/nonexistent:/bin:/usr/bin", "A=1", NULL };
	struct leak_case cases[6];
	struct exec_params p;
	size_t n = 0, before;
	char files[PATH_MAX];

#ifdef SPAWN_FORKS_ALWAYS
	return;
#endif
	/* Freed chunks in glibc's per-thread cache count as in use: main() turns it off. */
	if (!strstr(strempty(getenv("GLIBC_TUNABLES")), "glibc.malloc.tcache_count=0"))
		return;

	write_text(path_in_dir(0, "env-1"), "B=2\nC='three words'\n");
	ck_assert_int_eq(mkdir(path_in_dir(0, "env-2"), 0755), 0); /* read() fails: EISDIR */
	write_text(path_in_dir(0, "bad-interp"), "#!/nonexistent/interpreter\n");
	ck_assert_int_eq(chmod(path_in_dir(0, "bad-interp"), 0755), 0);
	snprintf(files, sizeof(files), "%s/env-*", dir);
	params_init(&p);
	p.environment = env;
	/* Success: environment files by glob, $PATH search, $VAR expansion, seccomp. */
	memset(cases, 0, sizeof(cases));
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		exec_context_init(&cases[i].ctx);
	cases[n].argv[0] = "true";
	cases[n].argv[1] = "$A";
	cases[n].cmd = (struct exec_command) { .path = "true", .argv = cases[n].argv };
	ck_assert_int_eq(strv_extend(&cases[n].ctx.environment_files, path_in_dir(0, "env-1")), 0);
	sandbox_set(&cases[n].ctx, "SystemCallFilter", "@system-service");
	sandbox_set(&cases[n].ctx, "RestrictNamespaces", "yes");
	cases[n].ctx.no_new_privileges = true;
	n++;
	/* A file of the glob cannot be read: fails holding glob()'s result. */
	cases[n].argv[0] = "true";
	cases[n].cmd = (struct exec_command) { .path = "true", .argv = cases[n].argv };
	ck_assert_int_eq(strv_extend(&cases[n].ctx.environment_files, files), 0);
	cases[n++].step = EXEC_STEP_ENVIRONMENT;
	/* Not in $PATH. */
	cases[n].argv[0] = "no-such-program";
	cases[n].cmd = (struct exec_command) { .path = "no-such-program", .argv = cases[n].argv };
	cases[n++].step = EXEC_STEP_EXECVE;
	/* Found, then execve() fails, with the environment, argv and path allocated. */
	cases[n].argv[0] = "bad-interp";
	cases[n].cmd = (struct exec_command) { .path = strdup(path_in_dir(0, "bad-interp")),
					       .argv = cases[n].argv };
	cases[n++].step = EXEC_STEP_EXECVE;
	if (geteuid() == 0 && can_build_namespaces()) {
		/* The namespace step fails with its plan built. */
		cases[n].argv[0] = "true";
		cases[n].cmd = (struct exec_command) { .path = "true", .argv = cases[n].argv };
		sandbox_set(&cases[n].ctx, "PrivateTmp", "yes");
		sandbox_set(&cases[n].ctx, "ReadOnlyPaths", "/nonexistent/ro");
		cases[n++].step = EXEC_STEP_NAMESPACE;
		/* ...and succeeds. */
		cases[n].argv[0] = "true";
		cases[n].cmd = (struct exec_command) { .path = "true", .argv = cases[n].argv };
		sandbox_set(&cases[n].ctx, "PrivateTmp", "yes");
		sandbox_set(&cases[n].ctx, "ProtectSystem", "strict");
		sandbox_set(&cases[n].ctx, "ReadOnlyPaths", "-/nonexistent/ro");
		n++;
	}
	/* A first round for what libc sets up once (stdio of the test, say). */
	for (size_t i = 0; i < n; i++)
		leak_case_run(&cases[i], &p);
	before = mallinfo2().uordblks;
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < n; i++)
			leak_case_run(&cases[i], &p);
	ck_assert_uint_eq(mallinfo2().uordblks, before);
	free((char *)cases[3].cmd.path);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		exec_context_done(&cases[i].ctx);
}
END_TEST

/* The shared-memory spawn returns only once the child has exec'd: the pid already runs
 * the program (the kernel sets the new executable before it lets the parent go). After
 * fork() that is a race the child usually loses. */
START_TEST(test_spawn_returns_after_exec)
{
	char *argv[] = { "sleep", "10", NULL };
	struct exec_command cmd = { .path = "/bin/sleep", .argv = argv };
	struct exec_context ctx;
	struct exec_params p;
	struct exec_spawn s;
	struct exec_status_report r;
	char link[64], exe[PATH_MAX], *want;
	ssize_t l;

#ifdef SPAWN_FORKS_ALWAYS
	return;
#endif
	exec_context_init(&ctx);
	params_init(&p);
	ck_assert_int_eq(exec_spawn(&cmd, &ctx, &p, &s), 0);
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)s.pid);
	l = readlink(link, exe, sizeof(exe) - 1);
	ck_assert_int_eq(kill(s.pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(s.pid, NULL, 0), s.pid);
	ck_assert_int_eq(exec_spawn_collect(&s, &r), 0);
	ck_assert_int_gt(l, 0);
	exe[l] = '\0';
	want = realpath("/bin/sleep", NULL);
	ck_assert_str_eq(exe, want);
	free(want);
	exec_context_done(&ctx);
}
END_TEST

START_TEST(test_collect_without_fd_is_success)
{
	struct exec_spawn s = { .pid = 1, .status_fd = -1 };
	struct exec_status_report r;

	ck_assert_int_eq(exec_spawn_collect(&s, &r), 0);
}
END_TEST

START_TEST(test_step_names)
{
	ck_assert_str_eq(exec_step_to_string(EXEC_STEP_USER), "user");
	ck_assert_str_eq(exec_step_to_string(EXEC_STEP_CHDIR), "chdir");
	ck_assert_str_eq(exec_step_to_string(EXEC_STEP_ENVIRONMENT), "environment");
	ck_assert_str_eq(exec_step_to_string(EXEC_STEP_EXECVE), "execve");
	ck_assert_ptr_null(exec_step_to_string(_EXEC_STEP_MAX));
	for (int s = 0; s < _EXEC_STEP_MAX; s++)
		ck_assert_ptr_nonnull(exec_step_to_string(s));
}
END_TEST

static Suite *
spawn_suite(void)
{
	Suite *s = suite_create("spawn");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_environment_reaches_child);
	tcase_add_test(tc, test_success_reports_nothing);
	tcase_add_test(tc, test_environment_file_quotes_and_comments);
	tcase_add_test(tc, test_missing_environment_file_fails_step_environment);
	tcase_add_test(tc, test_missing_environment_file_with_dash_is_ok);
	tcase_add_test(tc, test_pass_and_unset_environment);
	tcase_add_test(tc, test_unknown_user_fails_step_user);
	tcase_add_test(tc, test_unknown_group_fails_step_group);
	tcase_add_test(tc, test_user_switches_credentials_and_sets_home);
	tcase_add_test(tc, test_group_and_supplementary_groups);
	tcase_add_test(tc, test_full_privileges_ignore_user);
	tcase_add_test(tc, test_missing_working_directory_fails_step_chdir);
	tcase_add_test(tc, test_missing_working_directory_with_dash_is_ok);
	tcase_add_test(tc, test_working_directory_is_used);
	tcase_add_test(tc, test_passed_fds_arrive_at_3_and_4);
	tcase_add_test(tc, test_watchdog_environment);
	tcase_add_test(tc, test_limit_nofile);
	tcase_add_test(tc, test_nice);
	tcase_add_test(tc, test_umask);
	tcase_add_test(tc, test_argv_variables_are_expanded);
	tcase_add_test(tc, test_argv_no_expansion_with_colon);
	tcase_add_test(tc, test_relative_program_is_searched_in_path);
	tcase_add_test(tc, test_missing_program_fails_step_execve);
	tcase_add_test(tc, test_standard_output_file);
	tcase_add_test(tc, test_standard_output_append_and_truncate);
	tcase_add_test(tc, test_standard_input_file_and_stderr_inherit);
	tcase_add_test(tc, test_log_fds_receive_output);
	tcase_add_test(tc, test_standard_input_tty_becomes_controlling_terminal);
	tcase_add_test(tc, test_signals_are_reset_in_child);
	tcase_add_test(tc, test_spawn_leaves_no_allocation_behind);
	tcase_add_test(tc, test_spawn_returns_after_exec);
	tcase_add_test(tc, test_collect_without_fd_is_success);
	tcase_add_test(tc, test_step_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char *argv[])
{
	SRunner *sr;
	int failed;

	/* For test_spawn_leaves_no_allocation_behind: the heap counted exactly. */
	if (argc > 0 && !getenv("GLIBC_TUNABLES")) {
		setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
		execv("/proc/self/exe", argv);
	}
	sr = srunner_create(spawn_suite());

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
