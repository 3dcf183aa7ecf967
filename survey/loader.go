package survey

// Survey definition files
//
// A survey is one YAML file. Every key is checked: an unknown key is an
// error, so typos are caught when the file is loaded, not when a respondent
// reaches the question. Texts are {id: "...", en: "..."} (Indonesian is
// required; a plain string means the Indonesian text).
//
//	settings:
//	  id: skm                       # ^[a-z][a-z0-9_-]*$
//	  version: "1"                  # dotted numbers: "1", "1.2", "2.0.1"; compared numerically
//	  title: {id: Survei Kepuasan Masyarakat, en: Public Satisfaction Survey}
//	  default_language: id          # id (default) or en
//	  audience: resident            # resident | official
//	  period: quarter               # week | month | quarter
//	  weights: {persyaratan: 0.2, prosedur: 1/9, ...}  # optional; keys are
//	                                # elements of scale questions; numbers or
//	                                # fractions; they sum to 1 (±1e-9)
//	choices:                        # optional named choice lists
//	  ya_tidak:
//	    - {value: ya, label: {id: Ya, en: "Yes"}}
//	    - {value: tidak, label: {id: Tidak, en: "No"}}
//	questions:
//	  - type: select_one            # select_one | select_multiple | scale |
//	                                # integer | decimal | text | date | note
//	    name: usia                  # ^[a-z][a-z0-9_]*$, unique
//	    label: {id: Usia Anda?, en: Your age?}
//	    hint: {id: ..., en: ...}    # optional
//	    required: true              # default false (the respondent may skip)
//	    choices:                    # inline list, or choice_list: ya_tidak
//	      - {value: u17, label: {id: Di bawah 17 tahun, en: Under 17}}
//	      - ...
//	    relevant: "${x} = 'ya'"     # ask only when true; earlier questions only
//	    constraint: ". <= ${y}"     # accept only when true; `.` is this answer
//	    constraint_message: {id: ..., en: ...}
//	    screen_out: "${usia} = 'u17'" # checked after the answer; true stops the survey
//	    screen_out_message: {id: ..., en: ...}  # required with screen_out
//	    min: 0                      # integer and decimal only (inclusive)
//	    max: 100
//	    max_length: 500             # text only, in characters (default 1000)
//	    element: persyaratan        # SKM unsur key or index item, unique per survey
//
// Choice values have no spaces ([A-Za-z0-9_.-], at most 32 characters) and
// are unique within a question. A scale question's choice values are
// numbers, the score; a choice marked `no_score: true` (e.g. "Tidak tahu")
// has a non-numeric value and is excluded from scores. Expressions
// (relevant, constraint, screen_out) may use only questions asked before;
// screen_out may also name its own question.

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

