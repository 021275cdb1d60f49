#!/bin/sh
# test_auth.sh - sender authentication as an admin replays it with scamctl:
# the envelope on the command line, DNS answered only by the config's
# dns_local_data (nothing leaves the host), SPF, DKIM (a key made now, the
# message signed by Mail::DKIM) and DMARC results in --json "auth", SPF_*
# hits, the SASL and trusted-network skips, and a bad local-data line
# refused with its file and line.
set -eu

: "${top_srcdir:?}"
# shellcheck source=tests/integration/scamctl_common.sh
. "$top_srcdir/tests/integration/scamctl_common.sh"

mkdir "$tmp/rules"
printf 'header T_NEVER Subject =~ /^never-matches$/\nscore T_NEVER 1.0\n' > "$tmp/rules/10_t.cf"
cp "$top_srcdir/rules/15_auth.cf" "$tmp/rules/"
cat > "$tmp/dns.zone" <<'ZONE'
# offline zone for test_auth.sh
sender.example.   300 IN TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"
soft.example.     300 IN TXT "v=spf1 ~all"
neutral.example.  300 IN TXT "v=spf1 ?all"
broken.example.   300 IN TXT "v=spf1 ip4:192.0.2.0/99 -all"
helo.example.     300 IN TXT "v=spf1 a -all"
helo.example.     300 IN A   198.51.100.7
ZONE
printf 'rules_dir = rules\ndns_local_data = dns.zone\n' > "$tmp/auth.conf"
printf 'rules_dir = rules\ndns_local_data = dns.zone\nspf = no\n' > "$tmp/nospf.conf"
cat > "$tmp/msg.eml" <<'MSG'
From: Someone <someone@sender.example>
To: you@example.com
Subject: hello
Date: Mon, 2 Mar 2026 10:00:00 +0000
Message-ID: <1@sender.example>

Hello.
MSG

# scan IP HELO FROM - scamctl's JSON line for the message with that envelope
scan() {
	"$SCAMCTL" -c "$tmp/auth.conf" scan --json --client-ip "$1" --helo "$2" \
		--mail-from "$3" "$tmp/msg.eml"
}

# expect_spf IP HELO FROM RESULT HIT - auth.spf is RESULT and the shipped rule HIT hit
expect_spf() {
	out=$(scan "$1" "$2" "$3" 2>"$tmp/err") || true
	case $out in
	*"\"name\":\"$5\","*"\"auth\":{\"spf\":\"$4\","*)
		ok "$1 as <$3> helo $2: spf=$4, hit $5" ;;
	*) not_ok "$1 as <$3> helo $2: want spf=$4 and $5, got: $out $(cat "$tmp/err")" ;;
	esac
}

expect_spf 192.0.2.10 mx.sender.example a@sender.example pass SPF_PASS
expect_spf 2001:db8::10 mx.sender.example a@sender.example pass SPF_PASS
expect_spf 203.0.113.5 mx.bad.example a@sender.example fail SPF_FAIL
expect_spf 203.0.113.5 mx.bad.example a@soft.example softfail SPF_SOFTFAIL
expect_spf 203.0.113.5 mx.bad.example a@neutral.example neutral SPF_NEUTRAL
expect_spf 203.0.113.5 mx.bad.example a@unknown.example none SPF_NONE
expect_spf 203.0.113.5 mx.bad.example a@broken.example permerror T_SPF_PERMERROR
expect_spf 198.51.100.7 helo.example "" pass SPF_HELO_PASS
expect_spf 198.51.100.8 helo.example "" fail SPF_HELO_FAIL

out=$(scan 192.0.2.10 mx.sender.example a@sender.example)
check "auth names the domain checked" sh -c "echo '$out' | grep -q '\"spf_domain\":\"sender.example\"'"

out=$("$SCAMCTL" -c "$tmp/auth.conf" scan --json "$tmp/msg.eml")
check "without --client-ip there is no SPF: auth is null" sh -c "echo '$out' | grep -q '\"auth\":null' && ! echo '$out' | grep -q SPF_"

out=$("$SCAMCTL" -c "$tmp/nospf.conf" scan --json --client-ip 192.0.2.10 \
	--mail-from a@sender.example "$tmp/msg.eml")
check "spf = no: no SPF result, no SPF_ hit" sh -c "echo '$out' | grep -q '\"auth\":{\"spf\":null,' && ! echo '$out' | grep -q SPF_"

