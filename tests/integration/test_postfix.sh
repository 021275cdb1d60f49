#!/usr/bin/env bash
# test_postfix.sh - scam-milter behind a real (private) Postfix instance
#
# Each check sends mail with swaks (or smtplib for several messages in one
# session) to 127.0.0.1 and looks at what the client was told and what was
# delivered: tag, accept, forged X-Scam-* headers, reject, quarantine (hold
# queue), milter down (4xx, nothing lost), several messages per session, and
# finally a clean exit of scam-milter (status 0, no sanitizer report).
# Rules are our own, in a temp dir, so shipped scores do not matter:
#   TEST_SCAM        6   tag         (Subject: lottery winner)
#   TEST_QUARANTINE 12   quarantine  (Subject: hold-this-one)
#   TEST_REJECT     20   reject      (body: reject-me-4b1d)
# Exit: 0 all passed, 1 a check failed, 77 skipped (not root / no postfix),
# 99 the harness itself broke.
# shellcheck disable=SC2119 # milter_start takes an optional config, not our $1
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
PF_DOMAIN=example.com
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

sc_require_postfix
[ -x "$top_builddir/scam-milter" ] || sc_die "no $top_builddir/scam-milter: build it, or set top_builddir"


pf_setup tagged ham forged authres dkimpass dmarcfail rejected held later multi1 multi2 multi3 multi4
msgs=$SC_TMP/msgs
mkdir "$msgs"

cat >"$SC_TMP/rules/50_test.cf" <<'EOF'
# test rules for test_postfix.sh
header TEST_SCAM Subject =~ /lottery winner/i
score TEST_SCAM 6
describe TEST_SCAM Test rule: lottery winner subject
header TEST_QUARANTINE Subject =~ /hold-this-one/
score TEST_QUARANTINE 12
describe TEST_QUARANTINE Test rule: quarantine level
body TEST_REJECT /reject-me-4b1d/
score TEST_REJECT 20
describe TEST_REJECT Test rule: reject level
EOF
cp "$top_srcdir/rules/15_auth.cf" "$SC_TMP/rules/"

# make_msg - write $msgs/NAME.eml with SUBJECT, BODY and any extra header lines
make_msg() {
	local name=$1 subject=$2 body=$3 h
	shift 3
	{
		printf 'From: Sender <sender@example.org>\n'
		printf 'To: <%s@example.com>\n' "$name"
		printf 'Subject: %s\n' "$subject"
		printf 'Date: Mon, 3 Mar 2025 10:00:00 +0000\n'
		printf 'Message-ID: <%s.%s@example.org>\n' "$name" "$$"
		for h in "$@"; do
			printf '%s\n' "$h"
		done
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
		printf '%s\n' "$body"
	} >"$msgs/$name.eml"
}

make_msg tagged "You are our lottery winner" "Claim your prize today."
make_msg forged "Lottery winner notification" "Claim your prize today." \
	"X-Scam-Score: -50.0" \
	"X-Scam-Status: No, score=-50.0 tag=5.0 quarantine=10.0 reject=15.0 tests=forged-9f3c" \
	"x-scam-status: No, forged-9f3c in lower case" \
	"X-SCAM-Flag: forged-9f3c" \
	"X-Scam-Verdict: a folded" \
	"	forged-9f3c header"
make_msg authres "Quarterly figures" "Nothing special here." \
	"Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=forged-7a2c.example" \
	"Authentication-Results: other.example; spf=fail smtp.mailfrom=kept-5e1d.example" \
	"authentication-results: MX.TEST.EXAMPLE (lower-case name); dkim=pass forged-7a2c"
make_msg rejected "Invoice" "Please pay: reject-me-4b1d"
make_msg dkimpass "Signed minutes" "These minutes are signed."
mv "$msgs/dkimpass.eml" "$msgs/dkimpass.unsigned"
make_msg dmarcfail "Wire transfer today" "Please wire the funds today."
sed -i 's/^From: .*/From: CEO <ceo@bank.example>/' "$msgs/dmarcfail.eml"
make_msg held "Please hold-this-one" "Nothing special here."
make_msg later "Lottery winner (sent again later)" "Claim your prize today."
make_msg multi1 "Lottery winner one" "first"
make_msg multi2 "Plain note two" "second"
make_msg multi3 "Bad three" "reject-me-4b1d"
make_msg multi4 "Lottery winner four" "fourth"

