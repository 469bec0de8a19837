/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The private API server: libdbus DBusServer(s) on RUNTIME_DIR/private (and, as PID 1,
 * /run/systemd/private), their client connections, and how both are driven by the one
 * event loop.
 *
 * libdbus tells us which fds it wants watched (DBusWatch, possibly two per fd: one for
 * reading, one for writing) and which timers it wants (DBusTimeout); we map them onto
 * event sources and call dbus_watch_handle()/dbus_timeout_handle() when they fire. Reading
 * fills a connection's incoming queue; we empty it from a defer source, because libdbus
 * forbids dispatching from inside its own callbacks. Sending only queues: libdbus writes
 * what it can at once and asks for a write watch for the rest. Nothing here blocks. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "activation/bus-activator.h"
#include "activation/bus-names.h"
#include "core/dbus-internal.h"
#include "core/dbus.h"
#include "core/event.h"
#include "core/manager.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

/* A client that does not read its signals must not make PID 1 buffer without bound. */
#define BUS_CLIENT_MAX_OUTGOING (16u * 1024 * 1024)
#define BUS_CLIENTS_MAX 512
/* Messages dispatched per connection per loop iteration, so one client cannot starve the
 * rest of the manager. */
#define BUS_DISPATCH_BATCH 32
/* libdbus servers have no authentication timeout of their own; without one, anybody who
 * can connect could hold all BUS_CLIENTS_MAX slots by never authenticating. */
#define BUS_AUTH_TIMEOUT (30 * USEC_PER_SEC)

/* One fd libdbus asked us to watch, with every DBusWatch on it. epoll takes each fd once,
 * so the read and write watches of a connection share one source. */
struct bus_io {
	struct bus_state *bus;
	int fd;
	struct event_source *source;
	DBusWatch **watches;
	size_t n_watches;
	struct bus_io *next;
};

struct bus_timer {
	struct bus_state *bus;
	DBusTimeout *timeout;
	struct event_source *source;
};

/* Watches. */

static struct bus_io *
io_find_fd(struct bus_state *bus, int fd)
{
	for (struct bus_io *io = bus->ios; io; io = io->next)
		if (io->fd == fd)
			return io;
	return NULL;
}

static struct bus_io *
io_find_watch(struct bus_state *bus, DBusWatch *w)
{
	for (struct bus_io *io = bus->ios; io; io = io->next)
		for (size_t i = 0; i < io->n_watches; i++)
			if (io->watches[i] == w)
				return io;
	return NULL;
}

static uint32_t
io_events(const struct bus_io *io)
{
	uint32_t events = 0;

	for (size_t i = 0; i < io->n_watches; i++) {
		unsigned f = dbus_watch_get_flags(io->watches[i]);

		if (!dbus_watch_get_enabled(io->watches[i]))
			continue;
		if (f & DBUS_WATCH_READABLE)
			events |= EPOLLIN;
		if (f & DBUS_WATCH_WRITABLE)
			events |= EPOLLOUT;
	}
	return events;
}

/* A source with no enabled watch is taken out of epoll entirely: epoll reports HUP even
 * for an empty event mask, and nobody would consume it. */
static int
io_update(struct bus_io *io)
{
	uint32_t events = io_events(io);
	int r;

	if (events == 0)
		return event_source_set_enabled(io->source, false);
	r = event_source_set_io_events(io->source, events);
	if (r < 0)
		return r;
	return event_source_set_enabled(io->source, true);
}

static int
io_dispatch(struct event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct bus_io *io = userdata;
	struct bus_state *bus = io->bus;
	DBusWatch *snapshot[8];
	size_t n = MIN(io->n_watches, ELEMENTSOF(snapshot));

	/* Handling one watch may remove others (a hangup tears the connection down), so
	 * work from a copy and check each is still registered before using it. */
	memcpy(snapshot, io->watches, n * sizeof(*snapshot));
	for (size_t i = 0; i < n; i++) {
		DBusWatch *w = snapshot[i];
		unsigned f, flags = 0;

		if (!io_find_watch(bus, w) || !dbus_watch_get_enabled(w))
			continue;
		f = dbus_watch_get_flags(w);
		if ((revents & EPOLLIN) && (f & DBUS_WATCH_READABLE))
			flags |= DBUS_WATCH_READABLE;
		if ((revents & EPOLLOUT) && (f & DBUS_WATCH_WRITABLE))
			flags |= DBUS_WATCH_WRITABLE;
		if (revents & EPOLLHUP)
			flags |= DBUS_WATCH_HANGUP;
		if (revents & EPOLLERR)
			flags |= DBUS_WATCH_ERROR;
		if (flags)
			dbus_watch_handle(w, flags);
	}
	return 0;
}

