package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/report"
	"github.com/kotasolok/egovpulse/report/reporttest"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/scoring/summary/chart"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// summaryNow is the summaries' clock in these tests: Thursday of 2026-W48.
var summaryNow = time.Date(2026, 11, 26, 14, 0, 0, 0, jakarta)

const superadmin = 9001

// summaryRig is a polling bot whose superadmin is 9001, with the
// Scenario's answers and the summaries of a process (refresh first).
func summaryRig(t *testing.T, e *env, cat *survey.Catalog) *rig {
	t.Helper()
	return summaryRigWith(t, e, cat, nil)
}

// summaryRigWith is summaryRig with the summarizer and the bot's options
// changed by opt.
func summaryRigWith(t *testing.T, e *env, cat *survey.Catalog, opt func(*report.Summarizer, *bot.Options)) *rig {
	t.Helper()
	if cat == nil {
		cat = e.cat
	}
	reporttest.Scenario(t, e.store, summaryNow, jakarta)
	clk := testkit.NewClock(summaryNow)
	sc := jobs.NewScorer(e.store, e.reg, cat, jakarta, nil, nil)
	sc.Now = clk.Now
	sz := &report.Summarizer{Store: e.store, Catalog: cat, Location: jakarta, Registry: e.reg, Now: clk.Now,
		Refresh: func(ctx context.Context) error { _, err := sc.Refresh(ctx); return err }}
	r := newRigWith(t, e, nil, func(o *bot.Options) {
		o.Catalog = cat
		o.Roles = bot.GrantedRoles{Superadmins: []int64{superadmin, 9009}, Grants: e.store}
		o.Summaries = sz
		if opt != nil {
			opt(sz, o)
		}
	})
	r.poll()
	return r
}

// cityIKM is the stored city IKM of the scenario's quarter, as shown.
func cityIKM(t *testing.T, st *storage.Store) string {
	t.Helper()
	rows, err := st.Snapshots(context.Background(), scoring.IndexIKM, survey.PeriodOf(survey.PeriodQuarter, summaryNow, jakarta))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ScopeKind == string(scoring.ScopeCity) && r.Value != nil {
			return scoring.FormatNumber(*r.Value, 2, "id")
		}
	}
	t.Fatal("no city IKM stored")
	return ""
}

// waitSummary waits for the summary text and its chart in chat v after
// message id.
func waitSummary(t *testing.T, v interface {
	WaitFor(context.Context, func(botapitest.Message) bool) (botapitest.Message, error)
	Messages() []botapitest.Message
}, id int) (botapitest.Message, botapitest.Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	text, err := v.WaitFor(ctx, func(m botapitest.Message) bool { return m.ID > id && strings.Contains(m.Text, "📊 Ringkasan") })
	if err != nil {
		t.Fatalf("no summary: %v; messages: %v", err, v.Messages())
	}
	photo, err := v.WaitFor(ctx, func(m botapitest.Message) bool { return m.ID > text.ID && m.Photo != nil })
	if err != nil {
		t.Fatalf("no chart after the summary: %v", err)
	}
	return text, photo
}

func TestAdminReceivesSummaryAndChart(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := summaryRig(t, e, nil)
		u := r.emu.User(superadmin, botapitest.WithLanguage("id"))
		u.Send("/ringkasan")
		text, photo := waitSummary(t, u, 0)
		if want := "IKM Triwulan IV 2026 (sejauh ini): " + cityIKM(t, e.store); !strings.Contains(text.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text.Text)
		}
		if !strings.Contains(text.Text, "• Dinas Kesehatan: < 5 responden") {
			t.Errorf("the OPD of 3 respondents is not suppressed:\n%s", text.Text)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(photo.Photo.Data))
		if err != nil || cfg.Width != chart.Width || cfg.Height != chart.Height {
			t.Errorf("chart = %dx%d, %v; want a %dx%d PNG", cfg.Width, cfg.Height, err, chart.Width, chart.Height)
		}
	})
}

func TestViewerReadsSummariesButCannotManageRoles(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := summaryRig(t, e, nil)
		const viewer = 9002
		boss := r.emu.User(superadmin, botapitest.WithLanguage("id"))
		boss.Send(fmt.Sprintf("/admin tambah %d viewer", viewer))
		wait(t, boss, "the grant", after(0, "Peran peninjau diberikan kepada 9002"))

		v := r.emu.User(viewer, botapitest.WithLanguage("en"))
		v.Send("/summary")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if _, err := v.WaitFor(ctx, func(m botapitest.Message) bool { return strings.Contains(m.Text, "📊 Summary Week 48 2026") }); err != nil {
			t.Fatalf("the viewer got no summary: %v", err)
		}
		if _, err := v.WaitFor(ctx, func(m botapitest.Message) bool { return m.Photo != nil }); err != nil {
			t.Fatalf("the viewer got no chart: %v", err)
		}
		last := v.LastMessage().ID
		v.Send("/admin tambah 9003 admin")
		wait(t, v, "the refusal", after(last, "only for authorised staff"))
		if g, err := e.store.ActiveGrants(context.Background()); err != nil || len(g) != 1 {
			t.Errorf("grants after the viewer's /admin = %+v, %v; want only the viewer's", g, err)
		}
	})
}

