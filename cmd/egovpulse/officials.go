package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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
	if len(args) == 0 {
		return usageError("officials: " + officialsUsage)
	}
	subs := map[string]func(context.Context, *environment, []string) error{
		"import": runOfficialsImport, "list": runOfficialsList,
		"invite": runOfficialsInvite, "revoke": runOfficialsRevoke,
	}
	fn, ok := subs[args[0]]
	if !ok {
		return usageError(fmt.Sprintf("officials: unknown subcommand %q; %s", args[0], officialsUsage))
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
	log := newLogger(cfg, env.stderr)
	_, cat, err := loadDefinitions(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(cfg, st, cat)
}

func runOfficialsImport(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("officials import", flag.ContinueOnError)
	skip := fs.Bool("skip-invalid", false, "import the good rows, list the bad ones")
	file, err := parseFileArgs(fs, args, "usage: officials import FILE.csv [--skip-invalid]")
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return withCatalog(ctx, env, func(cfg *config.Config, st *storage.Store, cat *survey.Catalog) error {
		entries, bad, err := parseRoster(data, cat)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if len(bad) > 0 && !*skip {
			return fmt.Errorf("%s: %d bad row(s), nothing imported (fix them, or --skip-invalid to import the rest):%s",
				file, len(bad), badLines(file, bad))
		}
		if len(entries) == 0 {
			return fmt.Errorf("%s: no valid officials in the file, nothing imported", file)
		}
		res, err := st.ImportRoster(ctx, entries, len(bad) == 0)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: %d added, %d updated, %d marked inactive\n", file, res.Added, res.Updated, res.Deactivated)
		if len(bad) > 0 {
			fmt.Fprintf(env.stdout, "skipped %d bad row(s); officials missing from the file stay active until a clean import:%s\n",
				len(bad), badLines(file, bad))
		}
		return nil
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
		rows, err := st.Officials(ctx, *opd, time.Now())
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return errors.New("no officials on the roster yet: egovpulse officials import FILE.csv")
		}
		return printOfficials(env.stdout, rows)
	})
}

func printOfficials(w io.Writer, rows []storage.OfficialRow) error {
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
