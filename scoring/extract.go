package scoring

import (
	"math"
	"strings"
)

// SurveySKM is the survey whose responses carry the IKM unsur and the
// respondent profile.
const SurveySKM = "skm"

// subScores are the impact sub-scores; impactGroups maps each resident
// impact item to its sub-score's place (see the item constants in
// impact.go); bermanfaat (-1) counts in the index only.
var (
	subScores    = [...]string{IndexEfisiensi, IndexTransparansi, IndexIntegritas, IndexKepercayaan}
	impactGroups = map[string]int{
		ItemHematWaktu: 0, ItemHematBiaya: 0, ItemKurangKunjungan: 0,
		ItemTransparansi: 1, ItemKepastianWaktu: 1,
		ItemIntegritas: 2, ItemKepercayaan: 3, ItemBermanfaat: -1,
	}
)

// emitFunc receives one response's contribution to one index.
type emitFunc func(key string, a IndexAgg)

// sink receives one response's contributions: to an index, or to the item
// non-response of an element (kept apart to spare building its key).
type sink interface {
	emit(key string, a IndexAgg)
	emitNonResponse(element string, a IndexAgg)
}

// meanAcc accumulates one respondent's agreement items.
type meanAcc struct {
	sum float64
	n   int
}

func (m *meanAcc) add(v int) { m.sum += float64(v); m.n++ }

// emitAgreement emits the respondent's (mean − 1)/4 × 100 when any item
// counted, as AgreementIndex does for one respondent.
func (m meanAcc) emitAgreement(key string, emit emitFunc) {
	if m.n > 0 {
		emit(key, IndexAgg{N: 1, Sum: scaleTo100(m.sum/float64(m.n), MinAgreement, MaxAgreement)})
	}
}

// intIn reads a fact as an integer in [lo, hi].
func intIn(f Fact, lo, hi int) (int, bool) {
	v, ok := f.Number()
	if !ok || v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
		return 0, false
	}
	return int(v), true
}

