#!/usr/bin/perl
# sa_render.pl - what SpamAssassin's rules see of one message, for finding why
# a rule hits in one engine only (compare with `scamctl scan --dump`).
#
#   perl sa_render.pl FILE [HEADER...]
#   perl sa_render.pl --all CORPUS_DIR LIST_FILE     (for render_diff.py)
#
# Prints the body array (get_rendered_body_text_array: what body rules run
# on, one element per paragraph), the rawbody array
# (get_decoded_body_text_array), and for each HEADER (a name, optionally with
# :raw, :addr, :name...) what PerMsgStatus::get() returns. Each element is
# shown between [ ] with control characters escaped. With --all: one JSON
# object per message of LIST_FILE, {"file":REL,"body":[...],"rawbody":[...]},
# the elements as byte strings read as Latin-1 (so every byte survives).
use strict;
use warnings;

use Mail::SpamAssassin;
use Mail::SpamAssassin::PerMsgStatus;

die "usage: sa_render.pl FILE [HEADER...]\n" unless @ARGV >= 1;
if ($ARGV[0] eq '--all') {
	render_all(@ARGV[1, 2]);
	exit 0;
}
my ($file, @headers) = @ARGV;
open(my $fh, '<:raw', $file) or die "sa_render.pl: $file: $!\n";
my $data = do { local $/; <$fh> };
close($fh);

# show - one element, escaped
sub show {
	my ($s) = @_;
	return '(undef)' unless defined $s;
	$s =~ s/([\x00-\x1f\\])/sprintf('\\x%02x', ord($1))/ge;
	return "[$s]";
}

my $sa = Mail::SpamAssassin->new({ config_text => "use_bayes 0\n", local_tests_only => 1 });
my $msg = $sa->parse($data);
my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $msg);
my $i = 0;
print "body:\n";
print '  ', $i++, ' ', show($_), "\n" for @{$msg->get_rendered_body_text_array()};
$i = 0;
print "rawbody:\n";
print '  ', $i++, ' ', show($_), "\n" for @{$msg->get_decoded_body_text_array()};
for my $h (@headers) {
	print "header $h: ", show(scalar $pms->get($h)), "\n";
}
$pms->finish();
$msg->finish();

# render_all - the body and rawbody arrays of every listed message, as JSON
sub render_all {
	my ($corpus, $list) = @_;
	require JSON::PP;
	my $json = JSON::PP->new->canonical->ascii;
	my $sa = Mail::SpamAssassin->new({ config_text => "use_bayes 0\n", local_tests_only => 1 });
	open(my $lf, '<', $list) or die "sa_render.pl: $list: $!\n";
	binmode(STDOUT);
	for my $rel (grep { /\S/ && !/^#/ } map { chomp; $_ } <$lf>) {
		open(my $fh, '<:raw', "$corpus/$rel") or die "sa_render.pl: $rel: $!\n";
		my $data = do { local $/; <$fh> };
		close($fh);
		my $msg = $sa->parse($data);
		my @body = map { my $x = $_; utf8::downgrade($x, 1); $x }
			@{$msg->get_rendered_body_text_array()};
		my @raw = map { my $x = $_; utf8::downgrade($x, 1); $x }
			@{$msg->get_decoded_body_text_array()};
		print $json->encode({ file => $rel, body => \@body, rawbody => \@raw }), "\n";
		$msg->finish();
	}
}
