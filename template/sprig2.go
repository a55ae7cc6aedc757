package template

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"text/template"
)

// ACR renders task templates with Sprig v2.22.0; acb links sprig/v3. These
// adjust v3's function map to v2.22's set and results, so a template that
// renders in acb renders the same on ACR.

// sprigV3Only are the functions Sprig v3 added after v2.22.0. ACR's
// templates cannot call them ("function X not defined").
var sprigV3Only = []string{
	"add1f", "addf", "all", "any", "bcrypt", "chunk", "dig", "divf", "duration", "durationRound",
	"fromJson", "genCAWithKey", "genSelfSignedCertWithKey", "genSignedCertWithKey", "get", "htpasswd",
	"maxf", "minf", "mulf", "mustAppend", "mustChunk", "mustCompact", "mustDateModify", "mustDeepCopy",
	"mustFirst", "mustFromJson", "mustHas", "mustInitial", "mustLast", "mustMerge", "mustMergeOverwrite",
	"mustPrepend", "mustPush", "mustRegexFind", "mustRegexFindAll", "mustRegexMatch", "mustRegexReplaceAll",
	"mustRegexReplaceAllLiteral", "mustRegexSplit", "mustRest", "mustReverse", "mustSlice", "mustToDate",
	"mustToJson", "mustToPrettyJson", "mustToRawJson", "mustUniq", "mustWithout", "must_date_modify",
	"osBase", "osClean", "osDir", "osExt", "osIsAbs", "randBytes", "randInt", "regexQuoteMeta", "seq",
	"sha512sum", "subf", "toRawJson",
}

// IsSprigV3Only reports whether name is a Sprig function that ACR's Sprig
// v2.22.0 lacks.
func IsSprigV3Only(name string) bool {
	for _, n := range sprigV3Only {
		if n == name {
			return true
		}
	}
	return false
}

// undefinedFuncRE matches text/template's message for an unknown function.
var undefinedFuncRE = regexp.MustCompile(`function "([^"]+)" not defined`)

// explainUndefined adds to an "function X not defined" message, when X is
// a Sprig v3 function, that ACR's Sprig v2.22 lacks it.
func explainUndefined(msg string) string {
	m := undefinedFuncRE.FindStringSubmatch(msg)
	if m == nil || !IsSprigV3Only(m[1]) {
		return msg
	}
	return msg + fmt.Sprintf(" (%s is a Sprig v3 function; ACR renders with Sprig v2.22, which lacks it)", m[1])
}

// sprigV2 turns a sprig/v3 function map into ACR's Sprig v2.22.0 one.
func sprigV2(fm template.FuncMap) {
	for _, n := range sprigV3Only {
		delete(fm, n)
	}
	// v2.22 slices s[0:c], so a negative length is a runtime error.
	fm["trunc"] = func(c int, s string) (string, error) {
		if c < 0 {
			return "", fmt.Errorf("runtime error: slice bounds out of range [:%d]", c)
		}
		if len(s) <= c {
			return s, nil
		}
		return s[:c], nil
	}
	fm["int64"] = v2Int64
	fm["int"] = func(v any) int { return int(v2Int64(v)) }
	fm["float64"] = v2Float64
	fm["add1"] = func(v any) int64 { return v2Int64(v) + 1 }
	fm["add"] = func(vs ...any) int64 {
		var sum int64
		for _, v := range vs {
			sum += v2Int64(v)
		}
		return sum
	}
	fm["sub"] = func(a, b any) int64 { return v2Int64(a) - v2Int64(b) }
	fm["div"] = func(a, b any) int64 { return v2Int64(a) / v2Int64(b) }
	fm["mod"] = func(a, b any) int64 { return v2Int64(a) % v2Int64(b) }
	fm["mul"] = func(a any, vs ...any) int64 {
		p := v2Int64(a)
		for _, v := range vs {
			p *= v2Int64(v)
		}
		return p
	}
	maxOf := func(a any, vs ...any) int64 {
		m := v2Int64(a)
		for _, v := range vs {
			m = max(m, v2Int64(v))
		}
		return m
	}
	fm["max"], fm["biggest"] = maxOf, maxOf
	fm["min"] = func(a any, vs ...any) int64 {
		m := v2Int64(a)
		for _, v := range vs {
			m = min(m, v2Int64(v))
		}
		return m
	}
	fm["floor"] = func(v any) float64 { return math.Floor(v2Float64(v)) }
	fm["ceil"] = func(v any) float64 { return math.Ceil(v2Float64(v)) }
	fm["round"] = v2Round
	if gen, ok := fm["genPrivateKey"].(func(string) string); ok {
		fm["genPrivateKey"] = func(typ string) string {
			if typ == "ed25519" { // added in v3
				return "Unknown type " + typ
			}
			return gen(typ)
		}
	}
}

// v2Int64 converts as Sprig v2.22 does: strings in base 10 only (anything
// else is 0), numbers truncated, booleans 1 or 0, everything else 0.
func v2Int64(v any) int64 {
	if s, ok := v.(string); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0
		}
		return n
	}
	rv := reflect.Indirect(reflect.ValueOf(v))
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u)
		}
		return math.MaxInt64
	case reflect.Float32, reflect.Float64:
		return int64(rv.Float())
	case reflect.Bool:
		if rv.Bool() {
			return 1
		}
	}
	return 0
}

// v2Float64 converts as Sprig v2.22 does (strings with ParseFloat).
func v2Float64(v any) float64 {
	if s, ok := v.(string); ok {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0
		}
		return f
	}
	rv := reflect.Indirect(reflect.ValueOf(v))
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.Bool:
		if rv.Bool() {
			return 1
		}
	}
	return 0
}

// v2Round rounds v to places decimals, rounding up from roundOn (default
// .5) as Sprig's round does.
func v2Round(v any, places int, roundOn ...float64) float64 {
	on := .5
	if len(roundOn) > 0 {
		on = roundOn[0]
	}
	pow := math.Pow(10, float64(places))
	digit := pow * v2Float64(v)
	if _, frac := math.Modf(digit); frac >= on {
		return math.Ceil(digit) / pow
	}
	return math.Floor(digit) / pow
}
