package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage/storagetest"
)

func TestMigrateTwiceInOneProcess(t *testing.T) {
	b := storagetest.MySQLBackend(t)
	st := b.MustOpen(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatalf("Migrate #%d: %v", i+2, err)
		}
	}
}
