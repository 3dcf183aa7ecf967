package survey

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestStart(t *testing.T) {
	tests := []struct {
		lang, wantLang, note, question string
	}{
		{"id", LangID, "Selamat datang.", "Berapa usia Anda?"},
		{"en", LangEN, "Welcome.", "How old are you?"},
		{"en-GB", LangEN, "Welcome.", "How old are you?"},
		{"", LangID, "Selamat datang.", "Berapa usia Anda?"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			s := newTestSurvey(t)
			res := NewEngine().Start(s, tt.lang)
			st := res.State
			if st.Phase != PhaseAnswering || st.Current != "usia" || st.Lang != tt.wantLang || st.SurveyID != "uji" || st.Version != "3" {
				t.Fatalf("state = %+v", st)
			}
			if got := kinds(res.Prompts); !slices.Equal(got, []PromptKind{PromptInfo, PromptQuestion}) {
				t.Fatalf("prompts = %v, want [info question]", got)
			}
			if res.Prompts[0].Text != tt.note {
				t.Fatalf("note = %q, want %q", res.Prompts[0].Text, tt.note)
			}
			q := res.Prompts[1]
			if q.Text != tt.question || q.FreeText || len(q.Options) != 4 || q.Answered != 0 || q.Total != 8 { // layanan and biaya may still come
				t.Fatalf("question prompt = %+v", q)
			}
			for _, o := range q.Options {
				if strings.HasPrefix(o.Token, "skip") || strings.HasPrefix(o.Token, "back") {
					t.Fatalf("required first question offers %q", o.Token)
				}
			}
		})
	}
}

func TestQuestionPromptShowsHintOptionalAndButtons(t *testing.T) {
	s := newTestSurvey(t)
	res := mustStep(t, s, stateAt(t, s, LangID, "kunjungan"), cmdIn(CmdResume))
	p := lastPrompt(t, res)
	if p.Text != "Berapa kali Anda datang? (opsional)" || !p.FreeText {
		t.Fatalf("prompt = %+v", p)
	}
	if got := optionLabels(p); !slices.Equal(got, []string{"Lewati", "« Kembali"}) {
		t.Fatalf("options = %q", got)
	}
	res = mustStep(t, s, stateAt(t, s, LangEN, "syarat"), cmdIn(CmdResume))
	p = lastPrompt(t, res)
	if p.Text != "How appropriate are the requirements?\n1 = not, 4 = very" {
		t.Fatalf("text = %q", p.Text)
	}
	want := []string{"Not appropriate", "Less appropriate", "Appropriate", "Very appropriate", "Don't know", "« Back"}
	if got := optionLabels(p); !slices.Equal(got, want) {
		t.Fatalf("options = %q, want %q", got, want)
	}
}

func optionLabels(p Prompt) []string {
	var out []string
	for _, o := range p.Options {
		out = append(out, o.Label)
	}
	return out
}

