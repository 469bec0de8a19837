/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager on the message bus (protocols.md §3): one client connection to dbus-daemon
 * at BusAddress=, on which ember owns org.freedesktop.systemd1, serves the same API as on
 * its private socket, receives the bus daemon's activation requests and follows the
 * names of Type=dbus services.
 *
 * Nothing here blocks. libdbus's own bus helpers (dbus_bus_register, dbus_bus_request_name)
 * wait for their replies, so the handshake is sent as plain messages, pipelined, and the
 * replies arrive through the loop like everything else. Only connect() itself is
 * synchronous; on a unix socket it returns at once unless the listener's backlog is full.
 *
 * When to connect: if the bus is ours (a loaded dbus.socket unit), when dbus.service becomes
 * active, never before: a connection of our own to the socket would start the bus daemon.
 * Otherwise at start-up, and whenever the socket file (re)appears (inotify on its folder).
 * A lost bus is never fatal: the link is dropped and made again when the bus returns. */
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "activation/bus-activator.h"
#include "activation/bus-names.h"
#include "core/dbus-internal.h"
#include "core/dbus.h"
#include "core/event.h"
#include "core/manager.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"

/* Calls waiting for their caller's uid, and subscribers: bounded, so that a flood of
 * callers cannot make PID 1 grow without limit. */
#define LINK_WAITING_MAX 1024
#define LINK_SUBSCRIBERS_MAX 4096
/* How long the bus may take to answer our own calls. */
#define LINK_CALL_TIMEOUT_MSEC (25 * 1000)

#define DBUS_SERVICE_UNIT "dbus.service"
#define DBUS_SOCKET_UNIT "dbus.socket"

/* One call of ours to the bus whose reply we wait for. */
struct link_call {
	struct bus_link *link;
	DBusPendingCall *pending;
	bus_link_reply_fn fn;
	void *data;
	void (*free_data)(void *data);
	struct link_call *next, *prev;
};

struct bus_link {
	struct bus_state *bus;
	char *socket_path;          /* for unix:path= addresses: what inotify waits for */
	struct bus_client *client;  /* while connecting or connected */
	bool ready;                 /* Hello answered and the name is ours */
	bool gave_up;               /* refused by the bus: wait for a new bus, do not retry */
	struct link_call *calls;
	size_t n_waiting;           /* method calls waiting for their caller's uid */
	struct hashmap *subscribers;/* unique name (owned) -> same */
	int inotify_fd;
	struct event_source *inotify_source;
};

static struct manager *
link_manager(struct bus_link *link)
{
	return link->bus->manager;
}

/* Calls to the bus. */

static void
link_call_unlink(struct link_call *lc)
{
	struct bus_link *link = lc->link;

	if (lc->prev)
		lc->prev->next = lc->next;
	else if (link->calls == lc)
		link->calls = lc->next;
	if (lc->next)
		lc->next->prev = lc->prev;
	lc->next = lc->prev = NULL;
}

static void
link_call_free(struct link_call *lc)
{
	link_call_unlink(lc);
	if (lc->pending) {
		dbus_pending_call_cancel(lc->pending);
		dbus_pending_call_unref(lc->pending);
	}
	if (lc->free_data && lc->data)
		lc->free_data(lc->data);
	free(lc);
}

static void
link_call_done(DBusPendingCall *pending, void *data)
{
	struct link_call *lc = data;
	DBusMessage *reply = dbus_pending_call_steal_reply(pending);

	/* Out of the list first: the callback may drop the whole link. */
	link_call_unlink(lc);
	if (reply) {
		lc->fn(link_manager(lc->link), reply, lc->data);
		dbus_message_unref(reply);
	}
	dbus_pending_call_unref(TAKE_PTR(lc->pending));
	link_call_free(lc);
}

int
bus_link_call(struct bus_state *bus, DBusMessage *msg, bus_link_reply_fn fn, void *data,
	      void (*free_data)(void *data))
{
	struct bus_link *link = bus ? bus->link : NULL;
	struct link_call *lc;

	if (!link || !link->client) {
		if (free_data && data)
			free_data(data);
		return -ENOTCONN;
	}
	if (!fn) {
		dbus_message_set_no_reply(msg, TRUE);
		return dbus_connection_send(link->client->conn, msg, NULL) ? 0 : -ENOMEM;
	}
	lc = calloc(1, sizeof(*lc));
	if (!lc) {
		if (free_data && data)
			free_data(data);
		return -ENOMEM;
	}
	*lc = (struct link_call) { .link = link, .fn = fn, .data = data, .free_data = free_data };
	lc->next = link->calls;
	if (lc->next)
		lc->next->prev = lc;
	link->calls = lc;
	if (!dbus_connection_send_with_reply(link->client->conn, msg, &lc->pending,
					     LINK_CALL_TIMEOUT_MSEC) ||
	    !lc->pending ||
	    !dbus_pending_call_set_notify(lc->pending, link_call_done, lc, NULL)) {
		link_call_free(lc);
		return -ENOMEM;
	}
	return 0;
}

