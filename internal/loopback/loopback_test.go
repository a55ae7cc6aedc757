package loopback

import "testing"

func TestHostAndURL(t *testing.T) {
	for in, want := range map[string]bool{
		"localhost": true, "LOCALHOST:5000": true, "127.0.0.1": true, "127.8.9.1:5000": true, "[::1]:443": true, "::1": true,
		"10.0.0.1:5000": false, "myreg.azurecr.io": false, "localhost.example.com": false, "": false,
	} {
		if got := Host(in); got != want {
			t.Errorf("Host(%q) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[string]bool{
		"https://127.0.0.1:8443/secrets/x": true, "https://localhost": true, "https://[::1]:1/": true,
		"https://v.vault.azure.net/secrets/x": false, "::bad": false,
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %v, want %v", in, got, want)
		}
	}
}
