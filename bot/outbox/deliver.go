package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
)

// dbTimeout bounds the bookkeeping of one row, which goes on after the
// drainer's context ends (a message sent must be recorded as sent).
const dbTimeout = 30 * time.Second

// deliver sends one claimed row and records how it ended.
func (d *Drainer) deliver(ctx context.Context, row storage.OutboxRow) {
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
	defer cancel()
	var m sender.Message
	if err := json.Unmarshal([]byte(row.MessageJSON), &m); err != nil {
		d.finish(bg, row, storage.OutboxOutcome{State: storage.OutboxFailed, Reason: "unreadable message: " + err.Error()})
		return
	}
	if d.waitChat(ctx, row.Recipient) != nil { // stopping: not tried, back to pending for the next drainer
		d.finish(bg, row, storage.OutboxOutcome{State: storage.OutboxPending, NotBefore: d.opts.Now()})
		return
	}
	now := d.opts.Now()
	if err := d.store.MarkOutboxSending(bg, row.ID, d.opts.Owner, now, now.Add(d.opts.Lease)); err != nil {
		d.opts.Log.Warn("outbox row not sent", "id", row.ID, "error", err)
		return
	}
	res, err := d.send.Send(ctx, m)
	d.sentTo(row.Recipient) // the sender's own waits may have pushed the request past its turn
	out := d.outcome(row, res, err)
	d.finish(bg, row, out)
	if out.State == storage.OutboxBlocked && d.opts.OnBlocked != nil {
		d.opts.OnBlocked(bg, row.Recipient)
	}
}

// outcome maps the sender's answer to the row's next state.
func (d *Drainer) outcome(row storage.OutboxRow, res sender.Result, err error) storage.OutboxOutcome {
	switch {
	case err == nil:
		return storage.OutboxOutcome{State: storage.OutboxSent, SentTo: res.ChatID, MessageID: int64(res.MessageID)}
	case errors.Is(err, sender.ErrBlocked):
		return storage.OutboxOutcome{State: storage.OutboxBlocked, Reason: err.Error()}
	case errors.Is(err, sender.ErrAmbiguous):
		return storage.OutboxOutcome{State: storage.OutboxUnknown, Reason: err.Error()}
	case errors.Is(err, sender.ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The request never left (once on the wire, Send waits for it).
		return storage.OutboxOutcome{State: storage.OutboxPending, NotBefore: d.opts.Now()}
	case errors.Is(err, sender.ErrRateLimited), errors.Is(err, sender.ErrUnavailable):
		if row.Attempts+1 >= d.opts.MaxAttempts {
			return storage.OutboxOutcome{State: storage.OutboxFailed,
				Reason: fmt.Sprintf("after %d attempts: %v", row.Attempts+1, err)}
		}
		return storage.OutboxOutcome{State: storage.OutboxPending, NotBefore: d.opts.Now().Add(d.opts.RetryDelay), Reason: err.Error()}
	default:
		return storage.OutboxOutcome{State: storage.OutboxFailed, Reason: err.Error()}
	}
}

// finish records o for row; a lost lease is logged (the row is another
// drainer's now).
func (d *Drainer) finish(ctx context.Context, row storage.OutboxRow, o storage.OutboxOutcome) {
	if err := d.store.FinishOutbox(ctx, row.ID, d.opts.Owner, d.opts.Now(), o); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			err = fmt.Errorf("%w: %w", errLostLease, err)
		}
		d.opts.Log.Error("outbox row not recorded", "id", row.ID, "state", o.State, "error", err)
		return
	}
	label := o.State
	if label == storage.OutboxPending {
		label = "retry"
	}
	d.opts.Metrics.OutboxSettled(label)
	if o.State == storage.OutboxFailed || o.State == storage.OutboxUnknown {
		d.opts.Log.Warn("outbox message not delivered", "id", row.ID, "kind", row.Kind, "slot", row.Slot,
			"recipient", row.Recipient, "state", o.State, "reason", o.Reason)
	}
}

// waitChat waits for chat's turn: ChatGap after this drainer's previous
// message to it (turns are reserved in order, so rows of one chat queue).
func (d *Drainer) waitChat(ctx context.Context, chat int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := d.opts.Now()
	d.mu.Lock()
	at := now
	if next := d.next[chat]; next.After(at) {
		at = next
	}
	d.next[chat] = at.Add(d.opts.ChatGap)
	if len(d.next) > 4096 { // forget chats whose turn has come
		for id, t := range d.next {
			if !t.After(now) {
				delete(d.next, id)
			}
		}
	}
	d.mu.Unlock()
	if at.After(now) {
		return d.opts.Sleep(ctx, at.Sub(now))
	}
	return nil
}

// sentTo moves chat's next turn to ChatGap after now, the end of a send.
func (d *Drainer) sentTo(chat int64) {
	next := d.opts.Now().Add(d.opts.ChatGap)
	d.mu.Lock()
	defer d.mu.Unlock()
	if next.After(d.next[chat]) {
		d.next[chat] = next
	}
}