static dbus_bool_t
watch_add(DBusWatch *w, void *data)
{
	struct bus_state *bus = data;
	int fd = dbus_watch_get_unix_fd(w);
	struct bus_io *io = io_find_fd(bus, fd);
	DBusWatch **l;

	if (fd < 0)
		return FALSE;
	if (!io) {
		io = calloc(1, sizeof(*io));
		if (!io)
			return FALSE;
		io->bus = bus;
		io->fd = fd;
		if (event_add_io(bus->manager->event, fd, EPOLLIN, io_dispatch, io,
				 &io->source) < 0) {
			free(io);
			return FALSE;
		}
		io->next = bus->ios;
		bus->ios = io;
	}
	l = reallocarray(io->watches, io->n_watches + 1, sizeof(*l));
	if (!l) {
		io_update(io);
		return FALSE;
	}
	io->watches = l;
	io->watches[io->n_watches++] = w;
	io_update(io);
	return TRUE;
}

static void
io_free(struct bus_io *io)
{
	struct bus_io **pp = &io->bus->ios;

	while (*pp && *pp != io)
		pp = &(*pp)->next;
	if (*pp)
		*pp = io->next;
	event_source_free(io->source);
	free(io->watches);
	free(io);
}

static void
watch_remove(DBusWatch *w, void *data)
{
	struct bus_io *io = io_find_watch(data, w);

	if (!io)
		return;
	for (size_t i = 0; i < io->n_watches; i++)
		if (io->watches[i] == w) {
			memmove(io->watches + i, io->watches + i + 1,
				(io->n_watches - i - 1) * sizeof(*io->watches));
			io->n_watches--;
			break;
		}
	if (io->n_watches == 0)
		io_free(io);
	else
		io_update(io);
}

static void
watch_toggled(DBusWatch *w, void *data)
{
	struct bus_io *io = io_find_watch(data, w);

	if (io)
		io_update(io);
}

/* Timeouts: libdbus' are periodic until removed or disabled. */

static usec_t
timeout_next(DBusTimeout *t)
{
	if (!dbus_timeout_get_enabled(t))
		return USEC_INFINITY;
	return now(CLOCK_MONOTONIC) + (usec_t)dbus_timeout_get_interval(t) * USEC_PER_MSEC;
}

static int
timer_dispatch(struct event_source *s, usec_t usec, void *userdata)
{
	struct bus_timer *t = userdata;

	/* Re-arm first: handling may remove the timeout and free t. */
	event_source_set_time(s, timeout_next(t->timeout));
	dbus_timeout_handle(t->timeout);
	return 0;
}

static dbus_bool_t
timeout_add(DBusTimeout *timeout, void *data)
{
	struct bus_state *bus = data;
	struct bus_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return FALSE;
	t->bus = bus;
	t->timeout = timeout;
	if (event_add_time(bus->manager->event, timeout_next(timeout), timer_dispatch, t,
			   &t->source) < 0) {
		free(t);
		return FALSE;
	}
	dbus_timeout_set_data(timeout, t, NULL);
	return TRUE;
}

static void
timeout_remove(DBusTimeout *timeout, void *data)
{
	struct bus_timer *t = dbus_timeout_get_data(timeout);

	if (!t)
		return;
	dbus_timeout_set_data(timeout, NULL, NULL);
	event_source_free(t->source);
	free(t);
}

static void
timeout_toggled(DBusTimeout *timeout, void *data)
{
	struct bus_timer *t = dbus_timeout_get_data(timeout);

	if (t)
		event_source_set_time(t->source, timeout_next(timeout));
}

/* Clients. */

static DBusHandlerResult client_filter(DBusConnection *conn, DBusMessage *msg, void *data);

