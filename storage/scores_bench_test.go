package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"strings"
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

// BenchmarkScoreRecompute generates 1,000,000 answers (40 services in 8
// OPDs, a year of submissions) on MySQL, with the response_scores rows
// Submit would have written (bulk, as untimed setup), and measures, on the
// same rows, the raw GROUP BY service, unsur over the answers, the full
// recompute (reading the summaries) and the incremental recompute after a
// new submitted response. MySQL only: run with
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
		args := []any{}
		for _, e := range elements {
			args = append(args, e)
		}
		args = append(args, from.UTC(), now.UTC())
		q := "SELECT service_code, element, SUM(score), COUNT(*) FROM answers WHERE element IN (?" +
			strings.Repeat(",?", len(elements)-1) + ") AND score BETWEEN 1 AND 4 AND submitted_at >= ? AND submitted_at < ? " +
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
			if err != nil || len(rows) < benchAnswers/10 {
				b.Fatalf("ResponseScores: %d rows, %v", len(rows), err)
			}
		}
	})
	rc := &scoring.Recomputer{Source: st, Catalog: cat, Location: loc}
	b.Run("full_recompute", func(b *testing.B) {
		for b.Loop() {
			res, err := rc.Full(ctx, jobs.AllKinds(), from, now)
			if err != nil || len(res.Snapshots) < 69*40 {
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
				id := nextID
				nextID = benchInsert(b, raw, nextID, []benchResponse{{service: cat.OPDs[0].Services[0].Code, at: clk.Add(-time.Minute)}})
				benchSummaries(b, raw, id, nextID) // as Submit would
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
	b.Logf("generated %d answers in %s", benchAnswers, time.Since(started).Round(time.Millisecond))
	started = time.Now()
	benchSummaries(b, raw, 1, nextID)
	b.Logf("wrote the score summaries of %d responses in %s (setup, not timed)", nextID-1, time.Since(started).Round(time.Millisecond))
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

type benchResponse struct {
	service string
	at      time.Time
}

// benchGenerate inserts responses of 9 answers (a few missing) spread over
// [from, to) until benchAnswers answers exist; it returns the next free
// response id.
func benchGenerate(b *testing.B, db *sql.DB, cat *survey.Catalog, from, to time.Time) int64 {
	b.Helper()
	svcs := cat.Services()
	rng := rand.New(rand.NewPCG(1, 2))
	span := int64(to.Sub(from))
	var batch []benchResponse
	id := int64(1)
	for total := 0; total < benchAnswers; total += 9 {
		batch = append(batch, benchResponse{service: svcs[rng.IntN(len(svcs))].Code, at: from.Add(time.Duration(rng.Int64N(span)))})
		if len(batch) == 1000 {
			id = benchInsert(b, db, id, batch)
			batch = batch[:0]
		}
	}
	return benchInsert(b, db, id, batch)
}

// benchInsert writes submitted responses with ids from id on, in
// multi-row INSERTs of about 1000 rows, and returns the next free id.
func benchInsert(b *testing.B, db *sql.DB, id int64, rs []benchResponse) int64 {
	b.Helper()
	if len(rs) == 0 {
		return id
	}
	ctx := context.Background()
	var resp, ans strings.Builder
	var rargs, aargs []any
	resp.WriteString("INSERT INTO responses (id, respondent_key, survey_id, survey_version, service_code, period_key, status, started_at, updated_at, submitted_at, submitted_slot) VALUES ")
	flush := func() {
		if len(aargs) == 0 {
			return
		}
		if _, err := db.ExecContext(ctx, strings.TrimSuffix(ans.String(), ","), aargs...); err != nil {
			b.Fatalf("insert answers: %v", err)
		}
		ans.Reset()
		aargs = aargs[:0]
	}
	rng := rand.New(rand.NewPCG(uint64(id), 3))
	for i, r := range rs {
		at := r.at.UTC().Truncate(time.Millisecond)
		if i > 0 {
			resp.WriteString(",")
		}
		resp.WriteString("(?,?,'skm','1',?,'p','submitted',?,?,?,'p')")
		rargs = append(rargs, id, fmt.Sprintf("%032x", id), r.service, at, at, at)
		for _, e := range scoring.UnsurKeys() {
			if rng.IntN(30) == 0 {
				continue // not answered
			}
			if ans.Len() == 0 {
				ans.WriteString("INSERT INTO answers (response_id, question, element, value, score, skipped, answered_at, service_code, submitted_at) VALUES ")
			}
			s := 1 + rng.IntN(4)
			ans.WriteString("(?,?,?,?,?,FALSE,?,?,?),")
			aargs = append(aargs, id, e, e, fmt.Sprint(s), s, at, r.service, at)
			if len(aargs) >= 8*1000 {
				flush()
			}
		}
		id++
	}
	if _, err := db.ExecContext(ctx, resp.String(), rargs...); err != nil {
		b.Fatalf("insert responses: %v", err)
	}
	flush()
	return id
}

// benchSummaries writes the response_scores rows of the responses with
// ids in [lo, hi) as Submit would (the nine unsur, scores 1–4, packed as
// base-5 digits in unsur order), in one INSERT ... SELECT per 100,000 ids.
func benchSummaries(b *testing.B, db *sql.DB, lo, hi int64) {
	b.Helper()
	keys := scoring.UnsurKeys()
	var when strings.Builder
	for i := range keys {
		fmt.Fprintf(&when, " WHEN ? THEN %d", int64(math.Pow(5, float64(i))))
	}
	layout := int64(crc32.ChecksumIEEE([]byte(strings.Join(keys, ","))))
	q := "INSERT INTO response_scores (response_id, service_code, submitted_at, layout, packed, score_sum, score_count) " +
		"SELECT response_id, MIN(service_code), MIN(submitted_at), ?, SUM(score * CASE element" + when.String() + " ELSE 0 END), " +
		"SUM(score), COUNT(*) FROM answers WHERE response_id >= ? AND response_id < ? AND submitted_at IS NOT NULL " +
		"AND element IN (?" + strings.Repeat(",?", len(keys)-1) + ") AND score >= 1 AND score <= 4 GROUP BY response_id"
	for from := lo; from < hi; from += 100_000 {
		args := []any{layout}
		for _, k := range keys {
			args = append(args, k)
		}
		args = append(args, from, min(from+100_000, hi))
		for _, k := range keys {
			args = append(args, k)
		}
		if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
			b.Fatalf("insert score summaries: %v", err)
		}
	}
}

// Compile-time check: the store is a scoring source.
var _ scoring.ResponseSource = (*storage.Store)(nil)
