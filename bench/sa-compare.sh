#!/bin/bash
# sa-compare.sh - rules-only throughput with SpamAssassin's stock rules: our
# engine against spamd, on the same messages and the same cores, in one run.
#
#   bench/sa-compare.sh [BUILD_DIR] [JOBS]
#
# BUILD_DIR: an optimised build without sanitizers (configure CFLAGS=-O2);
# default ./build. JOBS: workers on each side (default 2, one per core).
# Messages: the sample of tests/compat/sample.list in ../shared/corpus (the
# same the compatibility test compares).
#
# Ours:  scamctl scan --json -j JOBS over the sample, REPEAT + 1 times in one
#        process, less a run of one pass (start-up: rules loaded once, as the
#        milter does, like spamd's children timed once warm), stock rules from
#        /usr/share/spamassassin, SPF, DKIM and DMARC off (SpamAssassin's -L:
#        score set 0), an offline resolver. The Hyperscan prefilter is built
#        first by `scamctl lint --prefilter` into a cache (CACHE_DIR, default
#        ~/.cache/scam-milter-bench), as the milter builds it after start-up,
#        and the timed scan reads it from there (its time is counted).
# spamd: spamd on a unix socket with JOBS children (min = max = JOBS), local
#        tests only (-L), no Bayes, no auto-learn, no user config, the stock
#        plugin loading only (tests/compat/plugins.pre as the site dir), fed by
#        JOBS spamc clients in parallel, one spamc per message, as an admin's
#        MTA would; timed after every child has answered once.
# Both sides read the same files; nothing leaves the host.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
jobs=${2:-2}
repeat=${REPEAT:-5}
corpus="$here/../shared/corpus"
stock=/usr/share/spamassassin
scamctl="$build/scamctl"

die() {
	echo "sa-compare: $*" >&2
	exit 2
}
[ -x "$scamctl" ] || die "no $scamctl (build first)"
[ -d "$corpus" ] || die "no corpus at $corpus"
command -v spamd >/dev/null && command -v spamc >/dev/null ||
	die "spamd and spamc are needed (apt-get install spamd spamc)"
[ -f "$stock/50_scores.cf" ] || die "no stock rules in $stock"

tmp=$(mktemp -d)
spamd_pid=
cleanup() {
	if [ -n "$spamd_pid" ] && kill -0 "$spamd_pid" 2>/dev/null; then
		kill "$spamd_pid"
		wait "$spamd_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
chmod 755 "$tmp"
mkdir -p "$tmp/site" "$tmp/home"
cp "$here/tests/compat/plugins.pre" "$tmp/site/init.pre"

mapfile -t files < <(grep -v '^#' "$here/tests/compat/sample.list" | grep . |
	sed "s|^|$corpus/|")
n=${#files[@]}
bytes=$(cat "${files[@]}" | wc -c)
echo "messages: $n ($bytes bytes), tests/compat/sample.list; $jobs workers each side"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work skews both sides)"

# --- ours -----------------------------------------------------------------------
: >"$tmp/empty.zone"
cache=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/scam-milter-bench}
mkdir -p "$cache"
printf 'rules_dir = %s\nspf = no\ndkim = no\ndmarc = no\ndns_local_data = %s\nrules_cache_dir = %s\n' \
	"$stock" "$tmp/empty.zone" "$cache" >"$tmp/scam.conf"
