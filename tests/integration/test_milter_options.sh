#!/bin/sh
# test_milter_options.sh - scam-milter's command line, -t, signals, daemon mode.
#
# Checks -V, -h and usage errors, -t on good and broken configs and rules,
# SIGHUP reload (a broken rule is reported with file:line and the old rules
# stay; a fixed one is taken), SIGTERM (clean stop, exit 0), a unix socket's
# mode, daemon mode with a pid file, and -u when run as root. Everything
# listens on 127.0.0.1 only.
set -eu

: "${top_srcdir:?set top_srcdir to the source tree}"
: "${top_builddir:?set top_builddir to the build tree}"
# shellcheck source=tests/integration/milter_common.sh
. "$top_srcdir/tests/integration/milter_common.sh"

[ -x "$MILTER" ] || {
	echo "not ok - $MILTER is not built"
	exit 1
}
need_python
setup_tmp

# run OUT ERR CMD... - run CMD with output to files; its status in $st
run() {
	_o=$1
	_e=$2
	shift 2
	st=0
	"$@" >"$_o" 2>"$_e" </dev/null || st=$?
}

# show FILE - a file's lines as comments, to explain a failure
show() {
	sed 's/^/#   /' "$1" || true
}

# expect DESC STATUS FILE STRING - $st is STATUS and FILE contains STRING
expect() {
	if [ "$st" -eq "$2" ] && grep -qF -- "$4" "$3"; then
		ok "$1"
	else
		not_ok "$1 (exit $st, wanted $2; looked for \"$4\" in:)"
		show "$3"
	fi
}

# write_rules DIR - a valid rule file
write_rules() {
	mkdir -p "$1"
	cat >"$1/10_test.cf" <<'EOF'
# test rules
header SC_TEST_SUBJ Subject =~ /free money/i
score SC_TEST_SUBJ 6
describe SC_TEST_SUBJ Subject offers free money
EOF
}

# write_conf FILE [LINE...] - a config using rules/ next to it, plus LINEs
write_conf() {
	_f=$1
	shift
	{
		echo "# scam-milter test config"
		echo "socket = inet:8895@127.0.0.1"
		echo "rules_dir = rules"
		for _l in "$@"; do echo "$_l"; done
		echo "dns_local_data = /dev/null" # offline: every name is NXDOMAIN
	} >"$_f"
}

# --- the command line -----------------------------------------------------
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/autoconfig.h")
run "$tmp/out" "$tmp/err" "$MILTER" -V
expect "-V prints \"scam-milter $version\" and exits 0" 0 "$tmp/out" "scam-milter $version"

run "$tmp/out" "$tmp/err" "$MILTER" -h
expect "-h prints the usage and exits 0" 0 "$tmp/out" "usage: scam-milter"

run "$tmp/out" "$tmp/err" "$MILTER" -Z
expect "an unknown option prints the usage and exits 2" 2 "$tmp/err" "usage: scam-milter"

run "$tmp/out" "$tmp/err" "$MILTER" -t extra-argument
expect "an extra argument prints the usage and exits 2" 2 "$tmp/err" "usage: scam-milter"

run "$tmp/out" "$tmp/err" "$MILTER" -c
expect "-c without its argument exits 2" 2 "$tmp/err" "usage: scam-milter"

# --- -t ---------------------------------------------------------------------
run "$tmp/out" "$tmp/err" "$MILTER" -t -c "$top_srcdir/etc/scam-milter.conf"
expect "-t accepts the shipped etc/scam-milter.conf" 0 "$tmp/err" "configuration ok"

mkdir -p "$tmp/t"
write_rules "$tmp/t/rules"
write_conf "$tmp/t/good.conf" "tag_threshold = 4.5"
run "$tmp/out" "$tmp/err" "$MILTER" -t -c "$tmp/t/good.conf"
expect "-t accepts a config with a rules directory" 0 "$tmp/err" "configuration ok"

