package survey

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Errors returned by Engine.Step. They mean the caller passed something
// impossible (a programming error); the respondent's own mistakes are never
// errors but error prompts.
var (
	// ErrWrongSurvey: the state belongs to another survey or version.
	ErrWrongSurvey = errors.New("state belongs to another survey")
	// ErrFinished: the session is in a final phase and takes no input.
	ErrFinished = errors.New("session is finished")
	// ErrInvalidState: the state names an unknown phase or question.
	ErrInvalidState = errors.New("invalid session state")
	// ErrUnknownInput: the input kind or command is not one the engine knows.
	ErrUnknownInput = errors.New("unknown input")
)

// Engine is the conversation engine: a pure, deterministic state machine
// that turns a session state and an input into the next state, the prompts
// to show and the answer changes to store. The zero value is ready to use.
type Engine struct{}

// NewEngine returns an engine.
func NewEngine() *Engine { return &Engine{} }

// Start begins a session of s in lang: it asks the first relevant question
// (after showing any notes before it).
func (e *Engine) Start(s *Survey, lang string) Result {
	return e.StartWith(s, lang, StartOptions{})
}

// Step applies one input to st. It returns an error only for programming
// errors (ErrWrongSurvey, ErrFinished, ErrInvalidState, ErrUnknownInput);
// a refused answer yields an error prompt followed by the question again,
// with the state unchanged. st itself is never modified.
func (e *Engine) Step(s *Survey, st State, in Input) (Result, error) {
	if err := checkState(s, st); err != nil {
		return Result{State: st}, err
	}
	k := &step{s: s, orig: cloneState(st), st: cloneState(st)}
	switch in.Kind {
	case InputCommand:
		if err := k.command(in.Command, in.Target); err != nil {
			return Result{State: st}, err
		}
	case InputChoice:
		k.token(in.Token)
	case InputText:
		k.text(in.Text)
	default:
		return Result{State: st}, fmt.Errorf("%w: input kind %d", ErrUnknownInput, in.Kind)
	}
	return k.result(), nil
}

// Rebuild reconstructs a session state from stored answers, as if they had
// been given in question order: irrelevant and unknown answers are ignored,
// Current is the first relevant unanswered question, or the review when
// all are answered (or PhaseStopped when a stored answer screens out).
func (e *Engine) Rebuild(s *Survey, lang string, answers map[string]Answer) State {
	return e.RebuildWith(s, lang, answers, nil)
}

// RebuildWith is Rebuild for a response whose planned-missingness draw
// left out the unasked questions.
func (e *Engine) RebuildWith(s *Survey, lang string, answers map[string]Answer, unasked []string) State {
	st := State{SurveyID: s.ID, Version: s.Version, Lang: pickLang(s, lang),
		Phase: PhaseAnswering, Answers: map[string]Answer{}, Unasked: slices.Clone(unasked)}
	for _, q := range s.Questions {
		a, ok := answers[q.Name]
		if !ok || !q.answerable() || !applies(q, st) {
			continue
		}
		st.Answers[q.Name] = a
		if q.asked() || q.OnReview {
			st.History = append(st.History, q.Name)
		}
		if screenedOut(q, st.Answers, a) {
			st.Phase, st.Answers, st.History = PhaseStopped, map[string]Answer{}, nil
			return st
		}
	}
	if i := nextQuestion(s, st); i >= 0 {
		st.Current = s.Questions[i].Name
	} else {
		st.Phase = PhaseReview
	}
	return st
}

// Progress returns how many of the currently relevant questions (notes
// excluded) have an answer, and how many there are.
func (e *Engine) Progress(s *Survey, st State) (answered, total int) {
	return progress(s, st)
}

func pickLang(s *Survey, lang string) string {
	switch {
	case strings.HasPrefix(lang, LangEN):
		return LangEN
	case strings.HasPrefix(lang, LangID):
		return LangID
	case s.DefaultLanguage != "":
		return s.DefaultLanguage
	}
	return LangID
}

func checkState(s *Survey, st State) error {
	if s == nil {
		return fmt.Errorf("%w: no survey", ErrWrongSurvey)
	}
	if st.SurveyID != s.ID || st.Version != s.Version {
		return fmt.Errorf("%w: state is for %s@%s, survey is %s@%s",
			ErrWrongSurvey, st.SurveyID, st.Version, s.ID, s.Version)
	}
	switch {
	case st.Phase.Final():
		return fmt.Errorf("%w: phase %s", ErrFinished, st.Phase)
	case st.Phase == PhaseReview:
		return nil
	case st.Phase != PhaseAnswering:
		return fmt.Errorf("%w: phase %q", ErrInvalidState, st.Phase)
	}
	q := s.Question(st.Current)
	if q == nil || !q.answerable() || q.Type == TypeHidden || q.Type == TypeCalculate {
		return fmt.Errorf("%w: current question %q", ErrInvalidState, st.Current)
	}
	return nil
}

func cloneState(st State) State {
	st.Answers = maps.Clone(st.Answers)
	if st.Answers == nil {
		st.Answers = map[string]Answer{}
	}
	st.History = slices.Clone(st.History)
	st.Pending = slices.Clone(st.Pending)
	st.Unasked = slices.Clone(st.Unasked)
	st.Known = maps.Clone(st.Known)
	return st
}

