// Package outbox is the durable path of proactive messages (reminders,
// digests, notifications). A job writes each message as an outbox row, one
// per (recipient, kind, slot), in the same transaction as its job_runs row
// and before anything is sent (Enqueue). A Drainer on every replica claims
// due rows with a lease, sends them through the sender (which keeps to
// Telegram's limits, honours retry_after and follows a group's migration
// once) and records a terminal state per row: sent, blocked, failed (with
// the reason) or unknown.
//
// "Sent" is only known once Telegram answered 200 and the row was updated.
// A row is marked "sending" just before its request, so a drainer that dies
// between Telegram's answer and the update leaves a "sending" row whose
// lease runs out: any drainer then marks it unknown rather than sending it
// again (a duplicate reminder is worse than a lost one, which the next slot
// repeats). A row claimed but not yet tried goes back to pending, and a
// message whose request never left (the drainer stopped while it waited
// for its turn) is released at once: a restart sends each of those once.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/storage"
)

// Defaults of Options.
const (
	DefaultWorkers     = 40
	DefaultLease       = 5 * time.Minute
	DefaultPoll        = time.Second
	DefaultRetryDelay  = time.Minute
	DefaultMaxAttempts = 5
)

// Enqueue writes m as the outbox row of (m.ChatID, kind, slot) in tx (a
// job's transaction, with its job_runs row). m is marked proactive, so the
// sender holds it to the global rate. A row already there for the three is
// kept: added is false. An invalid m is refused before anything is written.
func Enqueue(tx *storage.Tx, kind, slot string, m sender.Message) (added bool, err error) {
	m.Proactive = true
	if m.Key == "" {
		m.Key = kind + ":" + slot
	}
	if err := m.Validate(); err != nil {
		return false, fmt.Errorf("outbox %s %s to %d: %w", kind, slot, m.ChatID, err)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return false, fmt.Errorf("outbox %s %s to %d: %w", kind, slot, m.ChatID, err)
	}
	return tx.EnqueueOutbox(m.ChatID, kind, slot, string(raw))
}

// Sender is what the drainer needs of *sender.Sender.
type Sender interface {
	Send(ctx context.Context, m sender.Message) (sender.Result, error)
}

// Options configures a Drainer; zero fields take the defaults.
type Options struct {
	// Workers is how many messages may be in the sender at once (default
	// 40: enough to keep 30 msg/s flowing over a slow link; the sender
	// does the pacing).
	Workers int
	// Lease is how long a claimed row is held before another drainer may
	// take it back (pending) or, once its request may have gone, settle it
	// as unknown. Longer than one message's worst delivery (429 waits
	// included). Default 5 minutes.
	Lease time.Duration
	// Poll is the wait when nothing is due (default 1 s).
	Poll time.Duration
	// RetryDelay is how long a row waits after its sender gave up on 429s
	// or an outage, before it is tried again (default 1 minute), up to
	// MaxAttempts attempts (default 5); then it fails.
	RetryDelay  time.Duration
	MaxAttempts int
	// OnBlocked is called with the recipient of a row that came back
	// blocked (403), after the row is marked (the official's status).
	OnBlocked func(ctx context.Context, recipient int64)
	// ChatGap is the least time between two messages of this drainer to
	// one chat (default 1 s: Telegram's limit, which the sender's burst for
	// replies would otherwise exceed when a chat has several rows due).
	ChatGap time.Duration
	// Owner names this drainer's leases (default: random).
	Owner   string
	Now     func() time.Time
	Sleep   func(ctx context.Context, d time.Duration) error
	Log     *slog.Logger
	Metrics *metrics.Metrics
}

// Drainer sends the outbox. Several may run at once (replicas): a row is
// only ever held by one.
type Drainer struct {
	store     *storage.Store
	send      Sender
	opts      Options
	lastCheck time.Time // of the last housekeep; only the drain loop touches it

	mu   sync.Mutex
	next map[int64]time.Time // per chat: when this drainer may send to it again
	// tails holds, per chat with a row in flight, a channel closed when the
	// chat's last claimed row is done: one chat's rows go out one after
	// another, in the order they were written (a summary's text, then its
	// chart).
	tails map[int64]chan struct{}
}

