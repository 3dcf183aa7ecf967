package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// startVisit sends /start with a service deep link, consents, and returns
// the id of the last message before the first question.
func startVisit(t *testing.T, u *botapitest.User, service string) {
	t.Helper()
	before := u.LastMessage().ID
	u.Send("/start svc_" + service)
	m := wait(t, u, "the consent question", func(m botapitest.Message) bool {
		return m.ID > before && botapitest.HasButton("✅ Setuju")(m)
	})
	if err := u.PressIn(m.ID, "✅ Setuju"); err != nil {
		t.Fatal(err)
	}
}

// completeVisit answers the visit's survey (skm) for a service and returns
// what was answered per survey.
func completeVisit(t *testing.T, e *env, u *botapitest.User, service string) map[string]map[string]string {
	t.Helper()
	before := u.LastMessage().ID
	startVisit(t, u, service)
	def, err := e.reg.Latest("skm")
	if err != nil {
		t.Fatal(err)
	}
	w := newWalker(t, u, def, survey.LangID, before)
	w.walk(typical)
	wait(t, u, "the thanks", after(w.last, "Jawaban Anda terkirim"))
	return map[string]map[string]string{"skm": w.given}
}

// storedAnswers returns the submitted answers of the user's responses, by
// survey, as stored (skipped questions left out).
func storedAnswers(t *testing.T, e *env, userID int64) (storage.DataExport, map[string]map[string]string) {
	t.Helper()
	ctx := context.Background()
	key, err := e.store.RespondentKey(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.store.MyData(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range d.Responses {
		if r.Status != storage.StatusSubmitted {
			continue
		}
		m := map[string]string{}
		for name, a := range r.Answers {
			if !a.Skipped && !derived[name] {
				m[name] = a.Value
			}
		}
		out[r.SurveyID] = m
	}
	return d, out
}

func assertSameAnswers(t *testing.T, got, want map[string]map[string]string) {
	t.Helper()
	for id, w := range want {
		g := got[id]
		if len(g) != len(w) {
			t.Errorf("%s: %d answers stored, %d given\nstored %v\ngiven  %v", id, len(g), len(w), g, w)
		}
		for q, v := range w {
			if g[q] != v {
				t.Errorf("%s.%s stored %q, given %q", id, q, g[q], v)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("submitted surveys %d, want %d", len(got), len(want))
	}
}

func TestResidentCompletesVisit(t *testing.T) {
	for _, mode := range []string{"polling", "webhook"} {
		t.Run(mode, func(t *testing.T) {
			forEachEnv(t, func(t *testing.T, e *env) {
				r := newRig(t, e, nil)
				if mode == "polling" {
					r.poll()
				} else {
					r.webhook()
				}
				u := r.emu.User(424242, botapitest.WithFirstName("Siti"), botapitest.WithLastName("Rahmawati"), botapitest.WithLanguage("id"))
				given := completeVisit(t, e, u, "ktp")
				if len(given["skm"]) < 16 {
					t.Fatalf("answered only %d skm questions", len(given["skm"]))
				}
				d, stored := storedAnswers(t, e, u.ID())
				assertSameAnswers(t, stored, given)
				for _, resp := range d.Responses {
					if resp.ServiceCode != "ktp" {
						t.Errorf("response %d for service %q, want ktp", resp.ID, resp.ServiceCode)
					}
				}
				// Answers and responses carry a pseudonymous key, never the
				// Telegram id or the name.
				d.Identity = nil
				blob, _ := json.Marshal(d)
				for _, secret := range []string{"424242", "Siti", "Rahmawati"} {
					if strings.Contains(string(blob), secret) {
						t.Errorf("stored answers contain %q", secret)
					}
				}
				if len(d.Respondent.Key) < 16 {
					t.Errorf("respondent key %q is not a random pseudonym", d.Respondent.Key)
				}
				waitAllAnswered(t, r.emu)
			})
		})
	}
}

func TestSecondVisitSamePeriodIsToldWhenToComeBack(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(5150, botapitest.WithLanguage("en"))
		u.Send("/language")
		wait(t, u, "language buttons", botapitest.HasButton("🇮🇩 Bahasa Indonesia"))
		if err := u.Press("🇮🇩 Bahasa Indonesia"); err != nil {
			t.Fatal(err)
		}
		// Without consent yet, the bot asks for it again, now in Indonesian.
		wait(t, u, "the consent in Indonesian", botapitest.HasButton("✅ Setuju"))
		completeVisit(t, e, u, "akta_lahir")
		n := len(u.Messages())
		u.Send("/start svc_akta_lahir")
		m := wait(t, u, "the already-answered notice", after(u.Messages()[n-1].ID, "sudah mengisi survei"))
		if !strings.Contains(m.Text, "mulai") {
			t.Errorf("notice does not say when to answer again: %q", m.Text)
		}
	})
}

// waitAllAnswered waits (the sender answers callbacks on its own goroutine)
// until every callback query has been answered.
func waitAllAnswered(t *testing.T, emu *botapitest.Server) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(emu.UnansweredCallbacks()) > 0 {
		if time.Now().After(deadline) {
			t.Errorf("%d callback queries left unanswered", len(emu.UnansweredCallbacks()))
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
