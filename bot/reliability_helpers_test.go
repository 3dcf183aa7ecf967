package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"gorm.io/gorm"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// countRows counts the rows of a query such as "SELECT COUNT(*) FROM answers".
func countRows(t *testing.T, db *gorm.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// inProgress returns the user's open responses, looked up by respondent key
// as the bot does.
func inProgress(t *testing.T, e *env, userID int64) []storage.Response {
	t.Helper()
	ctx := context.Background()
	key, err := e.store.RespondentKey(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	open, err := e.store.InProgress(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	return open
}

// openAnswers returns the answers of the user's in-progress response to
// surveyID (by question name, values only, skipped left out).
func openAnswers(t *testing.T, e *env, userID int64, surveyID string) map[string]string {
	t.Helper()
	for _, r := range inProgress(t, e, userID) {
		if r.SurveyID != surveyID {
			continue
		}
		a, err := e.store.Answers(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return answerValues(a)
	}
	t.Fatalf("no %s response in progress", surveyID)
	return nil
}

// answerValues are the values of answers given (derived ones and skipped
// ones left out).
func answerValues(a map[string]survey.Answer) map[string]string {
	out := map[string]string{}
	for q, v := range a {
		if !v.Skipped && !derived[q] {
			out[q] = v.Value
		}
	}
	return out
}

// engineInput turns what a resident types into the engine's input, as the
// bot does: /kembali, /lewati and /batal are commands, the rest is text.
func engineInput(s string) survey.Input {
	switch s {
	case "/kembali":
		return survey.Input{Kind: survey.InputCommand, Command: survey.CmdBack}
	case "/lewati":
		return survey.Input{Kind: survey.InputCommand, Command: survey.CmdSkip}
	}
	return survey.Input{Kind: survey.InputText, Text: s}
}

// reference feeds inputs to a pure engine from the start of def (after the
// given prefix) and returns the final state: what a sequential run stores.
func reference(t *testing.T, def *survey.Survey, inputs ...string) survey.State {
	t.Helper()
	eng := survey.NewEngine()
	// A first visit to a service without an online channel (ktp).
	st := eng.StartWith(def, survey.LangID, survey.StartOptions{
		Facts: map[string]string{"layanan_online": "tidak", "kunjungan_ulang": "tidak"}}).State
	for i, in := range inputs {
		res, err := eng.Step(def, st, engineInput(in))
		if err != nil {
			t.Fatalf("reference step %d (%q): %v", i, in, err)
		}
		st = res.State
	}
	return st
}

func assertAnswers(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d answers stored, want %d\nstored %v\nwant   %v", what, len(got), len(want), got, want)
		return
	}
	for q, v := range want {
		if got[q] != v {
			t.Errorf("%s: %s stored %q, want %q", what, q, got[q], v)
		}
	}
}

// pump fetches updates from the emulator with getUpdates (no webhook is
// set) and POSTs them to webhook servers, as Telegram would. Each batch it
// fetches is delivered concurrently, update i to servers[i%len].
type pump struct {
	t       *testing.T
	api     *tgbotapi.BotAPI
	servers []*httptest.Server
	offset  int
	mu      sync.Mutex // serialises fetches
}

// take fetches exactly n pending updates.
func (p *pump) take(n int) []tgbotapi.Update {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []tgbotapi.Update
	deadline := time.Now().Add(10 * time.Second)
	for len(out) < n && time.Now().Before(deadline) {
		ups, err := p.api.GetUpdates(tgbotapi.UpdateConfig{Offset: p.offset, Limit: n - len(out), Timeout: 1})
		if err != nil {
			p.t.Fatalf("getUpdates: %v", err)
		}
		for _, u := range ups {
			out = append(out, u)
			p.offset = u.UpdateID + 1
		}
	}
	if len(out) != n {
		p.t.Fatalf("fetched %d updates, want %d", len(out), n)
	}
	return out
}

// deliver POSTs the updates concurrently (update i to servers[(i+shift)%n])
// and returns the statuses.
func (p *pump) deliver(ups []tgbotapi.Update, shift int) []int {
	p.t.Helper()
	codes := make([]int, len(ups))
	var wg sync.WaitGroup
	for i, u := range ups {
		srv := p.servers[(i+shift)%len(p.servers)]
		wg.Go(func() { codes[i] = postUpdate(p.t, srv.URL, testSecret, u) })
	}
	wg.Wait()
	return codes
}

// run delivers updates one at a time as they arrive, alternating servers,
// until the returned stop is called.
func (p *pump) run() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		i := 0
		for ctx.Err() == nil {
			p.mu.Lock()
			ups, err := p.api.GetUpdates(tgbotapi.UpdateConfig{Offset: p.offset, Limit: 1, Timeout: 0})
			if err == nil && len(ups) == 1 {
				p.offset = ups[0].UpdateID + 1
			}
			p.mu.Unlock()
			if err != nil || len(ups) == 0 {
				sleepCtx(ctx, 5*time.Millisecond)
				continue
			}
			for code := 0; code != http.StatusOK && ctx.Err() == nil; i++ {
				code = postUpdate(p.t, p.servers[i%len(p.servers)].URL, testSecret, ups[0])
			}
		}
	}()
	return func() { cancel(); <-done }
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// webhookClient posts updates as Telegram does: over kept-alive
// connections (Telegram keeps up to max_connections of them, at most 100).
var webhookClient = sender.HTTPClient(30 * time.Second)

// postUpdate POSTs one update as Telegram does and returns the status.
func postUpdate(t testing.TB, url, secret string, u tgbotapi.Update) int {
	body, err := json.Marshal(u)
	if err != nil {
		t.Error(err)
		return 0
	}
	return postRaw(t, http.MethodPost, url, secret, body)
}

func postRaw(t testing.TB, method, url, secret string, body []byte) int {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := webhookClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return 0
	}
	// Read to the end (a webhook reply is a body), so the connection is reused.
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// replica is a second bot process on the same database and session store
// as r: its own *storage.Store, its own sender and Bot.
func replica(t *testing.T, r *rig, sessions session.Store) *bot.Bot {
	t.Helper()
	return replicaSettling(t, r, sessions, 0)
}

// replicaSettling is replica with the webhook's OrderSettle set (0: the
// default).
func replicaSettling(t *testing.T, r *rig, sessions session.Store, settle time.Duration) *bot.Bot {
	t.Helper()
	st := r.e.backend.Open(t, storage.Options{})
	_, b := startBot(t, r.api, fastSender, bot.Options{Store: st, Sessions: sessions, Registry: r.e.reg,
		Catalog: r.e.cat, Location: jakarta, OrderSettle: settle})
	return b
}

// sharedSessions returns two session stores over one shared state: on
// SQLite the env's in-process store twice, on MySQL two Redis clients on
// one fresh prefix (two processes sharing Redis).
func sharedSessions(t *testing.T, e *env) (session.Store, session.Store) {
	t.Helper()
	if e.name != "mysql" {
		return e.sessions, e.sessions
	}
	prefix := sessiontest.Prefix(t)
	var out [2]session.Store
	for i := range out {
		out[i] = sessiontest.RedisAt(t, prefix)
	}
	return out[0], out[1]
}

// isQuestion matches a bot message asking question q (its label in the
// first line after the confirmation of the answer before).
func isQuestion(q *survey.Question) func(botapitest.Message) bool {
	return func(m botapitest.Message) bool {
		return strings.Contains(questionLine(m.Text), q.Label.In(survey.LangID))
	}
}

// questionLine is the line of a bot message that asks its question: the
// one with the progress count, else the first after the confirmation of the
// answer before ("✓ …").
func questionLine(text string) string {
	lines := strings.Split(text, "\n")
	for _, line := range lines {
		if progressRe.MatchString(line) && strings.HasPrefix(line, "(") {
			return line
		}
	}
	for _, line := range lines {
		if line != "" && !strings.HasPrefix(line, "✓ ") {
			return line
		}
	}
	return ""
}
