#!/usr/bin/perl
# sa_hits.pl - the rules SpamAssassin's own engine hits, per message, the
# way `spamassassin -L -t` runs them, in one process for every message.
#
#   perl sa_hits.pl RULES_DIR SITE_DIR HOME_DIR CORPUS_DIR LIST_FILE
#
# RULES_DIR is the stock rules (Debian: /usr/share/spamassassin). SITE_DIR
# stands in for /etc/spamassassin: the caller fills it with the stock *.pre
# plugin loaders only, so no local.cf of this machine leaks in. HOME_DIR is a
# private home (user prefs, state) that stays empty. Local tests only (no
# network), no Bayes, no auto-learn, no auto-welcomelist, as -L -t does.
#
# LIST_FILE names one message per line, relative to CORPUS_DIR. Output: one
# line per message, "RELPATH<TAB>RULE,RULE,..." with the names SpamAssassin
# reports in X-Spam-Status tests= (no __ sub-rules), sorted; an empty list
# for no hits. A message SpamAssassin cannot read prints "RELPATH<TAB>!error".
# With SA_HITS_SUBRULES=1 in the environment the __ sub-rules that hit are
# listed too (for compare.py why).
use strict;
use warnings;

use Mail::SpamAssassin;

die "usage: sa_hits.pl RULES_DIR SITE_DIR HOME_DIR CORPUS_DIR LIST_FILE\n" unless @ARGV == 5;
my ($rules, $site, $home, $corpus, $list) = @ARGV;

$ENV{HOME} = $home;
my $sa = Mail::SpamAssassin->new({
	rules_filename => $rules,
	site_rules_filename => $site,
	userprefs_filename => "$home/user_prefs",
	userstate_dir => "$home/.spamassassin",
	home_dir_for_helpers => $home,
	local_tests_only => 1,
	dont_copy_prefs => 1,
	require_rules => 1,
	post_config_text => "use_bayes 0\nbayes_auto_learn 0\nuse_auto_welcomelist 0\n",
});
$sa->init(1);
# What -t does to the loaded configuration, in case a config file turned it on.
$sa->{conf}->{use_auto_welcomelist} = 0;
$sa->{conf}->{bayes_auto_learn} = 0;

open(my $lf, '<', $list) or die "sa_hits.pl: $list: $!\n";
my @files = grep { /\S/ && !/^#/ } map { chomp; $_ } <$lf>;
close($lf);

binmode(STDOUT);
$| = 0;
for my $rel (@files) {
	my $fh;
	if (!open($fh, '<:raw', "$corpus/$rel")) {
		print "$rel\t!error $!\n";
		next;
	}
	local $/;
	my $data = <$fh>;
	close($fh);
	$sa->timer_reset;
	my $mail = $sa->parse($data);
	my $status = $sa->check($mail);
	my $names = $status->get_names_of_tests_hit();
	$names .= ',' . $status->get_names_of_subtests_hit() if $ENV{SA_HITS_SUBRULES};
	my @hits = sort grep { $_ ne '' } split(/,/, $names);
	print "$rel\t", join(',', @hits), "\n";
	$status->finish();
	$mail->finish();
}
$sa->finish();
