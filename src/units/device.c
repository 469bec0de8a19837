/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/event.h"
#include "core/manager.h"
#include "core/transaction.h"
#include "core/unit.h"
#include "hashmap.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "unit-name.h"
#include "units/device.h"
#include "units/unit-vtable.h"

/* Device units follow udev; the manager never changes a device itself.
 *
 *   dead ---- udev: add/change of a ready device that has this name ----> plugged
 *   plugged - udev: remove, SYSTEMD_READY=0, or the name went elsewhere -> dead
 *
 * Every name of a device is a unit object of its own (sys-devices-....device,
 * dev-sda1.device, dev-disk-by\x2duuid-....device), as in systemd. A unit that named one
 * of them before the device existed (BindsTo=dev-loop0.device) holds exactly the object
 * that becomes plugged, and a link that moves to another device (a by-label name on a new
 * disk) takes its unit along, so no two objects ever have to be merged. The monitor keeps
 * one record per plugged device (its sysfs path, the names it holds, what it wants).
 *
 * A start job on a device waits for "plugged" and fails by its job timeout; nothing can
 * stop a device. */

enum device_state {
	DEVICE_DEAD,    /* no ready device holds this name */
	DEVICE_PLUGGED, /* udev announced a ready device with this name */
	_DEVICE_STATE_MAX,
};

struct device {
	struct unit meta;
	enum device_state state;
	char *sysfs;                /* the device holding the name; NULL while dead */
	bool description_from_udev; /* u->description is ours, not the unit file's */
};

#define DEVICE(u) ((struct device *)(u))

/* A device udev reports as ready. */
struct device_record {
	char *sysfs;        /* the key in device_monitor.records */
	char **names;       /* unit names it holds */
	char **wants;       /* SYSTEMD_WANTS= (SYSTEMD_USER_WANTS=) as unit names */
	char *description;  /* model and label, or the sysfs path */
	bool seen;          /* found by the enumeration in progress */
};

struct device_monitor {
	struct manager *manager;
	struct udev *udev;
	struct udev_monitor *monitor; /* NULL if events cannot be followed */
	struct event_source *io;
	struct hashmap *records;      /* sysfs path -> struct device_record */
	/* Enumerating at start-up: what udev had before the manager came is state, not
	 * an event (no jobs, signals or wanted units yet). */
	bool coldplug;
};

/* A udev event storm (udevadm trigger at boot) is thousands of messages; a lost one is
 * a wrong state until the next resync. The kernel only charges what is queued. */
#define MONITOR_RECEIVE_BUFFER (128 * 1024 * 1024)
/* Messages handled per wake-up, so that other sources get their turn in a storm. */
#define MONITOR_BATCH 256

static const char *const state_names[_DEVICE_STATE_MAX] = {
	[DEVICE_DEAD] = "dead",
	[DEVICE_PLUGGED] = "plugged",
};

static const enum unit_active_state state_map[_DEVICE_STATE_MAX] = {
	[DEVICE_DEAD] = UNIT_INACTIVE,
	[DEVICE_PLUGGED] = UNIT_ACTIVE,
};

static void
device_set_state(struct device *d, enum device_state st, bool quiet)
{
	struct unit *u = UNIT(d);
	enum device_state old = d->state;

	d->state = st;
	if (old == st)
		return;
	log_unit_debug(u, "Changed %s -> %s.", state_names[old], state_names[st]);
	if (!quiet) {
		unit_notify(u, state_map[old], state_map[st], true);
		return;
	}
	/* Before start-up there are no jobs to finish and nobody to tell; unit_notify()
	 * would even count the empty job list as "startup finished". */
	if (st == DEVICE_PLUGGED) {
		dual_timestamp_now(&u->inactive_exit_timestamp);
		u->active_enter_timestamp = u->inactive_exit_timestamp;
	} else {
		dual_timestamp_now(&u->active_exit_timestamp);
		u->inactive_enter_timestamp = u->active_exit_timestamp;
	}
	u->last_active_state = state_map[st];
	unit_add_to_dbus_queue(u);
}

static struct device_record *
record_free(struct device_record *rec)
{
	if (!rec)
		return NULL;
	free(rec->sysfs);
	strv_free(rec->names);
	strv_free(rec->wants);
	free(rec->description);
	free(rec);
	return NULL;
}

