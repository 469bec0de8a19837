#!/bin/bash
# Independent units start in parallel: three services each create a marker, then wait
# (a bounded loop) until all three markers exist. They can only all succeed if their
# lifetimes overlapped. Once with Type=oneshot (the target's start waits for all three
# to exit), once with Type=notify (each is ready only after it saw the others).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup

# waitall GROUP N: touch my marker, then wait (at most 300 polls) for the three of my group.
cat >"$WORK/waitall" <<'EOS'
#!/bin/sh
group=$1 me=$2
touch "$M/$group.$me"
i=0
while [ ! -e "$M/$group.1" ] || [ ! -e "$M/$group.2" ] || [ ! -e "$M/$group.3" ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && exit 1
	sleep 0.1
done
echo "$me" >>"$M/$group.done"
EOS
chmod +x "$WORK/waitall"

for i in 1 2 3; do
	unit "par$i.service" <<-EOF
		[Unit]
		Description=Parallel oneshot $i
		[Service]
		Type=oneshot
		Environment=M=$M
		ExecStart=$WORK/waitall os $i
	EOF
	unit "ready$i.service" <<-EOF
		[Unit]
		Description=Parallel notify $i
		[Service]
		Type=notify
		NotifyAccess=all
		Environment=M=$M
		ExecStart=/bin/sh -c '$WORK/waitall nt $i && systemd-notify --ready && exec sleep 1000'
	EOF
done
unit par.target <<-EOF
	[Unit]
	Description=Three in parallel
	Wants=par1.service par2.service par3.service
	After=par1.service par2.service par3.service
EOF
unit ready.target <<-EOF
	[Unit]
	Description=Three ready in parallel
	Wants=ready1.service ready2.service ready3.service
	After=ready1.service ready2.service ready3.service
EOF

start_ember

rc=0
ctl start par.target || rc=$?
check_eq "start par.target (three oneshots) succeeds" 0 "$rc"
for i in 1 2 3; do
	check_eq "par$i.service ended successfully" success "$(prop par$i.service Result)"
done
check_eq "all three oneshots saw each other" 3 "$(sort -u "$M/os.done" 2>/dev/null | wc -l)"
check_eq "par.target is active" active "$(active_state par.target)"

if command -v systemd-notify >/dev/null; then
	rc=0
	ctl start ready.target || rc=$?
	check_eq "start ready.target (three notify services) succeeds" 0 "$rc"
	for i in 1 2 3; do
		check_eq "ready$i.service is running" running "$(prop ready$i.service SubState)"
	done
	check_eq "all three notify services saw each other before READY=1" 3 \
		"$(sort -u "$M/nt.done" 2>/dev/null | wc -l)"
	rc=0
	ctl stop ready.target ready1.service ready2.service ready3.service || rc=$?
	check_eq "stopping them succeeds" 0 "$rc"
	check_eq "ready1.service is inactive after stop" inactive "$(active_state ready1.service)"
else
	echo "(systemd-notify missing: notify part not run)"
fi

stop_ember
it_finish