func TestAnswerAccepted(t *testing.T) {
	tests := []struct {
		name, question string
		in             Input
		want           Answer
		next           string
		shown          string // the answer as the answered prompt shows it
	}{
		{"select button", "usia", tokenIn("c:1.1"), Answer{Value: "a17_25"}, "online", "17–25 tahun"},
		{"select typed number", "usia", textIn("3"), Answer{Value: "a26_40"}, "online", "26–40 tahun"},
		{"select typed label", "usia", textIn(" 41 TAHUN ke atas "), Answer{Value: "a41"}, "online", "41 tahun ke atas"},
		{"select typed value", "online", textIn("YA"), Answer{Value: "ya"}, "layanan", "Ya"},
		{"select typed english label", "online", textIn("no"), Answer{Value: "tidak"}, "syarat", "Tidak"},
		{"scale button", "syarat", tokenIn("c:4.3"), Answer{Value: "4", Score: f64p(4)}, "kunjungan", "Sangat sesuai"},
		{"scale typed", "syarat", textIn("2"), Answer{Value: "2", Score: f64p(2)}, "kunjungan", "Kurang sesuai"},
		{"scale don't know has no score", "syarat", tokenIn("c:4.4"), Answer{Value: "tt"}, "kunjungan", "Tidak tahu"},
		{"integer", "kunjungan", textIn(" 12 "), Answer{Value: "12", Score: f64p(12)}, "biaya", "12"},
		{"integer zero", "kunjungan", textIn("0"), Answer{Value: "0", Score: f64p(0)}, "biaya", "0"},
		{"integer max", "kunjungan", textIn("50"), Answer{Value: "50", Score: f64p(50)}, "biaya", "50"},
		{"integer skipped", "kunjungan", cmdIn(CmdSkip), Answer{Skipped: true}, "biaya", "(dilewati)"},
		{"integer skip button", "kunjungan", tokenIn("skip:5"), Answer{Skipped: true}, "biaya", "(dilewati)"},
		{"decimal comma", "biaya", textIn("12,5"), Answer{Value: "12.5", Score: f64p(12.5)}, "tanggal", "12.5"},
		{"decimal point", "biaya", textIn("0.75"), Answer{Value: "0.75", Score: f64p(0.75)}, "tanggal", "0.75"},
		{"decimal whole", "biaya", textIn("7"), Answer{Value: "7", Score: f64p(7)}, "tanggal", "7"},
		{"date iso", "tanggal", textIn("2026-11-27"), Answer{Value: "2026-11-27"}, "saran", "27-11-2026"},
		{"date dmy dash", "tanggal", textIn("27-11-2026"), Answer{Value: "2026-11-27"}, "saran", "27-11-2026"},
		{"date dmy slash", "tanggal", textIn("5/1/2026"), Answer{Value: "2026-01-05"}, "saran", "05-01-2026"},
		{"text", "saran", textIn("  Bagus sekali 👍  "), Answer{Value: "Bagus sekali 👍"}, "", "Bagus sekali 👍"},
		{"text at the limit in runes", "saran", textIn(strings.Repeat("é", 20)), Answer{Value: strings.Repeat("é", 20)}, "", strings.Repeat("é", 20)},
		{"text skipped", "saran", cmdIn(CmdSkip), Answer{Skipped: true}, "", "(dilewati)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSurvey(t)
			st := stateAt(t, s, LangID, tt.question)
			res := mustStep(t, s, st, tt.in)
			q := s.Question(tt.question)
			wantChange := []Change{{Question: tt.question, Element: q.Element, Answer: tt.want}}
			if !reflect.DeepEqual(res.Changes, wantChange) {
				t.Fatalf("changes = %+v, want %+v", res.Changes, wantChange)
			}
			if !reflect.DeepEqual(res.State.Answers[tt.question], tt.want) {
				t.Fatalf("stored answer = %+v, want %+v", res.State.Answers[tt.question], tt.want)
			}
			if p := res.Prompts[0]; p.Kind != PromptAnswered || p.Text != q.Label.In(LangID)+"\n» "+tt.shown {
				t.Fatalf("answered prompt = %+v, want %q", p, tt.shown)
			}
			if tt.next == "" {
				if res.State.Phase != PhaseReview || lastPrompt(t, res).Kind != PromptReview {
					t.Fatalf("want the review, got %+v", res.State)
				}
				return
			}
			if res.State.Current != tt.next || lastPrompt(t, res).Question != tt.next {
				t.Fatalf("next = %q (prompt %q), want %q", res.State.Current, lastPrompt(t, res).Question, tt.next)
			}
		})
	}
}

