/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* emberctl: ember's systemctl. Parses the options, picks the verb from a table,
 * connects to the manager's private socket and runs the verb. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl-bus.h"
#include "ctl-output.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"

#ifndef EMBER_VERSION
#define EMBER_VERSION "0.1"
#endif

#define ARGS_ANY (-1)

struct ctl_options arg = {
	.legend = true,
	.job_mode = "replace",
	.signal = 15,   /* SIGTERM */
};

static const struct verb {
	const char *name;
	int min_args, max_args;   /* not counting the verb */
	ctl_verb_fn run;
} verbs[] = {
	{ "list-units", 0, ARGS_ANY, verb_list_units },
	{ "list-sockets", 0, ARGS_ANY, verb_list_sockets },
	{ "list-unit-files", 0, ARGS_ANY, verb_list_unit_files },
	{ "list-jobs", 0, ARGS_ANY, verb_list_jobs },
	{ "list-dependencies", 0, ARGS_ANY, verb_list_dependencies },
	{ "start", 1, ARGS_ANY, verb_start },
	{ "stop", 1, ARGS_ANY, verb_start },
	{ "reload", 1, ARGS_ANY, verb_start },
	{ "restart", 1, ARGS_ANY, verb_start },
	{ "try-restart", 1, ARGS_ANY, verb_start },
	{ "condrestart", 1, ARGS_ANY, verb_start },
	{ "reload-or-restart", 1, ARGS_ANY, verb_start },
	{ "try-reload-or-restart", 1, ARGS_ANY, verb_start },
	{ "force-reload", 1, ARGS_ANY, verb_start },
	{ "isolate", 1, 1, verb_start },
	{ "kill", 1, ARGS_ANY, verb_kill },
	{ "set-property", 2, ARGS_ANY, verb_set_property },
	{ "reset-failed", 0, ARGS_ANY, verb_reset_failed },
	{ "status", 0, ARGS_ANY, verb_status },
	{ "show", 0, ARGS_ANY, verb_show },
	{ "cat", 1, ARGS_ANY, verb_cat },
	{ "is-active", 1, ARGS_ANY, verb_is_active },
	{ "is-failed", 1, ARGS_ANY, verb_is_active },
	{ "is-enabled", 1, ARGS_ANY, verb_is_enabled },
	{ "enable", 1, ARGS_ANY, verb_enable },
	{ "disable", 1, ARGS_ANY, verb_enable },
	{ "reenable", 1, ARGS_ANY, verb_enable },
	{ "mask", 1, ARGS_ANY, verb_enable },
	{ "unmask", 1, ARGS_ANY, verb_enable },
	{ "set-default", 1, 1, verb_set_default },
	{ "get-default", 0, 0, verb_get_default },
	{ "daemon-reload", 0, 0, verb_daemon_reload },
};

