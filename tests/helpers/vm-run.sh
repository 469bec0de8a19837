#!/bin/bash
# Runs a command as root in a throw-away qemu VM whose kernel has what this machine's may
# lack (autofs, loop devices): for the tests that skip here for want of a kernel feature.
#
#   tests/helpers/vm-run.sh KERNEL_DIR COMMAND [ARGS...]
#
# KERNEL_DIR holds a Debian kernel package unpacked with `dpkg -x`:
#   apt-get download linux-image-amd64 "$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2}')"
#   dpkg -x linux-image-6.*.deb KERNEL_DIR
# Needs qemu-system-x86 (KVM if /dev/kvm exists), kmod and cpio.
#
# The guest's / is this machine's / (9p, read-only), with fresh tmpfs on /tmp and /run;
# the command runs in the current directory with the same environment variables given as
# VM_ENV="A=1 B=2". Its output is printed here and its exit code is this script's. The
# modules the tests want (autofs4, loop, ext4) are loaded before it runs.
set -euo pipefail

kdir=$(cd "${1:?usage: vm-run.sh KERNEL_DIR COMMAND...}" && pwd)
shift
(($# > 0)) || { echo "vm-run.sh: no command" >&2; exit 2; }
kver=$(basename "$(ls -d "$kdir"/lib/modules/* | head -n 1)")
vmlinuz=$kdir/boot/vmlinuz-$kver
[[ -r $vmlinuz ]] || { echo "vm-run.sh: no kernel in $kdir" >&2; exit 2; }
for t in qemu-system-x86_64 depmod modprobe cpio busybox; do
	command -v "$t" >/dev/null || { echo "vm-run.sh: needs $t" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
xfer=$tmp/xfer
ird=$tmp/initrd
mkdir -p "$xfer" "$ird"/{bin,mods,proc,sys,dev,newroot}

[[ -e $kdir/lib/modules/$kver/modules.dep ]] || depmod -b "$kdir" "$kver"
# Module files in load order, dependencies first.
mods_for() {
	local m
	for m in "$@"; do
		modprobe -d "$kdir" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
	done | awk '!seen[$0]++'
}
: >"$ird/modules.list"
for f in $(mods_for virtio_pci 9pnet_virtio 9p); do
	cp "$f" "$ird/mods/"
	basename "$f" >>"$ird/modules.list"
done
mkdir -p "$xfer/mods"
: >"$xfer/modules.later"
for f in $(mods_for autofs4 loop ext4); do
	cp "$f" "$xfer/mods/"
	echo "/tmp/xfer/mods/$(basename "$f")" >>"$xfer/modules.later"
done

# busybox and the libraries it links.
cp "$(command -v busybox)" "$ird/bin/busybox"
for lib in $(ldd "$(command -v busybox)" | grep -o '/[^ ]*'); do
	mkdir -p "$ird$(dirname "$lib")"
	cp -L "$lib" "$ird$lib"
done
cat >"$ird/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules.list); do insmod /mods/$m || echo "insmod $m failed"; done
# The virtio devices may still be probing: a few tries.
i=0
until mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /newroot; do
	i=$((i + 1))
	[ $i -gt 50 ] && { ls /sys/bus/virtio/devices; echo o >/proc/sysrq-trigger; }
	sleep 0.2
done
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
mount -t tmpfs -o mode=755 tmpfs /newroot/run
mkdir -p /newroot/tmp/xfer
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 xfer /newroot/tmp/xfer
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
exec switch_root /newroot /bin/bash /tmp/xfer/guest-init
EOF
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet) >"$tmp/initrd.img"

# What runs in the guest: the rest of the setup, then the command.
{
	echo "#!/bin/bash"
	echo "mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /dev/shm"
	echo "ln -sf /proc/self/fd /dev/fd; for i in 0 1 2; do ln -sf /proc/self/fd/\$i /dev/\$(echo stdin stdout stderr | cut -d' ' -f\$((i + 1))); done"
	echo "mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null"
	echo "while read -r m; do insmod \"\$m\" 2>/dev/null; done </tmp/xfer/modules.later"
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp"
	for v in ${VM_ENV:-}; do printf 'export %q\n' "$v"; done
	printf 'cd %q\n' "$PWD"
	printf '%q ' "$@"
	echo ">/tmp/xfer/out 2>&1 </dev/null; echo \$? >/tmp/xfer/rc"
	echo "sync; echo o >/proc/sysrq-trigger; sleep 10"
} >"$xfer/guest-init"

# Emulation unless VM_KVM=1: a /dev/kvm that exists does not boot everywhere (nested KVM
# hung at "Booting from ROM" on the machine this was written on).
accel=(-cpu max)
[[ ${VM_KVM:-0} != 0 && -w /dev/kvm ]] && accel=(-enable-kvm)
timeout "${VM_TIMEOUT:-900}" qemu-system-x86_64 "${accel[@]}" -m 2048 -smp 2 -nographic -no-reboot \
	-kernel "$vmlinuz" -initrd "$tmp/initrd.img" \
	-append "console=ttyS0 panic=-1 quiet" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on \
	-virtfs local,path="$xfer",mount_tag=xfer,security_model=passthrough \
	>"$tmp/console" 2>&1 </dev/null || true
if [[ ! -e $xfer/rc ]]; then
	echo "vm-run.sh: the command did not finish; console:" >&2
	tail -n 40 "$tmp/console" >&2
	exit 1
fi
cat "$xfer/out"
exit "$(cat "$xfer/rc")"
