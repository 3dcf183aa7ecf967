package outbox_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// BenchmarkDrainAtTelegramLimits drains 10,000 reminders (one per chat;
// EGOVPULSE_BENCH_OUTBOX_N to change) from an SQLite outbox through the
// sender's defaults against an emulator that allows exactly 30 msg/s
// overall and 1 msg/s per chat, in real time (about 5.5 minutes: run it
// with -benchtime=1x). It reports the achieved rate between the first and
// the last message Telegram accepted, and the 429s answered. Target: ≥ 28
// msg/s sustained, zero 429s.
func BenchmarkDrainAtTelegramLimits(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("EGOVPULSE_BENCH_OUTBOX_N")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		st := storagetest.SQLite(b)
		emu := botapitest.New(botapitest.Options{FloodControl: botapitest.FloodControl{PerChat: 1, Global: 30}})
		if _, err := emu.Listen(""); err != nil {
			b.Fatal(err)
		}
		api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), sender.HTTPClient(30*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		r := &rig{emu: emu, api: api, st: st}
		r.enqueue(b, "2026-12", r.users(100000, n))
		snd := sender.New(api, sender.Options{})
		if err := outbox.New(st, snd, outbox.Options{}).Drain(context.Background()); err != nil {
			b.Fatal(err)
		}
		_ = snd.Close(context.Background())
		_, all, limited := r.emu.SendTimes()
		emu.Close()
		if len(all) != n {
			b.Fatalf("%d messages accepted, want %d (states %v)", len(all), n, r.states(b))
		}
		rate := float64(n-1) / all[n-1].Sub(all[0]).Seconds()
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(float64(limited), "429s")
		b.Logf("%d messages in %v: %.2f msg/s, %d answers 429", n, all[n-1].Sub(all[0]).Round(time.Millisecond), rate, limited)
	}
}
