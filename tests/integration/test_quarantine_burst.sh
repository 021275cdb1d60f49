#!/usr/bin/env bash
# test_quarantine_burst.sh - kill -9 of scam-milter during a burst of 200
# messages loses nothing.
#
# A python3 smtplib client sends 200 messages to 127.0.0.1 over 4 parallel
# connections, one SMTP session per message, every third one at quarantine
# level (store mode). Once 60 are answered, scam-milter is killed with
# SIGKILL and restarted at once.
# Every message must end up exactly one of: delivered, quarantined (a file
# and an index row), or answered 4xx to the client (which keeps it). A 5xx,
# a lost 250 or a client error fails the test. Bounded: the client gives up
# after 180 s.
# Exit: 0 passed, 1 a check failed, 77 skipped, 99 harness broke.
# shellcheck disable=SC2119
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
PF_DOMAIN=example.com
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

sc_require_postfix
scamctl=$top_builddir/scamctl
[ -x "$scamctl" ] || sc_die "no $scamctl"

TOTAL=200
KILL_AT=60

pf_setup burst
qdir=$SC_TMP/quarantine
cat >"$SC_TMP/rules/50_test.cf" <<'EOF'
header TEST_QUAR Subject =~ /hold-this-one/
score TEST_QUAR 12
EOF
milter_write_conf "$SC_TMP/rules" "quarantine_mode = store" "quarantine_dir = $qdir"
milter_start
pf_start

# The client: one line "N CODE" per message into $SC_TMP/replies. After a
# 4xx it pauses 0.2 s, as a real client would wait (much longer) to retry.
: >"$SC_TMP/replies"
python3 - "$PF_PORT" "$TOTAL" "$SC_TMP/replies" <<'PY' &
import smtplib, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
port, total, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
deadline = time.time() + 180
lock = threading.Lock()
log = open(out, "w", buffering=1)

def send(n):
    if time.time() > deadline:
        code = "timeout"
    else:
        subject = "burst %d hold-this-one" % n if n % 3 == 0 else "burst %d hello" % n
        msg = ("From: <sender@example.org>\r\nTo: <burst@example.com>\r\n"
               "Subject: %s\r\nMessage-ID: <burst-%d@example.org>\r\n\r\n"
               "Message number %d.\r\n" % (subject, n, n))
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
                s.sendmail("sender@example.org", ["burst@example.com"], msg)
            code = 250
        except smtplib.SMTPResponseException as e:
            code = e.smtp_code
        except smtplib.SMTPRecipientsRefused as e:
            code = list(e.recipients.values())[0][0]
        except (OSError, smtplib.SMTPException) as e:
            code = "error:" + type(e).__name__
    with lock:
        log.write("%d %s\n" % (n, code))
    if str(code).startswith("4"):
        time.sleep(0.2)

with ThreadPoolExecutor(max_workers=4) as pool:
    list(pool.map(send, range(total)))
log.close()
PY
client=$!

# Kill the milter mid-burst, then bring it back at once for the rest.
i=0
while [ "$(wc -l <"$SC_TMP/replies")" -lt "$KILL_AT" ]; do
	i=$((i + 1))
	[ "$i" -le 1200 ] || sc_die "the client did not reach $KILL_AT messages in 120 s"
	kill -0 "$client" 2>/dev/null || sc_die "the client died early"
	sleep 0.1
done
kill -KILL "$MILTER_PID"
wait "$MILTER_PID" 2>/dev/null || true
MILTER_PID=
sc_log "killed scam-milter with SIGKILL after $KILL_AT replies"
milter_start
wait "$client" || sc_die "the client failed"

# Let Postfix deliver what it accepted.
for i in $(seq 1 300); do
	[ "$(pf_queue_count)" -gt 0 ] || break
	sleep 0.1
done

fail=0
delivered=$(cat "$PF_MAILDIR"/burst/new/* "$PF_MAILDIR"/burst/cur/* 2>/dev/null |
	sed -n 's/^Message-ID: <burst-\([0-9]*\)@.*/\1/p' | sort -n)
stored=$(cat "$qdir"/msg/* 2>/dev/null | tr -d '\r' |
	sed -n 's/^Message-ID: <burst-\([0-9]*\)@.*/\1/p' | sort -n)
rows=$("$scamctl" -c "$MILTER_CONF" quarantine list | wc -l)
n_ok=0 n_4xx=0 n_del=0 n_quar=0 missing=0 other=0
while read -r n code; do
	case $code in
	250)
		n_ok=$((n_ok + 1))
		if printf '%s\n' "$delivered" | grep -qx "$n"; then
			n_del=$((n_del + 1))
		elif printf '%s\n' "$stored" | grep -qx "$n"; then
			n_quar=$((n_quar + 1))
		else
			missing=$((missing + 1))
			printf '# message %d: 250 but neither delivered nor quarantined\n' "$n"
		fi
		;;
	4[0-9][0-9]) n_4xx=$((n_4xx + 1)) ;;
	*)
		other=$((other + 1))
		printf '# message %d: unexpected answer %s\n' "$n" "$code"
		;;
	esac
done <"$SC_TMP/replies"
answered=$(wc -l <"$SC_TMP/replies")
sc_log "$answered answered: $n_ok accepted ($n_del delivered, $n_quar quarantined), $n_4xx 4xx, $missing missing, $other other; $rows index rows"

if [ "$answered" = "$TOTAL" ] && [ "$missing" = 0 ] && [ "$other" = 0 ] &&
	[ $((n_del + n_quar + n_4xx)) = "$TOTAL" ]; then
	printf 'ok - kill -9 during %d messages: %d delivered, %d quarantined, %d 4xx, none missing\n' \
		"$TOTAL" "$n_del" "$n_quar" "$n_4xx"
else
	printf 'not ok - kill -9 burst: %d answered, %d missing, %d other\n' "$answered" "$missing" "$other"
	fail=1
	sc_dump_logs
fi
# Every stored file has its row (a crash between rename and insert is what fsck is for).
if "$scamctl" -c "$MILTER_CONF" quarantine fsck >"$SC_TMP/fsck.out"; then
	printf 'ok - fsck after the crash: %s\n' "$(tail -n 1 "$SC_TMP/fsck.out")"
else
	printf 'not ok - fsck: %s\n' "$(cat "$SC_TMP/fsck.out")"
	fail=1
fi
if ! milter_stop; then
	printf 'not ok - the restarted scam-milter did not exit cleanly\n'
	fail=1
	sc_dump_logs
fi
exit "$fail"