func TestAnswerRefused(t *testing.T) {
	tests := []struct {
		name, question string
		lang           string
		in             Input
		want           string
	}{
		{"select unknown text", "usia", LangID, textIn("kemarin"), "Pilih salah satu jawaban"},
		{"select number out of range", "usia", LangEN, textIn("5"), "Choose one of the answers"},
		{"select zero", "usia", LangID, textIn("0"), "Jawaban tidak dikenali"},
		{"required skip", "usia", LangID, cmdIn(CmdSkip), "Pertanyaan ini wajib dijawab."},
		{"required skip en", "syarat", LangEN, cmdIn(CmdSkip), "This question is required."},
		{"integer with a fraction", "kunjungan", LangID, textIn("12,5"), "Tulis bilangan bulat"},
		{"integer words", "kunjungan", LangEN, textIn("twelve"), "Type a whole number"},
		{"integer thousands dot", "kunjungan", LangID, textIn("1.234"), "tanpa pemisah ribuan"},
		{"integer thousands comma", "kunjungan", LangEN, textIn("1,234"), "without thousands separators"},
		{"integer above max", "kunjungan", LangID, textIn("51"), "antara 0 dan 50"},
		{"integer below min", "kunjungan", LangEN, textIn("-1"), "between 0 and 50"},
		{"integer empty", "kunjungan", LangID, textIn("  "), "bilangan bulat"},
		{"decimal two separators", "biaya", LangID, textIn("1.234,5"), "pemisah ribuan"},
		{"decimal grouped", "biaya", LangID, textIn("1.234.567"), "pemisah ribuan"},
		{"decimal NaN", "biaya", LangEN, textIn("NaN"), "Type a number"},
		{"decimal exponent", "biaya", LangEN, textIn("1e5"), "Type a number"},
		{"decimal infinity", "biaya", LangEN, textIn("Inf"), "Type a number"},
		{"decimal below min", "biaya", LangEN, textIn("-0,5"), "at least 0"},
		{"decimal constraint default message", "biaya", LangID, textIn("10000,5"), "Jawaban ini tidak dapat diterima"},
		{"date impossible", "tanggal", LangID, textIn("2026-02-30"), "Tulis tanggal"},
		{"date words", "tanggal", LangEN, textIn("tomorrow"), "Type a date"},
		{"text too long", "saran", LangID, textIn(strings.Repeat("é", 21)), "paling banyak 20 karakter (Anda menulis 21)"},
		{"text empty", "saran", LangEN, textIn(" \n "), "Please type your answer."},
		{"multi none on required", "layanan", LangID, tokenIn("done:3"), "Pilih setidaknya satu"},
		{"submit before the review", "syarat", LangID, cmdIn(CmdSubmit), "Jawab dulu semua pertanyaan"},
		{"edit outside the review", "syarat", LangEN, editIn("usia"), "cannot be changed now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSurvey(t)
			st := stateAt(t, s, tt.lang, tt.question)
			assertRefused(t, st, mustStep(t, s, st, tt.in), tt.want)
		})
	}
}

func TestStaleTokens(t *testing.T) {
	tests := []struct {
		name, question, token string
	}{
		{"button of an earlier question", "online", "c:1.0"},
		{"button of a later question", "online", "c:4.0"},
		{"choice index out of range", "online", "c:2.9"},
		{"garbage", "online", "zzz"},
		{"non-canonical index", "online", "c:02.0"},
		{"negative index", "online", "c:-2.0"},
		{"edit outside the review", "online", "e:1"},
		{"submit outside the review", "online", "submit"},
		{"skip of another question", "kunjungan", "skip:6"},
		{"done on a single choice", "online", "done:2"},
		{"empty", "online", ""},
	}
	for _, tt := range tests {
		for _, lang := range []string{LangID, LangEN} {
			t.Run(tt.name+"/"+lang, func(t *testing.T) {
				s := newTestSurvey(t)
				st := stateAt(t, s, lang, tt.question)
				want := map[string]string{LangID: "Tombol itu sudah tidak berlaku.", LangEN: "That button has expired."}[lang]
				assertRefused(t, st, mustStep(t, s, st, tokenIn(tt.token)), want)
			})
		}
	}
}

func TestSelectMultipleToggling(t *testing.T) {
	s := newTestSurvey(t)
	st := stateAt(t, s, LangID, "layanan")
	ticks := []struct {
		token   string
		pending []string
	}{
		{"c:3.0", []string{"ktp"}},
		{"c:3.2", []string{"ktp", "akta"}},
		{"c:3.0", []string{"akta"}},
		{"c:3.1", []string{"akta", "kk"}},
	}
	for _, tk := range ticks {
		res := mustStep(t, s, st, tokenIn(tk.token))
		if len(res.Changes) != 0 || !slices.Equal(res.State.Pending, tk.pending) {
			t.Fatalf("after %s: pending %q changes %+v, want pending %q", tk.token, res.State.Pending, res.Changes, tk.pending)
		}
		p := lastPrompt(t, res)
		for i, o := range p.Options[:3] {
			if o.Selected != slices.Contains(tk.pending, s.Question("layanan").Choices[i].Value) {
				t.Fatalf("after %s: option %q selected=%v", tk.token, o.Label, o.Selected)
			}
		}
		st = res.State
	}
	// A typed label toggles too; three ticked breaks the constraint.
	res := mustStep(t, s, st, textIn("ktp-el"))
	st3 := res.State
	assertRefused(t, st3, mustStep(t, s, st3, tokenIn("done:3")), "Pilih paling banyak dua.")
	res = mustStep(t, s, st3, textIn("1"))
	res = mustStep(t, s, res.State, tokenIn("done:3"))
	want := Answer{Value: "kk akta"} // in choice order, not tick order
	if got := res.State.Answers["layanan"]; !reflect.DeepEqual(got, want) || res.State.Pending != nil {
		t.Fatalf("answer %+v pending %q, want %+v and no pending", got, res.State.Pending, want)
	}
	if p := res.Prompts[0]; p.Text != "Layanan apa yang Anda pakai?\n» Kartu Keluarga, Akta kelahiran" {
		t.Fatalf("answered prompt %q", p.Text)
	}
}

