package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/testkit"
)

// regRig is an emulator, a client and a registration with an injected
// sleep that records each pause and how many calls of a method came
// before it.
type regRig struct {
	t    *testing.T
	emu  *botapitest.Server
	api  *tgbotapi.BotAPI
	logs testkit.SyncBuffer
	mu   sync.Mutex
	// pauses are "<duration> after <n> <method>" in order.
	pauses []string
	// method is the method whose calls a pause counts.
	method string
	// onSleep, when set, runs during each pause (another replica acting).
	onSleep func()
}

func newRegRig(t *testing.T, method string) *regRig {
	t.Helper()
	emu := botapitest.New(botapitest.Options{})
	if _, err := emu.Listen(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), sender.HTTPClient(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return &regRig{t: t, emu: emu, api: api, method: method}
}

func (r *regRig) options() bot.RegisterOptions {
	return bot.RegisterOptions{Logger: slog.New(slog.NewTextHandler(&r.logs, nil)), Sleep: r.sleep}
}

func (r *regRig) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.pauses = append(r.pauses, fmt.Sprintf("%v after %d %s", d, r.calls(r.method, 0), r.method))
	r.mu.Unlock()
	if r.onSleep != nil {
		r.onSleep()
	}
	return ctx.Err()
}

// calls counts the requests of method answered with status (0: any).
func (r *regRig) calls(method string, status int) int {
	n := 0
	for _, q := range r.emu.Requests() {
		if strings.EqualFold(q.Method, method) && (status == 0 || q.Status == status) {
			n++
		}
	}
	return n
}

func (r *regRig) gotPauses() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.pauses)
}

// register runs Register and waits for the menus.
func (r *regRig) register(menus []bot.CommandMenu, hook bot.WebhookSettings) error {
	r.t.Helper()
	done, err := bot.Register(context.Background(), r.api, menus, hook, r.options())
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		r.t.Fatal("the menus never finished")
	}
	return err
}

func commandNames(cmds []botapitest.BotCommand) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Command)
	}
	return out
}

// TestRegisterMenuFailuresAreWarnings: whatever setMyCommands answers,
// Register succeeds; a 429 is retried after its retry_after and a 500
// after the backoff, while a 400 or a missing method (404) is a warning
// and the other menus are still set.
func TestRegisterMenuFailuresAreWarnings(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     botapitest.Fault
		pauses    []string
		idMenuSet bool
	}{
		{"429", botapitest.TooManyRequests(7), []string{"7s after 1 setMyCommands"}, true},
		{"500", botapitest.ServerError().Times(2), []string{"1s after 1 setMyCommands", "2s after 2 setMyCommands"}, true},
		{"400", botapitest.BadRequest("BOT_COMMANDS_TOO_MUCH"), nil, false},
		{"404", botapitest.NotFound(), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRegRig(t, "setMyCommands")
			r.emu.Fault("setMyCommands", tc.fault)
			if err := r.register(bot.ResidentMenus(), bot.WebhookSettings{}); err != nil {
				t.Fatalf("Register = %v; a menu failure must not stop the bot", err)
			}
			if got := r.gotPauses(); !slices.Equal(got, tc.pauses) {
				t.Errorf("pauses %q, want %q", got, tc.pauses)
			}
			id := commandNames(r.emu.Commands("default", ""))
			if set := slices.Contains(id, "bantuan"); set != tc.idMenuSet {
				t.Errorf("Indonesian menu %v; set %v, want %v", id, set, tc.idMenuSet)
			}
			if en := commandNames(r.emu.Commands("default", "en")); !slices.Contains(en, "help") {
				t.Errorf("English menu %v; want it set after the failure of the other", en)
			}
			warned := strings.Contains(r.logs.String(), "level=WARN msg=\"command menu not set; the bot works without it\"")
			if warned == tc.idMenuSet {
				t.Errorf("warning logged %v, want %v:\n%s", warned, !tc.idMenuSet, r.logs.String())
			}
		})
	}
	t.Run("unchanged menus are not set again", func(t *testing.T) {
		r := newRegRig(t, "setMyCommands")
		for range 2 {
			if err := r.register(bot.ResidentMenus(), bot.WebhookSettings{}); err != nil {
				t.Fatal(err)
			}
		}
		if n := r.calls("setMyCommands", 0); n != 2 {
			t.Errorf("%d setMyCommands calls for two registrations of the same two menus, want 2", n)
		}
	})
}

