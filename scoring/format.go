package scoring

import (
	"math"
	"strconv"
	"strings"
)

// FormatID formats v in Indonesian notation with the given decimals: a
// decimal comma and a dot between thousands ("88,31", "1.234,5",
// "-1.000.000"). v is rounded with [Round], so the text always agrees with
// the bands computed on the same value. NaN and infinities print as "-".
func FormatID(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	if decimals < 0 {
		decimals = 0
	}
	s := strconv.FormatFloat(Round(v, decimals), 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}
