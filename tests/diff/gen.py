#!/usr/bin/env python3
"""gen.py N SEED — N generated environments, one per line, for the client
differential test (tests/diff/run).  Each line is a JSON object {NAME: VALUE}.

Fixed seed, so every run tests the same environments.  The shapes are the
ones that bite (issue 10): empties, whitespace and newlines from mounted
secrets, every port oddity (6379abc, " 6379", 6379.5, 0, 0x18eb, 70000, ...),
user-only and empty-password URLs, percent-encoding (valid and broken),
IPv6 literals with and without brackets, scheme case, the query keys
clients read, NF_* fallbacks, and variables the application never reads.

Passwords are canaries naming their source (pwE: REDIS_PASSWORD, pwN:
NF_REDIS_PASSWORD, pwU / pwV: the REDIS_URL / NF_REDIS_URL user info, pwQ:
a ?password= key), so which password a client would send can be compared
without any secret."""
import json
import random
import sys

HOSTS = ["cache.example.com", "Cache.Example.COM", "127.0.0.1", "[::1]",
         "localhost", "redis-1.internal"]
BARE_HOSTS = HOSTS + ["::1", " cache.example.com", "cache.example.com\n",
                      "", "REDIS.example.com", "10.0.0.5"]
PORTS = ["6379", "6380", "6379abc", " 6379", "6379 ", "6379\n", "6379.5",
         "0", "0x18eb", "", "abc", "70000", "-1", "+6380", "6_380", "06380",
         " ", "65535", "1e3"]
SCHEMES = ["redis", "rediss", "REDISS", "Redis", "rediss", "redis"]
PORT_PARTS = ["", "", ":6380", ":", ":06380", ":6390"]
PATHS = ["", "", "/", "/2", "/abc", "/1.5", "/0"]
QUERIES = ["", "", "", "?db=3", "?password=pwQ", "?tls=false", "?tls=true",
           "?ssl=true", "?family=6", "?port=6391", "?username=uq",
           "?db=3&password=pwQ", "?family=4&db=1"]


def userinfo(r, pw):
    return r.choice([
        "", "", "", f"u1:{pw}@", f":{pw}@", "u1@", "u1:@", ":@",
        f"u1:{pw}%40x@", f":{pw}%zz@", f"u%3A1:{pw}@", f"default:{pw}@",
    ])


def url(r, pw):
    if r.random() < 0.06:
        return r.choice(["cache.example.com:6380", "//cache.example.com:6381",
                         "localhost", "http://cache.example.com:6379",
                         "cache.example.com:6380/2", "redis://[::1",
                         "rediss://cache.example.com:99999"])
    s = (r.choice(SCHEMES) + "://" + userinfo(r, pw) + r.choice(HOSTS) +
         r.choice(PORT_PARTS) + r.choice(PATHS) + r.choice(QUERIES))
    return r.choice(["", "", "", " ", "\n"]) and s + r.choice([" ", "\n"]) or s


# (variable, probability, value maker); the NF_ group is drawn only for
# some environments (NF_GROUP), like a platform that injects them.
MAIN = (("REDIS_URL", 0.45, lambda r: r.choice(["", url(r, "pwU")])),
        ("REDIS_HOST", 0.45, lambda r: r.choice(BARE_HOSTS)),
        ("REDIS_PORT", 0.5, lambda r: r.choice(PORTS)),
        ("REDIS_PASSWORD", 0.5, lambda r: r.choice(["pwE", "pwE", "", "pwE\n"])))
NF = (("NF_REDIS_URL", 0.6, lambda r: r.choice(["", url(r, "pwV")])),
      ("NF_REDIS_HOST", 0.5, lambda r: r.choice(BARE_HOSTS)),
      ("NF_REDIS_PORT", 0.5, lambda r: r.choice(PORTS)),
      ("NF_REDIS_PASSWORD", 0.5, lambda r: r.choice(["pwN", ""])))
NF_GROUP = 0.4
REST = (("REDIS_SNI_SERVERNAME", 0.15, lambda r: r.choice(["sni.example.com", ""])),
        ("REDIS_USERNAME", 0.12, lambda r: r.choice(["ux", ""])),
        ("REDIS_DB", 0.12, lambda r: r.choice(["2", "", "x", " 3"])),
        ("REDIS_TLS", 0.12, lambda r: r.choice(["true", "false", ""])))


def draw(r, e, table):
    for name, p, make in table:
        if r.random() < p:
            e[name] = make(r)


def env(r):
    e = {}
    draw(r, e, MAIN)
    if r.random() < NF_GROUP:
        draw(r, e, NF)
    draw(r, e, REST)
    return e


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 10)
    for _ in range(n):
        print(json.dumps(env(r), sort_keys=True))


if __name__ == "__main__":
    main()