int
bus_link_driver_call(struct bus_state *bus, const char *member, bus_link_reply_fn fn,
		     void *data, void (*free_data)(void *data), int first_type, ...)
{
	DBusMessage *msg = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
							DBUS_INTERFACE_DBUS, member);
	va_list ap;
	bool ok;
	int r;

	if (!msg) {
		if (free_data && data)
			free_data(data);
		return -ENOMEM;
	}
	va_start(ap, first_type);
	ok = dbus_message_append_args_valist(msg, first_type, ap);
	va_end(ap);
	if (!ok) {
		dbus_message_unref(msg);
		if (free_data && data)
			free_data(data);
		return -ENOMEM;
	}
	r = bus_link_call(bus, msg, fn, data, free_data);
	dbus_message_unref(msg);
	return r;
}

int
bus_link_match(struct bus_state *bus, const char *rule, bool add)
{
	return bus_link_driver_call(bus, add ? "AddMatch" : "RemoveMatch", NULL, NULL, NULL,
				    DBUS_TYPE_STRING, &rule, DBUS_TYPE_INVALID);
}

/* Text of an error reply, for log messages. */
static const char *
reply_error_text(DBusMessage *reply)
{
	const char *text = NULL;

	if (dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_ERROR)
		return NULL;
	if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &text, DBUS_TYPE_INVALID))
		text = dbus_message_get_error_name(reply);
	return text ? text : "unknown error";
}

/* Method calls from the bus: first who is calling. */

static void
dispatch_waiting_call(struct bus_link *link, DBusMessage *msg, bool privileged)
{
	struct bus_call call = {
		.manager = link_manager(link),
		.client = link->client,
		.message = msg,
		.privileged = privileged,
	};

	bus_call_dispatch(&call);
}

struct waiting_call {
	struct bus_link *link;
	DBusMessage *msg;
};

static void
waiting_call_free(void *data)
{
	struct waiting_call *w = data;

	w->link->n_waiting--;
	dbus_message_unref(w->msg);
	free(w);
}

static void
on_caller_uid(struct manager *m, DBusMessage *reply, void *data)
{
	struct waiting_call *w = data;
	struct bus_link *link = w->link;
	dbus_uint32_t uid;
	bool privileged = false;

	/* An error means the caller left the bus already; it is answered anyway, unprivileged,
	 * and the bus drops the answer. */
	if (dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_METHOD_RETURN &&
	    dbus_message_get_args(reply, NULL, DBUS_TYPE_UINT32, &uid, DBUS_TYPE_INVALID))
		privileged = uid == 0 || uid == (dbus_uint32_t)geteuid();
	dispatch_waiting_call(link, w->msg, privileged);
}

static void
answer_error(struct bus_client *c, DBusMessage *msg, const char *name, const char *text)
{
	DBusMessage *e;

	if (dbus_message_get_no_reply(msg))
		return;
	e = dbus_message_new_error(msg, name, text);
	if (!e || !dbus_connection_send(c->conn, e, NULL))
		log_warning("Out of memory answering a call on the bus.");
	if (e)
		dbus_message_unref(e);
}

void
bus_link_method_call(struct bus_client *c, DBusMessage *msg)
{
	struct bus_link *link = c->bus->link;
	const char *sender = dbus_message_get_sender(msg);
	struct waiting_call *w;
	int r;

	if (!link)
		return;
	/* The bus daemon itself (UpdateActivationEnvironment becomes SetEnvironment) runs as
	 * its own user on the system bus, and is trusted: nobody else can send as it. */
	if (sender && streq(sender, DBUS_SERVICE_DBUS)) {
		dispatch_waiting_call(link, msg, true);
		return;
	}
	if (!sender || link->n_waiting >= LINK_WAITING_MAX) {
		answer_error(c, msg, DBUS_ERROR_LIMITS_EXCEEDED, "Too many calls waiting, try again.");
		return;
	}
	w = malloc(sizeof(*w));
	if (!w) {
		answer_error(c, msg, DBUS_ERROR_NO_MEMORY, "Out of memory.");
		return;
	}
	*w = (struct waiting_call) { .link = link, .msg = dbus_message_ref(msg) };
	link->n_waiting++;
	/* Every call waits for the caller's uid, the cheap ones too: the bus answers in order,
	 * so one caller's calls keep their order. */
	r = bus_link_driver_call(c->bus, "GetConnectionUnixUser", on_caller_uid, w,
				 waiting_call_free, DBUS_TYPE_STRING, &sender, DBUS_TYPE_INVALID);
	if (r < 0)
		log_warning_errno(r, "Dropping a call from %s: cannot ask the bus who it is: %m",
				  sender);
}

