/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_DBUS_INTERNAL_H
#define EMBER_DBUS_INTERNAL_H

/* Shared by the dbus*.c files and the bus activator (src/activation/bus-*.c) only: the
 * object model of the org.freedesktop.systemd1 API (interfaces as tables of methods,
 * properties and signals), the connections it is served on, and the helpers that build
 * messages. The rest of the manager uses core/dbus.h. */

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/job.h"
#include "core/unit.h"
#include "macro.h"

struct manager;

#define BUS_NAME "org.freedesktop.systemd1"
#define BUS_PATH "/org/freedesktop/systemd1"
#define BUS_UNIT_PREFIX BUS_PATH "/unit/"
#define BUS_JOB_PREFIX BUS_PATH "/job/"
#define BUS_IFACE_MANAGER BUS_NAME ".Manager"
#define BUS_IFACE_UNIT BUS_NAME ".Unit"
#define BUS_IFACE_JOB BUS_NAME ".Job"
#define BUS_IFACE_PROPERTIES "org.freedesktop.DBus.Properties"
#define BUS_IFACE_INTROSPECTABLE "org.freedesktop.DBus.Introspectable"
#define BUS_IFACE_PEER "org.freedesktop.DBus.Peer"
#define BUS_IFACE_ACTIVATOR BUS_NAME ".Activator"

#define BUS_ERROR_NO_SUCH_UNIT BUS_NAME ".NoSuchUnit"
#define BUS_ERROR_NO_UNIT_FOR_PID BUS_NAME ".NoUnitForPID"
#define BUS_ERROR_NO_SUCH_JOB BUS_NAME ".NoSuchJob"
#define BUS_ERROR_UNIT_MASKED BUS_NAME ".UnitMasked"
#define BUS_ERROR_LOAD_FAILED BUS_NAME ".LoadFailed"
#define BUS_ERROR_BAD_UNIT_SETTING BUS_NAME ".BadUnitSetting"
#define BUS_ERROR_ONLY_BY_DEPENDENCY BUS_NAME ".OnlyByDependency"
#define BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE BUS_NAME ".TransactionIsDestructive"
#define BUS_ERROR_TRANSACTION_ORDER_IS_CYCLIC BUS_NAME ".TransactionOrderIsCyclic"
#define BUS_ERROR_JOB_TYPE_NOT_APPLICABLE BUS_NAME ".JobTypeNotApplicable"
#define BUS_ERROR_NO_SUCH_PROCESS BUS_NAME ".NoSuchProcess"

struct event_source;
struct bus_io;
struct bus_link;

/* A connection the API is served on (dbus.c): a client of the private server, or the
 * manager's own connection to the system or session bus (is_bus, dbus-bus.c). */
struct bus_client {
	struct bus_state *bus;
	DBusConnection *conn;
	unsigned id;
	bool is_bus;
	struct event_source *auth_timer;
	bool dead;            /* disconnected; freed by the dispatch source */
	struct bus_client *next, *prev;
};

struct bus_state {
	struct manager *manager;
	DBusServer *servers[2];
	size_t n_servers;
	struct bus_io *ios;
	struct bus_client *clients;
	size_t n_clients;
	unsigned next_client_id;
	struct event_source *dispatch_source;
	struct bus_link *link;  /* the message bus connection and its state (dbus-bus.c) */
	struct hashmap *name_watches; /* bus name (owned) -> unit (activation/bus-names.c) */
	struct hashmap *activations;  /* job id -> names asked for (activation/bus-activator.c) */
};

/* One method call being handled. The handler leaves its answer in reply (a method return
 * or an error); the dispatcher sends it unless the caller asked for no reply. */
struct bus_call {
	struct manager *manager;
	struct bus_client *client;
	DBusMessage *message;
	void *object;       /* what the path names: the manager, a unit or a job */
	DBusMessage *reply;
	/* The caller may change the system: root or the manager's own user. Always so on the
	 * private socket (it admits nobody else); on a message bus, asked of the bus. */
	bool privileged;
};

struct bus_property;
/* Appends the value (not the variant) to it. Returns false on OOM. */
typedef bool (*bus_property_get_fn)(DBusMessageIter *it, void *object,
				    const struct bus_property *p);

struct bus_property {
	const char *name;
	const char *signature;
	bus_property_get_fn get;
	size_t arg;   /* an offset into the object, or whatever the getter wants */
};

