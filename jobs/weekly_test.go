package jobs_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// weekly is a push to an admin and a group whose summary names its week.
func weekly(st *storage.Store, loc *time.Location, renders *atomic.Int32) *jobs.WeeklySummary {
	return &jobs.WeeklySummary{Store: st, Location: loc, Chats: []int64{501, -1001234},
		Render: func(_ context.Context, week survey.Period, lang string) (string, []byte, error) {
			renders.Add(1)
			return "Ringkasan " + week.Label(lang), []byte("\x89PNG fake"), nil
		}}
}

// pushed returns the outbox's weekly texts by recipient.
func pushed(t *testing.T, st *storage.Store) map[int64]string {
	t.Helper()
	rows, err := st.OutboxRows(context.Background(), jobs.KindWeeklyText)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, r := range rows {
		var m sender.Message
		if err := json.Unmarshal([]byte(r.MessageJSON), &m); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[r.Recipient]; dup {
			t.Errorf("two weekly texts for %d", r.Recipient)
		}
		out[r.Recipient] = m.Text
	}
	return out
}

func TestWeeklyPushOnceAcrossRacingRunners(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		loc := jakarta(t)
		clk := testkit.NewClock(time.Date(2026, 11, 30, 8, 0, 2, 0, loc)) // Monday 08:00 WIB
		var renders atomic.Int32
		var wg sync.WaitGroup
		outcomes := make([]jobs.Outcome, 3)
		for i := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := &jobs.Runner{Store: st, Now: clk.Now, LockWait: 100 * time.Millisecond}
				var err error
				if outcomes[i], err = r.Run(context.Background(), weekly(st, loc, &renders).Run(clk.Now())); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		ran := 0
		for _, o := range outcomes {
			if o.Skipped == "" {
				ran++
			}
		}
		if ran != 1 {
			t.Errorf("%d of 3 racing runs committed (%+v); want 1", ran, outcomes)
		}
		got := pushed(t, st)
		if len(got) != 2 || got[501] != "Ringkasan Minggu 48 2026" || got[-1001234] != got[501] {
			t.Errorf("weekly texts = %v; want week 48 to the admin and the group, on time", got)
		}
		charts, _ := st.OutboxRows(context.Background(), jobs.KindWeeklyChart)
		if len(charts) != 2 {
			t.Errorf("%d charts queued; want one per chat", len(charts))
		}
	})
}

// TestWeeklyPushOnceWithThreeSchedulersRacing: three schedulers (three
// replicas, each with its own store handle) fire the push every second;
// one week's push is queued once per chat.
func TestWeeklyPushOnceWithThreeSchedulersRacing(t *testing.T) {
	for _, b := range []struct {
		name    string
		backend func(testing.TB) storagetest.Backend
	}{{"sqlite", storagetest.SQLiteBackend}, {"mysql", storagetest.MySQLBackend}} {
		t.Run(b.name, func(t *testing.T) {
			be := b.backend(t)
			first := be.MustOpen(t)
			loc := jakarta(t)
			var renders, fired atomic.Int32
			scheds := make([]*jobs.Scheduler, 3)
			for i := range scheds {
				st := first
				if i > 0 {
					st = be.Open(t, storage.Options{})
				}
				w := weekly(st, loc, &renders)
				s, err := jobs.NewScheduler(nil, jobs.Schedule{}, loc, nil)
				if err != nil {
					t.Fatal(err)
				}
				err = s.AddJob(&jobs.Runner{Store: st, LockWait: 100 * time.Millisecond}, jobs.JobWeeklySummary, "* * * * * *",
					func(now time.Time) jobs.Run { fired.Add(1); return w.Run(now) })
				if err != nil {
					t.Fatal(err)
				}
				scheds[i] = s
			}
			raceSchedulers(t, scheds, &fired)
			texts := pushed(t, first)
			charts, _ := first.OutboxRows(context.Background(), jobs.KindWeeklyChart)
			if fired.Load() < 6 || len(texts) != 2 || len(charts) != 2 {
				t.Errorf("%d firings; %d texts, %d charts queued; want at least 6 firings and one text and chart per chat",
					fired.Load(), len(texts), len(charts))
			}
		})
	}
}

