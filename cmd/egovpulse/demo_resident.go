package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// demoReplyWait bounds the wait for one reply of the bot in the demo.
const demoReplyWait = 20 * time.Second

// errScreenedOut ends a minor's visit: thanked, not surveyed.
var errScreenedOut = errors.New("screened out")

// visitor is one simulated Telegram user talking to the bot through the
// emulator: it reads each message the bot sends and taps or types as a
// person would.
type visitor struct {
	u    *botapitest.User
	last int // the newest bot message already read
}

// send types a line or command.
func (v *visitor) send(text string) { v.u.Send(text) }

// press taps the button labelled label on message m.
func (v *visitor) press(m botapitest.Message, label string) error {
	if err := v.u.PressIn(m.ID, label); err != nil {
		return fmt.Errorf("press %q: %w", label, err)
	}
	return nil
}

// next waits for the bot's next new message.
func (v *visitor) next(ctx context.Context) (botapitest.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, demoReplyWait)
	defer cancel()
	last := v.last
	m, err := v.u.WaitFor(ctx, func(m botapitest.Message) bool { return m.ID > last })
	if err != nil {
		lastText := ""
		if msgs := v.u.Messages(); len(msgs) > 0 {
			lastText = msgs[len(msgs)-1].Text
		}
		return m, fmt.Errorf("user %d: no reply from the bot after message %d (%q): %w", v.u.ID(), last, lastText, err)
	}
	v.last = m.ID
	return m, nil
}

// quality is how a service performs in the demo: the mean answer of its
// unsur before each unsur's own penalty.
type quality struct {
	base    float64
	penalty map[string]float64
}

// resident is one simulated resident: who they are and how they answer.
type resident struct {
	visitor
	rng      *rand.Rand
	def      *survey.Survey
	cat      *survey.Catalog
	profile  map[string]string // answers to the remembered questions
	online   bool              // uses the online channel this time
	minor    bool
	abandon  int // leaves after this many answers (0: finishes)
	viaQR    bool
	service  survey.Service
	opdName  string
	perf     quality
	answered int
}

// newResident draws a resident with rng.
func newResident(u *botapitest.User, rng *rand.Rand, def *survey.Survey, cat *survey.Catalog) *resident {
	r := &resident{visitor: visitor{u: u}, rng: rng, def: def, cat: cat, profile: map[string]string{}}
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	r.profile["usia"] = pick("17_25", "26_35", "26_35", "36_45", "36_45", "46_55", "56_60", "61_plus")
	r.profile["jenis_kelamin"] = pick("L", "P")
	r.profile["pendidikan"] = pick("smp", "sma", "sma", "sma", "d1_d3", "s1", "s1", "s2")
	r.profile["pekerjaan"] = pick("pns", "swasta", "swasta", "wirausaha", "wirausaha", "lainnya")
	r.profile["disabilitas"] = pick("tidak", "tidak", "tidak", "tidak", "tidak", "tidak", "tidak", "tidak", "ya", "")
	r.minor = rng.IntN(50) == 0
	return r
}

// visit goes through one visit to service s, from /start to the thank-you
// (or until the resident leaves, or is screened out as a minor).
func (r *resident) visit(ctx context.Context, s survey.Service, opdName string, perf quality) error {
	r.service, r.opdName, r.perf, r.answered = s, opdName, perf, 0
	r.online = s.Online && r.rng.Float64() < 0.45
	r.viaQR = r.rng.Float64() < 0.8
	if r.viaQR {
		r.send("/start svc_" + s.Code)
	} else {
		r.send("/start")
	}
	for range 80 {
		m, err := r.next(ctx)
		if err != nil {
			return err
		}
		done, err := r.react(m)
		if err != nil || done {
			return err
		}
		if r.abandon > 0 && r.answered >= r.abandon {
			return nil // walks away mid-survey
		}
	}
	return fmt.Errorf("user %d: the visit to %s never ended", r.u.ID(), s.Code)
}

// react answers one message of the bot; done when the visit is over.
func (r *resident) react(m botapitest.Message) (done bool, err error) {
	switch {
	case strings.Contains(m.Text, "🙏 Terima kasih"):
		return true, nil
	case strings.Contains(m.Text, "hanya untuk responden berusia 17"):
		return true, errScreenedOut
	case slices.Contains(m.Labels(), "✅ Setuju"):
		return false, r.press(m, "✅ Setuju")
	case slices.Contains(m.Labels(), "✅ Masih sama"):
		return false, r.press(m, "✅ Masih sama")
	case slices.Contains(m.Labels(), "📨 Kirim"):
		return false, r.press(m, "📨 Kirim")
	case strings.Contains(m.Text, "perangkat daerah mana"):
		return false, r.press(m, r.opdName)
	case strings.HasPrefix(m.Text, "Layanan apa yang Anda gunakan"):
		return false, r.press(m, r.service.Name.In(survey.LangID))
	}
	q := questionIn(r.def, m.Text)
	if q == nil {
		return false, fmt.Errorf("user %d: unexpected message from the bot: %q", r.u.ID(), m.Text)
	}
	r.answered++
	return false, r.answer(m, q)
}

// questionIn finds the question a message asks: the longest label found
// on its question line ("(k/n) label").
func questionIn(def *survey.Survey, text string) *survey.Question {
	line := text
	if i := strings.LastIndex(text, "\n\n("); i >= 0 {
		line = text[i+2:]
	}
	line, _, _ = strings.Cut(line, "\n")
	var best *survey.Question
	for _, q := range def.Questions {
		l := q.Label.In(survey.LangID)
		if l != "" && strings.Contains(line, l) && (best == nil || len(l) > len(best.Label.In(survey.LangID))) {
			best = q
		}
	}
	return best
}

