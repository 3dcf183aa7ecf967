package scoring

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Index keys of the snapshots beside the IKM, as INDICATORS.md names them.
// Keys ending in "." are prefixes completed by an element or system.
const (
	IndexPemanfaatan     = "pemanfaatan"
	IndexOnlineChoice    = "online_choice"
	IndexAwarenessGap    = "awareness_gap"
	IndexDigitalTakeUp   = "digital_takeup"
	IndexDampak          = "dampak"
	IndexEfisiensi       = "dampak.efisiensi"
	IndexTransparansi    = "dampak.transparansi"
	IndexIntegritas      = "dampak.integritas"
	IndexKepercayaan     = "dampak.kepercayaan"
	IndexMenitHemat      = "dampak.menit_hemat"
	IndexRupiahHemat     = "dampak.rupiah_hemat"
	IndexKunjungan       = "dampak.kunjungan"
	IndexNKP             = "nkp"
	IndexCSAT            = "csat"
	IndexCES             = "ces"
	IndexNPS             = "nps"
	IndexCompletion      = "completion_rate"
	IndexNonResponse     = "item_nonresponse" // per element in its details
	nonResponsePrefix    = IndexNonResponse + "."
	IndexVulnerable      = "vulnerable_share"
	IndexASNWeekly       = "asn.weekly_use." // + system
	IndexASNPorsiDigital = "asn.porsi_digital"
	IndexASNKendala      = "asn.kendala"
	IndexASNJamHemat     = "asn.jam_hemat"
	IndexASNDampak       = "asn.dampak"
)

// MinReportN is the fewest respondents a figure may be shown for
// (INDICATORS.md §6); a figure of fewer is stored as suppressed.
const MinReportN = 5

// StatusSuppressed is the status of a figure from fewer than MinReportN
// respondents: stored without a value, never shown.
const StatusSuppressed Status = "suppressed"

// Measure is how an index aggregates its respondents.
type Measure int

// Measures.
const (
	MeasureMean    Measure = iota + 1 // Sum / N
	MeasurePercent                    // Part / N × 100
	MeasureMedian                     // median of the values (Values, Counts)
	MeasureNKP                        // nk − nb from Items
	MeasureNPS                        // (Part − Neg) / N × 100
	MeasureRanked                     // Items counts ranked; value: share of the first
	MeasureItems                      // per item Sum of Count missing; value: the highest share
)

// IndexDef describes one index: its key (or key prefix), how it
// aggregates, its band and who answers it. The recompute, the storage, the
// CLI and the weekly summary share this one registry.
type IndexDef struct {
	Key      string
	Measure  Measure
	Official bool // from the officials' survey: OPD and city scopes only
	Band     func(float64) string
	Label    map[string]string // id, en
	Unit     string            // "", "%", "menit", "Rp", "jam"
}

func levelBand(v float64) string { return string(LevelOf(v)) }
func nkpBand(v float64) string   { return string(NKPBandOf(v)) }

func lbl(id, en string) map[string]string { return map[string]string{"id": id, "en": en} }

