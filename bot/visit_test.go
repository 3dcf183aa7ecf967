package bot_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/storage"
)

// Limits of issue 9: inputs from /start (no QR code) to the thank-you on
// the built-in surveys, and message lengths in characters.
const (
	maxInputsInPerson = 22
	maxInputsOnline   = 30
	maxInputsReturn   = 15
	maxMessageRunes   = 300
	maxPrivacyRunes   = 500 // the consent message, which carries the privacy summary
	maxReviewRunes    = 800 // the review card: one phone screen
)

// resident drives one resident through the emulator as a person would and
// counts every input: a typed line, a command or a button press.
type resident struct {
	t      *testing.T
	u      *botapitest.User
	inputs int
	last   botapitest.Message // the prompt being answered
	seen   int                // the newest bot message handled
}

func newResident(t *testing.T, u *botapitest.User) *resident {
	return &resident{t: t, u: u, seen: u.LastMessage().ID}
}

// next waits for the bot's next message and makes it the prompt.
func (r *resident) next(what string) botapitest.Message {
	r.t.Helper()
	m := wait(r.t, r.u, what, func(m botapitest.Message) bool { return m.ID > r.seen })
	r.seen, r.last = m.ID, m
	return m
}

// send types a line and waits for the reply.
func (r *resident) send(text, what string) botapitest.Message {
	r.t.Helper()
	r.inputs++
	r.u.Send(text)
	return r.next(what)
}

// press presses the button labelled label (or, with a prefix ending in
// "*", the first whose label starts with it) on the prompt and waits for
// the reply.
func (r *resident) press(label, what string) botapitest.Message {
	r.t.Helper()
	for _, row := range r.last.Buttons {
		for _, b := range row {
			if b.Text == label || strings.HasSuffix(label, "*") && strings.HasPrefix(b.Text, strings.TrimSuffix(label, "*")) {
				label = b.Text
			}
		}
	}
	r.inputs++
	if err := r.u.PressIn(r.last.ID, label); err != nil {
		r.t.Fatalf("press %q on %q: %v", label, r.last.Text, err)
	}
	return r.next(what)
}

// answerSurvey answers every question up to the review card: buttons by
// pick (a label, or nil for the third answer button), typed numbers where
// the question has no answer button.
func (r *resident) answerSurvey(pick func(m botapitest.Message) string) {
	r.t.Helper()
	for range 60 {
		m := r.last
		if strings.Contains(m.Text, "Ringkasan jawaban Anda:") {
			return
		}
		answers := answerButtons(m)
		switch label := pick(m); {
		case label != "":
			r.press(label, "the next question")
		case len(answers) == 0:
			r.send("30", "the next question")
		default:
			r.press(answers[min(2, len(answers)-1)], "the next question")
		}
	}
	r.t.Fatal("the survey never reached its review card")
}

// answerButtons are a prompt's buttons that answer (not Skip or Back).
func answerButtons(m botapitest.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text != "Lewati" && b.Text != "« Kembali" {
				out = append(out, b.Text)
			}
		}
	}
	return out
}

// begin is /start without a QR code up to the first question: consent on a
// first visit, then the office and the service.
func (r *resident) begin(first bool, service string) {
	r.t.Helper()
	r.send("/start", "the first reply")
	if first {
		r.press("✅ Setuju", "the offices")
	}
	r.press("Dinas Kependudukan dan Pencatatan Sipil", "the services")
	r.press(service, "the first question")
}

// submit presses Kirim on the review card and waits for the thanks.
func (r *resident) submit() {
	r.t.Helper()
	if m := r.press("📨 Kirim", "the thanks"); !strings.Contains(m.Text, "Terima kasih") {
		r.t.Fatalf("after Kirim: %q", m.Text)
	}
}

