package session_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
)

// takeTurn takes chat's turn, failing the test unless it is free.
func takeTurn(t *testing.T, s session.Store, chat, update int64) session.Turn {
	t.Helper()
	turn, head, ok, err := s.TryTurn(context.Background(), chat, update, time.Minute)
	if err != nil || !ok {
		t.Fatalf("TryTurn(chat %d, update %d) = ok %v, head %d, %v; want the turn", chat, update, ok, head, err)
	}
	return turn
}

func TestTurnCarriesSessionAndLock(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		s, peer := h.store, h.peer(t)

		turn := takeTurn(t, s, 7, 0)
		if turn.Found || turn.Session.Version != 0 || turn.Session.Data != nil {
			t.Fatalf("new chat: turn session %+v found %v; want none", turn.Session, turn.Found)
		}
		// While the turn is held, nobody else gets it, nor the plain lock.
		if _, head, ok, err := peer.TryTurn(ctx, 7, 0, time.Minute); ok || err != nil || head != 0 {
			t.Fatalf("second TryTurn while held = ok %v, head %d, %v; want refused", ok, head, err)
		}
		lctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		if _, err := peer.Lock(lctx, "chat:7", time.Minute); err == nil {
			t.Fatal(`Lock("chat:7") succeeded while the turn was held`)
		}
		cancel()
		// Another chat is independent.
		other := takeTurn(t, peer, 8, 0)
		if _, err := peer.EndTurn(ctx, other, nil, time.Hour); err != nil {
			t.Fatal(err)
		}

		saved, err := s.EndTurn(ctx, turn, &session.Session{ChatID: 7, Version: 0, Data: []byte(`{"q":1}`)}, time.Hour)
		if err != nil || saved.Version != 1 || string(saved.Data) != `{"q":1}` {
			t.Fatalf("EndTurn with save = %+v, %v; want version 1", saved, err)
		}
		got, err := peer.Get(ctx, 7)
		if err != nil || got.Version != 1 || string(got.Data) != `{"q":1}` {
			t.Fatalf("Get after EndTurn = %+v, %v", got, err)
		}

		// The next turn starts from the saved session; ending without a
		// save keeps it.
		turn = takeTurn(t, peer, 7, 0)
		if !turn.Found || turn.Session.Version != 1 || string(turn.Session.Data) != `{"q":1}` {
			t.Fatalf("second turn session %+v found %v; want version 1", turn.Session, turn.Found)
		}
		if _, err := peer.EndTurn(ctx, turn, nil, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, 7); err != nil || got.Version != 1 {
			t.Fatalf("after a turn without save: %+v, %v; want version 1 kept", got, err)
		}
	})
}

func TestEndTurnConflictStillUnlocks(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		s := h.store
		turn := takeTurn(t, s, 9, 0)
		// Someone wrote the session meanwhile (e.g. an expired lock's holder).
		if _, err := s.Put(ctx, session.Session{ChatID: 9, Data: []byte("other")}, time.Hour); err != nil {
			t.Fatal(err)
		}
		_, err := s.EndTurn(ctx, turn, &session.Session{ChatID: 9, Version: turn.Session.Version, Data: []byte("mine")}, time.Hour)
		if !errors.Is(err, session.ErrConflict) {
			t.Fatalf("EndTurn over a moved session = %v; want ErrConflict", err)
		}
		if got, _ := s.Get(ctx, 9); string(got.Data) != "other" {
			t.Fatalf("session %q; the conflicting save must not land", got.Data)
		}
		next := takeTurn(t, s, 9, 0) // the lock was released anyway
		if _, err := s.EndTurn(ctx, next, nil, time.Hour); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTurnWaitsForSmallerUpdate(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		s := h.store
		for _, id := range []int64{502, 501} {
			if err := s.Arrive(ctx, 5, id, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		_, head, ok, err := s.TryTurn(ctx, 5, 502, time.Minute)
		if ok || err != nil || head != 501 {
			t.Fatalf("TryTurn for 502 with 501 waiting = ok %v, head %d, %v; want refused, head 501", ok, head, err)
		}
		first := takeTurn(t, s, 5, 501) // the refusal released the lock
		if _, err := s.EndTurn(ctx, first, nil, time.Hour); err != nil {
			t.Fatal(err)
		}
		if id, err := s.Head(ctx, 5); err != nil || id != 502 {
			t.Fatalf("after 501's turn: head %d, %v; want 502 (EndTurn leaves the room)", id, err)
		}
		second := takeTurn(t, s, 5, 502)
		if _, err := s.EndTurn(ctx, second, nil, time.Hour); err != nil {
			t.Fatal(err)
		}
		if id, err := s.Head(ctx, 5); err != nil || id != 0 {
			t.Fatalf("emptied room: head %d, %v", id, err)
		}
		// Without an update id the room is not consulted.
		if err := s.Arrive(ctx, 5, 600, time.Minute); err != nil {
			t.Fatal(err)
		}
		polled := takeTurn(t, s, 5, 0)
		if _, err := s.EndTurn(ctx, polled, nil, time.Hour); err != nil {
			t.Fatal(err)
		}
		if id, _ := s.Head(ctx, 5); id != 600 {
			t.Fatalf("a turn without update id took 600 out of the room (head %d)", id)
		}
	})
}

func TestTurnExclusionConcurrent(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		stores := []session.Store{h.store, h.peer(t)}
		var inside, maxInside, done int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				s := stores[w%2]
				for range 20 {
					var turn session.Turn
					for {
						tr, _, ok, err := s.TryTurn(ctx, 11, 0, time.Minute)
						if err != nil {
							t.Error(err)
							return
						}
						if ok {
							turn = tr
							break
						}
						time.Sleep(100 * time.Microsecond)
					}
					mu.Lock()
					inside++
					maxInside = max(maxInside, inside)
					mu.Unlock()
					time.Sleep(50 * time.Microsecond)
					mu.Lock()
					inside--
					done++
					mu.Unlock()
					save := turn.Session
					if _, err := s.EndTurn(ctx, turn, &save, time.Hour); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if maxInside != 1 || done != 160 {
			t.Fatalf("%d turns, at most %d at once; want 160, 1", done, maxInside)
		}
		if got, err := h.store.Get(ctx, 11); err != nil || got.Version != 160 {
			t.Fatalf("session version %d, %v; want 160 (each turn saved over the last)", got.Version, err)
		}
	})
}

