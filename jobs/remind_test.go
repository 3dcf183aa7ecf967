package jobs_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/remind"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// scheduleYAML: the first reminder at 20:00 on the 1st, one repeat two
// days later, the head after 3 days, the admins after 4.
const scheduleYAML = `quiet_hours: "21:00-07:00"
reminders:
  - obligation: asn
    audience: officials
    first: "0 20 1 * *"
    repeat: {gap: 48h, max: 1}
    escalate: {head_after_days: 3, admins_after_days: 4}
`

// TestRemindersFollowTheSchedule walks a round on an injected clock: the
// first reminder goes only to officials who owe and can be reached, a
// repeat falling on a holiday and then in the quiet hours waits for the
// next allowed minute, the head gets a digest of their OPD and the admins
// one of every OPD, each once.
func TestRemindersFollowTheSchedule(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := testkit.NewClock(at(1, 19, 59))
			st := clockedStore(t, b, clk)
			entries := enrol(t, st, []member{
				{"Ani", "dukcapil", "staff", 101, "en"}, {"Budi", "dukcapil", "staff", 102, ""},
				{"Cici", "dukcapil", "head", 103, ""}, {"Dedi", "dukcapil", "staff", 0, ""},
				{"Eka", "dukcapil", "staff", 105, ""}, {"Fajar", "dukcapil", "staff", 106, ""},
				{"Gita", "dukcapil", "staff", 107, ""}, {"Hana", "dpmptsp", "head", 108, ""},
			})
			// Eka blocked the bot; Fajar left the roster; Gita and Hana answered.
			if err := st.MarkBlocked(ctx, 105, at(1, 10, 0)); err != nil {
				t.Fatal(err)
			}
			left := slices.DeleteFunc(slices.Clone(entries), func(e storage.RosterEntry) bool { return e.Name == "Fajar" })
			if _, err := st.ImportRoster(ctx, left, true); err != nil {
				t.Fatal(err)
			}
			answer(t, st, 107, "dukcapil", "2026-12", at(1, 9, 0))
			answer(t, st, 108, "dpmptsp", "2026-12", at(1, 9, 0))
			cfg := mustConfig(t, scheduleYAML)
			cfg.Holidays = remind.Holidays{"2026-12-03": "Cuti bersama"}
			rem := reminders(st, clk, cfg, nil, 777)

			tick := func(when time.Time, wantRan, wantDeferred []string) {
				t.Helper()
				clk.Set(when)
				res, err := rem.Tick(ctx)
				if err != nil {
					t.Fatalf("tick at %v: %v", when, err)
				}
				if !slices.Equal(res.Ran, wantRan) || !slices.Equal(res.Deferred, wantDeferred) {
					t.Errorf("tick at %v: ran %q, deferred %q; want %q, %q", when, res.Ran, res.Deferred, wantRan, wantDeferred)
				}
			}
			first, repeat := "remind asn-officials:2026-12:1", "remind asn-officials:2026-12:2"
			tick(at(1, 19, 59), nil, nil)
			tick(at(1, 20, 0), []string{first}, nil)
			tick(at(1, 20, 1), nil, nil)
			got := rowsTo(t, st, jobs.KindReminder)
			if len(got) != 3 || len(got[101]) != 1 || len(got[102]) != 1 || len(got[103]) != 1 {
				t.Fatalf("first reminder to %v, want Ani, Budi and Cici once each (not the unjoined, blocked, inactive or answered)", keys(got))
			}
			var m sender.Message
			if err := json.Unmarshal([]byte(got[101][0].MessageJSON), &m); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(m.Text, "Reminder: you have not answered the internal ASN survey for December 2026") ||
				len(m.Keyboard) != 1 || m.Keyboard[0][0].URL != "https://t.me/egovpulse_bot?start=asn_dukcapil" {
				t.Errorf("Ani's reminder (English): %q %+v", m.Text, m.Keyboard)
			}
			if err := json.Unmarshal([]byte(got[102][0].MessageJSON), &m); err != nil || !strings.Contains(m.Text, "survei internal ASN periode Desember 2026 belum Anda isi") {
				t.Errorf("Budi's reminder (Indonesian): %q", m.Text)
			}

			// Budi answers; the repeat falls on the 3rd, a holiday, then
			// in the night: it goes at 07:00 on the 4th, to Ani and Cici.
			answer(t, st, 102, "dukcapil", "2026-12", at(2, 10, 0))
			tick(at(3, 19, 59), nil, nil)
			tick(at(3, 20, 0), nil, []string{repeat})
			tick(at(4, 6, 59), nil, []string{repeat})
			tick(at(4, 7, 0), []string{repeat}, nil)
			got = rowsTo(t, st, jobs.KindReminder)
			if len(got[101]) != 2 || len(got[102]) != 1 || len(got[103]) != 2 {
				t.Errorf("after the repeat: Ani %d, Budi %d, Cici %d reminders; want 2, 1, 2", len(got[101]), len(got[102]), len(got[103]))
			}
			for _, rows := range got {
				for _, r := range rows {
					if local := r.NotBefore.In(wib); local.Hour() >= 21 || local.Hour() < 7 || local.Format(time.DateOnly) == "2026-12-03" {
						t.Errorf("a reminder due at %v (quiet hours or holiday)", local)
					}
				}
			}

			// The head's digest on the 4th at 20:00, the admins' on the 5th.
			tick(at(4, 20, 0), []string{"escalate asn-officials:2026-12:head"}, nil)
			tick(at(5, 20, 0), []string{"escalate asn-officials:2026-12:admins"}, nil)
			tick(at(6, 12, 0), nil, nil)
			heads := rowsTo(t, st, jobs.KindDigestHead)
			if len(heads) != 1 || len(heads[103]) != 1 || heads[103][0].Slot != "asn-officials:2026-12:head:dukcapil" {
				t.Fatalf("head digests %v, want one to Cici (Hana's OPD answered)", heads)
			}
			if err := json.Unmarshal([]byte(heads[103][0].MessageJSON), &m); err != nil {
				t.Fatal(err)
			}
			want := "📋 Rekap Disdukcapil: 4 dari 6 ASN belum mengisi survei internal periode Desember 2026:\n" +
				"• Ani\n• Cici\n• Dedi (belum bergabung)\n• Eka (memblokir bot)\nMohon ingatkan mereka. Ketik /status untuk rincian."
			if m.Text != want {
				t.Errorf("head digest:\n%s\nwant:\n%s", m.Text, want)
			}
			admins := rowsTo(t, st, jobs.KindDigestAdmin)
			if len(admins) != 1 || len(admins[777]) != 1 {
				t.Fatalf("admin digests %v, want one to 777", admins)
			}
			if err := json.Unmarshal([]byte(admins[777][0].MessageJSON), &m); err != nil {
				t.Fatal(err)
			}
			if want := "📋 Survei internal ASN periode Desember 2026: 1 OPD belum lengkap.\n• Disdukcapil: 4 dari 6 belum mengisi"; m.Text != want {
				t.Errorf("admin digest:\n%s\nwant:\n%s", m.Text, want)
			}
			// The round is done: nothing more this month.
			tick(at(31, 22, 0), nil, nil)
		})
	}
}

