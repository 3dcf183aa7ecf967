package survey

// Phase is where a session stands in its survey.
type Phase string

// Phases of a session.
const (
	PhaseAnswering Phase = "answering" // Current names the question being asked
	PhaseReview    Phase = "review"    // the review card is shown; Submit ends it
	PhaseSubmitted Phase = "submitted" // final: the response is submitted
	PhaseCancelled Phase = "cancelled" // final: the respondent cancelled
	PhaseStopped   Phase = "stopped"   // final: screened out (e.g. a minor), thanked, nothing kept
)

// Final reports whether no further input changes the session.
func (p Phase) Final() bool {
	return p == PhaseSubmitted || p == PhaseCancelled || p == PhaseStopped
}

// Answer is the stored answer to one question.
type Answer struct {
	// Value is the raw answer: a choice value, the values of a
	// select_multiple separated by single spaces, a number as typed after
	// normalisation ("12", "2.5"), a date as YYYY-MM-DD, or text. Empty when
	// Skipped.
	Value string `json:"v,omitempty"`
	// Score is the numeric score for scale questions (the choice value as a
	// number) and for integer/decimal answers; nil otherwise and for choices
	// such as "Tidak tahu" whose value is not a number.
	Score *float64 `json:"s,omitempty"`
	// Skipped marks an optional question the respondent skipped.
	Skipped bool `json:"k,omitempty"`
}

// State is a session's position in one survey. It is plain data: it is
// serialised (JSON) into the session store and can be rebuilt from the
// answers kept in the database with Engine.Rebuild.
type State struct {
	SurveyID string `json:"survey"`
	// Version pins the survey version for the whole session.
	Version string `json:"version"`
	Lang    string `json:"lang"`
	Phase   Phase  `json:"phase"`
	// Current is the question being asked (PhaseAnswering).
	Current string `json:"current,omitempty"`
	// Answers by question name.
	Answers map[string]Answer `json:"answers,omitempty"`
	// History lists the questions answered or skipped, in the order they
	// were asked; Back pops it.
	History []string `json:"history,omitempty"`
	// Pending holds the choices ticked so far on a select_multiple question
	// before the respondent presses Done.
	Pending []string `json:"pending,omitempty"`
	// Editing is set while a question is re-asked from the review card: the
	// next accepted answer returns to the review.
	Editing bool `json:"editing,omitempty"`
	// Unasked lists the questions left out by the planned-missingness draw
	// (DrawSample): never asked, stored with the response.
	Unasked []string `json:"unasked,omitempty"`
	// Known holds remembered answers (the profile) offered for confirmation
	// with one tap; cleared once confirmed or declined.
	Known map[string]Answer `json:"known,omitempty"`
	// Kept says the remembered profile was confirmed with one tap: the
	// progress count then shows the profile as the one step it was.
	Kept bool `json:"kept,omitempty"`
	// Today is the respondent's date (YYYY-MM-DD), set by the adapter: the
	// "today" and "yesterday" buttons of date questions, and no date after it.
	Today string `json:"today,omitempty"`
}

// StartOptions are what the adapter knows when a session starts.
type StartOptions struct {
	// Facts answer hidden questions, by question name.
	Facts map[string]string
	// Known are remembered answers to the survey's Remember questions.
	Known map[string]Answer
	// Unasked is the planned-missingness draw (DrawSample).
	Unasked []string
	// Today is the respondent's date, YYYY-MM-DD.
	Today string
}

// InputKind says what the respondent did.
type InputKind int

// Input kinds.
const (
	InputText    InputKind = iota + 1 // a typed message
	InputChoice                       // a pressed button: Token is the prompt option's token
	InputCommand                      // a command: Command (and Target for edit)
)

// Command is a navigation command.
type Command string

// Commands understood by the engine.
const (
	CmdBack    Command = "back"
	CmdSkip    Command = "skip"
	CmdCancel  Command = "cancel"
	CmdRestart Command = "restart"
	CmdEdit    Command = "edit" // Target names the question to edit
	CmdSubmit  Command = "submit"
	CmdResume  Command = "resume" // show the current prompt again, with progress
)

// Input is one thing the respondent did.
type Input struct {
	Kind    InputKind
	Text    string
	Token   string
	Command Command
	Target  string
}

// PromptKind classifies prompts for rendering.
type PromptKind string

// Prompt kinds.
const (
	PromptQuestion PromptKind = "question" // a question to answer
	PromptReview   PromptKind = "review"   // the review card before submit
	PromptInfo     PromptKind = "info"     // a statement (thanks, cancelled, resume notice, a note)
	PromptError    PromptKind = "error"    // the input was refused; the question follows again
	PromptAnswered PromptKind = "answered" // confirms the accepted answer (Answer is its label alone)
)

// Option is one button under a prompt.
type Option struct {
	// Token is short (at most 24 bytes, ASCII) and opaque; the engine checks
	// it against the state when it comes back in an InputChoice.
	Token string
	Label string
	// Selected marks ticked choices of a select_multiple prompt.
	Selected bool
}

// Prompt is one message to show, already in the session's language.
type Prompt struct {
	Kind     PromptKind
	Question string // the question's name for question/answered prompts
	Text     string
	Options  []Option
	// Answer is, on an answered prompt, the answer's label alone.
	Answer string
	// FreeText says the prompt also accepts a typed answer.
	FreeText bool
	// Progress: questions answered so far and relevant in total.
	Answered, Total int
}

// Change is one write the storage layer must make after a step.
type Change struct {
	Question string
	Element  string
	Answer   Answer
	// Deleted removes the stored answer (e.g. a question that is no longer
	// relevant after an earlier answer changed).
	Deleted bool
}

// Result is what a step produced.
type Result struct {
	State   State
	Prompts []Prompt
	Changes []Change
	// Submitted is true on the step that submitted the survey, Cancelled on
	// the step that cancelled it, Stopped when the respondent was screened out.
	Submitted, Cancelled, Stopped bool
}
