// go_model.go < envs.jsonl > results.jsonl — the real redigo (Debian's
// golang-github-gomodule-redigo-dev) over the generated environments of
// tests/diff/gen.py, built by tests/diff/run under build/ (GOPATH mode,
// GOPATH=/usr/share/gocode, offline).
//
// The application is the cacheservice profile (SPEC 11) in Go, its Go
// reading: the Node code ported line by line (JavaScript's || and
// parseInt(v, 10) reproduced), then
//
//	redis.DialURL(url, redis.DialPassword(password))   when a URL was resolved
//	redis.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)),
//	    redis.DialPassword(password))                    else
//
// and, with REDIS_SNI_SERVERNAME set, redis.DialTLSConfig(&tls.Config{
// ServerName: it}) among the options: the server name goes to the client's
// TLS configuration and does not turn TLS on (redigo has no such coupling;
// DialURL decides TLS by the scheme).  An unset host is "": Go dials the
// local system, read here as localhost.
//
// What redigo really does is captured WITHOUT network: redis.DialNetDial
// records the address redigo dials, checks it as net.Dialer would before
// any packet (net.SplitHostPort, net.LookupPort, port 0), and returns one
// end of a net.Pipe.  On the other end a goroutine reads what redigo sends:
// a TLS ClientHello (0x16) is handed to a tls.Server whose
// GetConfigForClient records hello.ServerName and aborts; RESP commands
// (AUTH, SELECT) are recorded and answered +OK.  A TLS environment is
// dialled twice: once exactly as the application (the SNI), once with its
// tls.Config given InsecureSkipVerify (the capture's certificate is
// self-signed) so that the handshake completes and the AUTH and SELECT
// redigo sends after it are seen; the server name redigo fills in does not
// depend on that field.
//
// Output: one line per environment {"redigo@VERSION": TARGET}, TARGET as in
// node_model.js: {throws, why, host, port, tls, sni, family, auth, db}.
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gomodule/redigo/redis"
)

var version = "1.8.3"

