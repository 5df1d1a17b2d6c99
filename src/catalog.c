/* catalog.c — the one table of finding knowledge (see catalog.h).
 *
 * Titles of the ids explain produces are written for someone holding only
 * a client's error line; the others in the voice of the rules that emit
 * them.  A remedy here must hold without any observation: it names no
 * host, port, variable value or code.  The man texts are the manual's
 * FINDINGS list (make man writes it there; man.bats checks it is current).
 * Pure data, and the few look-ups over it. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "strutil.h"

/* Short names for the columns: verdict, step, checklist items. */
#define UNREACH	RD_V_UNREACHABLE	/* no Redis conversation: exit 2 */
#define REJECT	RD_V_REJECTING		/* answered, refused service: exit 1 */
#define NOATT	RD_V_NO_ATTEMPT		/* the configuration cannot be used: exit 3 */
#define ADVICE	RD_V_WARN		/* never more than a warning */
#define ST(s)	RD_STEP_##s
#define NOSTEP	RD_CAT_NO_STEP
#define CL(c)	RD_CL_BIT(RD_CL_##c)

static const struct rd_catalog_entry catalog[] = {
	/* config */
	{ "config.default_used", RD_SEV_WARNING, NOATT, ST(CONFIG), CL(ENV_REACHES_APP),
	  "nothing names a Redis server; 127.0.0.1:6379 assumed",
	  NULL,
	  { "set REDIS_URL=rediss://user:password@host:port in the application's environment",
	    "or set REDIS_HOST and REDIS_PORT (and REDIS_PASSWORD)" },
	  "Nothing configured; 127.0.0.1:6379 assumed." },
	{ "config.shadowed", RD_SEV_WARNING, NOATT, ST(CONFIG), CL(ENV_REACHES_APP),
	  "a variable naming a Redis server is ignored",
	  NULL,
	  { "unset the listed variables, or move their values to the source that wins" },
	  "A set variable lost to a higher source." },
	{ "config.conflict", RD_SEV_WARNING, NOATT, ST(CONFIG), CL(PASSWORD),
	  "two sources disagree",
	  NULL,
	  { "keep one source for the setting: unset the losing variable or make both equal" },
	  "Two sources disagree." },
	{ "config.invalid_url", RD_SEV_CRITICAL, NOATT, ST(CONFIG), CL(ENV_REACHES_APP),
	  "a Redis URL does not parse",
	  NULL,
	  { "write it as redis://[user[:password]@]host[:port][/db] or rediss://...; percent-encode '@' ':' '/' '?' '#' '%' in the password (%40 %3A %2F %3F %23 %25)" },
	  "The URL does not parse; the message says where." },
	{ "config.invalid_port", RD_SEV_CRITICAL, NOATT, ST(CONFIG), CL(ENV_REACHES_APP),
	  "a port is not an integer in 1..65535",
	  NULL,
	  { "set the port to digits only, e.g. REDIS_PORT=6379 (no spaces, no hex, no suffix)" },
	  "Not an integer in 1..65535, or parseInt would read it differently." },
	{ "config.invalid_value", RD_SEV_WARNING, NOATT, ST(CONFIG), 0,
	  "a setting has a value the application cannot use",
	  NULL,
	  { "fix or unset the variable: REDIS_TLS=true|false, REDIS_DB=0, REDIS_HOST=a host name or address (a URL goes in REDIS_URL)" },
	  "A variable holds a value that cannot be used\n"
	  ".Pq Li REDIS_DB=x , No a URL in Li REDIS_HOST ." },
	{ "config.env_file", RD_SEV_CRITICAL, NOATT, ST(CONFIG), 0,
	  "the --env-file cannot be used",
	  NULL,
	  { "fix the file at the line named, or drop --env-file" },
	  "The\n"
	  ".Fl \\-env-file\n"
	  "cannot be read or parsed." },
	{ "config.tls_file", RD_SEV_CRITICAL, NOATT, ST(CONFIG), CL(CERTIFICATE),
	  "a --cacert, --cacertdir, --cert or --key file cannot be used",
	  NULL,
	  { "give the path of a readable PEM file (a directory for --cacertdir); a relative path is read from the current directory" },
	  "A\n"
	  ".Fl \\-cacert , \\-cacertdir , \\-cert\n"
	  "or\n"
	  ".Fl \\-key\n"
	  "path does not exist, cannot be read, or is of the wrong type\n"
	  "(a directory for a file, a file for a directory)." },
	{ "config.candidate_works", RD_SEV_WARNING, NOATT, ST(CONFIG), 0,
	  "another configuration in the environment reaches Redis; the resolved one does not",
	  NULL,
	  { "point the application at the candidate that works, or unset the variable that wins over it" },
	  "With\n"
	  ".Fl \\-all-candidates :\n"
	  "the resolved configuration fails but another discovered one reaches Redis;\n"
	  "the remediation says which variable to change." },
	{ "config.alternative_works", RD_SEV_WARNING, ADVICE, ST(CONFIG), 0,
	  "the connection as the application makes it fails; a nearby variation works",
	  NULL,
	  { "make the change the evidence names, in the client's options or the application's environment" },
	  "The attempt as the modelled client failed and one of the\n"
	  ".Li alternatives\n"
	  "(TLS on or off, the other address family; without the password after\n"
	  "the server said it has none; after NOAUTH or WRONGPASS, with a password\n"
	  "another variable, URL or\n"
	  ".Fl \\-env-file\n"
	  "holds, shown only by its name) worked; the\n"
	  "remediation says how, in the client's own option names and in\n"
	  "environment variables." },
	{ "config.localhost_in_container", RD_SEV_WARNING, NOATT, ST(CONFIG), CL(REMOTE_HOST),
	  "loopback host inside a container",
	  NULL,
	  { "set REDIS_HOST (or REDIS_URL) to the Redis service's name on the container network, not 127.0.0.1/localhost",
	    "if Redis runs on the Docker host, use host.docker.internal (with --add-host=host.docker.internal:host-gateway on Linux)" },
	  "A loopback host while running in a container." },
	{ "config.tls_recommended", RD_SEV_WARNING, NOATT, ST(CONFIG), CL(TLS_SCHEME),
	  "remote host over plaintext",
	  NULL,
	  { "use a rediss:// URL, or set REDIS_TLS=true (redisdiag: --tls) if the server offers TLS on that port" },
	  "A remote host over plaintext." },
	{ "config.sni_ip", RD_SEV_WARNING, NOATT, ST(CONFIG), CL(SNI),
	  "the configured SNI is an IP address",
	  NULL,
	  { "set REDIS_SNI_SERVERNAME (or --sni) to the host name on the server's certificate" },
	  "The SNI would be an IP literal." },
	{ "config.sni_mismatch", RD_SEV_WARNING, NOATT, ST(CONFIG), CL(SNI),
	  "the configured SNI differs from the host",
	  NULL,
	  { "unset REDIS_SNI_SERVERNAME (or drop --sni) unless the server's certificate is for that name" },
	  "The configured SNI differs from the host." },
	{ "config.not_read_by_app", RD_SEV_WARNING, ADVICE, ST(CONFIG), CL(ENV_REACHES_APP),
	  "a variable that looks like Redis configuration is not read by the application",
	  NULL,
	  { "choose the profile of the application that really runs: --profile NAME (env --list-profiles)" },
	  "A variable that names Redis configuration is set but the chosen\n"
	  ".Fl \\-profile\n"
	  "never reads it; it is listed, never used." },
	{ "config.client_disagreement", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "other client libraries would connect differently with the same environment",
	  NULL,
	  { "write the URL so every client reads it alike: lower-case rediss://, user:password@, a numeric /db, no query keys" },
	  "The modelled clients read the same environment differently; the\n"
	  "evidence says, per client, what it would do instead." },
	{ "config.loose_value", RD_SEV_WARNING, ADVICE, ST(CONFIG), CL(ENV_REACHES_APP),
	  "the client reads a value differently from its text",
	  NULL,
	  { "write the value exactly as it is meant: digits only for ports and databases, no white space" },
	  "A sloppy value the client accepts\n"
	  ".Pq Li REDIS_PORT=6379abc , No a trailing newline, Li /abc No as database :\n"
	  "it is resolved the way the client reads it, flagged, and probed; the\n"
	  "evidence has both readings and the field's\n"
	  ".Li as_read\n"
	  "the client's." },
	{ "client.no_sni", RD_SEV_WARNING, ADVICE, ST(TLS), CL(SNI),
	  "the client sends no TLS server name (SNI)",
	  NULL,
	  { "set the client's SNI option to the host name (ioredis: tls: { servername }, node-redis: socket.servername)" },
	  "The client sends no SNI unless its option is set (ioredis and\n"
	  "node-redis: Node's tls.connect has no default); the fix names the\n"
	  "client's option and\n"
	  ".Ev REDIS_SNI_SERVERNAME ." },
	{ "client.hostname_unchecked", RD_SEV_WARNING, ADVICE, ST(TLS), CL(CERTIFICATE),
	  "the client verifies the certificate chain but not the host name, and the name does not match",
	  NULL,
	  { "issue the server a certificate whose subjectAltName covers the name the application connects to, or connect with a name it covers",
	    "turn on the client's host name check (redis-py: ssl_check_hostname=True) once the certificate matches; Node clients check by default" },
	  "The modelled client verifies the chain only (redis-py 4:\n"
	  ".Li ssl_check_hostname=False ;\n"
	  "redis-cli: hiredis checks no name), so the attempt as the application\n"
	  "skips the host name check and connects although the certificate does\n"
	  "not cover the name: what works here is open to a man in the middle\n"
	  "holding any certificate of the same CA.\n"
	  "Clients that check the name (ioredis, node-redis: Node's\n"
	  "checkServerIdentity) get\n"
	  ".Li tls.hostname_mismatch\n"
	  "instead." },
	{ "client.family_restricted", RD_SEV_CRITICAL, UNREACH, ST(DNS), CL(DNS),
	  "the client tries only one address family and the name has only the other",
	  NULL,
	  { "let the client try both families (ioredis: family: 0, the default from 5.8.2)" },
	  "The client tries IPv4 only (ioredis before 5.8.2) and the name has\n"
	  "only IPv6 addresses." },
	{ "client.user_only_url", RD_SEV_WARNING, ADVICE, ST(CONFIG), CL(PASSWORD),
	  "the URL's user info has no ':' (redis://x@host): clients disagree whether x is a user or a password",
	  NULL,
	  { "write redis://:PASSWORD@host for a password alone, or redis://USER:PASSWORD@host" },
	  "A user-only URL\n"
	  ".Pq Li redis://x@host :\n"
	  "ioredis sends\n"
	  ".Li AUTH x \"\" ,\n"
	  "node-redis and redigo no AUTH, redis-py the user with the password\n"
	  "option, redis-cli x as the password." },
	{ "client.scheme_case", RD_SEV_WARNING, ADVICE, ST(CONFIG), CL(TLS_SCHEME),
	  "the URL's scheme is not lower case",
	  NULL,
	  { "write the scheme in lower case: rediss://" },
	  ".Li REDISS://\n"
	  "is plaintext for ioredis (its TLS test is a case-sensitive prefix)\n"
	  "and TLS for node-redis and redis-py." },
	{ "client.query_ignored", RD_SEV_WARNING, ADVICE, ST(CONFIG), 0,
	  "the client ignores a query key of the URL",
	  NULL,
	  { "move the setting out of the query: rediss:// for TLS, /N for the database, the user info for the password" },
	  "A query key of the URL\n"
	  ".Pq Li ?ssl=true , Li ?family=6\n"
	  "is not read by the modelled client." },
	/* dns */
	{ "dns.nxdomain", RD_SEV_CRITICAL, UNREACH, ST(DNS), CL(DNS),
	  "The host name does not exist (DNS NXDOMAIN)",
	  NULL,
	  { "Check the spelling of the host in REDIS_URL / REDIS_HOST.",
	    "Inside Docker Compose or Kubernetes, use the service name as the app's network sees it (docker compose ps, kubectl get svc).",
	    "Run `redisdiag check` from where the app runs: it shows which variable the host came from." },
	  "The name does not exist." },
	{ "dns.temporary", RD_SEV_CRITICAL, UNREACH, ST(DNS), CL(DNS),
	  "The resolver failed temporarily or could not be reached (EAI_AGAIN)",
	  NULL,
	  { "Check the resolver in /etc/resolv.conf of the app's container and that it is reachable.",
	    "Retry with backoff: EAI_AGAIN is transient when a resolver is overloaded or starting." },
	  "The resolver failed temporarily or could not be reached." },
	{ "dns.timeout", RD_SEV_CRITICAL, UNREACH, ST(DNS), CL(DNS),
	  "Name resolution timed out",
	  NULL,
	  { "The resolver did not answer in time: check the network path to it (port 53, UDP and TCP)." },
	  "Resolution passed the deadline." },
	{ "dns.no_address", RD_SEV_CRITICAL, UNREACH, ST(DNS), CL(DNS),
	  "The name exists but has no address of the wanted family",
	  NULL,
	  { "The name has no A (IPv4) or AAAA (IPv6) record the client asked for: add the record or let the client use the other family (family=0 in ioredis, -4/-6 here)." },
	  "The name has no address of the wanted family." },
	/* tcp */
	{ "tcp.refused", RD_SEV_CRITICAL, UNREACH, ST(TCP), CL(TCP),
	  "Nothing listens at the host and port (connection refused)",
	  NULL,
	  { "Check the port, and that Redis is running and bound to an address the app can reach (bind, protected-mode).",
	    "Check which variable set the host and port: `redisdiag env` shows the winner and what it shadowed." },
	  "Nothing listens at host:port." },
	{ "tcp.timeout", RD_SEV_CRITICAL, UNREACH, ST(TCP), CL(TCP),
	  "The connection did not complete in time",
	  NULL,
	  { "A firewall, security group or network policy drops the packets, or the address is wrong: check the path to the port.",
	    "Managed Redis often admits only private networks or allow-listed addresses." },
	  "The connect did not complete before the deadline." },
	{ "tcp.unreachable", RD_SEV_CRITICAL, UNREACH, ST(TCP), CL(TCP),
	  "No route to the host or network",
	  NULL,
	  { "The address is not reachable from the app's network: check routes, VPC peering and the address family (IPv6 without a route)." },
	  "No route to the host or network." },
	{ "tcp.reset", RD_SEV_CRITICAL, UNREACH, ST(TCP), CL(TCP),
	  "The peer reset the connection",
	  NULL,
	  { "A reset right after connecting often means a TLS port spoken to in plaintext: try rediss:// (run `redisdiag check --tls`).",
	    "Otherwise a proxy, load balancer or idle timeout closed it: check timeouts and keepalive." },
	  "The peer reset the connection." },
	{ "tcp.connect_failed", RD_SEV_CRITICAL, UNREACH, ST(TCP), CL(TCP),
	  "The client could not connect (the cause is on another line)",
	  NULL,
	  { "Look for the 'Caused by' or inner exception of this line; explain classifies it separately.",
	    "Run `redisdiag check` with the app's environment to see each step." },
	  ".Cm explain\n"
	  "only: a client said it could not connect without saying why." },
	/* tls */
	{ "tls.file_unusable", RD_SEV_CRITICAL, UNREACH, ST(TLS), CL(CERTIFICATE),
	  "a CA or client-certificate file could not be read or used",
	  NULL,
	  { "give a regular PEM file: a pipe or FIFO must be written whole before the deadline (--timeout)",
	    "check that the certificate file holds a PEM certificate and the key file its matching private key" },
	  "A\n"
	  ".Fl \\-cacert , \\-cert\n"
	  "or\n"
	  ".Fl \\-key\n"
	  "file could not be read before the deadline (a pipe whose writer\n"
	  "is slow, a FIFO no one writes) or holds no usable PEM certificate\n"
	  "or key; no handshake was made." },
	{ "tls.plaintext_port", RD_SEV_CRITICAL, UNREACH, ST(TLS), CL(TLS_SCHEME) | CL(TLS_HANDSHAKE),
	  "TLS was spoken to a plaintext port",
	  NULL,
	  { "Use redis:// (no TLS) for this port, or the server's TLS port with rediss://." },
	  "TLS was spoken to a plaintext port." },
	{ "tls.handshake_failed", RD_SEV_CRITICAL, UNREACH, ST(TLS), CL(TLS_HANDSHAKE),
	  "The TLS handshake failed",
	  NULL,
	  { "Check that the port speaks TLS, the TLS versions both sides allow, and whether the server needs a client certificate or a particular SNI.",
	    "Run `redisdiag check --tls` to see the alert and the certificate." },
	  "The handshake failed for another reason; the alert is named." },
	{ "tls.cert_untrusted", RD_SEV_CRITICAL, UNREACH, ST(TLS), CL(CERTIFICATE) | CL(TLS_HANDSHAKE),
	  "The server certificate does not verify (self-signed or unknown CA)",
	  NULL,
	  { "Give the client the CA that signed the server certificate (ca in ioredis/node-redis tls options, ssl_ca_certs in redis-py, --cacert here).",
	    "Do not disable verification in production." },
	  "The chain does not verify." },
	{ "tls.cert_expired", RD_SEV_CRITICAL, UNREACH, ST(TLS), CL(CERTIFICATE) | CL(TLS_HANDSHAKE),
	  "The server certificate has expired or is not yet valid",
	  NULL,
	  { "Renew the server certificate; check the clock of both machines." },
	  "The certificate is expired or not yet valid." },
	{ "tls.hostname_mismatch", RD_SEV_CRITICAL, UNREACH, ST(TLS), CL(CERTIFICATE) | CL(TLS_HANDSHAKE),
	  "The certificate does not cover the host name or IP the client used",
	  NULL,
	  { "Connect by a name the certificate lists (its SANs), or reissue it to include the name or IP the app uses.",
	    "When connecting by IP, set the TLS servername to the certificate's name." },
	  "The certificate does not cover the host name or address." },
	{ "tls.client_cert_required", RD_SEV_CRITICAL, UNREACH, ST(TLS), CL(TLS_HANDSHAKE),
	  "The server demands a client certificate",
	  NULL,
	  { "Configure the client certificate and key (cert/key in the client's TLS options, --cert/--key here), or set tls-auth-clients no/optional on the server." },
	  "The server demands a client certificate." },
	{ "tls.sni_required", RD_SEV_CRITICAL, UNREACH, ST(TLS), CL(SNI) | CL(TLS_HANDSHAKE),
	  "The server rejected the TLS server name (SNI)",
	  NULL,
	  { "Connect by host name, not IP, or set the TLS servername explicitly (servername in Node, REDIS_SNI_SERVERNAME, --sni here)." },
	  "The server rejects a handshake without the right SNI." },
	{ "tls.insecure", RD_SEV_WARNING, UNREACH, ST(TLS), CL(CERTIFICATE),
	  "certificate verification is disabled",
	  NULL,
	  { "name the CA instead: --cacert ca.crt, and drop --insecure",
	    "never disable verification in the app (rejectUnauthorized: false, ssl_cert_reqs=none)" },
	  "Verification was disabled by the user." },
	{ "tls.cert_expiring", RD_SEV_WARNING, UNREACH, ST(TLS), CL(CERTIFICATE),
	  "the server certificate expires within 14 days",
	  NULL,
	  { "renew the server certificate before it expires and reload Redis" },
	  "The certificate expires within 14 days." },
	/* proto */
	{ "proto.tls_required", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(TLS_SCHEME) | CL(TLS_HANDSHAKE) | CL(PING),
	  "Plaintext was spoken to a TLS port",
	  NULL,
	  { "Use rediss:// (or the client's tls option) for this port." },
	  "Plaintext was spoken to a TLS port." },
	{ "proto.not_redis", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(PING),
	  "The peer answers, but not in the Redis protocol",
	  NULL,
	  { "The host and port reach another service (HTTP, SSH, a proxy): check the port; a reply starting with 'H' is HTTP." },
	  "The peer answers, but not in RESP." },
	{ "proto.timeout", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(PING),
	  "Connected, but no reply in time",
	  NULL,
	  { "The server is overloaded or blocked (slow commands, a long script, persistence forks), or a proxy swallows traffic: check SLOWLOG and latency.",
	    "Raise the client's command timeout only after finding the cause." },
	  "Connected, but no reply before the deadline." },
	{ "proto.closed", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(PING),
	  "The server or something in between closed the connection",
	  NULL,
	  { "Plaintext to a TLS port is closed without a reply: try rediss://.",
	    "Otherwise check the server log (maxclients, timeout, client-output-buffer-limit) and idle timeouts of proxies." },
	  "The server closed the connection without a reply." },
	{ "proto.unexpected_reply", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(PING),
	  "PING was answered with something other than +PONG",
	  NULL,
	  { "check that the port belongs to a genuine Redis server: a proxy, a mock or another service answers PING differently (+pong, a bulk string, an array)" },
	  "PING got a reply other than the status\n"
	  ".Li +PONG\n"
	  "(a lower-case\n"
	  ".Li +pong ,\n"
	  "a bulk string, another status, an array, an integer):\n"
	  "not a Redis conversation." },
	{ "proto.unsolicited_reply", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(PING),
	  "the server sent a reply nobody asked for",
	  NULL,
	  { "check that the port belongs to a genuine Redis server; a proxy or middlebox that injects or duplicates replies shifts every later reply by one" },
	  "After the reply to a command, another reply arrived before the\n"
	  "next command was sent; every later reply would answer the\n"
	  "command before it." },
	{ "proto.hostile_reply", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(PING),
	  "a reply over redisdiag's size, depth or count limits",
	  NULL,
	  { "check that the port belongs to a genuine Redis server; a proxy or another service may be answering" },
	  "A reply over the tool's size, depth or count limits." },
	/* auth */
	{ "auth.required", RD_SEV_CRITICAL, REJECT, ST(AUTH), CL(PASSWORD) | CL(AUTH),
	  "The server wants a password and none was sent (NOAUTH)",
	  "{peer} requires a password; none was sent",
	  { "Set the password in the app's configuration (REDIS_PASSWORD or redis://:PASSWORD@host in REDIS_URL).",
	    "Check that the variable reaches the app: `redisdiag env` shows what resolved." },
	  "NOAUTH: the server wants a password and none was sent." },
	{ "auth.wrongpass", RD_SEV_CRITICAL, REJECT, ST(AUTH), CL(PASSWORD) | CL(AUTH),
	  "The password (or user name) was rejected",
	  NULL,
	  { "Check the password and, for ACL users, the user name; a URL needs percent-encoding for @ : / in the password.",
	    "Check that no other variable overrides it (REDIS_PASSWORD vs the URL's password)." },
	  "WRONGPASS, or ERR invalid password." },
	{ "auth.no_password_configured", RD_SEV_CRITICAL, REJECT, ST(AUTH), CL(PASSWORD) | CL(AUTH),
	  "A password was sent to a server that has none",
	  "a password was sent to {peer}, which has none",
	  { "remove the password from the app's configuration (REDIS_PASSWORD, the URL's :PASSWORD@)",
	    "or set one on the server (requirepass, or ACL SETUSER default on >PASSWORD) if it should have one" },
	  "A password was sent to a server without one.\n"
	  "Critical for a client that fails there (redis-py, redigo, go-redis\n"
	  "after a refused HELLO); a warning for ioredis and redis-cli, which\n"
	  "log it and go on." },
	{ "auth.noperm", RD_SEV_CRITICAL, REJECT, ST(INFO), 0,
	  "The ACL user may not run this command",
	  NULL,
	  { "Grant the command to the user (ACL SETUSER name +command) or use a user that has it." },
	  "The user may not run a probe command." },
	/* server */
	{ "server.protected_mode", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "Redis refuses remote clients in protected mode (DENIED)",
	  "{peer} refuses remote clients (protected mode)",
	  { "set a password on the server (requirepass) and connect with it, or bind it to the interface the app uses",
	    "CONFIG SET protected-mode no only on a trusted private network" },
	  "DENIED: protected mode." },
	{ "server.maxclients", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY) | CL(CLIENT_HEADROOM),
	  "The server has reached maxclients",
	  "{peer} has reached its maximum number of clients",
	  { "find who holds the connections: CLIENT LIST on the server (a connection leak, or too many workers/pools)",
	    "raise maxclients (and the file-descriptor limit) if the load is legitimate" },
	  "Max number of clients reached." },
	{ "server.loading", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "Redis is loading its dataset (LOADING)",
	  "{peer} is loading its dataset into memory",
	  { "wait for the load to finish (INFO persistence: loading_eta_seconds); clients should retry LOADING" },
	  "LOADING." },
	{ "server.busy", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "Redis is busy running a script (BUSY)",
	  "{peer} is busy running a script or function",
	  { "SCRIPT KILL or FUNCTION KILL stops a read-only script; SHUTDOWN NOSAVE is the last resort",
	    "fix the long script (busy-reply-threshold, lua-time-limit)" },
	  "BUSY." },
	{ "server.masterdown", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "The replica lost its link to the primary (MASTERDOWN)",
	  "{peer} is a replica that lost its master",
	  { "restore the master link (INFO replication: master_link_status), or connect to the master",
	    "replica-serve-stale-data yes lets it answer with stale data meanwhile" },
	  "MASTERDOWN." },
	{ "server.readonly_replica", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "The client writes to a read-only replica (READONLY)",
	  "{peer} is a read-only replica",
	  { "point the app at the master for writes" },
	  "Connected to a replica." },
	{ "server.db_out_of_range", RD_SEV_CRITICAL, REJECT, ST(SELECT), CL(SERVER_READY),
	  "SELECT failed: the database number does not exist",
	  NULL,
	  { "use a database below the server's 'databases' setting (16 by default; managed services often allow only 0)",
	    "drop the /DB of the URL or REDIS_DB to use 0" },
	  "SELECT failed." },
	{ "server.oom_risk", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(MEMORY_HEADROOM),
	  "Writes refused: used memory is over maxmemory (OOM)",
	  "{peer} is out of memory for writes",
	  { "free memory or raise maxmemory; or pick an eviction policy (maxmemory-policy allkeys-lru) for a cache" },
	  "Near maxmemory with the noeviction policy." },
	{ "server.persistence_error", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "Writes refused: the last RDB save failed (MISCONF)",
	  "{peer} refuses writes after a failed save",
	  { "fix the disk (space, permissions) and check the server log for the failed BGSAVE/AOF write" },
	  "The last save or AOF write failed." },
	{ "server.cluster_mode", RD_SEV_WARNING, REJECT, ST(INFO), CL(SERVER_READY),
	  "A cluster node redirected the client (MOVED/ASK)",
	  "{peer} is a cluster node; use a cluster client",
	  { "use a cluster client (ioredis Redis.Cluster, node-redis createCluster, redis-py RedisCluster)",
	    "cluster mode has only database 0: drop /DB" },
	  "A cluster node answered a non-cluster check (MOVED), and its topology\n"
	  "could not be read; once it was,\n"
	  ".Li cluster.client_not_cluster_aware\n"
	  "says it instead (a refused SELECT, db other than 0, stays here)." },
	{ "server.cluster_down", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "The cluster is down (CLUSTERDOWN)",
	  "the cluster of {peer} is down",
	  { "CLUSTER INFO shows the failing slots; restore the failed masters or their replicas" },
	  "CLUSTERDOWN, or cluster_state:fail." },
	{ "server.memory_pressure", RD_SEV_WARNING, REJECT, ST(INFO), CL(MEMORY_HEADROOM),
	  "used memory is near maxmemory",
	  NULL,
	  { "raise maxmemory or reduce the data set; evictions are dropping keys" },
	  "Used memory near maxmemory." },
	{ "server.client_pressure", RD_SEV_WARNING, REJECT, ST(INFO), CL(CLIENT_HEADROOM),
	  "connected clients are near maxclients",
	  NULL,
	  { "look for a connection leak (CLIENT LIST by addr/name); share one client or pool per process",
	    "raise maxclients if the load is legitimate" },
	  "Connected clients near maxclients." },
	{ "server.idle_timeout", RD_SEV_INFO, ADVICE, ST(INFO), 0,
	  "the server closes idle connections",
	  NULL,
	  { "behind a NAT, load balancer or cloud idle timer (Azure: about 10 minutes) enable TCP keepalive in the client as well, shorter than that timer" },
	  "The server's\n"
	  ".Li timeout\n"
	  "(CONFIG GET) closes connections idle for that many seconds;\n"
	  "the advice names each client's keepalive or ping option." },
	{ "server.keyspace_events_off", RD_SEV_INFO, ADVICE, ST(INFO), 0,
	  "keyspace notifications are off",
	  NULL,
	  { "an application that subscribes to __keyspace@*__ or __keyevent@*__ channels receives nothing: set notify-keyspace-events (e.g. Ex for expiry events) if it relies on them" },
	  ".Li notify-keyspace-events\n"
	  "is empty: an application relying on keyspace notifications\n"
	  "silently receives none." },
	{ "server.slowlog", RD_SEV_INFO, ADVICE, ST(INFO), 0,
	  "the server logged slow commands",
	  NULL,
	  { "run SLOWLOG GET on the server to see which commands were slow; long KEYS, SMEMBERS, HGETALL or Lua scripts block every client" },
	  "SLOWLOG holds entries; the evidence gives the slowest durations,\n"
	  "never their arguments." },
	{ "server.latency_events", RD_SEV_INFO, ADVICE, ST(INFO), 0,
	  "the server recorded latency spikes",
	  NULL,
	  { "run LATENCY DOCTOR on the server; fork (persistence), expire-cycle and command events point at different causes" },
	  ".Li LATENCY LATEST\n"
	  "reports events (fork, command, expire-cycle) with their latest\n"
	  "and largest latency." },
	{ "server.fragmentation", RD_SEV_WARNING, ADVICE, ST(INFO), CL(MEMORY_HEADROOM),
	  "server memory is fragmented",
	  NULL,
	  { "enable activedefrag (Redis 4+ with jemalloc) or restart the server in a maintenance window; a ratio below 1 means swapping" },
	  ".Li mem_fragmentation_ratio\n"
	  "above 1.5 with more than 64 MiB used." },
	{ "conn.idle_reset", RD_SEV_WARNING, ADVICE, ST(TCP), 0,
	  "a held connection was closed while idle",
	  NULL,
	  { "a client pool keeps connections idle the same way: PING them more often than the idle limit, or enable TCP keepalive for NAT and load-balancer timers" },
	  "With\n"
	  ".Cm watch Fl \\-hold ,\n"
	  "the held connection was closed or reset while idle; the line\n"
	  "gives the idle time at which it died." },
	{ "tcp.socket_missing", RD_SEV_CRITICAL, UNREACH, ST(TCP), CL(TCP),
	  "No Unix socket at the path",
	  NULL,
	  { "check redis.conf's unixsocket (CONFIG GET unixsocket) and that the path is the same inside the container (a shared volume)",
	    "Redis removes the socket when it stops: is redis-server running?" },
	  "No Unix socket at the path given with\n"
	  ".Fl s\n"
	  "or a\n"
	  ".Li unix://\n"
	  "URL." },
	{ "tcp.socket_permission", RD_SEV_CRITICAL, UNREACH, ST(TCP), CL(TCP),
	  "No permission to connect to the Unix socket",
	  NULL,
	  { "redis.conf's unixsocketperm (e.g. 770) and the socket's group decide who may connect: add the app's user to that group" },
	  "The Unix socket exists but this user may not connect to it." },
	{ "server.hello_unsupported", RD_SEV_WARNING, ADVICE, ST(HELLO), 0,
	  "The server does not speak the protocol version HELLO asked for",
	  NULL,
	  { "Redis 6 or later speaks RESP3 (HELLO 3); before 6 there is no HELLO: keep the client on RESP2 (redis-py protocol=2, node-redis RESP: 2, go-redis Protocol: 2)",
	    "or upgrade the server to Redis 6 or later" },
	  "HELLO was answered with NOPROTO or as an unknown command\n"
	  ".Pq Redis before 6 ;\n"
	  "the probe went on in RESP2.\n"
	  "Critical when the modelled client sends HELLO itself and does not\n"
	  "fall back (node-redis)." },
	{ "server.error", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "the server answered with an error redisdiag does not classify",
	  NULL,
	  { "look up the error in the server's documentation; the server log may say more" },
	  "An error reply to AUTH, SELECT or PING that no other identifier names." },
	/* cluster and sentinel topology (SPEC section 13) */
	{ "cluster.announced_unreachable", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(SERVER_READY),
	  "A cluster node announces an address that does not answer from here",
	  NULL,
	  { "set cluster-announce-ip (and -port, -tls-port, -bus-port) or cluster-announce-hostname on each node to what the application can reach",
	    "or map the announced addresses in the client (ioredis Cluster natMap)" },
	  "The seed answers, but an address a node announces in CLUSTER SHARDS/SLOTS\n"
	  "does not from here (private, container-bridge or 0.0.0.0 addresses are named as such)." },
	{ "cluster.slots_uncovered", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "Hash slots are served by no master",
	  NULL,
	  { "assign the slots: redis-cli --cluster fix HOST:PORT, or CLUSTER ADDSLOTSRANGE on the node that should own them",
	    "a master that failed without a replica loses its slots: restore it, and give every master a replica" },
	  "Some of the 16384 hash slots are assigned to no master; the uncovered ranges are listed." },
	{ "cluster.node_failed", RD_SEV_WARNING, REJECT, ST(INFO), CL(SERVER_READY),
	  "A cluster node is flagged fail or pfail",
	  NULL,
	  { "check the flagged node (is it running, can the other nodes reach its bus port, port+10000?)",
	    "a failed master with a replica fails over by itself; without one its slots stay down" },
	  "CLUSTER NODES flags a node fail (the cluster agreed) or fail? (pfail)." },
	{ "cluster.tls_port_mismatch", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(SERVER_READY),
	  "An announced cluster port speaks the other protocol",
	  NULL,
	  { "announce the TLS port: tls-port and tls-cluster yes (7.0+ announce tls-port then), or cluster-announce-tls-port behind NAT",
	    "make the client's TLS setting match for every node (ioredis Cluster redisOptions.tls)" },
	  "An announced port answers plaintext where TLS is used, or the reverse." },
	{ "cluster.hostname_mismatch", RD_SEV_CRITICAL, UNREACH, NOSTEP, CL(CERTIFICATE),
	  "A node's certificate does not cover the name or address it announces",
	  NULL,
	  { "issue node certificates whose SANs cover the announced names or IPs",
	    "or announce names the certificates hold: cluster-announce-hostname and cluster-preferred-endpoint-type hostname" },
	  "A node's certificate does not match the host name or IP the cluster announces for it." },
	{ "cluster.client_not_cluster_aware", RD_SEV_WARNING, ADVICE, ST(INFO), CL(SERVER_READY),
	  "A cluster seed is used through a client that is not cluster-aware",
	  NULL,
	  { "use a cluster client: ioredis new Redis.Cluster([{ host, port }], { redisOptions: { password, tls } }), node-redis createCluster, redis-py RedisCluster, go-redis NewClusterClient" },
	  "The seed is a cluster node and the client model talks to one node: MOVED ahead.\n"
	  "The remedy names the client's own cluster API." },
	{ "sentinel.unreachable", RD_SEV_CRITICAL, UNREACH, NOSTEP, 0,
	  "A sentinel does not answer from here",
	  NULL,
	  { "check the sentinel addresses and ports (26379 by default), and that each sentinel binds an address the application reaches",
	    "sentinels behind NAT or in containers: sentinel announce-ip / announce-port" },
	  "A sentinel named by --sentinel or the URL gave no Redis conversation." },
	{ "sentinel.unknown_master", RD_SEV_CRITICAL, REJECT, ST(INFO), CL(SERVER_READY),
	  "The sentinels monitor no master of that name",
	  NULL,
	  { "use the name the sentinels monitor (SENTINEL MASTERS lists them): ioredis name, redis-py master_for(name), the URL's /MASTER" },
	  "SENTINEL get-master-addr-by-name answered nil on every sentinel that answered." },
	{ "sentinel.disagree", RD_SEV_WARNING, ADVICE, ST(INFO), 0,
	  "The sentinels name different masters",
	  NULL,
	  { "a failover may be in progress, or the sentinels are split: check SENTINEL MASTER NAME on each and that they reach each other" },
	  "The sentinels' answers for the master differ." },
	{ "sentinel.no_quorum", RD_SEV_WARNING, ADVICE, ST(INFO), 0,
	  "The sentinels cannot reach a quorum: no failover would happen",
	  NULL,
	  { "run at least the quorum of sentinels that reach each other; SENTINEL CKQUORUM NAME must say OK",
	    "sentinels in containers or behind NAT: sentinel announce-ip, or announce-hostnames/resolve-hostnames yes" },
	  "SENTINEL CKQUORUM answered NOQUORUM." },
	{ "sentinel.master_unreachable", RD_SEV_CRITICAL, UNREACH, NOSTEP, 0,
	  "The master the sentinels name does not answer from here",
	  NULL,
	  { "make the master announce an address the application reaches: replica-announce-ip on the data nodes, sentinel announce-hostnames yes with resolve-hostnames yes (6.2+)",
	    "or map the announced address in the client (ioredis natMap); if the master just failed, a failover is due after down-after-milliseconds" },
	  "The address the sentinels announce for the master gives no Redis conversation from here." },
	{ "sentinel.replica_unreachable", RD_SEV_WARNING, ADVICE, ST(INFO), 0,
	  "A replica the sentinels know does not answer from here",
	  NULL,
	  { "after a failover the application is sent there: make replicas announce reachable addresses (replica-announce-ip, replica-announce-port)" },
	  "A replica listed by SENTINEL REPLICAS gives no Redis conversation from here." },
	{ "sentinel.auth", RD_SEV_CRITICAL, REJECT, ST(AUTH), CL(AUTH),
	  "A sentinel refused the client (sentinel auth is separate from the master's)",
	  NULL,
	  { "give the sentinels' own password: --sentinel-password here (REDIS_SENTINEL_PASSWORD in the generic profile), ioredis sentinelPassword, redis-py sentinel_kwargs={'password': ...}, node-redis sentinelClientOptions" },
	  "A sentinel answered NOAUTH or WRONGPASS; sentinel AUTH is configured apart from the master's." },
	/* latency */
	{ "latency.high", RD_SEV_WARNING, ADVICE, ST(LATENCY), 0,
	  "PING round trips are slow",
	  NULL,
	  { "run the app in the same region or network as Redis",
	    "check the server's LATENCY DOCTOR and SLOWLOG GET for slow commands" },
	  "The p99 latency is over the threshold." },
	/* provider */
	{ "provider.northflank", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Northflank addon",
	  NULL,
	  { "use the addon's connection string: REDIS_URL set to the value of NF_REDIS_URL (rediss://...addon.code.run:6379 when TLS is enabled)" },
	  "Northflank addon\n"
	  ".Pq Li *.addon.code.run ." },
	{ "provider.elasticache", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "AWS ElastiCache",
	  NULL,
	  { "reachable only from inside its VPC (security group allowing the port from the app); with in-transit encryption use rediss://" },
	  "AWS ElastiCache\n"
	  ".Pq Li *.cache.amazonaws.com ." },
	{ "provider.azure", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Azure Cache for Redis",
	  NULL,
	  { "use rediss://:ACCESS_KEY@NAME.redis.cache.windows.net:6380 (the non-TLS port 6379 is disabled by default)" },
	  "Azure Cache for Redis\n"
	  ".Pq Li *.redis.cache.windows.net ,\n"
	  "where TLS is on port 6380 and 6379 is plaintext, and Azure Managed Redis\n"
	  ".Pq Li *.redis.azure.net ." },
	{ "provider.upstash", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Upstash Redis",
	  NULL,
	  { "Upstash requires TLS: use rediss://default:TOKEN@HOST:6379 (UPSTASH_REDIS_URL)" },
	  "Upstash\n"
	  ".Pq Li *.upstash.io ." },
	{ "provider.railway", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Railway private network",
	  NULL,
	  { "the private network is IPv6 in older environments: ioredis needs family: 6 (REDIS_URL=...?family=6); from outside Railway use REDIS_PUBLIC_URL" },
	  "Railway\n"
	  ".Pq Li *.railway.internal , *.proxy.rlwy.net ." },
	{ "provider.fly", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Fly.io Flycast (private IPv6)",
	  NULL,
	  { "Fly's private network (6PN) is IPv6-only: set family=6 (REDIS_URL=...?family=6, redisdiag -6)" },
	  "Fly.io\n"
	  ".Pq Li .internal , .flycast ." },
	{ "provider.render", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Render Key Value (external URL)",
	  NULL,
	  { "the external URL needs rediss:// and an allowed source IP; inside Render use the internal URL (redis://red-...:6379)" },
	  "Render Key Value\n"
	  ".Pq Li *.render.com , red-* ." },
	{ "provider.memorystore", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Google Cloud Memorystore",
	  NULL,
	  { "reachable only over the VPC (Cloud Run: Direct VPC egress or a connector); in-transit encryption uses port 6378 and the server CA" },
	  "Google Cloud Memorystore\n"
	  ".Pq Li *.memorystore.googleapis.com , No a private address on Cloud Run ." },
	{ "provider.rediscloud", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Redis Cloud",
	  NULL,
	  { "use the endpoint's port (not 6379) and the default user's password; if TLS is enabled on the database use rediss://" },
	  "Redis Cloud\n"
	  ".Pq Li *.redis-cloud.com , *.redislabs.com ." },
	{ "provider.digitalocean", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "DigitalOcean Managed Caching",
	  NULL,
	  { "use rediss://default:PASSWORD@HOST:25061 (TLS is required)" },
	  "DigitalOcean Managed Caching\n"
	  ".Pq Li *.db.ondigitalocean.com ." },
	{ "provider.heroku", RD_SEV_INFO, ADVICE, ST(CONFIG), 0,
	  "Heroku Key-Value Store",
	  NULL,
	  { "Heroku's certificates are self-signed: use REDIS_TLS_URL/rediss:// and turn verification off in the client (ioredis tls: { rejectUnauthorized: false }; redisdiag --insecure)" },
	  "Heroku Key-Value Store\n"
	  ".Pq Li *.compute-1.amazonaws.com ." },
};