func TestNonAdminGetsOnlyARefusal(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := summaryRig(t, e, nil)
		u := r.emu.User(9100, botapitest.WithLanguage("id"))
		u.Send("/ringkasan")
		wait(t, u, "the refusal", after(0, "hanya untuk petugas"))
		u.Send("/admin daftar")
		wait(t, u, "the second refusal", after(1, "hanya untuk petugas"))
		// The chat's replies leave in order: a summary would come before
		// the answer to a later /bantuan.
		u.Send("/bantuan")
		wait(t, u, "the help", after(2, "Perintah:"))
		msgs := u.Messages()
		if len(msgs) != 3 {
			t.Fatalf("a resident got %d messages, want the 2 refusals and the help: %+v", len(msgs), msgs)
		}
		msgs = msgs[:2]
		for _, m := range msgs {
			if m.Photo != nil || strings.Count(m.Text, "\n") > 0 {
				t.Errorf("refusal %q is not one line", m.Text)
			}
		}
	})
}

func TestSummaryAskedInAGroupGoesToTheGroup(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := summaryRig(t, e, nil)
		u := r.emu.User(superadmin, botapitest.WithLanguage("id"))
		g := r.emu.Group(-100777, "Diskominfo")
		g.Send(u, "/ringkasan@egovpulse_bot minggu")
		waitSummary(t, g, 0)
		if n := len(u.Messages()); n != 0 {
			t.Errorf("the admin's private chat got %d messages, want none", n)
		}
		// The summary's period buttons: a member without a role is refused
		// (a toast, nothing sent); the admin gets the month's summary.
		other := r.emu.User(9200, botapitest.WithLanguage("id"))
		before := g.LastMessage().ID
		if _, err := g.Press(other, "Bulan"); err != nil {
			t.Fatal(err)
		}
		ctx0, cancel0 := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel0()
		for !answered(other) && ctx0.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		if a := other.CallbackAnswers(); len(a) != 1 || !strings.Contains(a[0].Text, "hanya untuk petugas") {
			t.Fatalf("the member's press was answered %+v, want the refusal", a)
		}
		if _, err := g.Press(u, "Bulan"); err != nil {
			t.Fatal(err)
		}
		month, _ := waitSummary(t, g, before)
		if !strings.Contains(month.Text, "📊 Ringkasan November 2026") {
			t.Errorf("the month button gave %q", strings.SplitN(month.Text, "\n", 2)[0])
		}
		for _, m := range g.Messages() {
			if m.ID > before && m.ID < month.ID {
				t.Errorf("the refused press sent %q to the group", m.Text)
			}
		}
		// Someone without a role in the same group gets the refusal there.
		before = g.LastMessage().ID
		g.Send(other, "/ringkasan")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := g.WaitFor(ctx, func(m botapitest.Message) bool {
			return m.ID > before && strings.Contains(m.Text, "hanya untuk petugas")
		}); err != nil {
			t.Fatalf("no refusal in the group: %v", err)
		}
	})
}

func TestAdminCommandsRefuseBadArgumentsAndChangeNothing(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := summaryRig(t, e, nil)
		boss := r.emu.User(superadmin, botapitest.WithLanguage("id"))
		for _, c := range []struct{ cmd, want string }{
			{"/admin tambah abc viewer", `"abc" bukan ID Telegram`},
			{"/admin tambah 9002 raja", `Peran "raja" tidak dikenal`},
			{"/admin tambah 9001 admin", "tidak dapat mengubah peran Anda sendiri"},
			{"/admin hapus 9001", "tidak dapat mengubah peran Anda sendiri"},
			{"/admin hapus 9009", "9009 adalah superadmin (ADMIN_TELEGRAM_IDS)"},
			{"/admin tambah 9009 viewer", "9009 adalah superadmin (ADMIN_TELEGRAM_IDS)"},
			{"/admin hapus 9002", "9002 tidak memiliki peran"},
			{"/admin tambah 9002", "Pakai: /admin tambah"},
			{"/admin naikkan 9002", `Perintah /admin "naikkan" tidak dikenal`},
			{"/ringkasan pekan bulan", `"bulan": periode atau OPD disebut dua kali`},
			{"/ringkasan dinas_rahasia", `"dinas_rahasia" bukan jenis periode, kode OPD, atau periode`},
			{"/ringkasan bulan 2026-Q4", `"2026-Q4" tidak cocok dengan jenis periode`},
			{"/ringkasan 2099", `Periode "2099" belum dimulai`},
		} {
			before := boss.LastMessage().ID
			boss.Send(c.cmd)
			m := wait(t, boss, c.cmd, after(before, c.want))
			if c.cmd[:4] == "/rin" && !strings.Contains(m.Text, "Pakai: /ringkasan [minggu|bulan|triwulan|tahun]") {
				t.Errorf("%s: no usage in %q", c.cmd, m.Text)
			}
		}
		if g, err := e.store.ActiveGrants(context.Background()); err != nil || len(g) != 0 {
			t.Errorf("grants after bad /admin commands = %+v, %v; want none", g, err)
		}
		for _, m := range boss.Messages() {
			if m.Photo != nil {
				t.Error("a chart was sent for a bad /ringkasan")
			}
		}
		// Granting oneself: an admin granted by the superadmin tries it,
		// but /admin is the superadmin's alone.
		before := boss.LastMessage().ID
		boss.Send("/admin tambah 9005 admin")
		wait(t, boss, "the grant", after(before, "Peran admin diberikan kepada 9005"))
		a := r.emu.User(9005, botapitest.WithLanguage("id"))
		a.Send("/admin tambah 9005 viewer")
		wait(t, a, "the refusal", after(0, "hanya untuk petugas"))
		before = boss.LastMessage().ID
		boss.Send("/admin daftar")
		list := wait(t, boss, "the list", after(before, "Peran admin:"))
		if !strings.Contains(list.Text, "• 9001 — superadmin") || !strings.Contains(list.Text, "• 9005 — admin (diberikan oleh 9001") {
			t.Errorf("list = %q", list.Text)
		}
		before = boss.LastMessage().ID
		boss.Send("/admin hapus 9005")
		wait(t, boss, "the revocation", after(before, "Peran 9005 dicabut."))
		before = a.LastMessage().ID
		a.Send("/ringkasan")
		wait(t, a, "the refusal after revocation", after(before, "hanya untuk petugas"))
	})
}

