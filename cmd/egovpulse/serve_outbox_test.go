package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/metrics/metricstest"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestServeDrainsTheOutbox: rows a job writes to the outbox of a running
// serve's database are sent by its drainer, recorded as sent, and /metrics
// shows the outbox.
func TestServeDrainsTheOutbox(t *testing.T) {
	vars := sqliteVars(t)
	s := startServe(t, vars)
	b := storagetest.Backend{Name: "sqlite", Driver: storage.DriverSQLite, DSN: strings.TrimPrefix(vars["DATABASE_URL"], "sqlite://")}
	st := b.Open(t, storage.Options{})
	ctx := context.Background()
	users := []int64{s.emu.User(8101).ID(), s.emu.User(8102).ID()}
	err := st.Tx(ctx, func(tx *storage.Tx) error {
		for _, id := range users {
			if _, err := outbox.Enqueue(tx, "notice", "2026-12", sender.Text(id, "Laporan bulan ini sudah dibuka.")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range users {
		if _, err := s.emu.User(id).WaitMessages(1, 10*time.Second); err != nil {
			t.Fatalf("user %d got no message from the outbox: %v", id, err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows, err := st.OutboxRows(ctx, "notice")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 2 && rows[0].State == storage.OutboxSent && rows[1].State == storage.OutboxSent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rows not recorded as sent: %+v", rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
	m := metricstest.Scrape(t, "http://"+s.addr+"/metrics")
	if !m.Has("egovpulse_outbox_depth") || !m.Has("egovpulse_outbox_oldest_age_seconds") || m.Value("egovpulse_outbox_messages_total", "state", "sent") != 2 {
		t.Errorf("/metrics lacks the outbox figures: depth %v, sent %v", m.Value("egovpulse_outbox_depth"), m.Value("egovpulse_outbox_messages_total", "state", "sent"))
	}
}