# DKIM and DMARC: sender.example signs with selector s1 and publishes
# p=reject; bank.example publishes p=quarantine and signs nothing.
openssl genrsa -out "$tmp/dkim.pem" 2048 2>/dev/null
# sign IN OUT - $tmp/IN.eml signed for sender.example (selector s1) as $tmp/OUT.eml
sign() {
	perl "$top_srcdir/tests/integration/dkim_sign.pl" "$tmp/dkim.pem" sender.example s1 \
		< "$tmp/$1.eml" > "$tmp/$2.eml"
}
sign msg signed
key=$(openssl rsa -in "$tmp/dkim.pem" -pubout 2>/dev/null | grep -v '^-----' | tr -d '\n')
{
	cat "$tmp/dns.zone"
	printf 's1._domainkey.sender.example. IN TXT "v=DKIM1; k=rsa; p=%s" "%s"\n' \
		"$(printf %s "$key" | cut -c1-200)" "$(printf %s "$key" | cut -c201-)"
	printf '_dmarc.sender.example. IN TXT "v=DMARC1; p=reject"\n'
	printf '_dmarc.bank.example. IN TXT "v=DMARC1; p=quarantine; sp=reject"\n'
} > "$tmp/dkim.zone"
printf 'rules_dir = rules\ndns_local_data = dkim.zone\n' > "$tmp/dkim.conf"
sed 's/^Hello\.$/Hello, with a changed body./' "$tmp/signed.eml" > "$tmp/changed.eml"
sed 's/^From: .*/From: Treasury <treasury@bank.example>/' "$tmp/msg.eml" > "$tmp/forged.eml"
sed 's/^From: .*/From: Treasury <treasury@pay.bank.example>/' "$tmp/msg.eml" > "$tmp/forged_sub.eml"

# auth_of ARGS... - the "auth" JSON object scamctl prints (dkim.conf)
auth_of() {
	"$SCAMCTL" -c "$tmp/${conf:-dkim}.conf" scan --json "$@" | sed 's/.*"auth"://'
}

out=$(auth_of --client-ip 192.0.2.10 --mail-from a@sender.example "$tmp/signed.eml")
check "signed and aligned: spf pass, dkim pass, dmarc pass" sh -c "echo '$out' | grep -q '\"spf\":\"pass\".*\"dkim\":\"pass\",\"dkim_signatures\":\[{\"d\":\"sender.example\",\"s\":\"s1\",\"result\":\"pass\".*\"dmarc\":\"pass\",\"dmarc_policy\":\"reject\"'"
check "the authenticated domain is the From domain" sh -c "echo '$out' | grep -q '\"authenticated_domain\":\"sender.example\"'"
out=$(auth_of --client-ip 203.0.113.5 --mail-from a@soft.example "$tmp/signed.eml")
check "DKIM alone carries DMARC when SPF is for another domain" sh -c "echo '$out' | grep -q '\"spf\":\"softfail\".*\"dkim\":\"pass\".*\"dmarc\":\"pass\"'"
out=$(auth_of --client-ip 203.0.113.5 --mail-from a@soft.example "$tmp/changed.eml")
check "a changed body: dkim fail (body hash), dmarc fail under p=reject" sh -c "echo '$out' | grep -q '\"dkim\":\"fail\".*\"reason\":\"body hash mismatch\".*\"dmarc\":\"fail\",\"dmarc_policy\":\"reject\"'"
check "nothing authenticated: no authenticated domain" sh -c "echo '$out' | grep -q '\"authenticated_domain\":null'"
out=$(auth_of --client-ip 192.0.2.10 --mail-from a@sender.example "$tmp/forged.eml")
check "From forging bank.example (p=quarantine): dkim none, dmarc fail" sh -c "echo '$out' | grep -q '\"dkim\":\"none\".*\"dmarc\":\"fail\",\"dmarc_policy\":\"quarantine\",\"from_domain\":\"bank.example\"'"
out=$(auth_of --client-ip 192.0.2.10 --mail-from a@sender.example "$tmp/forged_sub.eml")
check "a subdomain of bank.example takes sp=reject" sh -c "echo '$out' | grep -q '\"dmarc\":\"fail\",\"dmarc_policy\":\"reject\",\"from_domain\":\"pay.bank.example\"'"
out=$(auth_of --client-ip 192.0.2.10 --mail-from a@sender.example --auth-user alice "$tmp/forged.eml")
check "a SASL login skips sender authentication" sh -c "echo '$out' | grep -q '\"spf\":null,.*\"dkim\":null,.*\"dmarc\":null,.*\"skipped\":\"SASL login\"'"
printf 'rules_dir = rules\ndns_local_data = dkim.zone\nauth_skip_sasl = no\n' > "$tmp/sasl.conf"
out=$(conf=sasl auth_of --client-ip 192.0.2.10 --mail-from a@sender.example --auth-user alice "$tmp/forged.eml")
check "auth_skip_sasl = no: a SASL login is checked like anyone" sh -c "echo '$out' | grep -q '\"dmarc\":\"fail\".*\"skipped\":null'"
printf 'rules_dir = rules\ndns_local_data = dkim.zone\ntrusted_networks = 10.0.0.0/8, 192.0.2.0/25\n' > "$tmp/trusted.conf"
out=$(conf=trusted auth_of --client-ip 192.0.2.10 --mail-from a@sender.example "$tmp/forged.eml")
check "a trusted network skips sender authentication" sh -c "echo '$out' | grep -q '\"skipped\":\"trusted network\"'"
out=$(conf=trusted auth_of --client-ip 192.0.2.200 --mail-from a@sender.example "$tmp/forged.eml")
check "outside the trusted networks it is checked" sh -c "echo '$out' | grep -q '\"dmarc\":\"fail\".*\"skipped\":null'"
printf 'rules_dir = rules\ndns_local_data = dkim.zone\ndkim = no\ndmarc = no\n' > "$tmp/off.conf"
out=$(conf=off auth_of --client-ip 192.0.2.10 --mail-from a@sender.example "$tmp/signed.eml")
check "dkim = no, dmarc = no: only SPF" sh -c "echo '$out' | grep -q '\"spf\":\"pass\".*\"dkim\":null,.*\"dmarc\":null,'"