func TestTurnBadArguments(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		if _, _, _, err := h.store.TryTurn(context.Background(), 1, 0, 0); err == nil {
			t.Fatal("TryTurn with a zero ttl succeeded")
		}
	})
}

// TestTurnOverBadVersion: a Redis session whose version is not a number
// (written by something else) is taken as missing, and saving over it is
// refused, so the bot drops it and rebuilds.
func TestTurnOverBadVersion(t *testing.T) {
	prefix := sessiontest.Prefix(t)
	s := sessiontest.RedisAt(t, prefix)
	client, err := session.OpenRedis(sessiontest.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	if err := client.HSet(ctx, prefix+"session:12", "v", "x", "d", "{}").Err(); err != nil {
		t.Fatal(err)
	}
	turn := takeTurn(t, s, 12, 0)
	if turn.Found {
		t.Fatalf("a session with version %q was found: %+v", "x", turn.Session)
	}
	_, err = s.EndTurn(ctx, turn, &session.Session{ChatID: 12, Data: []byte("new")}, time.Hour)
	if !errors.Is(err, session.ErrConflict) {
		t.Fatalf("saving over a bad version = %v; want ErrConflict", err)
	}
	takeTurn(t, s, 12, 0) // the lock was released
}

func TestExtendTurnKeepsTheLease(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		s, peer := h.store, h.peer(t)
		turn, _, ok, err := s.TryTurn(ctx, 9, 0, 300*time.Millisecond)
		if err != nil || !ok {
			t.Fatalf("TryTurn = %v, %v", ok, err)
		}
		// Renewed before it runs out, the lease outlives its first ttl.
		for range 3 {
			h.advance(200 * time.Millisecond)
			if err := s.ExtendTurn(ctx, turn, 300*time.Millisecond); err != nil {
				t.Fatalf("ExtendTurn while held: %v", err)
			}
		}
		if _, _, ok, err := peer.TryTurn(ctx, 9, 0, time.Minute); ok || err != nil {
			t.Fatalf("TryTurn while the lease is renewed = %v, %v; want refused", ok, err)
		}
		// Not renewed, it runs out and another holder takes the chat;
		// the old holder cannot renew it any more.
		h.advance(400 * time.Millisecond)
		next, _, ok, err := peer.TryTurn(ctx, 9, 0, time.Minute)
		if err != nil || !ok {
			t.Fatalf("TryTurn after the lease ran out = %v, %v; want the turn", ok, err)
		}
		if err := s.ExtendTurn(ctx, turn, time.Minute); !errors.Is(err, session.ErrTurnLost) {
			t.Fatalf("ExtendTurn of a lost turn = %v, want ErrTurnLost", err)
		}
		if _, err := peer.EndTurn(ctx, next, nil, time.Hour); err != nil {
			t.Fatal(err)
		}
	})
}
