package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// benchPressMode: EGOVPULSE_BENCH_MODE=press has the residents press the
// answer buttons, as real ones do (a callback query per choice, the bot
// editing the pressed message); the default (type) types every answer, the
// benchmark's first mode, kept so that figures stay comparable.
func benchPressMode() bool { return os.Getenv("EGOVPULSE_BENCH_MODE") == "press" }

// benchMode names the mode in the benchmark's log.
func benchMode() string {
	if benchPressMode() {
		return "press"
	}
	return "type"
}

// keyboards follows, per chat, the bot's latest message with buttons by
// reading the emulator's answers to sends and edits, so that a resident
// waits for its own chat (the emulator's WaitFor wakes every waiter on every
// change: at 200 residents that would be most of the load generator's CPU).
type keyboards struct {
	mu    sync.Mutex
	chats map[int64]*keyboardChat
}

type keyboardChat struct {
	msg     kbMessage
	changed chan struct{} // closed and replaced when msg changes
}

type kbMessage struct {
	MessageID int    `json:"message_id"`
	Text      string `json:"text"`
	Chat      struct {
		ID int64 `json:"id"`
	} `json:"chat"`
	ReplyMarkup *struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	} `json:"reply_markup"`
}

// serve wraps the emulator: every answer that carries a message updates
// its chat.
func (k *keyboards) serve(emu http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		emu.ServeHTTP(teeWriter{w, &buf}, r)
		var resp struct {
			Result json.RawMessage `json:"result"`
		}
		var m kbMessage
		if json.Unmarshal(buf.Bytes(), &resp) == nil && len(resp.Result) > 0 && resp.Result[0] == '{' &&
			json.Unmarshal(resp.Result, &m) == nil && m.MessageID != 0 {
			k.seen(m)
		}
	})
}

type teeWriter struct {
	http.ResponseWriter
	buf *bytes.Buffer
}

func (t teeWriter) Write(p []byte) (int, error) {
	t.buf.Write(p)
	return t.ResponseWriter.Write(p)
}

func (k *keyboards) chat(id int64) *keyboardChat {
	if k.chats == nil {
		k.chats = map[int64]*keyboardChat{}
	}
	c, ok := k.chats[id]
	if !ok {
		c = &keyboardChat{changed: make(chan struct{})}
		k.chats[id] = c
	}
	return c
}

// seen records a sent or edited message: a newer message with buttons
// becomes the chat's, an edit that removes the buttons clears them.
func (k *keyboards) seen(m kbMessage) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.chat(m.Chat.ID)
	if m.MessageID < c.msg.MessageID || (m.ReplyMarkup == nil && m.MessageID != c.msg.MessageID) {
		return
	}
	c.msg = m
	close(c.changed)
	c.changed = make(chan struct{})
}

// await returns the chat's latest message with buttons once it satisfies ok.
func (k *keyboards) await(ctx context.Context, chatID int64, ok func(kbMessage) bool) (kbMessage, error) {
	for {
		k.mu.Lock()
		c := k.chat(chatID)
		m, ch := c.msg, c.changed
		k.mu.Unlock()
		if m.ReplyMarkup != nil && ok(m) {
			return m, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return kbMessage{}, fmt.Errorf("chat %d: last keyboard message %q: %w", chatID, m.Text, ctx.Err())
		}
	}
}

// startEmulator serves the emulator through the keyboards in press mode,
// on its own listener otherwise (the benchmark's first set-up); it returns
// the Bot API endpoint.
func startEmulator(b *testing.B, emu *botapitest.Server, kb *keyboards) string {
	if !benchPressMode() {
		if _, err := emu.Listen("127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
		return emu.Endpoint()
	}
	srv := httptest.NewServer(kb.serve(emu))
	b.Cleanup(srv.Close)
	return srv.URL + "/bot%s/%s"
}

// benchAnswerButtons answers as a resident who presses: for each question
// (its message shows "(k/"), a numeric answer n presses the n-th answer
// button when there is one; dates and text are typed. Then it submits.
func (r *benchRig) benchAnswerButtons(b *testing.B, id int64, answers []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	label := submitLabel("id")
	for i, a := range answers {
		pos := fmt.Sprintf("(%d/", i+1)
		// An answer past the last question is the suggestion, typed at the
		// summary (which shows the submit button).
		m, err := r.kb.await(ctx, id, func(m kbMessage) bool {
			_, summary := kbButtonData(m, label)
			return strings.Contains(m.Text, pos) || summary
		})
		if err != nil {
			b.Errorf("resident %d, answer %d: %v", id, i+1, err)
			return
		}
		if data, ok := answerButton(m, a); ok && strings.Contains(m.Text, pos) {
			r.postPress(b, id, m.MessageID, data)
			continue
		}
		r.post(b, benchText(id, a))
	}
	m, err := r.kb.await(ctx, id, func(m kbMessage) bool { _, ok := kbButtonData(m, label); return ok })
	if err != nil {
		b.Errorf("resident %d, submit: %v", id, err)
		return
	}
	data, _ := kbButtonData(m, label)
	r.postPress(b, id, m.MessageID, data)
}

// answerButton is the callback data of the n-th answer button when answer
// is a number n and the message has that many answer buttons.
func answerButton(m kbMessage, answer string) (string, bool) {
	n, err := strconv.Atoi(answer)
	if err != nil || n < 1 || n > len(m.ReplyMarkup.InlineKeyboard) {
		return "", false
	}
	btn := m.ReplyMarkup.InlineKeyboard[n-1][0]
	for _, nav := range []string{"Lewati", "Kembali"} {
		if strings.Contains(btn.Text, nav) {
			return "", false
		}
	}
	return btn.CallbackData, true
}

// kbButtonData is the callback data of the button labelled label.
func kbButtonData(m kbMessage, label string) (string, bool) {
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, btn := range row {
			if btn.Text == label {
				return btn.CallbackData, true
			}
		}
	}
	return "", false
}

// postPress delivers the callback query of pressing data in message msgID.
func (r *benchRig) postPress(b *testing.B, id int64, msgID int, data string) {
	from, chat := benchUser(id)
	r.post(b, tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		ID: fmt.Sprintf("q%d-%d", id, msgID), From: from, Data: data,
		Message: &tgbotapi.Message{MessageID: msgID, Chat: chat},
	}})
}