static void
client_free(struct bus_client *c)
{
	struct bus_state *bus = c->bus;

	if (c->prev)
		c->prev->next = c->next;
	else
		bus->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	bus->n_clients--;
	if (c->is_bus)
		bus_link_lost(bus, c);
	event_source_free(c->auth_timer);
	dbus_connection_set_dispatch_status_function(c->conn, NULL, NULL, NULL);
	dbus_connection_remove_filter(c->conn, client_filter, c);
	/* Server-side connections are private: close before the last unref. Closing
	 * removes the watches through our callbacks; unsetting the functions makes sure
	 * libdbus never calls them again, whoever else still holds a reference. */
	dbus_connection_close(c->conn);
	dbus_connection_set_watch_functions(c->conn, NULL, NULL, NULL, NULL, NULL);
	dbus_connection_set_timeout_functions(c->conn, NULL, NULL, NULL, NULL, NULL);
	dbus_connection_unref(c->conn);
	free(c);
}

void
bus_client_kill(struct bus_client *c)
{
	/* The link forgets a dead connection at once, so that a new one can be made. */
	if (c->is_bus)
		bus_link_lost(c->bus, c);
	c->dead = true;
	event_source_set_enabled(c->bus->dispatch_source, true);
}

static int
dispatch_clients(struct event_source *s, void *userdata)
{
	struct bus_state *bus = userdata;
	bool again = false;
	struct bus_client *c, *next;

	for (c = bus->clients; c; c = next) {
		next = c->next;
		for (int i = 0; i < BUS_DISPATCH_BATCH && !c->dead; i++) {
			if (dbus_connection_get_dispatch_status(c->conn) != DBUS_DISPATCH_DATA_REMAINS)
				break;
			dbus_connection_dispatch(c->conn);
		}
		if (!c->dead && !dbus_connection_get_is_connected(c->conn) &&
		    dbus_connection_get_dispatch_status(c->conn) == DBUS_DISPATCH_COMPLETE)
			c->dead = true;
		if (c->dead) {
			log_debug("API %s %u disconnected.", c->is_bus ? "bus link" : "client", c->id);
			client_free(c);
		}
	}
	/* Look again at all of them: answering one client can disconnect another whose
	 * turn was already over (a failed write queues its Disconnected message). */
	for (c = bus->clients; c && !again; c = c->next)
		again = c->dead ||
			dbus_connection_get_dispatch_status(c->conn) != DBUS_DISPATCH_COMPLETE;
	event_source_set_enabled(s, again);
	return 0;
}

static int
client_auth_timeout(struct event_source *s, usec_t usec, void *userdata)
{
	struct bus_client *c = userdata;

	if (!dbus_connection_get_is_authenticated(c->conn)) {
		log_warning("API client %u did not authenticate in time, disconnecting it.", c->id);
		bus_client_kill(c);
	}
	return 0;
}

static void
client_dispatch_status(DBusConnection *conn, DBusDispatchStatus st, void *data)
{
	struct bus_client *c = data;

	/* libdbus forbids dispatching from here; the defer source does it. */
	if (st != DBUS_DISPATCH_COMPLETE)
		event_source_set_enabled(c->bus->dispatch_source, true);
}

static dbus_bool_t
client_check_uid(DBusConnection *conn, unsigned long uid, void *data)
{
	/* The manager's API changes the system: root and the instance's own user only. */
	return uid == 0 || uid == (unsigned long)geteuid();
}

/* Calls addressed to the bus driver. A peer-to-peer connection has none, but sd-bus
 * clients that think they talk to a bus (busctl --address) say Hello and add matches
 * first; answering those keeps them working. */
