package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/config"
	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage"
)

// service is one running bot process: storage, sessions, the Telegram
// client, the sender, the bot and its HTTP server.
type service struct {
	cfg      *config.Config
	log      *slog.Logger
	store    *storage.Store
	sessions session.Store
	api      *tgbotapi.BotAPI
	sender   *sender.Sender
	bot      *bot.Bot
	jobs     *jobs.Scheduler
	outbox   *outbox.Drainer
	metrics  *metrics.Metrics
	// now is the service's clock: time.Now, or the demo's simulated weeks.
	now func() time.Time
	// manualJobs leaves the scheduler stopped: the demo runs the jobs itself,
	// at its simulated times.
	manualJobs bool
	// ready are the dependencies /readyz checks: the database, and Redis
	// when REDIS_URL is set.
	ready   []readiness
	closers []func()
}

// readiness is one dependency /readyz checks.
type readiness struct {
	name string
	ping func(ctx context.Context) error
}

// newService wires a service from the configuration.
func newService(ctx context.Context, cfg *config.Config, log *slog.Logger) (svc *service, err error) {
	return newServiceWith(ctx, cfg, log, serviceOptions{})
}

// serviceOptions adjust a service for the local modes (chat, demo).
type serviceOptions struct {
	// pace sets the sender's rates (zero fields: the defaults that
	// Telegram's limits call for).
	pace sender.Options
	// now is the clock of the whole service (time.Now when nil): the
	// demo's simulated weeks.
	now func() time.Time
	// sampleSeed is bot.Options.SampleSeed.
	sampleSeed func(userID int64, service string) uint64
}