static void
help(void)
{
	printf("emberctl [OPTIONS...] COMMAND ...\n\n"
	       "Query or send control commands to the ember service manager.\n\n"
	       "Unit Commands:\n"
	       "  list-units [PATTERN...]             List units currently in memory\n"
	       "  list-sockets [PATTERN...]           List socket units currently in memory,\n"
	       "                                      ordered by address\n"
	       "  list-dependencies [UNIT...]         Show unit dependency tree\n"
	       "  is-active PATTERN...                Check whether units are active\n"
	       "  is-failed PATTERN...                Check whether units are failed\n"
	       "  status [PATTERN...|PID...]          Show runtime status of one or more units\n"
	       "  show [PATTERN...|JOB...]            Show properties of one or more\n"
	       "                                      units/jobs or the manager\n"
	       "  cat PATTERN...                      Show files and drop-ins of specified units\n"
	       "  start UNIT...                       Start (activate) one or more units\n"
	       "  stop UNIT...                        Stop (deactivate) one or more units\n"
	       "  reload UNIT...                      Reload one or more units\n"
	       "  restart UNIT...                     Start or restart one or more units\n"
	       "  try-restart UNIT...                 Restart one or more units if active\n"
	       "  reload-or-restart UNIT...           Reload one or more units if possible,\n"
	       "                                      otherwise start or restart\n"
	       "  try-reload-or-restart UNIT...       If active, reload one or more units,\n"
	       "                                      if supported, otherwise restart\n"
	       "  isolate UNIT                        Start one unit and stop all others\n"
	       "  kill UNIT...                        Send signal to processes of a unit\n"
	       "  set-property UNIT PROPERTY=VALUE... Set resource-control properties of a\n"
	       "                                      unit at runtime\n"
	       "  reset-failed [PATTERN...]           Reset failed state for all, one, or more\n"
	       "                                      units\n\n"
	       "Unit File Commands:\n"
	       "  list-unit-files [PATTERN...]        List installed unit files\n"
	       "  enable [UNIT...|PATH...]            Enable one or more unit files\n"
	       "  disable UNIT...                     Disable one or more unit files\n"
	       "  reenable UNIT...                    Reenable one or more unit files\n"
	       "  is-enabled UNIT...                  Check whether unit files are enabled\n"
	       "  mask UNIT...                        Mask one or more units\n"
	       "  unmask UNIT...                      Unmask one or more units\n"
	       "  get-default                         Get the name of the default target\n"
	       "  set-default TARGET                  Set the default target\n\n"
	       "Job Commands:\n"
	       "  list-jobs [PATTERN...]              List jobs\n\n"
	       "Manager State Commands:\n"
	       "  daemon-reload                       Reload ember manager configuration\n\n"
	       "Options:\n"
	       "  -h --help              Show this help\n"
	       "     --version           Show package version\n"
	       "     --system            Connect to the system manager (/run/ember)\n"
	       "     --user              Connect to the user manager ($XDG_RUNTIME_DIR/ember)\n"
	       "     --runtime-dir=DIR   Connect to the manager whose runtime directory is DIR\n"
	       "                         (default: $EMBER_RUNTIME_DIR, else by scope)\n"
	       "  -t --type=TYPE         List units of a particular type\n"
	       "     --state=STATE       List units with particular LOAD or SUB or ACTIVE state\n"
	       "  -p --property=NAME     Show only properties by this name\n"
	       "  -P NAME                Equivalent to --value --property=NAME\n"
	       "     --value             When showing properties, only print the value\n"
	       "  -a --all               Show all properties/all units currently in memory,\n"
	       "                         including dead/empty ones\n"
	       "  -r --reverse           Show reverse dependencies with 'list-dependencies'\n"
	       "     --after             Show units ordered after with 'list-dependencies'\n"
	       "     --before            Show units ordered before with 'list-dependencies'\n"
	       "     --plain             Print unit dependencies as a list instead of a tree\n"
	       "     --show-types        When showing sockets, explicitly show their type\n"
	       "     --resources         With list-units, show each unit's tasks and memory\n"
	       "     --job-mode=MODE     Specify how to deal with already queued jobs, when\n"
	       "                         queueing a new job\n"
	       "     --no-block          Do not wait until operation finished\n"
	       "     --no-legend         Do not print a legend (column headers and hints)\n"
	       "     --no-pager          Do not pipe output into a pager (never done anyway)\n"
	       "     --kill-whom=WHOM    Whom to send signal to (main, control, all)\n"
	       "  -s --signal=SIGNAL     Which signal to send\n"
	       "  -q --quiet             Suppress output\n"
	       "     --now               Start or stop unit after enabling or disabling it\n"
	       "     --runtime           Enable/mask unit files temporarily until next reboot\n"
	       "  -f --force             When enabling unit files, override existing symlinks\n"
	       "     --no-reload         Don't reload daemon after en-/dis-abling unit files\n");
}

static int
parse_list(const char *value, char ***l)
{
	_cleanup_strv_free_ char **parts = strv_split(value, ",");

	if (!parts)
		return -ENOMEM;
	return strv_extend_strv(l, parts);
}

static int
parse_type(const char *value)
{
	static const char *const load_states[] = { "loaded", "not-found", "error", "bad-setting",
						   "masked", "stub", "merged", NULL };
	_cleanup_strv_free_ char **parts = strv_split(value, ",");

	if (!parts)
		return log_oom();
	STRV_FOREACH(t, parts) {
		bool load_state = false;

		if (streq(*t, "help")) {
			for (int i = 0; i < _UNIT_TYPE_MAX; i++)
				printf("%s\n", unit_type_to_string(i));
			exit(CTL_EXIT_SUCCESS);
		}
		if (unit_type_from_string(*t) >= 0) {
			if (strv_extend(&arg.types, *t) < 0)
				return log_oom();
			continue;
		}
		/* systemctl accepts load states here too, for old scripts. */
		for (size_t i = 0; load_states[i]; i++)
			if (streq(*t, load_states[i]))
				load_state = true;
		if (!load_state) {
			log_error("Unknown unit type or load state '%s'.", *t);
			return -EINVAL;
		}
		if (strv_extend(&arg.states, *t) < 0)
			return log_oom();
	}
	return 0;
}

