package botapitest_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

func TestKeyboardEditCallbackRoundTrip(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(42, botapitest.WithLanguage("en"))

	q := tgbotapi.NewMessage(42, "Apakah layanan sesuai?")
	q.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Sangat sesuai", "q1:4"),
		tgbotapi.NewInlineKeyboardButtonData("Tidak sesuai", "q1:1")))
	sent, err := bot.Send(q)
	if err != nil {
		t.Fatal(err)
	}
	if sent.ReplyMarkup == nil || len(sent.ReplyMarkup.InlineKeyboard[0]) != 2 || sent.Chat.ID != 42 {
		t.Fatalf("send result %+v", sent)
	}
	if err := u.Press("Netral"); err == nil || !strings.Contains(err.Error(), "Sangat sesuai") {
		t.Fatalf("pressing a missing label: %v", err)
	}
	if err := u.Press("Sangat sesuai"); err != nil {
		t.Fatal(err)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("%v %+v", err, ups)
	}
	cq := ups[0].CallbackQuery
	if cq.Data != "q1:4" || cq.Message.MessageID != sent.MessageID || cq.From.ID != 42 {
		t.Fatalf("callback %+v", cq)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(cq.ID, "Tersimpan")); err != nil {
		t.Fatal(err)
	}
	_, err = bot.Request(tgbotapi.NewCallback(cq.ID, "again"))
	if te := apiError(t, err); te.Code != 400 || !strings.Contains(te.Message, "query is too old") {
		t.Fatalf("second answer: %d %q", te.Code, te.Message)
	}
	answers := u.CallbackAnswers()
	if len(answers) != 1 || !answers[0].Answered || answers[0].Text != "Tersimpan" || answers[0].Data != "q1:4" {
		t.Fatalf("answers %+v", answers)
	}
	if _, err := bot.Send(tgbotapi.NewEditMessageText(42, sent.MessageID, "Apakah layanan sesuai? ✅ Sangat sesuai")); err != nil {
		t.Fatal(err)
	}
	m := u.LastMessage()
	if m.Text != "Apakah layanan sesuai? ✅ Sangat sesuai" || m.HasButtons() || m.Edits != 1 {
		t.Fatalf("after edit (text without markup drops keyboard): %+v", m)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageText(42, sent.MessageID, m.Text))
	if te := apiError(t, err); !strings.Contains(te.Message, "message is not modified") {
		t.Fatalf("identical edit: %q", te.Message)
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Ubah", "edit")))
	if _, err := bot.Send(tgbotapi.NewEditMessageReplyMarkup(42, sent.MessageID, kb)); err != nil {
		t.Fatal(err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(42, sent.MessageID, kb))
	if te := apiError(t, err); te.Code != 400 || !strings.Contains(te.Message, "message is not modified") {
		t.Fatalf("identical markup: %q", te.Message)
	}
	if got := u.LastMessage(); got.Edits != 2 || got.Labels()[0] != "Ubah" {
		t.Fatalf("after markup edit %+v", got)
	}
}

func TestSendMessageValidation(t *testing.T) {
	srv, bot := startBot(t)
	srv.User(1)
	long := tgbotapi.NewMessage(1, strings.Repeat("é", 4097))
	okMax := tgbotapi.NewMessage(1, strings.Repeat("😀", 4096))
	badData := tgbotapi.NewMessage(1, "x")
	badData.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("b", strings.Repeat("é", 33)))) // 66 bytes, 33 chars
	html := tgbotapi.NewMessage(1, "<b>Skor</b> &lt;90&gt; &amp; naik")
	html.ParseMode = "HTML"
	badHTML := tgbotapi.NewMessage(1, "nilai <90")
	badHTML.ParseMode = "HTML"
	badMD := tgbotapi.NewMessage(1, "Terima kasih.")
	badMD.ParseMode = "MarkdownV2"
	tests := []struct {
		name     string
		msg      tgbotapi.MessageConfig
		wantErr  string
		wantText string
	}{
		{"too long", long, "Bad Request: message is too long", ""},
		{"4096 emoji fit", okMax, "", strings.Repeat("😀", 4096)},
		{"callback data over 64 bytes", badData, "Bad Request: BUTTON_DATA_INVALID", ""},
		{"empty", tgbotapi.NewMessage(1, ""), "Bad Request: message text is empty", ""},
		{"whitespace only", tgbotapi.NewMessage(1, " \n "), "Bad Request: message text is empty", ""},
		{"unknown chat", tgbotapi.NewMessage(999, "x"), "Bad Request: chat not found", ""},
		{"html rendered", html, "", "Skor <90> & naik"},
		{"bad html", badHTML, "can't parse entities", ""},
		{"unescaped markdownv2", badMD, "Character '.' is reserved", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := bot.Send(tc.msg)
			if tc.wantErr != "" {
				if te := apiError(t, err); te.Code != 400 || !strings.Contains(te.Message, tc.wantErr) {
					t.Fatalf("got %d %q, want 400 %q", te.Code, te.Message, tc.wantErr)
				}
				return
			}
			if err != nil || got.Text != tc.wantText {
				t.Fatalf("err %v text %q", err, got.Text)
			}
		})
	}
}

