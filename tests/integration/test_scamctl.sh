#!/bin/sh
# test_scamctl.sh - scamctl scan and lint as an admin or a script uses them:
# output shapes, exit statuses, errors naming file and line, and a crash-free
# pass over the shared corpus when it is present.
set -eu

: "${top_srcdir:?}"
# shellcheck source=tests/integration/scamctl_common.sh
. "$top_srcdir/tests/integration/scamctl_common.sh"

mkdir "$tmp/rules" "$tmp/msgs" "$tmp/msgs/sub"
cat > "$tmp/rules/10_test.cf" <<'RULES'
header   T_SUBJ_PRIZE  Subject =~ /you have won/i
describe T_SUBJ_PRIZE  Subject claims a prize
score    T_SUBJ_PRIZE  3.0
body     T_BODY_WIRE   /wire the fee/i
describe T_BODY_WIRE   Asks for a fee by wire
score    T_BODY_WIRE   2.5
body     __T_HELPER    /fee/
RULES
cat > "$tmp/scam.eml" <<'MSG'
From: Prize Desk <desk@example.org>
To: someone@example.com
Subject: You have WON a car
Date: Mon, 2 Mar 2026 10:00:00 +0000
Message-ID: <1@example.org>

Please wire the fee today.
MSG
cat > "$tmp/ham.eml" <<'MSG'
From: Ann <ann@example.org>
To: bob@example.com
Subject: minutes
Date: Mon, 2 Mar 2026 10:00:00 +0000
Message-ID: <2@example.org>

Minutes attached.
MSG
cp "$tmp/scam.eml" "$tmp/msgs/b.eml"
cp "$tmp/ham.eml" "$tmp/msgs/a.eml"
cp "$tmp/scam.eml" "$tmp/msgs/sub/c.eml"

# Human output: score, action, each hit with score and description; -v says why.
"$SCAMCTL" --rules "$tmp/rules" scan -v "$tmp/scam.eml" > "$tmp/out" 2>&1
check "human output names score and action" grep -q "scam.eml: score=5.5 action=tag" "$tmp/out"
check "human output lists a hit with its score and description" \
	grep -Eq '^ +3\.0 T_SUBJ_PRIZE +Subject claims a prize$' "$tmp/out"
check "-v explains what matched" grep -q 'why: Subject matched "You have WON"' "$tmp/out"
check "sub-rules are never reported" sh -c "! grep -q __T_HELPER '$tmp/out'"

# JSON Lines: one valid object per message, the contract's keys.
"$SCAMCTL" --rules "$tmp/rules" scan --json "$tmp/msgs" > "$tmp/json"
check "a directory is walked recursively, one line per message" \
	test "$(wc -l < "$tmp/json")" -eq 3
check "--json lines follow the contract" python3 - "$tmp/json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
names = [r["file"].rsplit("/", 2)[-1] for r in rows]
assert names == ["a.eml", "b.eml", "c.eml"], names
for r in rows:
    assert set(r) >= {"file", "score", "action", "hits", "auth", "error"}, r
    assert r["error"] is None
a, b = rows[0], rows[1]
assert a["score"] == 0.0 and a["action"] == "accept" and a["hits"] == []
assert b["score"] == 5.5 and b["action"] == "tag"
assert [h["name"] for h in b["hits"]] == ["T_SUBJ_PRIZE", "T_BODY_WIRE"]
assert b["hits"][0]["score"] == 3.0 and b["hits"][0]["description"] == "Subject claims a prize"
PY

# Body rules match the decoded, rendered text: a base64 body, an RFC 2047 Subject.
body_b64=$(printf 'Kindly wire the\nfee to the agent.\n' | base64)
cat > "$tmp/b64.eml" <<MSG
From: Agent <agent@example.org>
To: someone@example.com
Subject: =?utf-8?b?WW91IGhhdmUgd29uIGEgcHJpemU=?=
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

$body_b64
MSG
"$SCAMCTL" --rules "$tmp/rules" scan -v "$tmp/b64.eml" > "$tmp/b64_out" 2>&1
check "a body rule matches decoded base64 text, lines of a paragraph joined" \
	grep -q 'why: body matched "wire the fee"' "$tmp/b64_out"
check "a header rule matches the RFC 2047-decoded Subject" \
	grep -q 'why: Subject matched "You have won"' "$tmp/b64_out"

