// node_model.js CLIENTS_DIR < envs.jsonl > results.jsonl
//
// For each generated environment (tests/diff/gen.py), what the real Node
// clients would connect to when the environment is read by the cacheservice
// profile (SPEC 11, the incident application's code, verbatim below).  Each
// client is constructed WITHOUT connecting: ioredis with lazyConnect, its
// redis.options read; node-redis's createClient() and its parsed options
// (client.options; the credentials its handshake would send come from the
// credentials provider it built).  Nothing connects, nothing is resolved.
//
// Output: one line per environment: {"<client>": TARGET, ...} where TARGET is
// {throws, host, port, tls, sni, family, auth: null | {user, pass}, db,
// hello: null (a legacy AUTH) | 3 (HELLO 3 first, the AUTH inside it)}.
"use strict";
const path = require("path");
const readline = require("readline");
const dir = process.argv[2];
const load = (sub, name) => require(path.join(dir, sub, "node_modules", name));

const CLIENTS = [
  ["ioredis@6.0.0", "ioredis-6.0.0", "ioredis"],
  ["ioredis@5.9.3", "ioredis-5.9.3", "ioredis"],
  ["ioredis@5.3.2", "ioredis-5.3.2", "ioredis"],
  ["node-redis@6.3.1", "node-redis", "@redis/client"],
];

// The cacheservice profile, exactly (config.redis.* empty).
function app(env) {
  const E = (k) => env[k];
  let redisUrl = E("REDIS_URL") || undefined;
  let redisHost = E("REDIS_HOST") || undefined;
  let redisPort = parseInt(E("REDIS_PORT"), 10) || undefined || 6379;
  let redisPassword = E("REDIS_PASSWORD") || undefined;
  if (!redisUrl && !redisHost) {
    redisUrl = E("NF_REDIS_URL");
    redisHost = E("NF_REDIS_HOST");
    redisPort = parseInt(E("NF_REDIS_PORT"), 10) || redisPort;
    redisPassword = E("NF_REDIS_PASSWORD") || redisPassword;
  }
  const servername = E("REDIS_SNI_SERVERNAME") || undefined;
  return { redisUrl, redisHost, redisPort, redisPassword, servername };
}

// net.connect(): an empty or absent host is "localhost"; a port that is not
// an integer in 0..65535 (or is 0) throws before any packet.
function usablePort(p) {
  return Number.isInteger(p) && p > 0 && p <= 65535;
}

function ioredisTarget(Redis, a) {
  const opts = { password: a.redisPassword, lazyConnect: true };
  if (a.servername) opts.tls = { servername: a.servername };
  const r = a.redisUrl
    ? new Redis(a.redisUrl, opts)
    : new Redis(Object.assign({ host: a.redisHost, port: a.redisPort }, opts));
  const o = r.options;
  r.disconnect();
  // A path option makes ioredis connect to a UNIX socket, not host:port.
  if (o.path) return { throws: true, why: "UNIX socket path " + o.path };
  // The handshake (built in connect(), event_handler.js): AUTH/HELLO when
  // condition.auth is truthy, SELECT when condition.select is truthy.
  const auth = o.username ? [o.username, o.password] : o.password;
  const t = {
    throws: false,
    host: o.host || "localhost",
    port: o.port,
    tls: !!o.tls,
    sni: o.tls && typeof o.tls === "object" && o.tls.servername ? o.tls.servername : null,
    family: o.family || 0,
    auth: auth ? (Array.isArray(auth) ? { user: auth[0], pass: auth[1] == null ? "" : String(auth[1]) }
                                      : { user: null, pass: String(auth) }) : null,
    db: o.db ? o.db : 0,
    // The handshake: protocol 3 (ioredis 6's default) is HELLO 3 with the
    // AUTH inside it (getHandshakeCommands); 5.x has no protocol option.
    hello: o.protocol === 3 ? 3 : null,
  };
  if (!usablePort(t.port)) return { throws: true, why: "port " + t.port };
  return t;
}

async function nodeRedisTarget(redis, a) {
  const opts = a.redisUrl ? { url: a.redisUrl, password: a.redisPassword }
                          : { socket: { host: a.redisHost, port: a.redisPort }, password: a.redisPassword };
  if (a.servername) opts.socket = Object.assign(opts.socket || {}, { servername: a.servername });
  const c = redis.make(opts);
  const o = c.options;
  const s = o.socket || {};
  let auth = null;
  if (o.credentialsProvider) {
    const cr = await o.credentialsProvider.credentials();
    // RESP3 (the default): HELLO 3 AUTH only when there is a password.
    if (cr.password) auth = { user: cr.username ?? "default", pass: String(cr.password) };
  }
  const t = {
    throws: false,
    host: s.host || "localhost",
    port: s.port ?? 6379,
    tls: s.tls === true,
    sni: s.tls === true && s.servername ? s.servername : null,
    family: s.family || 0,
    auth,
    db: o.database || 0,
    // #getHandshakeCommands: HELLO <RESP> unless RESP is 2 (DEFAULT_RESP 3).
    hello: (o.RESP ?? redis.DEFAULT_RESP) !== 2 ? (o.RESP ?? redis.DEFAULT_RESP) : null,
  };
  if (!usablePort(t.port)) return { throws: true, why: "port " + t.port };
  if (!Number.isInteger(t.db)) return { throws: true, why: "SELECT " + t.db };
  return t;
}

async function main() {
  const libs = CLIENTS.map(([name, sub, mod]) => [name, load(sub, mod)]);
  // createClient() (the redis package) builds a new client class for every
  // options object it is given (its cache is keyed by that object), which
  // makes 3,000 constructions take minutes; the same constructor from one
  // factory parses the options the same way (modules only add commands).
  for (const l of libs)
    if (l[0].startsWith("node-redis")) {
      const f = l[1].RedisClient.factory({});
      l[1] = { make: f, DEFAULT_RESP: l[1].DEFAULT_RESP };
      if (l[1].DEFAULT_RESP === undefined) throw new Error("@redis/client exports no DEFAULT_RESP");
    }
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line) continue;
    const env = JSON.parse(line);
    const a = app(env);
    const out = {};
    for (const [name, lib] of libs) {
      try {
        out[name] = name.startsWith("ioredis") ? ioredisTarget(lib, a)
                                               : await nodeRedisTarget(lib, a);
      } catch (e) {
        out[name] = { throws: true, why: String(e && e.message || e).slice(0, 80) };
      }
    }
    process.stdout.write(JSON.stringify(out) + "\n");
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
