package storage_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// ixResponse is one response of the indices fixture: its survey, service
// (or OPD for officials), whether it is submitted, and its answers as
// "element=value" words (value "~": skipped; "," in a value: a multiple
// choice; profil.usia and profil.disabilitas are the skm questions usia
// and disabilitas, which carry no element).
type ixResponse struct {
	survey, scope string
	submitted     bool
	answers       string
}

// ixCatalog: OPD a (services a1, a2) and OPD b (service b1).
func ixCatalog() *survey.Catalog {
	return &survey.Catalog{OPDs: []survey.OPD{
		{Code: "a", Name: survey.Text{"id": "Dinas A", "en": "Office A"}, Services: []survey.Service{
			{Code: "a1", OPDCode: "a", Name: survey.Text{"id": "Layanan Satu", "en": "Service One"}},
			{Code: "a2", OPDCode: "a", Name: survey.Text{"id": "Layanan Dua", "en": "Service Two"}}}},
		{Code: "b", Name: survey.Text{"id": "Dinas B", "en": "Office B"}, Services: []survey.Service{
			{Code: "b1", OPDCode: "b", Name: survey.Text{"id": "Layanan Tiga", "en": "Service Three"}}}},
	}}
}

// ixFixture is the hand-computed fixture. Planned missingness: each
// digital respondent saw a different subset of the impact and NKP items.
var ixFixture = []ixResponse{
	// R1..R7: layanan-digital on a1.
	{"layanan-digital", "a1", true, "pemanfaatan.frekuensi=1 pemanfaatan.tahu_online=ya pemanfaatan.kanal=online " +
		"dampak.hemat_waktu=5 dampak.transparansi=4 dampak.integritas=3 dampak.menit_hemat=30 dampak.rupiah_hemat=10000 " +
		"dampak.kunjungan=0 kepuasan.csat=5 kepuasan.ces=7 kepuasan.nps=10 nkp.manfaat.waktu=5 nkp.biaya.usaha=2"},
	{"layanan-digital", "a1", true, "pemanfaatan.frekuensi=3 pemanfaatan.tahu_online=ya pemanfaatan.kanal=online " +
		"dampak.hemat_biaya=4 dampak.kepercayaan=2 dampak.bermanfaat=tt dampak.menit_hemat=60 dampak.rupiah_hemat=20000 " +
		"dampak.kunjungan=1 kepuasan.csat=4 kepuasan.ces=5 kepuasan.nps=8 nkp.manfaat.kemudahan=4 nkp.biaya.kuota=3"},
	{"layanan-digital", "a1", true, "pemanfaatan.frekuensi=5 pemanfaatan.tahu_online=ya pemanfaatan.kanal=offline " +
		"dampak.kunjungan=2 kepuasan.csat=3 kepuasan.ces=4"},
	{"layanan-digital", "a1", true, "pemanfaatan.frekuensi=2 pemanfaatan.tahu_online=tidak dampak.kunjungan=3 kepuasan.csat=2 kepuasan.ces=~"},
	{"layanan-digital", "a1", true, "pemanfaatan.frekuensi=4 pemanfaatan.tahu_online=ya pemanfaatan.kanal=online " +
		"dampak.kurang_kunjungan=5 dampak.kepastian_waktu=5 dampak.integritas=4 dampak.kepercayaan=4 dampak.bermanfaat=5 " +
		"dampak.menit_hemat=90 dampak.rupiah_hemat=1000000 dampak.kunjungan=0 kepuasan.csat=5 kepuasan.ces=6 kepuasan.nps=5 " +
		"nkp.manfaat.waktu=3 nkp.manfaat.informasi=4 nkp.biaya.risiko=1"},
	{"layanan-digital", "a1", true, "pemanfaatan.frekuensi=5 pemanfaatan.tahu_online=ya pemanfaatan.kanal=online " +
		"dampak.hemat_waktu=2 dampak.kurang_kunjungan=3 dampak.transparansi=1 dampak.bermanfaat=4 dampak.menit_hemat=~ " +
		"dampak.rupiah_hemat=0 dampak.kunjungan=1 kepuasan.csat=4 kepuasan.ces=6 kepuasan.nps=9 " +
		"nkp.manfaat.informasi=2 nkp.biaya.usaha=4 nkp.biaya.kuota=5"},
	{"layanan-digital", "a1", true, "pemanfaatan.frekuensi=3 pemanfaatan.tahu_online=ya pemanfaatan.kanal=online " +
		"dampak.integritas=5 dampak.kepastian_waktu=4 dampak.hemat_biaya=3 dampak.menit_hemat=15 dampak.rupiah_hemat=5000 " +
		"dampak.kunjungan=0 kepuasan.csat=5 kepuasan.ces=7 kepuasan.nps=10 nkp.manfaat.kemudahan=5 nkp.biaya.risiko=2"},
	// Started on a1 and not submitted: the completion rate's denominator.
	{"layanan-digital", "a1", false, "pemanfaatan.frekuensi=2"},
	{"skm", "a1", false, "profil.usia=26_35"},
	// R8: one digital respondent on a2.
	{"layanan-digital", "a2", true, "pemanfaatan.frekuensi=5 pemanfaatan.tahu_online=ya pemanfaatan.kanal=online " +
		"dampak.hemat_waktu=4 kepuasan.csat=1"},
	// S1..S5: skm on a1 (profile and unsur).
	{"skm", "a1", true, "profil.usia=61_plus profil.disabilitas=tidak " + ixUnsur("")},
	{"skm", "a1", true, "profil.usia=26_35 profil.disabilitas=ya " + ixUnsur("")},
	{"skm", "a1", true, "profil.usia=36_45 profil.disabilitas=~ " + ixUnsur("pengaduan=~")},
	{"skm", "a1", true, "profil.usia=17_25 profil.disabilitas=tidak " + ixUnsur("sarana=")},
	{"skm", "a1", true, "profil.usia=46_55 " + ixUnsur("")},
	// O1..O5: officials of OPD a.
	{"asn", "a", true, "asn.frekuensi.srikandi=5 asn.frekuensi.sipd=2 asn.porsi_digital=80 asn.kendala=internet,anggaran " +
		"asn.jam_hemat=2 asn.dampak.hemat_waktu=4"},
	{"asn", "a", true, "asn.frekuensi.srikandi=4 asn.frekuensi.sipd=4 asn.porsi_digital=50 asn.kendala=internet " +
		"asn.jam_hemat=1.5 asn.dampak.koordinasi=5"},
	{"asn", "a", true, "asn.frekuensi.srikandi=3 asn.frekuensi.sipd=1 asn.porsi_digital=100 asn.kendala=lainnya asn.jam_hemat=4"},
	{"asn", "a", true, "asn.frekuensi.srikandi=1 asn.porsi_digital=20 asn.kendala=perangkat,internet asn.jam_hemat=0.5"},
	{"asn", "a", true, "asn.frekuensi.srikandi=5 asn.frekuensi.sipd=5 asn.porsi_digital=70 asn.kendala=anggaran " +
		"asn.jam_hemat=3 asn.dampak.kurang_kertas=3"},
}

