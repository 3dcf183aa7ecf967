package survey

import (
	"reflect"
	"strings"
	"testing"
)

func f64p(f float64) *float64 { return &f }

func idEN(id, en string) Text { return Text{LangID: id, LangEN: en} }

// newTestSurvey builds a small survey with every question type, relevance,
// a constraint, a screen-out and notes.
func newTestSurvey(tb testing.TB) *Survey {
	tb.Helper()
	yes := mustExpr(tb, "${online} = 'ya'")
	return &Survey{
		ID: "uji", Version: "3", DefaultLanguage: LangID, Title: idEN("Survei uji", "Test survey"),
		Questions: []*Question{
			{Type: TypeNote, Name: "intro", Label: idEN("Selamat datang.", "Welcome.")},
			{Type: TypeSelectOne, Name: "usia", Required: true, Label: idEN("Berapa usia Anda?", "How old are you?"),
				Choices: []Choice{
					{Value: "u17", Label: idEN("Di bawah 17 tahun", "Under 17")},
					{Value: "a17_25", Label: idEN("17–25 tahun", "17–25")},
					{Value: "a26_40", Label: idEN("26–40 tahun", "26–40")},
					{Value: "a41", Label: idEN("41 tahun ke atas", "41 or older")},
				},
				ScreenOut:        mustExpr(tb, "${usia} = 'u17'"),
				ScreenOutMessage: idEN("Terima kasih, survei ini untuk usia 17 tahun ke atas.", "Thank you, this survey is for people aged 17 and over."),
			},
			{Type: TypeSelectOne, Name: "online", Required: true, Label: idEN("Apakah Anda memakai layanan online?", "Do you use online services?"),
				Choices: []Choice{{Value: "ya", Label: idEN("Ya", "Yes")}, {Value: "tidak", Label: idEN("Tidak", "No")}}},
			{Type: TypeSelectMultiple, Name: "layanan", Required: true, Relevant: yes,
				Label: idEN("Layanan apa yang Anda pakai?", "Which services do you use?"),
				Choices: []Choice{
					{Value: "ktp", Label: idEN("KTP-el", "ID card")},
					{Value: "kk", Label: idEN("Kartu Keluarga", "Family card")},
					{Value: "akta", Label: idEN("Akta kelahiran", "Birth certificate")},
				},
				Constraint:        mustExpr(tb, "count-selected(.) <= 2"),
				ConstraintMessage: idEN("Pilih paling banyak dua.", "Choose at most two."),
			},
			{Type: TypeScale, Name: "syarat", Required: true, Element: "persyaratan",
				Label: idEN("Bagaimana kesesuaian persyaratan?", "How appropriate are the requirements?"),
				Hint:  idEN("1 = tidak sesuai, 4 = sangat sesuai", "1 = not, 4 = very"),
				Choices: []Choice{
					{Value: "1", Label: idEN("Tidak sesuai", "Not appropriate")},
					{Value: "2", Label: idEN("Kurang sesuai", "Less appropriate")},
					{Value: "3", Label: idEN("Sesuai", "Appropriate")},
					{Value: "4", Label: idEN("Sangat sesuai", "Very appropriate")},
					{Value: "tt", Label: idEN("Tidak tahu", "Don't know")},
				}},
			{Type: TypeInteger, Name: "kunjungan", Label: idEN("Berapa kali Anda datang?", "How many visits?"),
				Min: f64p(0), Max: f64p(50), Element: "kunjungan"},
			{Type: TypeDecimal, Name: "biaya", Label: idEN("Berapa biaya (ribu rupiah)?", "Cost (thousand rupiah)?"),
				Min: f64p(0), Constraint: mustExpr(tb, ". <= 10000"), Relevant: mustExpr(tb, "count-selected(${layanan}) > 0")},
			{Type: TypeDate, Name: "tanggal", Label: idEN("Tanggal kunjungan?", "Date of the visit?")},
			{Type: TypeText, Name: "saran", Label: idEN("Saran Anda?", "Your suggestion?"), MaxLength: 20},
			{Type: TypeNote, Name: "penutup", Label: idEN("Terima kasih, pengguna online.", "Thanks, online user."), Relevant: yes},
		},
	}
}