# DKIM: a key made now; the message is signed by Mail::DKIM (not the
# libopendkim that verifies), for example.org with selector t1.
openssl genrsa -out "$SC_TMP/dkim.pem" 2048 2>/dev/null || sc_die "openssl genrsa failed"
perl "$top_srcdir/tests/integration/dkim_sign.pl" "$SC_TMP/dkim.pem" example.org t1 \
	<"$msgs/dkimpass.unsigned" >"$msgs/dkimpass.eml" || sc_die "dkim_sign.pl failed"
dkim_p=$(openssl rsa -in "$SC_TMP/dkim.pem" -pubout 2>/dev/null | grep -v '^-----' | tr -d '\n')

# The only DNS there is: example.org (the senders' domain) lets 127.0.0.1
# send and publishes the DKIM key; bank.example asks to reject forgeries.
MILTER_DNS_DATA=$SC_TMP/dns.zone
{
	printf 'example.org. 300 IN TXT "v=spf1 ip4:127.0.0.1 -all"\n'
	# A TXT string holds at most 255 bytes: split the key record.
	printf 't1._domainkey.example.org. 300 IN TXT "v=DKIM1; k=rsa; p=%s" "%s"\n' \
		"${dkim_p:0:200}" "${dkim_p:200}"
	printf 'bank.example. 300 IN TXT "v=spf1 -all"\n'
	printf '_dmarc.bank.example. 300 IN TXT "v=DMARC1; p=reject"\n'
} >"$MILTER_DNS_DATA"
milter_write_conf "$SC_TMP/rules" "authserv_id = mx.test.example"
milter_start
pf_start
sc_log "postfix on 127.0.0.1:$PF_PORT, scam-milter on 127.0.0.1:$MILTER_PORT, in $SC_TMP"

why=

# deliver - send msgs/BOX.eml to BOX@example.com and wait for it; sets $file or $why
deliver() {
	local box=$1 want
	want=$(($(pf_mailbox_count "$box") + 1))
	if ! pf_send "$msgs/$box.eml" "$box@example.com"; then
		why="swaks exit $SC_SMTP_STATUS: $SC_SMTP_REPLY"
		return 1
	fi
	if ! pf_wait_delivered "$box" "$want" 20; then
		why="accepted ($SC_SMTP_REPLY) but not delivered to $box within 20 s"
		return 1
	fi
	file=$(pf_last_delivered "$box")
}

# count_headers - print how many NAME headers FILE has
count_headers() {
	pf_header "$1" "$2" | wc -l
}

# check_verdict_headers - FILE has exactly one X-Scam-Score and X-Scam-Status, STATUS (Yes|No)
check_verdict_headers() {
	local f=$1 want=$2 score status
	if [ "$(count_headers "$f" X-Scam-Score)" != 1 ] ||
		[ "$(count_headers "$f" X-Scam-Status)" != 1 ]; then
		why="want one X-Scam-Score and one X-Scam-Status, got: $(pf_headers "$f" | grep -i '^x-scam-' | tr '\n' '|')"
		return 1
	fi
	score=$(pf_header "$f" X-Scam-Score)
	status=$(pf_header "$f" X-Scam-Status)
	case $score in
	'' | *[!0-9.-]*)
		why="X-Scam-Score is not a number: '$score'"
		return 1
		;;
	esac
	case $status in
	"$want, score=$score "*tag=*quarantine=*reject=*tests=*) ;;
	*)
		why="X-Scam-Status '$status' does not start '$want, score=$score' with thresholds and tests="
		return 1
		;;
	esac
}

# test_tagged - (1) a rule hit arrives tagged
test_tagged() {
	deliver tagged || return 1
	check_verdict_headers "$file" Yes || return 1
	case $(pf_header "$file" X-Scam-Status) in
	*TEST_SCAM=6.0*) ;;
	*)
		why="X-Scam-Status lacks TEST_SCAM=6.0: $(pf_header "$file" X-Scam-Status)"
		return 1
		;;
	esac
	if [ "$(pf_header "$file" X-Spam-Flag)" != YES ]; then
		why="X-Spam-Flag is '$(pf_header "$file" X-Spam-Flag | tr '\n' '|')', want YES"
		return 1
	fi
}

# test_ham - (2) a normal message arrives with X-Scam-Status: No and no X-Spam-Flag
test_ham() {
	cp "$top_srcdir/tests/data/demo-ham-meeting.eml" "$msgs/ham.eml"
	deliver ham || return 1
	check_verdict_headers "$file" No || return 1
	if [ "$(count_headers "$file" X-Spam-Flag)" != 0 ]; then
		why="a message below tag_threshold got X-Spam-Flag"
		return 1
	fi
}