func TestUploadsAndCommands(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(3)
	data := bytes.Repeat([]byte("id,skor\n"), 1000)
	doc := tgbotapi.NewDocument(3, tgbotapi.FileBytes{Name: "ikm.csv", Bytes: data})
	doc.Caption = "Rekap IKM"
	if _, err := bot.Send(doc); err != nil {
		t.Fatal(err)
	}
	m := u.LastMessage()
	if m.Document == nil || m.Document.Name != "ikm.csv" || m.Document.Size != len(data) || !bytes.Equal(m.Document.Data, data) || m.Text != "Rekap IKM" {
		t.Fatalf("document %+v", m)
	}
	photo := tgbotapi.NewPhoto(3, tgbotapi.FileBytes{Name: "chart.png", Bytes: []byte("\x89PNG...")})
	photo.Caption = strings.Repeat("a", 1025)
	_, err := bot.Send(photo)
	if te := apiError(t, err); !strings.Contains(te.Message, "message caption is too long") {
		t.Fatalf("caption: %q", te.Message)
	}
	photo.Caption = "Grafik"
	if _, err := bot.Send(photo); err != nil {
		t.Fatal(err)
	}
	if m := u.LastMessage(); m.Photo == nil || m.Photo.Name != "chart.png" {
		t.Fatalf("photo %+v", m)
	}
	cmds := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeAllPrivateChats(), "id",
		tgbotapi.BotCommand{Command: "mulai", Description: "Mulai survei"},
		tgbotapi.BotCommand{Command: "bantuan", Description: "Bantuan"})
	if _, err := bot.Request(cmds); err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands("all_private_chats", "id"); len(got) != 2 || got[0].Command != "mulai" {
		t.Fatalf("commands %+v", got)
	}
	_, err = bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Bad-Cmd", Description: "x"}))
	if te := apiError(t, err); !strings.Contains(te.Message, "BOT_COMMAND_INVALID") {
		t.Fatalf("bad command: %q", te.Message)
	}
	// One chat's own menu does not replace another chat's.
	for _, chat := range []int64{3, 4} {
		c := tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(chat),
			tgbotapi.BotCommand{Command: "peran" + strconv.FormatInt(chat, 10), Description: "Peran saya"})
		if _, err := bot.Request(c); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.Commands("chat:3", ""); len(got) != 1 || got[0].Command != "peran3" {
		t.Fatalf("chat 3 menu %+v", got)
	}
	got, err := bot.GetMyCommandsWithConfig(tgbotapi.NewGetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(4)))
	if err != nil || len(got) != 1 || got[0].Command != "peran4" {
		t.Fatalf("getMyCommands for chat 4 = %+v, %v", got, err)
	}
}

func TestParamsAsQueryAndJSON(t *testing.T) {
	srv, _ := startBot(t)
	u := srv.User(8)
	base := srv.URL() + "/bot" + srv.Token() + "/sendMessage"
	resp, err := http.Get(base + "?" + url.Values{"chat_id": {"8"}, "text": {"lewat query"}}.Encode())
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("query: %v %v", err, resp)
	}
	resp.Body.Close()
	body := `{"chat_id":8,"text":"lewat JSON","reply_markup":{"inline_keyboard":[[{"text":"Ya","callback_data":"y"}]]}}`
	resp, err = http.Post(base, "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("json: %v %v", err, resp)
	}
	resp.Body.Close()
	msgs := u.Messages()
	if len(msgs) != 2 || msgs[0].Text != "lewat query" || msgs[1].Text != "lewat JSON" || msgs[1].Buttons[0][0].Data != "y" {
		t.Fatalf("messages %+v", msgs)
	}
}

func TestRenderMarkdownV2(t *testing.T) {
	srv, bot := startBot(t)
	u := srv.User(2)
	tests := []struct{ in, want, wantErr string }{
		{`*Skor* 4\.5 \(baik\)\!`, "Skor 4.5 (baik)!", ""},
		{"kode `a.b-c` saja", "kode a.b-c saja", ""},
		{"[situs](https://solokkota.go.id) resmi", "situs resmi", ""},
		{"nilai 4.5", "", "Character '.' is reserved"},
		{"a-b", "", "Character '-' is reserved"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			m := tgbotapi.NewMessage(2, tc.in)
			m.ParseMode = tgbotapi.ModeMarkdownV2
			_, err := bot.Send(m)
			if tc.wantErr != "" {
				if te := apiError(t, err); !strings.Contains(te.Message, tc.wantErr) {
					t.Fatalf("got %q, want %q", te.Message, tc.wantErr)
				}
				return
			}
			if err != nil || u.LastMessage().Text != tc.want {
				t.Fatalf("err %v text %q, want %q", err, u.LastMessage().Text, tc.want)
			}
		})
	}
}

func TestCallbackTimeoutUsesInjectedClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	srv := startServer(t, botapitest.Options{Now: clock, CallbackTimeout: 15 * time.Second})
	bot := newClient(t, srv, 5*time.Second)
	u := srv.User(12)
	u.PressData("a")
	u.PressData("b")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 2 {
		t.Fatal(err, ups)
	}
	advance(10 * time.Second)
	if _, err := bot.Request(tgbotapi.NewCallback(ups[0].CallbackQuery.ID, "")); err != nil {
		t.Fatalf("answer within 10s: %v", err)
	}
	advance(10 * time.Second)
	_, err = bot.Request(tgbotapi.NewCallback(ups[1].CallbackQuery.ID, ""))
	if te := apiError(t, err); !strings.Contains(te.Message, "query is too old") {
		t.Fatalf("answer after 20s: %q", te.Message)
	}
	answers := u.CallbackAnswers()
	if !answers[0].Answered || !answers[0].AnsweredAt.Equal(now.Add(-10*time.Second)) || answers[1].Answered {
		t.Fatalf("answers %+v", answers)
	}
}
