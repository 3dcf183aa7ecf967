package bot

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// start handles /start, with an optional deep-link payload: "svc_<code>"
// from the QR code at a service counter, or "asn_<opd>" from an official's
// invitation to the internal survey.
func (t *turn) start(arg string) error {
	svc, _ := strings.CutPrefix(arg, "svc_")
	if opd, ok := strings.CutPrefix(arg, "asn_"); ok {
		if _, known := t.b.opt.Catalog.OPD(opd); known {
			svc = arg
		}
	}
	if svc != "" && svc != arg {
		if _, ok := t.b.opt.Catalog.Service(svc); !ok {
			t.say(txtUnknownService.f(t.lang(), svc))
			svc = ""
		}
	}
	switch {
	case t.st.Stage == stageSurvey || t.st.Stage == stageResume:
		t.st.Stage = stageResume
		return t.askResume()
	case t.st.Key == "":
		t.st.PendingService = svc
		t.say(txtGreeting.f(t.lang(), t.firstName()))
		t.askConsent()
		return nil
	case svc != "":
		return t.beginVisit(svc)
	}
	t.askOPD()
	return nil
}

func (t *turn) firstName() string {
	if t.user == nil || t.user.FirstName == "" {
		return ""
	}
	return t.user.FirstName
}

func (t *turn) consent(token string) error {
	switch token {
	case "cy":
		key, _, err := t.tx.EnsureRespondent(t.user.ID, t.chatID, t.lang(), string(survey.AudienceResident))
		if err != nil {
			return fmt.Errorf("ensure respondent: %w", err)
		}
		if err := t.tx.RecordConsent(key, ConsentTextVersion, t.b.opt.Now()); err != nil {
			return fmt.Errorf("record consent: %w", err)
		}
		t.st.Key = key
		t.edit(txtConsentAsk.in(t.lang())+" "+txtConsentYes.in(t.lang()), nil)
		if svc := t.st.PendingService; svc != "" {
			t.st.PendingService = ""
			return t.beginVisit(svc)
		}
		t.askOPD()
	case "cn":
		t.st.Stage, t.st.PendingService = stageNew, ""
		t.edit(txtConsentAsk.in(t.lang())+" "+txtConsentNo.in(t.lang()), nil)
		t.say(txtConsentDecline.in(t.lang()))
	default:
		t.expired()
	}
	return nil
}

func (t *turn) askOPD() {
	t.st.Stage = stageOPD
	opds := t.b.opt.Catalog.OPDs
	opts := make([]survey.Option, 0, len(opds))
	for i, o := range opds {
		opts = append(opts, survey.Option{Token: "o:" + strconv.Itoa(i), Label: o.Name.In(t.lang())})
	}
	t.ask(txtPickOPD.in(t.lang()), opts)
}

func (t *turn) askService() {
	o, ok := t.b.opt.Catalog.OPD(t.st.OPD)
	if !ok {
		t.askOPD()
		return
	}
	t.st.Stage = stageService
	opts := make([]survey.Option, 0, len(o.Services)+1)
	for i, s := range o.Services {
		opts = append(opts, survey.Option{Token: "s:" + strconv.Itoa(i), Label: s.Name.In(t.lang())})
	}
	opts = append(opts, survey.Option{Token: "ob", Label: txtBackToOPD.in(t.lang())})
	t.ask(txtPickService.f(t.lang(), o.Name.In(t.lang())), opts)
}

// pick handles the OPD and service keyboards.
func (t *turn) pick(token string) error {
	kind, idx, _ := strings.Cut(token, ":")
	i, err := strconv.Atoi(idx)
	switch {
	case token == "ob":
		t.askOPD()
		return nil
	case kind == "o" && t.st.Stage == stageOPD && err == nil && i >= 0 && i < len(t.b.opt.Catalog.OPDs):
		o := t.b.opt.Catalog.OPDs[i]
		t.st.OPD = o.Code
		t.edit(txtPickOPD.in(t.lang())+" "+o.Name.In(t.lang()), nil)
		t.askService()
		return nil
	case kind == "s" && t.st.Stage == stageService && err == nil:
		o, ok := t.b.opt.Catalog.OPD(t.st.OPD)
		if ok && i >= 0 && i < len(o.Services) {
			t.edit(txtPickService.f(t.lang(), o.Name.In(t.lang()))+" "+o.Services[i].Name.In(t.lang()), nil)
			return t.beginVisit(o.Services[i].Code)
		}
	}
	t.expired()
	return nil
}