# test_forged - (3) inbound X-Scam-* headers are removed, only ours remain
test_forged() {
	local got
	deliver forged || return 1
	check_verdict_headers "$file" Yes || return 1
	got=$(pf_headers "$file" | grep -i '^x-scam-' | cut -d: -f1 | tr '\n' ' ')
	if [ "$got" != "X-Scam-Score X-Scam-Status " ]; then
		why="X-Scam-* headers left: $got"
		return 1
	fi
	if pf_headers "$file" | grep -q -e 'forged-9f3c' -e '-50\.0'; then
		why="a forged value survived: $(pf_headers "$file" | grep -e 'forged-9f3c' -e '-50\.0')"
		return 1
	fi
}

# test_authres - SPF through the milter: our Authentication-Results first,
# inbound ones claiming our authserv-id gone, another host's kept
test_authres() {
	local got
	deliver authres || return 1
	got=$(pf_header "$file" Authentication-Results | tr '\n' '|')
	if [ "$got" != "mx.test.example; spf=pass smtp.mailfrom=example.org; dkim=none; dmarc=none header.from=example.org|other.example; spf=fail smtp.mailfrom=kept-5e1d.example|" ]; then
		why="Authentication-Results: $got"
		return 1
	fi
	if ! pf_header "$file" X-Scam-Status | grep -q 'SPF_PASS=-0\.001'; then
		why="no SPF_PASS in X-Scam-Status: $(pf_header "$file" X-Scam-Status)"
		return 1
	fi
}

# test_dkim_pass - a message signed for example.org, key in DNS: dkim=pass and,
# SPF and DKIM aligned with From, dmarc=pass
test_dkim_pass() {
	local got
	deliver dkimpass || return 1
	got=$(pf_header "$file" Authentication-Results | head -n 1)
	case $got in
	"mx.test.example; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org header.s=t1 header.b="*"; dmarc=none header.from=example.org") ;;
	*)
		why="Authentication-Results: $got"
		return 1
		;;
	esac
}

# test_dmarc_fail - From forges bank.example (p=reject), sent by example.org:
# SPF passes for example.org, nothing aligns with bank.example: dmarc=fail
test_dmarc_fail() {
	local got
	deliver dmarcfail || return 1
	got=$(pf_header "$file" Authentication-Results | head -n 1)
	if [ "$got" != "mx.test.example; spf=pass smtp.mailfrom=example.org; dkim=none; dmarc=fail (p=reject) header.from=bank.example" ]; then
		why="Authentication-Results: $got"
		return 1
	fi
}

# test_reject - (4) over reject_threshold: 550 5.7.1 at the client, nothing delivered or queued
test_reject() {
	if pf_send "$msgs/rejected.eml" rejected@example.com; then
		why="message was accepted: $SC_SMTP_REPLY"
		return 1
	fi
	case $SC_SMTP_REPLY in
	"550 5.7.1 "*) ;;
	*)
		why="want 550 5.7.1, got '$SC_SMTP_REPLY' (swaks exit $SC_SMTP_STATUS)"
		return 1
		;;
	esac
	sleep 1
	if [ "$(pf_mailbox_count rejected)" != 0 ] || [ "$(pf_queue_count)" != 0 ]; then
		why="rejected message was delivered or queued"
		return 1
	fi
}

# test_quarantine - over quarantine_threshold: accepted, put on hold, not delivered
test_quarantine() {
	if ! pf_send "$msgs/held.eml" held@example.com; then
		why="not accepted: $SC_SMTP_REPLY"
		return 1
	fi
	sleep 1
	if [ "$(pf_mailbox_count held)" != 0 ]; then
		why="quarantined message was delivered"
		return 1
	fi
	if [ "$(pf_hold_count)" != 1 ]; then
		why="hold queue has $(pf_hold_count) messages, want 1"
		return 1
	fi
}

