/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Round trips of the per-type runtime state: vtable->serialize() writes "key=value"
 * lines, vtable->deserialize_item() reads them back into a fresh unit of the same type
 * (what a re-exec does). Units come from a test-mode manager (nothing is spawned). */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/manager.h"
#include "core/unit.h"
#include "log.h"
#include "macro.h"
#include "activation/listen.h"
#include "units/service.h"
#include "units/socket.h"
#include "units/unit-vtable.h"

static char root[PATH_MAX];
static struct manager *m;

static void
write_unit(const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
setup(void)
{
	char tmpl[] = "/tmp/test-serialize-XXXXXX";

	log_set_max_level(LOG_CRIT);
	log_parse_environment();
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(root, sizeof(root), "%s", tmpl);
	write_unit("a.target", "[Unit]\nDefaultDependencies=no\n");
	write_unit("b.target", "[Unit]\nDefaultDependencies=no\n");
	write_unit("a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n");
	write_unit("b.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n");
	/* Two socket units with the same addresses: one "before" and one "after" a re-exec. */
	for (const char *n = "a.socket"; n; n = streq(n, "a.socket") ? "c.socket" : NULL) {
		char text[3 * PATH_MAX];

		snprintf(text, sizeof(text),
			 "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s/s.sock\n"
			 "ListenDatagram=%s/d.sock\nService=a.service\n", root, root);
		write_unit(n, text);
	}
	ck_assert_int_eq(manager_new(SCOPE_USER, true, &m), 0);
	m->unit_path_override = strdup(root);
	ck_assert_int_gt(asprintf(&m->runtime_dir, "%s/run", root), 0);
	ck_assert_int_eq(manager_setup(m), 0);
}

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void
teardown(void)
{
	m = manager_free(m);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static struct unit *
load(const char *name)
{
	struct unit *u = NULL;

	ck_assert_int_eq(manager_load_unit(m, name, &u), 0);
	manager_dispatch_load_queue(m);
	ck_assert_int_eq(u->load_state, UNIT_LOADED);
	return u;
}

/* serialize(u) as text; the caller frees it. */
static char *
serialize(struct unit *u)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(u->vtable->serialize(u, f), 0);
	fclose(f);
	return text;
}

/* Feeds every "key=value" line of text to deserialize_item(u); returns the line count. */
static unsigned
deserialize(struct unit *u, const char *text)
{
	_cleanup_free_ char *copy = strdup(text);
	char *save = NULL;
	unsigned n = 0;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		ck_assert_msg(eq != NULL, "not key=value: \"%s\"", line);
		*eq = 0;
		ck_assert_int_eq(u->vtable->deserialize_item(u, line, eq + 1), 0);
		n++;
	}
	return n;
}

static void
round_trip(struct unit *from, struct unit *to)
{
	_cleanup_free_ char *text = serialize(from), *again = NULL;

	ck_assert_uint_gt(deserialize(to, text), 0);
	/* The copy serializes to the same text. */
	again = serialize(to);
	ck_assert_str_eq(again, text);
}

/* Targets. */

START_TEST(test_target_active_state_round_trips)
{
	struct unit *a = load("a.target"), *b = load("b.target");

	ck_assert_int_eq(unit_start(a), 0);
	ck_assert_int_eq(unit_active_state(a), UNIT_ACTIVE);
	ck_assert_int_eq(unit_active_state(b), UNIT_INACTIVE);
	round_trip(a, b);
	ck_assert_int_eq(unit_active_state(b), UNIT_ACTIVE);
	ck_assert_str_eq(unit_sub_state_to_string(b), "active");
}
END_TEST

START_TEST(test_target_dead_state_round_trips)
{
	struct unit *a = load("a.target"), *b = load("b.target");
	_cleanup_free_ char *text = NULL;

	ck_assert_int_eq(unit_start(b), 0);
	text = serialize(a);
	ck_assert_str_eq(text, "state=dead\n");
	round_trip(a, b);
	ck_assert_int_eq(unit_active_state(b), UNIT_INACTIVE);
	ck_assert_str_eq(unit_sub_state_to_string(b), "dead");
}
END_TEST

START_TEST(test_target_ignores_unknown_keys)
{
	struct unit *a = load("a.target");

	ck_assert_int_eq(a->vtable->deserialize_item(a, "state", "active"), 0);
	ck_assert_int_eq(a->vtable->deserialize_item(a, "no-such-key", "x"), 0);
	ck_assert_int_eq(unit_active_state(a), UNIT_ACTIVE);
}
END_TEST

