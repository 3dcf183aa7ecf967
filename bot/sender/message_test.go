package sender_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/sender"
)

func TestInvalidMessageIsRejectedWithoutRequest(t *testing.T) {
	data := sender.Row(sender.DataButton("Ya", "y"))
	long := strings.Repeat("x", sender.MaxCallbackData+1)
	withFile := sender.Text(1, "x")
	withFile.File = &sender.File{ID: "abc"}
	editReply := sender.EditText(1, 2, "x", nil)
	editReply.ReplyTo = 1
	markupText := sender.EditMarkup(1, 2, [][]sender.Button{data})
	markupText.Text = "x"
	cbKeyboard := sender.AnswerCallback("q", "x")
	cbKeyboard.Keyboard = [][]sender.Button{data}
	badMode := sender.Text(1, "x")
	badMode.ParseMode = "HMTL"
	tests := []struct {
		name   string
		m      sender.Message
		reason string
	}{
		{"no method", sender.Message{ChatID: 1, Text: "x"}, "no method"},
		{"unknown method", sender.Message{Method: "sendSticker", ChatID: 1, MessageID: 3}, `unknown method "sendSticker"`},
		{"no chat", sender.Text(0, "x"), "no chat id"},
		{"empty text", sender.Text(1, " \n"), "empty text"},
		{"empty edit", sender.EditText(1, 2, "", nil), "empty text"},
		{"invalid UTF-8", sender.Text(1, "a\xffb"), "not valid UTF-8"},
		{"edit without message", sender.EditText(1, 0, "x", nil), "no message id"},
		{"button without data or URL", sender.Ask(1, "x", [][]sender.Button{{{Text: "Ya"}}}), `button 1 of row 1 "Ya" has neither callback data nor URL`},
		{"button with both", sender.Ask(1, "x", [][]sender.Button{{{Text: "Ya", Data: "y", URL: "https://x.id"}}}), "both callback data and a URL"},
		{"callback data too long", sender.Ask(1, "x", [][]sender.Button{data, {sender.DataButton("Tidak", long)}}), `button 1 of row 2 "Tidak" has 65 bytes of callback data, Telegram allows 64`},
		{"button without text", sender.Ask(1, "x", [][]sender.Button{{sender.DataButton("", "y")}}), "has no text"},
		{"empty row", sender.Ask(1, "x", [][]sender.Button{data, {}}), "keyboard row 2 is empty"},
		{"answer without query", sender.AnswerCallback("", "x"), "no callback query id"},
		{"answer too long", sender.AnswerCallback("q", strings.Repeat("é", 201)), "201 characters, Telegram allows 200"},
		{"answer with keyboard", cbKeyboard, "answerCallbackQuery does not take keyboard"},
		{"file on a text", withFile, "sendMessage does not take file"},
		{"reply-to on an edit", editReply, "editMessageText does not take reply_to"},
		{"text on a markup edit", markupText, "editMessageReplyMarkup does not take text"},
		{"photo without file", sender.Message{Method: sender.MethodSendPhoto, ChatID: 1}, "no file"},
		{"file with nothing", sender.Photo(1, sender.File{}, ""), "exactly one of path, id or bytes (0 given)"},
		{"file with two", sender.Document(1, sender.File{Path: "a.csv", ID: "b"}, ""), "(2 given)"},
		{"empty bytes", sender.Document(1, sender.FileBytes("a.csv", []byte{}), ""), "file bytes are empty"},
		{"bytes without name", sender.Document(1, sender.FileBytes("", []byte("x")), ""), "file bytes need a name"},
		{"name without bytes", sender.Document(1, sender.File{ID: "b", Name: "a.csv"}, ""), "file name is only for bytes"},
		{"unknown parse mode", badMode, `unknown parse mode "HMTL"`},
	}
	e := newEnv(t, 5*time.Second)
	s := e.sender(t, fast())
	before := len(e.emu.Requests())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			if !errors.Is(err, sender.ErrRejected) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("Validate = %v, want ErrRejected saying %q", err, tt.reason)
			}
			if _, err := s.Send(context.Background(), tt.m); !errors.Is(err, sender.ErrRejected) {
				t.Errorf("Send = %v, want ErrRejected", err)
			}
			s.Enqueue(tt.m)
		})
	}
	mustClose(t, s)
	if n := len(e.emu.Requests()) - before; n != 0 {
		t.Errorf("%d requests made for invalid messages, want none", n)
	}
	if n := strings.Count(e.logs.String(), "telegram send failed"); n != 2*len(tests) {
		t.Errorf("%d failure lines for %d invalid messages sent and enqueued:\n%s", n, len(tests), e.logs.String())
	}
	if st := s.Stats(); st.Failed != uint64(2*len(tests)) {
		t.Errorf("stats %+v, want Failed %d", st, 2*len(tests))
	}
}

func TestConstructorsBuildValidMessages(t *testing.T) {
	rows := [][]sender.Button{sender.Row(sender.DataButton("Ya", "y"), sender.URLButton("Info", "https://example.go.id"))}
	for _, m := range []sender.Message{
		sender.Text(1, "halo"),
		sender.Ask(1, "pilih", rows),
		sender.Ask(1, "tanpa tombol", nil),
		sender.EditText(1, 2, "baru", rows),
		sender.EditText(1, 2, "baru", nil),
		sender.EditMarkup(1, 2, rows),
		sender.EditMarkup(1, 2, nil),
		sender.AnswerCallback("q", ""),
		sender.Photo(-100, sender.FileID("AgAD"), ""),
		sender.Photo(1, sender.FilePath("grafik.png"), "IKM"),
		sender.Document(1, sender.FileBytes("ikm.csv", []byte("a")), ""),
	} {
		if err := m.Validate(); err != nil {
			t.Errorf("%+v: %v", m, err)
		}
	}
	if m := sender.Ask(1, "x", [][]sender.Button{}); m.Keyboard != nil {
		t.Errorf("an empty keyboard is kept as %#v; it must be nil so a JSON round trip keeps it", m.Keyboard)
	}
}