static int
driver_call(struct bus_call *c)
{
	const char *member = dbus_message_get_member(c->message);
	char name[32];

	if (!dbus_message_has_interface(c->message, DBUS_INTERFACE_DBUS))
		return bus_call_error(c, DBUS_ERROR_UNKNOWN_INTERFACE,
				      "The peer is not a message bus.");
	if (streq(member, "Hello")) {
		snprintf(name, sizeof(name), ":1.%u", c->client->id);
		return bus_call_return_string(c, name);
	}
	if (streq(member, "AddMatch") || streq(member, "RemoveMatch"))
		return bus_call_return_empty(c);
	if (streq(member, "GetNameOwner")) {
		const char *n = NULL;
		int r;

		if (!dbus_message_has_signature(c->message, "s"))
			return bus_call_error(c, DBUS_ERROR_INVALID_ARGS, "Expected one string.");
		r = bus_call_get_args(c, DBUS_TYPE_STRING, &n, DBUS_TYPE_INVALID);
		if (r < 0)
			return r;
		if (!streq(n, BUS_NAME))
			return bus_call_error(c, DBUS_ERROR_NAME_HAS_NO_OWNER,
					      "The name does not have an owner.");
		return bus_call_return_string(c, BUS_NAME);
	}
	return bus_call_error(c, DBUS_ERROR_UNKNOWN_METHOD, "The peer is not a message bus.");
}

static int
route_call(struct bus_call *c)
{
	struct manager *m = c->manager;
	const char *path = dbus_message_get_path(c->message);
	const char *dest = dbus_message_get_destination(c->message);
	struct bus_object o = { 0 };
	int r;

	if (dest && streq(dest, DBUS_SERVICE_DBUS))
		return driver_call(c);
	if (dest && !streq(dest, BUS_NAME))
		return bus_call_error(c, DBUS_ERROR_SERVICE_UNKNOWN,
				      "This connection only serves " BUS_NAME ".");
	if (!path)
		return bus_call_error(c, DBUS_ERROR_UNKNOWN_OBJECT, "No object path.");
	if (streq(path, BUS_UNIT_PREFIX "self"))
		/* The caller's own unit, found by its PID (systemd-run asks for its scope). */
		r = bus_unit_object_for_pid(m, bus_client_pid(c->client), &o);
	else if (startswith(path, BUS_UNIT_PREFIX))
		r = bus_unit_object_find(m, path, &o);
	else if (startswith(path, BUS_JOB_PREFIX))
		r = bus_job_object_find(m, path, &o);
	else
		r = bus_manager_object_find(m, path, &o);
	if (r == -ENOENT)
		r = bus_call_error(c, DBUS_ERROR_UNKNOWN_OBJECT, "Unknown object '%s'.", path);
	else if (r >= 0)
		r = bus_object_call(c, &o);
	bus_object_done(&o);
	return r;
}

void
bus_call_send_reply(struct bus_call *c)
{
	DBusMessage *reply = TAKE_PTR(c->reply);

	if (!reply)
		return;
	if (!dbus_message_get_no_reply(c->message)) {
		const char *dest = dbus_message_get_destination(c->message);

		/* sd-bus matches replies and signals on this name, as on a real bus (where
		 * the bus sets it). */
		if (!c->client->is_bus)
			dbus_message_set_sender(reply, dest ? dest : BUS_NAME);
		if (!dbus_connection_send(c->client->conn, reply, NULL))
			log_warning("Out of memory sending an API reply.");
	}
	dbus_message_unref(reply);
}

void
bus_call_dispatch(struct bus_call *c)
{
	int r;

	log_debug("API call %s.%s on %s from %s %u%s.",
		  strna(dbus_message_get_interface(c->message)),
		  strna(dbus_message_get_member(c->message)), strna(dbus_message_get_path(c->message)),
		  c->client->is_bus ? "bus link" : "client", c->client->id,
		  c->privileged ? "" : " (unprivileged)");
	r = route_call(c);
	if (r < 0) {
		if (c->reply)
			dbus_message_unref(TAKE_PTR(c->reply));
		c->reply = dbus_message_new_error(c->message, DBUS_ERROR_NO_MEMORY, "Out of memory.");
	}
	bus_call_send_reply(c);
}

static DBusHandlerResult
client_filter(DBusConnection *conn, DBusMessage *msg, void *data)
{
	struct bus_client *c = data;
	struct bus_call call = {
		.manager = c->bus->manager,
		.client = c,
		.message = msg,
		.privileged = true, /* client_check_uid admitted only such callers */
	};

	if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected")) {
		bus_client_kill(c);
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	if (c->is_bus) {
		if (dbus_message_get_type(msg) == DBUS_MESSAGE_TYPE_METHOD_CALL)
			bus_link_method_call(c, msg);
		else if (dbus_message_get_type(msg) == DBUS_MESSAGE_TYPE_SIGNAL)
			bus_link_signal(c, msg);
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL)
		return DBUS_HANDLER_RESULT_HANDLED; /* clients' signals and replies mean nothing */
	bus_call_dispatch(&call);
	return DBUS_HANDLER_RESULT_HANDLED;
}

