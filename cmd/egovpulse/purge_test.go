package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage"
)

func TestPurgeCommand(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "e.db")
	clk := testkit.NewClock(time.Now().Add(-9 * 24 * time.Hour))
	st, err := storage.Open(ctx, storage.DriverSQLite, file, storage.Options{Now: clk.Now, AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(id int64) error { return st.ApplyUpdate(ctx, id, func(*storage.Tx) error { return nil }) }
	if err := apply(1); err != nil { // 9 days ago
		t.Fatal(err)
	}
	clk.Set(time.Now().Add(-7 * 24 * time.Hour))
	if err := apply(2); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"DATABASE_URL": "sqlite://" + file}
	code, out, errOut := runCmd(t, vars, nil, "purge")
	if code != 0 || !strings.Contains(out, "purged 1 processed update ids") || !strings.Contains(out, "kept 8 days") {
		t.Fatalf("purge: exit %d, %q %q", code, out, errOut)
	}
	if err := apply(1); err != nil {
		t.Errorf("update 1 is still recorded after the purge: %v", err)
	}
	if err := apply(2); !errors.Is(err, storage.ErrUpdateSeen) {
		t.Errorf("update 2 (7 days old) was purged: %v", err)
	}
	st.Close()
	if code, _, errOut := runCmd(t, vars, nil, "purge", "now"); code != 2 || !strings.Contains(errOut, "no arguments") {
		t.Errorf("purge with an argument: exit %d, %q", code, errOut)
	}
}

func TestServeRefusesABadPurgeSchedule(t *testing.T) {
	vars := sqliteVars(t)
	vars["TELEGRAM_BOT_TOKEN"] = "1:abc"
	vars["PURGE_SCHEDULE"] = "daily at 3"
	code, _, errOut := runCmd(t, vars, nil, "serve")
	if code != 1 || !strings.Contains(errOut, "PURGE_SCHEDULE") || !strings.Contains(errOut, "daily at 3") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}
