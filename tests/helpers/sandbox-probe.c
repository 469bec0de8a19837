/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox-probe PROBE [ARG]: tries one thing a sandboxed service may be denied and prints
 * "ok" or the errno name it got ("EPERM"), for test-sandbox-process.sh. Each probe is
 * harmless when it is allowed: reboot() gets a bad magic number (EINVAL), setns() enters
 * the namespace the process is already in, the mappings are private and unused.
 *   wx                  mmap() writable and executable
 *   mprotect-exec       mprotect() a writable mapping to executable
 *   reboot              reboot() with a bad magic number
 *   socket FAMILY       socket() of AF_UNIX, AF_INET, AF_INET6 or AF_NETLINK
 *   personality         switch to the 32-bit personality and back
 *   setns0              setns() into the own network namespace with type 0
 *   clone3              clone3() with an empty argument
 *   sched-fifo          sched_setscheduler(SCHED_FIFO, 1)
 *   chmod-suid PATH     chmod(PATH, 04755)
 *   create-suid PATH    open(PATH, O_CREAT, 04755)
 *   i386-getpid         getpid() through the 32-bit x86 ABI ("int $0x80"), x86-64 only
 * Exits 0 after printing, 2 on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
result(long r)
{
	const char *name = r < 0 ? strerrorname_np(errno) : NULL;

	puts(r >= 0 ? "ok" : name ? name : "error");
	return 0;
}

static int
probe_mprotect_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return result(-1);
	return result(mprotect(p, 4096, PROT_READ | PROT_EXEC));
}

static int
probe_socket(const char *family)
{
	static const struct {
		const char *name;
		int family, type;
	} families[] = {
		{ "AF_UNIX", AF_UNIX, SOCK_STREAM }, { "AF_INET", AF_INET, SOCK_DGRAM },
		{ "AF_INET6", AF_INET6, SOCK_DGRAM }, { "AF_NETLINK", AF_NETLINK, SOCK_RAW },
	};

	for (size_t i = 0; family && i < sizeof(families) / sizeof(families[0]); i++)
		if (strcmp(families[i].name, family) == 0)
			return result(socket(families[i].family,
					     families[i].type | SOCK_CLOEXEC, 0));
	return 2;
}

static int
probe_personality(void)
{
	int old = personality(0xffffffff);
	int r = personality(PER_LINUX32);

	if (r >= 0)
		personality((unsigned long)old);
	return result(r);
}

static int
probe_setns0(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return result(-1);
	return result(setns(fd, 0));
}

static int
probe_sched_fifo(void)
{
	struct sched_param sp = { .sched_priority = 1 };
	int r = sched_setscheduler(0, SCHED_FIFO, &sp);

	if (r >= 0) {
		sp.sched_priority = 0;
		sched_setscheduler(0, SCHED_OTHER, &sp);
	}
	return result(r);
}

/* A 32-bit call from a 64-bit program: the kernel sees AUDIT_ARCH_I386. */
static int
probe_i386_getpid(void)
{
#if defined(__x86_64__)
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L /* getpid */)
			 : "memory", "r8", "r9", "r10", "r11");
	if (r < 0) {
		errno = (int)-r;
		return result(-1);
	}
	return result(0);
#else
	puts("unsupported");
	return 0;
#endif
}

int
main(int argc, char **argv)
{
	const char *probe = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;

	if (strcmp(probe, "wx") == 0)
		return result(mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0);
	if (strcmp(probe, "mprotect-exec") == 0)
		return probe_mprotect_exec();
	if (strcmp(probe, "reboot") == 0)
		return result(syscall(SYS_reboot, 0, 0, 0, NULL));
	if (strcmp(probe, "socket") == 0)
		return probe_socket(arg);
	if (strcmp(probe, "personality") == 0)
		return probe_personality();
	if (strcmp(probe, "setns0") == 0)
		return probe_setns0();
	if (strcmp(probe, "clone3") == 0)
		return result(syscall(SYS_clone3, NULL, 0));
	if (strcmp(probe, "sched-fifo") == 0)
		return probe_sched_fifo();
	if (strcmp(probe, "i386-getpid") == 0)
		return probe_i386_getpid();
	if (strcmp(probe, "chmod-suid") == 0 && arg)
		return result(chmod(arg, 04755));
	if (strcmp(probe, "create-suid") == 0 && arg)
		return result(open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 04755));
	fprintf(stderr, "usage: sandbox-probe PROBE [ARG]\n");
	return 2;
}
