package docker_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/acb-dev/acb/runner/engine"
)

func TestNetworkGateway(t *testing.T) {
	f := setup(t)
	name := f.name("net")
	if err := f.e.CreateNetwork(f.ctx, engine.NetworkSpec{Name: name, Labels: f.labels()}); err != nil {
		t.Fatal(err)
	}
	defer f.e.RemoveNetwork(f.ctx, name)
	gw, err := f.e.NetworkGateway(f.ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := netip.ParseAddr(gw); err != nil || !a.Is4() {
		t.Errorf("NetworkGateway(%s) = %q, want an IPv4 address", name, gw)
	}
	if gw, err := f.e.NetworkGateway(f.ctx, "none"); err == nil {
		t.Errorf("NetworkGateway(none) = %q, want an error", gw)
	}
	if _, err := f.e.NetworkGateway(f.ctx, name+"-missing"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("NetworkGateway(missing) error %v, want ErrNotFound", err)
	}
}
