// Package survey is the domain at the centre of egovpulse: survey definitions
// (YAML files with an XLSForm-like vocabulary), the expression language used by
// `relevant` and `constraint`, the services catalog, reporting periods, and the
// conversation engine, a pure state machine that turns a session state and an
// input into a new state and the prompts to show.
//
// The package imports no Telegram, database or Redis code; adapters convert.
package survey

// Languages supported by every built-in text.
const (
	LangID = "id" // Bahasa Indonesia, the default
	LangEN = "en" // English
)

// Text holds one string per language code ("id", "en").
type Text map[string]string

// In returns the text in lang, falling back to Indonesian, then English, then
// any language present.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	for _, l := range []string{LangID, LangEN} {
		if s, ok := t[l]; ok && s != "" {
			return s
		}
	}
	for _, s := range t {
		if s != "" {
			return s
		}
	}
	return ""
}

// Audience says who answers a survey.
type Audience string

// Audiences.
const (
	AudienceResident Audience = "resident"
	AudienceOfficial Audience = "official"
)

// QuestionType is the kind of answer a question takes.
type QuestionType string

// Question types, borrowed from XLSForm.
const (
	TypeSelectOne      QuestionType = "select_one"
	TypeSelectMultiple QuestionType = "select_multiple"
	TypeScale          QuestionType = "scale" // a select_one whose choice values are numbers; the value is the score
	TypeInteger        QuestionType = "integer"
	TypeDecimal        QuestionType = "decimal"
	TypeText           QuestionType = "text"
	TypeDate           QuestionType = "date" // YYYY-MM-DD
	TypeNote           QuestionType = "note" // shown, never answered
	// TypeHidden is never asked: its answer is a fact the adapter gives at
	// the start (StartOptions.Facts by question name), e.g. whether the
	// service has an online channel.
	TypeHidden QuestionType = "hidden"
	// TypeCalculate is never asked: its answer is its Calculation,
	// evaluated once every question it reads is answered.
	TypeCalculate QuestionType = "calculate"
)

// Survey is one version of a survey definition.
type Survey struct {
	ID              string
	Version         string
	Title           Text
	DefaultLanguage string
	Audience        Audience
	Period          PeriodKind
	// Weights maps an SKM element key to its weight. Empty means equal
	// weights (1/9 each for the nine unsur). When set, the weights sum to 1.
	Weights map[string]float64
	// Remember lists the questions (the respondent profile) whose answers
	// the adapter may keep and offer again at the next start
	// (StartOptions.Known), confirmed with one tap.
	Remember []string
	// Samples maps a question group to how many of its questions each
	// respondent is asked: a random subset (planned missingness, see
	// DrawSample).
	Samples   map[string]int
	Questions []*Question
	// File is where the definition was loaded from ("builtin:skm.yaml" for
	// embedded ones); used in error messages.
	File string
}

// Question is one item of a survey.
type Question struct {
	Type     QuestionType
	Name     string
	Label    Text
	Hint     Text
	Required bool
	// Relevant, when set, decides whether the question is asked; it may only
	// name earlier questions.
	Relevant *Expr
	// Constraint, when set, must be true for an answer to be accepted;
	// inside it `.` is the answer being checked.
	Constraint        *Expr
	ConstraintMessage Text
	// Choices for select_one, select_multiple and scale, resolved from an
	// inline list or a named choice list.
	Choices []Choice
	// Min and Max bound integer and decimal answers (inclusive) when set.
	Min, Max *float64
	// MaxLength bounds text answers, counted in characters (runes); 0 means
	// the default of 1000.
	MaxLength int
	// ScreenOut, when set, is checked after the question is answered; when
	// true the survey stops there (PhaseStopped) and ScreenOutMessage thanks
	// the respondent (e.g. minors are thanked and not surveyed).
	ScreenOut        *Expr
	ScreenOutMessage Text
	// Element maps the question to an SKM unsur key (e.g. "persyaratan") or
	// an index item (e.g. "dampak.hemat_waktu"); scoring reads it.
	Element string
	// Group names the sample group the question belongs to (Survey.Samples).
	Group string
	// Calculation is the value of a calculate question.
	Calculation *Expr
	// OnReview marks a text question that is not asked in turn: the review
	// card offers it ("type a suggestion"), so it costs no tap.
	OnReview bool
	// Line is the question's line in its file, for messages.
	Line int
}

// Choice is one allowed answer of a select or scale question.
type Choice struct {
	Value string
	Label Text
}

// DefaultMaxLength is the text answer limit when a question sets none.
const DefaultMaxLength = 1000

// Question returns the question with the given name, or nil.
func (s *Survey) Question(name string) *Question {
	for _, q := range s.Questions {
		if q.Name == name {
			return q
		}
	}
	return nil
}

// Index returns the position of the named question, or -1.
func (s *Survey) Index(name string) int {
	for i, q := range s.Questions {
		if q.Name == name {
			return i
		}
	}
	return -1
}

// Choice returns the choice with the given value, if any.
func (q *Question) Choice(value string) (Choice, bool) {
	for _, c := range q.Choices {
		if c.Value == value {
			return c, true
		}
	}
	return Choice{}, false
}

// asked reports whether q is put to the respondent in turn (not a note, a
// hidden fact, a calculation or a question offered on the review card).
func (q *Question) asked() bool {
	switch q.Type {
	case TypeNote, TypeHidden, TypeCalculate:
		return false
	}
	return !q.OnReview
}

// answerable reports whether q holds an answer (anything but a note).
func (q *Question) answerable() bool { return q.Type != TypeNote }