// newServiceWith is newService adjusted by opt.
func newServiceWith(ctx context.Context, cfg *config.Config, log *slog.Logger, opt serviceOptions) (svc *service, err error) {
	pace := opt.pace
	s := &service{cfg: cfg, log: log, metrics: metrics.New(), now: opt.now}
	if s.now == nil {
		s.now = time.Now
	}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	reminders, err := loadReminders(cfg)
	if err != nil {
		return nil, err
	}
	reg, cat, err := loadDefinitions(cfg)
	if err != nil {
		return nil, err
	}
	if s.store, err = openStoreAt(ctx, cfg, log, s.now); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { s.store.Close() })
	s.ready = append(s.ready, readiness{"database", s.store.Ping})
	if err := s.openSessions(ctx); err != nil {
		return nil, err
	}
	// Every replica runs the scheduler; a lock and a job_runs row per job and
	// period keep each run to one replica.
	scorer := jobs.NewScorer(s.store, reg, cat, cfg.Location, s.sessions, log.With("component", "jobs"))
	s.jobs, err = jobs.NewScheduler(scorer, jobs.Schedule{Incremental: cfg.ScoreSchedule, Full: cfg.ScoreFullSchedule,
		Metrics: s.metrics}, cfg.Location, log)
	if err != nil {
		return nil, fmt.Errorf("SCORE_SCHEDULE / SCORE_FULL_SCHEDULE: %w", err)
	}
	purger := &jobs.Purger{Store: s.store, Locker: s.sessions, Location: cfg.Location, Log: log.With("component", "jobs")}
	if err := s.jobs.AddPurge(purger, cfg.PurgeSchedule); err != nil {
		return nil, fmt.Errorf("PURGE_SCHEDULE: %w", err)
	}
	followUps := &jobs.FollowUps{Store: s.store, Catalog: cat, Location: cfg.Location}
	runner := &jobs.Runner{Store: s.store, Locker: s.sessions, Log: log.With("component", "jobs")}
	if err := s.jobs.AddJob(runner, jobs.JobFollowUps, jobs.DefaultFollowUpSpec, followUps.Run); err != nil {
		return nil, fmt.Errorf("follow-up job: %w", err)
	}
	if cfg.TelegramToken == "" {
		return nil, errors.New("TELEGRAM_BOT_TOKEN (or TELEGRAM_BOT_TOKEN_FILE) is required: the token @BotFather gave the bot")
	}
	hc := sender.HTTPClient(70 * time.Second)
	s.api, err = tgbotapi.NewBotAPIWithClient(cfg.TelegramToken, cfg.TelegramAPIEndpoint, hc)
	if err != nil {
		return nil, fmt.Errorf("connect to the Bot API: %s", cfg.Redact(err.Error()))
	}
	rememberBotUsername(ctx, s.store, s.api.Self.UserName, log)
	if err := s.addReminders(reminders, reg, cat); err != nil {
		return nil, err
	}
	summarizer := newSummarizer(s.store, reg, cat, cfg.Location, scorer)
	if err := s.addWeeklyPush(runner, summarizer); err != nil {
		return nil, err
	}
	// Replies go out as JSON through the sender's lean client (same token,
	// endpoint and connections); polling and menus use s.api.
	s.sender = sender.New(sender.NewClient(cfg.TelegramToken, cfg.TelegramAPIEndpoint, hc), sender.Options{
		PerChatRate: pace.PerChatRate, PerChatBurst: pace.PerChatBurst, GlobalRate: pace.GlobalRate,
		Logger:  log,
		Redact:  cfg.Redact,
		Metrics: s.metrics,
		OnBlocked: func(chatID int64) {
			// A chat that never consented has no respondent to mark.
			err := s.store.MarkBlocked(context.Background(), chatID, s.now())
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				log.Warn("mark blocked", "chat_id", chatID, "error", err)
			}
		},
		// The bot is built below; a reply delivered before is impossible.
		OnDone: func(m sender.Message, res sender.Result, err error) { s.bot.Delivered(m, res, err) },
		// A prompt held for pacing that a later turn (perhaps on another
		// replica) has overtaken is dropped (bot/supersede.go).
		Superseded: func(ctx context.Context, m sender.Message) bool { return s.bot.Superseded(ctx, m) },
	})
	// Every replica drains the outbox: leases keep each row to one drainer.
	s.outbox = outbox.New(s.store, s.sender, outbox.Options{Log: log.With("component", "outbox"), Metrics: s.metrics,
		OnBlocked: s.markBlocked})
	s.bot, err = bot.New(s.withOfficials(bot.Options{
		Store: s.store, Sessions: s.sessions, Outbox: s.sender,
		Registry: reg, Catalog: cat, Location: cfg.Location, Logger: log, Metrics: s.metrics, Now: s.now, SampleSeed: opt.sampleSeed,
		Roles:     bot.GrantedRoles{Superadmins: cfg.AdminTelegramIDs, Grants: s.store},
		Summaries: summarizer,
	}))
	return s, err
}

// openSessions opens Redis when REDIS_URL is set, else the in-process
// store. Redis must answer a ping at start; its client is closed with the
// service, and /readyz pings it.
func (s *service) openSessions(ctx context.Context) error {
	if s.cfg.RedisURL == "" {
		s.log.Info("session store: in-process (REDIS_URL is empty); run one process only")
		s.sessions = session.NewMemory(s.now)
		return nil
	}
	client, err := session.OpenRedis(s.cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	s.closers = append(s.closers, func() {
		if err := client.Close(); err != nil {
			s.log.Warn("close redis", "error", err)
		}
	})
	r := session.NewRedis(client, "egovpulse:")
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.Ping(pctx); err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	s.sessions = r
	s.ready = append(s.ready, readiness{"redis", r.Ping})
	return nil
}

func (s *service) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// handler serves /webhook (webhook mode), /healthz, /readyz and /metrics.
func (s *service) handler() http.Handler {
	mux := http.NewServeMux()
	if s.cfg.TelegramMode == config.ModeWebhook {
		mux.Handle("/webhook", s.bot.WebhookHandler(s.cfg.WebhookSecret))
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.Handler())
	return mux
}

// readyz answers 200 "ready" when every dependency answers a ping within
// 2 s, else 503 naming the first that does not (the cause is logged).
func (s *service) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	for _, d := range s.ready {
		if err := d.ping(ctx); err != nil {
			s.log.Warn("not ready", "dependency", d.name, "error", err)
			http.Error(w, d.name+" unavailable", http.StatusServiceUnavailable)
			return
		}
	}
	fmt.Fprintln(w, "ready")
}

