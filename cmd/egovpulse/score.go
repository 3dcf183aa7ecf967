package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// scoreFlags are the arguments of `egovpulse score`.
type scoreFlags struct {
	kind     survey.PeriodKind
	kindSet  bool
	from     string
	all      bool
	jsonOut  bool
	fromDate time.Time
}

// parseScoreFlags reads the command line; mistakes are usage errors that
// name the flag.
func parseScoreFlags(args []string, loc *time.Location) (scoreFlags, error) {
	var f scoreFlags
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	period := fs.String("period", string(survey.PeriodQuarter), "week, month, quarter or year")
	fs.StringVar(&f.from, "from", "", "recompute from this date (YYYY-MM-DD)")
	fs.BoolVar(&f.all, "all", false, "recompute the full history")
	fs.BoolVar(&f.jsonOut, "json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return f, usageError("score: " + err.Error() + "; usage: score [--period week|month|quarter|year] [--from YYYY-MM-DD] [--all] [--json]")
	}
	if fs.NArg() > 0 {
		return f, usageError(fmt.Sprintf("score: unexpected argument %q", fs.Arg(0)))
	}
	fs.Visit(func(fl *flag.Flag) { f.kindSet = f.kindSet || fl.Name == "period" })
	k, err := survey.ParsePeriodKind(*period)
	if err != nil {
		return f, usageError("score: --period: " + err.Error())
	}
	f.kind = k
	if f.from != "" {
		if f.all {
			return f, usageError("score: --from and --all cannot be combined")
		}
		d, err := time.ParseInLocation(time.DateOnly, f.from, loc)
		if err != nil {
			return f, usageError(fmt.Sprintf("score: --from: %q is not a date (want YYYY-MM-DD)", f.from))
		}
		f.fromDate = d
	}
	return f, nil
}

// scoreRow is one line of the printed result.
type scoreRow struct {
	Scope     string   `json:"scope"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Value     *float64 `json:"value"` // rounded to 2 decimals; null: no figure
	ValueText string   `json:"value_text"`
	Mutu      string   `json:"mutu"`
	N         int      `json:"n"`
	NRequired int      `json:"n_required"` // 0: population unknown
	Status    string   `json:"status"`
	Lowest    string   `json:"lowest_unsur,omitempty"`
	LowestNRR *float64 `json:"lowest_nrr,omitempty"`
}

// scoreReport is what `score` prints.
type scoreReport struct {
	Period string         `json:"period"`
	Label  string         `json:"label"`
	Run    jobs.RunResult `json:"run"`
	Rows   []scoreRow     `json:"rows"`
}

func runScore(ctx context.Context, env *environment, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	f, err := parseScoreFlags(args, cfg.Location)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr)
	reg, cat, err := loadDefinitions(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	scorer := jobs.NewScorer(st, reg, cat, cfg.Location, nil, log)
	now := time.Now()
	kinds := jobs.AllKinds()
	if f.kindSet {
		kinds = []survey.PeriodKind{f.kind}
	}
	from := survey.PeriodOf(f.kind, now, cfg.Location).Start
	switch {
	case f.all:
		from = time.Time{}
	case !f.fromDate.IsZero():
		from = f.fromDate
	}
	res, err := scorer.Recompute(ctx, kinds, from, now)
	if err != nil {
		return err
	}
	p := survey.PeriodOf(f.kind, now, cfg.Location)
	rep, err := buildScoreReport(ctx, st, cat, p, res)
	if err != nil {
		return err
	}
	if f.jsonOut {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return printScoreReport(env.stdout, rep)
}

// buildScoreReport reads the period's snapshots: city, then each OPD
// followed by its services, in catalog order; scopes not in the catalog
// last.
func buildScoreReport(ctx context.Context, st *storage.Store, cat *survey.Catalog, p survey.Period, run jobs.RunResult) (scoreReport, error) {
	rows, err := st.Snapshots(ctx, scoring.IndexIKM, p)
	if err != nil {
		return scoreReport{}, err
	}
	rep := scoreReport{Period: p.Key(), Label: p.Label(survey.LangID), Run: run, Rows: []scoreRow{}}
	byKey := make(map[string]storage.ScoreSnapshot, len(rows))
	for _, r := range rows {
		byKey[r.ScopeKind+"/"+r.ScopeCode] = r
	}
	take := func(kind, code, name string) error {
		r, ok := byKey[kind+"/"+code]
		if !ok {
			return nil
		}
		delete(byKey, kind+"/"+code)
		row, err := reportRow(r, p.Start.Location(), name)
		rep.Rows = append(rep.Rows, row)
		return err
	}
	if err := take(string(scoring.ScopeCity), "", "Kota Solok"); err != nil {
		return rep, err
	}
	for _, o := range cat.OPDs {
		if err := take(string(scoring.ScopeOPD), o.Code, o.Name[survey.LangID]); err != nil {
			return rep, err
		}
		for _, s := range o.Services {
			if err := take(string(scoring.ScopeService), s.Code, s.Name[survey.LangID]); err != nil {
				return rep, err
			}
		}
	}
	for _, r := range rows {
		if err := take(r.ScopeKind, r.ScopeCode, ""); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// reportRow turns a stored snapshot into a printed row.
func reportRow(r storage.ScoreSnapshot, loc *time.Location, name string) (scoreRow, error) {
	row := scoreRow{Scope: r.ScopeKind, Code: r.ScopeCode, Name: name, ValueText: "-", Mutu: r.Category,
		N: r.N, NRequired: r.NRequired, Status: r.Status}
	snap, err := r.Snapshot(loc)
	if err != nil {
		return row, err
	}
	if !snap.Valid {
		return row, nil
	}
	v := scoring.Round2(snap.Value)
	row.Value, row.ValueText = &v, scoring.FormatID(snap.Value, 2)
	for _, e := range snap.Details.Elements {
		if e.Key == snap.Details.Lowest {
			nrr := e.NRR
			row.Lowest, row.LowestNRR = e.Key, &nrr
		}
	}
	return row, nil
}

// printScoreReport prints the report as a plain aligned table.
func printScoreReport(w io.Writer, rep scoreReport) error {
	fmt.Fprintf(w, "IKM %s (%s): %d snapshots recomputed, %d changed\n\n", rep.Label, rep.Period, rep.Run.Snapshots, rep.Run.Written)
	if len(rep.Rows) == 0 {
		_, err := fmt.Fprintln(w, "no submitted SKM responses in this period")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCOPE\tCODE\tIKM\tMUTU\tN\tN REQUIRED\tSTATUS\tLOWEST UNSUR")
	for _, r := range rep.Rows {
		req, mutu, lowest := "-", r.Mutu, "-"
		if r.NRequired > 0 {
			req = fmt.Sprint(r.NRequired)
		}
		if mutu == "" {
			mutu = "-"
		}
		if r.LowestNRR != nil {
			lowest = r.Lowest + " (NRR " + scoring.FormatID(*r.LowestNRR, 2) + ")"
		}
		code := r.Code
		if code == "" {
			code = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.Scope, code, r.ValueText, mutu, r.N, req, dash(r.Status), lowest)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print scores: %w", err)
	}
	_, err := fmt.Fprintln(w, "\nCity IKM = mean of the OPD IKMs (n and lowest unsur: all respondents pooled).")
	return err
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
