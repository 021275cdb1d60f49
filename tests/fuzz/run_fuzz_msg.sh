#!/bin/sh
# run_fuzz_msg.sh - run the libFuzzer target of the message parser for
# FUZZ_SECONDS (default 5) over the seed corpus tests/data (hand-made
# messages). Skips (77) when the target was not built (no clang with
# -fsanitize=fuzzer). `make fuzz` runs it longer (FUZZ_SECONDS=300).
# New inputs go to a temp dir; a crash leaves crash-* in the build dir.
set -eu

: "${top_srcdir:?}" "${top_builddir:?}"
fuzzer="$top_builddir/tests/fuzz/fuzz_msg"
[ -x "$fuzzer" ] || { echo "# skipped: $fuzzer not built (clang with libFuzzer missing)"; exit 77; }
seconds=${FUZZ_SECONDS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# LeakSanitizer runs with no suppressions: GLib's and GMime's process-wide
# tables are reachable from globals, so they are not reported.
cd "$top_builddir"
"$fuzzer" -max_total_time="$seconds" -max_len=131072 -rss_limit_mb=2048 -timeout=10 \
	-print_final_stats=1 "$work" "$top_srcdir/tests/data"