var (
	nameRe    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	surveyRe  = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	versionRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)
	valueRe   = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,32}$`)
	elementRe = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)
)

var (
	topKeys      = []string{"settings", "choices", "questions"}
	settingsKeys = []string{"id", "version", "title", "default_language", "audience", "period", "weights", "remember", "samples"}
	choiceKeys   = []string{"value", "label", "no_score"}
)

// weightTolerance is how far the weights' sum may be from 1.
const weightTolerance = 1e-9

// LoadSurvey parses and checks one survey definition. file names the source
// in messages and becomes Survey.File. On any problem it returns
// ValidationErrors listing all of them (errors.Is ErrInvalidDefinition).
func LoadSurvey(file string, data []byte) (*Survey, error) {
	r := &defReader{file: file}
	root := r.parseTree(data)
	if root == nil {
		return nil, r.result()
	}
	top := r.mapping(root, "", topKeys)
	s := &Survey{File: file}
	if top != nil {
		if e := r.required(top, "settings", root.line, ""); e != nil {
			r.readSettings(e, s)
		}
		lists := r.readChoiceLists(top["choices"])
		if e := r.required(top, "questions", root.line, ""); e != nil {
			r.readQuestions(e, lists, s)
		}
		r.checkWeights(top["settings"], s)
	}
	if err := r.result(); err != nil {
		return nil, err
	}
	return s, nil
}

func (r *defReader) readSettings(e *yentry, s *Survey) {
	const f = "settings"
	m := r.mapping(e.val, f, settingsKeys)
	if m == nil {
		return
	}
	line := e.val.line
	if v, ok := r.str(r.required(m, "id", line, f), f+".id"); ok {
		if !surveyRe.MatchString(v) {
			r.errorf(m["id"].line, f+".id", "bad id %q (want lower-case letters, digits, _ or -, starting with a letter)", v)
		}
		s.ID = v
	}
	if v, ok := r.str(r.required(m, "version", line, f), f+".version"); ok {
		if !versionRe.MatchString(v) {
			r.errorf(m["version"].line, f+".version", "bad version %q (want dotted numbers such as \"1\" or \"1.2\")", v)
		}
		s.Version = v
	}
	s.Title = r.text(r.required(m, "title", line, f), f+".title")
	s.DefaultLanguage = LangID
	if v, ok := r.str(m["default_language"], f+".default_language"); ok {
		if v != LangID && v != LangEN {
			r.errorf(m["default_language"].line, f+".default_language", "unknown language %q (want id or en)", v)
		}
		s.DefaultLanguage = v
	}
	if v, ok := r.str(r.required(m, "audience", line, f), f+".audience"); ok {
		s.Audience = Audience(v)
		if s.Audience != AudienceResident && s.Audience != AudienceOfficial {
			r.errorf(m["audience"].line, f+".audience", "unknown audience %q (want resident or official)", v)
		}
	}
	if v, ok := r.str(r.required(m, "period", line, f), f+".period"); ok {
		s.Period = PeriodKind(v)
		if s.Period != PeriodWeek && s.Period != PeriodMonth && s.Period != PeriodQuarter {
			r.errorf(m["period"].line, f+".period", "unknown period %q (want week, month or quarter)", v)
		}
	}
	if w := m["weights"]; w != nil {
		s.Weights = r.readWeights(w)
	}
	s.Remember = r.readNames(m["remember"], f+".remember")
	s.Samples = r.readSamples(m["samples"], f+".samples")
}

func (r *defReader) readWeights(e *yentry) map[string]float64 {
	const f = "settings.weights"
	if e.val.kind != yMap {
		r.errorf(e.line, f, "want %s, got %s", yMap, e.val.kind)
		return nil
	}
	w := make(map[string]float64, len(e.val.entries))
	for i := range e.val.entries {
		k := &e.val.entries[i]
		v := r.weight(k, sub(f, k.key))
		if v == nil {
			continue
		}
		if *v <= 0 || *v > 1 {
			r.errorf(k.line, sub(f, k.key), "weight %s out of range (want more than 0, at most 1)", k.val.value)
		}
		w[k.key] = *v
	}
	return w
}

// weight reads a weight: a number or a fraction such as 1/9 (exact).
func (r *defReader) weight(e *yentry, field string) *float64 {
	num, den, isFrac := strings.Cut(e.val.value, "/")
	if e.val.kind != yScalar || !isFrac {
		return r.number(e, field)
	}
	n, err1 := strconv.ParseFloat(strings.TrimSpace(num), 64)
	d, err2 := strconv.ParseFloat(strings.TrimSpace(den), 64)
	if err1 != nil || err2 != nil || d == 0 || math.IsInf(n/d, 0) || math.IsNaN(n/d) {
		r.errorf(e.line, field, "want a number or a fraction such as 1/9, got %q", e.val.value)
		return nil
	}
	w := n / d
	return &w
}

// checkWeights runs once the questions are known: each weight names the
// element of a scale question, and the weights sum to 1.
func (r *defReader) checkWeights(settings *yentry, s *Survey) {
	if settings == nil || settings.val.kind != yMap || len(s.Weights) == 0 {
		return
	}
	var we *yentry
	for i := range settings.val.entries {
		if settings.val.entries[i].key == "weights" {
			we = &settings.val.entries[i]
		}
	}
	if we == nil || we.val.kind != yMap {
		return
	}
	sum := 0.0
	for _, k := range we.val.entries {
		sum += s.Weights[k.key]
		q := s.questionByElement(k.key)
		if q == nil || q.Type != TypeScale {
			r.errorf(k.line, sub("settings.weights", k.key), "no scale question has element %q", k.key)
		}
	}
	if math.Abs(sum-1) > weightTolerance {
		r.errorf(we.line, "settings.weights", "weights sum to %s, want 1 (within %g)", strconv.FormatFloat(sum, 'g', -1, 64), weightTolerance)
	}
}

func (s *Survey) questionByElement(el string) *Question {
	for _, q := range s.Questions {
		if q.Element == el {
			return q
		}
	}
	return nil
}

// choiceList is a named list of choices with the line it starts at.
type choiceList struct {
	choices []Choice
	noScore map[string]bool
	line    int
}

func (r *defReader) readChoiceLists(e *yentry) map[string]*choiceList {
	lists := map[string]*choiceList{}
	if e == nil {
		return lists
	}
	if e.val.kind != yMap {
		r.errorf(e.line, "choices", "want %s of named lists, got %s", yMap, e.val.kind)
		return lists
	}
	for i := range e.val.entries {
		k := &e.val.entries[i]
		f := sub("choices", k.key)
		if !nameRe.MatchString(k.key) {
			r.errorf(k.line, f, "bad list name (want lower-case letters, digits and _, starting with a letter)")
		}
		lists[k.key] = r.readChoices(k, f)
	}
	return lists
}

// readChoices reads a list of {value, label, no_score}.
func (r *defReader) readChoices(e *yentry, field string) *choiceList {
	cl := &choiceList{line: e.line, noScore: map[string]bool{}}
	if e.val.kind != ySeq || len(e.val.items) == 0 {
		r.errorf(e.line, field, "want a non-empty list of choices, got %s", e.val.kind)
		return cl
	}
	seen := map[string]int{}
	for i, it := range e.val.items {
		f := fmt.Sprintf("%s[%d]", field, i)
		m := r.mapping(it, f, choiceKeys)
		if m == nil {
			continue
		}
		c := Choice{Label: r.text(r.required(m, "label", it.line, f), f+".label")}
		if v, ok := r.str(r.required(m, "value", it.line, f), f+".value"); ok {
			c.Value = v
			switch {
			case !valueRe.MatchString(v):
				r.errorf(m["value"].line, f+".value", "bad value %q (want 1 to 32 of A-Z a-z 0-9 _ . -, no spaces)", v)
			case seen[v] > 0:
				r.errorf(m["value"].line, f+".value", "duplicate value %q (first at line %d)", v, seen[v])
			default:
				seen[v] = m["value"].line
			}
		}
		if r.boolean(m["no_score"], f+".no_score") {
			cl.noScore[c.Value] = true
		}
		cl.choices = append(cl.choices, c)
	}
	return cl
}

// isNumber reports whether a choice value is a finite number.
func isNumber(v string) bool {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}
