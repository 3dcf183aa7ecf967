package main

import (
	"context"
	"strings"
	"testing"

	"github.com/kotasolok/egovpulse/storage"
)

func TestFollowUpsListAndSet(t *testing.T) {
	vars := quietSQLite(t)
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.DriverSQLite, strings.TrimPrefix(vars["DATABASE_URL"], "sqlite://"), storage.Options{AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Tx(ctx, func(tx *storage.Tx) error {
		_, err := tx.AddFollowUps([]storage.FollowUp{{ServiceCode: "ktp", OPDCode: "disdukcapil", PeriodKey: "2026-Q3",
			Element: "waktu", Score: 62.5, Mutu: "D"}})
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, vars, "followups", "list")
	if !strings.Contains(out, "2026-Q3") || !strings.Contains(out, "Waktu Penyelesaian") || !strings.Contains(out, "62,50 D") ||
		!strings.Contains(out, " open") {
		t.Errorf("followups list:\n%s", out)
	}

	for _, bad := range []struct{ args, want string }{
		{"set 1 --status finished", `--status: "finished" is not one of open, in_progress, done, dropped`},
		{"set 1 --due 31-02-2026", `--due: "31-02-2026" is not a date`},
		{"set 7 --owner Budi", "no follow-up has ID 7"},
		{"set satu --owner Budi", `"satu" is not a follow-up ID`},
		{"set 1", "nothing to change"},
	} {
		code, _, errOut := runCmd(t, vars, nil, append([]string{"followups"}, strings.Fields(bad.args)...)...)
		if code == 0 || !strings.Contains(errOut, bad.want) {
			t.Errorf("followups %s: exit %d, %q; want an error with %q", bad.args, code, errOut, bad.want)
		}
	}
	if again := mustRun(t, vars, "followups", "list"); again != out {
		t.Errorf("refused changes changed the list:\n%s\nwas:\n%s", again, out)
	}

	out = mustRun(t, vars, "followups", "set", "1", "--owner", "Kabid Pelayanan", "--due", "05-01-2026", "--status", "in_progress")
	if !strings.Contains(out, "owner Kabid Pelayanan, due 05-01-2026, status in_progress") {
		t.Errorf("followups set: %q", out)
	}
	if out = mustRun(t, vars, "followups", "list", "--open"); !strings.Contains(out, "in_progress (overdue)") {
		t.Errorf("a follow-up due 05-01-2026 is not shown overdue:\n%s", out)
	}
	mustRun(t, vars, "followups", "set", "1", "--status", "done")
	if out = mustRun(t, vars, "followups", "list", "--open"); !strings.Contains(out, "no follow-up items") {
		t.Errorf("--open lists a done item:\n%s", out)
	}
}
