package botapitest_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

func TestScriptedFaults(t *testing.T) {
	srv, bot := startBot(t)
	srv.User(10)
	srv.User(11)

	srv.Fault("sendMessage", botapitest.TooManyRequests(3).ForChat(10).Times(2))
	if _, err := bot.Send(tgbotapi.NewMessage(11, "other chat unaffected")); err != nil {
		t.Fatalf("chat 11: %v", err)
	}
	for i := range 2 {
		_, err := bot.Send(tgbotapi.NewMessage(10, "x"))
		te := apiError(t, err)
		if te.Code != 429 || te.RetryAfter != 3 || te.Message != "Too Many Requests: retry after 3" {
			t.Fatalf("attempt %d: %+v", i, te)
		}
	}
	if _, err := bot.Send(tgbotapi.NewMessage(10, "third try passes")); err != nil {
		t.Fatalf("after two 429s: %v", err)
	}

	srv.Fault("sendDocument", botapitest.TooManyRequests(5))
	_, err := bot.Send(tgbotapi.NewDocument(10, tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte("a")}))
	if te := apiError(t, err); te.RetryAfter != 5 {
		t.Fatalf("upload 429: %+v", te)
	}

	srv.Fault("*", botapitest.Blocked())
	_, err = bot.Send(tgbotapi.NewMessage(10, "x"))
	if te := apiError(t, err); te.Code != 403 || te.Message != "Forbidden: bot was blocked by the user" {
		t.Fatalf("403: %+v", te)
	}
	srv.Fault("sendMessage", botapitest.MigrateToSupergroup(-1001234))
	_, err = bot.Send(tgbotapi.NewMessage(10, "x"))
	if te := apiError(t, err); te.Code != 400 || te.MigrateToChatID != -1001234 {
		t.Fatalf("migrate: %+v", te)
	}
	srv.Fault("sendMessage", botapitest.ServerError())
	_, err = bot.Send(tgbotapi.NewMessage(10, "x"))
	if te := apiError(t, err); te.Code != 500 {
		t.Fatalf("server error: %+v", te)
	}
	srv.Fault("getUpdates", botapitest.Conflict().Times(2))
	for range 2 {
		_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
		if te := apiError(t, err); te.Code != 409 || !strings.Contains(te.Message, "terminated by other getUpdates request") {
			t.Fatalf("conflict: %+v", te)
		}
	}
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Fatalf("getUpdates after the conflicts: %v", err)
	}
	srv.Fault("setMyCommands", botapitest.BadRequest("BOT_COMMAND_INVALID"))
	srv.Fault("setMyCommands", botapitest.NotFound())
	menu := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "start", Description: "Mulai"})
	_, err = bot.Request(menu)
	if te := apiError(t, err); te.Code != 400 || te.Message != "Bad Request: BOT_COMMAND_INVALID" {
		t.Fatalf("bad request: %+v", te)
	}
	_, err = bot.Request(menu)
	if te := apiError(t, err); te.Code != 404 || te.Message != "Not Found" {
		t.Fatalf("not found: %+v", te)
	}
	if srv.PendingFaults() != 0 {
		t.Fatalf("faults left: %d", srv.PendingFaults())
	}
	if n := len(srv.User(10).Messages()); n != 1 {
		t.Fatalf("chat 10 has %d messages, want only the one that passed", n)
	}
	if got := countMethod(srv, "sendMessage", 429); got != 2 {
		t.Fatalf("recorded 429s: %d", got)
	}
}

func TestConnectionFaults(t *testing.T) {
	srv := startServer(t, botapitest.Options{})
	bot := newClient(t, srv, time.Second)
	u := srv.User(20)
	tests := []struct {
		name      string
		fault     botapitest.Fault
		wantErr   bool
		wantSaved bool
	}{
		{"drop: error, nothing sent", botapitest.Drop(), true, false},
		{"accepted then timed out: error, but sent", botapitest.AcceptedThenTimeout(3 * time.Second), true, true},
		{"slow within client timeout", botapitest.Slow(100 * time.Millisecond), false, true},
		{"slow past client timeout: nothing sent yet", botapitest.Slow(3 * time.Second), true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(u.Messages())
			srv.Fault("sendMessage", tc.fault)
			_, err := bot.Send(tgbotapi.NewMessage(20, tc.name))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "{") {
				t.Fatalf("transport error looks like an API answer: %v", err)
			}
			saved := len(u.Messages()) > before
			if saved != tc.wantSaved {
				t.Fatalf("message recorded = %v, want %v", saved, tc.wantSaved)
			}
		})
	}
}

func TestBlockedUser(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(30)
	id := u.Block()
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != id || ups[0].MyChatMember == nil {
		t.Fatalf("%v %+v", err, ups)
	}
	if st := ups[0].MyChatMember.NewChatMember.Status; st != "kicked" {
		t.Fatalf("new status %q", st)
	}
	_, err = bot.Send(tgbotapi.NewMessage(30, "reminder"))
	if te := apiError(t, err); te.Code != 403 {
		t.Fatalf("send to blocked: %+v", te)
	}
	u.Unblock()
	if _, err := bot.Send(tgbotapi.NewMessage(30, "welcome back")); err != nil {
		t.Fatal(err)
	}
}

func TestFloodControl(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
	srv := startServer(t, botapitest.Options{Now: clock, FloodControl: botapitest.FloodControl{
		PerChat: 1, PerChatBurst: 3, PerGroupPerMinute: 20, Global: 30}})
	bot := newClient(t, srv, 5*time.Second)
	srv.User(1)
	srv.User(2)
	srv.Group(-3, "OPD")
	send := func(chat int64) error {
		_, err := bot.Send(tgbotapi.NewMessage(chat, "x"))
		return err
	}
	for i := range 3 {
		if err := send(1); err != nil {
			t.Fatalf("burst send %d: %v", i, err)
		}
	}
	te := apiError(t, send(1))
	if te.RetryAfter != 1 || te.Message != "Too Many Requests: retry after 1" {
		t.Fatalf("4th send: %+v", te)
	}
	if err := send(2); err != nil {
		t.Fatalf("another chat is not limited: %v", err)
	}
	advance(time.Second)
	if err := send(1); err != nil {
		t.Fatalf("after retry_after: %v", err)
	}
	for i := range 20 {
		if err := send(-3); err != nil {
			t.Fatalf("group send %d: %v", i, err)
		}
	}
	if te := apiError(t, send(-3)); te.RetryAfter != 3 {
		t.Fatalf("21st group message in a minute: %+v", te)
	}
	if n := len(srv.User(1).Messages()); n != 4 {
		t.Fatalf("chat 1 holds %d messages, want the 4 accepted", n)
	}

	global := startServer(t, botapitest.Options{Now: clock, FloodControl: botapitest.FloodControl{Global: 2}})
	gbot := newClient(t, global, 5*time.Second)
	for _, id := range []int64{1, 2, 3} {
		global.User(id)
	}
	for i, id := range []int64{1, 2} {
		if _, err := gbot.Send(tgbotapi.NewMessage(id, "x")); err != nil {
			t.Fatalf("global send %d: %v", i, err)
		}
	}
	_, err := gbot.Send(tgbotapi.NewMessage(3, "x"))
	if te := apiError(t, err); te.Code != 429 {
		t.Fatalf("third send within a second over a global limit of 2/s: %+v", te)
	}
}
