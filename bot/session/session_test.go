package session_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/internal/testkit"
)

// harness is one Store implementation under the shared suite.
type harness struct {
	store session.Store
	// peer returns another handle on the same data (a second Redis client;
	// the same Memory, which is one process only).
	peer func(t *testing.T) session.Store
	// advance lets d pass for TTLs (a fake clock, or a real sleep).
	advance func(d time.Duration)
	// flush loses every key, as a flushed or restarted Redis would.
	flush func(t *testing.T)
}

func memoryHarness(t *testing.T) harness {
	t.Helper()
	clock := testkit.NewClock(time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC))
	m := session.NewMemory(clock.Now)
	return harness{
		store:   m,
		peer:    func(*testing.T) session.Store { return m },
		advance: clock.Advance,
		flush:   func(*testing.T) { m.Flush() },
	}
}

func redisHarness(t *testing.T) harness {
	t.Helper()
	prefix := sessiontest.Prefix(t)
	r := sessiontest.RedisAt(t, prefix)
	if _, err := r.Get(context.Background(), 1); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Redis at %s does not answer: %v", sessiontest.RedisURL(t), err)
	}
	return harness{
		store:   r,
		peer:    func(t *testing.T) session.Store { return sessiontest.RedisAt(t, prefix) },
		advance: time.Sleep,
		flush: func(t *testing.T) {
			if err := r.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
		},
	}
}

// forEachStore runs fn on each implementation.
func forEachStore(t *testing.T, fn func(t *testing.T, h harness)) {
	t.Helper()
	t.Run("memory", func(t *testing.T) { fn(t, memoryHarness(t)) })
	t.Run("redis", func(t *testing.T) { fn(t, redisHarness(t)) })
}

func TestGetPutCompareAndSet(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		if _, err := h.store.Get(ctx, 10); !errors.Is(err, session.ErrNotFound) {
			t.Fatalf("Get of a new chat = %v; want ErrNotFound", err)
		}
		s1, err := h.store.Put(ctx, session.Session{ChatID: 10, Data: []byte(`{"q":"u1"}`)}, time.Hour)
		if err != nil || s1.Version != 1 {
			t.Fatalf("first Put = %+v, %v; want version 1", s1, err)
		}
		steps := []struct {
			name    string
			version int64
			data    string
			want    error
		}{
			{"create again", 0, `{}`, session.ErrConflict},
			{"stale version", 5, `{}`, session.ErrConflict},
			{"current version", 1, `{"q":"u2"}`, nil},
			{"the version just replaced", 1, `{"q":"x"}`, session.ErrConflict},
		}
		for _, st := range steps {
			_, err := h.store.Put(ctx, session.Session{ChatID: 10, Version: st.version, Data: []byte(st.data)}, time.Hour)
			if !errors.Is(err, st.want) {
				t.Fatalf("%s: Put = %v; want %v", st.name, err, st.want)
			}
		}
		got, err := h.store.Get(ctx, 10)
		if err != nil || got.Version != 2 || string(got.Data) != `{"q":"u2"}` || got.ChatID != 10 {
			t.Fatalf("Get = %+v (%s), %v; want version 2 with u2", got, got.Data, err)
		}
		if _, err := h.store.Put(ctx, session.Session{ChatID: 11, Version: 3}, time.Hour); !errors.Is(err, session.ErrConflict) {
			t.Fatalf("Put with a version on a missing session = %v; want ErrConflict", err)
		}
	})
}

func TestConcurrentCompareAndSet(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		const workers, each = 4, 10
		var wg sync.WaitGroup
		for w := range workers {
			st := h.store
			if w%2 == 1 {
				st = h.peer(t)
			}
			wg.Go(func() {
				for range each {
					for { // read-modify-write until the CAS holds
						cur, err := st.Get(ctx, 20)
						n := 0
						if err == nil {
							n, _ = strconv.Atoi(string(cur.Data))
						} else if !errors.Is(err, session.ErrNotFound) {
							t.Error(err)
							return
						}
						_, err = st.Put(ctx, session.Session{ChatID: 20, Version: cur.Version, Data: []byte(strconv.Itoa(n + 1))}, time.Hour)
						if err == nil {
							break
						}
						if !errors.Is(err, session.ErrConflict) {
							t.Error(err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		got, err := h.store.Get(ctx, 20)
		if err != nil || string(got.Data) != strconv.Itoa(workers*each) || got.Version != workers*each {
			t.Fatalf("after %d increments: %+v (%s), %v", workers*each, got, got.Data, err)
		}
	})
}

func TestTTLExpiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		const ttl = 1500 * time.Millisecond
		if _, err := h.store.Put(ctx, session.Session{ChatID: 30, Data: []byte("x")}, ttl); err != nil {
			t.Fatal(err)
		}
		if first, err := h.store.SeenUpdate(ctx, 3000, ttl); err != nil || !first {
			t.Fatalf("SeenUpdate = %v, %v; want first", first, err)
		}
		if _, err := h.store.Get(ctx, 30); err != nil {
			t.Fatalf("Get before expiry: %v", err)
		}
		h.advance(ttl + 200*time.Millisecond)
		if _, err := h.store.Get(ctx, 30); !errors.Is(err, session.ErrNotFound) {
			t.Fatalf("Get after expiry = %v; want ErrNotFound", err)
		}
		if s, err := h.store.Put(ctx, session.Session{ChatID: 30}, ttl); err != nil || s.Version != 1 {
			t.Fatalf("Put of a new session after expiry = %+v, %v; want version 1", s, err)
		}
		if first, err := h.store.SeenUpdate(ctx, 3000, ttl); err != nil || !first {
			t.Fatalf("SeenUpdate after its ttl = %v, %v; want first again", first, err)
		}
	})
}

func TestSeenUpdateOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		peer := h.peer(t)
		var firsts atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			st := h.store
			if i%2 == 1 {
				st = peer
			}
			wg.Go(func() {
				first, err := st.SeenUpdate(ctx, 4000, time.Hour)
				if err != nil {
					t.Error(err)
				}
				if first {
					firsts.Add(1)
				}
			})
		}
		wg.Wait()
		if firsts.Load() != 1 {
			t.Fatalf("%d callers saw update 4000 first; want 1", firsts.Load())
		}
		if first, err := h.store.SeenUpdate(ctx, 4001, time.Hour); err != nil || !first {
			t.Fatalf("another update = %v, %v; want first", first, err)
		}
	})
}

func TestDeleteAndFlush(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		for chat := int64(50); chat < 53; chat++ {
			if _, err := h.store.Put(ctx, session.Session{ChatID: chat, Data: []byte("x")}, time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.store.Delete(ctx, 50); err != nil {
			t.Fatal(err)
		}
		if _, err := h.store.Get(ctx, 50); !errors.Is(err, session.ErrNotFound) {
			t.Fatalf("Get after Delete = %v; want ErrNotFound", err)
		}
		if err := h.store.Delete(ctx, 50); err != nil {
			t.Fatalf("Delete of a missing session = %v; want nil", err)
		}
		if _, err := h.store.Get(ctx, 51); err != nil {
			t.Fatalf("Delete removed another chat: %v", err)
		}
		h.flush(t)
		for chat := int64(51); chat < 53; chat++ {
			if _, err := h.store.Get(ctx, chat); !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("Get of chat %d after a flush = %v; want ErrNotFound", chat, err)
			}
		}
	})
}
