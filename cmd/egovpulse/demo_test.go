package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDemoRunsTwiceAlike runs the tour twice on one database and folder:
// both runs print the IKM of the city from the simulated residents, write
// what they list, and (same seed) tell the same story.
func TestDemoRunsTwiceAlike(t *testing.T) {
	vars := quietSQLite(t)
	out := filepath.Join(t.TempDir(), "demo-output")
	args := []string{"demo", "--residents", "40", "--weeks", "2", "--seed", "7", "--out", out}
	var first string
	for run := range 2 {
		code, stdout, stderr := runCmd(t, vars, nil, args...)
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s", run+1, code, stderr)
		}
		city := regexp.MustCompile(`(?m)^Kota Solok\s+Kota\s+(\d+,\d\d)\s+([ABCD])\s+(\d+)`).FindStringSubmatch(stdout)
		if city == nil {
			t.Fatalf("run %d prints no city IKM:\n%s", run+1, stdout)
		}
		if n, _ := strconv.Atoi(city[3]); n < 20 || n > 40 {
			t.Errorf("run %d: city n = %d; want most of the 40 simulated residents", run+1, n)
		}
		for _, f := range []string{"skor.txt", "demo.log"} {
			p := filepath.Join(out, f)
			if _, err := os.Stat(p); err != nil || !strings.Contains(stderr, p) {
				t.Errorf("run %d: %s not written or not listed (%v):\n%s", run+1, f, err, stderr)
			}
		}
		if !strings.Contains(stderr, "kunjungan warga:") {
			t.Errorf("run %d shows no progress:\n%s", run+1, stderr)
		}
		if run == 0 {
			first = stdout
		} else if stdout != first {
			t.Errorf("the second run with the same seed printed something else:\n%s\nfirst:\n%s", stdout, first)
		}
	}
}
