package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kotasolok/egovpulse/jobs"
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
	lang     string
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
	fs.StringVar(&f.lang, "lang", survey.LangID, "id or en")
	if err := fs.Parse(args); err != nil {
		return f, usageError("score: " + err.Error() + "; usage: score [--period week|month|quarter|year] [--from YYYY-MM-DD] [--all] [--json] [--lang id|en]")
	}
	if f.lang != survey.LangID && f.lang != survey.LangEN {
		return f, usageError(fmt.Sprintf("score: --lang: %q is not a language (want id or en)", f.lang))
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
	reg, cat, st, err := openWithDefinitions(ctx, cfg, log)
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
	rep, err := recomputeReport(ctx, st, cat, scorer, kinds, from, now, survey.PeriodOf(f.kind, now, cfg.Location), f.lang)
	if err != nil {
		return err
	}
	if f.jsonOut {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // "< 5 responden" stays readable
		return enc.Encode(rep)
	}
	return printScoreReport(env.stdout, rep, f.lang)
}

// recomputeReport recomputes the snapshots of kinds from from to now and
// returns the score report of period p in lang: what `score` prints, and
// the demo's score tables.
func recomputeReport(ctx context.Context, st *storage.Store, cat *survey.Catalog, scorer *jobs.Scorer, kinds []survey.PeriodKind,
	from, now time.Time, p survey.Period, lang string) (scoreReport, error) {
	res, err := scorer.Recompute(ctx, kinds, from, now)
	if err != nil {
		return scoreReport{}, err
	}
	rows, err := st.PeriodSnapshots(ctx, p)
	if err != nil {
		return scoreReport{}, err
	}
	return buildScoreReport(rows, cat, p, res, lang)
}
