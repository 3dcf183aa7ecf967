package survey

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// visitStart starts the built-in skm as the bot does for a first visit to
// a service with an online channel.
func visitStart(t *testing.T, known map[string]Answer, unasked []string) (*Survey, Result) {
	t.Helper()
	s := registryLatest(t, "skm")
	res := NewEngine().StartWith(s, LangID, StartOptions{
		Facts:   map[string]string{"layanan_online": "ya", "kunjungan_ulang": "tidak"},
		Known:   known,
		Unasked: unasked,
		Today:   "2026-12-03",
	})
	return s, res
}

func TestStartWithFactsAreStored(t *testing.T) {
	_, res := visitStart(t, nil, nil)
	var facts []string
	for _, c := range res.Changes {
		facts = append(facts, c.Question+"="+c.Answer.Value)
	}
	if !slices.Equal(facts, []string{"layanan_online=ya", "kunjungan_ulang=tidak"}) {
		t.Fatalf("changes at the start = %q, want the two facts", facts)
	}
	if p := lastPrompt(t, res); p.Question != "usia" || len(res.State.History) != 0 {
		t.Fatalf("first prompt %+v, history %v", p, res.State.History)
	}
}

func TestRememberedProfileOneTap(t *testing.T) {
	known := map[string]Answer{"usia": {Value: "26_35"}, "jenis_kelamin": {Value: "P"}, "pendidikan": {Value: "s1"},
		"pekerjaan": {Value: "wirausaha"}, "disabilitas": {Value: "tidak"}}
	s, res := visitStart(t, known, nil)
	p := lastPrompt(t, res)
	if p.Question != "usia" || p.Text != "Data diri Anda: 26–35 tahun, Perempuan, S1, Wirausaha, Tidak. Masih sama?" ||
		len(p.Options) != 2 || p.Options[0].Label != "✅ Masih sama" {
		t.Fatalf("confirm prompt = %+v", p)
	}
	// A typed "1" is not the first age band (a minor): the buttons answer.
	assertRefused(t, res.State, mustStep(t, s, res.State, textIn("1")), "Pilih salah satu jawaban dengan tombol")
	kept := mustStep(t, s, res.State, tokenIn(p.Options[0].Token))
	if !slices.Equal(kept.State.History, s.Remember) || kept.State.Current != "tanggal_layanan" || len(kept.Changes) < 5 {
		t.Fatalf("after Masih sama: history %v, current %s, changes %v", kept.State.History, kept.State.Current, kept.Changes)
	}
	for name, a := range known {
		if kept.State.Answers[name].Value != a.Value {
			t.Errorf("%s = %q, want %q", name, kept.State.Answers[name].Value, a.Value)
		}
	}
	// Back from the date goes back to "still the same?", not into the
	// profile's last question; confirmed again, the visit goes on.
	back := mustStep(t, s, kept.State, cmdIn(CmdBack))
	if q := lastPrompt(t, back); q.Question != "usia" || q.Text != p.Text || len(back.State.History) != 0 {
		t.Fatalf("back after Masih sama: %+v, history %v", q, back.State.History)
	}
	again := mustStep(t, s, back.State, tokenIn(lastPrompt(t, back).Options[0].Token))
	if again.State.Current != "tanggal_layanan" || !slices.Equal(again.State.History, s.Remember) {
		t.Fatalf("kept again: current %s, history %v", again.State.Current, again.State.History)
	}
	// "Ubah" asks the profile afresh, question by question.
	changed := mustStep(t, s, res.State, tokenIn(p.Options[1].Token))
	if q := lastPrompt(t, changed); q.Text != "Berapa usia Anda?" || changed.State.Known != nil || len(changed.Changes) != 0 {
		t.Fatalf("after Ubah: %+v", q)
	}
	// A profile that misses a required answer (or holds an unknown value) is not offered.
	delete(known, "pekerjaan")
	if _, res := visitStart(t, known, nil); lastPrompt(t, res).Text != "Berapa usia Anda?" {
		t.Fatalf("incomplete profile offered: %q", lastPrompt(t, res).Text)
	}
}

