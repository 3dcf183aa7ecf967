package outbox_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage"
)

// t0 is where the tests' clocks start (a weekday morning in WIB).
var t0 = time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)

// rig is an emulator enforcing Telegram's limits on a shared injected
// clock, the real client over HTTP, and a store.
type rig struct {
	emu   *botapitest.Server
	api   *tgbotapi.BotAPI
	clock *testkit.Clock
	st    *storage.Store
}

func newRig(tb testing.TB, st *storage.Store, flood botapitest.FloodControl, timeout time.Duration) *rig {
	tb.Helper()
	clock := testkit.NewClock(t0)
	emu := botapitest.New(botapitest.Options{Now: clock.Now, FloodControl: flood})
	if _, err := emu.Listen(""); err != nil {
		tb.Fatalf("emulator: %v", err)
	}
	tb.Cleanup(emu.Close)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), &http.Client{Timeout: timeout})
	if err != nil {
		tb.Fatalf("client: %v", err)
	}
	return &rig{emu: emu, api: api, clock: clock, st: st}
}

// telegramLimits is the emulator's flood control as Telegram's: 1 msg/s
// per chat, 20/min per group, 30/s overall.
var telegramLimits = botapitest.FloodControl{PerChat: 1, PerGroupPerMinute: 20, Global: 30}

// sender is a Sender on the rig's client and clock, closed at cleanup.
func (r *rig) sender(tb testing.TB) *sender.Sender {
	tb.Helper()
	s := sender.New(r.api, sender.Options{Now: r.clock.Now, Sleep: r.clock.Sleep, RetryBackoff: time.Second})
	tb.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// drainer is a drainer of the rig's store on the rig's clock, one message
// at a time (so that the injected clock moves exactly as the waits say).
func (r *rig) drainer(snd outbox.Sender, opts outbox.Options) *outbox.Drainer {
	opts.Workers, opts.Now, opts.Sleep = 1, r.clock.Now, r.clock.Sleep
	return outbox.New(r.st, snd, opts)
}

// enqueue writes one reminder per chat for slot in one job run, as a job
// does: in the transaction of its job_runs row.
func (r *rig) enqueue(tb testing.TB, slot string, chats []int64) {
	tb.Helper()
	r.enqueueKind(tb, "reminder", slot, chats)
}

// enqueueKind is enqueue of messages of kind.
func (r *rig) enqueueKind(tb testing.TB, kind, slot string, chats []int64) {
	tb.Helper()
	runner := &jobs.Runner{Store: r.st} // real time when the rig has no clock
	if r.clock != nil {
		runner.Now = r.clock.Now
	}
	out, err := runner.Run(context.Background(), jobs.Run{Job: "test-" + kind, Slot: slot,
		Commit: func(_ context.Context, tx *storage.Tx) error {
			for _, id := range chats {
				if _, err := outbox.Enqueue(tx, kind, slot, sender.Text(id, fmt.Sprintf("%s %s untuk %d", kind, slot, id))); err != nil {
					return err
				}
			}
			return nil
		}})
	if err != nil || out.Skipped != "" {
		tb.Fatalf("enqueue run: %+v, %v", out, err)
	}
}

// states counts the outbox rows by state.
func (r *rig) states(tb testing.TB) map[string]int {
	tb.Helper()
	rows, err := r.st.OutboxRows(context.Background(), "")
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]int{}
	for _, row := range rows {
		out[row.State]++
	}
	return out
}

// row returns the outbox row of a recipient.
func (r *rig) row(tb testing.TB, recipient int64) storage.OutboxRow {
	tb.Helper()
	rows, err := r.st.OutboxRows(context.Background(), "")
	if err != nil {
		tb.Fatal(err)
	}
	for _, row := range rows {
		if row.Recipient == recipient {
			return row
		}
	}
	tb.Fatalf("no outbox row for %d", recipient)
	return storage.OutboxRow{}
}

// ids returns n user chats starting at base, created in the emulator.
func (r *rig) users(base int64, n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = r.emu.User(base + int64(i)).ID()
	}
	return slices.Clip(ids)
}
