package sender

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

// Item states: a worker moves an item from queued to started; Send moves it
// from queued to cancelled when its context ends first.
const (
	itemQueued int32 = iota
	itemStarted
	itemCancelled
)

// item is one queued message, possibly split into several parts.
type item struct {
	ctx     context.Context
	release func()
	msg     Message
	parts   []tgbotapi.Chattable
	state   atomic.Int32
	done    chan struct{}
	res     Result
	err     error
}

// chatQueue is the FIFO and the pacing state of one chat. Only its worker
// touches the limiters and pausedUntil; items, running and the map entry are
// guarded by Sender.mu.
type chatQueue struct {
	id          int64
	items       []*item
	running     bool
	wake        chan struct{}
	limiter     *rate.Limiter
	group       *rate.Limiter // nil for private chats
	pausedUntil time.Time
}

// newItem prepares m, converted to c; its waits end with ctx or when Close
// gives up.
func (s *Sender) newItem(ctx context.Context, m Message, c tgbotapi.Chattable) *item {
	it := &item{msg: m, parts: splitParts(c), done: make(chan struct{})}
	if ctx == s.base {
		it.ctx, it.release = ctx, func() {}
		return it
	}
	cctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.base, cancel)
	it.ctx = cctx
	it.release = func() { stop(); cancel() }
	return it
}

func (it *item) finish(res Result, err error) {
	it.res, it.err = res, err
	it.release()
	close(it.done)
}

func (s *Sender) newQueue(id int64) *chatQueue {
	q := &chatQueue{
		id:      id,
		wake:    make(chan struct{}, 1),
		limiter: rate.NewLimiter(s.opts.PerChatRate, s.opts.PerChatBurst),
	}
	if id < 0 {
		perMinute := rate.Limit(float64(s.opts.GroupPerMinute) / 60)
		q.group = rate.NewLimiter(perMinute, groupBurst(s.opts))
	}
	return q
}

// push appends it to its chat's queue and starts the chat's worker if
// needed. It reports false once the sender is closed.
func (s *Sender) push(it *item) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		it.release()
		return false
	}
	id := it.msg.ChatID
	if to, ok := s.migrated[id]; ok {
		id = to
	}
	q := s.chats[id]
	if q == nil {
		q = s.newQueue(id)
		s.chats[id] = q
	}
	q.items = append(q.items, it)
	s.opts.Metrics.QueueAdd(1)
	if !q.running {
		q.running = true
		s.wg.Add(1)
		go s.run(q)
		return true
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// run is a chat's worker: it delivers the chat's items in order and exits
// once the queue stayed empty for IdleTimeout (or at Close).
func (s *Sender) run(q *chatQueue) {
	defer s.wg.Done()
	for {
		it := s.next(q)
		if it == nil {
			return
		}
		s.process(q, it)
	}
}

// next pops the chat's next item, waiting while the queue is idle; it
// returns nil when the queue was reaped: at Close, or once it stayed empty
// for IdleTimeout (on Options.Now) and no 429 pause is pending. A wake
// left over from an item already taken does not reap it early, which would
// forget the tokens spent.
func (s *Sender) next(q *chatQueue) *item {
	var idleSince time.Time
	for {
		s.mu.Lock()
		if len(q.items) > 0 {
			it := q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			s.opts.Metrics.QueueAdd(-1)
			s.mu.Unlock()
			return it
		}
		s.mu.Unlock()
		now := s.opts.Now()
		if idleSince.IsZero() {
			idleSince = now
		}
		wait := max(s.opts.IdleTimeout-now.Sub(idleSince), q.pausedUntil.Sub(now))
		t := time.NewTimer(wait)
		select {
		case <-q.wake:
		case <-s.closing:
		case <-t.C:
		}
		t.Stop()
		s.mu.Lock()
		if len(q.items) > 0 {
			s.mu.Unlock()
			continue
		}
		now = s.opts.Now()
		if !s.closed && (now.Sub(idleSince) < s.opts.IdleTimeout || q.pausedUntil.After(now)) {
			s.mu.Unlock()
			continue
		}
		q.running = false
		delete(s.chats, q.id)
		s.mu.Unlock()
		return nil
	}
}

// process delivers one item and reports its outcome.
func (s *Sender) process(q *chatQueue, it *item) {
	if !it.state.CompareAndSwap(itemQueued, itemStarted) {
		it.release()
		return // cancelled by Send
	}
	res, err := s.deliverAll(it.ctx, q, it)
	if err != nil && !errors.Is(err, ErrSuperseded) {
		s.logFailure(it.msg, err)
	}
	it.finish(res, err)
	s.done(it.msg, res, err)
	if errors.Is(err, ErrBlocked) {
		s.failQueued(q, err)
	}
}

// deliverAll sends the parts of it one after the other.
func (s *Sender) deliverAll(ctx context.Context, q *chatQueue, it *item) (Result, error) {
	var res Result
	for _, part := range it.parts {
		r, err := s.deliver(ctx, q, it.msg, part)
		if err != nil {
			return res, err
		}
		if len(it.parts) > 1 {
			res.MessageIDs = append(res.MessageIDs, r.MessageID)
		}
		res.ChatID, res.MessageID, res.NotModified = r.ChatID, r.MessageID, r.NotModified
	}
	return res, nil
}

// failQueued fails every message still queued for a chat found blocked:
// they would all be refused.
func (s *Sender) failQueued(q *chatQueue, err error) {
	s.mu.Lock()
	items := q.items
	q.items = nil
	s.opts.Metrics.QueueAdd(-len(items))
	s.mu.Unlock()
	for _, it := range items {
		if !it.state.CompareAndSwap(itemQueued, itemStarted) {
			it.release()
			continue
		}
		s.stats.failed.Add(1)
		it.finish(Result{}, err)
		s.done(it.msg, Result{}, err)
	}
	if len(items) > 0 {
		s.log.Warn("telegram messages dropped for blocked chat",
			slog.Int64("chat_id", q.id), slog.Int("count", len(items)))
	}
}

// done reports a queued message's outcome to Options.OnDone.
func (s *Sender) done(m Message, res Result, err error) {
	if s.opts.OnDone != nil {
		s.opts.OnDone(m, res, err)
	}
}

// answerNow sends a callback answer m, converted to c, without pacing.
func (s *Sender) answerNow(ctx context.Context, m Message, c tgbotapi.Chattable) (Result, error) {
	res, err := s.deliver(ctx, nil, m, c)
	if err != nil {
		s.logFailure(m, err)
	}
	return res, err
}

func (s *Sender) logFailure(m Message, err error) {
	s.stats.failed.Add(1)
	s.log.Warn("telegram send failed",
		slog.Int64("chat_id", m.ChatID),
		slog.String("method", m.methodLabel()),
		slog.String("key", m.Key),
		slog.Bool("proactive", m.Proactive),
		slog.String("error", err.Error()))
}
