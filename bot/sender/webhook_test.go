package sender_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
)

func TestWebhookReplyAnswersTheCallback(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	s := e.sender(t, fast())
	u := e.emu.User(4001)
	rows := [][]sender.Button{sender.Row(sender.DataButton("Baik", "a3"))}
	if _, err := s.Send(context.Background(), sender.Ask(u.ID(), "Bagaimana pelayanan kami?", rows)); err != nil {
		t.Fatal(err)
	}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var upd tgbotapi.Update
		if err := json.NewDecoder(r.Body).Decode(&upd); err != nil || upd.CallbackQuery == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		m := sender.AnswerCallback(upd.CallbackQuery.ID, "Tersimpan")
		m.ShowAlert = true
		if err := sender.WriteWebhookReply(w, m); err != nil {
			t.Errorf("WriteWebhookReply: %v", err)
		}
	}))
	t.Cleanup(hook.Close)
	if _, err := e.api.MakeRequest("setWebhook", tgbotapi.Params{"url": hook.URL}); err != nil {
		t.Fatal(err)
	}
	if err := u.Press("Baik"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.emu.PendingUpdates() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cbs := u.CallbackAnswers()
	if len(cbs) != 1 || !cbs[0].Answered || cbs[0].Text != "Tersimpan" || !cbs[0].ShowAlert {
		t.Fatalf("callback answers %+v, want it answered by the reply body", cbs)
	}
	viaHook, direct := 0, 0
	for _, r := range e.emu.Requests() {
		if r.Method != "answerCallbackQuery" {
			continue
		}
		if r.ViaWebhook && r.Status == http.StatusOK {
			viaHook++
		} else {
			direct++
		}
	}
	if viaHook != 1 || direct != 0 {
		t.Errorf("answerCallbackQuery: %d from the reply body, %d other; want 1 and 0", viaHook, direct)
	}
}

func TestWebhookReplyOnlyForCallbackAnswers(t *testing.T) {
	body, err := sender.WebhookReply(sender.AnswerCallback("q1", "Tersimpan"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"method":"answerCallbackQuery","callback_query_id":"q1","text":"Tersimpan"}`; string(body) != want {
		t.Errorf("body %s, want %s", body, want)
	}
	for _, m := range []sender.Message{
		sender.Text(1, "halo"),
		sender.EditText(1, 2, "baru", nil),
		sender.Document(1, sender.FileID("x"), ""),
		sender.AnswerCallback("", "tanpa query"),
	} {
		if _, err := sender.WebhookReply(m); !errors.Is(err, sender.ErrRejected) {
			t.Errorf("WebhookReply(%s) = %v, want ErrRejected", m.Method, err)
		}
		rec := httptest.NewRecorder()
		if err := sender.WriteWebhookReply(rec, m); !errors.Is(err, sender.ErrRejected) {
			t.Errorf("WriteWebhookReply(%s) = %v, want ErrRejected", m.Method, err)
		}
		if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
			t.Errorf("%s: wrote %q (%s) for a refused reply", m.Method, rec.Body, rec.Header().Get("Content-Type"))
		}
	}
}