// New returns a drainer of st's outbox sending through snd.
func New(st *storage.Store, snd Sender, opts Options) *Drainer {
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.RetryDelay <= 0 {
		opts.RetryDelay = DefaultRetryDelay
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.ChatGap <= 0 {
		opts.ChatGap = time.Second
	}
	if opts.Owner == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		opts.Owner = "drainer-" + hex.EncodeToString(b[:])
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Drainer{store: st, send: snd, opts: opts, next: map[int64]time.Time{}, tails: map[int64]chan struct{}{}}
}

// Run drains the outbox until ctx ends, waiting Poll whenever nothing is
// due or the database fails (logged); it returns nil. Messages in flight when ctx ends are finished and recorded; those
// still waiting for their turn are released for the next drainer.
func (d *Drainer) Run(ctx context.Context) error {
	return d.drain(ctx, false)
}

// Drain sends every row due now and returns once none is due and none is
// in flight (rows put back to wait for later stay pending), or with the
// database's error.
func (d *Drainer) Drain(ctx context.Context) error {
	return d.drain(ctx, true)
}

// drain claims due rows as workers free up and sends each in its own
// goroutine; untilIdle returns when nothing is due and nothing is in flight.
func (d *Drainer) drain(ctx context.Context, untilIdle bool) error {
	slots := make(chan struct{}, d.opts.Workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select { // a free worker first: never claim a row nobody can send
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		if ctx.Err() != nil {
			<-slots
			return nil
		}
		rows, err := d.claim(ctx, d.opts.Workers-len(slots)+1)
		if err != nil {
			<-slots
			if untilIdle {
				return err
			}
			d.opts.Log.Error("outbox claim failed", "error", err)
			if err := d.opts.Sleep(ctx, d.opts.Poll); err != nil {
				return nil
			}
			continue
		}
		if len(rows) == 0 {
			<-slots
			if untilIdle && len(slots) == 0 {
				return nil
			}
			if err := d.idle(ctx, untilIdle); err != nil {
				return nil
			}
			continue
		}
		for i, row := range rows {
			if i > 0 {
				slots <- struct{}{} // free: counted before the claim
			}
			after, done := d.queue(row.Recipient) // in claim order: by id
			wg.Go(func() {
				defer func() { <-slots }()
				defer done()
				if after != nil {
					select {
					case <-after:
					case <-ctx.Done(): // deliver puts the row back
					}
				}
				d.deliver(ctx, row)
			})
		}
	}
}

// queue takes chat's next turn: after is closed once the chat's previous
// row in flight is done (nil when there is none); done ends this turn.
func (d *Drainer) queue(chat int64) (after <-chan struct{}, done func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if prev, ok := d.tails[chat]; ok {
		after = prev
	}
	mine := make(chan struct{})
	d.tails[chat] = mine
	return after, func() {
		close(mine)
		d.mu.Lock()
		if d.tails[chat] == mine {
			delete(d.tails, chat)
		}
		d.mu.Unlock()
	}
}

// idle waits before the next claim: Poll, or (draining until idle, with
// messages in flight) a moment for them to finish.
func (d *Drainer) idle(ctx context.Context, untilIdle bool) error {
	if untilIdle {
		time.Sleep(time.Millisecond) // real time: in-flight sends end on their own
		return ctx.Err()
	}
	return d.opts.Sleep(ctx, d.opts.Poll)
}

// claim settles expired leases and refreshes the metrics (both at most
// once a second), then claims up to n due rows.
func (d *Drainer) claim(ctx context.Context, n int) ([]storage.OutboxRow, error) {
	now := d.opts.Now()
	if now.Sub(d.lastCheck) >= time.Second {
		d.lastCheck = now
		if err := d.housekeep(ctx, now); err != nil {
			return nil, err
		}
	}
	return d.store.ClaimOutbox(ctx, d.opts.Owner, now, now.Add(d.opts.Lease), n)
}

// housekeep settles the rows of drainers whose lease ran out and records
// the outbox depth and oldest age.
func (d *Drainer) housekeep(ctx context.Context, now time.Time) error {
	if _, unknown, err := d.store.RecoverOutbox(ctx, now); err != nil {
		return err
	} else if unknown > 0 {
		d.opts.Log.Warn("outbox rows left sending by a stopped drainer marked unknown", "rows", unknown)
	}
	depth, oldest, err := d.store.OutboxStats(ctx)
	if err != nil {
		return err
	}
	age := time.Duration(0)
	if depth > 0 {
		age = now.Sub(oldest)
	}
	d.opts.Metrics.Outbox(depth, age)
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errLostLease: another drainer took the row back (this one was too slow).
var errLostLease = errors.New("outbox: lease lost")
