package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/survey"
)

// firstQuestion starts a visit for service and returns a walker standing
// at skm's first question, with that question's message.
func firstQuestion(t *testing.T, e *env, u *botapitest.User, service string) (*walker, botapitest.Message, *survey.Question) {
	t.Helper()
	before := u.LastMessage().ID
	startVisit(t, u, service)
	def, err := e.reg.Latest("skm")
	if err != nil {
		t.Fatal(err)
	}
	w := newWalker(t, u, def, survey.LangID, before)
	m, q := w.next()
	if q == nil || q.Name != "usia" {
		t.Fatalf("first question %v, want usia", q)
	}
	return w, m, q
}

// waitDelivered waits until the webhook has answered 200 to n attempts of
// updateID.
func waitDelivered(t *testing.T, emu *botapitest.Server, updateID, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ok := 0
		for _, d := range emu.Deliveries() {
			if d.UpdateID == updateID && d.Status == http.StatusOK {
				ok++
			}
		}
		if ok >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("update %d was not delivered %d times: %+v", updateID, n, emu.Deliveries())
}

// probe sends /bantuan and waits for the help text: the sender keeps one
// chat's messages in order, so every reply to earlier updates is in by then.
func probe(t *testing.T, u *botapitest.User) botapitest.Message {
	t.Helper()
	before := u.LastMessage().ID
	u.Send("/bantuan")
	return wait(t, u, "the help text", after(before, "/kembali – Pertanyaan sebelumnya"))
}

func TestDuplicateDeliveryHasOneEffect(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.webhook()
		u := r.emu.User(7001)
		w, _, _ := firstQuestion(t, e, u, "ktp")
		db := e.backend.RawDB(t)
		def := w.def

		t.Run("sequential", func(t *testing.T) {
			id := u.Send("7") // usia: the oldest band
			w.next()
			waitDelivered(t, r.emu, id, 1)
			n := len(u.Messages())
			if err := r.emu.Redeliver(id); err != nil {
				t.Fatal(err)
			}
			waitDelivered(t, r.emu, id, 2)
			probe(t, u)
			if got := len(u.Messages()); got != n+1 {
				t.Errorf("the duplicate got replies: %d messages after it, want only the help text", got-n)
			}
			assertAnswers(t, "after a redelivery", openAnswers(t, e, u.ID(), "skm"), answerValues(reference(t, def, "7").Answers))
			if c := countRows(t, db, "SELECT COUNT(*) FROM processed_updates WHERE update_id = ?", id); c != 1 {
				t.Errorf("processed_updates rows for %d: %d", id, c)
			}
		})
		t.Run("concurrent", func(t *testing.T) {
			last := u.LastMessage().ID
			id := u.Send("2") // jenis_kelamin; were it applied twice, "2" would also answer pendidikan
			if err := r.emu.Duplicate(id); err != nil {
				t.Fatal(err)
			}
			waitDelivered(t, r.emu, id, 2)
			probe(t, u)
			asked := map[string]int{}
			for _, m := range u.Messages() {
				if q := w.question(m); m.ID > last && q != nil {
					asked[q.Name]++
				}
			}
			if asked["pendidikan"] != 1 || len(asked) != 1 {
				t.Errorf("questions asked after the duplicated answer: %v, want pendidikan once", asked)
			}
			want := answerValues(reference(t, def, "7", "2").Answers)
			assertAnswers(t, "after a concurrent duplicate", openAnswers(t, e, u.ID(), "skm"), want)
		})
	})
}