# hits_of ARGS... - the names of the rules that hit, one line, space-separated
# (config $tmp/dkim.conf, or $tmp/$conf.conf)
hits_of() {
	"$SCAMCTL" -c "$tmp/${conf:-dkim}.conf" scan --json "$@" | grep -o '"name":"[A-Z_]*"' |
		sed 's/"name":"\(.*\)"/\1/' | sort | tr '\n' ' '
}
got=$(hits_of --client-ip 192.0.2.10 --mail-from a@sender.example "$tmp/signed.eml")
check "rules: signed and aligned hits DKIM_SIGNED DKIM_VALID DKIM_VALID_AU DKIM_VALID_EF DMARC_PASS SPF_PASS ($got)" \
	test "$got" = "DKIM_SIGNED DKIM_VALID DKIM_VALID_AU DKIM_VALID_EF DMARC_PASS SPF_PASS "
got=$(hits_of --client-ip 198.51.100.7 --helo helo.example --mail-from a@sender.example "$tmp/signed.eml")
check "rules: HELO passes on its own while MAIL FROM fails ($got)" \
	test "$got" = "DKIM_SIGNED DKIM_VALID DKIM_VALID_AU DKIM_VALID_EF DMARC_PASS SPF_FAIL SPF_HELO_PASS "
got=$(hits_of --client-ip 203.0.113.5 --mail-from a@soft.example "$tmp/changed.eml")
check "rules: a changed body hits DKIM_INVALID, DMARC_REJECT, SPF_SOFTFAIL ($got)" \
	test "$got" = "DKIM_INVALID DKIM_SIGNED DMARC_REJECT SPF_SOFTFAIL "
got=$(hits_of --client-ip 192.0.2.10 --mail-from a@sender.example "$tmp/forged.eml")
check "rules: a forged p=quarantine From hits DMARC_QUAR ($got)" \
	test "$got" = "DMARC_QUAR SPF_PASS "
sed 's/^From: .*/From: <news@unknown.example>/' "$tmp/msg.eml" > "$tmp/nodmarc.eml"
got=$(hits_of --client-ip 192.0.2.10 --mail-from a@unknown.example "$tmp/nodmarc.eml")
check "rules: no DMARC record hits DMARC_MISSING ($got)" test "$got" = "DMARC_MISSING SPF_NONE "

# The shipped rules and lists: a forged From with a scam's story is the
# forged-and-story combination; the same story, signed and aligned, is not.
printf 'rules_dir = %s/rules\nlists_dir = %s/etc/lists\ndns_local_data = dkim.zone\n' \
	"$top_srcdir" "$top_srcdir" > "$tmp/shipped.conf"
cat > "$tmp/story.eml" <<'MSG'
From: Treasury <treasury@bank.example>
To: you@example.com
Subject: Your account will be suspended
Date: Mon, 2 Mar 2026 10:00:00 +0000
Message-ID: <2@bank.example>

We detected unusual sign-in activity on your account. Verify your account
within 24 hours or it will be suspended.
MSG
sed 's/^From: .*/From: Someone <someone@sender.example>/' "$tmp/story.eml" > "$tmp/story_own.eml"
sign story_own story_signed
got=$(conf=shipped hits_of --client-ip 192.0.2.10 --mail-from a@sender.example \
	"$tmp/story.eml")
