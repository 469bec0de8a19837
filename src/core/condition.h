/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef EMBER_CONDITION_H
#define EMBER_CONDITION_H

#include <stdbool.h>

/* Condition*= and Assert*= (systemd.unit(5)). */
enum condition_type {
	CONDITION_PATH_EXISTS,
	CONDITION_PATH_EXISTS_GLOB,
	CONDITION_PATH_IS_DIRECTORY,
	CONDITION_PATH_IS_SYMBOLIC_LINK,
	CONDITION_PATH_IS_MOUNT_POINT,
	CONDITION_PATH_IS_READ_WRITE,
	CONDITION_PATH_IS_ENCRYPTED,
	CONDITION_DIRECTORY_NOT_EMPTY,
	CONDITION_FILE_NOT_EMPTY,
	CONDITION_FILE_IS_EXECUTABLE,
	CONDITION_KERNEL_COMMAND_LINE,
	CONDITION_KERNEL_VERSION,
	CONDITION_VIRTUALIZATION,
	CONDITION_SECURITY,
	CONDITION_CAPABILITY,
	CONDITION_HOST,
	CONDITION_AC_POWER,
	CONDITION_ARCHITECTURE,
	CONDITION_FIRMWARE,
	CONDITION_NEEDS_UPDATE,
	CONDITION_FIRST_BOOT,
	CONDITION_USER,
	CONDITION_GROUP,
	CONDITION_CONTROL_GROUP_CONTROLLER,
	CONDITION_ENVIRONMENT,
	CONDITION_CPUS,
	CONDITION_MEMORY,
	CONDITION_CREDENTIAL,
	CONDITION_OS_RELEASE,
	_CONDITION_TYPE_MAX,
	_CONDITION_TYPE_INVALID = -22,
};

enum condition_result {
	CONDITION_UNTESTED,
	CONDITION_SUCCEEDED,
	CONDITION_FAILED,
	CONDITION_ERROR,
};

struct condition {
	enum condition_type type;
	bool trigger;  /* '|' prefix: any triggering condition suffices */
	bool negate;   /* '!' prefix */
	char *parameter;
	enum condition_result result;
	struct condition *next;
};

/* "ConditionPathExists" -> type (also accepts the "Assert" spelling with the same suffix). */
enum condition_type condition_type_from_string(const char *suffix);
const char *condition_type_to_string(enum condition_type t);
/* Parses "|!/path" into a new condition. */
int condition_new(enum condition_type t, const char *value, struct condition **ret);
void condition_append(struct condition **list, struct condition *c);
struct condition *condition_free_list(struct condition *c);
/* Tests one condition. Cheap, non-blocking checks only (stat, /proc reads). */
bool condition_test(struct condition *c, char *const *manager_env);
/* All non-trigger conditions must pass, and at least one trigger one if any exist. */
bool condition_test_list(struct condition *list, char *const *manager_env);

#endif
