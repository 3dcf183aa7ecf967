package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

func TestOfficialsAreKnownByTheirTelegramAccount(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		roster := []storage.RosterEntry{{Name: "Ani", OPDCode: "dinkes", Level: "pelaksana", Role: "operator"},
			{Name: "Budi", OPDCode: "dinkes", Level: "pelaksana", Role: "staff"}}
		if _, err := st.ImportRoster(ctx, roster, true); err != nil {
			t.Fatal(err)
		}
		invs, err := st.InviteOPD(ctx, "dinkes", storage.InvitationTTL)
		if err != nil {
			t.Fatal(err)
		}
		for i, inv := range invs {
			if err := st.Tx(ctx, func(tx *storage.Tx) error { _, err := tx.RedeemInvitation(inv.Token, int64(201+i)); return err }); err != nil {
				t.Fatal(err)
			}
		}
		// Budi leaves the roster: no longer an official.
		if _, err := st.ImportRoster(ctx, roster[:1], true); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[int64]bool{201: true, 202: false, 203: false} {
			if got, err := st.IsOfficial(ctx, id); err != nil || got != want {
				t.Errorf("IsOfficial(%d) = %v, %v; want %v", id, got, err, want)
			}
		}
		err = st.Tx(ctx, func(tx *storage.Tx) error {
			o, err := tx.OfficialByTelegram(201)
			if err != nil || o.Name != "Ani" || o.Role != "operator" || o.OPDCode != "dinkes" {
				t.Errorf("OfficialByTelegram(201) = %+v, %v; want Ani, operator of dinkes", o, err)
			}
			if _, err := tx.OfficialByTelegram(202); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("OfficialByTelegram(202) of an inactive official: %v, want ErrNotFound", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestCountsSavedInATransactionReplaceTheSamePeriod(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		for _, total := range []int{10, 12} {
			err := st.Tx(ctx, func(tx *storage.Tx) error {
				return tx.SaveServiceCounts([]storage.ServiceCount{{ServiceCode: "ktp", PeriodKey: "2026-11", Total: total, Online: 2}})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		err := st.Tx(ctx, func(tx *storage.Tx) error {
			c, err := tx.ServiceCountOf("ktp", "2026-11")
			if err != nil || c.Total != 12 || c.Online != 2 {
				t.Errorf("ktp 2026-11 = %+v, %v; want 12 of which 2 online (the second save)", c, err)
			}
			if _, err := tx.ServiceCountOf("ktp", "2026-10"); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("ktp 2026-10: %v, want ErrNotFound", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if all, err := st.ServiceCounts(ctx); err != nil || len(all) != 1 {
			t.Errorf("counts %+v, %v; want one row", all, err)
		}
	})
}
