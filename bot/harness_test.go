package bot_test

import (
	"cmp"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// jakarta is the service's time zone in these tests.
var jakarta = mustLoc("Asia/Jakarta")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// env is one storage + session backend pair: SQLite with the in-process
// store, or MySQL with Redis (as CI runs both).
type env struct {
	name     string
	backend  storagetest.Backend
	store    *storage.Store
	sessions session.Store
	flush    func()
	reg      *survey.Registry
	cat      *survey.Catalog
}

// forEachEnv runs fn on SQLite+memory and, when configured, MySQL+Redis.
func forEachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite+memory", func(t *testing.T) {
		b := storagetest.SQLiteBackend(t)
		mem := session.NewMemory(time.Now)
		fn(t, newEnv(t, "sqlite", b, mem, mem.Flush))
	})
	t.Run("mysql+redis", func(t *testing.T) {
		b := storagetest.MySQLBackend(t)
		r := sessiontest.Redis(t)
		fn(t, newEnv(t, "mysql", b, r, func() {
			if err := r.Flush(context.Background()); err != nil {
				t.Fatalf("flush redis: %v", err)
			}
		}))
	})
}

func newEnv(t *testing.T, name string, b storagetest.Backend, s session.Store, flush func()) *env {
	t.Helper()
	reg, err := survey.LoadRegistry("")
	if err != nil {
		t.Fatal(err)
	}
	return &env{name: name, backend: b, store: b.MustOpen(t), sessions: s, flush: flush, reg: reg, cat: survey.BuiltinCatalog()}
}

// rig is a running bot against an emulator.
type rig struct {
	t      *testing.T
	e      *env
	emu    *botapitest.Server
	api    *tgbotapi.BotAPI
	sender *sender.Sender
	bot    *bot.Bot
	stop   func()
}

// fastSender paces generously so tests are quick; pacing itself is tested
// in bot/sender.
var fastSender = sender.Options{PerChatRate: rate.Limit(200), PerChatBurst: 50, GlobalRate: rate.Inf}

// newRig starts a bot on e against a fresh emulator (or emu when given).
func newRig(t *testing.T, e *env, emu *botapitest.Server) *rig {
	t.Helper()
	return newRigWith(t, e, emu, nil)
}

// newRigWith is newRig with the bot's options changed by opt.
func newRigWith(t *testing.T, e *env, emu *botapitest.Server, opt func(*bot.Options)) *rig {
	t.Helper()
	if emu == nil {
		emu = botapitest.New(botapitest.Options{WebhookTimeout: 5 * time.Second, WebhookBackoff: 50 * time.Millisecond})
		if _, err := emu.Listen("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(emu.Close)
	}
	hc := sender.HTTPClient(30 * time.Second)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), hc)
	if err != nil {
		t.Fatal(err)
	}
	bo := bot.Options{Store: e.store, Sessions: e.sessions, Registry: e.reg, Catalog: e.cat, Location: jakarta}
	if opt != nil {
		opt(&bo)
	}
	snd, b := startBot(t, sender.NewClient(emu.Token(), emu.Endpoint(), hc), fastSender, bo)
	r := &rig{t: t, e: e, emu: emu, api: api, sender: snd, bot: b}
	t.Cleanup(func() {
		if r.stop != nil {
			r.stop()
		}
	})
	return r
}

// startBot builds a sender on api and a bot that sends through it, with
// the sender reporting deliveries to the bot, and runs the bot's background
// work (delivered replies, recovery pass; quick in tests) until the test
// ends.
func startBot(tb testing.TB, api sender.API, so sender.Options, bo bot.Options) (*sender.Sender, *bot.Bot) {
	tb.Helper()
	var b *bot.Bot
	so.OnDone = func(m sender.Message, res sender.Result, err error) { b.Delivered(m, res, err) }
	so.Superseded = func(ctx context.Context, m sender.Message) bool { return b.Superseded(ctx, m) }
	snd := sender.New(api, so)
	bo.Outbox = snd
	bo.MarkEvery = cmp.Or(bo.MarkEvery, 20*time.Millisecond)
	bo.RecoverEvery = cmp.Or(bo.RecoverEvery, 200*time.Millisecond)
	bo.RecoverAfter = cmp.Or(bo.RecoverAfter, 2*time.Second)
	b, err := bot.New(bo)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.Run(ctx)
	}()
	tb.Cleanup(func() {
		snd.Close(context.Background())
		cancel()
		<-done
	})
	return snd, b
}

// poll runs the polling loop until stop.
func (r *rig) poll() {
	r.t.Helper()
	if _, err := bot.Register(context.Background(), r.api, bot.ResidentMenus(), bot.WebhookSettings{}, bot.RegisterOptions{}); err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.bot.Poll(ctx, r.api, bot.PollOptions{Timeout: 1, Backoff: 50 * time.Millisecond})
	}()
	r.stop = func() {
		cancel()
		<-done
		r.sender.Close(context.Background())
		r.stop = nil
	}
}

const testSecret = "test-secret-0123456789"

// webhook serves the bot's webhook handler and registers it.
func (r *rig) webhook() *httptest.Server {
	r.t.Helper()
	srv := httptest.NewServer(r.bot.WebhookHandler(testSecret))
	hook := bot.WebhookSettings{URL: srv.URL, Secret: testSecret, Token: r.api.Token}
	if _, err := bot.Register(context.Background(), r.api, bot.ResidentMenus(), hook, bot.RegisterOptions{Logger: discardLog()}); err != nil {
		r.t.Fatal(err)
	}
	r.stop = func() {
		srv.Close()
		r.sender.Close(context.Background())
		r.stop = nil
	}
	return srv
}

// wait waits for a bot message in u's chat that matches.
func wait(t *testing.T, u *botapitest.User, what string, match func(botapitest.Message) bool) botapitest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := u.WaitFor(ctx, match)
	if err != nil {
		var texts []string
		for _, m := range u.Messages() {
			texts = append(texts, m.Text)
		}
		t.Fatalf("waiting for %s: %v\nmessages so far:\n%s", what, err, strings.Join(texts, "\n---\n"))
	}
	return m
}

// after matches messages newer than id whose text contains sub.
func after(id int, sub string) func(botapitest.Message) bool {
	return func(m botapitest.Message) bool { return m.ID > id && strings.Contains(m.Text, sub) }
}
