package jobs_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/internal/metrics/metricstest"
	"github.com/kotasolok/egovpulse/jobs"
)

// TestJobRunsAreCounted: each run of a scheduled job is counted under its
// name and result (ok, error, panic), with its duration observed.
func TestJobRunsAreCounted(t *testing.T) {
	m := metrics.New()
	s, err := jobs.NewScheduler(nil, jobs.Schedule{Metrics: m}, time.UTC, nil)
	if err != nil {
		t.Fatal(err)
	}
	var runs [3]atomic.Int32
	fns := map[string]func(context.Context) error{
		"tick": func(context.Context) error { runs[0].Add(1); return nil },
		"fail": func(context.Context) error { runs[1].Add(1); return errors.New("no database") },
		"boom": func(context.Context) error { runs[2].Add(1); panic("boom") },
	}
	for name, fn := range fns {
		if err := s.Add(name, "* * * * * *", fn); err != nil {
			t.Fatal(err)
		}
	}
	s.Start()
	deadline := time.Now().Add(6 * time.Second)
	for (runs[0].Load() < 1 || runs[1].Load() < 1 || runs[2].Load() < 1) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	got := metricstest.Scrape(t, srv.URL)
	for i, c := range []struct{ job, result string }{{"tick", "ok"}, {"fail", "error"}, {"boom", "panic"}} {
		want := float64(runs[i].Load())
		if want == 0 {
			t.Fatalf("job %s never ran", c.job)
		}
		if v := got.Value("egovpulse_job_runs_total", "job", c.job, "result", c.result); v != want {
			t.Errorf("job %s: %v runs counted with result %s, want %v", c.job, v, c.result, want)
		}
		if v := got.Value("egovpulse_job_duration_seconds_count", "job", c.job, "result", c.result); v != want {
			t.Errorf("job %s: %v durations observed, want %v", c.job, v, want)
		}
	}
}
