package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
)

// AllowedUpdates are the update kinds the bot asks Telegram for.
var AllowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// Updater is what polling needs of the Bot API client.
type Updater interface {
	GetUpdates(config tgbotapi.UpdateConfig) ([]tgbotapi.Update, error)
}

// PollOptions configure Poll.
type PollOptions struct {
	// Timeout is the long-poll timeout in seconds (default 25).
	Timeout int
	// Redact removes secrets from error text before it is logged.
	Redact func(string) string
	// Backoff is the pause after a failed poll or batch (default 1 s).
	Backoff time.Duration
}

// Poll fetches updates with getUpdates in its own loop until ctx ends. The
// offset advances past an update only once its effects are committed, so
// after a crash Telegram delivers the unconfirmed ones again.
func (b *Bot) Poll(ctx context.Context, api Updater, opt PollOptions) error {
	if opt.Timeout == 0 {
		opt.Timeout = 25
	}
	if opt.Backoff == 0 {
		opt.Backoff = time.Second
	}
	redact := opt.Redact
	if redact == nil {
		redact = func(s string) string { return s }
	}
	offset := 0
	for {
		updates, err := b.fetch(ctx, api, tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: opt.Timeout, AllowedUpdates: AllowedUpdates})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			b.log.Warn("getUpdates failed", "error", redact(err.Error()))
			sleep(ctx, opt.Backoff)
			continue
		}
		// A fetched batch is finished even when shutdown begins meanwhile
		// (SIGTERM: stop fetching, finish in-flight work), within a bound.
		batchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		next, failed := b.ApplyBatch(batchCtx, updates)
		cancel()
		if next > offset {
			offset = next
		}
		if failed {
			sleep(ctx, opt.Backoff)
		}
	}
}

// fetch runs one long poll; the client has no context, so a cancelled ctx
// returns at once and the poll's result (unconfirmed) is dropped.
func (b *Bot) fetch(ctx context.Context, api Updater, cfg tgbotapi.UpdateConfig) ([]tgbotapi.Update, error) {
	type result struct {
		u   []tgbotapi.Update
		err error
	}
	ch := make(chan result, 1)
	go func() {
		u, err := api.GetUpdates(cfg)
		ch <- result{u, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		return r.u, r.err
	}
}

// ApplyBatch applies updates: each chat's in order and one at a time,
// different chats in parallel. It returns the offset that confirms exactly
// the updates applied before the first failure, and whether one failed.
func (b *Bot) ApplyBatch(ctx context.Context, updates []tgbotapi.Update) (next int, failed bool) {
	if len(updates) == 0 {
		return 0, false
	}
	sort.Slice(updates, func(i, j int) bool { return updates[i].UpdateID < updates[j].UpdateID })
	byChat := map[int64][]tgbotapi.Update{}
	var order []int64
	for _, u := range updates {
		c, _ := updateChat(u)
		if _, ok := byChat[c]; !ok {
			order = append(order, c)
		}
		byChat[c] = append(byChat[c], u)
	}
	var mu sync.Mutex
	firstFail := -1
	var wg sync.WaitGroup
	for _, c := range order {
		wg.Go(func() {
			for _, u := range byChat[c] {
				if err := b.HandleUpdate(ctx, u); err != nil {
					b.log.Error("update not applied; it will be delivered again", "update_id", u.UpdateID, "error", err)
					mu.Lock()
					if firstFail < 0 || u.UpdateID < firstFail {
						firstFail = u.UpdateID
					}
					mu.Unlock()
					return // later updates of this chat wait for this one
				}
			}
		})
	}
	wg.Wait()
	if firstFail >= 0 {
		return firstFail, true
	}
	return updates[len(updates)-1].UpdateID + 1, false
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// MaxWebhookBody caps a webhook request body; Telegram's updates are far smaller.
const MaxWebhookBody = 1 << 20

// WebhookHandler receives updates that Telegram POSTs. It checks the secret
// header in constant time and answers 2xx only after the update's effects
// are committed; a failure answers 500 so that Telegram delivers it again.
func (b *Bot) WebhookHandler(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if got == "" {
			http.Error(w, "missing secret", http.StatusUnauthorized)
			return
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "wrong secret", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		var upd tgbotapi.Update
		if err != nil || json.Unmarshal(body, &upd) != nil || upd.UpdateID == 0 {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		var reply sender.Message
		if err := b.observe(r.Context(), upd, b.opt.OrderSettle, &reply); err != nil {
			b.log.Error("webhook update not applied; Telegram will deliver it again", "update_id", upd.UpdateID, "error", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		if reply.Method != "" {
			if err := sender.WriteWebhookReply(w, reply); err == nil {
				return
			}
			b.opt.Outbox.Enqueue(reply)
		}
		w.WriteHeader(http.StatusOK)
	})
}

// Requester is what registration needs of the Bot API client.
type Requester interface {
	Request(c tgbotapi.Chattable) (*tgbotapi.APIResponse, error)
	MakeRequest(endpoint string, params tgbotapi.Params) (*tgbotapi.APIResponse, error)
}

// Register sets the command menu (Indonesian default, English for "en"
// users) and either the webhook (with its secret and allowed_updates) or,
// for polling, removes any webhook.
func Register(api Requester, webhookURL, secret string, log *slog.Logger) error {
	def := tgbotapi.NewSetMyCommands(Commands("id")...)
	en := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), "en", Commands("en")...)
	for _, c := range []tgbotapi.Chattable{def, en} {
		if _, err := api.Request(c); err != nil {
			return errors.New("setMyCommands failed: " + errText(err))
		}
	}
	if webhookURL == "" {
		if _, err := api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
			return errors.New("deleteWebhook failed: " + errText(err))
		}
		return nil
	}
	allowed, _ := json.Marshal(AllowedUpdates)
	_, err := api.MakeRequest("setWebhook", tgbotapi.Params{
		"url": webhookURL, "secret_token": secret, "allowed_updates": string(allowed), "max_connections": "40",
	})
	if err != nil {
		return errors.New("setWebhook failed: " + errText(err))
	}
	log.Info("webhook registered", "url", webhookURL)
	return nil
}

// errText is the Bot API's description for API errors; other errors (which
// may hold the URL and so the token) are summarised without it.
func errText(err error) string {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return te.Message
	}
	var ue interface{ Timeout() bool }
	if errors.As(err, &ue) && ue.Timeout() {
		return "timeout"
	}
	return "network error"
}