/* Returns 0 (with c->reply set, unless it was sent already) or -ENOMEM. */
typedef int (*bus_method_fn)(struct bus_call *c);

struct bus_method {
	const char *name;
	const char *in, *out;
	bus_method_fn handler;
	/* Anyone may call it (it only reads state), as the conventional bus policy says;
	 * every other method answers AccessDenied to an unprivileged caller. */
	bool open;
};
#define BUS_OPEN true

struct bus_signal {
	const char *name;
	const char *signature;
};

/* Tables end with a row whose name is NULL; any table may be NULL. */
struct bus_interface {
	const char *name;
	const struct bus_method *methods;
	const struct bus_property *properties;
	/* A second table under the same interface name: the cgroup properties every type
	 * with a cgroup adds to its own interface, as systemd does. */
	const struct bus_property *more_properties;
	const struct bus_signal *signals;
};

#define BUS_OBJECT_MAX_INTERFACES 3

/* What an object path resolved to, for the duration of one call. */
struct bus_object {
	void *data;
	const struct bus_interface *interfaces[BUS_OBJECT_MAX_INTERFACES + 1];
	char **children;       /* child node names for Introspect (owned) */
	struct unit *phantom;  /* owned stand-in for a unit that cannot exist (dbus-unit.c) */
};

/* dbus.c */
/* Registers a connection (a private client, or the bus link when is_bus) with the loop:
 * watches, timeouts, dispatching, the method-call filter. NULL on OOM (conn is closed). */
struct bus_client *bus_client_add(struct bus_state *bus, DBusConnection *conn, bool is_bus);
/* Marks c dead; the dispatch source frees it (client_free) in the next iteration. */
void bus_client_kill(struct bus_client *c);
/* Routes a method call (whose caller's privilege c->privileged is known) and sends the
 * answer. Used for calls that waited for the caller's credentials. */
void bus_call_dispatch(struct bus_call *c);
/* True if any client would receive a signal now. */
bool bus_has_listeners(struct manager *m);
/* Sends a copy of msg to every connected client, and to the message bus if anyone there
 * subscribed or to_bus (a job a bus caller queued: it waits for JobRemoved without
 * subscribing, as systemctl does). msg stays the caller's. */
void bus_broadcast(struct manager *m, DBusMessage *msg, bool to_bus);
/* The peer's PID, 0 if unknown. */
pid_t bus_client_pid(struct bus_client *c);
/* Sends c->reply now (so that signals can follow it) and clears it. */
void bus_call_send_reply(struct bus_call *c);

/* dbus-object.c: building messages. Strings that are not UTF-8 are repaired rather
 * than handed to libdbus, which aborts the process on them. All return false on OOM. */
bool bus_append_string(DBusMessageIter *it, const char *s);
bool bus_append_path(DBusMessageIter *it, const char *path);
bool bus_append_strv(DBusMessageIter *it, char *const *l);
bool bus_append_bool(DBusMessageIter *it, bool b);
bool bus_append_u32(DBusMessageIter *it, uint32_t v);
bool bus_append_i32(DBusMessageIter *it, int32_t v);
bool bus_append_u64(DBusMessageIter *it, uint64_t v);

/* Generic getters; p->arg is the field's offset in the object. */
bool bus_property_get_string(DBusMessageIter *it, void *object, const struct bus_property *p);
bool bus_property_get_strv(DBusMessageIter *it, void *object, const struct bus_property *p);
bool bus_property_get_bool(DBusMessageIter *it, void *object, const struct bus_property *p);
bool bus_property_get_usec(DBusMessageIter *it, void *object, const struct bus_property *p);
bool bus_property_get_int(DBusMessageIter *it, void *object, const struct bus_property *p);
bool bus_property_get_unsigned(DBusMessageIter *it, void *object, const struct bus_property *p);
/* struct dual_timestamp at p->arg: its realtime or monotonic half. */
bool bus_property_get_realtime(DBusMessageIter *it, void *object, const struct bus_property *p);
bool bus_property_get_monotonic(DBusMessageIter *it, void *object, const struct bus_property *p);
/* Constant values (for properties kept for compatibility). */
bool bus_property_get_empty_string(DBusMessageIter *it, void *object,
				   const struct bus_property *p);
bool bus_property_get_false(DBusMessageIter *it, void *object, const struct bus_property *p);

