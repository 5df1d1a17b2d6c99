// node-redis driver (tests/lib/clients/README); NODE_PATH finds 'redis'.
'use strict';
if (process.argv[2] === '--version') {
	console.log(require('redis/package.json').version);
	process.exit(0);
}
const { createClient } = require('redis');
const fs = require('fs');
const util = require('util');
const e = process.env;
const t = Math.round(parseFloat(e.RC_TIMEOUT || '1.5') * 1000);
const socket = { host: e.RC_HOST, port: +e.RC_PORT, connectTimeout: t,
	reconnectStrategy: false };
if (e.RC_TLS === '1') {
	socket.tls = true;
	socket.servername = e.RC_SNI || e.RC_HOST;
	if (e.RC_CA) socket.ca = fs.readFileSync(e.RC_CA);
	if (e.RC_CERT) { socket.cert = fs.readFileSync(e.RC_CERT); socket.key = fs.readFileSync(e.RC_KEY); }
}
const opts = { socket };
if (e.RC_USER) opts.username = e.RC_USER;
if (e.RC_PASS) opts.password = e.RC_PASS;
// node-redis has no command timeout: a command that is never answered
// hangs, and the driver's own bound prints nothing the client said.
const line = (err) => err.message === 'DRIVER-TIMEOUT' ? 'ok' : util.inspect(err, { breakLength: Infinity }).split('\n')
	.filter((l) => !/^\s+at /.test(l)).join(' ').replace(/\s+/g, ' ').trim();
const c = createClient(opts);
c.on('error', (err) => console.log('Redis Client Error ' + line(err)));
const within = (p) => Promise.race([p, new Promise((_, rej) =>
	setTimeout(() => rej(new Error('DRIVER-TIMEOUT')), 2 * t))]);
(async () => {
	let up = true;
	try { await within(c.connect()); } catch (err) { console.log(line(err)); up = false; }
	if (up) {
		for (const cmd of [['GET', 'corpus:k'], ['SET', 'corpus:k', 'v']]) {
			try { await within(c.sendCommand(cmd)); console.log('ok'); } catch (err) { console.log(line(err)); }
		}
	}
	setTimeout(() => process.exit(0), 50);
})();