check "shipped rules: a forged From telling a scam's story hits SCAM_FORGED_AND_STORY ($got)" \
	sh -c "echo '$got' | grep -q SCAM_FORGED_AND_STORY && echo '$got' | grep -q DMARC_QUAR"
got=$(conf=shipped hits_of --client-ip 192.0.2.10 --mail-from a@sender.example \
	"$tmp/story_signed.eml")
check "shipped rules: the same story signed and aligned does not ($got)" \
	sh -c "echo '$got' | grep -q DMARC_PASS && ! echo '$got' | grep -q SCAM_FORGED_AND_STORY"

# A brand's own HTML notice (the brand map names sender.example) linking
# to its alert service's domain: a scam's words ("unusual sign-in
# activity") from its own authenticated domain are not the hand-made-HTML
# combination; the same notice unsigned from a host SPF does not allow is.
mkdir "$tmp/lists"
cp "$top_srcdir"/etc/lists/*.txt "$top_srcdir"/etc/lists/brands.map "$tmp/lists/"
echo 'Sender Bank: sender.example' >> "$tmp/lists/brands.map"
printf 'rules_dir = %s/rules\nlists_dir = %s/lists\ndns_local_data = dkim.zone\n' \
	"$top_srcdir" "$tmp" > "$tmp/brand.conf"
cat > "$tmp/notice.eml" <<'MSG'
From: Sender Bank <alerts@sender.example>
To: you@example.com
Subject: New sign-in to your account
Date: Mon, 2 Mar 2026 10:00:00 +0000
Message-ID: <3@sender.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>We detected unusual sign-in activity on your account from a new
device. If this was you, there is nothing to do.</p>
<p><a href="https://alerts.sender-bank.example.net/security">Review your security settings</a></p>
</body></html>
MSG
sign notice notice_signed
got=$(conf=brand hits_of --client-ip 192.0.2.10 --mail-from a@sender.example \
	"$tmp/notice_signed.eml")
check "shipped rules: a brand's own signed HTML notice is not SCAM_HTML_AND_STORY nor SCAM_HTML_LINKS_AWAY ($got)" \
	sh -c "echo '$got' | grep -q DMARC_PASS && ! echo '$got' | grep -q 'SCAM_HTML_AND_STORY\|SCAM_HTML_LINKS_AWAY'"
got=$(conf=brand hits_of --client-ip 198.51.100.7 --mail-from a@sender.example \
	"$tmp/notice.eml")
check "shipped rules: the same notice forged hits SCAM_HTML_AND_STORY ($got)" \
	sh -c "echo '$got' | grep -q SCAM_HTML_AND_STORY"
# A platform's own invoice carrying a scammer's note with a number to call
# is the brand's authenticated mail too, and not spared.
sed 's|<p><a href="https://alerts.sender-bank.example.net/security">|<p>Seller note: you were charged $499.99 for Geek Support renewal. Call 1-888-555-0100 to cancel or dispute this charge.</p>\n&|' \
	"$tmp/notice.eml" > "$tmp/invoice.eml"
sign invoice invoice_signed
got=$(conf=brand hits_of --client-ip 192.0.2.10 --mail-from a@sender.example \
	"$tmp/invoice_signed.eml")
check "shipped rules: the brand's signed mail with a callback number is not spared ($got)" \
	sh -c "echo '$got' | grep -q DMARC_PASS && echo '$got' | grep -q SCAM_CALLBACK_NUMBER && echo '$got' | grep -q SCAM_HTML_AND_STORY"

printf 'ok.example. IN A 192.0.2.1\n\nbad.example. IN A 999.0.0.1\n' > "$tmp/bad.zone"
printf 'rules_dir = rules\ndns_local_data = bad.zone\n' > "$tmp/bad.conf"
rc=0
"$SCAMCTL" -c "$tmp/bad.conf" lint > "$tmp/lint" 2>&1 || rc=$?
check "a bad dns_local_data line fails lint (status $rc)" test "$rc" -ne 0
check "lint names the zone file and line 3" grep -q "bad.zone:3:.*not a resource record" "$tmp/lint"
rc=0
"$SCAMCTL" -c "$tmp/bad.conf" scan "$tmp/msg.eml" > /dev/null 2> "$tmp/scan_err" || rc=$?
check "scan refuses the config with status 2 (got $rc)" test "$rc" -eq 2
check "scan names the zone file and line 3" grep -q "bad.zone:3:.*not a resource record" "$tmp/scan_err"

echo "$pass passed, $fail failed"
test "$fail" -eq 0