func TestScreenOut(t *testing.T) {
	s := newTestSurvey(t)
	for _, in := range []Input{tokenIn("c:1.0"), textIn("1"), textIn("di bawah 17 tahun")} {
		res := mustStep(t, s, NewEngine().Start(s, LangID).State, in)
		if !res.Stopped || res.State.Phase != PhaseStopped || len(res.State.Answers) != 0 || len(res.Changes) != 0 {
			t.Fatalf("%+v: result %+v", in, res)
		}
		if p := lastPrompt(t, res); p.Kind != PromptInfo || !strings.Contains(p.Text, "usia 17 tahun ke atas") {
			t.Fatalf("%+v: last prompt %+v", in, p)
		}
		if _, err := NewEngine().Step(s, res.State, textIn("2")); !errors.Is(err, ErrFinished) {
			t.Fatalf("input after stop: err %v, want ErrFinished", err)
		}
	}
	// Changing the age to a minor's from the review deletes every stored answer.
	review := answerAll(t, s, LangID).State
	res := mustStep(t, s, review, editIn("usia"))
	res = mustStep(t, s, res.State, tokenIn("c:1.0"))
	if !res.Stopped || len(res.State.Answers) != 0 || len(res.Changes) != len(review.Answers) {
		t.Fatalf("screen-out from the review: %+v", res)
	}
	for _, c := range res.Changes {
		if !c.Deleted {
			t.Fatalf("change %+v is not a deletion", c)
		}
	}
}

func TestProgrammingErrors(t *testing.T) {
	s := newTestSurvey(t)
	good := NewEngine().Start(s, LangID).State
	mutate := func(f func(*State)) State {
		st := cloneState(good)
		f(&st)
		return st
	}
	tests := []struct {
		name string
		st   State
		in   Input
		want error
	}{
		{"other survey", mutate(func(st *State) { st.SurveyID = "skm" }), textIn("1"), ErrWrongSurvey},
		{"other version", mutate(func(st *State) { st.Version = "2" }), textIn("1"), ErrWrongSurvey},
		{"submitted", mutate(func(st *State) { st.Phase = PhaseSubmitted }), textIn("1"), ErrFinished},
		{"cancelled", mutate(func(st *State) { st.Phase = PhaseCancelled }), cmdIn(CmdBack), ErrFinished},
		{"unknown phase", mutate(func(st *State) { st.Phase = "lost" }), textIn("1"), ErrInvalidState},
		{"unknown question", mutate(func(st *State) { st.Current = "nope" }), textIn("1"), ErrInvalidState},
		{"note as current", mutate(func(st *State) { st.Current = "intro" }), textIn("1"), ErrInvalidState},
		{"unknown command", good, cmdIn("dance"), ErrUnknownInput},
		{"unknown kind", good, Input{Kind: 99}, ErrUnknownInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := NewEngine().Step(s, tt.st, tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !reflect.DeepEqual(res.State, tt.st) {
				t.Fatalf("state changed on error")
			}
		})
	}
	if _, err := NewEngine().Step(nil, good, textIn("1")); !errors.Is(err, ErrWrongSurvey) {
		t.Fatalf("nil survey: err = %v", err)
	}
}

func TestStepDoesNotModifyItsInput(t *testing.T) {
	s := newTestSurvey(t)
	st := stateAt(t, s, LangID, "layanan")
	st.Pending = []string{"ktp"}
	before := cloneState(st)
	mustStep(t, s, st, tokenIn("c:3.1"))
	mustStep(t, s, st, tokenIn("done:3"))
	mustStep(t, s, st, cmdIn(CmdBack))
	mustStep(t, s, st, cmdIn(CmdRestart))
	if !reflect.DeepEqual(st, before) {
		t.Fatalf("input state modified:\n got %+v\nwant %+v", st, before)
	}
}

func TestMessagesInBothLanguages(t *testing.T) {
	for id := msgOptional; id <= msgNoAnswer; id++ {
		m := message(id)
		if m[LangID] == "" || m[LangEN] == "" || m[LangID] == m[LangEN] {
			t.Errorf("message %d: id %q, en %q", id, m[LangID], m[LangEN])
		}
	}
}
