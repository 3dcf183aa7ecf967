package jobs_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/outbox/outboxtest"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// BenchmarkRemindersAtTelegramLimits reminds 10,000 officials
// (EGOVPULSE_BENCH_REMIND_N to change) the whole way: the reminder job
// picks who owes from the roster and writes the outbox rows with its
// job_runs row, then the drainer (the defaults serve uses) sends them
// through the sender against an emulator allowing exactly 30 msg/s overall
// and 1 msg/s per chat, in real time (about 5.5 minutes: -benchtime=1x).
// It reports the achieved rate between the first and the last message
// Telegram accepted, and the 429s answered. Target: ≥ 28 msg/s sustained,
// zero 429s.
func BenchmarkRemindersAtTelegramLimits(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("EGOVPULSE_BENCH_REMIND_N")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		ctx := context.Background()
		st := storagetest.SQLite(b)
		emu := outboxtest.LimitedEmulator(b)
		roster := make([]member, n)
		for i := range roster {
			opd := "dukcapil"
			if i%2 == 1 {
				opd = "dpmptsp"
			}
			roster[i] = member{fmt.Sprintf("ASN %05d", i), opd, "staff", emu.User(int64(800000 + i)).ID(), ""}
		}
		enrol(b, st, roster)
		// The round's first reminder is due at once (midnight of the 1st,
		// no quiet hours), on the real clock.
		cfg := mustConfig(b, "quiet_hours: none\nreminders:\n  - {obligation: asn, audience: officials, first: \"0 0 1 * *\"}\n")
		rem := &jobs.Reminders{Runner: &jobs.Runner{Store: st}, Config: cfg, Catalog: remindCatalog(), BotUsername: "egovpulse_bot", Location: wib}
		began := time.Now()
		res, err := rem.Tick(ctx)
		if err != nil || len(res.Ran) != 1 {
			b.Fatalf("reminder job: %+v, %v", res, err)
		}
		b.Logf("reminder job enqueued %d reminders in %v", n, time.Since(began).Round(time.Millisecond))
		rate, limited, took := outboxtest.DrainAtLimits(b, st, emu, n)
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(float64(limited), "429s")
		b.Logf("%d reminders in %v: %.2f msg/s, %d answers 429", n, took.Round(time.Millisecond), rate, limited)
	}
}