const struct rd_catalog_entry *
catalog_find(const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
		if (strcmp(catalog[i].id, id) == 0)
			return &catalog[i];
	return NULL;
}

const struct rd_catalog_entry *
catalog_entries(size_t *n)
{
	*n = sizeof(catalog) / sizeof(catalog[0]);
	return catalog;
}

enum rd_verdict
catalog_verdict(const char *id)
{
	const struct rd_catalog_entry *e = catalog_find(id);

	return e != NULL ? e->verdict : RD_V_NO_ATTEMPT;
}

bool
catalog_is_probe_failure(const char *id)
{
	enum rd_verdict v = catalog_verdict(id);

	return v == RD_V_UNREACHABLE || v == RD_V_REJECTING;
}

int
catalog_step(const char *id)
{
	const struct rd_catalog_entry *e = catalog_find(id);

	return e != NULL ? e->step : RD_CAT_NO_STEP;
}

bool
catalog_explains(const char *id, enum rd_cl_id cl)
{
	const struct rd_catalog_entry *e = catalog_find(id);

	return e != NULL && (e->items & RD_CL_BIT(cl)) != 0;
}

void
catalog_title(struct rd_finding *f)
{
	const struct rd_catalog_entry *e;

	if (f == NULL || (e = catalog_find(f->id)) == NULL)
		return;
	snprintf(f->title, sizeof(f->title), "%s", e->title);
}

void
catalog_title_at(struct rd_finding *f, const char *peer)
{
	const struct rd_catalog_entry *e;
	const char *t, *p;

	if (f == NULL || (e = catalog_find(f->id)) == NULL)
		return;
	if (e->title_at == NULL) {
		catalog_title(f);
		return;
	}
	f->title[0] = '\0';
	for (t = e->title_at; (p = strstr(t, "{peer}")) != NULL; t = p + 6)
		rd_appendf(f->title, sizeof(f->title), "%.*s%s", (int)(p - t),
		    t, peer);
	rd_appendf(f->title, sizeof(f->title), "%s", t);
}

void
catalog_remedies(struct rd_finding *f)
{
	const struct rd_catalog_entry *e;
	size_t i;

	if (f == NULL || (e = catalog_find(f->id)) == NULL)
		return;
	for (i = 0; i < RD_MAX_REMEDY && e->remedy[i] != NULL; i++)
		finding_remedy(f, "%s", e->remedy[i]);
}