/* The record, other than except, that holds name; NULL if none. */
static struct device_record *
record_holding(struct device_monitor *mon, const char *name, const struct device_record *except)
{
	struct device_record *rec;
	const char *k;

	HASHMAP_FOREACH(k, rec, mon->records)
		if (rec != except && strv_contains(rec->names, name))
			return rec;
	return NULL;
}

static int
device_take_sysfs(struct device *d, const char *sysfs)
{
	char *s;

	if (d->sysfs && streq(d->sysfs, sysfs))
		return 0;
	s = strdup(sysfs);
	if (!s)
		return -ENOMEM;
	free(d->sysfs);
	d->sysfs = s;
	return 0;
}

/* rec no longer holds name: its unit goes dead, unless another plugged device has the
 * same name (two disks with one label), which then holds it. */
static void
name_release(struct device_monitor *mon, const char *name, struct device_record *rec)
{
	struct unit *u = manager_get_unit(mon->manager, name);
	struct device_record *other;
	struct device *d;

	if (!u || u->type != UNIT_DEVICE)
		return;
	d = DEVICE(u);
	if (!d->sysfs || !streq(d->sysfs, rec->sysfs))
		return; /* another device took the name meanwhile */
	other = record_holding(mon, name, rec);
	if (other && device_take_sysfs(d, other->sysfs) >= 0)
		return;
	d->sysfs = mfree(d->sysfs);
	device_set_state(d, DEVICE_DEAD, mon->coldplug);
}

static void
device_set_description(struct unit *u, const struct device_record *rec)
{
	char *s;

	if (!rec->description || (u->description && !DEVICE(u)->description_from_udev))
		return;
	if (u->description && streq(u->description, rec->description))
		return;
	s = strdup(rec->description);
	if (!s)
		return; /* a missing description is no reason to fail */
	free(u->description);
	u->description = s;
	DEVICE(u)->description_from_udev = true;
}

/* Wants= on what the device wants; bad names were dropped when the record was made. */
static int
device_add_wants(struct unit *u, const struct device_record *rec)
{
	STRV_FOREACH(w, rec->wants) {
		int r = unit_add_dependency_by_name(u, UNIT_WANTS, *w, true);

		if (r == -ENOMEM)
			return r;
		if (r < 0)
			log_unit_debug_errno(u, r, "Cannot add Wants=%s: %m", *w);
	}
	return 0;
}

/* rec holds name: its unit (made now if needed) is plugged and follows rec. */
static int
name_hold(struct device_monitor *mon, const char *name, struct device_record *rec)
{
	struct unit *u;
	struct device *d;
	int r;

	r = manager_load_unit(mon->manager, name, &u);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || u->type != UNIT_DEVICE) {
		log_debug("Device %s: no unit for %s, skipping.", rec->sysfs, name);
		return 0;
	}
	d = DEVICE(u);
	r = device_take_sysfs(d, rec->sysfs);
	if (r < 0)
		return r;
	/* A unit still to be loaded gets these in device_load(), after its file. */
	if (u->load_state != UNIT_STUB)
		device_set_description(u, rec);
	r = device_add_wants(u, rec);
	if (r < 0)
		return r;
	device_set_state(d, DEVICE_PLUGGED, mon->coldplug);
	return 0;
}

/* Starts what the device wants (SYSTEMD_WANTS=) when it comes, and for a device that was
 * plugged already, what a change added (so that a rule edited and re-triggered takes
 * effect without unplugging). Mode "fail": a unit being stopped on purpose stays so. */
static void
device_start_wants(struct device_monitor *mon, const struct device_record *rec, char **already)
{
	struct manager *m = mon->manager;

	STRV_FOREACH(w, rec->wants) {
		_cleanup_free_ char *error = NULL;
		struct unit *other;
		int r;

		if (strv_contains(already, *w))
			continue;
		r = manager_load_unit(m, *w, &other);
		if (r < 0) {
			log_warning_errno(r, "Device %s: cannot load %s, which it wants: %m",
					  rec->sysfs, *w);
			continue;
		}
		manager_dispatch_load_queue(m);
		r = manager_add_job(m, JOB_START, other, JOB_FAIL, NULL, &error);
		if (r < 0)
			log_warning("Device %s: cannot start %s, which it wants: %s", rec->sysfs,
				    other->id, strna(error));
		else
			log_debug("Device %s: starting %s, which it wants.", rec->sysfs, other->id);
	}
}

