/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The steps around the mount namespace (exec-namespace.h):
 *   network:  PrivateNetwork=, a new network namespace with lo up;
 *   hostname: ProtectHostname=, a new UTS namespace;
 *   protect:  what ProtectKernelModules=, ProtectKernelLogs=, ProtectClock=,
 *             ProtectHostname= and PrivateDevices= imply beyond mounts: capabilities
 *             removed from the bounding set, and a small seccomp filter that makes the
 *             matching system calls fail with EPERM.
 * The capabilities group owns CapabilityBoundingSet=; these drops only ever remove. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/exec-namespace.h"
#include "core/exec-sandbox.h"
#include "core/spawn-internal.h"
#include "macro.h"

static const struct exec_namespace *
ns_of(const struct child *ch)
{
	return ch->is_privileged || !ch->ctx->sandbox ? NULL : &ch->ctx->sandbox->ns;
}

void
step_network(struct child *ch)
{
	const struct exec_namespace *n = ns_of(ch);
	struct ifreq ifr = { 0 };
	int fd;

	if (!n || !n->private_network)
		return;
	if (unshare(CLONE_NEWNET) < 0)
		child_fail(ch, EXEC_STEP_NETWORK, errno, "creating a network namespace");
	/* The new namespace has only lo, down. Up, it gets 127.0.0.1 and ::1. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		child_fail(ch, EXEC_STEP_NETWORK, errno, "bringing up lo: socket");
	strncpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name) - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		child_fail(ch, EXEC_STEP_NETWORK, errno, "reading the flags of lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		child_fail(ch, EXEC_STEP_NETWORK, errno, "bringing up lo");
	close(fd);
}

void
step_hostname(struct child *ch)
{
	const struct exec_namespace *n = ns_of(ch);

	if (!n || !n->protect_hostname)
		return;
	if (unshare(CLONE_NEWUTS) < 0)
		child_fail(ch, EXEC_STEP_HOSTNAME, errno, "creating a UTS namespace");
}

/* The system calls the filter refuses, named independently of the ABI. */
enum blocked_call {
	BC_INIT_MODULE,
	BC_FINIT_MODULE,
	BC_DELETE_MODULE,
	BC_SYSLOG,
	BC_SETTIMEOFDAY,
	BC_CLOCK_SETTIME,
	BC_CLOCK_SETTIME64,
	BC_CLOCK_ADJTIME,
	BC_CLOCK_ADJTIME64,
	BC_ADJTIMEX,
	BC_STIME,
	BC_SETHOSTNAME,
	BC_SETDOMAINNAME,
	BC_IOPERM,
	BC_IOPL,
	BC_PCICONFIG_IOBASE,
	BC_PCICONFIG_READ,
	BC_PCICONFIG_WRITE,
	_BC_MAX,
};

/* -1: the ABI has no such call. */
struct abi {
	uint32_t arch;
	uint32_t nr_mask;   /* x32 calls carry a flag bit on the x86-64 numbers */
	int nr[_BC_MAX];
};

#ifndef __NR_stime
#define __NR_stime -1
#endif
#ifndef __NR_clock_settime64
#define __NR_clock_settime64 -1
#endif
#ifndef __NR_clock_adjtime64
#define __NR_clock_adjtime64 -1
#endif
#ifndef __NR_ioperm
#define __NR_ioperm -1
#endif
#ifndef __NR_iopl
#define __NR_iopl -1
#endif
#ifndef __NR_pciconfig_iobase
#define __NR_pciconfig_iobase -1
#endif
#ifndef __NR_pciconfig_read
#define __NR_pciconfig_read -1
#endif
#ifndef __NR_pciconfig_write
#define __NR_pciconfig_write -1
#endif
#ifndef __NR_adjtimex
#define __NR_adjtimex -1
#endif
#ifndef __NR_settimeofday
#define __NR_settimeofday -1
#endif
#ifndef __NR_clock_settime
#define __NR_clock_settime -1
#endif
#ifndef __NR_clock_adjtime
#define __NR_clock_adjtime -1
#endif

#if defined(__x86_64__) && !defined(__ILP32__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define NATIVE_MASK 0xbfffffffu /* x32 shares the arch value and these numbers */
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__) && !defined(__AARCH64EB__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__) && !defined(__ARMEB__)
#define NATIVE_ARCH AUDIT_ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define NATIVE_ARCH AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH AUDIT_ARCH_RISCV64
#endif
#ifndef NATIVE_MASK
#define NATIVE_MASK 0xffffffffu
#endif

