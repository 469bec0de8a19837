/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small D-Bus service for the bus activation tests (test-bus-activation.sh):
 *
 *   bus-echo-service ADDRESS NAME [GATE]
 *   bus-echo-service ADDRESS --subscribe
 *
 * Connects to the bus at ADDRESS, waits until the file GATE (if given; a FIFO) can be
 * opened and read to its end, then takes NAME and serves, on object /org/ember/Echo,
 * interface org.ember.Echo:
 *   Echo(s text) -> s "NAME pid=PID text"
 *   ReleaseName()   gives NAME up and keeps running (the manager should notice)
 *   Exit()          exits with status 0
 * It exits when the bus goes away.
 *
 * With --subscribe it is a client of the manager instead: it calls
 * org.freedesktop.systemd1.Manager.Subscribe, prints "subscribed", then one line
 * "JobRemoved UNIT RESULT" per such signal, and stays until the bus goes away. */
#include <dbus/dbus.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *name;

static void
die(const char *what, DBusError *e)
{
	fprintf(stderr, "bus-echo-service: %s: %s\n", what, e && e->message ? e->message : "failed");
	exit(1);
}

static void
wait_gate(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror("bus-echo-service: gate");
		exit(1);
	}
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void
reply(DBusConnection *c, DBusMessage *msg, DBusMessage *r)
{
	if (!r || !dbus_connection_send(c, r, NULL))
		die("out of memory", NULL);
	dbus_message_unref(r);
}

static DBusHandlerResult
handle(DBusConnection *c, DBusMessage *msg, void *data)
{
	DBusError e = DBUS_ERROR_INIT;

	if (dbus_message_is_method_call(msg, "org.ember.Echo", "Echo")) {
		const char *text = NULL;
		char *out = NULL;
		DBusMessage *r;

		if (!dbus_message_get_args(msg, &e, DBUS_TYPE_STRING, &text, DBUS_TYPE_INVALID)) {
			reply(c, msg, dbus_message_new_error(msg, e.name, e.message));
			dbus_error_free(&e);
			return DBUS_HANDLER_RESULT_HANDLED;
		}
		if (asprintf(&out, "%s pid=%d %s", name, (int)getpid(), text) < 0)
			die("out of memory", NULL);
		r = dbus_message_new_method_return(msg);
		if (!r || !dbus_message_append_args(r, DBUS_TYPE_STRING, &out, DBUS_TYPE_INVALID))
			die("out of memory", NULL);
		reply(c, msg, r);
		free(out);
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	if (dbus_message_is_method_call(msg, "org.ember.Echo", "ReleaseName")) {
		reply(c, msg, dbus_message_new_method_return(msg));
		dbus_connection_flush(c);
		if (dbus_bus_release_name(c, name, &e) < 0)
			die("ReleaseName", &e);
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	if (dbus_message_is_method_call(msg, "org.ember.Echo", "Exit")) {
		reply(c, msg, dbus_message_new_method_return(msg));
		dbus_connection_flush(c);
		exit(0);
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static DBusHandlerResult
print_job_removed(DBusConnection *c, DBusMessage *msg, void *data)
{
	dbus_uint32_t id;
	const char *path, *unit, *result;

	if (dbus_message_is_signal(msg, "org.freedesktop.systemd1.Manager", "JobRemoved") &&
	    dbus_message_get_args(msg, NULL, DBUS_TYPE_UINT32, &id, DBUS_TYPE_OBJECT_PATH, &path,
				  DBUS_TYPE_STRING, &unit, DBUS_TYPE_STRING, &result,
				  DBUS_TYPE_INVALID)) {
		printf("JobRemoved %s %s\n", unit, result);
		fflush(stdout);
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static void
subscribe(DBusConnection *c)
{
	DBusError e = DBUS_ERROR_INIT;
	DBusMessage *m, *r;

	dbus_bus_add_match(c, "type='signal',sender='org.freedesktop.systemd1',"
			   "interface='org.freedesktop.systemd1.Manager',member='JobRemoved'", &e);
	if (dbus_error_is_set(&e))
		die("AddMatch", &e);
	m = dbus_message_new_method_call("org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					 "org.freedesktop.systemd1.Manager", "Subscribe");
	if (!m || !dbus_connection_add_filter(c, print_job_removed, NULL, NULL))
		die("out of memory", NULL);
	r = dbus_connection_send_with_reply_and_block(c, m, 60000, &e);
	if (!r)
		die("Subscribe", &e);
	dbus_message_unref(r);
	dbus_message_unref(m);
	printf("subscribed\n");
	fflush(stdout);
	while (dbus_connection_read_write_dispatch(c, -1))
		;
	exit(0);
}

int
main(int argc, char **argv)
{
	DBusError e = DBUS_ERROR_INIT;
	DBusConnection *c;
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: bus-echo-service ADDRESS NAME [GATE]\n");
		return 2;
	}
	name = argv[2];
	c = dbus_connection_open_private(argv[1], &e);
	if (!c)
		die("connect", &e);
	if (!dbus_bus_register(c, &e))
		die("Hello", &e);
	dbus_connection_set_exit_on_disconnect(c, TRUE);
	if (strcmp(name, "--subscribe") == 0)
		subscribe(c);
	if (argc > 3)
		wait_gate(argv[3]);
	if (!dbus_connection_add_filter(c, handle, NULL, NULL))
		die("out of memory", NULL);
	r = dbus_bus_request_name(c, name, DBUS_NAME_FLAG_DO_NOT_QUEUE, &e);
	if (r != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER)
		die("RequestName", &e);
	while (dbus_connection_read_write_dispatch(c, -1))
		;
	return 0;
}
