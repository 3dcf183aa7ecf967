package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ErrPollConflict is returned by Poll when getUpdates answered 409 Conflict
// PollConflicts times in a row: another process polls the same token, or a
// webhook is set for it. Polling cannot work until that stops.
var ErrPollConflict = errors.New("getUpdates answered 409 Conflict repeatedly: another process polls this bot token, or a webhook is set for it")

// PollConflicts is how many consecutive 409 answers of getUpdates make
// Poll give up with ErrPollConflict. One alone happens when a restarted
// process's poll meets the old one's, and is only retried.
const PollConflicts = 3

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

// Poll fetches updates with getUpdates in its own loop until ctx ends
// (then it returns nil). The offset advances past an update only once its
// effects are committed, so after a crash Telegram delivers the
// unconfirmed ones again; an update that fails for good is set aside (see
// handle) and the offset passes it. After PollConflicts consecutive 409
// answers Poll returns an error wrapping ErrPollConflict.
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
	offset, conflicts := 0, 0
	for {
		updates, err := b.fetch(ctx, api, tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: opt.Timeout, AllowedUpdates: AllowedUpdates})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			var te *tgbotapi.Error
			if errors.As(err, &te) && te.Code == http.StatusConflict {
				if conflicts++; conflicts >= PollConflicts {
					return fmt.Errorf("%w (%d in a row; Telegram: %q)", ErrPollConflict, conflicts, redact(te.Message))
				}
			} else {
				conflicts = 0
			}
			b.log.Warn("getUpdates failed", "error", redact(err.Error()), "conflicts_in_a_row", conflicts)
			sleep(ctx, opt.Backoff)
			continue
		}
		conflicts = 0
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
// the updates applied (or set aside) before the first failure, and whether
// one failed.
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
					b.logFailure(u, err)
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

// logFailure logs an update that will be delivered again: at WARN while
// the failure is transient (retried without limit), at ERROR when it
// counts towards the dead-letter limit.
func (b *Bot) logFailure(u tgbotapi.Update, err error) {
	if IsTransient(err) {
		b.log.Warn("update not applied (transient failure); it will be delivered again", "update_id", u.UpdateID, "error", err)
		return
	}
	b.log.Error("update not applied; it will be delivered again", "update_id", u.UpdateID, "error", err)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