/* Services. */

static struct service *
svc(const char *name)
{
	return (struct service *)load(name);
}

START_TEST(test_service_running_state_round_trips)
{
	struct service *a = svc("a.service"), *b = svc("b.service");
	const pid_t pid = 4000001; /* above any real pid_max default: nothing is signalled */

	a->state = SERVICE_RUNNING;
	a->result = SERVICE_SUCCESS;
	a->main_pid = pid;
	a->control_pid = 0;
	a->n_restarts = 3;
	a->status_text = strdup("Serving 3 clients");
	round_trip(UNIT(a), UNIT(b));
	ck_assert_int_eq(b->state, SERVICE_RUNNING);
	ck_assert_int_eq(b->deserialized_state, SERVICE_RUNNING);
	ck_assert_int_eq(unit_active_state(UNIT(b)), UNIT_ACTIVE);
	ck_assert_int_eq(b->result, SERVICE_SUCCESS);
	ck_assert_int_eq(b->main_pid, pid);
	ck_assert_int_eq(b->control_pid, 0);
	ck_assert_uint_eq(b->n_restarts, 3);
	ck_assert_str_eq(b->status_text, "Serving 3 clients");
	/* The restored main PID is watched again, so its SIGCHLD reaches the unit. */
	ck_assert_ptr_eq(manager_get_unit_by_pid(m, pid), UNIT(b));
}
END_TEST

START_TEST(test_service_control_pid_round_trips)
{
	struct service *a = svc("a.service"), *b = svc("b.service");
	const pid_t pid = 4000002;

	a->state = SERVICE_STOP_SIGTERM;
	a->result = SERVICE_FAILURE_TIMEOUT;
	a->control_pid = pid;
	round_trip(UNIT(a), UNIT(b));
	ck_assert_int_eq(b->state, SERVICE_STOP_SIGTERM);
	ck_assert_int_eq(unit_active_state(UNIT(b)), UNIT_DEACTIVATING);
	ck_assert_int_eq(b->result, SERVICE_FAILURE_TIMEOUT);
	ck_assert_int_eq(b->control_pid, pid);
	ck_assert_int_eq(b->main_pid, 0);
	ck_assert_ptr_eq(manager_get_unit_by_pid(m, pid), UNIT(b));
	ck_assert_ptr_null(b->status_text);
}
END_TEST

START_TEST(test_service_every_state_round_trips)
{
	for (int st = 0; st < _SERVICE_STATE_MAX; st++) {
		struct service *a = svc("a.service"), *b = svc("b.service");

		a->state = st;
		b->state = st == SERVICE_DEAD ? SERVICE_FAILED : SERVICE_DEAD;
		round_trip(UNIT(a), UNIT(b));
		ck_assert_msg(b->state == (enum service_state)st, "state %s came back as %s",
			      service_state_to_string(st), service_state_to_string(b->state));
	}
}
END_TEST

START_TEST(test_service_every_result_round_trips)
{
	for (int r = 0; r < _SERVICE_RESULT_MAX; r++) {
		struct service *a = svc("a.service"), *b = svc("b.service");

		a->result = r;
		b->result = r == SERVICE_SUCCESS ? SERVICE_FAILURE_SIGNAL : SERVICE_SUCCESS;
		round_trip(UNIT(a), UNIT(b));
		ck_assert_msg(b->result == (enum service_result)r, "result %s came back as %s",
			      service_result_to_string(r), service_result_to_string(b->result));
	}
}
END_TEST

START_TEST(test_service_status_text_with_equals_sign_round_trips)
{
	struct service *a = svc("a.service"), *b = svc("b.service");

	a->status_text = strdup("load=0.5 users=2");
	round_trip(UNIT(a), UNIT(b));
	ck_assert_str_eq(b->status_text, "load=0.5 users=2");
}
END_TEST

START_TEST(test_service_dead_state_serializes_plainly)
{
	struct service *a = svc("a.service");
	_cleanup_free_ char *text = serialize(UNIT(a));

	ck_assert_str_eq(text, "state=dead\nresult=success\nmain-pid=0\ncontrol-pid=0\nn-restarts=0\n");
}
END_TEST