/* Creates c->reply as a method return and opens it for appending. 0 or -ENOMEM. */
int bus_call_return_iter(struct bus_call *c, DBusMessageIter *it);
/* An empty method return. */
int bus_call_return_empty(struct bus_call *c);
/* A method return with one object path / string. */
int bus_call_return_path(struct bus_call *c, const char *path);
int bus_call_return_string(struct bus_call *c, const char *s);
/* Sets c->reply to an error. 0 or -ENOMEM. */
int bus_call_error(struct bus_call *c, const char *name, const char *fmt, ...) _printf_(3, 4);
/* An error named after -errno (FileNotFound, InvalidArgs, ...), text strerror + detail. */
int bus_call_error_errno(struct bus_call *c, int error, const char *detail);
/* Reads the arguments; the dispatcher checked the signature already. 0 or -ENOMEM. */
int bus_call_get_args(struct bus_call *c, int first_type, ...);

/* Appends {name: variant} entries of interface i to an open a{sv}; names NULL = all. */
bool bus_append_properties(DBusMessageIter *dict, const struct bus_interface *i, void *object,
			   const char *const *names);
/* A PropertiesChanged signal for path with the named properties of i. NULL on OOM. */
DBusMessage *bus_properties_changed_new(const char *path, const struct bus_interface *i,
					void *object, const char *const *names);
/* Routes a call to the object's interfaces, Properties and Introspectable. */
int bus_object_call(struct bus_call *c, struct bus_object *o);
void bus_object_done(struct bus_object *o);

/* dbus-bus.c: the connection to the message bus. */
/* A method call arrived on the bus link: asks the bus for the caller's uid, then
 * dispatches it (bus_call_dispatch). */
void bus_link_method_call(struct bus_client *c, DBusMessage *msg);
/* A signal arrived on the bus link (activation requests, NameOwnerChanged). */
void bus_link_signal(struct bus_client *c, DBusMessage *msg);
/* The bus link c disconnected or is being dropped: forgets it (if it is still the link)
 * and waits for the bus again. */
void bus_link_lost(struct bus_state *bus, struct bus_client *c);
void bus_link_free(struct bus_state *bus);
/* Subscribe/Unsubscribe from a bus caller: signals go to the bus only while someone is
 * subscribed. Returns 0 or -ENOMEM. */
int bus_link_subscribe(struct bus_call *c, bool subscribe);
bool bus_link_has_subscribers(struct bus_state *bus);
/* The bus link's connection once it owns the name, or NULL. */
struct bus_client *bus_link_client(struct bus_state *bus);
/* The bus link's connection, also while the handshake runs: the bus sends the activation
 * requests it held for us before it answers RequestName. */
struct bus_client *bus_link_connection(struct bus_state *bus);
/* Our calls to the bus. fn gets the reply (a method return or an error), not called if the
 * link goes first; NULL fn = no reply wanted. data is freed with free_data after fn, or at
 * once on failure. Returns 0, -ENOTCONN (no link) or -ENOMEM. */
typedef void (*bus_link_reply_fn)(struct manager *m, DBusMessage *reply, void *data);
int bus_link_call(struct bus_state *bus, DBusMessage *msg, bus_link_reply_fn fn, void *data,
		  void (*free_data)(void *data));
/* A call to the bus driver (org.freedesktop.DBus) with the given arguments. */
int bus_link_driver_call(struct bus_state *bus, const char *member, bus_link_reply_fn fn,
			 void *data, void (*free_data)(void *data), int first_type, ...);
/* AddMatch / RemoveMatch. */
int bus_link_match(struct bus_state *bus, const char *rule, bool add);
/* The match rule for NameOwnerChanged of name. NULL on OOM. */
char *bus_name_owner_match(const char *name);

/* dbus-manager.c */
extern const struct bus_interface bus_manager_interface;
/* Objects above the manager and the manager itself; -ENOENT if path is no such node. */
int bus_manager_object_find(struct manager *m, const char *path, struct bus_object *o);

/* dbus-unit.c */
extern const struct bus_interface bus_unit_interface;
extern const struct bus_interface bus_job_interface;
/* Resolves a path below /org/freedesktop/systemd1/unit or /job. -ENOENT, -ENOMEM. */
int bus_unit_object_find(struct manager *m, const char *path, struct bus_object *o);
int bus_job_object_find(struct manager *m, const char *path, struct bus_object *o);
/* The unit called name: loaded (with its dependencies) if load, else only if present.
 * Returns 1 with *ret, or 0 with an error reply in c (NoSuchUnit, InvalidArgs), or
 * -ENOMEM. */
