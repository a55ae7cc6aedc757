package docker

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/network"

	"github.com/acb-dev/acb/runner/engine"
)

func TestRenderJSONStream(t *testing.T) {
	in := `{"stream":"Step 1/2 : FROM x\n"}
{"stream":" ---\u003e abc\n"}
{"status":"Pushing","progressDetail":{"current":10,"total":100},"id":"l1"}
{"status":"Pushed","progressDetail":{},"id":"l1"}
{"status":"1: digest: sha256:` + strings.Repeat("a", 64) + ` size: 527"}
{"progressDetail":{},"aux":{"Tag":"1","Digest":"sha256:` + strings.Repeat("b", 64) + `","Size":527}}
`
	var out bytes.Buffer
	var auxes []string
	if err := renderJSONStream(strings.NewReader(in), &out, func(m json.RawMessage) { auxes = append(auxes, string(m)) }); err != nil {
		t.Fatal(err)
	}
	want := "Step 1/2 : FROM x\n ---> abc\nl1: Pushed\n1: digest: sha256:" + strings.Repeat("a", 64) + " size: 527\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	if len(auxes) != 1 || !strings.Contains(auxes[0], "bbbb") {
		t.Errorf("aux %q", auxes)
	}

	err := renderJSONStream(strings.NewReader(`{"stream":"ok\n"}
{"errorDetail":{"message":"boom"},"error":"boom"}
{"stream":"never\n"}`), &out, nil)
	var se *streamError
	if !errors.As(err, &se) || err.Error() != "boom" {
		t.Errorf("error %v", err)
	}
	if err := renderJSONStream(strings.NewReader(`{"error":"legacy"}`), nil, nil); err == nil || err.Error() != "legacy" {
		t.Errorf("legacy error %v", err)
	}
	if err := renderJSONStream(strings.NewReader(`{"stream":`), nil, nil); err == nil {
		t.Error("truncated stream accepted")
	}
}

func TestDigestSniffer(t *testing.T) {
	var out bytes.Buffer
	d := &digestSniffer{w: &out}
	line := "latest: digest: sha256:" + strings.Repeat("c", 64) + " size: 1\n"
	if _, err := d.Write([]byte(line)); err != nil {
		t.Fatal(err)
	}
	if d.digest != "sha256:"+strings.Repeat("c", 64) || out.String() != line {
		t.Errorf("digest %q out %q", d.digest, out.String())
	}
}

func TestCreateOptions(t *testing.T) {
	s := engine.ContainerSpec{
		Name: "step1", Image: "img", Network: "acb_net", Aliases: []string{"web", "step1"},
		Ports: []string{"8080:80", "127.0.0.1::443/udp"}, Expose: []string{"9000-9001"},
		Mounts: []engine.Mount{{Type: "volume", Source: "v", Target: "/w"}, {Type: "bind", Source: "/h", Target: "/b", ReadOnly: true}},
		Init:   true,
	}
	o, err := createOptions(s)
	if err != nil {
		t.Fatal(err)
	}
	ep := o.NetworkingConfig.EndpointsConfig["acb_net"]
	if ep == nil || strings.Join(ep.Aliases, ",") != "step1,web" {
		t.Errorf("aliases %+v", ep)
	}
	if string(o.HostConfig.NetworkMode) != "acb_net" || o.HostConfig.Init == nil || !*o.HostConfig.Init {
		t.Errorf("host config %+v", o.HostConfig)
	}
	for _, p := range []string{"80/tcp", "443/udp", "9000/tcp", "9001/tcp"} {
		if _, ok := o.Config.ExposedPorts[network.MustParsePort(p)]; !ok {
			t.Errorf("%s not exposed: %v", p, o.Config.ExposedPorts)
		}
	}
	b := o.HostConfig.PortBindings[network.MustParsePort("80/tcp")]
	if len(b) != 1 || b[0].HostPort != "8080" {
		t.Errorf("80/tcp bindings %+v", b)
	}
	b = o.HostConfig.PortBindings[network.MustParsePort("443/udp")]
	if len(b) != 1 || b[0].HostIP.String() != "127.0.0.1" || b[0].HostPort != "" {
		t.Errorf("443/udp bindings %+v", b)
	}
	if len(o.HostConfig.Mounts) != 1 || o.HostConfig.Mounts[0].Source != "v" || strings.Join(o.HostConfig.Binds, ",") != "/h:/b:ro" {
		t.Errorf("mounts %+v binds %q", o.HostConfig.Mounts, o.HostConfig.Binds)
	}

	// The default network takes no aliases.
	s.Network = ""
	if o, err := createOptions(s); err != nil || o.NetworkingConfig != nil {
		t.Errorf("default network: %+v %v", o.NetworkingConfig, err)
	}
	s.Mounts = []engine.Mount{{Type: "tmpfs", Target: "/t"}}
	if _, err := createOptions(s); err == nil {
		t.Error("unknown mount type accepted")
	}
}

func TestCopyOutputKeepsDrainingAfterWriterError(t *testing.T) {
	var mux bytes.Buffer
	frame := func(stream byte, s string) {
		mux.Write([]byte{stream, 0, 0, 0, 0, 0, 0, byte(len(s))})
		mux.WriteString(s)
	}
	frame(1, "one\n")
	frame(2, "err\n")
	frame(1, "two\n")
	var stderr bytes.Buffer
	r := bytes.NewReader(mux.Bytes())
	err := copyOutput(r, engine.Streams{Stdout: failWriter{}, Stderr: &stderr}, false)
	if err == nil || stderr.String() != "err\n" || r.Len() != 0 {
		t.Errorf("err %v, stderr %q, unread %d", err, stderr.String(), r.Len())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken") }