/* Subscribers. */

char *
bus_name_owner_match(const char *name)
{
	char *rule;

	if (asprintf(&rule, "type='signal',sender='" DBUS_SERVICE_DBUS "',path='" DBUS_PATH_DBUS
		     "',interface='" DBUS_INTERFACE_DBUS "',member='NameOwnerChanged',arg0='%s'",
		     name) < 0)
		return NULL;
	return rule;
}

static void
subscriber_remove(struct bus_link *link, const char *name)
{
	char *key = hashmap_remove(link->subscribers, name);
	_cleanup_free_ char *rule = NULL;

	if (!key)
		return;
	rule = bus_name_owner_match(key);
	if (rule)
		bus_link_match(link->bus, rule, false);
	log_debug("Bus client %s unsubscribed.", key);
	free(key);
}

int
bus_link_subscribe(struct bus_call *c, bool subscribe)
{
	struct bus_link *link = c->client->bus->link;
	const char *sender = dbus_message_get_sender(c->message);
	_cleanup_free_ char *rule = NULL;
	char *key;
	int r;

	if (!link || !sender)
		return 0;
	if (!subscribe) {
		subscriber_remove(link, sender);
		return 0;
	}
	if (!link->subscribers || hashmap_contains(link->subscribers, sender))
		return 0;
	if (hashmap_size(link->subscribers) >= LINK_SUBSCRIBERS_MAX)
		return bus_call_error(c, DBUS_ERROR_LIMITS_EXCEEDED, "Too many subscribers.");
	key = strdup(sender);
	rule = bus_name_owner_match(sender);
	if (!key || !rule || hashmap_put(link->subscribers, key, key) < 0) {
		free(key);
		return -ENOMEM;
	}
	/* The subscription ends when the subscriber leaves the bus. */
	r = bus_link_match(link->bus, rule, true);
	if (r < 0)
		log_warning_errno(r, "Cannot follow subscriber %s: %m", sender);
	log_debug("Bus client %s subscribed.", sender);
	return 0;
}

bool
bus_link_has_subscribers(struct bus_state *bus)
{
	return bus->link && bus->link->ready && hashmap_size(bus->link->subscribers) > 0;
}

struct bus_client *
bus_link_client(struct bus_state *bus)
{
	return bus->link && bus->link->ready ? bus->link->client : NULL;
}

struct bus_client *
bus_link_connection(struct bus_state *bus)
{
	return bus->link ? bus->link->client : NULL;
}

static void
link_fail(struct bus_link *link, const char *fmt, const char *detail)
{
	log_error(fmt, detail);
	/* Trying again at once would be refused again: wait until the bus restarts. */
	link->gave_up = true;
	if (link->client)
		bus_client_kill(link->client);
}

/* Signals from the bus daemon. */

void
bus_link_signal(struct bus_client *c, DBusMessage *msg)
{
	struct bus_link *link = c->bus->link;
	const char *sender = dbus_message_get_sender(msg);
	const char *name, *old_owner, *new_owner;

	/* Only the bus daemon can send as org.freedesktop.DBus; anybody else's signals, and
	 * broadcasts that our match rules did not ask for, mean nothing here. */
	if (!link || !sender || !streq(sender, DBUS_SERVICE_DBUS))
		return;
	if (dbus_message_is_signal(msg, BUS_IFACE_ACTIVATOR, "ActivationRequest")) {
		if (!dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID)) {
			log_warning("Ignoring an activation request without a unit name.");
			return;
		}
		bus_activator_request(link_manager(link), name);
	} else if (dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameOwnerChanged")) {
		if (!dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING,
					   &old_owner, DBUS_TYPE_STRING, &new_owner,
					   DBUS_TYPE_INVALID))
			return;
		if (isempty(new_owner))
			subscriber_remove(link, name);
		bus_names_owner_changed(link_manager(link), name, new_owner);
	} else if (dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameLost")) {
		if (dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) &&
		    streq(name, BUS_NAME))
			link_fail(link, "Lost the bus name %s; leaving the bus.", name);
	}
}

