package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage"
)

// logTo returns a tune for newRigWith that logs the bot into buf.
func logTo(buf *testkit.SyncBuffer) func(*bot.Options) {
	return func(o *bot.Options) { o.Logger = slog.New(slog.NewTextHandler(buf, nil)) }
}

// eventually waits until cond holds, failing with what after 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pinSession rewrites the chat's stored conversation so that its survey
// stands at a version the registry does not hold, as when a survey file
// is removed from SURVEYS_DIR while residents are answering it.
func pinSession(t *testing.T, e *env, chatID int64, version string) {
	t.Helper()
	ctx := context.Background()
	for attempt := 0; ; attempt++ {
		s, err := e.sessions.Get(ctx, chatID)
		if err != nil {
			t.Fatalf("get the session of chat %d: %v", chatID, err)
		}
		var st map[string]any
		if err := json.Unmarshal(s.Data, &st); err != nil {
			t.Fatal(err)
		}
		run, _ := st["run"].(map[string]any)
		sv, ok := run["survey"].(map[string]any)
		if !ok {
			t.Fatalf("session of chat %d has no survey: %s", chatID, s.Data)
		}
		sv["version"] = version
		if s.Data, err = json.Marshal(st); err != nil {
			t.Fatal(err)
		}
		_, err = e.sessions.Put(ctx, s, time.Hour)
		if err == nil {
			return
		}
		if !errors.Is(err, session.ErrConflict) || attempt > 100 {
			t.Fatalf("put the session of chat %d: %v", chatID, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkDeadLetter asserts that exactly updateID was set aside after
// DeadLetterAfter attempts, for the missing survey version.
func checkDeadLetter(t *testing.T, e *env, updateID int) storage.DeadLetter {
	t.Helper()
	dl, err := e.store.DeadLetters(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dl) != 1 {
		t.Fatalf("dead letters %+v, want one", dl)
	}
	d := dl[0]
	if d.UpdateID != int64(updateID) || d.Attempts != bot.DeadLetterAfter || !strings.Contains(d.Error, `version "9"`) ||
		!strings.Contains(d.Update, `"text":"2"`) || d.DeadAt == nil {
		t.Errorf("dead letter %+v; want update %d, %d attempts, the unknown version in the error, the update's text",
			d, updateID, bot.DeadLetterAfter)
	}
	return d
}

// carryOn checks the chat is served again after its dead letter: help
// answers, and the survey goes on from the database.
func carryOn(t *testing.T, e *env, u *botapitest.User) {
	t.Helper()
	probe(t, u)
	last := u.LastMessage().ID
	u.Send("/start")
	ask := wait(t, u, "the continue question", func(m botapitest.Message) bool {
		return m.ID > last && botapitest.HasButton("▶️ Lanjutkan")(m)
	})
	if err := u.PressIn(ask.ID, "▶️ Lanjutkan"); err != nil {
		t.Fatal(err)
	}
	def, _ := e.reg.Latest("skm")
	w := newWalker(t, u, def, "id", ask.ID)
	if _, q := w.next(); q == nil || q.Name != "usia" {
		t.Fatalf("after continuing the bot asks %v, want usia", q)
	}
	u.Send("2")
	w.next()
	if got := openAnswers(t, e, u.ID(), "skm"); len(got) != 1 || got["usia"] == "" {
		t.Errorf("answers after continuing: %v", got)
	}
}

// TestPermanentFailureIsDeadLetteredWhilePolling: an update that fails
// for good (its session pinned to survey version "9", which is not
// loaded) is tried DeadLetterAfter times, set aside with its JSON and
// error, logged at ERROR, and polling goes on: the offset passes it and
// the chat's next updates are applied.
func TestPermanentFailureIsDeadLetteredWhilePolling(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		var logs testkit.SyncBuffer
		r := newRigWith(t, e, nil, logTo(&logs))
		r.poll()
		u := r.emu.User(7101)
		firstQuestion(t, e, u, "ktp")
		eventually(t, "the updates confirmed", func() bool { return r.emu.PendingUpdates() == 0 })
		pinSession(t, e, u.ID(), "9")

		bad := u.Send("2")
		next := u.Send("/bantuan")
		wait(t, u, "the help after the dead letter", after(0, "/kembali – Pertanyaan sebelumnya"))
		eventually(t, "the offset past the dead letter", func() bool { return r.emu.PendingUpdates() == 0 })
		checkDeadLetter(t, e, bad)
		db := e.backend.RawDB(t)
		for _, id := range []int{bad, next} {
			if n := countRows(t, db, "SELECT COUNT(*) FROM processed_updates WHERE update_id = ?", id); n != 1 {
				t.Errorf("update %d recorded %d times as processed, want once", id, n)
			}
		}
		if s := logs.String(); !strings.Contains(s, "level=ERROR msg=\"update set aside in dead_letters") {
			t.Errorf("no ERROR line for the dead letter in the log:\n%s", s)
		}
		carryOn(t, e, u)
	})
}

// TestPermanentFailureIsDeadLetteredAcrossWebhookReplicas: Telegram
// redelivers an update answered 500; two replicas take turns receiving it,
// the attempts are counted in the database, and the fifth is answered 200
// with the update set aside.
func TestPermanentFailureIsDeadLetteredAcrossWebhookReplicas(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		other, err := bot.New(bot.Options{Store: e.store, Sessions: e.sessions, Outbox: r.sender,
			Registry: e.reg, Catalog: e.cat, Location: jakarta})
		if err != nil {
			t.Fatal(err)
		}
		replicas := []http.Handler{r.bot.WebhookHandler(testSecret), other.WebhookHandler(testSecret)}
		var n atomic.Int64
		lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			replicas[n.Add(1)%2].ServeHTTP(w, req)
		}))
		defer lb.Close()
		hook := bot.WebhookSettings{URL: lb.URL, Secret: testSecret, Token: r.api.Token}
		if _, err := bot.Register(context.Background(), r.api, nil, hook, bot.RegisterOptions{}); err != nil {
			t.Fatal(err)
		}
		r.stop = func() { r.sender.Close(context.Background()); r.stop = nil }
		u := r.emu.User(7102)
		firstQuestion(t, e, u, "ktp")
		eventually(t, "the updates delivered", func() bool { return r.emu.PendingUpdates() == 0 })
		pinSession(t, e, u.ID(), "9")

		bad := u.Send("2")
		var statuses []int
		eventually(t, "the dead letter answered 200", func() bool {
			statuses = nil
			for _, d := range r.emu.Deliveries() {
				if d.UpdateID == bad {
					statuses = append(statuses, d.Status)
				}
			}
			return len(statuses) > 0 && statuses[len(statuses)-1] == http.StatusOK
		})
		want := []int{500, 500, 500, 500, 200}
		if !slices.Equal(statuses, want) {
			t.Errorf("deliveries of the failing update answered %v, want %v", statuses, want)
		}
		checkDeadLetter(t, e, bad)
		carryOn(t, e, u)
	})
}
