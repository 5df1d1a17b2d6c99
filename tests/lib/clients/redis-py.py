#!/usr/bin/python3
# redis-py driver (tests/lib/clients/README): Debian's python3-redis.
import os, sys
import redis
if sys.argv[1:] == ['--version']:
    print(redis.__version__)
    sys.exit(0)
e = os.environ
t = float(e.get('RC_TIMEOUT', '1.5'))
kw = dict(host=e['RC_HOST'], port=int(e['RC_PORT']), socket_timeout=t,
          socket_connect_timeout=t, retry_on_timeout=False)
if e.get('RC_USER'): kw['username'] = e['RC_USER']
if e.get('RC_PASS'): kw['password'] = e['RC_PASS']
if e.get('RC_TLS') == '1':
    kw.update(ssl=True, ssl_ca_certs=e.get('RC_CA'), ssl_check_hostname=True)
    if e.get('RC_CERT'): kw.update(ssl_certfile=e['RC_CERT'], ssl_keyfile=e['RC_KEY'])
r = redis.Redis(**kw)
for c in (('GET', 'corpus:k'), ('SET', 'corpus:k', 'v')):
    try:
        r.execute_command(*c)
        print('ok')
    except Exception as x:
        # The last line of the traceback an application would print.
        print('%s.%s: %s' % (type(x).__module__, type(x).__name__, x))
