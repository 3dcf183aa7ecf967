package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kotasolok/egovpulse/config"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

const followUpsUsage = "usage: followups list [--opd CODE] [--open] | followups set ID [--owner TEXT] [--action TEXT] " +
	"[--due DD-MM-YYYY] [--status open|in_progress|done|dropped] | followups open"

// runFollowUps dispatches `egovpulse followups <sub>`.
func runFollowUps(ctx context.Context, env *environment, args []string) error {
	return runSubcommand(ctx, env, args, "followups", followUpsUsage, map[string]subcommand{
		"list": runFollowUpsList, "set": runFollowUpsSet, "open": runFollowUpsOpen,
	})
}

// runFollowUpsOpen opens the items of the quarter that ended, now: the
// daily job's function, run by hand (once per quarter, like the job).
func runFollowUpsOpen(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		return usageError("usage: followups open")
	}
	return withCatalog(ctx, env, func(cfg *config.Config, st *storage.Store, cat *survey.Catalog) error {
		job := &jobs.FollowUps{Store: st, Catalog: cat, Location: cfg.Location}
		run := job.Run(time.Now())
		out, err := (&jobs.Runner{Store: st}).Run(ctx, run)
		if err != nil {
			return err
		}
		if out.Skipped != "" {
			fmt.Fprintf(env.stdout, "follow-ups of %s: already opened (%s)\n", run.Slot, out.Skipped)
			return nil
		}
		items, err := st.FollowUps(ctx, storage.FollowUpFilter{PeriodKey: run.Slot})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "follow-ups of %s: %d services with their lowest unsur in band C or D\n", run.Slot, len(items))
		return nil
	})
}

func runFollowUpsList(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("followups list", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	opd := fs.String("opd", "", "only this OPD")
	open := fs.Bool("open", false, "only items not done or dropped")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return usageError("usage: followups list [--opd CODE] [--open]")
	}
	return withCatalog(ctx, env, func(cfg *config.Config, st *storage.Store, cat *survey.Catalog) error {
		if _, ok := cat.OPD(*opd); *opd != "" && !ok {
			return fmt.Errorf("--opd: unknown OPD %q (not in the catalog)", *opd)
		}
		items, err := st.FollowUps(ctx, storage.FollowUpFilter{OPD: *opd, OpenOnly: *open})
		if err != nil {
			return err
		}
		if len(items) == 0 {
			fmt.Fprintln(env.stdout, "no follow-up items (they open each quarter for services whose lowest unsur is in band C or D)")
			return nil
		}
		next, err := st.FollowUpFigures(ctx, items, cfg.Location)
		if err != nil {
			return err
		}
		return printFollowUps(env.stdout, items, next, time.Now(), cfg.Location)
	})
}

func printFollowUps(w io.Writer, items []storage.FollowUp, next map[int64]storage.FollowUpFigure, now time.Time, loc *time.Location) error {
	names := map[string]string{}
	for _, e := range scoring.Unsur() {
		names[e.Key] = e.Name.In(survey.LangID)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tQUARTER\tOPD\tSERVICE\tUNSUR\tTHEN\tNEXT QUARTER\tOWNER\tDUE\tSTATUS")
	for _, f := range items {
		after := "-"
		if n := next[f.ID]; n.Valid {
			after = fmt.Sprintf("%s %s (n=%d)", scoring.FormatID(n.Score, 2), n.Mutu, n.N)
		}
		due, status := "-", f.Status
		if f.DueDate != nil {
			due = f.DueDate.Format("02-01-2006")
		}
		if f.Overdue(now, loc) {
			status += " (overdue)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s %s\t%s\t%s\t%s\t%s\n", f.ID, f.PeriodKey, f.OPDCode, f.ServiceCode, names[f.Element],
			scoring.FormatID(f.Score, 2), f.Mutu, after, dash(f.Owner), due, status)
	}
	return tw.Flush()
}

func runFollowUpsSet(ctx context.Context, env *environment, args []string) error {
	const usage = "usage: followups set ID [--owner TEXT] [--action TEXT] [--due DD-MM-YYYY] [--status open|in_progress|done|dropped]"
	fs := flag.NewFlagSet("followups set", flag.ContinueOnError)
	var c storage.FollowUpChange
	var due string
	fs.Func("owner", "who carries it out", func(s string) error { c.Owner = &s; return nil })
	fs.Func("action", "what will be done", func(s string) error { c.Action = &s; return nil })
	fs.Func("status", "open, in_progress, done or dropped", func(s string) error { c.Status = &s; return nil })
	fs.StringVar(&due, "due", "", "due date")
	arg, err := parseFileArgs(fs, args, usage)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return usageError(fmt.Sprintf("followups set: %q is not a follow-up ID (a whole number, see followups list)", arg))
	}
	if due != "" {
		d, ok := survey.ParseDate(due)
		if !ok {
			return usageError(fmt.Sprintf("--due: %q is not a date (write 27-11-2026)", due))
		}
		c.DueDate = &d
	}
	if c == (storage.FollowUpChange{}) {
		return usageError("followups set: nothing to change; " + usage)
	}
	return withCatalog(ctx, env, func(cfg *config.Config, st *storage.Store, _ *survey.Catalog) error {
		f, err := st.UpdateFollowUp(ctx, id, c)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("no follow-up has ID %d (see followups list)", id)
		case errors.Is(err, storage.ErrFollowUpStatus):
			return fmt.Errorf("--status: %q is not one of %s", *c.Status, strings.Join(storage.FollowUpStatuses(), ", "))
		case errors.Is(err, storage.ErrFollowUpText):
			return fmt.Errorf("--owner / --action: empty, or longer than %d / %d characters", storage.MaxFollowUpOwner, storage.MaxFollowUpAction)
		case err != nil:
			return err
		}
		fmt.Fprintf(env.stdout, "follow-up %d (%s %s): owner %s, due %s, status %s\n", f.ID, f.ServiceCode, f.PeriodKey,
			dash(f.Owner), dueText(f.DueDate), f.Status)
		return nil
	})
}

func dueText(d *time.Time) string {
	if d == nil {
		return "-"
	}
	return d.Format("02-01-2006")
}