func TestDateButtonsAndNoFutureDate(t *testing.T) {
	s, res := visitStart(t, nil, nil)
	st := res.State
	for _, in := range []string{"3", "2", "5", "4", "2"} { // the profile
		st = mustStep(t, s, st, textIn(in)).State
	}
	p := lastPrompt(t, Result{Prompts: []Prompt{NewEngine().mustCurrent(t, s, st)}})
	if p.Question != "tanggal_layanan" || !p.FreeText {
		t.Fatalf("date prompt = %+v", p)
	}
	today := mustStep(t, s, st, tokenIn(optionToken(t, p, "Hari ini")))
	yesterday := mustStep(t, s, st, tokenIn(optionToken(t, p, "Kemarin")))
	if today.State.Answers["tanggal_layanan"].Value != "2026-12-03" || yesterday.State.Answers["tanggal_layanan"].Value != "2026-12-02" {
		t.Fatalf("today %v, yesterday %v", today.State.Answers["tanggal_layanan"], yesterday.State.Answers["tanggal_layanan"])
	}
	typed := mustStep(t, s, st, textIn("28-11-2026"))
	if typed.State.Answers["tanggal_layanan"].Value != "2026-11-28" {
		t.Fatalf("typed date = %v", typed.State.Answers["tanggal_layanan"])
	}
	assertRefused(t, st, mustStep(t, s, st, textIn("2026-12-04")), "belum lewat")
}

// mustCurrent is the prompt of where st stands.
func (e *Engine) mustCurrent(t *testing.T, s *Survey, st State) Prompt {
	t.Helper()
	res := mustStep(t, s, st, cmdIn(CmdResume))
	return lastPrompt(t, res)
}

func TestChannelIsCalculatedUnderItsElements(t *testing.T) {
	tests := []struct{ cara, tahu, kanal, aplikasi string }{
		{"online_app", "ya", "online", "ya"},
		{"online_web", "ya", "online", "tidak"},
		{"langsung_tahu", "ya", "offline", "tidak"},
		{"langsung", "tidak", "offline", "tidak"},
	}
	for _, tt := range tests {
		t.Run(tt.cara, func(t *testing.T) {
			s, res := visitStart(t, nil, nil)
			st := res.State
			for _, in := range []string{"3", "2", "5", "4", "2", "2026-12-01"} {
				st = mustStep(t, s, st, textIn(in)).State
			}
			res = mustStep(t, s, st, tokenIn(optionToken(t, NewEngine().mustCurrent(t, s, st), s.Question("cara").Choice2(tt.cara))))
			got := map[string]string{}
			for _, c := range res.Changes {
				got[c.Element] = c.Answer.Value
			}
			if got["pemanfaatan.tahu_online"] != tt.tahu || got["pemanfaatan.kanal"] != tt.kanal || res.State.Answers["aplikasi"].Value != tt.aplikasi {
				t.Fatalf("stored %v, aplikasi %q", got, res.State.Answers["aplikasi"].Value)
			}
			if slices.Contains(res.State.History, "kanal") {
				t.Fatal("a calculation is in the history (it would be reviewed and edited)")
			}
		})
	}
}

// Choice2 returns the label of the choice with value v (test helper).
func (q *Question) Choice2(v string) string {
	c, _ := q.Choice(v)
	return c.Label.In(LangID)
}

