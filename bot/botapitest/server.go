// Package botapitest is an in-process emulator of the Telegram Bot API.
//
// A Server speaks the Bot API over HTTP the way Telegram does (same paths,
// same JSON shapes, same error codes and descriptions), so the real
// go-telegram-bot-api client, or any other, can be pointed at it with
// tgbotapi.NewBotAPIWithAPIEndpoint(token, srv.Endpoint()). It keeps the
// update queue (long polling or webhook delivery), records every request and
// every message the bot sends, can be scripted to fail (429, 403, 409, 400,
// 404, migrate, slow, dropped or timed-out responses), and offers simulated users whose
// helpers read like a person using Telegram:
//
//	srv := botapitest.New(botapitest.Options{})
//	if _, err := srv.Listen(""); err != nil { ... }
//	defer srv.Close()
//	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(srv.Token(), srv.Endpoint())
//	// ... run the bot's update loop against it ...
//	u := srv.User(1001, botapitest.WithLanguage("id"))
//	u.Send("/start svc_ktp")
//	msg, _ := u.WaitFor(ctx, botapitest.HasButton("Setuju"))
//	_ = u.Press("Setuju")
//
// Methods served: getMe, getUpdates, setWebhook, deleteWebhook,
// getWebhookInfo, sendMessage, editMessageText, editMessageReplyMarkup,
// deleteMessage, answerCallbackQuery, sendPhoto, sendDocument,
// sendChatAction, setMyCommands, getMyCommands, deleteMyCommands. Any other
// method answers 404, so a bot calling something new fails loudly.
//
// Behaviour worth knowing, all as Telegram does it unless noted:
//   - A wrong token answers 401, an unknown method 404; method names are
//     case-insensitive; parameters may come as query, urlencoded form,
//     multipart form (uploads) or a JSON body.
//   - getUpdates: an update stays queued until a later call's offset passes
//     it; a negative offset keeps only the last -offset updates; limit is
//     1..100; allowed_updates is remembered (the library's "null" keeps it).
//     A new getUpdates terminates a waiting one, which answers 409 "Conflict:
//     terminated by other getUpdates request...". While a webhook is set,
//     getUpdates answers 409.
//   - Webhook: updates are POSTed as JSON with X-Telegram-Bot-Api-Secret-Token,
//     one at a time per chat and in order, chats in parallel (at most
//     max_connections at once); a non-2xx, connection error or timeout
//     (Options.WebhookTimeout) redelivers the same update after
//     Options.WebhookBackoff. Every attempt is kept (Deliveries). A 2xx
//     response whose body (JSON, urlencoded or multipart) names a "method"
//     makes that call as if the bot had made it, its result going nowhere
//     (Requests records it with ViaWebhook; Delivery.Reply names it).
//   - Sends check Telegram's limits: text 1..4096 characters after entity
//     parsing, captions ≤ 1024, callback_data 1..64 bytes, HTML and
//     MarkdownV2 syntax; edits answer "message is not modified" when
//     nothing changes; a callback query can be answered once.
//   - Fault scripts the next answers of a method (429, 403, 409 conflict,
//     400, 404, migrate, 500, slow, dropped connection,
//     applied-then-timed-out), getUpdates and setMyCommands included; Requests records
//     every request with its parameters, arrival time and status.
//
// The package uses only the standard library.
package botapitest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultToken is the bot token used when Options.Token is empty. It has the
// shape of a real token so that token-redaction tests have something to find.
const DefaultToken = "123456789:AAEmulatorTokenForTestsOnly_0123456789"

// Options configures a Server. The zero value is usable.
type Options struct {
	// Token is the only token the server accepts; DefaultToken when empty.
	Token string
	// BotUsername is the bot's username in getMe; "egovpulse_test_bot" when empty.
	BotUsername string
	// Now is the clock used for message dates and records; time.Now when nil.
	Now func() time.Time
	// Logger receives debug lines about requests and webhook deliveries;
	// discarded when nil.
	Logger *slog.Logger
	// FirstUpdateID is the update_id of the first update; 1 when zero.
	FirstUpdateID int
	// RandomFirstUpdateID starts update_ids at a random value, as Telegram
	// does after a week of silence. It overrides FirstUpdateID.
	RandomFirstUpdateID bool
	// WebhookTimeout bounds one webhook delivery; 60 s (Telegram's) when zero.
	WebhookTimeout time.Duration
	// CallbackTimeout, when positive, makes answerCallbackQuery fail with
	// "query is too old" once this much emulator time (Now) has passed
	// since the press, as Telegram does after some seconds.
	CallbackTimeout time.Duration
	// FloodControl, when set, answers 429 to sends beyond Telegram-like
	// rate limits (see FloodControl).
	FloodControl FloodControl
	// WebhookBackoff is the pause before a failed webhook delivery is
	// retried; 200 ms when zero.
	WebhookBackoff time.Duration
}

