package session_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
)

func TestLockExclusion(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		stores := []session.Store{h.store, h.peer(t)} // two clients on Redis
		var inside, maxInside, done atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			st := stores[i%2]
			wg.Go(func() {
				for range 5 {
					unlock, err := st.Lock(ctx, "chat:1", 10*time.Second)
					if err != nil {
						t.Error(err)
						return
					}
					n := inside.Add(1)
					if n > maxInside.Load() {
						maxInside.Store(n)
					}
					time.Sleep(time.Millisecond)
					inside.Add(-1)
					done.Add(1)
					unlock()
				}
			})
		}
		wg.Wait()
		if maxInside.Load() != 1 || done.Load() != 40 {
			t.Fatalf("max holders at once = %d, sections run = %d; want 1, 40", maxInside.Load(), done.Load())
		}
		// Other keys are independent.
		unlock, err := h.store.Lock(ctx, "chat:1", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		other, err := stores[1].Lock(ctx, "chat:2", time.Minute)
		if err != nil {
			t.Fatalf("another key: %v", err)
		}
		other()
	})
}

func TestLockWaitsForContext(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		unlock, err := h.store.Lock(context.Background(), "job:recompute:2026-Q4", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
		defer cancel()
		_, err = h.peer(t).Lock(ctx, "job:recompute:2026-Q4", time.Minute)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Lock of a held key = %v; want the context's deadline", err)
		}
		// Giving up early with the deadline's error would leave ctx alive.
		if ctx.Err() == nil {
			t.Fatalf("Lock gave up (%v) before its context ended; want it to wait for the context", err)
		}
		for _, bad := range []struct {
			key string
			ttl time.Duration
		}{{"", time.Second}, {"k", 0}} {
			if _, err := h.store.Lock(context.Background(), bad.key, bad.ttl); err == nil {
				t.Errorf("Lock(%q, %s) succeeded; want an error", bad.key, bad.ttl)
			}
		}
	})
}

// TestUnlockReleasesOnlyOwnLock: a holder whose lock expired (it crashed or
// stalled) must not release the lock its successor took.
func TestUnlockReleasesOnlyOwnLock(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		const ttl = 1500 * time.Millisecond
		stale, err := h.store.Lock(ctx, "chat:9", ttl)
		if err != nil {
			t.Fatal(err)
		}
		h.advance(ttl + 200*time.Millisecond)
		peer := h.peer(t)
		successor, err := peer.Lock(ctx, "chat:9", time.Minute)
		if err != nil {
			t.Fatalf("Lock after the holder's ttl: %v", err)
		}
		stale() // must not release the successor's lock
		short, cancel := context.WithTimeout(ctx, 80*time.Millisecond)
		defer cancel()
		if _, err := h.store.Lock(short, "chat:9", time.Minute); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Lock after a stale unlock = %v; want it still held by the successor", err)
		}
		successor()
		successor() // unlock is idempotent
		again, err := h.store.Lock(ctx, "chat:9", time.Minute)
		if err != nil {
			t.Fatalf("Lock after the successor's unlock: %v", err)
		}
		again()
	})
}

func TestOpenRedisURL(t *testing.T) {
	tests := []struct {
		name, url string
		ok        bool
	}{
		{"plain", "redis://127.0.0.1:6379/0", true},
		{"password", "redis://:hunter2-secret@127.0.0.1:6379/2", true},
		{"no scheme", "127.0.0.1:6379", false},
		{"wrong scheme", "http://127.0.0.1:6379/0", false},
		{"bad db", "redis://:hunter2-secret@127.0.0.1:6379/notanumber", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := session.OpenRedis(tt.url)
			if tt.ok {
				if err != nil {
					t.Fatalf("OpenRedis(%q): %v", tt.url, err)
				}
				_ = c.Close()
				return
			}
			if err == nil {
				_ = c.Close()
				t.Fatalf("OpenRedis(%q) succeeded; want an error", tt.url)
			}
			if !strings.Contains(err.Error(), "redis://host:port/db") || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error %q should show the expected form and hide the password", err)
			}
		})
	}
}
