<?php
// predis driver (tests/lib/clients/README): Debian's php-nrk-predis.
require '/usr/share/php/Predis/autoload.php';
if (($argv[1] ?? '') === '--version') { echo Predis\Client::VERSION, "\n"; exit(0); }
$e = getenv();
$t = (float)($e['RC_TIMEOUT'] ?? '1.5');
$p = ['scheme' => 'tcp', 'host' => $e['RC_HOST'], 'port' => (int)$e['RC_PORT'],
    'timeout' => $t, 'read_write_timeout' => $t];
if (($e['RC_TLS'] ?? '') === '1') {
	$p['scheme'] = 'tls';
	$s = ['peer_name' => $e['RC_SNI'] ?? $e['RC_HOST'], 'verify_peer' => true, 'verify_peer_name' => true];
	if (!empty($e['RC_CA'])) $s['cafile'] = $e['RC_CA'];
	if (!empty($e['RC_CERT'])) { $s['local_cert'] = $e['RC_CERT']; $s['local_pk'] = $e['RC_KEY']; }
	$p['ssl'] = $s;
}
if (!empty($e['RC_USER'])) $p['username'] = $e['RC_USER'];
if (!empty($e['RC_PASS'])) $p['password'] = $e['RC_PASS'];
$r = new Predis\Client($p);
foreach ([['GET', 'corpus:k'], ['SET', 'corpus:k', 'v']] as $c) {
	try { $c[0] === 'GET' ? $r->get($c[1]) : $r->set($c[1], $c[2]); echo "ok\n"; }
	catch (Throwable $x) { echo get_class($x), ': ', $x->getMessage(), "\n"; }
}
