package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Requester is what registration needs of the Bot API client.
type Requester interface {
	Request(c tgbotapi.Chattable) (*tgbotapi.APIResponse, error)
	MakeRequest(endpoint string, params tgbotapi.Params) (*tgbotapi.APIResponse, error)
}

// WebhookSettings say how the bot receives updates: a webhook when URL is
// set, polling (no webhook) when it is empty.
type WebhookSettings struct {
	// URL is the public https URL of the webhook handler.
	URL string
	// Secret is the X-Telegram-Bot-Api-Secret-Token Telegram will send.
	Secret string
	// Token is the bot token. It keys the secret's fingerprint in the
	// registered URL (see RegisteredWebhookURL), so that the URL says
	// nothing about the secret to anyone without the token.
	Token string
	// AllowedUpdates defaults to AllowedUpdates.
	AllowedUpdates []string
	// MaxConnections defaults to 40 (Telegram's default).
	MaxConnections int
}

// RegisterOptions tune Register; the zero value is usable.
type RegisterOptions struct {
	// Logger receives the outcome and the warnings (discarded when nil).
	Logger *slog.Logger
	// Sleep waits d or until ctx ends (then it returns ctx's error);
	// tests inject a clock's. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Attempts bounds the tries of each Bot API call (default 6).
	Attempts int
	// Backoff is the pause after the first 5xx or network error, doubled
	// per attempt up to a minute (default 1 s). A 429 waits its retry_after.
	Backoff time.Duration
}

// Register does the start-up registration with Telegram. It returns once
// the webhook is set (or found set exactly so: setWebhook is called only
// when getWebhookInfo shows another URL, allowed_updates or
// max_connections, so that replicas starting together do not trip its rate
// limit), or, for polling, once no webhook is left (deleteWebhook, only
// when one is set). Those calls are retried on 429 (after retry_after), 5xx
// and network errors, at most opt.Attempts times; the error returned means
// the bot could not receive updates at all.
//
// The command menus are cosmetic: they are set in the background, each
// only when getMyCommands shows a different one, with the same retries; a
// failure is a warning and the bot serves without it. The returned channel
// is closed when the menus are done (or ctx ended).
func Register(ctx context.Context, api Requester, menus []CommandMenu, hook WebhookSettings, opt RegisterOptions) (<-chan struct{}, error) {
	r := newRegistrar(api, opt)
	done := make(chan struct{})
	var err error
	if hook.URL == "" {
		err = r.removeWebhook(ctx)
	} else {
		err = r.setWebhook(ctx, hook)
	}
	if err != nil {
		close(done)
		return done, err
	}
	go func() {
		defer close(done)
		for _, m := range menus {
			if ctx.Err() != nil {
				return
			}
			r.setMenu(ctx, m)
		}
	}()
	return done, nil
}

// registrar makes the registration calls with their retries.
type registrar struct {
	api Requester
	log *slog.Logger
	opt RegisterOptions
}

func newRegistrar(api Requester, opt RegisterOptions) *registrar {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Sleep == nil {
		opt.Sleep = func(ctx context.Context, d time.Duration) error {
			sleep(ctx, d)
			return ctx.Err()
		}
	}
	if opt.Attempts <= 0 {
		opt.Attempts = 6
	}
	if opt.Backoff <= 0 {
		opt.Backoff = time.Second
	}
	return &registrar{api: api, log: opt.Logger, opt: opt}
}

// retry runs call until it succeeds, fails for good or the attempts are
// spent; it returns the last error.
func (r *registrar) retry(ctx context.Context, what string, call func() error) error {
	var err error
	for attempt := 0; attempt < r.opt.Attempts; attempt++ {
		if err = call(); err == nil {
			return nil
		}
		wait, again := r.retryWait(err, attempt)
		if !again || attempt == r.opt.Attempts-1 {
			break
		}
		r.log.Info(what+" failed; trying again", "error", errText(err), "wait", wait.String(), "attempt", attempt+1)
		if serr := r.opt.Sleep(ctx, wait); serr != nil {
			return err
		}
	}
	return err
}

// retryWait says whether a failed call may succeed later, and after how
// long: a 429 after its retry_after, a 5xx or a network error after the
// backoff; any other Bot API error (400, 401, 404...) is final.
func (r *registrar) retryWait(err error, attempt int) (time.Duration, bool) {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		switch {
		case te.RetryAfter > 0: // the code can be 0 on some answers: trust retry_after
			return time.Duration(te.RetryAfter) * time.Second, true
		case te.Code < http.StatusInternalServerError:
			return 0, false
		}
	}
	return min(r.opt.Backoff<<min(attempt, 10), time.Minute), true
}

