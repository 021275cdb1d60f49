#!/usr/bin/perl
# sa_render.pl - what SpamAssassin's rules see of one message, for finding why
# a rule hits in one engine only (compare with `scamctl scan --dump`).
#
#   perl sa_render.pl FILE [HEADER...]
#
# Prints the body array (get_rendered_body_text_array: what body rules run
# on, one element per paragraph), the rawbody array
# (get_decoded_body_text_array), and for each HEADER (a name, optionally with
# :raw, :addr, :name...) what PerMsgStatus::get() returns. Each element is
# shown between [ ] with control characters escaped.
use strict;
use warnings;

use Mail::SpamAssassin;
use Mail::SpamAssassin::PerMsgStatus;

die "usage: sa_render.pl FILE [HEADER...]\n" unless @ARGV >= 1;
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
