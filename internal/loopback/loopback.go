// Package loopback is acb's one rule for "on this machine's loopback": a
// registry spoken to over plain HTTP, a Key Vault emulator, a registry whose
// digests acb may look up. localhost, 127.0.0.0/8 and ::1 are loopback;
// nothing is resolved.
package loopback

import (
	"net"
	"net/url"
	"strings"
)

// Host reports whether host, with or without a port ("127.0.0.1:5000",
// "[::1]:443", "localhost"), is loopback.
func Host(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL reports whether the host of a URL ("https://127.0.0.1:8443/...") is
// loopback.
func URL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return Host(u.Host)
}
