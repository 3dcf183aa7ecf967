package storage

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Official statuses beyond the roster's own: an official who submitted
// the period's survey, and one whose Telegram account blocked the bot.
const (
	OfficialAnswered = "answered"
	OfficialBlocked  = "blocked"
)

// DuesQuery says whose dues to list and for which periods.
type DuesQuery struct {
	// OPD limits the list to one OPD code ("" for every OPD).
	OPD string
	// SurveyID is the officials' survey ("asn") and SurveyPeriod its
	// period key ("2026-12"): an official owes it until a response of that
	// survey and period is submitted from their Telegram account.
	SurveyID     string
	SurveyPeriod string
	// CountsPeriod is the period key of the service counts the OPD's
	// operators owe ("2026-11"); Services maps an OPD code to the codes of
	// its services (the catalog's). Empty: nobody owes counts.
	CountsPeriod string
	Services     map[string][]string
	// Now decides which invitations are still pending.
	Now time.Time
}

// OfficialDue is an active or inactive official with where they stand
// for the periods of a DuesQuery.
type OfficialDue struct {
	Official
	// Status is one of the Official* statuses: inactive, blocked,
	// answered, joined, invited, not invited (the first that applies).
	Status string
	// ChatID is the private chat the bot reaches the official in (0
	// when the official has not joined, or the identity has expired).
	ChatID int64
	// Blocked: the official's account blocked the bot.
	Blocked bool
	// Answered: the period's survey is submitted.
	Answered bool
	// MissingCounts lists, for an OPD operator, the OPD's services
	// without counts for CountsPeriod (nil for anyone else).
	MissingCounts []string
}

// OwesSurvey reports whether the official still owes the period's survey
// and can be reminded of it (active, joined, not blocked).
func (d OfficialDue) OwesSurvey() bool {
	return d.Active && d.ChatID != 0 && !d.Blocked && !d.Answered
}

// OwesCounts reports whether the official still owes service counts and
// can be reminded of them.
func (d OfficialDue) OwesCounts() bool {
	return d.Active && d.ChatID != 0 && !d.Blocked && len(d.MissingCounts) > 0
}

// Dues lists the roster (of q.OPD when set) by OPD and name with what
// each official owes for q's periods. It reads the roster, the
// identities of joined officials, the submitted responses of the
// survey's period and the period's counts: four queries, whatever the
// roster's size.
func (s *Store) Dues(ctx context.Context, q DuesQuery) ([]OfficialDue, error) {
	rows, err := s.Officials(ctx, q.OPD, q.Now)
	if err != nil {
		return nil, err
	}
	idents, err := s.joinedIdentities(ctx, rows)
	if err != nil {
		return nil, err
	}
	answered, err := s.submittedKeys(ctx, q.SurveyID, q.SurveyPeriod, idents)
	if err != nil {
		return nil, err
	}
	counted, err := s.countedServices(ctx, q.CountsPeriod)
	if err != nil {
		return nil, err
	}
	out := make([]OfficialDue, len(rows))
	for i, r := range rows {
		d := OfficialDue{Official: r.Official, Status: r.Status}
		if r.TelegramUserID != nil {
			if id, ok := idents[*r.TelegramUserID]; ok {
				d.ChatID = id.ChatID
				d.Blocked = id.BlockedAt != nil
				d.Answered = answered[id.RespondentKey]
			}
		}
		if r.Role == "operator" && q.CountsPeriod != "" {
			for _, svc := range q.Services[r.OPDCode] {
				if !counted[svc] {
					d.MissingCounts = append(d.MissingCounts, svc)
				}
			}
		}
		switch {
		case !d.Active:
		case d.Blocked:
			d.Status = OfficialBlocked
		case d.Answered:
			d.Status = OfficialAnswered
		}
		out[i] = d
	}
	return out, nil
}

// joinedIdentities returns the identities of the officials who joined,
// by Telegram user id.
func (s *Store) joinedIdentities(ctx context.Context, rows []OfficialRow) (map[int64]Identity, error) {
	var ids []int64
	for _, r := range rows {
		if r.TelegramUserID != nil {
			ids = append(ids, *r.TelegramUserID)
		}
	}
	out := make(map[int64]Identity, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var got []Identity
		if err := s.db.WithContext(ctx).Where("telegram_user_id IN ?", chunk).Find(&got).Error; err != nil {
			return nil, s.scrub(fmt.Errorf("dues: identities: %w", err))
		}
		for _, id := range got {
			out[id.TelegramUserID] = id
		}
	}
	return out, nil
}

// submittedKeys returns which of the identities' respondent keys
// submitted a response of the survey in the period.
func (s *Store) submittedKeys(ctx context.Context, surveyID, period string, idents map[int64]Identity) (map[string]bool, error) {
	out := map[string]bool{}
	if surveyID == "" || period == "" || len(idents) == 0 {
		return out, nil
	}
	keys := make([]string, 0, len(idents))
	for _, id := range idents {
		keys = append(keys, id.RespondentKey)
	}
	slices.Sort(keys)
	for chunk := range slices.Chunk(keys, 500) {
		var got []string
		err := s.db.WithContext(ctx).Model(&Response{}).Distinct("respondent_key").
			Where("survey_id = ? AND period_key = ? AND status = ? AND respondent_key IN ?", surveyID, period, StatusSubmitted, chunk).
			Pluck("respondent_key", &got).Error
		if err != nil {
			return nil, s.scrub(fmt.Errorf("dues: submitted responses: %w", err))
		}
		for _, k := range got {
			out[k] = true
		}
	}
	return out, nil
}

// countedServices returns the services with counts for the period.
func (s *Store) countedServices(ctx context.Context, period string) (map[string]bool, error) {
	out := map[string]bool{}
	if period == "" {
		return out, nil
	}
	var got []string
	err := s.db.WithContext(ctx).Model(&ServiceCount{}).Where("period_key = ?", period).Pluck("service_code", &got).Error
	if err != nil {
		return nil, s.scrub(fmt.Errorf("dues: service counts: %w", err))
	}
	for _, c := range got {
		out[c] = true
	}
	return out, nil
}