func TestWeeklyPushMissedIsSentOnceMarkedLate(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		loc := jakarta(t)
		var renders atomic.Int32
		w := weekly(st, loc, &renders)
		r := &jobs.Runner{Store: st}
		// Monday 07:30: the push of week 48 is not due yet.
		if o, err := w.CatchUp(ctx, r, time.Date(2026, 11, 30, 7, 30, 0, 0, loc)); err != nil || o.Skipped != "not due yet" {
			t.Fatalf("catch-up before 08:00 = %+v, %v; want not due yet", o, err)
		}
		// Down on Monday morning, back on Tuesday at 10:00.
		back := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
		if o, err := w.CatchUp(ctx, r, back); err != nil || o.Skipped != "" {
			t.Fatalf("catch-up on Tuesday = %+v, %v; want the missed push", o, err)
		}
		for _, at := range []time.Time{back.Add(15 * time.Minute), back.Add(24 * time.Hour)} {
			if o, err := w.CatchUp(ctx, r, at); err != nil || o.Skipped == "" {
				t.Fatalf("catch-up again at %v = %+v, %v; want nothing (already sent)", at, o, err)
			}
		}
		got := pushed(t, st)
		text := got[501]
		if len(got) != 2 || !strings.HasPrefix(text, "⏰ Terlambat: ringkasan ini seharusnya terkirim Senin 30-11-2026 08.00 WIB") ||
			!strings.HasSuffix(text, "Ringkasan Minggu 48 2026") {
			t.Errorf("late push = %v", got)
		}
		if renders.Load() != 1 {
			t.Errorf("rendered %d times; want once", renders.Load())
		}
		deliverWeekly(t, st, time.Now()) // the store stamped the rows with the real clock
	})
}

// deliverWeekly drains the outbox to the emulator: the admin and the
// group each get the late text, then the chart as a photo.
func deliverWeekly(t *testing.T, st *storage.Store, now time.Time) {
	t.Helper()
	clk := testkit.NewClock(now)
	emu, api := emulator(t, clk)
	admin := emu.User(501)
	group := emu.Group(-1001234, "Diskominfo Kota Solok")
	snd := sender.New(api, sender.Options{Now: clk.Now, Sleep: clk.Sleep})
	t.Cleanup(func() { _ = snd.Close(context.Background()) })
	if err := outbox.New(st, snd, outbox.Options{Now: clk.Now, Sleep: clk.Sleep}).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	for name, msgs := range map[string][]botapitest.Message{"admin": admin.Messages(), "group": group.Messages()} {
		if len(msgs) != 2 || !strings.HasPrefix(msgs[0].Text, "⏰ Terlambat") || msgs[1].Photo == nil ||
			string(msgs[1].Photo.Data) != "\x89PNG fake" {
			t.Errorf("%s received %+v; want the late text, then the chart", name, msgs)
		}
	}
}

// TestWeeklyPushGoesToSuperadminsAndGrantedUsers: without
// WEEKLY_SUMMARY_CHATS the push goes to the superadmins and to whoever
// holds a role granted in chat when it runs (not to a revoked one).
func TestWeeklyPushGoesToSuperadminsAndGrantedUsers(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		loc := jakarta(t)
		for _, g := range []struct {
			id   int64
			role string
		}{{777, storage.GrantViewer}, {778, storage.GrantAdmin}, {779, storage.GrantAdmin}} {
			if _, err := st.GrantRole(ctx, g.id, g.role, 501); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.RevokeRole(ctx, 779, 501); err != nil {
			t.Fatal(err)
		}
		var renders atomic.Int32
		w := weekly(st, loc, &renders)
		w.Chats, w.Admins = nil, []int64{501}
		if _, err := (&jobs.Runner{Store: st}).Run(ctx, w.Run(time.Date(2026, 11, 30, 8, 0, 0, 0, loc))); err != nil {
			t.Fatal(err)
		}
		got := pushed(t, st)
		if len(got) != 3 || got[501] == "" || got[777] == "" || got[778] == "" {
			t.Errorf("pushed to %v; want 501 (superadmin), 777 (viewer) and 778 (admin), not 779 (revoked)", got)
		}
	})
}
