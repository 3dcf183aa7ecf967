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