// TestTwoReplicasApplyOneChatInOrder delivers five answers typed at once by
// one resident to two bot processes concurrently, then a double tap on the
// submit button.
func TestTwoReplicasApplyOneChatInOrder(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		sa, sb := sharedSessions(t, e)
		e.sessions = sa
		// The five requests are sent at once, but on a loaded machine one can
		// reach its replica well after the others: a settle longer than the
		// 5 ms default keeps this test about ordering, not scheduling.
		const settle = 200 * time.Millisecond
		r := newRigWith(t, e, nil, func(o *bot.Options) { o.OrderSettle = settle })
		t.Cleanup(func() { r.sender.Close(context.Background()) })
		a := httptest.NewServer(r.bot.WebhookHandler(testSecret))
		defer a.Close()
		b := httptest.NewServer(replicaSettling(t, r, sb, settle).WebhookHandler(testSecret))
		defer b.Close()
		p := &pump{t: t, api: r.api, servers: []*httptest.Server{a, b}}
		stop := p.run()
		u := r.emu.User(7002)
		w, _, _ := firstQuestion(t, e, u, "ktp")
		stop()

		// Five answers at once: usia, jenis_kelamin, pendidikan, pekerjaan,
		// disabilitas. In another order they would be refused or stored
		// under other questions.
		inputs := []string{"7", "2", "6", "4", "2"}
		for _, s := range inputs {
			u.Send(s)
		}
		for i, code := range p.deliver(p.take(len(inputs)), 0) {
			if code != http.StatusOK {
				t.Errorf("answer %d: webhook answered %d", i, code)
			}
		}
		// One step per answer, in the order typed: what a sequential run stores.
		seq := answerValues(reference(t, w.def, inputs...).Answers)
		got := openAnswers(t, e, u.ID(), "skm")
		assertAnswers(t, "five answers delivered at once to two replicas (want the sequential result)", got, seq)

		// Answer the rest one at a time, then tap "Kirim jawaban" twice at once.
		stop = p.run()
		w.last = probe(t, u).ID
		u.Send("/lewati") // tanggal_layanan is optional: the walker resumes from the re-shown question
		for {
			m, q := w.next()
			if q == nil {
				stop()
				for range 2 {
					if err := u.PressIn(m.ID, submitLabel(survey.LangID)); err != nil {
						t.Fatal(err)
					}
				}
				for i, code := range p.deliver(p.take(2), 1) {
					if code != http.StatusOK {
						t.Errorf("tap %d: webhook answered %d", i, code)
					}
				}
				break
			}
			w.answer(m, q, typical(q))
		}
		stop = p.run()
		defer stop()
		probe(t, u)
		thanks := 0
		for _, m := range u.Messages() {
			if strings.Contains(m.Text, "Jawaban Anda terkirim") {
				thanks++
			}
		}
		if thanks != 1 {
			t.Errorf("the visit was closed %d times, want once", thanks)
		}
		_, stored := storedAnswers(t, e, u.ID())
		for q, v := range w.given {
			got[q] = v // what was stored after the five, plus what the walker answered
		}
		assertAnswers(t, "submitted skm", stored["skm"], got)
		db := e.backend.RawDB(t)
		if n := countRows(t, db, "SELECT COUNT(*) FROM responses WHERE survey_id = 'skm' AND status = 'submitted'"); n != 1 {
			t.Errorf("%d submitted skm responses, want 1", n)
		}
	})
}

// TestWebhookRejectsBadRequests checks RELIABILITY item 14: each bad request
// is refused with its status and has no effect.
func TestWebhookRejectsBadRequests(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		t.Cleanup(func() { r.sender.Close(context.Background()) })
		srv := httptest.NewServer(r.bot.WebhookHandler(testSecret))
		defer srv.Close()
		u := r.emu.User(7005)
		upd := tgbotapi.Update{UpdateID: 4242, Message: &tgbotapi.Message{
			MessageID: 1, Date: int(time.Now().Unix()), Text: "/start",
			From:     &tgbotapi.User{ID: u.ID(), FirstName: "Rina", LanguageCode: "id"},
			Chat:     &tgbotapi.Chat{ID: u.ID(), Type: "private"},
			Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: 6}},
		}}
		good, _ := json.Marshal(upd)
		huge := append(append([]byte(`{"update_id":4242,"message":{"text":"`), strings.Repeat("a", bot.MaxWebhookBody)...), `"}}`...)
		cases := []struct {
			name, method, secret string
			body                 []byte
			want                 int
		}{
			{"missing secret", http.MethodPost, "", good, http.StatusUnauthorized},
			{"wrong secret", http.MethodPost, testSecret + "x", good, http.StatusForbidden},
			{"GET", http.MethodGet, testSecret, nil, http.StatusMethodNotAllowed},
			{"oversized body", http.MethodPost, testSecret, huge, http.StatusRequestEntityTooLarge},
			{"bad JSON", http.MethodPost, testSecret, []byte(`{"update_id":4242,"message":`), http.StatusBadRequest},
			{"no update_id", http.MethodPost, testSecret, []byte(`{"message":{"text":"hi"}}`), http.StatusBadRequest},
		}
		db := e.backend.RawDB(t)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if got := postRaw(t, c.method, srv.URL, c.secret, c.body); got != c.want {
					t.Errorf("status %d, want %d", got, c.want)
				}
				if n := countRows(t, db, "SELECT COUNT(*) FROM processed_updates"); n != 0 {
					t.Errorf("%d processed updates recorded", n)
				}
			})
		}
		// The same update, once properly sent, is applied: none of the bad
		// requests marked it as seen. Its greeting is the chat's first message.
		if got := postRaw(t, http.MethodPost, srv.URL, testSecret, good); got != http.StatusOK {
			t.Fatalf("good update: status %d", got)
		}
		m := wait(t, u, "the greeting", botapitest.TextContains("Halo Rina"))
		if msgs := u.Messages(); msgs[0].ID != m.ID {
			t.Errorf("the chat's first message is %q, want the greeting", msgs[0].Text)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM processed_updates"); n != 1 {
			t.Errorf("%d processed updates after the good request, want 1", n)
		}
	})
}

