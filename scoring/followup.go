package scoring

// FollowUpNeed is a service whose lowest unsur in a period is in band C or
// D (INDICATORS.md §5): it needs a follow-up item.
type FollowUpNeed struct {
	Service string
	Element string
	Score   float64 // the unsur's NRR × 25, full precision
	Mutu    Mutu
}

// FollowUpsDue picks, from service IKM snapshots of one period, the
// services whose lowest unsur has mutu C or D. A suppressed or empty
// snapshot (fewer than 5 respondents) names no unsur and is skipped:
// nothing is decided on a figure that is never shown. Ties go to the
// earlier unsur, as Lowest does.
func FollowUpsDue(snaps []Snapshot) []FollowUpNeed {
	var out []FollowUpNeed
	for _, s := range snaps {
		if s.Scope != ScopeService || !s.Valid || s.N < MinReportN || s.Status == StatusSuppressed || s.Details.Lowest == "" {
			continue
		}
		for _, e := range s.Details.Elements {
			if e.Key != s.Details.Lowest || e.Count == 0 {
				continue
			}
			v := 25 * e.Sum / float64(e.Count)
			if m := MutuOf(v); m == MutuC || m == MutuD {
				out = append(out, FollowUpNeed{Service: s.ScopeCode, Element: e.Key, Score: v, Mutu: m})
			}
			break
		}
	}
	return out
}
