package survey

import (
	"strings"
	"testing"
)

func FuzzParseExpr(f *testing.F) {
	for _, seed := range []string{
		"${a} = 'x'", ". > 3 and . <= 10", "selected(${b}, 'ktp') or count-selected(${b}) >= 2",
		"not(${a} = '') and string-length(.) < 100", "number(${c}) div 0", "(1 + 2) * -3 mod 4",
		"${a} != \"y\"", "((((${a}))))", "1 < 2 < 3", "${", "'", "count-selected(", "é",
	} {
		f.Add(seed)
	}
	answers := []map[string]Answer{
		nil,
		{"a": {Value: "x"}, "b": {Value: "ktp kk"}, "c": {Value: "12"}},
		{"a": {Skipped: true}, "b": {Value: ""}, "c": {Value: "NaN"}},
	}
	selves := []*Answer{nil, {Value: "7"}, {Value: "teks"}, {Skipped: true}}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseExpr(src)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "col ") && !strings.HasPrefix(msg, "expression ") {
				t.Fatalf("error %q does not say where", msg)
			}
			return
		}
		if e.Source != src {
			t.Fatalf("Source = %q, want %q", e.Source, src)
		}
		seen := map[string]bool{}
		for _, r := range e.Refs() {
			if seen[r] || !strings.Contains(src, "${"+r+"}") {
				t.Fatalf("Refs() = %q: %q duplicated or not in the source", e.Refs(), r)
			}
			seen[r] = true
		}
		for _, a := range answers {
			for _, self := range selves {
				v, err := e.Eval(a, self)
				if err == nil {
					_ = v.String()
					_, _ = v.Number()
				}
				_ = e.True(a, self)
			}
		}
	})
}
