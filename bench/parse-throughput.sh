#!/bin/sh
# parse-throughput.sh - message-model parse throughput, one thread: messages
# per second, MB per second and peak memory of parsing a folder of messages
# (default: the shared corpus) with `scamctl scan --json` and an empty rule
# set, so the time is GMime parsing, decoding, charset conversion, HTML
# rendering, URL and attachment extraction (plus reading the files and one
# short JSON line per message).
#
#   bench/parse-throughput.sh [BUILD_DIR] [MESSAGE_DIR] [RUNS]
#
# Use an optimised build without sanitizers, e.g.
#   mkdir build-opt && cd build-opt && ../configure CFLAGS="-O2 -g" && make
#   ../bench/parse-throughput.sh "$PWD"
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
msgs=${2:-$here/../shared/corpus}
runs=${3:-3}
scamctl="$build/scamctl"

[ -x "$scamctl" ] || { echo "bench: no $scamctl (build first)" >&2; exit 2; }
[ -d "$msgs" ] || { echo "bench: no message folder $msgs" >&2; exit 2; }
rules=$(mktemp -d)
trap 'rm -rf "$rules"' EXIT INT TERM

count=$(find "$msgs" -type f ! -name '.*' | wc -l)
bytes=$(find "$msgs" -type f ! -name '.*' -exec cat {} + | wc -c)
echo "messages: $count ($bytes bytes) in $msgs"
echo "rules:    none (parse only)"

i=1
while [ "$i" -le "$runs" ]; do
	# wall seconds, CPU seconds (user + system), peak RSS; the rates are per
	# wall second, and per CPU second (steadier on a busy machine).
	out=$( { /usr/bin/time -f '%e %U %S %M' "$scamctl" --rules "$rules" scan --json "$msgs" \
		> /dev/null; } 2>&1 | tail -n 1)
	echo "$out" | awk -v n="$count" -v b="$bytes" -v i="$i" '{
		cpu = $2 + $3
		printf "run %d: %.2fs wall, %.0f msg/s, %.1f MB/s; %.2fs CPU, %.0f msg/s, %.1f MB/s; peak RSS %d KiB\n",
			i, $1, ($1 > 0 ? n / $1 : 0), ($1 > 0 ? b / $1 / 1e6 : 0),
			cpu, (cpu > 0 ? n / cpu : 0), (cpu > 0 ? b / cpu / 1e6 : 0), $4 }'
	i=$((i + 1))
done