func keys[V any](m map[int64]V) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestCountsRemindersGoToOperatorsWhoOwe: the counts rule reminds the
// operators of OPDs with services lacking last month's counts, naming the
// services, and the head's digest names them and the operators.
func TestCountsRemindersGoToOperatorsWhoOwe(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		clk := testkit.NewClock(at(1, 9, 0))
		enrol(t, st, []member{
			{"Oki", "dukcapil", "operator", 201, "en"}, {"Sari", "dukcapil", "staff", 202, ""},
			{"Tono", "dukcapil", "head", 203, ""}, {"Umar", "dpmptsp", "operator", 204, ""},
			{"Vina", "dpmptsp", "head", 205, ""},
		})
		if err := st.SaveServiceCounts(ctx, []storage.ServiceCount{{ServiceCode: "nib", PeriodKey: "2026-11", Total: 40, Online: 30}}); err != nil {
			t.Fatal(err)
		}
		cfg := mustConfig(t, "reminders:\n  - obligation: lapor\n    audience: operators\n    first: \"0 9 1 * *\"\n    escalate: {head_after_days: 2}\n")
		rem := reminders(st, clk, cfg, nil)
		if res, err := rem.Tick(ctx); err != nil || len(res.Ran) != 1 || res.Ran[0] != "remind lapor-operators:2026-11:1" {
			t.Fatalf("tick: %+v, %v", res, err)
		}
		got := rowsTo(t, st, jobs.KindReminder)
		if len(got) != 1 || len(got[201]) != 1 {
			t.Fatalf("reminders to %v, want Oki only (DPMPTSP reported November)", keys(got))
		}
		var m sender.Message
		if err := json.Unmarshal([]byte(got[201][0].MessageJSON), &m); err != nil {
			t.Fatal(err)
		}
		if want := "⏰ Reminder: the number of people served in November 2026 is not reported yet for Civil Registry: ID card. Type /lapor to report it, or /status to see what is due."; m.Text != want {
			t.Errorf("Oki's reminder %q, want %q", m.Text, want)
		}
		clk.Set(at(3, 9, 0))
		if res, err := rem.Tick(ctx); err != nil || len(res.Ran) != 1 {
			t.Fatalf("tick: %+v, %v", res, err)
		}
		heads := rowsTo(t, st, jobs.KindDigestHead)
		if len(heads) != 1 || len(heads[203]) != 1 {
			t.Fatalf("head digests to %v, want Tono only", keys(heads))
		}
		if err := json.Unmarshal([]byte(heads[203][0].MessageJSON), &m); err != nil {
			t.Fatal(err)
		}
		if want := "📋 Rekap Disdukcapil: jumlah layanan periode November 2026 belum dilaporkan untuk 1 layanan: KTP-el. Operator: Oki.\nMohon ingatkan mereka. Ketik /status untuk rincian."; m.Text != want {
			t.Errorf("head digest %q, want %q", m.Text, want)
		}
	})
}