// indexDefs is the registry, in report order.
var indexDefs = []IndexDef{
	{Key: IndexPemanfaatan, Measure: MeasureMean, Band: levelBand, Label: lbl("Indeks Pemanfaatan", "Usage index")},
	{Key: IndexOnlineChoice, Measure: MeasurePercent, Unit: "%", Label: lbl("Memilih online", "Online choice")},
	{Key: IndexAwarenessGap, Measure: MeasurePercent, Unit: "%", Label: lbl("Tidak tahu ada layanan online", "Awareness gap")},
	{Key: IndexDigitalTakeUp, Measure: MeasurePercent, Unit: "%", Label: lbl("Transaksi digital", "Digital take-up")},
	{Key: IndexDampak, Measure: MeasureMean, Band: levelBand, Label: lbl("Indeks Dampak", "Impact index")},
	{Key: IndexEfisiensi, Measure: MeasureMean, Band: levelBand, Label: lbl("Efisiensi", "Efficiency")},
	{Key: IndexTransparansi, Measure: MeasureMean, Band: levelBand, Label: lbl("Transparansi", "Transparency")},
	{Key: IndexIntegritas, Measure: MeasureMean, Band: levelBand, Label: lbl("Integritas", "Integrity")},
	{Key: IndexKepercayaan, Measure: MeasureMean, Band: levelBand, Label: lbl("Kepercayaan", "Trust")},
	{Key: IndexMenitHemat, Measure: MeasureMedian, Unit: "menit", Label: lbl("Median menit dihemat", "Median minutes saved")},
	{Key: IndexRupiahHemat, Measure: MeasureMedian, Unit: "Rp", Label: lbl("Median rupiah dihemat", "Median rupiah saved")},
	{Key: IndexKunjungan, Measure: MeasureMean, Label: lbl("Rata-rata kunjungan ke kantor", "Mean office visits")},
	{Key: IndexNKP, Measure: MeasureNKP, Band: nkpBand, Label: lbl("NKP", "NKP")},
	{Key: IndexCSAT, Measure: MeasurePercent, Unit: "%", Label: lbl("CSAT", "CSAT")},
	{Key: IndexCES, Measure: MeasureMean, Label: lbl("CES (1–7)", "CES (1–7)")},
	{Key: IndexNPS, Measure: MeasureNPS, Label: lbl("NPS", "NPS")},
	{Key: IndexCompletion, Measure: MeasurePercent, Unit: "%", Label: lbl("Tingkat penyelesaian", "Completion rate")},
	{Key: IndexVulnerable, Measure: MeasurePercent, Unit: "%", Label: lbl("Responden disabilitas/60+", "Disability/60+ share")},
	{Key: IndexNonResponse, Measure: MeasureItems, Unit: "%", Label: lbl("Tidak dijawab (tertinggi)", "Item non-response (highest)")},
	{Key: IndexASNWeekly, Measure: MeasurePercent, Official: true, Unit: "%", Label: lbl("ASN memakai tiap minggu", "Officials using weekly")},
	{Key: IndexASNPorsiDigital, Measure: MeasureMean, Official: true, Unit: "%", Label: lbl("Porsi kerja digital", "Share of work done digitally")},
	{Key: IndexASNDampak, Measure: MeasureMean, Official: true, Band: levelBand, Label: lbl("Indeks Dampak ASN", "Officials' impact index")},
	{Key: IndexASNJamHemat, Measure: MeasureMedian, Official: true, Unit: "jam", Label: lbl("Median jam dihemat/minggu", "Median hours saved a week")},
	{Key: IndexASNKendala, Measure: MeasureRanked, Official: true, Unit: "%", Label: lbl("Kendala utama", "Main obstacle")},
}

// IndexDefs returns the registry in report order (prefix keys end in ".").
func IndexDefs() []IndexDef { return slices.Clone(indexDefs) }

// DefOf returns the definition of an index key, resolving prefixes.
func DefOf(key string) (IndexDef, bool) {
	for _, d := range indexDefs {
		if d.Key == key || (strings.HasSuffix(d.Key, ".") && strings.HasPrefix(key, d.Key)) {
			return d, true
		}
	}
	return IndexDef{}, false
}

// IndexAgg is what an index keeps per scope and period so that services
// pool exactly into OPDs and the city: N respondents and, by measure, the
// sum of per-respondent values, the counted parts, the values (medians) or
// per-item sums and counts (NKP items, obstacles).
type IndexAgg struct {
	N      int                   `json:"n"`
	Sum    float64               `json:"sum,omitempty"`
	Part   int                   `json:"part,omitempty"`
	Neg    int                   `json:"neg,omitempty"`
	Values []float64             `json:"values,omitempty"` // distinct values, ascending (medians)
	Counts []int                 `json:"counts,omitempty"` // how many respondents gave each
	Items  map[string]ElementAgg `json:"items,omitempty"`
}

