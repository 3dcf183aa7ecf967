package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// JobWeeklySummary is the weekly push of the summary, as recorded in
// job_runs; its slot is the ISO week summarised ("2026-W48").
const JobWeeklySummary = "weekly-summary"

// Outbox kinds of the weekly push: the text, then the chart.
const (
	KindWeeklyText  = "weekly-summary"
	KindWeeklyChart = "weekly-chart"
)

// DefaultWeeklySpec pushes the summary of the week that ended on Monday
// at 08:00 in the scheduler's time zone (WIB by default).
const DefaultWeeklySpec = "0 8 * * 1"

// lateGrace is how long after its time a push still counts as on time.
const lateGrace = 15 * time.Minute

// WeeklySummary pushes the summary of the week that ended, text and
// chart, to each configured chat through the durable outbox: once per
// week across replicas (the runner's slot is the week). A week whose push
// was missed (the service was down on Monday morning) is pushed once when
// the service is back, marked as late (CatchUp).
type WeeklySummary struct {
	Store    *storage.Store
	Location *time.Location
	// Chats receive the push: admins' private chats or a Diskominfo group
	// (negative ids). Empty: Admins and the users granted a role in chat
	// (viewers and admins), read when the push runs.
	Chats  []int64
	Admins []int64
	// Lang is the language of the push ("id" by default).
	Lang string
	// Render makes the summary of a week in lang: the text and the PNG of
	// its chart (report.Summarizer's).
	Render func(ctx context.Context, week survey.Period, lang string) (text string, png []byte, err error)
	// Spec is the push's cron spec (DefaultWeeklySpec when empty), to tell
	// a late push from one on time.
	Spec string
}

// Run is the push of the week that ended before now.
func (w *WeeklySummary) Run(now time.Time) Run {
	week := survey.PeriodOf(survey.PeriodWeek, now, w.Location).Prev()
	due := w.due(week)
	late := now.Sub(due) > lateGrace
	var text string
	var png []byte
	var chats []int64
	added := 0
	return Run{
		Job: JobWeeklySummary, Slot: week.Key(),
		Prepare: func(ctx context.Context) error {
			var err error
			if chats, err = w.recipients(ctx); err != nil {
				return err
			}
			text, png, err = w.Render(ctx, week, w.lang())
			if err != nil {
				return fmt.Errorf("weekly summary %s: %w", week.Key(), err)
			}
			if late {
				text = lateNote(w.lang(), due.In(w.Location)) + "\n\n" + text
			}
			return nil
		},
		Commit: func(_ context.Context, tx *storage.Tx) error {
			var msgs []queued
			for _, chat := range chats {
				msgs = append(msgs, queued{KindWeeklyText, week.Key(), sender.Message{Method: sender.MethodSendMessage, ChatID: chat, Text: text}})
				if len(png) > 0 {
					msgs = append(msgs, queued{KindWeeklyChart, week.Key(), sender.Message{Method: sender.MethodSendPhoto, ChatID: chat,
						File: &sender.File{Name: "ringkasan-" + week.Key() + ".png", Bytes: png}}})
				}
			}
			var err error
			added, err = enqueueAll(tx, msgs)
			return err
		},
		Details: func() any { return map[string]any{"week": week.Key(), "late": late, "queued": added} },
	}
}

// recipients are the chats of the push.
func (w *WeeklySummary) recipients(ctx context.Context) ([]int64, error) {
	if len(w.Chats) > 0 {
		return w.Chats, nil
	}
	return w.Store.Recipients(ctx, w.Admins, storage.GrantViewer, storage.GrantAdmin)
}

// CatchUp pushes the week that ended if its push is due and has not run
// (the service was down at the time): once, marked late. serve calls it at
// start and then regularly; with nothing missed it does nothing.
func (w *WeeklySummary) CatchUp(ctx context.Context, r *Runner, now time.Time) (Outcome, error) {
	week := survey.PeriodOf(survey.PeriodWeek, now, w.Location).Prev()
	if now.Before(w.due(week).Add(lateGrace)) {
		return Outcome{Skipped: "not due yet"}, nil
	}
	return r.Run(ctx, w.Run(now)) // a week that ran is skipped before its summary is made
}

// due is when the push of week is scheduled: the first time the spec
// fires after the week ends (Monday 08:00 by default).
func (w *WeeklySummary) due(week survey.Period) time.Time {
	spec := w.Spec
	if spec == "" {
		spec = DefaultWeeklySpec
	}
	sched, err := NewParser().Parse(spec)
	if err != nil { // validated when the job was scheduled
		return week.End
	}
	return sched.Next(week.End.In(w.Location).Add(-time.Second))
}

func (w *WeeklySummary) lang() string {
	if w.Lang == "" {
		return survey.LangID
	}
	return w.Lang
}

// lateNote opens a push that comes late.
func lateNote(lang string, due time.Time) string {
	if lang == survey.LangEN {
		return "⏰ Late: this summary was due " + due.Format("Monday 2 January 15:04 MST") + "; the service was not running then."
	}
	days := []string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	return fmt.Sprintf("⏰ Terlambat: ringkasan ini seharusnya terkirim %s %s; saat itu layanan tidak berjalan.",
		days[due.Weekday()], due.Format("02-01-2006 15.04 MST"))
}
