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
	if !q.Required {
		p.Options = append(p.Options, Option{Token: questionToken(tokSkip, qi), Label: msg(lang, msgBtnSkip)})
	}
	if len(k.st.History) > 0 || k.st.Editing {
		p.Options = append(p.Options, Option{Token: questionToken(tokBack, qi), Label: msg(lang, msgBtnBack)})
	}
	p.Answered, p.Total = progress(k.s, k.st)
	return p
}

// reviewPrompt is the review card: every answer, an edit button per
// question and the submit button.
func (k *step) reviewPrompt() Prompt {
	lang := k.lang()
	var b strings.Builder
	b.WriteString(msg(lang, msgReviewTitle))
	p := Prompt{Kind: PromptReview}
	n := 0
	for qi, q := range k.s.Questions {
		if !slices.Contains(k.st.History, q.Name) {
			continue
		}
		n++
		num := strconv.Itoa(n)
		b.WriteString("\n" + num + ". " + q.Label.In(lang) + "\n   » " + answerLabel(q, k.st.Answers[q.Name], lang))
		p.Options = append(p.Options, Option{Token: questionToken(tokEdit, qi),
			Label: msg(lang, msgEditPrefix) + " " + num + ". " + truncateRunes(q.Label.In(lang), reviewLabelRunes)})
	}
	if len(k.st.History) == 0 {
		b.WriteString("\n" + msg(lang, msgNoAnswer))
	}
	p.Text = b.String()
	p.Options = append(p.Options, Option{Token: tokSubmit, Label: msg(lang, msgBtnSubmit)})
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
