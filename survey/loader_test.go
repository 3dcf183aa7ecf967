package survey

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readDef returns the content of a file of testdata/defs.
func readDef(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "defs", name))
	if err != nil {
		tb.Fatalf("read test definition: %v", err)
	}
	return data
}

// loadErrors loads a survey that must be invalid and returns its problems.
func loadErrors(tb testing.TB, file string, data []byte) ValidationErrors {
	tb.Helper()
	s, err := LoadSurvey(file, data)
	if err == nil {
		tb.Fatalf("LoadSurvey(%s) accepted an invalid file: %+v", file, s)
	}
	if s != nil {
		tb.Errorf("LoadSurvey(%s) returned a survey with an error", file)
	}
	if !errors.Is(err, ErrInvalidDefinition) {
		tb.Errorf("errors.Is(err, ErrInvalidDefinition) = false for %v", err)
	}
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		tb.Fatalf("error is %T, want ValidationErrors", err)
	}
	return verrs
}

func TestLoadSurveyBadFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string // exact messages, in order; a trailing "*" matches a prefix
	}{
		{"syntax.yaml", []string{`syntax.yaml:5: syntax: ',' or '}' must be specified`}},
		{"unknown_type.yaml", []string{`unknown_type.yaml:6: questions[1].type: unknown type "slect_one" (want select_one, select_multiple, scale, integer, decimal, text, date, note, hidden, calculate)`}},
		{"duplicate_name.yaml", []string{`duplicate_name.yaml:9: questions[2].name: duplicate name "nama" (first at line 3)`}},
		{"dangling_list.yaml", []string{`dangling_list.yaml:10: questions[0].choice_list: unknown choice list "ya_tdak" (defined: ya_tidak)`}},
		{"bad_expr.yaml", []string{`bad_expr.yaml:9: questions[1].relevant: col 11: *`}},
		{"later_ref.yaml", []string{`later_ref.yaml:6: questions[0].relevant: refers to ${puas} (line 7), which is not asked before this question; relevant may only use earlier questions`}},
		{"unknown_key.yaml", []string{
			`unknown_key.yaml:3: questions[0].label: missing (required)`,
			`unknown_key.yaml:5: questions[0].lable: unknown key (did you mean "label"?) (want type, name, label, *`,
		}},
		{"scale_text.yaml", []string{`scale_text.yaml:9: questions[0].choices[2].value: scale choice value "sangat" is not a number (mark a choice such as Tidak tahu with no_score: true)`}},
		{"weights_sum.yaml", []string{`weights_sum.yaml:7: settings.weights: weights sum to 0.222, want 1 (within 1e-09)`}},
		{"many_errors.yaml", []string{
			`many_errors.yaml:2: settings.id: bad id "Contoh" *`,
			`many_errors.yaml:3: settings.version: bad version "v1" *`,
			`many_errors.yaml:4: settings.title.id: missing: every text needs its Indonesian (id) version`,
			`many_errors.yaml:5: settings.audience: unknown audience "warga" (want resident or official)`,
			`many_errors.yaml:6: settings.period: unknown period "daily" (want week, month or quarter)`,
			`many_errors.yaml:9: questions[0].name: bad name "Umur" *`,
			`many_errors.yaml:12: questions[0].max: max 5 is below min 10`,
			`many_errors.yaml:13: questions[0].choices: not allowed on integer questions (only on select_one, select_multiple, scale)`,
			`many_errors.yaml:19: questions[1].choices[0].value: bad value "a b" *`,
			`many_errors.yaml:21: questions[1].choices[2].value: duplicate value "c" (first at line 20)`,
			`many_errors.yaml:25: questions[2].required: not allowed on note questions *`,
			`many_errors.yaml:29: questions[3].relevant: refers to ${info}, a note or an on_review question, which has no answer in turn`,
			`many_errors.yaml:30: questions[3].constraint: refers to its own question ${alasan}; use . for the answer being checked`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			verrs := loadErrors(t, tt.file, readDef(t, tt.file))
			got := strings.Split(verrs.Error(), "\n")
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(got), len(tt.want), verrs.Error())
			}
			for i, w := range tt.want {
				if !matchMessage(got[i], w) {
					t.Errorf("error %d:\n got  %s\n want %s", i, got[i], w)
				}
			}
		})
	}
}

// matchMessage compares exactly, or as a prefix when want ends with "*".
func matchMessage(got, want string) bool {
	if p, ok := strings.CutSuffix(want, "*"); ok {
		return strings.HasPrefix(got, p)
	}
	return got == want
}