int bus_unit_by_name(struct bus_call *c, const char *name, bool load, struct unit **ret);
/* Queues a job as StartUnit & co. do, answering c with the job path or an error.
 * reload_if_possible turns RESTART into RELOAD_OR_START for units that can reload. */
int bus_unit_enqueue(struct bus_call *c, struct unit *u, enum job_type type,
		     const char *mode, bool reload_if_possible);
/* Kill/KillUnit: checks whom ("" = all) and sig, answers c. */
int bus_unit_kill(struct bus_call *c, struct unit *u, const char *whom, int sig);
/* Appends (id, description, load, active, sub, following, path, job id, type, job path). */
bool bus_unit_append_list_entry(DBusMessageIter *array, struct unit *u);
/* Appends (id, unit, type, state, job path, unit path). */
bool bus_job_append_list_entry(DBusMessageIter *array, struct job *j);
/* Children for Introspect of /org/freedesktop/systemd1/unit and /job. */
char **bus_unit_children(struct manager *m);
char **bus_job_children(struct manager *m);

/* dbus-service.c */
extern const struct bus_interface bus_service_interface;
extern const struct bus_property bus_cgroup_properties[];
/* Properties that change at run time, for PropertiesChanged. */
extern const char *const bus_service_changed_properties[];

/* dbus-socket.c */
extern const struct bus_interface bus_socket_interface;
extern const char *const bus_socket_changed_properties[];

/* dbus-device.c */
extern const struct bus_property bus_device_properties[];

/* dbus-mount.c, dbus-automount.c */
extern const struct bus_property bus_mount_properties[];
extern const struct bus_property bus_automount_properties[];
extern const struct bus_property bus_swap_properties[];

/* dbus-manager-units.c: unit and job methods of the Manager interface. */
int bus_method_get_unit(struct bus_call *c);
int bus_method_load_unit(struct bus_call *c);
int bus_method_get_unit_by_pid(struct bus_call *c);
int bus_method_start_unit(struct bus_call *c);
int bus_method_stop_unit(struct bus_call *c);
int bus_method_reload_unit(struct bus_call *c);
int bus_method_restart_unit(struct bus_call *c);
int bus_method_try_restart_unit(struct bus_call *c);
int bus_method_reload_or_restart_unit(struct bus_call *c);
int bus_method_reload_or_try_restart_unit(struct bus_call *c);
int bus_method_kill_unit(struct bus_call *c);
int bus_method_set_unit_properties(struct bus_call *c);
/* Applies an a(sv) of cgroup properties to u at runtime (dbus-cgroup.c). */
int bus_unit_set_properties(struct bus_call *c, struct unit *u, DBusMessageIter *array);
/* A typed property value (s, b, t) as "Key=value" in unit-file syntax; -EINVAL for other
 * types (dbus-cgroup.c). */
int bus_property_assignment(const char *name, DBusMessageIter *v, char **ret);
int bus_method_start_transient_unit(struct bus_call *c);
/* /org/freedesktop/systemd1/unit/self: the unit pid belongs to; -ENOENT if none. */
int bus_unit_object_for_pid(struct manager *m, pid_t pid, struct bus_object *o);
int bus_method_reset_failed_unit(struct bus_call *c);
int bus_method_reset_failed(struct bus_call *c);
int bus_method_get_unit_processes(struct bus_call *c);
int bus_method_get_job(struct bus_call *c);
int bus_method_cancel_job(struct bus_call *c);
int bus_method_clear_jobs(struct bus_call *c);
int bus_method_list_jobs(struct bus_call *c);
int bus_method_list_units(struct bus_call *c);
int bus_method_list_units_filtered(struct bus_call *c);
int bus_method_list_units_by_patterns(struct bus_call *c);
int bus_method_list_units_by_names(struct bus_call *c);

/* dbus-manager-files.c: unit file methods of the Manager interface. */
int bus_method_list_unit_files(struct bus_call *c);
int bus_method_list_unit_files_by_patterns(struct bus_call *c);
int bus_method_get_unit_file_state(struct bus_call *c);
int bus_method_enable_unit_files(struct bus_call *c);
int bus_method_disable_unit_files(struct bus_call *c);
int bus_method_mask_unit_files(struct bus_call *c);
int bus_method_unmask_unit_files(struct bus_call *c);
int bus_method_set_default_target(struct bus_call *c);
int bus_method_get_default_target(struct bus_call *c);

#endif