// run serves until ctx ends, then shuts down in order: stop taking updates,
// finish in-flight ones, drain the sender, close storage.
func (s *service) run(ctx context.Context, ln net.Listener) error {
	defer s.close()
	// ctx also ends when polling fails, so the background menu
	// registration stops with the rest.
	ctx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	webhook := ""
	if s.cfg.TelegramMode == config.ModeWebhook {
		webhook = s.cfg.WebhookPublicURL
	}
	// The webhook (or its removal, for polling) must be in place before
	// serving; the command menus follow in the background.
	hook := bot.WebhookSettings{URL: webhook, Secret: s.cfg.WebhookSecret, Token: s.cfg.TelegramToken}
	menus := bot.Menus(s.cfg.AdminTelegramIDs, nil)
	if grants, err := s.store.ActiveGrants(ctx); err != nil {
		s.log.Warn("read the roles granted in chat; their menus are not registered", "error", err)
	} else {
		menus = append(menus, bot.GrantedMenus(grants, s.cfg.AdminTelegramIDs)...)
	}
	menusDone, err := bot.Register(ctx, s.api, menus, hook, bot.RegisterOptions{Logger: s.log})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		if webhook == "" {
			s.log.Info("polling for updates")
			if err := s.bot.Poll(ctx, s.api, bot.PollOptions{Redact: s.cfg.Redact}); err != nil {
				errc <- pollError(err)
			}
		}
	}()
	if !s.manualJobs {
		s.jobs.Start()
	}
	outboxDone := make(chan struct{})
	go func() {
		defer close(outboxDone)
		_ = s.outbox.Run(ctx) // ends with ctx; messages on the wire are recorded first
	}()
	// The bot's background work (delivered replies, the recovery pass)
	// outlives the sender's drain, so what it delivers is recorded.
	botCtx, stopBot := context.WithCancel(context.WithoutCancel(ctx))
	botDone := make(chan struct{})
	go func() {
		defer close(botDone)
		_ = s.bot.Run(botCtx)
	}()
	s.log.Info("egovpulse serving", "addr", ln.Addr().String(), "mode", s.cfg.TelegramMode, "database", s.cfg.Database.String())
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	stopRun()
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdown); serr != nil {
		s.log.Warn("http shutdown", "error", serr)
	}
	<-pollDone
	select {
	case <-menusDone:
	case <-shutdown.Done():
	}
	if jerr := s.jobs.Shutdown(shutdown); jerr != nil {
		s.log.Warn("jobs shutdown", "error", jerr)
	}
	<-outboxDone // before the sender closes: its in-flight messages are recorded
	s.sender.Close(shutdown)
	stopBot()
	<-botDone
	s.log.Info("egovpulse stopped")
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// pollError explains a polling conflict: what it means and what to do.
func pollError(err error) error {
	if errors.Is(err, bot.ErrPollConflict) {
		return fmt.Errorf("%w.\nOnly one process may poll a bot token. Stop the other `egovpulse serve` (or whatever "+
			"else polls this token), or run every replica with TELEGRAM_MODE=webhook and one WEBHOOK_PUBLIC_URL "+
			"(also if another process set a webhook on purpose)", err)
	}
	return err
}

func runServe(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		return usageError("serve takes no arguments; configure it with environment variables")
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr)
	s, err := newService(ctx, cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		s.close()
		return fmt.Errorf("HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	return s.run(ctx, ln)
}