# --dump prints the model: decoded header, addresses, part tree, rendered body.
"$SCAMCTL" --rules "$tmp/rules" scan --dump "$tmp/b64.eml" > "$tmp/dump"
check "--dump shows the decoded Subject" grep -q 'decoded: "You have won a prize"' "$tmp/dump"
check "--dump shows the From address split" \
	grep -q 'From: name="Agent" addr="agent@example.org" local="agent" domain="example.org"' "$tmp/dump"
check "--dump shows the part with charset, encoding and size" \
	grep -Eq '\[0\] text/plain charset=utf-8 encoding=base64 size=34 displayed' "$tmp/dump"
check "--dump shows the rendered body" grep -q '"Kindly wire the fee to the agent. "' "$tmp/dump"
check "--dump shows links, forms and hidden HTML text" sh -c "
	\"$SCAMCTL\" --rules \"$tmp/rules\" scan --dump \"$top_srcdir/tests/data/html-links.eml\" > \"$tmp/dump_html\" &&
	grep -q 'link href=\"http://login.evil.example/pay?id=1\" text=\"https://www.bank.example/login\" shows=\"www.bank.example\"' \"$tmp/dump_html\" &&
	grep -q 'form method=post action=\"https://collect.evil.example/post\"' \"$tmp/dump_html\" &&
	grep -q '\"hidden padding words\"' \"$tmp/dump_html\" &&
	grep -q 'findings: HTML_HIDDEN_DISPLAY_NONE' \"$tmp/dump_html\""
set +e
"$SCAMCTL" --rules "$tmp/rules" scan --dump --json "$tmp/b64.eml" > /dev/null 2>&1; rc=$?
set -e
check "--dump with --json is a usage error" test "$rc" -eq 2

# Standard input, and the --rules option after the subcommand.
"$SCAMCTL" scan --rules "$tmp/rules" --json - < "$tmp/scam.eml" > "$tmp/stdin"
check "- reads a message from standard input" grep -q '"file":"-","score":5.5' "$tmp/stdin"

# A message that cannot be read still gets its line, and exit status 1.
set +e
"$SCAMCTL" --rules "$tmp/rules" scan --json "$tmp/ham.eml" "$tmp/missing.eml" > "$tmp/err"
rc=$?
set -e
check "an unreadable message exits 1" test "$rc" -eq 1
check "an unreadable message gets an error line" \
	grep -q '"file":".*missing.eml",.*"error":"No such file or directory"' "$tmp/err"
check "the readable message is still scanned" test "$(wc -l < "$tmp/err")" -eq 2

# -j N: the same records in the same order as one thread, errors included.
set +e
"$SCAMCTL" --rules "$tmp/rules" scan --json "$tmp/missing.eml" "$tmp/msgs" "$tmp/ham.eml" \
	"$tmp/scam.eml" > "$tmp/j1"
"$SCAMCTL" --rules "$tmp/rules" scan -j 3 --json "$tmp/missing.eml" "$tmp/msgs" \
	"$tmp/ham.eml" "$tmp/scam.eml" > "$tmp/j3"
rc=$?
"$SCAMCTL" --rules "$tmp/rules" scan -j 0 "$tmp/ham.eml" > /dev/null 2>&1; rc_j0=$?
set -e
check "-j 3 prints what one thread prints, in order" cmp -s "$tmp/j1" "$tmp/j3"
check "-j 3 still exits 1 for the unreadable message" test "$rc" -eq 1
check "-j 0 is a usage error" test "$rc_j0" -eq 2

# --profile: the same records on standard output, and after them on
# standard error the rules that took the most time, with one thread or
# several (each worker's times are added).
set +e
"$SCAMCTL" --rules "$tmp/rules" scan --json --profile=2 "$tmp/msgs" "$tmp/ham.eml" \
	"$tmp/scam.eml" > "$tmp/p1" 2> "$tmp/p1err"
rc_p1=$?
"$SCAMCTL" --rules "$tmp/rules" scan -j 3 --json --profile "$tmp/msgs" "$tmp/ham.eml" \
	"$tmp/scam.eml" > "$tmp/p3" 2> "$tmp/p3err"
