package main

import (
	"fmt"
	"os"

	"github.com/kotasolok/egovpulse/config"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/remind"
	"github.com/kotasolok/egovpulse/survey"
)

// loadReminders reads and validates REMINDERS_FILE (the built-in
// configuration when unset) before anything else: serve refuses to start
// on any problem, each given as file:line.
func loadReminders(cfg *config.Config) (*remind.Config, error) {
	rc, err := remind.Load(cfg.RemindersFile, os.ReadFile)
	if err != nil {
		return nil, fmt.Errorf("reminders configuration (REMINDERS_FILE):\n%w", err)
	}
	return rc, nil
}

// addReminders schedules the reminder and escalation jobs of rc: every
// replica looks for what is due on REMINDERS_SCHEDULE (every minute); the runner's lock and
// job_runs rows keep each slot to one run, its outbox rows written in the
// same transaction for the drainer to send.
// The rules of the asn survey must run on the survey's period.
func (s *service) addReminders(rc *remind.Config, reg *survey.Registry, cat *survey.Catalog) error {
	asn, err := reg.Latest(remind.ObligationSurvey)
	if err == nil {
		err = rc.CheckSurveyPeriod(asn.Period)
	}
	if err != nil {
		return fmt.Errorf("reminders configuration (REMINDERS_FILE):\n%w", err)
	}
	log := s.log.With("component", "reminders")
	rem := &jobs.Reminders{
		Runner:      &jobs.Runner{Store: s.store, Locker: s.sessions, Log: log},
		Config:      rc,
		Catalog:     cat,
		Admins:      s.cfg.AdminTelegramIDs,
		BotUsername: s.api.Self.UserName,
		Location:    s.cfg.Location,
		Log:         log,
	}
	if rem.BotUsername == "" {
		rem.BotUsername = s.cfg.TelegramBotUsername
	}
	if err := s.jobs.AddReminders(rem, s.cfg.RemindersSchedule); err != nil {
		return fmt.Errorf("REMINDERS_SCHEDULE: %w", err)
	}
	return nil
}