// Add pools b into a. a's value lists are its own: a copy of an IndexAgg
// that is added to must not be added to as well.
func (a *IndexAgg) Add(b IndexAgg) {
	a.N += b.N
	a.Sum += b.Sum
	a.Part += b.Part
	a.Neg += b.Neg
	switch {
	case len(b.Values) == 1 && len(a.Values) > 0: // one respondent's value: in place
		i, found := slices.BinarySearch(a.Values, b.Values[0])
		if found {
			a.Counts[i] += b.Counts[0]
		} else {
			a.Values, a.Counts = slices.Insert(a.Values, i, b.Values[0]), slices.Insert(a.Counts, i, b.Counts[0])
		}
	case len(b.Values) > 0: // never shares b's slices
		a.Values, a.Counts = mergeCounts(a.Values, a.Counts, b.Values, b.Counts)
	}
	for k, v := range b.Items {
		if a.Items == nil {
			a.Items = map[string]ElementAgg{}
		}
		a.Items[k] = a.Items[k].Add(v)
	}
}

// valueAgg is one respondent's value of a median index.
func valueAgg(v float64) IndexAgg {
	return IndexAgg{N: 1, Values: []float64{v}, Counts: []int{1}}
}

// mergeCounts merges two ascending lists of distinct values with their
// counts into new slices.
func mergeCounts(av []float64, ac []int, bv []float64, bc []int) ([]float64, []int) {
	vs := make([]float64, 0, len(av)+len(bv))
	cs := make([]int, 0, len(av)+len(bv))
	i, j := 0, 0
	for i < len(av) || j < len(bv) {
		switch {
		case j == len(bv) || (i < len(av) && av[i] < bv[j]):
			vs, cs = append(vs, av[i]), append(cs, ac[i])
			i++
		case i == len(av) || bv[j] < av[i]:
			vs, cs = append(vs, bv[j]), append(cs, bc[j])
			j++
		default:
			vs, cs = append(vs, av[i]), append(cs, ac[i]+bc[j])
			i, j = i+1, j+1
		}
	}
	return vs, cs
}

// valueAt is the value at 0-based rank r of the respondents' values.
func (a IndexAgg) valueAt(r int) float64 {
	for i, c := range a.Counts {
		if r < c {
			return a.Values[i]
		}
		r -= c
	}
	return math.NaN()
}

// percentile is the p-th nearest-rank percentile of the values, as
// Percentile computes it (+Inf when there is none).
func (a IndexAgg) percentile(p int) float64 {
	n := a.count()
	if n == 0 {
		return math.Inf(1)
	}
	return a.valueAt((p*n+99)/100 - 1)
}

// median is the median of the values capped at limit (winsorised), as
// MedianOf(Winsorise(…)) computes it, with the number of values.
func (a IndexAgg) median(limit float64) (bool, float64, int) {
	n := a.count()
	if n == 0 {
		return false, 0, 0
	}
	m := min(a.valueAt(n/2), limit)
	if n%2 == 0 {
		m = (min(a.valueAt(n/2-1), limit) + m) / 2
	}
	return true, m, n
}

// count is the number of values kept for a median.
func (a IndexAgg) count() int {
	n := 0
	for _, c := range a.Counts {
		n += c
	}
	return n
}

