package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// t0 has sub-millisecond digits on purpose: stored times are truncated.
var t0 = time.Date(2026, 11, 27, 5, 0, 0, 123456789, time.UTC)

func TestMigrate(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t, storage.Options{})

			cur, latest, err := st.SchemaStatus(ctx)
			if err != nil || cur != 0 || latest < 1 {
				t.Fatalf("empty database: SchemaStatus = %d, %d, %v; want 0, >=1, nil", cur, latest, err)
			}
			if err := st.CheckSchema(ctx); !errors.Is(err, storage.ErrSchemaOutdated) ||
				!strings.Contains(err.Error(), "egovpulse migrate") {
				t.Fatalf("CheckSchema on empty database = %v; want ErrSchemaOutdated telling to run egovpulse migrate", err)
			}
			names, err := st.Migrate(ctx)
			// Versions need not be contiguous (each change takes its own
			// number): the last one applied is the latest.
			if err != nil || len(names) == 0 || names[0] != "0001_initial" || !strings.HasPrefix(names[len(names)-1], fmt.Sprintf("%04d_", latest)) {
				t.Fatalf("Migrate = %v, %v; want migrations from 0001_initial to version %d", names, err, latest)
			}
			if err := st.CheckSchema(ctx); err != nil {
				t.Fatalf("CheckSchema after migrate: %v", err)
			}
			names, err = st.Migrate(ctx)
			if err != nil || len(names) != 0 {
				t.Fatalf("second Migrate = %v, %v; want nothing applied", names, err)
			}

			// A newer binary knows one more migration: the database is outdated.
			st.AddMigrationForTest(latest+1, "9999_extra", "CREATE TABLE extra_test (id INT NOT NULL PRIMARY KEY)")
			err = st.CheckSchema(ctx)
			if !errors.Is(err, storage.ErrSchemaOutdated) {
				t.Fatalf("CheckSchema with a missing migration = %v; want ErrSchemaOutdated", err)
			}
			names, err = st.Migrate(ctx)
			if err != nil || len(names) != 1 || names[0] != "9999_extra" {
				t.Fatalf("Migrate of the new migration = %v, %v", names, err)
			}
			if cur, latest, err := st.SchemaStatus(ctx); err != nil || cur != latest {
				t.Fatalf("SchemaStatus = %d, %d, %v; want equal", cur, latest, err)
			}
			// A database migrated by a newer binary.
			if err := st.RecordMigrationForTest(ctx, latest+2); err != nil {
				t.Fatal(err)
			}
			if err := st.CheckSchema(ctx); !errors.Is(err, storage.ErrSchemaTooNew) {
				t.Fatalf("CheckSchema on a newer database = %v; want ErrSchemaTooNew", err)
			}
		})
	}
}

func TestAutoMigrateSQLite(t *testing.T) {
	b := storagetest.SQLiteBackend(t)
	st := b.Open(t, storage.Options{AutoMigrate: true})
	if err := st.CheckSchema(context.Background()); err != nil {
		t.Fatalf("CheckSchema after Open with AutoMigrate: %v", err)
	}
	mustRespondent(t, st, 1)
	if _, err := os.Stat(b.DSN + "-wal"); err != nil {
		t.Fatalf("SQLite is not in WAL mode: %v", err)
	}
}

// TestSlowQueryLogHidesValues: slow queries are logged at Warn with their
// SQL, never with the values (answers are personal data).
func TestSlowQueryLogHidesValues(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st := storagetest.SQLiteBackend(t).Open(t, storage.Options{Logger: logger, SlowQuery: time.Nanosecond, AutoMigrate: true})
	key := mustRespondent(t, st, 1)
	if err := st.Tx(context.Background(), func(tx *storage.Tx) error {
		return tx.RecordConsent(key, "rahasia-pribadi", t0)
	}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "slow query") || !strings.Contains(out, "consents") {
		t.Fatalf("no slow-query warning for the insert in:\n%s", out)
	}
	if strings.Contains(out, "rahasia-pribadi") || strings.Contains(out, key) {
		t.Fatalf("the log shows stored values:\n%s", out)
	}
}

