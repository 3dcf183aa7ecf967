package scoring

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

func TestFactsRoundTrip(t *testing.T) {
	in := Facts{{Element: "asn.kendala", Value: "internet anggaran"}, {Element: "dampak.menit_hemat", Skipped: true},
		{Element: "a.text", Value: "x;y"}, {Element: "dampak.hemat_waktu", Value: "tt"}}
	enc := EncodeFacts(in)
	if enc != "asn.kendala=internet anggaran;dampak.hemat_waktu=tt;dampak.menit_hemat=~" {
		t.Fatalf("encoded %q", enc)
	}
	out := ParseFacts(enc)
	if f, ok := out.Get("asn.kendala"); !ok || f.Value != "internet anggaran" {
		t.Errorf("kendala %+v", f)
	}
	if f, _ := out.Get("dampak.menit_hemat"); !f.Skipped || f.Value != "" {
		t.Errorf("skipped %+v", f)
	}
	if f, _ := out.Get("dampak.hemat_waktu"); f.Value != "tt" {
		t.Errorf("tt answer %+v", f)
	} else if _, ok := f.Number(); ok {
		t.Error("tt read as a number")
	}
}

func TestSuppressionAtFourAndFive(t *testing.T) {
	def, _ := DefOf(IndexCSAT)
	p := survey.PeriodOf(survey.PeriodMonth, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC)
	four := IndexSnapshot(def, IndexCSAT, ScopeService, "a", p, IndexAgg{N: 4, Part: 4})
	five := IndexSnapshot(def, IndexCSAT, ScopeService, "a", p, IndexAgg{N: 5, Part: 4})
	if four.Valid || four.Status != StatusSuppressed || four.N != 4 || four.Value != 0 {
		t.Errorf("n = 4: %+v, want suppressed without a value", four)
	}
	if !five.Valid || five.Status != "" || five.Value != 80 || five.N != 5 {
		t.Errorf("n = 5: %+v, want 80 %%", five)
	}
}

// TestAggregatesMatchPureFunctions: random digital respondents, each asked
// a random subset of the impact and NKP items; the roll-up's figures equal
// the pure functions over the same answers, split over two services and
// pooled.
func TestAggregatesMatchPureFunctions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	var dampak []map[string]int
	var nkpAnswers []map[string]int
	var freqs, csat []int
	benefit := []string{"nkp.manfaat.a", "nkp.manfaat.b"}
	cost := []string{"nkp.biaya.a", "nkp.biaya.b", "nkp.biaya.c"}
	services := map[string]scopeAggs{"a": {}, "b": {}}
	for i := range 200 {
		var fs Facts
		d, n := map[string]int{}, map[string]int{}
		for _, j := range rng.Perm(8)[:1+rng.IntN(4)] {
			v := rng.IntN(6) // 0: Tidak tahu
			d[ImpactItems()[j]] = v
			val := strconv.Itoa(v)
			if v == 0 {
				val = "tt"
			}
			fs = append(fs, Fact{Element: PrefixDampak + ImpactItems()[j], Value: val})
		}
		for _, it := range append(append([]string{}, benefit...), cost...) {
			if rng.IntN(2) == 0 {
				v := 1 + rng.IntN(5)
				n[it] = v
				fs = append(fs, Fact{Element: it, Value: strconv.Itoa(v)})
			}
		}
		f, c := 1+rng.IntN(5), 1+rng.IntN(5)
		fs = append(fs, Fact{Element: ElemFrekuensi, Value: strconv.Itoa(f)}, Fact{Element: ElemCSAT, Value: strconv.Itoa(c)})
		dampak, nkpAnswers, freqs, csat = append(dampak, d), append(nkpAnswers, n), append(freqs, f), append(csat, c)
		svc := services[map[bool]string{true: "a", false: "b"}[i%2 == 0]]
		contribute(ResponseSummary{Facts: fs}, nil, funcSink(func(k string, a IndexAgg) {
			cur := svc[k]
			cur.Add(a)
			svc[k] = cur
		}))
	}
	pool := poolScopes(services)
	check := func(key string, want float64, n int) {
		t.Helper()
		def, _ := DefOf(key)
		if f := FigureOf(def, pool[key]); !f.Valid || math.Abs(f.Value-want) > 1e-9 || (n > 0 && f.N != n) {
			t.Errorf("%s: %+v, want %v (n %d)", key, f, want, n)
		}
	}
	imp := IndeksDampak(dampak)
	check(IndexDampak, imp.Index.Value, imp.Index.N)
	check(IndexEfisiensi, imp.Efisiensi.Value, imp.Efisiensi.N)
	check(IndexTransparansi, imp.Transparansi.Value, imp.Transparansi.N)
	check(IndexIntegritas, imp.Integritas.Value, imp.Integritas.N)
	check(IndexKepercayaan, imp.Kepercayaan.Value, imp.Kepercayaan.N)
	nkp := NKP(nkpAnswers, benefit, cost)
	check(IndexNKP, nkp.Value, nkp.N)
	check(IndexPemanfaatan, IndeksPemanfaatan(freqs).Value, 200)
	check(IndexCSAT, CSAT(csat).Value, 200)
}

// TestMediansFromCounts: values kept as distinct values with counts, pooled
// in any order, give the pure functions' medians (rupiah winsorised).
func TestMediansFromCounts(t *testing.T) {
	vs := []float64{60, 15, 60, 0, 30, 60, 2000000, 15, 45, 30, 30}
	var a, b IndexAgg
	for i, v := range vs {
		if i%3 == 0 {
			a.Add(valueAgg(v))
		} else {
			b.Add(valueAgg(v))
		}
	}
	b.Add(a)
	if !slices.Equal(b.Values, []float64{0, 15, 30, 45, 60, 2000000}) || !slices.Equal(b.Counts, []int{1, 2, 3, 1, 3, 1}) || b.N != len(vs) {
		t.Fatalf("pooled %+v", b)
	}
	checkMedians(t, vs, b)
	// An even number of values where p95 caps the largest (rank 19 of 20),
	// and the two middle values straddle a repeated one.
	even := []float64{5, 1, 9, 1, 7, 3, 3, 8, 2, 6, 4, 4, 10, 2, 5, 6, 7, 8, 9, 1e9}
	var e IndexAgg
	for _, v := range even {
		e.Add(valueAgg(v))
	}
	checkMedians(t, even, e)
	if _, v, _ := e.median(e.percentile(50)); v != MedianOf(Winsorise(even, 50)).Value {
		t.Errorf("median capped at p50: %v, want %v", v, MedianOf(Winsorise(even, 50)).Value)
	}
}

// checkMedians compares both median indices of a with the pure functions
// over vs.
func checkMedians(t *testing.T, vs []float64, a IndexAgg) {
	t.Helper()
	for _, key := range []string{IndexMenitHemat, IndexRupiahHemat} {
		def, _ := DefOf(key)
		want := MedianOf(vs).Value
		if key == IndexRupiahHemat {
			want = MedianOf(Winsorise(vs, RupiahWinsorPercentile)).Value
		}
		if f := FigureOf(def, a); !f.Valid || f.Value != want || f.N != len(vs) {
			t.Errorf("%s: %+v, want %v of %d", key, f, want, len(vs))
		}
	}
}

// funcSink sends every contribution to one function.
type funcSink func(key string, a IndexAgg)

func (f funcSink) emit(key string, a IndexAgg) { f(key, a) }

func (f funcSink) emitNonResponse(element string, a IndexAgg) { f(nonResponsePrefix+element, a) }
