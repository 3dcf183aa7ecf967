package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/kotasolok/egovpulse/internal/metrics"
)

// Default schedules (5-field cron, in the scheduler's time zone).
const (
	DefaultIncrementalSpec = "*/15 * * * *"
	DefaultFullSpec        = "0 2 * * *"
)

// Schedule configures the score jobs; empty fields take the defaults. A
// spec has 5 fields (minute first) or 6 (seconds first), or a descriptor
// such as "@every 1h".
type Schedule struct {
	Incremental string
	Full        string
	// Metrics counts the runs of every job the scheduler runs, with their
	// durations (nil: none).
	Metrics *metrics.Metrics
}

// Scheduler runs jobs on cron schedules, recovering from panics and
// skipping a job's turn while its previous run is still going.
type Scheduler struct {
	cron   *cron.Cron
	parser cron.Parser
	log    *slog.Logger
	loc    *time.Location
	scorer *Scorer
	full   cron.Schedule
	meter  *metrics.Metrics
	ctx    context.Context // the jobs' context, cancelled by a Shutdown past its deadline
	cancel context.CancelFunc
	bg     sync.WaitGroup // the start-up catch-up
}

// NewParser returns the cron parser of the scheduler: 5 or 6 fields.
func NewParser() cron.Parser {
	return cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

// NewScheduler builds a scheduler in loc. With a non-nil scorer it
// registers the incremental and full score jobs per sch; a bad spec is an
// error naming it.
func NewScheduler(scorer *Scorer, sch Schedule, loc *time.Location, log *slog.Logger) (*Scheduler, error) {
	if loc == nil {
		loc = time.UTC
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	adapter := cronLogger{log: log}
	s := &Scheduler{parser: NewParser(), log: log, loc: loc, scorer: scorer, meter: sch.Metrics}
	s.cron = cron.New(cron.WithLocation(loc), cron.WithParser(s.parser), cron.WithLogger(adapter),
		cron.WithChain(cron.Recover(adapter), cron.SkipIfStillRunning(adapter)))
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if scorer == nil {
		return s, nil
	}
	inc, full := sch.Incremental, sch.Full
	if inc == "" {
		inc = DefaultIncrementalSpec
	}
	if full == "" {
		full = DefaultFullSpec
	}
	if err := s.Add(JobScoreIncremental, inc, func(ctx context.Context) error {
		_, err := scorer.Incremental(ctx)
		return errors.Join(err, s.catchUpFull(ctx)) // a crashed nightly holder's night, once its lock expires
	}); err != nil {
		return nil, err
	}
	if err := s.Add(JobScoreFull, full, func(ctx context.Context) error {
		_, err := scorer.Full(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	s.full, _ = s.parser.Parse(full)
	return s, nil
}

// Add schedules fn under a name; its error is logged. A panic in fn is
// recovered and logged, and the scheduler goes on.
func (s *Scheduler) Add(name, spec string, fn func(ctx context.Context) error) error {
	sched, err := s.parser.Parse(spec)
	if err != nil {
		return fmt.Errorf("schedule of %s: %q: %w", name, spec, err)
	}
	// The scheduler's chain is Recover(SkipIfStillRunning(job)): a panic
	// inside SkipIfStillRunning would never hand its token back, and the
	// job would be skipped forever. So each job recovers itself first.
	inner := cron.NewChain(cron.Recover(cronLogger{log: s.log.With("job", name)}))
	s.cron.Schedule(sched, inner.Then(cron.FuncJob(func() {
		if err := s.timed(name, fn); err != nil {
			s.log.Error("job failed", "job", name, "error", err)
		}
	})))
	return nil
}

// AddJob schedules a job run by r on spec: at each firing, job names the
// run (its slot) for the runner's time now; the runner makes it happen once
// per slot across replicas. A skipped run is logged at debug level.
func (s *Scheduler) AddJob(r *Runner, name, spec string, job func(now time.Time) Run) error {
	return s.Add(name, spec, func(ctx context.Context) error {
		run := job(r.now())
		out, err := r.Run(ctx, run)
		if err == nil && out.Skipped != "" {
			s.log.Debug("job run skipped", "job", run.Job, "slot", run.Slot, "why", out.Skipped)
		}
		return err
	})
}

// AddPurge schedules the daily purge of the processed-update ledger on
// spec (DefaultPurgeSpec when empty); a bad spec is an error naming the
// job.
func (s *Scheduler) AddPurge(p *Purger, spec string) error {
	if spec == "" {
		spec = DefaultPurgeSpec
	}
	return s.Add(JobPurgeUpdates, spec, func(ctx context.Context) error {
		_, err := p.Daily(ctx)
		return err
	})
}

// timed runs fn and counts the run with its duration and result (a panic
// is counted, then goes on to the recovering chain).
func (s *Scheduler) timed(name string, fn func(ctx context.Context) error) error {
	start := time.Now()
	result := metrics.JobPanic
	defer func() { s.meter.JobRun(name, result, time.Since(start)) }()
	err := fn(s.ctx)
	result = metrics.JobOK
	if err != nil {
		result = metrics.JobError
	}
	return err
}

// Start starts the scheduler. When the score jobs are registered and the
// last scheduled nightly run before now has no job_runs row (every replica
// was down), it is caught up once, in the background; each incremental
// tick checks the same.
func (s *Scheduler) Start() {
	s.cron.Start()
	if s.scorer == nil || s.full == nil {
		return
	}
	s.bg.Go(func() {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("nightly catch-up panicked", "panic", r)
			}
		}()
		if err := s.catchUpFull(s.ctx); err != nil {
			s.log.Error("nightly catch-up failed", "error", err)
		}
	})
}

// catchUpFull runs the last scheduled nightly job if it has no job_runs
// row (every replica was down, or its holder crashed and the lock
// expired); the lock and the row keep it to one run.
func (s *Scheduler) catchUpFull(ctx context.Context) error {
	now := s.scorer.now().In(s.loc)
	var prev time.Time
	for t := s.full.Next(now.Add(-49 * time.Hour)); !t.After(now); t = s.full.Next(t) {
		prev = t
	}
	if prev.IsZero() {
		return nil
	}
	key := prev.Format(time.DateOnly)
	if done, err := s.scorer.Store.JobRunExists(ctx, JobScoreFull, key); err != nil || done {
		return err
	}
	res, err := s.scorer.FullFor(ctx, key)
	if err == nil && res.Skipped == "" {
		s.log.Info("caught up a missed nightly run", "day", key)
	}
	return err
}

// Shutdown stops scheduling and waits for running jobs to finish; when
// ctx ends first, their context is cancelled and ctx's error returned.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	stopped := s.cron.Stop().Done()
	done := make(chan struct{})
	go func() {
		<-stopped
		s.bg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		<-done
		return fmt.Errorf("scheduler shutdown: %w", ctx.Err())
	}
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
