# lib.sh - a private Postfix instance and scam-milter for integration tests
#
# Source it from a bash script (it works under `set -eu`):
#
#   . "$top_srcdir/tests/integration/lib.sh"
#   sc_require_postfix              # exit 77 (skip) unless root with postfix + swaks
#   pf_setup alice bob              # temp dir, free ports, main.cf/master.cf, EXIT trap
#   milter_write_conf "$SC_TMP/rules" # temp scam-milter.conf -> $MILTER_CONF (rules dir:
#                                   # $SC_TMP/rules is made empty for the test's own *.cf)
#   milter_start                    # scam-milter -f on inet:$MILTER_PORT@127.0.0.1
#   pf_start                        # postfix -c $PF_CONF start, waits for smtpd
#   pf_send msg.eml alice@example.com; pf_wait_delivered alice 1
#   pf_header "$(pf_last_delivered alice)" X-Scam-Status
#
# Everything lives in one temp dir ($SC_TMP) removed on exit. The system's
# Postfix is left alone: its config, queue and data directories are never
# written (postfix start only reads the package's file list in /etc/postfix).
# No mail leaves 127.0.0.1: master.cf has no smtp/lmtp client at all,
# mydestination is empty, the only delivery is the virtual transport into
# Maildirs under $SC_TMP/mail, and every other transport is error:.
# pf_setup traps EXIT, INT, TERM and HUP; a script that sets its own EXIT
# trap afterwards must call sc_cleanup from it.
#
# Inputs (environment): top_srcdir, top_builddir (absolute; default: the
# checkout holding this file), PF_DOMAIN (default example.com), SC_KEEP_TMP=1
# keeps the temp dir for a post-mortem.

# shellcheck shell=bash disable=SC2034 # variables are read by the scripts that source this
SC_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$SC_LIB_DIR/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${PF_DOMAIN:=example.com}"
: "${SC_KEEP_TMP:=}"

SC_TMP=
PF_CONF=
PF_QUEUE=
PF_MAILDIR=
PF_PORT=
PF_MASTER_PID=
MILTER_PORT=
MILTER_CONF=
MILTER_PID=
MILTER_LOG=
SC_SMTP_STATUS=
SC_SMTP_REPLY=
SC_SMTP_LOG=
SC_CLEANED=

# sc_log - print a progress line on stderr
sc_log() {
	printf '# %s\n' "$*" >&2
}