// answer taps or types the resident's answer to q.
func (r *resident) answer(m botapitest.Message, q *survey.Question) error {
	switch q.Type {
	case survey.TypeDate:
		return r.press(m, "Hari ini")
	case survey.TypeInteger:
		r.send(strconv.Itoa(r.number(q.Name)))
		return nil
	case survey.TypeDecimal:
		r.send(strings.Replace(strconv.FormatFloat(float64(r.number(q.Name))/2, 'f', 1, 64), ".", ",", 1))
		return nil
	case survey.TypeSelectMultiple:
		return r.tick(m, q)
	case survey.TypeSelectOne, survey.TypeScale:
		v := r.choose(q)
		if v == "" {
			return r.press(m, "Lewati")
		}
		c, ok := q.Choice(v)
		if !ok {
			return fmt.Errorf("question %s has no choice %q", q.Name, v)
		}
		return r.press(m, c.Label.In(survey.LangID))
	}
	return fmt.Errorf("question %s: the demo does not answer %s questions", q.Name, q.Type)
}

// tick answers a multiple choice: each pick ticked (the message is
// edited in place), then Done.
func (r *resident) tick(m botapitest.Message, q *survey.Question) error {
	picks := r.picks(q.Name)
	for i, v := range picks {
		c, ok := q.Choice(v)
		if !ok {
			return fmt.Errorf("question %s has no choice %q", q.Name, v)
		}
		if err := r.press(m, c.Label.In(survey.LangID)); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), demoReplyWait)
		_, err := r.u.WaitFor(ctx, func(x botapitest.Message) bool { return x.ID == m.ID && x.Edits > m.Edits+i })
		cancel()
		if err != nil {
			return fmt.Errorf("user %d: tick %q not shown: %w", r.u.ID(), v, err)
		}
	}
	return r.press(m, "Selesai ✓")
}

// picks are an official's answers to the multiple choices of asn: the
// systems the unit relies on, and its obstacles (internet and budget the
// most frequent).
func (r *resident) picks(name string) []string {
	var pool []string
	n := 1 + r.rng.IntN(3)
	switch name {
	case "kendala":
		pool = []string{"internet", "internet", "internet", "anggaran", "anggaran", "keterampilan", "perangkat", "integrasi", "adopsi_warga"}
	default:
		pool = []string{"srikandi", "ekinerja", "sipd", "siasn", "aplikasi_opd", "website", "whatsapp", "email"}
		n++
	}
	var out []string
	for len(out) < n {
		if v := pool[r.rng.IntN(len(pool))]; !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// choose returns the value the resident picks for q ("" skips it).
func (r *resident) choose(q *survey.Question) string {
	if v, ok := r.profile[q.Name]; ok {
		if q.Name == "usia" && r.minor {
			return "u17"
		}
		return v
	}
	if slices.Contains(scoring.UnsurKeys(), q.Element) {
		v := r.perf.base - r.perf.penalty[q.Element] + r.rng.NormFloat64()*0.55
		return strconv.Itoa(int(math.Max(1, math.Min(4, math.Round(v)))))
	}
	switch q.Name {
	case "cara":
		if r.online {
			return pickOf(r.rng, "online_app", "online_app", "online_web")
		}
		return pickOf(r.rng, "langsung_tahu", "langsung_tahu", "langsung")
	}
	if strings.HasPrefix(q.Name, "frek_") { // officials: mostly weekly or daily
		return pickOf(r.rng, "2", "3", "4", "4", "5", "5")
	}
	if strings.HasPrefix(q.Name, "el_") {
		return pickOf(r.rng, "penuh", "sebagian", "sebagian", "belum", "na")
	}
	// Other scales lean to the upper half, as satisfied users do, with a
	// rare "don't know".
	var scored []string
	for _, c := range q.Choices {
		if _, err := strconv.Atoi(c.Value); err == nil {
			scored = append(scored, c.Value)
		}
	}
	if len(scored) == 0 {
		return q.Choices[r.rng.IntN(len(q.Choices))].Value
	}
	if len(scored) < len(q.Choices) && r.rng.IntN(20) == 0 {
		return q.Choices[len(q.Choices)-1].Value
	}
	lo := len(scored) * 2 / 5
	return scored[lo+r.rng.IntN(len(scored)-lo)]
}

// number is the resident's answer to a question that wants a number.
func (r *resident) number(name string) int {
	switch name {
	case "menit_hemat":
		return []int{15, 30, 30, 45, 60, 60, 90, 120, 180}[r.rng.IntN(9)]
	case "rupiah_hemat":
		return []int{0, 5000, 10000, 10000, 15000, 20000, 25000, 50000}[r.rng.IntN(8)]
	case "kunjungan":
		return []int{0, 0, 1, 1, 1, 2, 3}[r.rng.IntN(7)]
	case "porsi_digital":
		return 30 + 5*r.rng.IntN(13)
	case "jam_hemat":
		return 1 + r.rng.IntN(10) // halved: 0,5 to 5 hours
	}
	return r.rng.IntN(5)
}

func pickOf(rng *rand.Rand, vals ...string) string { return vals[rng.IntN(len(vals))] }
