package botapitest_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

func TestGetMeAndPaths(t *testing.T) {
	srv, bot := startBot(t)
	if bot.Self.UserName != "egovpulse_test_bot" || !bot.Self.IsBot || bot.Self.ID != 123456789 {
		t.Fatalf("getMe gave %+v", bot.Self)
	}
	tests := []struct {
		name, path string
		status     int
		body       string
	}{
		{"wrong token", "/bot1:wrong/getMe", 401, `{"description":"Unauthorized","error_code":401,"ok":false}`},
		{"unknown method", "/bot" + srv.Token() + "/fooBar", 404, `{"description":"Not Found","error_code":404,"ok":false}`},
		{"case-insensitive method", "/bot" + srv.Token() + "/GETME", 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL() + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tc.status, b)
			}
			if tc.body != "" && strings.TrimSpace(string(b)) != tc.body {
				t.Fatalf("body %s, want %s", b, tc.body)
			}
		})
	}
}

func TestGetUpdatesLongPollAndOffset(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(1001, botapitest.WithFirstName("Sari"), botapitest.WithLanguage("id"))

	start := time.Now()
	go func() {
		time.Sleep(300 * time.Millisecond)
		u.Send("/start svc_ktp")
	}()
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 10})
	if err != nil {
		t.Fatal(err)
	}
	// It returned with the update sent while it waited (an early return
	// would have been empty), and not after its 10 s timeout.
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("long poll returned after %v", waited)
	}
	if len(ups) != 1 || ups[0].Message == nil {
		t.Fatalf("updates %+v", ups)
	}
	m := ups[0].Message
	if !m.IsCommand() || m.Command() != "start" || m.CommandArguments() != "svc_ktp" {
		t.Fatalf("command parse: cmd=%q args=%q", m.Command(), m.CommandArguments())
	}
	if m.From.LanguageCode != "id" || m.From.FirstName != "Sari" || m.Chat.ID != 1001 || m.Chat.Type != "private" {
		t.Fatalf("message %+v from %+v", m, m.From)
	}
	// Not confirmed yet: offset 0 returns it again.
	again, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(again) != 1 || again[0].UpdateID != ups[0].UpdateID {
		t.Fatalf("unconfirmed update not returned again: %v %+v", err, again)
	}
	u.Send("dua")
	u.Send("tiga")
	next, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[0].UpdateID + 1, Limit: 1})
	if err != nil || len(next) != 1 || next[0].Message.Text != "dua" || next[0].UpdateID != ups[0].UpdateID+1 {
		t.Fatalf("offset+limit: %v %+v", err, next)
	}
	last, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: -1})
	if err != nil || len(last) != 1 || last[0].Message.Text != "tiga" {
		t.Fatalf("negative offset: %v %+v", err, last)
	}
	if n := srv.PendingUpdates(); n != 1 {
		t.Fatalf("pending after offset -1 = %d, want 1", n)
	}
	start = time.Now()
	empty, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: last[0].UpdateID + 1, Timeout: 2})
	if err != nil || len(empty) != 0 || time.Since(start) < time.Second {
		t.Fatalf("empty long poll: %v %+v after %v", err, empty, time.Since(start))
	}
}

func TestAllowedUpdatesRemembered(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(7)
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"callback_query"}}); err != nil {
		t.Fatal(err)
	}
	if id := u.Send("ignored"); id != 0 {
		t.Fatalf("filtered message got update id %d", id)
	}
	u.PressData("x")
	// AllowedUpdates nil is sent as "null" by the library: the filter stays.
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("want only the callback: %v %+v", err, ups)
	}
	if _, err := bot.MakeRequest("getUpdates", tgbotapi.Params{"allowed_updates": "[]", "offset": "99999"}); err != nil {
		t.Fatal(err)
	}
	if id := u.Send("now allowed"); id == 0 {
		t.Fatal("default allowed_updates should include message")
	}
}

func TestConcurrentPollersConflict(t *testing.T) {
	srv, bot := startBot(t)
	other := newClient(t, srv, 10*time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
		errs <- err
	}()
	waitFor(t, func() bool { return srv.PollActive() })
	if _, err := other.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1}); err != nil {
		t.Fatalf("newer poller: %v", err)
	}
	wg.Wait()
	te := apiError(t, <-errs)
	if te.Code != 409 || !strings.Contains(te.Message, "terminated by other getUpdates request") {
		t.Fatalf("older poller got %d %q", te.Code, te.Message)
	}
}

func TestGetUpdatesWhileWebhookActive(t *testing.T) {
	srv, bot := startBot(t)
	srv.User(5).Send("hi")
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "http://127.0.0.1:1/hook"}); err != nil {
		t.Fatal(err)
	}
	_, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if te := apiError(t, err); te.Code != 409 || !strings.Contains(te.Message, "webhook is active") {
		t.Fatalf("got %d %q", te.Code, te.Message)
	}
	info, err := bot.GetWebhookInfo()
	if err != nil || info.URL != "http://127.0.0.1:1/hook" || info.PendingUpdateCount != 1 {
		t.Fatalf("webhook info %v %+v", err, info)
	}
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{DropPendingUpdates: true}); err != nil {
		t.Fatal(err)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 0 {
		t.Fatalf("after delete with drop: %v %+v", err, ups)
	}
}

func TestRedeliverInPollingMode(t *testing.T) {
	srv, bot := startBot(t)
	id := srv.User(9).Send("satu")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 {
		t.Fatal(err, ups)
	}
	if err := srv.Redeliver(id); err != nil {
		t.Fatal(err)
	}
	dup, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1})
	if err != nil || len(dup) != 1 || dup[0].UpdateID != id || dup[0].Message.Text != "satu" {
		t.Fatalf("redelivered: %v %+v", err, dup)
	}
	if err := srv.Redeliver(424242); !errors.Is(err, botapitest.ErrUnknownUpdate) {
		t.Fatalf("unknown id: %v", err)
	}
	raw := `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":77,"type":"private"},"text":"injected"}}`
	injected, err := srv.InjectUpdate([]byte(raw))
	if err != nil || injected != id+1 {
		t.Fatalf("inject: %d %v", injected, err)
	}
	got, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1})
	if err != nil || len(got) != 1 || got[0].Message.Text != "injected" {
		t.Fatalf("injected: %v %+v", err, got)
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestConcurrentUsersEveryUpdateOnceInOrder(t *testing.T) {
	srv, bot := startBot(t)
	const users, each = 20, 50
	var wg sync.WaitGroup
	for i := range users {
		u := srv.User(int64(2000 + i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range each {
				u.Send(strconv.Itoa(n))
			}
		}()
	}
	next := map[int64]int{}
	offset, total := 0, 0
	deadline := time.Now().Add(10 * time.Second)
	for total < users*each && time.Now().Before(deadline) {
		ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: 1, Limit: 37})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range ups {
			if offset != 0 && u.UpdateID != offset {
				t.Fatalf("update %d after offset %d: not sequential", u.UpdateID, offset)
			}
			offset = u.UpdateID + 1
			chat := u.Message.Chat.ID
			if got := u.Message.Text; got != strconv.Itoa(next[chat]) {
				t.Fatalf("chat %d: got %q, want %d", chat, got, next[chat])
			}
			next[chat]++
			total++
		}
	}
	wg.Wait()
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset}); err != nil {
		t.Fatal(err)
	}
	if total != users*each || srv.PendingUpdates() != 0 {
		t.Fatalf("received %d of %d, %d pending", total, users*each, srv.PendingUpdates())
	}
}
