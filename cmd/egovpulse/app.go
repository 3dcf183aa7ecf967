package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/kotasolok/egovpulse/config"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// loadConfig reads the configuration from the command's environment.
func loadConfig(env *environment) (*config.Config, error) {
	cfg, err := config.Load(env.getenv, os.ReadFile)
	if err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, nil
}

// newLogger builds the process logger per LOG_LEVEL and LOG_FORMAT, and
// routes the MySQL driver's and the Telegram client's lines into it
// (routeLibraryLogs). Every command builds its logger here, before it
// opens anything.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	log := slog.New(slog.NewTextHandler(w, opts))
	if cfg.LogFormat == "json" {
		log = slog.New(slog.NewJSONHandler(w, opts))
	}
	routeLibraryLogs(log, cfg.Redact)
	return log
}

// openStore opens the database. On the embedded SQLite default it migrates
// by itself, so a newcomer's first command works; on MySQL it refuses an
// outdated schema and says to run `egovpulse migrate`.
func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*storage.Store, error) {
	return openStoreAt(ctx, cfg, log, time.Now)
}

// openStoreAt is openStore with the store's clock (the demo's simulated weeks).
func openStoreAt(ctx context.Context, cfg *config.Config, log *slog.Logger, now func() time.Time) (*storage.Store, error) {
	st, err := storage.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, storage.Options{
		Now:         now,
		Logger:      log,
		AutoMigrate: cfg.Database.Embedded(),
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", cfg.Database, err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// loadDefinitions loads the survey registry and the services catalog the
// configuration names (built-ins plus SURVEYS_DIR; CATALOG_FILE or the
// example catalog). The service refuses to start on an invalid file.
func loadDefinitions(cfg *config.Config) (*survey.Registry, *survey.Catalog, error) {
	reg, err := survey.LoadRegistry(cfg.SurveysDir)
	if err != nil {
		return nil, nil, err
	}
	cat := survey.BuiltinCatalog()
	if cfg.CatalogFile != "" {
		data, err := os.ReadFile(cfg.CatalogFile)
		if err != nil {
			return nil, nil, fmt.Errorf("CATALOG_FILE: %w", err)
		}
		if cat, err = survey.LoadCatalog(cfg.CatalogFile, data); err != nil {
			return nil, nil, err
		}
	}
	return reg, cat, nil
}

func runMigrate(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		return usageError("migrate takes no arguments")
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr)
	st, err := storage.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, storage.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("open database %s: %w", cfg.Database, err)
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, name := range applied {
		fmt.Fprintf(env.stdout, "applied %s\n", name)
	}
	cur, _, err := st.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s: schema at version %d (%d applied now)\n", cfg.Database, cur, len(applied))
	return nil
}

func runValidate(_ context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		cfg, err := loadConfig(env)
		if err != nil {
			return err
		}
		reg, cat, err := loadDefinitions(cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "ok: surveys %v; catalog with %d OPDs\n", reg.IDs(), len(cat.OPDs))
		return nil
	}
	if err := survey.ValidateFiles(args); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "ok: %d file(s) valid\n", len(args))
	return nil
}

// openWithDefinitions loads the surveys and the catalog, then opens the
// store: what a maintenance command needs. The caller closes the store.
func openWithDefinitions(ctx context.Context, cfg *config.Config, log *slog.Logger) (*survey.Registry, *survey.Catalog, *storage.Store, error) {
	reg, cat, err := loadDefinitions(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	return reg, cat, st, nil
}
