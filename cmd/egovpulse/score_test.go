package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// scoreFixture fills a fresh SQLite file with a small, hand-computed set
// of submitted responses (all submitted now) and returns its variables.
//
// SKM (built-in catalog names):
//
//	ktp: 3× all 4s, 2× all 3s → NRR 18/5 = 3,6 → 90,00 A (n 5);
//	kk: 2× all 2s → n 2: "< 5 responden";
//	nib: 5× 4s but waktu 1 → 25·33/9 = 91,67 A, lowest waktu;
//	disdukcapil pooled (ktp + kk, 7): NRR 22/7 → 78,57 B; dpmptsp → 91,67 A;
//	city = mean(78,571…, 91,666…) = 85,12 B; pooled (12): NRR 42/12 for
//	eight unsur, waktu 27/12 → 25·(28 + 2,25)/9 = 84,03 B.
//
// layanan-digital on ktp, five respondents, each asked other impact items:
//
//	(5,4) → 4,5 → 87,5; (3,3) → 50; (4) → 75; (2,1) → 12,5; (5, tt, 5) → 100;
//	Indeks Dampak = 325/5 = 65,00 (Tinggi); Efisiensi only 4 respondents
//	(100, 50, 75, 100): "< 5 responden".
func scoreFixture(t *testing.T) map[string]string {
	skm, digital := skmAnswers, digitalAnswers
	t.Helper()
	path := filepath.Join(t.TempDir(), "e.db")
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.DriverSQLite, path, storage.Options{AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Now().Add(-time.Second)
	for _, f := range []struct {
		survey, svc string
		changes     []survey.Change
	}{
		{"skm", "ktp", skm(4, 4)}, {"skm", "ktp", skm(4, 4)}, {"skm", "ktp", skm(4, 4)}, {"skm", "ktp", skm(3, 3)}, {"skm", "ktp", skm(3, 3)},
		{"skm", "kk", skm(2, 2)}, {"skm", "kk", skm(2, 2)},
		{"skm", "nib", skm(4, 1)}, {"skm", "nib", skm(4, 1)}, {"skm", "nib", skm(4, 1)}, {"skm", "nib", skm(4, 1)}, {"skm", "nib", skm(4, 1)},
		{"layanan-digital", "ktp", digital("hemat_waktu=5 transparansi=4")},
		{"layanan-digital", "ktp", digital("hemat_waktu=3 transparansi=3")},
		{"layanan-digital", "ktp", digital("hemat_waktu=4")},
		{"layanan-digital", "ktp", digital("integritas=2 kepercayaan=1")},
		{"layanan-digital", "ktp", digital("hemat_biaya=5 bermanfaat=tt kepercayaan=5")},
	} {
		key := make([]byte, 16)
		for i := range key {
			key[i] = byte(rand.IntN(256))
		}
		r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: hex.EncodeToString(key), SurveyID: f.survey,
			SurveyVersion: "1", ServiceCode: f.svc, PeriodKey: "p", At: at})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.SaveChanges(r.ID, f.changes, at) }); err != nil {
			t.Fatal(err)
		}
		if err := st.Submit(ctx, r.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	return map[string]string{"DATABASE_URL": "sqlite://" + path, "LOG_LEVEL": "info"}
}

// skmAnswers answers every unsur with score, waktu with waktu.
func skmAnswers(score, waktu float64) []survey.Change {
	var changes []survey.Change
	for _, e := range scoring.UnsurKeys() {
		v := score
		if e == "waktu" {
			v = waktu
		}
		changes = append(changes, survey.Change{Question: e, Element: e, Answer: survey.Answer{Value: fmt.Sprint(v), Score: &v}})
	}
	return changes
}

// digitalAnswers is an online user's layanan-digital answers: the impact
// items given as "item=value" words ("tt": Tidak tahu).
func digitalAnswers(items string) []survey.Change {
	changes := []survey.Change{{Question: "kanal", Element: "pemanfaatan.kanal", Answer: survey.Answer{Value: "online"}}}
	for w := range strings.FieldsSeq(items) {
		el, v, _ := strings.Cut(w, "=")
		c := survey.Change{Question: el, Element: "dampak." + el, Answer: survey.Answer{Value: v}}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			c.Answer.Score = &f
		}
		changes = append(changes, c)
	}
	return changes
}

// tableRows splits printed table lines into cells (two or more spaces
// apart), by their first cell.
func tableRows(out string) map[string][]string {
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		cells := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1)
		if len(cells) > 1 {
			rows[cells[0]] = cells
		}
	}
	return rows
}