// TestLongSummarySplitsAtLineBreaks: a catalog of many OPDs with long
// names makes the summary longer than one Telegram message; it arrives
// as several, each within 4096 characters, cut at line breaks.
func TestLongSummarySplitsAtLineBreaks(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		cat := &survey.Catalog{OPDs: append([]survey.OPD(nil), e.cat.OPDs...)}
		for i := range 60 {
			code := fmt.Sprintf("unit_%02d", i)
			name := fmt.Sprintf("Unit Pelaksana Teknis Daerah Pelayanan Terpadu Nomor %02d Kota Solok", i)
			cat.OPDs = append(cat.OPDs, survey.OPD{Code: code, Name: survey.Text{"id": name, "en": name},
				Services: []survey.Service{{Code: code + "_s", OPDCode: code, Name: survey.Text{"id": "Layanan", "en": "Service"}}}})
		}
		r := summaryRig(t, e, cat)
		u := r.emu.User(superadmin, botapitest.WithLanguage("id"))
		u.Send("/ringkasan")
		_, photo := waitSummary(t, u, 0)
		var parts []string
		for _, m := range u.Messages() {
			if m.ID < photo.ID {
				parts = append(parts, m.Text)
			}
		}
		if len(parts) < 2 {
			t.Fatalf("the summary came in %d message(s), want it split", len(parts))
		}
		for i, p := range parts {
			if n := len([]rune(p)); n > 4096 {
				t.Errorf("part %d has %d characters", i, n)
			}
		}
		whole := strings.Join(parts, "\n")
		for _, want := range []string{"• Unit Pelaksana Teknis Daerah Pelayanan Terpadu Nomor 00 Kota Solok: belum ada jawaban",
			"• Unit Pelaksana Teknis Daerah Pelayanan Terpadu Nomor 59 Kota Solok: belum ada jawaban", "Per 26 November 2026 14.00 WIB"} {
			if !strings.Contains(whole, want+"\n") && !strings.HasSuffix(whole, want) {
				t.Errorf("split summary lacks the whole line %q", want)
			}
		}
	})
}

// answered reports whether every callback query of u was answered.
func answered(u *botapitest.User) bool {
	a := u.CallbackAnswers()
	for _, x := range a {
		if !x.Answered {
			return false
		}
	}
	return len(a) > 0
}

// TestSlowSummaryIsSentWhenReady: a summary that takes longer than the
// turn's budget is announced at once and sent, in order, when ready.
func TestSlowSummaryIsSentWhenReady(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		release := make(chan struct{})
		r := summaryRigWith(t, e, nil, func(sz *report.Summarizer, o *bot.Options) {
			refresh := sz.Refresh
			sz.Refresh = func(ctx context.Context) error {
				<-release
				return refresh(ctx)
			}
			o.SummaryBudget = 50 * time.Millisecond
		})
		u := r.emu.User(superadmin, botapitest.WithLanguage("id"))
		u.Send("/ringkasan")
		note := wait(t, u, "the note", after(0, "sedang disiapkan"))
		close(release)
		text, _ := waitSummary(t, u, note.ID)
		if !strings.Contains(text.Text, cityIKM(t, e.store)) {
			t.Errorf("the late summary lacks the city IKM:\n%s", text.Text)
		}
	})
}
