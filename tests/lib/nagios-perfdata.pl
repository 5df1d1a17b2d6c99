#!/usr/bin/perl
# nagios-perfdata.pl — read a plugin's output on stdin the way a
# Monitoring::Plugin-based consumer does: the first line is
# "SERVICE STATE - text | perfdata"; the perfdata is parsed with
# Monitoring::Plugin::Performance->parse_perfstring (Debian's
# libmonitoring-plugin-perl) and every value is judged against its own
# warn/crit ranges with Monitoring::Plugin::Threshold.
#
# Prints, one per line:
#   word WORD            the state word of the first line
#   fields N             perfdata fields in the text (split on blanks)
#   parsed N             fields parse_perfstring returned
#   threshold_state N    the worst state the thresholds give (0, 1, 2)
#   LABEL VALUE UOM WARN CRIT   per field
# Exits 1 when the first line is not of the plugin form.
use strict;
use warnings;
use Monitoring::Plugin::Performance use_die => 1;

my $first = <STDIN>;
exit 1 unless defined $first;
chomp $first;
my ($head, $perf) = split /\|/, $first, 2;
$head =~ /^REDIS (OK|WARNING|CRITICAL|UNKNOWN) - / or exit 1;
print "word $1\n";
$perf = '' unless defined $perf;
$perf =~ s/^\s+|\s+$//g;
my @fields = grep { length } split /\s+/, $perf;
print "fields ", scalar(@fields), "\n";
my @p = Monitoring::Plugin::Performance->parse_perfstring($perf);
print "parsed ", scalar(@p), "\n";
my $worst = 0;
for my $p (@p) {
	my $t = $p->threshold;
	my $st = $t->get_status($p->value);
	$worst = $st if $st > $worst;
	printf "%s %s %s %s %s\n", $p->label, $p->value, $p->uom // '',
	    (defined $t->warning && $t->warning->is_set ? $t->warning : '-'),
	    (defined $t->critical && $t->critical->is_set ? $t->critical : '-');
}
print "threshold_state $worst\n";
