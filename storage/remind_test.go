package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestJobRunStartedAndChatLangs: the reminder job's two reads, on both
// backends: when a slot's run started (ErrNotFound before it ran), and
// the language behind each private chat (none for an unknown chat).
func TestJobRunStartedAndChatLangs(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		if _, err := st.JobRunStarted(ctx, "remind", "asn-officials:2026-12:1"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("before the run: %v, want ErrNotFound", err)
		}
		run := storage.JobRun{Job: "remind", PeriodKey: "asn-officials:2026-12:1", StartedAt: t0, FinishedAt: t0}
		if err := st.CommitJobRun(ctx, run, nil); err != nil {
			t.Fatal(err)
		}
		if got, err := st.JobRunStarted(ctx, "remind", "asn-officials:2026-12:1"); err != nil || !got.Equal(t0.Truncate(time.Millisecond)) {
			t.Errorf("started %v, %v; want %v (to the millisecond)", got, err, t0)
		}
		err := st.Tx(ctx, func(tx *storage.Tx) error {
			if _, _, err := tx.EnsureRespondent(301, 301, "en", "official"); err != nil {
				return err
			}
			_, _, err := tx.EnsureRespondent(302, 302, "id", "official")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		langs, err := st.ChatLangs(ctx, []int64{301, 302, 303})
		if err != nil || len(langs) != 2 || langs[301] != "en" || langs[302] != "id" {
			t.Errorf("langs %v, %v; want 301 en, 302 id, nothing for 303", langs, err)
		}
	})
}
