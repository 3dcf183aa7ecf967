package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kotasolok/egovpulse/config"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

const officialsUsage = "usage: officials import FILE.csv [--skip-invalid] | officials list [--opd CODE] | " +
	"officials invite --opd CODE [--csv FILE] | officials revoke ID"

// runOfficials dispatches `egovpulse officials <sub>`.
func runOfficials(ctx context.Context, env *environment, args []string) error {
	return runSubcommand(ctx, env, args, "officials", officialsUsage, map[string]subcommand{
		"import": runOfficialsImport, "list": runOfficialsList,
		"invite": runOfficialsInvite, "revoke": runOfficialsRevoke,
	})
}

// subcommand is one `egovpulse <command> <sub>`.
type subcommand func(context.Context, *environment, []string) error

// runSubcommand runs the subcommand args[0] of command name, or answers
// with its usage.
func runSubcommand(ctx context.Context, env *environment, args []string, name, usage string, subs map[string]subcommand) error {
	if len(args) == 0 {
		return usageError(name + ": " + usage)
	}
	fn, ok := subs[args[0]]
	if !ok {
		return usageError(fmt.Sprintf("%s: unknown subcommand %q; %s", name, args[0], usage))
	}
	return fn(ctx, env, args[1:])
}

// parseFileArgs reads `FILE [--flag]` command lines: the flag set's flags
// may come before or after the one file argument.
func parseFileArgs(fs *flag.FlagSet, args []string, usage string) (string, error) {
	fs.SetOutput(io.Discard)
	var files []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return "", usageError(err.Error() + "; " + usage)
		}
		if args = fs.Args(); len(args) > 0 {
			files, args = append(files, args[0]), args[1:]
		}
	}
	if len(files) != 1 {
		return "", usageError(usage)
	}
	return files[0], nil
}

// withCatalog loads the configuration, the catalog and the store for a
// maintenance command and runs fn with them.
func withCatalog(ctx context.Context, env *environment, fn func(cfg *config.Config, st *storage.Store, cat *survey.Catalog) error) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	_, cat, st, err := openWithDefinitions(ctx, cfg, newLogger(cfg, env.stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(cfg, st, cat)
}

func runOfficialsImport(ctx context.Context, env *environment, args []string) error {
	return runCSVImport(ctx, env, args, csvImport[storage.RosterEntry]{
		name: "officials import", usage: "usage: officials import FILE.csv [--skip-invalid]", what: "officials", parse: parseRoster,
		store: func(ctx context.Context, st *storage.Store, entries []storage.RosterEntry, partial bool) (string, error) {
			res, err := st.ImportRoster(ctx, entries, !partial)
			if err != nil {
				return "", err
			}
			msg := fmt.Sprintf("%d added, %d updated, %d marked inactive", res.Added, res.Updated, res.Deactivated)
			if partial {
				msg += " (officials missing from the file stay active until a clean import)"
			}
			lacking, err := opdsWithoutOperator(ctx, st)
			if err != nil {
				return "", err
			}
			if len(lacking) > 0 {
				msg += fmt.Sprintf("\nnote: no active operator on the roster for %s: nobody there can report service counts "+
					"with /lapor or is reminded of them (give someone the role operator)", strings.Join(lacking, ", "))
			}
			return msg, nil
		},
	})
}

func runOfficialsList(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("officials list", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	opd := fs.String("opd", "", "only this OPD")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return usageError("usage: officials list [--opd CODE]")
	}
	return withCatalog(ctx, env, func(cfg *config.Config, st *storage.Store, cat *survey.Catalog) error {
		if _, ok := cat.OPD(*opd); *opd != "" && !ok {
			return fmt.Errorf("--opd: unknown OPD %q (not in the catalog)", *opd)
		}
		rows, err := st.Dues(ctx, rosterDues(cfg, cat, *opd, time.Now()))
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return errors.New("no officials on the roster yet: egovpulse officials import FILE.csv")
		}
		return printOfficials(env.stdout, rows)
	})
}

// rosterDues asks for the roster's statuses this month in TIMEZONE: who
// answered the month's asn survey, who blocked the bot, and the counts of
// the last completed month each operator still owes.
func rosterDues(cfg *config.Config, cat *survey.Catalog, opd string, now time.Time) storage.DuesQuery {
	month := survey.PeriodOf(survey.PeriodMonth, now, cfg.Location)
	services := map[string][]string{}
	for _, s := range cat.Services() {
		services[s.OPDCode] = append(services[s.OPDCode], s.Code)
	}
	return storage.DuesQuery{OPD: opd, SurveyID: "asn", SurveyPeriod: month.Key(),
		CountsPeriod: month.Prev().Key(), Services: services, Now: now}
}

func printOfficials(w io.Writer, rows []storage.OfficialDue) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOPD\tNAME\tNIP\tLEVEL\tROLE\tSTATUS")
	for _, r := range rows {
		nip := "-"
		if r.NIP != nil {
			nip = *r.NIP
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.OPDCode, r.Name, nip, r.Level, r.Role, r.Status)
	}
	return tw.Flush()
}

// opdsWithoutOperator lists the OPDs with active officials but no active
// operator.
func opdsWithoutOperator(ctx context.Context, st *storage.Store) ([]string, error) {
	rows, err := st.Officials(ctx, "", time.Now())
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	var opds []string
	for _, r := range rows {
		if !r.Active {
			continue
		}
		if _, seen := has[r.OPDCode]; !seen {
			has[r.OPDCode] = false
			opds = append(opds, r.OPDCode)
		}
		if r.Role == "operator" {
			has[r.OPDCode] = true
		}
	}
	var out []string
	for _, o := range opds {
		if !has[o] {
			out = append(out, o)
		}
	}
	return out, nil
}
