package bot

import (
	"context"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/survey"
)

// observe is handle as the intake calls it (polling through HandleUpdate,
// the webhook handler directly): it counts the update as received, times
// it, and counts it failed or ignored. Applied and duplicate updates are
// counted in handle, where the two are told apart.
func (b *Bot) observe(ctx context.Context, upd tgbotapi.Update, settle time.Duration, reply *sender.Message) error {
	m := b.opt.Metrics
	m.UpdateReceived()
	start := time.Now()
	err := b.handle(ctx, upd, settle, reply)
	m.ObserveHandle(time.Since(start))
	if err != nil {
		m.Update(metrics.UpdateFailed)
	} else if chatID, _ := updateChat(upd); chatID == 0 {
		m.Update(metrics.UpdateIgnored)
	}
	return err
}

// savedAnswers counts the answers (not the deletions) among changes.
func savedAnswers(changes []survey.Change) int {
	n := 0
	for _, c := range changes {
		if !c.Deleted {
			n++
		}
	}
	return n
}
