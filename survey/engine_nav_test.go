package survey

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// answerAll walks newTestSurvey from the start to the review with typed
// answers (pakai online: ya).
func answerAll(tb testing.TB, s *Survey, lang string) Result {
	tb.Helper()
	res := NewEngine().Start(s, lang)
	for _, in := range []Input{textIn("3"), textIn("ya"), tokenIn("c:3.0"), tokenIn("c:3.1"), tokenIn("done:3"),
		textIn("3"), textIn("2"), textIn("12,5"), textIn("27-11-2026"), textIn("Bagus")} {
		res = mustStep(tb, s, res.State, in)
	}
	if res.State.Phase != PhaseReview {
		tb.Fatalf("after answering all: %+v", res.State)
	}
	return res
}

func TestReviewAndSubmit(t *testing.T) {
	s := newTestSurvey(t)
	res := answerAll(t, s, LangID)
	if !reflect.DeepEqual(res.State.Answers, goodAnswers()) {
		t.Fatalf("answers = %+v, want %+v", res.State.Answers, goodAnswers())
	}
	// The closing note (relevant for online users) comes before the review.
	if got := kinds(res.Prompts); !slices.Equal(got, []PromptKind{PromptAnswered, PromptInfo, PromptReview}) {
		t.Fatalf("prompts = %v", got)
	}
	if res.Prompts[1].Text != "Terima kasih, pengguna online." {
		t.Fatalf("note = %q", res.Prompts[1].Text)
	}
	card := res.Prompts[2]
	for _, want := range []string{"Ringkasan jawaban Anda", "1. 26–40 tahun · ",
		"3. KTP-el, Kartu Keluarga · ", "Sesuai", "8. Bagus"} {
		if !strings.Contains(card.Text, want) {
			t.Fatalf("review card lacks %q:\n%s", want, card.Text)
		}
	}
	// Submit first; the edit buttons are one press away.
	if len(card.Options) != 2 || card.Options[0].Token != "submit" || card.Options[0].Label != "📨 Kirim" ||
		card.Options[1].Token != "list" || card.Answered != 8 || card.Total != 8 {
		t.Fatalf("review options = %+v (progress %d/%d)", card.Options, card.Answered, card.Total)
	}
	list := mustStep(t, s, res.State, tokenIn("list"))
	if p := lastPrompt(t, list); p.Kind != PromptReview || len(p.Options) != 9 || p.Options[0].Token != "e:1" ||
		p.Options[0].Label != "1. Berapa usia Anda?" || p.Options[8].Token != "rev" || !reflect.DeepEqual(list.State, res.State) {
		t.Fatalf("edit list = %+v", p)
	}
	if back := mustStep(t, s, list.State, tokenIn("rev")); lastPrompt(t, back).Text != card.Text {
		t.Fatalf("back to the summary = %+v", lastPrompt(t, back))
	}
	assertRefused(t, res.State, mustStep(t, s, res.State, textIn("ok")), "Gunakan tombol")
	done := mustStep(t, s, res.State, tokenIn("submit"))
	if !done.Submitted || done.State.Phase != PhaseSubmitted || len(done.Changes) != 0 {
		t.Fatalf("submit: %+v", done)
	}
	if p := lastPrompt(t, done); p.Kind != PromptInfo || !strings.Contains(p.Text, "Terima kasih") {
		t.Fatalf("submit prompt %+v", p)
	}
	viaCmd := mustStep(t, s, res.State, cmdIn(CmdSubmit))
	if !viaCmd.Submitted {
		t.Fatal("CmdSubmit from the review did not submit")
	}
}

