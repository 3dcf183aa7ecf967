package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/survey"
)

// Summaries makes the summary /ringkasan asks for (report.Summarizer
// implements it): the text in lang and the chart PNG, from snapshots
// brought up to date first.
type Summaries interface {
	Render(ctx context.Context, req summary.Request, lang string, chart bool) (text string, png []byte, err error)
}

// Defaults of the summary's time budget.
const (
	defaultSummaryBudget  = 5 * time.Second
	defaultSummaryTimeout = 2 * time.Minute
)

// groupCommands may be used in groups (by a sender with the role): the
// summary goes to the group.
var groupCommands = []string{"ringkasan", "summary"}

func isGroupCommand(name string) bool {
	for _, c := range groupCommands {
		if c == name {
			return true
		}
	}
	return false
}

// cmdSummary answers /ringkasan: the arguments are checked in the turn
// (a bad one is answered and nothing is made); the summary itself is made
// after the turn commits (later), as it reads snapshots that a recompute
// may first bring up to date.
func (t *turn) cmdSummary(arg string) error {
	lang, chat := t.lang(), t.chatID
	req, err := summary.ParseArgs(strings.Fields(arg), func(code string) bool { _, ok := t.b.opt.Catalog.OPD(code); return ok })
	if err == nil {
		_, err = req.Period(t.now(), t.b.opt.Location)
	}
	var ae *summary.ArgError
	if errors.As(err, &ae) {
		t.say(txtSummaryUsage.f(lang, argProblem(ae, lang)))
		return nil
	}
	if err != nil {
		return err
	}
	maker := t.b.opt.Summaries
	if maker == nil {
		t.b.log.Error("a summary was asked but the bot has no Summaries")
		t.say(txtSummaryFailed.in(lang))
		return nil
	}
	t.later = t.b.summaryJob(chat, req, lang)
	return nil
}

// summaryJob makes the summary of req for chat in lang: the text, with
// buttons for the other period kinds of the same scope (on its last part
// when it is split), then the chart.
func (b *Bot) summaryJob(chat int64, req summary.Request, lang string) func(context.Context) []sender.Message {
	return func(ctx context.Context) []sender.Message {
		text, png, err := b.opt.Summaries.Render(ctx, req, lang, true)
		if err != nil {
			b.log.Error("make the summary", "chat_id", chat, "error", err)
			return []sender.Message{sender.Text(chat, txtSummaryFailed.in(lang))}
		}
		out := []sender.Message{sender.Ask(chat, text, summaryButtons(req.OPD, lang))}
		if len(png) > 0 {
			out = append(out, sender.Photo(chat, sender.FileBytes("ringkasan.png", png), txtSummaryChart.in(lang)))
		}
		return out
	}
}

// Summary buttons: prefixAdmin + btnSummary, a period letter, then the OPD
// code. They need no conversation state (a summary can be asked again at
// any time), so they carry no nonce and are handled before the stage's
// buttons (other admin buttons go to their stage as usual); the role is
// checked on every press.
const btnSummary = "sum:"

var summaryKinds = []struct {
	letter string
	kind   survey.PeriodKind
	label  msg
}{
	{"w", survey.PeriodWeek, msg{"Minggu", "Week"}}, {"m", survey.PeriodMonth, msg{"Bulan", "Month"}},
	{"q", survey.PeriodQuarter, msg{"Triwulan", "Quarter"}}, {"y", survey.PeriodYear, msg{"Tahun", "Year"}},
}

func summaryButtons(opd, lang string) [][]sender.Button {
	row := make([]sender.Button, 0, len(summaryKinds))
	for _, k := range summaryKinds {
		row = append(row, sender.DataButton(k.label.in(lang), encodeData(kindNonce, 0, prefixAdmin+btnSummary+k.letter+opd)))
	}
	return [][]sender.Button{row}
}

// summaryButton handles a press of a summary button (token after
// prefixAdmin+btnSummary): refused, politely and logged without the data,
// unless the presser (by user id, also in a group) has an admin role.
func (t *turn) summaryButton(token string) error {
	if !t.roles.Has(roleAdmins) {
		t.b.log.Warn("button refused", "kind", "summary", "user_id", t.userID())
		t.cbToast = txtNotAllowed.in(t.lang())
		return nil
	}
	for _, k := range summaryKinds {
		opd, ok := strings.CutPrefix(token, k.letter)
		if !ok {
			continue
		}
		if _, known := t.b.opt.Catalog.OPD(opd); opd != "" && !known {
			return t.stale()
		}
		if t.b.opt.Summaries == nil {
			t.cbToast = txtSummaryFailed.in(t.lang())
			return nil
		}
		t.later = t.b.summaryJob(t.chatID, summary.Request{Kind: k.kind, OPD: opd}, t.lang())
		return nil
	}
	return t.stale()
}

// argProblem words a bad summary argument in lang.
func argProblem(e *summary.ArgError, lang string) string {
	switch e.Problem {
	case summary.ProblemTwice:
		return txtSummaryTwice.f(lang, e.Arg)
	case summary.ProblemMismatch:
		return txtSummaryMismatch.f(lang, e.Arg)
	case summary.ProblemFuture:
		return txtSummaryFuture.f(lang, e.Arg)
	}
	return txtSummaryUnknownArg.f(lang, e.Arg)
}

// runLater makes a turn's slow reply after the turn committed: within
// SummaryBudget its messages are queued before the turn ends (the chat's
// order holds); past it, the chat is told the reply comes when ready, and
// it is queued then (bounded by SummaryTimeout).
func (b *Bot) runLater(ctx context.Context, chatID int64, lang string, job func(context.Context) []sender.Message) {
	result, late := make(chan []sender.Message), make(chan struct{})
	b.slow.add()
	go func() {
		defer b.slow.done()
		jctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opt.SummaryTimeout)
		defer cancel()
		out := job(jctx)
		select {
		case result <- out: // the turn still waits: it queues them
		case <-late:
			b.enqueueAll(out)
		}
	}()
	timer := time.NewTimer(b.opt.SummaryBudget)
	defer timer.Stop()
	select {
	case out := <-result:
		b.enqueueAll(out)
	case <-timer.C:
		b.opt.Outbox.Enqueue(sender.Text(chatID, txtSummaryNotReady.in(lang)))
		close(late)
	}
}

// waitSlow waits, at most d, for the slow replies still being made, so
// that Run's end lets them reach the outbox.
func (b *Bot) waitSlow(d time.Duration) {
	if !b.slow.wait(d) {
		b.log.Warn("slow replies still being made at shutdown; they may not be sent")
	}
}

// slowReplies counts the slow replies being made; wait returns when none
// is (a WaitGroup may not be added to while it is waited on).
type slowReplies struct {
	mu   sync.Mutex
	n    int
	idle chan struct{}
}

func (s *slowReplies) add() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		s.idle = make(chan struct{})
	}
	s.n++
}

func (s *slowReplies) done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n--; s.n == 0 {
		close(s.idle)
	}
}

// wait reports whether every slow reply was made within d.
func (s *slowReplies) wait(d time.Duration) bool {
	s.mu.Lock()
	n, idle := s.n, s.idle
	s.mu.Unlock()
	if n == 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-idle:
		return true
	case <-timer.C:
		return false
	}
}

func (b *Bot) enqueueAll(out []sender.Message) {
	for _, m := range out {
		b.opt.Outbox.Enqueue(m)
	}
}
