package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/config"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// Telegram user ids of the demo's people: the Diskominfo admin, and the
// residents from demoResidentBase on (far from chat's 700001).
const (
	demoAdminID      = 700009
	demoResidentBase = 880_000_000
	// demoSettingResidents remembers how many resident ids the last demo
	// used, so a rerun removes them all before simulating afresh.
	demoSettingResidents = "demo_residents"
	// demoParallel is how many residents talk to the bot at once.
	demoParallel = 8
)

// demoFlags are the arguments of `egovpulse demo`.
type demoFlags struct {
	seed      uint64
	weeks     int
	residents int
	out       string
}

func parseDemoFlags(args []string) (demoFlags, error) {
	f := demoFlags{}
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Uint64Var(&f.seed, "seed", 1, "random seed: the same seed simulates the same people and answers")
	fs.IntVar(&f.weeks, "weeks", 12, "weeks to simulate, ending today (the summary's trend shows 12)")
	fs.IntVar(&f.residents, "residents", 400, "residents to simulate")
	fs.StringVar(&f.out, "out", "demo-output", "folder for the summary, the chart and the log")
	usage := "usage: demo [--seed N] [--weeks N] [--residents N] [--out DIR]"
	if err := fs.Parse(args); err != nil {
		return f, usageError(err.Error() + "; " + usage)
	}
	switch {
	case fs.NArg() > 0:
		return f, usageError(usage)
	case f.weeks < 1 || f.weeks > 26:
		return f, usageError(fmt.Sprintf("--weeks %d: want 1 to 26", f.weeks))
	case f.residents < 10 || f.residents > 5000:
		return f, usageError(fmt.Sprintf("--residents %d: want 10 to 5000", f.residents))
	}
	return f, nil
}

// demoClock is the simulated time the whole demo service runs on.
type demoClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *demoClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// demo is one run of `egovpulse demo`.
type demo struct {
	f     demoFlags
	env   *environment
	cfg   *config.Config
	clock *demoClock
	emu   *botapitest.Server
	svc   *service
	reg   *survey.Registry
	cat   *survey.Catalog
	rng   *rand.Rand
	bar   *progress
	wrote []string
}

func runDemo(ctx context.Context, env *environment, args []string) error {
	f, err := parseDemoFlags(args)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	if !cfg.Database.Embedded() {
		return fmt.Errorf("demo writes simulated people into its database, so it runs only on an embedded SQLite file, not %s: "+
			"unset DATABASE_URL (or set it to sqlite://demo.db)", cfg.Database)
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	d := &demo{f: f, env: env, cfg: cfg, clock: &demoClock{t: time.Now()}, rng: rand.New(rand.NewPCG(f.seed, 0x5eed))}
	d.reg, d.cat, err = loadDefinitions(cfg)
	if err != nil {
		return err
	}
	stop, err := d.start(ctx)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(env.stderr, "egovpulse demo: %d residents over %d weeks, seed %d (database: %s)\n", f.residents, f.weeks, f.seed, cfg.Database)
	if err := d.forgetEarlierRun(ctx); err != nil {
		return err
	}
	if err := d.simulateResidents(ctx); err != nil {
		return err
	}
	if err := d.simulateOfficials(ctx); err != nil {
		return err
	}
	return d.report(ctx)
}

// start runs the emulator and the service (bot, sender, outbox) on the
// simulated clock; the scheduler stays off: the demo runs the jobs.
func (d *demo) start(ctx context.Context) (stop func(), err error) {
	// closers undo what is started, last first: all of it on failure, or
	// at stop.
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	d.emu = botapitest.New(botapitest.Options{Now: d.clock.Now})
	if _, err := d.emu.Listen("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start the Bot API emulator: %w", err)
	}
	closers = append(closers, d.emu.Close)
	cfg := d.cfg
	cfg.TelegramToken, cfg.TelegramAPIEndpoint = d.emu.Token(), d.emu.Endpoint()
	cfg.TelegramMode, cfg.RedisURL = config.ModePolling, ""
	cfg.AdminTelegramIDs = append(cfg.AdminTelegramIDs, demoAdminID)
	logPath := filepath.Join(d.f.out, "demo.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	closers = append(closers, func() { logFile.Close() })
	log := slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc, err := newServiceWith(ctx, cfg, log, serviceOptions{
		pace: sender.Options{PerChatRate: rate.Inf, GlobalRate: rate.Inf}, now: d.clock.Now,
		sampleSeed: func(userID int64, service string) uint64 {
			h := fnv.New64a()
			fmt.Fprintf(h, "%d/%d/%s", d.f.seed, userID, service)
			return h.Sum64()
		},
	})
	if err != nil {
		return nil, err
	}
	svc.manualJobs = true
	if err := continueUpdateIDs(ctx, svc, d.emu); err != nil {
		svc.close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		svc.close()
		return nil, err
	}
	d.svc = svc
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.run(runCtx, ln) }() // run closes the service when it ends
	closers = append(closers, func() { cancel(); <-done })
	d.wrote = append(d.wrote, logPath)
	return closeAll, nil
}

