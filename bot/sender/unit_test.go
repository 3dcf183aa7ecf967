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
	m := tgbotapi.NewMessage(42, strings.Repeat("Pertanyaan panjang sekali.\n", 300))
	m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Ya", "y")))
	m.ReplyToMessageID = 7
	parts := splitParts(&m)
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
	short := tgbotapi.NewMessage(42, "pendek")
	if got := splitParts(short); len(got) != 1 {
		t.Errorf("short message split into %d", len(got))
	}
}

func TestWithChatID(t *testing.T) {
	msg := tgbotapi.NewMessage(-1, "x")
	edit := tgbotapi.NewEditMessageText(-1, 5, "y")
	photo := tgbotapi.NewPhoto(-1, tgbotapi.FileID("abc"))
	doc := tgbotapi.NewDocument(-1, tgbotapi.FileID("abc"))
	markup := tgbotapi.NewEditMessageReplyMarkup(-1, 5, tgbotapi.NewInlineKeyboardMarkup())
	tests := []struct {
		name string
		c    tgbotapi.Chattable
	}{
		{"message", msg}, {"message pointer", &msg}, {"edit", edit}, {"photo", photo},
		{"document", &doc}, {"markup", markup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			moved, ok := withChatID(tt.c, -100123)
			if !ok {
				t.Fatal("not rewritten")
			}
			if got := chatIDOf(moved); got != -100123 {
				t.Errorf("chat id = %d", got)
			}
			if got := chatIDOf(tt.c); got != -1 {
				t.Errorf("original changed to %d", got)
			}
		})
	}
	if _, ok := withChatID(tgbotapi.NewCallback("q", "ok"), 9); ok {
		t.Error("callback answer rewritten")
	}
}

func TestClassify(t *testing.T) {
	send := tgbotapi.NewMessage(1, "x")
	edit := tgbotapi.NewEditMessageText(1, 2, "x")
	dialErr := &url.Error{Op: "Post", URL: "http://h/bot1:x/sendMessage",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	readErr := &url.Error{Op: "Post", URL: "http://h/bot1:x/sendMessage", Err: io.EOF}
	tests := []struct {
		name string
		err  error
		c    tgbotapi.Chattable
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
