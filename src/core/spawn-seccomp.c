/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp step: SystemCallFilter=, SystemCallArchitectures=, RestrictNamespaces=,
 * RestrictRealtime=, RestrictSUIDSGID=, MemoryDenyWriteExecute=, RestrictAddressFamilies=
 * and LockPersonality= become classic BPF programs, built here by hand and installed with
 * prctl(PR_SET_SECCOMP), the last thing before execve().
 *
 * Each setting is a program of its own. The kernel runs every installed program and acts
 * on the most severe answer (kill before errno before allow), which is exactly how the
 * settings combine. Every program but the architecture one starts by letting calls of
 * other ABIs through: their numbers mean other calls. The architecture program kills
 * those, and it is installed whenever any program compares call numbers, so that a
 * 32-bit or x32 call can never slip past a filter written for native numbers.
 *
 * Installing a filter needs CAP_SYS_ADMIN or no_new_privs. A service without
 * CAP_SYS_ADMIN in its effective set here (User= dropped it, or the manager never had
 * it) gets NoNewPrivileges=yes implied, as systemd.exec(5) describes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/exec-sandbox.h"
#include "core/spawn-internal.h"
#include "core/syscall-table.h"

/* A program being built; error is set by running out of memory (ENOMEM) or of room
 * (E2BIG: too many instructions, a jump too far). One buffer serves every program. */
struct bpf {
	struct sock_filter *insn;
	size_t n, cap;
	int error;
};

static size_t
emit(struct bpf *b, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct sock_filter *v = cap > BPF_MAXINSNS ? NULL :
					realloc(b->insn, cap * sizeof(*v));

		if (!v) {
			b->error = cap > BPF_MAXINSNS ? E2BIG : ENOMEM;
			return b->n;
		}
		b->insn = v;
		b->cap = cap;
	}
	b->insn[b->n] = (struct sock_filter) { .code = code, .jt = jt, .jf = jf, .k = k };
	return b->n++;
}

/* Points a branch of the jump at `at` at the next instruction to be emitted. */
static void
jump_here(struct bpf *b, size_t at, bool true_branch)
{
	size_t off = b->n - at - 1;

	if (at >= b->n || off > 255) {
		b->error = E2BIG;
		return;
	}
	if (true_branch)
		b->insn[at].jt = (uint8_t)off;
	else
		b->insn[at].jf = (uint8_t)off;
}

#define OFF_NR offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)

/* The low 32 bits of argument i: flags, modes and families all live there. */
static uint32_t
off_arg(int i)
{
	bool le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * (size_t)i + (le ? 0 : 4));
}

