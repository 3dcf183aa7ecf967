package remind_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/remind"
)

// good is a valid file; the error cases change one line of it.
const good = `quiet_hours: "21:00-07:00"
holidays: libur.txt
reminders:
  - obligation: asn
    audience: officials
    first: "0 9 1 * *"
    repeat: {gap: 3d, max: 2}
    escalate:
      head_after_days: 5
      admins_after_days: 10
  - obligation: lapor
    audience: operators
    period: month
    first: "0 8 2 * 1-5"
`

// writeFiles writes the reminders file and a holidays file next to it.
func writeFiles(t *testing.T, reminders, holidays string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "libur.txt"), []byte(holidays), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "reminders.yaml")
	if err := os.WriteFile(path, []byte(reminders), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGoodFileLoads(t *testing.T) {
	holidays := "\xef\xbb\xbftanggal;nama\r\n2026-12-25;Hari Natal\r\n# cuti bersama\r\n\r\n2026-12-24\r\n"
	c, err := remind.Load(writeFiles(t, good, holidays), os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rules) != 2 {
		t.Fatalf("%d rules, want 2", len(c.Rules))
	}
	asn, lapor := c.Rules[0], c.Rules[1]
	if asn.Name() != "asn-officials" || asn.RepeatGap != 72*time.Hour || asn.RepeatMax != 2 ||
		asn.HeadAfter != 5*24*time.Hour || asn.AdminsAfter != 10*24*time.Hour || asn.Role() != "" {
		t.Errorf("asn rule %+v", asn)
	}
	if lapor.Name() != "lapor-operators" || lapor.RepeatMax != 0 || lapor.HeadAfter != 0 || lapor.Role() != "operator" {
		t.Errorf("lapor rule %+v", lapor)
	}
	if len(c.Holidays) != 2 || c.Holidays["2026-12-25"] != "Hari Natal" || c.Holidays["2026-12-24"] != "" {
		t.Errorf("holidays %v", c.Holidays)
	}
	if c.Quiet.String() != "21:00-07:00" {
		t.Errorf("quiet hours %s", c.Quiet)
	}
}

func TestBuiltinConfiguration(t *testing.T) {
	c, err := remind.Load("", func(string) ([]byte, error) { return nil, errors.New("no file may be read") })
	if err != nil {
		t.Fatal(err)
	}
	if c.File != remind.BuiltinFile || len(c.Rules) != 2 || c.Quiet != remind.DefaultQuiet() || len(c.Holidays) != 0 {
		t.Errorf("built-in configuration %+v", c)
	}
}

// TestEachProblemNamesFileLineAndWhat: every problem is "file:line:
// field: what is wrong", holidays problems with the holidays file's line,
// and a file with problems gives no configuration.
func TestEachProblemNamesFileLineAndWhat(t *testing.T) {
	cases := []struct {
		name, old, new, holidays, want string
	}{
		{"bad cron", `first: "0 9 1 * *"`, `first: "0 9 1 *"`, "",
			`reminders.yaml:6: reminders[0].first: bad cron spec "0 9 1 *": expected 5 to 6 fields, found 4: [0 9 1 *]`},
		{"cron out of range", `first: "0 9 1 * *"`, `first: "0 25 1 * *"`, "",
			`reminders.yaml:6: reminders[0].first: bad cron spec "0 25 1 * *": end of range (25) above maximum (23): 25`},
		{"unknown key", "head_after_days: 5", "head_after_day: 5", "",
			"reminders.yaml:9: reminders[0].escalate.head_after_day: unknown key (want one of head_after_days, admins_after_days)"},
		{"unknown top key", `quiet_hours: "21:00-07:00"`, `quiet_hour: "21:00-07:00"`, "",
			"reminders.yaml:1: quiet_hour: unknown key (want one of quiet_hours, holidays, reminders)"},
		{"negative gap", "gap: 3d", "gap: -6h", "",
			`reminders.yaml:7: reminders[0].repeat.gap: negative gap "-6h": want a positive duration such as 72h or 3d`},
		{"gap not a duration", "gap: 3d", "gap: tiga hari", "",
			`reminders.yaml:7: reminders[0].repeat.gap: "tiga hari" is not a duration: want such as 72h, 90m or 3d`},
		{"negative max", "max: 2", "max: -1", "",
			"reminders.yaml:7: reminders[0].repeat.max: negative (-1): want 0 or more"},
		{"negative days", "admins_after_days: 10", "admins_after_days: -10", "",
			"reminders.yaml:10: reminders[0].escalate.admins_after_days: negative (-10): want 0 or more"},
		{"quiet hours malformed", `"21:00-07:00"`, `"21.00-07.00"`, "",
			`reminders.yaml:1: quiet_hours: "21.00-07.00" is not a window HH:MM-HH:MM such as 21:00-07:00 (or none)`},
		{"quiet hours out of range", `"21:00-07:00"`, `"21:00-24:30"`, "",
			`reminders.yaml:1: quiet_hours: "21:00-24:30" is not a window HH:MM-HH:MM such as 21:00-07:00 (or none)`},
		{"quiet hours empty window", `"21:00-07:00"`, `"07:00-07:00"`, "",
			`reminders.yaml:1: quiet_hours: "07:00-07:00" starts and ends at the same time: give a window, or none`},
		{"unknown obligation", "obligation: lapor", "obligation: laporan", "",
			`reminders.yaml:11: reminders[1].obligation: unknown obligation "laporan" (want one of asn, lapor)`},
		{"unknown audience", "audience: operators", "audience: operator", "",
			`reminders.yaml:12: reminders[1].audience: unknown audience "operator" (want one of officials, staff, heads, operators)`},
		{"missing first", `    first: "0 8 2 * 1-5"` + "\n", "", "",
			`reminders.yaml:11: reminders[1].first: missing (required): a cron spec such as "0 9 1 * *" (09:00 on the 1st)`},
		{"bad period", "period: month", "period: bulan", "",
			`reminders.yaml:13: reminders[1].period: unknown period "bulan": want week, month, quarter or year`},
		{"same rule twice", "obligation: lapor\n    audience: operators", "obligation: asn\n    audience: officials", "",
			"reminders.yaml:11: reminders[1]: a second asn rule for officials (first at line 4)"},
		{"bad date in holidays", "", "", "2026-12-25,Natal\n# komentar\n2026-02-30,Tidak ada\n",
			`libur.txt:3: "2026-02-30" is not a date: want YYYY-MM-DD, such as 2026-12-25`},
		{"bad date with semicolons", "", "", "tanggal;nama\r\n25/12/2026;Natal\r\n",
			`libur.txt:2: "25/12/2026" is not a date: want YYYY-MM-DD, such as 2026-12-25`},
		{"not YAML", "reminders:\n", "reminders: [\n", "",
			"reminders.yaml:3: not valid YAML:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := good
			if tc.old != "" || tc.new != "" {
				if !strings.Contains(text, tc.old) {
					t.Fatalf("%q is not in the good file", tc.old)
				}
				text = strings.Replace(text, tc.old, tc.new, 1)
			}
			path := writeFiles(t, text, tc.holidays)
			c, err := remind.Load(path, os.ReadFile)
			if c != nil || !errors.Is(err, remind.ErrInvalid) {
				t.Fatalf("got %+v, %v; want no configuration and ErrInvalid", c, err)
			}
			got := strings.ReplaceAll(err.Error(), filepath.Dir(path)+string(filepath.Separator), "")
			if !strings.HasPrefix(got, tc.want) || strings.Count(got, "\n") > 0 && !strings.HasPrefix(tc.name, "not YAML") {
				t.Errorf("error:\n%s\nwant exactly:\n%s", got, tc.want)
			}
		})
	}
}

