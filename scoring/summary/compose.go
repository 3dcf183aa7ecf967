package summary

import (
	"slices"
	"strings"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// snapSet finds snapshots by index and scope.
type snapSet map[string]scoring.Snapshot

func setOf(snaps []scoring.Snapshot) snapSet {
	out := make(snapSet, len(snaps))
	for _, s := range snaps {
		out[s.Index+"|"+string(s.Scope)+"|"+s.ScopeCode] = s
	}
	return out
}

func (s snapSet) get(index string, u Unit) (scoring.Snapshot, bool) {
	x, ok := s[index+"|"+string(u.Kind)+"|"+u.Code]
	return x, ok
}

// Compose builds the summary from its input. It reads nothing else and
// shows no figure of fewer than scoring.MinReportN respondents.
func Compose(in Input) Summary {
	cur, prev, fig := setOf(in.Current), setOf(in.Previous), setOf(in.FigureSnaps)
	s := Summary{Period: in.Period, Figures: in.Figures, AsOf: in.AsOf, Scope: in.Scope}
	if x, ok := cur.get(scoring.IndexIKM, in.Scope); ok {
		s.Responses = x.N
	}
	if x, ok := prev.get(scoring.IndexIKM, in.Scope); ok {
		s.PrevResponses = x.N
	}
	s.Completion = figureOf(cur, scoring.IndexCompletion, in.Scope)
	scope, hasScope := fig.get(scoring.IndexIKM, in.Scope)
	s.IKM = ikmOf(scope, hasScope)
	if s.IKM.Valid {
		s.Lowest = elementOf(scope, scope.Details.Lowest)
		s.Highest = elementOf(scope, scope.Details.Highest)
	}
	s.Sementara = s.IKM.Valid && s.IKM.Status == scoring.StatusSementara
	for _, u := range in.Units {
		x, ok := fig.get(scoring.IndexIKM, u)
		line := Line{Unit: u, IKM: ikmOf(x, ok)}
		if c, ok := cur.get(scoring.IndexIKM, u); !ok || c.N == 0 {
			line.Silent = true
			s.Alerts.Silent = append(s.Alerts.Silent, u)
		}
		s.Sementara = s.Sementara || (line.IKM.Valid && line.IKM.Status == scoring.StatusSementara)
		s.Lines = append(s.Lines, line)
	}
	for _, k := range UsageKeys() {
		s.Usage = append(s.Usage, figureOf(fig, k, in.Scope))
	}
	s.Officials = officialsOf(in, fig)
	if s.Lowest != nil {
		s.LearnFrom = learnFrom(*s.Lowest, in.Units, fig)
	}
	s.Alerts.Falls = falls(cur, prev, in.Scope)
	s.Alerts.Overdue = in.OverdueFollowUps
	s.OpenFollowUps = in.OpenFollowUps
	s.Trend = trendOf(in)
	return s
}

// ikmOf turns an IKM snapshot into the figure shown; under MinReportN
// respondents only n is kept.
func ikmOf(x scoring.Snapshot, ok bool) IKM {
	if !ok || !x.Valid {
		return IKM{N: x.N}
	}
	if x.N < scoring.MinReportN {
		return IKM{Suppressed: true, N: x.N}
	}
	out := IKM{Valid: true, Value: x.Value, Mutu: x.Mutu, N: x.N, NRequired: x.NRequired, Status: x.Status,
		HasCI: x.HasCI, CILow: x.CILow, CIHigh: x.CIHigh}
	if c := x.Details.City; c != nil {
		p := c.PooledValue
		out.Pooled, out.PooledMutu = &p, c.PooledMutu
		if c.PooledCIHi > 0 {
			out.HasCI, out.CILow, out.CIHigh = true, c.PooledCILow, c.PooledCIHi
		}
	}
	return out
}

// margin is the half-width of the figure's confidence interval (0: none).
func (i IKM) margin() float64 {
	if !i.Valid || !i.HasCI {
		return 0
	}
	return (i.CIHigh - i.CILow) / 2
}

// elementOf returns one unsur of an IKM snapshot (nil when absent or
// answered by fewer than MinReportN).
func elementOf(x scoring.Snapshot, key string) *Element {
	for _, e := range x.Details.Elements {
		if e.Key == key && e.Count >= scoring.MinReportN {
			return &Element{Key: e.Key, Name: unsurName(e.Key), NRR: e.NRR, Mutu: e.Mutu, N: e.Count}
		}
	}
	return nil
}

func unsurName(key string) survey.Text {
	for _, u := range scoring.Unsur() {
		if u.Key == key {
			return u.Name
		}
	}
	return survey.Text{survey.LangID: key, survey.LangEN: key}
}

// figureOf reads one index of a scope.
func figureOf(set snapSet, key string, u Unit) Figure {
	x, ok := set.get(key, u)
	f := Figure{Key: key, N: x.N}
	switch {
	case !ok:
	case x.Status == scoring.StatusSuppressed || (x.Valid && x.N < scoring.MinReportN):
		f.Suppressed = true
	case x.Valid:
		f.Valid, f.Value, f.Band = true, x.Value, x.Band
	}
	return f
}

// officialsOf counts the officials who answered (the largest n of the
// scope's asn.* snapshots) against the roster, with their main obstacles.
func officialsOf(in Input, fig snapSet) Officials {
	var o Officials
	for _, x := range in.FigureSnaps {
		if strings.HasPrefix(x.Index, "asn.") && x.Scope == in.Scope.Kind && x.ScopeCode == in.Scope.Code {
			o.Respondents = max(o.Respondents, x.N)
		}
	}
	for code, n := range in.Headcount {
		if in.Scope.Code == "" || code == in.Scope.Code {
			o.Headcount += n
		}
	}
	if o.Respondents < scoring.MinReportN {
		o.Suppressed = o.Respondents > 0
		if o.Suppressed {
			o.Respondents = 0
		}
		return o
	}
	if k, ok := fig.get(scoring.IndexASNKendala, in.Scope); ok && k.Valid && k.N >= scoring.MinReportN {
		for _, r := range k.Details.Ranked {
			if len(o.Obstacles) == 3 {
				break
			}
			name, ok := in.ObstacleNames[r.Key]
			if !ok {
				name = survey.Text{survey.LangID: r.Key, survey.LangEN: r.Key}
			}
			o.Obstacles = append(o.Obstacles, Obstacle{Key: r.Key, Name: name, Share: r.Share})
		}
	}
	return o
}

// learnFrom finds the unit scoring best on the scope's weakest unsur,
// among units of at least MinReportN respondents (ties: catalog order).
func learnFrom(weak Element, units []Unit, fig snapSet) *LearnFrom {
	var best *LearnFrom
	for _, u := range units {
		x, ok := fig.get(scoring.IndexIKM, u)
		if !ok || !x.Valid || x.N < scoring.MinReportN {
			continue
		}
		e := elementOf(x, weak.Key)
		if e == nil || (best != nil && e.NRR <= best.Best.NRR) {
			continue
		}
		best = &LearnFrom{Element: weak, Unit: u, Best: *e}
	}
	return best
}

// falls lists the scope's unsur whose score fell by more than the CI
// half-width of the shown period's IKM since the previous period (both
// periods with at least MinReportN answers to the unsur).
func falls(cur, prev snapSet, scope Unit) []Fall {
	c, ok1 := cur.get(scoring.IndexIKM, scope)
	p, ok2 := prev.get(scoring.IndexIKM, scope)
	margin := ikmOf(c, ok1).margin()
	if !ok2 || margin == 0 || !ikmOf(p, ok2).Valid {
		return nil
	}
	var out []Fall
	for _, e := range c.Details.Elements {
		now, before := elementOf(c, e.Key), elementOf(p, e.Key)
		if now == nil || before == nil {
			continue
		}
		if drop := before.Score() - now.Score(); drop > margin {
			out = append(out, Fall{Element: *now, From: before.Score(), To: now.Score(), Margin: margin})
		}
	}
	slices.SortStableFunc(out, func(a, b Fall) int {
		da, db := a.From-a.To, b.From-b.To
		switch {
		case da > db:
			return -1
		case da < db:
			return 1
		}
		return 0
	})
	return out
}

// trendOf is the scope's weekly IKM, suppressed under MinReportN.
func trendOf(in Input) []TrendPoint {
	out := make([]TrendPoint, 0, len(in.Weeks))
	for _, w := range in.Weeks {
		pt := TrendPoint{Week: w}
		for _, x := range in.WeekSnaps {
			if x.Index == scoring.IndexIKM && x.Scope == in.Scope.Kind && x.ScopeCode == in.Scope.Code && x.Period.Key() == w.Key() && x.Period.Kind == w.Kind {
				i := ikmOf(x, true)
				pt.Valid, pt.Suppressed, pt.Value, pt.N = i.Valid, i.Suppressed, i.Value, i.N
			}
		}
		out = append(out, pt)
	}
	return out
}