# sc_skip - explain why the test cannot run here and exit 77 (automake: skip)
sc_skip() {
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

# sc_die - report a broken harness (not a failed check) and exit 99 (hard error)
sc_die() {
	printf 'ERROR: %s\n' "$*" >&2
	sc_dump_logs
	exit 99
}

# sc_require_postfix - skip unless we are root and postfix, swaks and python3 exist
sc_require_postfix() {
	[ "$(id -u)" = 0 ] || sc_skip "a private Postfix instance needs root"
	PATH=$PATH:/usr/sbin:/sbin
	export PATH
	command -v postfix >/dev/null 2>&1 || sc_skip "postfix is not installed (apt-get install postfix)"
	command -v swaks >/dev/null 2>&1 || sc_skip "swaks is not installed (apt-get install swaks)"
	command -v python3 >/dev/null 2>&1 || sc_skip "python3 is not installed"
	getent passwd postfix >/dev/null || sc_skip "no postfix user"
	getent group postdrop >/dev/null || sc_skip "no postdrop group"
	PF_DAEMON_DIR=$(postconf -d -h daemon_directory 2>/dev/null) || PF_DAEMON_DIR=
	[ -n "$PF_DAEMON_DIR" ] || PF_DAEMON_DIR=/usr/lib/postfix/sbin
	[ -x "$PF_DAEMON_DIR/master" ] || sc_skip "no Postfix master in $PF_DAEMON_DIR"
}

# sc_port_in_use - succeed when a TCP socket listens on PORT (127.0.0.1 or any address)
#
# Reads /proc/net/tcp{,6} instead of connecting, so the milter and smtpd never
# see a probe connection.
sc_port_in_use() {
	local hex files=(/proc/net/tcp)
	hex=$(printf '%04X' "$1")
	[ ! -r /proc/net/tcp6 ] || files+=(/proc/net/tcp6)
	awk -v port="$hex" '
		$4 == "0A" {
			n = split($2, a, ":")
			if (a[n] == port) found = 1
		}
		END { exit !found }
	' "${files[@]}"
}

# sc_free_ports - print N (default 1) distinct free TCP ports on 127.0.0.1, one per line
#
# Ports come from 20000-32767, below Linux's ephemeral range, so an outgoing
# connection cannot take one between this check and the bind.
sc_free_ports() {
	python3 - "${1:-1}" <<'EOF'
import random, socket, sys
want, got = int(sys.argv[1]), []
for _ in range(500):
    if len(got) == want:
        break
    port = random.randint(20000, 32767)
    if port in got:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    got.append(port)
if len(got) != want:
    sys.exit("no free port found")
print("\n".join(map(str, got)))
EOF
}

# sc_wait_port - wait up to TIMEOUT s until 127.0.0.1:PORT listens; fail early if PID dies
sc_wait_port() {
	local port=$1 timeout=${2:-15} pid=${3:-} i=0
	while ! sc_port_in_use "$port"; do
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		i=$((i + 1))
		[ "$i" -le $((timeout * 10)) ] || return 1
		sleep 0.1
	done
}

# pf_setup - make the temp dir, pick ports, write the Postfix config; MAILBOX... get Maildirs
#
# Every name becomes NAME@$PF_DOMAIN delivered to $PF_MAILDIR/NAME/; any other
# address in $PF_DOMAIN lands in $PF_MAILDIR/catchall/. Sets SC_TMP, PF_CONF,
# PF_QUEUE, PF_MAILDIR, PF_PORT, MILTER_PORT and installs the cleanup trap.
pf_setup() {
	local name vuid vgid ports
	SC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/scam-pf.XXXXXX")
	trap sc_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	# Postfix daemons run as the postfix user and must reach the queue.
	chmod 755 "$SC_TMP"
	PF_CONF=$SC_TMP/conf
	PF_QUEUE=$SC_TMP/queue
	PF_MAILDIR=$SC_TMP/mail
	MILTER_LOG=$SC_TMP/milter.log
	SC_SMTP_LOG=$SC_TMP/smtp.log
	mkdir -m 755 "$PF_CONF" "$PF_QUEUE" "$SC_TMP/rules"
	mkdir -m 700 "$SC_TMP/data"
	chown postfix: "$SC_TMP/data"
	vuid=$(id -u nobody 2>/dev/null || echo 65534)
	vgid=$(id -g nobody 2>/dev/null || echo 65534)
	mkdir -m 700 "$PF_MAILDIR"
	chown "$vuid:$vgid" "$PF_MAILDIR"

	ports=$(sc_free_ports 2) || sc_die "no free TCP ports on 127.0.0.1"
	PF_PORT=${ports%%$'\n'*}
	MILTER_PORT=${ports##*$'\n'}

	: >"$PF_CONF/vmailbox"
	for name in "$@"; do
		case $name in
		*[!a-z0-9._-]* | '' | .*) sc_die "pf_setup: bad mailbox name '$name'" ;;
		esac
		printf '%s@%s %s/\n' "$name" "$PF_DOMAIN" "$name" >>"$PF_CONF/vmailbox"
	done
	printf '@%s catchall/\n' "$PF_DOMAIN" >>"$PF_CONF/vmailbox"

	cat >"$PF_CONF/main.cf" <<EOF
# private test instance made by tests/integration/lib.sh - not the system's Postfix
compatibility_level = 3.6
config_directory = $PF_CONF
queue_directory = $PF_QUEUE
data_directory = $SC_TMP/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $SC_TMP/maillog
maillog_file_prefixes = $SC_TMP
syslog_name = scam-test
myhostname = mx.scam-test.example
mydomain = scam-test.example
myorigin = \$myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtputf8_enable = no
alias_maps =
alias_database =
local_recipient_maps =
relay_domains =
relayhost =
biff = no
smtpd_banner = \$myhostname ESMTP scam-milter test instance
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = $PF_DOMAIN
virtual_mailbox_base = $PF_MAILDIR
virtual_mailbox_maps = texthash:$PF_CONF/vmailbox
virtual_uid_maps = static:$vuid
virtual_gid_maps = static:$vgid
virtual_transport = virtual
local_transport = error:5.1.1 no local delivery in the test instance
default_transport = error:5.1.2 no relaying from the test instance
relay_transport = error:5.1.2 no relaying from the test instance
smtpd_milters = inet:127.0.0.1:$MILTER_PORT
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 5s
milter_command_timeout = 30s
milter_content_timeout = 60s
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 10s
delay_warning_time = 0
notify_classes =
EOF

	cat >"$PF_CONF/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
virtual   unix  -       n       n       -       -       virtual
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# pf_start - start the private Postfix and wait until its smtpd listens
pf_start() {
	local pid
	postfix -c "$PF_CONF" start </dev/null >>"$SC_TMP/postfix.out" 2>&1 ||
		sc_die "postfix start failed: $(cat "$SC_TMP/postfix.out")"
	pid=$(sed -n '1s/[^0-9]//gp' "$PF_QUEUE/pid/master.pid" 2>/dev/null) || pid=
	[ -n "$pid" ] || sc_die "no master.pid after postfix start"
	PF_MASTER_PID=$pid
	sc_wait_port "$PF_PORT" 15 "$PF_MASTER_PID" ||
		sc_die "Postfix smtpd did not listen on 127.0.0.1:$PF_PORT"
}

# pf_stop - stop the private Postfix; kill what is left of its process group
pf_stop() {
	local i
	[ -n "$PF_MASTER_PID" ] || return 0
	if kill -0 "$PF_MASTER_PID" 2>/dev/null; then
		postfix -c "$PF_CONF" stop </dev/null >>"$SC_TMP/postfix.out" 2>&1 || true
	fi
	# master is a session leader: its pid is the process group of every
	# daemon it forked, so this reaches only this instance.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 -- "-$PF_MASTER_PID" 2>/dev/null || break
		[ "$i" = 5 ] && kill -TERM -- "-$PF_MASTER_PID" 2>/dev/null
		sleep 0.2
	done
	kill -KILL -- "-$PF_MASTER_PID" 2>/dev/null || true
	PF_MASTER_PID=
}

# milter_write_conf - write $SC_TMP/scam-milter.conf using RULES_DIR; extra args are config lines;
# DNS answers come only from $MILTER_DNS_DATA (default: an empty file)
milter_write_conf() {
	local rules=$1 line
	shift
	MILTER_CONF=$SC_TMP/scam-milter.conf
	MILTER_DNS_DATA=${MILTER_DNS_DATA:-$SC_TMP/dns-local-data}
	[ -e "$MILTER_DNS_DATA" ] || : >"$MILTER_DNS_DATA"
	{
		printf '# made by tests/integration/lib.sh\n'
		printf 'socket = inet:%s@127.0.0.1\n' "$MILTER_PORT"
		printf 'rules_dir = %s\n' "$rules"
		printf 'tag_threshold = 5.0\n'
		printf 'quarantine_threshold = 10.0\n'
		printf 'reject_threshold = 15.0\n'
		printf 'on_error = tempfail\n'
		printf 'log_level = debug\n'
		# DNS stays offline: only these records exist (none unless a test wrote some)
		printf 'dns_local_data = %s\n' "$MILTER_DNS_DATA"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$MILTER_CONF"
}

# milter_start - run scam-milter in the foreground (background job) with CONF or $MILTER_CONF
milter_start() {
	local conf=${1:-$MILTER_CONF} bin=$top_builddir/scam-milter
	[ -x "$bin" ] || sc_die "$bin not built"
	[ -n "$conf" ] || sc_die "milter_start: no config (call milter_write_conf)"
	[ -z "$MILTER_PID" ] || sc_die "milter_start: already running (pid $MILTER_PID)"
	"$bin" -f -c "$conf" -p "inet:$MILTER_PORT@127.0.0.1" </dev/null >>"$MILTER_LOG" 2>&1 &
	MILTER_PID=$!
	if ! sc_wait_port "$MILTER_PORT" 30 "$MILTER_PID"; then
		sc_die "scam-milter did not listen on 127.0.0.1:$MILTER_PORT"
	fi
}

# milter_stop - stop scam-milter (SIGTERM, then SIGKILL after 10 s); return its exit status
milter_stop() {
	local i rc=0
	[ -n "$MILTER_PID" ] || return 0
	kill -TERM "$MILTER_PID" 2>/dev/null || true
	for i in $(seq 1 100); do
		kill -0 "$MILTER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$MILTER_PID" 2>/dev/null || true
	wait "$MILTER_PID" 2>/dev/null || rc=$?
	MILTER_PID=
	# Wait until the port is free again so a restart can bind it.
	for i in $(seq 1 50); do
		sc_port_in_use "$MILTER_PORT" || break
		sleep 0.1
	done
	return "$rc"
}

# sc_cleanup - EXIT trap: stop Postfix and the milter, remove the temp dir
sc_cleanup() {
	local rc=$?
	[ -z "$SC_CLEANED" ] || return 0
	SC_CLEANED=1
	set +e
	pf_stop
	milter_stop >/dev/null 2>&1
	if [ -n "$SC_TMP" ] && [ -d "$SC_TMP" ]; then
		if [ -n "$SC_KEEP_TMP" ]; then
			sc_log "kept $SC_TMP"
		else
			rm -rf -- "$SC_TMP"
		fi
	fi
	return "$rc"
}


# Check counters shared by the test scripts: ok and not_ok count a check
# (a failure also shows the logs); the script ends by printing
# "$pass passed, $fail failed".
pass=0
fail=0

# ok - record a passed check
ok() {
	printf 'ok - %s\n' "$*"
	pass=$((pass + 1))
}

# not_ok - record a failed check with its reason, and show the logs
not_ok() {
	printf 'not ok - %s\n' "$*"
	fail=$((fail + 1))
	sc_dump_logs
}

# sc_dump_logs - print the tails of the Postfix and milter logs (for failures)
sc_dump_logs() {
	[ -n "$SC_TMP" ] || return 0
	local f
	for f in "$SC_TMP/postfix.out" "$SC_TMP/maillog" "$MILTER_LOG" "$SC_SMTP_LOG"; do
		[ -s "$f" ] || continue
		printf '# ---- %s (last 40 lines)\n' "${f##*/}" >&2
		tail -n 40 "$f" | sed 's/^/# /' >&2
	done
}

# pf_send - send FILE to RCPT (from FROM) with swaks; sets SC_SMTP_STATUS, SC_SMTP_REPLY
#
# Returns swaks's exit status (0: accepted). SC_SMTP_REPLY is the last reply
# the server gave before QUIT, e.g. "250 2.0.0 Ok: queued as ..." or
# "550 5.7.1 Message rejected ..."; the whole transcript is in $SC_SMTP_LOG.
pf_send() {
	local file=$1 rcpt=$2 from=${3:-sender@example.org}
	shift 2
	[ $# -eq 0 ] || shift
	SC_SMTP_STATUS=0
	swaks --server "127.0.0.1:$PF_PORT" --helo mail.example.org \
		--from "$from" --to "$rcpt" --data "@$file" "$@" \
		</dev/null >"$SC_SMTP_LOG" 2>&1 || SC_SMTP_STATUS=$?
	# Server lines are "<-  250 ..." (ok) or "<** 451 ..." (error).
	SC_SMTP_REPLY=$(sed -n 's/^<\(-\|\*\*\) *\([0-9][0-9][0-9][ -].*\)$/\2/p' "$SC_SMTP_LOG" |
		grep -v "^221" | tail -n 1) || true
	return "$SC_SMTP_STATUS"
}

# pf_mailbox_count - print how many messages MAILBOX holds (0 when it does not exist yet)
pf_mailbox_count() {
	local dir=$PF_MAILDIR/$1
	if [ -d "$dir/new" ] && [ -d "$dir/cur" ]; then
		find "$dir/new" "$dir/cur" -type f | wc -l
	else
		echo 0
	fi
}

# pf_wait_delivered - wait up to TIMEOUT s (default 20) until MAILBOX holds COUNT messages
pf_wait_delivered() {
	local box=$1 count=$2 timeout=${3:-20} i=0
	while [ "$(pf_mailbox_count "$box")" -lt "$count" ]; do
		i=$((i + 1))
		[ "$i" -le $((timeout * 10)) ] || return 1
		sleep 0.1
	done
}

# pf_delivered - print the paths of MAILBOX's messages, oldest first
pf_delivered() {
	local dir=$PF_MAILDIR/$1
	[ -d "$dir/new" ] && [ -d "$dir/cur" ] || return 0
	find "$dir/new" "$dir/cur" -type f -printf '%T@ %p\n' | sort -n | cut -d' ' -f2-
}

# pf_last_delivered - print the path of MAILBOX's newest message
pf_last_delivered() {
	pf_delivered "$1" | tail -n 1
}

# pf_headers - print FILE's header section, one unfolded header per line (RFC 5322 2.2.3)
pf_headers() {
	awk '
		/^\r?$/ { exit }
		/^[ \t]/ { line = line $0; next }
		{ if (line != "") print line; line = $0 }
		END { if (line != "") print line }
	' "$1" | tr -d '\r'
}

# pf_header - print the value of every NAME header of FILE (case-insensitive), one per line
pf_header() {
	pf_headers "$1" | awk -v name="$2" '
		BEGIN { name = tolower(name) ":" }
		tolower(substr($0, 1, length(name))) == name {
			v = substr($0, length(name) + 1); sub(/^[ \t]+/, "", v); print v
		}
	'
}

# pf_queue_count - print how many messages sit in the instance's queues (incl. hold)
pf_queue_count() {
	local n=0 q
	for q in maildrop incoming active deferred hold; do
		[ -d "$PF_QUEUE/$q" ] || continue
		n=$((n + $(find "$PF_QUEUE/$q" -type f | wc -l)))
	done
	echo "$n"
}

# pf_hold_count - print how many messages sit in the hold queue (milter quarantine)
pf_hold_count() {
	if [ -d "$PF_QUEUE/hold" ]; then
		find "$PF_QUEUE/hold" -type f | wc -l
	else
		echo 0
	fi
}
