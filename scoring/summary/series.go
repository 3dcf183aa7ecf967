package summary

import (
	"github.com/kotasolok/egovpulse/scoring"
)

// Series is the data the chart draws, taken from a Summary alone: the IKM
// of each line (OPD or service) against the mutu band edges, and the
// scope's weekly IKM with n. A bar or point of fewer than
// scoring.MinReportN respondents, or without answers, is not Shown and
// carries no value.
type Series struct {
	Bars      []Bar
	BandEdges []float64 // lower edges of C, B and A on the 25–100 scale
	Trend     []Point
}

// Bar is one line's IKM.
type Bar struct {
	Code       string
	Name       string
	Shown      bool
	Suppressed bool
	Value      float64
	N          int
}

// Point is one week's IKM.
type Point struct {
	Week       string // the period key, "2026-W48"
	Label      string // the week number, "48"
	Shown      bool
	Suppressed bool
	Value      float64
	N          int
}

// SeriesOf takes the chart's data from a summary, names in lang.
func SeriesOf(s Summary, lang string) Series {
	out := Series{BandEdges: []float64{scoring.IKMLowerC, scoring.IKMLowerB, scoring.IKMLowerA}}
	for _, l := range s.Lines {
		b := Bar{Code: l.Unit.Code, Name: l.Unit.Name.In(lang), Suppressed: l.IKM.Suppressed, N: l.IKM.N}
		if l.IKM.Valid {
			b.Shown, b.Value = true, l.IKM.Value
		}
		out.Bars = append(out.Bars, b)
	}
	for _, t := range s.Trend {
		_, w := t.Week.Start.ISOWeek()
		p := Point{Week: t.Week.Key(), Label: count(w, lang), Suppressed: t.Suppressed, N: t.N}
		if t.Valid {
			p.Shown, p.Value = true, t.Value
		}
		out.Trend = append(out.Trend, p)
	}
	return out
}
