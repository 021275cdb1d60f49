#!/bin/sh
# test_shipped_rules.sh - the shipped rules (rules/*.cf with etc/lists) over
# hand-written messages, each with what it must and must not trigger
# (STYLE.md 12): tests/data/shipped/EXPECT lists, per message, rules that
# must hit (+RULE), must not hit (-RULE) and the action it must end at. One
# TAP line per expectation; a failure shows the message's actual hits.
# Expectations marked "?" are known weaknesses of a rule: they print as
# "# TODO" and do not fail the test. A last check lists the scored rules of
# the body, lure, disguise, identity, brand, links, money, obfuscation,
# attachment and combination files that no message hits or no message
# guards against.
# One scamctl run scans every message.
set -eu

: "${top_srcdir:?}"
# shellcheck source=tests/integration/scamctl_common.sh
. "$top_srcdir/tests/integration/scamctl_common.sh"

command -v python3 > /dev/null 2>&1 || { echo "SKIP: python3 is not installed" >&2; exit 77; }

data="$top_srcdir/tests/data/shipped"
# The shipped rules and lists; no network and no authentication (the
# messages carry no signatures, and their senders' domains do not exist).
# A made-up site of our own and two of its executives, so that the brand
# checks on protected_domains and executives (35_brand.cf) have something
# to protect.
cat > "$tmp/shipped.conf" <<CONF
rules_dir = $top_srcdir/rules
lists_dir = $top_srcdir/etc/lists
spf = no
dkim = no
dmarc = no
dns_local_data = /dev/null
tag_threshold = 5.0
quarantine_threshold = 10.0
reject_threshold = 15.0
protected_domains = northwind-traders.example
executives = Helena Marquardt, Tomas Reyes
CONF

status=0
"$SCAMCTL" -c "$tmp/shipped.conf" scan --json "$data" > "$tmp/scan.json" 2> "$tmp/scan.err" ||
	status=$?
# Every message must scan cleanly: exit 1 (a message that could not be
# read) or a sanitizer's report is a broken test, not a rule's failure.
if [ "$status" -ne 0 ] || grep -q 'Sanitizer\|runtime error' "$tmp/scan.err"; then
	echo "ERROR: scamctl scan exited $status:" >&2
	cat "$tmp/scan.err" >&2
	exit 99
fi

status=0
python3 - "$data/EXPECT" "$tmp/scan.json" "$top_srcdir/rules" > "$tmp/tap" <<'PY' || status=$?
import json, os, re, sys

expect_path, scan_path, rules_dir = sys.argv[1:4]
ACTIONS = ["accept", "tag", "quarantine", "reject"]
# The rule files whose scored rules need a must-hit and a must-not-hit message.
COVERED_FILES = ["20_body.cf", "25_lure.cf", "27_disguise.cf", "30_identity.cf",
                 "35_brand.cf", "40_links.cf", "50_money.cf", "55_obfuscation.cf",
                 "60_attach.cf", "80_combo.cf"]
out = []
n = 0


def tap(passed, text, todo=False, why="known rule weakness"):
    global n
    n += 1
    line = ("ok" if passed else "not ok") + " %d - %s" % (n, text)
    if todo:
        line += " # TODO " + why + (" (now passes: drop the '?')" if passed else "")
    out.append(line)


# EXPECT: FILE TOKEN..., "#" comments, "\" continues a line.
expects, elsewhere = [], set()
lines, buf = open(expect_path, encoding="utf-8").read().split("\n"), ""
for raw in lines:
    line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
    if line.endswith("\\"):
        buf += line[:-1] + " "
        continue
    line, buf = buf + line, ""
    if line.strip():
        f = line.split()
        if f[0] == "@hit-elsewhere":
            # "@hit-elsewhere RULE TEST": RULE needs what these messages
            # cannot give (sender authentication); TEST holds its must-hit.
            elsewhere.add(f[1])
            continue
        expects.append((f[0], f[1:]))

