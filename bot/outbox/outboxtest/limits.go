package outboxtest

import (
	"context"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
)

// LimitedEmulator is a listening Bot API emulator that allows exactly 30
// msg/s overall and 1 msg/s per chat, as Telegram does.
func LimitedEmulator(tb testing.TB) *botapitest.Server {
	tb.Helper()
	emu := botapitest.New(botapitest.Options{FloodControl: botapitest.FloodControl{PerChat: 1, Global: 30}})
	if _, err := emu.Listen(""); err != nil {
		tb.Fatal(err)
	}
	return emu
}

// DrainAtLimits drains st's outbox through a sender and a drainer with
// the defaults serve uses, against emu, in real time; it checks that
// Telegram accepted n messages and returns the rate between the first and
// the last (msg/s), the 429s answered and how long that took. It closes
// emu.
func DrainAtLimits(tb testing.TB, st *storage.Store, emu *botapitest.Server, n int) (rate float64, limited int, took time.Duration) {
	tb.Helper()
	defer emu.Close()
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), sender.HTTPClient(30*time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	snd := sender.New(api, sender.Options{})
	if err := outbox.New(st, snd, outbox.Options{}).Drain(ctx); err != nil {
		tb.Fatal(err)
	}
	_ = snd.Close(ctx)
	_, all, limited := emu.SendTimes()
	if len(all) != n {
		rows, _ := st.OutboxRows(ctx, "")
		states := map[string]int{}
		for _, r := range rows {
			states[r.State]++
		}
		tb.Fatalf("%d messages accepted, want %d (outbox states %v)", len(all), n, states)
	}
	took = all[n-1].Sub(all[0])
	return float64(n-1) / took.Seconds(), limited, took
}
