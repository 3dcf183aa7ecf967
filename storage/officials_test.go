package storage_test

import (
	"context"
	"testing"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

func TestRosterHeadcountCountsActiveOfficials(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		entry := func(name, opd string) storage.RosterEntry {
			return storage.RosterEntry{Name: name, OPDCode: opd, Level: "pelaksana", Role: "staff"}
		}
		if _, err := st.ImportRoster(ctx, []storage.RosterEntry{entry("A", "dinkes"), entry("B", "dinkes"), entry("C", "dpmptsp")}, true); err != nil {
			t.Fatal(err)
		}
		res, err := st.ImportRoster(ctx, []storage.RosterEntry{entry("A", "dinkes"), entry("C", "dpmptsp"), entry("D", "dpmptsp")}, true)
		if err != nil || res != (storage.RosterImport{Added: 1, Updated: 2, Deactivated: 1}) {
			t.Fatalf("re-import = %+v, %v", res, err)
		}
		n, err := st.RosterHeadcount(ctx)
		if err != nil || len(n) != 2 || n["dinkes"] != 1 || n["dpmptsp"] != 2 {
			t.Errorf("headcount = %v, %v; want dinkes 1 (B inactive), dpmptsp 2", n, err)
		}
	})
}

func TestRosterMatchesByNIPBeforeName(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		budi := storage.RosterEntry{Name: "Budi", OPDCode: "dinkes", Level: "pelaksana", Role: "staff", NIP: "198701012010011001"}
		if _, err := st.ImportRoster(ctx, []storage.RosterEntry{budi}, true); err != nil {
			t.Fatal(err)
		}
		// A second Budi without a NIP listed first, then Budi's NIP under
		// his new name: the NIP row updates him, the other is someone new.
		renamed := budi
		renamed.Name = "Budi Santoso"
		other := storage.RosterEntry{Name: "budi", OPDCode: "dinkes", Level: "pelaksana", Role: "operator"}
		res, err := st.ImportRoster(ctx, []storage.RosterEntry{other, renamed}, true)
		if err != nil || res != (storage.RosterImport{Added: 1, Updated: 1}) {
			t.Fatalf("import = %+v, %v; want 1 added, 1 updated", res, err)
		}
		rows, err := st.Officials(ctx, "dinkes", t0)
		if err != nil || len(rows) != 2 || rows[0].Name != "Budi Santoso" || rows[0].ID != 1 || rows[1].Name != "budi" || rows[1].NIP != nil {
			t.Errorf("roster = %+v, %v", rows, err)
		}
	})
}
