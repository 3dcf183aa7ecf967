package survey

import (
	"slices"
	"strconv"
	"strings"
)

// reviewLabelRunes bounds a question label on an edit button.
const reviewLabelRunes = 28

// labelWithHint is a question's label, marked "(opsional)" when optional,
// with its hint on the next line.
func labelWithHint(q *Question, lang string) string {
	var b strings.Builder
	b.WriteString(q.Label.In(lang))
	if !q.Required && q.Type != TypeNote {
		b.WriteString(" " + msg(lang, msgOptional))
	}
	if h := q.Hint.In(lang); h != "" {
		b.WriteString("\n" + h)
	}
	return b.String()
}

// questionPrompt asks the question at index qi: choices as buttons (ticked
// ones marked on a select_multiple), then Done, Skip and Back as they apply.
func (k *step) questionPrompt(qi int) Prompt {
	q, lang := k.s.Questions[qi], k.lang()
	if k.confirming(q) {
		return k.confirmPrompt(qi)
	}
	text := labelWithHint(q, lang)
	if q.Type == TypeSelectMultiple {
		text += "\n" + msg(lang, msgMultiHint)
	}
	p := Prompt{Kind: PromptQuestion, Question: q.Name, Text: text, FreeText: !isChoiceType(q.Type)}
	prev, answered := k.st.Answers[q.Name]
	for ci, c := range q.Choices {
		sel := slices.Contains(k.st.Pending, c.Value)
		if q.Type != TypeSelectMultiple {
			sel = answered && !prev.Skipped && prev.Value == c.Value
		}
		p.Options = append(p.Options, Option{Token: choiceToken(qi, ci), Label: choiceLabel(c, lang), Selected: sel})
	}
	if q.Type == TypeSelectMultiple {
		p.Options = append(p.Options, Option{Token: questionToken(tokDone, qi), Label: msg(lang, msgBtnDone)})
	}
	if q.Type == TypeDate && k.st.Today != "" {
		p.Options = append(p.Options, Option{Token: dayToken(qi, 0), Label: msg(lang, msgBtnToday)},
			Option{Token: dayToken(qi, 1), Label: msg(lang, msgBtnYesterday)})
	}
	if !q.Required {
		p.Options = append(p.Options, Option{Token: questionToken(tokSkip, qi), Label: msg(lang, msgBtnSkip)})
	}
	if len(k.st.History) > 0 || k.st.Editing {
		p.Options = append(p.Options, Option{Token: questionToken(tokBack, qi), Label: msg(lang, msgBtnBack)})
	}
	p.Answered, p.Total = progress(k.s, k.st)
	return p
}

// reviewAnswerRunes bounds a text answer on the review card.
const reviewAnswerRunes = 40

// reviewPrompt is the review card: a compact summary of the answers (by
// number), the on-review question's invitation when there is one, Submit
// first and a button opening the edit list.
func (k *step) reviewPrompt() Prompt {
	lang := k.lang()
	var parts []string
	var invite string
	for _, q := range k.s.Questions {
		if q.OnReview && invite == "" {
			if _, ok := k.st.Answers[q.Name]; !ok {
				invite = labelWithHint(q, lang)
			}
		}
		if slices.Contains(k.st.History, q.Name) {
			a := truncateRunes(answerLabel(q, k.st.Answers[q.Name], lang), reviewAnswerRunes)
			parts = append(parts, strconv.Itoa(len(parts)+1)+". "+a)
		}
	}
	text := msg(lang, msgReviewTitle) + "\n" + strings.Join(parts, " · ")
	if len(parts) == 0 {
		text = msg(lang, msgReviewTitle) + "\n" + msg(lang, msgNoAnswer)
	}
	if invite != "" {
		text += "\n\n" + invite
	}
	p := Prompt{Kind: PromptReview, Text: text, Options: []Option{
		{Token: tokSubmit, Label: msg(lang, msgBtnSubmit)},
		{Token: tokList, Label: msg(lang, msgBtnList)},
	}}
	p.Answered, p.Total = progress(k.s, k.st)
	return p
}

// reviewListPrompt lists the answers to change, one button each, and the
// way back to the summary.
func (k *step) reviewListPrompt() Prompt {
	lang := k.lang()
	p := Prompt{Kind: PromptReview, Text: msg(lang, msgReviewPick)}
	n := 0
	for qi, q := range k.s.Questions {
		if !slices.Contains(k.st.History, q.Name) {
			continue
		}
		n++
		p.Options = append(p.Options, Option{Token: questionToken(tokEdit, qi),
			Label: strconv.Itoa(n) + ". " + truncateRunes(q.Label.In(lang), reviewLabelRunes)})
	}
	p.Options = append(p.Options, Option{Token: tokReview, Label: msg(lang, msgBtnReview)})
	p.Answered, p.Total = progress(k.s, k.st)
	return p
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
