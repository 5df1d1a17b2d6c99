#!/usr/bin/python3
"""compare.py ENVS CLIENTS_JSONL... -- REPORTS_DIR

Compares what the real clients would connect to (node_model.js,
py_model.py; go_model.go: what redigo dialled and sent on a pipe) with what `redisdiag env --client X` says for the same
environment: host, port, TLS, SNI, address family, the handshake (HELLO 3
with the AUTH inside it, or a legacy AUTH), the AUTH it sends and the
database — and that both agree on whether the application can connect
at all (a client that throws is exit 3).  The password is compared by
canary: redisdiag prints only its source, which must name the variable (or
URL part) whose canary the client sends.

REPORTS_DIR/<label>.ndjson holds the `env --env-batch` reports of one
client model, one "report" line per environment, in order.  Prints one
line per client: environments, agreements, divergences (and the first few
divergences in full); exits 1 on any divergence."""
import json
import os
import sys

# client key in the *_model outputs → (redisdiag label file, profile)
PAIRS = {
    "ioredis@6.0.0": "ioredis@6.0.0",
    "ioredis@5.9.3": "ioredis@5.9.3",
    "ioredis@5.3.2": "ioredis@5.3.2",
    "node-redis@6.3.1": "node-redis@6.3.1",
    "redis-py@4.3.4/cacheservice": "redis-py@4.3.4",
    "redis-py@4.3.4/python-getenv": "redis-py@4.3.4-python-getenv",
    "redigo@1.8.3": "redigo@1.8.3",
}
CANARY = {"url:REDIS_URL": "pwU", "url:NF_REDIS_URL": "pwV"}


def load_reports(path):
    out = []
    for line in open(path):
        o = json.loads(line)
        if o.get("type") == "report":
            out.append(o)
    return out


def expect_pass(env, src):
    if src in ("env:REDIS_PASSWORD", "env:NF_REDIS_PASSWORD"):
        return ("exact", env[src[4:]])
    if src.endswith("?password"):
        return ("canary", "pwQ")
    if src in CANARY:
        return ("canary", CANARY[src])
    return ("unknown", src)


def diverges(env, real, rep):
    c = rep["config"]
    if real["throws"]:
        return None if rep["exit_code"] == 3 else "client throws (%s); redisdiag exit %d" % (
            real.get("why"), rep["exit_code"])
    if rep["exit_code"] == 3:
        probs = [p["detail"] for p in c.get("problems", []) if p.get("fatal")]
        return "redisdiag exit 3 (%s); client connects" % "; ".join(probs)[:200]
    got = {"host": c["host"] if c["host"] is not None else "", "port": c["port"],
           "tls": c["tls"], "sni": c["sni"], "family": c["family"] or 0,
           "db": c["db"]}
    for k, v in got.items():
        if real[k] != v:
            return "%s: client %r, redisdiag %r" % (k, real[k], v)
    # The handshake: HELLO 3 first (the AUTH inside it) or a legacy AUTH.
    # The Python and Go models record commands, not HELLO: none sends it.
    rh = real.get("hello")
    gh = (c.get("hello") or {}).get("proto")
    if rh != gh:
        return "hello: client %r, redisdiag %r" % (rh, gh)
    ra, ga = real["auth"], c["auth"]
    if rh is not None and (c["hello"]["auth_inside"] != (ga is not None)):
        return "hello: redisdiag auth_inside %r with auth %r" % (c["hello"]["auth_inside"], ga)
    if (ra is None) != (ga is None):
        return "auth: client %r, redisdiag %r" % (ra, ga)
    if ra is None:
        return None
    ru = None if ra["user"] in (None, "", "default") else ra["user"]
    gu = None if ga["username"] in (None, "", "default") else ga["username"]
    usrc = c["fields"]["username"]["source"] or ""
    if not (ru == gu or (gu == "****" and ru is not None and usrc.startswith("url:"))):
        return "auth user: client %r, redisdiag %r" % (ru, gu)
    if ga["password"] == "":
        return None if ra["pass"] == "" else "auth password: client sends one, redisdiag says empty"
    if ra["pass"] == "":
        return "auth password: client sends an empty one, redisdiag ****"
    kind, want = expect_pass(env, c["fields"]["password"]["source"] or "")
    ok = (kind == "exact" and ra["pass"] == want) or (kind == "canary" and want in ra["pass"])
    return None if ok else "auth password: source %s does not give the client's" % (
        c["fields"]["password"]["source"])


def main():
    args = sys.argv[1:]
    sep = args.index("--")
    envs = [json.loads(l) for l in open(args[0])]
    real = [dict() for _ in envs]
    for path in args[1:sep]:
        for i, line in enumerate(open(path)):
            real[i].update(json.loads(line))
    rdir = args[sep + 1]
    bad = 0
    # a client key that is not in PAIRS compares with REPORTS_DIR/<key>.ndjson
    pairs = dict(PAIRS)
    pairs.update((k, k) for k in real[0] if k not in PAIRS)
    for key, label in pairs.items():
        if key not in real[0]:
            print("%-30s not run (its library is not installed)" % key)
            continue
        reps = load_reports("%s/%s.ndjson" % (rdir, label))
        assert len(reps) == len(envs), (label, len(reps), len(envs))
        div = []
        for i, env in enumerate(envs):
            d = diverges(env, real[i][key], reps[i])
            if d:
                div.append((i, d))
        bad += len(div)
        print("%-30s %d environments, %d agree, %d diverge" % (
            key, len(envs), len(envs) - len(div), len(div)))
        for i, d in div[:int(os.environ.get("DIFF_SHOW", "6"))]:
            print("   env %d %s: %s" % (i, json.dumps(envs[i]), d))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
