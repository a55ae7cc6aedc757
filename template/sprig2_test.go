package template

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/Masterminds/sprig/v3"
)

// TestSprigV2FunctionSet checks the function map is exactly Sprig v2.22's:
// every v3-only function is gone and is an error naming what ACR lacks.
func TestSprigV2FunctionSet(t *testing.T) {
	t.Parallel()
	fm := funcMap(context.Background(), nil, 1000)
	if len(sprigV3Only) != 61 {
		t.Errorf("%d v3-only functions listed, want 61", len(sprigV3Only))
	}
	for _, n := range sprigV3Only {
		if _, ok := fm[n]; ok {
			t.Errorf("%s is offered; ACR's Sprig v2.22 lacks it", n)
		}
		if _, ok := sprig.TxtFuncMap()[n]; !ok {
			t.Errorf("%s is not a sprig/v3 function", n)
		}
	}
	var missing []string
	for n := range sprig.TxtFuncMap() {
		if _, ok := fm[n]; !ok && !IsSprigV3Only(n) {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("v2.22 functions missing: %v", missing)
	}
	for _, in := range []string{`{{ seq 3 }}`, `{{ dict "a" 1 | get "a" }}`, `{{ "x" | sha512sum }}`, `{{ mustToJson 1 }}`} {
		_, err := Render(context.Background(), "t.yaml", "a: 1\nb: "+in, Data{}, RenderOptions{})
		if err == nil || !strings.Contains(err.Error(), "t.yaml:2:") || !strings.Contains(err.Error(), "not defined") ||
			!strings.Contains(err.Error(), "ACR renders with Sprig v2.22, which lacks it") {
			t.Errorf("Render(%s) err = %v, want a positioned 'not defined' error saying ACR lacks it", in, err)
		}
	}
	_, err := Render(context.Background(), "t.yaml", `{{ nosuchfunc 1 }}`, Data{}, RenderOptions{})
	if err == nil || strings.Contains(err.Error(), "Sprig v3") {
		t.Errorf("unknown function error = %v", err)
	}
}

// TestSprigV2Results checks the functions whose results changed in v3
// give v2.22's.
func TestSprigV2Results(t *testing.T) {
	t.Parallel()
	data := Data{Values: map[string]any{"n": "12", "f": 2.7, "b": true}}
	for in, want := range map[string]string{
		`{{ trunc 3 "abcdef" }}`:           "abc",
		`{{ trunc 10 "abc" }}`:             "abc",
		`{{ int64 "0x10" }}`:               "0",
		`{{ int "010" }}`:                  "10",
		`{{ int "5.0" }}`:                  "0",
		`{{ int64 "42" }}`:                 "42",
		`{{ float64 "1.5" }}`:              "1.5",
		`{{ add 1 "2" .Values.n }}`:        "15",
		`{{ add1 "0x1" }}`:                 "1",
		`{{ sub 10 .Values.f }}`:           "8",
		`{{ mul 2 3 "4" }}`:                "24",
		`{{ div 7 2 }}`:                    "3",
		`{{ mod 7 "3" }}`:                  "1",
		`{{ max 1 "7" 3 }}`:                "7",
		`{{ biggest 1 "0x9" 3 }}`:          "3",
		`{{ min 4 "2" 3 }}`:                "2",
		`{{ floor "2.7" }}`:                "2",
		`{{ ceil .Values.f }}`:             "3",
		`{{ round 3.14159 2 }}`:            "3.14",
		`{{ round "2.5" 0 }}`:              "3",
		`{{ add .Values.b 1 }}`:            "2",
		`{{ genPrivateKey "ed25519" }}`:    "Unknown type ed25519",
		`{{ list 1 2 3 | last }}`:          "3",
		`{{ "hello" | upper | repeat 2 }}`: "HELLOHELLO",
	} {
		if got := renderText(t, in, data, RenderOptions{}); got != want {
			t.Errorf("Render(%s) = %q, want %q", in, got, want)
		}
	}
	_, err := Render(context.Background(), "t.yaml", `{{ trunc -3 "abcdef" }}`, Data{}, RenderOptions{})
	if err == nil || !strings.Contains(err.Error(), "error calling trunc: runtime error: slice bounds out of range") {
		t.Errorf("trunc -3 err = %v, want ACR's runtime error", err)
	}
}
