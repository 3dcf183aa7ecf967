package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/storage"
)

// DeadLetterAfter is how many times an update may fail with an error that
// is not transient before it is set aside in dead_letters.
const DeadLetterAfter = 5

// errPanic marks a failure that was a recovered panic.
var errPanic = errors.New("panic while handling the update")

// tokenShape matches anything shaped like a Telegram bot token.
var tokenShape = regexp.MustCompile(`\d+:[A-Za-z0-9_-]{30,}`)

// IsTransient reports whether a failure to handle an update is the
// infrastructure's rather than the update's, so that the update must be
// retried for as long as it takes and never set aside. It is the one place
// the bot classifies failures: storage.IsTransient (the database
// unreachable, restarting, locked, busy or out of time) or
// session.IsTransient (Redis unreachable or not serving). Everything else
// (the bot's own errors, a session pinned to a survey version that is no
// longer loaded, data the database rejects, a panic) is permanent: the
// same update fails the same way again, so after DeadLetterAfter attempts
// it is set aside.
func IsTransient(err error) bool {
	return storage.IsTransient(err) || session.IsTransient(err)
}

// handle applies one update (see handleOnce). A failure that is not
// transient is counted in the database (so across replicas and webhook
// redeliveries); at the DeadLetterAfter-th the update is set aside, logged
// at ERROR, and handle returns nil so that intake goes on past it.
func (b *Bot) handle(ctx context.Context, upd tgbotapi.Update, settle time.Duration, reply *sender.Message) error {
	err := b.handleRecovered(ctx, upd, settle, reply)
	if err == nil || IsTransient(err) {
		return err
	}
	return b.countFailure(ctx, upd, err)
}

// handleRecovered is handleOnce with a panic turned into a (permanent)
// error, so that one poisonous update cannot crash the process over and
// over. The turn's deferred release and the transaction's rollback have
// run by then.
func (b *Bot) handleRecovered(ctx context.Context, upd tgbotapi.Update, settle time.Duration, reply *sender.Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("panic while handling an update", "update_id", upd.UpdateID,
				"panic", redactText(fmt.Sprint(p)), "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: %s", errPanic, fmt.Sprint(p))
		}
	}()
	return b.handleOnce(ctx, upd, settle, reply)
}

// countFailure records a permanent failure of upd and sets it aside at the
// limit. It returns nil once the update is set aside (or was applied
// meanwhile by another process), else the cause with the attempt count.
func (b *Bot) countFailure(ctx context.Context, upd tgbotapi.Update, cause error) error {
	chatID, user := updateChat(upd)
	raw, err := json.Marshal(upd)
	if err != nil {
		raw = []byte(fmt.Sprintf(`{"update_id":%d}`, upd.UpdateID))
	}
	f := storage.UpdateFailure{UpdateID: int64(upd.UpdateID), ChatID: chatID, Update: raw, Error: redactText(cause.Error())}
	if user != nil {
		f.UserID = user.ID
	}
	attempts, dead, err := b.opt.Store.RecordFailure(ctx, f, DeadLetterAfter)
	switch {
	case errors.Is(err, storage.ErrUpdateSeen):
		return nil
	case err != nil:
		// Not counted (the database is likely down): delivered again.
		return fmt.Errorf("%w (and counting the failure failed: %w)", cause, err)
	case !dead:
		return fmt.Errorf("failed %d of %d times: %w", attempts, DeadLetterAfter, cause)
	}
	b.opt.Metrics.Update(metrics.UpdateDeadLettered)
	b.log.Error("update set aside in dead_letters after repeated failures; going on with the next updates",
		"update_id", upd.UpdateID, "chat_id", chatID, "attempts", attempts, "error", f.Error)
	// What fails may be the chat's stored conversation (for example pinned
	// to a survey version no longer loaded): drop it, so the chat's next
	// update rebuilds it from the database.
	if chatID != 0 {
		if err := b.opt.Sessions.Delete(context.WithoutCancel(ctx), chatID); err != nil {
			b.log.Warn("drop the session of a dead-lettered update", "chat_id", chatID, "error", err)
		}
	}
	if upd.CallbackQuery != nil {
		b.opt.Outbox.Enqueue(callbackAnswer(upd.CallbackQuery.ID, ""))
	}
	return nil
}

// redactText removes anything shaped like a bot token.
func redactText(s string) string { return tokenShape.ReplaceAllString(s, "[REDACTED]") }
