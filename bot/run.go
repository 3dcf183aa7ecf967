package bot

import (
	"errors"
	"fmt"
	"slices"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// runStages are the stages of answering a survey, shared by residents'
// visits and officials' asn: the engine takes the input, the answers are
// stored in the update's transaction.
func runStages() map[stage]stageDef {
	return map[stage]stageDef{
		stageSurvey: {
			text:   func(t *turn, s string) error { return t.step(survey.Input{Kind: survey.InputText, Text: s}) },
			prompt: (*turn).showCurrent,
		},
		stageResume: {
			prefix: prefixCommon,
			text:   func(t *turn, _ string) error { return t.askResume() },
			button: (*turn).resume,
			prompt: (*turn).askResume,
		},
	}
}

// startSurvey opens (or reopens) the response for one survey of the run.
func (t *turn) startSurvey(id string) error {
	def, err := t.b.opt.Registry.Latest(id)
	if err != nil {
		return err
	}
	now, run := t.now(), t.st.Run
	r, err := t.tx.StartResponse(storage.NewResponse{
		RespondentKey: t.st.Key, SurveyID: def.ID, SurveyVersion: def.Version, Audience: string(def.Audience),
		ServiceCode: run.Service, OPDCode: run.OPD,
		PeriodKey: survey.PeriodOf(def.Period, now, t.b.opt.Location).Key(), At: now,
	})
	if err != nil {
		return fmt.Errorf("start response: %w", err)
	}
	if def, err = t.b.opt.Registry.Get(r.SurveyID, r.SurveyVersion); err != nil {
		return err
	}
	run.ResponseID, t.st.Stage = r.ID, stageSurvey
	t.say(txtSurveyIntro.f(t.lang(), t.runName(), run.Parts-len(run.Queue), run.Parts, def.Title.In(t.lang())))
	answers, err := t.tx.Answers(r.ID)
	if err != nil {
		return fmt.Errorf("load answers: %w", err)
	}
	if len(answers) > 0 {
		run.Survey = t.b.engine.Rebuild(def, t.lang(), answers)
		return t.showCurrent()
	}
	res := t.b.engine.Start(def, t.lang())
	run.Survey = res.State
	t.render(res.Prompts, "")
	return nil
}

// runName is what the run is about: the service, else the office.
func (t *turn) runName() string {
	if svc, ok := t.b.opt.Catalog.Service(t.st.Run.Service); ok {
		return svc.Name.In(t.lang())
	}
	o, _ := t.b.opt.Catalog.OPD(t.st.Run.OPD)
	return o.Name.In(t.lang())
}

// runDef is the survey definition the run is pinned to.
func (t *turn) runDef() (*survey.Survey, error) {
	ss := &t.st.Run.Survey
	def, err := t.b.opt.Registry.Get(ss.SurveyID, ss.Version)
	if err != nil {
		return nil, fmt.Errorf("survey %s version %s: %w", ss.SurveyID, ss.Version, err)
	}
	return def, nil
}

// step feeds one input to the engine and stores its changes.
func (t *turn) step(in survey.Input) error {
	def, err := t.runDef()
	if err != nil {
		return err
	}
	run := t.st.Run
	before := run.Survey.Current
	res, err := t.b.engine.Step(def, run.Survey, in)
	if errors.Is(err, survey.ErrFinished) {
		return t.stale()
	}
	if err != nil {
		return fmt.Errorf("survey step: %w", err)
	}
	if in.Kind == survey.InputChoice && len(res.Prompts) > 0 && res.Prompts[0].Kind == survey.PromptError {
		// A button of another question (an older message): nothing changes.
		return t.stale()
	}
	now := t.now()
	if len(res.Changes) > 0 {
		if err := t.tx.SaveChanges(run.ResponseID, res.Changes, now); err != nil {
			return fmt.Errorf("save answers: %w", err)
		}
		t.stored += savedAnswers(res.Changes)
	}
	run.Survey = res.State
	t.render(res.Prompts, before)
	switch {
	case res.Submitted:
		if err := t.tx.Submit(run.ResponseID, now); err != nil {
			return fmt.Errorf("submit: %w", err)
		}
		return t.next()
	case res.Cancelled, res.Stopped:
		if err := t.tx.Abandon(run.ResponseID); err != nil {
			return fmt.Errorf("abandon: %w", err)
		}
		t.finishRun()
	}
	return nil
}

// next starts the run's following survey, or thanks the respondent.
func (t *turn) next() error {
	if run := t.st.Run; len(run.Queue) > 0 {
		id := run.Queue[0]
		run.Queue = run.Queue[1:]
		return t.startSurvey(id)
	}
	t.say(txtThanks.in(t.lang()))
	t.finishRun()
	return nil
}

func (t *turn) finishRun() { t.st.Stage, t.st.Run = stageIdle, nil }

// render turns engine prompts into messages. In a callback turn the pressed
// message is edited: with the chosen answer, or in place when the same
// question is shown again (ticking a multiple choice).
func (t *turn) render(prompts []survey.Prompt, before string) {
	inPlace := t.cbMsgID != 0 && len(prompts) == 1 && prompts[0].Kind == survey.PromptQuestion && prompts[0].Question == before
	for _, p := range prompts {
		if p.Kind == survey.PromptQuestion && p.Total > 0 {
			p.Text = fmt.Sprintf("(%d/%d) %s", min(t.position(p.Question), p.Total), p.Total, p.Text)
		}
		var kb [][]sender.Button
		if len(p.Options) > 0 {
			kb = t.surveyKeyboard(p.Options)
		}
		switch {
		case inPlace:
			t.edit(p.Text, kb)
		case p.Kind == survey.PromptAnswered:
			t.closeButtons(p.Text)
		default:
			t.ask(p.Text, kb)
		}
	}
}

// position is the 1-based place of question q in the respondent's path:
// where it stands in the history, or next after it.
func (t *turn) position(q string) int {
	h := t.st.Run.Survey.History
	if i := slices.Index(h, q); i >= 0 {
		return i + 1
	}
	return len(h) + 1
}

// showCurrent shows the question (or review card) the survey waits for.
func (t *turn) showCurrent() error {
	def, err := t.runDef()
	if err != nil {
		return err
	}
	res, err := t.b.engine.Step(def, t.st.Run.Survey, survey.Input{Kind: survey.InputCommand, Command: survey.CmdResume})
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	var shown []survey.Prompt
	for _, p := range res.Prompts {
		if p.Kind != survey.PromptInfo {
			shown = append(shown, p)
		}
	}
	t.cbMsgID = 0 // shown afresh below the conversation, never in place
	t.render(shown, "")
	return nil
}

func (t *turn) askResume() error {
	t.st.Stage = stageResume
	def, err := t.runDef()
	if err != nil {
		return err
	}
	answered, total := t.b.engine.Progress(def, t.st.Run.Survey)
	t.askFlow("resume", prefixCommon, txtResumeAsk.f(t.lang(), def.Title.In(t.lang()), answered, total), []survey.Option{
		{Token: btnResume, Label: txtResumeYes.in(t.lang())}, {Token: btnRestart, Label: txtResumeRestart.in(t.lang())},
	})
	return nil
}

func (t *turn) resume(token string) error {
	switch token {
	case btnResume:
		t.st.Stage = stageSurvey
		t.closeButtons(txtResumeYes.in(t.lang()))
		return t.showCurrent()
	case btnRestart:
		t.st.Stage = stageSurvey
		t.closeButtons(txtResumeRestart.in(t.lang()))
		t.cbMsgID = 0
		return t.step(survey.Input{Kind: survey.InputCommand, Command: survey.CmdRestart})
	}
	return t.stale()
}