func TestDrawSampleIsBalanced(t *testing.T) {
	s := registryLatest(t, "skm")
	const n = 22000
	asked := map[string]int{}
	for seed := range uint64(n) {
		out := DrawSample(s, seed)
		if len(out) != 8+1+2 {
			t.Fatalf("seed %d left out %d questions: %v", seed, len(out), out)
		}
		for _, q := range s.Questions {
			if q.Group != "" && !slices.Contains(out, q.Name) {
				asked[q.Name]++
			}
		}
	}
	if got := DrawSample(s, 7); !slices.Equal(got, DrawSample(s, 7)) {
		t.Fatal("the draw is not a function of the seed")
	}
	// Each question of a group of m asked k is asked with probability k/m:
	// a binomial count, checked within 5 standard deviations.
	for _, q := range s.Questions {
		if q.Group == "" {
			continue
		}
		m := 0
		for _, o := range s.Questions {
			if o.Group == q.Group {
				m++
			}
		}
		p := float64(s.Samples[q.Group]) / float64(m)
		want, sd := n*p, math.Sqrt(n*p*(1-p))
		if math.Abs(float64(asked[q.Name])-want) > 5*sd {
			t.Errorf("%s asked %d times in %d, want about %.0f", q.Name, asked[q.Name], n, want)
		}
	}
}

func TestPlannedMissingAreNeverAsked(t *testing.T) {
	s := registryLatest(t, "skm")
	unasked := DrawSample(s, 42)
	_, res := visitStart(t, nil, unasked)
	st := res.State
	for range 80 {
		if st.Phase != PhaseAnswering {
			break
		}
		if slices.Contains(unasked, st.Current) {
			t.Fatalf("%s is asked although the draw left it out", st.Current)
		}
		in := textIn("1") // the first choice; for cara: online, with an app (the whole online block)
		switch q := s.Question(st.Current); {
		case q.ScreenOut != nil:
			in = textIn("2")
		case q.Type == TypeDate:
			in = textIn("2026-12-01")
		case q.Type == TypeInteger:
			in = textIn("3")
		}
		st = mustStep(t, s, st, in).State
	}
	if st.Phase != PhaseReview {
		t.Fatalf("phase %s at %s", st.Phase, st.Current)
	}
	// profile, date, cara, frekuensi, nine unsur, csat, ces, 3 impact, 2 NKP, nps
	if a, n := NewEngine().Progress(s, st); a != n || n != 5+1+1+1+9+2+3+2+1 {
		t.Fatalf("progress %d/%d, want all of 25 asked", a, n)
	}
	if got := NewEngine().RebuildWith(s, LangID, st.Answers, unasked); got.Phase != PhaseReview || !slices.Equal(got.History, st.History) {
		t.Fatalf("rebuilt %+v", got)
	}
}

func TestSuggestionTypedOnTheReviewCard(t *testing.T) {
	s := registryLatest(t, "skm")
	review := NewEngine().RebuildWith(s, LangID, map[string]Answer{"usia": {Value: "26_35"}, "jenis_kelamin": {Value: "L"},
		"pendidikan": {Value: "s1"}, "pekerjaan": {Value: "pns"}, "disabilitas": {Skipped: true}, "tanggal_layanan": {Skipped: true},
		"frekuensi": {Value: "1"}, "persyaratan": {Value: "3"}, "prosedur": {Value: "3"}, "waktu": {Value: "3"}, "biaya": {Value: "4"},
		"produk": {Value: "3"}, "kompetensi": {Value: "3"}, "perilaku": {Value: "3"}, "sarana": {Value: "3"}, "pengaduan": {Value: "3"}}, nil)
	if review.Phase != PhaseReview {
		t.Fatalf("phase %s at %s", review.Phase, review.Current)
	}
	card := NewEngine().mustCurrent(t, s, review)
	if !strings.Contains(card.Text, "Ada saran untuk layanan ini?") || card.Options[0].Label != "📨 Kirim" {
		t.Fatalf("card = %+v", card)
	}
	res := mustStep(t, s, review, textIn(strings.Repeat("x", 1001)))
	assertRefused(t, review, res, "terlalu panjang")
	res = mustStep(t, s, review, textIn("Tambah kursi di ruang tunggu"))
	if res.State.Phase != PhaseReview || res.State.Answers["saran"].Value != "Tambah kursi di ruang tunggu" ||
		len(res.Changes) != 1 || strings.Contains(lastPrompt(t, res).Text, "Ada saran") {
		t.Fatalf("after the suggestion: %+v", res)
	}
}
