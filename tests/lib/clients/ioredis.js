// ioredis driver (tests/lib/clients/README).  argv[2]: the module to load
// (ioredis, or an npm alias such as ioredis5); NODE_PATH finds it.
'use strict';
const mod = process.argv[2] || 'ioredis';
if (process.argv[3] === '--version') {
	console.log(require(mod + '/package.json').version);
	process.exit(0);
}
const Redis = require(mod);
const fs = require('fs');
const util = require('util');
const e = process.env;
const t = Math.round(parseFloat(e.RC_TIMEOUT || '1.5') * 1000);
const opts = { host: e.RC_HOST, port: +e.RC_PORT, lazyConnect: true,
	maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: t,
	commandTimeout: t, enableOfflineQueue: true };
if (e.RC_USER) opts.username = e.RC_USER;
if (e.RC_PASS) opts.password = e.RC_PASS;
if (e.RC_TLS === '1') {
	opts.tls = { servername: e.RC_SNI || e.RC_HOST };
	if (e.RC_CA) opts.tls.ca = fs.readFileSync(e.RC_CA);
	if (e.RC_CERT) { opts.tls.cert = fs.readFileSync(e.RC_CERT); opts.tls.key = fs.readFileSync(e.RC_KEY); }
}
// An application's log line: the error as util.inspect shows it, stack
// frames left out, on one line.
const line = (err) => util.inspect(err, { breakLength: Infinity }).split('\n')
	.filter((l) => !/^\s+at /.test(l)).join(' ').replace(/\s+/g, ' ').trim();
const r = new Redis(opts);	// no 'error' listener: ioredis logs them itself
(async () => {
	try { await r.connect(); } catch (err) { console.log(line(err)); }
	for (const c of [['get', 'corpus:k'], ['set', 'corpus:k', 'v']]) {
		try { await r.call(...c); console.log('ok'); } catch (err) { console.log(line(err)); }
	}
	r.disconnect();
	setTimeout(() => process.exit(0), 50);
})();
