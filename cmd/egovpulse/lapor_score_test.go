package main

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// TestLaporCountsBecomeTheSampleN: an operator on the roster joins a
// running serve through an invitation and reports the quarter's counts
// with /lapor; `egovpulse score` then knows N: Krejcie–Morgan's required
// sample (Memenuhi / Sementara) and the interval's finite population
// correction. A second report replaces the first.
func TestLaporCountsBecomeTheSampleN(t *testing.T) {
	vars := scoreFixture(t) // ktp: 5 respondents (3× all 4s, 2× all 3s) this quarter
	roster := writeFile(t, "pegawai.csv", "nama,opd,jabatan,peran\nBudi,disdukcapil,pelaksana,operator\nSiti,disdukcapil,struktural,head\n")
	mustRun(t, vars, "officials", "import", roster)
	before := ktpRow(t, vars) // no counts: no N
	if before.NRequired != 0 || before.CILow == nil || before.CIHigh == nil {
		t.Fatalf("ktp before any counts: %+v, want an interval and no required n", before)
	}

	emu := startServe(t, vars).emu
	st := storagetest.Backend{Name: "sqlite", Driver: storage.DriverSQLite, DSN: strings.TrimPrefix(vars["DATABASE_URL"], "sqlite://")}.Open(t, storage.Options{})
	invs, err := st.InviteOPD(context.Background(), "disdukcapil", storage.InvitationTTL)
	if err != nil {
		t.Fatal(err)
	}
	budi := emu.User(5101)
	for _, inv := range invs {
		if inv.Official.Name == "Budi" {
			sendAndWait(t, budi, "/start inv_"+inv.Token, "Ketik /status")
		}
	}
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	quarter := survey.PeriodOf(survey.PeriodQuarter, time.Now(), loc).Label(survey.LangID) + " (triwulan berjalan)"
	report := func(ktp string) {
		t.Helper()
		m := sendAndWait(t, budi, "/lapor", "Untuk periode apa?")
		last := budi.LastMessage().ID
		if err := budi.PressIn(m.ID, quarter); err != nil {
			t.Fatal(err)
		}
		waitText(t, budi, last, "(1/6) Perekaman dan pencetakan KTP-el")
		for _, total := range []string{ktp, "2", "1", "1", "1", "1"} {
			sendAndWait(t, budi, total, "lewat kanal online?")
			budi.Send("0")
		}
		waitText(t, budi, last, "🙏 Terima kasih! Jumlah 6 layanan")
	}

	report("5") // N = n: a census, the interval closes on the IKM
	row := ktpRow(t, vars)
	if row.N != 5 || row.NRequired != 5 || row.Status != "Memenuhi" || *row.CILow != 90 || *row.CIHigh != 90 || row.CIText != "90,00–90,00" {
		t.Errorf("ktp with N 5: %+v, want n 5 of the required 5, Memenuhi, the interval 90,00–90,00", row)
	}
	report("10") // replaces the 5
	row = ktpRow(t, vars)
	fpc := math.Sqrt(5.0 / 9.0) // √((N − n)/(N − 1))
	wantHalf := (*before.CIHigh - *before.CILow) / 2 * fpc
	if row.NRequired != 10 || row.Status != "Sementara" || math.Abs((*row.CIHigh-*row.CILow)/2-wantHalf) > 1e-9 {
		t.Errorf("ktp with N 10: %+v, want n 5 of the required 10, Sementara, half-width %.4f (%.4f × %.4f)",
			row, wantHalf, (*before.CIHigh-*before.CILow)/2, fpc)
	}
	out := mustRun(t, vars, "score")
	got := strings.Join(tableRows(out)["Perekaman dan pencetakan KTP-el"], "|")
	if !strings.Contains(got, "|5|10|Sementara|") || !strings.Contains(got, "belum pasti") {
		t.Errorf("printed ktp row %q, want n 5 of 10, Sementara and a belum pasti interval:\n%s", got, out)
	}
}

// ktpRow runs `score --json` and returns the ktp row.
func ktpRow(t *testing.T, vars map[string]string) scoreRow {
	t.Helper()
	var rep scoreReport
	if err := json.Unmarshal([]byte(mustRun(t, vars, "score", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		if r.Code == "ktp" {
			return r
		}
	}
	t.Fatalf("no ktp row in %+v", rep.Rows)
	return scoreRow{}
}

// sendAndWait sends text and waits for a later bot message containing want.
func sendAndWait(t *testing.T, u *botapitest.User, text, want string) botapitest.Message {
	t.Helper()
	last := u.LastMessage().ID
	u.Send(text)
	return waitText(t, u, last, want)
}

// waitText waits for a bot message after id containing want.
func waitText(t *testing.T, u *botapitest.User, id int, want string) botapitest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	m, err := u.WaitFor(ctx, func(m botapitest.Message) bool { return m.ID > id && strings.Contains(m.Text, want) })
	if err != nil {
		var texts []string
		for _, m := range u.Messages() {
			texts = append(texts, m.Text)
		}
		t.Fatalf("waiting for %q: %v\n%s", want, err, strings.Join(texts, "\n---\n"))
	}
	return m
}
