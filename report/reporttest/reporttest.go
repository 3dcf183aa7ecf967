// Package reporttest seeds submitted answers for the tests of the weekly
// summary (report, bot, cmd): residents' SKM responses with chosen unsur
// scores and officials' asn responses with chosen obstacles, written
// through the store's own functions.
package reporttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// Resident stores one submitted skm response to service at at: every
// unsur scored base, except those in scores; the usage frequency item
// answered 3.
func Resident(tb testing.TB, st *storage.Store, service string, at time.Time, base float64, scores map[string]float64) {
	tb.Helper()
	var changes []survey.Change
	for _, e := range scoring.UnsurKeys() {
		v := base
		if x, ok := scores[e]; ok {
			v = x
		}
		changes = append(changes, survey.Change{Question: "q_" + e, Element: e, Answer: survey.Answer{Value: fmt.Sprint(v), Score: &v}})
	}
	f := 3.0
	changes = append(changes, survey.Change{Question: "frekuensi", Element: scoring.ElemFrekuensi, Answer: survey.Answer{Value: "3", Score: &f}})
	submit(tb, st, storage.NewResponse{SurveyID: "skm", SurveyVersion: "1", ServiceCode: service, At: at}, changes, at)
}

// Official stores one submitted asn response of an official of opd at at,
// naming the obstacles (space-separated choice values) and a share of
// digital work.
func Official(tb testing.TB, st *storage.Store, opd string, at time.Time, obstacles string) {
	tb.Helper()
	changes := []survey.Change{
		{Question: "kendala", Element: scoring.ElemASNKendala, Answer: survey.Answer{Value: obstacles}},
		{Question: "porsi_digital", Element: scoring.ElemASNPorsi, Answer: survey.Answer{Value: "60"}},
	}
	submit(tb, st, storage.NewResponse{SurveyID: "asn", SurveyVersion: "1", OPDCode: opd,
		Audience: string(survey.AudienceOfficial), At: at}, changes, at)
}

func submit(tb testing.TB, st *storage.Store, n storage.NewResponse, changes []survey.Change, at time.Time) {
	tb.Helper()
	ctx := context.Background()
	var key [16]byte
	if _, err := rand.Read(key[:]); err != nil {
		tb.Fatal(err)
	}
	n.RespondentKey, n.PeriodKey = hex.EncodeToString(key[:]), "x"
	r, err := st.StartResponse(ctx, n)
	if err != nil {
		tb.Fatalf("start response: %v", err)
	}
	if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.SaveChanges(r.ID, changes, at) }); err != nil {
		tb.Fatalf("save answers: %v", err)
	}
	if err := st.Submit(ctx, r.ID, at); err != nil {
		tb.Fatalf("submit: %v", err)
	}
}

// Roster imports n active officials of each OPD.
func Roster(tb testing.TB, st *storage.Store, perOPD map[string]int) {
	tb.Helper()
	var entries []storage.RosterEntry
	for opd, n := range perOPD {
		for i := range n {
			entries = append(entries, storage.RosterEntry{Name: fmt.Sprintf("Pegawai %s %d", opd, i), OPDCode: opd, Level: "pelaksana", Role: "staff"})
		}
	}
	if _, err := st.ImportRoster(context.Background(), entries, true); err != nil {
		tb.Fatalf("import roster: %v", err)
	}
}

// Scenario seeds the week of now and the one before, in loc:
//   - this week: disdukcapil/ktp 8 residents (waktu 2, the rest 4),
//     dpmptsp/nib 6 (every unsur 3), dinkes/pirt 3 (every unsur 4: fewer
//     than 5, suppressed); 6 disdukcapil officials (internet, anggaran);
//   - the week before: disdukcapil/ktp 6 residents (every unsur 4), so
//     waktu falls;
//   - the roster: 10 disdukcapil officials, 4 of dpmptsp.
//
// The city's weakest unsur is waktu, and dpmptsp scores best on it.
func Scenario(tb testing.TB, st *storage.Store, now time.Time, loc *time.Location) {
	tb.Helper()
	week := survey.PeriodOf(survey.PeriodWeek, now, loc)
	at := func(p survey.Period, i int) time.Time { return p.Start.Add(time.Duration(i+1) * time.Hour) }
	for i := range 8 {
		Resident(tb, st, "ktp", at(week, i), 4, map[string]float64{"waktu": 2})
	}
	for i := range 6 {
		Resident(tb, st, "nib", at(week, i), 3, nil)
	}
	for i := range 3 {
		Resident(tb, st, "pirt", at(week, i), 4, nil)
	}
	for i := range 6 {
		Official(tb, st, "disdukcapil", at(week, i), "internet anggaran")
	}
	prev := week.Prev()
	for i := range 6 {
		Resident(tb, st, "ktp", at(prev, i), 4, nil)
	}
	Roster(tb, st, map[string]int{"disdukcapil": 10, "dpmptsp": 4})
}
