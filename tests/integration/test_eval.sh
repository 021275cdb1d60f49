#!/bin/sh
# test_eval.sh - scamctl eval over hand-written labelled fixtures: exact
# per-source shares at each threshold, rule hit frequencies, the same output
# for any -j, JSON with the same counts, errors counted (never dropped) and
# the exit statuses.
set -eu

: "${top_srcdir:?}"
# shellcheck source=tests/integration/scamctl_common.sh
. "$top_srcdir/tests/integration/scamctl_common.sh"

data="$top_srcdir/tests/data/eval"
mkdir "$tmp/rules"
cat > "$tmp/rules/10_eval.cf" <<'RULES'
header   T_PRIZE_SUBJ  Subject =~ /\bprize\b/i
describe T_PRIZE_SUBJ  Subject claims a prize
score    T_PRIZE_SUBJ  11.0
body     T_LOTTERY     /lottery winner/i
describe T_LOTTERY     Calls the reader a lottery winner
score    T_LOTTERY     6.0
body     T_AGENDA      /meeting agenda/i
describe T_AGENDA      Talks of a meeting agenda
score    T_AGENDA      -1.0
RULES
# Scores: scam/a 17 17 6 0, scam/b 16 0, ham/c -1 -1 6 (tag 5, quarantine 10, reject 15).
eval_cmd() {
	"$SCAMCTL" --rules "$tmp/rules" eval "$@"
}
status=0
eval_cmd -j 1 --scam "$data/scam/a" --scam "$data/scam/b/" --ham "$data/ham/c" \
	--aux "$data/scam/a/1.eml" > "$tmp/j1" 2> "$tmp/j1_err" || status=$?
check "eval exits 0 when every file was scanned" test "$status" -eq 0
check "eval writes nothing to stderr when it is not a terminal (no progress bar)" \
	test ! -s "$tmp/j1_err"
line() { # line PATTERN: the output has exactly this line
	grep -qx -- "$1" "$tmp/j1"
}
check "the thresholds are shown" line 'thresholds: tag 5.0, quarantine 10.0, reject 15.0'
check "scam/a: n 4, tag 75%, quarantine 50%, reject 50%, mean 10, median 11.5" \
	line 'scam/a  *scam  *4  *0  *75.0  *50.0  *50.0  *10.00  *11.50'
check "scam/b (trailing slash): n 2, 50% at each threshold, mean and median 8" \
	line 'scam/b  *scam  *2  *0  *50.0  *50.0  *50.0  *8.00  *8.00'
check "ham/c: n 3, tag 33.3%, none above, mean 1.33, median -1" \
	line 'ham/c  *ham  *3  *0  *33.3  *0.0  *0.0  *1.33  *-1.00'
check "an aux file source is named by its last two components" \
	line 'a/1.eml  *aux  *1  *0  *100.0  *100.0  *100.0  *17.00  *17.00'
check "the scam total leaves aux out: n 6, median 11" \
	line 'total scam  *scam  *6  *0  *66.7  *50.0  *50.0  *9.33  *11.00'
check "the ham total" line 'total ham  *ham  *3  *0  *33.3  *0.0  *0.0  *1.33  *-1.00'
check "aux is listed apart" line 'aux (not in the totals)  *aux  *1  *0  *100.0  *100.0  *100.0  *17.00  *17.00'
check "histogram: [-1,0) holds 2 of 3 ham" line '\[-1,0)  *0.0  *66.7'
check "histogram: [6,7) holds 1 of 6 scam and 1 of 3 ham" line '\[6,7)  *16.7  *33.3'
check "histogram: [17,18) is the last bucket (aux not counted)" \
	sh -c "grep '^\[' '$tmp/j1' | tail -n 1 | grep -qx '\[17,18)  *33.3  *0.0'"
check "histogram: one bucket per point from -1 to 17" \
	test "$(grep -c '^\[' "$tmp/j1")" -eq 19
