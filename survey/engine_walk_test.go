package survey

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// checkInvariants fails when st or the prompts of a result are not a state
// the engine may produce.
func checkInvariants(tb testing.TB, s *Survey, res Result) {
	tb.Helper()
	st := res.State
	for _, p := range res.Prompts {
		for _, o := range p.Options {
			if len(o.Token) == 0 || len(o.Token) > 24 {
				tb.Fatalf("token %q: length %d", o.Token, len(o.Token))
			}
			for i := 0; i < len(o.Token); i++ {
				if o.Token[i] < 0x21 || o.Token[i] > 0x7e {
					tb.Fatalf("token %q is not printable ASCII", o.Token)
				}
			}
		}
	}
	if st.Phase.Final() {
		return
	}
	if err := checkState(s, st); err != nil {
		tb.Fatalf("invalid state %+v: %v", st, err)
	}
	seen := map[string]bool{}
	for _, name := range st.History {
		q := s.Question(name)
		if _, ok := st.Answers[name]; !ok || seen[name] || q == nil || !relevant(q, st.Answers) {
			tb.Fatalf("history entry %q: answered=%v dup=%v; state %+v", name, ok, seen[name], st)
		}
		seen[name] = true
	}
	for name := range st.Answers {
		if q := s.Question(name); q == nil || !relevant(q, st.Answers) {
			tb.Fatalf("answer to %q which is unknown or not relevant; state %+v", name, st)
		}
	}
	if st.Phase == PhaseReview {
		if st.Current != "" || len(st.Pending) > 0 || nextQuestion(s, st) >= 0 {
			tb.Fatalf("review with work left: %+v", st)
		}
		return
	}
	q := s.Question(st.Current)
	if !relevant(q, st.Answers) || (!st.Editing && seen[st.Current]) {
		tb.Fatalf("current %q is irrelevant or already in the history: %+v", st.Current, st)
	}
	for _, v := range st.Pending {
		if _, ok := q.Choice(v); !ok || q.Type != TypeSelectMultiple {
			tb.Fatalf("pending %q not a choice of %q", v, q.Name)
		}
	}
}

// randomAnswer returns inputs that answer the current question validly.
func randomAnswer(r *rand.Rand, s *Survey, st State) []Input {
	q := s.Question(st.Current)
	qi := s.Index(st.Current)
	if !q.Required && r.IntN(4) == 0 {
		return []Input{cmdIn(CmdSkip)}
	}
	switch q.Type {
	case TypeSelectOne, TypeScale:
		ci := r.IntN(len(q.Choices))
		if r.IntN(2) == 0 {
			return []Input{textIn(fmt.Sprint(ci + 1))}
		}
		return []Input{tokenIn(choiceToken(qi, ci))}
	case TypeSelectMultiple:
		var ins []Input
		limit := len(q.Choices)
		if q.Constraint != nil {
			limit = min(limit, 2) // the test survey allows two at most
		}
		for _, ci := range r.Perm(len(q.Choices))[:1+r.IntN(limit)] {
			ins = append(ins, tokenIn(choiceToken(qi, ci)))
		}
		return append(ins, tokenIn(questionToken(tokDone, qi)))
	case TypeInteger:
		return []Input{textIn(fmt.Sprint(r.IntN(51)))}
	case TypeDecimal:
		return []Input{textIn(fmt.Sprintf("%d,%d", r.IntN(100), r.IntN(10)))}
	case TypeDate:
		return []Input{textIn(fmt.Sprintf("%02d/%02d/20%02d", 1+r.IntN(28), 1+r.IntN(12), r.IntN(30)))}
	}
	return []Input{textIn(fmt.Sprintf("saran %d 🙂", r.IntN(1000)))}
}

