package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// TestOfficialsListShowsAnsweredAndBlocked: `officials list` tells who
// answered this month's asn survey, and who blocked the bot, as the
// outbox drainer of a running serve found when a reminder came back 403.
func TestOfficialsListShowsAnsweredAndBlocked(t *testing.T) {
	vars := sqliteVars(t)
	roster := writeFile(t, "pegawai.csv", "nama,opd,jabatan,peran\n"+
		"Budi,disdukcapil,pelaksana,operator\nSiti,disdukcapil,struktural,head\nAndi,dpmptsp,pelaksana,staff\nRina,dpmptsp,pelaksana,staff\n")
	mustRun(t, vars, "officials", "import", roster)
	ctx := context.Background()
	st := storagetest.Backend{Name: "sqlite", Driver: storage.DriverSQLite, DSN: strings.TrimPrefix(vars["DATABASE_URL"], "sqlite://")}.Open(t, storage.Options{})
	users := map[string]int64{"Budi": 6001, "Siti": 6002, "Andi": 6003}
	keys := map[string]string{}
	for _, opd := range []string{"disdukcapil", "dpmptsp"} {
		invs, err := st.InviteOPD(ctx, opd, storage.InvitationTTL)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range invs {
			id, ok := users[inv.Official.Name]
			if !ok {
				continue // Rina: invited, not joined
			}
			err := st.Tx(ctx, func(tx *storage.Tx) error {
				if _, err := tx.RedeemInvitation(inv.Token, id); err != nil {
					return err
				}
				key, _, err := tx.EnsureRespondent(id, id, "id", "official")
				keys[inv.Official.Name] = key
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// Budi answered this month's asn (TIMEZONE is Asia/Jakarta by default).
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	month := survey.PeriodOf(survey.PeriodMonth, time.Now(), loc).Key()
	r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: keys["Budi"], SurveyID: "asn", SurveyVersion: "1",
		OPDCode: "disdukcapil", Audience: "official", PeriodKey: month, At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, r.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Siti blocked the bot: the reminder the drainer sends her comes back 403.
	emu := startServe(t, vars).emu
	emu.Fault("sendMessage", botapitest.Blocked().ForChat(users["Siti"]))
	err = st.Tx(ctx, func(tx *storage.Tx) error {
		_, err := outbox.Enqueue(tx, "reminder", month, sender.Text(users["Siti"], "Survei ASN bulan ini menunggu Anda."))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		rows, err := st.OutboxRows(ctx, "reminder")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 1 && rows[0].State == storage.OutboxBlocked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reminder was not recorded as blocked: %+v", rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := map[string]string{}
	for _, line := range rosterLines(t, vars) {
		f := strings.Fields(line)
		got[f[2]] = strings.Join(f[6:], " ")
	}
	want := map[string]string{"Budi": "answered", "Siti": "blocked", "Andi": "joined", "Rina": "invited"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: status %q, want %q (all: %v)", name, got[name], w, got)
		}
	}
}