// jsParseInt is parseInt(v, 10); ok false for NaN (and for undefined: "").
func jsParseInt(v string) (int, bool) {
	s := strings.TrimLeftFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' })
	i, neg := 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	j := i
	n := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		if n < 100000000 {
			n = n*10 + int(s[j]-'0')
		}
		j++
	}
	if j == i {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

type app struct {
	url, host, password, servername string
	port                            int
}

// The cacheservice profile, exactly (config.redis.* empty): an unset
// variable and "" are the same falsy value.
func cacheservice(env map[string]string) app {
	E := func(k string) string { return env[k] }
	var a app
	a.url = E("REDIS_URL")
	a.host = E("REDIS_HOST")
	if p, ok := jsParseInt(E("REDIS_PORT")); ok && p != 0 {
		a.port = p
	} else {
		a.port = 6379
	}
	a.password = E("REDIS_PASSWORD")
	if a.url == "" && a.host == "" {
		a.url = E("NF_REDIS_URL")
		a.host = E("NF_REDIS_HOST")
		if p, ok := jsParseInt(E("NF_REDIS_PORT")); ok && p != 0 {
			a.port = p
		}
		if v := E("NF_REDIS_PASSWORD"); v != "" {
			a.password = v
		}
	}
	a.servername = E("REDIS_SNI_SERVERNAME")
	return a
}

type auth struct {
	User *string `json:"user"`
	Pass string  `json:"pass"`
}

type target struct {
	Throws bool    `json:"throws"`
	Why    string  `json:"why,omitempty"`
	Host   string  `json:"host"`
	Port   int     `json:"port"`
	TLS    bool    `json:"tls"`
	SNI    *string `json:"sni"`
	Family int     `json:"family"`
	Auth   *auth   `json:"auth"`
	DB     int     `json:"db"`
	Hello  *int    `json:"hello"` // HELLO's protocol when it sent one
}

// What one dial showed.
type capture struct {
	addr    string
	dialed  bool
	addrErr error
	tls     bool
	sni     string
	cmds    [][]string
}

var serverCert tls.Certificate

func makeCert() {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "capture"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	serverCert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

var errAbort = errors.New("capture: ClientHello recorded")

// readCommand reads one RESP array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "*") {
		return nil, fmt.Errorf("not an array: %q", line)
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil || n < 0 || n > 16 {
		return nil, fmt.Errorf("bad array length %q", line)
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		h, err := r.ReadString('\n')
		if err != nil || !strings.HasPrefix(h, "$") {
			return nil, fmt.Errorf("bad bulk header %q", h)
		}
		l, err := strconv.Atoi(strings.TrimSpace(h[1:]))
		if err != nil || l < 0 || l > 1<<16 {
			return nil, fmt.Errorf("bad bulk length %q", h)
		}
		b := make([]byte, l+2)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		out = append(out, string(b[:l]))
	}
	return out, nil
}

func serveRESP(c net.Conn, r *bufio.Reader, cp *capture) {
	for {
		cmd, err := readCommand(r)
		if err != nil {
			return
		}
		cp.cmds = append(cp.cmds, cmd)
		if _, err := c.Write([]byte("+OK\r\n")); err != nil {
			return
		}
	}
}

type peekConn struct {
	net.Conn
	r *bufio.Reader
}

func (p peekConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// server is the other end of the pipe; done is closed when it has finished.
func server(c net.Conn, cp *capture, finish bool, done chan struct{}) {
	defer close(done)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	b, err := r.Peek(1)
	if err != nil {
		return
	}
	if b[0] != 0x16 {
		serveRESP(c, r, cp)
		return
	}
	cp.tls = true
	cfg := &tls.Config{Certificates: []tls.Certificate{serverCert},
		GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			cp.sni = h.ServerName
			if !finish {
				return nil, errAbort
			}
			return nil, nil
		}}
	t := tls.Server(peekConn{c, r}, cfg)
	if err := t.Handshake(); err != nil {
		return
	}
	serveRESP(t, bufio.NewReader(t), cp)
}

// dial runs the application's dial with redigo, the pipe in place of
// the network.  insecure: the capture's second dial of a TLS environment.
func dial(a app, insecure bool) (*capture, error) {
	cp := &capture{}
	done := make(chan struct{})
	started := false
	netDial := func(network, addr string) (net.Conn, error) {
		cp.addr, cp.dialed = addr, true
		// What net.Dialer refuses before any packet.
		_, port, err := net.SplitHostPort(addr)
		if err == nil {
			var p int
			if p, err = net.LookupPort(network, port); err == nil && p == 0 {
				err = errors.New("port 0")
			}
		}
		if err != nil {
			cp.addrErr = err
			return nil, err
		}
		cl, sv := net.Pipe()
		cl.SetDeadline(time.Now().Add(10 * time.Second))
		started = true
		go server(sv, cp, insecure, done)
		return cl, nil
	}
	opts := []redis.DialOption{redis.DialNetDial(netDial), redis.DialPassword(a.password)}
	var tc *tls.Config
	if a.servername != "" {
		tc = &tls.Config{ServerName: a.servername}
	}
	if insecure {
		if tc == nil {
			tc = &tls.Config{}
		}
		tc.InsecureSkipVerify = true
	}
	if tc != nil {
		opts = append(opts, redis.DialTLSConfig(tc))
	}
	var c redis.Conn
	var err error
	if a.url != "" {
		c, err = redis.DialURL(a.url, opts...)
	} else {
		c, err = redis.Dial("tcp", net.JoinHostPort(a.host, strconv.Itoa(a.port)), opts...)
	}
	if c != nil {
		c.Close()
	}
	if started {
		<-done
	}
	return cp, err
}

func str(s string) *string { return &s }

func run(a app) target {
	cp, err := dial(a, false)
	if !cp.dialed {
		return target{Throws: true, Why: "before dialling: " + err.Error()}
	}
	if cp.addrErr != nil {
		return target{Throws: true, Why: "the address: " + cp.addrErr.Error()}
	}
	t := target{}
	host, port, _ := net.SplitHostPort(cp.addr)
	t.Port, _ = strconv.Atoi(port)
	t.Host = host
	if host == "" {
		t.Host = "localhost" // Go dials the local system
	}
	if cp.tls {
		t.TLS = true
		if cp.sni != "" {
			t.SNI = str(cp.sni)
		}
		// The handshake was aborted on purpose: the second dial sees
		// what redigo sends after it.
		if cp, err = dial(a, true); cp.addrErr != nil || !cp.tls {
			return target{Throws: true, Why: "the second dial differs"}
		}
	}
	if err != nil {
		return target{Throws: true, Why: "redigo: " + err.Error()}
	}
	for _, c := range cp.cmds {
		switch strings.ToUpper(c[0]) {
		case "AUTH":
			if len(c) == 3 {
				t.Auth = &auth{User: str(c[1]), Pass: c[2]}
			} else if len(c) == 2 {
				t.Auth = &auth{Pass: c[1]}
			}
		case "SELECT":
			if len(c) == 2 {
				t.DB, _ = strconv.Atoi(c[1])
			}
		case "HELLO":
			if len(c) >= 2 {
				v, _ := strconv.Atoi(c[1])
				t.Hello = &v
			}
		}
	}
	return t
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println(version)
		return
	}
	makeCert()
	name := "redigo@" + version
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		if len(in.Bytes()) == 0 {
			continue
		}
		var env map[string]string
		if err := json.Unmarshal(in.Bytes(), &env); err != nil {
			fmt.Fprintln(os.Stderr, "go_model:", err)
			os.Exit(2)
		}
		b, _ := json.Marshal(map[string]target{name: run(cacheservice(env))})
		out.Write(append(b, '\n'))
	}
}
