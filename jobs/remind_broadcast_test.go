package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/outbox/outboxtest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// broadcastSize is the roster's size: two OPDs of 1,000 officials each
// led by a head; half of that on SQLite under the race detector, which
// slows the pure-Go SQLite engine about tenfold (MySQL keeps 2,000).
func broadcastSize(b storagetest.Backend) int {
	if raceDetector && b.Driver == storage.DriverSQLite {
		return 1000
	}
	return 2000
}

// broadcastYAML: the first reminder at 20:00 on the 1st, the heads'
// digest 3 days later, one repeat 4 days later.
const broadcastYAML = `reminders:
  - obligation: asn
    audience: officials
    first: "0 20 1 * *"
    repeat: {gap: 96h, max: 1}
    escalate: {head_after_days: 3}
`

// TestTwoThousandOfficialsRemindedOnce is the reminders' end-to-end test
// against the emulator enforcing Telegram's limits (1 msg/s per chat,
// 30/s overall), on an injected clock: three replicas race to run the
// first reminder; the drainer sending it (429s injected, ten officials
// who blocked the bot) stops mid-way and another crashes holding rows;
// a restarted drainer finishes. Each official receives exactly one
// reminder, each OPD head one digest though three replicas race to send
// it, and the blocked officials are marked and left out of the repeat.
// (Two replicas share a lock; the third runs without, as one whose Redis
// is down: the job_runs row alone keeps it from committing twice.)
func TestTwoThousandOfficialsRemindedOnce(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { remindTwoThousand(t, b) })
	}
}

func remindTwoThousand(t *testing.T, b storagetest.Backend) {
	ctx := context.Background()
	broadcastN := broadcastSize(b)
	began := time.Now()
	phase := func(what string) { t.Logf("%s: %v", what, time.Since(began).Round(time.Millisecond)) }
	clk := testkit.NewClock(at(1, 19, 0))
	st := clockedStore(t, b, clk)
	emu, api := emulator(t, clk)
	roster := make([]member, broadcastN)
	users := make([]int64, broadcastN)
	for i := range roster {
		opd, role := "dukcapil", "staff"
		if i >= broadcastN/2 {
			opd = "dpmptsp"
		}
		if i%(broadcastN/2) == 0 {
			role = "head"
		}
		users[i] = emu.User(int64(600000 + i)).ID()
		roster[i] = member{fmt.Sprintf("ASN %04d", i), opd, role, users[i], ""}
	}
	heads := []int64{users[0], users[broadcastN/2]}
	enrol(t, st, roster)
	phase("enrolled")
	blocked := map[int64]bool{}
	for i := 7; len(blocked) < 10; i += broadcastN / 20 {
		emu.User(users[i]).Block()
		blocked[users[i]] = true
	}
	emu.Fault("sendMessage", botapitest.TooManyRequests(3).ForChat(users[11]).Times(2))
	for _, i := range []int{broadcastN / 7, broadcastN * 2 / 3, broadcastN - 1} {
		emu.Fault("sendMessage", botapitest.TooManyRequests(1).ForChat(users[i]))
	}
	const injected429 = 5
	cfg := mustConfig(t, broadcastYAML)
	lock := session.NewMemory(clk.Now)

	// Three replicas (their own connections) race at 20:00, three ticks each.
	replicas := make([]*jobs.Reminders, 3)
	for i := range replicas {
		rs := st
		if i > 0 {
			rs = b.Open(t, storage.Options{Now: clk.Now})
		}
		var locker jobs.Locker = lock
		if i == 2 {
			locker = nil
		}
		replicas[i] = reminders(rs, clk, cfg, locker)
	}
	clk.Set(at(1, 20, 0))
	race(t, replicas)
	phase("first reminder enqueued")
	if got := rowsTo(t, st, jobs.KindReminder); len(got) != broadcastN {
		t.Fatalf("%d officials have a reminder row, want %d", len(got), broadcastN)
	}

	// The first drainer stops after 800 messages; a second one crashes
	// holding five rows it never tried; a restarted drainer finishes.
	snd := func() *sender.Sender {
		s := sender.New(api, sender.Options{Now: clk.Now, Sleep: clk.Sleep, RetryBackoff: time.Second,
			OnBlocked: func(chat int64) {
				if err := st.MarkBlocked(context.Background(), chat, clk.Now()); err != nil {
					t.Errorf("mark %d blocked: %v", chat, err)
				}
			}})
		t.Cleanup(func() { _ = s.Close(context.Background()) })
		return s
	}
	drainer := func(s outbox.Sender) *outbox.Drainer {
		return outbox.New(st, s, outbox.Options{Workers: 1, Now: clk.Now, Sleep: clk.Sleep})
	}
	runCtx, cancel := context.WithCancel(ctx)
	if err := drainer(&outboxtest.StopAfter{S: snd(), N: broadcastN * 2 / 5, Cancel: cancel}).Run(runCtx); err != nil {
		t.Fatal(err)
	}
	if dead, err := st.ClaimOutbox(ctx, "crashed", clk.Now(), clk.Now().Add(outbox.DefaultLease), 5); err != nil || len(dead) != 5 {
		t.Fatalf("crashed drainer's claim: %d rows, %v", len(dead), err)
	}
	phase("first drainer stopped")
	if depth, _, err := st.OutboxStats(ctx); err != nil || depth == 0 || depth == int64(broadcastN) {
		t.Fatalf("after the stop %d rows are owed (%v), want some sent and some left", depth, err)
	}
	clk.Advance(outbox.DefaultLease + time.Minute)
	if err := drainer(snd()).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range users {
		want := 1
		if blocked[id] {
			want = 0
		}
		if got := len(emu.User(id).Messages()); got != want {
			t.Errorf("official %d received %d reminders, want %d", id, got, want)
		}
	}
	checkPace(t, emu, injected429)
	phase("drained")

	// Three replicas race for the heads' digests; the drainer sends all.
	clk.Set(at(4, 20, 0))
	race(t, replicas)
	if err := drainer(snd()).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, h := range heads {
		n := 0
		for _, m := range emu.User(h).Messages() {
			if strings.HasPrefix(m.Text, "📋 Rekap") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("head %d received %d digests, want 1", h, n)
		}
	}
	checkPace(t, emu, injected429)

	// The blocked officials are marked and get no repeat; 100 who answered
	// get none either.
	for _, id := range users[broadcastN-100:] {
		answer(t, st, id, "dpmptsp", "2026-12", at(2, 9, 0))
	}
	clk.Set(at(5, 20, 0))
	race(t, replicas)
	phase("repeat enqueued")
	rows, err := st.OutboxRows(ctx, jobs.KindReminder)
	if err != nil {
		t.Fatal(err)
	}
	repeats := 0
	for _, r := range rows {
		if r.State == storage.OutboxBlocked != blocked[r.Recipient] {
			t.Errorf("row to %d is %s", r.Recipient, r.State)
		}
		if strings.HasSuffix(r.Slot, ":2") {
			repeats++
			if blocked[r.Recipient] {
				t.Errorf("blocked official %d got a repeat", r.Recipient)
			}
		}
	}
	if want := broadcastN - len(blocked) - 100; repeats != want {
		t.Errorf("%d repeats, want %d", repeats, want)
	}
}