// beginVisit starts the visit's surveys for a service (or, for "asn_<opd>",
// the officials' survey of that OPD), leaving out those the respondent
// already submitted for this period.
func (t *turn) beginVisit(code string) error {
	visit := t.b.opt.Visit
	svc, _ := t.b.opt.Catalog.Service(code)
	if opd, ok := strings.CutPrefix(code, "asn_"); ok {
		o, _ := t.b.opt.Catalog.OPD(opd)
		visit, code = []string{"asn"}, ""
		svc = survey.Service{OPDCode: opd, Name: o.Name}
	}
	now := t.b.opt.Now()
	var queue []string
	var last survey.Period
	for _, id := range visit {
		def, err := t.b.opt.Registry.Latest(id)
		if err != nil {
			return err
		}
		p := survey.PeriodOf(def.Period, now, t.b.opt.Location)
		done, err := t.tx.HasSubmitted(t.st.Key, id, code, p.Key())
		if err != nil {
			return fmt.Errorf("check submitted: %w", err)
		}
		if !done {
			queue = append(queue, id)
		}
		last = p
	}
	t.st.Service, t.st.OPD = code, svc.OPDCode
	if len(queue) == 0 {
		t.st.Stage = stageIdle
		next := last.End.In(t.b.opt.Location).Format("02-01-2006")
		t.say(txtAlready.f(t.lang(), svc.Name.In(t.lang()), last.Label(t.lang()), next))
		return nil
	}
	t.st.Queue, t.st.Parts = queue[1:], len(queue)
	return t.startSurvey(queue[0])
}

// startSurvey opens (or reopens) the response for one survey of the visit.
func (t *turn) startSurvey(id string) error {
	def, err := t.b.opt.Registry.Latest(id)
	if err != nil {
		return err
	}
	now := t.b.opt.Now()
	r, err := t.tx.StartResponse(storage.NewResponse{
		RespondentKey: t.st.Key, SurveyID: def.ID, SurveyVersion: def.Version,
		ServiceCode: t.st.Service, OPDCode: t.st.OPD,
		PeriodKey: survey.PeriodOf(def.Period, now, t.b.opt.Location).Key(), At: now,
	})
	if err != nil {
		return fmt.Errorf("start response: %w", err)
	}
	if def, err = t.b.opt.Registry.Get(r.SurveyID, r.SurveyVersion); err != nil {
		return err
	}
	t.st.ResponseID, t.st.Stage = r.ID, stageSurvey
	svc, _ := t.b.opt.Catalog.Service(t.st.Service)
	opd, _ := t.b.opt.Catalog.OPD(t.st.OPD)
	name := opd.Name.In(t.lang())
	if svc.Code != "" {
		name = svc.Name.In(t.lang())
	}
	t.say(txtSurveyIntro.f(t.lang(), name, t.st.Parts-len(t.st.Queue), t.st.Parts, def.Title.In(t.lang())))
	answers, err := t.tx.Answers(r.ID)
	if err != nil {
		return fmt.Errorf("load answers: %w", err)
	}
	if len(answers) > 0 {
		ss := t.b.engine.Rebuild(def, t.lang(), answers)
		t.st.Survey = &ss
		return t.showCurrent()
	}
	res := t.b.engine.Start(def, t.lang())
	t.st.Survey = &res.State
	t.render(res.Prompts, "")
	return nil
}

