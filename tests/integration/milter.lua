-- milter.lua - protocol-level checks of scam-milter, run by miltertest(8).
--
-- Run as: miltertest -D port=PORT -s milter.lua, against a scam-milter
-- listening on inet:PORT@127.0.0.1 whose rules are those test_miltertest.sh
-- writes (SC_TEST_SUBJ 6 points, SC_TEST_BODY 11, SC_TEST_REJECT 20;
-- thresholds 5 / 10 / 15; max_message_size 2K).
-- Prints one "ok - ..." or "not ok - ..." line per check, then
-- a count. miltertest ends silently on an uncaught Lua
-- error, so everything runs under pcall and an error is printed as a failure.

local passed, failed = 0, 0

local function check(cond, what)
	if cond then
		passed = passed + 1
		print("ok - " .. what)
	else
		failed = failed + 1
		print("not ok - " .. what)
	end
end

-- must - a miltertest call returns nil on success, an error string otherwise
local function must(result, what)
	if result ~= nil then
		error(what .. ": " .. tostring(result), 2)
	end
end

-- continues - the last reply was "continue"
local function continues(conn, what)
	local r = mt.getreply(conn)
	if r ~= SMFIR_CONTINUE then
		error(what .. ": reply " .. tostring(r) .. ", wanted SMFIR_CONTINUE", 2)
	end
end

-- starts_with - s begins with prefix
local function starts_with(s, prefix)
	return s ~= nil and string.sub(s, 1, string.len(prefix)) == prefix
end

-- contains - s has plain substring sub
local function contains(s, sub)
	return s ~= nil and string.find(s, sub, 1, true) ~= nil
end

-- send_message - one transaction up to and including end-of-message.
-- m = { qid, from, rcpts = {...}, headers = {{name, value}...}, body,
--       auth_user (optional: the {auth_authen} macro with MAIL FROM) }
local function send_message(conn, m)
	if m.auth_user ~= nil then
		must(mt.macro(conn, SMFIC_MAIL, "i", m.qid, "{auth_authen}", m.auth_user), "macro i")
	else
		must(mt.macro(conn, SMFIC_MAIL, "i", m.qid), "macro i")
	end
	must(mt.mailfrom(conn, m.from), "mailfrom")
	continues(conn, "mailfrom")
	for _, rcpt in ipairs(m.rcpts) do
		must(mt.rcptto(conn, rcpt), "rcptto")
		continues(conn, "rcptto " .. rcpt)
	end
	for _, h in ipairs(m.headers) do
		must(mt.header(conn, h[1], h[2]), "header " .. h[1])
		continues(conn, "header " .. h[1])
	end
	must(mt.eoh(conn), "eoh")
	continues(conn, "eoh")
	must(mt.bodystring(conn, m.body), "bodystring")
	continues(conn, "body")
	must(mt.eom(conn), "eom")
end

local function plain_headers(subject, extra)
	local h = {
		{ "From", "Sender <sender@example.com>" },
		{ "To", "rcpt@example.net" },
		{ "Subject", subject },
		{ "Message-ID", "<test@example.com>" },
	}
	for _, e in ipairs(extra or {}) do
		table.insert(h, e)
	end
	return h
end

local function accepted(conn)
	local r = mt.getreply(conn)
	return r == SMFIR_CONTINUE or r == SMFIR_ACCEPT
end

