package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/internal/metrics/metricstest"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// served is `egovpulse serve` running in-process, polling an emulator.
type served struct {
	addr string // its HTTP server
	emu  *botapitest.Server
	logs *testkit.SyncBuffer
}

// startServe runs serve with vars (plus the emulator's token and endpoint,
// polling, HTTP on a free port, JSON logs) until the test ends.
func startServe(t *testing.T, vars map[string]string) *served {
	t.Helper()
	emu := botapitest.New(botapitest.Options{RandomFirstUpdateID: true})
	if _, err := emu.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	all := map[string]string{"TELEGRAM_MODE": "polling", "TELEGRAM_BOT_TOKEN": emu.Token(),
		"TELEGRAM_API_ENDPOINT": emu.Endpoint(), "HTTP_ADDR": "127.0.0.1:0", "LOG_FORMAT": "json", "LOG_LEVEL": "info"}
	for k, v := range vars {
		all[k] = v
	}
	s := &served{emu: emu, logs: &testkit.SyncBuffer{}}
	env := &environment{stdin: strings.NewReader(""), stdout: s.logs, stderr: s.logs, getenv: func(k string) string { return all[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, env) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d; its log:\n%s", code, s.logs.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for s.addr == "" {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("serve exited %d at start; its log:\n%s", code, s.logs.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start; its log:\n%s", s.logs.String())
		}
		for _, r := range jsonRecords(t, s.logs.String()) {
			if r["msg"] == "egovpulse serving" {
				s.addr, _ = r["addr"].(string)
			}
		}
	}
	return s
}

// jsonRecords parses a JSON log, failing on any line that is not a record.
func jsonRecords(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("a log line is not a slog JSON record: %q", line)
		}
		out = append(out, r)
	}
	return out
}

// get returns the status and body of GET path on the service.
func (s *served) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// settle waits until the emulator has every update confirmed, i.e. applied.
func (s *served) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for s.emu.PendingUpdates() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d updates never confirmed; the log:\n%s", s.emu.PendingUpdates(), s.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestServeRefusesAnUnreachableRedis(t *testing.T) {
	addr := freeAddr(t)
	vars := sqliteVars(t)
	vars["REDIS_URL"] = "redis://:s3cretpw@" + addr + "/0"
	vars["TELEGRAM_BOT_TOKEN"] = "1:abc"
	vars["LOG_FORMAT"] = "json"
	code, _, errOut := runCmd(t, vars, nil, "serve")
	logs, cmdErr, _ := strings.Cut(errOut, "egovpulse serve:")
	if code != 1 || !strings.Contains(cmdErr, "REDIS_URL") || !strings.Contains(cmdErr, addr) {
		t.Fatalf("serve with Redis down: exit %d, %q; want 1 and an error naming REDIS_URL and %s", code, errOut, addr)
	}
	if strings.Contains(errOut, "s3cretpw") {
		t.Errorf("the Redis password leaked: %q", errOut)
	}
	// The Redis client's own complaints are slog records too.
	found := false
	for _, r := range jsonRecords(t, logs) {
		found = found || r["component"] == "redis"
	}
	if !found {
		t.Errorf("no slog record of the Redis client's lines; stderr:\n%s", errOut)
	}
}

// tcpProxy forwards connections to a target until stopped.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, addr, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			p.wg.Go(func() { _, _ = io.Copy(up, c); up.Close() })
			p.wg.Go(func() { _, _ = io.Copy(c, up); c.Close() })
		}
	})
	t.Cleanup(p.stop)
	return p
}

// stop closes the listener and every connection, and waits for the copies.
func (p *tcpProxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

// TestReadyzFollowsRedis: /readyz is 200 while the database and Redis
// answer, 503 naming Redis once Redis is unreachable (its connection cut
// and nothing listening), and 200 again when it is back.
func TestReadyzFollowsRedis(t *testing.T) {
	target := strings.TrimPrefix(strings.TrimPrefix(sessiontest.RedisURL(t), "redis://"), "//")
	target, _, _ = strings.Cut(target, "/")
	addr := freeAddr(t)
	proxy := startProxy(t, addr, target)
	vars := sqliteVars(t)
	vars["REDIS_URL"] = "redis://" + addr + "/0"
	s := startServe(t, vars)
	if code, body := s.get(t, "/readyz"); code != http.StatusOK || body != "ready" {
		t.Fatalf("/readyz with both up: %d %q, want 200 ready", code, body)
	}
	proxy.stop()
	if code, body := s.get(t, "/readyz"); code != http.StatusServiceUnavailable || body != "redis unavailable" {
		t.Fatalf("/readyz with Redis unreachable: %d %q, want 503 redis unavailable", code, body)
	}
	startProxy(t, addr, target)
	if code, body := s.get(t, "/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz with Redis back: %d %q, want 200", code, body)
	}
}

