package scoring

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// publishedTable is the table as printed in INDICATORS.md (Krejcie & Morgan
// 1970, Table 1), copied as text and parsed, independent of kmTable.
const publishedTable = `10 10, 15 14, 20 19, 25 24, 30 28, 35 32, 40 36, 45 40, 50 44, 55 48, 60 52, 65 56, 70 59,
  75 63, 80 66, 85 70, 90 73, 95 76, 100 80, 110 86, 120 92, 130 97, 140 103, 150 108, 160 113,
  170 118, 180 123, 190 127, 200 132, 210 136, 220 140, 230 144, 240 148, 250 152, 260 155,
  270 159, 280 162, 290 165, 300 169, 320 175, 340 181, 360 186, 380 191, 400 196, 420 201,
  440 205, 460 210, 480 214, 500 217, 550 226, 600 234, 650 242, 700 248, 750 254, 800 260,
  850 265, 900 269, 950 274, 1000 278, 1100 285, 1200 291, 1300 297, 1400 302, 1500 306,
  1600 310, 1700 313, 1800 317, 1900 320, 2000 322, 2200 327, 2400 331, 2600 335, 2800 338,
  3000 341, 3500 346, 4000 351, 4500 354, 5000 357, 6000 361, 7000 364, 8000 367, 9000 368,
  10000 370, 15000 375, 20000 377, 30000 379, 40000 380, 50000 381, 75000 382, 1000000 384`

func mustParseTable(tb testing.TB) [][2]int {
	tb.Helper()
	var rows [][2]int
	for _, cell := range strings.Split(publishedTable, ",") {
		f := strings.Fields(cell)
		if len(f) != 2 {
			tb.Fatalf("bad cell %q", cell)
		}
		N, err1 := strconv.Atoi(f[0])
		n, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			tb.Fatalf("bad cell %q", cell)
		}
		rows = append(rows, [2]int{N, n})
	}
	return rows
}

func TestKrejcieMorganEveryRow(t *testing.T) {
	rows := mustParseTable(t)
	if len(rows) != 90 {
		t.Fatalf("parsed %d rows, want 90", len(rows))
	}
	for i, r := range rows {
		t.Run(strconv.Itoa(r[0]), func(t *testing.T) {
			if n, interp := KrejcieMorgan(r[0]); n != r[1] || interp {
				t.Errorf("KrejcieMorgan(%d) = %d, %v; want %d, false", r[0], n, interp, r[1])
			}
			if i == 0 {
				return
			}
			// Every N strictly between the previous row and this one takes
			// this (larger) row's n.
			for _, N := range []int{rows[i-1][0] + 1, (rows[i-1][0] + r[0]) / 2, r[0] - 1} {
				if n, interp := KrejcieMorgan(N); n != r[1] || !interp {
					t.Errorf("KrejcieMorgan(%d) = %d, %v; want %d, true", N, n, interp, r[1])
				}
			}
		})
	}
}

func TestKrejcieMorganOutsideTable(t *testing.T) {
	tests := []struct {
		N      int
		n      int
		interp bool
	}{
		{-3, 0, false}, // unknown population
		{0, 0, false},
		{1, 1, false}, // below the first row: census
		{9, 9, false},
		{11, 14, true},
		{101, 86, true},
		{75001, 384, true},
		{1000001, 384, true},
		{50000000, 384, true},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.N), func(t *testing.T) {
			if n, interp := KrejcieMorgan(tt.N); n != tt.n || interp != tt.interp {
				t.Errorf("KrejcieMorgan(%d) = %d, %v; want %d, %v", tt.N, n, interp, tt.n, tt.interp)
			}
		})
	}
}

func TestSampleStatus(t *testing.T) {
	tests := []struct {
		n, pop   int
		required int
		status   Status
	}{
		{80, 100, 80, StatusMemenuhi},
		{79, 100, 80, StatusSementara},
		{87, 101, 86, StatusMemenuhi},
		{5, 5, 5, StatusMemenuhi},
		{500, 0, 0, StatusUnknown},
		{0, 100, 80, StatusSementara},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n, "of", tt.pop), func(t *testing.T) {
			req, _, st := SampleStatus(tt.n, tt.pop)
			if req != tt.required || st != tt.status {
				t.Errorf("SampleStatus(%d, %d) = %d, %q; want %d, %q", tt.n, tt.pop, req, st, tt.required, tt.status)
			}
		})
	}
}
