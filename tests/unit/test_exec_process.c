/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The process attribute rows of exec_sandbox_directives[] (exec-process-directives.c),
 * driven through the table (so the offsets are tested too), and the system call table.
 * What the child does with the values is test-sandbox-process.sh's business. */
#include <check.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "core/exec-sandbox.h"
#include "core/syscall-table.h"
#include "log.h"
#include "macro.h"
#include "units/directives.h"

static struct exec_sandbox *sb;
static struct exec_process *p;

static void
setup(void)
{
	log_set_max_level(LOG_EMERG); /* the warnings of bad values are expected */
	sb = exec_sandbox_new();
	ck_assert_ptr_nonnull(sb);
	p = &sb->process;
}

static void
teardown(void)
{
	sb = exec_sandbox_free(sb);
}

static int
apply(const char *key, const char *value)
{
	struct parse_ctx c = { .file = "test.service", .line = 1, .section = "Service",
			       .key = key };

	for (const struct directive *d = exec_sandbox_directives; d->name; d++)
		if (streq(d->name, key))
			return d->parse(&c, value, d->arg, (char *)sb + d->offset);
	ck_abort_msg("no row for %s", key);
	return -ENOENT;
}

#define CAP(c) (UINT64_C(1) << (c))

START_TEST(test_defaults_are_unset)
{
	ck_assert(!p->bounding_set_set);
	ck_assert(!p->ambient_set);
	ck_assert_int_eq(p->cpu_sched_policy, -1);
	ck_assert_int_eq(p->cpu_sched_priority, -1);
	ck_assert_int_eq(p->io_class, -1);
	ck_assert_int_eq(p->io_priority, -1);
	ck_assert_ptr_null(p->cpu_affinity);
	ck_assert(!exec_process_has_seccomp(p));
}
END_TEST

START_TEST(test_capability_lines_or_and_subtract)
{
	ck_assert_int_eq(apply("CapabilityBoundingSet", "CAP_CHOWN cap_kill"), 0);
	ck_assert(p->bounding_set_set);
	ck_assert_uint_eq(p->capability_bounding_set, CAP(CAP_CHOWN) | CAP(CAP_KILL));
	ck_assert_int_eq(apply("CapabilityBoundingSet", "CAP_NET_RAW"), 0);
	ck_assert_uint_eq(p->capability_bounding_set,
			  CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_RAW));
	ck_assert_int_eq(apply("CapabilityBoundingSet", "~CAP_KILL CAP_NET_RAW"), 0);
	ck_assert_uint_eq(p->capability_bounding_set, CAP(CAP_CHOWN));
	ck_assert_int_eq(apply("CapabilityBoundingSet", ""), 0);
	ck_assert(p->bounding_set_set);
	ck_assert_uint_eq(p->capability_bounding_set, 0);
	ck_assert_int_eq(apply("CapabilityBoundingSet", "~"), 0);
	ck_assert_uint_eq(p->capability_bounding_set, CAPABILITY_ALL);
}
END_TEST

START_TEST(test_first_inverted_capability_line_starts_from_all)
{
	ck_assert_int_eq(apply("CapabilityBoundingSet", "~CAP_SYS_TIME CAP_WAKE_ALARM"), 0);
	ck_assert_uint_eq(p->capability_bounding_set,
			  CAPABILITY_ALL & ~(CAP(CAP_SYS_TIME) | CAP(CAP_WAKE_ALARM)));
	ck_assert_int_eq(apply("AmbientCapabilities", "CAP_NET_BIND_SERVICE 13"), 0);
	ck_assert_uint_eq(p->ambient_capabilities, CAP(CAP_NET_BIND_SERVICE) | CAP(13));
}
END_TEST

START_TEST(test_unknown_capabilities_change_nothing)
{
	ck_assert_int_eq(apply("CapabilityBoundingSet", "CAP_BOGUS"), -EINVAL);
	ck_assert(!p->bounding_set_set);
	/* "~" with nothing known must not mean "every capability". */
	ck_assert_int_eq(apply("CapabilityBoundingSet", "~CAP_BOGUS"), -EINVAL);
	ck_assert(!p->bounding_set_set);
	ck_assert_int_eq(apply("CapabilityBoundingSet", "CAP_BOGUS CAP_CHOWN"), 0);
	ck_assert_uint_eq(p->capability_bounding_set, CAP(CAP_CHOWN));
}
END_TEST

