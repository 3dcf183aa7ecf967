package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/storage"
)

// followUpRig is a bot whose superadmin is 9001 and viewer 9002, with two
// open follow-ups (#1 ktp, #2 nib).
func followUpRig(t *testing.T, e *env) *rig {
	t.Helper()
	ctx := context.Background()
	err := e.store.Tx(ctx, func(tx *storage.Tx) error {
		_, err := tx.AddFollowUps([]storage.FollowUp{
			{ServiceCode: "ktp", OPDCode: "disdukcapil", PeriodKey: "2026-Q3", Element: "waktu", Score: 52.5, Mutu: "D"},
			{ServiceCode: "nib", OPDCode: "dpmptsp", PeriodKey: "2026-Q3", Element: "pengaduan", Score: 70, Mutu: "C"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.GrantRole(ctx, 9002, storage.GrantViewer, superadmin); err != nil {
		t.Fatal(err)
	}
	r := newRigWith(t, e, nil, func(o *bot.Options) {
		o.Roles = bot.GrantedRoles{Superadmins: []int64{superadmin}, Grants: e.store}
	})
	r.poll()
	return r
}

func TestAdminSetsFollowUpWithButtonsAndReplies(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := followUpRig(t, e)
		u := r.emu.User(superadmin, botapitest.WithLanguage("id"))
		list := chat(t, u, "/tindaklanjut", "📌 Tindak lanjut terbuka: 2")
		if !strings.Contains(list.Text, "Waktu Penyelesaian: 52,50 D (Triwulan III 2026) → Triwulan IV 2026: belum ada angka") {
			t.Errorf("list:\n%s", list.Text)
		}
		card := press(t, u, list, "#1", "Pemilik: -")
		press(t, u, card, "👤 Pemilik", "Siapa pemilik")
		card = chat(t, u, "Kabid Pelayanan", "Pemilik: Kabid Pelayanan")
		if !strings.HasPrefix(card.Text, "✓ Tersimpan.") {
			t.Errorf("saved owner answered %q", card.Text)
		}
		press(t, u, card, "📅 Tenggat", "Kapan tenggat")
		chat(t, u, "31-02-2027", `"31-02-2027" bukan tanggal`)
		card = chat(t, u, "05-01-2026", "Tenggat: 05-01-2026")
		if !strings.Contains(card.Text, "⚠️ Lewat tenggat") {
			t.Errorf("a follow-up due 05-01-2026 is not overdue:\n%s", card.Text)
		}
		press(t, u, card, "📝 Tindakan", "Apa tindakan")
		chat(t, u, "/batal", "tindak lanjut tidak diubah")
		last := u.LastMessage().ID
		if err := u.PressIn(card.ID, "✅ Selesai"); err != nil {
			t.Fatal(err)
		}
		wait(t, u, "the card edited", func(m botapitest.Message) bool { return m.ID == card.ID && strings.Contains(m.Text, "Status: selesai") })
		if u.LastMessage().ID != last {
			t.Errorf("a status press sent a new message instead of editing the card")
		}
		f, err := e.store.FollowUp(context.Background(), 1)
		if err != nil || f.Owner != "Kabid Pelayanan" || f.Action != "" || f.Status != storage.FollowUpDone || f.UpdatedBy != superadmin ||
			f.DueDate == nil || f.DueDate.Format("2006-01-02") != "2026-01-05" {
			t.Errorf("stored follow-up = %+v, %v", f, err)
		}
		if l := chat(t, u, "/tindaklanjut", "📌 Tindak lanjut terbuka: 1"); strings.Contains(l.Text, "#1 ") {
			t.Errorf("a done follow-up is still listed:\n%s", l.Text)
		}
	})
}

func TestViewerReadsFollowUpsButCannotChangeThem(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := followUpRig(t, e)
		viewer := r.emu.User(9002, botapitest.WithLanguage("id"))
		card := chat(t, viewer, "/tindaklanjut 2", "#2 ")
		if card.HasButtons() {
			t.Errorf("a viewer's card has buttons %v", card.Labels())
		}
		chat(t, viewer, "/tindaklanjut dua", `"dua" bukan nomor tindak lanjut`)
		chat(t, viewer, "/tindaklanjut 77", "Tidak ada tindak lanjut #77")
		// A forged status press from the viewer changes nothing.
		viewer.PressData("n0|a.fu:2:sx")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for len(viewer.CallbackAnswers()) == 0 || !viewer.CallbackAnswers()[0].Answered {
			if ctx.Err() != nil {
				t.Fatal("the forged press was never answered")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if got := viewer.CallbackAnswers()[0].Text; !strings.Contains(got, "hanya untuk petugas yang berwenang") {
			t.Errorf("forged press answered %q", got)
		}
		if f, _ := e.store.FollowUp(context.Background(), 2); f.Status != storage.FollowUpOpen {
			t.Errorf("a viewer's press changed the status to %q", f.Status)
		}
		resident := r.emu.User(9003, botapitest.WithLanguage("id"))
		chat(t, resident, "/tindaklanjut", "hanya untuk petugas yang berwenang")
	})
}