// Ranked is one obstacle of a ranked index, with its share of respondents.
type Ranked struct {
	Key   string  `json:"key"`
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// Figure is an index computed from its aggregate.
type Figure struct {
	Valid  bool
	Value  float64
	N      int
	Band   string
	Ranked []Ranked
}

// FigureOf computes an index from its aggregate with the package's pure
// functions; Valid is false when no respondent counts.
func FigureOf(def IndexDef, a IndexAgg) Figure {
	f := Figure{N: a.N}
	switch def.Measure {
	case MeasureMean:
		if a.N > 0 {
			f.Valid, f.Value = true, a.Sum/float64(a.N)
		}
	case MeasurePercent:
		p := PercentOf(a.Part, a.N)
		f.Valid, f.Value = p.Valid, p.Value
	case MeasureMedian:
		limit := math.Inf(1)
		if def.Key == IndexRupiahHemat {
			limit = a.percentile(RupiahWinsorPercentile)
		}
		f.Valid, f.Value, f.N = a.median(limit)
	case MeasureNKP:
		r := nkpFromItems(a.Items, PrefixNKPManfaat, PrefixNKPBiaya)
		f.Valid, f.Value = r.Valid, r.Value
	case MeasureNPS:
		if a.N > 0 {
			f.Valid, f.Value = true, float64(a.Part-a.Neg)/float64(a.N)*100
		}
	case MeasureRanked:
		f.Ranked = rank(a)
		if len(f.Ranked) > 0 {
			f.Valid, f.Value = true, f.Ranked[0].Share
		}
	case MeasureItems:
		f.Ranked = rankNonResponse(a)
		if len(f.Ranked) > 0 {
			f.Valid, f.Value = true, f.Ranked[0].Share
		}
	}
	if f.Valid && def.Band != nil && !math.IsNaN(f.Value) {
		f.Band = def.Band(f.Value)
	}
	return f
}

// rank orders the items of a by count, then key, as RankObstacles does.
func rank(a IndexAgg) []Ranked {
	out := make([]Ranked, 0, len(a.Items))
	for k, v := range a.Items {
		out = append(out, Ranked{Key: k, Count: v.Count, Share: PercentOf(v.Count, a.N).Value})
	}
	slices.SortFunc(out, func(x, y Ranked) int {
		if x.Count != y.Count {
			return y.Count - x.Count
		}
		return strings.Compare(x.Key, y.Key)
	})
	return out
}

// rankNonResponse lists the elements asked of at least MinReportN
// respondents by their share left unanswered, highest first (Count: the
// respondents asked).
func rankNonResponse(a IndexAgg) []Ranked {
	out := make([]Ranked, 0, len(a.Items))
	for k, v := range a.Items {
		if v.Count >= MinReportN {
			out = append(out, Ranked{Key: k, Count: v.Count, Share: v.Sum / float64(v.Count) * 100})
		}
	}
	slices.SortFunc(out, func(x, y Ranked) int {
		if x.Share != y.Share {
			return cmp.Compare(y.Share, x.Share)
		}
		return strings.Compare(x.Key, y.Key)
	})
	return out
}

// NonResponseOf is the item non-response of each element of an
// item_nonresponse aggregate: the share of the respondents asked who left
// it unanswered, with n the respondents asked (not suppressed here).
func NonResponseOf(a IndexAgg) map[string]Figure {
	out := make(map[string]Figure, len(a.Items))
	for k, v := range a.Items {
		p := PercentOf(int(v.Sum), v.Count)
		out[k] = Figure{Valid: p.Valid, Value: p.Value, N: v.Count}
	}
	return out
}

// nkpFromItems is nk − nb from per-item sums and counts: nk the mean of
// the benefit item means (items whose key starts with benefit), nb of the
// cost item means. Items nobody answered are left out.
func nkpFromItems(items map[string]ElementAgg, benefit, cost string) NKPResult {
	var res NKPResult
	var nk, nb []float64
	keys := make([]string, 0, len(items))
	for k := range items {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a fixed order: the same sum every time
	for _, k := range keys {
		it := items[k]
		if it.Count == 0 {
			continue
		}
		switch m := it.Sum / float64(it.Count); {
		case strings.HasPrefix(k, benefit):
			nk = append(nk, m)
		case strings.HasPrefix(k, cost):
			nb = append(nb, m)
		}
	}
	k, b := meanOf(nk), meanOf(nb)
	if !k.Valid || !b.Valid {
		return res
	}
	res.NK, res.NB, res.Value, res.Valid = k.Value, b.Value, k.Value-b.Value, true
	res.Band = NKPBandOf(res.Value)
	return res
}