START_TEST(test_service_ignores_unknown_keys_and_bad_values)
{
	struct service *b = svc("b.service");
	struct unit *u = UNIT(b);

	ck_assert_int_eq(u->vtable->deserialize_item(u, "state", "running"), 0);
	ck_assert_int_eq(u->vtable->deserialize_item(u, "state", "no-such-state"), 0);
	ck_assert_int_eq(u->vtable->deserialize_item(u, "result", "no-such-result"), 0);
	ck_assert_int_eq(u->vtable->deserialize_item(u, "main-pid", "abc"), 0);
	ck_assert_int_eq(u->vtable->deserialize_item(u, "n-restarts", "-1"), 0);
	ck_assert_int_eq(u->vtable->deserialize_item(u, "no-such-key", "1"), 0);
	ck_assert_int_eq(b->state, SERVICE_RUNNING);
	ck_assert_int_eq(b->result, SERVICE_SUCCESS);
	ck_assert_int_eq(b->main_pid, 0);
	ck_assert_uint_eq(b->n_restarts, 0);
	ck_assert_uint_eq(hashmap_size(m->watch_pids), 0);
}
END_TEST

/* Re-exec keeps listening sockets: the open fds are written by number and address, and the
 * new manager adopts each one whose address is still configured. */
START_TEST(test_socket_listening_fds_are_adopted)
{
	struct socket_unit *a = SOCKET(load("a.socket")), *c = SOCKET(load("c.socket"));
	_cleanup_free_ char *text = NULL;
	int fds[2], accepting = 0;
	socklen_t len = sizeof(accepting);

	ck_assert_uint_eq(a->n_ports, 2);
	for (size_t i = 0; i < 2; i++) {
		const char *step = NULL;

		fds[i] = listen_open(&a->ports[i].addr, &a->opts, &step);
		ck_assert_int_ge(fds[i], 0);
		a->ports[i].fd = fds[i];
	}
	a->state = SOCKET_LISTENING;
	text = serialize(UNIT(a));
	ck_assert_ptr_nonnull(strstr(text, "state=listening\n"));
	/* The old unit lets go, as the old manager does by exec'ing. */
	a->ports[0].fd = a->ports[1].fd = -1;
	ck_assert_uint_gt(deserialize(UNIT(c), text), 0);
	ck_assert_int_eq(c->state, SOCKET_LISTENING);
	ck_assert_int_eq(c->ports[0].fd, fds[0]);
	ck_assert_int_eq(c->ports[1].fd, fds[1]);
	ck_assert_ptr_nonnull(c->ports[0].source);
	ck_assert_int_eq(getsockopt(fds[0], SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len), 0);
	ck_assert_int_eq(accepting, 1);
}
END_TEST

START_TEST(test_socket_fd_of_a_removed_address_is_closed)
{
	struct socket_unit *c = SOCKET(load("c.socket"));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char item[64];

	ck_assert_int_ge(fd, 0);
	snprintf(item, sizeof(item), "%d 0 /no/longer/configured.sock", fd);
	ck_assert_int_eq(UNIT(c)->vtable->deserialize_item(UNIT(c), "port", item), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(c->ports[0].fd, -1);
	ck_assert_int_eq(UNIT(c)->vtable->deserialize_item(UNIT(c), "port", "garbage"), -EINVAL);
}
END_TEST

static Suite *
serialize_suite(void)
{
	Suite *s = suite_create("serialize");
	TCase *t = tcase_create("target");
	TCase *sv = tcase_create("service");
	TCase *so = tcase_create("socket");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_target_active_state_round_trips);
	tcase_add_test(t, test_target_dead_state_round_trips);
	tcase_add_test(t, test_target_ignores_unknown_keys);
	suite_add_tcase(s, t);

	tcase_add_checked_fixture(sv, setup, teardown);
	tcase_add_test(sv, test_service_running_state_round_trips);
	tcase_add_test(sv, test_service_control_pid_round_trips);
	tcase_add_test(sv, test_service_every_state_round_trips);
	tcase_add_test(sv, test_service_every_result_round_trips);
	tcase_add_test(sv, test_service_status_text_with_equals_sign_round_trips);
	tcase_add_test(sv, test_service_dead_state_serializes_plainly);
	tcase_add_test(sv, test_service_ignores_unknown_keys_and_bad_values);
	suite_add_tcase(s, sv);

	tcase_add_checked_fixture(so, setup, teardown);
	tcase_add_test(so, test_socket_listening_fds_are_adopted);
	tcase_add_test(so, test_socket_fd_of_a_removed_address_is_closed);
	suite_add_tcase(s, so);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(serialize_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
