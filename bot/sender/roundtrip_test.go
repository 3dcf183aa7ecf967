package sender_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
)

// shown is what a user sees of a bot message, without ids and times.
type shown struct {
	Text, ParseMode string
	Buttons         [][]botapitest.Button
	Edits           int
	Photo, Document *shownFile
}

type shownFile struct {
	Ref, Name string // Ref: the file_id sent, "" for an upload
	Data      []byte
}

func show(msgs []botapitest.Message) []shown {
	out := make([]shown, len(msgs))
	for i, m := range msgs {
		out[i] = shown{Text: m.Text, ParseMode: m.ParseMode, Buttons: m.Buttons, Edits: m.Edits,
			Photo: showFile(m.Photo), Document: showFile(m.Document)}
	}
	return out
}

func showFile(f *botapitest.File) *shownFile {
	if f == nil {
		return nil
	}
	if f.Data != nil {
		return &shownFile{Name: f.Name, Data: f.Data}
	}
	return &shownFile{Ref: f.FileID}
}

// scene is one chat prepared for a case: a question with buttons that the
// user pressed once.
type scene struct {
	user    *botapitest.User
	msgID   int
	queryID string
}

func newScene(t *testing.T, e *env, s *sender.Sender, id int64) scene {
	t.Helper()
	u := e.emu.User(id)
	rows := [][]sender.Button{sender.Row(sender.DataButton("Sangat baik", "a4"), sender.DataButton("Baik", "a3"))}
	res, err := s.Send(context.Background(), sender.Ask(id, "Bagaimana pelayanan kami?", rows))
	if err != nil {
		t.Fatalf("question: %v", err)
	}
	if err := u.Press("Baik"); err != nil {
		t.Fatalf("Press: %v", err)
	}
	cbs := u.CallbackAnswers()
	return scene{user: u, msgID: res.MessageID, queryID: cbs[len(cbs)-1].QueryID}
}

// lastParams returns the parameters of the last request of method that
// carried key=value, without the ids that differ between two chats.
func lastParams(t *testing.T, e *env, method, key, value string) url.Values {
	t.Helper()
	reqs := e.emu.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		r := reqs[i]
		if r.Method != method || r.Params.Get(key) != value {
			continue
		}
		if r.Status != 200 {
			t.Errorf("%s answered %d", method, r.Status)
		}
		p := maps.Clone(r.Params)
		for _, k := range []string{"chat_id", "message_id", "callback_query_id"} {
			delete(p, k)
		}
		return p
	}
	t.Fatalf("no %s request with %s=%s", method, key, value)
	return nil
}

