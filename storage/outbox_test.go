package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestOutboxClaimsAreDisjointAndLeasesSettle: concurrent claimers never
// share a row; a stale owner cannot record an outcome; expired leases send
// claimed rows back and settle sending ones as unknown.
func TestOutboxClaimsAreDisjointAndLeasesSettle(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		now := time.Now().Add(time.Minute)
		err := st.Tx(ctx, func(tx *storage.Tx) error {
			for i := range 200 {
				if _, err := tx.EnqueueOutbox(int64(1+i), "reminder", "2026-12", `{"method":"sendMessage"}`); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]string{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for w := range 4 {
			owner := fmt.Sprintf("d%d", w)
			wg.Go(func() {
				for {
					rows, err := st.ClaimOutbox(ctx, owner, now, now.Add(time.Minute), 7)
					if err != nil {
						t.Error(err)
						return
					}
					if len(rows) == 0 {
						return
					}
					mu.Lock()
					for _, r := range rows {
						if prev, ok := seen[r.ID]; ok {
							t.Errorf("row %d claimed by %s and %s", r.ID, prev, owner)
						}
						seen[r.ID] = owner
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 200 {
			t.Fatalf("%d rows claimed, want 200", len(seen))
		}
		if err := st.FinishOutbox(ctx, 1, "nobody", now, storage.OutboxOutcome{State: storage.OutboxSent}); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a stranger recorded an outcome: %v", err)
		}
		if err := st.MarkOutboxSending(ctx, 1, seen[1], now, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		requeued, unknown, err := st.RecoverOutbox(ctx, now.Add(2*time.Minute))
		if err != nil || requeued != 199 || unknown != 1 {
			t.Fatalf("recover: %d requeued, %d unknown, %v; want 199 and 1", requeued, unknown, err)
		}
		// The slow owner of the row settled as unknown learns it was sent.
		if err := st.FinishOutbox(ctx, 1, seen[1], now, storage.OutboxOutcome{State: storage.OutboxSent, SentTo: 1}); err != nil {
			t.Errorf("the slow owner could not record its send: %v", err)
		}
		if err := st.FinishOutbox(ctx, 1, seen[1], now, storage.OutboxOutcome{State: storage.OutboxSent}); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a settled row was recorded twice: %v", err)
		}
		depth, _, err := st.OutboxStats(ctx)
		if err != nil || depth != 199 {
			t.Errorf("depth %d, %v; want 199", depth, err)
		}
	})
}
