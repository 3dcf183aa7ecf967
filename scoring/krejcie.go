package scoring

// kmRow is one row of Krejcie & Morgan (1970), Table 1: population N and
// required sample n (95 % confidence, d = 0.05, P = 0.5).
type kmRow struct{ N, n int }

// kmTable returns the published table exactly as listed in INDICATORS.md.
// It is a function, not a package variable, so nothing can modify it.
func kmTable() [90]kmRow {
	return [...]kmRow{
		{10, 10}, {15, 14}, {20, 19}, {25, 24}, {30, 28}, {35, 32}, {40, 36}, {45, 40}, {50, 44},
		{55, 48}, {60, 52}, {65, 56}, {70, 59}, {75, 63}, {80, 66}, {85, 70}, {90, 73}, {95, 76},
		{100, 80}, {110, 86}, {120, 92}, {130, 97}, {140, 103}, {150, 108}, {160, 113}, {170, 118},
		{180, 123}, {190, 127}, {200, 132}, {210, 136}, {220, 140}, {230, 144}, {240, 148},
		{250, 152}, {260, 155}, {270, 159}, {280, 162}, {290, 165}, {300, 169}, {320, 175},
		{340, 181}, {360, 186}, {380, 191}, {400, 196}, {420, 201}, {440, 205}, {460, 210},
		{480, 214}, {500, 217}, {550, 226}, {600, 234}, {650, 242}, {700, 248}, {750, 254},
		{800, 260}, {850, 265}, {900, 269}, {950, 274}, {1000, 278}, {1100, 285}, {1200, 291},
		{1300, 297}, {1400, 302}, {1500, 306}, {1600, 310}, {1700, 313}, {1800, 317}, {1900, 320},
		{2000, 322}, {2200, 327}, {2400, 331}, {2600, 335}, {2800, 338}, {3000, 341}, {3500, 346},
		{4000, 351}, {4500, 354}, {5000, 357}, {6000, 361}, {7000, 364}, {8000, 367}, {9000, 368},
		{10000, 370}, {15000, 375}, {20000, 377}, {30000, 379}, {40000, 380}, {50000, 381},
		{75000, 382}, {1000000, 384},
	}
}

// KrejcieMaxSample is the required sample for any population above the
// table's last row (1,000,000).
const KrejcieMaxSample = 384

// KrejcieMorgan returns the minimum sample n for a population of N users
// served in the period, from the published Krejcie–Morgan table (not the
// formula).
//
//   - N on a row: that row's n, interpolated = false.
//   - N between two rows: the larger row's n (the conservative reading),
//     interpolated = true.
//   - N above 1,000,000: 384, interpolated = true (no row lists N).
//   - 1 ≤ N < 10 (below the first row, 10 → 10): n = N, a census, with
//     interpolated = false, since the table's own rule at its low end is to
//     survey everyone.
//   - N ≤ 0 means the population is unknown: n = 0, and callers label the
//     figure with [StatusUnknown] rather than guessing.
func KrejcieMorgan(N int) (n int, interpolated bool) {
	if N <= 0 {
		return 0, false
	}
	t := kmTable()
	if N < t[0].N {
		return N, false
	}
	for _, r := range t {
		if N == r.N {
			return r.n, false
		}
		if N < r.N {
			return r.n, true
		}
	}
	return KrejcieMaxSample, true
}

// Status says whether a figure rests on the minimum sample.
type Status string

// Sample statuses. StatusUnknown is used when the population N was not
// reported, so the required sample cannot be looked up.
const (
	StatusMemenuhi  Status = "Memenuhi"  // n ≥ required
	StatusSementara Status = "Sementara" // n < required: provisional
	StatusUnknown   Status = "Belum diketahui"
)

// SampleStatus compares n responses with the sample required for a
// population: Memenuhi when n ≥ required, Sementara when below, Unknown when
// the population is unknown (≤ 0).
func SampleStatus(n, population int) (required int, interpolated bool, status Status) {
	required, interpolated = KrejcieMorgan(population)
	switch {
	case population <= 0:
		return 0, false, StatusUnknown
	case n >= required:
		return required, interpolated, StatusMemenuhi
	default:
		return required, interpolated, StatusSementara
	}
}
