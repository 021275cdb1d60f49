#!/usr/bin/env bash
# test_quarantine.sh - per-recipient policy and the quarantine store behind a
# private Postfix: tag with subject prefix, store-mode quarantine (not
# delivered, listed, released with a byte-identical body by sendmail and
# over SMTP), 550 reject,
# a mixed-recipient split, a read-only quarantine directory (4xx,
# nothing lost), hold mode and policy reload on SIGHUP.
# Rules (ours, in a temp dir):  TEST_TAG 6, TEST_QUAR 12, TEST_REJECT 20.
# Policy: recipient lenient@example.com reject=off quarantine=off.
# Exit: 0 all passed, 1 a check failed, 77 skipped, 99 harness broke.
# shellcheck disable=SC2119
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
PF_DOMAIN=example.com
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

sc_require_postfix
scamctl=$top_builddir/scamctl
[ -x "$scamctl" ] || sc_die "no $scamctl"


pf_setup tagged held rejected lenient strict
# A second listener without the milter, for release_smtp.
REINJECT_PORT=$PF_PORT
while [ "$REINJECT_PORT" = "$PF_PORT" ] || [ "$REINJECT_PORT" = "$MILTER_PORT" ]; do
	REINJECT_PORT=$(sc_free_ports 1) || sc_die "no free port"
done
printf '127.0.0.1:%s inet n - n - - smtpd -o smtpd_milters=\n' "$REINJECT_PORT" >>"$PF_CONF/master.cf"
msgs=$SC_TMP/msgs
qdir=$SC_TMP/quarantine
mkdir "$msgs"
cat >"$SC_TMP/rules/50_test.cf" <<'EOF'
header TEST_TAG Subject =~ /lottery winner/i
score TEST_TAG 6
header TEST_QUAR Subject =~ /hold-this-one/
score TEST_QUAR 12
body TEST_REJECT /reject-me-4b1d/
score TEST_REJECT 20
EOF
printf 'recipient lenient@example.com quarantine=off reject=off\n' >"$SC_TMP/policy"
milter_write_conf "$SC_TMP/rules" "quarantine_mode = store" "quarantine_dir = $qdir" \
	"policy_file = $SC_TMP/policy" "subject_prefix = [SCAM?]"
# The Postfix sendmail that release runs must talk to the private instance.
MAIL_CONFIG=$PF_CONF
export MAIL_CONFIG

# make_msg - write $msgs/NAME.eml with SUBJECT and BODY
make_msg() {
	{
		printf 'From: Sender <sender@example.org>\nTo: <%s@example.com>\n' "$1"
		printf 'Subject: %s\nMessage-ID: <%s.%s@example.org>\n' "$2" "$1" "$$"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\n%s\nline two\n' "$3"
	} >"$msgs/$1.eml"
}
# body_of - a message's body (after the first empty line), CRs removed
body_of() {
	tr -d '\r' <"$1" | awk 'body { print } /^$/ && !body { body = 1 }'
}
q() {
	"$scamctl" -c "$MILTER_CONF" quarantine "$@"
}
# send_exact - send FILE's bytes unchanged (no trailing line added) to RCPT
send_exact() {
	python3 - "$PF_PORT" "$1" "$2" <<'PY'
import smtplib, sys
port, path, rcpt = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(path, "rb") as f:
    data = f.read()
with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
    s.sendmail("sender@example.org", [rcpt], data)
PY
}

make_msg tagged "You are our lottery winner" "Claim your prize."
make_msg held "Please hold-this-one" "Quarantine body 7c1e."
make_msg rejected "Invoice" "Please pay: reject-me-4b1d"
make_msg mixed "Mixed hold-this-one" "Mixed body 55aa."
make_msg mixedrej "Mixed reject" "reject-me-4b1d mixed"
make_msg rofs "Read-only hold-this-one" "Read-only body."

milter_start
pf_start

# 1. tagged: delivered with headers and the subject prefix
if pf_send "$msgs/tagged.eml" tagged@example.com && pf_wait_delivered tagged 1 20; then
	f=$(pf_last_delivered tagged)
	if [ "$(pf_header "$f" X-Spam-Flag)" = YES ] &&
		[ "$(pf_header "$f" Subject)" = "[SCAM?] You are our lottery winner" ] &&
		pf_header "$f" X-Scam-Status | grep -q '^Yes, score=6.0'; then
		ok "tagged: delivered with X-Spam-Flag, X-Scam-Status and the subject prefix"
	else
		not_ok "tagged: headers wrong: $(pf_headers "$f" | grep -i 'subject\|x-s')"
	fi