write_conf "$tmp/t/unknown.conf" "no_such_key = 1"
run "$tmp/out" "$tmp/err" "$MILTER" -t -c "$tmp/t/unknown.conf"
expect "-t on an unknown key exits 1 naming file:line" 1 "$tmp/err" "$tmp/t/unknown.conf:4:"

run "$tmp/out" "$tmp/err" "$MILTER" -t -c "$tmp/t/no-such-file.conf"
expect "-t on a missing config exits 1 naming it" 1 "$tmp/err" "no-such-file.conf"

mkdir -p "$tmp/b/rules"
cat >"$tmp/b/rules/50_bad.cf" <<'EOF'
# a rule whose regex does not compile
header SC_BAD Subject =~ /(unclosed/
EOF
write_conf "$tmp/b/bad.conf"
run "$tmp/out" "$tmp/err" "$MILTER" -t -c "$tmp/b/bad.conf"
expect "-t on a broken regex exits 1 naming file:line" 1 "$tmp/err" "50_bad.cf:2:"

run "$tmp/out" "$tmp/err" "$MILTER" -t -c "$tmp/t/good.conf" -u no-such-user-scam
expect "-t with an unknown -u user exits 1" 1 "$tmp/err" "no-such-user-scam"

# --- SIGHUP reload and SIGTERM ---------------------------------------------
mkdir -p "$tmp/r"
write_rules "$tmp/r/rules"
write_conf "$tmp/r/scam-milter.conf"
port=$(free_port)
log=$tmp/r/milter.log
"$MILTER" -f -c "$tmp/r/scam-milter.conf" -p "inet:$port@127.0.0.1" >"$log" 2>&1 &
pid=$!
track_pid "$pid"
if wait_port "$port" "$pid" 30; then
	ok "-f -p inet:$port@127.0.0.1 listens"
else
	not_ok "-f -p inet:$port@127.0.0.1 listens"
	show "$log"
	finish
fi

cp "$tmp/r/rules/10_test.cf" "$tmp/r/good.cf"
printf '%s\n' 'body SC_BROKEN /unclosed(/' >>"$tmp/r/rules/10_test.cf"
kill -HUP "$pid"
if wait_log "$log" "10_test.cf:5:" 15; then
	ok "SIGHUP with a broken rule logs file:line"
else
	not_ok "SIGHUP with a broken rule logs file:line"
	show "$log"
fi
check "a failed reload says the old rules stay" wait_log "$log" "reload failed" 5
sleep 1
check "the milter survives a failed reload" alive "$pid"
check "the milter still accepts connections" port_accepts "$port"

cp "$tmp/r/good.cf" "$tmp/r/rules/10_test.cf"
write_conf "$tmp/r/scam-milter.conf" "socket_mode = 0600"
kill -HUP "$pid"
check "SIGHUP with fixed rules reloads" wait_log "$log" "reloaded $tmp/r/scam-milter.conf" 15
check "a changed socket_mode is flagged as needing a restart" \
	grep -qF "socket_mode or socket_group changed" "$log"
check "the milter still accepts connections after reloading" port_accepts "$port"

kill -TERM "$pid"
if wait_exit "$pid" 30; then
	st=0
	wait "$pid" || st=$?
	if [ "$st" -eq 0 ]; then ok "SIGTERM stops it with exit 0"; else
		not_ok "SIGTERM stops it with exit 0 (exit $st)"
		show "$log"
	fi
else
	not_ok "SIGTERM stops it within 30 s"
fi
check "the reload run logged no sanitizer report" no_sanitizer_reports "$log"

# --- SIGINT, and a unix socket ---------------------------------------------
mkdir -p "$tmp/u"
write_rules "$tmp/u/rules"
write_conf "$tmp/u/scam-milter.conf" "socket_mode = 0660"
sock=$tmp/u/milter.sock
log=$tmp/u/milter.log
"$MILTER" -f -c "$tmp/u/scam-milter.conf" -p "unix:$sock" >"$log" 2>&1 &
pid=$!
track_pid "$pid"
n=300
while [ ! -S "$sock" ] && [ "$n" -gt 0 ] && alive "$pid"; do
	sleep 0.1
	n=$((n - 1))
done
if [ -S "$sock" ]; then
	sleep 0.5	# the mode is set right after the socket appears
	mode=$(stat -c %a "$sock")
	if [ "$mode" = 660 ]; then ok "a unix socket gets socket_mode 0660"; else
		not_ok "a unix socket gets socket_mode 0660 (it has $mode)"
	fi
else
	not_ok "-p unix:$sock creates the socket"
	show "$log"
fi
kill -INT "$pid" 2>/dev/null || true
if wait_exit "$pid" 30; then
	st=0
	wait "$pid" || st=$?
	if [ "$st" -eq 0 ]; then ok "SIGINT stops it with exit 0"; else
		not_ok "SIGINT stops it with exit 0 (exit $st)"
		show "$log"
	fi
else
	not_ok "SIGINT stops it within 30 s"
fi
check "the unix socket run logged no sanitizer report" no_sanitizer_reports "$log"

# --- daemon mode and pid file -----------------------------------------------
mkdir -p "$tmp/d"
write_rules "$tmp/d/rules"
write_conf "$tmp/d/scam-milter.conf" "pid_file = milter.pid"
port=$(free_port)
run "$tmp/out" "$tmp/err" "$MILTER" -c "$tmp/d/scam-milter.conf" -p "inet:$port@127.0.0.1"
if [ "$st" -eq 0 ]; then ok "without -f the starting process exits 0"; else
	not_ok "without -f the starting process exits 0 (exit $st)"
	show "$tmp/err"
fi
n=300
while [ ! -s "$tmp/d/milter.pid" ] && [ "$n" -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
dpid=$(cat "$tmp/d/milter.pid" 2>/dev/null || true)
case $dpid in
'' | *[!0-9]*)
	not_ok "the daemon writes its pid to pid_file"
	;;
*)
	track_pid "$dpid"
	ok "the daemon writes its pid to pid_file"
	check "the daemon listens" wait_port "$port" "$dpid" 30
	kill -TERM "$dpid"
	check "the daemon stops on SIGTERM" wait_exit "$dpid" 30
	check "the daemon removes its pid file" test ! -e "$tmp/d/milter.pid"
	;;
