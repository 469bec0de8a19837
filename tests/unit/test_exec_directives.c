/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The exec_directives[] and kill_directives[] parsers, driven through their table rows
 * (so the offsets are tested too): good and bad values, and what lands in the fields. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <syslog.h>

#include "core/exec.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "units/directives.h"

static const struct directive *
row(const struct directive *table, const char *key)
{
	for (const struct directive *d = table; d->name; d++)
		if (streq(d->name, key))
			return d;
	ck_abort_msg("no row for %s", key);
	return NULL;
}

static int
apply(const struct directive *table, void *object, const char *key, const char *value)
{
	const struct directive *d = row(table, key);
	struct parse_ctx c = { .file = "test.service", .line = 1, .section = "Service",
			       .key = key, .unit = NULL };

	ck_assert_ptr_null(d->section);
	return d->parse(&c, value, d->arg, (char *)object + d->offset);
}

static int
exec_apply(struct exec_context *x, const char *key, const char *value)
{
	return apply(exec_directives, x, key, value);
}

static void
render_strv(struct strbuf *b, char **l)
{
	STRV_FOREACH(s, l) {
		strbuf_puts(b, *s);
		strbuf_putc(b, '|');
	}
}

static void
render_rlim(struct strbuf *b, rlim_t v)
{
	char buf[32];

	if (v == RLIM_INFINITY) {
		strbuf_puts(b, "inf");
		return;
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	strbuf_puts(b, buf);
}

/* The fields a key sets, as text. */
static char *
render(const struct exec_context *x, const char *key)
{
	struct strbuf b = { 0 };
	char buf[512];
	const struct directive *d = row(exec_directives, key);

	buf[0] = '\0';
	if (startswith(key, "Limit")) {
		const struct rlimit *rl = x->rlimit[d->arg];

		if (!rl)
			return strdup("unset");
		render_rlim(&b, rl->rlim_cur);
		strbuf_putc(&b, ':');
		render_rlim(&b, rl->rlim_max);
		return strbuf_steal(&b);
	}
	if (streq(key, "Environment"))
		render_strv(&b, x->environment);
	else if (streq(key, "EnvironmentFile"))
		render_strv(&b, x->environment_files);
	else if (streq(key, "PassEnvironment"))
		render_strv(&b, x->pass_environment);
	else if (streq(key, "UnsetEnvironment"))
		render_strv(&b, x->unset_environment);
	else if (streq(key, "SupplementaryGroups"))
		render_strv(&b, x->supplementary_groups);
	else if (streq(key, "WorkingDirectory"))
		snprintf(buf, sizeof(buf), "%s home=%d missing_ok=%d", strna(x->working_directory),
			 x->working_directory_home, x->working_directory_missing_ok);
	else if (streq(key, "RootDirectory"))
		snprintf(buf, sizeof(buf), "%s", strna(x->root_directory));
	else if (streq(key, "UMask"))
		snprintf(buf, sizeof(buf), "%04o", (unsigned)x->umask);
	else if (streq(key, "User"))
		snprintf(buf, sizeof(buf), "%s", strna(x->user));
	else if (streq(key, "Group"))
		snprintf(buf, sizeof(buf), "%s", strna(x->group));
	else if (streq(key, "Nice"))
		snprintf(buf, sizeof(buf), "%d set=%d", x->nice, x->nice_set);
	else if (streq(key, "OOMScoreAdjust"))
		snprintf(buf, sizeof(buf), "%d set=%d", x->oom_score_adjust, x->oom_score_adjust_set);
	else if (streq(key, "StandardInput"))
		snprintf(buf, sizeof(buf), "%s %s", exec_input_to_string(x->std_input),
			 strna(x->std_input_path));
	else if (streq(key, "StandardOutput"))
		snprintf(buf, sizeof(buf), "%s %s", exec_output_to_string(x->std_output),
			 strna(x->std_output_path));
	else if (streq(key, "StandardError"))
		snprintf(buf, sizeof(buf), "%s %s", exec_output_to_string(x->std_error),
			 strna(x->std_error_path));
	else if (streq(key, "TTYPath"))
		snprintf(buf, sizeof(buf), "%s", strna(x->tty_path));
	else if (streq(key, "SyslogIdentifier"))
		snprintf(buf, sizeof(buf), "%s", strna(x->syslog_identifier));
	else if (streq(key, "SyslogFacility"))
		snprintf(buf, sizeof(buf), "%d", x->syslog_facility);
	else if (streq(key, "SyslogLevel"))
		snprintf(buf, sizeof(buf), "%d", x->syslog_level);
	else if (streq(key, "PAMName"))
		snprintf(buf, sizeof(buf), "%s", strna(x->pam_name));
	else if (streq(key, "TTYReset"))
		snprintf(buf, sizeof(buf), "%d", x->tty_reset);
	else if (streq(key, "TTYVHangup"))
		snprintf(buf, sizeof(buf), "%d", x->tty_vhangup);
	else if (streq(key, "TTYVTDisallocate"))
		snprintf(buf, sizeof(buf), "%d", x->tty_vt_disallocate);
	else if (streq(key, "SyslogLevelPrefix"))
		snprintf(buf, sizeof(buf), "%d", x->syslog_level_prefix);
	else if (streq(key, "NoNewPrivileges"))
		snprintf(buf, sizeof(buf), "%d", x->no_new_privileges);
	else if (streq(key, "SameProcessGroup"))
		snprintf(buf, sizeof(buf), "%d", x->same_process_group);
	else if (streq(key, "IgnoreSIGPIPE"))
		snprintf(buf, sizeof(buf), "%d", x->ignore_sigpipe);
	else if (streq(key, "DynamicUser"))
		snprintf(buf, sizeof(buf), "%s", strna(x->user));
	else
		ck_abort_msg("no renderer for %s", key);
	strbuf_puts(&b, buf);
	return strbuf_steal(&b);
}

struct case_row {
	const char *key;
	const char *value;
	int ret;
	const char *fields; /* after the call, from a freshly initialised context */
};

static const struct case_row exec_cases[] = {
	{ "Environment", "FOO=bar", 0, "FOO=bar|" },
	{ "Environment", "A=1 \"B=two words\" 'C=x y' D=", 0, "A=1|B=two words|C=x y|D=|" },
	{ "Environment", "A=1 A=2", 0, "A=2|" },
	{ "Environment", "\"E=tab\\there\"", 0, "E=tab\there|" },
	{ "Environment", "", 0, "" },
	{ "Environment", "NOEQUALS", -EINVAL, "" },
	{ "Environment", "A=1 =x", -EINVAL, "" },
	{ "Environment", "1A=x", -EINVAL, "" },
	{ "Environment", "A-B=x", -EINVAL, "" },
	{ "Environment", "\"A=unterminated", -EINVAL, "" },
	{ "EnvironmentFile", "/etc/default/foo", 0, "/etc/default/foo|" },
	{ "EnvironmentFile", "-/etc/default/foo", 0, "-/etc/default/foo|" },
	{ "EnvironmentFile", "relative", -EINVAL, "" },
	{ "EnvironmentFile", "-relative", -EINVAL, "" },
	{ "PassEnvironment", "TERM LANG", 0, "TERM|LANG|" },
	{ "PassEnvironment", "TERM TERM", 0, "TERM|" },
	{ "PassEnvironment", "A=B", -EINVAL, "" },
	{ "UnsetEnvironment", "TERM A=b", 0, "TERM|A=b|" },
	{ "UnsetEnvironment", "9X", -EINVAL, "" },
	{ "WorkingDirectory", "/srv/www", 0, "/srv/www home=0 missing_ok=0" },
	{ "WorkingDirectory", "-/srv/www", 0, "/srv/www home=0 missing_ok=1" },
	{ "WorkingDirectory", "~", 0, "n/a home=1 missing_ok=0" },
	{ "WorkingDirectory", "-~", 0, "n/a home=1 missing_ok=1" },
	{ "WorkingDirectory", "srv", -EINVAL, "n/a home=0 missing_ok=0" },
	{ "WorkingDirectory", "~/x", -EINVAL, "n/a home=0 missing_ok=0" },
	{ "RootDirectory", "/srv/root", 0, "/srv/root" },
	{ "RootDirectory", "root", -EINVAL, "n/a" },
	{ "UMask", "0077", 0, "0077" },
	{ "UMask", "027", 0, "0027" },
	{ "UMask", "0999", -EINVAL, "0022" },
	{ "UMask", "", -EINVAL, "0022" },
	{ "User", "www-data", 0, "www-data" },
	{ "User", "", 0, "n/a" },
	{ "Group", "www-data", 0, "www-data" },
	{ "SupplementaryGroups", "adm \"dialout\"", 0, "adm|dialout|" },
	{ "DynamicUser", "no", 0, "n/a" },
	{ "DynamicUser", "false", 0, "n/a" },
	{ "DynamicUser", "yes", -EOPNOTSUPP, "n/a" },
	{ "DynamicUser", "maybe", -EINVAL, "n/a" },
	{ "Nice", "5", 0, "5 set=1" },
	{ "Nice", "-20", 0, "-20 set=1" },
	{ "Nice", "19", 0, "19 set=1" },
	{ "Nice", "20", -EINVAL, "0 set=0" },
	{ "Nice", "-21", -EINVAL, "0 set=0" },
	{ "Nice", "five", -EINVAL, "0 set=0" },
	{ "OOMScoreAdjust", "-1000", 0, "-1000 set=1" },
	{ "OOMScoreAdjust", "1000", 0, "1000 set=1" },
	{ "OOMScoreAdjust", "1001", -EINVAL, "0 set=0" },
	{ "LimitNOFILE", "123", 0, "123:123" },
	{ "LimitNOFILE", "1024:524288", 0, "1024:524288" },
	{ "LimitNOFILE", "infinity", 0, "inf:inf" },
	{ "LimitNOFILE", "1024:infinity", 0, "1024:inf" },
	{ "LimitNOFILE", "infinity:1024", -EINVAL, "unset" },
	{ "LimitNOFILE", "2048:1024", -EINVAL, "unset" },
	{ "LimitNOFILE", "1K", -EINVAL, "unset" },
	{ "LimitNOFILE", "-1", -EINVAL, "unset" },
	{ "LimitNOFILE", "1:2:3", -EINVAL, "unset" },
	{ "LimitNOFILE", "", 0, "unset" },
	{ "LimitNPROC", "100", 0, "100:100" },
	{ "LimitAS", "4G:16G", 0, "4294967296:17179869184" },
	{ "LimitCORE", "0", 0, "0:0" },
	{ "LimitCORE", "infinity", 0, "inf:inf" },
	{ "LimitFSIZE", "1M", 0, "1048576:1048576" },
	{ "LimitDATA", "2K", 0, "2048:2048" },
	{ "LimitSTACK", "8M", 0, "8388608:8388608" },
	{ "LimitRSS", "1G", 0, "1073741824:1073741824" },
	{ "LimitMEMLOCK", "64K", 0, "65536:65536" },
	{ "LimitMSGQUEUE", "800K", 0, "819200:819200" },
	{ "LimitLOCKS", "10", 0, "10:10" },
	{ "LimitSIGPENDING", "100", 0, "100:100" },
	{ "LimitCPU", "10", 0, "10:10" },
	{ "LimitCPU", "1min", 0, "60:60" },
	{ "LimitCPU", "1500ms", 0, "2:2" },
	{ "LimitCPU", "infinity", 0, "inf:inf" },
	{ "LimitCPU", "ten", -EINVAL, "unset" },
	{ "LimitRTTIME", "500", 0, "500:500" },
	{ "LimitRTTIME", "1s", 0, "1000000:1000000" },
	{ "LimitNICE", "+10", 0, "10:10" },
	{ "LimitNICE", "-20", 0, "40:40" },
	{ "LimitNICE", "+19", 0, "1:1" },
	{ "LimitNICE", "40", 0, "40:40" },
	{ "LimitNICE", "41", -EINVAL, "unset" },
	{ "LimitNICE", "+20", -EINVAL, "unset" },
	{ "LimitRTPRIO", "99", 0, "99:99" },
	{ "StandardInput", "null", 0, "null n/a" },
	{ "StandardInput", "tty", 0, "tty n/a" },
	{ "StandardInput", "tty-force", 0, "tty-force n/a" },
	{ "StandardInput", "tty-fail", 0, "tty-fail n/a" },
	{ "StandardInput", "socket", 0, "socket n/a" },
	{ "StandardInput", "file:/dev/zero", 0, "file /dev/zero" },
	{ "StandardInput", "file:relative", -EINVAL, "null n/a" },
	{ "StandardInput", "data", -EINVAL, "null n/a" },
	{ "StandardInput", "fd:foo", -EINVAL, "null n/a" },
	{ "StandardInput", "bogus", -EINVAL, "null n/a" },
	{ "StandardOutput", "inherit", 0, "inherit n/a" },
	{ "StandardOutput", "null", 0, "null n/a" },
	{ "StandardOutput", "tty", 0, "tty n/a" },
	{ "StandardOutput", "journal", 0, "journal n/a" },
	{ "StandardOutput", "kmsg", 0, "kmsg n/a" },
	{ "StandardOutput", "journal+console", 0, "kmsg+console n/a" },
	{ "StandardOutput", "kmsg+console", 0, "kmsg+console n/a" },
	{ "StandardOutput", "syslog", 0, "syslog n/a" },
	{ "StandardOutput", "syslog+console", 0, "kmsg+console n/a" },
	{ "StandardOutput", "socket", 0, "socket n/a" },
	{ "StandardOutput", "file:/var/log/x", 0, "file /var/log/x" },
	{ "StandardOutput", "append:/var/log/x", 0, "append /var/log/x" },
	{ "StandardOutput", "truncate:/var/log/x", 0, "truncate /var/log/x" },
	{ "StandardOutput", "file:x", -EINVAL, "default n/a" },
	{ "StandardOutput", "file", -EINVAL, "default n/a" },
	{ "StandardOutput", "fd:out", -EINVAL, "default n/a" },
	{ "StandardOutput", "console", -EINVAL, "default n/a" },
	{ "StandardOutput", "", 0, "default n/a" },
	{ "StandardError", "inherit", 0, "inherit n/a" },
	{ "StandardError", "append:/tmp/err", 0, "append /tmp/err" },
	{ "StandardError", "kmsg+console", 0, "kmsg+console n/a" },
	{ "StandardError", "nope", -EINVAL, "default n/a" },
	{ "TTYPath", "/dev/tty1", 0, "/dev/tty1" },
	{ "TTYPath", "tty1", -EINVAL, "n/a" },
	{ "TTYReset", "yes", 0, "1" },
	{ "TTYVHangup", "on", 0, "1" },
	{ "TTYVTDisallocate", "true", 0, "1" },
	{ "TTYReset", "perhaps", -EINVAL, "0" },
	{ "SyslogIdentifier", "myd", 0, "myd" },
	{ "SyslogFacility", "local3", 0, "152" },
	{ "SyslogFacility", "daemon", 0, "24" },
	{ "SyslogFacility", "auth", 0, "32" },
	{ "SyslogFacility", "local8", -EINVAL, "24" },
	{ "SyslogLevel", "debug", 0, "7" },
	{ "SyslogLevel", "err", 0, "3" },
	{ "SyslogLevel", "emerg", 0, "0" },
	{ "SyslogLevel", "loud", -EINVAL, "6" },
	{ "SyslogLevelPrefix", "no", 0, "0" },
	{ "NoNewPrivileges", "yes", 0, "1" },
	{ "SameProcessGroup", "yes", 0, "1" },
	{ "IgnoreSIGPIPE", "no", 0, "0" },
	{ "PAMName", "login", 0, "login" },
};

START_TEST(test_exec_directive_table)
{
	for (size_t i = 0; i < ELEMENTSOF(exec_cases); i++) {
		const struct case_row *t = &exec_cases[i];
		struct exec_context x;
		char *got;
		int r;

		exec_context_init(&x);
		r = exec_apply(&x, t->key, t->value);
		ck_assert_msg(r == t->ret, "%s=%s: returned %d, expected %d", t->key, t->value, r,
			      t->ret);
		got = render(&x, t->key);
		ck_assert_msg(streq(got, t->fields), "%s=%s: got '%s', expected '%s'", t->key,
			      t->value, got, t->fields);
		free(got);
		exec_context_done(&x);
	}
}
END_TEST

START_TEST(test_every_limit_has_a_row)
{
	static const char *const names[] = {
		"LimitCPU", "LimitFSIZE", "LimitDATA", "LimitSTACK", "LimitCORE", "LimitRSS",
		"LimitNOFILE", "LimitAS", "LimitNPROC", "LimitMEMLOCK", "LimitLOCKS",
		"LimitSIGPENDING", "LimitMSGQUEUE", "LimitNICE", "LimitRTPRIO", "LimitRTTIME",
	};
	struct exec_context x;

	exec_context_init(&x);
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		ck_assert_int_eq(exec_apply(&x, names[i], "1"), 0);
	for (int r = 0; r < RLIM_NLIMITS; r++)
		ck_assert_msg(x.rlimit[r] != NULL, "resource %d has no Limit*= row", r);
	exec_context_done(&x);
}
END_TEST

START_TEST(test_environment_accumulates_and_empty_resets)
{
	struct exec_context x;
	char *got;

	exec_context_init(&x);
	ck_assert_int_eq(exec_apply(&x, "Environment", "A=1 B=2"), 0);
	ck_assert_int_eq(exec_apply(&x, "Environment", "B=3 C=4"), 0);
	got = render(&x, "Environment");
	ck_assert_str_eq(got, "A=1|B=3|C=4|");
	free(got);
	/* A bad assignment leaves the list as it was. */
	ck_assert_int_eq(exec_apply(&x, "Environment", "D=5 =bad"), -EINVAL);
	got = render(&x, "Environment");
	ck_assert_str_eq(got, "A=1|B=3|C=4|");
	free(got);
	ck_assert_int_eq(exec_apply(&x, "Environment", ""), 0);
	ck_assert_ptr_null(x.environment);
	ck_assert_int_eq(exec_apply(&x, "Environment", "E=6"), 0);
	got = render(&x, "Environment");
	ck_assert_str_eq(got, "E=6|");
	free(got);
	exec_context_done(&x);
}
END_TEST

START_TEST(test_lists_empty_value_resets)
{
	static const char *const keys[] = {
		"EnvironmentFile", "PassEnvironment", "UnsetEnvironment", "SupplementaryGroups",
	};
	static const char *const values[] = { "/a", "A", "A", "adm" };

	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		struct exec_context x;
		char *got;

		exec_context_init(&x);
		ck_assert_int_eq(exec_apply(&x, keys[i], values[i]), 0);
		ck_assert_int_eq(exec_apply(&x, keys[i], values[i][0] == '/' ? "-/b" : "B"), 0);
		got = render(&x, keys[i]);
		ck_assert_msg(strchr(got, '|') != strrchr(got, '|'), "%s did not accumulate", keys[i]);
		free(got);
		ck_assert_int_eq(exec_apply(&x, keys[i], ""), 0);
		got = render(&x, keys[i]);
		ck_assert_str_eq(got, "");
		free(got);
		exec_context_done(&x);
	}
}
END_TEST