else
	not_ok "tagged: not delivered ($SC_SMTP_REPLY)"
fi

# 2. quarantined: accepted, not delivered, listed; released byte-identical
if send_exact "$msgs/held.eml" held@example.com; then
	sleep 2
	id=$(q list --json | sed -n 's/.*"id":"\([0-9a-f]*\)".*"rcpts":"held@example.com".*/\1/p')
	if [ "$(pf_mailbox_count held)" = 0 ] && [ "$(pf_queue_count)" = 0 ] && [ -n "$id" ]; then
		ok "quarantined: accepted, not delivered, listed as $id"
	else
		not_ok "quarantined: delivered=$(pf_mailbox_count held) queued=$(pf_queue_count) id='$id'"
	fi
	mode=$(stat -c %a "$qdir/msg/$id" 2>/dev/null) || mode=none
	[ "$mode" = 600 ] && ok "quarantined file has mode 0600" || not_ok "file mode $mode"
	if [ -n "$id" ] && q release "$id" >/dev/null && pf_wait_delivered held 1 20; then
		f=$(pf_last_delivered held)
		if [ "$(body_of "$f")" = "$(body_of "$msgs/held.eml")" ] &&
			pf_header "$f" X-Scam-Released | grep -q '^by root at ' &&
			q show "$id" | grep -q 'state:    released' &&
			q show "$id" | grep -q '^by:       root at '; then
			ok "released: delivered with a byte-identical body, X-Scam-Released, recorded"
		else
			not_ok "released: body or record differs"
		fi
	else
		not_ok "release of '$id' failed or not delivered"
	fi
else
	not_ok "quarantined: not accepted"
fi

# 3. rejected: 550 at the client, no rule names
if ! pf_send "$msgs/rejected.eml" rejected@example.com &&
	case $SC_SMTP_REPLY in "550 5.7.1 Message rejected as likely scam (ref "*) true ;; *) false ;; esac &&
	! printf '%s' "$SC_SMTP_REPLY" | grep -q TEST_REJECT; then
	ok "rejected: $SC_SMTP_REPLY"
else
	not_ok "rejected: got '$SC_SMTP_REPLY'"
fi

# 4. mixed: lenient gets it (tagged), strict's copy is quarantined naming strict
if pf_send "$msgs/mixed.eml" lenient@example.com sender@example.org --to lenient@example.com,strict@example.com &&
	pf_wait_delivered lenient 1 20; then
	sleep 1
	if [ "$(pf_mailbox_count strict)" = 0 ] &&
		q list --rcpt strict@example.com --json | grep -q '"rcpts":"strict@example.com"' &&
		! q list --json | grep -q '"rcpts":"[^"]*lenient'; then
		ok "mixed: delivered to lenient, quarantined for strict only"
	else
		not_ok "mixed: strict=$(pf_mailbox_count strict) list=$(q list --json)"
	fi
else
	not_ok "mixed: not delivered to lenient ($SC_SMTP_REPLY)"
