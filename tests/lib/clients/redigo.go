// redigo driver (tests/lib/clients/README): Debian's
// golang-github-gomodule-redigo-dev, built with GOPATH=/usr/share/gocode.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/gomodule/redigo/redis"
)

var version = "unknown"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println(version)
		return
	}
	t := 1.5
	if v, err := strconv.ParseFloat(os.Getenv("RC_TIMEOUT"), 64); err == nil {
		t = v
	}
	d := time.Duration(t * float64(time.Second))
	opts := []redis.DialOption{redis.DialConnectTimeout(d), redis.DialReadTimeout(d), redis.DialWriteTimeout(d)}
	if u := os.Getenv("RC_USER"); u != "" {
		opts = append(opts, redis.DialUsername(u))
	}
	if p := os.Getenv("RC_PASS"); p != "" {
		opts = append(opts, redis.DialPassword(p))
	}
	if os.Getenv("RC_TLS") == "1" {
		cfg := &tls.Config{ServerName: os.Getenv("RC_SNI")}
		if cfg.ServerName == "" {
			cfg.ServerName = os.Getenv("RC_HOST")
		}
		if ca := os.Getenv("RC_CA"); ca != "" {
			pem, _ := os.ReadFile(ca)
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(pem)
			cfg.RootCAs = pool
		}
		if c := os.Getenv("RC_CERT"); c != "" {
			if kp, err := tls.LoadX509KeyPair(c, os.Getenv("RC_KEY")); err == nil {
				cfg.Certificates = []tls.Certificate{kp}
			}
		}
		opts = append(opts, redis.DialUseTLS(true), redis.DialTLSConfig(cfg))
	}
	c, err := redis.Dial("tcp", os.Getenv("RC_HOST")+":"+os.Getenv("RC_PORT"), opts...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	for _, cmd := range [][]interface{}{{"GET", "corpus:k"}, {"SET", "corpus:k", "v"}} {
		if _, err := c.Do(cmd[0].(string), cmd[1:]...); err != nil {
			fmt.Println(err)
		} else {
			fmt.Println("ok")
		}
	}
}