/* A ready device with these names: takes ownership of names, wants and description. */
static int
device_found(struct device_monitor *mon, const char *sysfs, char **names, char **wants,
	     char *description)
{
	_cleanup_strv_free_ char **old_names = NULL, **old_wants = NULL;
	struct device_record *rec = hashmap_get(mon->records, sysfs);
	bool was_plugged = rec != NULL;
	int r;

	if (!rec) {
		rec = calloc(1, sizeof(*rec));
		if (!rec || !(rec->sysfs = strdup(sysfs)) ||
		    hashmap_put(mon->records, rec->sysfs, rec) < 0) {
			record_free(rec);
			strv_free(names);
			strv_free(wants);
			free(description);
			return -ENOMEM;
		}
	}
	old_names = rec->names;
	old_wants = rec->wants;
	rec->names = names;
	rec->wants = wants;
	free(rec->description);
	rec->description = description;
	rec->seen = true;
	/* A link udev removed (a changed label) takes its unit down; the rest follow. */
	STRV_FOREACH(n, old_names)
		if (!strv_contains(rec->names, *n))
			name_release(mon, *n, rec);
	STRV_FOREACH(n, rec->names) {
		r = name_hold(mon, *n, rec);
		if (r < 0)
			return r;
	}
	if (!mon->coldplug && rec->wants)
		device_start_wants(mon, rec, was_plugged ? old_wants : NULL);
	return 0;
}

/* The device at sysfs is gone or not ready: every name it held goes. */
static void
device_gone(struct device_monitor *mon, const char *sysfs)
{
	struct device_record *rec = hashmap_remove(mon->records, sysfs);

	if (!rec)
		return;
	STRV_FOREACH(n, rec->names)
		name_release(mon, *n, rec);
	record_free(rec);
}

/* Adds the unit name of path (sysfs path, device node, link, alias) to *names. A path
 * that makes no valid name (too long: 255 bytes at most) is skipped. */
static int
names_add_path(char ***names, const char *path)
{
	_cleanup_free_ char *n = NULL;
	int r;

	if (isempty(path))
		return 0;
	r = unit_name_from_path(path, ".device", &n);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		log_debug_errno(r, "No device unit name for %s, skipping: %m", path);
		return 0;
	}
	if (strv_contains(*names, n))
		return 0;
	return strv_consume(names, TAKE_PTR(n));
}

/* Two disks may both want /dev/disk/by-label/x; the one the link leads to gets the name.
 * If the link cannot be looked at, udev's word stands. */
static bool
link_is_ours(const char *link, dev_t devnum)
{
	struct stat st;

	if (devnum == 0 || stat(link, &st) < 0)
		return true;
	return (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) && st.st_rdev == devnum;
}

static int
names_add_links(char ***names, struct udev_device *dev)
{
	dev_t devnum = udev_device_get_devnum(dev);
	struct udev_list_entry *e;

	udev_list_entry_foreach(e, udev_device_get_devlinks_list_entry(dev)) {
		const char *link = udev_list_entry_get_name(e);
		int r;

		/* /dev/block/8:1 and /dev/char/4:1 name every device; nobody waits for them. */
		if (!link || startswith(link, "/dev/block/") || startswith(link, "/dev/char/"))
			continue;
		if (!link_is_ours(link, devnum)) {
			log_debug("Link %s belongs to another device now, skipping.", link);
			continue;
		}
		r = names_add_path(names, link);
		if (r < 0)
			return r;
	}
	return 0;
}