static void
emit_load(struct bpf *b, uint32_t off)
{
	emit(b, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
}

static void
emit_ret(struct bpf *b, uint32_t action)
{
	emit(b, BPF_RET | BPF_K, action, 0, 0);
}

static uint32_t
ret_errno(int error)
{
	return SECCOMP_RET_ERRNO | ((uint32_t)error & SECCOMP_RET_DATA);
}

/* Native calls go on to the number checks; other ABIs are the architecture program's. */
static void
emit_prologue(struct bpf *b, uint32_t native)
{
	emit_load(b, OFF_ARCH);
	emit(b, BPF_JMP | BPF_JEQ | BPF_K, native, 1, 0);
	emit_ret(b, SECCOMP_RET_ALLOW);
	emit_load(b, OFF_NR);
}

/* "if (nr == name) { body }": the body may clobber A; block_end() loads nr again. Returns
 * the jump to close, or SIZE_MAX if this architecture has no such call (body skipped by
 * the caller). */
static size_t
block_begin(struct bpf *b, const char *name)
{
	int nr = syscall_from_name(name);

	if (nr < 0)
		return SIZE_MAX;
	return emit(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 0);
}

static void
block_end(struct bpf *b, size_t at)
{
	emit_load(b, OFF_NR);
	jump_here(b, at, false);
}

/* The call fails with action whatever its arguments. */
static void
deny_call(struct bpf *b, const char *name, uint32_t action)
{
	int nr = syscall_from_name(name);

	if (nr < 0)
		return;
	emit(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1);
	emit_ret(b, action);
}

/* The call fails with error if argument arg has a bit of mask set. */
static void
deny_arg_bits(struct bpf *b, const char *name, int arg, uint32_t mask, int error)
{
	size_t at = block_begin(b, name);

	if (at == SIZE_MAX)
		return;
	emit_load(b, off_arg(arg));
	emit(b, BPF_JMP | BPF_JSET | BPF_K, mask, 0, 1);
	emit_ret(b, ret_errno(error));
	block_end(b, at);
}

#if defined(__s390__)
#define CLONE_FLAGS_ARG 1 /* s390's clone() takes the stack first */
#else
#define CLONE_FLAGS_ARG 0
#endif
#define NEWTIME 0x80u /* CLONE_NEWTIME: clone() cannot pass it, it is CSIGNAL there */

/* RestrictNamespaces=: unshare(), clone() and setns() with a forbidden type fail with
 * EPERM, as does setns() with type 0 (any type). clone3() passes its flags in memory, out
 * of the filter's sight: it fails with ENOSYS, and the C library falls back to clone(). */
static void
build_namespaces(struct bpf *b, uint32_t forbidden)
{
	size_t at;

	deny_arg_bits(b, "unshare", 0, forbidden, EPERM);
	if (forbidden & ~NEWTIME)
		deny_arg_bits(b, "clone", CLONE_FLAGS_ARG, forbidden & ~NEWTIME, EPERM);
	deny_call(b, "clone3", ret_errno(ENOSYS));
	at = block_begin(b, "setns");
	if (at != SIZE_MAX) {
		emit_load(b, off_arg(1));
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
		emit(b, BPF_JMP | BPF_JSET | BPF_K, forbidden, 0, 1);
		emit_ret(b, ret_errno(EPERM));
		block_end(b, at);
	}
	emit_ret(b, SECCOMP_RET_ALLOW);
}

/* RestrictRealtime=: sched_setscheduler() only to other, batch or idle. sched_setattr()
 * keeps its policy in memory: it is refused as a whole. */
static void
build_realtime(struct bpf *b)
{
	size_t at = block_begin(b, "sched_setscheduler");

	if (at != SIZE_MAX) {
		emit_load(b, off_arg(1));
		emit(b, BPF_ALU | BPF_AND | BPF_K, ~(uint32_t)SCHED_RESET_ON_FORK, 0, 0);
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, SCHED_OTHER, 3, 0);
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, SCHED_BATCH, 2, 0);
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, SCHED_IDLE, 1, 0);
		emit_ret(b, ret_errno(EPERM));
		block_end(b, at);
	}
	deny_call(b, "sched_setattr", ret_errno(EPERM));
	emit_ret(b, SECCOMP_RET_ALLOW);
}

/* LockPersonality=: personality() may only query, or set what is already set. */
static void
build_personality(struct bpf *b, uint32_t current)
{
	size_t at = block_begin(b, "personality");

	if (at != SIZE_MAX) {
		emit_load(b, off_arg(0));
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 2, 0);
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, current, 1, 0);
		emit_ret(b, ret_errno(EPERM));
		block_end(b, at);
	}
	emit_ret(b, SECCOMP_RET_ALLOW);
}

/* The call fails with EPERM if all bits of mask are set in argument arg. */
static void
deny_arg_all_bits(struct bpf *b, const char *name, int arg, uint32_t mask)
{
	size_t at = block_begin(b, name);

	if (at == SIZE_MAX)
		return;
	emit_load(b, off_arg(arg));
	emit(b, BPF_ALU | BPF_AND | BPF_K, mask, 0, 0);
	emit(b, BPF_JMP | BPF_JEQ | BPF_K, mask, 0, 1);
	emit_ret(b, ret_errno(EPERM));
	block_end(b, at);
}

/* MemoryDenyWriteExecute=: no writable and executable mapping, no mapping made executable
 * later, no executable shared memory. */
static void
build_wx(struct bpf *b)
{
	deny_arg_all_bits(b, "mmap", 2, PROT_WRITE | PROT_EXEC);
	deny_arg_all_bits(b, "mmap2", 2, PROT_WRITE | PROT_EXEC);
	deny_arg_bits(b, "mprotect", 2, PROT_EXEC, EPERM);
	deny_arg_bits(b, "pkey_mprotect", 2, PROT_EXEC, EPERM);
	deny_arg_bits(b, "shmat", 2, SHM_EXEC, EPERM);
	emit_ret(b, SECCOMP_RET_ALLOW);
}

