package storage_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

func failure(id int64, text string) storage.UpdateFailure {
	return storage.UpdateFailure{UpdateID: id, ChatID: 42, UserID: 4242,
		Update: []byte(`{"update_id":` + itoa(id) + `,"message":{"text":"halo"}}`), Error: text}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRecordFailureSetsAsideAtTheLimit: four failures are counted, the
// fifth sets the update aside and records it as processed, so that its
// redelivery is taken as applied.
func TestRecordFailureSetsAsideAtTheLimit(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		for i := 1; i <= 4; i++ {
			n, dead, err := st.RecordFailure(ctx, failure(501, "attempt "+itoa(int64(i))), 5)
			if err != nil || n != i || dead {
				t.Fatalf("failure %d: RecordFailure = %d, %v, %v; want %d, false, nil", i, n, dead, err, i)
			}
		}
		if dl, err := st.DeadLetters(ctx, 0); err != nil || len(dl) != 0 {
			t.Fatalf("before the limit DeadLetters = %v, %v; want none", dl, err)
		}
		// Not yet set aside: the update can still be applied.
		n, dead, err := st.RecordFailure(ctx, failure(501, "survey \"skm\" version \"9\": unknown survey"), 5)
		if err != nil || n != 5 || !dead {
			t.Fatalf("fifth failure: RecordFailure = %d, %v, %v; want 5, true, nil", n, dead, err)
		}
		dl, err := st.DeadLetters(ctx, 0)
		if err != nil || len(dl) != 1 {
			t.Fatalf("DeadLetters = %v, %v; want one", dl, err)
		}
		d := dl[0]
		if d.UpdateID != 501 || d.ChatID != 42 || d.UserID != 4242 || d.Attempts != 5 || d.DeadAt == nil ||
			!strings.Contains(d.Update, `"text":"halo"`) || !strings.Contains(d.Error, `version "9"`) {
			t.Errorf("dead letter %+v", d)
		}
		if d.FirstFailedAt.After(d.FailedAt) {
			t.Errorf("first failure %v after the last %v", d.FirstFailedAt, d.FailedAt)
		}
		ran := false
		err = st.ApplyUpdate(ctx, 501, func(*storage.Tx) error { ran = true; return nil })
		if !errors.Is(err, storage.ErrUpdateSeen) || ran {
			t.Errorf("ApplyUpdate of the dead letter = %v (ran %v); want ErrUpdateSeen", err, ran)
		}
		// An update committed meanwhile (by another replica) is not set aside.
		for range 4 {
			if _, _, err := st.RecordFailure(ctx, failure(502, "boom"), 5); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.ApplyUpdate(ctx, 502, func(*storage.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.RecordFailure(ctx, failure(502, "boom"), 5); !errors.Is(err, storage.ErrUpdateSeen) {
			t.Errorf("RecordFailure of an applied update = %v; want ErrUpdateSeen", err)
		}
		if dl, _ := st.DeadLetters(ctx, 0); len(dl) != 1 {
			t.Errorf("%d dead letters, want 1", len(dl))
		}
		if _, _, err := st.RecordFailure(ctx, failure(503, "x"), 0); err == nil || !strings.Contains(err.Error(), "limit 0") {
			t.Errorf("RecordFailure with limit 0 = %v; want an error naming the limit", err)
		}
	})
}

// TestRecordFailureConcurrent: replicas failing the same update at once
// count every attempt, and the update is set aside exactly once.
func TestRecordFailureConcurrent(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		var mu sync.Mutex
		deadNow, counts := 0, map[int]int{}
		for range 4 {
			wg.Go(func() {
				for range 3 {
					n, dead, err := st.RecordFailure(ctx, failure(601, "boom"), 5)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					counts[n]++
					if dead && n == 5 {
						deadNow++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for n := 1; n <= 12; n++ {
			if counts[n] != 1 {
				t.Errorf("attempt number %d returned %d times; want each of 1..12 once (%v)", n, counts[n], counts)
			}
		}
		if deadNow != 1 {
			t.Errorf("the update was set aside %d times at attempt 5, want once", deadNow)
		}
		dl, err := st.DeadLetters(ctx, 0)
		if err != nil || len(dl) != 1 || dl[0].Attempts != 12 {
			t.Errorf("DeadLetters = %+v, %v; want one with 12 attempts", dl, err)
		}
	})
}

// TestDeadLetterTextAndPurge: an overlong, invalid error text is stored
// cut and valid; old rows are purged; a respondent's deletion takes its
// user's dead letters.
func TestDeadLetterTextAndPurge(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := testkit.NewClock(t0)
			st := b.Open(t, storage.Options{Now: clock.Now})
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			long := "\xff" + strings.Repeat("é", 5000)
			if _, dead, err := st.RecordFailure(ctx, failure(701, long), 1); err != nil || !dead {
				t.Fatalf("RecordFailure = %v, %v", dead, err)
			}
			dl, err := st.DeadLetters(ctx, 1)
			if err != nil || len(dl) != 1 {
				t.Fatalf("DeadLetters = %v, %v", dl, err)
			}
			if e := dl[0].Error; !utf8.ValidString(e) || len(e) > 4000 || len(e) < 3900 || !strings.HasPrefix(e, "\uFFFDé") {
				t.Errorf("stored error text: %d bytes, valid %v, starts %q", len(e), utf8.ValidString(e), e[:min(len(e), 8)])
			}
			// A respondent's deletion takes its Telegram user's dead letters.
			key, _, err := st.EnsureRespondent(ctx, 4242, 42, "id", "resident")
			if err != nil {
				t.Fatal(err)
			}
			other := failure(702, "other user")
			other.UserID = 99
			clock.Advance(time.Hour)
			if _, _, err := st.RecordFailure(ctx, other, 1); err != nil {
				t.Fatal(err)
			}
			if err := st.DeleteRespondent(ctx, key); err != nil {
				t.Fatal(err)
			}
			dl, _ = st.DeadLetters(ctx, 0)
			if len(dl) != 1 || dl[0].UpdateID != 702 {
				t.Fatalf("after deleting user 4242: dead letters %+v, want only 702", dl)
			}
			// Purge by the last failure's time.
			if _, _, err := st.RecordFailure(ctx, failure(703, "x"), 5); err != nil {
				t.Fatal(err)
			}
			n, err := st.PurgeDeadLetters(ctx, t0.Add(30*time.Minute))
			if err != nil || n != 0 {
				t.Fatalf("PurgeDeadLetters(before t0+30m) = %d, %v; want 0 (701 went with its user)", n, err)
			}
			n, err = st.PurgeDeadLetters(ctx, t0.Add(2*time.Hour))
			if err != nil || n != 2 {
				t.Errorf("PurgeDeadLetters(before t0+2h) = %d, %v; want 2", n, err)
			}
		})
	}
}
