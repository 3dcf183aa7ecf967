package bot

import "github.com/kotasolok/egovpulse/survey"

// cancelStages are the confirmation of /batal: a survey is only cancelled
// (and its answers deleted) after a second, explicit yes.
func cancelStages() map[stage]stageDef {
	return map[stage]stageDef{
		stageCancel: {prefix: prefixCommon, button: (*turn).confirmCancel, prompt: (*turn).askCancel, side: true},
	}
}

// cmdCancel asks whether to cancel the survey being answered.
func (t *turn) cmdCancel(arg string) error {
	if def := t.b.stages[t.st.Stage]; def.cancel != nil {
		return def.cancel(t)
	}
	if t.st.Stage != stageSurvey {
		return surveyCmd(survey.CmdCancel)(t, arg)
	}
	t.enter(stageCancel)
	return t.askCancel()
}

func (t *turn) askCancel() error {
	t.askFlow("cancel", prefixCommon, txtCancelAsk.in(t.lang()), []survey.Option{
		{Token: btnCancelYes, Label: txtCancelYes.in(t.lang())}, {Token: btnCancelNo, Label: txtCancelNo.in(t.lang())}})
	return nil
}

func (t *turn) confirmCancel(token string) error {
	switch token {
	case btnCancelYes:
		t.leave()
		return t.step(survey.Input{Kind: survey.InputCommand, Command: survey.CmdCancel})
	case btnCancelNo:
		t.leave()
		return t.prompt()
	}
	return t.stale()
}