func TestOpenErrorsHidePassword(t *testing.T) {
	tests := []struct {
		name, driver, dsn, want string
	}{
		{"unreachable mysql", storage.DriverMySQL, "egov:s3cr3t-pw@tcp(127.0.0.1:1)/egov?timeout=2s", "egov:***@"},
		{"bad mysql dsn", storage.DriverMySQL, "egov:s3cr3t-pw@127.0.0.1/egov", "***"},
		{"unknown driver", "postgres", "egov:s3cr3t-pw@x", "unknown driver"},
		{"empty sqlite path", storage.DriverSQLite, "", "empty file path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := storage.Open(context.Background(), tt.driver, tt.dsn, storage.Options{})
			if err == nil {
				_ = st.Close()
				t.Fatal("Open succeeded; want an error")
			}
			if strings.Contains(err.Error(), "s3cr3t-pw") {
				t.Errorf("error shows the password: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestApplyUpdate(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 1001)
		consent := func(tx *storage.Tx) error { return tx.RecordConsent(key, "v1", t0) }
		if err := st.ApplyUpdate(ctx, 500, consent); err != nil {
			t.Fatalf("first ApplyUpdate: %v", err)
		}
		if err := st.ApplyUpdate(ctx, 500, consent); !errors.Is(err, storage.ErrUpdateSeen) {
			t.Fatalf("second ApplyUpdate = %v; want ErrUpdateSeen", err)
		}
		// A failed update leaves no trace and can be applied again.
		boom := errors.New("boom")
		if err := st.ApplyUpdate(ctx, 501, func(tx *storage.Tx) error {
			if err := consent(tx); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("failing ApplyUpdate = %v; want boom", err)
		}
		if err := st.ApplyUpdate(ctx, 501, func(*storage.Tx) error { return nil }); err != nil {
			t.Fatalf("retry of a rolled-back update: %v", err)
		}
		data, err := st.MyData(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if len(data.Consents) != 1 {
			t.Fatalf("consents = %d; want exactly 1 effect", len(data.Consents))
		}
	})
}

func TestApplyUpdateConcurrent(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 1002)
		var ran atomic.Int32
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				errs[i] = st.ApplyUpdate(ctx, 777, func(tx *storage.Tx) error {
					ran.Add(1)
					time.Sleep(20 * time.Millisecond) // widen the window
					return tx.RecordConsent(key, "v1", t0)
				})
			})
		}
		wg.Wait()
		var ok, seen int
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, storage.ErrUpdateSeen):
				seen++
			default:
				t.Errorf("ApplyUpdate: unexpected error %v", err)
			}
		}
		if ok != 1 || seen != 7 || ran.Load() != 1 {
			t.Fatalf("ok=%d seen=%d ran=%d; want 1, 7, 1", ok, seen, ran.Load())
		}
		n, err := st.CountForTest(ctx, "consents", "respondent_key = ?", key)
		if err != nil || n != 1 {
			t.Fatalf("consents = %d, %v; want 1", n, err)
		}
	})
}

func TestEnsureRespondent(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key, created, err := st.EnsureRespondent(ctx, 42, 4200, "id", "resident")
		if err != nil || !created || len(key) != 32 {
			t.Fatalf("first EnsureRespondent = %q, %v, %v; want a new 32-char key", key, created, err)
		}
		if err := st.MarkBlocked(ctx, 42, t0); err != nil {
			t.Fatal(err)
		}
		again, created, err := st.EnsureRespondent(ctx, 42, 4201, "en", "resident")
		if err != nil || created || again != key {
			t.Fatalf("second EnsureRespondent = %q, %v, %v; want %q, false", again, created, err, key)
		}
		data, err := st.MyData(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if data.Identity == nil || data.Identity.ChatID != 4201 || data.Identity.BlockedAt != nil {
			t.Fatalf("identity = %+v; want chat 4201, not blocked", data.Identity)
		}
		if data.Respondent.Lang != "id" || data.Respondent.Audience != "resident" {
			t.Fatalf("respondent = %+v", data.Respondent)
		}
		if got, err := st.RespondentKey(ctx, 42); err != nil || got != key {
			t.Fatalf("RespondentKey = %q, %v", got, err)
		}
		if _, err := st.RespondentKey(ctx, 43); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("RespondentKey of a stranger = %v; want ErrNotFound", err)
		}
		if err := st.MarkBlocked(ctx, 43, t0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("MarkBlocked of a stranger = %v; want ErrNotFound", err)
		}
	})
}

