package bot

// stageDef says how one stage of a conversation takes input. The stages of
// every flow are gathered in one table that the dispatcher (turn.go)
// consults; a new conversation adds a file with its stages, not a case in
// every switch.
type stageDef struct {
	// prefix is the token prefix of the stage's own buttons.
	prefix string
	// text handles a typed message; nil: "please use the buttons" and the
	// prompt again.
	text func(t *turn, s string) error
	// button handles a button of the stage's prompt (token without prefix).
	button func(t *turn, token string) error
	// prompt shows what the stage waits for; it writes nothing, so it may
	// run outside a transaction.
	prompt func(t *turn) error
	// side marks a stage that returns to the one before (language, delete).
	side bool
	// cancel handles /batal in the stage (nil: the survey's cancel).
	cancel func(t *turn) error
}

// Stages of the common flow (common.go), the survey run (run.go) and the
// resident flow (resident.go).
const (
	stageNew     stage = "new"     // no consent yet
	stageConsent stage = "consent" // the privacy notice and consent buttons are shown
	stageIdle    stage = "idle"    // consented, nothing in progress
	stageLang    stage = "lang"    // choosing a language
	stageDelete  stage = "delete"  // confirming /hapusdata
	stageSurvey  stage = "survey"  // answering Run
	stageResume  stage = "resume"  // asked whether to continue an interrupted survey
	stageOPD     stage = "opd"     // picking the office
	stageService stage = "service" // picking the service of the office
	stageCancel  stage = "cancel"  // confirming /batal
)

// stageTable gathers the stages of every flow.
func stageTable() map[stage]stageDef {
	table := map[stage]stageDef{}
	for _, part := range []map[stage]stageDef{commonStages(), runStages(), residentStages(), cancelStages(), officialStages(), followUpStages()} {
		for s, d := range part {
			table[s] = d
		}
	}
	return table
}
