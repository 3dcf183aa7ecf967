package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// benchAnswers is the size of the generated data set.
const benchAnswers = 1_000_000

// BenchmarkScoreRecompute generates about 1,000,000 answers (40 services
// in 8 OPDs, a year of submissions) on MySQL in a realistic mix: every
// visit an skm response (profile and unsur), half of them a
// layanan-digital response too, and one officials' (asn) response per 20
// visits; with the response_scores rows Submit would have written (bulk,
// as untimed setup). It measures, on the same rows, the raw GROUP BY
// service, element over every answer, the IKM-only full recompute, the
// full recompute of every index, and the incremental recompute of every
// index after a new visit. MySQL only: run with
//
//	EGOVPULSE_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/test' go test ./storage/ -run '^$' -bench ScoreRecompute -benchtime 5x
func BenchmarkScoreRecompute(b *testing.B) {
	if os.Getenv(storagetest.EnvMySQLDSN) == "" {
		b.Skipf("MySQL benchmark skipped: set %s", storagetest.EnvMySQLDSN)
	}
	be := storagetest.MySQLBackend(b)
	st := be.MustOpen(b)
	raw := rawDB(b, be.DSN)
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, loc)
	cat := benchCatalog()
	nextID := benchLoad(b, raw, cat, now.AddDate(-1, 0, 0), now)
	ctx := context.Background()
	elements := scoring.UnsurKeys()
	from := now.AddDate(-1, 0, 0)

	b.Run("raw_group_by", func(b *testing.B) {
		args := []any{from.UTC(), now.UTC()}
		q := "SELECT service_code, element, SUM(score), COUNT(*) FROM answers WHERE submitted_at >= ? AND submitted_at < ? " +
			"GROUP BY service_code, element"
		for b.Loop() {
			rows, err := raw.QueryContext(ctx, q, args...)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n < 300 {
				b.Fatalf("raw query: %d groups", n)
			}
		}
	})
	b.Run("response_scores_query", func(b *testing.B) { // the SQL part of full_recompute
		for b.Loop() {
			rows, err := st.ResponseScores(ctx, from, now, elements, nil)
			if err != nil || len(rows) < benchAnswers/25 {
				b.Fatalf("ResponseScores: %d rows, %v", len(rows), err)
			}
		}
	})
	b.Run("summaries_query", func(b *testing.B) { // the SQL part of full_recompute
		for b.Loop() {
			rows, err := st.ResponseSummaries(ctx, from, now, elements, nil, nil)
			if err != nil || len(rows) < benchAnswers/25 {
				b.Fatalf("ResponseSummaries: %d rows, %v", len(rows), err)
			}
		}
	})
	ikmOnly := &scoring.Recomputer{Source: st, Catalog: cat, Location: loc}
	b.Run("full_recompute_ikm", func(b *testing.B) {
		for b.Loop() {
			res, err := ikmOnly.Full(ctx, jobs.AllKinds(), from, now)
			if err != nil || len(res.Snapshots) < 69*40 {
				b.Fatalf("full: %d snapshots, %v", len(res.Snapshots), err)
			}
		}
	})
	rc := &scoring.Recomputer{Source: st, Indices: st, Catalog: cat, Location: loc}
	b.Run("full_recompute", func(b *testing.B) { // every index
		for b.Loop() {
			res, err := rc.Full(ctx, jobs.AllKinds(), from, now)
			if err != nil || len(res.Snapshots) < 69*40*20 {
				b.Fatalf("full: %d snapshots, %v", len(res.Snapshots), err)
			}
		}
	})
	clk := now
	sc := &jobs.Scorer{Store: st, Recomputer: rc, Now: func() time.Time { return clk }}
	if _, err := sc.Recompute(ctx, jobs.AllKinds(), from, now); err != nil { // store everything once
		b.Fatal(err)
	}
	if _, err := sc.Incremental(ctx); err != nil { // first run sets the watermark
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		kinds []survey.PeriodKind
	}{{"incremental_week", []survey.PeriodKind{survey.PeriodWeek}}, {"incremental_all_kinds", jobs.AllKinds()}} {
		b.Run(tc.name, func(b *testing.B) {
			sc.Kinds = tc.kinds
			for b.Loop() {
				b.StopTimer()
				clk = clk.Add(15 * time.Minute)
				rng := rand.New(rand.NewPCG(uint64(nextID), 5))
				nextID = benchInsert(b, raw, nextID, benchVisit(rng, cat.OPDs[0].Services[0].Code, clk.Add(-2*time.Minute)))
				b.StartTimer()
				res, err := sc.Incremental(ctx)
				if err != nil || res.Touched < 1 || res.Written == 0 {
					b.Fatalf("incremental: %+v, %v", res, err)
				}
			}
		})
	}
}

// benchLoad generates the data set over [from, to), then writes its score
// summaries as Submit would (bulk, timed apart as setup) and refreshes
// the statistics; it returns the next free response id.
func benchLoad(b *testing.B, raw *sql.DB, cat *survey.Catalog, from, to time.Time) int64 {
	b.Helper()
	started := time.Now()
	nextID := benchGenerate(b, raw, cat, from, to)
	b.Logf("generated %d responses, about %d answers, with their score summaries in %s (setup, not timed)",
		nextID-1, benchAnswers, time.Since(started).Round(time.Millisecond))
	if _, err := raw.Exec("ANALYZE TABLE responses, answers, response_scores"); err != nil { // fresh statistics after the bulk load
		b.Fatal(err)
	}
	return nextID
}

// rawDB opens the benchmark database directly, for bulk inserts and the
// raw query.
func rawDB(b *testing.B, dsn string) *sql.DB {
	b.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.ParseTime, cfg.Loc, cfg.InterpolateParams = true, time.UTC, true
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(c)
	b.Cleanup(func() { db.Close() })
	return db
}

func benchCatalog() *survey.Catalog {
	cat := &survey.Catalog{}
	for o := range 8 {
		opd := survey.OPD{Code: fmt.Sprintf("opd%02d", o)}
		for s := range 5 {
			opd.Services = append(opd.Services, survey.Service{Code: fmt.Sprintf("svc%02d_%d", o, s), OPDCode: opd.Code})
		}
		cat.OPDs = append(cat.OPDs, opd)
	}
	return cat
}

// Compile-time check: the store is a scoring source.
var _ scoring.ResponseSource = (*storage.Store)(nil)
