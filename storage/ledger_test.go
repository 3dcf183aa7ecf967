package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// openWithClock opens a migrated store of b whose clock is clk.
func openWithClock(t *testing.T, b storagetest.Backend, clk *testkit.Clock) *storage.Store {
	t.Helper()
	st := b.Open(t, storage.Options{Now: clk.Now})
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", b.Name, err)
	}
	return st
}

// applyAt records update id as applied at the clock's time at.
func applyAt(t *testing.T, st *storage.Store, clk *testkit.Clock, id int64, at time.Time) {
	t.Helper()
	clk.Set(at)
	if err := st.ApplyUpdate(context.Background(), id, func(*storage.Tx) error { return nil }); err != nil {
		t.Fatalf("ApplyUpdate %d: %v", id, err)
	}
}

func TestLastProcessedUpdateID(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := testkit.NewClock(t0)
			st := openWithClock(t, b, clk)
			if id, err := st.LastProcessedUpdateID(ctx); err != nil || id != 0 {
				t.Fatalf("empty ledger: %d, %v; want 0", id, err)
			}
			for _, id := range []int64{7, 912345678, 42} { // ids jump, as Telegram's do after a silence
				applyAt(t, st, clk, id, t0)
			}
			if id, err := st.LastProcessedUpdateID(ctx); err != nil || id != 912345678 {
				t.Fatalf("last processed update = %d, %v; want 912345678", id, err)
			}
		})
	}
}

func TestPurgeProcessedUpdatesInBatches(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := testkit.NewClock(t0)
			st := openWithClock(t, b, clk)
			cutoff := t0.Add(-8 * 24 * time.Hour)
			for i := range int64(5) { // 5 old rows, the newest 1 ms before the cutoff
				applyAt(t, st, clk, 100+i, cutoff.Add(-time.Duration(5-i)*time.Millisecond))
			}
			applyAt(t, st, clk, 200, cutoff) // exactly at the cutoff: kept
			applyAt(t, st, clk, 201, t0)
			var got []int64
			for {
				n, err := st.PurgeProcessedUpdates(ctx, cutoff, 2)
				if err != nil {
					t.Fatalf("PurgeProcessedUpdates: %v", err)
				}
				got = append(got, n)
				if n < 2 {
					break
				}
			}
			if len(got) != 3 || got[0] != 2 || got[1] != 2 || got[2] != 1 {
				t.Fatalf("batches deleted %v, want [2 2 1]", got)
			}
			for id, want := range map[int64]bool{100: false, 104: false, 200: true, 201: true} {
				err := st.ApplyUpdate(ctx, id, func(*storage.Tx) error { return nil })
				if seen := errors.Is(err, storage.ErrUpdateSeen); seen != want {
					t.Errorf("update %d still recorded = %v, want %v (%v)", id, seen, want, err)
				}
			}
			if _, err := st.PurgeProcessedUpdates(ctx, cutoff, 0); err == nil {
				t.Error("a batch size of 0 was accepted")
			}
		})
	}
}

func TestRecordJobRunOncePerPeriod(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		run := storage.JobRun{Job: "purge-updates", PeriodKey: "2026-11-27", StartedAt: t0, FinishedAt: t0, Details: "{}"}
		if err := st.RecordJobRun(ctx, run); err != nil {
			t.Fatalf("first RecordJobRun: %v", err)
		}
		if err := st.RecordJobRun(ctx, run); !errors.Is(err, storage.ErrJobDone) {
			t.Fatalf("second RecordJobRun: %v, want ErrJobDone", err)
		}
		if ok, err := st.JobRunExists(ctx, "purge-updates", "2026-11-27"); err != nil || !ok {
			t.Fatalf("JobRunExists = %v, %v", ok, err)
		}
	})
}
