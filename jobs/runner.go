package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kotasolok/egovpulse/storage"
)

// Run is one run of a named job for one slot (a 15-minute slot, a day, a
// month, a manual run's unique key). A new job is a Run handed to
// Runner.Run: the runner makes it happen once per (Job, Slot) across
// replicas, restarts and skewed clocks.
type Run struct {
	Job  string
	Slot string
	// NoLock skips the lock (a manual run, whose slot is unique anyway).
	NoLock bool
	// Prepare (optional) runs once the slot is claimed, before the
	// transaction: work that needs none (reads, computation, deletes in
	// batches that may safely happen twice).
	Prepare func(ctx context.Context) error
	// Commit (optional) runs in the transaction that inserts the run's
	// job_runs row: whatever it writes (snapshots, outbox rows) is
	// committed exactly once per slot, or not at all.
	Commit func(ctx context.Context, tx *storage.Tx) error
	// Details (optional) is what the run did, stored as JSON in its
	// job_runs row at the end of the transaction.
	Details func() any
}

// Outcome says whether a run went ahead.
type Outcome struct {
	// Skipped says why nothing was committed ("" when the run committed):
	// "already ran", "lock held by another run", "cancelled", or
	// "committed by another run" (one that ran alongside without the lock).
	Skipped string
	Started time.Time
}

// Runner runs jobs once per slot: it takes the job's lock (Locker, when
// set), skips a slot that has its job_runs row, and commits the row with
// the job's output in one transaction.
type Runner struct {
	Store *storage.Store
	// Locker is nil for no lock: the job_runs row still lets only one run
	// per slot commit (the lock only saves the duplicate work).
	Locker   Locker
	Log      *slog.Logger
	Now      func() time.Time
	LockTTL  time.Duration // longer than any run, default DefaultLockTTL
	LockWait time.Duration // how long to wait for a lock held elsewhere, default DefaultLockWait
}

// Run executes run: lock, skip if the slot already ran, Prepare, then
// Commit and the job_runs row in one transaction. Errors name the job and
// slot.
func (r *Runner) Run(ctx context.Context, run Run) (Outcome, error) {
	release, skip, err := claimRun(ctx, r.Locker, !run.NoLock, r.Store, run.Job, run.Slot, r.LockWait, r.LockTTL, r.logger())
	if err != nil || skip != "" {
		return Outcome{Skipped: skip}, err
	}
	defer release()
	out := Outcome{Started: r.now()}
	if run.Prepare != nil {
		if err := run.Prepare(ctx); err != nil {
			return out, fmt.Errorf("%s %s: %w", run.Job, run.Slot, err)
		}
	}
	row := storage.JobRun{Job: run.Job, PeriodKey: run.Slot, StartedAt: out.Started, FinishedAt: r.now(),
		Status: storage.JobStatusOK, Details: "{}"}
	err = r.Store.CommitJobRun(ctx, row, func(tx *storage.Tx) error {
		if run.Commit != nil {
			if err := run.Commit(ctx, tx); err != nil {
				return err
			}
		}
		if run.Details == nil {
			return nil
		}
		details, err := json.Marshal(run.Details())
		if err != nil {
			return fmt.Errorf("details: %w", err)
		}
		return tx.SetJobRunDetails(run.Job, run.Slot, string(details))
	})
	if errors.Is(err, storage.ErrJobDone) {
		out.Skipped = "committed by another run"
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("%s %s: %w", run.Job, run.Slot, err)
	}
	return out, nil
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

func (r *Runner) logger() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// runChecker is what claimRun needs of the store.
type runChecker interface {
	JobRunExists(ctx context.Context, job, periodKey string) (bool, error)
}

// claimRun starts a run of job for a period: it takes the job's lock (with
// lock and a locker; see takeLock) and checks the period has no job_runs row
// yet. A non-empty skip says why the run does not go ahead; otherwise the
// caller runs and calls release when done.
func claimRun(ctx context.Context, locker Locker, lock bool, store runChecker, job, key string, wait, ttl time.Duration, log *slog.Logger) (release func(), skip string, err error) {
	release = func() {}
	if lock && locker != nil {
		unlock, skip := takeLock(ctx, locker, job+":"+key, wait, ttl, log)
		if skip != "" {
			return nil, skip, nil
		}
		release = unlock
	}
	done, err := store.JobRunExists(ctx, job, key)
	if err != nil || done {
		release()
		if err != nil {
			return nil, "", fmt.Errorf("%s %s: %w", job, key, err)
		}
		return nil, "already ran", nil
	}
	return release, "", nil
}

// takeLock takes the lock "job:"+key for ttl (DefaultLockTTL when 0),
// waiting at most wait (DefaultLockWait when 0). A lock held elsewhere
// past the wait skips the run; a lock store that fails (Redis down) does
// not: the run goes on and the job_runs row decides which run commits.
func takeLock(ctx context.Context, locker Locker, key string, wait, ttl time.Duration, log *slog.Logger) (unlock func(), skip string) {
	if wait <= 0 {
		wait = DefaultLockWait
	}
	lctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if ttl <= 0 {
		ttl = DefaultLockTTL
	}
	unlock, err := locker.Lock(lctx, "job:"+key, ttl)
	switch {
	case err == nil:
		return unlock, ""
	case ctx.Err() != nil:
		return nil, "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return nil, "lock held by another run"
	default:
		log.Warn("job lock unavailable; relying on job_runs", "key", key, "error", err)
		return func() {}, ""
	}
}
