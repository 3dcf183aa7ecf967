package sender

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestSplitText(t *testing.T) {
	long := strings.Repeat("kata ", 30) // 150 runes, spaces only
	lines := strings.Repeat("baris satu 🙂\n", 20)
	tests := []struct {
		name string
		in   string
		max  int
		want int // number of parts
	}{
		{"short stays whole", "halo", 10, 1},
		{"exactly max stays whole", strings.Repeat("é", 10), 10, 1},
		{"line breaks preferred", lines, 30, 10},
		{"spaces when no line break", long, 40, 4},
		{"hard cut without spaces", strings.Repeat("x", 25), 10, 3},
		{"emoji counted as one rune", strings.Repeat("🙂", 12), 5, 3},
		{"telegram limit", strings.Repeat("Survei kepuasan masyarakat.\n", 400), MaxTextLen, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := SplitText(tt.in, tt.max)
			if len(parts) != tt.want {
				t.Fatalf("got %d parts, want %d", len(parts), tt.want)
			}
			for i, p := range parts {
				if n := utf8.RuneCountInString(p); n > tt.max || n == 0 {
					t.Errorf("part %d has %d runes (max %d)", i, n, tt.max)
				}
				if !utf8.ValidString(p) {
					t.Errorf("part %d is not valid UTF-8", i)
				}
			}
			if got, want := squeeze(strings.Join(parts, "")), squeeze(tt.in); got != want {
				t.Errorf("content changed:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestSplitTextCutsAtLineBreak(t *testing.T) {
	parts := SplitText("satu\ndua\ntiga", 9)
	if len(parts) != 2 || parts[0] != "satu\ndua" || parts[1] != "tiga" {
		t.Fatalf("parts = %q", parts)
	}
}

// squeeze removes all white space, which a split may drop at the cuts.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func TestSplitPartsKeyboardOnLast(t *testing.T) {
	m := Ask(42, strings.Repeat("Pertanyaan panjang sekali.\n", 300), [][]Button{Row(DataButton("Ya", "y"))})
	m.ReplyTo = 7
	parts := splitParts(m.chattable())
	if len(parts) < 2 {
		t.Fatalf("got %d parts, want a split", len(parts))
	}
	for i, p := range parts {
		mc := p.(tgbotapi.MessageConfig)
		if n := utf8.RuneCountInString(mc.Text); n > MaxTextLen {
			t.Errorf("part %d: %d runes", i, n)
		}
		last := i == len(parts)-1
		if (mc.ReplyMarkup != nil) != last {
			t.Errorf("part %d: keyboard present=%v, want %v", i, mc.ReplyMarkup != nil, last)
		}
		if (mc.ReplyToMessageID == 7) != (i == 0) {
			t.Errorf("part %d: reply-to %d", i, mc.ReplyToMessageID)
		}
	}
	if got := splitParts(Text(42, "pendek").chattable()); len(got) != 1 {
		t.Errorf("short message split into %d", len(got))
	}
}

func TestWithChatID(t *testing.T) {
	file := FileID("abc")
	tests := []struct {
		name string
		m    Message
	}{
		{"message", Text(-1, "x")},
		{"edit", EditText(-1, 5, "y", nil)},
		{"markup", EditMarkup(-1, 5, nil)},
		{"photo", Photo(-1, file, "")},
		{"document", Document(-1, file, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.m.chattable()
			moved, ok := withChatID(c, -100123)
			if !ok {
				t.Fatal("not rewritten")
			}
			if got := requestChat(t, moved); got != -100123 {
				t.Errorf("chat id = %d", got)
			}
			if got := requestChat(t, c); got != -1 {
				t.Errorf("original changed to %d", got)
			}
		})
	}
	if _, ok := withChatID(AnswerCallback("q", "ok").chattable(), 9); ok {
		t.Error("callback answer rewritten")
	}
}

// requestChat returns the chat a request is addressed to.
func requestChat(t *testing.T, c tgbotapi.Chattable) int64 {
	t.Helper()
	switch v := c.(type) {
	case tgbotapi.MessageConfig:
		return v.ChatID
	case tgbotapi.EditMessageTextConfig:
		return v.ChatID
	case tgbotapi.EditMessageReplyMarkupConfig:
		return v.ChatID
	case tgbotapi.PhotoConfig:
		return v.ChatID
	case tgbotapi.DocumentConfig:
		return v.ChatID
	}
	t.Fatalf("unexpected request %T", c)
	return 0
}

func TestClassify(t *testing.T) {
	send, edit := MethodSendMessage, MethodEditText
	dialErr := &url.Error{Op: "Post", URL: "http://h/bot1:x/sendMessage",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	readErr := &url.Error{Op: "Post", URL: "http://h/bot1:x/sendMessage", Err: io.EOF}
	tests := []struct {
		name string
		err  error
		c    Method
		want kind
	}{
		{"429", &tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 3",
			ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 3}}, send, kindRateLimited},
		{"429 on upload has code 0", &tgbotapi.Error{Message: "Too Many Requests",
			ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 1}}, send, kindRateLimited},
		{"blocked", &tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"}, send, kindBlocked},
		{"deactivated", &tgbotapi.Error{Code: 403, Message: "Forbidden: user is deactivated"}, send, kindBlocked},
		{"chat not found", &tgbotapi.Error{Code: 400, Message: "Bad Request: chat not found"}, send, kindBlocked},
		{"migrated", &tgbotapi.Error{Code: 400, Message: "Bad Request: group chat was upgraded to a supergroup chat",
			ResponseParameters: tgbotapi.ResponseParameters{MigrateToChatID: -1001}}, send, kindMigrated},
		{"not modified", &tgbotapi.Error{Code: 400, Message: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same"}, edit, kindNotModified},
		{"too long", &tgbotapi.Error{Code: 400, Message: "Bad Request: message is too long"}, send, kindPermanent},
		{"5xx", &tgbotapi.Error{Code: 502, Message: "Bad Gateway"}, send, kindTransient},
		{"5xx on upload", &tgbotapi.Error{Message: "Internal Server Error"}, send, kindTransient},
		{"dial failure is safe to retry", dialErr, send, kindTransient},
		{"read failure on send is ambiguous", readErr, send, kindAmbiguous},
		{"read failure on edit is retried", readErr, edit, kindTransient},
		{"garbled body on send is ambiguous", fmt.Errorf("decode: %w", io.ErrUnexpectedEOF), send, kindAmbiguous},
		{"unbuildable request", errors.New("open photo.png: no such file"), send, kindPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.err, tt.c).kind; got != tt.want {
				t.Errorf("kind = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestRedactor(t *testing.T) {
	api := &tgbotapi.BotAPI{Token: "short:tok"}
	r := redactor(api, func(s string) string { return strings.ReplaceAll(s, "secret", "***") })
	in := `Post "http://h/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/sendMessage": secret short:tok`
	got := r(in)
	for _, leak := range []string{"secret", "short:tok", "123456:AAAA"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q still in %q", leak, got)
		}
	}
	if !strings.Contains(got, "sendMessage") {
		t.Errorf("useful text lost: %q", got)
	}
}
