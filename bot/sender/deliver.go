package sender

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/kotasolok/egovpulse/internal/metrics"
)

// tries counts the retries spent on one message, per kind of failure.
type tries struct {
	limited, transient int
	migrated           bool
}

// deliver sends one request, waiting for the chat's turn first (q is nil for
// callback answers, which are not paced) and handling 429, 403, migration
// and transient failures.
func (s *Sender) deliver(ctx context.Context, q *chatQueue, m Message, c tgbotapi.Chattable) (Result, error) {
	var t tries
	chatID := m.ChatID
	for {
		chatID, c = s.followMigration(chatID, c)
		waited, err := s.pace(ctx, q, m.Proactive)
		if err != nil {
			return Result{}, s.fail(m, chatID, s.interrupted(err), err)
		}
		if waited && s.superseded(ctx, m) {
			s.stats.superseded.Add(1)
			return Result{}, fmt.Errorf("%s to chat %d (turn %d): %w", m.Method, chatID, m.Turn, ErrSuperseded)
		}
		res, err := s.call(c)
		if err == nil {
			s.opts.Metrics.Sent(metrics.SendOK)
			s.stats.sent.Add(1)
			res.ChatID = chatID
			return res, nil
		}
		f := classify(err, m.Method)
		s.opts.Metrics.Sent(f.outcome())
		switch f.kind {
		case kindNotModified:
			s.stats.sent.Add(1)
			return Result{ChatID: chatID, NotModified: true}, nil
		case kindRateLimited:
			if err := s.onRateLimited(ctx, q, m, &t, f.retryAfter); err != nil {
				return Result{}, s.fail(m, chatID, err, f.err)
			}
		case kindMigrated:
			if t.migrated {
				return Result{}, s.fail(m, chatID, ErrRejected, f.err)
			}
			t.migrated = true
			s.migrate(chatID, f.migrateTo)
		case kindTransient:
			if err := s.backoff(ctx, &t); err != nil {
				return Result{}, s.fail(m, chatID, err, f.err)
			}
		case kindBlocked:
			s.stats.blocked.Add(1)
			if s.opts.OnBlocked != nil {
				s.opts.OnBlocked(chatID)
			}
			return Result{}, s.fail(m, chatID, ErrBlocked, f.err)
		case kindAmbiguous:
			s.stats.ambiguous.Add(1)
			return Result{}, s.fail(m, chatID, ErrAmbiguous, f.err)
		default:
			return Result{}, s.fail(m, chatID, ErrRejected, f.err)
		}
	}
}

// superseded asks Options.Superseded about a send of a turn's prompt.
func (s *Sender) superseded(ctx context.Context, m Message) bool {
	if s.opts.Superseded == nil || m.Turn == 0 {
		return false
	}
	switch m.Method {
	case MethodSendMessage, MethodSendPhoto, MethodSendDocument:
		return s.opts.Superseded(ctx, m)
	}
	return false
}

// fail builds the error returned for a message: the method, the chat, the
// sentinel and the cause, with secrets removed from the cause.
func (s *Sender) fail(m Message, chatID int64, sentinel, cause error) error {
	if sentinel == cause {
		return fmt.Errorf("%s to chat %d: %w", m.Method, chatID, cause)
	}
	return fmt.Errorf("%s to chat %d: %w: %w", m.Method, chatID, sentinel, s.clean(cause))
}

// onRateLimited records a 429: the chat (and, for a proactive message, the
// global proactive pace) sends nothing before retryAfter has passed. It
// returns ErrRateLimited when the retry budget is spent.
func (s *Sender) onRateLimited(ctx context.Context, q *chatQueue, m Message, t *tries, retryAfter time.Duration) error {
	s.stats.rateLimited.Add(1)
	t.limited++
	if t.limited > s.opts.MaxRetries {
		return ErrRateLimited
	}
	until := s.opts.Now().Add(retryAfter)
	s.log.Info("telegram rate limit",
		slog.Int64("chat_id", m.ChatID), slog.Duration("retry_after", retryAfter),
		slog.Bool("proactive", m.Proactive))
	if m.Proactive {
		s.pauseGlobal(until)
	}
	if q == nil {
		if err := s.opts.Sleep(ctx, retryAfter); err != nil {
			return s.interrupted(err)
		}
		return nil
	}
	q.pausedUntil = until
	return nil
}

