#!/usr/bin/perl
# dkim_sign.pl - sign a message for the tests with Mail::DKIM (an
# implementation independent of the libopendkim that scam-milter verifies
# with), so a DKIM pass proves the two agree.
#
#   dkim_sign.pl KEY.pem DOMAIN SELECTOR [relaxed|simple] < in.eml > out.eml
#
# Line ends: reads LF or CRLF, writes the signature and message with LF.
use strict;
use warnings;
use Mail::DKIM::Signer;
use Mail::DKIM::TextWrap;

my ($key, $domain, $selector, $canon) = @ARGV;
die "usage: $0 KEY.pem DOMAIN SELECTOR [relaxed|simple]\n" unless defined $selector;
$canon //= 'relaxed';
my $signer = Mail::DKIM::Signer->new(
	Algorithm => 'rsa-sha256',
	Method    => "$canon/$canon",
	Domain    => $domain,
	Selector  => $selector,
	KeyFile   => $key,
	Headers   => 'from:to:subject:date:message-id',
);
my @lines = <STDIN>;
for my $l (@lines) {
	(my $c = $l) =~ s/\r?\n\z//;
	$signer->PRINT("$c\015\012");
}
$signer->CLOSE;
my $sig = $signer->signature->as_string;
$sig =~ s/\015\012/\n/g;
print "$sig\n";
print map { (my $c = $_) =~ s/\r?\n\z/\n/; $c } @lines;