// Server is a Telegram Bot API emulator. It implements http.Handler and is
// safe for concurrent use. Create it with New.
type Server struct {
	opts   Options
	now    func() time.Time
	log    *slog.Logger
	botID  int64
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every state change
	hookWake  chan struct{} // wakes the webhook dispatcher on queue changes
	q         updateQueue
	chats     map[int64]*chat
	users     map[int64]*User
	profiles  map[int64]wireUser
	callbacks map[string]*callback
	cbOrder   []string
	nextCB    int
	commands  map[string][]BotCommand
	requests  []Request
	faults    []*faultEntry
	hook      webhookState
	flood     floodState
	handlers  map[string]methodFunc
	fileSeq   int
	nextLane  int64 // private delivery lanes for Duplicate

	httpSrv   *http.Server
	baseURL   string
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// New returns a Server configured by opts. Call Listen to serve it on a
// loopback port, or mount it as an http.Handler; call Close when done.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.BotUsername == "" {
		opts.BotUsername = "egovpulse_test_bot"
	}
	if opts.WebhookTimeout <= 0 {
		opts.WebhookTimeout = 60 * time.Second
	}
	if opts.WebhookBackoff <= 0 {
		opts.WebhookBackoff = 200 * time.Millisecond
	}
	s := &Server{
		opts:      opts,
		now:       opts.Now,
		log:       opts.Logger,
		changed:   make(chan struct{}),
		hookWake:  make(chan struct{}, 1),
		chats:     make(map[int64]*chat),
		users:     make(map[int64]*User),
		profiles:  make(map[int64]wireUser),
		callbacks: make(map[string]*callback),
		commands:  make(map[string][]BotCommand),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.botID, _ = strconv.ParseInt(strings.SplitN(opts.Token, ":", 2)[0], 10, 64)
	if s.botID == 0 {
		s.botID = 1
	}
	first := opts.FirstUpdateID
	if opts.RandomFirstUpdateID {
		first = 100_000_000 + rand.IntN(800_000_000)
	}
	if first <= 0 {
		first = 1
	}
	s.q.init(first)
	s.nextLane = -1 << 62
	s.handlers = s.methods()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// Token returns the token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// BotID returns the bot's user id (the numeric prefix of the token).
func (s *Server) BotID() int64 { return s.botID }

// Listen serves the emulator on addr ("127.0.0.1:0" when empty) in a
// background goroutine and returns its base URL, e.g. "http://127.0.0.1:4321".
func (s *Server) Listen(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("botapitest: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.httpSrv = srv
	s.baseURL = "http://" + ln.Addr().String()
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("botapitest: serve", "error", err)
		}
	}()
	return s.URL(), nil
}

// URL returns the base URL set by Listen, or "" before Listen.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Endpoint returns the API endpoint pattern for
// tgbotapi.NewBotAPIWithAPIEndpoint: "http://127.0.0.1:PORT/bot%s/%s".
func (s *Server) Endpoint() string { return s.URL() + "/bot%s/%s" }

// Close stops webhook delivery, ends pending long polls and closes the
// listener started by Listen. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		s.mu.Lock()
		srv := s.httpSrv
		s.notifyLocked()
		s.mu.Unlock()
		if srv != nil {
			_ = srv.Close()
		}
		s.wg.Wait()
	})
}

// notifyLocked wakes every waiter (long polls, Wait helpers, the webhook
// dispatcher). s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// wakeDispatcherLocked tells the webhook dispatcher the queue changed.
func (s *Server) wakeDispatcherLocked() {
	select {
	case s.hookWake <- struct{}{}:
	default:
	}
}

// waitChange blocks until the state changes, ctx ends or timeout passes.
// It reports false when ctx ended or the server closed.
func (s *Server) waitChange(ctx context.Context, ch <-chan struct{}, timer <-chan time.Time) bool {
	select {
	case <-ch:
		return true
	case <-timer:
		return true
	case <-ctx.Done():
		return false
	case <-s.ctx.Done():
		return false
	}
}

// Changed returns a channel that is closed at the next change of the
// emulator's state (an update queued, a message sent or edited, a request
// recorded...). Take it before reading the state to miss nothing:
//
//	for {
//		ch := srv.Changed()
//		render(u.Messages())
//		select { case <-ch: case <-ctx.Done(): return }
//	}
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// timestamp returns the emulator clock as Unix seconds.
func (s *Server) timestamp() int64 { return s.now().Unix() }
