package scoring

import (
	"errors"
	"math"
	"testing"
)

const eps = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) <= eps }

// uniform is a respondent who gave score s to all nine unsur.
func uniform(s int) Respondent {
	r := Respondent{}
	for _, k := range UnsurKeys() {
		r[k] = s
	}
	return r
}

// withSum is a complete respondent whose nine answers (3s and 4s) sum to s,
// 27 ≤ s ≤ 36.
func withSum(tb testing.TB, s int) Respondent {
	tb.Helper()
	if s < 27 || s > 36 {
		tb.Fatalf("withSum(%d): want 27..36", s)
	}
	r := uniform(3)
	for i, k := range UnsurKeys() {
		if i < s-27 {
			r[k] = 4
		}
	}
	return r
}

func repeat(r Respondent, n int) []Respondent {
	out := make([]Respondent, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func TestIKMTwoRespondents(t *testing.T) {
	// Hand computation: every NRR = (4+3)/2 = 3.5, IKM = 25 × 3.5 = 87.5.
	// y = 100 and 75: mean 87.5, sd = √(2·12.5²/1) = 17.6777, half-width
	// 1.96 · 17.6777/√2 = 24.5.
	r := IKMFromAnswers([]Respondent{uniform(4), uniform(3)}, DefaultWeights(), 1000)
	if !r.Valid || r.N != 2 {
		t.Fatalf("Valid=%v N=%d, want a figure over 2", r.Valid, r.N)
	}
	if !near(r.Value, 87.5) || r.Rounded != 87.5 || r.Mutu != MutuB || r.Kinerja != KinerjaBaik {
		t.Errorf("IKM = %v (%v) %q %q, want 87.5 B Baik", r.Value, r.Rounded, r.Mutu, r.Kinerja)
	}
	for _, e := range r.Elements {
		if !near(e.NRR, 3.5) || e.Count != 2 || e.Mutu != MutuB {
			t.Errorf("element %s = %+v, want NRR 3.5 over 2, B", e.Key, e)
		}
	}
	if !r.HasCI || r.FPC || !near(r.CILow, 63) || !near(r.CIHigh, 112) {
		t.Errorf("CI = [%v, %v] fpc=%v, want [63, 112] without FPC", r.CILow, r.CIHigh, r.FPC)
	}
	if !r.Uncertain {
		t.Error("a CI from D to A must be belum pasti")
	}
	if r.RequiredN != 278 || r.Status != StatusSementara {
		t.Errorf("required %d %q, want 278 Sementara", r.RequiredN, r.Status)
	}
}

func TestIKMMissingAnswerToOneUnsur(t *testing.T) {
	a, b, c := uniform(4), uniform(4), uniform(2)
	delete(b, "waktu")
	c["waktu"] = 1
	r := IKMFromAnswers([]Respondent{a, b, c}, DefaultWeights(), 0)
	// waktu: (4+1)/2 = 2.5 over the two who answered (not 5/3). Others 10/3.
	// IKM = 25 × (8·10/3 + 5/2)/9 = 4375/54.
	want := 4375.0 / 54
	if !r.Valid || !near(r.Value, want) {
		t.Fatalf("IKM = %v, want %v", r.Value, want)
	}
	w := r.Elements[2]
	if w.Key != "waktu" || w.Count != 2 || !near(w.NRR, 2.5) || w.Mutu != MutuD {
		t.Errorf("waktu = %+v, want NRR 2.5 over 2, D (62.5)", w)
	}
	if r.Lowest.Key != "waktu" || r.Highest.Key != "persyaratan" {
		t.Errorf("lowest %q highest %q, want waktu, persyaratan (first of the ties)", r.Lowest.Key, r.Highest.Key)
	}
	if r.Status != StatusUnknown || r.RequiredN != 0 || len(r.MissingElements) != 0 {
		t.Errorf("status %q required %d missing %v", r.Status, r.RequiredN, r.MissingElements)
	}
}

func TestIKMUnequalWeights(t *testing.T) {
	w := Weights{{"persyaratan", 0.25}, {"prosedur", 0.75}}
	rs := []Respondent{{"persyaratan": 4, "prosedur": 2}, {"persyaratan": 2, "prosedur": 2}}
	r := IKMFromAnswers(rs, w, 0)
	// NRR 3 and 2: 25 × (0.25·3 + 0.75·2) = 56.25 (equal weights give 62.5).
	if !near(r.Value, 56.25) || r.Mutu != MutuD {
		t.Errorf("IKM = %v %q, want 56.25 D", r.Value, r.Mutu)
	}
	if eq := IKMFromAnswers(rs, EqualWeights([]string{"persyaratan", "prosedur"}), 0); !near(eq.Value, 62.5) {
		t.Errorf("equal weights IKM = %v, want 62.5", eq.Value)
	}
}

func TestIKMExactNinthNotPoint111(t *testing.T) {
	if got := DefaultWeights()[0].Value; got != 1.0/9 || got == 0.111 {
		t.Fatalf("weight = %v, want exactly 1/9", got)
	}
	r := IKMFromAnswers([]Respondent{uniform(4)}, DefaultWeights(), 0)
	if math.Abs(r.Value-100) > 1e-12 || r.Rounded != 100 {
		t.Errorf("all 4s: IKM = %.15f, want 100 (0.111 would give 99.9)", r.Value)
	}
	// 0.111 would give 25 × 4 × 0.999 = 99.9; such weights are refused.
	rounded := EqualWeights(UnsurKeys())
	for i := range rounded {
		rounded[i].Value = 0.111
	}
	if err := rounded.Validate(); !errors.Is(err, ErrInvalidWeights) {
		t.Errorf("0.111 weights: Validate = %v, want ErrInvalidWeights", err)
	}
	if bad := IKMFromAnswers([]Respondent{uniform(4)}, rounded, 0); bad.Valid || !errors.Is(bad.Err, ErrInvalidWeights) {
		t.Errorf("0.111 weights gave a figure: %v %v", bad.Value, bad.Err)
	}
}

func TestIKMNRRNotRoundedBeforeWeighting(t *testing.T) {
	// NRR 3.53245 everywhere: IKM 88.31125 → A. Rounding NRR to 3.53 first
	// would give 88.25 → B.
	elems := map[string]ElementAgg{}
	for _, k := range UnsurKeys() {
		elems[k] = ElementAgg{Sum: 35324.5, Count: 10000}
	}
	r := IKMFromAggregates(elems, RespondentAgg{N: 10000, SumY: 883112.5}, DefaultWeights(), 0)
	if !near(r.Value, 88.31125) || r.Mutu != MutuA {
		t.Errorf("IKM = %v %q, want 88.31125 A", r.Value, r.Mutu)
	}
}

func TestIKMSmallSamples(t *testing.T) {
	t.Run("n=0", func(t *testing.T) {
		for _, rs := range [][]Respondent{nil, {{"persyaratan": 0, "waktu": 7}}} {
			r := IKMFromAnswers(rs, DefaultWeights(), 100)
			if r.Valid || r.Value != 0 || r.Mutu != MutuNone || !errors.Is(r.Err, ErrNoResponses) {
				t.Errorf("no respondents gave %+v", r)
			}
		}
	})
	t.Run("n=1", func(t *testing.T) {
		r := IKMFromAnswers([]Respondent{uniform(3)}, DefaultWeights(), 100)
		if !r.Valid || r.N != 1 || !near(r.Value, 75) || r.Mutu != MutuC {
			t.Errorf("IKM = %v n=%d %q, want 75 over 1, C", r.Value, r.N, r.Mutu)
		}
		if r.Lowest.Key != "persyaratan" || r.Highest.Key != "persyaratan" {
			t.Errorf("all equal: lowest %q highest %q, want the first unsur for both", r.Lowest.Key, r.Highest.Key)
		}
		if r.HasCI || r.Uncertain {
			t.Errorf("n = 1 must have no CI: %+v", r)
		}
	})
}

func TestIKMFinitePopulationCorrection(t *testing.T) {
	rs := []Respondent{uniform(4), uniform(3)} // half-width 24.5 without FPC
	tests := []struct {
		name string
		pop  int
		fpc  bool
		half float64
	}{
		{"unknown N", 0, false, 24.5},
		{"n/N = 0.2%", 1000, false, 24.5},
		{"n/N = 5% exactly", 40, false, 24.5},
		{"n/N = 20%", 10, true, 24.5 * math.Sqrt(8.0/9)},
		{"census", 2, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := IKMFromAnswers(rs, DefaultWeights(), tt.pop)
			if r.FPC != tt.fpc || !near(r.CIHigh-87.5, tt.half) || !near(87.5-r.CILow, tt.half) {
				t.Errorf("FPC=%v CI=[%v, %v], want FPC=%v half-width %v", r.FPC, r.CILow, r.CIHigh, tt.fpc, tt.half)
			}
		})
	}
}

func TestIKMConfidenceStraddlesEdge(t *testing.T) {
	// Answer sums 32 (y = 800/9) and 31 (y = 775/9) mixed 68:32 give an IKM
	// of exactly 88.00 (B). sd = (25/9)·√(0.68·0.32·n/(n−1)).
	tests := []struct {
		n         int
		uncertain bool
	}{
		{50, true},   // half-width 0.363: [87.64, 88.36] crosses 88.31
		{100, false}, // half-width 0.255: [87.74, 88.26] stays in B
	}
	for _, tt := range tests {
		t.Run(map[bool]string{true: "straddles", false: "inside"}[tt.uncertain], func(t *testing.T) {
			hi := tt.n * 68 / 100
			rs := append(repeat(withSum(t, 32), hi), repeat(withSum(t, 31), tt.n-hi)...)
			r := IKMFromAnswers(rs, DefaultWeights(), 0)
			n := float64(tt.n)
			half := 1.96 * 25.0 / 9 * math.Sqrt(0.68*0.32*n/(n-1)) / math.Sqrt(n)
			if !near(r.Value, 88) || r.Mutu != MutuB {
				t.Fatalf("IKM = %v %q, want 88 B", r.Value, r.Mutu)
			}
			if !near(r.CILow, 88-half) || !near(r.CIHigh, 88+half) || r.Uncertain != tt.uncertain {
				t.Errorf("CI [%v, %v] uncertain=%v, want [%v, %v] %v",
					r.CILow, r.CIHigh, r.Uncertain, 88-half, 88+half, tt.uncertain)
			}
		})
	}
}

func TestIKMElementNobodyAnswered(t *testing.T) {
	rs := repeat(uniform(4), 3)
	rs = append(rs, uniform(2))
	for _, r := range rs {
		delete(r, "pengaduan") // shared maps: pengaduan gone for all
	}
	r := IKMFromAnswers(rs, DefaultWeights(), 0)
	// Eight answered elements, each NRR (3·4+2)/4 = 3.5; weights rescaled.
	if !r.Valid || !near(r.Value, 87.5) || len(r.MissingElements) != 1 || r.MissingElements[0] != "pengaduan" {
		t.Errorf("IKM = %v missing %v, want 87.5 with pengaduan missing", r.Value, r.MissingElements)
	}
}

func TestWeightsValidate(t *testing.T) {
	tests := []struct {
		name string
		w    Weights
		ok   bool
	}{
		{"nine ninths", DefaultWeights(), true},
		{"custom", Weights{{"a", 0.2}, {"b", 0.3}, {"c", 0.5}}, true},
		{"within 1e-9", Weights{{"a", 0.5}, {"b", 0.5 + 5e-10}}, true},
		{"empty", nil, false},
		{"sum 0.99", Weights{{"a", 0.49}, {"b", 0.5}}, false},
		{"negative", Weights{{"a", 1.5}, {"b", -0.5}}, false},
		{"duplicate", Weights{{"a", 0.5}, {"a", 0.5}}, false},
		{"empty key", Weights{{"", 1}}, false},
		{"NaN", Weights{{"a", math.NaN()}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalidWeights)) {
				t.Errorf("Validate = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestWeightsFromMap(t *testing.T) {
	if got := WeightsFromMap(nil); len(got) != 9 || got[8].Element != "pengaduan" || got[8].Value != 1.0/9 {
		t.Errorf("empty map = %v, want the nine unsur at 1/9", got)
	}
	got := WeightsFromMap(map[string]float64{"zona": 0.1, "waktu": 0.5, "persyaratan": 0.4})
	want := []string{"persyaratan", "waktu", "zona"}
	for i, w := range got {
		if w.Element != want[i] {
			t.Fatalf("order = %v, want %v", got, want)
		}
	}
}
