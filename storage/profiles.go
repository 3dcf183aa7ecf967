package storage

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/kotasolok/egovpulse/survey"
)

// Profile is a respondent's remembered profile: the answers to a survey's
// Remember questions at their last submitted response, offered again for
// ProfileTTL, and the period in which the respondent was screened out (a
// minor), during which no survey starts again.
type Profile struct {
	RespondentKey string `gorm:"column:respondent_key;primaryKey" json:"-"`
	// AnswersJSON holds the answers by question name, as JSON.
	AnswersJSON       string    `gorm:"column:answers" json:"answers"`
	UpdatedAt         time.Time `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
	ScreenedOutPeriod string    `gorm:"column:screened_out_period" json:"screened_out_period,omitempty"`
}

// TableName is the GORM table of Profile.
func (Profile) TableName() string { return "respondent_profiles" }

// ProfileTTL is how long a remembered profile is offered again.
const ProfileTTL = 365 * 24 * time.Hour

// Answers decodes the remembered answers (none when empty or unreadable).
func (p Profile) Answers() map[string]survey.Answer {
	out := map[string]survey.Answer{}
	if p.AnswersJSON != "" && json.Unmarshal([]byte(p.AnswersJSON), &out) != nil {
		return map[string]survey.Answer{}
	}
	return out
}

// Fresh reports whether the remembered answers may be offered at now.
func (p Profile) Fresh(now time.Time) bool {
	return len(p.Answers()) > 0 && now.Sub(p.UpdatedAt) < ProfileTTL
}

// Profile returns the respondent's profile; ErrNotFound when none is kept.
func (tx *Tx) Profile(key string) (Profile, error) {
	var p Profile
	if err := tx.db.Where("respondent_key = ?", key).Take(&p).Error; err != nil {
		return Profile{}, fmt.Errorf("profile: %w", notFound(err))
	}
	return p, nil
}

// SaveProfile remembers answers as the respondent's profile at at; a
// screened-out mark is kept.
func (tx *Tx) SaveProfile(key string, answers map[string]survey.Answer, at time.Time) error {
	data, err := json.Marshal(answers)
	if err != nil {
		return fmt.Errorf("save profile: %w", err)
	}
	return tx.upsertProfile(Profile{RespondentKey: key, AnswersJSON: string(data), UpdatedAt: utcMilli(at)},
		"answers", "updated_at")
}

// MarkScreenedOut records that the respondent was screened out in period:
// the remembered answers are dropped, and the bot starts no survey for
// them again in that period.
func (tx *Tx) MarkScreenedOut(key, period string, at time.Time) error {
	return tx.upsertProfile(Profile{RespondentKey: key, AnswersJSON: "{}", UpdatedAt: utcMilli(at), ScreenedOutPeriod: period},
		"answers", "updated_at", "screened_out_period")
}

func (tx *Tx) upsertProfile(p Profile, columns ...string) error {
	err := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "respondent_key"}},
		DoUpdates: clause.AssignmentColumns(columns)}).Create(&p).Error
	if err != nil {
		return fmt.Errorf("save profile: %w", err)
	}
	return nil
}

// HasSubmittedSurvey reports whether the respondent submitted a response
// to the survey, for any service, in the period.
func (tx *Tx) HasSubmittedSurvey(key, surveyID, periodKey string) (bool, error) {
	ok, err := tx.exists(&Response{}, "respondent_key = ? AND survey_id = ? AND submitted_slot = ?", key, surveyID, periodKey)
	if err != nil {
		return false, fmt.Errorf("has submitted: %w", err)
	}
	return ok, nil
}
