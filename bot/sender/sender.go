// Package sender is the single outbound path from egovpulse to Telegram.
//
// Every message the bot sends goes through a Sender. It paces messages per
// chat (a token bucket: about one message a second with a short burst, so a
// resident tapping quickly is never refused), holds proactive messages
// (reminders, pushes, broadcasts) to a global rate as well, limits messages
// to groups per minute, honours Telegram's retry_after on 429 for the chat
// concerned without blocking other chats, reports blocked chats (403) and
// migrated groups, retries transient failures a bounded number of times
// except when a non-idempotent send may already have been accepted, splits
// texts that are too long, and never lets the bot token reach an error or a
// log line.
//
// A Message is plain data (method, chat, text, keyboard, file reference,
// reply-to) that survives a JSON round trip, so it can be stored in an
// outbox and sent later; it becomes a go-telegram-bot-api request only
// inside the sender. An invalid Message fails with ErrRejected before any
// request.
//
// Replies go through Enqueue (fire and forget, one FIFO queue per chat) or
// Send (blocking, same queue, returns the Telegram message id). Callback
// query answers bypass the pacing: Telegram expects them within seconds. A
// webhook handler may instead return a callback answer in its HTTP
// response (WebhookReply), which saves one request per button press.
//
// A 429 on a reply pauses only its chat. A 429 on a proactive message is
// taken as a flood limit of the whole bot: it pauses that chat and every
// proactive message, while replies keep flowing.
//
// The client API has no context, so a request on the wire cannot be
// cancelled: give the client's http.Client a Timeout (tens of seconds), or
// a stuck request holds its chat and Close until the connection dies.
package sender

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/kotasolok/egovpulse/internal/metrics"
)

// API is the part of the Telegram client the sender uses: a *Client (texts,
// edits and answers as lean JSON requests) or a *tgbotapi.BotAPI.
type API interface {
	Request(c tgbotapi.Chattable) (*tgbotapi.APIResponse, error)
}

// Errors returned by Send and logged for Enqueue; test them with errors.Is.
var (
	// ErrBlocked means the user blocked the bot, the account is deactivated
	// or the chat does not exist (403, or 400 "chat not found").
	ErrBlocked = errors.New("sender: chat blocked or unreachable")
	// ErrAmbiguous means a non-idempotent send failed after the request was
	// written: Telegram may have delivered it, so it was not repeated.
	ErrAmbiguous = errors.New("sender: outcome unknown, not repeated")
	// ErrRateLimited means Telegram kept answering 429 past the retry budget.
	ErrRateLimited = errors.New("sender: still rate limited after retries")
	// ErrUnavailable means transient failures (5xx, network) outlasted the
	// retry budget.
	ErrUnavailable = errors.New("sender: Telegram unavailable after retries")
	// ErrRejected means Telegram refused the request for good (a 4xx other
	// than the cases above, or a request that could not be built).
	ErrRejected = errors.New("sender: request rejected")
	// ErrClosed means the sender was closed before the message was sent.
	ErrClosed = errors.New("sender: closed")
	// ErrSuperseded means Options.Superseded dropped a prompt that waited
	// for its chat's pacing: a later turn of the chat has shown its own.
	ErrSuperseded = errors.New("sender: superseded by a later turn's prompt")
)

