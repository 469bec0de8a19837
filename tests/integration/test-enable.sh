#!/bin/bash
# enable/disable/mask/unmask/is-enabled with --unit-path=ETC:VENDOR: the unit files are in
# VENDOR (as in /lib/systemd/system), the links go into the first directory, ETC (as in
# /etc/systemd/system), as absolute symlinks to the unit file.
#   WantedBy=multi-user.target -> ETC/multi-user.target.wants/web.service
#   RequiredBy=app.target      -> ETC/app.target.requires/web.service
#   Alias=www.service          -> ETC/www.service
#   mask                       -> ETC/web.service -> /dev/null
# The enabled unit is started by the next `isolate multi-user.target` and by the next
# start of ember.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
it_setup
ETC=$WORK/etc
mkdir -p "$ETC"
# shellcheck disable=SC2034 # read by start_ember
UNIT_PATH=$ETC:$UNITS

unit web.service <<EOF
[Unit]
Description=Web
[Service]
ExecStart=/bin/sh -c 'echo run >>$M/web.runs; exec sleep 1000'
[Install]
WantedBy=multi-user.target
RequiredBy=app.target
Alias=www.service
EOF
unit static.service <<EOF
[Unit]
Description=No [Install] section
[Service]
ExecStart=/bin/sleep 1000
EOF
unit app.target <<EOF
[Unit]
Description=App
EOF

start_ember

links() { find "$ETC" -type l -printf '%P -> %l\n' | sort; }
link_is() { [[ -L $1 && $(readlink "$1") == "$2" ]]; }

check_eq "is-enabled web.service before enable prints" disabled "$(ctl is-enabled web.service || true)"
check_eq "  ... exits" 1 "$(ctl_rc is-enabled web.service)"
check_eq "is-enabled static.service prints" static "$(ctl is-enabled static.service || true)"
check_eq "  ... exits" 0 "$(ctl_rc is-enabled static.service)"
check_eq "is-enabled of an unknown unit exits" 1 "$(ctl_rc is-enabled nonexistent.service)"

out=$(ctl enable web.service 2>&1) && rc=0 || rc=$?
check_eq "enable web.service" 0 "$rc"
check "enable reports the links it created" grep -q "Created symlink" <<<"$out"
check "WantedBy=: $ETC/multi-user.target.wants/web.service -> the unit file" \
	link_is "$ETC/multi-user.target.wants/web.service" "$UNITS/web.service"
check "RequiredBy=: $ETC/app.target.requires/web.service -> the unit file" \
	link_is "$ETC/app.target.requires/web.service" "$UNITS/web.service"
check "Alias=: $ETC/www.service -> the unit file" link_is "$ETC/www.service" "$UNITS/web.service"
check_eq "nothing else was linked" 3 "$(links | wc -l)"
check_eq "no link was put into the vendor directory" "default.target -> multi-user.target" \
	"$(find "$UNITS" -type l -printf '%P -> %l\n')"
check_eq "is-enabled web.service prints" enabled "$(ctl is-enabled web.service || true)"
check_eq "  ... exits" 0 "$(ctl_rc is-enabled web.service)"
check_eq "is-enabled www.service (the alias) prints" alias "$(ctl is-enabled www.service || true)"
check "list-unit-files shows web.service enabled" \
	grep -qE "^web.service +enabled" <(ctl list-unit-files 'web*')
check "status shows enabled" grep -q "Loaded: loaded ($UNITS/web.service; enabled" \
	<(ctl status web.service 2>&1 || true)
check_eq "enable reloaded the manager: multi-user.target now wants web.service" yes \
	"$(ctl show -p Wants --value multi-user.target | tr ' ' '\n' | grep -qx web.service && echo yes || echo no)"

rc=0
ctl isolate multi-user.target >/dev/null 2>&1 || rc=$?
check_eq "isolate multi-user.target" 0 "$rc"
check_eq "the enabled web.service was started by it" active "$(active_state web.service)"
check_eq "www.service is the same unit" active "$(active_state www.service)"
check_eq "  ... named web.service" web.service "$(prop www.service Id)"
ctl stop web.service
rc=0
ctl start app.target >/dev/null 2>&1 || rc=$?
check_eq "start app.target (RequiredBy=)" 0 "$rc"
check_eq "it pulled in web.service" active "$(active_state web.service)"

# Restart ember: the enabled unit starts with multi-user.target.
stop_ember
: >"$M/web.runs"
start_ember
check "after a restart of ember web.service runs again" wait_until state_is web.service active
check "  ... it ran once" wait_until nlines_is "$M/web.runs" 1

out=$(ctl disable web.service 2>&1) && rc=0 || rc=$?
check_eq "disable web.service" 0 "$rc"
check "disable reports the links it removed" grep -q "Removed" <<<"$out"
check_eq "every link is gone" "" "$(links)"
check_eq "is-enabled after disable" disabled "$(ctl is-enabled web.service || true)"
check_eq "disable does not stop it" active "$(active_state web.service)"

out=$(ctl enable static.service 2>&1) && rc=0 || rc=$?
check_eq "enable of a unit without [Install] exits 0: $(head -n 1 <<<"$out")" 0 "$rc"
check_eq "  ... and links nothing" "" "$(links)"

ctl stop web.service
rc=0
ctl mask web.service >/dev/null 2>&1 || rc=$?
check_eq "mask web.service" 0 "$rc"
check "mask: $ETC/web.service -> /dev/null" link_is "$ETC/web.service" /dev/null
check_eq "is-enabled prints masked" masked "$(ctl is-enabled web.service || true)"
check_eq "  ... exits" 1 "$(ctl_rc is-enabled web.service)"
check_eq "LoadState" masked "$(prop web.service LoadState)"
out=$(ctl start web.service 2>&1) && rc=0 || rc=$?
check "start of a masked unit fails: ${out//$'\n'/ }" test "$rc" -ne 0
check "  ... saying it is masked" grep -q "masked" <<<"$out"
check "status shows Loaded: masked" grep -q "Loaded: masked" <(ctl status web.service 2>&1 || true)
rc=0
ctl unmask web.service >/dev/null 2>&1 || rc=$?
check_eq "unmask web.service" 0 "$rc"
check_eq "the mask link is gone" "" "$(links)"
check_eq "is-enabled after unmask" disabled "$(ctl is-enabled web.service || true)"
check_eq "LoadState after unmask" loaded "$(prop web.service LoadState)"
rc=0
ctl start web.service >/dev/null 2>&1 || rc=$?
check_eq "it starts again" 0 "$rc"

rc=0
ctl disable --now web.service >/dev/null 2>&1 || rc=$?
check_eq "disable --now" 0 "$rc"
check_eq "  ... stopped it" inactive "$(active_state web.service)"
rc=0
ctl enable --now web.service >/dev/null 2>&1 || rc=$?
check_eq "enable --now" 0 "$rc"
check_eq "  ... started it" active "$(active_state web.service)"
check "  ... and linked it" link_is "$ETC/multi-user.target.wants/web.service" "$UNITS/web.service"
rc=0
ctl reenable web.service >/dev/null 2>&1 || rc=$?
check_eq "reenable" 0 "$rc"
check_eq "  ... links the same three again" 3 "$(links | wc -l)"

rc=0
ctl set-default app.target >/dev/null 2>&1 || rc=$?
check_eq "set-default app.target" 0 "$rc"
check "  ... $ETC/default.target -> app.target's file" link_is "$ETC/default.target" "$UNITS/app.target"
check_eq "get-default" app.target "$(ctl get-default)"

stop_ember
it_finish