results = {}
for raw in open(scan_path, encoding="utf-8"):
    r = json.loads(raw)
    results[os.path.basename(r["file"])] = r

files_on_disk = sorted(f for f in os.listdir(os.path.dirname(expect_path)) if f.endswith(".eml"))
named = [f for f, _ in expects]
tap(sorted(named) == files_on_disk and len(set(named)) == len(named),
    "EXPECT names every .eml of tests/data/shipped exactly once (missing: %s; unknown: %s)"
    % (" ".join(sorted(set(files_on_disk) - set(named))) or "none",
       " ".join(sorted(set(named) - set(files_on_disk))) or "none"))

hit_rules, guarded_rules = set(), set()
for fname, tokens in expects:
    r = results.get(fname)
    if r is None or r.get("error"):
        tap(False, "%s was scanned (%s)" % (fname, "no result" if r is None else r["error"]))
        continue
    hits = [h["name"] for h in r["hits"]]
    actual = "actual: score=%s action=%s hits=%s" % (r["score"], r["action"],
                                                    " ".join(hits) or "none")
    for tok in tokens:
        todo = tok.startswith("?")
        t = tok[1:] if todo else tok
        m = re.fullmatch(r"action(>?=)(\w+)", t)
        if m:
            op, want = m.groups()
            if want not in ACTIONS:
                tap(False, "%s: unknown action in %s" % (fname, tok))
                continue
            got = ACTIONS.index(r["action"]) if r["action"] in ACTIONS else -1
            ok = got == ACTIONS.index(want) if op == "=" else got >= ACTIONS.index(want)
            desc = "%s ends at action %s%s" % (fname, "" if op == "=" else "at least ", want)
        elif t[:1] in "+-" and re.fullmatch(r"[+-][A-Z][A-Z0-9_]*", t):
            rule, must = t[1:], t[0] == "+"
            ok = (rule in hits) == must
            desc = "%s %s %s" % (fname, "hits" if must else "does not hit", rule)
            if must and not todo:
                hit_rules.add(rule)
            if not must:
                guarded_rules.add(rule)
        else:
            tap(False, "%s: bad token %r in EXPECT" % (fname, tok))
            continue
        if not ok:
            desc += " (%s)" % actual
        tap(ok, desc, todo)

# Coverage: every scored rule of COVERED_FILES has a "+" and a "-" line.
scored = []
for cf in COVERED_FILES:
    path = os.path.join(rules_dir, cf)
    if not os.path.exists(path):
        continue
    for raw in open(path, encoding="utf-8"):
        m = re.match(r"\s*score\s+(\S+)\s+(-?[\d.]+)", raw)
        if m and float(m.group(2)) != 0 and m.group(1) not in scored:
            scored.append(m.group(1))
no_hit = [s for s in scored if s not in hit_rules and s not in elsewhere]
no_guard = [s for s in scored if s not in guarded_rules]
for what, missing in (("a message that must hit it", no_hit),
                      ("a message that must not hit it", no_guard)):
    tap(not missing, "every scored rule of %s has %s%s"
        % (", ".join(c[:-3] for c in COVERED_FILES), what,
           "" if not missing else " (missing: %s)" % " ".join(missing)),
        todo=bool(missing), why="add messages to tests/data/shipped for these rules")
print("1..%d" % n)
print("\n".join(out))
PY
cat "$tmp/tap"
[ "$status" -eq 0 ] || { echo "ERROR: the expectation checker failed ($status)" >&2; exit 99; }
pass=$(grep -c '^ok ' "$tmp/tap" || true)
fail=$(grep -v '# TODO' "$tmp/tap" | grep -c '^not ok ' || true)
todo=$(grep '# TODO' "$tmp/tap" | grep -c '^not ok ' || true)
echo "$pass passed, $fail failed, $todo known weaknesses (TODO)"
test "$fail" -eq 0