esac

# --- start-up failures --------------------------------------------------------
run "$tmp/out" "$tmp/err" "$MILTER" -f -c "$tmp/t/good.conf" -p "unix:$tmp/no-such-dir/m.sock"
expect "a socket that cannot be opened exits 3" 3 "$tmp/err" "cannot open socket"

write_conf "$tmp/d/bad-pid.conf" "pid_file = no-such-dir/milter.pid"
port=$(free_port)
run "$tmp/out" "$tmp/err" "$MILTER" -c "$tmp/d/bad-pid.conf" -p "inet:$port@127.0.0.1"
expect "a daemon that cannot write its pid file makes the starting process exit 3" 3 \
	"$tmp/err" "no-such-dir/milter.pid"

# --- -u, when we can switch users -------------------------------------------
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	nobody_uid=$(id -u nobody)
	port=$(free_port)
	log=$tmp/t/milter-u.log
	"$MILTER" -f -c "$tmp/t/good.conf" -u nobody -p "inet:$port@127.0.0.1" >"$log" 2>&1 &
	pid=$!
	track_pid "$pid"
	if wait_port "$port" "$pid" 30; then
		uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
		if [ "$uids" = "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" ]; then
			ok "-u nobody runs as nobody (real, effective, saved, fs)"
		else
			not_ok "-u nobody runs as nobody (uids: $uids)"
		fi
		groups=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$pid/status")
		check "-u drops the supplementary groups but one" test "$(echo "$groups" | wc -w)" -le 1
	else
		not_ok "-u nobody starts and listens"
		show "$log"
	fi
	kill -TERM "$pid" 2>/dev/null || true
	st=0
	if wait_exit "$pid" 30; then wait "$pid" || st=$?; else st=timeout; fi
	check "-u nobody stops with exit 0" test "$st" = 0
else
	echo "# skipped the -u check: not root, or no user nobody"
fi

finish
