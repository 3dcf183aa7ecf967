package bot

import (
	"slices"

	"github.com/kotasolok/egovpulse/survey"
)

// stateVersion is the shape of chatState kept in the session store; a
// session of another shape is rebuilt from the database.
const stateVersion = 2

// stage is where a chat stands in its conversation. Each stage belongs to
// one flow (stages.go), which says how it takes text and buttons and how
// its prompt is shown again.
type stage string

// flowName names the audience a chat is talking as; it picks the part of
// chatState in use and the command menu.
type flowName string

// Flows.
const (
	flowResident flowName = "resident"
	flowOfficial flowName = "official"
	flowAdmin    flowName = "admin"
)

// chatState is one chat's conversation, kept in the session store as JSON
// and rebuilt from the database when the store has lost it. The common
// fields come first; Run is the survey being answered (residents' visits
// and officials' asn alike) and the parts after it belong to one flow each.
type chatState struct {
	V     int      `json:"v"`
	Lang  string   `json:"lang"`
	Flow  flowName `json:"flow"`
	Stage stage    `json:"stage"`
	// Return is the stage to go back to after a side prompt (language,
	// delete).
	Return stage `json:"return,omitempty"`
	// Key is the pseudonymous respondent key (set once consent is given).
	Key string `json:"key,omitempty"`
	// Nonce is carried by the buttons of the prompt named by NonceFor; it
	// changes only when buttons for another prompt are shown, so showing
	// the same prompt again keeps its older buttons working.
	Nonce    uint32 `json:"nonce"`
	NonceFor string `json:"nonce_for,omitempty"`
	// Pending is a deep-link start waiting for consent.
	Pending *startPayload `json:"pending,omitempty"`
	// Run is the survey being answered.
	Run *surveyRun `json:"run,omitempty"`
	// Resident is the resident flow's part: the office picked on the way to
	// a service.
	Resident *residentPart `json:"resident,omitempty"`
	// Official is the official flow's part: the /lapor in progress.
	Official *officialPart `json:"official,omitempty"`
	// Admin is the admin flow's part: the follow-up field being typed.
	Admin *adminPart `json:"admin,omitempty"`
	// LastUpdate is the update_id of the turn this state was saved after; a
	// redelivered, already applied update above it was committed by a
	// process that died before saving the session: the session is stale.
	LastUpdate int64 `json:"last_update,omitempty"`
	// PromptAt is when (Unix ms) a prompt was last sent to the chat; a
	// prompt is re-shown for a stale button or a redelivery only when it is
	// older than reshowGap.
	PromptAt int64 `json:"prompt_at,omitempty"`
	// PromptTurn is the update id of the latest turn that showed a prompt
	// (supersede.go): an older prompt still held in a sender is dropped.
	PromptTurn int64 `json:"prompt_turn,omitempty"`
}

// surveyRun is a survey in progress and the visit it belongs to.
type surveyRun struct {
	Service string `json:"service,omitempty"`
	OPD     string `json:"opd,omitempty"`
	// Queue lists the visit's surveys still to answer after this one.
	Queue []string `json:"queue,omitempty"`
	// Parts is how many surveys the visit has in all.
	Parts      int          `json:"parts,omitempty"`
	Survey     survey.State `json:"survey"`
	ResponseID int64        `json:"response_id"`
}

// residentPart is what only the resident flow keeps.
type residentPart struct {
	OPD string `json:"opd,omitempty"`
}

// newState is a fresh conversation.
func newState(lang string) *chatState {
	return &chatState{V: stateVersion, Lang: lang, Flow: flowResident, Stage: stageNew}
}

// clone copies the state so a retried transaction starts from the original.
func (s *chatState) clone() *chatState {
	c := *s
	if s.Pending != nil {
		p := *s.Pending
		c.Pending = &p
	}
	if s.Resident != nil {
		r := *s.Resident
		c.Resident = &r
	}
	if s.Official != nil {
		o := *s.Official
		c.Official = &o
	}
	if s.Run != nil {
		r := *s.Run
		r.Queue = slices.Clone(s.Run.Queue)
		ss := &r.Survey
		ss.Answers = make(map[string]survey.Answer, len(s.Run.Survey.Answers))
		for k, v := range s.Run.Survey.Answers {
			ss.Answers[k] = v
		}
		ss.History = slices.Clone(s.Run.Survey.History)
		ss.Pending = slices.Clone(s.Run.Survey.Pending)
		c.Run = &r
	}
	return &c
}

// resident returns the resident flow's part, creating it.
func (s *chatState) resident() *residentPart {
	if s.Resident == nil {
		s.Resident = &residentPart{}
	}
	return s.Resident
}
