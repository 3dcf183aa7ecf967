package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/report"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// summaryUsage is the command line of `egovpulse summary`.
const summaryUsage = "usage: summary " + summary.Usage + " [--lang id|en] [--chart FILE]"

// summaryFlags are the arguments of `egovpulse summary`.
type summaryFlags struct {
	args  []string // the summary's own, as /ringkasan takes them
	lang  string
	chart string
}

// parseSummaryFlags separates --lang and --chart (anywhere, "--x v" or
// "--x=v") from the summary's arguments.
func parseSummaryFlags(args []string) (summaryFlags, error) {
	f := summaryFlags{lang: survey.LangID}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			f.args = append(f.args, a)
			continue
		}
		if name != "lang" && name != "chart" {
			return f, usageError(fmt.Sprintf("summary: unknown flag %q; %s", a, summaryUsage))
		}
		if !hasVal {
			if i+1 >= len(args) {
				return f, usageError(fmt.Sprintf("summary: --%s needs a value; %s", name, summaryUsage))
			}
			i++
			val = args[i]
		}
		if name == "lang" {
			f.lang = val
		} else {
			f.chart = val
		}
	}
	if f.lang != survey.LangID && f.lang != survey.LangEN {
		return f, usageError(fmt.Sprintf("summary: --lang: %q is not a language (want id or en)", f.lang))
	}
	if f.chart == "" && hasFlag(args, "chart") {
		return f, usageError("summary: --chart needs a file name; " + summaryUsage)
	}
	return f, nil
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if strings.TrimLeft(strings.SplitN(a, "=", 2)[0], "-") == name && strings.HasPrefix(a, "-") {
			return true
		}
	}
	return false
}

// newSummarizer is the Summarizer of a process: snapshots brought up to
// date by the scorer's Refresh before each summary.
func newSummarizer(st *storage.Store, reg *survey.Registry, cat *survey.Catalog, loc *time.Location, scorer *jobs.Scorer) *report.Summarizer {
	return &report.Summarizer{Store: st, Catalog: cat, Location: loc, Registry: reg,
		FollowUps: report.StoredFollowUps{Store: st, Location: loc},
		Refresh:   func(ctx context.Context) error { _, err := scorer.Refresh(ctx); return err }}
}

// runSummary prints the summary /ringkasan sends (the same functions) and
// writes its chart with --chart.
func runSummary(ctx context.Context, env *environment, args []string) error {
	f, err := parseSummaryFlags(args)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr)
	reg, cat, st, err := openWithDefinitions(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	sz := newSummarizer(st, reg, cat, cfg.Location, jobs.NewScorer(st, reg, cat, cfg.Location, nil, log))
	req, err := sz.Parse(f.args)
	if err == nil {
		_, err = req.Period(time.Now(), cfg.Location)
	}
	if errors.Is(err, summary.ErrBadArgs) {
		return usageError("summary: " + err.Error() + "; " + summaryUsage)
	}
	if err != nil {
		return err
	}
	text, png, err := sz.Render(ctx, req, f.lang, f.chart != "")
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, text)
	if f.chart == "" {
		return nil
	}
	if err := os.WriteFile(f.chart, png, 0o644); err != nil {
		return fmt.Errorf("write the chart: %w", err)
	}
	fmt.Fprintf(env.stderr, "chart written to %s (%d bytes)\n", f.chart, len(png))
	return nil
}