"$scamctl" -c "$tmp/scam.conf" lint --prefilter >"$tmp/lint" 2>&1 || true
echo "ours:  $(grep '^rules: ' "$tmp/lint")"
echo "ours:  $(grep '^prefilter: ' "$tmp/lint")"
# run_ours PASSES - scan the sample PASSES times in one process; sets wall
# (seconds) and cpu (user + system seconds) of the whole process
run_ours() {
	local all=() i t0 t1
	for ((i = 0; i < $1; i++)); do all+=("${files[@]}"); done
	t0=$(date +%s.%N)
	/usr/bin/time -o "$tmp/ours.cpu" -f '%U %S' "$scamctl" -c "$tmp/scam.conf" scan --json \
		-j "$jobs" "${all[@]}" >"$tmp/ours.jsonl" 2>/dev/null || true
	t1=$(date +%s.%N)
	[ "$(wc -l <"$tmp/ours.jsonl")" -eq $((n * $1)) ] || die "scamctl did not scan every message"
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	cpu=$(awk '{ print $1 + $2 }' "$tmp/ours.cpu")
}
# Like spamd's children, which are timed once warm, ours is timed past its
# start-up (loading the rules and the prefilter, as the milter does once):
# the difference between a run of REPEAT + 1 passes and a run of one pass.
run_ours 1
wall1=$wall cpu1=$cpu
run_ours $((repeat + 1))
echo "ours:  one pass in $(printf '%.2f' "$wall1")s (start-up included), $((repeat + 1)) passes" \
	"in $(printf '%.2f' "$wall")s"
ours=$(awk -v n=$((n * repeat)) -v a="$wall1" -v b="$wall" 'BEGIN { printf "%.1f", n / (b - a) }')
ours_all=$(awk -v n=$((n * (repeat + 1))) -v b="$wall" 'BEGIN { printf "%.1f", n / b }')
ours_cpu=$(awk -v a="$cpu1" -v b="$cpu" 'BEGIN { print b - a }')
echo "ours:  $((n * repeat)) messages past start-up: $ours msg/s ($ours_all msg/s counting start-up)"

# --- spamd ----------------------------------------------------------------------
# spamd_cpu - CPU seconds (user + system) spent so far by spamd's children
spamd_cpu() {
	local tck p sum=0
	tck=$(getconf CLK_TCK)
	for p in $(pgrep -P "$spamd_pid"); do
		sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	awk -v s="$sum" -v t="$tck" 'BEGIN { print s / t }'
}
sock="$tmp/spamd.sock"
user_opt=()
[ "$(id -u)" -eq 0 ] && user_opt=(-u nobody) # spamd will not scan as root
HOME="$tmp/home" LANG=C spamd -L -x --socketpath="$sock" --socketmode=0666 \
	-m "$jobs" --min-children="$jobs" --max-children="$jobs" --min-spare=1 \
	--max-spare="$jobs" -C "$stock" --siteconfigpath="$tmp/site" \
	-H "$tmp/home" --cf='use_bayes 0' --cf='bayes_auto_learn 0' \
	--cf='use_auto_welcomelist 0' -s stderr "${user_opt[@]}" 2>"$tmp/spamd.log" &
spamd_pid=$!
for ((i = 0; i < 600; i++)); do
	[ -S "$sock" ] && spamc -U "$sock" -c <"${files[0]}" >/dev/null 2>&1 && break
	kill -0 "$spamd_pid" 2>/dev/null || {
		cat "$tmp/spamd.log" >&2
		die "spamd did not start"
	}
	sleep 0.2
done
# warm every child (each compiles the rules on its first message)
printf '%s\0' "${files[@]:0:$((4 * jobs))}" |
	xargs -0 -P "$jobs" -n 1 sh -c 'spamc -U "$0" <"$1" >/dev/null' "$sock"
cpu0=$(spamd_cpu)
t0=$(date +%s.%N)
printf '%s\0' "${files[@]}" |
	xargs -0 -P "$jobs" -n 1 sh -c 'spamc -U "$0" -x <"$1" >/dev/null' "$sock"
t1=$(date +%s.%N)
sa_cpu=$(awk -v a="$cpu0" -v b="$(spamd_cpu)" 'BEGIN { print b - a }')
sa=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
echo "spamd: $n messages in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s:" \
	"$sa msg/s"
awk -v o="$ours" -v s="$sa" 'BEGIN { printf "ratio: ours / spamd = %.1fx (target: 50x)\n", o / s }'
# CPU time per message is less skewed by other load on the machine.
awk -v oc="$ours_cpu" -v on=$((n * repeat)) -v sc="$sa_cpu" -v sn="$n" 'BEGIN {
	o = oc / on * 1000; s = sc / sn * 1000
	printf "cpu per message: ours %.2f ms, spamd children %.1f ms: ratio %.1fx\n", o, s, s / o }'
