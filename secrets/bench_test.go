package secrets

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// benchInput returns about 4 MiB of build-log-like text with a few secrets
// in it, and 40 secrets of 16 to 64 bytes.
func benchInput() (secrets []string, text []byte) {
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/="
	for range 40 {
		b := make([]byte, 16+r.IntN(49))
		for i := range b {
			b[i] = chars[r.IntN(len(chars))]
		}
		secrets = append(secrets, string(b))
	}
	var buf bytes.Buffer
	for i := 0; buf.Len() < 4<<20; i++ {
		fmt.Fprintf(&buf, "#%d [stage-1 %d/12] RUN go build -o /out/app ./cmd/app sha256:%x\n", i, i%12, r.Uint64())
		if i%1000 == 0 {
			fmt.Fprintf(&buf, "token=%s\n", secrets[r.IntN(len(secrets))])
		}
	}
	return secrets, buf.Bytes()
}

func BenchmarkMaskWriter(b *testing.B) {
	secrets, text := benchInput()
	m := NewMasker(secrets...)
	for _, chunk := range []int{512, 32 << 10} {
		b.Run(fmt.Sprintf("chunk=%d", chunk), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				w := m.Writer(io.Discard)
				for p := text; len(p) > 0; {
					n := min(chunk, len(p))
					w.Write(p[:n])
					p = p[n:]
				}
				w.Close()
			}
		})
	}
}

func BenchmarkString(b *testing.B) {
	secrets, text := benchInput()
	m := NewMasker(secrets...)
	s := string(text)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		m.String(s)
	}
}

func BenchmarkNewMasker(b *testing.B) {
	secrets, _ := benchInput()
	for b.Loop() {
		NewMasker(secrets...)
	}
}