/* SYSTEMD_ALIAS=: extra names, absolute paths separated by blanks. */
static int
names_add_aliases(char ***names, const char *sysfs, const char *value)
{
	_cleanup_strv_free_ char **words = NULL;

	if (isempty(value))
		return 0;
	words = strv_split(value, " \t\n");
	if (!words)
		return -ENOMEM;
	STRV_FOREACH(w, words) {
		int r;

		if (**w != '/') {
			log_debug("Device %s: SYSTEMD_ALIAS=%s is not an absolute path, skipping.",
				  sysfs, *w);
			continue;
		}
		r = names_add_path(names, *w);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The unit names of a device: its sysfs path first, then its node, links and aliases. */
static int
device_names(struct udev_device *dev, const char *sysfs, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	r = names_add_path(&names, sysfs);
	if (r >= 0)
		r = names_add_path(&names, udev_device_get_devnode(dev));
	if (r >= 0)
		r = names_add_links(&names, dev);
	if (r >= 0)
		r = names_add_aliases(&names, sysfs,
				      udev_device_get_property_value(dev, "SYSTEMD_ALIAS"));
	if (r < 0)
		return r;
	*ret = TAKE_PTR(names);
	return 0;
}

/* One word of SYSTEMD_WANTS= as a unit name: no suffix means a service, a template gets
 * the device's escaped sysfs path as its instance. 0 with *ret NULL for a bad word. */
static int
want_name(const char *word, const char *sysfs, char **ret)
{
	_cleanup_free_ char *name = NULL, *instance = NULL;
	int r;

	*ret = NULL;
	r = unit_name_mangle(word, ".service", &name);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	if (!unit_name_is_valid(name, UNIT_NAME_TEMPLATE)) {
		*ret = TAKE_PTR(name);
		return 0;
	}
	r = unit_name_path_escape(sysfs, &instance);
	if (r >= 0)
		r = unit_name_replace_instance(name, instance, ret);
	if (r >= 0 && !unit_name_is_valid(*ret, UNIT_NAME_INSTANCE))
		*ret = mfree(*ret); /* the instance made it too long */
	return r == -ENOMEM ? r : 0;
}

static int
device_wants(struct manager *m, struct udev_device *dev, const char *sysfs, char ***ret)
{
	const char *key = m->scope == SCOPE_USER ? "SYSTEMD_USER_WANTS" : "SYSTEMD_WANTS";
	const char *value = udev_device_get_property_value(dev, key);
	_cleanup_strv_free_ char **words = NULL, **names = NULL;

	*ret = NULL;
	if (isempty(value))
		return 0;
	words = strv_split(value, " \t\n");
	if (!words)
		return -ENOMEM;
	STRV_FOREACH(w, words) {
		char *name;
		int r = want_name(*w, sysfs, &name);

		if (r < 0)
			return r;
		if (!name) {
			log_warning("Device %s: %s= names \"%s\", which is no unit name; ignoring it.",
				    sysfs, key, *w);
			continue;
		}
		if (strv_contains(names, name)) {
			free(name);
			continue;
		}
		if (strv_consume(&names, name) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(names);
	return 0;
}

static const char *
property(struct udev_device *dev, const char *key)
{
	const char *v = udev_device_get_property_value(dev, key);

	return isempty(v) ? NULL : v;
}

/* "model label" as systemd words it, else the sysfs path. NULL on OOM. */
static char *
device_description(struct udev_device *dev, const char *sysfs)
{
	const char *model = property(dev, "ID_MODEL_FROM_DATABASE");
	const char *label;
	char *s;

	if (!model)
		model = property(dev, "ID_MODEL");
	if (!model)
		return strdup(sysfs);
	label = property(dev, "ID_FS_LABEL");
	if (!label)
		label = property(dev, "ID_PART_ENTRY_NAME");
	if (!label)
		label = property(dev, "ID_PART_ENTRY_NUMBER");
	if (!label)
		return strdup(model);
	return asprintf(&s, "%s %s", model, label) < 0 ? NULL : s;
}

/* SYSTEMD_READY=0 (a loop device without a file, a RAID still being assembled): the
 * device exists but nobody should use it yet. */
static bool
device_is_ready(struct udev_device *dev)
{
	const char *v = udev_device_get_property_value(dev, "SYSTEMD_READY");

	return !v || parse_boolean(v) != 0;
}

/* One udev device, from an event (action) or the enumeration (action NULL). */
static int
device_process(struct device_monitor *mon, struct udev_device *dev, const char *action)
{
	_cleanup_strv_free_ char **names = NULL, **wants = NULL;
	const char *sysfs = udev_device_get_syspath(dev);
	char *description;
	int r;

	if (isempty(sysfs))
		return 0;
	if (action && streq(action, "move")) {
		const char *old = property(dev, "DEVPATH_OLD");
		_cleanup_free_ char *old_sysfs = old ? strjoin("/sys", old) : NULL;

		if (old && !old_sysfs)
			return -ENOMEM;
		if (old_sysfs)
			device_gone(mon, old_sysfs);
	}
	if ((action && streq(action, "remove")) || !device_is_ready(dev)) {
		device_gone(mon, sysfs);
		return 0;
	}
	r = device_names(dev, sysfs, &names);
	if (r >= 0)
		r = device_wants(mon->manager, dev, sysfs, &wants);
	if (r < 0)
		return r;
	description = device_description(dev, sysfs);
	if (!description)
		return -ENOMEM;
	return device_found(mon, sysfs, TAKE_PTR(names), TAKE_PTR(wants), description);
}

/* Device units that are plugged but that no record holds (state carried over from
 * before, a record lost to OOM) go dead. Names are collected first: unit_notify() may
 * load units and so change the table being walked. */
static void
device_sweep_units(struct device_monitor *mon)
{
	struct manager *m = mon->manager;
	_cleanup_strv_free_ char **stale = NULL;
	struct unit *u;
	const char *k;

	HASHMAP_FOREACH(k, u, m->units) {
		struct device *d = DEVICE(u);

		if (!streq(k, u->id) || u->type != UNIT_DEVICE || d->state != DEVICE_PLUGGED)
			continue;
		if (d->sysfs && hashmap_contains(mon->records, d->sysfs))
			continue;
		if (strv_extend(&stale, u->id) < 0) {
			log_oom();
			break;
		}
	}
	STRV_FOREACH(n, stale) {
		u = manager_get_unit(m, *n);
		if (!u || u->type != UNIT_DEVICE)
			continue;
		DEVICE(u)->sysfs = mfree(DEVICE(u)->sysfs);
		device_set_state(DEVICE(u), DEVICE_DEAD, mon->coldplug);
	}
}

/* Records the enumeration did not find belong to devices that went while we were not
 * listening. */
static void
device_sweep_records(struct device_monitor *mon)
{
	for (;;) {
		struct device_record *rec, *stale = NULL;
		const char *k;

		HASHMAP_FOREACH(k, rec, mon->records)
			if (!rec->seen) {
				stale = rec;
				break;
			}
		if (!stale)
			break;
		device_gone(mon, stale->sysfs);
	}
}

static void
device_process_syspath(struct device_monitor *mon, const char *syspath)
{
	struct udev_device *dev = udev_device_new_from_syspath(mon->udev, syspath);

	if (!dev) {
		log_debug_errno(errno, "Device %s went away while enumerating: %m", syspath);
		return;
	}
	if (device_process(mon, dev, NULL) == -ENOMEM)
		log_oom();
	udev_device_unref(dev);
}

/* Reads the list of initialized devices tagged "systemd" and makes the units agree with
 * it: at start-up, and after the monitor lost events. */
static int
device_enumerate(struct device_monitor *mon)
{
	struct udev_enumerate *e = udev_enumerate_new(mon->udev);
	struct udev_list_entry *item;
	struct device_record *rec;
	const char *k;
	int r;

	if (!e)
		return errno > 0 ? -errno : -ENOMEM;
	r = udev_enumerate_add_match_tag(e, "systemd");
	if (r >= 0)
		r = udev_enumerate_add_match_is_initialized(e);
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0) {
		udev_enumerate_unref(e);
		return r;
	}
	HASHMAP_FOREACH(k, rec, mon->records)
		rec->seen = false;
	udev_list_entry_foreach(item, udev_enumerate_get_list_entry(e)) {
		const char *syspath = udev_list_entry_get_name(item);

		if (syspath)
			device_process_syspath(mon, syspath);
	}
	udev_enumerate_unref(e);
	device_sweep_records(mon);
	device_sweep_units(mon);
	return 0;
}

static void
monitor_resync(struct device_monitor *mon)
{
	int r;

	log_warning("udev events were lost (receive buffer overrun); reading all devices again.");
	r = device_enumerate(mon);
	if (r < 0)
		log_warning_errno(r, "Failed to enumerate devices: %m");
}

static int
monitor_dispatch(struct event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct device_monitor *mon = userdata;

	for (int i = 0; i < MONITOR_BATCH; i++) {
		struct udev_device *dev = udev_monitor_receive_device(mon->monitor);
		int r;

		if (!dev) {
			if (errno == ENOBUFS)
				monitor_resync(mon);
			else if (errno != EAGAIN && errno != EINTR)
				log_debug_errno(errno, "Failed to receive a udev event: %m");
			break;
		}
		r = device_process(mon, dev, udev_device_get_action(dev));
		if (r == -ENOMEM)
			log_oom();
		udev_device_unref(dev);
	}
	return 0;
}

static int
monitor_open(struct device_monitor *mon)
{
	int fd, flags, r;

	mon->monitor = udev_monitor_new_from_netlink(mon->udev, "udev");
	if (!mon->monitor)
		return errno > 0 ? -errno : -ENOMEM;
	r = udev_monitor_filter_add_match_tag(mon->monitor, "systemd");
	if (r < 0)
		return r;
	r = udev_monitor_set_receive_buffer_size(mon->monitor, MONITOR_RECEIVE_BUFFER);
	if (r < 0)
		log_debug_errno(r, "Cannot enlarge the udev monitor's buffer: %m");
	r = udev_monitor_enable_receiving(mon->monitor);
	if (r < 0)
		return r;
	fd = udev_monitor_get_fd(mon->monitor);
	if (fd < 0)
		return fd;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	return event_add_io(mon->manager->event, fd, EPOLLIN, monitor_dispatch, mon, &mon->io);
}

int
device_monitor_start(struct manager *m)
{
	struct device_monitor *mon;
	int r;

	if (m->device_monitor)
		return 0;
	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return log_oom();
	mon->manager = m;
	mon->records = hashmap_new(HASHMAP_STRING);
	if (!mon->records) {
		free(mon);
		return log_oom();
	}
	m->device_monitor = mon;
	mon->udev = udev_new();
	if (!mon->udev)
		return log_warning_errno(errno > 0 ? errno : ENOMEM,
					 "Cannot use libudev; no device units: %m");
	/* Early in boot udevd has not started yet: its events arrive when it does. */
	if (access("/run/udev/control", F_OK) < 0)
		log_info("udev is not running (yet); device units appear once it announces devices.");
	r = monitor_open(mon);
	if (r < 0) {
		log_warning_errno(r, "Cannot follow udev events; device units will not change: %m");
		mon->io = event_source_free(mon->io);
		mon->monitor = udev_monitor_unref(mon->monitor);
	}
	mon->coldplug = true;
	r = device_enumerate(mon);
	mon->coldplug = false;
	if (r < 0)
		log_warning_errno(r, "Failed to enumerate devices: %m");
	log_debug("Found %zu plugged devices.", hashmap_size(mon->records));
	return 0;
}

void
device_monitor_stop(struct manager *m)
{
	struct device_monitor *mon = m->device_monitor;
	struct device_record *rec;
	const char *k;

	if (!mon)
		return;
	event_source_free(mon->io);
	udev_monitor_unref(mon->monitor);
	udev_unref(mon->udev);
	HASHMAP_FOREACH(k, rec, mon->records)
		record_free(rec);
	hashmap_free(mon->records);
	free(mon);
	m->device_monitor = NULL;
}

int
unit_add_device_dependency(struct unit *u, const char *what, enum unit_dependency dep)
{
	_cleanup_free_ char *name = NULL;
	int r;

	if (!what || (!startswith(what, "/dev/") && !startswith(what, "/sys/")))
		return 0;
	if (streq(what, "/dev/") || streq(what, "/sys/"))
		return 0;
	r = unit_name_from_path(what, ".device", &name);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		log_unit_debug_errno(u, r, "No device unit for %s, not waiting for it: %m", what);
		return 0;
	}
	r = unit_add_two_dependencies_by_name(u, dep, UNIT_AFTER, name);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		log_unit_warning_errno(u, r, "Cannot depend on %s: %m", name);
	return 0;
}

const char *
device_sysfs_path(const struct unit *u)
{
	if (!u || u->type != UNIT_DEVICE)
		return NULL;
	return DEVICE(u)->sysfs;
}

/* How long a start job waits for the device: DefaultTimeoutStartSec= unless the unit's
 * files say otherwise (JobTimeoutSec=, JobRunningTimeoutSec=, which the fstab generator
 * writes for x-systemd.device-timeout=). Set before the files are read, so that an
 * explicit "infinity" there stays. */
static void
device_default_job_timeout(struct unit *u)
{
	u->job_timeout = u->manager->defaults.timeout_start;
}

static void
device_done(struct unit *u)
{
	DEVICE(u)->sysfs = mfree(DEVICE(u)->sysfs);
}

/* Until udev says more, a device is described by the path its name stands for, so that
 * "Timed out starting dev-sdb1.device - /dev/sdb1." says what was awaited. */
static int
device_describe_by_name(struct unit *u)
{
	_cleanup_free_ char *prefix = NULL;
	char *path = NULL;
	int r;

	if (u->description)
		return 0;
	r = unit_name_without_suffix(u->id, &prefix);
	if (r >= 0)
		r = unit_name_path_unescape(prefix, &path);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	u->description = path;
	DEVICE(u)->description_from_udev = true;
	return 0;
}

static int
device_load(struct unit *u)
{
	struct device *d = DEVICE(u);
	struct device_monitor *mon = u->manager->device_monitor;
	struct device_record *rec = mon && d->sysfs ? hashmap_get(mon->records, d->sysfs) : NULL;

	/* Isolating a target does not take devices away (nor could it). */
	u->ignore_on_isolate = true;
	/* A description from the unit file, if any, stays; otherwise udev's. */
	d->description_from_udev = false;
	if (!rec)
		return device_describe_by_name(u);
	device_set_description(u, rec);
	/* Reloading dropped the edges; the device still wants the same. */
	return device_add_wants(u, rec);
}

/* The manager cannot make a device appear: the job waits until udev plugs it, and fails
 * with its timeout if that never happens. A plugged device never gets here: unit_start()
 * answers "already active" itself. */
static int
device_start(struct unit *u)
{
	log_unit_debug(u, "Waiting for the device to appear.");
	return 0;
}

static enum unit_active_state
device_active_state(const struct unit *u)
{
	return state_map[DEVICE(u)->state];
}

static const char *
device_sub_state(const struct unit *u)
{
	return state_names[DEVICE(u)->state];
}

static int
device_serialize(struct unit *u, FILE *f)
{
	fprintf(f, "state=%s\n", state_names[DEVICE(u)->state]);
	if (DEVICE(u)->sysfs)
		fprintf(f, "sysfs=%s\n", DEVICE(u)->sysfs);
	return 0;
}

/* The next enumeration sets whatever udev says; this only keeps the state meanwhile. */
static int
device_deserialize_item(struct unit *u, const char *key, const char *value)
{
	struct device *d = DEVICE(u);

	if (streq(key, "state"))
		d->state = streq(value, "plugged") ? DEVICE_PLUGGED : DEVICE_DEAD;
	else if (streq(key, "sysfs") && value[0] == '/')
		return device_take_sysfs(d, value);
	return 0;
}

static void
device_dump(struct unit *u, FILE *f, const char *prefix)
{
	fprintf(f, "%sDevice State: %s\n", prefix, state_names[DEVICE(u)->state]);
	if (DEVICE(u)->sysfs)
		fprintf(f, "%sSysfs Path: %s\n", prefix, DEVICE(u)->sysfs);
}

const struct unit_vtable device_vtable = {
	.object_size = sizeof(struct device),
	.section = NULL,
	.can_fragment_be_missing = true,
	.init = device_default_job_timeout,
	.done = device_done,
	.load = device_load,
	.start = device_start,
	.reset_config = device_default_job_timeout,
	.active_state = device_active_state,
	.sub_state_to_string = device_sub_state,
	.serialize = device_serialize,
	.deserialize_item = device_deserialize_item,
	.dump = device_dump,
};
