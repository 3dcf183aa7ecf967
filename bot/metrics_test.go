package bot_test

import (
	"context"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/internal/metrics/metricstest"
)

// refusedTurns is the real session store, counting the tries to take a
// chat's turn that found it busy.
type refusedTurns struct {
	session.Store
	refused atomic.Int32
}

func (r *refusedTurns) TryTurn(ctx context.Context, chatID, updateID int64, ttl time.Duration) (session.Turn, int64, bool, error) {
	t, head, ok, err := r.Store.TryTurn(ctx, chatID, updateID, ttl)
	if err == nil && !ok {
		r.refused.Add(1)
	}
	return t, head, ok, err
}

func textUpdate(id int, chat int64, text string) tgbotapi.Update {
	m := &tgbotapi.Message{MessageID: id, Date: int(time.Now().Unix()), Text: text,
		From: &tgbotapi.User{ID: chat, FirstName: "Rina", LanguageCode: "id"},
		Chat: &tgbotapi.Chat{ID: chat, Type: "private"}}
	if text[0] == '/' {
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(text)}}
	}
	return tgbotapi.Update{UpdateID: id, Message: m}
}

// TestUpdateOutcomesAreCounted: an update that waited for its chat's
// turn, its redelivery, an update of no chat and one that fails are each
// counted under their outcome; the new chat's state is counted as
// rebuilt and the wait as a lock wait.
func TestUpdateOutcomesAreCounted(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		t.Cleanup(func() { r.sender.Close(context.Background()) })
		m := metrics.New()
		turns := &refusedTurns{Store: e.sessions}
		b, err := bot.New(bot.Options{Store: e.store, Sessions: turns, Outbox: r.sender, Registry: e.reg,
			Catalog: e.cat, Location: jakarta, Metrics: m})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		u := r.emu.User(7101)
		// Another update of the chat holds its turn.
		held, _, ok, err := e.sessions.TryTurn(ctx, u.ID(), 0, 10*time.Second)
		if err != nil || !ok {
			t.Fatalf("hold the chat's turn: %v, %v", ok, err)
		}
		start := textUpdate(501, u.ID(), "/start")
		done := make(chan error, 1)
		go func() { done <- b.HandleUpdate(ctx, start) }()
		deadline := time.Now().Add(10 * time.Second)
		for turns.refused.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if _, err := e.sessions.EndTurn(ctx, held, nil, time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("/start: %v", err)
		}
		if err := b.HandleUpdate(ctx, start); err != nil {
			t.Fatalf("redelivered /start: %v", err)
		}
		channel := tgbotapi.Update{UpdateID: 502, ChannelPost: &tgbotapi.Message{MessageID: 1, Text: "pengumuman",
			Chat: &tgbotapi.Chat{ID: -100123, Type: "channel"}}}
		if err := b.HandleUpdate(ctx, channel); err != nil {
			t.Fatalf("channel post: %v", err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := b.HandleUpdate(cancelled, textUpdate(503, u.ID(), "halo")); err == nil {
			t.Fatal("an update handled with a cancelled context succeeded")
		}

		srv := httptest.NewServer(m.Handler())
		defer srv.Close()
		got := metricstest.Scrape(t, srv.URL)
		for _, c := range []struct {
			name   string
			labels []string
			want   float64
		}{
			{"egovpulse_updates_received_total", nil, 4},
			{"egovpulse_updates_total", []string{"outcome", "applied"}, 1},
			{"egovpulse_updates_total", []string{"outcome", "duplicate"}, 1},
			{"egovpulse_updates_total", []string{"outcome", "ignored"}, 1},
			{"egovpulse_updates_total", []string{"outcome", "failed"}, 1},
			{"egovpulse_update_handle_seconds_count", nil, 4},
			{"egovpulse_lock_waits_total", nil, 1},
			{"egovpulse_session_rebuilds_total", nil, 1},
		} {
			if v := got.Value(c.name, c.labels...); v != c.want {
				t.Errorf("%s %v = %v, want %v", c.name, c.labels, v, c.want)
			}
		}
	})
}
