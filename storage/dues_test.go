package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

func TestDuesTellWhoStillOwes(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		entry := func(name, role string) storage.RosterEntry {
			return storage.RosterEntry{Name: name, OPDCode: "dinkes", Level: "pelaksana", Role: role}
		}
		roster := []storage.RosterEntry{entry("Ani", "staff"), entry("Budi", "staff"), entry("Cici", "operator"),
			entry("Dedi", "staff"), entry("Eka", "staff"), entry("Fajar", "staff")}
		if _, err := st.ImportRoster(ctx, roster, true); err != nil {
			t.Fatal(err)
		}
		inv, err := st.InviteOPD(ctx, "dinkes", 30*24*time.Hour)
		if err != nil || len(inv) != 6 {
			t.Fatalf("invite = %d, %v", len(inv), err)
		}
		// Ani, Budi, Cici and Dedi join; Eka keeps a pending link.
		user := map[string]int64{"Ani": 101, "Budi": 102, "Cici": 103, "Dedi": 104}
		for _, i := range inv {
			id, ok := user[i.Official.Name]
			if !ok {
				continue
			}
			err := st.Tx(ctx, func(tx *storage.Tx) error {
				if _, _, err := tx.EnsureRespondent(id, id, "id", "official"); err != nil {
					return err
				}
				_, err := tx.RedeemInvitation(i.Token, id)
				return err
			})
			if err != nil {
				t.Fatalf("join %s: %v", i.Official.Name, err)
			}
		}
		// Ani answered December; Budi answered November only; Dedi blocked the bot.
		for _, a := range []struct {
			user   int64
			period string
		}{{101, "2026-12"}, {102, "2026-11"}} {
			key := mustRespondent(t, st, a.user)
			r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: key, SurveyID: "asn", SurveyVersion: "1",
				ServiceCode: "dinkes", OPDCode: "dinkes", PeriodKey: a.period, At: t0})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Submit(ctx, r.ID, t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.MarkBlocked(104, t0) }); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ImportRoster(ctx, roster[:5], true); err != nil { // Fajar leaves
			t.Fatal(err)
		}
		if err := st.SaveServiceCounts(ctx, []storage.ServiceCount{{ServiceCode: "puskesmas", PeriodKey: "2026-11", Total: 10}}); err != nil {
			t.Fatal(err)
		}

		dues, err := st.Dues(ctx, storage.DuesQuery{OPD: "dinkes", SurveyID: "asn", SurveyPeriod: "2026-12",
			CountsPeriod: "2026-11", Services: map[string][]string{"dinkes": {"puskesmas", "rsud", "sik"}}, Now: t0})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			status        string
			owesSurvey    bool
			missingCounts []string
			reachableChat bool
		}
		want := map[string]row{
			"Ani":   {storage.OfficialAnswered, false, nil, true},
			"Budi":  {storage.OfficialJoined, true, nil, true},
			"Cici":  {storage.OfficialJoined, true, []string{"rsud", "sik"}, true},
			"Dedi":  {storage.OfficialBlocked, false, nil, true},
			"Eka":   {storage.OfficialInvited, false, nil, false},
			"Fajar": {storage.OfficialInactive, false, nil, false},
		}
		if len(dues) != len(want) {
			t.Fatalf("dues = %d rows; want %d", len(dues), len(want))
		}
		for _, d := range dues {
			w := want[d.Name]
			got := row{d.Status, d.OwesSurvey(), d.MissingCounts, d.ChatID != 0}
			if got.status != w.status || got.owesSurvey != w.owesSurvey || !slices.Equal(got.missingCounts, w.missingCounts) || got.reachableChat != w.reachableChat {
				t.Errorf("%s: %+v; want %+v", d.Name, got, w)
			}
		}
		if !dues[2].OwesCounts() || dues[3].OwesCounts() {
			t.Errorf("OwesCounts: Cici %v (want true), Dedi %v (want false, blocked)", dues[2].OwesCounts(), dues[3].OwesCounts())
		}
	})
}