// race runs three ticks of each replica at once.
func race(t *testing.T, replicas []*jobs.Reminders) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, r := range replicas {
		for range 3 {
			wg.Go(func() {
				<-start
				if _, err := r.Tick(context.Background()); err != nil {
					t.Errorf("tick: %v", err)
				}
			})
		}
	}
	close(start)
	wg.Wait()
}

// checkPace asserts Telegram's limits held: no chat above 1 msg/s, at most
// 30 messages in any second, and no 429 beyond the injected ones; and
// nothing went out in the quiet hours.
func checkPace(t *testing.T, emu *botapitest.Server, injected int) {
	t.Helper()
	byChat, all, limited := emu.SendTimes()
	if limited != injected {
		t.Errorf("%d answers 429, want only the %d injected", limited, injected)
	}
	for _, at := range all {
		if h := at.In(wib).Hour(); h >= 21 || h < 7 {
			t.Errorf("a message sent at %v, in the quiet hours", at.In(wib))
		}
	}
	if n := botapitest.MostInWindow(all, time.Second); n > 30 {
		t.Errorf("%d messages within one second, want at most 30", n)
	}
	for chat, times := range byChat {
		if n := botapitest.MostInWindow(times, time.Second); n > 1 {
			t.Errorf("chat %d got %d messages within one second", chat, n)
		}
	}
}

// TestRemindersOnceWithThreeSchedulersRacing: three replicas' real
// schedulers look for due reminders every second (as AddReminders does
// every minute), two sharing a lock and one without; each official's
// reminder for the round is written once.
func TestRemindersOnceWithThreeSchedulersRacing(t *testing.T) {
	for _, bk := range []struct {
		name    string
		backend func(testing.TB) storagetest.Backend
	}{{"sqlite", storagetest.SQLiteBackend}, {"mysql", storagetest.MySQLBackend}} {
		t.Run(bk.name, func(t *testing.T) {
			b := bk.backend(t)
			clk := testkit.NewClock(at(1, 20, 0))
			st := clockedStore(t, b, clk)
			roster := make([]member, 40)
			for i := range roster {
				roster[i] = member{fmt.Sprintf("ASN %02d", i), "dukcapil", "staff", int64(610000 + i), ""}
			}
			enrol(t, st, roster)
			cfg := mustConfig(t, broadcastYAML)
			lock := session.NewMemory(clk.Now)
			var fired atomic.Int32
			scheds := make([]*jobs.Scheduler, 3)
			for i := range scheds {
				rs := st
				if i > 0 {
					rs = b.Open(t, storage.Options{Now: clk.Now})
				}
				var locker jobs.Locker = lock
				if i == 2 {
					locker = nil
				}
				rem := reminders(rs, clk, cfg, locker)
				s, err := jobs.NewScheduler(nil, jobs.Schedule{}, wib, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Add(jobs.JobRemind, "* * * * * *", func(ctx context.Context) error {
					fired.Add(1)
					_, err := rem.Tick(ctx)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				scheds[i] = s
			}
			raceSchedulers(t, scheds, &fired)
			rows := rowsTo(t, st, jobs.KindReminder)
			if fired.Load() < 6 || len(rows) != len(roster) {
				t.Fatalf("%d firings, reminders to %d officials; want at least 6 firings and all %d", fired.Load(), len(rows), len(roster))
			}
			for user, rs := range rows {
				if len(rs) != 1 {
					t.Errorf("official %d has %d reminder rows; want 1", user, len(rs))
				}
			}
		})
	}
}
