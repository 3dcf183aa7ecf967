package botapitest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// hookRecorder is a webhook endpoint that records what it receives and
// answers with the status chosen by respond.
type hookRecorder struct {
	mu      sync.Mutex
	got     []tgbotapi.Update
	secrets []string
	respond func(tgbotapi.Update, int) int // update, attempt number for it → status
	seen    map[int]int
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var u tgbotapi.Update
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &u); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.seen[u.UpdateID]++
	attempt := h.seen[u.UpdateID]
	h.got = append(h.got, u)
	h.secrets = append(h.secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	respond := h.respond
	h.mu.Unlock()
	status := http.StatusOK
	if respond != nil {
		status = respond(u, attempt)
	}
	w.WriteHeader(status)
}

func (h *hookRecorder) received() ([]tgbotapi.Update, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]tgbotapi.Update(nil), h.got...), append([]string(nil), h.secrets...)
}

func setHook(t *testing.T, bot *tgbotapi.BotAPI, h *hookRecorder) {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": ts.URL + "/webhook", "secret_token": "s3cr3t_-X"}); err != nil {
		t.Fatal(err)
	}
}

func TestWebhookDeliveryWithSecretAndRedelivery(t *testing.T) {
	srv := startServer(t, botapitest.Options{WebhookBackoff: 20 * time.Millisecond})
	bot := newClient(t, srv, 5*time.Second)
	h := &hookRecorder{seen: map[int]int{}, respond: func(_ tgbotapi.Update, attempt int) int {
		if attempt == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}}
	setHook(t, bot, h)
	u := srv.User(50)
	first := u.Send("satu")
	second := u.Send("dua")
	waitFor(t, func() bool { return srv.PendingUpdates() == 0 })

	got, secrets := h.received()
	var ids []int
	for _, g := range got {
		ids = append(ids, g.UpdateID)
	}
	want := []int{first, first, second, second}
	if len(ids) != 4 || ids[0] != want[0] || ids[1] != want[1] || ids[2] != want[2] || ids[3] != want[3] {
		t.Fatalf("delivery order %v, want %v (retry of the same update before the next)", ids, want)
	}
	for _, s := range secrets {
		if s != "s3cr3t_-X" {
			t.Fatalf("secret header %q", s)
		}
	}
	ds := srv.Deliveries()
	if len(ds) != 4 || ds[0].Status != 500 || ds[0].Attempt != 1 || ds[1].Status != 200 || ds[1].Attempt != 2 {
		t.Fatalf("deliveries %+v", ds)
	}
	info, err := bot.GetWebhookInfo()
	if err != nil || info.PendingUpdateCount != 0 || !strings.Contains(info.LastErrorMessage, "500") {
		t.Fatalf("info %v %+v", err, info)
	}
	_, err = bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "http://127.0.0.1:1/x", "secret_token": "bad secret!"})
	if te := apiError(t, err); !strings.Contains(te.Message, "secret token contains unallowed characters") {
		t.Fatalf("bad secret: %q", te.Message)
	}
}

func TestWebhookTimeoutRedelivers(t *testing.T) {
	srv := startServer(t, botapitest.Options{WebhookTimeout: 200 * time.Millisecond, WebhookBackoff: 10 * time.Millisecond})
	bot := newClient(t, srv, 5*time.Second)
	h := &hookRecorder{seen: map[int]int{}, respond: func(_ tgbotapi.Update, attempt int) int {
		if attempt == 1 {
			time.Sleep(400 * time.Millisecond)
		}
		return http.StatusOK
	}}
	setHook(t, bot, h)
	id := srv.User(51).Send("lambat")
	waitFor(t, func() bool { return srv.PendingUpdates() == 0 })
	ds := srv.Deliveries()
	if len(ds) != 2 || ds[0].UpdateID != id || ds[1].UpdateID != id || ds[0].Status != 0 || ds[0].Err != "Read timeout expired" || ds[1].Status != 200 {
		t.Fatalf("deliveries %+v", ds)
	}
}

func TestWebhookPerChatOrderAndParallelChats(t *testing.T) {
	srv := startServer(t, botapitest.Options{})
	bot := newClient(t, srv, 5*time.Second)
	var mu sync.Mutex
	inFlight := map[int64]int{}
	maxPerChat, maxTotal, total := 0, 0, 0
	h := &hookRecorder{seen: map[int]int{}, respond: func(u tgbotapi.Update, _ int) int {
		chat := u.Message.Chat.ID
		mu.Lock()
		inFlight[chat]++
		total++
		maxPerChat, maxTotal = max(maxPerChat, inFlight[chat]), max(maxTotal, total)
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		mu.Lock()
		inFlight[chat]--
		total--
		mu.Unlock()
		return http.StatusOK
	}}
	setHook(t, bot, h)
	users := []*botapitest.User{srv.User(61), srv.User(62), srv.User(63)}
	for i := range 5 {
		for _, u := range users {
			u.Send(strings.Repeat("x", i+1))
		}
	}
	waitFor(t, func() bool { return srv.PendingUpdates() == 0 })
	if maxPerChat != 1 || maxTotal < 2 {
		t.Fatalf("max in flight per chat %d (want 1), overall %d (want ≥2)", maxPerChat, maxTotal)
	}
	got, _ := h.received()
	lastLen := map[int64]int{}
	for _, u := range got {
		c, n := u.Message.Chat.ID, len(u.Message.Text)
		if n != lastLen[c]+1 {
			t.Fatalf("chat %d got text length %d after %d: out of order", c, n, lastLen[c])
		}
		lastLen[c] = n
	}
}

func TestWebhookDuplicateArrivesConcurrently(t *testing.T) {
	srv := startServer(t, botapitest.Options{})
	bot := newClient(t, srv, 5*time.Second)
	release := make(chan struct{})
	var mu sync.Mutex
	inFlight, maxInFlight := 0, 0
	h := &hookRecorder{seen: map[int]int{}, respond: func(tgbotapi.Update, int) int {
		mu.Lock()
		inFlight++
		maxInFlight = max(maxInFlight, inFlight)
		if inFlight == 2 {
			close(release)
		}
		mu.Unlock()
		select {
		case <-release:
		case <-time.After(2 * time.Second):
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		return http.StatusOK
	}}
	setHook(t, bot, h)
	id := srv.User(70).Send("Kirim")
	waitFor(t, func() bool { got, _ := h.received(); return len(got) == 1 })
	if err := srv.Duplicate(id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return srv.PendingUpdates() == 0 })
	got, _ := h.received()
	if len(got) != 2 || got[0].UpdateID != id || got[1].UpdateID != id || maxInFlight != 2 {
		t.Fatalf("got %d deliveries, max concurrent %d", len(got), maxInFlight)
	}
}