// goodAnswers answers every question of newTestSurvey.
func goodAnswers() map[string]Answer {
	return map[string]Answer{
		"usia":      {Value: "a26_40"},
		"online":    {Value: "ya"},
		"layanan":   {Value: "ktp kk"},
		"syarat":    {Value: "3", Score: f64p(3)},
		"kunjungan": {Value: "2", Score: f64p(2)},
		"biaya":     {Value: "12.5", Score: f64p(12.5)},
		"tanggal":   {Value: "2026-11-27"},
		"saran":     {Value: "Bagus"},
	}
}

// stateAt returns the state asking question name, every earlier question
// answered with goodAnswers.
func stateAt(tb testing.TB, s *Survey, lang, name string) State {
	tb.Helper()
	answers := map[string]Answer{}
	good := goodAnswers()
	for _, q := range s.Questions {
		if q.Name == name {
			break
		}
		if a, ok := good[q.Name]; ok {
			answers[q.Name] = a
		}
	}
	st := NewEngine().Rebuild(s, lang, answers)
	if st.Current != name {
		tb.Fatalf("stateAt(%q): current is %q", name, st.Current)
	}
	return st
}

func mustStep(tb testing.TB, s *Survey, st State, in Input) Result {
	tb.Helper()
	res, err := NewEngine().Step(s, st, in)
	if err != nil {
		tb.Fatalf("Step(%+v): %v", in, err)
	}
	return res
}

func textIn(s string) Input    { return Input{Kind: InputText, Text: s} }
func tokenIn(s string) Input   { return Input{Kind: InputChoice, Token: s} }
func cmdIn(c Command) Input    { return Input{Kind: InputCommand, Command: c} }
func editIn(name string) Input { return Input{Kind: InputCommand, Command: CmdEdit, Target: name} }
func kinds(ps []Prompt) []PromptKind {
	var out []PromptKind
	for _, p := range ps {
		out = append(out, p.Kind)
	}
	return out
}

// assertRefused checks that res refused the input from st: state unchanged,
// no change, an error prompt containing want, then the current prompt.
func assertRefused(tb testing.TB, st State, res Result, want string) {
	tb.Helper()
	if !reflect.DeepEqual(res.State, st) {
		tb.Fatalf("state changed on a refused input:\n got %+v\nwant %+v", res.State, st)
	}
	if len(res.Changes) != 0 {
		tb.Fatalf("changes on a refused input: %+v", res.Changes)
	}
	if len(res.Prompts) != 2 || res.Prompts[0].Kind != PromptError {
		tb.Fatalf("prompts = %v, want [error, question/review]", kinds(res.Prompts))
	}
	if !strings.Contains(res.Prompts[0].Text, want) {
		tb.Fatalf("error prompt %q does not contain %q", res.Prompts[0].Text, want)
	}
	again := res.Prompts[1]
	if st.Phase == PhaseReview {
		if again.Kind != PromptReview {
			tb.Fatalf("after the error: %s prompt, want the review", again.Kind)
		}
		return
	}
	if again.Kind != PromptQuestion || again.Question != st.Current {
		tb.Fatalf("after the error: %s prompt for %q, want question %q again", again.Kind, again.Question, st.Current)
	}
}

// optionToken returns the token of the option whose label is label.
func optionToken(tb testing.TB, p Prompt, label string) string {
	tb.Helper()
	for _, o := range p.Options {
		if o.Label == label {
			return o.Token
		}
	}
	tb.Fatalf("prompt %q has no option %q (options %+v)", p.Question, label, p.Options)
	return ""
}

// lastPrompt is the final prompt of a result.
func lastPrompt(tb testing.TB, res Result) Prompt {
	tb.Helper()
	if len(res.Prompts) == 0 {
		tb.Fatal("no prompts")
	}
	return res.Prompts[len(res.Prompts)-1]
}
