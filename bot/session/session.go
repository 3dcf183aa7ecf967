// Package session keeps the bot's per-chat conversation state between
// updates, with two implementations of one Store: Redis (any number of
// replicas) and in-process memory (one process only). A session is a cache:
// the database holds every answer, so a lost session is rebuilt from the
// in-progress response.
//
// Writes are compare-and-set on a version number, so two replicas that
// raced on one chat cannot silently overwrite each other. A chat's turn
// (TryTurn, EndTurn) is its lock taken together with its session, and
// released together with the session's save, in one round trip each; the
// waiting room (Arrive) orders one chat's updates across replicas. Lock is
// the plain named lock (the scheduled jobs use it), and SeenUpdate a fast
// first-seen check on Telegram update ids.
package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"
)

// Sentinel errors; test them with errors.Is.
var (
	// ErrNotFound: no session is stored for the chat (never stored,
	// expired, deleted or flushed).
	ErrNotFound = errors.New("session: not found")
	// ErrConflict: Put's version does not match the stored one.
	ErrConflict = errors.New("session: version conflict")
	// ErrTurnLost: the turn's lock expired or another holder took it.
	ErrTurnLost = errors.New("session: turn lost")
)

// Session is one chat's conversation state.
type Session struct {
	ChatID int64
	// Version counts the writes: 0 means "not stored yet"; Put returns the
	// session with the version it now has.
	Version int64
	// Data is opaque JSON owned by the bot.
	Data []byte
}

// Store keeps sessions, locks and seen update ids.
type Store interface {
	// Get returns the chat's session, or ErrNotFound.
	Get(ctx context.Context, chatID int64) (Session, error)
	// Put stores s if s.Version equals the stored version (0: nothing may
	// be stored), else returns ErrConflict. It returns the stored session,
	// whose Version is s.Version+1. ttl <= 0 keeps it without expiry.
	Put(ctx context.Context, s Session, ttl time.Duration) (Session, error)
	// Delete removes the chat's session; deleting a missing one is no error.
	Delete(ctx context.Context, chatID int64) error
	// Lock takes the named lock, waiting (polling with backoff) until it is
	// free or ctx ends. The lock expires after ttl if never released (a
	// crashed holder); unlock releases it only if it is still ours.
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error)
	// SeenUpdate reports whether this is the first time the update id is
	// seen within ttl (SET NX).
	SeenUpdate(ctx context.Context, updateID int64, ttl time.Duration) (firstTime bool, err error)
	// Arrive registers an update as waiting for its chat's turn (the
	// waiting room expires ttl after the last arrival); Depart removes it;
	// Head returns the smallest waiting update id of the chat, 0 when none.
	Arrive(ctx context.Context, chatID, updateID int64, ttl time.Duration) error
	Depart(ctx context.Context, chatID, updateID int64) error
	Head(ctx context.Context, chatID int64) (int64, error)
	// TryTurn tries once to take a chat's turn: its lock and, in the same
	// step, its session; with updateID > 0 only if no smaller id waits in
	// the chat's waiting room. EndTurn saves the session (when save is not
	// nil), leaves the waiting room and releases the lock. See turn.go.
	TryTurn(ctx context.Context, chatID, updateID int64, ttl time.Duration) (t Turn, head int64, ok bool, err error)
	EndTurn(ctx context.Context, t Turn, save *Session, ttl time.Duration) (Session, error)
	// ExtendTurn renews a turn's lock for another ttl while it is still the
	// turn's (a short lease renewed while the turn runs, so a crashed
	// holder's chat waits only about one ttl); ErrTurnLost when it is not.
	ExtendTurn(ctx context.Context, t Turn, ttl time.Duration) error
}

// Backoff bounds for Lock's polling.
const (
	minLockWait = 2 * time.Millisecond
	maxLockWait = 100 * time.Millisecond
)

// Backoff sleeps before the given retry (0, 1, …): base doubled per
// attempt up to ceiling, with jitter (half to all of it); it returns ctx's
// error if ctx ends first.
func Backoff(ctx context.Context, attempt int, base, ceiling time.Duration) error {
	d := min(base<<min(attempt, 16), ceiling)
	d = d/2 + mrand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// acquire polls try (with backoff) until it takes the lock or ctx ends,
// and returns an idempotent unlock that calls release once.
func acquire(ctx context.Context, key string, try func() (bool, error), release func()) (func(), error) {
	for attempt := 0; ; attempt++ {
		ok, err := try()
		if err != nil {
			return nil, fmt.Errorf("lock %q: %w", key, err)
		}
		if ok {
			var once sync.Once
			return func() { once.Do(release) }, nil
		}
		if err := Backoff(ctx, attempt, minLockWait, maxLockWait); err != nil {
			return nil, fmt.Errorf("lock %q: %w", key, err)
		}
	}
}

// newToken returns a random lock owner token.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("lock token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// checkLockArgs validates Lock's arguments.
func checkLockArgs(key string, ttl time.Duration) error {
	if key == "" {
		return errors.New("session: lock: empty key")
	}
	if ttl <= 0 {
		return fmt.Errorf("session: lock %q: ttl must be positive, got %s", key, ttl)
	}
	return nil
}