func relevant(q *Question, answers map[string]Answer) bool {
	return q.Relevant == nil || q.Relevant.True(answers, nil)
}

// applies reports whether q is relevant and was not left out by the
// planned-missingness draw.
func applies(q *Question, st State) bool {
	return !slices.Contains(st.Unasked, q.Name) && relevant(q, st.Answers)
}

func screenedOut(q *Question, answers map[string]Answer, a Answer) bool {
	return q.ScreenOut != nil && q.ScreenOut.True(answers, &a)
}

// nextQuestion returns the index of the first question asked in turn that
// applies and is not yet in the history, or -1.
func nextQuestion(s *Survey, st State) int {
	for i, q := range s.Questions {
		if q.asked() && !slices.Contains(st.History, q.Name) && applies(q, st) {
			return i
		}
	}
	return -1
}

// step is the working area of one Start or Step call.
type step struct {
	s    *Survey
	orig State // the state before the input, for refusals
	st   State // the state being built
	res  Result
}

func (k *step) lang() string { return k.st.Lang }

func (k *step) result() Result {
	k.res.State = k.st
	return k.res
}

func (k *step) add(p Prompt) { k.res.Prompts = append(k.res.Prompts, p) }

func (k *step) info(text string) {
	k.add(Prompt{Kind: PromptInfo, Text: text})
}

// refuse rejects the input: the state stays as it was, an error prompt
// explains why and the current prompt follows.
func (k *step) refuse(text string) {
	k.st = k.orig
	k.res.Changes = nil
	k.res.Prompts = nil
	k.add(Prompt{Kind: PromptError, Question: k.st.Current, Text: text})
	k.current()
}

// current emits the prompt for where the session stands.
func (k *step) current() {
	if k.st.Phase == PhaseReview {
		k.add(k.reviewPrompt())
		return
	}
	k.add(k.questionPrompt(k.s.Index(k.st.Current)))
}

// advance moves to the next relevant question after an answer to the
// question at index from (-1 at the start), showing the notes passed on the
// way, or to the review when none is left.
func (k *step) advance(from int) {
	k.st.Pending, k.st.Editing = nil, false
	k.calculate()
	next := nextQuestion(k.s, k.st)
	end := next
	if next < 0 {
		end = len(k.s.Questions)
	}
	for i := from + 1; i < end; i++ {
		if q := k.s.Questions[i]; q.Type == TypeNote && relevant(q, k.st.Answers) {
			k.add(Prompt{Kind: PromptInfo, Question: q.Name, Text: labelWithHint(q, k.lang())})
		}
	}
	if next < 0 {
		k.st.Phase, k.st.Current = PhaseReview, ""
		k.add(k.reviewPrompt())
		return
	}
	k.st.Phase, k.st.Current = PhaseAnswering, k.s.Questions[next].Name
	k.add(k.questionPrompt(next))
}

// accept stores an answer to the current question and moves on.
func (k *step) accept(a Answer) {
	qi := k.s.Index(k.st.Current)
	q := k.s.Questions[qi]
	trial := maps.Clone(k.st.Answers)
	trial[q.Name] = a
	if screenedOut(q, trial, a) {
		k.stop(q)
		return
	}
	k.st.Answers[q.Name], k.st.Known = a, nil
	if !slices.Contains(k.st.History, q.Name) {
		k.st.History = append(k.st.History, q.Name)
	}
	k.res.Changes = append(k.res.Changes, Change{Question: q.Name, Element: q.Element, Answer: a})
	label := answerLabel(q, a, k.lang())
	k.add(Prompt{Kind: PromptAnswered, Question: q.Name, Text: q.Label.In(k.lang()) + "\n» " + label, Answer: label})
	k.calculate()
	k.prune()
	k.advance(qi)
}

// prune drops answers to questions that are no longer relevant.
func (k *step) prune() {
	for _, q := range k.s.Questions {
		if _, ok := k.st.Answers[q.Name]; !ok || applies(q, k.st) || q.Type == TypeHidden {
			continue
		}
		delete(k.st.Answers, q.Name)
		k.st.History = slices.DeleteFunc(k.st.History, func(n string) bool { return n == q.Name })
		k.res.Changes = append(k.res.Changes, Change{Question: q.Name, Element: q.Element, Deleted: true})
	}
}

// stop ends the session because q's answer screens the respondent out:
// nothing is kept, so every stored answer is deleted.
func (k *step) stop(q *Question) {
	k.deleteAll()
	k.st.Phase, k.st.Current, k.st.Pending, k.st.Editing = PhaseStopped, "", nil, false
	k.res.Stopped = true
	text := q.ScreenOutMessage.In(k.lang())
	if text == "" {
		text = msg(k.lang(), msgStopped)
	}
	k.info(text)
}

// deleteAll empties the answers, recording a deletion for each.
func (k *step) deleteAll() {
	for _, q := range k.s.Questions {
		if _, ok := k.st.Answers[q.Name]; ok {
			k.res.Changes = append(k.res.Changes, Change{Question: q.Name, Element: q.Element, Deleted: true})
		}
	}
	k.st.Answers, k.st.History = map[string]Answer{}, nil
}
