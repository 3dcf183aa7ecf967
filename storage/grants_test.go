package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

func TestGrantsRecordWhoGrantedAndRevoked(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { checkGrants(t, b) })
	}
}

func checkGrants(t *testing.T, b storagetest.Backend) {
	st := b.MustOpen(t)
	ctx := context.Background()
	if _, err := st.GrantedRole(ctx, 42); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("role before any grant: err = %v, want ErrNotFound", err)
	}
	if _, err := st.GrantRole(ctx, 42, "boss", 1); !errors.Is(err, storage.ErrBadGrant) {
		t.Fatalf("grant of an unknown role: err = %v, want ErrBadGrant", err)
	}
	if _, err := st.GrantRole(ctx, 42, storage.GrantViewer, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GrantRole(ctx, 43, storage.GrantViewer, 1); err != nil {
		t.Fatal(err)
	}
	g, err := st.GrantRole(ctx, 42, storage.GrantAdmin, 2)
	if err != nil || g.GrantedBy != 2 || g.GrantedAt.IsZero() {
		t.Fatalf("regrant = %+v, %v", g, err)
	}
	if r, err := st.GrantedRole(ctx, 42); err != nil || r != storage.GrantAdmin {
		t.Fatalf("role after regrant = %q, %v; want admin", r, err)
	}
	if err := st.RevokeRole(ctx, 43, 2); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeRole(ctx, 43, 2); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("second revoke: err = %v, want ErrNotFound", err)
	}
	active, err := st.ActiveGrants(ctx)
	if err != nil || len(active) != 1 || active[0].UserID != 42 || active[0].Role != storage.GrantAdmin {
		t.Fatalf("active grants = %+v, %v; want only 42 as admin", active, err)
	}
	var by []sql.NullInt64
	if err := b.RawDB(t).Table("admin_grants").Order("id").Pluck("revoked_by", &by).Error; err != nil {
		t.Fatal(err)
	}
	if len(by) != 3 || by[0].Int64 != 2 || by[1].Int64 != 2 || by[2].Valid {
		t.Fatalf("revoked_by of the grants = %v; want 42's viewer and 43's grants revoked by 2, 42's admin grant in force", by)
	}
}
