package outbox_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/outbox/outboxtest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/internal/metrics/metricstest"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestBroadcastStoppedAndResumedSendsEachOnce drains a slot's reminders
// against an emulator enforcing Telegram's limits, with 429s, a blocked
// user, a migrated group and an ambiguous timeout injected; the drainer
// is stopped mid-way, a crashed drainer's rows are left behind, and a new
// drainer (new sender, same database) finishes.
func TestBroadcastStoppedAndResumedSendsEachOnce(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		r := newRig(t, st, telegramLimits, 500*time.Millisecond)
		users := r.users(5000, 60)
		group := r.emu.Group(-4001, "Forum OPD")
		super := group.Migrate(r.emu.User(4999), -1004001)
		blocked, ambiguous := users[3], users[5]
		r.emu.User(blocked).Block()
		r.emu.Fault("sendMessage", botapitest.AcceptedThenTimeout(2*time.Second).ForChat(ambiguous))
		r.emu.Fault("sendMessage", botapitest.TooManyRequests(3).ForChat(users[10]).Times(2))
		r.emu.Fault("sendMessage", botapitest.TooManyRequests(2).ForChat(users[40]))
		r.enqueue(t, "2026-12", append(users, group.ChatID()))
		r.enqueueKind(t, "digest", "2026-12", users[50:52]) // two messages to a chat: paced 1 s apart

		var blockedSeen []int64
		var mu sync.Mutex
		hook := outbox.Options{OnBlocked: func(_ context.Context, id int64) {
			mu.Lock()
			defer mu.Unlock()
			blockedSeen = append(blockedSeen, id)
		}}
		// The first drainer stops after 25 messages.
		runCtx, cancel := context.WithCancel(ctx)
		first := r.drainer(&outboxtest.StopAfter{S: r.sender(t), N: 25, Cancel: cancel}, hook)
		if err := first.Run(runCtx); err != nil {
			t.Fatalf("first drainer: %v", err)
		}
		mid := r.states(t)
		t.Logf("after the stop: %v", mid)
		if mid[storage.OutboxClaimed] != 0 || mid[storage.OutboxSending] != 0 || mid[storage.OutboxPending] == 0 {
			t.Fatalf("after the stop: %v, want nothing held and rows left pending", mid)
		}

		// A drainer that crashed: one row claimed, one on the wire.
		dead, err := st.ClaimOutbox(ctx, "dead", r.clock.Now(), r.clock.Now().Add(outbox.DefaultLease), 2)
		if err != nil || len(dead) != 2 {
			t.Fatalf("dead claim: %v, %v", dead, err)
		}
		if err := st.MarkOutboxSending(ctx, dead[1].ID, "dead", r.clock.Now(), r.clock.Now().Add(outbox.DefaultLease)); err != nil {
			t.Fatal(err)
		}
		r.clock.Advance(outbox.DefaultLease + time.Minute)

		second := r.drainer(r.sender(t), hook)
		if err := second.Drain(ctx); err != nil {
			t.Fatalf("second drainer: %v", err)
		}
		if len(blockedSeen) != 1 || blockedSeen[0] != blocked {
			t.Errorf("OnBlocked calls %v, want [%d]", blockedSeen, blocked)
		}

		lost := dead[1].Recipient // on the wire when its drainer died
		for _, id := range users {
			want := 1
			if id == users[50] || id == users[51] {
				want = 2
			}
			if id == blocked || id == lost {
				want = 0
			}
			if got := len(r.emu.User(id).Messages()); got != want {
				t.Errorf("user %d received %d messages, want %d", id, got, want)
			}
		}
		if got := len(super.Messages()); got != 1 {
			t.Errorf("the migrated group received %d messages, want 1", got)
		}
		if row := r.row(t, group.ChatID()); row.State != storage.OutboxSent || row.SentTo != super.ChatID() {
			t.Errorf("group row %s to %d, want sent to %d", row.State, row.SentTo, super.ChatID())
		}
		if row := r.row(t, blocked); row.State != storage.OutboxBlocked {
			t.Errorf("blocked user's row: %s (%s)", row.State, row.Reason)
		}
		if row := r.row(t, ambiguous); row.State != storage.OutboxUnknown {
			t.Errorf("ambiguous row: %s (%s), want unknown", row.State, row.Reason)
		}
		if row := r.row(t, lost); row.State != storage.OutboxUnknown || row.Reason != storage.ReasonLeaseExpired {
			t.Errorf("crashed sending row: %s (%s), want unknown", row.State, row.Reason)
		}
		want := map[string]int{storage.OutboxSent: 60, storage.OutboxBlocked: 1, storage.OutboxUnknown: 2}
		if got := r.states(t); len(got) != len(want) || got[storage.OutboxSent] != 60 || got[storage.OutboxBlocked] != 1 || got[storage.OutboxUnknown] != 2 {
			t.Errorf("final states %v, want %v", got, want)
		}

		byChat, all, limited := r.emu.SendTimes()
		if limited != 3 {
			t.Errorf("%d answers 429, want only the 3 injected (the drainer must keep to the limits)", limited)
		}
		if n := botapitest.MostInWindow(all, time.Second); n > 30 {
			t.Errorf("%d messages within one second (emulator clock), want at most 30", n)
		}
		for chat, times := range byChat {
			if n := botapitest.MostInWindow(times, time.Second); n > 1 {
				t.Errorf("chat %d got %d messages within one second", chat, n)
			}
		}
	})
}