/* The handshake: Hello, the activation match, RequestName, sent at once. */

static void
subscribers_clear(struct bus_link *link)
{
	const void *k;
	char *v;

	HASHMAP_FOREACH(k, v, link->subscribers)
		free(v);
	hashmap_free(link->subscribers);
	link->subscribers = NULL;
}

static void
on_hello(struct manager *m, DBusMessage *reply, void *data)
{
	struct bus_link *link = m->bus->link;
	const char *text = reply_error_text(reply);

	if (text)
		link_fail(link, "The bus refused our Hello: %s", text);
}

static void
on_request_name(struct manager *m, DBusMessage *reply, void *data)
{
	struct bus_link *link = m->bus->link;
	const char *text = reply_error_text(reply);
	dbus_uint32_t result = 0;

	if (text) {
		link_fail(link, "Cannot own " BUS_NAME " on the bus: %s", text);
		return;
	}
	if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_UINT32, &result, DBUS_TYPE_INVALID) ||
	    (result != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER &&
	     result != DBUS_REQUEST_NAME_REPLY_ALREADY_OWNER)) {
		link_fail(link, "Cannot own " BUS_NAME " on the bus: %s",
			  "another connection owns it");
		return;
	}
	link->ready = true;
	log_info("Connected to the bus at %s as " BUS_NAME ".", link_manager(link)->bus_address);
	bus_names_link_up(link_manager(link));
}

static int
link_connect(struct bus_link *link)
{
	struct manager *m = link_manager(link);
	DBusError error = DBUS_ERROR_INIT;
	DBusConnection *conn;
	const char *name = BUS_NAME;
	const char *activation_rule = "type='signal',sender='" DBUS_SERVICE_DBUS "',path='"
		DBUS_PATH_DBUS "',interface='" BUS_IFACE_ACTIVATOR "',member='ActivationRequest'";
	dbus_uint32_t flags = DBUS_NAME_FLAG_DO_NOT_QUEUE;
	int r;

	if (link->client)
		return 0;
	if (!link->subscribers) {
		link->subscribers = hashmap_new(HASHMAP_STRING);
		if (!link->subscribers)
			return -ENOMEM;
	}
	conn = dbus_connection_open_private(m->bus_address, &error);
	if (!conn) {
		log_debug("Bus at %s not reachable (yet): %s", m->bus_address, error.message);
		dbus_error_free(&error);
		return -ENOTCONN;
	}
	link->client = bus_client_add(link->bus, conn, true);
	dbus_connection_unref(conn);
	if (!link->client)
		return -ENOMEM;
	/* libdbus holds these until the connection is authenticated, then sends them in order;
	 * the bus daemon answers in order too. */
	r = bus_link_driver_call(link->bus, "Hello", on_hello, NULL, NULL, DBUS_TYPE_INVALID);
	if (r >= 0)
		r = bus_link_match(link->bus, activation_rule, true);
	if (r >= 0)
		r = bus_link_driver_call(link->bus, "RequestName", on_request_name, NULL, NULL,
					 DBUS_TYPE_STRING, &name, DBUS_TYPE_UINT32, &flags,
					 DBUS_TYPE_INVALID);
	if (r < 0) {
		bus_client_kill(link->client);
		return log_warning_errno(r, "Cannot talk to the bus at %s: %m", m->bus_address);
	}
	log_debug("Connecting to the bus at %s.", m->bus_address);
	return 0;
}

/* Is the bus ours, i.e. started by a dbus.socket unit of ours? Then it is only up once
 * dbus.service is. */
static bool
bus_is_ours(struct manager *m)
{
	struct unit *u = manager_get_unit(m, DBUS_SOCKET_UNIT);

	return u && u->load_state == UNIT_LOADED;
}

static bool
bus_service_active(struct manager *m)
{
	struct unit *u = manager_get_unit(m, DBUS_SERVICE_UNIT);

	return u && unit_active_state(u) == UNIT_ACTIVE;
}

static void
link_try_connect(struct bus_link *link)
{
	struct manager *m = link_manager(link);

	if (link->client || link->gave_up)
		return;
	if (bus_is_ours(m) && !bus_service_active(m))
		return; /* connecting now would start the bus daemon; wait for dbus.service */
	link_connect(link);
}

/* An external bus: wait for its socket file. */

