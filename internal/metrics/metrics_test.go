package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/internal/metrics/metricstest"
)

func serve(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestNilMetricsDoNothing: a package given no metrics calls every method
// on a nil *Metrics, which must neither panic nor serve anything.
func TestNilMetricsDoNothing(t *testing.T) {
	var m *metrics.Metrics
	m.UpdateReceived()
	m.Update(metrics.UpdateApplied)
	m.ObserveHandle(time.Millisecond)
	m.AnswersStored(3)
	m.Sent(metrics.SendOK)
	m.QueueAdd(2)
	m.SessionRebuilt()
	m.TurnTaken(true)
	m.JobRun("score_full", metrics.JobOK, time.Second)
	m.Outbox(3, time.Minute)
	m.OutboxSettled("sent")
	if m.Registry() != nil {
		t.Error("a nil Metrics has a registry")
	}
	resp, err := http.Get(serve(t, m))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("nil Metrics' handler: %s, want 404", resp.Status)
	}
}

// TestCountsAppearInTheTextFormat drives every collector and reads the
// values back from the served page.
func TestCountsAppearInTheTextFormat(t *testing.T) {
	m := metrics.New()
	url := serve(t, m)
	before := metricstest.Scrape(t, url)
	for _, o := range []string{"applied", "duplicate", "ignored", "failed", "dead_lettered"} {
		if !before.Has("egovpulse_updates_total", "outcome", o) {
			t.Errorf("outcome %q is not exported before it first happens", o)
		}
	}
	if !before.Has("egovpulse_telegram_sends_total", "outcome", "429") {
		t.Error("send outcome 429 is not exported before it first happens")
	}
	for range 3 {
		m.UpdateReceived()
	}
	m.Update(metrics.UpdateApplied)
	m.Update(metrics.UpdateApplied)
	m.Update(metrics.UpdateDuplicate)
	m.ObserveHandle(3 * time.Millisecond)
	m.ObserveHandle(2 * time.Second)
	m.AnswersStored(4)
	m.AnswersStored(0)
	m.Sent(metrics.SendOK)
	m.Sent(metrics.SendRateLimited)
	m.Sent(metrics.SendBlocked)
	m.QueueAdd(5)
	m.QueueAdd(-2)
	m.SessionRebuilt()
	m.TurnTaken(false)
	m.TurnTaken(true)
	m.JobRun("score_full", metrics.JobOK, 90*time.Second)
	m.JobRun("score_full", metrics.JobError, time.Second)

	s := metricstest.Scrape(t, url)
	checks := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"egovpulse_updates_received_total", nil, 3},
		{"egovpulse_updates_total", []string{"outcome", "applied"}, 2},
		{"egovpulse_updates_total", []string{"outcome", "duplicate"}, 1},
		{"egovpulse_updates_total", []string{"outcome", "failed"}, 0},
		{"egovpulse_update_handle_seconds_count", nil, 2},
		{"egovpulse_update_handle_seconds_bucket", []string{"le", "0.005"}, 1},
		{"egovpulse_update_handle_seconds_bucket", []string{"le", "+Inf"}, 2},
		{"egovpulse_answers_stored_total", nil, 4},
		{"egovpulse_telegram_sends_total", []string{"outcome", "ok"}, 1},
		{"egovpulse_telegram_sends_total", []string{"outcome", "429"}, 1},
		{"egovpulse_telegram_sends_total", []string{"outcome", "403"}, 1},
		{"egovpulse_telegram_sends_total", []string{"outcome", "error"}, 0},
		{"egovpulse_sender_queue_depth", nil, 3},
		{"egovpulse_session_rebuilds_total", nil, 1},
		{"egovpulse_lock_waits_total", nil, 1},
		{"egovpulse_job_runs_total", []string{"job", "score_full", "result", "ok"}, 1},
		{"egovpulse_job_runs_total", []string{"job", "score_full", "result", "error"}, 1},
		{"egovpulse_job_duration_seconds_sum", []string{"job", "score_full", "result", "ok"}, 90},
	}
	for _, c := range checks {
		if !s.Has(c.name, c.labels...) {
			t.Errorf("%s %v missing from the page", c.name, c.labels)
			continue
		}
		if got := s.Value(c.name, c.labels...); got != c.want {
			t.Errorf("%s %v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if !s.Has("go_goroutines") {
		t.Error("the Go runtime collector is not registered")
	}
	for k := range s {
		if !strings.HasPrefix(k, "egovpulse_") && !strings.HasPrefix(k, "go_") && !strings.HasPrefix(k, "process_") {
			t.Errorf("metric %s has neither the egovpulse_ prefix nor a standard one", k)
		}
	}
}

// TestInstancesAreSeparate: two services in one process (as in tests)
// each count their own; nothing goes to the global default registry.
func TestInstancesAreSeparate(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.UpdateReceived()
	a.UpdateReceived()
	b.UpdateReceived()
	if got := metricstest.Scrape(t, serve(t, a)).Value("egovpulse_updates_received_total"); got != 2 {
		t.Errorf("first instance: %v received, want 2", got)
	}
	if got := metricstest.Scrape(t, serve(t, b)).Value("egovpulse_updates_received_total"); got != 1 {
		t.Errorf("second instance: %v received, want 1", got)
	}
}

// BenchmarkPerUpdate is what the metrics add to one applied update that
// stores an answer and sends its reply.
func BenchmarkPerUpdate(b *testing.B) {
	m := metrics.New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.UpdateReceived()
			m.TurnTaken(false)
			m.Update(metrics.UpdateApplied)
			m.AnswersStored(1)
			m.ObserveHandle(4 * time.Millisecond)
			m.QueueAdd(1)
			m.QueueAdd(-1)
			m.Sent(metrics.SendOK)
		}
	})
}
