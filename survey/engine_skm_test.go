package survey

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func registryLatest(tb testing.TB, id string) *Survey {
	tb.Helper()
	r, err := LoadRegistry("")
	if err != nil {
		tb.Fatalf("LoadRegistry: %v", err)
	}
	s, err := r.Latest(id)
	if err != nil {
		tb.Fatalf("Latest(%q): %v", id, err)
	}
	return s
}

// skmElements are the nine unsur keys of INDICATORS.md §1, in the order the
// regulation lists them.
func skmElements() []string {
	return []string{"persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku", "sarana", "pengaduan"}
}

func TestSKMWalkThrough(t *testing.T) {
	s := registryLatest(t, "skm")
	e := NewEngine()
	res := e.Start(s, LangID)
	var asked []string
	scores := map[string]float64{}
	for step := 0; res.State.Phase == PhaseAnswering; step++ {
		if step > 100 {
			t.Fatal("the survey does not end")
		}
		p := lastPrompt(t, res)
		q := s.Question(p.Question)
		asked = append(asked, q.Name)
		var in Input
		switch {
		case q.Name == "usia":
			in = tokenIn(optionToken(t, p, "26–35 tahun"))
		case q.Type == TypeScale && slices.Contains(skmElements(), q.Element):
			// 4,3,2,1,4,3,... over the nine unsur, by pressing the labelled button.
			in = tokenIn(p.Options[3-len(scores)%4].Token)
		case q.Type == TypeSelectOne || q.Type == TypeScale:
			in = tokenIn(p.Options[0].Token)
		case q.Type == TypeDate:
			in = textIn("27/11/2026")
		case q.Type == TypeText:
			in = textIn("Antrean lebih cepat, terima kasih 🙏")
		case !q.Required:
			in = cmdIn(CmdSkip)
		default:
			t.Fatalf("unexpected required question %q of type %s", q.Name, q.Type)
		}
		res = mustStep(t, s, res.State, in)
		if res.Prompts[0].Kind != PromptAnswered {
			t.Fatalf("%s: input %+v refused: %q", q.Name, in, res.Prompts[0].Text)
		}
		for _, c := range res.Changes {
			if slices.Contains(skmElements(), c.Element) && c.Answer.Score != nil {
				scores[c.Element] = *c.Answer.Score
			}
		}
	}
	if asked[0] != "usia" {
		t.Fatalf("first question %q, want the age band", asked[0])
	}
	var elements []string
	for _, name := range asked {
		if el := s.Question(name).Element; slices.Contains(skmElements(), el) {
			elements = append(elements, el)
		}
	}
	if !slices.Equal(elements, skmElements()) {
		t.Fatalf("unsur asked %q, want %q", elements, skmElements())
	}
	want := map[string]float64{"persyaratan": 4, "prosedur": 3, "waktu": 2, "biaya": 1, "produk": 4,
		"kompetensi": 3, "perilaku": 2, "sarana": 1, "pengaduan": 4}
	if !reflect.DeepEqual(scores, want) {
		t.Fatalf("scores %v, want %v", scores, want)
	}
	card := lastPrompt(t, res)
	if res.State.Phase != PhaseReview || card.Kind != PromptReview || card.Answered != len(asked) || card.Total != len(asked) {
		t.Fatalf("review: phase %s, card %+v", res.State.Phase, card)
	}
	// The suggestion costs no tap: it is typed on the review card.
	res = mustStep(t, s, res.State, textIn("Antrean lebih cepat, terima kasih 🙏"))
	card = lastPrompt(t, res)
	if res.State.Phase != PhaseReview || res.State.Answers["saran"].Value != "Antrean lebih cepat, terima kasih 🙏" {
		t.Fatalf("suggestion on the review card: %+v", res.State)
	}
	for _, label := range []string{"Sangat sesuai", "Kurang cepat", "Sangat mahal", "Dikelola dengan baik", "Antrean lebih cepat"} {
		if !strings.Contains(card.Text, label) {
			t.Fatalf("review card lacks %q:\n%s", label, card.Text)
		}
	}
	if got := e.Rebuild(s, LangID, res.State.Answers); !reflect.DeepEqual(got, res.State) {
		t.Fatalf("Rebuild of the review differs:\n got %+v\nwant %+v", got, res.State)
	}
	done := mustStep(t, s, res.State, tokenIn(optionToken(t, card, "📨 Kirim")))
	if !done.Submitted || done.State.Phase != PhaseSubmitted {
		t.Fatalf("submit: %+v", done)
	}
}

func TestSKMMinorIsStopped(t *testing.T) {
	s := registryLatest(t, "skm")
	for _, lang := range []string{LangID, LangEN} {
		t.Run(lang, func(t *testing.T) {
			res := NewEngine().Start(s, lang)
			p := lastPrompt(t, res)
			under := map[string]string{LangID: "Di bawah 17 tahun", LangEN: "Under 17"}[lang]
			res = mustStep(t, s, res.State, tokenIn(optionToken(t, p, under)))
			want := s.Question("usia").ScreenOutMessage.In(lang)
			if !res.Stopped || res.State.Phase != PhaseStopped || len(res.State.Answers) != 0 || lastPrompt(t, res).Text != want {
				t.Fatalf("minor: %+v", res)
			}
			if !strings.Contains(want, "17") {
				t.Fatalf("screen-out message %q does not mention the age", want)
			}
		})
	}
}

// TestBuiltinRandomWalks answers every built-in survey at random: valid
// answers only move forward, the state stays valid and Rebuild from the
// answers always gives the same state back.
func TestBuiltinRandomWalks(t *testing.T) {
	r, err := LoadRegistry("")
	if err != nil {
		t.Fatalf("LoadRegistry: %v", err)
	}
	for _, id := range r.IDs() {
		s, err := r.Latest(id)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(id, func(t *testing.T) {
			reviews := 0
			for seed := range uint64(60) {
				rng := rand.New(rand.NewPCG(seed, 11))
				if walkLenient(t, s, rng).Phase == PhaseReview {
					reviews++
				}
			}
			if reviews == 0 {
				t.Fatal("no walk reached the review")
			}
		})
	}
}

// walkLenient is walkForward for surveys whose constraints random answers
// may break: a refused answer is retried with another.
func walkLenient(t *testing.T, s *Survey, r *rand.Rand) State {
	t.Helper()
	e := NewEngine()
	res := e.Start(s, []string{LangID, LangEN}[r.IntN(2)])
	for range 300 {
		if res.State.Phase != PhaseAnswering {
			return res.State
		}
		before := res
		for try := 0; ; try++ {
			if try == 50 {
				t.Fatalf("no random answer accepted for %q: %q", before.State.Current, res.Prompts[0].Text)
			}
			res = before
			for _, in := range randomAnswer(r, s, res.State) {
				res = mustStep(t, s, res.State, in)
				checkInvariants(t, s, res)
			}
			if res.Prompts[0].Kind != PromptError {
				break
			}
		}
		if !res.State.Phase.Final() {
			if got := e.Rebuild(s, res.State.Lang, res.State.Answers); !reflect.DeepEqual(got, res.State) {
				t.Fatalf("Rebuild differs:\n got %+v\nwant %+v", got, res.State)
			}
		}
	}
	t.Fatalf("walk did not end: %s", fmt.Sprint(res.State))
	return State{}
}
