package sender_test

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/sender"
)

// The lean JSON client and go-telegram-bot-api's form requests must leave
// the same chat behind and carry the same parameters.
func TestJSONClientSendsWhatTheLibrarySends(t *testing.T) {
	tricky := "Kata \"kutip\" \\ garis\nbaru\ttab \x01 <b>&amp;</b> 🙏 \u2028 akhir"
	rows := [][]sender.Button{
		sender.Row(sender.DataButton("Ya \"<&>\" ✅", "1:y"), sender.DataButton("Tidak", "1:n")),
		sender.Row(sender.URLButton("Kebijakan privasi", "https://example.go.id/privasi?a=1&b=<2>")),
	}
	tests := []struct {
		name  string
		build func(sc scene) sender.Message
	}{
		{"sendMessage escapes", func(sc scene) sender.Message { return sender.Text(sc.user.ID(), tricky) }},
		{"sendMessage with everything", func(sc scene) sender.Message {
			m := sender.Ask(sc.user.ID(), "<b>Pertanyaan 2</b> dari 9", rows)
			m.ParseMode, m.ReplyTo = sender.ParseHTML, sc.msgID
			return m
		}},
		{"editMessageText", func(sc scene) sender.Message { return sender.EditText(sc.user.ID(), sc.msgID, tricky, rows) }},
		{"editMessageText removing keyboard", func(sc scene) sender.Message {
			m := sender.EditText(sc.user.ID(), sc.msgID, "<i>Jawaban</i>: Baik", nil)
			m.ParseMode = sender.ParseHTML
			return m
		}},
		{"editMessageReplyMarkup", func(sc scene) sender.Message { return sender.EditMarkup(sc.user.ID(), sc.msgID, rows) }},
		{"editMessageReplyMarkup removing keyboard", func(sc scene) sender.Message {
			return sender.EditMarkup(sc.user.ID(), sc.msgID, nil)
		}},
		{"answerCallbackQuery", func(sc scene) sender.Message {
			m := sender.AnswerCallback(sc.queryID, tricky)
			m.ShowAlert = true
			return m
		}},
		{"answerCallbackQuery without text", func(sc scene) sender.Message { return sender.AnswerCallback(sc.queryID, "") }},
	}
	e := newEnv(t, 5*time.Second)
	lean, lib := e.sender(t, fast()), sender.New(e.api, fast())
	t.Cleanup(func() { _ = lib.Close(context.Background()) })
	ctx := context.Background()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := newScene(t, e, lib, int64(5001+2*i)), newScene(t, e, lean, int64(5002+2*i))
			ma, mb := tt.build(a), tt.build(b)
			ra, err := lib.Send(ctx, ma)
			if err != nil {
				t.Fatalf("library: %v", err)
			}
			rb, err := lean.Send(ctx, mb)
			if err != nil {
				t.Fatalf("JSON client: %v", err)
			}
			if (ra.MessageID == 0) != (rb.MessageID == 0) || ra.NotModified != rb.NotModified {
				t.Errorf("results differ: library %+v, JSON client %+v", ra, rb)
			}
			if sa, sb := show(a.user.Messages()), show(b.user.Messages()); !reflect.DeepEqual(sa, sb) {
				t.Errorf("chats differ:\n library %+v\n JSON    %+v", sa, sb)
			}
			key, va, vb := "chat_id", itoa(a.user.ID()), itoa(b.user.ID())
			if ma.Method == sender.MethodAnswerCallback {
				key, va, vb = "callback_query_id", a.queryID, b.queryID
				if ca, cb := lastAnswer(a.user), lastAnswer(b.user); ca != cb && (ca.Text != cb.Text || ca.ShowAlert != cb.ShowAlert) {
					t.Errorf("answers differ: library %+v, JSON client %+v", ca, cb)
				}
			}
			pa := jsonValues(t, lastParams(t, e, string(ma.Method), key, va))
			pb := jsonValues(t, lastParams(t, e, string(mb.Method), key, vb))
			if !reflect.DeepEqual(pa, pb) {
				t.Errorf("requests differ:\n library %v\n JSON    %v", pa, pb)
			}
		})
	}
}

// jsonValues decodes the values that hold JSON (reply_markup), which may
// be escaped differently and still mean the same, and drops the library's
// entities=null (no entities, as when absent).
func jsonValues(t *testing.T, p url.Values) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k := range p {
		v := p.Get(k)
		if v == "null" {
			continue
		}
		var decoded any
		if len(v) > 0 && v[0] == '{' {
			if err := json.Unmarshal([]byte(v), &decoded); err != nil {
				t.Fatalf("%s=%s: %v", k, v, err)
			}
			out[k] = decoded
			continue
		}
		out[k] = v
	}
	return out
}
