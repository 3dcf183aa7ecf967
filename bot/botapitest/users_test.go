package botapitest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

func TestUserInputsArriveAsTelegramSendsThem(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(70, botapitest.WithUsername("warga"), botapitest.WithLanguage("en"))
	u.SendSticker()
	u.SendPhoto("foto KTP")
	u.Send("halo")
	if _, err := u.EditLastMessage("halo, ralat"); err != nil {
		t.Fatal(err)
	}
	u.Send("/bantuan@egovpulse_test_bot sekarang")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 5 {
		t.Fatalf("%v %d updates", err, len(ups))
	}
	for i := 1; i < len(ups); i++ {
		if ups[i].UpdateID != ups[i-1].UpdateID+1 {
			t.Fatalf("update ids not sequential: %d after %d", ups[i].UpdateID, ups[i-1].UpdateID)
		}
	}
	if ups[0].Message.Sticker == nil || ups[0].Message.Text != "" {
		t.Fatalf("sticker %+v", ups[0].Message)
	}
	if len(ups[1].Message.Photo) == 0 || ups[1].Message.Caption != "foto KTP" {
		t.Fatalf("photo %+v", ups[1].Message)
	}
	ed := ups[3].EditedMessage
	if ed == nil || ed.Text != "halo, ralat" || ed.MessageID != ups[2].Message.MessageID || ed.EditDate == 0 {
		t.Fatalf("edited %+v", ed)
	}
	cmd := ups[4].Message
	if !cmd.IsCommand() || cmd.Command() != "bantuan" || cmd.CommandArguments() != "sekarang" || cmd.From.UserName != "warga" {
		t.Fatalf("command %q %q", cmd.Command(), cmd.CommandArguments())
	}
	if u.Send("bukan /perintah") == 0 {
		t.Fatal("no update id")
	}
	plain, _ := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[4].UpdateID + 1})
	if len(plain) != 1 || plain[0].Message.IsCommand() {
		t.Fatalf("text with a slash inside is not a command: %+v", plain)
	}
}

func TestWaitHelpersAndPress(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(80)
	if err := u.Press("Ya"); !errors.Is(err, botapitest.ErrNoButton) {
		t.Fatalf("press without keyboard: %v", err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		m := tgbotapi.NewMessage(80, "Setuju?")
		m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("Ya", "c:y")))
		_, _ = bot.Send(m)
		_, _ = bot.Send(tgbotapi.NewMessage(80, "Pilih satu tombol di atas."))
	}()
	m, err := u.WaitFor(waitCtx(t), botapitest.HasButton("Ya"))
	if err != nil || m.Text != "Setuju?" {
		t.Fatalf("WaitFor: %v %+v", err, m)
	}
	msgs, err := u.WaitMessages(2, 5*time.Second)
	if err != nil || msgs[1].Text != "Pilih satu tombol di atas." {
		t.Fatalf("WaitMessages: %v %+v", err, msgs)
	}
	if _, err := u.WaitMessages(3, 100*time.Millisecond); err == nil {
		t.Fatal("WaitMessages(3) should time out")
	}
	if err := u.Press("Ya"); err != nil {
		t.Fatalf("press finds the last keyboard even below a plain message: %v", err)
	}
	if err := u.PressIn(msgs[1].ID, "Ya"); !errors.Is(err, botapitest.ErrNoButton) {
		t.Fatalf("PressIn a message without that button: %v", err)
	}
	stale := u.PressData("c:old")
	ups, _ := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if len(ups) != 2 || ups[0].CallbackQuery.Data != "c:y" || ups[1].UpdateID != stale || ups[1].CallbackQuery.Data != "c:old" {
		t.Fatalf("callbacks %+v", ups)
	}
	if n := len(srv.UnansweredCallbacks()); n != 2 {
		t.Fatalf("unanswered %d", n)
	}
}