// TestLostSessionResumes breaks the session mid-survey, by emptying the
// session store or by leaving a session that no longer decodes (a bad
// write, an incompatible old version): the next message asks to continue
// and is not applied, then the right question follows, and the submitted
// survey holds every answer.
func TestLostSessionResumes(t *testing.T) {
	breaks := []struct {
		name    string
		user    int64
		breakIt func(t *testing.T, e *env, chatID int64)
	}{
		{"flushed", 7006, func(t *testing.T, e *env, _ int64) { e.flush() }},
		{"unreadable", 7010, func(t *testing.T, e *env, chatID int64) {
			ctx := context.Background()
			cur, err := e.sessions.Get(ctx, chatID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.sessions.Put(ctx, session.Session{ChatID: chatID, Version: cur.Version, Data: []byte(`{"stage":`)}, time.Hour); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, br := range breaks {
		t.Run(br.name, func(t *testing.T) {
			forEachEnv(t, func(t *testing.T, e *env) {
				r := newRig(t, e, nil)
				r.poll()
				u := r.emu.User(br.user)
				w, m, q := firstQuestion(t, e, u, "ktp")
				var typed []string
				for range 3 {
					w.answer(m, q, typical(q))
					typed = append(typed, typical(q))
					m, q = w.next()
				}
				br.breakIt(t, e, u.ID())
				before := u.LastMessage().ID
				u.Send(typical(q))
				ask := wait(t, u, "the continue question", func(m botapitest.Message) bool {
					return m.ID > before && botapitest.HasButton("▶️ Lanjutkan")(m)
				})
				if !strings.Contains(ask.Text, fmt.Sprintf("%d dari", len(typed))) {
					t.Errorf("continue question %q does not say %d answered", ask.Text, len(typed))
				}
				if got := openAnswers(t, e, u.ID(), "skm"); len(got) != len(typed) {
					t.Errorf("%d answers stored, want %d (the message that met the lost session is not applied)", len(got), len(typed))
				}
				if err := u.PressIn(ask.ID, "▶️ Lanjutkan"); err != nil {
					t.Fatal(err)
				}
				w.last = ask.ID
				m, next := w.next()
				if want := reference(t, w.def, typed...).Current; next == nil || next.Name != want || next.Name != q.Name {
					t.Fatalf("after the session was %s the bot asks %v, want %s, shown before as %s (%q)", br.name, next, want, q.Name, m.Text)
				}
				w.answer(m, next, typical(next))
				w.walk(typical)
				wait(t, u, "the thanks", after(w.last, "Jawaban Anda terkirim"))
				_, stored := storedAnswers(t, e, u.ID())
				assertAnswers(t, "skm after the session was "+br.name, stored["skm"], w.given)
			})
		})
	}
}

// lossySessions is a session store whose session save for one update is
// lost: as when the process dies after the database commit but before it
// saves the session (the chat's lock is released, as its expiry would).
type lossySessions struct {
	session.Store
	// dropFor is the update whose session save is lost (0: none): naming
	// the update, not "the next save", keeps a save of the turn before,
	// still under way when the test arms it, from being the one lost.
	dropFor atomic.Int64
	dropped atomic.Int32
}

func (l *lossySessions) EndTurn(ctx context.Context, t session.Turn, save *session.Session, ttl time.Duration) (session.Session, error) {
	if save != nil && t.UpdateID != 0 && l.dropFor.CompareAndSwap(t.UpdateID, 0) {
		l.dropped.Add(1)
		save = nil
	}
	return l.Store.EndTurn(ctx, t, save, ttl)
}

// TestCrashBetweenCommitAndSessionSave: an update is committed but its
// session is never saved, then Telegram redelivers it (its ack was lost
// too). The next answer must not be applied to the stale question.
func TestCrashBetweenCommitAndSessionSave(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		lossy := &lossySessions{Store: e.sessions}
		e.sessions = lossy
		r := newRig(t, e, nil)
		r.webhook()
		u := r.emu.User(7007)
		w, _, _ := firstQuestion(t, e, u, "ktp")
		lossy.dropFor.Store(int64(r.emu.LastUpdateID() + 1))
		id := u.Send("7") // usia, committed; the session still waits for usia
		if int64(id) != lossy.dropFor.Load() && lossy.dropped.Load() == 0 {
			t.Fatalf("the answer is update %d, not %d as armed", id, lossy.dropFor.Load())
		}
		w.next()
		if err := r.emu.Redeliver(id); err != nil {
			t.Fatal(err)
		}
		waitDelivered(t, r.emu, id, 2)
		if lossy.dropped.Load() != 1 {
			t.Fatal("the session save after the first answer was not lost: the test tests nothing")
		}
		before := u.LastMessage().ID
		next := u.Send("2") // meant for jenis_kelamin
		waitDelivered(t, r.emu, next, 1)
		probe(t, u)
		got := openAnswers(t, e, u.ID(), "skm")
		want := answerValues(reference(t, w.def, "7", "2").Answers)
		if got["usia"] != want["usia"] {
			t.Errorf("usia stored %q, want %q: the answer for the next question overwrote it", got["usia"], want["usia"])
		}
		if got["jenis_kelamin"] == "" {
			// Refusing it is acceptable only if the resident is told and asked to continue.
			found := false
			for _, m := range u.Messages() {
				found = found || (m.ID > before && botapitest.HasButton("▶️ Lanjutkan")(m))
			}
			if !found {
				t.Errorf("the answer %q was dropped without asking the resident to continue", "2")
			}
		} else if got["jenis_kelamin"] != want["jenis_kelamin"] {
			t.Errorf("jenis_kelamin stored %q, want %q", got["jenis_kelamin"], want["jenis_kelamin"])
		}
	})
}
