package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/survey"
)

// waitCallback waits until the callback query of update id was answered
// and returns the answer.
func waitCallback(t *testing.T, u *botapitest.User, data string, n int) botapitest.CallbackAnswer {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var got []botapitest.CallbackAnswer
		for _, a := range u.CallbackAnswers() {
			if a.Data == data && a.Answered {
				got = append(got, a)
			}
		}
		if len(got) >= n {
			return got[n-1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("callback %q not answered %d times: %+v", data, n, u.CallbackAnswers())
	return botapitest.CallbackAnswer{}
}

func buttonData(t *testing.T, m botapitest.Message, label string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q in %q (%v)", label, m.Text, m.Labels())
	return ""
}

func TestButtonOnScreenWorksAfterAWrongText(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(7101)
		w, first, q := firstQuestion(t, e, u, "ktp")
		u.Send("bukan angka") // the question wants a button: refused, asked again
		again := wait(t, u, "the question asked again", func(m botapitest.Message) bool {
			return m.ID > first.ID && w.question(m) == q
		})
		label := q.Choices[1].Label.In(survey.LangID)
		// The resident presses the button of the message still above.
		if err := u.PressIn(first.ID, label); err != nil {
			t.Fatal(err)
		}
		next := wait(t, u, "the next question", func(m botapitest.Message) bool {
			nq := w.question(m)
			return m.ID > again.ID && nq != nil && nq != q
		})
		if got := openAnswers(t, e, u.ID(), "skm")[q.Name]; got != q.Choices[1].Value {
			t.Fatalf("%s stored %q after pressing %q on the first message, want %q (next shown: %q)", q.Name, got, label, q.Choices[1].Value, next.Text)
		}
	})
}

func TestStaleButtonAndRedeliveryShowTheCurrentQuestion(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		clock := testkit.NewClock(time.Now())
		r := newRigWith(t, e, nil, func(o *bot.Options) { o.Now = clock.Now })
		r.webhook()
		u := r.emu.User(7102)
		w, first, q := firstQuestion(t, e, u, "ktp")
		old := buttonData(t, first, q.Choices[2].Label.In(survey.LangID))
		answer := u.Send("7")
		_, q2 := w.next()
		clock.Advance(10 * time.Second) // past the re-show limit

		// A stale button: "expired", nothing stored, the current question again.
		before := u.LastMessage().ID
		u.PressData(old)
		if a := waitCallback(t, u, old, 1); !strings.Contains(a.Text, "tidak berlaku") {
			t.Errorf("stale button answered %q, want the expired notice", a.Text)
		}
		shown := wait(t, u, "the current question after a stale button", func(m botapitest.Message) bool {
			return m.ID > before && w.question(m) == q2 && m.HasButtons()
		})
		if got, want := openAnswers(t, e, u.ID(), "skm")[q.Name], answerValues(reference(t, w.def, "7").Answers)[q.Name]; got != want {
			t.Errorf("%s stored %q after a stale button, want %q kept", q.Name, got, want)
		}

		// A redelivered, already applied update: the current question again, once.
		clock.Advance(10 * time.Second)
		if err := r.emu.Redeliver(answer); err != nil {
			t.Fatal(err)
		}
		waitDelivered(t, r.emu, answer, 2)
		wait(t, u, "the current question after a redelivery", func(m botapitest.Message) bool {
			return m.ID > shown.ID && w.question(m) == q2
		})
		// Within the re-show limit, a second redelivery shows nothing more.
		n := len(u.Messages())
		if err := r.emu.Redeliver(answer); err != nil {
			t.Fatal(err)
		}
		waitDelivered(t, r.emu, answer, 3)
		probe(t, u)
		if got := len(u.Messages()) - n; got != 1 {
			t.Errorf("a redelivery within the re-show limit sent %d messages (with the help probe), want only the probe", got)
		}
		if got := countRows(t, e.backend.RawDB(t), "SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id WHERE a.question = ?", q.Name); got != 1 {
			t.Errorf("%d answers stored for %s, want 1", got, q.Name)
		}
	})
}

// TestDeadTurnHolderHoldsTheChatOnlyForItsLease: a replica that died while
// holding a chat's turn leaves the lock behind; the next update of that
// chat is applied once the short lease ends.
func TestDeadTurnHolderHoldsTheChatOnlyForItsLease(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(7103)
		w, _, _ := firstQuestion(t, e, u, "ktp")
		// The "dead replica" takes the turn and never ends it.
		if _, _, ok, err := e.sessions.TryTurn(context.Background(), u.ID(), 0, 2*time.Second); err != nil || !ok {
			t.Fatalf("take the turn as a dying replica: %v, %v", ok, err)
		}
		start := time.Now()
		u.Send("7")
		w.next()
		t.Logf("answered %s after the dead holder took the turn", time.Since(start).Round(time.Millisecond))
	})
}

