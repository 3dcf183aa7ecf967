package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
)

// heldSender is a sender whose chats get one message, after which every
// message waits in Sleep until the test lets it go: a replica holding a
// reply for the chat's rate.
type heldSender struct {
	snd     *sender.Sender
	waiting chan struct{} // a message entered Sleep
	release chan struct{} // lets one go
}

func newHeldReplica(t *testing.T, r *rig, e *env) (*heldSender, *httptest.Server) {
	t.Helper()
	h := &heldSender{waiting: make(chan struct{}, 10), release: make(chan struct{})}
	so := sender.Options{PerChatRate: rate.Every(time.Hour), PerChatBurst: 1, GlobalRate: rate.Inf,
		Sleep: func(ctx context.Context, _ time.Duration) error {
			h.waiting <- struct{}{}
			select {
			case <-h.release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}
	st := e.backend.Open(t, storage.Options{})
	snd, b := startBot(t, r.api, so, bot.Options{Store: st, Sessions: e.sessions, Registry: e.reg, Catalog: e.cat, Location: jakarta})
	h.snd = snd
	srv := httptest.NewServer(b.WebhookHandler(testSecret))
	t.Cleanup(srv.Close)
	return h, srv
}

// hold waits until a message of the held replica waits for its turn.
func (h *heldSender) hold(t *testing.T) {
	t.Helper()
	select {
	case <-h.waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("no message of the held replica waited for the chat's pacing")
	}
}

// TestSupersededPromptIsDropped: replica A holds the next question for
// the chat's rate while the resident, typing ahead, answers it on replica B,
// which shows the question after it. Released, A's older question is
// dropped instead of landing below B's newer one. A held question that no
// later turn overtook is sent as usual.
func TestSupersededPromptIsDropped(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		sa, sb := sharedSessions(t, e)
		e.sessions = sa
		r := newRig(t, e, nil) // replica B: fast sender
		b := httptest.NewServer(r.bot.WebhookHandler(testSecret))
		defer b.Close()
		eb := *e
		eb.sessions = sb
		held, a := newHeldReplica(t, r, &eb)
		setup := &pump{t: t, api: r.api, servers: []*httptest.Server{b}}
		stop := setup.run()
		u := r.emu.User(7301)
		w, m, q := firstQuestion(t, e, u, "ktp")
		stop()
		p := &pump{t: t, api: r.api, servers: []*httptest.Server{a, b}, offset: setup.offset}
		deliverTo := func(srv int) {
			t.Helper()
			if code := p.deliver(p.take(1), srv)[0]; code != http.StatusOK {
				t.Fatalf("webhook answered %d", code)
			}
		}
		// Q1 pressed on A: Q2 takes the chat's one message and goes at once
		// (an answer is confirmed in the next question's message, no edit).
		w.answer(m, q, typical(q))
		deliverTo(0)
		m2, q2 := w.next()
		// Q2 pressed on A: Q3 waits for the chat's pacing; with no later
		// turn it goes out when released.
		w.answer(m2, q2, typical(q2))
		deliverTo(0)
		held.hold(t)
		held.release <- struct{}{}
		m3, q3 := w.next()
		// Q3 pressed on A: Q4 waits.
		w.answer(m3, q3, typical(q3))
		deliverTo(0)
		held.hold(t)
		q4 := w.def.Question("pekerjaan")
		if q4 == nil || w.def.Question(q3.Name) != w.def.Question("pendidikan") {
			t.Fatalf("the survey's third and fourth questions are not pendidikan and pekerjaan (third: %s)", q3.Name)
		}
		// The resident types Q4's answer ahead; B applies it and shows Q5.
		u.Send("1")
		deliverTo(1)
		q5 := w.def.Question("disabilitas")
		wait(t, u, "Q5 from replica B", isQuestion(q5))
		held.release <- struct{}{} // Q4 goes on: superseded
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// Until A has dropped Q4, or sent it (A's sends: Q2, Q3, Q4).
		for held.snd.Stats().Superseded == 0 && held.snd.Stats().Sent < 3 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		var shown []string
		for _, m := range u.Messages() {
			if isQuestion(q4)(m) && len(m.Buttons) > 0 {
				t.Errorf("the overtaken question %s was shown: %q", q4.Name, m.Text)
			}
			shown = append(shown, m.Text)
		}
		if last := lastQuestion(u.Messages(), w); last != q5.Name {
			t.Errorf("the last question shown is %q, want %s; messages:\n%s", last, q5.Name, strings.Join(shown, "\n---\n"))
		}
		if n := held.snd.Stats().Superseded; n != 1 {
			t.Errorf("replica A dropped %d prompts, want 1 (Q4)", n)
		}
		want := map[string]string{q.Name: typical(q), q2.Name: typical(q2), q3.Name: typical(q3), q4.Name: q4.Choices[0].Value}
		assertAnswers(t, "four answers over two replicas", openAnswers(t, e, u.ID(), "skm"), want)
	})
}

// lastQuestion names the question of the newest bot message that asks one.
func lastQuestion(msgs []botapitest.Message, w *walker) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if q := w.question(msgs[i]); q != nil && len(msgs[i].Buttons) > 0 {
			return q.Name
		}
	}
	return ""
}
