package runner

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/secrets"
)

// TestStepOutputMasksAcrossChunksAndLines writes two steps' output in
// parallel, cut at random chunk boundaries, and checks that every secret
// (multi-line ones included) is masked as Masker.String masks the whole
// stream, and that lines of the two steps never mix.
func TestStepOutputMasksAcrossChunksAndLines(t *testing.T) {
	vals := []string{"first line\nsecond line\nthird", "p$w`d\nnext-line", "tok-0123456789"}
	m := secrets.NewMasker(vals...)
	var text strings.Builder
	for i := range 40 {
		v := vals[i%len(vals)]
		switch i % 4 {
		case 0:
			text.WriteString("value: " + v + " end\n")
		case 1:
			text.WriteString(base64.StdEncoding.EncodeToString([]byte(v)) + "\n")
		case 2:
			text.WriteString("plain line without secrets\n")
		default:
			text.WriteString("x" + v + "y" + v + "\n")
		}
	}
	stream := text.String()
	want := strings.Split(strings.TrimSuffix(m.String(stream), "\n"), "\n")

	for seed := range uint64(30) {
		var out bytes.Buffer
		c := newConsole(output.New(output.Options{Out: &out, Masker: m}), true)
		rng := rand.New(rand.NewPCG(seed, 1))
		var wg sync.WaitGroup
		for _, step := range []string{"a", "b"} {
			o := newStepOutput(c, step, false)
			cuts := make([]int, 0, 64)
			for p := 0; p < len(stream); {
				n := 1 + rng.IntN(12)
				p = min(p+n, len(stream))
				cuts = append(cuts, p)
			}
			wg.Go(func() {
				prev := 0
				for _, p := range cuts {
					o.stdout.Write([]byte(stream[prev:p]))
					prev = p
				}
				o.Flush()
			})
		}
		wg.Wait()
		got := map[string][]string{}
		for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			step, rest, ok := strings.Cut(line, " | ")
			if !ok {
				t.Fatalf("seed %d: line without prefix: %q", seed, line)
			}
			got[step] = append(got[step], rest)
		}
		for _, step := range []string{"a", "b"} {
			if strings.Join(got[step], "\n") != strings.Join(want, "\n") {
				t.Fatalf("seed %d step %s:\n got %q\nwant %q", seed, step, got[step], want)
			}
		}
		for _, v := range vals {
			for _, form := range []string{v, base64.StdEncoding.EncodeToString([]byte(v))} {
				if strings.Contains(out.String(), form) {
					t.Fatalf("seed %d: %q in output", seed, form)
				}
			}
		}
	}
}

// TestSecretFileOwner checks who may read a secret volume's files.
func TestSecretFileOwner(t *testing.T) {
	step := func(user string, vols ...string) *graph.Step {
		s := &graph.Step{User: user}
		for _, v := range vols {
			s.VolumeMounts = append(s.VolumeMounts, &graph.VolumeMount{Name: v, MountPath: "/run/" + v})
		}
		return s
	}
	r := &run{steps: []*graph.Step{
		step("", "plain"), step("root", "plain"),
		step("1000", "uid"), step("1000:2000", "uidgid"),
		step("app", "named"), step("1000", "mixed"), step("", "mixed"),
	}}
	for _, tc := range []struct {
		vol      string
		uid, gid int
		mode     int64
	}{
		{"plain", 0, 0, 0o400}, {"unused", 0, 0, 0o400}, {"uid", 1000, 0, 0o400},
		{"uidgid", 1000, 2000, 0o400}, {"named", 0, 0, 0o444}, {"mixed", 0, 0, 0o444},
	} {
		uid, gid, mode := r.secretFileOwner(tc.vol)
		if uid != tc.uid || gid != tc.gid || mode != tc.mode {
			t.Errorf("%s: %d:%d %o; want %d:%d %o", tc.vol, uid, gid, mode, tc.uid, tc.gid, tc.mode)
		}
	}
}
