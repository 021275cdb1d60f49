#!/bin/sh
# test_miltertest.sh - scam-milter at the milter protocol level, driven by
# miltertest(8) with milter.lua: verdict headers, X-Spam-Flag, deletion of
# forged X-Scam-* fields, several messages per connection, abort,
# quarantine, truncation past max_message_size, and reject with 550 5.7.1.
# Then the per-message log lines, and a clean stop. Loopback only.
set -eu

: "${top_srcdir:?set top_srcdir to the source tree}"
: "${top_builddir:?set top_builddir to the build tree}"
# shellcheck source=tests/integration/milter_common.sh
. "$top_srcdir/tests/integration/milter_common.sh"

command -v miltertest >/dev/null 2>&1 || skip "miltertest is not installed (apt-get install miltertest)"
[ -x "$MILTER" ] || {
	echo "not ok - $MILTER is not built"
	exit 1
}
need_python
setup_tmp

mkdir -p "$tmp/rules"
cat >"$tmp/rules/10_test.cf" <<'RULES'
# rules the Lua script relies on
header SC_TEST_SUBJ Subject =~ /free money/i
score SC_TEST_SUBJ 6
describe SC_TEST_SUBJ Subject offers free money
body SC_TEST_BODY /lottery winner/i
score SC_TEST_BODY 11
header SC_TEST_REJECT Subject =~ /wire transfer now/i
score SC_TEST_REJECT 20
RULES
cat >"$tmp/scam-milter.conf" <<'CONF'
socket = inet:8895@127.0.0.1
rules_dir = rules
tag_threshold = 5.0
quarantine_threshold = 10.0
reject_threshold = 15.0
max_message_size = 2K
on_error = tempfail
log_level = debug
dns_local_data = /dev/null
CONF

port=$(free_port)
log=$tmp/milter.log
"$MILTER" -f -c "$tmp/scam-milter.conf" -p "inet:$port@127.0.0.1" >"$log" 2>&1 &
pid=$!
track_pid "$pid"
if wait_port "$port" "$pid" 30; then
	ok "scam-milter listens on inet:$port@127.0.0.1"
else
	not_ok "scam-milter listens on inet:$port@127.0.0.1"
	sed 's/^/#   /' "$log"
	finish
fi

st=0
miltertest -D port="$port" -s "$top_srcdir/tests/integration/milter.lua" >"$tmp/mt.out" 2>&1 || st=$?
cat "$tmp/mt.out"
n_ok=$(grep -c '^ok - ' "$tmp/mt.out" || true)
n_bad=$(grep -c '^not ok - ' "$tmp/mt.out" || true)
passed=$((passed + n_ok))
failed=$((failed + n_bad))
if [ "$st" -eq 0 ] && [ "$n_ok" -gt 0 ]; then ok "miltertest exits 0"; else
	not_ok "miltertest exits 0 (exit $st, $n_ok checks ok)"
fi

# log_has DESC STRING - the milter's log has a line containing STRING
log_has() {
	if grep -qF -- "$2" "$log"; then ok "$1"; else
		not_ok "$1: no line with \"$2\""
	fi
}
log_has "the tagged message is logged" \
	"QTAG1: from=<sender@example.com> rcpt=<rcpt@example.net> score=6.0 action=tag hits=SC_TEST_SUBJ size="
log_has "the clean message is logged with both recipients" \
	"QCLEAN2: from=<other@example.com> rcpt=<a@example.net>,<b@example.net> score=0.0 action=accept hits= size="
log_has "the quarantined message is logged" "QHOLD4: from=<lotto@example.com> rcpt=<rcpt@example.net> score=11.0 action=quarantine hits=SC_TEST_BODY size="
log_has "the truncated message is logged as truncated" " truncated"
# The daemon builds the rules' prefilter after start-up, in its own thread.
if "$top_builddir/scamctl" --rules "$tmp/rules" lint --prefilter | grep -q '^prefilter: Hyperscan'; then
	log_has "the daemon builds the rules' prefilter after start-up" \
		"rules prefilter ready: 1 body, 0 rawbody, 0 uri, 2 header rules, compiled in"
fi
if grep -F "QBIG5:" "$log" | grep -q ' truncated$'; then
	ok "the QBIG5 line ends in truncated"
else
	not_ok "the QBIG5 line ends in truncated"
fi
log_has "the rejected message is logged" "QREJ6: from=<boss@example.com> rcpt=<rcpt@example.net> score=20.0 action=reject hits=SC_TEST_REJECT size="
log_has "the null sender is logged as <>" "QUNSPEC8: from=<> rcpt=<postmaster@example.net>"
log_has "an IPv4 client address is formatted" "connect from client.example.org [192.0.2.7]"
log_has "an IPv6 client address is formatted" "connect from v6.example.org [2001:db8::25]"
log_has "a client of another family is unknown" "connect from unknown.example.org [unknown]"
if grep -qF "QABORT3" "$log"; then not_ok "the aborted message is not logged"; else
	ok "the aborted message is not logged"
fi

kill -TERM "$pid"
if wait_exit "$pid" 30; then
	st=0
	wait "$pid" || st=$?
	check "SIGTERM stops it with exit 0 (exit $st)" test "$st" -eq 0
else
	not_ok "SIGTERM stops it within 30 s"
fi
check "the log has no sanitizer report" no_sanitizer_reports "$log"
if [ "$failed" -gt 0 ]; then
	echo "# scam-milter log:"
	sed 's/^/#   /' "$log"
fi
finish