func TestGroupMigration(t *testing.T) {
	srv, bot := startBot(t)
	admin := srv.User(90)
	g := srv.Group(-500, "Operator OPD")
	g.Send(admin, "/ringkasan")
	if _, err := bot.Send(tgbotapi.NewMessage(-500, "Ringkasan minggu ini")); err != nil {
		t.Fatal(err)
	}
	sg := g.Migrate(admin, -100500)
	_, err := bot.Send(tgbotapi.NewMessage(-500, "lagi"))
	if te := apiError(t, err); te.MigrateToChatID != -100500 {
		t.Fatalf("old group: %+v", te)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(-100500, "lagi")); err != nil {
		t.Fatal(err)
	}
	if g.LastMessage().Text != "Ringkasan minggu ini" || sg.LastMessage().Text != "lagi" {
		t.Fatalf("group %+v supergroup %+v", g.Messages(), sg.Messages())
	}
	ups, _ := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if len(ups) != 2 || ups[0].Message.Chat.Type != "group" || ups[1].Message.MigrateToChatID != -100500 {
		t.Fatalf("group updates %+v", ups)
	}
}

func TestUpdateIDsAndClock(t *testing.T) {
	clock := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	srv := startServer(t, botapitest.Options{RandomFirstUpdateID: true, Now: func() time.Time { return clock }})
	bot := newClient(t, srv, 5*time.Second)
	first := srv.User(1).Send("a")
	if first < 100_000_000 {
		t.Fatalf("random first id %d", first)
	}
	srv.SetNextUpdateID(7)
	if id := srv.User(1).Send("b"); id != 7 {
		t.Fatalf("after jump: %d", id)
	}
	ups, _ := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if len(ups) != 2 || ups[0].Message.Date != int(clock.Unix()) {
		t.Fatalf("%+v", ups)
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Method != "getUpdates" || !last.Time.Equal(clock) || last.Status != 200 {
		t.Fatalf("request record %+v", last)
	}
	if strings.Contains(srv.Endpoint(), srv.Token()) {
		t.Fatal("endpoint must be a pattern, not contain the token")
	}
}

func TestInjectedCallbackCanBeAnsweredAndChangedFires(t *testing.T) {
	srv, bot := startBot(t)
	ch := srv.Changed()
	raw := `{"callback_query":{"id":"forged-1","from":{"id":5,"is_bot":false,"first_name":"X"},"chat_instance":"c","data":"` +
		strings.Repeat("z", 70) + `"}}`
	if _, err := srv.InjectUpdate([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Fatal("Changed channel not closed after an update was queued")
	}
	if _, err := bot.Request(tgbotapi.NewCallback("forged-1", "Tombol kedaluwarsa")); err != nil {
		t.Fatalf("answer injected query: %v", err)
	}
	if n := len(srv.UnansweredCallbacks()); n != 0 {
		t.Fatalf("unanswered %d", n)
	}
	if _, err := srv.InjectUpdate([]byte(`{"message":{},"edited_message":{}}`)); err == nil {
		t.Fatal("two update kinds accepted")
	}
}

func TestDeleteMessageAndChatAction(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(95)
	first, _ := bot.Send(tgbotapi.NewMessage(95, "sementara"))
	_, _ = bot.Send(tgbotapi.NewMessage(95, "tetap"))
	if _, err := bot.Request(tgbotapi.NewChatAction(95, tgbotapi.ChatTyping)); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.Request(tgbotapi.NewDeleteMessage(95, first.MessageID)); err != nil {
		t.Fatal(err)
	}
	_, err := bot.Request(tgbotapi.NewDeleteMessage(95, first.MessageID))
	if te := apiError(t, err); !strings.Contains(te.Message, "message to delete not found") {
		t.Fatalf("second delete: %q", te.Message)
	}
	if msgs := u.Messages(); len(msgs) != 1 || msgs[0].Text != "tetap" {
		t.Fatalf("messages %+v", msgs)
	}
}
