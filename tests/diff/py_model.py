#!/usr/bin/python3
"""py_model.py < envs.jsonl > results.jsonl

For each generated environment (tests/diff/gen.py), what the real redis-py
(Debian's python3-redis) would connect to, constructed WITHOUT connecting:
the client's connection_pool.connection_kwargs, and make_connection() (which
builds the Connection object, raising where the application would, but
opens no socket).  Two applications read the environment:

  python-getenv  the Python services of SPEC 11, verbatim below
  cacheservice   the Node application's code (SPEC 11) ported line by line:
                 redis.from_url(url, password=...) or redis.Redis(host, port,
                 password); JavaScript's || and parseInt(v, 10) reproduced.

Output: one line per environment {"redis-py@VERSION/PROFILE": TARGET}, TARGET
as in node_model.js."""
import ipaddress
import json
import os
import re
import sys

import redis


def js_parseint(v):
    """JavaScript parseInt(v, 10), or None for NaN."""
    if v is None:
        return None
    m = re.match(r"[\s\ufeff]*([+-]?\d+)", v)
    return int(m.group(1)) if m else None


def target(r):
    kw = r.connection_pool.connection_kwargs
    conn = r.connection_pool.make_connection()   # raises like the app would
    tls = isinstance(conn, redis.SSLConnection)
    host, port = kw.get("host", "localhost"), kw.get("port", 6379)
    try:
        port = int(port)
    except (TypeError, ValueError):
        return {"throws": True, "why": "port %r" % (port,)}
    if not 0 < port <= 65535:
        return {"throws": True, "why": "port %d" % port}
    user, pw = kw.get("username"), kw.get("password")
    auth = None
    if user or pw:      # Connection.on_connect
        auth = {"user": user or None, "pass": pw or ""}
    sni = None
    if tls:             # SSLConnection: wrap_socket(server_hostname=host)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            sni = host
    db = kw.get("db", 0)
    # redis-py 4 speaks RESP2 only (protocol= came in 5.0): on_connect
    # sends AUTH, no HELLO.
    hello = kw.get("protocol")
    return {"throws": False, "host": host, "port": port, "tls": tls,
            "sni": sni, "family": 0, "auth": auth, "db": db or 0,
            "hello": hello if hello not in (None, 2, "2") else None}


def python_getenv(env):
    g = lambda k, d=None: env.get(k, d)
    redis_host = g("REDIS_HOST", "localhost")
    redis_port = int(g("REDIS_PORT", "6379"))
    redis_db = int(g("REDIS_DB", "0"))
    redis_password = g("REDIS_PASSWORD", None)
    return redis.Redis(host=redis_host, port=redis_port, db=redis_db,
                       password=redis_password, socket_connect_timeout=5)


def cacheservice(env):
    E = lambda k: env.get(k) or None      # process.env.X || undefined
    url, host = E("REDIS_URL"), E("REDIS_HOST")
    port = js_parseint(env.get("REDIS_PORT")) or 6379
    password = E("REDIS_PASSWORD")
    if not url and not host:
        url, host = env.get("NF_REDIS_URL"), env.get("NF_REDIS_HOST")
        port = js_parseint(env.get("NF_REDIS_PORT")) or port
        password = E("NF_REDIS_PASSWORD") or password
    if url:
        return redis.from_url(url, password=password)
    kw = {"port": port, "password": password}
    if host:
        kw["host"] = host
    return redis.Redis(**kw)


def main():
    name = "redis-py@" + redis.__version__
    for line in sys.stdin:
        env = json.loads(line)
        out = {}
        for prof, f in (("python-getenv", python_getenv),
                        ("cacheservice", cacheservice)):
            try:
                out[name + "/" + prof] = target(f(env))
            except Exception as e:   # the application dies at start
                out[name + "/" + prof] = {"throws": True,
                                          "why": type(e).__name__ + ": " + str(e)[:60]}
        print(json.dumps(out))


if __name__ == "__main__":
    main()
