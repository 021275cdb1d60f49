# milter_common.sh - helpers shared by the scam-milter integration tests.
#
# Sourced (not run) by test_milter_options.sh and test_miltertest.sh. Needs
# top_srcdir and top_builddir (absolute paths; `make check` exports them).
# Gives: a temp dir $tmp removed at exit, every process started with
# start_bg killed at exit (also on failure), TAP-like "ok - ..." counters, a
# free loopback port, and waits with deadlines so no test can hang.

: "${top_srcdir:?set top_srcdir to the source tree}"
: "${top_builddir:?set top_builddir to the build tree}"

# shellcheck disable=SC2034 # used by the scripts that source this file
MILTER=$top_builddir/scam-milter
passed=0
failed=0
bg_pids=""

# skip - explain and exit 77 (automake's "skipped")
skip() {
	echo "SKIP: $*"
	exit 77
}

# ok / not_ok - count and print one check
ok() {
	passed=$((passed + 1))
	echo "ok - $*"
}
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $*"
}

# check DESC CMD... - run CMD, ok if it succeeds
check() {
	_desc=$1
	shift
	if "$@"; then ok "$_desc"; else not_ok "$_desc"; fi
}

# finish - the summary line, and the exit status
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

# cleanup - kill what we started, remove the temp dir (the EXIT trap)
cleanup() {
	for _p in $bg_pids; do
		kill -KILL "$_p" 2>/dev/null || true
	done
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}

# setup_tmp - make $tmp and arrange for cleanup on every exit
setup_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/scam-milter-test.XXXXXX")
	trap cleanup EXIT
	trap 'exit 1' HUP INT TERM
}

# track_pid PID - kill PID at exit if it is still running
track_pid() {
	bg_pids="$bg_pids $1"
}

# need_python - the helpers below use python3 for sockets
need_python() {
	command -v python3 >/dev/null 2>&1 || skip "python3 is needed to pick a free port"
}

# free_port - a TCP port on 127.0.0.1 that nothing listens on right now
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# port_accepts PORT - true when a TCP connection to 127.0.0.1:PORT succeeds
port_accepts() {
	python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
s.close()' "$1"
}

# alive PID - true while PID runs (a zombie waiting to be reaped does not count)
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	_state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$_state" ] && [ "$_state" != Z ]
}

# wait_port PORT PID SECONDS - until PORT accepts, PID dies, or time is up
wait_port() {
	_n=$(($3 * 10))
	while [ "$_n" -gt 0 ]; do
		port_accepts "$1" && return 0
		alive "$2" || return 1
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# wait_log FILE FIXED-STRING SECONDS - until FILE contains the string
wait_log() {
	_n=$(($3 * 10))
	while [ "$_n" -gt 0 ]; do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# wait_exit PID SECONDS - until PID is gone; 1 if it is still there
wait_exit() {
	_n=$(($2 * 10))
	while [ "$_n" -gt 0 ]; do
		alive "$1" || return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# no_sanitizer_reports FILE - true when FILE holds no ASan/UBSan/LSan report
no_sanitizer_reports() {
	! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: .*Sanitizer' "$1"
}
