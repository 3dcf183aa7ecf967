package survey

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// This file reads and checks the `questions` list of a survey file.

var questionKeys = []string{"type", "name", "label", "hint", "required", "relevant", "constraint",
	"constraint_message", "screen_out", "screen_out_message", "choices", "choice_list", "min", "max",
	"max_length", "element", "group", "calculation", "on_review"}

var questionTypes = []QuestionType{TypeSelectOne, TypeSelectMultiple, TypeScale, TypeInteger,
	TypeDecimal, TypeText, TypeDate, TypeNote, TypeHidden, TypeCalculate}

var (
	selectTypes   = []QuestionType{TypeSelectOne, TypeSelectMultiple, TypeScale}
	numberTypes   = []QuestionType{TypeInteger, TypeDecimal}
	answeredTypes = []QuestionType{TypeSelectOne, TypeSelectMultiple, TypeScale, TypeInteger,
		TypeDecimal, TypeText, TypeDate}
)

// keyTypes lists, for keys that only suit some question types, which ones.
var keyTypes = map[string][]QuestionType{
	"choices":            selectTypes,
	"choice_list":        selectTypes,
	"min":                numberTypes,
	"max":                numberTypes,
	"max_length":         {TypeText},
	"required":           answeredTypes,
	"constraint":         answeredTypes,
	"constraint_message": answeredTypes,
	"screen_out":         answeredTypes,
	"screen_out_message": answeredTypes,
	"element":            append(slices.Clone(answeredTypes), TypeHidden, TypeCalculate),
	"group":              answeredTypes,
	"calculation":        {TypeCalculate},
	"on_review":          {TypeText},
}

var exprKeys = []string{"relevant", "constraint", "screen_out"}

// exprUse is an expression waiting for its references to be checked.
type exprUse struct {
	pos   int // index of its question
	key   string
	field string
	line  int
	expr  *Expr
}

