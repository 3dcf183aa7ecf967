package scoring

import (
	"math"
	"testing"
)

func TestFormatID(t *testing.T) {
	tests := []struct {
		v    float64
		d    int
		want string
	}{
		{88.31, 2, "88,31"},
		{88.305, 2, "88,31"}, // agrees with MutuOf, which grades it A
		{88.3049, 2, "88,30"},
		{1234.5, 1, "1.234,5"},
		{1234567.891, 2, "1.234.567,89"},
		{999.995, 2, "1.000,00"},
		{100, 0, "100"},
		{12, 2, "12,00"},
		{0, 0, "0"},
		{-1234.5, 1, "-1.234,5"},
		{-0.001, 2, "0,00"},
		{1e6, 0, "1.000.000"},
		{math.NaN(), 2, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := FormatID(tt.v, tt.d); got != tt.want {
				t.Errorf("FormatID(%v, %d) = %q, want %q", tt.v, tt.d, got, tt.want)
			}
		})
	}
}
