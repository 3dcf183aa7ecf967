package scoring

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/kotasolok/egovpulse/survey"
)

// ErrInvalidWeights is returned (wrapped) when element weights are unusable:
// empty, negative, duplicated, or not summing to 1.
var ErrInvalidWeights = errors.New("invalid unsur weights")

// ErrNoResponses marks a figure that has no respondents behind it.
var ErrNoResponses = errors.New("no responses")

// WeightTolerance is how far from 1 the sum of the weights may be.
const WeightTolerance = 1e-9

// Element is one SKM element (unsur).
type Element struct {
	Key  string      // storage key, e.g. "persyaratan"
	Name survey.Text // official name, "id" and "en"
}

// Unsur returns the nine SKM elements of PermenPANRB 14/2017 in the order of
// INDICATORS.md. A fresh slice is returned on every call, so callers may
// modify it freely.
func Unsur() []Element {
	return []Element{
		{"persyaratan", survey.Text{survey.LangID: "Persyaratan", survey.LangEN: "Requirements"}},
		{"prosedur", survey.Text{survey.LangID: "Sistem, Mekanisme, dan Prosedur", survey.LangEN: "Systems, mechanisms and procedures"}},
		{"waktu", survey.Text{survey.LangID: "Waktu Penyelesaian", survey.LangEN: "Completion time"}},
		{"biaya", survey.Text{survey.LangID: "Biaya/Tarif", survey.LangEN: "Cost/tariff"}},
		{"produk", survey.Text{survey.LangID: "Produk Spesifikasi Jenis Pelayanan", survey.LangEN: "Service products"}},
		{"kompetensi", survey.Text{survey.LangID: "Kompetensi Pelaksana", survey.LangEN: "Staff competence"}},
		{"perilaku", survey.Text{survey.LangID: "Perilaku Pelaksana", survey.LangEN: "Staff conduct"}},
		{"sarana", survey.Text{survey.LangID: "Sarana dan Prasarana", survey.LangEN: "Facilities"}},
		{"pengaduan", survey.Text{survey.LangID: "Penanganan Pengaduan, Saran dan Masukan", survey.LangEN: "Complaint handling"}},
	}
}

// UnsurKeys returns the keys of [Unsur], in order.
func UnsurKeys() []string {
	els := Unsur()
	keys := make([]string, len(els))
	for i, e := range els {
		keys[i] = e.Key
	}
	return keys
}

// Weight is the weight of one element in the IKM.
type Weight struct {
	Element string
	Value   float64
}

// Weights is an ordered list of element weights. The order is the order in
// which elements are reported; it does not change the IKM.
type Weights []Weight

// EqualWeights gives every element exactly 1/len(elements) (computed as
// 1.0/9 for nine elements, never a rounded 0.111).
func EqualWeights(elements []string) Weights {
	w := make(Weights, len(elements))
	for i, e := range elements {
		w[i] = Weight{Element: e, Value: 1.0 / float64(len(elements))}
	}
	return w
}

// DefaultWeights is EqualWeights over the nine unsur: 1/9 each.
func DefaultWeights() Weights { return EqualWeights(UnsurKeys()) }

// WeightsFromMap turns a survey's weight map (survey.Survey.Weights) into
// Weights ordered as [Unsur], extra elements after them in key order. An
// empty map means [DefaultWeights].
func WeightsFromMap(m map[string]float64) Weights {
	if len(m) == 0 {
		return DefaultWeights()
	}
	w := make(Weights, 0, len(m))
	seen := make(map[string]bool, len(m))
	for _, k := range UnsurKeys() {
		if v, ok := m[k]; ok {
			w = append(w, Weight{Element: k, Value: v})
			seen[k] = true
		}
	}
	extra := make([]string, 0, len(m))
	for k := range m {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		w = append(w, Weight{Element: k, Value: m[k]})
	}
	return w
}

// Validate checks that the weights are usable: at least one element, no
// empty or duplicated key, no negative or non-finite weight, and a sum of 1
// within [WeightTolerance]. Errors wrap [ErrInvalidWeights].
func (w Weights) Validate() error {
	if len(w) == 0 {
		return fmt.Errorf("%w: no elements", ErrInvalidWeights)
	}
	seen := make(map[string]bool, len(w))
	sum := 0.0
	for _, x := range w {
		switch {
		case x.Element == "":
			return fmt.Errorf("%w: empty element key", ErrInvalidWeights)
		case seen[x.Element]:
			return fmt.Errorf("%w: element %q listed twice", ErrInvalidWeights, x.Element)
		case x.Value < 0 || math.IsNaN(x.Value) || math.IsInf(x.Value, 0):
			return fmt.Errorf("%w: element %q has weight %v", ErrInvalidWeights, x.Element, x.Value)
		}
		seen[x.Element] = true
		sum += x.Value
	}
	if math.Abs(sum-1) > WeightTolerance {
		return fmt.Errorf("%w: weights sum to %.12g, want 1", ErrInvalidWeights, sum)
	}
	return nil
}
