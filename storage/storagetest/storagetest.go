// Package storagetest gives tests fresh storage backends: a SQLite file in
// t.TempDir and, when EGOVPULSE_TEST_MYSQL_DSN is set (for example
// root@tcp(127.0.0.1:3306)/test), a MySQL database created for the test and
// dropped after it. Without that variable the MySQL runs are skipped with a
// message, except under CI=true, where they fail.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/kotasolok/egovpulse/storage"
)

// EnvMySQLDSN names the variable holding the MySQL server to test against.
const EnvMySQLDSN = "EGOVPULSE_TEST_MYSQL_DSN"

// Backend is a fresh, empty database for one test.
type Backend struct {
	Name   string // "sqlite" or "mysql"
	Driver string // storage.DriverSQLite or storage.DriverMySQL
	DSN    string
}

// Open opens the backend without migrating it; the store is closed when
// the test ends.
func (b Backend) Open(tb testing.TB, opt storage.Options) *storage.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := storage.Open(ctx, b.Driver, b.DSN, opt)
	if err != nil {
		tb.Fatalf("open %s: %v", b.Name, err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close %s: %v", b.Name, err)
		}
	})
	return st
}

// MustOpen opens the backend and applies every migration.
func (b Backend) MustOpen(tb testing.TB) *storage.Store {
	tb.Helper()
	st := b.Open(tb, storage.Options{})
	if _, err := st.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s: %v", b.Name, err)
	}
	return st
}

// RawDB opens a plain GORM handle on the backend's database (no store, no
// migrations), to read or count rows the way an operator would; SQLite waits
// up to 10 s on a busy file. The handle is closed when the test ends.
func (b Backend) RawDB(tb testing.TB) *gorm.DB {
	tb.Helper()
	var d gorm.Dialector
	if b.Driver == storage.DriverMySQL {
		d = gormmysql.Open(b.DSN)
	} else {
		d = sqlite.Open(b.DSN + "?_pragma=busy_timeout(10000)")
	}
	db, err := gorm.Open(d, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		tb.Fatalf("open %s: %v", b.Name, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		tb.Fatalf("open %s: %v", b.Name, err)
	}
	tb.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

// SQLiteBackend returns a fresh SQLite file in tb.TempDir.
func SQLiteBackend(tb testing.TB) Backend {
	tb.Helper()
	return Backend{Name: "sqlite", Driver: storage.DriverSQLite, DSN: filepath.Join(tb.TempDir(), "egovpulse.db")}
}

// MySQLBackend creates a fresh database on the server named by
// EGOVPULSE_TEST_MYSQL_DSN and drops it when the test ends. It skips the
// test when the variable is unset (fails it under CI=true).
func MySQLBackend(tb testing.TB) Backend {
	tb.Helper()
	dsn := os.Getenv(EnvMySQLDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set, and CI=true requires the MySQL tests", EnvMySQLDSN)
		}
		tb.Skipf("MySQL tests skipped: set %s (e.g. root@tcp(127.0.0.1:3306)/test) to run them", EnvMySQLDSN)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		tb.Fatalf("%s: %v", EnvMySQLDSN, err)
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		tb.Fatalf("%s: %v", EnvMySQLDSN, err)
	}
	admin := sql.OpenDB(connector)
	name := "egov_t_" + randomHex(tb, 8)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
	if err != nil {
		_ = admin.Close()
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return Backend{Name: "mysql", Driver: storage.DriverMySQL, DSN: cfg.FormatDSN()}
}

// Backends returns the SQLite backend and, when configured, the MySQL one
// (see MySQLBackend; without the variable MySQL is left out with a log
// line, or the test fails under CI=true).
func Backends(t *testing.T) []Backend {
	t.Helper()
	out := []Backend{SQLiteBackend(t)}
	if os.Getenv(EnvMySQLDSN) == "" && os.Getenv("CI") != "true" {
		t.Logf("MySQL backend left out: set %s to include it", EnvMySQLDSN)
		return out
	}
	return append(out, MySQLBackend(t))
}

// ForEachBackend runs fn as a subtest ("sqlite", "mysql") on a fresh,
// migrated store of each backend; the MySQL subtest is skipped when
// EGOVPULSE_TEST_MYSQL_DSN is unset (fails under CI=true).
func ForEachBackend(t *testing.T, fn func(t *testing.T, st *storage.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteBackend(t).MustOpen(t)) })
	t.Run("mysql", func(t *testing.T) { fn(t, MySQLBackend(t).MustOpen(t)) })
}

// SQLite returns a fresh, migrated SQLite store.
func SQLite(tb testing.TB) *storage.Store {
	tb.Helper()
	return SQLiteBackend(tb).MustOpen(tb)
}

func randomHex(tb testing.TB, n int) string {
	tb.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatalf("random: %v", err)
	}
	return hex.EncodeToString(b)
}