func typeList(ts []QuestionType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func (r *defReader) readQuestions(e *yentry, lists map[string]*choiceList, s *Survey) {
	if e.val.kind != ySeq || len(e.val.items) == 0 {
		r.errorf(e.line, "questions", "want a non-empty list of questions, got %s", e.val.kind)
		return
	}
	names := map[string]int{}
	elements := map[string]*Question{}
	var uses []exprUse
	answered := 0
	for i, it := range e.val.items {
		f := fmt.Sprintf("questions[%d]", i)
		q, qu := r.readQuestion(it, f, lists, len(s.Questions))
		if q == nil {
			continue
		}
		if first, dup := names[q.Name]; dup && q.Name != "" {
			r.errorf(q.Line, f+".name", "duplicate name %q (first at line %d)", q.Name, first)
		} else if q.Name != "" {
			names[q.Name] = q.Line
		}
		if q.Element != "" {
			if prev := elements[q.Element]; prev != nil {
				r.errorf(q.Line, f+".element", "element %q is already used by %q (line %d)", q.Element, prev.Name, prev.Line)
			} else {
				elements[q.Element] = q
			}
		}
		if q.asked() {
			answered++
		}
		s.Questions = append(s.Questions, q)
		uses = append(uses, qu...)
	}
	if answered == 0 {
		r.errorf(e.line, "questions", "no question to answer (only notes)")
	}
	r.checkRefs(s, uses)
	r.checkVisit(e.line, s)
}

func (r *defReader) readQuestion(it *ynode, f string, lists map[string]*choiceList, pos int) (*Question, []exprUse) {
	m := r.mapping(it, f, questionKeys)
	if m == nil {
		return nil, nil
	}
	q := &Question{Line: it.line}
	if v, ok := r.str(r.required(m, "type", it.line, f), f+".type"); ok {
		q.Type = QuestionType(v)
		if !slices.Contains(questionTypes, q.Type) {
			r.errorf(m["type"].line, f+".type", "unknown type %q (want %s)", v, typeList(questionTypes))
			q.Type = ""
		}
	}
	if v, ok := r.str(r.required(m, "name", it.line, f), f+".name"); ok {
		if !nameRe.MatchString(v) {
			r.errorf(m["name"].line, f+".name", "bad name %q (want lower-case letters, digits and _, starting with a letter)", v)
		}
		q.Name = v
	}
	if q.Type == TypeHidden || q.Type == TypeCalculate {
		q.Label = r.text(m["label"], f+".label")
	} else {
		q.Label = r.text(r.required(m, "label", it.line, f), f+".label")
	}
	q.Hint = r.text(m["hint"], f+".hint")
	if q.Type != "" {
		for _, k := range questionKeys {
			if ts, limited := keyTypes[k]; limited && m[k] != nil && !slices.Contains(ts, q.Type) {
				r.errorf(m[k].line, f+"."+k, "not allowed on %s questions (only on %s)", q.Type, typeList(ts))
				delete(m, k)
			}
		}
	}
	q.Required = r.boolean(m["required"], f+".required")
	r.readQuestionChoices(m, f, q, lists)
	r.readBounds(m, f, q)
	if v, ok := r.str(m["element"], f+".element"); ok {
		if !elementRe.MatchString(v) {
			r.errorf(m["element"].line, f+".element", "bad element %q (want dotted lower-case keys such as persyaratan or dampak.hemat_waktu)", v)
		}
		q.Element = v
	}
	return q, append(r.readExprs(m, f, q, pos), r.readVisitKeys(m, f, q, pos)...)
}

// readExprs parses relevant, constraint and screen_out and their messages.
func (r *defReader) readExprs(m map[string]*yentry, f string, q *Question, pos int) []exprUse {
	var uses []exprUse
	for _, k := range exprKeys {
		src, ok := r.str(m[k], f+"."+k)
		if !ok {
			continue
		}
		x, err := ParseExpr(src)
		if err != nil {
			r.errorf(m[k].line, f+"."+k, "%s", err.Error())
			continue
		}
		uses = append(uses, exprUse{pos: pos, key: k, field: f + "." + k, line: m[k].line, expr: x})
		switch k {
		case "relevant":
			q.Relevant = x
		case "constraint":
			q.Constraint = x
		case "screen_out":
			q.ScreenOut = x
		}
	}
	q.ConstraintMessage = r.text(m["constraint_message"], f+".constraint_message")
	q.ScreenOutMessage = r.text(m["screen_out_message"], f+".screen_out_message")
	if m["constraint_message"] != nil && m["constraint"] == nil {
		r.errorf(m["constraint_message"].line, f+".constraint_message", "without a constraint")
	}
	if m["screen_out_message"] != nil && m["screen_out"] == nil {
		r.errorf(m["screen_out_message"].line, f+".screen_out_message", "without a screen_out")
	}
	if m["screen_out"] != nil && m["screen_out_message"] == nil {
		r.errorf(m["screen_out"].line, f+".screen_out_message", "missing: a screened-out respondent must be told why (required with screen_out)")
	}
	return uses
}

// checkRefs checks that expressions name earlier questions only (and, for
// screen_out, their own question), and never a note.
func (r *defReader) checkRefs(s *Survey, uses []exprUse) {
	pos := map[string]int{}
	for i, q := range s.Questions {
		if _, dup := pos[q.Name]; !dup {
			pos[q.Name] = i
		}
	}
	for _, u := range uses {
		for _, ref := range u.expr.Refs() {
			j, ok := pos[ref]
			switch {
			case !ok:
				r.errorf(u.line, u.field, "refers to ${%s}, but no question has that name", ref)
			case j == u.pos && u.key == "screen_out":
			case j == u.pos && u.key == "constraint":
				r.errorf(u.line, u.field, "refers to its own question ${%s}; use . for the answer being checked", ref)
			case j >= u.pos:
				r.errorf(u.line, u.field, "refers to ${%s} (line %d), which is not asked before this question; %s may only use earlier questions", ref, s.Questions[j].Line, u.key)
			case s.Questions[j].Type == TypeNote || s.Questions[j].OnReview:
				r.errorf(u.line, u.field, "refers to ${%s}, a note or an on_review question, which has no answer in turn", ref)
			}
		}
	}
}

func (r *defReader) readQuestionChoices(m map[string]*yentry, f string, q *Question, lists map[string]*choiceList) {
	if !slices.Contains(selectTypes, q.Type) {
		return
	}
	ce, le := m["choices"], m["choice_list"]
	var cl *choiceList
	switch {
	case ce != nil && le != nil:
		r.errorf(le.line, f+".choice_list", "use either choices or choice_list, not both")
		return
	case ce != nil:
		cl = r.readChoices(ce, f+".choices")
	case le != nil:
		name, ok := r.str(le, f+".choice_list")
		if !ok {
			return
		}
		if cl = lists[name]; cl == nil {
			r.errorf(le.line, f+".choice_list", "unknown choice list %q (defined: %s)", name, listNames(lists))
			return
		}
	default:
		r.errorf(q.Line, f+".choices", "missing: a %s question needs choices or choice_list", q.Type)
		return
	}
	q.Choices = cl.choices
	if q.Type == TypeScale {
		r.checkScale(cl, q, f, ce, le)
	} else if len(cl.noScore) > 0 {
		at, field := choiceSite(ce, le, f)
		r.errorf(at, field, "no_score is only for scale questions")
	}
}

// choiceSite says where to report a problem with a question's choices.
func choiceSite(ce, le *yentry, f string) (int, string) {
	if ce != nil {
		return ce.line, f + ".choices"
	}
	return le.line, f + ".choice_list"
}

func listNames(lists map[string]*choiceList) string {
	if len(lists) == 0 {
		return "none"
	}
	names := make([]string, 0, len(lists))
	for n := range lists {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// checkScale checks that every scale choice is a number, except those
// marked no_score, and that there are at least two scored choices.
func (r *defReader) checkScale(cl *choiceList, q *Question, f string, ce, le *yentry) {
	at, field := choiceSite(ce, le, f)
	scored := 0
	for i, c := range cl.choices {
		cf := field
		if ce != nil {
			cf = fmt.Sprintf("%s[%d].value", field, i)
			if i < len(ce.val.items) {
				at = ce.val.items[i].line
				for _, e := range ce.val.items[i].entries {
					if e.key == "value" {
						at = e.line
					}
				}
			}
		}
		num := isNumber(c.Value)
		switch {
		case num && cl.noScore[c.Value]:
			r.errorf(at, cf, "a no_score choice must not have a numeric value (%q)", c.Value)
		case num:
			scored++
		case !cl.noScore[c.Value]:
			r.errorf(at, cf, "scale choice value %q is not a number (mark a choice such as Tidak tahu with no_score: true)", c.Value)
		}
	}
	if scored < 2 {
		r.errorf(q.Line, field, "a scale needs at least two numeric choices")
	}
}

func (r *defReader) readBounds(m map[string]*yentry, f string, q *Question) {
	q.Min = r.number(m["min"], f+".min")
	q.Max = r.number(m["max"], f+".max")
	if q.Type == TypeInteger {
		for _, k := range []string{"min", "max"} {
			if v := numberOf(q, k); v != nil && *v != math.Trunc(*v) {
				r.errorf(m[k].line, f+"."+k, "an integer question needs a whole number, got %s", m[k].val.value)
			}
		}
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		r.errorf(m["max"].line, f+".max", "max %s is below min %s", m["max"].val.value, m["min"].val.value)
	}
	if v := r.number(m["max_length"], f+".max_length"); v != nil {
		if *v != math.Trunc(*v) || *v < 1 || *v > 100000 {
			r.errorf(m["max_length"].line, f+".max_length", "want a whole number from 1 to 100000, got %s", m["max_length"].val.value)
		} else {
			q.MaxLength = int(*v)
		}
	}
}

func numberOf(q *Question, k string) *float64 {
	if k == "min" {
		return q.Min
	}
	return q.Max
}