START_TEST(test_securebits)
{
	ck_assert_int_eq(apply("SecureBits", "keep-caps noroot-locked"), 0);
	ck_assert_uint_eq(p->securebits, SECBIT_KEEP_CAPS | SECBIT_NOROOT_LOCKED);
	ck_assert_int_eq(apply("SecureBits", "noroot"), 0);
	ck_assert_uint_eq(p->securebits, SECBIT_KEEP_CAPS | SECBIT_NOROOT_LOCKED | SECBIT_NOROOT);
	ck_assert_int_eq(apply("SecureBits", "bogus"), -EINVAL);
	ck_assert_int_eq(apply("SecureBits", ""), 0);
	ck_assert_uint_eq(p->securebits, 0);
	ck_assert(!p->securebits_set);
}
END_TEST

static bool
cpu_is_set(unsigned cpu)
{
	return cpu / 8 < p->cpu_affinity_bytes && (p->cpu_affinity[cpu / 8] >> (cpu % 8) & 1);
}

START_TEST(test_cpu_affinity_lists_and_ranges)
{
	ck_assert_int_eq(apply("CPUAffinity", "0-2 5"), 0);
	ck_assert_int_eq(apply("CPUAffinity", "9,11"), 0);
	for (unsigned cpu = 0; cpu < 16; cpu++)
		ck_assert_msg(cpu_is_set(cpu) == (cpu <= 2 || cpu == 5 || cpu == 9 || cpu == 11),
			      "cpu %u", cpu);
	ck_assert_int_eq(apply("CPUAffinity", "3-1"), -EINVAL);
	ck_assert_int_eq(apply("CPUAffinity", "99999"), -EINVAL);
	ck_assert(cpu_is_set(11));
	ck_assert_int_eq(apply("CPUAffinity", ""), 0);
	ck_assert_ptr_null(p->cpu_affinity);
	ck_assert_int_eq(apply("CPUAffinity", "numa"), 0);
	ck_assert(p->cpu_affinity_numa);
}
END_TEST

START_TEST(test_scheduling_values)
{
	ck_assert_int_eq(apply("CPUSchedulingPolicy", "fifo"), 0);
	ck_assert_int_eq(p->cpu_sched_policy, SCHED_FIFO);
	ck_assert_int_eq(apply("CPUSchedulingPolicy", "deadline"), -EINVAL);
	ck_assert_int_eq(p->cpu_sched_policy, SCHED_FIFO);
	ck_assert_int_eq(apply("CPUSchedulingPriority", "99"), 0);
	ck_assert_int_eq(p->cpu_sched_priority, 99);
	ck_assert_int_eq(apply("CPUSchedulingPriority", "100"), -EINVAL);
	ck_assert_int_eq(apply("CPUSchedulingResetOnFork", "yes"), 0);
	ck_assert(p->cpu_sched_reset_on_fork);
	ck_assert_int_eq(apply("IOSchedulingClass", "best-effort"), 0);
	ck_assert_int_eq(apply("IOSchedulingPriority", "7"), 0);
	ck_assert_int_eq(p->io_class, IOPRIO_CLASS_BE);
	ck_assert_int_eq(p->io_priority, 7);
	ck_assert_int_eq(apply("IOSchedulingPriority", "8"), -EINVAL);
	ck_assert_int_eq(apply("IOSchedulingClass", ""), 0);
	ck_assert_int_eq(p->io_class, -1);
	ck_assert_int_eq(p->io_priority, -1);
}
END_TEST

START_TEST(test_timer_slack_units)
{
	ck_assert_int_eq(apply("TimerSlackNSec", "50000"), 0);
	ck_assert_uint_eq(p->timer_slack_nsec, 50000);
	ck_assert_int_eq(apply("TimerSlackNSec", "123us"), 0);
	ck_assert_uint_eq(p->timer_slack_nsec, 123000);
	ck_assert_int_eq(apply("TimerSlackNSec", "2ms"), 0);
	ck_assert_uint_eq(p->timer_slack_nsec, 2000000);
	ck_assert_int_eq(apply("TimerSlackNSec", "7ns"), 0);
	ck_assert_uint_eq(p->timer_slack_nsec, 7);
	ck_assert_int_eq(apply("TimerSlackNSec", "soon"), -EINVAL);
	ck_assert(p->timer_slack_set);
	ck_assert_int_eq(apply("TimerSlackNSec", ""), 0);
	ck_assert(!p->timer_slack_set);
}
END_TEST

