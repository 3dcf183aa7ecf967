package bot_test

import (
	"strings"
	"testing"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// TestCancelAsksAndDeletes: /batal asks first; "no" goes on where the
// survey stood, "yes" deletes what was answered, as the message says.
func TestCancelAsksAndDeletes(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(9201, botapitest.WithLanguage("id"))
		w, m, q := firstQuestion(t, e, u, "ktp")
		w.answer(m, q, typical(q))
		m, q = w.next()
		w.answer(m, q, typical(q))
		w.next()
		if got := openAnswers(t, e, u.ID(), "skm"); len(got) != 2 {
			t.Fatalf("answers before /batal: %v", got)
		}

		before := u.LastMessage().ID
		u.Send("/batal")
		ask := wait(t, u, "the cancel question", after(before, "Batalkan survei ini?"))
		if err := u.PressIn(ask.ID, "Tidak, lanjutkan"); err != nil {
			t.Fatal(err)
		}
		w.last = ask.ID
		if _, q := w.next(); q == nil || q.Name != "pendidikan" {
			t.Fatalf("after 'no' the bot asks %v, want pendidikan", q)
		}
		if got := openAnswers(t, e, u.ID(), "skm"); len(got) != 2 {
			t.Fatalf("answers after 'no': %v", got)
		}

		before = u.LastMessage().ID
		u.Send("/batal")
		ask = wait(t, u, "the cancel question", after(before, "Batalkan survei ini?"))
		if err := u.PressIn(ask.ID, "Ya, batalkan"); err != nil {
			t.Fatal(err)
		}
		wait(t, u, "the cancellation", after(ask.ID, "tidak dikirim dan sudah dihapus"))
		if n := countRows(t, e.backend.RawDB(t), "SELECT COUNT(*) FROM answers"); n != 0 {
			t.Errorf("%d answers kept after the cancellation, want none", n)
		}
		if len(inProgress(t, e, u.ID())) != 0 {
			t.Error("a response is still in progress after the cancellation")
		}
	})
}

// TestMinorStaysScreenedOut: a minor who is thanked and screened out
// cannot answer by starting again with another age band the same period.
func TestMinorStaysScreenedOut(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(9202, botapitest.WithLanguage("id"))
		_, m, _ := firstQuestion(t, e, u, "ktp")
		if err := u.PressIn(m.ID, "Di bawah 17 tahun"); err != nil {
			t.Fatal(err)
		}
		stop := wait(t, u, "the screen-out thanks", after(m.ID, "hanya untuk responden berusia 17 tahun ke atas"))
		u.Send("/start svc_kk")
		again := wait(t, u, "the answer to another start", after(stop.ID, "17 tahun ke atas"))
		if strings.Contains(again.Text, "Berapa usia") || again.HasButtons() {
			t.Fatalf("a screened-out minor is asked again: %q", again.Text)
		}
		if n := countRows(t, e.backend.RawDB(t), "SELECT COUNT(*) FROM responses WHERE status = 'in_progress'"); n != 0 {
			t.Errorf("%d responses in progress after the second start, want none", n)
		}
	})
}

// TestOfficialsAreGreetedAndThankedAsOfficials: the officials' link greets
// an official for the internal survey and thanks them for it.
func TestOfficialsAreGreetedAndThankedAsOfficials(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(9203, botapitest.WithLanguage("id"))
		w, m := startOfficial(t, e, u, e.cat.OPDs[0].Code)
		if !strings.Contains(m.Text, "survei internal") || !strings.Contains(m.Text, "ASN") {
			t.Errorf("officials are greeted with %q, want the internal ASN survey named", m.Text)
		}
		w.walk(typical)
		thanks := wait(t, u, "the thanks", after(w.last, "Terima kasih"))
		if !strings.Contains(thanks.Text, "survei internal ASN") || strings.Contains(thanks.Text, "Kepuasan Masyarakat") {
			t.Errorf("officials are thanked with %q, want the internal survey named", thanks.Text)
		}
	})
}
