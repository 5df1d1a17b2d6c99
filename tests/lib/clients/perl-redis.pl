#!/usr/bin/perl
# Perl Redis driver (tests/lib/clients/README): Debian's libredis-perl.
use strict;
use warnings;
use Redis;
if (($ARGV[0] // '') eq '--version') { print "$Redis::VERSION\n"; exit 0; }
my %e = %ENV;
my $t = $e{RC_TIMEOUT} // 1.5;
$ENV{SSL_CERT_FILE} = $e{RC_CA} if $e{RC_CA};
my %o = (server => "$e{RC_HOST}:$e{RC_PORT}", cnx_timeout => $t,
    read_timeout => $t, write_timeout => $t, reconnect => 0);
$o{password} = $e{RC_PASS} if defined $e{RC_PASS} && $e{RC_PASS} ne '';
$o{username} = $e{RC_USER} if defined $e{RC_USER} && $e{RC_USER} ne '';
$o{ssl} = 1 if ($e{RC_TLS} // '') eq '1';
my $r = eval { Redis->new(%o) };
if (!$r) { my $m = $@; chomp $m; print "$m\n"; }
for my $c (['get', 'corpus:k'], ['set', 'corpus:k', 'v']) {
	last unless $r;
	my ($cmd, @a) = @$c;
	if (eval { $r->$cmd(@a); 1 }) { print "ok\n"; }
	else { my $m = $@; chomp $m; print "$m\n"; }
}