START_TEST(test_personality_names)
{
	ck_assert_int_eq(apply("Personality", "x86"), 0);
	ck_assert_str_eq(personality_name(p->personality), "x86");
	ck_assert_int_eq(apply("Personality", "vax"), -EINVAL);
	ck_assert_str_eq(personality_name(p->personality), "x86");
#if defined(__x86_64__)
	ck_assert_int_eq(personality_value(p->personality), 0x0008 /* PER_LINUX32 */);
	ck_assert_int_eq(apply("Personality", "s390x"), 0);
	ck_assert_int_eq(personality_value(p->personality), -1);
#endif
}
END_TEST

START_TEST(test_restrict_namespaces)
{
	ck_assert_int_eq(apply("RestrictNamespaces", "yes"), 0);
	ck_assert_uint_eq(p->restrict_namespaces, 0);
	ck_assert(exec_process_has_seccomp(p));
	ck_assert_int_eq(apply("RestrictNamespaces", "no"), 0);
	ck_assert_uint_eq(p->restrict_namespaces, NAMESPACE_FLAGS_ALL);
	ck_assert(!exec_process_has_seccomp(p));
	ck_assert_int_eq(apply("RestrictNamespaces", ""), 0);
	ck_assert_int_eq(apply("RestrictNamespaces", "cgroup ipc"), 0);
	ck_assert_int_eq(apply("RestrictNamespaces", "cgroup net"), 0);
	ck_assert_uint_eq(p->restrict_namespaces, CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNET);
	ck_assert_int_eq(apply("RestrictNamespaces", "~cgroup net"), 0);
	ck_assert_uint_eq(p->restrict_namespaces, CLONE_NEWIPC);
	ck_assert_int_eq(apply("RestrictNamespaces", ""), 0);
	ck_assert_int_eq(apply("RestrictNamespaces", "~net"), 0);
	ck_assert_uint_eq(p->restrict_namespaces, NAMESPACE_FLAGS_ALL & ~(uint32_t)CLONE_NEWNET);
	ck_assert_int_eq(apply("RestrictNamespaces", "bogus"), -EINVAL);
}
END_TEST

START_TEST(test_address_families_polarity)
{
	ck_assert_int_eq(apply("RestrictAddressFamilies", "AF_UNIX AF_INET"), 0);
	ck_assert(p->address_families_allow);
	ck_assert_int_eq(apply("RestrictAddressFamilies", "~AF_INET"), 0);
	ck_assert_uint_eq(p->address_families, UINT64_C(1) << AF_UNIX);
	ck_assert_int_eq(apply("RestrictAddressFamilies", ""), 0);
	ck_assert(!p->address_families_set);
	ck_assert_int_eq(apply("RestrictAddressFamilies", "~AF_PACKET"), 0);
	ck_assert(!p->address_families_allow);
	ck_assert_uint_eq(p->address_families, UINT64_C(1) << AF_PACKET);
	ck_assert_int_eq(apply("RestrictAddressFamilies", "none"), 0);
	ck_assert(p->address_families_allow);
	ck_assert_uint_eq(p->address_families, 0);
	ck_assert_int_eq(apply("RestrictAddressFamilies", "AF_BOGUS"), -EINVAL);
}
END_TEST

static bool
filtered(const char *name)
{
	return syscall_bitmap_test(p->syscall_filter, p->syscall_filter_bytes,
				   syscall_from_name(name));
}

START_TEST(test_syscall_allow_list_merges)
{
	ck_assert_int_eq(apply("SystemCallFilter", "@system-service"), 0);
	ck_assert(p->syscall_filter_allow);
	ck_assert(filtered("read") && filtered("socket") && filtered("clone"));
	ck_assert(!filtered("reboot") && !filtered("mount") && !filtered("init_module"));
	ck_assert_int_eq(apply("SystemCallFilter", "~socket"), 0);
	ck_assert(!filtered("socket"));
	ck_assert_int_eq(apply("SystemCallFilter", "reboot"), 0);
	ck_assert(filtered("reboot"));
	ck_assert_int_eq(apply("SystemCallFilter", ""), 0);
	ck_assert_ptr_null(p->syscall_filter);
}
END_TEST