// forgetEarlierRun deletes the residents and the officials' answers an
// earlier demo simulated (as a data-subject deletion would), so a rerun
// with the same seed tells the same story; anything else in the database
// stays.
func (d *demo) forgetEarlierRun(ctx context.Context) error {
	st := d.svc.store
	prev, err := st.BotSetting(ctx, demoSettingResidents)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	n, _ := strconv.Atoi(prev)
	ids := make([]int64, 0, n+len(d.cat.OPDs)*demoOfficialsPerOPD)
	for i := range n {
		ids = append(ids, int64(demoResidentBase+i))
	}
	for i := range len(d.cat.OPDs) * demoOfficialsPerOPD { // their roster entries stay, still joined
		ids = append(ids, int64(demoOfficialBase+i))
	}
	for i, id := range ids {
		key, err := st.RespondentKey(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := st.DeleteRespondent(ctx, key); err != nil {
			return fmt.Errorf("remove the earlier demo's respondent %d: %w", i, err)
		}
	}
	return st.SetBotSetting(ctx, demoSettingResidents, strconv.Itoa(d.f.residents))
}

// report recomputes every index as of now, writes the score tables, then
// asks the summary as Diskominfo's admin does in chat (/ringkasan) and
// prints it as received, keeping its text and chart.
func (d *demo) report(ctx context.Context) error {
	now := time.Now()
	d.clock.Set(now)
	scorer := jobs.NewScorer(d.svc.store, d.reg, d.cat, d.cfg.Location, nil, slog.New(slog.DiscardHandler))
	scorer.Now = d.clock.Now
	p := survey.PeriodOf(survey.PeriodQuarter, now, d.cfg.Location)
	rep, err := recomputeReport(ctx, d.svc.store, d.cat, scorer, jobs.AllKinds(), time.Time{}, now, p, survey.LangID)
	if err != nil {
		return fmt.Errorf("recompute: %w", err)
	}
	// The follow-ups of the quarter before (services whose lowest unsur is
	// in band C or D), as the daily job opens them.
	fu := &jobs.FollowUps{Store: d.svc.store, Catalog: d.cat, Location: d.cfg.Location}
	if _, err := (&jobs.Runner{Store: d.svc.store, Now: d.clock.Now}).Run(ctx, fu.Run(now)); err != nil {
		return fmt.Errorf("follow-ups: %w", err)
	}
	var scores strings.Builder
	if err := printScoreReport(&scores, rep, survey.LangID); err != nil {
		return err
	}
	if err := d.write("skor.txt", []byte(scores.String())); err != nil {
		return err
	}
	text, png, err := d.askSummary(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(d.env.stdout, text)
	if err := d.write("ringkasan.txt", []byte(text+"\n")); err != nil {
		return err
	}
	if err := d.write("ringkasan.png", png); err != nil {
		return err
	}
	fmt.Fprintln(d.env.stderr, "\nwrote:")
	for _, w := range d.wrote {
		fmt.Fprintln(d.env.stderr, "  "+w)
	}
	fmt.Fprintln(d.env.stderr, "Be Diskominfo in chat with this data: go run ./cmd/egovpulse chat --as admin, then /ringkasan or /tindaklanjut")
	return nil
}

// askSummary sends /ringkasan as the demo's admin and returns the text as
// received (every part of a split summary) and the chart.
func (d *demo) askSummary(ctx context.Context) (string, []byte, error) {
	admin := d.emu.User(demoAdminID, botapitest.WithFirstName("Diskominfo"), botapitest.WithLanguage("id"))
	last := 0
	if msgs := admin.Messages(); len(msgs) > 0 {
		last = msgs[len(msgs)-1].ID
	}
	admin.Send("/ringkasan")
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	photo, err := admin.WaitFor(wctx, func(m botapitest.Message) bool { return m.ID > last && m.Photo != nil })
	if err != nil {
		return "", nil, fmt.Errorf("the summary's chart never came: %w", err)
	}
	var parts []string
	started := false
	for _, m := range admin.Messages() {
		if m.ID <= last || m.ID >= photo.ID {
			continue
		}
		started = started || strings.HasPrefix(m.Text, "📊")
		if started {
			parts = append(parts, m.Text)
		}
	}
	if len(parts) == 0 {
		return "", nil, errors.New("the summary's text never came")
	}
	return strings.Join(parts, "\n"), photo.Photo.Data, nil
}

// write writes one output file into the demo's folder and lists it.
func (d *demo) write(name string, data []byte) error {
	path := filepath.Join(d.f.out, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	d.wrote = append(d.wrote, path)
	return nil
}