#ifdef NATIVE_ARCH
static const struct abi abis[] = {
	{
		.arch = NATIVE_ARCH,
		.nr_mask = NATIVE_MASK,
		.nr = {
			[BC_INIT_MODULE] = __NR_init_module,
			[BC_FINIT_MODULE] = __NR_finit_module,
			[BC_DELETE_MODULE] = __NR_delete_module,
			[BC_SYSLOG] = __NR_syslog,
			[BC_SETTIMEOFDAY] = __NR_settimeofday,
			[BC_CLOCK_SETTIME] = __NR_clock_settime,
			[BC_CLOCK_SETTIME64] = __NR_clock_settime64,
			[BC_CLOCK_ADJTIME] = __NR_clock_adjtime,
			[BC_CLOCK_ADJTIME64] = __NR_clock_adjtime64,
			[BC_ADJTIMEX] = __NR_adjtimex,
			[BC_STIME] = __NR_stime,
			[BC_SETHOSTNAME] = __NR_sethostname,
			[BC_SETDOMAINNAME] = __NR_setdomainname,
			[BC_IOPERM] = __NR_ioperm,
			[BC_IOPL] = __NR_iopl,
			[BC_PCICONFIG_IOBASE] = __NR_pciconfig_iobase,
			[BC_PCICONFIG_READ] = __NR_pciconfig_read,
			[BC_PCICONFIG_WRITE] = __NR_pciconfig_write,
		},
	},
#if defined(__x86_64__) && !defined(__ILP32__)
	/* i386 programs on x86-64 (arch/x86/entry/syscalls/syscall_32.tbl). */
	{
		.arch = AUDIT_ARCH_I386,
		.nr_mask = 0xffffffffu,
		.nr = { 128, 350, 129, 103, 79, 264, 404, 343, 405, 124, 25, 74, 121, 101, 110,
			-1, -1, -1 },
	},
#elif defined(__aarch64__)
	/* 32-bit ARM programs on arm64 (arch/arm/tools/syscall.tbl). */
	{
		.arch = AUDIT_ARCH_ARM,
		.nr_mask = 0xffffffffu,
		.nr = { 128, 379, 129, 103, 79, 262, 404, 372, 405, 124, -1, 74, 121, -1, -1, 271,
			272, 273 },
	},
#endif
};
#endif

/* What each setting blocks. */
static const struct {
	size_t offset; /* of the bool in struct exec_namespace */
	const char *name;
	int caps[3];   /* -1 ends */
	enum blocked_call calls[6]; /* _BC_MAX ends */
} protections[] = {
	{ offsetof(struct exec_namespace, protect_kernel_modules), "ProtectKernelModules=",
	  { CAP_SYS_MODULE, -1 },
	  { BC_INIT_MODULE, BC_FINIT_MODULE, BC_DELETE_MODULE, _BC_MAX } },
	{ offsetof(struct exec_namespace, protect_kernel_logs), "ProtectKernelLogs=",
	  { CAP_SYSLOG, -1 }, { BC_SYSLOG, _BC_MAX } },
	{ offsetof(struct exec_namespace, protect_clock), "ProtectClock=",
	  { CAP_SYS_TIME, CAP_WAKE_ALARM, -1 },
	  { BC_SETTIMEOFDAY, BC_CLOCK_SETTIME, BC_CLOCK_SETTIME64, BC_CLOCK_ADJTIME,
	    BC_CLOCK_ADJTIME64, BC_ADJTIMEX } },
	{ offsetof(struct exec_namespace, protect_clock), "ProtectClock=", { -1 },
	  { BC_STIME, _BC_MAX } },
	{ offsetof(struct exec_namespace, protect_hostname), "ProtectHostname=", { -1 },
	  { BC_SETHOSTNAME, BC_SETDOMAINNAME, _BC_MAX } },
	{ offsetof(struct exec_namespace, private_devices), "PrivateDevices=",
	  { CAP_MKNOD, CAP_SYS_RAWIO, -1 },
	  { BC_IOPERM, BC_IOPL, BC_PCICONFIG_IOBASE, BC_PCICONFIG_READ, BC_PCICONFIG_WRITE,
	    _BC_MAX } },
};

static bool
protection_on(const struct exec_namespace *n, size_t i)
{
	return *(const bool *)((const char *)n + protections[i].offset);
}

static const char *
cap_name(int cap)
{
	switch (cap) {
	case CAP_SYS_MODULE: return "CAP_SYS_MODULE";
	case CAP_SYSLOG: return "CAP_SYSLOG";
	case CAP_SYS_TIME: return "CAP_SYS_TIME";
	case CAP_WAKE_ALARM: return "CAP_WAKE_ALARM";
	case CAP_MKNOD: return "CAP_MKNOD";
	case CAP_SYS_RAWIO: return "CAP_SYS_RAWIO";
	default: return "?";
	}
}