"$SCAMCTL" --rules "$tmp/rules" scan --profile=0 "$tmp/ham.eml" > /dev/null 2>&1; rc_p0=$?
"$SCAMCTL" --rules "$tmp/rules" scan --dump --profile "$tmp/ham.eml" > /dev/null 2>&1; rc_pd=$?
set -e
"$SCAMCTL" --rules "$tmp/rules" scan --json "$tmp/msgs" "$tmp/ham.eml" "$tmp/scam.eml" > "$tmp/p0"
check "--profile leaves the records as they were" cmp -s "$tmp/p0" "$tmp/p1"
check "--profile exits as a plain scan" test "$rc_p1" -eq 0
check "--profile says how many messages and how long the rules took" \
	grep -Eq '^profile: 5 messages, [0-9.]+ ms in rules \([0-9.]+ us a message\)$' "$tmp/p1err"
check "--profile=2 lists the two slowest rules, sub-rules included" sh -c "
	test \$(grep -Ec '^ +[0-9.]+ +[0-9.]+ +[0-9.]+%  (T_SUBJ_PRIZE|T_BODY_WIRE|__T_HELPER)\$' '$tmp/p1err') -eq 2"
check "--profile with -j adds up every worker's messages and lists all three rules" sh -c "
	grep -q '^profile: 5 messages' '$tmp/p3err' &&
	test \$(grep -Ec '%  (T_SUBJ_PRIZE|T_BODY_WIRE|__T_HELPER)\$' '$tmp/p3err') -eq 3"
check "--profile=0 is a usage error" test "$rc_p0" -eq 2
check "--profile with --dump is a usage error" test "$rc_pd" -eq 2

# Bad usage and bad config exit 2.
set +e
"$SCAMCTL" scan > /dev/null 2>&1; rc_usage=$?
"$SCAMCTL" frobnicate > /dev/null 2>&1; rc_cmd=$?
printf 'tag_threshold = 5\nno_such_key = 1\n' > "$tmp/bad.conf"
"$SCAMCTL" -c "$tmp/bad.conf" scan "$tmp/ham.eml" > /dev/null 2> "$tmp/conf_err"; rc_conf=$?
set -e
check "scan without a message exits 2" test "$rc_usage" -eq 2
check "an unknown command exits 2" test "$rc_cmd" -eq 2
check "a bad config exits 2" test "$rc_conf" -eq 2
check "a bad config names file and line" grep -q "bad.conf:2: error: unknown key \"no_such_key\"" "$tmp/conf_err"

# The truncation limit is the config's max_message_size.
printf 'rules_dir = rules\nmax_message_size = 1K\n' > "$tmp/small.conf"
{ cat "$tmp/ham.eml"; i=0; while [ $i -lt 100 ]; do echo "padding line $i of a long message body"; i=$((i + 1)); done; } > "$tmp/big.eml"
"$SCAMCTL" -c "$tmp/small.conf" scan --json "$tmp/big.eml" > "$tmp/big"
check "a message past max_message_size is scanned in part and says so" \
	grep -q '"name":"SCAM_MESSAGE_TRUNCATED"' "$tmp/big"

# lint: clean rules exit 0 with a summary; a broken regex is an error at file:line.
"$SCAMCTL" --rules "$tmp/rules" lint > "$tmp/lint"
check "lint summarises the rules" grep -q "rules: 3 loaded (1 header, 2 body, 0 rawbody, 0 full, 0 uri, 0 meta, 0 eval), 0 never hit (0 unknown evals); 0 directives skipped; 0 errors, 0 warnings" "$tmp/lint"
cp -r "$tmp/rules" "$tmp/bad_rules"
printf 'body T_BROKEN /unclosed (group/\nmimeheader T_MH Content-Type =~ /x/\nmeta T_META T_SUBJ_PRIZE && NO_SUCH\n' > "$tmp/bad_rules/20_bad.cf"
set +e
"$SCAMCTL" --rules "$tmp/bad_rules" lint > "$tmp/lint_bad"; rc=$?
set -e
check "lint exits 1 on a broken rule" test "$rc" -eq 1
check "lint names the broken rule's file and line" \
	grep -q "20_bad.cf:1: error: T_BROKEN: regex does not compile" "$tmp/lint_bad"
check "lint warns about unsupported directives with file and line" \
	grep -q "20_bad.cf:2: warning: \"mimeheader\" is not supported yet" "$tmp/lint_bad"
check "lint warns about an unknown name in a meta with file and line" \
	grep -q "20_bad.cf:3: warning: meta T_META: no rule NO_SUCH; it reads as 0" "$tmp/lint_bad"

