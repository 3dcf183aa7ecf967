package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// TestReplicaDiedAfterSavingTheSession: a replica applies an answer and
// saves the session, then dies before its reply goes out and before
// Telegram has its 200. The other replica gets the update again at once:
// already applied, and the prompt was shown moments ago (by the dead one),
// so it shows nothing. The reply may have died with the replica, so the
// recovery pass must still show the next question (in these tests it first
// runs within the re-show limit of that prompt: it holds back too, once).
func TestReplicaDiedAfterSavingTheSession(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		sa, sb := sharedSessions(t, e)
		e.sessions = sa
		r := newRig(t, e, nil)
		t.Cleanup(func() { r.sender.Close(context.Background()) })
		dying, survivor := r.bot.WebhookHandler(testSecret), replica(t, r, sb).WebhookHandler(testSecret)
		var dead atomic.Bool
		var kill atomic.Bool
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			switch {
			case dead.Load():
				survivor.ServeHTTP(w, req)
			case kill.Load():
				// Applied and saved; the acknowledgement dies with the process.
				dying.ServeHTTP(httptest.NewRecorder(), req)
				dead.Store(true)
				http.Error(w, "replica gone", http.StatusBadGateway)
			default:
				dying.ServeHTTP(w, req)
			}
		}))
		defer srv.Close()
		hook := bot.WebhookSettings{URL: srv.URL, Secret: testSecret, Token: r.api.Token}
		if _, err := bot.Register(context.Background(), r.api, bot.ResidentMenus(), hook, bot.RegisterOptions{Logger: discardLog()}); err != nil {
			t.Fatal(err)
		}

		u := r.emu.User(7130)
		w, _, q := firstQuestion(t, e, u, "ktp")
		// The dying replica's reply never reaches Telegram.
		r.emu.Fault("sendMessage", botapitest.Drop().ForChat(u.ID()))
		kill.Store(true)
		id := u.Send("7")
		waitDelivered(t, r.emu, id, 1)
		if !dead.Load() || r.emu.PendingFaults() != 0 {
			t.Fatalf("the dying replica did not apply the answer (dead %v) or its reply was not dropped (%d faults left)", dead.Load(), r.emu.PendingFaults())
		}
		_, next := w.next()
		if next == nil || next == q {
			t.Fatalf("after the replica died the resident is shown %v, want the question after %s", next, q.Name)
		}
		assertAppliedOnce(t, e, u, w, id, "7")
	})
}

// TestSurveyCommandWhileAskedToContinue: a conversation rebuilt from the
// database asks whether to continue; a /kembali typed then (a batch typed
// before the bot asked) asks again, not "no survey is in progress".
func TestSurveyCommandWhileAskedToContinue(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(7131)
		w, m, q := firstQuestion(t, e, u, "ktp")
		w.answer(m, q, typical(q))
		w.next()
		e.flush()
		before := u.LastMessage().ID
		u.Send("/kembali")
		ask := wait(t, u, "the continue question", func(m botapitest.Message) bool {
			return m.ID > before && botapitest.HasButton("▶️ Lanjutkan")(m)
		})
		u.Send("/kembali")
		again := wait(t, u, "the continue question again", func(m botapitest.Message) bool {
			return m.ID > ask.ID && botapitest.HasButton("▶️ Lanjutkan")(m)
		})
		for _, m := range u.Messages() {
			if m.ID > before && m.ID != ask.ID && m.ID != again.ID {
				t.Errorf("/kembali while asked to continue also answered %q", m.Text)
			}
		}
	})
}