struct bus_client *
bus_client_add(struct bus_state *bus, DBusConnection *conn, bool is_bus)
{
	struct bus_client *c = calloc(1, sizeof(*c));

	if (!c) {
		log_oom();
		dbus_connection_close(conn);
		return NULL;
	}
	c->bus = bus;
	c->conn = dbus_connection_ref(conn);
	c->id = ++bus->next_client_id;
	c->is_bus = is_bus;
	c->next = bus->clients;
	if (c->next)
		c->next->prev = c;
	bus->clients = c;
	bus->n_clients++;

	dbus_connection_set_exit_on_disconnect(conn, FALSE);
	dbus_connection_set_dispatch_status_function(conn, client_dispatch_status, c, NULL);
	if (!dbus_connection_add_filter(conn, client_filter, c, NULL) ||
	    !dbus_connection_set_watch_functions(conn, watch_add, watch_remove, watch_toggled,
						 bus, NULL) ||
	    !dbus_connection_set_timeout_functions(conn, timeout_add, timeout_remove,
						   timeout_toggled, bus, NULL)) {
		log_warning("Out of memory setting up an API connection, dropping it.");
		c->is_bus = false; /* the caller learns from NULL; no lost-link callback */
		client_free(c);
		return NULL;
	}
	event_source_set_enabled(bus->dispatch_source, true);
	return c;
}

static void
server_new_connection(DBusServer *server, DBusConnection *conn, void *data)
{
	struct bus_state *bus = data;
	struct bus_client *c;

	if (bus->n_clients >= BUS_CLIENTS_MAX) {
		/* Not taking a reference makes libdbus drop the connection. */
		log_warning("Too many API clients, refusing a new connection.");
		return;
	}
	dbus_connection_set_allow_anonymous(conn, FALSE);
	dbus_connection_set_unix_user_function(conn, client_check_uid, NULL, NULL);
	c = bus_client_add(bus, conn, false);
	if (!c)
		return;
	if (event_add_time(bus->manager->event, now(CLOCK_MONOTONIC) + BUS_AUTH_TIMEOUT,
			   client_auth_timeout, c, &c->auth_timer) < 0) {
		log_warning("Out of memory setting up an API connection, dropping it.");
		client_free(c);
		return;
	}
	log_debug("API client %u connected.", c->id);
}

static int
server_listen(struct bus_state *bus, const char *dir)
{
	static const char *mechanisms[] = { "EXTERNAL", NULL };
	_cleanup_free_ char *path = NULL, *address = NULL;
	DBusError error = DBUS_ERROR_INIT;
	DBusServer *server;
	char *escaped;
	int r;

	r = mkdir_p(dir, 0755);
	if (r < 0)
		return log_error_errno(r, "Failed to create %s: %m", dir);
	if (asprintf(&path, "%s/private", dir) < 0)
		return -ENOMEM;
	/* A socket left by an earlier run refuses every connection; take the name over. */
	if (unlink(path) < 0 && errno != ENOENT)
		log_warning_errno(errno, "Failed to remove stale %s: %m", path);
	escaped = dbus_address_escape_value(path);
	if (!escaped)
		return -ENOMEM;
	r = asprintf(&address, "unix:path=%s", escaped);
	dbus_free(escaped);
	if (r < 0)
		return -ENOMEM;

	server = dbus_server_listen(address, &error);
	if (!server) {
		log_error("Failed to listen on %s: %s", path, error.message);
		dbus_error_free(&error);
		return -EIO;
	}
	if (!dbus_server_set_auth_mechanisms(server, mechanisms) ||
	    !dbus_server_set_watch_functions(server, watch_add, watch_remove, watch_toggled, bus,
					     NULL) ||
	    !dbus_server_set_timeout_functions(server, timeout_add, timeout_remove,
					       timeout_toggled, bus, NULL)) {
		dbus_server_disconnect(server);
		dbus_server_unref(server);
		return -ENOMEM;
	}
	dbus_server_set_new_connection_function(server, server_new_connection, bus, NULL);
	bus->servers[bus->n_servers++] = server;
	log_debug("API listening on %s.", path);
	return 0;
}