# The prefilter: lint --prefilter builds it into rules_cache_dir, scan reads
# it from there, with the same output as without it.
mkdir "$tmp/hscache"
printf 'rules_dir = %s\nrules_cache_dir = %s\n' "$tmp/rules" "$tmp/hscache" > "$tmp/hs.conf"
"$SCAMCTL" -c "$tmp/hs.conf" lint --prefilter > "$tmp/lint_hs"
if grep -q '^prefilter: Hyperscan' "$tmp/lint_hs"; then
	check "lint --prefilter compiles the prefilter and caches it" \
		grep -q '^prefilter: Hyperscan, 2 body, 0 rawbody, 0 uri, 1 header rules (0 refused), compiled and cached in' "$tmp/lint_hs"
	check "the cache holds one file" test "$(ls "$tmp/hscache" | grep -c '^hs-.*\.db$')" -eq 1
	"$SCAMCTL" -c "$tmp/hs.conf" scan -v "$tmp/scam.eml" "$tmp/ham.eml" > "$tmp/scan_hs" 2> "$tmp/scan_hs.err"
	check "scan reads the prefilter from the cache" grep -q '^prefilter: Hyperscan.*read from the cache' "$tmp/scan_hs.err"
	"$SCAMCTL" -c "$tmp/hs.conf" scan -v --no-prefilter "$tmp/scam.eml" "$tmp/ham.eml" > "$tmp/scan_plain" 2> "$tmp/scan_plain.err"
	check "--no-prefilter runs without it" grep -q '^prefilter: off' "$tmp/scan_plain.err"
	check "the same verdicts and explanations either way" cmp -s "$tmp/scan_hs" "$tmp/scan_plain"
else
	check "without Hyperscan, lint says the prefilter is off" grep -q '^prefilter: off: ' "$tmp/lint_hs"
fi

# The shipped rules and lists together: a Reply-To diverted to a free
# mailbox plus a money ask is the combo meta, which reaches the tag threshold.
cat > "$tmp/divert.eml" <<'MSG'
From: Claims Office <office@vendor.example>
Reply-To: claims.desk@gmail.com
To: someone@example.net
Subject: Your file
Date: Mon, 2 Jan 2023 10:00:00 +0000
Message-ID: <divert-1@vendor.example>

We hold USD 4.5 million for you. Send your details to our desk.
MSG
sed 's/Reply-To: claims.desk@gmail.com/Reply-To: claims.desk@vendor.example/' "$tmp/divert.eml" > "$tmp/nodivert.eml"
"$SCAMCTL" -c "$top_srcdir/etc/scam-milter.conf" scan "$tmp/divert.eml" "$tmp/nodivert.eml" > "$tmp/divert"
check "a freemail Reply-To is named as such" grep -q "SCAM_REPLYTO_FREEMAIL" "$tmp/divert"
check "with a money ask it is the combo, tagged" \
	grep -Eq "^[^ ]*/divert.eml: score=[0-9.]+ action=(tag|quarantine|reject)$" "$tmp/divert"
check "the same money ask with a Reply-To of the sender's domain is no combo" \
	grep -q "nodivert.eml: score=1.0 action=accept" "$tmp/divert"
"$SCAMCTL" -c "$top_srcdir/etc/scam-milter.conf" scan -v "$tmp/divert.eml" > "$tmp/divert_v"
check "-v says which inputs made the combo meta true, and what they matched" \
	grep -q 'why: SCAM_REPLYTO_FREEMAIL (check_replyto_freemail: .*); SCAM_BIG_MONEY (body matched "USD 4.5 million")$' "$tmp/divert_v"

# The shipped config and rules lint clean.
check "the shipped config and rules lint without errors" \
	"$SCAMCTL" -c "$top_srcdir/etc/scam-milter.conf" lint > "$tmp/lint_shipped"
check "lint counts the entries of the shipped lists" \
	grep -Eq "^lists: .*/etc/lists: esp [0-9]+, freehost [0-9]+, freemail [0-9]{4}, shorteners [0-9]{3}, suspicious_tlds [0-9]{2}; brands [0-9]{3}$" "$tmp/lint_shipped"
