package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/survey"
)

// inProgressAnswers returns the answers of the user's open responses.
func inProgressAnswers(t *testing.T, e *env, userID int64) map[string]survey.Answer {
	t.Helper()
	all := map[string]survey.Answer{}
	for _, r := range inProgress(t, e, userID) {
		a, err := e.store.Answers(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range a {
			if !derived[k] {
				all[r.SurveyID+"."+k] = v
			}
		}
	}
	return all
}

func sameAnswers(a, b map[string]survey.Answer) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w.Value != v.Value || w.Skipped != v.Skipped {
			return false
		}
	}
	return true
}

func TestInputsThatAreNotWhatWasAsked(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(777, botapitest.WithLanguage("id"))
		consentMsg := u.LastMessage().ID
		startVisit(t, u, "kk")
		q1 := wait(t, u, "the first question", after(0, "Berapa usia Anda?"))
		// The gender question follows the age band: answer it once so there is
		// something stored to protect.
		if err := u.PressIn(q1.ID, "26–35 tahun"); err != nil {
			t.Fatal(err)
		}
		q2 := wait(t, u, "the second question", func(m botapitest.Message) bool { return m.ID > q1.ID && m.HasButtons() })
		before := inProgressAnswers(t, e, u.ID())
		if len(before) != 1 {
			t.Fatalf("stored before the bad inputs: %v", before)
		}

		long := strings.Repeat("😀", 1000) + strings.Repeat("x", 3096) // 4,096 characters
		cases := []struct {
			name  string
			do    func()
			reply string
		}{
			{"text where a button is expected", func() { u.Send("mungkin") }, "Jawaban tidak dikenali"},
			{"a 4,096-character message", func() { u.Send(long) }, "Jawaban tidak dikenali"},
			{"a sticker", func() { u.SendSticker() }, "hanya bisa membaca pesan teks"},
			{"a photo", func() { u.SendPhoto("foto loket") }, "hanya bisa membaca pesan teks"},
			{"an edited message", func() {
				if _, err := u.EditLastMessage("ubah"); err != nil {
					t.Fatal(err)
				}
			}, "Perubahan pesan tidak dibaca"},
			{"an unknown command", func() { u.Send("/hapus_semua") }, "Perintah tidak dikenal"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				last := u.LastMessage().ID
				c.do()
				wait(t, u, "the polite reply", after(last, c.reply))
				if got := inProgressAnswers(t, e, u.ID()); !sameAnswers(got, before) {
					t.Errorf("answers changed: %v, want %v", got, before)
				}
			})
		}

		buttons := []struct{ name, data string }{
			{"a stale button (the consent)", ""},
			{"forged data", "zz:c:0.0"},
			{"another nonce", "1:c:1.0"},
			{"over 64 bytes", strings.Repeat("9", 70) + ":c:1.0"},
			{"invalid UTF-8", "1:\xff\xfe"},
			{"out of range", "ZZZZZZZZ:c:99.99"},
		}
		for _, bt := range buttons {
			t.Run(bt.name, func(t *testing.T) {
				n := len(u.CallbackAnswers())
				if bt.data == "" {
					if err := u.PressIn(consentMsg+2, "✅ Setuju"); err != nil {
						u.PressData("0:cy") // the consent keyboard was removed: press its old data
					}
				} else {
					u.PressData(bt.data)
				}
				ans := waitCallbackAnswers(t, u, n+1)
				if a := ans[len(ans)-1]; !a.Answered || !strings.Contains(a.Text, "tidak berlaku") {
					t.Errorf("callback answer %+v, want a neutral 'button expired'", a)
				}
				if got := inProgressAnswers(t, e, u.ID()); !sameAnswers(got, before) {
					t.Errorf("answers changed: %v, want %v", got, before)
				}
			})
		}

		// The survey still waits at the second question: answering it on the
		// question's latest copy (each refusal asks it again) works.
		if err := u.Press(q2.Buttons[0][0].Text); err != nil {
			t.Fatal(err)
		}
		wait(t, u, "the third question", func(m botapitest.Message) bool {
			return m.ID > q2.ID && m.HasButtons() && strings.HasPrefix(questionLine(m.Text), "(3/")
		})
		if got := inProgressAnswers(t, e, u.ID()); len(got) != 2 {
			t.Errorf("after answering the second question: %v", got)
		}
		waitAllAnswered(t, r.emu)
	})
}

func waitCallbackAnswers(t *testing.T, u *botapitest.User, n int) []botapitest.CallbackAnswer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		ans := u.CallbackAnswers()
		if len(ans) >= n && ans[n-1].Answered {
			return ans
		}
		select {
		case <-ctx.Done():
			t.Fatalf("callback %d not answered: %+v", n, ans)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestGroupChatsAreRefusedPolitely(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()
		u := r.emu.User(888, botapitest.WithLanguage("en"))
		g := r.emu.Group(-100123, "Warga Solok")
		g.Send(u, "hello everyone")
		g.Send(u, "/start svc_kk")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		m, err := g.WaitFor(ctx, func(m botapitest.Message) bool { return true })
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, "only be answered in a private chat") {
			t.Errorf("group reply %q", m.Text)
		}
		if n := len(g.Messages()); n != 1 {
			t.Errorf("%d messages to the group, want 1 (plain chatter is ignored)", n)
		}
		if _, err := e.store.RespondentKey(context.Background(), u.ID()); err == nil {
			t.Error("a respondent was created from a group chat")
		}
	})
}