// Options configures a Sender. Zero fields take the documented defaults.
// rate.Inf disables a rate limit.
type Options struct {
	// PerChatRate paces messages to one chat (default 1 per second).
	PerChatRate rate.Limit
	// PerChatBurst is how many messages a chat may receive at once before
	// the pacing applies (default 5).
	PerChatBurst int
	// GlobalRate holds proactive messages across all chats (default 30 per
	// second), in addition to the per-chat pacing. Replies ignore it.
	GlobalRate rate.Limit
	// GlobalBurst is the burst of the global limiter (default 1).
	GlobalBurst int
	// GroupPerMinute limits messages to a group (negative chat id) per
	// minute (default 20), in addition to PerChatRate, replies included. Its
	// burst is min(PerChatBurst, GroupPerMinute).
	GroupPerMinute int
	// MaxRetries bounds retries of one message per kind of failure: 429
	// waits, and transient 5xx or network failures (default 5).
	MaxRetries int
	// RetryBackoff is the first wait after a transient failure; it doubles
	// on each retry (default 500 ms).
	RetryBackoff time.Duration
	// IdleTimeout is how long (on Now) an empty chat queue lingers before
	// it is reaped with its token buckets (default: the time they need to
	// refill, at least 5 s).
	IdleTimeout time.Duration
	// Logger receives one line per failure (default: discard).
	Logger *slog.Logger
	// Redact removes secrets from error text. The sender also removes the
	// token of a *tgbotapi.BotAPI and anything shaped like a bot token.
	Redact func(string) string
	// OnBlocked is called when a chat is unreachable (403 "bot was blocked",
	// "user is deactivated", "chat not found"). Messages already queued for
	// that chat then fail with ErrBlocked without a request; later ones are
	// tried again, as the user may unblock the bot. It must not block long.
	OnBlocked func(chatID int64)
	// OnMigrated is called when a group became a supergroup (400 with
	// migrate_to_chat_id); the message is then sent once to the new id.
	OnMigrated func(oldID, newID int64)
	// OnDone, when set, is called once for each queued message (not
	// callback answers) when its delivery ends: err nil when Telegram took
	// it, else why it was given up. Messages dropped at Close are not
	// reported. It must not block long.
	OnDone func(m Message, res Result, err error)
	// Superseded, when set, is asked about a send with a Turn that waited
	// for its chat's pacing, just before it goes out: true drops it (OnDone
	// gets ErrSuperseded), as another replica may have shown a newer prompt
	// meanwhile. Sends that did not wait never ask. It must not block long.
	Superseded func(ctx context.Context, m Message) bool
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Sleep waits d or until ctx ends (default: a timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Metrics counts requests by outcome and the queue depth (nil: none).
	Metrics *metrics.Metrics
}

// Result describes a delivered message.
type Result struct {
	// ChatID is where the message went (the new id after a migration).
	ChatID int64
	// MessageID is Telegram's id of the (last) message sent; 0 when the
	// method returns no message (answerCallbackQuery).
	MessageID int
	// MessageIDs holds every id when a long text was split.
	MessageIDs []int
	// NotModified reports that an edit changed nothing ("message is not
	// modified"), which counts as success.
	NotModified bool
}

// Stats is a snapshot of the sender's counters.
type Stats struct {
	Sent        uint64 // requests Telegram accepted (not-modified edits included)
	Retried     uint64 // retries after a transient failure
	RateLimited uint64 // 429 answers received
	Blocked     uint64 // chats reported unreachable
	Migrated    uint64 // group migrations followed
	Ambiguous   uint64 // sends not repeated because their outcome is unknown
	Failed      uint64 // messages given up (any error)
	Dropped     uint64 // messages enqueued after Close or cancelled
	Superseded  uint64 // prompts dropped by Options.Superseded
}

type counters struct {
	sent, retried, rateLimited, blocked, migrated, ambiguous, failed, dropped, superseded atomic.Uint64
}

// Sender delivers messages to Telegram within the rate limits. It is safe
// for concurrent use. Create it with New and stop it with Close.
type Sender struct {
	api    API
	opts   Options
	log    *slog.Logger
	redact func(string) string

	base    context.Context // cancelled when Close gives up waiting
	cancel  context.CancelFunc
	closing chan struct{}
	drained chan struct{}
	once    sync.Once

	global      *rate.Limiter
	globalPause atomic.Int64 // unix nanoseconds before which no proactive send starts

	mu       sync.Mutex
	closed   bool
	chats    map[int64]*chatQueue
	migrated map[int64]int64
	wg       sync.WaitGroup

	stats counters
}

// New returns a Sender that sends through api.
func New(api API, opts Options) *Sender {
	opts = withDefaults(opts)
	base, cancel := context.WithCancel(context.Background())
	s := &Sender{
		api:      api,
		opts:     opts,
		log:      opts.Logger,
		redact:   redactor(api, opts.Redact),
		base:     base,
		cancel:   cancel,
		closing:  make(chan struct{}),
		drained:  make(chan struct{}),
		global:   rate.NewLimiter(opts.GlobalRate, opts.GlobalBurst),
		chats:    make(map[int64]*chatQueue),
		migrated: make(map[int64]int64),
	}
	return s
}

func withDefaults(o Options) Options {
	if o.PerChatRate == 0 {
		o.PerChatRate = 1
	}
	if o.PerChatBurst <= 0 {
		o.PerChatBurst = 5
	}
	if o.GlobalRate == 0 {
		o.GlobalRate = 30
	}
	if o.GlobalBurst <= 0 {
		o.GlobalBurst = 1
	}
	if o.GroupPerMinute <= 0 {
		o.GroupPerMinute = 20
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 5
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 500 * time.Millisecond
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = refillTime(o)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	return o
}

// refillTime is how long the per-chat and group buckets need to fill up
// again, so that reaping an idle queue (and its buckets) loses nothing.
func refillTime(o Options) time.Duration {
	d := 5 * time.Second
	if o.PerChatRate != rate.Inf && o.PerChatRate > 0 {
		if t := time.Duration(float64(o.PerChatBurst) / float64(o.PerChatRate) * float64(time.Second)); t > d {
			d = t
		}
	}
	if t := time.Duration(groupBurst(o)) * time.Minute / time.Duration(o.GroupPerMinute); t > d {
		d = t
	}
	return d + time.Second
}

func groupBurst(o Options) int {
	return min(o.PerChatBurst, o.GroupPerMinute)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Send queues m behind the chat's earlier messages, waits for its turn and
// its delivery, and returns what Telegram answered. A callback answer is
// sent at once. An invalid m (see Message.Validate) fails with ErrRejected
// and no request. Errors: ErrBlocked, ErrAmbiguous, ErrRateLimited,
// ErrUnavailable, ErrRejected, ErrClosed, or ctx's error if ctx ended before
// the message was sent (once the request is on the wire, Send waits for it).
func (s *Sender) Send(ctx context.Context, m Message) (Result, error) {
	if err := m.Validate(); err != nil {
		s.logFailure(m, err)
		return Result{}, err
	}
	c := m.chattable()
	if m.Method.callback() {
		if s.isClosed() {
			return Result{}, ErrClosed
		}
		return s.answerNow(ctx, m, c)
	}
	it := s.newItem(ctx, m, c)
	if !s.push(it) {
		return Result{}, fmt.Errorf("%s to chat %d: %w", m.Method, m.ChatID, ErrClosed)
	}
	select {
	case <-it.done:
		return it.res, it.err
	case <-ctx.Done():
		if it.state.CompareAndSwap(itemQueued, itemCancelled) {
			s.stats.dropped.Add(1)
			return Result{}, fmt.Errorf("%s to chat %d: %w", m.Method, m.ChatID, ctx.Err())
		}
		<-it.done
		return it.res, it.err
	}
}

// Enqueue queues m for delivery and returns at once. Messages to one chat
// are delivered in the order they were enqueued; a failure (an invalid m
// included) is logged and counted. A callback answer is sent at once, not
// behind the queue. After Close, m is dropped (logged).
func (s *Sender) Enqueue(m Message) {
	if err := m.Validate(); err != nil {
		s.logFailure(m, err)
		return
	}
	c := m.chattable()
	if m.Method.callback() {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			s.drop(m)
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			_, _ = s.answerNow(s.base, m, c)
		}()
		return
	}
	if !s.push(s.newItem(s.base, m, c)) {
		s.drop(m)
	}
}

func (s *Sender) drop(m Message) {
	s.stats.dropped.Add(1)
	s.log.Warn("telegram message dropped: sender closed",
		slog.Int64("chat_id", m.ChatID), slog.String("method", m.methodLabel()), slog.String("key", m.Key))
}

func (s *Sender) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close stops accepting messages and waits until every queued message is
// delivered or given up. If ctx ends first, pending waits are abandoned
// (their messages fail with ErrClosed) and ctx's error is returned. Close is
// idempotent: later calls wait for the same drain.
func (s *Sender) Close(ctx context.Context) error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.closing)
		go func() {
			s.wg.Wait()
			close(s.drained)
		}()
	})
	select {
	case <-s.drained:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		return fmt.Errorf("close sender: %w", ctx.Err())
	}
}

// Stats returns a snapshot of the counters.
func (s *Sender) Stats() Stats {
	c := &s.stats
	return Stats{
		Sent:        c.sent.Load(),
		Retried:     c.retried.Load(),
		RateLimited: c.rateLimited.Load(),
		Blocked:     c.blocked.Load(),
		Migrated:    c.migrated.Load(),
		Ambiguous:   c.ambiguous.Load(),
		Failed:      c.failed.Load(),
		Dropped:     c.dropped.Load(),
		Superseded:  c.superseded.Load(),
	}
}