func TestDefErrorFields(t *testing.T) {
	verrs := loadErrors(t, "unknown_type.yaml", readDef(t, "unknown_type.yaml"))
	e := verrs[0]
	if e.File != "unknown_type.yaml" || e.Line != 6 || e.Field != "questions[1].type" || !strings.Contains(e.Msg, `"slect_one"`) {
		t.Errorf("DefError = %+v", *e)
	}
}

func TestLoadSurveyGood(t *testing.T) {
	s, err := LoadSurvey("good.yaml", readDef(t, "good.yaml"))
	if err != nil {
		t.Fatalf("LoadSurvey: %v", err)
	}
	if s.ID != "contoh" || s.Version != "1.2" || s.Audience != AudienceResident || s.Period != PeriodWeek ||
		s.DefaultLanguage != LangID || s.File != "good.yaml" || s.Title.In(LangEN) != "Example survey" {
		t.Errorf("settings = %+v", s)
	}
	if s.Weights["kualitas"] != 0.5 || s.Weights["kecepatan"] != 0.25 || len(s.Weights) != 3 {
		t.Errorf("weights = %v", s.Weights)
	}
	names := make([]string, len(s.Questions))
	for i, q := range s.Questions {
		names[i] = q.Name
	}
	if got := strings.Join(names, " "); got != "setuju kualitas kecepatan keramahan jumlah porsi catatan tanggal akhir" {
		t.Errorf("questions = %s", got)
	}
	setuju := s.Question("setuju")
	if !setuju.Required || setuju.ScreenOut == nil || setuju.ScreenOutMessage.In(LangID) != "Terima kasih." || setuju.Line != 14 {
		t.Errorf("setuju = %+v", setuju)
	}
	if c, ok := setuju.Choice("ya"); !ok || c.Label.In(LangEN) != "Yes" {
		t.Errorf("setuju choice ya = %+v, %v", c, ok)
	}
	k := s.Question("kualitas")
	if k.Element != "kualitas" || len(k.Choices) != 3 || k.Choices[2].Value != "tt" || k.Choices[0].Label.In(LangEN) != "Buruk" {
		t.Errorf("kualitas = %+v", k)
	}
	if s.Question("keramahan").Relevant == nil {
		t.Error("keramahan: relevant not kept")
	}
	j := s.Question("jumlah")
	if j.Min == nil || *j.Min != 0 || j.Max == nil || *j.Max != 10 {
		t.Errorf("jumlah bounds = %v, %v", j.Min, j.Max)
	}
	if p := s.Question("porsi"); p.Constraint == nil || p.ConstraintMessage.In(LangEN) != "Too large" || p.Min != nil {
		t.Errorf("porsi = %+v", p)
	}
	if c := s.Question("catatan"); c.MaxLength != 200 || c.Hint.In(LangID) != "Boleh dilewati" {
		t.Errorf("catatan = %+v", c)
	}
	if s.Question("akhir").Type != TypeNote {
		t.Error("akhir is not a note")
	}
}

// base is a valid survey head that the cases below complete.
const base = "settings: {id: x, version: \"1\", title: X, audience: resident, period: month}\n"

