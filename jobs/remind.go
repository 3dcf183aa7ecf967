package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/remind"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// Job names of the reminders, as recorded in job_runs, and the kinds of
// their outbox rows.
const (
	JobRemind   = "remind"
	JobEscalate = "escalate"

	KindReminder    = "reminder"
	KindDigestHead  = "digest-head"
	KindDigestAdmin = "digest-admin"
)

// DefaultRemindSpec is how often the scheduler looks for a reminder or
// escalation that is due: every minute (a look is a few job_runs reads;
// the runs themselves happen once per slot).
const DefaultRemindSpec = "* * * * *"

// Reminders runs the reminder and escalation jobs of a reminders
// configuration. Each rule has a round per period: its first reminder at
// the first firing of its cron spec in the period, repeat n once the
// previous reminder ran at least the rule's gap ago (at most RepeatMax),
// and its escalations HeadAfter and AdminsAfter after the first reminder.
// Each of these is one slot of the runner ("asn-officials:2026-12:2",
// "…:head", "…:admins"): committed once across replicas, its outbox rows
// in the same transaction.
//
// Quiet hours and holidays defer a slot: a Tick in them runs nothing, and
// the first Tick outside them runs what came due meanwhile. The slot is
// deferred rather than enqueued with a later not_before so that who still
// owes is decided when the messages go out (an official who answers at
// night gets no reminder in the morning).
type Reminders struct {
	Runner  *Runner
	Config  *remind.Config
	Catalog *survey.Catalog
	// Admins are the Diskominfo superadmins' Telegram ids
	// (ADMIN_TELEGRAM_IDS); they and the users granted the admin role in
	// chat get the admins' digest.
	Admins []int64
	// BotUsername, when known, makes the survey reminder's button a
	// t.me link that opens the survey of the official's OPD.
	BotUsername string
	Location    *time.Location
	Now         func() time.Time
	Log         *slog.Logger
}

// TickResult lists the slots a Tick committed and those it deferred.
type TickResult struct {
	Ran      []string
	Deferred []string
}