static bool
job_mode_valid(const char *m)
{
	static const char *const modes[] = { "replace", "fail", "isolate", "ignore-dependencies",
					     "ignore-requirements", "flush", "replace-irreversibly",
					     NULL };

	for (size_t i = 0; modes[i]; i++)
		if (streq(modes[i], m))
			return true;
	return false;
}

enum {
	ARG_VERSION = 0x100, ARG_USER, ARG_SYSTEM, ARG_RUNTIME_DIR, ARG_NO_BLOCK, ARG_NO_PAGER,
	ARG_STATE, ARG_VALUE, ARG_KILL_WHOM, ARG_JOB_MODE, ARG_NO_LEGEND, ARG_LEGEND,
	ARG_PLAIN, ARG_AFTER, ARG_BEFORE, ARG_NOW, ARG_RUNTIME, ARG_NO_RELOAD,
	ARG_NO_ASK_PASSWORD, ARG_FAIL, ARG_IRREVERSIBLE, ARG_IGNORE_DEPENDENCIES,
	ARG_SHOW_TYPES,
	ARG_RESOURCES,
};

/* Returns 1 to go on, 0 to exit successfully, -errno (logged) on bad usage. */
static int
parse_argv(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ARG_VERSION },
		{ "user", no_argument, NULL, ARG_USER },
		{ "system", no_argument, NULL, ARG_SYSTEM },
		{ "runtime-dir", required_argument, NULL, ARG_RUNTIME_DIR },
		{ "no-block", no_argument, NULL, ARG_NO_BLOCK },
		{ "no-pager", no_argument, NULL, ARG_NO_PAGER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "all", no_argument, NULL, 'a' },
		{ "type", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, ARG_STATE },
		{ "property", required_argument, NULL, 'p' },
		{ "value", no_argument, NULL, ARG_VALUE },
		{ "kill-whom", required_argument, NULL, ARG_KILL_WHOM },
		{ "kill-who", required_argument, NULL, ARG_KILL_WHOM },
		{ "signal", required_argument, NULL, 's' },
		{ "job-mode", required_argument, NULL, ARG_JOB_MODE },
		{ "mode", required_argument, NULL, ARG_JOB_MODE },
		{ "fail", no_argument, NULL, ARG_FAIL },
		{ "irreversible", no_argument, NULL, ARG_IRREVERSIBLE },
		{ "ignore-dependencies", no_argument, NULL, ARG_IGNORE_DEPENDENCIES },
		{ "no-legend", no_argument, NULL, ARG_NO_LEGEND },
		{ "legend", required_argument, NULL, ARG_LEGEND },
		{ "plain", no_argument, NULL, ARG_PLAIN },
		{ "show-types", no_argument, NULL, ARG_SHOW_TYPES },
		{ "resources", no_argument, NULL, ARG_RESOURCES },
		{ "reverse", no_argument, NULL, 'r' },
		{ "after", no_argument, NULL, ARG_AFTER },
		{ "before", no_argument, NULL, ARG_BEFORE },
		{ "now", no_argument, NULL, ARG_NOW },
		{ "runtime", no_argument, NULL, ARG_RUNTIME },
		{ "force", no_argument, NULL, 'f' },
		{ "no-reload", no_argument, NULL, ARG_NO_RELOAD },
		{ "no-ask-password", no_argument, NULL, ARG_NO_ASK_PASSWORD },
		{ "full", no_argument, NULL, 'l' },
		{ "lines", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{}
	};
	bool scope_given = false;
	int c, r;

	arg.runtime_dir = getenv("EMBER_RUNTIME_DIR");
	while ((c = getopt_long(argc, argv, "hqat:p:P:s:rfln:o:", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help();
			return 0;
		case ARG_VERSION:
			printf("emberctl (ember) %s\n", EMBER_VERSION);
			return 0;
		case ARG_USER:
		case ARG_SYSTEM:
			arg.user = c == ARG_USER;
			/* An explicit scope beats the environment, not --runtime-dir. */
			if (!scope_given)
				arg.runtime_dir = NULL;
			break;
		case ARG_RUNTIME_DIR:
			arg.runtime_dir = optarg;
			scope_given = true;
			break;
		case ARG_NO_BLOCK:
			arg.no_block = true;
			break;
		case ARG_NO_PAGER:
		case ARG_NO_ASK_PASSWORD:
		case 'l':
		case 'n':
		case 'o':
			break;
		case 'q':
			arg.quiet = true;
			break;
		case 'a':
			arg.all = true;
			break;
		case 't':
			r = parse_type(optarg);
			if (r < 0)
				return r;
			break;
		case ARG_STATE:
			if (streq(optarg, "help")) {
				printf("loaded\nnot-found\nmasked\nerror\nactive\ninactive\nfailed\n"
				       "activating\ndeactivating\nreloading\n");
				return 0;
			}
			if (parse_list(optarg, &arg.states) < 0)
				return log_oom();
			break;
		case 'P':
			arg.value = true;
			/* fall through */
		case 'p':
			if (parse_list(optarg, &arg.properties) < 0)
				return log_oom();
			/* "-p ''" still means "only the named ones", i.e. none yet. */
			if (!arg.properties && strv_extend(&arg.properties, "") < 0)
				return log_oom();
			break;
		case ARG_VALUE:
			arg.value = true;
			break;
		case ARG_KILL_WHOM:
			arg.kill_whom = optarg;
			break;
		case 's':
			r = signal_from_string(optarg);
			if (r < 0) {
				log_error("Failed to parse signal string %s.", optarg);
				return -EINVAL;
			}
			arg.signal = r;
			break;
		case ARG_JOB_MODE:
			if (!job_mode_valid(optarg)) {
				log_error("Invalid job mode '%s'.", optarg);
				return -EINVAL;
			}
			arg.job_mode = optarg;
			break;
		case ARG_FAIL:
			arg.job_mode = "fail";
			break;
		case ARG_IRREVERSIBLE:
			arg.job_mode = "replace-irreversibly";
			break;
		case ARG_IGNORE_DEPENDENCIES:
			arg.job_mode = "ignore-dependencies";
			break;
		case ARG_NO_LEGEND:
			arg.legend = false;
			break;
		case ARG_LEGEND:
			r = parse_boolean(optarg);
			if (r < 0) {
				log_error("Failed to parse --legend= argument '%s'.", optarg);
				return -EINVAL;
			}
			arg.legend = r;
			break;
		case ARG_PLAIN:
			arg.plain = true;
			break;
		case ARG_RESOURCES:
			arg.resources = true;
			break;
		case ARG_SHOW_TYPES:
			arg.show_types = true;
			break;
		case 'r':
			arg.reverse = true;
			break;
		case ARG_AFTER:
			arg.after = true;
			break;
		case ARG_BEFORE:
			arg.before = true;
			break;
		case ARG_NOW:
			arg.now = true;
			break;
		case ARG_RUNTIME:
			arg.runtime = true;
			break;
		case 'f':
			arg.force = true;
			break;
		case ARG_NO_RELOAD:
			arg.no_reload = true;
			break;
		case '?':
			return -EINVAL;
		default:
			return -EINVAL;
		}
	}
	return 1;
}