func TestEditFromReview(t *testing.T) {
	s := newTestSurvey(t)
	review := answerAll(t, s, LangEN).State

	t.Run("same path returns to review", func(t *testing.T) {
		res := mustStep(t, s, review, tokenIn("e:4"))
		if res.State.Current != "syarat" || !res.State.Editing || lastPrompt(t, res).Options[2].Selected != true {
			t.Fatalf("edit: %+v", res.State)
		}
		res = mustStep(t, s, res.State, tokenIn("c:4.0"))
		if res.State.Phase != PhaseReview || res.State.Editing || res.State.Answers["syarat"].Value != "1" {
			t.Fatalf("after edit: %+v", res.State)
		}
		if !slices.Equal(res.State.History, review.History) {
			t.Fatalf("history %q, want %q", res.State.History, review.History)
		}
	})
	t.Run("back while editing returns to review unchanged", func(t *testing.T) {
		res := mustStep(t, s, review, editIn("saran"))
		res = mustStep(t, s, res.State, cmdIn(CmdBack))
		if !reflect.DeepEqual(res.State, review) || lastPrompt(t, res).Kind != PromptReview {
			t.Fatalf("back from edit: %+v", res.State)
		}
	})
	t.Run("answer hiding questions deletes them", func(t *testing.T) {
		res := mustStep(t, s, review, editIn("online"))
		res = mustStep(t, s, res.State, textIn("no"))
		want := []Change{{Question: "online", Answer: Answer{Value: "tidak"}},
			{Question: "layanan", Deleted: true}, {Question: "biaya", Deleted: true}}
		if !reflect.DeepEqual(res.Changes, want) {
			t.Fatalf("changes = %+v, want %+v", res.Changes, want)
		}
		if res.State.Phase != PhaseReview || len(res.State.Answers) != 6 || slices.Contains(res.State.History, "layanan") {
			t.Fatalf("state = %+v", res.State)
		}
		// Switching back to "ya" makes layanan and biaya relevant again: they are asked, then the review.
		res = mustStep(t, s, res.State, editIn("online"))
		res = mustStep(t, s, res.State, textIn("ya"))
		if res.State.Current != "layanan" || res.State.Editing {
			t.Fatalf("newly relevant question not asked: %+v", res.State)
		}
		res = mustStep(t, s, res.State, textIn("3"))
		res = mustStep(t, s, res.State, tokenIn("done:3"))
		if res.State.Current != "biaya" {
			t.Fatalf("after layanan: %+v", res.State)
		}
		res = mustStep(t, s, res.State, cmdIn(CmdSkip))
		if res.State.Phase != PhaseReview {
			t.Fatalf("want the review after the new questions, got %+v", res.State)
		}
	})
	t.Run("edit of an unknown question is refused", func(t *testing.T) {
		assertRefused(t, review, mustStep(t, s, review, editIn("nope")), "cannot be changed now")
		assertRefused(t, review, mustStep(t, s, review, tokenIn("e:99")), "That button has expired.")
		assertRefused(t, review, mustStep(t, s, review, tokenIn("e:0")), "cannot be changed now")
	})
}

func TestBack(t *testing.T) {
	s := newTestSurvey(t)
	start := NewEngine().Start(s, LangID).State
	res := mustStep(t, s, start, cmdIn(CmdBack))
	if !reflect.DeepEqual(res.State, start) || !slices.Equal(kinds(res.Prompts), []PromptKind{PromptInfo, PromptQuestion}) ||
		res.Prompts[0].Text != "Ini pertanyaan pertama." {
		t.Fatalf("back at the first question: %+v", res)
	}
	st := mustStep(t, s, start, textIn("2")).State
	st = mustStep(t, s, st, textIn("ya")).State
	st = mustStep(t, s, st, textIn("1")).State // layanan: tick ktp
	res = mustStep(t, s, st, tokenIn("back:3"))
	if res.State.Current != "online" || !slices.Equal(res.State.History, []string{"usia"}) || res.State.Pending != nil {
		t.Fatalf("back: %+v", res.State)
	}
	if p := lastPrompt(t, res); !p.Options[0].Selected || p.Options[1].Selected {
		t.Fatalf("the earlier answer is not marked: %+v", p.Options)
	}
	res = mustStep(t, s, res.State, textIn("tidak"))
	if res.State.Current != "syarat" || !slices.Equal(res.State.History, []string{"usia", "online"}) {
		t.Fatalf("after re-answering: %+v", res.State)
	}
	review := answerAll(t, s, LangID).State
	res = mustStep(t, s, review, cmdIn(CmdBack))
	if res.State.Phase != PhaseAnswering || res.State.Current != "saran" || res.State.Editing {
		t.Fatalf("back from the review: %+v", res.State)
	}
	// A multiple choice asked again shows its earlier ticks as pending.
	st = stateAt(t, s, LangID, "syarat")
	res = mustStep(t, s, st, cmdIn(CmdBack))
	if res.State.Current != "layanan" || !slices.Equal(res.State.Pending, []string{"ktp", "kk"}) {
		t.Fatalf("back to a multiple choice: %+v", res.State)
	}
}

