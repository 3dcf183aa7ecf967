package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/config"
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
	closers  []func()
}

// newService wires a service from the configuration.
func newService(ctx context.Context, cfg *config.Config, log *slog.Logger) (svc *service, err error) {
	s := &service{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	reg, cat, err := loadDefinitions(cfg)
	if err != nil {
		return nil, err
	}
	if s.store, err = openStore(ctx, cfg, log); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { s.store.Close() })
	if s.sessions, err = openSessions(cfg, log); err != nil {
		return nil, err
	}
	// Every replica runs the scheduler; a lock and a job_runs row per job and
	// period keep each run to one replica.
	scorer := jobs.NewScorer(s.store, reg, cat, cfg.Location, s.sessions, log.With("component", "jobs"))
	s.jobs, err = jobs.NewScheduler(scorer, jobs.Schedule{Incremental: cfg.ScoreSchedule, Full: cfg.ScoreFullSchedule}, cfg.Location, log)
	if err != nil {
		return nil, fmt.Errorf("SCORE_SCHEDULE / SCORE_FULL_SCHEDULE: %w", err)
	}
	if err := tgbotapi.SetLogger(libLogger{log: log.With("component", "tgbotapi"), redact: cfg.Redact}); err != nil {
		return nil, err
	}
	if cfg.TelegramToken == "" {
		return nil, errors.New("TELEGRAM_BOT_TOKEN (or TELEGRAM_BOT_TOKEN_FILE) is required: the token @BotFather gave the bot")
	}
	s.api, err = tgbotapi.NewBotAPIWithClient(cfg.TelegramToken, cfg.TelegramAPIEndpoint, sender.HTTPClient(70*time.Second))
	if err != nil {
		return nil, fmt.Errorf("connect to the Bot API: %s", cfg.Redact(err.Error()))
	}
	s.sender = sender.New(s.api, sender.Options{
		Logger: log,
		Redact: cfg.Redact,
		OnBlocked: func(chatID int64) {
			if err := s.store.MarkBlocked(context.Background(), chatID, time.Now()); err != nil {
				log.Warn("mark blocked", "chat_id", chatID, "error", err)
			}
		},
	})
	s.bot, err = bot.New(bot.Options{
		Store: s.store, Sessions: s.sessions, Outbox: s.sender,
		Registry: reg, Catalog: cat, Location: cfg.Location, Logger: log,
	})
	return s, err
}

// libLogger routes go-telegram-bot-api's log lines into slog, with secrets
// removed (its lines can hold request URLs, and so the token).
type libLogger struct {
	log    *slog.Logger
	redact func(string) string
}

func (l libLogger) Println(v ...any) { l.log.Debug(l.redact(strings.TrimSpace(fmt.Sprintln(v...)))) }

func (l libLogger) Printf(format string, v ...any) { l.log.Debug(l.redact(fmt.Sprintf(format, v...))) }

// openSessions returns Redis when REDIS_URL is set, else the in-process store.
func openSessions(cfg *config.Config, log *slog.Logger) (session.Store, error) {
	if cfg.RedisURL == "" {
		log.Info("session store: in-process (REDIS_URL is empty); run one process only")
		return session.NewMemory(time.Now), nil
	}
	client, err := session.OpenRedis(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	return session.NewRedis(client, "egovpulse:"), nil
}

func (s *service) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// handler serves /webhook (webhook mode), /healthz and /readyz.
func (s *service) handler() http.Handler {
	mux := http.NewServeMux()
	if s.cfg.TelegramMode == config.ModeWebhook {
		mux.Handle("/webhook", s.bot.WebhookHandler(s.cfg.WebhookSecret))
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.store.Ping(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
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
	menusDone, err := bot.Register(ctx, s.api, bot.ResidentMenus(), hook, bot.RegisterOptions{Logger: s.log})
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
	s.jobs.Start()
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
	s.sender.Close(shutdown)
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
