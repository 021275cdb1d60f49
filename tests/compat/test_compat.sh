#!/bin/bash
# test_compat.sh - our rule engine against SpamAssassin itself, with Debian's
# stock rules, over a fixed sample of the shared corpus (sample.list, made by
# make-sample.sh). For each message, the hits of the comparable rules (those
# whose dependency closure is regex-only, see compare.py) must be the same set
# in both engines; fails when fewer comparable rules load, or fewer messages
# agree, than the thresholds below.
#
# Needs: the corpus at $top_srcdir/../shared/corpus, spamassassin (Debian 12:
# 4.0.1, installed by ./quickstart) with its rules in /usr/share/spamassassin,
# python3. Skips (77) with a reason when one is missing. Nothing touches the
# network: SpamAssassin runs local tests only, ours has SPF off and an offline
# resolver. Set COMPAT_KEEP=DIR to keep the raw outputs in DIR,
# COMPAT_LIST_MISSING=1 to list every comparable rule we do not load.
set -u

# --- thresholds, in percent (the one place they are kept) ---------------------
# Targets of issue #4: 99% of the comparable stock rules load, 98% of the
# per-message hit sets are identical. Load: met (99.4%, 477 of 480 on
# 2026-11-28). Identical: met, 98.5% measured (330 of 335 on 2026-11-28, once
# lib/relays.c made the X-Spam-Relays-* pseudo-headers from Received), which
# is the floor here; the 5 left differ on body/URI rules (FILL_THIS_FORM*,
# HOSTED_IMG_MULTI_PUB_01, HTTP_ESCAPED_HOST, NORMAL_HTTP_TO_IP, URI_HEX).
MIN_LOAD=99
MIN_IDENTICAL=98
# -------------------------------------------------------------------------------

: "${top_srcdir:?}" "${top_builddir:?}"
here="$top_srcdir/tests/compat"
corpus="$top_srcdir/../shared/corpus"
stock=/usr/share/spamassassin
scamctl="$top_builddir/scamctl"

skip() {
	echo "SKIP: $*"
	exit 77
}
[ -d "$corpus/scam" ] && [ -d "$corpus/ham" ] ||
	skip "no corpus at $corpus (the shared corpus sits next to the source tree)"
[ -f "$stock/50_scores.cf" ] || skip "no SpamAssassin stock rules in $stock (install spamassassin)"
perl -MMail::SpamAssassin -e 1 2>/dev/null || skip "no Mail::SpamAssassin (install spamassassin)"
command -v python3 >/dev/null || skip "no python3"
[ -x "$scamctl" ] || {
	echo "FAIL: no $scamctl"
	exit 1
}

tmp=${COMPAT_KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
[ -n "${COMPAT_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/site" "$tmp/home" "$tmp/rules"
cp "$here/plugins.pre" "$tmp/site/init.pre"

# Our side: the stock rules, no network tests (SPF, DKIM, DMARC off: that
# also picks score set 0, as SpamAssassin's -L), a resolver that answers from
# an empty local zone (nothing leaves the host).
: >"$tmp/empty.zone"
cat >"$tmp/scam.conf" <<EOF
rules_dir = $stock
spf = no
dkim = no
dmarc = no
dns_local_data = $tmp/empty.zone
EOF

list="$here/sample.list"
mapfile -t rels < <(grep -v '^#' "$list" | grep .)
paths=()
for r in "${rels[@]}"; do
	[ -f "$corpus/$r" ] || {
		echo "FAIL: $corpus/$r (from sample.list) is missing"
		exit 1
	}
	paths+=("$corpus/$r")
done
echo "sample: ${#rels[@]} messages listed in tests/compat/sample.list"

# SpamAssassin in the background (the slow half), ours meanwhile.
start=$(date +%s)
LANG=C LC_ALL=C perl "$here/sa_hits.pl" "$stock" "$tmp/site" "$tmp/home" "$corpus" "$list" \
	>"$tmp/sa.txt" 2>"$tmp/sa.err" &
sa_pid=$!

# --prefilter: ours runs as the filter does once its Hyperscan prefilter is
# built, so the comparison covers that path (identical hits are the point).
"$scamctl" -c "$tmp/scam.conf" scan -v --prefilter --json "${paths[@]}" >"$tmp/ours.jsonl" \
	2>"$tmp/ours.err"
rc=$?
grep '^prefilter: ' "$tmp/ours.err" || true
if [ $rc -gt 1 ]; then
	echo "FAIL: scamctl scan exited $rc"
	cat "$tmp/ours.err"
	exit 1
fi

# Which comparable rules our engine loads: lint the stock rules plus one
# probe meta per comparable rule; lint names each probe whose rule is missing.
for f in "$stock"/*.cf; do ln -sf "$f" "$tmp/rules/"; done
python3 "$here/compare.py" probe "$stock" "$tmp/site" >"$tmp/rules/zz_compat_probe.cf"
"$scamctl" -c "$tmp/scam.conf" lint --rules "$tmp/rules" >"$tmp/lint.txt" 2>&1

# The harness itself: sa_hits.pl must report what `spamassassin -L -t` does.
for r in "${rels[0]}" "${rels[${#rels[@]} - 1]}"; do
	cli=$(HOME="$tmp/home" LANG=C LC_ALL=C spamassassin -L -t -C "$stock" \
		--siteconfigpath="$tmp/site" -p "$tmp/home/user_prefs" --cf='use_bayes 0' \
		<"$corpus/$r" 2>/dev/null |
		awk '/^X-Spam-Status:/ { p = 1 } p && /^[^ \t]/ && !/^X-Spam-Status:/ { exit }
			p { print }' | tr -d ' \t\r\n' | sed -n 's/.*tests=\([^ ]*\)autolearn=.*/\1/p')
	[ "$cli" = none ] && cli=
	echo "$cli" >"$tmp/cli.$$"
	wait_for=$r
	until grep -q "^$wait_for	" "$tmp/sa.txt" 2>/dev/null || ! kill -0 $sa_pid 2>/dev/null; do
		sleep 1
	done
	api=$(grep "^$wait_for	" "$tmp/sa.txt" | cut -f2)
	if [ "$cli" != "$api" ]; then
		echo "FAIL: sa_hits.pl and spamassassin -L -t differ on $r:"
		echo "  spamassassin -L -t: $cli"
		echo "  sa_hits.pl:         $api"
		kill $sa_pid 2>/dev/null
		exit 1
	fi
	echo "harness check: sa_hits.pl = spamassassin -L -t on $r"
done
rm -f "$tmp/cli.$$"

if ! wait $sa_pid; then
	echo "FAIL: sa_hits.pl failed"
	cat "$tmp/sa.err"
	exit 1
fi
echo "both engines ran in $(($(date +%s) - start))s"

python3 "$here/compare.py" compare "$stock" "$tmp/site" "$tmp/sa.txt" "$tmp/ours.jsonl" \
	"$tmp/lint.txt" "$MIN_LOAD" "$MIN_IDENTICAL"