// Tick runs, for every rule, the reminder and escalations due at now
// (at most one reminder per rule: a repeat waits its gap after the
// previous one, even after an outage). During quiet hours or on a holiday
// the due slots are only listed as deferred.
func (r *Reminders) Tick(ctx context.Context) (TickResult, error) {
	var res TickResult
	now := r.now().In(r.loc())
	allowed := r.Config.Allowed(now, r.loc())
	var errs []error
	for _, rule := range r.Config.Rules {
		rd, ok := r.roundAt(rule, now)
		if !ok {
			continue
		}
		runs, err := r.due(ctx, rd, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, run := range runs {
			if !allowed {
				res.Deferred = append(res.Deferred, run.Job+" "+run.Slot)
				continue
			}
			out, err := r.Runner.Run(ctx, run)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if out.Skipped == "" {
				res.Ran = append(res.Ran, run.Job+" "+run.Slot)
			}
		}
	}
	if len(res.Deferred) > 0 {
		r.logger().Debug("reminders deferred", "slots", res.Deferred, "until", r.Config.NextAllowed(now, r.loc()))
	}
	return res, errors.Join(errs...)
}

// round is one rule's round in the period containing now.
type round struct {
	rule  remind.Rule
	first time.Time     // the first reminder's time (the cron's first firing in the period)
	owed  survey.Period // the period owed: the round's for the survey, the one before for counts
}

// slot names a slot of the round: "asn-officials:2026-12:1".
func (rd round) slot(what string) string {
	return rd.rule.Name() + ":" + rd.owed.Key() + ":" + what
}

// roundAt returns the rule's round of the period containing now, if its
// first reminder is due (at or before now).
func (r *Reminders) roundAt(rule remind.Rule, now time.Time) (round, bool) {
	p := survey.PeriodOf(rule.Period, now, r.loc())
	first := rule.First.Next(p.Start.Add(-time.Second))
	if first.After(now) || !p.Contains(first) {
		return round{}, false
	}
	owed := p
	if rule.Obligation == remind.ObligationCounts {
		owed = p.Prev()
	}
	return round{rule: rule, first: first, owed: owed}, true
}

// due returns the runs of the round due at now that have not run: the
// next reminder (once its time and gap are reached) and the escalations
// past their delay.
func (r *Reminders) due(ctx context.Context, rd round, now time.Time) ([]Run, error) {
	st := r.Runner.Store
	var runs []Run
	var prev time.Time
	for k := 0; k <= rd.rule.RepeatMax; k++ {
		slot := rd.slot(fmt.Sprint(k + 1))
		started, err := st.JobRunStarted(ctx, JobRemind, slot)
		if err == nil {
			prev = started
			continue
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		at := rd.first
		if k > 0 {
			at = later(rd.first.Add(time.Duration(k)*rd.rule.RepeatGap), prev.Add(rd.rule.RepeatGap))
		}
		if !at.After(now) {
			runs = append(runs, r.reminderRun(rd, slot))
		}
		break
	}
	for _, esc := range []struct {
		what  string
		after time.Duration
	}{{"head", rd.rule.HeadAfter}, {"admins", rd.rule.AdminsAfter}} {
		if esc.after <= 0 || rd.first.Add(esc.after).After(now) {
			continue
		}
		slot := rd.slot(esc.what)
		done, err := st.JobRunExists(ctx, JobEscalate, slot)
		if err != nil {
			return nil, err
		}
		if !done {
			runs = append(runs, r.escalationRun(rd, esc.what, slot))
		}
	}
	return runs, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// remindResult is what a reminder run did (its job_runs details).
type remindResult struct {
	Owing    int `json:"owing"`
	Enqueued int `json:"enqueued"`
}

// reminderRun is the run of one reminder slot: every official of the
// rule's audience who still owes and can be reached gets one message.
func (r *Reminders) reminderRun(rd round, slot string) Run {
	var owing []storage.OfficialDue
	var langs map[int64]string
	var res remindResult
	return Run{Job: JobRemind, Slot: slot,
		Prepare: func(ctx context.Context) error {
			dues, err := r.dues(ctx, rd)
			if err != nil {
				return err
			}
			for _, d := range dues {
				if r.inAudience(rd.rule, d) && owes(rd.rule, d) {
					owing = append(owing, d)
				}
			}
			res.Owing = len(owing)
			langs, err = r.langs(ctx, owing)
			return err
		},
		Commit: func(_ context.Context, tx *storage.Tx) error {
			msgs := make([]queued, len(owing))
			for i, d := range owing {
				msgs[i] = queued{KindReminder, slot, r.reminder(rd, d, langs[d.ChatID])}
			}
			var err error
			res.Enqueued, err = enqueueAll(tx, msgs)
			return err
		},
		Details: func() any { return res },
	}
}

// reminder is the message reminding d of the round's obligation.
func (r *Reminders) reminder(rd round, d storage.OfficialDue, lang string) sender.Message {
	period := rd.owed.Label(lang)
	if rd.rule.Obligation == remind.ObligationCounts {
		opd, _ := r.Catalog.OPD(d.OPDCode)
		names := r.serviceNames(d.MissingCounts, lang)
		return sender.Text(d.ChatID, bot.ReminderCountsText(lang, period, opdName(opd, d.OPDCode, lang), names))
	}
	text := bot.ReminderSurveyText(lang, period)
	if r.BotUsername == "" {
		return sender.Text(d.ChatID, text)
	}
	link := "https://t.me/" + r.BotUsername + "?start=asn_" + d.OPDCode
	return sender.Ask(d.ChatID, text, [][]sender.Button{{sender.URLButton(bot.SurveyButtonText(lang), link)}})
}

// dues lists the roster with what each owes for the round.
func (r *Reminders) dues(ctx context.Context, rd round) ([]storage.OfficialDue, error) {
	q := storage.DuesQuery{Now: r.now()}
	if rd.rule.Obligation == remind.ObligationCounts {
		q.CountsPeriod = rd.owed.Key()
		q.Services = map[string][]string{}
		for _, o := range r.Catalog.OPDs {
			for _, s := range o.Services {
				q.Services[o.Code] = append(q.Services[o.Code], s.Code)
			}
		}
	} else {
		q.SurveyID, q.SurveyPeriod = remind.ObligationSurvey, rd.owed.Key()
	}
	return r.Runner.Store.Dues(ctx, q)
}

// inAudience reports whether d is active and of the rule's audience.
func (r *Reminders) inAudience(rule remind.Rule, d storage.OfficialDue) bool {
	return d.Active && (rule.Role() == "" || d.Role == rule.Role())
}

// owes reports whether d still owes the rule's obligation and can be
// reminded of it (joined, not blocked).
func owes(rule remind.Rule, d storage.OfficialDue) bool {
	if rule.Obligation == remind.ObligationCounts {
		return d.OwesCounts()
	}
	return d.OwesSurvey()
}

// langs returns the language of each official's chat.
func (r *Reminders) langs(ctx context.Context, dues []storage.OfficialDue) (map[int64]string, error) {
	chats := make([]int64, len(dues))
	for i, d := range dues {
		chats[i] = d.ChatID
	}
	return r.Runner.Store.ChatLangs(ctx, chats)
}

// opdName is the OPD's name in lang, or its code.
func opdName(o survey.OPD, code, lang string) string {
	if n := o.Name.In(lang); n != "" {
		return n
	}
	return code
}

func (r *Reminders) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

func (r *Reminders) loc() *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}

func (r *Reminders) logger() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// AddReminders schedules r's Tick on spec (DefaultRemindSpec when empty).
func (s *Scheduler) AddReminders(r *Reminders, spec string) error {
	if spec == "" {
		spec = DefaultRemindSpec
	}
	return s.Add(JobRemind, spec, func(ctx context.Context) error {
		res, err := r.Tick(ctx)
		for _, slot := range res.Ran {
			r.logger().Info("reminder job run", "slot", slot)
		}
		return err
	})
}
