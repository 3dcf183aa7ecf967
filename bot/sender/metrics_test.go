package sender_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/internal/metrics/metricstest"
)

func scrapeURL(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestSendOutcomesAreCounted: every Bot API request is counted by how
// Telegram answered it: a 429 then its retry, a 403, a 500 then its retry.
func TestSendOutcomesAreCounted(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	limited, blocked, failing := e.emu.User(401), e.emu.User(402), e.emu.User(403)
	e.emu.Fault("sendMessage", botapitest.TooManyRequests(1).ForChat(limited.ID()).Times(1))
	e.emu.Fault("sendMessage", botapitest.Blocked().ForChat(blocked.ID()))
	e.emu.Fault("sendMessage", botapitest.ServerError().ForChat(failing.ID()).Times(1))
	m := metrics.New()
	opts := fast()
	opts.Metrics = m
	opts.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() } // retry_after and backoff pass at once
	s := e.sender(t, opts)
	for _, u := range []*botapitest.User{limited, blocked, failing} {
		s.Enqueue(text(u.ID(), "halo"))
	}
	mustClose(t, s)

	got := metricstest.Scrape(t, scrapeURL(t, m))
	for outcome, want := range map[string]float64{"ok": 2, "429": 1, "403": 1, "error": 1} {
		if v := got.Value("egovpulse_telegram_sends_total", "outcome", outcome); v != want {
			t.Errorf("sends with outcome %s: %v, want %v", outcome, v, want)
		}
	}
	if v := got.Value("egovpulse_sender_queue_depth"); v != 0 {
		t.Errorf("queue depth %v after Close, want 0", v)
	}
}

// TestQueueDepthIsMessagesWaiting: messages behind a chat's pacing count
// in the queue depth until they leave it.
func TestQueueDepthIsMessagesWaiting(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(404)
	m := metrics.New()
	release := make(chan struct{})
	opts := sender.Options{PerChatRate: 0.01, PerChatBurst: 1, GlobalRate: 1000, Metrics: m,
		Sleep: func(ctx context.Context, _ time.Duration) error {
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}
	s := e.sender(t, opts)
	for _, w := range numbered("m", 4) {
		s.Enqueue(text(u.ID(), w))
	}
	// m00 goes out on the burst; m01 waits for a token (held by Sleep), so
	// m02 and m03 wait in the queue.
	url := scrapeURL(t, m)
	deadline := time.Now().Add(10 * time.Second)
	depth := -1.0
	for depth != 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		depth = metricstest.Scrape(t, url).Value("egovpulse_sender_queue_depth")
	}
	if depth != 2 {
		t.Fatalf("queue depth %v while two messages wait behind a paced one, want 2", depth)
	}
	close(release)
	mustClose(t, s)
	got := metricstest.Scrape(t, url)
	if v := got.Value("egovpulse_sender_queue_depth"); v != 0 {
		t.Errorf("queue depth %v once all are sent, want 0", v)
	}
	if v := got.Value("egovpulse_telegram_sends_total", "outcome", "ok"); v != 4 {
		t.Errorf("%v sends ok, want 4", v)
	}
}
