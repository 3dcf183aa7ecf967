// Package storage keeps egovpulse's data in MySQL/MariaDB (production) or
// SQLite (the embedded default) through GORM: respondents under a random
// pseudonymous key, the separate identity table that maps a Telegram user to
// that key, consents, responses, answers and the processed-update ledger.
//
// Every method takes its context first (on *Tx the context of the
// transaction is implicit); every query goes through db.WithContext, and no
// SQL is ever built from input. Times are stored in UTC, truncated to the
// millisecond, so both backends give back exactly what was written.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	gomysql "github.com/go-sql-driver/mysql"
	"github.com/kotasolok/egovpulse/scoring"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// Drivers accepted by Open.
const (
	DriverMySQL  = "mysql"
	DriverSQLite = "sqlite"
)

// Sentinel errors; test them with errors.Is.
var (
	// ErrNotFound: the row asked for does not exist.
	ErrNotFound = errors.New("storage: not found")
	// ErrUpdateSeen: ApplyUpdate was given an update id already committed.
	ErrUpdateSeen = errors.New("storage: update already processed")
	// ErrAlreadySubmitted: the respondent already holds a submitted response
	// for this survey, service and period (or this response was submitted).
	ErrAlreadySubmitted = errors.New("storage: already submitted for this service and period")
	// ErrResponseClosed: the response is no longer in progress (submitted or
	// abandoned), so its answers cannot change.
	ErrResponseClosed = errors.New("storage: response is not in progress")
	// ErrInvalidValue: an answer value is not valid UTF-8 or is too long to
	// be stored byte-exact.
	ErrInvalidValue = errors.New("storage: answer value cannot be stored")
	// ErrSchemaOutdated: the database misses migrations this binary needs.
	ErrSchemaOutdated = errors.New("storage: database schema is outdated: run `egovpulse migrate`")
	// ErrSchemaTooNew: the database was migrated by a newer binary.
	ErrSchemaTooNew = errors.New("storage: database schema is newer than this binary: upgrade egovpulse")
)

// Options tune Open. The zero value is usable.
type Options struct {
	// Logger receives slow queries (Warn) and driver notices; nil discards.
	Logger *slog.Logger
	// Now is the clock (default time.Now); stored times are UTC, truncated
	// to the millisecond.
	Now func() time.Time
	// MaxOpenConns bounds the pool (default 20 on MySQL, 4 on SQLite).
	MaxOpenConns int
	// AutoMigrate makes Open apply pending migrations itself (the embedded
	// SQLite default, so a newcomer's first command just works).
	AutoMigrate bool
	// SlowQuery is the threshold over which a query is logged at Warn
	// (default 200 ms).
	SlowQuery time.Duration
	// IdentityRetention is how long a Telegram identity is kept after the
	// user was last seen (default 400 days); see identities.expires_at.
	IdentityRetention time.Duration
	// ScoreElements are the elements whose 1–4 scores Submit packs into the
	// response's response_scores row, in this order (default
	// scoring.UnsurKeys(), the nine SKM unsur, the order migration 0003
	// backfilled; at most 20 distinct keys). ResponseScores reads those rows
	// when asked for a subset of these elements.
	ScoreElements []string
}

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	db         *gorm.DB
	dialect    string
	now        func() time.Time
	retention  time.Duration
	migrations []migration
	secret     string // the DSN password, scrubbed from error text
	summary    scoreLayout
	// batch: MySQL with multiStatements, for fewer round trips per answer
	// (pipeline.go).
	batch bool
	// aggs: aggregates decoded from stored snapshots (StoredIndexAggs).
	aggs aggCache
}

// Open connects to the database. driver is DriverMySQL, with dsn in
// go-sql-driver form (user:pass@tcp(host:3306)/db?...; parseTime=true and
// loc=UTC are forced, charset=utf8mb4 and interpolateParams=true are added
// when missing), or DriverSQLite, with dsn a file path (WAL,
// synchronous=NORMAL, busy_timeout and immediate transactions are set so
// that concurrent read-then-write transactions never fail with SQLITE_BUSY).
// Errors never contain the password.
func Open(ctx context.Context, driver, dsn string, opt Options) (*Store, error) {
	s := &Store{dialect: driver, now: opt.Now, retention: opt.IdentityRetention}
	if s.now == nil {
		s.now = time.Now
	}
	if s.retention <= 0 {
		s.retention = 400 * 24 * time.Hour
	}
	if opt.ScoreElements == nil {
		opt.ScoreElements = scoring.UnsurKeys()
	}
	var err error
	if s.summary, err = newScoreLayout(opt.ScoreElements); err != nil {
		return nil, fmt.Errorf("open %s database: %w", driver, err)
	}
	dialector, maxOpen, err := s.dialector(driver, dsn)
	if err != nil {
		return nil, err
	}
	if opt.MaxOpenConns > 0 {
		maxOpen = opt.MaxOpenConns
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		TranslateError: true,
		NowFunc:        func() time.Time { return utcMilli(s.now()) },
		Logger:         newGormLogger(opt.Logger, opt.SlowQuery),
	})
	if err != nil {
		return nil, s.scrub(fmt.Errorf("open %s database %s: %w", driver, redactDSN(driver, dsn), err))
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, s.scrub(fmt.Errorf("open %s database: %w", driver, err))
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	sqlDB.SetMaxIdleConns(maxOpen)
	sqlDB.SetConnMaxLifetime(3 * time.Minute)
	s.db = db
	if s.migrations, err = loadMigrations(driver); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, s.scrub(fmt.Errorf("open %s database %s: %w", driver, redactDSN(driver, dsn), err))
	}
	if opt.AutoMigrate {
		if _, err := s.Migrate(ctx); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
	}
	return s, nil
}

