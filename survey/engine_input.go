package survey

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Option tokens. Question-bound tokens carry the question's index so that a
// button left on an older message is recognised as expired.
const (
	tokChoice = "c"      // c:<question>.<choice>
	tokSkip   = "skip"   // skip:<question>
	tokBack   = "back"   // back:<question>
	tokDone   = "done"   // done:<question>
	tokEdit   = "e"      // e:<question>
	tokSubmit = "submit" // submit
	tokList   = "list"   // list: the review's edit buttons
	tokReview = "rev"    // rev: back to the review card
	tokKeep   = "k"      // k:<question>: the remembered profile is still right
	tokChange = "x"      // x:<question>: answer the profile afresh
	tokDay    = "t"      // t:<question>.<days ago>: a date button
)

func choiceToken(qi, ci int) string            { return fmt.Sprintf("%s:%d.%d", tokChoice, qi, ci) }
func questionToken(kind string, qi int) string { return kind + ":" + strconv.Itoa(qi) }
func dayToken(qi, daysAgo int) string          { return fmt.Sprintf("%s:%d.%d", tokDay, qi, daysAgo) }

// parseIndex reads a canonical non-negative decimal index.
func parseIndex(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

// parseToken splits a token into its kind, question index and choice index.
func parseToken(tok string) (kind string, qi, ci int, ok bool) {
	if tok == tokSubmit || tok == tokList || tok == tokReview {
		return tok, -1, -1, true
	}
	kind, rest, found := strings.Cut(tok, ":")
	if !found {
		return "", 0, 0, false
	}
	if kind == tokChoice || kind == tokDay {
		qs, cs, found := strings.Cut(rest, ".")
		qi, okq := parseIndex(qs)
		ci, okc := parseIndex(cs)
		return kind, qi, ci, found && okq && okc
	}
	switch kind {
	case tokSkip, tokBack, tokDone, tokEdit, tokKeep, tokChange:
		qi, ok := parseIndex(rest)
		return kind, qi, -1, ok
	}
	return "", 0, 0, false
}

// token handles a pressed button.
func (k *step) token(tok string) {
	kind, qi, ci, ok := parseToken(tok)
	expired := func() { k.refuse(msg(k.lang(), msgExpired)) }
	switch {
	case !ok:
		expired()
	case kind == tokSubmit || kind == tokEdit || kind == tokList || kind == tokReview:
		k.reviewToken(kind, qi)
	case k.st.Phase != PhaseAnswering || qi != k.s.Index(k.st.Current):
		expired()
	case kind == tokSkip:
		k.skip()
	case kind == tokBack:
		k.back()
	case kind == tokDone:
		k.done()
	case kind == tokKeep && k.confirming(k.s.Questions[qi]):
		k.keep()
	case kind == tokChange && k.confirming(k.s.Questions[qi]):
		k.st.Known = nil
		k.current()
	case kind == tokDay && k.s.Questions[qi].Type == TypeDate:
		k.day(k.s.Questions[qi], ci)
	case kind == tokChoice:
		q := k.s.Questions[qi]
		if !isChoiceType(q.Type) || ci >= len(q.Choices) {
			expired()
			return
		}
		k.choose(q, ci)
	default:
		expired()
	}
}

// reviewToken handles the buttons of the review card and its edit list.
func (k *step) reviewToken(kind string, qi int) {
	switch {
	case k.st.Phase != PhaseReview:
		k.refuse(msg(k.lang(), msgExpired))
	case kind == tokSubmit:
		k.submit()
	case kind == tokList:
		k.add(k.reviewListPrompt())
	case kind == tokReview:
		k.current()
	case qi < len(k.s.Questions):
		k.edit(k.s.Questions[qi].Name)
	default:
		k.refuse(msg(k.lang(), msgExpired))
	}
}

// command handles a navigation command.
func (k *step) command(c Command, target string) error {
	switch c {
	case CmdBack:
		k.back()
	case CmdSkip:
		k.skip()
	case CmdCancel:
		k.deleteAll() // nothing of a cancelled survey is kept
		k.st.Phase, k.st.Current, k.st.Pending, k.st.Editing = PhaseCancelled, "", nil, false
		k.res.Cancelled = true
		k.info(msg(k.lang(), msgCancelled))
	case CmdRestart:
		k.deleteAll()
		k.st = State{SurveyID: k.st.SurveyID, Version: k.st.Version, Lang: k.st.Lang,
			Phase: PhaseAnswering, Answers: map[string]Answer{}}
		k.advance(-1)
	case CmdEdit:
		k.edit(target)
	case CmdSubmit:
		k.submit()
	case CmdResume:
		answered, total := progress(k.s, k.st)
		k.add(Prompt{Kind: PromptInfo, Text: msg(k.lang(), msgResume, answered, total),
			Answered: answered, Total: total})
		k.current()
	default:
		return fmt.Errorf("%w: command %q", ErrUnknownInput, c)
	}
	return nil
}

// back returns to the previously answered question; while editing, it
// returns to the review.
func (k *step) back() {
	switch {
	case k.st.Phase == PhaseAnswering && k.st.Editing:
		k.st.Phase, k.st.Current, k.st.Pending, k.st.Editing = PhaseReview, "", nil, false
		k.current()
		return
	case len(k.st.History) == 0:
		k.info(msg(k.lang(), msgFirstQuestion))
		k.current()
		return
	}
	prev := k.st.History[len(k.st.History)-1]
	if k.st.Kept && slices.Contains(k.s.Remember, prev) {
		k.reoffer()
		return
	}
	k.st.History = k.st.History[:len(k.st.History)-1]
	k.ask(prev, false)
}

// reoffer goes back from the question after a profile confirmed with one
// tap to the "still the same?" prompt it came from (not into the profile's
// last question), the profile as it is offered again.
func (k *step) reoffer() {
	known := map[string]Answer{}
	for _, name := range k.s.Remember {
		if a, ok := k.st.Answers[name]; ok {
			known[name] = a
		}
	}
	k.st.History = slices.DeleteFunc(k.st.History, func(h string) bool { return slices.Contains(k.s.Remember, h) })
	k.st.Known, k.st.Kept = known, false
	k.ask(k.s.Remember[0], false)
}

// ask re-asks an answered question, ticking its earlier choices.
func (k *step) ask(name string, editing bool) {
	k.st.Phase, k.st.Current, k.st.Editing, k.st.Pending = PhaseAnswering, name, editing, nil
	if q := k.s.Question(name); q.Type == TypeSelectMultiple {
		if a, ok := k.st.Answers[name]; ok && !a.Skipped {
			k.st.Pending = strings.Fields(a.Value)
		}
	}
	k.current()
}

func (k *step) skip() {
	if k.st.Phase != PhaseAnswering {
		k.refuse(msg(k.lang(), msgUseButtons))
		return
	}
	if k.s.Question(k.st.Current).Required {
		k.refuse(msg(k.lang(), msgRequired))
		return
	}
	k.accept(Answer{Skipped: true})
}

func (k *step) edit(target string) {
	if k.st.Phase != PhaseReview || !slices.Contains(k.st.History, target) {
		k.refuse(msg(k.lang(), msgEditRefused))
		return
	}
	k.ask(target, true)
}

func (k *step) submit() {
	if k.st.Phase != PhaseReview {
		k.refuse(msg(k.lang(), msgSubmitEarly))
		return
	}
	k.st.Phase = PhaseSubmitted
	k.res.Submitted = true
	k.info(msg(k.lang(), msgSubmitted))
}

// text handles a typed message.
func (k *step) text(s string) {
	if k.st.Phase == PhaseReview {
		k.reviewText(s)
		return
	}
	if k.st.Phase != PhaseAnswering {
		k.refuse(msg(k.lang(), msgUseButtons))
		return
	}
	q := k.s.Question(k.st.Current)
	if k.confirming(q) { // "still the same?" is answered with its buttons, never as the age band
		k.refuse(msg(k.lang(), msgChooseButton))
		return
	}
	if isChoiceType(q.Type) {
		ci, ok := matchChoice(q, s, k.lang())
		if !ok {
			k.refuse(msg(k.lang(), msgChooseButton))
			return
		}
		k.choose(q, ci)
		return
	}
	a, why := parseAnswer(q, s, k.lang())
	if why == "" && q.Type == TypeDate && k.st.Today != "" && a.Value > k.st.Today {
		why = msg(k.lang(), msgFuture)
	}
	if why != "" {
		k.refuse(why)
		return
	}
	k.check(q, a)
}

// choose applies the choice at index ci: a select_multiple toggles it, the
// others answer with it.
func (k *step) choose(q *Question, ci int) {
	c := q.Choices[ci]
	if q.Type != TypeSelectMultiple {
		k.check(q, Answer{Value: c.Value, Score: choiceScore(q, c)})
		return
	}
	if i := slices.Index(k.st.Pending, c.Value); i >= 0 {
		k.st.Pending = slices.Delete(k.st.Pending, i, i+1)
	} else {
		k.st.Pending = append(k.st.Pending, c.Value)
	}
	k.current()
}

// done closes a select_multiple question with the ticked choices.
func (k *step) done() {
	q := k.s.Question(k.st.Current)
	switch {
	case q.Type != TypeSelectMultiple:
		k.refuse(msg(k.lang(), msgExpired))
	case len(k.st.Pending) > 0:
		var vals []string
		for _, c := range q.Choices {
			if slices.Contains(k.st.Pending, c.Value) {
				vals = append(vals, c.Value)
			}
		}
		k.check(q, Answer{Value: strings.Join(vals, " ")})
	case q.Required:
		k.refuse(msg(k.lang(), msgMultiNone))
	default:
		k.accept(Answer{Skipped: true})
	}
}

// check applies q's constraint to a, then accepts it.
func (k *step) check(q *Question, a Answer) {
	if q.Constraint != nil && !q.Constraint.True(k.st.Answers, &a) {
		text := q.ConstraintMessage.In(k.lang())
		if text == "" {
			text = msg(k.lang(), msgConstraint)
		}
		k.refuse(text)
		return
	}
	k.accept(a)
}