# test_milter_down - (5) milter stopped: 4xx, nothing queued; after a restart the resend arrives
test_milter_down() {
	local queued
	milter_stop || stop_status=$?
	queued=$(pf_queue_count)
	if pf_send "$msgs/later.eml" later@example.com; then
		why="accepted with the milter down: $SC_SMTP_REPLY"
		return 1
	fi
	case $SC_SMTP_REPLY in
	4[0-9][0-9]" "*) ;;
	*)
		why="want a 4xx (451 4.7.1), got '$SC_SMTP_REPLY'"
		return 1
		;;
	esac
	sleep 1
	if [ "$(pf_mailbox_count later)" != 0 ] || [ "$(pf_queue_count)" != "$queued" ]; then
		why="message was delivered or queued although the client got $SC_SMTP_REPLY"
		return 1
	fi
	down_reply=$SC_SMTP_REPLY
	milter_start
	deliver later || return 1
	check_verdict_headers "$file" Yes
}

# test_session - (6) four messages in one SMTP session each get their own verdict
test_session() {
	local out box want
	out=$(python3 - "$PF_PORT" "$msgs" <<'EOF'
import smtplib, sys
port, msgs = int(sys.argv[1]), sys.argv[2]
with smtplib.SMTP("127.0.0.1", port, local_hostname="mail.example.org", timeout=60) as s:
    for i in range(1, 5):
        box = "multi%d" % i
        with open("%s/%s.eml" % (msgs, box), "rb") as f:
            data = f.read()
        try:
            s.sendmail("sender@example.org", ["%s@example.com" % box], data)
            print(box, 250)
        except smtplib.SMTPDataError as e:
            print(box, e.smtp_code)
EOF
	) || {
		why="smtplib session failed: $out"
		return 1
	}
	if [ "$out" != "$(printf 'multi1 250\nmulti2 250\nmulti3 550\nmulti4 250')" ]; then
		why="replies: $(echo "$out" | tr '\n' ' ') (want 250 250 550 250)"
		return 1
	fi
	for box in multi1 multi2 multi4; do
		if ! pf_wait_delivered "$box" 1 20; then
			why="$box not delivered"
			return 1
		fi
		file=$(pf_last_delivered "$box")
		want=Yes
		[ "$box" != multi2 ] || want=No
		check_verdict_headers "$file" "$want" || {
			why="$box: $why"
			return 1
		}
	done
	if [ "$(count_headers "$(pf_last_delivered multi2)" X-Spam-Flag)" != 0 ]; then
		why="multi2 (ham after a tagged message) got X-Spam-Flag: per-message state leaked"
		return 1
	fi
}

# test_clean_exit - scam-milter exits 0 on SIGTERM, both times, with no sanitizer report
test_clean_exit() {
	local rc=0
	milter_stop || rc=$?
	if [ "$stop_status" != 0 ] || [ "$rc" != 0 ]; then
		why="exit status $stop_status on the first SIGTERM, $rc on the second (want 0)"
		return 1
	fi
	if grep -E -q 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$MILTER_LOG"; then
		why="sanitizer report in the milter log: $(grep -E -m 3 'Sanitizer|runtime error:' "$MILTER_LOG")"
		return 1
	fi
}

stop_status=0
if test_tagged; then ok "rule hit delivered with X-Scam-Status: Yes and X-Spam-Flag: YES"; else not_ok "tagged message: $why"; fi
if test_ham; then ok "normal message delivered with X-Scam-Status: No"; else not_ok "normal message: $why"; fi
if test_forged; then ok "forged inbound X-Scam-* headers removed, only ours remain"; else not_ok "forged headers: $why"; fi
if test_authres; then ok "SPF pass from injected DNS: Authentication-Results added, forged ones removed"; else not_ok "authentication results: $why"; fi
if test_dkim_pass; then ok "a message signed by Mail::DKIM arrives with dkim=pass"; else not_ok "dkim pass: $why"; fi
if test_dmarc_fail; then ok "a From forging a p=reject domain arrives with dmarc=fail (p=reject)"; else not_ok "dmarc fail: $why"; fi
if test_reject; then ok "over reject_threshold: client got '$SC_SMTP_REPLY', nothing delivered"; else not_ok "reject: $why"; fi
if test_quarantine; then ok "over quarantine_threshold: accepted and held, not delivered"; else not_ok "quarantine: $why"; fi
down_reply=
if test_milter_down; then ok "milter down: client got '$down_reply', nothing queued; delivered after restart"; else not_ok "milter down: $why"; fi
if test_session; then ok "four messages in one SMTP session each got their own verdict"; else not_ok "one session, several messages: $why"; fi

if test_clean_exit; then ok "scam-milter exited 0 on SIGTERM, no sanitizer report"; else not_ok "milter exit: $why"; fi

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" = 0 ] || exit 1