// step feeds one input to the engine and stores its changes.
func (t *turn) step(in survey.Input) error {
	def, err := t.b.opt.Registry.Get(t.st.Survey.SurveyID, t.st.Survey.Version)
	if err != nil {
		return err
	}
	before := t.st.Survey.Current
	res, err := t.b.engine.Step(def, *t.st.Survey, in)
	if errors.Is(err, survey.ErrFinished) {
		t.expired()
		return nil
	}
	if err != nil {
		return fmt.Errorf("survey step: %w", err)
	}
	now := t.b.opt.Now()
	if len(res.Changes) > 0 {
		if err := t.tx.SaveChanges(t.st.ResponseID, res.Changes, now); err != nil {
			return fmt.Errorf("save answers: %w", err)
		}
		t.stored += savedAnswers(res.Changes)
	}
	t.st.Survey = &res.State
	t.render(res.Prompts, before)
	switch {
	case res.Submitted:
		if err := t.tx.Submit(t.st.ResponseID, now); err != nil {
			return fmt.Errorf("submit: %w", err)
		}
		return t.next()
	case res.Cancelled, res.Stopped:
		if err := t.tx.Abandon(t.st.ResponseID); err != nil {
			return fmt.Errorf("abandon: %w", err)
		}
		t.finishVisit()
	}
	return nil
}

// next starts the visit's following survey, or thanks the respondent.
func (t *turn) next() error {
	if len(t.st.Queue) > 0 {
		id := t.st.Queue[0]
		t.st.Queue = t.st.Queue[1:]
		return t.startSurvey(id)
	}
	t.say(txtThanks.in(t.lang()))
	t.finishVisit()
	return nil
}

func (t *turn) finishVisit() {
	t.st.Stage, t.st.Survey, t.st.ResponseID, t.st.Queue = stageIdle, nil, 0, nil
}

// render turns engine prompts into messages. In a callback turn the pressed
// message is edited: with the chosen answer, or in place when the same
// question is shown again (ticking a multiple choice).
func (t *turn) render(prompts []survey.Prompt, before string) {
	inPlace := t.cbMsgID != 0 && len(prompts) == 1 && prompts[0].Kind == survey.PromptQuestion && prompts[0].Question == before
	for _, p := range prompts {
		if p.Kind == survey.PromptQuestion && p.Total > 0 {
			p.Text = fmt.Sprintf("(%d/%d) %s", min(t.position(p.Question), p.Total), p.Total, p.Text)
		}
		switch {
		case inPlace:
			t.edit(p.Text, p.Options)
		case p.Kind == survey.PromptAnswered:
			if t.cbMsgID != 0 {
				t.edit(p.Text, nil)
			}
		case len(p.Options) > 0:
			t.ask(p.Text, p.Options)
		default:
			t.say(p.Text)
		}
	}
}

// position is the 1-based place of question q in the respondent's path:
// where it stands in the history, or next after it.
func (t *turn) position(q string) int {
	if t.st.Survey == nil {
		return 1
	}
	if i := slices.Index(t.st.Survey.History, q); i >= 0 {
		return i + 1
	}
	return len(t.st.Survey.History) + 1
}

// showCurrent shows the question (or review card) the survey waits for.
func (t *turn) showCurrent() error {
	def, err := t.b.opt.Registry.Get(t.st.Survey.SurveyID, t.st.Survey.Version)
	if err != nil {
		return err
	}
	res, err := t.b.engine.Step(def, *t.st.Survey, survey.Input{Kind: survey.InputCommand, Command: survey.CmdResume})
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	var shown []survey.Prompt
	for _, p := range res.Prompts {
		if p.Kind != survey.PromptInfo {
			shown = append(shown, p)
		}
	}
	t.render(shown, "")
	return nil
}

func (t *turn) askResume() error {
	def, err := t.b.opt.Registry.Get(t.st.Survey.SurveyID, t.st.Survey.Version)
	if err != nil {
		return err
	}
	answered, total := t.b.engine.Progress(def, *t.st.Survey)
	t.ask(txtResumeAsk.f(t.lang(), def.Title.In(t.lang()), answered, total), []survey.Option{
		{Token: "ry", Label: txtResumeYes.in(t.lang())}, {Token: "rr", Label: txtResumeRestart.in(t.lang())},
	})
	return nil
}

func (t *turn) resume(token string) error {
	switch token {
	case "ry":
		t.st.Stage = stageSurvey
		t.edit(txtResumeYes.in(t.lang()), nil)
		return t.showCurrent()
	case "rr":
		t.st.Stage = stageSurvey
		t.edit(txtResumeRestart.in(t.lang()), nil)
		return t.step(survey.Input{Kind: survey.InputCommand, Command: survey.CmdRestart})
	}
	t.expired()
	return nil
}