START_TEST(test_output_path_replaced_by_plain_value)
{
	struct exec_context x;

	exec_context_init(&x);
	ck_assert_int_eq(exec_apply(&x, "StandardOutput", "file:/tmp/a"), 0);
	ck_assert_int_eq(exec_apply(&x, "StandardError", "truncate:/tmp/b"), 0);
	ck_assert_str_eq(x.std_output_path, "/tmp/a");
	ck_assert_str_eq(x.std_error_path, "/tmp/b");
	ck_assert_int_eq(exec_apply(&x, "StandardOutput", "journal"), 0);
	ck_assert_ptr_null(x.std_output_path);
	ck_assert_int_eq(x.std_output, EXEC_OUTPUT_JOURNAL);
	ck_assert_str_eq(x.std_error_path, "/tmp/b");
	ck_assert_int_eq(exec_apply(&x, "StandardInput", "file:/dev/zero"), 0);
	ck_assert_int_eq(exec_apply(&x, "StandardInput", "null"), 0);
	ck_assert_ptr_null(x.std_input_path);
	exec_context_done(&x);
}
END_TEST

START_TEST(test_context_defaults)
{
	struct exec_context x;
	struct kill_context k;

	exec_context_init(&x);
	ck_assert_int_eq(x.umask, 0022);
	ck_assert_int_eq(x.std_input, EXEC_INPUT_NULL);
	ck_assert_int_eq(x.std_output, EXEC_OUTPUT_DEFAULT);
	ck_assert_int_eq(x.std_error, EXEC_OUTPUT_DEFAULT);
	ck_assert_int_eq(x.syslog_facility, LOG_DAEMON);
	ck_assert_int_eq(x.syslog_level, LOG_INFO);
	ck_assert(x.syslog_level_prefix);
	ck_assert(x.ignore_sigpipe);
	ck_assert_ptr_null(x.tty_path);
	ck_assert_ptr_null(x.std_input_path);
	exec_context_done(&x);

	kill_context_init(&k);
	ck_assert_int_eq(k.kill_mode, KILL_CONTROL_GROUP);
	ck_assert_int_eq(k.kill_signal, SIGTERM);
	ck_assert_int_eq(k.restart_kill_signal, 0);
	ck_assert_int_eq(k.final_kill_signal, SIGKILL);
	ck_assert_int_eq(k.watchdog_signal, SIGABRT);
	ck_assert(k.send_sigkill);
	ck_assert(!k.send_sighup);
}
END_TEST