# A bad list line is an error at its file and line, as a bad rule is.
mkdir "$tmp/badlists"
printf 'ok.example\nnot a domain\n' > "$tmp/badlists/mine.txt"
printf 'rules_dir = %s\nlists_dir = %s\n' "$tmp/rules" "$tmp/badlists" > "$tmp/badlists.conf"
set +e
"$SCAMCTL" -c "$tmp/badlists.conf" lint > "$tmp/lint_badlists"; rc=$?
set -e
check "lint exits 1 on a bad list line" test "$rc" -eq 1
check "lint names the list file and line" grep -q "mine.txt:2: error: \"not a domain\"" "$tmp/lint_badlists"

# The policy file: a block list hit is explained, and lint finds its errors.
printf 'block_sender bad.example\nblock_client 192.0.2.0/24\n' > "$tmp/policy"
printf 'rules_dir = rules\npolicy_file = policy\ndns_local_data = /dev/null\n' > "$tmp/policy.conf"
"$SCAMCTL" -c "$tmp/policy.conf" scan -v --mail-from x@mx.bad.example \
	--client-ip 198.51.100.1 "$tmp/ham.eml" > "$tmp/out_policy" 2>&1
check "a blocked sender rejects a clean message" grep -q "ham.eml: score=0.0 action=reject" "$tmp/out_policy"
check "-v names the policy hit and the entry" \
	grep -q "why: x@mx.bad.example matched policy entry bad.example" "$tmp/out_policy"
"$SCAMCTL" -c "$tmp/policy.conf" scan --json --client-ip 192.0.2.9 "$tmp/ham.eml" > "$tmp/out_policy" 2>&1
check "--json lists POLICY_BLOCK_CLIENT" grep -q '"action":"reject","hits":\[.*{"name":"POLICY_BLOCK_CLIENT"' "$tmp/out_policy"
# block_url_domain sees the hosts of links the message model extracts,
# also from HTML in a base64 part.
printf 'block_url_domain evil.example\n' > "$tmp/policy"
link_html=$(printf '<p>Your parcel: <a href="https://track.evil.example/x">track it</a></p>' | base64 -w0)
printf 'From: a@example.org\nTo: b@example.com\nSubject: parcel\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n%s\n' \
	"$link_html" > "$tmp/link.eml"
"$SCAMCTL" -c "$tmp/policy.conf" scan --json "$tmp/link.eml" "$tmp/ham.eml" > "$tmp/out_policy" 2>&1
check "block_url_domain rejects a message linking below the domain" \
	grep -q '"file":".*link.eml","score":0.0,"action":"reject","hits":\[{"name":"POLICY_BLOCK_URL_DOMAIN"' "$tmp/out_policy"
check "block_url_domain leaves a message without such links alone" \
	grep -q '"file":".*ham.eml","score":0.0,"action":"accept"' "$tmp/out_policy"
printf 'block_client 192.0.2.0/33\n' > "$tmp/policy"
if "$SCAMCTL" -c "$tmp/policy.conf" lint > "$tmp/lint_policy" 2>&1; then
	not_ok "lint fails on a bad policy file"
else
	check "lint fails on a bad policy file, naming file and line" grep -q "policy:1: error: block_client" "$tmp/lint_policy"
fi

# Every file of the shared corpus gets exactly one line, with no crash.
corpus="$top_srcdir/../shared/corpus"
if [ -d "$corpus" ]; then
	"$SCAMCTL" -c "$top_srcdir/etc/scam-milter.conf" scan --json "$corpus" > "$tmp/corpus" 2> "$tmp/corpus_err"
	files=$(find "$corpus" -type f ! -name '.*' | wc -l)
	check "the corpus scan gives one line per file ($files)" test "$(wc -l < "$tmp/corpus")" -eq "$files"
	check "the corpus scan writes nothing to stderr" test ! -s "$tmp/corpus_err"
	# Every accessor of the message model, over every corpus message (under
	# ASan/UBSan in a sanitizer build).
	"$SCAMCTL" -c "$top_srcdir/etc/scam-milter.conf" scan --dump "$corpus" > "$tmp/corpus_dump" 2> "$tmp/corpus_dump_err"
	check "the corpus --dump gives one model per file" test "$(grep -c '^== ' "$tmp/corpus_dump")" -eq "$files"
	check "the corpus --dump writes nothing to stderr" test ! -s "$tmp/corpus_dump_err"
else
	echo "# skipped corpus pass: $corpus not present"
fi

echo "$pass passed, $fail failed"
test "$fail" -eq 0
