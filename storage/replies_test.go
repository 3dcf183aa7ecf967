package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

func TestPendingReplies(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := testkit.NewClock(time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC))
			st := openWithClock(t, b, clock)
			noop := func(*storage.Tx) error { return nil }
			apply := func(update, chat int64) {
				t.Helper()
				if err := st.ApplyChatUpdate(ctx, update, chat, noop); err != nil {
					t.Fatalf("ApplyChatUpdate(%d, chat %d): %v", update, chat, err)
				}
			}
			apply(10, 1) // chat 1: two updates
			apply(11, 1)
			apply(12, 2)  // chat 2: one, replied below
			apply(13, -5) // a group: never pending
			if err := st.ApplyUpdate(ctx, 14, noop); err != nil {
				t.Fatal(err)
			}
			clock.Advance(20 * time.Second)
			apply(15, 3) // chat 3: too recent to be called lost
			if err := st.MarkReplied(ctx, []storage.ReplyMark{{ChatID: 2, UpdateID: 12}, {ChatID: 1, UpdateID: 10}}); err != nil {
				t.Fatal(err)
			}
			now := clock.Now()
			got, err := st.PendingReplies(ctx, now.Add(-10*time.Second), now.Add(-24*time.Hour), 100)
			if err != nil {
				t.Fatal(err)
			}
			if want := []storage.ReplyMark{{ChatID: 1, UpdateID: 11}}; !slices.Equal(got, want) {
				t.Fatalf("PendingReplies = %v, want %v (chat 1's later update still pending, chat 3 too recent)", got, want)
			}
			// A mark covers the chat's earlier updates too.
			if err := st.MarkReplied(ctx, []storage.ReplyMark{{ChatID: 1, UpdateID: 11}}); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
			now = clock.Now()
			got, err = st.PendingReplies(ctx, now.Add(-10*time.Second), now.Add(-24*time.Hour), 100)
			if want := []storage.ReplyMark{{ChatID: 3, UpdateID: 15}}; err != nil || !slices.Equal(got, want) {
				t.Fatalf("PendingReplies later = %v, %v; want %v", got, err, want)
			}
			// Older than since: no longer looked at.
			got, err = st.PendingReplies(ctx, now, now.Add(-30*time.Second), 100)
			if err != nil || len(got) != 0 {
				t.Fatalf("PendingReplies since 30 s ago = %v, %v; want none", got, err)
			}
		})
	}
}