// profilePicks answers the first visit's profile and date by label.
func profilePicks(cara string) func(m botapitest.Message) string {
	picks := map[string]string{"Berapa usia Anda?": "26–35 tahun", "Jenis kelamin": "Perempuan",
		"Pendidikan terakhir": "S1", "Pekerjaan utama": "Wirausaha", "penyandang disabilitas": "Tidak",
		"Kapan Anda menerima": "Hari ini", "bagaimana Anda mengurus": cara}
	return func(m botapitest.Message) string {
		for q, label := range picks {
			if strings.Contains(m.Text, q) {
				return label
			}
		}
		return ""
	}
}

var progressRe = regexp.MustCompile(`\((\d+)/(\d+)\)`)

// checkMessages checks every bot message of the chat: the length limits,
// a progress count that goes up by one while its total never grows, and
// one thank-you per visit.
func checkMessages(t *testing.T, u *botapitest.User, visits int) {
	t.Helper()
	prevN, prevTotal, thanks := 0, 1<<30, 0
	for _, m := range u.Messages() {
		n := utf8.RuneCountInString(m.Text)
		limit := maxMessageRunes
		switch {
		case strings.Contains(m.Text, "🔒"):
			limit = maxPrivacyRunes
		case strings.Contains(m.Text, "Ringkasan jawaban Anda:"):
			limit = maxReviewRunes
		}
		if n > limit {
			t.Errorf("message of %d characters, limit %d:\n%s", n, limit, m.Text)
		}
		if strings.Contains(m.Text, "Terima kasih! Jawaban Anda terkirim") {
			thanks++
		}
		p := progressRe.FindStringSubmatch(m.Text)
		if p == nil {
			continue
		}
		got, _ := strconv.Atoi(p[1])
		total, _ := strconv.Atoi(p[2])
		if got == 1 {
			prevN, prevTotal = 0, 1<<30 // a new visit
		}
		if total > prevTotal || got <= prevN {
			t.Errorf("progress (%d/%d) after (%d/%d): the total grew or the count did not advance", got, total, prevN, prevTotal)
		}
		prevN, prevTotal = got, total
	}
	if thanks != visits {
		t.Errorf("%d thank-yous, want %d (one per visit)", thanks, visits)
	}
}

// TestResidentVisitPaths drives residents through the three paths of a
// visit and counts their inputs: in person and online on a first visit,
// and a second visit of the same resident in the same quarter.
func TestResidentVisitPaths(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.poll()

		// In person, at a service that also runs online (the longest
		// in-person path); online with an app: the online block, planned-missing.
		a := firstVisit(t, r, 9101, "Datang langsung (tahu*", "in person", maxInputsInPerson)
		b := firstVisit(t, r, 9102, "Online, lewat aplikasi*", "online", maxInputsOnline)

		// The in-person resident again, another service, same quarter: the
		// profile is confirmed with one tap, usage is not asked again.
		a2 := newResident(t, a.u)
		a2.begin(false, "Akta kelahiran")
		if !strings.Contains(a2.last.Text, "Masih sama?") || !strings.Contains(a2.last.Text, "26–35 tahun, Perempuan, S1, Wirausaha") {
			t.Fatalf("returning resident is asked %q, want the remembered profile", a2.last.Text)
		}
		a2.press("✅ Masih sama", "the date")
		a2.answerSurvey(profilePicks(""))
		a2.submit()
		if a2.inputs > maxInputsReturn {
			t.Errorf("returning: %d inputs, want at most %d", a2.inputs, maxInputsReturn)
		}
		t.Logf("returning: %d inputs", a2.inputs)

		checkMessages(t, a.u, 2)
		checkMessages(t, b.u, 1)
		progressStepsByOne(t, a.u)
		progressStepsByOne(t, b.u)
		onePerInput(t, a.u, a.inputs+a2.inputs)
		onePerInput(t, b.u, b.inputs)
		checkStoredVisit(t, e, a.u.ID(), b.u.ID())
		waitAllAnswered(t, r.emu)
	})
}

