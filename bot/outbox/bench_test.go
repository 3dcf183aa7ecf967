package outbox_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/outbox/outboxtest"
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
		emu := outboxtest.LimitedEmulator(b)
		r := &rig{emu: emu, st: st}
		r.enqueue(b, "2026-12", r.users(100000, n))
		rate, limited, took := outboxtest.DrainAtLimits(b, st, emu, n)
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(float64(limited), "429s")
		b.Logf("%d messages in %v: %.2f msg/s, %d answers 429", n, took.Round(time.Millisecond), rate, limited)
	}
}