int
main(int argc, char **argv)
{
	const struct verb *v = NULL;
	DBusConnection *bus = NULL;
	char *default_argv[] = { (char *)"list-units", NULL };
	char **vargv;
	int vargc, r, ret;

	log_set_ident("emberctl");
	log_set_target(LOG_TARGET_CONSOLE);
	log_parse_environment();

	r = parse_argv(argc, argv);
	if (r <= 0) {
		ret = r < 0 ? CTL_EXIT_FAILURE : CTL_EXIT_SUCCESS;
		goto out;
	}
	if (optind < argc) {
		vargv = argv + optind;
		vargc = argc - optind;
	} else {
		vargv = default_argv;
		vargc = 1;
	}
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		if (streq(verbs[i].name, vargv[0]))
			v = &verbs[i];
	if (!v) {
		log_error("Unknown command verb '%s'.", vargv[0]);
		ret = CTL_EXIT_FAILURE;
		goto out;
	}
	if (vargc - 1 < v->min_args) {
		log_error("Too few arguments.");
		ret = CTL_EXIT_FAILURE;
		goto out;
	}
	if (v->max_args != ARGS_ANY && vargc - 1 > v->max_args) {
		log_error("Too many arguments.");
		ret = CTL_EXIT_FAILURE;
		goto out;
	}

	if (ctl_bus_open(&bus) < 0) {
		ret = CTL_EXIT_FAILURE;
		goto out;
	}
	ret = v->run(bus, vargc, vargv);
	fflush(stdout);
	ctl_bus_close(bus);
out:
	strv_free(arg.types);
	strv_free(arg.states);
	strv_free(arg.properties);
	return ret;
}
