package botapitest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// replyHook is a webhook endpoint whose answer (status, content type and
// body) respond chooses per update and attempt.
type replyHook struct {
	mu      sync.Mutex
	seen    map[int]int
	respond func(u tgbotapi.Update, attempt int) (status int, contentType, body string)
}

func (h *replyHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var u tgbotapi.Update
	if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.seen[u.UpdateID]++
	attempt := h.seen[u.UpdateID]
	h.mu.Unlock()
	status, ct, body := h.respond(u, attempt)
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func jsonBody(tb testing.TB, v map[string]any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestWebhookReplyBodyIsExecuted(t *testing.T) {
	srv := startServer(t, botapitest.Options{WebhookBackoff: 20 * time.Millisecond})
	bot := newClient(t, srv, 5*time.Second)
	u := srv.User(80)
	q := tgbotapi.NewMessage(u.ID(), "Bagaimana pelayanan kami?")
	q.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Baik", "a3")))
	if _, err := bot.Send(q); err != nil {
		t.Fatal(err)
	}
	h := &replyHook{seen: map[int]int{}, respond: func(upd tgbotapi.Update, attempt int) (int, string, string) {
		if cq := upd.CallbackQuery; cq != nil {
			answer := map[string]any{"method": "answerCallbackQuery", "callback_query_id": cq.ID, "text": "Tersimpan", "show_alert": true}
			if attempt == 1 { // a failed delivery: its body must not be acted on
				answer["text"] = "Gagal"
				return http.StatusInternalServerError, "application/json", jsonBody(t, answer)
			}
			return http.StatusOK, "application/json; charset=utf-8", jsonBody(t, answer)
		}
		switch upd.Message.Text {
		case "halo":
			return http.StatusOK, "application/x-www-form-urlencoded", "method=sendMessage&chat_id=80&text=Halo+juga"
		case "salah":
			return http.StatusOK, "application/json", `{"method":"sendSticker","chat_id":80,"sticker":"x"}`
		}
		return http.StatusOK, "application/json", `{}`
	}}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": ts.URL}); err != nil {
		t.Fatal(err)
	}
	if err := u.Press("Baik"); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"halo", "kosong", "salah"} {
		u.Send(text)
	}
	waitFor(t, func() bool { return srv.PendingUpdates() == 0 })

	cbs := u.CallbackAnswers()
	if len(cbs) != 1 || !cbs[0].Answered || cbs[0].Text != "Tersimpan" || !cbs[0].ShowAlert {
		t.Errorf("callback answers %+v, want the one answered by the reply body", cbs)
	}
	if got := u.LastMessage().Text; got != "Halo juga" {
		t.Errorf("last message %q, want the form-encoded reply's sendMessage", got)
	}
	var replies []string
	for _, r := range srv.Requests() {
		if r.ViaWebhook {
			replies = append(replies, r.Method+":"+http.StatusText(r.Status))
		}
	}
	want := []string{"answerCallbackQuery:OK", "sendMessage:OK", "sendSticker:Not Found"}
	if !slices.Equal(replies, want) {
		t.Errorf("calls made from reply bodies %q, want %q", replies, want)
	}
	var perDelivery []string
	for _, d := range srv.Deliveries() {
		perDelivery = append(perDelivery, d.Reply)
	}
	if want := []string{"", "answerCallbackQuery", "sendMessage", "", "sendSticker"}; !slices.Equal(perDelivery, want) {
		t.Errorf("Delivery.Reply %q, want %q", perDelivery, want)
	}
}