START_TEST(test_to_string)
{
	ck_assert_str_eq(exec_output_to_string(EXEC_OUTPUT_KMSG_AND_CONSOLE), "kmsg+console");
	ck_assert_str_eq(exec_output_to_string(EXEC_OUTPUT_DEFAULT), "default");
	ck_assert_ptr_null(exec_output_to_string(_EXEC_OUTPUT_MAX));
	ck_assert_str_eq(exec_input_to_string(EXEC_INPUT_TTY_FAIL), "tty-fail");
	ck_assert_ptr_null(exec_input_to_string(_EXEC_INPUT_MAX));
	ck_assert_str_eq(kill_mode_to_string(KILL_MIXED), "mixed");
	ck_assert_ptr_null(kill_mode_to_string(_KILL_MODE_MAX));
}
END_TEST

struct kill_case {
	const char *key;
	const char *value;
	int ret;
	int expected; /* the int field after the call, from defaults */
};

START_TEST(test_kill_directive_table)
{
	const struct kill_case cases[] = {
		{ "KillMode", "control-group", 0, KILL_CONTROL_GROUP },
		{ "KillMode", "process", 0, KILL_PROCESS },
		{ "KillMode", "mixed", 0, KILL_MIXED },
		{ "KillMode", "none", 0, KILL_NONE },
		{ "KillMode", "all", -EINVAL, KILL_CONTROL_GROUP },
		{ "KillSignal", "SIGINT", 0, SIGINT },
		{ "KillSignal", "INT", 0, SIGINT },
		{ "KillSignal", "9", 0, SIGKILL },
		{ "KillSignal", "SIGRTMIN+2", 0, SIGRTMIN + 2 },
		{ "KillSignal", "RTMAX-1", 0, SIGRTMAX - 1 },
		{ "KillSignal", "RTMIN", 0, SIGRTMIN },
		{ "KillSignal", "SIGFOO", -EINVAL, SIGTERM },
		{ "KillSignal", "0", -EINVAL, SIGTERM },
		{ "KillSignal", "65", -EINVAL, SIGTERM },
		{ "KillSignal", "-1", -EINVAL, SIGTERM },
		{ "KillSignal", "", -EINVAL, SIGTERM },
		{ "KillSignal", "RTMIN+100", -EINVAL, SIGTERM },
		{ "RestartKillSignal", "SIGHUP", 0, SIGHUP },
		{ "RestartKillSignal", "", 0, 0 },
		{ "FinalKillSignal", "SIGQUIT", 0, SIGQUIT },
		{ "WatchdogSignal", "SIGUSR2", 0, SIGUSR2 },
		{ "WatchdogSignal", "USR1", 0, SIGUSR1 },
		{ "SendSIGKILL", "no", 0, false },
		{ "SendSIGHUP", "yes", 0, true },
		{ "SendSIGHUP", "sometimes", -EINVAL, false },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const struct kill_case *t = &cases[i];
		const struct directive *d = row(kill_directives, t->key);
		struct kill_context k;
		int r, got;

		kill_context_init(&k);
		r = apply(kill_directives, &k, t->key, t->value);
		ck_assert_msg(r == t->ret, "%s=%s: returned %d, expected %d", t->key, t->value, r,
			      t->ret);
		if (d->parse == parse_bool)
			got = *(bool *)((char *)&k + d->offset);
		else
			got = *(int *)((char *)&k + d->offset);
		ck_assert_msg(got == t->expected, "%s=%s: got %d, expected %d", t->key, t->value,
			      got, t->expected);
	}
}
END_TEST

static Suite *
exec_directives_suite(void)
{
	Suite *s = suite_create("exec-directives");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_exec_directive_table);
	tcase_add_test(tc, test_every_limit_has_a_row);
	tcase_add_test(tc, test_environment_accumulates_and_empty_resets);
	tcase_add_test(tc, test_lists_empty_value_resets);
	tcase_add_test(tc, test_output_path_replaced_by_plain_value);
	tcase_add_test(tc, test_context_defaults);
	tcase_add_test(tc, test_to_string);
	tcase_add_test(tc, test_kill_directive_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(exec_directives_suite());
	int failed;

	/* The bad values log warnings; keep the test output readable. */
	log_set_max_level(LOG_EMERG);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