// TestEnqueueOncePerRecipientKindSlot: a second job run of a slot writes
// nothing, and a message is refused before anything is written.
func TestEnqueueOncePerRecipientKindSlot(t *testing.T) {
	st := storagetest.SQLite(t)
	ctx := context.Background()
	var added []bool
	for range 2 {
		err := st.Tx(ctx, func(tx *storage.Tx) error {
			ok, err := outbox.Enqueue(tx, "reminder", "2026-12", sender.Text(77, "Pengingat"))
			added = append(added, ok)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !added[0] || added[1] {
		t.Errorf("added %v, want the first only", added)
	}
	err := st.Tx(ctx, func(tx *storage.Tx) error {
		_, err := outbox.Enqueue(tx, "reminder", "2026-12", sender.Text(0, ""))
		return err
	})
	if err == nil {
		t.Error("an empty message to no chat was enqueued")
	}
	rows, _ := st.OutboxRows(ctx, "")
	if len(rows) != 1 || rows[0].State != storage.OutboxPending {
		t.Errorf("rows %+v, want the one pending reminder", rows)
	}
}

// TestMetricsShowDepthAndOldestAge: /metrics shows the owed messages and
// the age of the oldest, then none once they are sent.
func TestMetricsShowDepthAndOldestAge(t *testing.T) {
	r := newRig(t, nil, telegramLimits, 5*time.Second)
	r.st = storagetest.SQLiteBackend(t).Open(t, storage.Options{Now: r.clock.Now}) // rows stamped on the injected clock
	if _, err := r.st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	r.enqueue(t, "2026-12", r.users(7000, 3))
	r.clock.Advance(90 * time.Second)
	d := r.drainer(r.sender(t), outbox.Options{Metrics: m})
	if err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := metricstest.Scrape(t, srv.URL)
	if v := got.Value("egovpulse_outbox_depth"); v != 3 {
		t.Errorf("depth seen at the first claim %v, want 3", v)
	}
	if v := got.Value("egovpulse_outbox_oldest_age_seconds"); v != 90 {
		t.Errorf("oldest age %v, want 90 (s, injected clock)", v)
	}
	if v := got.Value("egovpulse_outbox_messages_total", "state", "sent"); v != 3 {
		t.Errorf("sent %v, want 3", v)
	}
	r.clock.Advance(2 * time.Second)
	if err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	got = metricstest.Scrape(t, srv.URL)
	if got.Value("egovpulse_outbox_depth") != 0 || got.Value("egovpulse_outbox_oldest_age_seconds") != 0 {
		t.Errorf("after the drain: depth %v, oldest %v; want 0 and 0", got.Value("egovpulse_outbox_depth"), got.Value("egovpulse_outbox_oldest_age_seconds"))
	}
}