static int
on_inotify(struct event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct bus_link *link = userdata;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const char *base = strrchr(link->socket_path, '/') + 1;
	bool ours = false;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (e->len > 0 && streq(e->name, base))
				ours = true;
			p += sizeof(*e) + e->len;
		}
	if (ours) {
		link->gave_up = false; /* a new bus */
		link_try_connect(link);
	}
	return 0;
}

static void
link_watch_socket(struct bus_link *link)
{
	_cleanup_free_ char *dir = NULL;

	if (!link->socket_path || link->inotify_fd >= 0)
		return;
	dir = strndup(link->socket_path, strrchr(link->socket_path, '/') - link->socket_path);
	if (!dir)
		return;
	link->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (link->inotify_fd < 0 ||
	    inotify_add_watch(link->inotify_fd, *dir ? dir : "/",
			      IN_CREATE | IN_MOVED_TO | IN_ATTRIB) < 0 ||
	    event_add_io(link_manager(link)->event, link->inotify_fd, EPOLLIN, on_inotify, link,
			 &link->inotify_source) < 0) {
		log_debug_errno(errno, "Cannot watch %s for the bus socket: %m", dir);
		link->inotify_fd = safe_close(link->inotify_fd);
	}
}

/* The bus address names a unix socket file: its path, else NULL. */
static char *
address_socket_path(const char *address)
{
	DBusAddressEntry **entries;
	int n;
	char *path = NULL;

	if (!dbus_parse_address(address, &entries, &n, NULL))
		return NULL;
	if (n == 1 && streq(dbus_address_entry_get_method(entries[0]), "unix")) {
		const char *p = dbus_address_entry_get_value(entries[0], "path");

		if (p && p[0] == '/')
			path = strdup(p);
	}
	dbus_address_entries_free(entries);
	return path;
}

int
bus_link_start(struct manager *m)
{
	struct bus_link *link;

	DBusError error = DBUS_ERROR_INIT;
	DBusAddressEntry **entries;
	int n;

	if (!m->bus || isempty(m->bus_address) || m->bus->link)
		return 0;
	if (!dbus_parse_address(m->bus_address, &entries, &n, &error)) {
		log_error("BusAddress=%s is not a D-Bus address (%s); staying off the bus.",
			  m->bus_address, error.message);
		dbus_error_free(&error);
		return -EINVAL;
	}
	dbus_address_entries_free(entries);
	link = calloc(1, sizeof(*link));
	if (!link)
		return log_oom();
	link->bus = m->bus;
	link->inotify_fd = -EBADF;
	link->socket_path = address_socket_path(m->bus_address);
	m->bus->link = link;
	link_try_connect(link);
	if (!link->client && !bus_is_ours(m))
		link_watch_socket(link);
	return 0;
}

void
bus_unit_state_changed(struct manager *m, struct unit *u, enum unit_active_state ns)
{
	struct bus_link *link = m->bus ? m->bus->link : NULL;

	if (!link || !streq(u->id, DBUS_SERVICE_UNIT))
		return;
	if (ns == UNIT_ACTIVE) {
		link->gave_up = false; /* a new bus */
		link_try_connect(link);
	}
	else if (link->client && ns != UNIT_RELOADING) {
		/* The bus is going away; the next dbus.service start brings a new link. */
		log_debug("dbus.service is %s, leaving the bus.", unit_active_state_to_string(ns));
		bus_client_kill(link->client);
	}
}

void
bus_link_lost(struct bus_state *bus, struct bus_client *c)
{
	struct bus_link *link = bus->link;

	if (!link || link->client != c)
		return; /* dropped already */
	if (link->ready)
		log_notice("Disconnected from the bus at %s; waiting for it to come back.",
			   bus->manager->bus_address);
	link->ready = false;
	link->client = NULL;
	while (link->calls)
		link_call_free(link->calls);
	subscribers_clear(link);
	bus_activator_link_down(bus->manager);
	/* Our own bus comes back with dbus.service (bus_unit_state_changed); connecting now,
	 * before its daemon's exit is even seen, would restart it through the socket. */
	if (bus->manager->freeing || bus_is_ours(bus->manager))
		return;
	/* A restarted outside bus may have its socket back already; else wait for it. */
	link_try_connect(link);
	if (!link->client)
		link_watch_socket(link);
}

void
bus_link_free(struct bus_state *bus)
{
	struct bus_link *link = bus->link;

	if (!link)
		return;
	bus->link = NULL; /* no lost-link callback from the client_free below */
	while (link->calls)
		link_call_free(link->calls);
	subscribers_clear(link);
	event_source_free(link->inotify_source);
	safe_close(link->inotify_fd);
	free(link->socket_path);
	free(link);
}
