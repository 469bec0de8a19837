/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_BUS_ACTIVATOR_H
#define EMBER_BUS_ACTIVATOR_H

#include "core/job.h"

struct manager;

/* Bus activation (protocols.md §3): dbus-daemon asks for a unit by name with the signal
 * org.freedesktop.systemd1.Activator.ActivationRequest; ember queues a start job, and if the
 * unit cannot be started, sends ActivationFailure back so that the waiting clients get the
 * error at once instead of the bus's 25 s timeout. Success needs no answer: the service
 * taking its name is what the bus waits for. */

/* dbus-daemon asked for the unit called name (as named in the bus's service file). */
void bus_activator_request(struct manager *m, const char *name);
/* A job ended; a start job an activation is waiting for reports its failure to the bus. */
void bus_activator_job_finished(struct manager *m, struct job *j, enum job_result result);
/* The bus went away: it forgot its pending activations, so do we. */
void bus_activator_link_down(struct manager *m);
/* Frees what the activator keeps (bus_done). */
void bus_activator_free(struct manager *m);

#endif