check "hit frequencies: the header" line 'OVERALL%  *SCAM%  *HAM%  *S/O  *SCORE  *NAME'
sed -n '/^OVERALL%/,$p' "$tmp/j1" | tail -n +2 > "$tmp/freq"
check "hit frequencies: one line per rule that hit" test "$(wc -l < "$tmp/freq")" -eq 3
check "T_PRIZE_SUBJ: 3 of 6 scam, no ham, S/O 1.000" \
	sh -c "sed -n 1p '$tmp/freq' | grep -qx ' *33.333  *50.000  *0.000  *1.000  *11.000  *T_PRIZE_SUBJ'"
check "T_LOTTERY: 4 of 6 scam, 1 of 3 ham, S/O 0.667" \
	sh -c "sed -n 2p '$tmp/freq' | grep -qx ' *55.556  *66.667  *33.333  *0.667  *6.000  *T_LOTTERY'"
check "T_AGENDA: 1 of 6 scam, 2 of 3 ham, S/O 0.200" \
	sh -c "sed -n 3p '$tmp/freq' | grep -qx ' *33.333  *16.667  *66.667  *0.200  *-1.000  *T_AGENDA'"

eval_cmd -j 4 --scam "$data/scam/a" --scam "$data/scam/b/" --ham "$data/ham/c" \
	--aux "$data/scam/a/1.eml" > "$tmp/j4"
check "-j 1 and -j 4 give byte-identical output" cmp -s "$tmp/j1" "$tmp/j4"

eval_cmd --json -j 3 --scam "$data/scam/a" --scam "$data/scam/b" --ham "$data/ham/c" \
	> "$tmp/json"
check "--json is one valid JSON document" python3 -m json.tool "$tmp/json" /dev/null
check "--json has the same counts" python3 - "$tmp/json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["thresholds"] == {"tag": 5.0, "quarantine": 10.0, "reject": 15.0}, r["thresholds"]
got = [(s["name"], s["label"], s["n"], s["errors"], s["tag"], s["quarantine"], s["reject"],
        s["mean"], s["median"]) for s in r["sources"]]
assert got == [("scam/a", "scam", 4, 0, 3, 2, 2, 10.0, 11.5),
               ("scam/b", "scam", 2, 0, 1, 1, 1, 8.0, 8.0),
               ("ham/c", "ham", 3, 0, 1, 0, 0, 1.333, -1.0)], got
t = r["totals"]
assert (t["scam"]["n"], t["scam"]["tag"], t["scam"]["reject"]) == (6, 4, 3), t
assert (t["ham"]["n"], t["ham"]["tag"], t["ham"]["reject"]) == (3, 1, 0), t
assert "aux" not in t, t
h = {b["from"]: (b["scam"], b["ham"]) for b in r["histogram"]}
assert len(r["histogram"]) == 19 and h[-1] == (0, 2) and h[6] == (1, 1) and h[17] == (2, 0), h
rules = [(x["name"], x["score"], x["scam"], x["ham"], x["so"]) for x in r["rules"]]
assert rules == [("T_PRIZE_SUBJ", 11.0, 3, 0, 1.0), ("T_LOTTERY", 6.0, 4, 1, 0.667),
                 ("T_AGENDA", -1.0, 1, 2, 0.2)], rules
PY


# Scores beyond -5..30 go to the open-ended end buckets: scam 40 40 0 0 20 0,
# ham -20 -20 0.
mkdir "$tmp/rules_wide"
cat > "$tmp/rules_wide/10_wide.cf" <<'RULES'
header   T_HUGE  Subject =~ /\bprize\b/i
score    T_HUGE  40.0
body     T_NEG   /meeting agenda/i
score    T_NEG   -20.0
RULES
"$SCAMCTL" --rules "$tmp/rules_wide" eval --scam "$data/scam/a" --scam "$data/scam/b" \
	--ham "$data/ham/c" > "$tmp/wide"
