/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_BUS_NAMES_H
#define EMBER_BUS_NAMES_H

struct manager;
struct unit;

/* Bus names that units follow (BusName= of services): whether somebody owns the name on the
 * message bus, learnt from NameOwnerChanged and, whenever the link (re)connects, from one
 * GetNameOwner call. The unit hears of it through its vtable's bus_name_owner_change. One
 * unit per name. */

/* Starts following name for u. 0, -EEXIST (another unit follows it) or -ENOMEM. Without an
 * API server (--test) nothing is followed and 0 is returned. */
int bus_names_watch(struct manager *m, struct unit *u, const char *name);
void bus_names_unwatch(struct manager *m, struct unit *u, const char *name);
/* From the bus link: NameOwnerChanged (new_owner "" = gone). */
void bus_names_owner_changed(struct manager *m, const char *name, const char *new_owner);
/* The link owns its name now: match and ask for every followed name. */
void bus_names_link_up(struct manager *m);
void bus_names_free(struct manager *m);

#endif