// dialector builds the GORM dialector and the default pool size.
func (s *Store) dialector(driver, dsn string) (gorm.Dialector, int, error) {
	switch driver {
	case DriverMySQL:
		cfg, err := mysqlConfig(dsn)
		if err != nil {
			return nil, 0, fmt.Errorf("open mysql database %s: %w", redactDSN(driver, dsn), err)
		}
		s.secret = cfg.Passwd
		s.batch = cfg.MultiStatements
		conn, err := gomysql.NewConnector(cfg)
		if err != nil {
			return nil, 0, fmt.Errorf("open mysql database %s: %w", redactDSN(driver, dsn), err)
		}
		pool := sql.OpenDB(readCommitted{conn})
		// Without RETURNING: ids come from LastInsertId, and an answer upsert
		// does not send back a result set nobody reads.
		return mysql.New(mysql.Config{DSNConfig: cfg, Conn: pool, DisableWithReturning: true}), 20, nil
	case DriverSQLite:
		if dsn == "" {
			return nil, 0, errors.New("open sqlite database: empty file path")
		}
		return sqlite.Open(sqliteDSN(dsn)), 4, nil
	default:
		return nil, 0, fmt.Errorf("open database: unknown driver %q (want %q or %q)", driver, DriverMySQL, DriverSQLite)
	}
}

// mysqlConfig parses a go-sql-driver DSN and sets the options storage needs.
func mysqlConfig(dsn string) (*gomysql.Config, error) {
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if cfg.Params["charset"] == "" {
		cfg.Params["charset"] = "utf8mb4"
	}
	if !strings.Contains(dsn, "interpolateParams=") {
		cfg.InterpolateParams = true
	}
	// Several statements in one round trip (pipeline.go), only with the
	// client-side interpolation: parameters then never travel apart from
	// their statement.
	cfg.MultiStatements = cfg.InterpolateParams
	// An UPDATE reports the rows it matched, as on SQLite, not only those
	// whose values changed: a guarded update's count then says whether the
	// guard held.
	cfg.ClientFoundRows = true
	return cfg, nil
}

// readCommitted opens MySQL connections whose transactions run at READ
// COMMITTED (see Store.Tx), set once per connection rather than by a
// statement before every transaction.
type readCommitted struct{ driver.Connector }

// Connect opens a connection and sets its isolation level.
func (c readCommitted) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		_ = conn.Close()
		return nil, errors.New("mysql driver: connection cannot execute statements")
	}
	if _, err := ex.ExecContext(ctx, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", nil); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("set isolation level: %w", err)
	}
	return conn, nil
}

// sqliteDSN appends the pragmas and the immediate transaction mode to a
// file path (or to a DSN that already has a query string).
func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	// Note: the driver stops reading parameters after _time_format, so it
	// must not be used together with _txlock.
	return path + sep + "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// redactDSN returns dsn with its password replaced by "***".
func redactDSN(driver, dsn string) string {
	if driver != DriverMySQL {
		return dsn
	}
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return dsn
	}
	cred := dsn[:at]
	if i := strings.Index(cred, ":"); i >= 0 {
		return cred[:i] + ":***" + dsn[at:]
	}
	return dsn
}

// scrubbedError hides a secret from an error's text while keeping the chain
// for errors.Is and errors.As.
type scrubbedError struct {
	err    error
	secret string
}

// Error is the wrapped error's text with the secret masked.
func (e *scrubbedError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.secret, "***")
}

// Unwrap returns the wrapped error.
func (e *scrubbedError) Unwrap() error { return e.err }

// scrub wraps err so that the DSN password never shows in its text.
func (s *Store) scrub(err error) error {
	if err == nil || s.secret == "" || !strings.Contains(err.Error(), s.secret) {
		return err
	}
	return &scrubbedError{err: err, secret: s.secret}
}

// Dialect returns DriverMySQL or DriverSQLite.
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return s.scrub(fmt.Errorf("ping database: %w", err))
	}
	return nil
}

// Close releases the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	if err := sqlDB.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// utcMilli normalises a time for storage: UTC, millisecond precision.
func utcMilli(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