func TestScorePrintsTheQuarter(t *testing.T) {
	vars := scoreFixture(t)
	code, out, errOut := runCmd(t, vars, nil, "score")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "level=") || !strings.Contains(errOut, "level=INFO") {
		t.Errorf("logs belong on stderr only:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	ikm, impact, _ := strings.Cut(out, "Pemanfaatan dan dampak")
	rows := tableRows(ikm)
	for name, want := range map[string][]string{ // name → scope, IKM, mutu, n
		"Kota Solok": {"Kota", "85,12", "B", "12"},
		"Dinas Kependudukan dan Pencatatan Sipil":                {"OPD", "78,57", "B", "7"},
		"Perekaman dan pencetakan KTP-el":                        {"Layanan", "90,00", "A", "5"},
		"Kartu Keluarga":                                         {"Layanan", "< 5 responden", "-", "2"},
		"Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu": {"OPD", "91,67", "A", "5"},
		"Nomor Induk Berusaha (OSS)":                             {"Layanan", "91,67", "A", "5"},
	} {
		got := rows[name]
		if len(got) < 5 || strings.Join(got[1:5], "|") != strings.Join(want, "|") {
			t.Errorf("%s: %q, want %v", name, got, want)
		}
	}
	if city := rows["Kota Solok"]; len(city) < 8 || city[len(city)-1] != "84,03 B" {
		t.Errorf("city row %q lacks the pooled IKM 84,03 B beside the mean of OPDs", city)
	}
	if nib := rows["Nomor Induk Berusaha (OSS)"]; !strings.Contains(strings.Join(nib, " "), "waktu (NRR 1,00)") {
		t.Errorf("nib row %q lacks its lowest unsur", nib)
	}
	city, _, _ := strings.Cut(impact, "Pemanfaatan dan dampak")
	blk := tableRows(city)
	if got := blk["Indeks Dampak"]; strings.Join(got, "|") != "Indeks Dampak|65,00|Tinggi|5" {
		t.Errorf("city Indeks Dampak %q, want 65,00 Tinggi n 5 (hand computed):\n%s", got, out)
	}
	if got := blk["Efisiensi"]; len(got) < 2 || got[1] != "< 5 responden" {
		t.Errorf("city Efisiensi %q, want the suppressed cell", got)
	}
	if !strings.Contains(out, "Pemanfaatan dan dampak — Dinas Kependudukan dan Pencatatan Sipil") {
		t.Errorf("no usage and impact block for disdukcapil:\n%s", out)
	}
}

func TestScoreInEnglish(t *testing.T) {
	code, out, errOut := runCmd(t, scoreFixture(t), nil, "score", "--lang", "en")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := tableRows(out)
	if got := rows["Kota Solok"]; len(got) < 3 || got[1] != "City" || got[2] != "85.12" {
		t.Errorf("city row %q, want City 85.12", got)
	}
	if got := rows["Impact index"]; len(got) < 2 || got[1] != "65.00" {
		t.Errorf("impact row %q, want 65.00:\n%s", got, out)
	}
	if got := rows["Family card"]; len(got) < 3 || got[2] != "< 5 respondents" {
		t.Errorf("kk row %q, want < 5 respondents", got)
	}
}

func TestScoreJSONAndIdempotence(t *testing.T) {
	vars := scoreFixture(t)
	var reps []scoreReport
	for range 2 {
		code, out, errOut := runCmd(t, vars, nil, "score", "--json", "--all")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rep scoreReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		reps = append(reps, rep)
	}
	first, second := reps[0], reps[1]
	if len(first.Rows) != 6 || first.Rows[0].Scope != "city" || first.Rows[0].Value == nil || *first.Rows[0].Value != 85.12 ||
		first.Rows[0].Pooled == nil || *first.Rows[0].Pooled != 84.03 {
		t.Fatalf("JSON rows: %+v", first.Rows)
	}
	if first.Run.Written == 0 || second.Run.Written != 0 || second.Run.Snapshots != first.Run.Snapshots {
		t.Errorf("second run over the same data wrote %d (first %d, snapshots %d/%d); want 0",
			second.Run.Written, first.Run.Written, first.Run.Snapshots, second.Run.Snapshots)
	}
	city := first.Scopes[0]
	if city.Scope != "city" {
		t.Fatalf("first scope %+v, want the city", city)
	}
	for _, d := range scoring.IndexDefs() {
		if _, ok := city.Indices[d.Key]; !ok && !strings.HasSuffix(d.Key, ".") {
			t.Errorf("city JSON lacks %q", d.Key)
		}
	}
	if f := city.Indices["dampak"]; f.Value == nil || math.Abs(*f.Value-65) > 1e-9 || f.N != 5 || f.Band != "Tinggi" || f.Status != "ok" {
		t.Errorf("dampak %+v, want 65, n 5, Tinggi, ok", f)
	}
	if f := city.Indices["dampak.efisiensi"]; f.Value != nil || !f.Suppressed || f.N != 4 || f.Status != "suppressed" {
		t.Errorf("dampak.efisiensi %+v, want suppressed with n 4 and no value", f)
	}
	if f := city.Indices["item_nonresponse.persyaratan"]; f.Value == nil || *f.Value != 0 || f.N != 12 {
		t.Errorf("item_nonresponse.persyaratan %+v, want 0 %% of 12", f)
	}
	if f := city.Indices["item_nonresponse.dampak.hemat_waktu"]; !f.Suppressed || f.Value != nil {
		t.Errorf("item_nonresponse.dampak.hemat_waktu %+v, want suppressed (asked of 3)", f)
	}
	if f := city.Indices["digital_takeup"]; f.Value != nil || f.Status != "no_data" {
		t.Errorf("digital_takeup %+v, want no data (officials report no counts yet)", f)
	}
	if f := city.Indices["ikm"]; f.Pooled == nil || math.Abs(*f.Pooled-84.02777777777777) > 1e-9 {
		t.Errorf("ikm %+v, want the pooled 84,027…", f)
	}
}

func TestScoreBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--period", "fortnight"}, "--period"},
		{[]string{"--from", "2026-13-01"}, "--from"},
		{[]string{"--from", "2026-01-01", "--all"}, "--all"},
		{[]string{"--bogus"}, "bogus"},
		{[]string{"quarter"}, `unexpected argument "quarter"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errOut := runCmd(t, sqliteVars(t), nil, append([]string{"score"}, tc.args...)...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and a message naming %s", code, errOut, tc.want)
			}
		})
	}
}