// setWebhook makes the webhook what hook says, unless it already is.
// Every attempt reads getWebhookInfo first, so a replica that waited out
// a 429 finds the webhook another replica set meanwhile.
func (r *registrar) setWebhook(ctx context.Context, hook WebhookSettings) error {
	want := hook.withDefaults()
	allowed, err := json.Marshal(want.AllowedUpdates)
	if err != nil {
		return fmt.Errorf("setWebhook: allowed_updates: %w", err)
	}
	registered := RegisteredWebhookURL(want.URL, want.Secret, want.Token)
	set := false
	err = r.retry(ctx, "setWebhook", func() error {
		if info, err := r.webhookInfo(); err == nil && want.matches(info, registered) {
			return nil
		}
		_, err := r.api.MakeRequest("setWebhook", tgbotapi.Params{
			"url": registered, "secret_token": want.Secret, "allowed_updates": string(allowed),
			"max_connections": strconv.Itoa(want.MaxConnections),
		})
		set = err == nil
		return err
	})
	if err != nil {
		return fmt.Errorf("setWebhook failed: %s", errText(err))
	}
	if set {
		r.log.Info("webhook registered", "url", want.URL)
	} else {
		r.log.Info("webhook already registered with these settings; setWebhook not called", "url", want.URL)
	}
	return nil
}

// removeWebhook deletes the webhook, if getWebhookInfo shows one (or
// cannot tell), so that getUpdates works.
func (r *registrar) removeWebhook(ctx context.Context) error {
	info, err := r.webhookInfo()
	if err == nil && info.URL == "" {
		return nil
	}
	err = r.retry(ctx, "deleteWebhook", func() error {
		_, err := r.api.Request(tgbotapi.DeleteWebhookConfig{})
		return err
	})
	if err != nil {
		return fmt.Errorf("deleteWebhook failed (polling cannot work while a webhook is set): %s", errText(err))
	}
	r.log.Info("webhook removed for polling", "was", stripQuery(info.URL))
	return nil
}

func (r *registrar) webhookInfo() (tgbotapi.WebhookInfo, error) {
	var info tgbotapi.WebhookInfo
	resp, err := r.api.MakeRequest("getWebhookInfo", nil)
	if err != nil {
		return info, err
	}
	return info, json.Unmarshal(resp.Result, &info)
}

// setMenu sets one command menu unless getMyCommands shows it already; a
// failure is only a warning.
func (r *registrar) setMenu(ctx context.Context, m CommandMenu) {
	scope := m.Scope
	if scope.Type == "" {
		scope = tgbotapi.NewBotCommandScopeDefault()
	}
	if resp, err := r.api.Request(tgbotapi.GetMyCommandsConfig{Scope: &scope, LanguageCode: m.Language}); err == nil {
		var have []tgbotapi.BotCommand
		if json.Unmarshal(resp.Result, &have) == nil && slices.Equal(have, m.Commands) {
			return
		}
	}
	err := r.retry(ctx, "setMyCommands", func() error {
		_, err := r.api.Request(tgbotapi.SetMyCommandsConfig{Commands: m.Commands, Scope: &scope, LanguageCode: m.Language})
		return err
	})
	if err != nil && ctx.Err() == nil {
		r.log.Warn("command menu not set; the bot works without it", "scope", scope.Type, "chat_id", scope.ChatID,
			"language", m.Language, "error", errText(err))
	}
}

func (h WebhookSettings) withDefaults() WebhookSettings {
	if len(h.AllowedUpdates) == 0 {
		h.AllowedUpdates = AllowedUpdates
	}
	if h.MaxConnections <= 0 {
		h.MaxConnections = 40
	}
	return h
}

// matches reports whether Telegram's webhook is already this one.
func (h WebhookSettings) matches(info tgbotapi.WebhookInfo, registered string) bool {
	if info.URL != registered || info.MaxConnections != h.MaxConnections {
		return false
	}
	have, want := slices.Clone(info.AllowedUpdates), slices.Clone(h.AllowedUpdates)
	slices.Sort(have)
	slices.Sort(want)
	return slices.Equal(have, want)
}

// RegisteredWebhookURL is the URL given to setWebhook: base with the
// query parameter fp, the first 8 hex digits of HMAC-SHA256(token, secret).
// getWebhookInfo does not return the secret, so this is how a changed
// WEBHOOK_SECRET shows as a different webhook (and leads to setWebhook);
// without the token the fingerprint reveals nothing about the secret. With
// no secret, base is returned as it is.
func RegisteredWebhookURL(base, secret, token string) string {
	if secret == "" {
		return base
	}
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte(secret))
	fp := hex.EncodeToString(mac.Sum(nil))[:8]
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("fp", fp)
	u.RawQuery = q.Encode()
	return u.String()
}

// stripQuery drops a URL's query (the fingerprint) for logs.
func stripQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.RawQuery = ""
	return u.String()
}

// errText is the Bot API's description for API errors; other errors (which
// may hold the URL and so the token) are summarised without it.
func errText(err error) string {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return te.Message
	}
	var ne net.Error
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return "timeout"
		}
		return "network error"
	}
	return "unreadable answer from the Bot API"
}
