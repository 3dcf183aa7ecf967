package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDemoRunsTwiceAlike runs the tour twice on one database and folder:
// both runs print the summary an admin receives, with the city IKM of the
// simulated residents and the officials' coverage, write what they list
// (a chart that decodes among them), and, with the same seed, tell the
// same story.
func TestDemoRunsTwiceAlike(t *testing.T) {
	vars := quietSQLite(t)
	out := filepath.Join(t.TempDir(), "demo-output")
	args := []string{"demo", "--residents", "60", "--weeks", "2", "--seed", "7", "--out", out}
	var first string
	for run := range 2 {
		code, stdout, stderr := runCmd(t, vars, nil, args...)
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s", run+1, code, stderr)
		}
		city := regexp.MustCompile(`IKM Triwulan \S+ \d{4} \(sejauh ini\): \d+,\d\d mutu [ABCD] \([^)]+\), n (\d+)`).FindStringSubmatch(stdout)
		if city == nil {
			t.Fatalf("run %d prints no city IKM:\n%s", run+1, stdout)
		}
		if n, _ := strconv.Atoi(city[1]); n < 30 || n > 60 {
			t.Errorf("run %d: city n = %d; want most of the 60 simulated residents", run+1, n)
		}
		if !regexp.MustCompile(`ASN: \d+ dari 68 pegawai menjawab`).MatchString(stdout) {
			t.Errorf("run %d: no officials' coverage in the summary:\n%s", run+1, stdout)
		}
		for _, f := range []string{"ringkasan.txt", "ringkasan.png", "skor.txt", "demo.log"} {
			p := filepath.Join(out, f)
			if _, err := os.Stat(p); err != nil || !strings.Contains(stderr, p) {
				t.Errorf("run %d: %s not written or not listed (%v):\n%s", run+1, f, err, stderr)
			}
		}
		if text, _ := os.ReadFile(filepath.Join(out, "ringkasan.txt")); strings.TrimSpace(string(text)) != strings.TrimSpace(stdout) {
			t.Errorf("run %d: ringkasan.txt is not what was printed", run+1)
		}
		img, _ := os.ReadFile(filepath.Join(out, "ringkasan.png"))
		if _, err := png.DecodeConfig(bytes.NewReader(img)); err != nil {
			t.Errorf("run %d: the chart does not decode: %v", run+1, err)
		}
		for _, bar := range []string{"kunjungan warga:", "petugas (ASN):"} {
			if !strings.Contains(stderr, bar) {
				t.Errorf("run %d shows no progress of %q:\n%s", run+1, bar, stderr)
			}
		}
		story := regexp.MustCompile(`(?m)^Per .*$`).ReplaceAllString(stdout, "")
		if run == 0 {
			first = story
		} else if story != first {
			t.Errorf("the second run with the same seed printed something else:\n%s\nfirst:\n%s", story, first)
		}
	}
}

func TestDemoRefusesAProductionDatabase(t *testing.T) {
	code, _, stderr := runCmd(t, map[string]string{"DATABASE_URL": "mysql://egov:rahasia@db.solokkota.go.id:3306/egovpulse"}, nil, "demo")
	if code == 0 || !strings.Contains(stderr, "runs only on an embedded SQLite file") || strings.Contains(stderr, "rahasia") {
		t.Errorf("demo on MySQL: exit %d, %q; want a refusal that hides the password", code, stderr)
	}
}