/* open()/openat() that create a file (flags in argument flags_arg) with a set-ID mode. */
static void
deny_create_suid(struct bpf *b, const char *name, int flags_arg)
{
	size_t at = block_begin(b, name);

	if (at == SIZE_MAX)
		return;
	emit_load(b, off_arg(flags_arg));
	emit(b, BPF_JMP | BPF_JSET | BPF_K, O_CREAT | (O_TMPFILE & ~O_DIRECTORY), 0, 3);
	emit_load(b, off_arg(flags_arg + 1));
	emit(b, BPF_JMP | BPF_JSET | BPF_K, S_ISUID | S_ISGID, 0, 1);
	emit_ret(b, ret_errno(EPERM));
	block_end(b, at);
}

/* RestrictSUIDSGID=: no set-user-ID or set-group-ID bit on any file or directory, by
 * chmod, by creating, or by mknod. openat2() keeps its mode in memory: ENOSYS, the C
 * library does not need it. */
static void
build_suid(struct bpf *b)
{
	const uint32_t ids = S_ISUID | S_ISGID;

	deny_arg_bits(b, "chmod", 1, ids, EPERM);
	deny_arg_bits(b, "fchmod", 1, ids, EPERM);
	deny_arg_bits(b, "fchmodat", 2, ids, EPERM);
	deny_arg_bits(b, "fchmodat2", 2, ids, EPERM);
	deny_arg_bits(b, "mknod", 1, ids, EPERM);
	deny_arg_bits(b, "mknodat", 2, ids, EPERM);
	deny_arg_bits(b, "creat", 1, ids, EPERM);
	deny_create_suid(b, "open", 1);
	deny_create_suid(b, "openat", 2);
	deny_call(b, "openat2", ret_errno(ENOSYS));
	emit_ret(b, SECCOMP_RET_ALLOW);
}

/* RestrictAddressFamilies=: socket() with a family outside the allow list (or inside the
 * deny list) fails with EAFNOSUPPORT. */
static void
build_families(struct bpf *b, uint64_t families, bool allow)
{
	size_t at = block_begin(b, "socket"), jumps[64], n = 0;

	if (at == SIZE_MAX) {
		b->error = EOPNOTSUPP;
		return;
	}
	emit_load(b, off_arg(0));
	for (int f = 0; f < 64; f++)
		if (families >> f & 1)
			jumps[n++] = emit(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)f, 0, 0);
	if (!allow) { /* no listed family: jump over the refusal; a listed one: to it */
		emit(b, BPF_JMP | BPF_JA, 1, 0, 0);
		for (size_t i = 0; i < n; i++)
			jump_here(b, jumps[i], true);
	}
	emit_ret(b, ret_errno(EAFNOSUPPORT));
	if (allow) /* a listed family jumps over the refusal */
		for (size_t i = 0; i < n; i++)
			jump_here(b, jumps[i], true);
	block_end(b, at);
	emit_ret(b, SECCOMP_RET_ALLOW);
}

static void
set_bit(int nr, void *userdata)
{
	uint8_t *map = userdata;

	if (nr >= 0 && nr < syscall_nr_limit())
		map[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

/* Every run of consecutive calls in map gets one range check returning action. */
static void
emit_runs(struct bpf *b, const uint8_t *map, unsigned bytes, uint32_t action)
{
	int limit = (int)bytes * 8;

	for (int lo = 0; lo < limit; lo++) {
		int hi = lo;

		if (!syscall_bitmap_test(map, bytes, lo))
			continue;
		while (hi + 1 < limit && syscall_bitmap_test(map, bytes, hi + 1))
			hi++;
		if (lo == hi) {
			emit(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)lo, 0, 1);
		} else {
			emit(b, BPF_JMP | BPF_JGE | BPF_K, (uint32_t)lo, 0, 2);
			emit(b, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)hi, 1, 0);
		}
		emit_ret(b, action);
		lo = hi;
	}
}

