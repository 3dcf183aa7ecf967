package scoring

import (
	"strings"

	"github.com/kotasolok/egovpulse/survey"
)

// FormatNumber formats v with the given decimals: Indonesian notation
// (decimal comma, thousands dot, [FormatID]) by default, English notation
// with lang en.
func FormatNumber(v float64, decimals int, lang string) string {
	s := FormatID(v, decimals)
	if lang != survey.LangEN {
		return s
	}
	return strings.NewReplacer(".", ",", ",", ".").Replace(s)
}

// unitWords are the words of index units, by language.
var unitWords = map[string]map[string]string{
	survey.LangID: {"menit": "menit", "jam": "jam"},
	survey.LangEN: {"menit": "min", "jam": "h"},
}

// FormatIndex prints an index value with its unit, as reports show it: a
// percentage with one decimal (a ranked index names its first item),
// rupiah without decimals, minutes without, hours with one, anything else
// with two.
func FormatIndex(def IndexDef, v float64, ranked []Ranked, lang string) string {
	words := unitWords[survey.LangID]
	if lang == survey.LangEN {
		words = unitWords[survey.LangEN]
	}
	switch def.Unit {
	case "%":
		s := FormatNumber(v, 1, lang) + " %"
		if (def.Measure == MeasureRanked || def.Measure == MeasureItems) && len(ranked) > 0 {
			s = ranked[0].Key + " " + s
		}
		return s
	case "Rp":
		return "Rp " + FormatNumber(v, 0, lang)
	case "menit":
		return FormatNumber(v, 0, lang) + " " + words["menit"]
	case "jam":
		return FormatNumber(v, 1, lang) + " " + words["jam"]
	}
	return FormatNumber(v, 2, lang)
}
