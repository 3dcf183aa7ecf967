// Package report makes the weekly summary that Diskominfo reads: it
// brings the score snapshots up to date, loads those the summary shows,
// composes them (scoring/summary), renders the text and draws the chart
// (scoring/summary/chart). /ringkasan in the bot and `egovpulse summary`
// call the same Summarizer.
package report

import (
	"context"
	"fmt"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/scoring/summary/chart"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// FollowUps counts the follow-up items of a scope (the city: code "")
// still open at a time, and those of them past their due date, for the
// summary (StoredFollowUps; NoFollowUps without a tracker).
type FollowUps interface {
	FollowUpCounts(ctx context.Context, scope summary.Unit, at time.Time) (open, overdue int, err error)
}

// NoFollowUps is the FollowUps of a service without a follow-up tracker:
// nothing is open.
type NoFollowUps struct{}

// FollowUpCounts returns nothing open.
func (NoFollowUps) FollowUpCounts(context.Context, summary.Unit, time.Time) (int, int, error) {
	return 0, 0, nil
}

// Summarizer makes summaries. Store, Catalog and Location are required.
type Summarizer struct {
	Store    *storage.Store
	Catalog  *survey.Catalog
	Location *time.Location
	// Registry names the officials' obstacles (nil: their codes).
	Registry *survey.Registry
	// Refresh brings stale snapshots up to date before they are read (the
	// scorer's Refresh); nil: read as stored.
	Refresh func(ctx context.Context) error
	// FollowUps counts overdue follow-ups (nil: none).
	FollowUps FollowUps
	// Now is the clock (time.Now by default).
	Now func() time.Time
}

// Parse reads /ringkasan's or `egovpulse summary`'s arguments: see
// summary.ParseArgs; OPD codes are the catalog's.
func (s *Summarizer) Parse(args []string) (summary.Request, error) {
	return summary.ParseArgs(args, func(code string) bool { _, ok := s.Catalog.OPD(code); return ok })
}

// Build refreshes the snapshots, loads what the summary of req shows and
// composes it. A bad request is a *summary.ArgError.
func (s *Summarizer) Build(ctx context.Context, req summary.Request) (summary.Summary, error) {
	now := s.now()
	p, err := req.Period(now, s.Location)
	if err != nil {
		return summary.Summary{}, err
	}
	if s.Refresh != nil {
		if err := s.Refresh(ctx); err != nil {
			return summary.Summary{}, fmt.Errorf("summary: bring the scores up to date: %w", err)
		}
	}
	in, err := s.load(ctx, req, p, now)
	if err != nil {
		return summary.Summary{}, err
	}
	return summary.Compose(in), nil
}

// Render builds the summary of req and renders its text in lang and,
// with chart, its PNG. It is what the bot's /ringkasan calls.
func (s *Summarizer) Render(ctx context.Context, req summary.Request, lang string, withChart bool) (string, []byte, error) {
	sum, err := s.Build(ctx, req)
	if err != nil {
		return "", nil, err
	}
	text := summary.Text(sum, lang)
	if !withChart {
		return text, nil, nil
	}
	png, err := chart.PNG(sum, lang)
	if err != nil {
		return "", nil, fmt.Errorf("summary chart: %w", err)
	}
	return text, png, nil
}

// load reads the snapshots, roster, obstacle names and follow-ups the
// summary of p shows.
func (s *Summarizer) load(ctx context.Context, req summary.Request, p survey.Period, now time.Time) (summary.Input, error) {
	in := summary.Input{Period: p, Figures: summary.FiguresPeriod(p, now), AsOf: now.In(s.Location),
		Weeks: summary.TrendWeeks(p, now), ObstacleNames: s.obstacleNames()}
	in.Scope, in.Units = s.scope(req.OPD)
	var err error
	for _, x := range []struct {
		p   survey.Period
		out *[]scoring.Snapshot
	}{{p, &in.Current}, {p.Prev(), &in.Previous}, {in.Figures, &in.FigureSnaps}} {
		rows, err := s.Store.PeriodSnapshots(ctx, x.p)
		if err != nil {
			return in, err
		}
		if *x.out, err = s.convert(rows); err != nil {
			return in, err
		}
	}
	rows, err := s.Store.ScopeSnapshots(ctx, scoring.IndexIKM, string(in.Scope.Kind), in.Scope.Code, in.Weeks)
	if err != nil {
		return in, err
	}
	if in.WeekSnaps, err = s.convert(rows); err != nil {
		return in, err
	}
	if in.Headcount, err = s.Store.RosterHeadcount(ctx); err != nil {
		return in, err
	}
	fu := s.FollowUps
	if fu == nil {
		fu = NoFollowUps{}
	}
	if in.OpenFollowUps, in.OverdueFollowUps, err = fu.FollowUpCounts(ctx, in.Scope, now); err != nil {
		return in, fmt.Errorf("summary: follow-ups: %w", err)
	}
	return in, nil
}

// scope is the city and its OPDs, or an OPD and its services.
func (s *Summarizer) scope(opd string) (summary.Unit, []summary.Unit) {
	var units []summary.Unit
	if o, ok := s.Catalog.OPD(opd); ok && opd != "" {
		for _, svc := range o.Services {
			units = append(units, summary.Unit{Kind: scoring.ScopeService, Code: svc.Code, Name: svc.Name})
		}
		return summary.Unit{Kind: scoring.ScopeOPD, Code: o.Code, Name: o.Name}, units
	}
	for _, o := range s.Catalog.OPDs {
		units = append(units, summary.Unit{Kind: scoring.ScopeOPD, Code: o.Code, Name: o.Name})
	}
	return summary.Unit{Kind: scoring.ScopeCity}, units
}

func (s *Summarizer) convert(rows []storage.ScoreSnapshot) ([]scoring.Snapshot, error) {
	out := make([]scoring.Snapshot, 0, len(rows))
	for _, r := range rows {
		x, err := r.Snapshot(s.Location)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// obstacleNames names the choices of the officials' obstacle question.
func (s *Summarizer) obstacleNames() map[string]survey.Text {
	out := map[string]survey.Text{}
	if s.Registry == nil {
		return out
	}
	def, err := s.Registry.Latest("asn")
	if err != nil || def == nil {
		return out
	}
	for _, q := range def.Questions {
		if q.Element != scoring.IndexASNKendala {
			continue
		}
		for _, c := range q.Choices {
			out[c.Value] = c.Label
		}
	}
	return out
}

func (s *Summarizer) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
