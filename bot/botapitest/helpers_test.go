package botapitest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// startServer starts an emulator on a loopback port, closed at cleanup.
func startServer(tb testing.TB, opts botapitest.Options) *botapitest.Server {
	tb.Helper()
	srv := botapitest.New(opts)
	if _, err := srv.Listen(""); err != nil {
		tb.Fatalf("Listen: %v", err)
	}
	tb.Cleanup(srv.Close)
	return srv
}

// newClient connects the real go-telegram-bot-api client to srv.
func newClient(tb testing.TB, srv *botapitest.Server, timeout time.Duration) *tgbotapi.BotAPI {
	tb.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.Endpoint(), &http.Client{Timeout: timeout})
	if err != nil {
		tb.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

// startBot returns an emulator and a client already past getMe.
func startBot(tb testing.TB) (*botapitest.Server, *tgbotapi.BotAPI) {
	tb.Helper()
	srv := startServer(tb, botapitest.Options{})
	return srv, newClient(tb, srv, 10*time.Second)
}

// apiError extracts the *tgbotapi.Error of err or fails.
func apiError(tb testing.TB, err error) *tgbotapi.Error {
	tb.Helper()
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		tb.Fatalf("error %v (%T) is not a *tgbotapi.Error", err, err)
	}
	return te
}

// waitCtx is a context bounded for waiting on the emulator.
func waitCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// countMethod counts recorded requests of one method with a given status.
func countMethod(srv *botapitest.Server, method string, status int) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && r.Status == status {
			n++
		}
	}
	return n
}
