#!/bin/sh
# make-sample.sh - regenerate sample.list, the fixed corpus sample of the
# SpamAssassin comparison (test_compat.sh).
#
#   tests/compat/make-sample.sh [CORPUS_DIR] > tests/compat/sample.list
#
# Rule: for every source folder (scam/* and ham/*, in C-locale order), the
# folder's *.eml files sorted in C-locale byte order, then the 1st, 17th,
# 33rd, ... file (every 16th, starting with the first, so even the smallest
# folder gives one). Paths are relative to the corpus folder; the messages
# stay there and are never copied into the repository. With the corpus of
# 5,284 messages this yields 335 (138 scam, 197 ham; every folder present).
set -eu
corpus=${1:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/corpus}
step=16
cd "$corpus"
for d in $(ls -d scam/* ham/* | LC_ALL=C sort); do
	[ -d "$d" ] || continue
	find "$d" -maxdepth 1 -type f -name '*.eml' | LC_ALL=C sort |
		awk -v k="$step" 'NR % k == 1'
done
