package survey

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func mustExpr(tb testing.TB, src string) *Expr {
	tb.Helper()
	e, err := ParseExpr(src)
	if err != nil {
		tb.Fatalf("ParseExpr(%q): %v", src, err)
	}
	return e
}

func TestParseExprErrors(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"(1 + 2", `col 7: expected ")"`},
		{"${a} = ", "col 8: expected a value, found end of expression"},
		{"${a = 1", `col 1: expected "}"`},
		{"$a = 1", `col 1: expected "{" after "$"`},
		{"${1a} = 1", `col 1: bad question name "1a"`},
		{"${a} = 'x", "col 8: unterminated string"},
		{"${a} == 1", "col 7: expected a value"},
		{"foo(1)", `col 1: unknown function or word "foo"`},
		{"selected(${a})", `col 14: expected ","`},
		{"number(1, 2)", `col 9: expected ")"`},
		{"1 < 2 < 3", "col 7: comparisons cannot be chained"},
		{"${a} # 1", "col 6: unexpected character '#'"},
		{"1 2", "col 3: unexpected number 2"},
		{"", "col 1: expected a value, found end of expression"},
		{"é = ${a} )", "col 1: unexpected character 'é'"},
		{"'é' = ${a} )", "col 12: unexpected \")\""},
		{strings.Repeat("(", 65) + "1" + strings.Repeat(")", 65), "nested deeper than 64"},
		{strings.Repeat("not ", 70) + "1", "nested deeper than 64"},
		{strings.Repeat("1 + ", 70) + "1", "nested deeper than 64"},
		{strings.Repeat("-", 70) + "1", "nested deeper than 64"},
		{strings.Repeat("x", MaxExprLength+1), "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.src[:min(len(tt.src), 30)], func(t *testing.T) {
			_, err := ParseExpr(tt.src)
			if err == nil {
				t.Fatalf("ParseExpr(%q) = nil error, want %q", tt.src, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseExpr(%q) error = %q, want it to contain %q", tt.src, err, tt.want)
			}
		})
	}
}

func TestParseExprDepthLimitAcceptsModerateNesting(t *testing.T) {
	src := strings.Repeat("(", 30) + "${a} = 1" + strings.Repeat(")", 30)
	e := mustExpr(t, src)
	if !e.True(map[string]Answer{"a": {Value: "1"}}, nil) {
		t.Fatalf("%s: want true", src)
	}
}

func TestExprRefs(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"${a} = 1 and ${b} > ${a} or selected(${c}, 'x')", []string{"a", "b", "c"}},
		{". > 3", nil},
		{"count-selected(${layanan_online}) >= 1", []string{"layanan_online"}},
		{"${umur.band} != ''", []string{"umur.band"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got := mustExpr(t, tt.src).Refs()
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Refs() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExprEval(t *testing.T) {
	answers := map[string]Answer{
		"usia":    {Value: "u17"},
		"umur":    {Value: "42"},
		"nilai":   {Value: "3"},
		"layanan": {Value: "ktp kk akta"},
		"nama":    {Value: "Siti Rahmah"},
		"lewat":   {Skipped: true},
		"desimal": {Value: "2.5"},
		"kata":    {Value: "10"},
	}
	self := &Answer{Value: "17"}
	tests := []struct {
		src  string
		want string // Value.String()
	}{
		{"${usia} = 'u17'", "true"},
		{`${usia} = "u17"`, "true"},
		{"${usia} != 'u17'", "false"},
		{"${umur} >= 17 and ${umur} < 65", "true"},
		{"${umur} > 100 or ${nilai} = 3", "true"},
		{"not(${nilai} = 3)", "false"},
		{"not ${nilai} = 3", "false"},
		{"${nilai} + 1", "4"},
		{"${nilai} * 2 - 1", "5"},
		{"${nilai} div 2", "1.5"},
		{"${nilai} / 2", "1.5"},
		{"${umur} mod 5", "2"},
		{"-${nilai} + 10", "7"},
		{"(1 + 2) * 3", "9"},
		{"1 + 2 * 3", "7"},
		{"selected(${layanan}, 'kk')", "true"},
		{"selected(${layanan}, 'k')", "false"},
		{"count-selected(${layanan})", "3"},
		{"count-selected(${tidak_ada})", "0"},
		{"string-length(${nama})", "11"},
		{"string-length('Sumatera Barat é')", "16"},
		{"number(${desimal}) > 2", "true"},
		{". >= 17", "true"},
		{". < 17", "false"},
		{"${tidak_ada} = ''", "true"},
		{"${lewat} = ''", "true"},
		{"${tidak_ada} > 3", "false"},
		// numeric when both sides are numbers: "10" > "9" numerically, not as text.
		{"${kata} > '9'", "true"},
		{"${nama} > 'Budi'", "true"},
		{".5 + 1", "1.5"},
		{"1 = 1.0", "true"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			v, err := mustExpr(t, tt.src).Eval(answers, self)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if v.String() != tt.want {
				t.Fatalf("Eval(%q) = %q, want %q", tt.src, v.String(), tt.want)
			}
		})
	}
}

func TestExprEvalErrors(t *testing.T) {
	answers := map[string]Answer{"n": {Value: "0"}, "t": {Value: "abc"}}
	tests := []struct {
		src  string
		want error
	}{
		{"10 div ${n}", ErrDivisionByZero},
		{"10 mod ${n}", ErrDivisionByZero},
		{"10 / 0", ErrDivisionByZero},
		{"${t} + 1", ErrNotANumber},
		{"number(${t})", ErrNotANumber},
		{"number(${kosong}) > 1", ErrNotANumber},
		{"-${t}", ErrNotANumber},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := mustExpr(t, tt.src)
			_, err := e.Eval(answers, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Eval(%q) error = %v, want %v", tt.src, err, tt.want)
			}
			if e.True(answers, nil) {
				t.Fatalf("True(%q) = true on an evaluation error", tt.src)
			}
		})
	}
}

func TestExprSourceKept(t *testing.T) {
	src := "${a} = 'x'"
	if got := mustExpr(t, src).Source; got != src {
		t.Fatalf("Source = %q, want %q", got, src)
	}
}
