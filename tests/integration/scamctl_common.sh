# scamctl_common.sh - what the scamctl test scripts share: the binary, a temp
# dir removed on exit, and the check counters. Sourced, with top_srcdir and
# top_builddir set; the script ends with: echo "$pass passed, $fail failed".

: "${top_srcdir:?}" "${top_builddir:?}"
SCAMCTL="$top_builddir/scamctl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
