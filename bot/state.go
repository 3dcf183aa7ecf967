package bot

import "github.com/kotasolok/egovpulse/survey"

// stage is where a chat stands outside the survey engine.
type stage string

const (
	stageNew     stage = "new"     // no consent yet
	stageConsent stage = "consent" // the privacy notice and consent buttons are shown
	stageOPD     stage = "opd"     // picking the office
	stageService stage = "service" // picking the service of OPD
	stageSurvey  stage = "survey"  // answering Survey
	stageResume  stage = "resume"  // asked whether to continue an interrupted survey
	stageIdle    stage = "idle"    // consented, nothing in progress
	stageLang    stage = "lang"    // choosing a language; Return says where to go back
	stageDelete  stage = "delete"  // confirming /hapusdata; Return says where to go back
)

// chatState is one chat's conversation, kept in the session store as JSON
// and rebuilt from the database when the store has lost it.
type chatState struct {
	Lang  string `json:"lang"`
	Stage stage  `json:"stage"`
	// Return is the stage to go back to after a language or delete prompt.
	Return stage `json:"return,omitempty"`
	// Key is the pseudonymous respondent key (set once consent is given).
	Key string `json:"key,omitempty"`
	// Nonce changes whenever new buttons are shown; a button whose data
	// carries another nonce has expired.
	Nonce uint32 `json:"nonce"`
	// PendingService is a service named by a deep link before consent.
	PendingService string `json:"pending_service,omitempty"`
	OPD            string `json:"opd,omitempty"`
	Service        string `json:"service,omitempty"`
	// Queue lists the visit's surveys still to answer after the current one.
	Queue []string `json:"queue,omitempty"`
	// Parts is how many surveys the visit has in all.
	Parts      int           `json:"parts,omitempty"`
	Survey     *survey.State `json:"survey,omitempty"`
	ResponseID int64         `json:"response_id,omitempty"`
	// LastUpdate is the update_id of the turn this state was saved after; a
	// redelivered, already applied update above it was committed by a
	// process that died before saving the session: the session is stale.
	LastUpdate int64 `json:"last_update,omitempty"`
}

// clone copies the state so a retried transaction starts from the original.
func (s *chatState) clone() *chatState {
	c := *s
	c.Queue = append([]string(nil), s.Queue...)
	if s.Survey != nil {
		ss := *s.Survey
		ss.Answers = make(map[string]survey.Answer, len(s.Survey.Answers))
		for k, v := range s.Survey.Answers {
			ss.Answers[k] = v
		}
		ss.History = append([]string(nil), s.Survey.History...)
		ss.Pending = append([]string(nil), s.Survey.Pending...)
		c.Survey = &ss
	}
	return &c
}