func TestLoadSurveyRules(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "" means valid
	}{
		{"weights as fractions", "settings: {id: x, version: \"1\", title: X, audience: resident, period: month, weights: {a: 1/3, b: 2/3}}\n" +
			"questions:\n- {type: scale, name: a, label: A, element: a, choices: [{value: \"1\", label: \"1\"}, {value: \"2\", label: \"2\"}]}\n" +
			"- {type: scale, name: b, label: B, element: b, choices: [{value: \"1\", label: \"1\"}, {value: \"2\", label: \"2\"}]}\n", ""},
		{"weight naming no element", "settings: {id: x, version: \"1\", title: X, audience: resident, period: month, weights: {zz: 1}}\n" +
			"questions:\n- {type: text, name: a, label: A}\n", `t.yaml:1: settings.weights.zz: no scale question has element "zz"`},
		{"screen_out on own question", base + "questions:\n- {type: integer, name: a, label: A, screen_out: \"${a} < 17\", screen_out_message: Bye}\n", ""},
		{"screen_out without message", base + "questions:\n- {type: integer, name: a, label: A, screen_out: \"${a} < 17\"}\n",
			`t.yaml:3: questions[0].screen_out_message: missing: a screened-out respondent must be told why (required with screen_out)`},
		{"relevant on own question", base + "questions:\n- {type: integer, name: a, label: A, relevant: \"${a} > 1\"}\n",
			`t.yaml:3: questions[0].relevant: refers to ${a} (line 3), which is not asked before this question; relevant may only use earlier questions`},
		{"unknown reference", base + "questions:\n- {type: integer, name: a, label: A}\n- {type: text, name: b, label: B, relevant: \"${c} > 1\"}\n",
			`t.yaml:4: questions[1].relevant: refers to ${c}, but no question has that name`},
		{"choices and choice_list", base + "choices: {l: [{value: a, label: A}]}\nquestions:\n- {type: select_one, name: a, label: A, choice_list: l, choices: [{value: a, label: A}]}\n",
			`t.yaml:4: questions[0].choice_list: use either choices or choice_list, not both`},
		{"select without choices", base + "questions:\n- {type: select_multiple, name: a, label: A}\n",
			`t.yaml:3: questions[0].choices: missing: a select_multiple question needs choices or choice_list`},
		{"no_score outside scale", base + "questions:\n- {type: select_one, name: a, label: A, choices: [{value: a, label: A, no_score: true}]}\n",
			`t.yaml:3: questions[0].choices: no_score is only for scale questions`},
		{"scale needs two numbers", base + "questions:\n- {type: scale, name: a, label: A, choices: [{value: \"1\", label: A}]}\n",
			`t.yaml:3: questions[0].choices: a scale needs at least two numeric choices`},
		{"integer bounds whole", base + "questions:\n- {type: integer, name: a, label: A, min: 0.5}\n",
			`t.yaml:3: questions[0].min: an integer question needs a whole number, got 0.5`},
		{"bad bool", base + "questions:\n- {type: text, name: a, label: A, required: yes}\n",
			`t.yaml:3: questions[0].required: want true or false, got "yes"`},
		{"duplicate element", base + "questions:\n- {type: integer, name: a, label: A, element: e}\n- {type: integer, name: b, label: B, element: e}\n",
			`t.yaml:4: questions[1].element: element "e" is already used by "a" (line 3)`},
		{"only notes", base + "questions:\n- {type: note, name: a, label: A}\n", `t.yaml:2: questions: no question to answer (only notes)`},
		{"missing questions", base, `t.yaml:1: questions: missing (required)`},
		{"alias", base + "questions:\n- &q {type: text, name: a, label: A}\n- *q\n", `t.yaml:4: questions[1]: aliases (*name) are not supported; use a named choice list`},
		{"empty file", "", `t.yaml: file is empty`},
		{"list at top", "- a\n", `t.yaml:1: want a mapping (key: value), got a list`},
		{"duplicate key", base + "settings: {}\n", `t.yaml:2: syntax: mapping key "settings" already defined at [1:1]`},
		{"label needs id", base + "questions:\n- {type: text, name: a, label: {en: A}}\n", `t.yaml:3: questions[0].label.id: missing: every text needs its Indonesian (id) version`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadSurvey("t.yaml", []byte(tt.src))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error:\n%v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("accepted; want %s", tt.want)
			case tt.want != "" && err.Error() != tt.want:
				t.Errorf("error:\n got  %v\n want %s", err, tt.want)
			}
		})
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1", "1", 0}, {"1", "1.0", 0}, {"1.9", "1.10", -1}, {"2", "1.99", 1}, {"10", "9", 1}, {"1.0.1", "1", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_"+tt.b, func(t *testing.T) {
			if got := CompareVersions(tt.a, tt.b); got != tt.want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := CompareVersions(tt.b, tt.a); got != -tt.want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

func TestLoadSurveyCapsErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(base + "questions:\n")
	for i := range 60 {
		fmt.Fprintf(&b, "- {type: txt, name: q%d, label: Q}\n", i)
	}
	verrs := loadErrors(t, "t.yaml", []byte(b.String()))
	if len(verrs) != 51 {
		t.Fatalf("got %d errors, want 50 and a summary", len(verrs))
	}
	if got := verrs[49].Error(); !strings.HasPrefix(got, "t.yaml:52: questions[49].type: unknown type \"txt\"") {
		t.Errorf("50th error = %s", got)
	}
	if got := verrs[50].Error(); got != "t.yaml: 10 more problems not shown" {
		t.Errorf("summary = %s", got)
	}
}
