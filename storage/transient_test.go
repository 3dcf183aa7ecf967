package storage_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestIsTransientClassifiesRealErrors provokes errors from real databases
// and checks which are retried without limit (the database's state) and
// which are not (this work's data).
func TestIsTransientClassifiesRealErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("not database errors", func(t *testing.T) {
		for _, err := range []error{nil, errors.New("survey \"skm\" version \"9\": unknown survey"),
			storage.ErrNotFound, fmt.Errorf("x: %w", storage.ErrAlreadySubmitted), storage.ErrInvalidValue} {
			if storage.IsTransient(err) {
				t.Errorf("IsTransient(%v) = true", err)
			}
		}
		expired, cancel := context.WithTimeout(ctx, -time.Second)
		defer cancel()
		if err := storagetest.SQLite(t).Ping(expired); !storage.IsTransient(err) {
			t.Errorf("a ping past its deadline (%v) is not transient", err)
		}
	})
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.MustOpen(t)
			db := b.RawDB(t)
			if err := st.ApplyUpdate(ctx, 1, func(*storage.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
			dup := db.Exec("INSERT INTO processed_updates (update_id, processed_at) VALUES (1, ?)", time.Now()).Error
			if dup == nil || storage.IsTransient(dup) {
				t.Errorf("duplicate key %v: transient", dup)
			}
			null := db.Exec("INSERT INTO processed_updates (update_id, processed_at) VALUES (2, NULL)").Error
			if null == nil || storage.IsTransient(null) {
				t.Errorf("NOT NULL violation %v: transient", null)
			}
			missing := db.Exec("SELECT * FROM no_such_table").Error
			if missing == nil || !storage.IsTransient(missing) {
				t.Errorf("missing table %v: not transient (a half-done deployment fails every update alike)", missing)
			}
			if b.Driver == storage.DriverMySQL {
				mysqlTransients(t, b, db)
			} else {
				sqliteBusy(t, b, st)
			}
		})
	}
}

// mysqlTransients: an unreachable server and a lock wait timeout.
func mysqlTransients(t *testing.T, b storagetest.Backend, db *gorm.DB) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	_, err = storage.Open(context.Background(), storage.DriverMySQL, "root@tcp("+addr+")/x?timeout=2s", storage.Options{})
	if err == nil || !storage.IsTransient(err) {
		t.Errorf("unreachable server %v: not transient", err)
	}
	// A row held FOR UPDATE by one transaction; another gives up waiting.
	holder := db.Begin()
	defer holder.Rollback()
	if err := holder.Exec("SELECT update_id FROM processed_updates WHERE update_id = 1 FOR UPDATE").Error; err != nil {
		t.Fatal(err)
	}
	waiter := db.Begin()
	defer waiter.Rollback()
	if err := waiter.Exec("SET SESSION innodb_lock_wait_timeout = 1").Error; err != nil {
		t.Fatal(err)
	}
	wait := waiter.Exec("UPDATE processed_updates SET processed_at = processed_at WHERE update_id = 1").Error
	if wait == nil || !strings.Contains(wait.Error(), "1205") || !storage.IsTransient(wait) {
		t.Errorf("lock wait timeout %v: not transient", wait)
	}
}

// sqliteBusy: a writer that finds the file locked and does not wait.
func sqliteBusy(t *testing.T, b storagetest.Backend, st *storage.Store) {
	impatient, err := gorm.Open(sqlite.Open(b.DSN+"?_pragma=busy_timeout(0)"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := impatient.DB()
	defer sqlDB.Close()
	locked, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- st.Tx(context.Background(), func(*storage.Tx) error { // BEGIN IMMEDIATE: the write lock
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	busy := impatient.Exec("INSERT INTO processed_updates (update_id, processed_at) VALUES (3, ?)", time.Now()).Error
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if busy == nil || !strings.Contains(busy.Error(), "SQLITE_BUSY") || !storage.IsTransient(busy) {
		t.Errorf("SQLITE_BUSY %v: not transient", busy)
	}
}
