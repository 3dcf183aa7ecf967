package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// thisQuarter returns the current quarter's key and its months' keys in
// the default TIMEZONE (the score fixture's responses are submitted now).
func thisQuarter(t *testing.T) (string, []string) {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	q := survey.PeriodOf(survey.PeriodQuarter, time.Now(), loc)
	var months []string
	for m := survey.PeriodOf(survey.PeriodMonth, q.Start, loc); m.Start.Before(q.End); m = m.Next() {
		months = append(months, m.Key())
	}
	return q.Key(), months
}

func TestCountsBecomeTheSampleNAndTheDigitalTakeUp(t *testing.T) {
	vars := scoreFixture(t)
	q, months := thisQuarter(t)
	// ktp: N 10 for the quarter (Krejcie–Morgan wants 10; 5 answered →
	// Sementara). nib: three months 2 + 2 + 1 = N 5 (wants 5, has 5 →
	// Memenuhi), online 1 + 1 + 1 = 60 % digital take-up.
	file := writeFile(t, "jumlah.csv", "\xef\xbb\xbflayanan;periode;jumlah;daring\r\n"+
		"ktp;"+q+";10;0\r\n"+
		"nib;"+months[0]+";2;1\r\nnib;"+months[1]+";2;1\r\nnib;"+months[2]+";1;1\r\n")
	if out := mustRun(t, vars, "counts", "import", file); out != file+": 4 count(s) stored; `egovpulse score` uses them\n" {
		t.Errorf("import output %q", out)
	}
	out := mustRun(t, vars, "score")
	rows := tableRows(out)
	if got := strings.Join(rows["Perekaman dan pencetakan KTP-el"], "|"); !strings.Contains(got, "|5|10|Sementara") {
		t.Errorf("ktp row %q, want n 5 of the required 10, Sementara:\n%s", got, out)
	}
	if got := strings.Join(rows["Nomor Induk Berusaha (OSS)"], "|"); !strings.Contains(got, "|5|5|Memenuhi") {
		t.Errorf("nib row %q, want n 5 of the required 5, Memenuhi:\n%s", got, out)
	}
	var rep scoreReport
	if err := json.Unmarshal([]byte(mustRun(t, vars, "score", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Scopes {
		f := s.Indices["digital_takeup"]
		switch s.Code {
		case "nib":
			if f.Value == nil || *f.Value != 60 || f.N != 5 {
				t.Errorf("nib digital take-up %+v, want 60 %% of 5", f)
			}
		case "kk":
			if f.Value != nil || f.Status != "no_data" {
				t.Errorf("kk digital take-up %+v, want no data (no counts)", f)
			}
		}
	}
}

func TestCountsImportRefusesBadRows(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, vars map[string]string) {
		file := writeFile(t, "bad.csv", "service,period,total,online\n"+
			"ktp,2026-Q4,10,0\n"+ // 2: good
			"sim,2026-Q4,10,0\n"+ // 3: unknown service
			"kk,2026-W48,10,0\n"+ // 4: a week
			"kk,2026-13,10,0\n"+ // 5: no such month
			"kk,2026-11,-1,0\n"+ // 6: negative
			"kk,2026-11,1.5,0\n"+ // 7: not whole
			"kk,2026-10,3,4\n"+ // 8: online > total
			"ktp,2026-Q4,12,0\n") // 9: twice
		code, out, errOut := runCmd(t, vars, nil, "counts", "import", file)
		want := "egovpulse counts: " + file + ": 7 bad row(s), nothing imported (fix them, or --skip-invalid to import the rest):\n" +
			"  " + file + ":3: unknown service \"sim\" (not in the catalog)\n" +
			"  " + file + ":4: period \"2026-W48\" is not a month or a quarter (want like 2026-11 or 2026-Q4)\n" +
			"  " + file + ":5: period \"2026-13\" is not a month or a quarter (want like 2026-11 or 2026-Q4)\n" +
			"  " + file + ":6: total \"-1\" is not a whole number ≥ 0\n" +
			"  " + file + ":7: total \"1.5\" is not a whole number ≥ 0\n" +
			"  " + file + ":8: online 4 is more than the total 3\n" +
			"  " + file + ":9: ktp 2026-Q4 appears twice (first on line 2)\n"
		if code != 1 || out != "" || errOut != want {
			t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, errOut, want)
		}
		out = mustRun(t, vars, "counts", "import", "--skip-invalid", file)
		if !strings.HasPrefix(out, file+": 1 count(s) stored; `egovpulse score` uses them\nskipped 7 bad row(s):\n") {
			t.Errorf("--skip-invalid output:\n%s", out)
		}
	})
}
