package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestServeRefusesABadRemindersFile: serve does not start with a reminders
// file that has problems, names each by file and line (the holidays
// file's too), and creates no database.
func TestServeRefusesABadRemindersFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("libur.txt", "# libur nasional\n2026-12-25,Natal\n2026-12-32,Salah\n")
	path := write("reminders.yaml", "holidays: libur.txt\nreminders:\n  - obligation: asn\n    audience: officials\n    first: \"0 9 1 *\"\n")
	vars := sqliteVars(t)
	vars["TELEGRAM_BOT_TOKEN"] = "1:abc"
	vars["REMINDERS_FILE"] = path
	code, _, errOut := runCmd(t, vars, nil, "serve")
	for _, want := range []string{
		path + `:5: reminders[0].first: bad cron spec "0 9 1 *"`,
		filepath.Join(dir, "libur.txt") + `:3: "2026-12-32" is not a date`,
	} {
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, %q; want 1 and %q", code, errOut, want)
		}
	}
	if _, err := os.Stat(strings.TrimPrefix(vars["DATABASE_URL"], "sqlite://")); !os.IsNotExist(err) {
		t.Errorf("the database was created (%v) though serve refused to start", err)
	}
}

// TestServeSendsReminders: a running serve's scheduler runs the reminder
// job of REMINDERS_FILE and its drainer sends the reminder to the official
// who joined, with a button to the survey of the official's OPD (the bot's
// username from getMe).
func TestServeSendsReminders(t *testing.T) {
	vars := sqliteVars(t)
	dsn := strings.TrimPrefix(vars["DATABASE_URL"], "sqlite://")
	st := storagetest.Backend{Name: "sqlite", Driver: storage.DriverSQLite, DSN: dsn}.MustOpen(t)
	ctx := context.Background()
	const ani, budi = 8301, 8302
	entries := []storage.RosterEntry{{Name: "Ani", OPDCode: "disdukcapil", Level: "pelaksana", Role: "staff"},
		{Name: "Budi", OPDCode: "disdukcapil", Level: "pelaksana", Role: "staff"}}
	if _, err := st.ImportRoster(ctx, entries, true); err != nil {
		t.Fatal(err)
	}
	inv, err := st.InviteOPD(ctx, "disdukcapil", time.Hour)
	if err != nil || len(inv) != 2 || inv[0].Official.Name != "Ani" {
		t.Fatalf("invite: %+v, %v", inv, err)
	}
	err = st.Tx(ctx, func(tx *storage.Tx) error { // Ani joins; Budi never does
		if _, _, err := tx.EnsureRespondent(ani, ani, "id", "official"); err != nil {
			return err
		}
		_, err := tx.RedeemInvitation(inv[0].Token, ani)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The round's first reminder a few seconds from now (in TIMEZONE);
	// the scheduler looks every second.
	jkt, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Now().In(jkt).Add(10 * time.Second)
	spec := fmt.Sprintf("%d %d %d %d %d *", first.Second(), first.Minute(), first.Hour(), first.Day(), int(first.Month()))
	file := filepath.Join(t.TempDir(), "reminders.yaml")
	yaml := "quiet_hours: none\nreminders:\n  - {obligation: asn, audience: officials, first: \"" + spec + "\"}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	vars["REMINDERS_FILE"] = file
	vars["REMINDERS_SCHEDULE"] = "* * * * * *"
	s := startServe(t, vars)
	s.emu.User(ani)
	s.emu.User(budi)
	if time.Now().After(first) {
		t.Fatalf("serve took more than 10 s to start; the reminder was due before the users existed")
	}
	msgs, err := s.emu.User(ani).WaitMessages(1, 20*time.Second)
	if err != nil {
		t.Fatalf("Ani got no reminder: %v; log:\n%s", err, s.logs.String())
	}
	m := msgs[0]
	if !strings.Contains(m.Text, "survei internal ASN") || len(m.Buttons) != 1 ||
		!strings.HasSuffix(m.Buttons[0][0].URL, "?start=asn_disdukcapil") || !strings.HasPrefix(m.Buttons[0][0].URL, "https://t.me/") {
		t.Errorf("reminder %q %+v", m.Text, m.Buttons)
	}
	if got := s.emu.User(budi).Messages(); len(got) != 0 {
		t.Errorf("Budi, who never joined, got %d messages", len(got))
	}
}