// finiteNumber reads a fact as a finite number.
func finiteNumber(f Fact) (float64, bool) {
	v, ok := f.Number()
	return v, ok && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// contribute emits what one submitted response adds to each index: one
// respondent of each index it has an answer for. ikm lists the weighted
// unsur keys, aligned with r.Elements.
func contribute(r ResponseSummary, ikm []string, out sink) {
	emit := out.emit
	if r.Official {
		contributeOfficial(r.Facts, out)
		return
	}
	emit(IndexCompletion, IndexAgg{N: 1, Part: 1})
	if r.Survey == SurveySKM {
		for i, e := range ikm {
			missing := 0
			if i >= len(r.Elements) || r.Elements[i].Count == 0 {
				missing = 1
			}
			out.emitNonResponse(e, IndexAgg{N: 1, Part: missing})
		}
	}
	contributeUsage(r.Facts, emit)
	contributeImpact(r.Facts, emit)
	contributeSatisfaction(r.Facts, emit)
	for _, f := range r.Facts {
		if !strings.HasPrefix(f.Element, "profil.") {
			out.emitNonResponse(f.Element, IndexAgg{N: 1, Part: b2i(f.Skipped)})
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// contributeUsage: frequency, channels, and the vulnerable-group profile.
func contributeUsage(fs Facts, emit emitFunc) {
	if f, ok := fs.Get(ElemFrekuensi); ok {
		if v, ok := intIn(f, MinFrequency, MaxFrequency); ok {
			emit(IndexPemanfaatan, IndexAgg{N: 1, Sum: scaleTo100(float64(v), MinFrequency, MaxFrequency)})
		}
	}
	tahu, okT := fs.Get(ElemTahuOnline)
	kanal, okK := fs.Get(ElemKanal)
	online := okK && !kanal.Skipped && kanal.Value == "online"
	if (okT && !tahu.Skipped) || online {
		aware := online || tahu.Value == "ya"
		emit(IndexAwarenessGap, IndexAgg{N: 1, Part: b2i(!aware)})
		if aware {
			emit(IndexOnlineChoice, IndexAgg{N: 1, Part: b2i(online)})
		}
	}
	if usia, ok := fs.Get(ElemProfilUsia); ok && !usia.Skipped {
		dis, _ := fs.Get(ElemProfilDisabil)
		vulnerable := usia.Value == AgeOver60 || (!dis.Skipped && dis.Value == DisabilityYes)
		emit(IndexVulnerable, IndexAgg{N: 1, Part: b2i(vulnerable)})
	}
}

// contributeImpact: the agreement items (index and sub-scores, over the
// items this respondent was asked and answered) and the quantified impacts.
func contributeImpact(fs Facts, emit emitFunc) {
	var all meanAcc
	var groups [len(subScores)]meanAcc
	for _, f := range fs {
		item, ok := strings.CutPrefix(f.Element, PrefixDampak)
		if !ok {
			continue
		}
		switch f.Element {
		case ElemMenitHemat, ElemRupiahHemat:
			if v, ok := finiteNumber(f); ok {
				emit(f.Element, valueAgg(v))
			}
			continue
		case ElemKunjungan:
			if v, ok := finiteNumber(f); ok {
				emit(IndexKunjungan, IndexAgg{N: 1, Sum: v})
			}
			continue
		}
		g, isItem := impactGroups[item]
		v, ok := intIn(f, MinAgreement, MaxAgreement)
		if !isItem || !ok {
			continue
		}
		all.add(v)
		if g >= 0 {
			groups[g].add(v)
		}
	}
	all.emitAgreement(IndexDampak, emit)
	for g, m := range groups {
		m.emitAgreement(subScores[g], emit)
	}
}

// contributeSatisfaction: CSAT, CES, NPS and the NKP items.
func contributeSatisfaction(fs Facts, emit emitFunc) {
	nkp := IndexAgg{}
	for _, f := range fs {
		switch {
		case f.Element == ElemCSAT:
			if v, ok := intIn(f, 1, 5); ok {
				emit(IndexCSAT, IndexAgg{N: 1, Part: b2i(v >= 4)})
			}
		case f.Element == ElemCES:
			if v, ok := intIn(f, 1, 7); ok {
				emit(IndexCES, IndexAgg{N: 1, Sum: float64(v)})
			}
		case f.Element == ElemNPS:
			if v, ok := intIn(f, 0, 10); ok {
				emit(IndexNPS, IndexAgg{N: 1, Part: b2i(v >= 9), Neg: b2i(v <= 6)})
			}
		case strings.HasPrefix(f.Element, PrefixNKPManfaat) || strings.HasPrefix(f.Element, PrefixNKPBiaya):
			if v, ok := intIn(f, MinAgreement, MaxAgreement); ok {
				if nkp.Items == nil {
					nkp.Items, nkp.N = map[string]ElementAgg{}, 1
				}
				nkp.Items[f.Element] = nkp.Items[f.Element].Add(ElementAgg{Sum: float64(v), Count: 1})
			}
		}
	}
	if nkp.N > 0 {
		emit(IndexNKP, nkp)
	}
}

// contributeOfficial: the officials' survey, per OPD.
func contributeOfficial(fs Facts, out sink) {
	emit := out.emit
	var dampak meanAcc
	for _, f := range fs {
		out.emitNonResponse(f.Element, IndexAgg{N: 1, Part: b2i(f.Skipped)})
		switch {
		case strings.HasPrefix(f.Element, PrefixASNFrek):
			if v, ok := intIn(f, ASNNever, ASNDaily); ok {
				emit(IndexASNWeekly+strings.TrimPrefix(f.Element, PrefixASNFrek), IndexAgg{N: 1, Part: b2i(v >= ASNWeekly)})
			}
		case f.Element == ElemASNPorsi:
			if v, ok := finiteNumber(f); ok && v >= 0 && v <= 100 {
				emit(IndexASNPorsiDigital, IndexAgg{N: 1, Sum: v})
			}
		case f.Element == ElemASNJamHemat:
			if v, ok := finiteNumber(f); ok {
				emit(IndexASNJamHemat, valueAgg(v))
			}
		case strings.HasPrefix(f.Element, PrefixASNDampak):
			if v, ok := intIn(f, MinAgreement, MaxAgreement); ok {
				dampak.add(v)
			}
		case f.Element == ElemASNKendala && !f.Skipped:
			a := IndexAgg{N: 1, Items: map[string]ElementAgg{}}
			for _, k := range strings.Fields(f.Value) {
				a.Items[k] = ElementAgg{Count: 1}
			}
			emit(IndexASNKendala, a)
		}
	}
	dampak.emitAgreement(IndexASNDampak, emit)
}

// officialKey reports whether an index key is fed by the officials'
// survey only (the resident and official keys are disjoint, so an OPD's
// figures combine its services' resident keys with its officials' keys).
func officialKey(key string) bool {
	return strings.HasPrefix(strings.TrimPrefix(key, nonResponsePrefix), "asn.")
}