// walkForward answers s at random until the review or a stop, checking
// after every accepted answer that Rebuild gives back the same state.
func walkForward(t *testing.T, s *Survey, r *rand.Rand, lang string) State {
	t.Helper()
	e := NewEngine()
	res := e.Start(s, lang)
	for range 200 {
		st := res.State
		if st.Phase != PhaseAnswering {
			return st
		}
		for _, in := range randomAnswer(r, s, st) {
			res = mustStep(t, s, res.State, in)
			checkInvariants(t, s, res)
			if res.Prompts[0].Kind == PromptError {
				t.Fatalf("valid input %+v refused: %q", in, res.Prompts[0].Text)
			}
		}
		if res.State.Phase.Final() {
			continue
		}
		if got := e.Rebuild(s, lang, res.State.Answers); !reflect.DeepEqual(got, res.State) {
			t.Fatalf("Rebuild differs:\n got %+v\nwant %+v", got, res.State)
		}
	}
	t.Fatalf("walk did not end: %+v", res.State)
	return State{}
}

func TestRebuildEqualsForwardWalk(t *testing.T) {
	s := newTestSurvey(t)
	phases := map[Phase]int{}
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 7))
		lang := []string{LangID, LangEN}[seed%2]
		phases[walkForward(t, s, r, lang).Phase]++
	}
	if phases[PhaseReview] == 0 || phases[PhaseStopped] == 0 {
		t.Fatalf("walks ended in %v: want both reviews and screen-outs", phases)
	}
}

func FuzzEngineStep(f *testing.F) {
	f.Add([]byte{0, 1, 0, 1, 2, 0, 1, 3})
	f.Add([]byte{1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{2, 5, 0, 0, 2, 0, 0, 2, 1, 4, 0, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newTestSurvey(t)
		e := NewEngine()
		res := e.Start(s, LangID)
		checkInvariants(t, s, res)
		for i := 0; i+1 < len(data) && i < 400; i += 2 {
			in := fuzzInput(res, data[i], data[i+1])
			next, err := e.Step(s, res.State, in)
			if res.State.Phase.Final() {
				if !errors.Is(err, ErrFinished) {
					t.Fatalf("input on a final phase: err %v", err)
				}
				return
			}
			if err != nil && !(in.Kind == InputCommand && errors.Is(err, ErrUnknownInput)) {
				t.Fatalf("Step(%+v) on %+v: %v", in, res.State, err)
			}
			if err == nil {
				checkInvariants(t, s, next)
				res = next
			}
		}
	})
}

// fuzzInput turns two bytes into an input: a token of the prompt on screen,
// a stale or made-up token, a typed text or a command.
func fuzzInput(res Result, a, b byte) Input {
	fuzzTexts := [...]string{"", "1", "2", "3", "5", "ya", "tidak", "12", "12,5", "1.234", "-3", "2026-11-27",
		"31/02/2026", "Bagus", "ktp-el", "di bawah 17 tahun", "NaN", "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"}
	fuzzCommands := [...]Command{CmdBack, CmdSkip, CmdCancel, CmdRestart, CmdEdit, CmdSubmit, CmdResume}
	var tokens []string
	for _, p := range res.Prompts {
		for _, o := range p.Options {
			tokens = append(tokens, o.Token)
		}
	}
	switch a % 4 {
	case 0:
		if len(tokens) > 0 {
			return tokenIn(tokens[int(b)%len(tokens)])
		}
		return tokenIn("c:1.0")
	case 1:
		return textIn(fuzzTexts[int(b)%len(fuzzTexts)])
	case 2:
		c := fuzzCommands[int(b)%len(fuzzCommands)]
		names := []string{"usia", "online", "layanan", "saran", "intro", "nope"}
		return Input{Kind: InputCommand, Command: c, Target: names[int(b/8)%len(names)]}
	}
	return tokenIn(fmt.Sprintf("c:%d.%d", b%11, b/11%6))
}

func TestFuzzInputCoversAllTokens(t *testing.T) {
	s := newTestSurvey(t)
	res := answerAll(t, s, LangID)
	var got []string
	for b := range 10 {
		got = append(got, fuzzInput(res, 0, byte(b)).Token)
	}
	if !slices.Contains(got, "submit") || !slices.Contains(got, "list") {
		t.Fatalf("fuzz inputs on the review %q miss submit or the edit list", got)
	}
}
