<?php
// phpredis driver (tests/lib/clients/README): Debian's php-redis.
if (($argv[1] ?? '') === '--version') { echo phpversion('redis'), "\n"; exit(0); }
$e = getenv();
$t = (float)($e['RC_TIMEOUT'] ?? '1.5');
$host = $e['RC_HOST'];
$ctx = null;
if (($e['RC_TLS'] ?? '') === '1') {
	$host = 'tls://' . $host;
	$s = ['peer_name' => $e['RC_SNI'] ?? $e['RC_HOST'], 'verify_peer' => true, 'verify_peer_name' => true];
	if (!empty($e['RC_CA'])) $s['cafile'] = $e['RC_CA'];
	if (!empty($e['RC_CERT'])) { $s['local_cert'] = $e['RC_CERT']; $s['local_pk'] = $e['RC_KEY']; }
	$ctx = ['stream' => $s];
}
$say = function ($x) { echo get_class($x), ': ', $x->getMessage(), "\n"; };
$r = new Redis();
try {
	$ok = $ctx ? $r->connect($host, (int)$e['RC_PORT'], $t, null, 0, $t, $ctx)
	    : $r->connect($host, (int)$e['RC_PORT'], $t, null, 0, $t);
	if (!$ok) { echo "connect failed: ", $r->getLastError(), "\n"; exit(0); }
	if (!empty($e['RC_PASS'])) {
		$a = !empty($e['RC_USER']) ? [$e['RC_USER'], $e['RC_PASS']] : $e['RC_PASS'];
		if (!$r->auth($a)) { echo "auth failed: ", $r->getLastError(), "\n"; exit(0); }
	}
} catch (Throwable $x) { $say($x); exit(0); }	// an application stops here
foreach ([['get', 'corpus:k'], ['set', 'corpus:k', 'v']] as $c) {
	try {
		$r->clearLastError();
		$v = $r->rawCommand(...$c);
		if ($v === false && $r->getLastError() !== null) echo "Redis error: ", $r->getLastError(), "\n";
		else echo "ok\n";
	} catch (Throwable $x) { $say($x); }
}