func TestMessageSurvivesJSONAndIsDeliveredTheSame(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grafik.png")
	if err := os.WriteFile(path, []byte("\x89PNG grafik"), 0o600); err != nil {
		t.Fatal(err)
	}
	rows := [][]sender.Button{
		sender.Row(sender.DataButton("Ya ✅", "1:y"), sender.DataButton("Tidak", "1:n")),
		sender.Row(sender.URLButton("Kebijakan privasi", "https://example.go.id/privasi")),
	}
	// Each case also says what the user must see (last: the chat's last
	// message after it, p: the request's parameters).
	type seen = func(last botapitest.Message, p url.Values) bool
	tests := []struct {
		name  string
		build func(sc scene) sender.Message
		sees  seen
	}{
		{"sendMessage", func(sc scene) sender.Message { return sender.Text(sc.user.ID(), "Terima kasih 🙏") },
			func(last botapitest.Message, _ url.Values) bool { return last.Text == "Terima kasih 🙏" }},
		{"sendMessage with everything", func(sc scene) sender.Message {
			m := sender.Ask(sc.user.ID(), "<b>Pertanyaan 2</b> dari 9", rows)
			m.ParseMode, m.ReplyTo, m.Proactive, m.Key = sender.ParseHTML, sc.msgID, true, "remind:42"
			return m
		}, func(last botapitest.Message, p url.Values) bool {
			return last.Text == "Pertanyaan 2 dari 9" && len(last.Buttons) == 2 && last.Buttons[1][0].URL != "" &&
				p.Get("reply_to_message_id") == "1" && p.Get("allow_sending_without_reply") == "true"
		}},
		{"editMessageText with keyboard", func(sc scene) sender.Message {
			return sender.EditText(sc.user.ID(), sc.msgID, "Bagaimana pelayanan kami? Baik", rows)
		}, func(last botapitest.Message, _ url.Values) bool {
			return last.Edits == 1 && len(last.Buttons) == 2
		}},
		{"editMessageText removing keyboard", func(sc scene) sender.Message {
			return sender.EditText(sc.user.ID(), sc.msgID, "Jawaban: Baik", nil)
		}, func(last botapitest.Message, _ url.Values) bool {
			return last.Text == "Jawaban: Baik" && !last.HasButtons()
		}},
		{"editMessageReplyMarkup", func(sc scene) sender.Message { return sender.EditMarkup(sc.user.ID(), sc.msgID, rows) },
			func(last botapitest.Message, _ url.Values) bool {
				return last.Text == "Bagaimana pelayanan kami?" && len(last.Buttons) == 2
			}},
		{"editMessageReplyMarkup removing keyboard", func(sc scene) sender.Message {
			return sender.EditMarkup(sc.user.ID(), sc.msgID, nil)
		}, func(last botapitest.Message, _ url.Values) bool {
			return last.Edits == 1 && !last.HasButtons()
		}},
		{"answerCallbackQuery", func(sc scene) sender.Message {
			m := sender.AnswerCallback(sc.queryID, "Tombol ini sudah tidak berlaku")
			m.ShowAlert, m.ChatID = true, sc.user.ID()
			return m
		}, func(_ botapitest.Message, p url.Values) bool { return p.Get("show_alert") == "true" }},
		{"sendPhoto from bytes", func(sc scene) sender.Message {
			m := sender.Photo(sc.user.ID(), sender.FileBytes("ikm.png", []byte("\x89PNG\x00\x01")), "IKM <i>Januari</i>")
			m.ParseMode, m.Keyboard = sender.ParseHTML, rows
			return m
		}, func(last botapitest.Message, _ url.Values) bool {
			return last.Photo != nil && last.Photo.Name == "ikm.png" && last.Text == "IKM Januari" && last.HasButtons()
		}},
		{"sendPhoto by file_id", func(sc scene) sender.Message {
			return sender.Photo(sc.user.ID(), sender.FileID("AgACAgUAAxkBAAIB"), "")
		}, func(last botapitest.Message, _ url.Values) bool {
			return last.Photo != nil && last.Photo.FileID == "AgACAgUAAxkBAAIB"
		}},
		{"sendDocument from a path", func(sc scene) sender.Message {
			m := sender.Document(sc.user.ID(), sender.FilePath(path), "Laporan")
			m.ReplyTo = sc.msgID
			return m
		}, func(last botapitest.Message, _ url.Values) bool {
			return last.Document != nil && last.Document.Name == "grafik.png" && string(last.Document.Data) == "\x89PNG grafik"
		}},
	}
	e := newEnv(t, 5*time.Second)
	s := e.sender(t, fast())
	ctx := context.Background()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			direct, stored := newScene(t, e, s, int64(3001+2*i)), newScene(t, e, s, int64(3002+2*i))
			want := tt.build(stored)
			raw, err := json.Marshal(want)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			var got sender.Message
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("unmarshal %s: %v", raw, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after JSON %s\n got %#v\nwant %#v", raw, got, want)
			}
			if _, err := s.Send(ctx, tt.build(direct)); err != nil {
				t.Fatalf("Send built: %v", err)
			}
			if _, err := s.Send(ctx, got); err != nil {
				t.Fatalf("Send decoded: %v", err)
			}
			a, b := show(direct.user.Messages()), show(stored.user.Messages())
			if !reflect.DeepEqual(a, b) {
				t.Errorf("chats differ:\n built   %+v\n decoded %+v", a, b)
			}
			key, va, vb := "chat_id", itoa(direct.user.ID()), itoa(stored.user.ID())
			if want.Method == sender.MethodAnswerCallback {
				key, va, vb = "callback_query_id", direct.queryID, stored.queryID
				ca, cb := lastAnswer(direct.user), lastAnswer(stored.user)
				if !ca.Answered || ca.Text != cb.Text || ca.ShowAlert != cb.ShowAlert || !cb.ShowAlert {
					t.Errorf("answers differ: %+v vs %+v", ca, cb)
				}
			}
			pa, pb := lastParams(t, e, string(want.Method), key, va), lastParams(t, e, string(want.Method), key, vb)
			if !reflect.DeepEqual(pa, pb) {
				t.Errorf("requests differ:\n built   %v\n decoded %v", pa, pb)
			}
			if last := stored.user.LastMessage(); !tt.sees(last, pb) {
				t.Errorf("the user sees %+v (request %v), not what %s should show", last, pb, tt.name)
			}
		})
	}
}

func lastAnswer(u *botapitest.User) botapitest.CallbackAnswer {
	cbs := u.CallbackAnswers()
	return cbs[len(cbs)-1]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
