package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/report"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/survey"
)

// weeklyCatchUpSpec is how often every replica checks that the week's
// push went out: one missed while the service was down goes out within
// this long of its return, marked late.
const weeklyCatchUpSpec = "*/15 * * * *"

// weeklyPush is the weekly summary push of a service: to WEEKLY_SUMMARY_CHATS,
// or else to the superadmins of ADMIN_TELEGRAM_IDS and the users granted a
// role in chat.
func (s *service) weeklyPush(sum *report.Summarizer) *jobs.WeeklySummary {
	return &jobs.WeeklySummary{Store: s.store, Location: s.cfg.Location, Chats: s.cfg.WeeklyChats,
		Admins: s.cfg.AdminTelegramIDs, Lang: s.cfg.WeeklyLang,
		Spec: s.cfg.WeeklySchedule,
		Render: func(ctx context.Context, week survey.Period, lang string) (string, []byte, error) {
			return sum.Render(ctx, summary.Request{Kind: survey.PeriodWeek, Key: week.Key()}, lang, true)
		}}
}

// addWeeklyPush schedules the push (WEEKLY_SUMMARY_SCHEDULE, Monday 08:00
// by default) and its catch-up.
func (s *service) addWeeklyPush(runner *jobs.Runner, sum *report.Summarizer) error {
	w := s.weeklyPush(sum)
	spec := s.cfg.WeeklySchedule
	if spec == "" {
		spec = jobs.DefaultWeeklySpec
	}
	if err := s.jobs.AddJob(runner, jobs.JobWeeklySummary, spec, w.Run); err != nil {
		return fmt.Errorf("WEEKLY_SUMMARY_SCHEDULE: %w", err)
	}
	return s.jobs.Add(jobs.JobWeeklySummary+"-catch-up", weeklyCatchUpSpec, func(ctx context.Context) error {
		_, err := w.CatchUp(ctx, runner, time.Now())
		return err
	})
}