func TestMissingFilesAreNamed(t *testing.T) {
	dir := t.TempDir()
	_, err := remind.Load(filepath.Join(dir, "nope.yaml"), os.ReadFile)
	if err == nil || !strings.Contains(err.Error(), "REMINDERS_FILE") || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("missing reminders file: %v", err)
	}
	path := filepath.Join(dir, "r.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(good, "libur.txt", "hilang.txt", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = remind.Load(path, os.ReadFile)
	if err == nil || !strings.Contains(err.Error(), "hilang.txt: cannot read the holidays file") {
		t.Errorf("missing holidays file: %v", err)
	}
}

func TestQuietHoursAndHolidays(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	c := &remind.Config{Quiet: remind.DefaultQuiet(), Holidays: remind.Holidays{"2026-12-25": "Natal"}}
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, wib) }
	for _, tc := range []struct {
		t       time.Time
		allowed bool
		next    time.Time
	}{
		{at(7, 6, 59), false, at(7, 7, 0)},
		{at(7, 7, 0), true, at(7, 7, 0)},
		{at(7, 20, 59), true, at(7, 20, 59)},
		{at(7, 21, 0), false, at(8, 7, 0)},
		{at(24, 23, 30), false, at(26, 7, 0)}, // Christmas Eve night, then Christmas: the 26th
		{at(25, 12, 0), false, at(26, 7, 0)},
	} {
		if got := c.Allowed(tc.t.UTC(), wib); got != tc.allowed {
			t.Errorf("Allowed(%v) = %v", tc.t, got)
		}
		if got := c.NextAllowed(tc.t.UTC(), wib); !got.Equal(tc.next) {
			t.Errorf("NextAllowed(%v) = %v, want %v", tc.t, got, tc.next)
		}
	}
	day := remind.QuietHours{Start: 12 * 60, End: 13 * 60}
	if !day.Quiet(at(7, 12, 30)) || day.Quiet(at(7, 13, 0)) || day.Quiet(at(7, 23, 0)) {
		t.Error("a window within one day")
	}
	if q, err := remind.ParseQuietHours("none"); err != nil || q.Quiet(at(7, 3, 0)) {
		t.Errorf("none: %v, %v", q, err)
	}
}

func TestSurveyRulesRunOnTheSurveysPeriod(t *testing.T) {
	path := writeFiles(t, strings.Replace(good, "    audience: officials\n", "    audience: officials\n    period: week\n", 1), "")
	c, err := remind.Load(path, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckSurveyPeriod("month")
	if want := path + ":4: reminders[0].period: week, but the asn survey's period is month"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if err := c.CheckSurveyPeriod("week"); err != nil {
		t.Errorf("week rules with a weekly survey: %v", err)
	}
}