// TestCommitAcknowledgementLost: the connection drops right after COMMIT
// reaches MySQL; the bot cannot tell whether the answer was stored, so the
// update is not confirmed and comes again: the answer is stored once and
// the resident gets the next question.
func TestCommitAcknowledgementLost(t *testing.T) {
	e, rg, proxy := proxiedWebhookRig(t)

	u := rg.emu.User(7104)
	w, _, q := firstQuestion(t, e, u, "ktp")
	proxy.commitCut.Store(true)
	before := u.LastMessage().ID
	id := u.Send("7")
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("deliveries: %+v", rg.emu.Deliveries())
		}
	})
	// Either the COMMIT took effect (the usual case): the redelivery finds
	// the answer stored but the session older than it, and the resident is
	// asked to continue; or the server had not committed when the
	// connection dropped and rolled back: the redelivery applies it anew.
	// Either way the next question follows and the answer is stored once.
	// (Generous: the server may take a while to finish the dropped
	// connection's COMMIT when the machine is loaded.)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	ask, err := u.WaitFor(ctx, func(m botapitest.Message) bool {
		return m.ID > before && (botapitest.HasButton("▶️ Lanjutkan")(m) || w.question(m) != nil && w.question(m) != q)
	})
	if err != nil {
		t.Fatalf("after the lost acknowledgement: neither the continue question nor the next one: %v", err)
	}
	w.last = before
	if botapitest.HasButton("▶️ Lanjutkan")(ask) {
		if err := u.PressIn(ask.ID, "▶️ Lanjutkan"); err != nil {
			t.Fatal(err)
		}
		w.last = ask.ID
	} else {
		t.Log("the server rolled the cut COMMIT back; the redelivery applied the answer")
	}
	_, next := w.next()
	if proxy.commitCut.Load() {
		t.Fatal("no COMMIT went through the proxy: the test tests nothing")
	}
	if next == q {
		t.Fatalf("after the lost acknowledgement the bot asks %s again", q.Name)
	}
	failed := 0
	for _, d := range rg.emu.Deliveries() {
		if d.UpdateID == id && d.Status != 200 {
			failed++
		}
	}
	if failed == 0 {
		t.Error("the first delivery did not fail: the acknowledgement was not lost")
	}
	probe(t, u)
	assertAppliedOnce(t, e, u, w, id, "7")
}

// assertAppliedOnce checks the resident's open skm answers are those of a
// sequential run of inputs and that update id was recorded once.
func assertAppliedOnce(t *testing.T, e *env, u *botapitest.User, w *walker, id int, inputs ...string) {
	t.Helper()
	assertAnswers(t, "after the fault", openAnswers(t, e, u.ID(), "skm"), answerValues(reference(t, w.def, inputs...).Answers))
	if n := countRows(t, e.backend.RawDB(t), "SELECT COUNT(*) FROM processed_updates WHERE update_id = ?", id); n != 1 {
		t.Errorf("update %d recorded %d times", id, n)
	}
}

func TestUnknownStartPayloadsStartNothing(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		for i, c := range []struct{ payload, want string }{
			{"svc_tidakada", `Kode layanan "tidakada" tidak dikenal`},
			{"asn_tidakada", `Kode perangkat daerah "tidakada" tidak dikenal`},
			{"foo", "tautan ini tidak dikenal"},
			{"svc_ktp'; DROP TABLE x", "tautan ini tidak dikenal"},
		} {
			u := r.emu.User(int64(7110 + i))
			u.Send("/start " + c.payload)
			wait(t, u, "the answer to /start "+c.payload, after(0, c.want))
			probe(t, u)
			for _, m := range u.Messages() {
				if m.HasButtons() {
					t.Errorf("/start %s: the bot showed buttons %v", c.payload, m.Labels())
				}
			}
		}
		db := e.backend.RawDB(t)
		if n := countRows(t, db, "SELECT COUNT(*) FROM responses"); n != 0 {
			t.Errorf("%d responses after unknown payloads, want none", n)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM respondents"); n != 0 {
			t.Errorf("%d respondents after unknown payloads, want none", n)
		}
	})
}

func TestOfficialsAnswersAreStoredUnderTheOfficialAudience(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(7120)
		opd := e.cat.OPDs[0].Code
		w, _ := startOfficial(t, e, u, opd)
		if _, q := w.next(); q == nil {
			t.Fatal("no asn question")
		}
		db := e.backend.RawDB(t)
		var rows []struct{ Audience, OPDCode, SurveyID string }
		if err := db.Raw("SELECT audience, opd_code, survey_id FROM responses").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Audience != "official" || rows[0].OPDCode != opd || rows[0].SurveyID != "asn" {
			t.Fatalf("responses %+v, want one asn response of %s under the official audience", rows, opd)
		}
		var aud []string
		if err := db.Raw("SELECT audience FROM respondents").Scan(&aud).Error; err != nil || len(aud) != 1 || aud[0] != "official" {
			t.Fatalf("respondent audience %v, %v; want official", aud, err)
		}
	})
}

// startOfficial opens the officials' link of opd, consents and returns a
// walker of asn standing before its first question, and the consent
// message (with the greeting).
func startOfficial(t *testing.T, e *env, u *botapitest.User, opd string) (*walker, botapitest.Message) {
	t.Helper()
	u.Send("/start asn_" + opd)
	m := wait(t, u, "the consent question", botapitest.HasButton("✅ Setuju"))
	if err := u.PressIn(m.ID, "✅ Setuju"); err != nil {
		t.Fatal(err)
	}
	def, err := e.reg.Latest("asn")
	if err != nil {
		t.Fatal(err)
	}
	return newWalker(t, u, def, survey.LangID, m.ID), m
}