func TestCancelRestartResume(t *testing.T) {
	s := newTestSurvey(t)
	st := stateAt(t, s, LangEN, "kunjungan")
	res := mustStep(t, s, st, cmdIn(CmdCancel))
	if !res.Cancelled || res.State.Phase != PhaseCancelled ||
		lastPrompt(t, res).Text != "Survey cancelled. Your answers were not submitted and have been deleted." {
		t.Fatalf("cancel: %+v", res)
	}
	// What the message says: nothing of a cancelled survey is kept.
	var gone []string
	for _, c := range res.Changes {
		if c.Deleted {
			gone = append(gone, c.Question)
		}
	}
	if want := []string{"usia", "online", "layanan", "syarat"}; !slices.Equal(gone, want) || len(res.State.Answers) != 0 {
		t.Fatalf("cancel deleted %q (answers left %v), want %q", gone, res.State.Answers, want)
	}

	res = mustStep(t, s, st, cmdIn(CmdRestart))
	fresh := NewEngine().Start(s, LangEN)
	if !reflect.DeepEqual(res.State, fresh.State) || !reflect.DeepEqual(res.Prompts, fresh.Prompts) {
		t.Fatalf("restart state %+v, want %+v", res.State, fresh.State)
	}
	var deleted []string
	for _, c := range res.Changes {
		if !c.Deleted {
			t.Fatalf("restart change %+v is not a deletion", c)
		}
		deleted = append(deleted, c.Question)
	}
	if want := []string{"usia", "online", "layanan", "syarat"}; !slices.Equal(deleted, want) {
		t.Fatalf("restart deleted %q, want %q", deleted, want)
	}

	res = mustStep(t, s, st, cmdIn(CmdResume))
	if len(res.Prompts) != 2 || res.Prompts[0].Kind != PromptInfo ||
		res.Prompts[0].Text != "You answered 4 of 8 questions. Continue?" ||
		res.Prompts[0].Answered != 4 || res.Prompts[0].Total != 8 || res.Prompts[1].Question != "kunjungan" {
		t.Fatalf("resume: %+v", res.Prompts)
	}
	if !reflect.DeepEqual(res.State, st) {
		t.Fatal("resume changed the state")
	}
	review := answerAll(t, s, LangID).State
	res = mustStep(t, s, review, cmdIn(CmdResume))
	if got := kinds(res.Prompts); !slices.Equal(got, []PromptKind{PromptInfo, PromptReview}) ||
		res.Prompts[0].Text != "Anda sudah menjawab 8 dari 8 pertanyaan. Lanjutkan?" {
		t.Fatalf("resume in review: %+v", res.Prompts)
	}
}

func TestProgress(t *testing.T) {
	s := newTestSurvey(t)
	e := NewEngine()
	tests := []struct {
		question        string
		answered, total int
	}{
		// The total counts every question that may still come (layanan
		// and biaya depend on answers to come), so it never grows.
		{"usia", 0, 8},
		{"online", 1, 8},
		{"layanan", 2, 8},
		{"saran", 7, 8},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			a, n := e.Progress(s, stateAt(t, s, LangID, tt.question))
			if a != tt.answered || n != tt.total {
				t.Fatalf("Progress = %d/%d, want %d/%d", a, n, tt.answered, tt.total)
			}
		})
	}
	// Once "no" rules out layanan and biaya, the total shrinks to what applies.
	res := mustStep(t, s, stateAt(t, s, LangID, "online"), textIn("Tidak"))
	if a, n := e.Progress(s, res.State); a != 2 || n != 6 {
		t.Fatalf("Progress after no = %d/%d, want 2/6", a, n)
	}
}

func TestRebuild(t *testing.T) {
	s := newTestSurvey(t)
	e := NewEngine()
	tests := []struct {
		name    string
		answers map[string]Answer
		phase   Phase
		current string
		history []string
	}{
		{"nothing", nil, PhaseAnswering, "usia", nil},
		{"all", goodAnswers(), PhaseReview, "", []string{"usia", "online", "layanan", "syarat", "kunjungan", "biaya", "tanggal", "saran"}},
		{"irrelevant and unknown dropped", map[string]Answer{"usia": {Value: "a41"}, "online": {Value: "tidak"},
			"layanan": {Value: "ktp"}, "lama": {Value: "x"}}, PhaseAnswering, "syarat", []string{"usia", "online"}},
		{"gap", map[string]Answer{"usia": {Value: "a41"}, "syarat": {Value: "2"}}, PhaseAnswering, "online", []string{"usia", "syarat"}},
		{"screened out", map[string]Answer{"usia": {Value: "u17"}}, PhaseStopped, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := e.Rebuild(s, LangID, tt.answers)
			if st.Phase != tt.phase || st.Current != tt.current || !slices.Equal(st.History, tt.history) {
				t.Fatalf("Rebuild = %+v, want phase %s current %q history %q", st, tt.phase, tt.current, tt.history)
			}
		})
	}
}
