package bot

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

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

// sampleSeed seeds the planned-missingness draw of a response.
func (t *turn) sampleSeed(service string) uint64 {
	if t.b.opt.SampleSeed != nil {
		return t.b.opt.SampleSeed(t.userID(), service)
	}
	return rand.Uint64()
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
		ServiceCode: run.Service, OPDCode: run.OPD, PlannedMissing: strings.Join(survey.DrawSample(def, t.sampleSeed(run.Service)), " "),
		PeriodKey: survey.PeriodOf(def.Period, now, t.b.opt.Location).Key(), At: now,
	})
	if err != nil {
		return fmt.Errorf("start response: %w", err)
	}
	if def, err = t.b.opt.Registry.Get(r.SurveyID, r.SurveyVersion); err != nil {
		return err
	}
	run.ResponseID, t.st.Stage = r.ID, stageSurvey
	if run.Parts > 1 {
		t.lead = txtSurveyIntro.f(t.lang(), t.runName(), run.Parts-len(run.Queue), run.Parts, def.Title.In(t.lang()))
	}
	answers, err := t.tx.Answers(r.ID)
	if err != nil {
		return fmt.Errorf("load answers: %w", err)
	}
	if len(answers) > 0 {
		run.Survey = t.b.engine.RebuildWith(def, t.lang(), answers, strings.Fields(r.PlannedMissing))
		return t.showCurrent()
	}
	opts, err := t.startOptions(def, r)
	if err != nil {
		return err
	}
	res := t.b.engine.StartWith(def, t.lang(), opts)
	if err := t.tx.SaveChanges(r.ID, res.Changes, now); err != nil {
		return fmt.Errorf("save facts: %w", err)
	}
	run.Survey = res.State
	t.render(res.Prompts, "")
	return nil
}

// startOptions are what the bot knows at the start of a response: the
// facts (does the service have an online channel, did the resident
// already submit this survey this period), the remembered profile, the
// planned-missingness draw stored with the response and today's date.
func (t *turn) startOptions(def *survey.Survey, r storage.Response) (survey.StartOptions, error) {
	o := survey.StartOptions{Unasked: strings.Fields(r.PlannedMissing), Today: t.today(),
		Facts: map[string]string{factOnline: yesNo(false), factReturning: yesNo(false)}}
	if svc, ok := t.b.opt.Catalog.Service(r.ServiceCode); ok {
		o.Facts[factOnline] = yesNo(svc.Online)
	}
	again, err := t.tx.HasSubmittedSurvey(t.st.Key, def.ID, r.PeriodKey)
	if err != nil {
		return o, fmt.Errorf("start options: %w", err)
	}
	o.Facts[factReturning] = yesNo(again)
	if len(def.Remember) == 0 {
		return o, nil
	}
	p, err := t.tx.Profile(t.st.Key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
	case err != nil:
		return o, fmt.Errorf("start options: %w", err)
	case p.Fresh(t.now()):
		o.Known = p.Answers()
	}
	return o, nil
}

// Facts the bot gives a survey's hidden questions.
const (
	factOnline    = "layanan_online"  // ya: the catalog lists an online channel for the service
	factReturning = "kunjungan_ulang" // ya: the respondent already submitted this survey this period
)

func yesNo(b bool) string {
	if b {
		return "ya"
	}
	return "tidak"
}

// today is the respondent's date in the configured time zone.
func (t *turn) today() string { return t.now().In(t.b.opt.Location).Format("2006-01-02") }

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
	run.Survey.Today = t.today() // the date buttons, also in a session rebuilt from the database
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
	if !res.Submitted { // the run's own thanks close the visit
		t.render(res.Prompts, before)
	}
	switch {
	case res.Submitted:
		if err := t.tx.Submit(run.ResponseID, now); err != nil {
			return fmt.Errorf("submit: %w", err)
		}
		if err := t.rememberProfile(def, res.State); err != nil {
			return err
		}
		return t.next()
	case res.Stopped:
		if err := t.tx.MarkScreenedOut(t.st.Key, survey.PeriodOf(def.Period, now, t.b.opt.Location).Key(), now); err != nil {
			return fmt.Errorf("screened out: %w", err)
		}
		fallthrough
	case res.Cancelled:
		if err := t.tx.Abandon(run.ResponseID); err != nil {
			return fmt.Errorf("abandon: %w", err)
		}
		t.finishRun()
	}
	return nil
}

// rememberProfile keeps the answers to the survey's Remember questions.
func (t *turn) rememberProfile(def *survey.Survey, st survey.State) error {
	if len(def.Remember) == 0 {
		return nil
	}
	p := map[string]survey.Answer{}
	for _, name := range def.Remember {
		if a, ok := st.Answers[name]; ok {
			p[name] = a
		}
	}
	if err := t.tx.SaveProfile(t.st.Key, p, t.now()); err != nil {
		return fmt.Errorf("remember profile: %w", err)
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
	if t.st.Flow == flowOfficial {
		t.say(txtThanksOfficial.in(t.lang()))
	} else {
		t.say(txtThanks.in(t.lang()))
	}
	t.finishRun()
	return nil
}

func (t *turn) finishRun() { t.st.Stage, t.st.Run = stageIdle, nil }

// render turns engine prompts into messages, one message per input: the
// confirmation of an answer, a note, a refusal or the intro (t.lead) open
// the next question's message instead of editing the answered one. In a callback
// turn the pressed message is edited in place only when the same question
// is shown again (ticking a multiple choice).
func (t *turn) render(prompts []survey.Prompt, before string) {
	inPlace := t.cbMsgID != 0 && len(prompts) == 1 && prompts[0].Kind == survey.PromptQuestion && prompts[0].Question == before
	for i, p := range prompts {
		last := i == len(prompts)-1
		switch {
		case p.Kind == survey.PromptAnswered:
			t.addLead("✓ " + p.Answer)
			continue
		case (p.Kind == survey.PromptInfo || p.Kind == survey.PromptError) && !last:
			t.addLead(p.Text) // a note, a resume notice or a refusal opens the question
			continue
		}
		if p.Kind == survey.PromptQuestion && p.Total > 0 {
			p.Text = fmt.Sprintf("(%d/%d) %s", min(t.position(p.Question), p.Total), p.Total, p.Text)
		}
		var kb [][]sender.Button
		if len(p.Options) > 0 {
			kb = t.surveyKeyboard(p.Options)
		}
		if inPlace {
			t.edit(p.Text, kb)
		} else {
			t.ask(p.Text, kb)
		}
	}
}

// addLead adds a line to the text that opens the next message.
func (t *turn) addLead(s string) {
	if t.lead != "" {
		s = t.lead + "\n" + s
	}
	t.lead = s
}

// position is the 1-based place of question q in the respondent's path:
// where it stands in the history, or next after it. A remembered profile
// confirmed with one tap is one place, as the engine's total counts it.
func (t *turn) position(q string) int {
	ss := &t.st.Run.Survey
	var remember []string
	if ss.Kept {
		if def, err := t.runDef(); err == nil {
			remember = def.Remember
		}
	}
	pos, folded := 0, false
	for _, name := range ss.History {
		if slices.Contains(remember, name) {
			if folded {
				if name == q {
					return pos
				}
				continue
			}
			folded = true
		}
		pos++
		if name == q {
			return pos
		}
	}
	return pos + 1
}

// showCurrent shows the question (or review card) the survey waits for.
func (t *turn) showCurrent() error {
	def, err := t.runDef()
	if err != nil {
		return err
	}
	t.st.Run.Survey.Today = t.today()
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
