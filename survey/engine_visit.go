package survey

import (
	"cmp"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// This file holds what makes a visit short: facts from the adapter
// (hidden questions), calculations, the planned-missingness draw, the
// remembered profile confirmed with one tap, date buttons and a progress
// count whose total never grows.

// StartWith begins a session of s in lang with what the adapter knows:
// facts answer hidden questions (recorded as changes), Known is offered for
// confirmation at the first Remember question, Unasked is left out.
func (e *Engine) StartWith(s *Survey, lang string, o StartOptions) Result {
	k := &step{s: s, st: State{
		SurveyID: s.ID, Version: s.Version, Lang: pickLang(s, lang),
		Phase: PhaseAnswering, Answers: map[string]Answer{},
		Unasked: slices.Clone(o.Unasked), Known: knownProfile(s, o.Known), Today: o.Today,
	}}
	for _, q := range s.Questions {
		if v := o.Facts[q.Name]; q.Type == TypeHidden && v != "" {
			a := Answer{Value: v}
			k.st.Answers[q.Name] = a
			k.res.Changes = append(k.res.Changes, Change{Question: q.Name, Element: q.Element, Answer: a})
		}
	}
	k.orig = cloneState(k.st)
	k.advance(-1)
	return k.result()
}

// knownProfile keeps the remembered answers that are still valid for s;
// none when a required Remember question has no valid answer.
func knownProfile(s *Survey, known map[string]Answer) map[string]Answer {
	out := map[string]Answer{}
	for _, name := range s.Remember {
		q := s.Question(name)
		a, ok := known[name]
		valid := ok && q != nil && (a.Skipped && !q.Required || validChoice(q, a.Value))
		if !valid && q != nil && q.Required {
			return nil
		}
		if valid {
			out[name] = a
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func validChoice(q *Question, v string) bool {
	if !isChoiceType(q.Type) || q.Type == TypeSelectMultiple {
		return v != ""
	}
	_, ok := q.Choice(v)
	return ok
}

// DrawSample draws, for each group of s.Samples, a uniformly random subset
// of the group's questions of the given size and returns the questions left
// out, in survey order. Every question of a group of n asked k is asked with
// probability k/n and every pair with k(k-1)/(n(n-1)), whatever the answers.
func DrawSample(s *Survey, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var out []string
	for _, g := range slices.Sorted(maps.Keys(s.Samples)) {
		var members []string
		for _, q := range s.Questions {
			if q.Group == g {
				members = append(members, q.Name)
			}
		}
		for i, j := range rng.Perm(len(members)) {
			if i >= s.Samples[g] {
				out = append(out, members[j])
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(s.Index(a), s.Index(b)) })
	return out
}

// calculate sets the answers of calculate questions whose inputs are all
// answered, and removes those that no longer apply.
func (k *step) calculate() {
	for _, q := range k.s.Questions {
		if q.Type != TypeCalculate {
			continue
		}
		old, had := k.st.Answers[q.Name]
		a, ok := k.calcValue(q)
		switch {
		case ok && (!had || old.Value != a.Value):
			k.st.Answers[q.Name] = a
			k.res.Changes = append(k.res.Changes, Change{Question: q.Name, Element: q.Element, Answer: a})
		case !ok && had:
			delete(k.st.Answers, q.Name)
			k.res.Changes = append(k.res.Changes, Change{Question: q.Name, Element: q.Element, Deleted: true})
		}
	}
}

func (k *step) calcValue(q *Question) (Answer, bool) {
	if q.Calculation == nil || !applies(q, k.st) {
		return Answer{}, false
	}
	for _, ref := range q.Calculation.Refs() {
		if _, ok := k.st.Answers[ref]; !ok {
			return Answer{}, false
		}
	}
	v, err := q.Calculation.Eval(k.st.Answers, nil)
	if err != nil || v.String() == "" {
		return Answer{}, false
	}
	a := Answer{Value: v.String()}
	if n, ok := v.Number(); ok && v.isNumber() {
		a.Score = &n
	}
	return a, true
}

// progress returns how many questions asked in turn have an answer, and
// how many there may be in all: a question whose relevance still depends
// on an answer to come is counted, so the total only ever shrinks.
func progress(s *Survey, st State) (answered, total int) {
	open := map[string]bool{} // may still get an answer
	// A profile offered or confirmed with one tap counts as one step.
	folded, kept := len(st.Known) > 0, st.Kept
	if kept {
		folded = !slices.ContainsFunc(s.Remember, func(n string) bool {
			_, has := st.Answers[n]
			return !has && slices.Contains(st.History, n)
		})
	}
	foldedSeen := false
	for _, q := range s.Questions {
		_, has := st.Answers[q.Name]
		if folded && slices.Contains(s.Remember, q.Name) {
			if !foldedSeen {
				foldedSeen = true
				total++
				if kept {
					answered++
				}
			}
			continue
		}
		maybe := !slices.Contains(st.Unasked, q.Name) && mayApply(q, st, open)
		if !has && maybe && q.Type != TypeHidden {
			open[q.Name] = true
		}
		if !q.asked() || !has && !maybe {
			continue
		}
		total++
		if has {
			answered++
		}
	}
	return answered, total
}

func mayApply(q *Question, st State, open map[string]bool) bool {
	if relevant(q, st.Answers) {
		return true
	}
	return slices.ContainsFunc(q.Relevant.Refs(), func(r string) bool { return open[r] })
}

// confirming reports whether q is where the remembered profile is offered.
func (k *step) confirming(q *Question) bool {
	return len(k.st.Known) > 0 && slices.Contains(k.s.Remember, q.Name)
}

// confirmPrompt shows the remembered profile: "still the same?".
func (k *step) confirmPrompt(qi int) Prompt {
	lang := k.lang()
	var parts []string
	for _, name := range k.s.Remember {
		if a, ok := k.st.Known[name]; ok && !a.Skipped {
			parts = append(parts, answerLabel(k.s.Question(name), a, lang))
		}
	}
	p := Prompt{Kind: PromptQuestion, Question: k.s.Questions[qi].Name,
		Text: msg(lang, msgProfileAsk, strings.Join(parts, ", ")),
		Options: []Option{
			{Token: questionToken(tokKeep, qi), Label: msg(lang, msgBtnKeep)},
			{Token: questionToken(tokChange, qi), Label: msg(lang, msgBtnChange)},
		}}
	if len(k.st.History) > 0 {
		p.Options = append(p.Options, Option{Token: questionToken(tokBack, qi), Label: msg(lang, msgBtnBack)})
	}
	p.Answered, p.Total = progress(k.s, k.st)
	return p
}

// keep accepts the remembered profile as it is.
func (k *step) keep() {
	known, last := k.st.Known, -1
	k.st.Known, k.st.Kept = nil, true
	for _, name := range k.s.Remember {
		a, ok := known[name]
		q := k.s.Question(name)
		if !ok || !applies(q, k.st) || slices.Contains(k.st.History, name) {
			continue
		}
		if screenedOut(q, k.st.Answers, a) {
			k.stop(q)
			return
		}
		k.st.Answers[name] = a
		k.st.History = append(k.st.History, name)
		k.res.Changes = append(k.res.Changes, Change{Question: name, Element: q.Element, Answer: a})
		last = max(last, k.s.Index(name))
	}
	k.add(Prompt{Kind: PromptAnswered, Answer: msg(k.lang(), msgProfileKept), Text: msg(k.lang(), msgProfileKept)})
	k.calculate()
	k.prune()
	k.advance(last)
}

// day answers a date question with today (n = 0) or yesterday (n = 1).
func (k *step) day(q *Question, n int) {
	t, err := time.Parse(dateLayout, k.st.Today)
	if err != nil || n > 1 {
		k.refuse(msg(k.lang(), msgExpired))
		return
	}
	k.check(q, Answer{Value: t.AddDate(0, 0, -n).Format(dateLayout)})
}

// dateLayout is how dates are stored.
const dateLayout = "2006-01-02"

// reviewText takes a message typed on the review card as the answer to the
// survey's on-review question (a suggestion), then shows the card again.
func (k *step) reviewText(s string) {
	i := slices.IndexFunc(k.s.Questions, func(q *Question) bool { return q.OnReview })
	if i < 0 {
		k.refuse(msg(k.lang(), msgUseButtons))
		return
	}
	q := k.s.Questions[i]
	if _, why := parseAnswer(q, s, k.lang()); why != "" {
		k.refuse(why)
		return
	}
	k.st.Phase, k.st.Current = PhaseAnswering, q.Name
	k.text(s)
}
