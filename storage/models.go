package storage

import (
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// Status is where a response stands.
type Status string

// Response statuses.
const (
	StatusInProgress Status = "in_progress"
	StatusSubmitted  Status = "submitted"
	StatusAbandoned  Status = "abandoned"
)

// Respondent is a pseudonymous person: answers hang off its random key and
// carry no Telegram id or name.
type Respondent struct {
	Key       string    `gorm:"column:respondent_key;primaryKey" json:"key"`
	Audience  string    `gorm:"column:audience" json:"audience"`
	Lang      string    `gorm:"column:lang" json:"lang"`
	OPDCode   string    `gorm:"column:opd_code" json:"opd_code,omitempty"`
	CreatedAt time.Time `gorm:"column:created_at" json:"created_at"`
}

// TableName is the GORM table of Respondent.
func (Respondent) TableName() string { return "respondents" }

// Identity maps a Telegram user to a respondent key. It is the only place a
// Telegram id is stored; it expires (ExpiresAt) and is deleted with the
// respondent.
type Identity struct {
	TelegramUserID int64      `gorm:"column:telegram_user_id;primaryKey;autoIncrement:false" json:"telegram_user_id"`
	RespondentKey  string     `gorm:"column:respondent_key" json:"respondent_key"`
	ChatID         int64      `gorm:"column:chat_id" json:"chat_id"`
	CreatedAt      time.Time  `gorm:"column:created_at" json:"created_at"`
	LastSeenAt     time.Time  `gorm:"column:last_seen_at" json:"last_seen_at"`
	ExpiresAt      time.Time  `gorm:"column:expires_at" json:"expires_at"`
	BlockedAt      *time.Time `gorm:"column:blocked_at" json:"blocked_at,omitempty"`
}

// TableName is the GORM table of Identity.
func (Identity) TableName() string { return "identities" }

// Consent is one consent given (and perhaps withdrawn) to a consent text.
type Consent struct {
	ID            int64      `gorm:"column:id;primaryKey" json:"id"`
	RespondentKey string     `gorm:"column:respondent_key" json:"-"`
	TextVersion   string     `gorm:"column:text_version" json:"text_version"`
	GivenAt       time.Time  `gorm:"column:given_at" json:"given_at"`
	WithdrawnAt   *time.Time `gorm:"column:withdrawn_at" json:"withdrawn_at,omitempty"`
}

// TableName is the GORM table of Consent.
func (Consent) TableName() string { return "consents" }

// Response is one respondent's run through one survey for one service and
// reporting period.
type Response struct {
	ID            int64      `gorm:"column:id;primaryKey" json:"id"`
	RespondentKey string     `gorm:"column:respondent_key" json:"-"`
	SurveyID      string     `gorm:"column:survey_id" json:"survey_id"`
	SurveyVersion string     `gorm:"column:survey_version" json:"survey_version"`
	ServiceCode   string     `gorm:"column:service_code" json:"service_code"`
	OPDCode       string     `gorm:"column:opd_code" json:"opd_code,omitempty"`
	Audience      string     `gorm:"column:audience" json:"audience"`
	PeriodKey     string     `gorm:"column:period_key" json:"period_key"`
	Status        Status     `gorm:"column:status" json:"status"`
	StartedAt     time.Time  `gorm:"column:started_at" json:"started_at"`
	UpdatedAt     time.Time  `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
	SubmittedAt   *time.Time `gorm:"column:submitted_at" json:"submitted_at,omitempty"`
	// PlannedMissing lists the questions the planned-missingness draw left
	// out (space-separated, survey order): not asked by design.
	PlannedMissing string `gorm:"column:planned_missing" json:"planned_missing,omitempty"`
}

// TableName is the GORM table of Response.
func (Response) TableName() string { return "responses" }

// responseRow is a Response with the slot columns that carry the
// uniqueness rules: SubmittedSlot (the period key once submitted) makes a
// second submission for one service and period collide; OpenSlot (the
// period key while in progress) keeps one in-progress response per service
// and period even under concurrent starts. Both are NULL otherwise.
type responseRow struct {
	Response
	SubmittedSlot *string `gorm:"column:submitted_slot"`
	OpenSlot      *string `gorm:"column:open_slot"`
}

// TableName is the GORM table of responseRow.
func (responseRow) TableName() string { return "responses" }

// NewResponse describes a response to start.
type NewResponse struct {
	RespondentKey, SurveyID, SurveyVersion, ServiceCode, OPDCode, PeriodKey string
	// Audience is the survey's audience (resident when empty).
	Audience string
	// PlannedMissing is the planned-missingness draw (space-separated).
	PlannedMissing string
	At             time.Time
}

// answerRow is a row of answers. ServiceCode and SubmittedAt are copied
// from the response when it is submitted (empty until then), so scoring can
// group submitted answers by service and element over a time range without
// a join.
type answerRow struct {
	ID          int64      `gorm:"column:id;primaryKey"`
	ResponseID  int64      `gorm:"column:response_id"`
	Question    string     `gorm:"column:question"`
	Element     string     `gorm:"column:element"`
	Value       string     `gorm:"column:value"`
	Score       *float64   `gorm:"column:score"`
	Skipped     bool       `gorm:"column:skipped"`
	AnsweredAt  time.Time  `gorm:"column:answered_at"`
	ServiceCode string     `gorm:"column:service_code"`
	SubmittedAt *time.Time `gorm:"column:submitted_at"`
}

// TableName is the GORM table of answerRow.
func (answerRow) TableName() string { return "answers" }

// processedUpdate is a row of processed_updates.
type processedUpdate struct {
	UpdateID    int64     `gorm:"column:update_id;primaryKey;autoIncrement:false"`
	ProcessedAt time.Time `gorm:"column:processed_at"`
}

// TableName is the GORM table of processedUpdate.
func (processedUpdate) TableName() string { return "processed_updates" }

// ResponseData is a response with its answers, by question name.
type ResponseData struct {
	Response
	Answers map[string]survey.Answer `json:"answers"`
}

// DataExport is everything stored about one respondent, for a data-subject
// access request.
type DataExport struct {
	Respondent Respondent `json:"respondent"`
	// Identity is nil when the Telegram link has expired or was removed.
	Identity *Identity `json:"identity,omitempty"`
	Consents []Consent `json:"consents"`
	// Profile is the remembered profile, nil when none is kept.
	Profile   *Profile       `json:"profile,omitempty"`
	Responses []ResponseData `json:"responses"`
}