// ixUnsur answers the nine unsur with 3, except the overrides
// ("pengaduan=~" skipped, "sarana=" not asked).
func ixUnsur(override string) string {
	var b []string
	for _, e := range scoring.UnsurKeys() {
		k, v, _ := strings.Cut(override, "=")
		switch {
		case e != k:
			b = append(b, e+"=3")
		case v != "":
			b = append(b, e+"="+v)
		}
	}
	return strings.Join(b, " ")
}

// ixChanges turns a fixture's answers into the engine's changes.
func ixChanges(answers string) []survey.Change {
	var out []survey.Change
	for w := range strings.FieldsSeq(answers) {
		el, v, _ := strings.Cut(w, "=")
		c := survey.Change{Question: "q_" + el, Element: el, Answer: survey.Answer{Value: strings.ReplaceAll(v, ",", " ")}}
		if q, ok := strings.CutPrefix(el, "profil."); ok {
			c.Question, c.Element = q, ""
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			c.Answer.Score = &f
		}
		if v == "~" {
			c.Answer = survey.Answer{Skipped: true}
		}
		out = append(out, c)
	}
	return out
}

// ixInsert stores the fixture responses at at, one respondent each.
func ixInsert(tb testing.TB, st *storage.Store, fs []ixResponse, at time.Time) {
	tb.Helper()
	ctx := context.Background()
	for i, f := range fs {
		n := storage.NewResponse{RespondentKey: fmt.Sprintf("%032x", at.UnixNano()+int64(i)), SurveyID: f.survey,
			SurveyVersion: "1", ServiceCode: f.scope, PeriodKey: "p", At: at}
		if f.survey == "asn" {
			n.ServiceCode, n.OPDCode, n.Audience = "", f.scope, string(survey.AudienceOfficial)
		}
		r, err := st.StartResponse(ctx, n)
		if err != nil {
			tb.Fatal(err)
		}
		save(tb, st, r.ID, at, ixChanges(f.answers)...)
		if f.submitted {
			if err := st.Submit(ctx, r.ID, at); err != nil {
				tb.Fatal(err)
			}
		}
	}
}