/* SystemCallFilter=: an allow list (with @default added) ends in the deny action; a deny
 * list checks its calls with their own action first, and ends in allow. */
static void
build_filter(struct bpf *b, const struct exec_process *p)
{
	uint32_t deny = p->syscall_error ? ret_errno(p->syscall_error) : SECCOMP_RET_KILL_PROCESS;
	unsigned bytes = p->syscall_filter_bytes;
	uint8_t *map;

	if (!p->syscall_filter_allow) {
		for (unsigned i = 0; i < p->n_syscall_errnos; i++) {
			const struct syscall_errno *e = &p->syscall_errnos[i];

			emit(b, BPF_JMP | BPF_JEQ | BPF_K, e->nr, 0, 1);
			emit_ret(b, e->error == SYSCALL_ERRNO_KILL ? SECCOMP_RET_KILL_PROCESS :
								    ret_errno(e->error));
		}
		emit_runs(b, p->syscall_filter, bytes, deny);
		emit_ret(b, SECCOMP_RET_ALLOW);
		return;
	}
	map = malloc(bytes);
	if (!map) {
		b->error = ENOMEM;
		return;
	}
	memcpy(map, p->syscall_filter, bytes);
	if (syscall_group_foreach("@default", set_bit, map) < 0)
		b->error = EINVAL;
	emit_runs(b, map, bytes, SECCOMP_RET_ALLOW);
	emit_ret(b, deny);
	free(map);
}

#if defined(__x86_64__)
#define X32_SYSCALL_BIT 0x40000000u
#endif

/* SystemCallArchitectures=, and the guard of every number-comparing program: calls of
 * ABIs not allowed kill the process. */
static void
build_archs(struct bpf *b, uint16_t allowed, bool x32_allowed)
{
	int native = seccomp_native_arch();

	emit_load(b, OFF_ARCH);
	for (unsigned i = 0; i < n_seccomp_archs; i++) {
		if (!(allowed >> i & 1) || (int)i == native || !seccomp_archs[i].audit_arch)
			continue;
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, seccomp_archs[i].audit_arch, 0, 1);
		emit_ret(b, SECCOMP_RET_ALLOW);
	}
	emit(b, BPF_JMP | BPF_JEQ | BPF_K, seccomp_archs[native].audit_arch, 1, 0);
	emit_ret(b, SECCOMP_RET_KILL_PROCESS);
#ifdef X32_SYSCALL_BIT
	/* x32 shares x86-64's audit architecture; its calls have this bit set. */
	emit_load(b, OFF_NR);
	emit(b, BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1);
	emit_ret(b, x32_allowed ? SECCOMP_RET_ALLOW : SECCOMP_RET_KILL_PROCESS);
#endif
	emit_ret(b, SECCOMP_RET_ALLOW);
}

static void
hold_bpf(void *where)
{
	struct bpf *b = where;

	b->insn = mfree(b->insn);
}

/* Installs the program and empties b for the next one. The buffer is kept, not freed:
 * once a filter is in, the child must not call free() (spawn.c), and the last buffer is
 * left to the parent (step_seccomp()). */
static void
install(struct child *ch, struct bpf *b, const char *what)
{
	struct sock_fprog prog = { .len = (unsigned short)b->n, .filter = b->insn };

	if (b->error)
		child_fail(ch, EXEC_STEP_SECCOMP, b->error, "building the %s filter", what);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
		int error = errno;

		child_fail(ch, EXEC_STEP_SECCOMP, error, "installing the %s filter%s", what,
			   error == EINVAL ? " (does this kernel support seccomp filters?)" : "");
	}
	b->n = 0;
}

/* Filters comparing call numbers (everything but SystemCallArchitectures= alone). */
static bool
compares_numbers(const struct exec_process *p, uint32_t forbidden_ns)
{
	return p->syscall_filter || forbidden_ns || p->address_families_set ||
	       p->lock_personality || p->memory_deny_write_execute || p->restrict_realtime ||
	       p->restrict_suid_sgid;
}

static const char *
first_foreign_arch(uint16_t archs, int native)
{
	for (unsigned i = 0; i < n_seccomp_archs; i++)
		if (archs >> i & 1 && (int)i != native)
			return seccomp_archs[i].name;
	return NULL;
}