grep -E '^(\[|<|>=)' "$tmp/wide" > "$tmp/wide_hist" || true
check "histogram: the low end is open (<-5), holding 2 of 3 ham" \
	sh -c "head -n 1 '$tmp/wide_hist' | grep -qx '<-5  *0.0  *66.7'"
check "histogram: the high end is open (>=30), holding 2 of 6 scam" \
	sh -c "tail -n 1 '$tmp/wide_hist' | grep -qx '>=30  *33.3  *0.0'"
check "histogram: 37 buckets from <-5 to >=30" test "$(wc -l < "$tmp/wide_hist")" -eq 37
check "histogram: [20,21) holds 1 of 6 scam" grep -qx '\[20,21)  *16.7  *0.0' "$tmp/wide_hist"
"$SCAMCTL" --rules "$tmp/rules_wide" eval --json --scam "$data/scam/a" --scam "$data/scam/b" \
	--ham "$data/ham/c" > "$tmp/wide_json"
check "--json: open ends have null from / to" python3 - "$tmp/wide_json" <<'PY2'
import json, sys
h = json.load(open(sys.argv[1]))["histogram"]
assert len(h) == 37, len(h)
assert (h[0]["from"], h[0]["to"], h[0]["scam"], h[0]["ham"]) == (None, -5, 0, 2), h[0]
assert (h[-1]["from"], h[-1]["to"], h[-1]["scam"], h[-1]["ham"]) == (30, None, 2, 0), h[-1]
PY2

# A file that cannot be read is an error of its source, named on stderr.
cp -R "$data/scam" "$tmp/scam"
ln -s "$tmp/no-such-file" "$tmp/scam/b/0-gone.eml"
status=0
eval_cmd -j 2 --scam "$tmp/scam/a" --scam "$tmp/scam/b" --ham "$data/ham/c" \
	> "$tmp/err_out" 2> "$tmp/err_err" || status=$?
check "an unreadable file gives exit 1" test "$status" -eq 1
check "the unreadable file is named on stderr" grep -q '0-gone.eml: dangling symbolic link' "$tmp/err_err"
check "the unreadable file counts as an error of its source, the rest still scanned" \
	grep -qx 'scam/b  *scam  *2  *1  *50.0  *50.0  *50.0  *8.00  *8.00' "$tmp/err_out"
check "the scam total counts the error" \
	grep -qx 'total scam  *scam  *6  *1  *66.7  *50.0  *50.0  *9.33  *11.00' "$tmp/err_out"

# Bad usage and load errors exit 2.
status=0
eval_cmd --scam "$data/scam/a" > /dev/null 2>&1 || status=$?
check "no --ham exits 2" test "$status" -eq 2
status=0
eval_cmd --ham "$data/ham/c" > /dev/null 2>&1 || status=$?
check "no --scam exits 2" test "$status" -eq 2
status=0
eval_cmd --bogus --scam "$data/scam/a" --ham "$data/ham/c" > /dev/null 2>&1 || status=$?
check "an unknown option exits 2" test "$status" -eq 2
status=0
"$SCAMCTL" --rules "$tmp/no-rules-here" eval --scam "$data/scam/a" --ham "$data/ham/c" \
	> /dev/null 2>&1 || status=$?
check "a rules load error exits 2" test "$status" -eq 2

# On a terminal the progress bar is drawn on stderr (script(1) gives a pty).
if command -v script > /dev/null 2>&1; then
	script -qec "'$SCAMCTL' --rules '$tmp/rules' eval -j 1 --scam '$data/scam/a' --ham '$data/ham/c' > '$tmp/tty_out'" \
		"$tmp/typescript" > /dev/null 2>&1 < /dev/null || true
	check "on a terminal a progress bar is drawn on stderr" \
		grep -q '\[#\{30\}\] 7/7 100% [0-9.]*s' "$tmp/typescript"
	check "the progress bar never reaches stdout" sh -c "! grep -q '#' '$tmp/tty_out'"
else
	echo "# skipped progress bar check: script(1) not present"
fi

echo "$pass passed, $fail failed"
test "$fail" -eq 0
