package sender

import (
	"context"
	"net/http"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/internal/testkit"
)

// queues returns how many chat queues (and workers) are alive.
func (s *Sender) queues() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.chats)
}

// TestIdleQueueReapedOnItsClock: an empty chat queue is reaped once it has
// been idle for IdleTimeout on Options.Now, not before (its token bucket
// would be forgotten) and not never (its worker would leak).
func TestIdleQueueReapedOnItsClock(t *testing.T) {
	emu := botapitest.New(botapitest.Options{})
	if _, err := emu.Listen(""); err != nil {
		t.Fatalf("emulator Listen: %v", err)
	}
	t.Cleanup(emu.Close)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	clock := testkit.NewClock(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
	const idle = 20 * time.Millisecond
	s := New(api, Options{Now: clock.Now, Sleep: clock.Sleep, IdleTimeout: idle})
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	u := emu.User(701)
	for range 2 { // the second push leaves a wake behind for the idle worker
		s.Enqueue(Text(u.ID(), "halo"))
	}
	waitFor(t, "both messages sent", func() bool { return len(u.Messages()) == 2 })

	// Real time passes, several idle timeouts of it, but the injected clock
	// stands still: the queue stays.
	time.Sleep(5 * idle)
	if n := s.queues(); n != 1 {
		t.Fatalf("%d queues after real time only, want the chat's queue kept", n)
	}
	clock.Advance(idle)
	waitFor(t, "the idle queue reaped", func() bool { return s.queues() == 0 })
}

// waitFor polls cond for up to 5 s of real time (a hang guard).
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	guard := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(guard) {
			tb.Fatalf("still not %s after 5 s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