// backoff waits before retrying a transient failure, doubling each time.
func (s *Sender) backoff(ctx context.Context, t *tries) error {
	t.transient++
	if t.transient > s.opts.MaxRetries {
		return ErrUnavailable
	}
	s.stats.retried.Add(1)
	d := s.opts.RetryBackoff << (t.transient - 1)
	if err := s.opts.Sleep(ctx, d); err != nil {
		return s.interrupted(err)
	}
	return nil
}

// interrupted names why a wait ended early: ErrClosed when Close gave up,
// else the caller's context error.
func (s *Sender) interrupted(err error) error {
	if s.base.Err() != nil {
		return ErrClosed
	}
	return err
}

// pauseGlobal holds every proactive send until until.
func (s *Sender) pauseGlobal(until time.Time) {
	n := until.UnixNano()
	for {
		cur := s.globalPause.Load()
		if cur >= n || s.globalPause.CompareAndSwap(cur, n) {
			return
		}
	}
}

// pace waits for the chat's turn: its 429 pause, its token bucket, the
// group bucket, and for proactive messages the global pause and bucket. It
// reports whether it had to wait.
func (s *Sender) pace(ctx context.Context, q *chatQueue, proactive bool) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if q == nil {
		return false, nil
	}
	var waited bool
	wait := func(w bool, err error) error {
		waited = waited || w
		return err
	}
	if err := wait(s.sleepUntil(ctx, q.pausedUntil)); err != nil {
		return waited, err
	}
	if err := wait(s.take(ctx, q.limiter)); err != nil {
		return waited, err
	}
	if err := wait(s.take(ctx, q.group)); err != nil || !proactive {
		return waited, err
	}
	if err := wait(s.sleepUntil(ctx, time.Unix(0, s.globalPause.Load()))); err != nil {
		return waited, err
	}
	if err := wait(s.take(ctx, s.global)); err != nil {
		return waited, err
	}
	// A 429 seen by another chat while this one waited for a token.
	return waited, wait(s.sleepUntil(ctx, time.Unix(0, s.globalPause.Load())))
}

func (s *Sender) sleepUntil(ctx context.Context, t time.Time) (bool, error) {
	if d := t.Sub(s.opts.Now()); d > 0 {
		return true, s.opts.Sleep(ctx, d)
	}
	return false, nil
}

// take waits for one token of l (none: nil), giving it back if ctx ends
// first.
func (s *Sender) take(ctx context.Context, l *rate.Limiter) (bool, error) {
	if l == nil || l.Limit() == rate.Inf {
		return false, nil
	}
	now := s.opts.Now()
	r := l.ReserveN(now, 1)
	if !r.OK() {
		return false, fmt.Errorf("rate limiter with burst %d refuses a message", l.Burst())
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return false, nil
	}
	if err := s.opts.Sleep(ctx, d); err != nil {
		r.CancelAt(s.opts.Now())
		return true, err
	}
	return true, nil
}

// call makes one request: through the lean JSON path when the API is a
// *Client, else through go-telegram-bot-api (see callLib).
func (s *Sender) call(c tgbotapi.Chattable) (Result, error) {
	var id int
	var err error
	if lc, ok := s.api.(*Client); ok {
		id, err = lc.send(c)
	} else {
		id, err = callLib(s.api, c)
	}
	return Result{MessageID: id}, err
}

// followMigration rewrites a message for a chat that became a supergroup.
func (s *Sender) followMigration(chatID int64, c tgbotapi.Chattable) (int64, tgbotapi.Chattable) {
	s.mu.Lock()
	to, ok := s.migrated[chatID]
	s.mu.Unlock()
	if !ok {
		return chatID, c
	}
	if moved, ok := withChatID(c, to); ok {
		return to, moved
	}
	return chatID, c
}

// migrate records that oldID is now newID and tells OnMigrated.
func (s *Sender) migrate(oldID, newID int64) {
	s.stats.migrated.Add(1)
	s.mu.Lock()
	s.migrated[oldID] = newID
	s.mu.Unlock()
	s.log.Info("telegram group migrated",
		slog.Int64("chat_id", oldID), slog.Int64("new_chat_id", newID))
	if s.opts.OnMigrated != nil {
		s.opts.OnMigrated(oldID, newID)
	}
}