int
bus_init(struct manager *m)
{
	struct bus_state *bus;
	int r;

	if (m->test_run || m->bus)
		return 0;
	bus = calloc(1, sizeof(*bus));
	if (!bus)
		return -ENOMEM;
	bus->manager = m;
	m->bus = bus;
	r = event_add_defer(m->event, 40, dispatch_clients, bus, &bus->dispatch_source);
	if (r < 0)
		goto fail;
	r = server_listen(bus, m->runtime_dir);
	if (r < 0)
		goto fail;
	/* Unmodified systemctl, as root, talks to PID 1 here. */
	if (m->is_pid1 && !streq(m->runtime_dir, "/run/systemd")) {
		r = server_listen(bus, "/run/systemd");
		if (r < 0)
			log_warning_errno(r, "Continuing without /run/systemd/private: %m");
	}
	return 0;
fail:
	bus_done(m);
	return r;
}

void
bus_done(struct manager *m)
{
	struct bus_state *bus = m->bus;

	if (!bus)
		return;
	bus_link_free(bus);
	bus_activator_free(m);
	bus_names_free(m);
	while (bus->clients)
		client_free(bus->clients);
	for (size_t i = 0; i < bus->n_servers; i++) {
		/* Also unlinks the socket file. */
		dbus_server_disconnect(bus->servers[i]);
		dbus_server_set_watch_functions(bus->servers[i], NULL, NULL, NULL, NULL, NULL);
		dbus_server_set_timeout_functions(bus->servers[i], NULL, NULL, NULL, NULL, NULL);
		dbus_server_unref(bus->servers[i]);
	}
	while (bus->ios)
		io_free(bus->ios);
	event_source_free(bus->dispatch_source);
	free(bus);
	m->bus = NULL;
}

/* Like systemd on its private socket, every client of this peer-to-peer server gets the
 * signals, Subscribe or not: systemctl relies on it (it waits for JobRemoved without
 * subscribing). Clients still authenticating are skipped. */
static bool
client_listens(struct bus_client *c)
{
	return !c->is_bus && !c->dead && dbus_connection_get_is_authenticated(c->conn);
}

bool
bus_has_listeners(struct manager *m)
{
	if (!m->bus)
		return false;
	if (bus_link_has_subscribers(m->bus))
		return true;
	for (struct bus_client *c = m->bus->clients; c; c = c->next)
		if (client_listens(c))
			return true;
	return false;
}

void
bus_broadcast(struct manager *m, DBusMessage *msg, bool to_bus)
{
	struct bus_client *link;

	if (!m->bus)
		return;
	/* On a message bus one copy reaches every subscriber's match rule. */
	link = bus_link_client(m->bus);
	if (link && (to_bus || bus_link_has_subscribers(m->bus))) {
		DBusMessage *copy = dbus_message_copy(msg);

		if (!copy || !dbus_connection_send(link->conn, copy, NULL))
			log_warning("Out of memory sending a signal to the bus.");
		if (copy)
			dbus_message_unref(copy);
	}
	for (struct bus_client *c = m->bus->clients; c; c = c->next) {
		DBusMessage *copy;

		if (!client_listens(c))
			continue;
		if (dbus_connection_get_outgoing_size(c->conn) > (long)BUS_CLIENT_MAX_OUTGOING) {
			log_warning("API client %u does not read its messages, disconnecting it.",
				    c->id);
			bus_client_kill(c);
			continue;
		}
		/* A copy per client: each connection numbers its messages itself. */
		copy = dbus_message_copy(msg);
		if (!copy || !dbus_message_set_sender(copy, BUS_NAME) ||
		    !dbus_connection_send(c->conn, copy, NULL))
			log_warning("Out of memory sending a signal to API client %u.", c->id);
		if (copy)
			dbus_message_unref(copy);
	}
}

pid_t
bus_client_pid(struct bus_client *c)
{
	unsigned long pid = 0;

	if (!dbus_connection_get_unix_process_id(c->conn, &pid))
		return 0;
	return (pid_t)pid;
}
