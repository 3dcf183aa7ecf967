package bot_test

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/survey"
)

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// walker answers a survey in Telegram as a resident would, reading each
// question off the bot's messages, and records what it answered.
type walker struct {
	t    *testing.T
	u    *botapitest.User
	def  *survey.Survey
	lang string
	last int // the newest bot message already handled
	// given is what was answered, by question name (the stored value).
	given map[string]string
}

func newWalker(t *testing.T, u *botapitest.User, def *survey.Survey, lang string, last int) *walker {
	return &walker{t: t, u: u, def: def, lang: lang, last: last, given: map[string]string{}}
}

// question finds the survey question a message asks: the longest label
// found in the message's first line after the confirmation of the answer
// before ("✓ …") and the blank line.
func (w *walker) question(m botapitest.Message) *survey.Question {
	first := questionLine(m.Text)
	var best *survey.Question
	for _, q := range w.def.Questions {
		l := q.Label.In(w.lang)
		if isAsked(q) && strings.Contains(first, l) && (best == nil || len(l) > len(best.Label.In(w.lang))) {
			best = q
		}
	}
	return best
}

func (w *walker) isReview(m botapitest.Message) bool {
	return strings.Contains(m.Text, "Ringkasan jawaban Anda:") || strings.Contains(m.Text, "Your answers:")
}

// next waits for the next prompt: a question or the review card.
func (w *walker) next() (botapitest.Message, *survey.Question) {
	w.t.Helper()
	m := wait(w.t, w.u, "the next question", func(m botapitest.Message) bool {
		return m.ID > w.last && (w.isReview(m) || w.question(m) != nil)
	})
	w.last = m.ID
	return m, w.question(m)
}

// walk answers every question with answer, then submits from the review.
func (w *walker) walk(answer func(q *survey.Question) string) {
	w.t.Helper()
	for range 200 {
		m, q := w.next()
		if q == nil {
			if err := w.u.PressIn(m.ID, submitLabel(w.lang)); err != nil {
				w.t.Fatal(err)
			}
			return
		}
		w.answer(m, q, answer(q))
	}
	w.t.Fatal("the survey never reached its review card")
}

func submitLabel(lang string) string {
	if lang == survey.LangEN {
		return "📨 Submit"
	}
	return "📨 Kirim"
}

// answer gives value to q: buttons are pressed, other answers typed.
func (w *walker) answer(m botapitest.Message, q *survey.Question, value string) {
	w.t.Helper()
	switch q.Type {
	case survey.TypeSelectOne, survey.TypeScale:
		c, ok := q.Choice(value)
		if !ok {
			w.t.Fatalf("%s has no choice %q", q.Name, value)
		}
		if err := w.u.PressIn(m.ID, c.Label.In(w.lang)); err != nil {
			w.t.Fatalf("press %q for %s: %v", c.Label.In(w.lang), q.Name, err)
		}
	case survey.TypeSelectMultiple:
		for i, v := range strings.Fields(value) {
			c, _ := q.Choice(v)
			if err := w.u.PressIn(m.ID, c.Label.In(w.lang)); err != nil {
				w.t.Fatalf("tick %q: %v", v, err)
			}
			wait(w.t, w.u, "the tick", func(x botapitest.Message) bool { return x.ID == m.ID && x.Edits > i })
		}
		done := "Selesai ✓"
		if w.lang == survey.LangEN {
			done = "Done ✓"
		}
		if err := w.u.PressIn(m.ID, done); err != nil {
			w.t.Fatal(err)
		}
	default:
		w.u.Send(value)
	}
	w.given[q.Name] = value
}

// isAsked reports whether q is put to the respondent in turn: not a note,
// a fact the bot gives (hidden), a calculation or the suggestion typed on
// the review card.
func isAsked(q *survey.Question) bool {
	return q.Type != survey.TypeNote && !isDerived(q) && !q.OnReview
}

func isDerived(q *survey.Question) bool {
	return q.Type == survey.TypeHidden || q.Type == survey.TypeCalculate
}

// derived names the answers of the built-in surveys that no one types: the
// facts the bot gives and the calculations.
var derived = func() map[string]bool {
	out := map[string]bool{}
	reg, err := survey.LoadRegistry("")
	if err != nil {
		panic(err)
	}
	for _, id := range reg.IDs() {
		s, _ := reg.Latest(id)
		for _, q := range s.Questions {
			if isDerived(q) {
				out[q.Name] = true
			}
		}
	}
	return out
}()

// typical answers a question as a typical adult resident.
func typical(q *survey.Question) string {
	switch q.Type {
	case survey.TypeSelectOne, survey.TypeScale:
		if q.ScreenOut != nil {
			return q.Choices[len(q.Choices)-1].Value // never the screened-out first band
		}
		if len(q.Choices) < 3 {
			return q.Choices[0].Value // "ya": the longer path
		}
		return q.Choices[2].Value
	case survey.TypeSelectMultiple:
		return q.Choices[0].Value
	case survey.TypeInteger:
		v := 3.0
		if q.Min != nil && *q.Min > v {
			v = *q.Min
		}
		if q.Max != nil && *q.Max < v {
			v = *q.Max
		}
		return strconv.Itoa(int(v))
	case survey.TypeDecimal:
		return "2.5"
	case survey.TypeDate:
		return time.Now().In(jakarta).Format("2006-01-02")
	}
	return fmt.Sprintf("Pelayanan %s bagus 👍🏽, terima kasih", q.Name)
}
