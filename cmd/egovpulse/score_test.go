package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// scoreFixture fills a fresh SQLite file with a small, hand-computed set
// of submitted SKM responses (all submitted now) and returns its variables.
//
//	ktp: all 4s, all 3s → 87,50 B; kk: all 2s → 50,00 D;
//	nib: 4s but waktu 1 → 25·33/9 = 91,67 A, lowest waktu;
//	disdukcapil pooled (4,3,2) → 75,00 C; dpmptsp → 91,67 A;
//	city = mean(75, 91.67) = 83,33 B.
func scoreFixture(t *testing.T) map[string]string {
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
		svc   string
		score float64
		waktu float64
	}{{"ktp", 4, 4}, {"ktp", 3, 3}, {"kk", 2, 2}, {"nib", 4, 1}} {
		key := make([]byte, 16)
		for i := range key {
			key[i] = byte(rand.IntN(256))
		}
		r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: hex.EncodeToString(key), SurveyID: "skm",
			SurveyVersion: "1", ServiceCode: f.svc, PeriodKey: "p", At: at})
		if err != nil {
			t.Fatal(err)
		}
		var changes []survey.Change
		for _, e := range scoring.UnsurKeys() {
			v := f.score
			if e == "waktu" {
				v = f.waktu
			}
			changes = append(changes, survey.Change{Question: e, Element: e, Answer: survey.Answer{Value: fmt.Sprint(v), Score: &v}})
		}
		if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.SaveChanges(r.ID, changes, at) }); err != nil {
			t.Fatal(err)
		}
		if err := st.Submit(ctx, r.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	return map[string]string{"DATABASE_URL": "sqlite://" + path, "LOG_LEVEL": "error"}
}

func TestScorePrintsTheQuarter(t *testing.T) {
	vars := scoreFixture(t)
	code, out, errOut := runCmd(t, vars, nil, "score")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := map[string][]string{ // scope/code → IKM, mutu, n
		"city/-":          {"83,33", "B", "4"},
		"opd/disdukcapil": {"75,00", "C", "3"},
		"service/ktp":     {"87,50", "B", "2"},
		"service/kk":      {"50,00", "D", "1"},
		"opd/dpmptsp":     {"91,67", "A", "1"},
		"service/nib":     {"91,67", "A", "1"},
	}
	lowest := map[string]string{"service/nib": "waktu (NRR 1,00)", "service/ktp": "persyaratan (NRR 3,50)"}
	seen := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		k := f[0] + "/" + f[1]
		w, ok := want[k]
		if !ok {
			continue
		}
		seen++
		if strings.Join(f[2:5], " ") != strings.Join(w, " ") {
			t.Errorf("%s: %q, want %v", k, line, w)
		}
		if l := lowest[k]; l != "" && !strings.Contains(line, l) {
			t.Errorf("%s: %q lacks the lowest unsur %q", k, line, l)
		}
	}
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	q := survey.PeriodOf(survey.PeriodQuarter, time.Now(), jakarta)
	if seen != len(want) || !strings.Contains(out, "IKM "+q.Label(survey.LangID)+" ("+q.Key()+")") {
		t.Fatalf("table has %d of %d expected rows:\n%s", seen, len(want), out)
	}
	if i, j := strings.Index(out, "opd "), strings.Index(out, "service "); i < 0 || j < i {
		t.Errorf("OPD rows should precede their services:\n%s", out)
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
	if len(first.Rows) != 6 || first.Rows[0].Scope != "city" || first.Rows[0].Value == nil || *first.Rows[0].Value != 83.33 {
		t.Fatalf("JSON rows: %+v", first.Rows)
	}
	if first.Run.Written == 0 || second.Run.Written != 0 || second.Run.Snapshots != first.Run.Snapshots {
		t.Errorf("second run over the same data wrote %d (first %d, snapshots %d/%d); want 0",
			second.Run.Written, first.Run.Written, first.Run.Snapshots, second.Run.Snapshots)
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