// TestRegisterWebhookRetriesAfter429: setWebhook's 429 is waited out for
// its retry_after, then the webhook is set; a replica that set it while
// this one waited saves the second call.
func TestRegisterWebhookRetriesAfter429(t *testing.T) {
	hook := bot.WebhookSettings{URL: "https://survei.example.test/webhook", Secret: testSecret, Token: "t0ken"}
	want := bot.RegisteredWebhookURL(hook.URL, hook.Secret, hook.Token)
	t.Run("retried", func(t *testing.T) {
		r := newRegRig(t, "setWebhook")
		r.emu.Fault("setWebhook", botapitest.TooManyRequests(3))
		if err := r.register(nil, hook); err != nil {
			t.Fatal(err)
		}
		if got := r.gotPauses(); !slices.Equal(got, []string{"3s after 1 setWebhook"}) {
			t.Errorf("pauses %q; want 3s after the first setWebhook", got)
		}
		if n := r.calls("setWebhook", 200); n != 1 || r.emu.WebhookURL() != want {
			t.Errorf("%d successful setWebhook, webhook %q; want 1, %q", n, r.emu.WebhookURL(), want)
		}
	})
	t.Run("set by another replica meanwhile", func(t *testing.T) {
		r := newRegRig(t, "setWebhook")
		r.emu.Fault("setWebhook", botapitest.TooManyRequests(5))
		r.onSleep = func() { // the other replica, through the same token
			if _, err := bot.Register(context.Background(), r.api, nil, hook, bot.RegisterOptions{}); err != nil {
				t.Error(err)
			}
		}
		if err := r.register(nil, hook); err != nil {
			t.Fatal(err)
		}
		if n := r.calls("setWebhook", 0); n != 2 || r.emu.WebhookURL() != want {
			t.Errorf("%d setWebhook calls, webhook %q; want the 429 and the other replica's, %q", n, r.emu.WebhookURL(), want)
		}
	})
	t.Run("5xx retried, 400 final", func(t *testing.T) {
		r := newRegRig(t, "setWebhook")
		r.emu.Fault("setWebhook", botapitest.ServerError())
		if err := r.register(nil, hook); err != nil {
			t.Fatal(err)
		}
		if got := r.gotPauses(); !slices.Equal(got, []string{"1s after 1 setWebhook"}) {
			t.Errorf("pauses %q", got)
		}
		r.emu.Fault("setWebhook", botapitest.BadRequest("bad webhook: HTTPS url must be provided for webhook"))
		err := r.register(nil, bot.WebhookSettings{URL: "https://other.example.test/hook"})
		if err == nil || !strings.Contains(err.Error(), "setWebhook failed: Bad Request: bad webhook") {
			t.Errorf("Register with a refused URL = %v; want the Bot API's reason", err)
		}
		if n := r.calls("setWebhook", 400); n != 1 || len(r.gotPauses()) != 1 {
			t.Errorf("a 400 was tried %d times (pauses %q); want once", n, r.gotPauses())
		}
	})
}