func TestEnsureRespondentConcurrent(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		keys := make([]string, 8)
		var created atomic.Int32
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				k, c, err := st.EnsureRespondent(context.Background(), 99, 990, "id", "resident")
				if err != nil {
					t.Errorf("EnsureRespondent: %v", err)
				}
				if c {
					created.Add(1)
				}
				keys[i] = k
			})
		}
		wg.Wait()
		for _, k := range keys {
			if k != keys[0] {
				t.Fatalf("keys differ: %v", keys)
			}
		}
		n, err := st.CountForTest(context.Background(), "respondents", "1 = 1")
		if created.Load() != 1 || err != nil || n != 1 {
			t.Fatalf("created=%d respondents=%d (%v); want 1, 1", created.Load(), n, err)
		}
	})
}

func TestConsent(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 7)
		steps := []struct {
			name string
			do   func(tx *storage.Tx) error
			want bool
		}{
			{"before", func(*storage.Tx) error { return nil }, false},
			{"given", func(tx *storage.Tx) error { return tx.RecordConsent(key, "2026-11", t0) }, true},
			{"withdrawn", func(tx *storage.Tx) error { return tx.WithdrawConsent(key, t0.Add(time.Hour)) }, false},
			{"given again", func(tx *storage.Tx) error { return tx.RecordConsent(key, "2026-12", t0) }, true},
		}
		for _, s := range steps {
			if err := st.Tx(ctx, s.do); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got, err := st.HasConsent(ctx, key); err != nil || got != s.want {
				t.Fatalf("%s: HasConsent = %v, %v; want %v", s.name, got, err, s.want)
			}
		}
	})
}

func mustRespondent(tb testing.TB, st *storage.Store, telegramUserID int64) string {
	tb.Helper()
	key, _, err := st.EnsureRespondent(context.Background(), telegramUserID, telegramUserID*10, "id", "resident")
	if err != nil {
		tb.Fatalf("EnsureRespondent(%d): %v", telegramUserID, err)
	}
	return key
}

func TestSetLang(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 11)
		tests := []struct {
			name, key, lang string
			want            error
		}{
			{"change", key, "en", nil},
			{"same value again", key, "en", nil},
			{"unknown respondent", "00000000000000000000000000000000", "en", storage.ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.SetLang(tt.key, tt.lang) })
				if !errors.Is(err, tt.want) {
					t.Fatalf("SetLang = %v; want %v", err, tt.want)
				}
			})
		}
		data, err := st.MyData(ctx, key)
		if err != nil || data.Respondent.Lang != "en" {
			t.Fatalf("respondent lang = %q, %v; want en", data.Respondent.Lang, err)
		}
	})
}

// BenchmarkAnswerStep measures one answered question as the bot writes it:
// ApplyUpdate (dedupe row) + SaveChanges in one transaction.
func BenchmarkAnswerStep(b *testing.B) {
	for _, be := range []func(testing.TB) storagetest.Backend{storagetest.SQLiteBackend, storagetest.MySQLBackend} {
		st := be(b).MustOpen(b)
		b.Run(st.Dialect(), func(b *testing.B) {
			ctx := context.Background()
			key := mustRespondent(b, st, 1)
			r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: key, SurveyID: "skm",
				SurveyVersion: "1", ServiceCode: "ktp", PeriodKey: "2026-Q4", At: t0})
			if err != nil {
				b.Fatal(err)
			}
			var id int64
			for b.Loop() {
				id++
				ch := []survey.Change{{Question: "q" + strconv.Itoa(int(id%9)), Element: "waktu",
					Answer: survey.Answer{Value: "3", Score: score(3)}}}
				if err := st.ApplyUpdate(ctx, id, func(tx *storage.Tx) error {
					return tx.SaveChanges(r.ID, ch, t0)
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMySQLReadCommitted: every pooled MySQL connection runs its
// transactions at READ COMMITTED (set once per connection, not per
// transaction), including connections opened after the first.
func TestMySQLReadCommitted(t *testing.T) {
	st := storagetest.MySQLBackend(t).MustOpen(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 5 { // several at once: several connections
		wg.Go(func() {
			level, err := st.IsolationForTest(ctx)
			if err != nil || level != "READ-COMMITTED" {
				t.Errorf("isolation = %q, %v; want READ-COMMITTED", level, err)
			}
		})
	}
	wg.Wait()
}
