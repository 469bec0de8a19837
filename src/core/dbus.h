/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_DBUS_H
#define EMBER_DBUS_H

#include "core/job.h"
#include "core/unit.h"

struct manager;
struct unit;

/* The org.freedesktop.systemd1 API (protocols.md §4), served with libdbus on the private
 * socket RUNTIME_DIR/private (peer-to-peer, root and the manager's own uid only) and, as
 * PID 1, also on /run/systemd/private so unmodified systemctl works. Every function here is
 * a no-op when no API server runs (--test). */

/* Creates the listening socket(s) and hooks them into the event loop. */
int bus_init(struct manager *m);
void bus_done(struct manager *m);

/* The message bus (dbus-bus.c): connects to BusAddress= now, or once the bus is up
 * (dbus.service active, or its socket file appearing). Call once units are loaded. */
int bus_link_start(struct manager *m);
/* unit_notify: dbus.service coming up or going down moves the bus link. */
void bus_unit_state_changed(struct manager *m, struct unit *u, enum unit_active_state ns);

/* Signals to subscribed clients. */
void bus_send_job_new(struct manager *m, struct job *j);
void bus_send_job_removed(struct manager *m, struct job *j, enum job_result result);
void bus_send_unit_new(struct manager *m, struct unit *u);
void bus_send_unit_removed(struct manager *m, struct unit *u);
/* PropertiesChanged for the unit (and its type interface). */
void bus_send_unit_changed(struct manager *m, struct unit *u);
void bus_send_reloading(struct manager *m, bool active);
void bus_send_startup_finished(struct manager *m);

#endif