// progressStepsByOne checks that the "(k/n)" counts of a user's questions
// go up one at a time within each visit (a visit starts again at 1): the
// remembered profile, confirmed with one tap, is one step, not five.
func progressStepsByOne(t *testing.T, u *botapitest.User) {
	t.Helper()
	prev := 0
	for _, m := range u.Messages() {
		found := progressRE.FindStringSubmatch(m.Text)
		if found == nil {
			continue
		}
		k, _ := strconv.Atoi(found[1])
		if k != 1 && k != prev+1 {
			t.Errorf("progress went from %d to %s/%s: %q", prev, found[1], found[2], m.Text)
		}
		prev = k
	}
}

// progressRE finds the "(k/n)" that opens a question's line.
var progressRE = regexp.MustCompile(`(?m)^\((\d+)/(\d+)\) `)

// onePerInput checks that each input got one new message and no edit: the
// chat's pacing (one message a second after a burst) then holds a fast
// tapper to one answer a second, not one every two.
func onePerInput(t *testing.T, u *botapitest.User, inputs int) {
	t.Helper()
	msgs := u.Messages()
	if len(msgs) != inputs {
		t.Errorf("%d bot messages for %d inputs, want one each", len(msgs), inputs)
	}
	for _, m := range msgs {
		if m.Edits > 0 {
			t.Errorf("message %d was edited %d times: %q", m.ID, m.Edits, m.Text)
		}
	}
}

// firstVisit is a new resident's visit to Kartu Keluarga answering cara
// with the button labelled cara; it checks the input count against limit.
func firstVisit(t *testing.T, r *rig, id int64, cara, path string, limit int) *resident {
	t.Helper()
	v := newResident(t, r.emu.User(id, botapitest.WithLanguage("id")))
	v.begin(true, "Kartu Keluarga")
	v.answerSurvey(profilePicks(cara))
	v.submit()
	if v.inputs > limit {
		t.Errorf("%s: %d inputs, want at most %d", path, v.inputs, limit)
	}
	t.Logf("%s: %d inputs", path, v.inputs)
	return v
}

// checkStoredVisit checks what the visits stored: the profile both times,
// and the online resident's response says which impact and NKP items were
// left out by design.
func checkStoredVisit(t *testing.T, e *env, inPerson, online int64) {
	t.Helper()
	d, stored := storedAnswers(t, e, inPerson)
	if d.Profile == nil || !strings.Contains(d.Profile.AnswersJSON, "26_35") {
		t.Errorf("remembered profile = %+v", d.Profile)
	}
	subs := 0
	for _, resp := range d.Responses {
		if resp.Status == storage.StatusSubmitted {
			subs++
			if resp.Answers["jenis_kelamin"].Value != "P" || resp.Answers["tanggal_layanan"].Value == "" {
				t.Errorf("response %d lacks the profile or date: %v", resp.ID, resp.Answers)
			}
		}
	}
	if subs != 2 || stored["skm"] == nil {
		t.Errorf("%d submitted visits, want 2", subs)
	}
	d, _ = storedAnswers(t, e, online)
	resp := d.Responses[0]
	left := strings.Fields(resp.PlannedMissing)
	if len(left) != 8+1+2 { // of 11 impact items 3 are asked, of 2+3 NKP items one each
		t.Fatalf("planned missing %q, want 11 questions", resp.PlannedMissing)
	}
	for _, name := range left {
		if _, asked := resp.Answers[name]; asked {
			t.Errorf("%s was left out by design but has an answer", name)
		}
	}
	for _, el := range []string{"pemanfaatan.kanal", "pemanfaatan.tahu_online", "kepuasan.csat", "kepuasan.nps"} {
		if !slices.ContainsFunc(elementsOf(t, e, resp.ID), func(s string) bool { return s == el }) {
			t.Errorf("online response has no %s", el)
		}
	}
}

// elementsOf lists the element keys stored with a response's answers.
func elementsOf(t *testing.T, e *env, responseID int64) []string {
	t.Helper()
	var out []string
	err := e.backend.RawDB(t).WithContext(context.Background()).
		Raw("SELECT element FROM answers WHERE response_id = ? AND element <> ''", responseID).Scan(&out).Error
	if err != nil {
		t.Fatal(err)
	}
	return out
}