static int
caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &h, d) < 0 ? -errno : 0;
}

/* Removes cap from the bounding set and the inheritable and ambient sets, so that no
 * execve() gives it back. Without CAP_SETPCAP (a user manager) the bounding set cannot
 * change: then no_new_privs keeps a process that lacks cap from gaining it. */
static int
cap_drop(int cap, bool *need_nnp)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	uint32_t bit = 1u << (cap % 32);
	int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

	if (r < 0)
		return errno == EINVAL ? 0 : -errno; /* a kernel that does not know cap */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0);
	r = caps_get(d);
	if (r < 0)
		return r;
	if (d[cap / 32].inheritable & bit) {
		d[cap / 32].inheritable &= ~bit;
		if (syscall(SYS_capset, &h, d) < 0)
			return -errno;
	}
	if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0 || prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) >= 0)
		return 0;
	if (errno != EPERM || (d[cap / 32].permitted & bit))
		return -errno;
	*need_nnp = true;
	return 0;
}

#ifdef NATIVE_ARCH
/* One ABI's part: load nr, a jeq to "deny" per call, allow, deny. */
static size_t
emit_abi(struct sock_filter *f, const struct abi *a, const bool *blocked)
{
	size_t n = 0, k = 0;

	for (int c = 0; c < _BC_MAX; c++)
		k += blocked[c] && a->nr[c] >= 0;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	f[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, a->nr_mask);
	for (int c = 0, j = 0; c < _BC_MAX; c++) {
		if (!blocked[c] || a->nr[c] < 0)
			continue;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      (uint32_t)a->nr[c], (uint8_t)(k - j), 0);
		j++;
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	return n;
}

static size_t
abi_size(const struct abi *a, const bool *blocked)
{
	size_t k = 0;

	for (int c = 0; c < _BC_MAX; c++)
		k += blocked[c] && a->nr[c] >= 0;
	return 4 + k;
}

/* arch == abis[i] jumps to its part; an ABI we do not know gets EPERM for everything,
 * so that it cannot be used to get around the filter. */
static int
filter_install(const bool *blocked, bool *need_nnp)
{
	struct sock_filter f[4 + ELEMENTSOF(abis) * (4 + _BC_MAX) + ELEMENTSOF(abis)];
	size_t n = 0, part = 0, nabi = ELEMENTSOF(abis);
	struct sock_fprog prog;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < nabi; i++) {
		/* From jeq i (at n), skip the remaining jeqs and the fallback ret, then the
		 * parts before this ABI's. */
		size_t skip = (nabi - 1 - i) + 1 + part;

		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, abis[i].arch,
						      (uint8_t)skip, 0);
		part += abi_size(&abis[i], blocked);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	for (size_t i = 0; i < nabi; i++)
		n += emit_abi(f + n, &abis[i], blocked);
	prog = (struct sock_fprog) { .len = (unsigned short)n, .filter = f };
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) >= 0)
		return 0;
	if (errno != EACCES)
		return -errno;
	/* Without CAP_SYS_ADMIN a filter needs no_new_privs (systemd implies it too). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	*need_nnp = true;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0 ? -errno : 0;
}
#endif

void
step_protect(struct child *ch)
{
	const struct exec_namespace *n = ns_of(ch);
	bool blocked[_BC_MAX] = { false }, any = false, need_nnp = false;
	const char *first = NULL;
	int r;

	if (!n)
		return;
	for (size_t i = 0; i < ELEMENTSOF(protections); i++) {
		if (!protection_on(n, i))
			continue;
		for (size_t c = 0; c < ELEMENTSOF(protections[i].caps) &&
				   protections[i].caps[c] >= 0; c++) {
			r = cap_drop(protections[i].caps[c], &need_nnp);
			if (r < 0)
				child_fail(ch, EXEC_STEP_PROTECT, -r, "%s: dropping %s",
					   protections[i].name, cap_name(protections[i].caps[c]));
		}
		for (size_t c = 0; c < ELEMENTSOF(protections[i].calls) &&
				   protections[i].calls[c] != _BC_MAX; c++)
			any = blocked[protections[i].calls[c]] = true;
		if (!first)
			first = protections[i].name;
	}
	if (any) {
#ifdef NATIVE_ARCH
		r = filter_install(blocked, &need_nnp);
#else
		r = -EOPNOTSUPP;
#endif
		if (r < 0)
			child_fail(ch, EXEC_STEP_PROTECT, -r, "%s: installing the system call filter",
				   first);
	}
	if (need_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(ch, EXEC_STEP_PROTECT, errno, "%s: PR_SET_NO_NEW_PRIVS", first);
}
