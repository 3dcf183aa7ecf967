package sender_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/testkit"
)

// tokenRe matches anything shaped like a bot token (RELIABILITY.md item 15).
var tokenRe = regexp.MustCompile(`\d+:[A-Za-z0-9_-]{30,}`)

// env is an emulator, the real client connected to it over HTTP, and a
// buffer that collects the sender's logs; with a fake clock, the emulator
// and the env's senders share it.
type env struct {
	emu    *botapitest.Server
	api    *tgbotapi.BotAPI
	client *sender.Client // the senders' lean client, same token and http.Client
	logs   *testkit.SyncBuffer
	clock  *fakeClock // nil: real time
}

// newEnv starts an emulator and connects the client with an HTTP timeout.
func newEnv(tb testing.TB, timeout time.Duration) *env {
	tb.Helper()
	return startEnv(tb, timeout, nil)
}

// newClockEnv is newEnv on a fake clock: the emulator stamps requests with
// it and the env's senders wait on it.
func newClockEnv(tb testing.TB, clock *fakeClock) *env {
	tb.Helper()
	return startEnv(tb, 5*time.Second, clock)
}

func startEnv(tb testing.TB, timeout time.Duration, clock *fakeClock) *env {
	tb.Helper()
	var opts botapitest.Options
	if clock != nil {
		opts.Now = clock.Now
	}
	emu := botapitest.New(opts)
	if _, err := emu.Listen(""); err != nil {
		tb.Fatalf("emulator Listen: %v", err)
	}
	tb.Cleanup(emu.Close)
	hc := &http.Client{Timeout: timeout}
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), hc)
	if err != nil {
		tb.Fatalf("client: %v", err)
	}
	client := sender.NewClient(emu.Token(), emu.Endpoint(), hc)
	return &env{emu: emu, api: api, client: client, logs: &testkit.SyncBuffer{}, clock: clock}
}

// sender builds a Sender on the env's client (and clock); it is closed at
// cleanup, after a held clock is released.
func (e *env) sender(tb testing.TB, opts sender.Options) *sender.Sender {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if e.clock != nil && opts.Now == nil && opts.Sleep == nil {
		opts.Now, opts.Sleep = e.clock.Now, e.clock.Sleep
	}
	s := sender.New(e.client, opts)
	tb.Cleanup(func() { _ = s.Close(context.Background()) })
	if e.clock != nil {
		tb.Cleanup(e.clock.release) // runs first: a held sleeper would stall Close
	}
	return s
}

// fast is a configuration whose limits do not slow a test down.
func fast() sender.Options {
	return sender.Options{PerChatRate: 1000, PerChatBurst: 100, GlobalRate: 10000, GlobalBurst: 100,
		GroupPerMinute: 100000, RetryBackoff: 10 * time.Millisecond}
}

// text is a sendMessage to chat.
func text(chat int64, s string) sender.Message { return sender.Text(chat, s) }

// proactive is a reminder to chat, held to the global rate.
func proactive(chat int64) sender.Message {
	m := sender.Text(chat, "pengingat")
	m.Proactive = true
	return m
}

// mustClose closes s within a few seconds or fails.
func mustClose(tb testing.TB, s *sender.Sender) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		tb.Fatalf("Close: %v", err)
	}
}

// requests returns the recorded requests of method to chat, in order.
func (e *env) requests(method string, chat int64) []botapitest.Request {
	var out []botapitest.Request
	for _, r := range e.emu.Requests() {
		if r.Method == method && r.ChatID == chat {
			out = append(out, r)
		}
	}
	return out
}

// texts returns the texts of the bot's messages in a chat.
func texts(msgs []botapitest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Text
	}
	return out
}

// numbered returns "prefix00", "prefix01", ...
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d", prefix, i)
	}
	return out
}

// assertNoToken fails when s contains something shaped like a bot token.
func assertNoToken(tb testing.TB, what, s string) {
	tb.Helper()
	if m := tokenRe.FindString(s); m != "" {
		tb.Errorf("%s contains a token %q:\n%s", what, m, s)
	}
}

// settledRequests waits until the emulator has recorded at least n requests
// of method to chat (a request cut short by a client timeout is recorded
// when the handler notices), then a little longer for any extra one.
func (e *env) settledRequests(tb testing.TB, method string, chat int64, n int) []botapitest.Request {
	tb.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for len(e.requests(method, chat)) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	return e.requests(method, chat)
}
