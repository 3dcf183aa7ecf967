package session

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// sweepEvery is how many writes pass between sweeps of expired entries.
const sweepEvery = 1024

// Memory is the in-process Store: sessions, locks and seen updates live in
// maps, with TTLs measured on the injected clock. It is for one process
// only (the embedded default); its locks do not reach other processes.
type Memory struct {
	now func() time.Time

	mu       sync.Mutex
	sessions map[int64]memEntry
	locks    map[string]memLock
	updates  map[int64]time.Time // expiry; zero: never
	writes   int

	wait waiting // the chats' waiting rooms (queue.go)
}

type memEntry struct {
	s       Session
	expires time.Time // zero: never
}

type memLock struct {
	token   string
	expires time.Time
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-process store; now is its clock (nil:
// time.Now).
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, sessions: map[int64]memEntry{}, locks: map[string]memLock{}, updates: map[int64]time.Time{}}
}

// expired reports whether an expiry time has passed (zero never does).
func expired(exp, now time.Time) bool { return !exp.IsZero() && !now.Before(exp) }

// expiry turns a ttl into an expiry time (zero for ttl <= 0).
func expiry(now time.Time, ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return now.Add(ttl)
}

// Get returns the chat's session, or ErrNotFound.
func (m *Memory) Get(ctx context.Context, chatID int64) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.sessions[chatID]
	if !ok || expired(e.expires, m.now()) {
		delete(m.sessions, chatID)
		return Session{}, fmt.Errorf("chat %d: %w", chatID, ErrNotFound)
	}
	return cloneSession(e.s), nil
}

// Put stores s if its version matches (compare-and-set); see Store.
func (m *Memory) Put(ctx context.Context, s Session, ttl time.Duration) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	var cur int64
	if e, ok := m.sessions[s.ChatID]; ok && !expired(e.expires, now) {
		cur = e.s.Version
	}
	if s.Version != cur {
		return Session{}, fmt.Errorf("put chat %d: version %d, stored %d: %w", s.ChatID, s.Version, cur, ErrConflict)
	}
	s = cloneSession(s)
	s.Version++
	m.sessions[s.ChatID] = memEntry{s: s, expires: expiry(now, ttl)}
	m.wrote(now)
	return cloneSession(s), nil
}

// Delete removes the chat's session.
func (m *Memory) Delete(ctx context.Context, chatID int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, chatID)
	return nil
}

// Lock takes the named lock, waiting until it is free or ctx ends.
func (m *Memory) Lock(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	if err := checkLockArgs(key, ttl); err != nil {
		return nil, err
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	return acquire(ctx, key,
		func() (bool, error) { return m.tryLock(key, token, ttl), nil },
		func() { m.unlock(key, token) })
}

func (m *Memory) tryLock(key, token string, ttl time.Duration) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if l, ok := m.locks[key]; ok && !expired(l.expires, now) {
		return false
	}
	m.locks[key] = memLock{token: token, expires: now.Add(ttl)}
	m.wrote(now)
	return true
}

// unlock releases the lock only if token still holds it.
func (m *Memory) unlock(key, token string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.locks[key]; ok && l.token == token {
		delete(m.locks, key)
	}
}

// SeenUpdate reports whether the update id is seen for the first time
// within ttl.
func (m *Memory) SeenUpdate(ctx context.Context, updateID int64, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if exp, ok := m.updates[updateID]; ok && !expired(exp, now) {
		return false, nil
	}
	m.updates[updateID] = expiry(now, ttl)
	m.wrote(now)
	return true, nil
}

// Flush forgets everything, as a restart of the process would (tests use
// it to simulate a lost session store).
func (m *Memory) Flush() {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.sessions)
	clear(m.locks)
	clear(m.updates)
}

// wrote counts a write and now and then drops expired entries, so the
// maps do not grow without bound. Called with m.mu held.
func (m *Memory) wrote(now time.Time) {
	m.writes++
	if m.writes%sweepEvery != 0 {
		return
	}
	for k, e := range m.sessions {
		if expired(e.expires, now) {
			delete(m.sessions, k)
		}
	}
	for k, l := range m.locks {
		if expired(l.expires, now) {
			delete(m.locks, k)
		}
	}
	for k, exp := range m.updates {
		if expired(exp, now) {
			delete(m.updates, k)
		}
	}
}

// cloneSession copies s so that callers never share Data with the store.
func cloneSession(s Session) Session {
	if s.Data != nil {
		s.Data = append([]byte(nil), s.Data...)
	}
	return s
}
