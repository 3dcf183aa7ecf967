package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/kotasolok/egovpulse/storage"
)

// Job names of the processed-update purge, as recorded in job_runs.
const (
	JobPurgeUpdates = "purge-updates"
	JobPurgeManual  = "purge-updates-manual"
)

// Defaults of the purge.
const (
	// DefaultPurgeSpec is the daily purge's schedule: 03:30 in the
	// scheduler's time zone, away from midnight (clocks skewed across it
	// would name two days) and from the nightly score run.
	DefaultPurgeSpec = "30 3 * * *"
	// DefaultUpdateRetention is how long a processed update id is kept.
	// Telegram redelivers an unconfirmed update for up to 24 hours, and
	// after about a week without updates it may restart update ids at a
	// random value; 8 days outlives both.
	DefaultUpdateRetention = 8 * 24 * time.Hour
	// DefaultPurgeBatch is the most rows one delete statement removes.
	DefaultPurgeBatch = 1000
)

// Purger deletes old rows of the processed-update ledger and the dead
// letters as old. It is what the
// daily job and `egovpulse purge` call.
type Purger struct {
	Store *storage.Store
	// Locker is nil for no lock: the job_runs row still records one run
	// per day (the lock only saves the duplicate work).
	Locker    Locker
	Log       *slog.Logger
	Now       func() time.Time
	Location  *time.Location // names a daily run's day; UTC when nil
	Retention time.Duration  // default DefaultUpdateRetention
	Batch     int            // rows per delete, default DefaultPurgeBatch
	LockTTL   time.Duration  // longer than any run, default DefaultLockTTL
	LockWait  time.Duration  // default DefaultLockWait
}

// PurgeResult says what one purge run did.
type PurgeResult struct {
	Job       string    `json:"job"`
	PeriodKey string    `json:"period_key"`
	Skipped   string    `json:"skipped,omitempty"` // why nothing ran; "" when it ran
	Before    time.Time `json:"before,omitzero"`   // ids processed before this were deleted
	Deleted   int64     `json:"deleted"`
	Batches   int       `json:"batches"`
	// DeadLetters counts the dead_letters rows purged with the ledger
	// (they hold the sender's Telegram id, so they are kept no longer).
	DeadLetters int64         `json:"dead_letters"`
	Duration    time.Duration `json:"duration"`
}

// Daily runs the daily purge under the local day of now: once per day
// across replicas and restarts. A missed day needs no catch-up: the next
// run deletes everything past the retention.
func (p *Purger) Daily(ctx context.Context) (PurgeResult, error) {
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	return p.run(ctx, JobPurgeUpdates, p.now().In(loc).Format(time.DateOnly), true)
}

// Manual runs the purge now, as a manual run (its own job_runs row,
// never skipped).
func (p *Purger) Manual(ctx context.Context) (PurgeResult, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return PurgeResult{}, fmt.Errorf("manual run id: %w", err)
	}
	key := p.now().UTC().Format("2006-01-02T15:04:05.000Z") + "-" + hex.EncodeToString(b[:])
	return p.run(ctx, JobPurgeManual, key, false)
}

// run executes one purge run: lock, skip if already recorded, delete in
// batches (each its own short transaction, so the bot's transactions are
// never held up for long), then record the job_runs row. A run that dies
// half-way deleted only rows that were due; the next run finishes.
func (p *Purger) run(ctx context.Context, job, key string, lock bool) (PurgeResult, error) {
	res := PurgeResult{Job: job, PeriodKey: key}
	runner := &Runner{Store: p.Store, Locker: p.Locker, Log: p.Log, Now: p.Now, LockTTL: p.LockTTL, LockWait: p.LockWait}
	var started time.Time
	out, err := runner.Run(ctx, Run{Job: job, Slot: key, NoLock: !lock,
		Prepare: func(ctx context.Context) error {
			started = p.now()
			return p.purge(ctx, &res, started)
		},
		Details: func() any { res.Duration = p.now().Sub(started); return res },
	})
	res.Skipped = out.Skipped
	if out.Skipped == "committed by another run" {
		res.Skipped = "recorded by another run" // that ran alongside (no lock); the rows are gone either way
	}
	if err != nil || out.Skipped != "" {
		return res, err
	}
	p.logger().Info("job run", "job", job, "period", key, "before", res.Before,
		"deleted", res.Deleted, "batches", res.Batches, "dead_letters", res.DeadLetters, "duration", res.Duration)
	return res, nil
}

// purge deletes the ledger rows and dead letters past the retention, in
// batches (each its own short transaction).
func (p *Purger) purge(ctx context.Context, res *PurgeResult, started time.Time) error {
	res.Before = started.Add(-p.retention())
	batch := p.Batch
	if batch <= 0 {
		batch = DefaultPurgeBatch
	}
	for {
		n, err := p.Store.PurgeProcessedUpdates(ctx, res.Before, batch)
		if err != nil {
			return fmt.Errorf("after %d rows: %w", res.Deleted, err)
		}
		res.Deleted += n
		res.Batches++
		if n < int64(batch) {
			break
		}
	}
	var err error
	res.DeadLetters, err = p.Store.PurgeDeadLetters(ctx, res.Before)
	return err
}

func (p *Purger) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

func (p *Purger) retention() time.Duration {
	if p.Retention <= 0 {
		return DefaultUpdateRetention
	}
	return p.Retention
}

func (p *Purger) logger() *slog.Logger {
	if p.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Log
}
