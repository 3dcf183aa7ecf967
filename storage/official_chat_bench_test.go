package storage_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// BenchmarkIsOfficial is the role lookup the bot makes on every update
// (bot.RosterRoles), against a roster of 2,000 officials of whom every
// other one joined; half the lookups are residents (not found).
func BenchmarkIsOfficial(b *testing.B) {
	backends := []storagetest.Backend{storagetest.SQLiteBackend(b)}
	if os.Getenv(storagetest.EnvMySQLDSN) != "" {
		backends = append(backends, storagetest.MySQLBackend(b))
	}
	for _, be := range backends {
		b.Run(be.Name, func(b *testing.B) {
			st := be.MustOpen(b)
			ctx := context.Background()
			roster := make([]storage.RosterEntry, 2000)
			for i := range roster {
				roster[i] = storage.RosterEntry{Name: fmt.Sprintf("Petugas %04d", i), OPDCode: "dinkes", Level: "pelaksana", Role: "staff"}
			}
			if _, err := st.ImportRoster(ctx, roster, true); err != nil {
				b.Fatal(err)
			}
			invs, err := st.InviteOPD(ctx, "dinkes", storage.InvitationTTL)
			if err != nil {
				b.Fatal(err)
			}
			err = st.Tx(ctx, func(tx *storage.Tx) error {
				for i := 0; i < len(invs); i += 2 {
					if _, err := tx.RedeemInvitation(invs[i].Token, int64(1_000_000+i)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; b.Loop(); i++ {
				if _, err := st.IsOfficial(ctx, int64(1_000_000+i%2000)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
