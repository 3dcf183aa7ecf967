package storage

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migrationFiles holds the versioned migrations, one folder per dialect:
// migrations/<dialect>/NNNN_name.sql. Both folders list the same versions.
//
//go:embed migrations
var migrationFiles embed.FS

// migration is one versioned schema change.
type migration struct {
	Version    int
	Name       string // "0001_initial"
	Statements []string
}

// schemaMigration is a row of schema_migrations.
type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

// TableName is the GORM table of schemaMigration.
func (schemaMigration) TableName() string { return "schema_migrations" }

// schemaMigrationsDDL creates schema_migrations in the given dialect.
func schemaMigrationsDDL(dialect string) string {
	if dialect == DriverMySQL {
		return `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INT NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  applied_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
	}
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at DATETIME NOT NULL)`
}

// loadMigrations reads the embedded migrations of one dialect, in order.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("load %s migrations: %w", dialect, err)
	}
	var out []migration
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok || e.IsDir() {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("load %s migrations: file %q does not start with a version number", dialect, e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("load %s migrations: %w", dialect, err)
		}
		out = append(out, migration{Version: v, Name: name, Statements: splitStatements(string(body))})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("load %s migrations: version %d appears twice", dialect, out[i].Version)
		}
	}
	return out, nil
}

// splitStatements cuts a migration file into statements: comment lines
// ("--") are dropped and a statement ends with a line ending in ";".
func splitStatements(body string) []string {
	var stmts []string
	var cur strings.Builder
	for line := range strings.Lines(body) {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		stmts = append(stmts, rest)
	}
	return stmts
}

// Migrate applies the pending migrations in order and returns their names.
// On SQLite each migration runs in one transaction with its
// schema_migrations row; MySQL commits DDL implicitly, so there the
// migrations are written to be re-runnable and a named lock
// (GET_LOCK) keeps two migrators apart.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	db := s.db.WithContext(ctx)
	if err := db.Exec(schemaMigrationsDDL(s.dialect)).Error; err != nil {
		return nil, s.scrub(fmt.Errorf("migrate: create schema_migrations: %w", err))
	}
	var applied []string
	var err error
	if s.dialect == DriverMySQL {
		err = db.Connection(func(conn *gorm.DB) error {
			return withMySQLLock(conn, func() error {
				applied, err = s.applyPending(conn)
				return err
			})
		})
	} else {
		applied, err = s.applyPending(db)
	}
	return applied, s.scrub(err)
}

// withMySQLLock runs fn while holding the database's migration lock.
func withMySQLLock(conn *gorm.DB, fn func() error) error {
	var got *int
	const lockName = "CONCAT('egovpulse_migrate_', DATABASE())"
	if err := conn.Raw("SELECT GET_LOCK(" + lockName + ", 60)").Scan(&got).Error; err != nil {
		return fmt.Errorf("migrate: take lock: %w", err)
	}
	if got == nil || *got != 1 {
		return errors.New("migrate: another migration holds the lock (waited 60 s)")
	}
	defer conn.Exec("SELECT RELEASE_LOCK(" + lockName + ")")
	return fn()
}

// applyPending applies, in order, every migration not yet recorded.
func (s *Store) applyPending(db *gorm.DB) ([]string, error) {
	done, err := appliedVersions(db)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range s.migrations {
		if done[m.Version] {
			continue
		}
		ran, err := s.applyOne(db, m)
		if err != nil {
			return names, fmt.Errorf("migrate %s: %w", m.Name, err)
		}
		if ran {
			names = append(names, m.Name)
		}
	}
	return names, nil
}

// applyOne applies one migration and records it; ran is false when a
// concurrent migrator got there first.
func (s *Store) applyOne(db *gorm.DB, m migration) (ran bool, err error) {
	apply := func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&schemaMigration{}).Where("version = ?", m.Version).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for _, stmt := range m.Statements {
			if err := tx.Exec(stmt).Error; err != nil {
				return err
			}
		}
		ran = true
		return tx.Create(&schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: utcMilli(s.now())}).Error
	}
	if s.dialect == DriverMySQL {
		return ran, apply(db)
	}
	return ran, db.Transaction(apply)
}

// appliedVersions lists the recorded migration versions.
func appliedVersions(db *gorm.DB) (map[int]bool, error) {
	var versions []int
	if err := db.Model(&schemaMigration{}).Pluck("version", &versions).Error; err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	done := make(map[int]bool, len(versions))
	for _, v := range versions {
		done[v] = true
	}
	return done, nil
}

// SchemaStatus returns the highest migration version applied to the
// database (0 on an empty one) and the highest this binary knows.
func (s *Store) SchemaStatus(ctx context.Context) (current, latest int, err error) {
	current, latest, _, err = s.schemaState(ctx)
	return current, latest, err
}

// CheckSchema returns nil when every migration this binary knows has been
// applied, ErrSchemaOutdated (whose text says to run `egovpulse migrate`)
// when some are missing, and ErrSchemaTooNew when the database is ahead.
func (s *Store) CheckSchema(ctx context.Context) error {
	current, latest, pending, err := s.schemaState(ctx)
	if err != nil {
		return err
	}
	if pending > 0 {
		return fmt.Errorf("%w (database at version %d, %d of %d migrations pending)",
			ErrSchemaOutdated, current, pending, latest)
	}
	if current > latest {
		return fmt.Errorf("%w (database at version %d, binary knows %d)", ErrSchemaTooNew, current, latest)
	}
	return nil
}

// schemaState reads schema_migrations: the highest applied version, the
// latest known one and how many known migrations are not applied.
func (s *Store) schemaState(ctx context.Context) (current, latest, pending int, err error) {
	if len(s.migrations) > 0 {
		latest = s.migrations[len(s.migrations)-1].Version
	}
	db := s.db.WithContext(ctx)
	if !db.Migrator().HasTable(&schemaMigration{}) {
		return 0, latest, len(s.migrations), nil
	}
	done, err := appliedVersions(db)
	if err != nil {
		return 0, latest, 0, s.scrub(fmt.Errorf("schema status: %w", err))
	}
	for v := range done {
		current = max(current, v)
	}
	for _, m := range s.migrations {
		if !done[m.Version] {
			pending++
		}
	}
	return current, latest, pending, nil
}