// TestRegisterWebhookOnlyWhenDifferent: replicas restarting with the same
// settings call setWebhook once between them; another secret, another
// max_connections or other allowed_updates set it again.
func TestRegisterWebhookOnlyWhenDifferent(t *testing.T) {
	r := newRegRig(t, "setWebhook")
	hook := bot.WebhookSettings{URL: "https://survei.example.test/webhook?replica=any", Secret: testSecret, Token: "t0ken"}
	steps := []struct {
		what string
		hook func(h bot.WebhookSettings) bot.WebhookSettings
		sets int
	}{
		{"first start", func(h bot.WebhookSettings) bot.WebhookSettings { return h }, 1},
		{"same settings", func(h bot.WebhookSettings) bot.WebhookSettings { return h }, 1},
		{"another secret", func(h bot.WebhookSettings) bot.WebhookSettings { h.Secret = "another-secret-0123456789"; return h }, 2},
		{"same again", func(h bot.WebhookSettings) bot.WebhookSettings { h.Secret = "another-secret-0123456789"; return h }, 2},
		{"max_connections", func(h bot.WebhookSettings) bot.WebhookSettings { h.MaxConnections = 80; return h }, 3},
		{"allowed_updates", func(h bot.WebhookSettings) bot.WebhookSettings {
			h.MaxConnections, h.AllowedUpdates = 80, []string{"message", "callback_query"}
			return h
		}, 4},
		{"allowed_updates in another order", func(h bot.WebhookSettings) bot.WebhookSettings {
			h.MaxConnections, h.AllowedUpdates = 80, []string{"callback_query", "message"}
			return h
		}, 4},
	}
	for _, s := range steps {
		h := s.hook(hook)
		if err := r.register(nil, h); err != nil {
			t.Fatalf("%s: %v", s.what, err)
		}
		if n := r.calls("setWebhook", 0); n != s.sets {
			t.Errorf("%s: %d setWebhook calls so far, want %d", s.what, n, s.sets)
		}
		if got, want := r.emu.WebhookURL(), bot.RegisteredWebhookURL(h.URL, h.Secret, h.Token); got != want {
			t.Errorf("%s: webhook %q, want %q", s.what, got, want)
		}
	}
	if !strings.Contains(r.logs.String(), "setWebhook not called") {
		t.Errorf("no log line for the skipped setWebhook:\n%s", r.logs.String())
	}
}

// TestRegisterPollingRemovesAWebhook: polling deletes a webhook only when
// one is set.
func TestRegisterPollingRemovesAWebhook(t *testing.T) {
	r := newRegRig(t, "deleteWebhook")
	if err := r.register(nil, bot.WebhookSettings{}); err != nil {
		t.Fatal(err)
	}
	if n := r.calls("deleteWebhook", 0); n != 0 {
		t.Errorf("%d deleteWebhook calls without a webhook, want 0", n)
	}
	if _, err := r.api.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://old.example.test/hook"}); err != nil {
		t.Fatal(err)
	}
	r.emu.Fault("deleteWebhook", botapitest.TooManyRequests(2))
	if err := r.register(nil, bot.WebhookSettings{}); err != nil {
		t.Fatal(err)
	}
	if n := r.calls("deleteWebhook", 200); n != 1 || r.emu.WebhookURL() != "" {
		t.Errorf("%d deleteWebhook, webhook %q; want it deleted", n, r.emu.WebhookURL())
	}
	if got := r.gotPauses(); !slices.Equal(got, []string{"2s after 1 deleteWebhook"}) {
		t.Errorf("pauses %q", got)
	}
}

// TestRegisteredWebhookURL: the secret's fingerprint changes with the
// secret and the token, keeps the URL's own query and never shows the
// secret.
func TestRegisteredWebhookURL(t *testing.T) {
	base := "https://survei.example.test/webhook?x=1"
	a := bot.RegisteredWebhookURL(base, testSecret, "t0ken")
	u, err := url.Parse(a)
	if err != nil || u.Query().Get("x") != "1" || len(u.Query().Get("fp")) != 8 || strings.Contains(a, testSecret) {
		t.Fatalf("RegisteredWebhookURL = %q", a)
	}
	if b := bot.RegisteredWebhookURL(base, "another-secret-0123456789", "t0ken"); b == a {
		t.Errorf("another secret, same URL %q", b)
	}
	if c := bot.RegisteredWebhookURL(base, testSecret, "other-token"); c == a {
		t.Errorf("another token, same URL %q", c)
	}
	if d := bot.RegisteredWebhookURL(base, "", "t0ken"); d != base {
		t.Errorf("no secret: %q, want the base URL", d)
	}
}