fi
# ... and strict's copy released over SMTP (release_smtp: a listener without
# the milter) reaches strict with the stored body unchanged
sid=$(q list --rcpt strict@example.com --json | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' | head -n 1)
{ cat "$MILTER_CONF"; printf 'release_smtp = 127.0.0.1:%s\n' "$REINJECT_PORT"; } >"$SC_TMP/smtp.conf"
if [ -n "$sid" ] && "$scamctl" -c "$SC_TMP/smtp.conf" quarantine release "$sid" >/dev/null &&
	pf_wait_delivered strict 1 20; then
	q show "$sid" --raw >"$SC_TMP/stored.eml"
	f=$(pf_last_delivered strict)
	if [ "$(body_of "$f")" = "$(body_of "$SC_TMP/stored.eml")" ] &&
		pf_header "$f" X-Scam-Released | grep -q '^by root at '; then
		ok "release over SMTP: delivered to strict with the stored body"
	else
		not_ok "release over SMTP: body or header differs"
	fi
else
	not_ok "release over SMTP of '$sid' failed or not delivered"
fi
# mixed reject + accept: the rejecting recipient is removed, the other gets it
before=$(pf_mailbox_count lenient)
before_strict=$(pf_mailbox_count strict)
if pf_send "$msgs/mixedrej.eml" lenient@example.com sender@example.org --to lenient@example.com,strict@example.com &&
	pf_wait_delivered lenient $((before + 1)) 20 && sleep 1 &&
	[ "$(pf_mailbox_count strict)" = "$before_strict" ]; then
	ok "mixed reject: delivered to lenient only"
else
	not_ok "mixed reject: $SC_SMTP_REPLY strict=$(pf_mailbox_count strict)"
fi

# 5. read-only quarantine: 4xx, nothing lost (the client keeps it)
rows=$(q list | wc -l)
chattr +i "$qdir/msg" 2>/dev/null || chmod 500 "$qdir/msg"
if lsattr -d "$qdir/msg" 2>/dev/null | grep -q -- '-i-'; then
	if ! pf_send "$msgs/rofs.eml" held@example.com && case $SC_SMTP_REPLY in 4*) true ;; *) false ;; esac &&
		[ "$(q list | wc -l)" = "$rows" ] && [ "$(pf_queue_count)" = 0 ]; then
		ok "read-only quarantine: $SC_SMTP_REPLY, nothing stored or queued"
	else
		not_ok "read-only quarantine: got '$SC_SMTP_REPLY'"
	fi
	chattr -i "$qdir/msg"
else
	chmod 700 "$qdir/msg"
	printf 'ok - read-only quarantine # SKIP no chattr here (root ignores modes)\n'
fi

# 6. delete, fsck, purge
if [ -n "${id:-}" ] && q delete "$id" >/dev/null && [ ! -e "$qdir/msg/$id" ] &&
	q show "$id" | grep -q 'state:    deleted'; then
	ok "delete: file gone, state deleted"
else
	not_ok "delete"
fi
cp "$msgs/held.eml" "$qdir/msg/0123456789abcdef0123"
if q fsck | grep -q '^orphan 0123456789abcdef0123' && q show 0123456789abcdef0123 >/dev/null; then
	ok "fsck indexes an orphaned file"
else
	not_ok "fsck"
fi
if ! q show '../../etc/passwd' >/dev/null 2>&1 && ! q release "x'; DROP TABLE messages;--" >/dev/null 2>&1; then
	ok "bad ids refused"
else
	not_ok "bad ids accepted"
fi
if q purge --older-than 0 | grep -q '^purged ' && [ "$(q list | wc -l)" = 0 ]; then
	ok "purge --older-than 0 empties the store"
else
	not_ok "purge"
fi

# 7. SIGHUP reloads the config and the policy file: hold mode, a block list
milter_write_conf "$SC_TMP/rules" "quarantine_mode = hold" "quarantine_dir = $qdir" \
	"policy_file = $SC_TMP/policy" "subject_prefix = [SCAM?]"
printf 'block_client 127.0.0.0/8\n' >"$SC_TMP/policy2"
kill -HUP "$MILTER_PID"
sleep 2
make_msg held2 "Hold mode hold-this-one" "Held body."
if pf_send "$msgs/held2.eml" held@example.com && sleep 2 && [ "$(pf_hold_count)" = 1 ] &&
	q list --json | grep -q '"subject":"Hold mode hold-this-one".*"mode":"hold"'; then
	ok "after SIGHUP, hold mode: in the Postfix hold queue and indexed"
else
	not_ok "hold mode: hold=$(pf_hold_count) list=$(q list --json)"
fi
mv "$SC_TMP/policy2" "$SC_TMP/policy"
kill -HUP "$MILTER_PID"
sleep 2
if ! pf_send "$msgs/tagged.eml" tagged@example.com &&
	case $SC_SMTP_REPLY in "550 5.7.1 "*) true ;; *) false ;; esac; then
	ok "after SIGHUP, the new policy file's block_client rejects"
else
	not_ok "policy reload: got '$SC_SMTP_REPLY'"
fi

if ! milter_stop; then
	not_ok "scam-milter did not exit cleanly"
fi
printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" = 0 ]