local function main()
	local sock = "inet:" .. port .. "@127.0.0.1"
	local conn = mt.connect(sock, 40, 0.25)
	if conn == nil then
		error("cannot connect to " .. sock)
	end
	must(mt.conninfo(conn, "client.example.org", "192.0.2.7"), "conninfo")
	continues(conn, "conninfo")
	must(mt.helo(conn, "client.example.org"), "helo")
	continues(conn, "helo")

	-- 1: a message hitting SC_TEST_SUBJ (6 points): tagged
	send_message(conn, {
		qid = "QTAG1", from = "<sender@example.com>", rcpts = { "<rcpt@example.net>" },
		headers = plain_headers("Get FREE MONEY today"),
		body = "Hello,\r\nclaim it now.\r\n",
	})
	check(accepted(conn), "a tagged message is accepted")
	local status = mt.getheader(conn, "X-Scam-Status", 0)
	check(starts_with(status, "Yes"), "a message hitting a rule gets X-Scam-Status: Yes... (" ..
		tostring(status) .. ")")
	check(contains(status, "SC_TEST_SUBJ"), "X-Scam-Status names the rule that hit")
	check(starts_with(mt.getheader(conn, "X-Scam-Score", 0), "6"),
		"X-Scam-Score carries the score (" .. tostring(mt.getheader(conn, "X-Scam-Score", 0)) .. ")")
	check(mt.eom_check(conn, MT_HDRADD, "X-Spam-Flag", "YES"), "a tagged message gets X-Spam-Flag: YES")
	check(not mt.eom_check(conn, MT_QUARANTINE), "a tagged message is not quarantined")

	-- 2: same connection, a clean message carrying forged verdict headers
	send_message(conn, {
		qid = "QCLEAN2", from = "<other@example.com>", rcpts = { "<a@example.net>", "<b@example.net>" },
		headers = plain_headers("Minutes of the meeting", {
			{ "X-Scam-Status", "No, forged by the sender" },
			{ "x-scam-score", "-100" },
			{ "X-SCAM-STATUS", "No, forged again" },
			{ "X-Scamper", "not ours" },
		}),
		body = "See attached.\r\n",
	})
	check(accepted(conn), "a second message on the same connection is accepted")
	status = mt.getheader(conn, "X-Scam-Status", 0)
	check(starts_with(status, "No"), "a clean message gets X-Scam-Status: No... (" .. tostring(status) .. ")")
	check(not mt.eom_check(conn, MT_HDRADD, "X-Spam-Flag"), "a clean message gets no X-Spam-Flag")
	check(mt.eom_check(conn, MT_HDRDELETE, "X-Scam-Status"), "a forged X-Scam-Status is deleted")
	check(mt.eom_check(conn, MT_HDRCHANGE, "X-Scam-Status", ""),
		"the deletion is a header change to an empty value")
	check(mt.eom_check(conn, MT_HDRDELETE, "x-scam-score"), "a forged x-scam-score (any case) is deleted")
	check(mt.eom_check(conn, MT_HDRDELETE, "X-SCAM-STATUS"), "a second forged X-Scam-Status is deleted")
	check(not mt.eom_check(conn, MT_HDRDELETE, "X-Scamper"), "X-Scamper is not ours and stays")

	-- 3: a message that is aborted, then one that is quarantined
	must(mt.macro(conn, SMFIC_MAIL, "i", "QABORT3"), "macro i")
	must(mt.mailfrom(conn, "<aborted@example.com>"), "mailfrom")
	must(mt.rcptto(conn, "<rcpt@example.net>"), "rcptto")
	must(mt.header(conn, "Subject", "free money"), "header")
	must(mt.abort(conn), "abort")
	send_message(conn, {
		qid = "QHOLD4", from = "<lotto@example.com>", rcpts = { "<rcpt@example.net>" },
		headers = plain_headers("Notification"),
		body = "Dear lottery winner,\r\nsend your details.\r\n",
	})
	check(accepted(conn), "after an abort the next message is scanned and accepted")
	check(mt.eom_check(conn, MT_QUARANTINE), "a message over quarantine_threshold is quarantined")
	check(mt.eom_check(conn, MT_HDRADD, "X-Spam-Flag", "YES"), "a quarantined message is also flagged")
	check(starts_with(mt.getheader(conn, "X-Scam-Status", 0), "Yes"), "a quarantined message says Yes")

	-- 4: a message longer than max_message_size (2K)
	send_message(conn, {
		qid = "QBIG5", from = "<big@example.com>", rcpts = { "<rcpt@example.net>" },
		headers = plain_headers("A long report"),
		body = string.rep("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-\r\n", 64),
	})
	check(accepted(conn), "a message over max_message_size is accepted")
	status = mt.getheader(conn, "X-Scam-Status", 0)
	check(contains(status, "SCAM_MESSAGE_TRUNCATED"),
		"its X-Scam-Status lists SCAM_MESSAGE_TRUNCATED (" .. tostring(status) .. ")")

	-- 5: a message over reject_threshold
	send_message(conn, {
		qid = "QREJ6", from = "<boss@example.com>", rcpts = { "<rcpt@example.net>" },
		headers = plain_headers("Urgent: wire transfer now"),
		body = "Do it today.\r\n",
	})
	check(mt.getreply(conn) == SMFIR_REPLYCODE, "a message over reject_threshold gets a reply code")
	check(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "Message rejected as likely scam (ref QREJ6)"),
		"the reply is 550 5.7.1 naming the queue id")
	check(not mt.eom_check(conn, MT_HDRADD, "X-Scam-Status"), "a rejected message gets no headers")

	-- 6: the connection goes on after a reject
	send_message(conn, {
		qid = "QAFTER7", from = "<sender@example.com>", rcpts = { "<rcpt@example.net>" },
		headers = plain_headers("Lunch?"),
		body = "Noon?\r\n",
	})
	check(accepted(conn), "a message after a reject on the same connection is accepted")
	check(starts_with(mt.getheader(conn, "X-Scam-Status", 0), "No"), "and it is judged clean")

	must(mt.disconnect(conn), "disconnect")

	-- 7: a second connection from an unknown-family client
	conn = mt.connect(sock, 4, 0.25)
	if conn == nil then
		error("cannot connect again to " .. sock)
	end
	must(mt.conninfo(conn, "unknown.example.org", "unspec"), "conninfo unspec")
	continues(conn, "conninfo unspec")
	-- HELO explicitly: an implicit one would drop the MAIL macros (queue id)
	must(mt.helo(conn, "unknown.example.org"), "helo")
	continues(conn, "helo")
	send_message(conn, {
		qid = "QUNSPEC8", from = "<>", rcpts = { "<postmaster@example.net>" },
		headers = plain_headers("Delivery report"),
		body = "Bounced.\r\n",
	})
	check(accepted(conn), "a message from a client of unknown address family is accepted")
	must(mt.disconnect(conn), "disconnect")

	-- 8: an IPv6 client (the shell checks how its address is logged)
	conn = mt.connect(sock, 4, 0.25)
	if conn == nil then
		error("cannot connect a third time to " .. sock)
	end
	must(mt.conninfo(conn, "v6.example.org", "2001:db8::25"), "conninfo IPv6")
	continues(conn, "conninfo IPv6")
	must(mt.disconnect(conn), "disconnect")

	-- 9: sender authentication runs for an ordinary client, and is skipped
	-- for a SASL login ({auth_authen} with MAIL FROM, as Postfix sends it)
	conn = mt.connect(sock, 4, 0.25)
	if conn == nil then
		error("cannot connect a fourth time to " .. sock)
	end
	must(mt.conninfo(conn, "client.example.org", "192.0.2.7"), "conninfo")
	continues(conn, "conninfo")
	send_message(conn, {
		qid = "QAUTH9", from = "<sender@example.com>", rcpts = { "<rcpt@example.net>" },
		headers = plain_headers("Minutes"),
		body = "Attached.\r\n",
	})
	check(accepted(conn), "an ordinary message is accepted")
	local ar = mt.getheader(conn, "Authentication-Results", 0)
	check(contains(ar, "; spf=none smtp.mailfrom=example.com; dkim=none; dmarc=none"),
		"an ordinary client gets SPF, DKIM and DMARC results (" .. tostring(ar) .. ")")
	send_message(conn, {
		qid = "QSASL10", from = "<alice@example.com>", rcpts = { "<rcpt@example.net>" },
		headers = plain_headers("Sent by a logged-in user"),
		body = "Hello.\r\n", auth_user = "alice",
	})
	check(accepted(conn), "a SASL user's message is accepted")
	ar = mt.getheader(conn, "Authentication-Results", 0)
	check(ar == nil, "a SASL login skips sender authentication: no Authentication-Results (" ..
		tostring(ar) .. ")")
	must(mt.disconnect(conn), "disconnect")
end

local ok, err = pcall(main)
if not ok then
	failed = failed + 1
	print("not ok - the script stopped: " .. tostring(err))
end
print("# milter.lua: " .. passed .. " checks ok, " .. failed .. " not ok")
if failed > 0 then
	error("milter.lua: " .. failed .. " checks failed")
end
