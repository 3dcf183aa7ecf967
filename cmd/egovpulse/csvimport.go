package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/kotasolok/egovpulse/config"
	"github.com/kotasolok/egovpulse/internal/csvin"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// csvImport is one `… import FILE.csv [--skip-invalid]` command.
type csvImport[T any] struct {
	name, usage string
	what        string // what the rows are, for "no valid … in the file"
	// parse checks a file: its good rows and every bad line.
	parse func(data []byte, cat *survey.Catalog) ([]T, csvin.Errors, error)
	// store saves the good rows (partial: some rows were skipped) and
	// returns the summary printed after the file name.
	store func(ctx context.Context, st *storage.Store, rows []T, partial bool) (string, error)
}

// runCSVImport runs an import: nothing is stored while any row is bad,
// unless --skip-invalid, which stores the good rows and lists the rest.
func runCSVImport[T any](ctx context.Context, env *environment, args []string, imp csvImport[T]) error {
	fs := flag.NewFlagSet(imp.name, flag.ContinueOnError)
	skip := fs.Bool("skip-invalid", false, "import the good rows, list the bad ones")
	file, err := parseFileArgs(fs, args, imp.usage)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return withCatalog(ctx, env, func(_ *config.Config, st *storage.Store, cat *survey.Catalog) error {
		rows, bad, err := imp.parse(data, cat)
		switch {
		case err != nil:
			return fmt.Errorf("%s: %w", file, err)
		case len(bad) > 0 && !*skip:
			return fmt.Errorf("%s: %d bad row(s), nothing imported (fix them, or --skip-invalid to import the rest):%s",
				file, len(bad), badLines(file, bad))
		case len(rows) == 0:
			return fmt.Errorf("%s: no valid %s in the file, nothing imported", file, imp.what)
		}
		summary, err := imp.store(ctx, st, rows, len(bad) > 0)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: %s\n", file, summary)
		if len(bad) > 0 {
			fmt.Fprintf(env.stdout, "skipped %d bad row(s):%s\n", len(bad), badLines(file, bad))
		}
		return nil
	})
}
