package scoring

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Element keys of the index items (INDICATORS.md §2–5), as the built-in
// surveys store them. Prefixes group items whose list a survey may extend.
const (
	ElemFrekuensi     = "pemanfaatan.frekuensi"   // 1–5
	ElemTahuOnline    = "pemanfaatan.tahu_online" // ya / tidak
	ElemKanal         = "pemanfaatan.kanal"       // online / offline
	PrefixDampak      = "dampak."                 // + ImpactItems(), 1–5 or tt
	ElemMenitHemat    = "dampak.menit_hemat"
	ElemRupiahHemat   = "dampak.rupiah_hemat"
	ElemKunjungan     = "dampak.kunjungan"
	ElemCSAT          = "kepuasan.csat" // 1–5
	ElemCES           = "kepuasan.ces"  // 1–7
	ElemNPS           = "kepuasan.nps"  // 0–10
	PrefixNKPManfaat  = "nkp.manfaat."  // benefit items, 1–5
	PrefixNKPBiaya    = "nkp.biaya."    // cost/risk items as magnitudes, 1–5
	PrefixASNFrek     = "asn.frekuensi."
	ElemASNPorsi      = "asn.porsi_digital" // 0–100
	ElemASNKendala    = "asn.kendala"       // select_multiple
	ElemASNJamHemat   = "asn.jam_hemat"
	PrefixASNDampak   = "asn.dampak."
	ElemProfilUsia    = "profil.usia"        // from the skm question usia
	ElemProfilDisabil = "profil.disabilitas" // from the skm question disabilitas
)

// Profile answers kept beside the index items: the skm questions usia and
// disabilitas carry no element key, so they are summarised under these
// keys (question name → fact key).
var profileQuestions = map[string]string{"usia": ElemProfilUsia, "disabilitas": ElemProfilDisabil}

// Vulnerable-group answers (INDICATORS.md §5).
const (
	AgeOver60     = "61_plus"
	DisabilityYes = "ya"
)

// FactKey returns the key a stored answer is summarised under, and whether
// it is summarised at all: every answer with an element key that is not a
// weighted IKM element (those are packed apart), and the profile questions.
func FactKey(question, element string, ikm []string) (string, bool) {
	if element == "" {
		k, ok := profileQuestions[question]
		return k, ok
	}
	return element, !slices.Contains(ikm, element)
}

// Fact is one answer of a response to an index item: its stored value
// (a choice value, a number, space-separated values of a multiple
// choice), or Skipped.
type Fact struct {
	Element string
	Value   string
	Skipped bool
}

// Facts are a response's answers to the index items, in element order.
type Facts []Fact

// skippedMark encodes a skipped answer in EncodeFacts.
const skippedMark = "~"

// EncodeFacts writes facts as "element=value;…" in element order, a
// skipped answer as "element=~". Values holding ';' or a leading '~'
// (never a choice value or a number) are left out.
func EncodeFacts(fs Facts) string {
	fs = slices.Clone(fs)
	slices.SortFunc(fs, func(a, b Fact) int { return strings.Compare(a.Element, b.Element) })
	var b strings.Builder
	for _, f := range fs {
		v := f.Value
		if f.Skipped {
			v = skippedMark
		} else if strings.Contains(v, ";") || strings.HasPrefix(v, skippedMark) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(f.Element + "=" + v)
	}
	return b.String()
}

// ParseFacts reads what EncodeFacts wrote.
func ParseFacts(s string) Facts {
	if s == "" {
		return nil
	}
	return AppendFacts(make(Facts, 0, strings.Count(s, ";")+1), s)
}

// AppendFacts appends the facts EncodeFacts wrote into s to dst (a reader
// of many rows reuses one slice; the facts' strings are parts of s).
func AppendFacts(dst Facts, s string) Facts {
	for s != "" {
		part, rest, _ := strings.Cut(s, ";")
		s = rest
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		if v == skippedMark {
			dst = append(dst, Fact{Element: k, Skipped: true})
			continue
		}
		dst = append(dst, Fact{Element: k, Value: v})
	}
	return dst
}

// Get returns the fact of an element.
func (fs Facts) Get(element string) (Fact, bool) {
	for _, f := range fs {
		if f.Element == element {
			return f, true
		}
	}
	return Fact{}, false
}

// Number is the fact's value as a number; false when skipped or not a
// number (a "Tidak tahu" answer).
func (f Fact) Number() (float64, bool) {
	if f.Skipped || f.Value == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(f.Value, 64)
	return v, err == nil
}

// ResponseSummary is one submitted response as a recompute reads it: its
// IKM element scores (ResponseScore, all zero for a survey without unsur)
// and its facts.
type ResponseSummary struct {
	ResponseScore
	Survey   string
	Official bool   // audience official (the asn survey)
	OPD      string // the officials' OPD
	Facts    Facts
}

// Start is a resident response started at At and not (yet) submitted: the
// denominator of the completion rate beside the submitted ones.
type Start struct {
	Service string
	At      time.Time
}
