package session_test

import (
	"context"
	"testing"
	"time"
)

func TestWaitingRoomOrdersOneChat(t *testing.T) {
	forEachStore(t, func(t *testing.T, h harness) {
		ctx := context.Background()
		s := h.store
		head := func(chat int64) int64 {
			t.Helper()
			id, err := s.Head(ctx, chat)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		if got := head(1); got != 0 {
			t.Fatalf("empty room: head %d", got)
		}
		for _, id := range []int64{905, 903, 904} {
			if err := s.Arrive(ctx, 1, id, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Arrive(ctx, 2, 900, time.Minute); err != nil {
			t.Fatal(err)
		}
		if got := head(1); got != 903 {
			t.Errorf("head %d, want 903 (the smallest of chat 1)", got)
		}
		if err := s.Depart(ctx, 1, 903); err != nil {
			t.Fatal(err)
		}
		if got := head(1); got != 904 {
			t.Errorf("after 903 left: head %d, want 904", got)
		}
		if got := head(2); got != 900 {
			t.Errorf("chat 2 head %d, want 900", got)
		}
		for _, id := range []int64{904, 905} {
			if err := s.Depart(ctx, 1, id); err != nil {
				t.Fatal(err)
			}
		}
		if got := head(1); got != 0 {
			t.Errorf("emptied room: head %d", got)
		}
	})
}