START_TEST(test_syscall_deny_list_with_actions)
{
	ck_assert_int_eq(apply("SystemCallFilter", "~@mount reboot:EACCES swapon:kill"), 0);
	ck_assert(!p->syscall_filter_allow);
	ck_assert(filtered("mount") && filtered("umount2") && filtered("reboot"));
	ck_assert_uint_eq(p->n_syscall_errnos, 2);
	for (unsigned i = 0; i < p->n_syscall_errnos; i++) {
		const char *name = syscall_to_name(p->syscall_errnos[i].nr);

		ck_assert_ptr_nonnull(name);
		if (streq(name, "reboot"))
			ck_assert_uint_eq(p->syscall_errnos[i].error, EACCES);
		else
			ck_assert_uint_eq(p->syscall_errnos[i].error, SYSCALL_ERRNO_KILL);
	}
	/* A line without '~' takes calls out of a deny list, and their actions with them. */
	ck_assert_int_eq(apply("SystemCallFilter", "reboot mount"), 0);
	ck_assert(!filtered("reboot") && !filtered("mount") && filtered("umount2"));
	ck_assert_uint_eq(p->n_syscall_errnos, 1);
}
END_TEST

START_TEST(test_syscall_filter_unknown_names)
{
	ck_assert_int_eq(apply("SystemCallFilter", "@bogus-group"), -EINVAL);
	ck_assert_ptr_null(p->syscall_filter);
	ck_assert_int_eq(apply("SystemCallFilter", "no_such_call"), -EINVAL);
	ck_assert_ptr_null(p->syscall_filter);
	ck_assert_int_eq(apply("SystemCallFilter", "~reboot:ENOTANERRNO"), -EINVAL);
	ck_assert_ptr_null(p->syscall_filter);
	ck_assert_int_eq(apply("SystemCallFilter", "read no_such_call"), 0);
	ck_assert(filtered("read"));
}
END_TEST

START_TEST(test_syscall_error_and_archs)
{
	ck_assert_int_eq(apply("SystemCallErrorNumber", "EPERM"), 0);
	ck_assert_int_eq(p->syscall_error, EPERM);
	ck_assert_int_eq(apply("SystemCallErrorNumber", "EUCLEAN"), 0);
	ck_assert_int_eq(p->syscall_error, EUCLEAN);
	ck_assert_int_eq(apply("SystemCallErrorNumber", "kill"), 0);
	ck_assert_int_eq(p->syscall_error, 0);
	ck_assert_int_eq(apply("SystemCallErrorNumber", "EBOGUS"), -EINVAL);
	ck_assert_int_eq(apply("SystemCallArchitectures", "native"), 0);
	if (seccomp_native_arch() >= 0)
		ck_assert_uint_eq(p->syscall_archs, 1u << seccomp_native_arch());
	ck_assert_int_eq(apply("SystemCallArchitectures", "vax"), -EINVAL);
	ck_assert_int_eq(apply("SystemCallArchitectures", ""), 0);
	ck_assert_uint_eq(p->syscall_archs, 0);
}
END_TEST

START_TEST(test_syscall_table)
{
	ck_assert_int_eq(syscall_from_name("read"), SYS_read);
	ck_assert_int_eq(syscall_from_name("exit_group"), SYS_exit_group);
	ck_assert_int_eq(syscall_from_name("no_such_call"), -1);
	ck_assert_str_eq(syscall_to_name(SYS_write), "write");
	ck_assert_int_gt(syscall_nr_limit(), SYS_write);
#if defined(__x86_64__)
	ck_assert_int_eq(syscall_from_name("fchmodat2"), 452); /* newer than some headers */
#endif
	ck_assert_int_eq(syscall_group_foreach("@bogus", NULL, NULL), -ENOENT);
}
END_TEST

static Suite *
exec_process_suite(void)
{
	Suite *s = suite_create("exec_process");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults_are_unset);
	tcase_add_test(tc, test_capability_lines_or_and_subtract);
	tcase_add_test(tc, test_first_inverted_capability_line_starts_from_all);
	tcase_add_test(tc, test_unknown_capabilities_change_nothing);
	tcase_add_test(tc, test_securebits);
	tcase_add_test(tc, test_cpu_affinity_lists_and_ranges);
	tcase_add_test(tc, test_scheduling_values);
	tcase_add_test(tc, test_timer_slack_units);
	tcase_add_test(tc, test_personality_names);
	tcase_add_test(tc, test_restrict_namespaces);
	tcase_add_test(tc, test_address_families_polarity);
	tcase_add_test(tc, test_syscall_allow_list_merges);
	tcase_add_test(tc, test_syscall_deny_list_with_actions);
	tcase_add_test(tc, test_syscall_filter_unknown_names);
	tcase_add_test(tc, test_syscall_error_and_archs);
	tcase_add_test(tc, test_syscall_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(exec_process_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