/* x32 is the one entry without an audit architecture of its own. */
static bool
allows_x32(uint16_t archs)
{
	for (unsigned i = 0; i < n_seccomp_archs; i++)
		if (archs >> i & 1 && !seccomp_archs[i].audit_arch)
			return true;
	return false;
}

/* NoNewPrivileges=yes is implied when the filters cannot be installed without it. */
static void
imply_no_new_privs(struct child *ch)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		return;
	if (syscall(SYS_capget, &h, d) >= 0 && (d[0].effective >> CAP_SYS_ADMIN & 1))
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(ch, EXEC_STEP_SECCOMP, errno, "PR_SET_NO_NEW_PRIVS for the filters");
}

void
step_seccomp(struct child *ch)
{
	const struct exec_process *p = ch->ctx->sandbox ? &ch->ctx->sandbox->process : NULL;
	int native = seccomp_native_arch();
	uint32_t forbidden_ns, native_arch;
	struct bpf b = { 0 };
	const char *foreign;

	if (ch->is_privileged || !p || !exec_process_has_seccomp(p))
		return;
	if (native < 0 || (p->syscall_archs & ~((1u << n_seccomp_archs) - 1)))
		child_fail(ch, EXEC_STEP_SECCOMP, EOPNOTSUPP,
			   "ember has no seccomp filters for this architecture");
	native_arch = seccomp_archs[native].audit_arch;
	forbidden_ns = p->namespaces_set ? NAMESPACE_FLAGS_ALL & ~p->restrict_namespaces : 0;
	foreign = first_foreign_arch(p->syscall_archs, native);
	if (foreign && compares_numbers(p, forbidden_ns))
		child_fail(ch, EXEC_STEP_SECCOMP, EOPNOTSUPP,
			   "SystemCallArchitectures=%s: ember filters native system calls only, so "
			   "other ABIs cannot be allowed together with SystemCallFilter=, "
			   "RestrictNamespaces= or the other seccomp settings", foreign);
	if (p->address_families_set && syscall_from_name("socketcall") >= 0)
		child_fail(ch, EXEC_STEP_SECCOMP, EOPNOTSUPP,
			   "RestrictAddressFamilies= cannot be enforced on this architecture "
			   "(socketcall)");
	imply_no_new_privs(ch);

	child_hold(ch, EXEC_STEP_SECCOMP, &b, hold_bpf);
	build_archs(&b, p->syscall_archs, allows_x32(p->syscall_archs));
	install(ch, &b, "SystemCallArchitectures=");
	if (forbidden_ns) {
		emit_prologue(&b, native_arch);
		build_namespaces(&b, forbidden_ns);
		install(ch, &b, "RestrictNamespaces=");
	}
	if (p->restrict_realtime) {
		emit_prologue(&b, native_arch);
		build_realtime(&b);
		install(ch, &b, "RestrictRealtime=");
	}
	if (p->restrict_suid_sgid) {
		emit_prologue(&b, native_arch);
		build_suid(&b);
		install(ch, &b, "RestrictSUIDSGID=");
	}
	if (p->memory_deny_write_execute) {
		emit_prologue(&b, native_arch);
		build_wx(&b);
		install(ch, &b, "MemoryDenyWriteExecute=");
	}
	if (p->address_families_set) {
		emit_prologue(&b, native_arch);
		build_families(&b, p->address_families, p->address_families_allow);
		install(ch, &b, "RestrictAddressFamilies=");
	}
	if (p->lock_personality) {
		emit_prologue(&b, native_arch);
		build_personality(&b, (uint32_t)personality(0xffffffff));
		install(ch, &b, "LockPersonality=");
	}
	/* Last: once it is in place, the other filters' own setup calls might be denied. */
	if (p->syscall_filter) {
		emit_prologue(&b, native_arch);
		build_filter(&b, p);
		install(ch, &b, "SystemCallFilter=");
	}
	/* No free() behind a filter: the buffer goes to the parent, like env and argv. */
	ch->seccomp_program = TAKE_PTR(b.insn);
	child_release(ch, &b);
}
