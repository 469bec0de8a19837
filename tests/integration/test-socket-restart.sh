#!/bin/bash
# Socket activation (b): an Accept=no daemon that ends after every 50 connections and is
# restarted by the manager loses no client. 4 clients send 500 requests each, one
# connection per request, to a unix socket; listen-echo answers 50 and exits, cleanly
# (clean.service) or with status 3 (crash.service). The listening socket stays open in
# the manager across the restarts, so the clients that come meanwhile wait in the
# kernel's backlog. sock-load counts: all 2,000 answered with their own echo, none
# refused, none lost. listen-echo appends a line to its REPORT file at every start: 40
# starts served the 2,000, and the 41st (Restart=always after the last exit) proves the
# restarts really happened; NRestarts must say the same.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup
LISTEN_ECHO=${LISTEN_ECHO:?}
SOCK_LOAD=${SOCK_LOAD:?}
CLIENTS=4 PER_CLIENT=500 PER_START=50
STARTS=$((CLIENTS * PER_CLIENT / PER_START + 1))

for kind in clean crash; do
	extra=
	[[ $kind == crash ]] && extra=--crash
	unit $kind.socket <<-EOF
		[Socket]
		ListenStream=$WORK/$kind.sock
	EOF
	# No start limit: 41 starts in a few seconds are the point here.
	unit $kind.service <<-EOF
		[Unit]
		StartLimitIntervalSec=0
		[Service]
		Environment=REPORT=$M/$kind.starts
		ExecStart=$LISTEN_ECHO $PER_START $extra
		Restart=always
		RestartSec=0
	EOF
done

start_ember
for kind in clean crash; do
	check_eq "start $kind.socket" 0 "$(ctl_rc start $kind.socket)"
	out=$("$SOCK_LOAD" count -c "$CLIENTS" -n "$PER_CLIENT" "$WORK/$kind.sock" 2>&1) || true
	echo "$out"
	check_eq "($kind) every request answered with its echo, none refused or lost" \
		"requests=2000 answered=2000 refused=0 lost=0 wrong=0" "$(tail -n 1 <<<"$out")"
	check "($kind) the daemon was started $STARTS times (the last one after request 2000)" \
		wait_until nlines_is "$M/$kind.starts" "$STARTS"
	check_eq "($kind) NRestarts" $((STARTS - 1)) "$(prop $kind.service NRestarts)"
	check_eq "($kind) the socket still listens" active "$(active_state $kind.socket)"
done
check_eq "(crash) every run ended with status 3" $((STARTS - 1)) \
	"$(grep -c 'crash.service: Main process exited, code=exited, status=3' "$LOG")"

stop_ember
it_finish