// TestMetricsCountAResidentsAnswers runs serve, has a resident answer part
// of the SKM survey through the emulator, and reads /metrics: every update
// counted as applied, the answers the engine stores counted as stored, and
// a redelivered update counted as a duplicate (and nothing else).
func TestMetricsCountAResidentsAnswers(t *testing.T) {
	t.Run("sqlite+memory", func(t *testing.T) {
		metricsForAResident(t, sqliteVars(t), "")
	})
	t.Run("mysql+redis", func(t *testing.T) {
		b := storagetest.MySQLBackend(t)
		b.MustOpen(t) // migrate: serve refuses an unmigrated MySQL schema
		redisURL := sessiontest.RedisURL(t)
		metricsForAResident(t, map[string]string{"DATABASE_URL": mysqlURL(t, b.DSN), "REDIS_URL": redisURL}, redisURL)
	})
}

func metricsForAResident(t *testing.T, vars map[string]string, redisURL string) {
	s := startServe(t, vars)
	url := "http://" + s.addr + "/metrics"
	before := metricstest.Scrape(t, url)
	if v := before.Value("egovpulse_updates_received_total"); v != 0 {
		t.Fatalf("%v updates received before any was sent", v)
	}
	reg, err := survey.LoadRegistry("")
	if err != nil {
		t.Fatal(err)
	}
	def, err := reg.Latest("skm")
	if err != nil {
		t.Fatal(err)
	}
	u := s.emu.User(880000 + time.Now().UnixNano()%100000)
	if redisURL != "" {
		killCleanRedis(t, redisURL, u.ID())
	}
	u.Send("/start svc_ktp")
	consent := killWait(t, u, "the consent question", botapitest.HasButton("✅ Setuju"))
	if err := u.PressIn(consent.ID, "✅ Setuju"); err != nil {
		t.Fatal(err)
	}
	killWait(t, u, "the first question", func(m botapitest.Message) bool { return questionOf(def, m) != nil })
	// The resident types 10 inputs (answers, an out-of-range number that is
	// asked again, a /kembali); the engine says how many answers that saves.
	const n = 10
	eng := survey.NewEngine()
	st := ktpStart(def)
	stored, last := 0, 0
	for i := range n {
		in := killInput(def, st, i)
		res, err := eng.Step(def, st, killEngineInput(in))
		if err != nil {
			t.Fatalf("input %d %q: %v", i, in, err)
		}
		for _, c := range res.Changes {
			if !c.Deleted {
				stored++
			}
		}
		st = res.State
		last = u.Send(in)
	}
	s.settle(t)
	after := metricstest.Scrape(t, url)
	updates := float64(n + 2) // with /start and the consent button
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"egovpulse_updates_received_total", nil, updates},
		{"egovpulse_updates_total", []string{"outcome", "applied"}, updates},
		{"egovpulse_updates_total", []string{"outcome", "duplicate"}, 0},
		{"egovpulse_updates_total", []string{"outcome", "failed"}, 0},
		{"egovpulse_update_handle_seconds_count", nil, updates},
		{"egovpulse_answers_stored_total", nil, float64(stored)},
		{"egovpulse_session_rebuilds_total", nil, 1}, // the new chat's first update
	} {
		if v := after.Value(c.name, c.labels...); v != c.want {
			t.Errorf("%s %v = %v, want %v", c.name, c.labels, v, c.want)
		}
	}
	if stored == 0 {
		t.Fatal("the inputs stored no answer: the test checks nothing")
	}
	if v := after.Value("egovpulse_telegram_sends_total", "outcome", "ok"); v == 0 {
		t.Error("no Bot API request counted as sent")
	}

	// Telegram delivers the last update once more.
	if err := s.emu.Redeliver(last); err != nil {
		t.Fatal(err)
	}
	s.settle(t)
	dup := metricstest.Scrape(t, url)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"egovpulse_updates_received_total", nil, updates + 1},
		{"egovpulse_updates_total", []string{"outcome", "duplicate"}, 1},
		{"egovpulse_updates_total", []string{"outcome", "applied"}, updates},
		{"egovpulse_answers_stored_total", nil, float64(stored)},
	} {
		if v := dup.Value(c.name, c.labels...); v != c.want {
			t.Errorf("after the redelivery: %s %v = %v, want %v", c.name, c.labels, v, c.want)
		}
	}
}
