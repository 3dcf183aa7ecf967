package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// residentStages are the resident flow's own stages: finding the service
// to rate. The visit's surveys then run in the survey stages (run.go).
func residentStages() map[stage]stageDef {
	return map[stage]stageDef{
		stageOPD:     {prefix: prefixResident, button: (*turn).pick, prompt: func(t *turn) error { t.askOPD(); return nil }},
		stageService: {prefix: prefixResident, button: (*turn).pick, prompt: func(t *turn) error { t.askService(); return nil }},
	}
}

func (t *turn) askOPD() {
	t.st.Flow, t.st.Stage = flowResident, stageOPD
	opds := t.b.opt.Catalog.OPDs
	opts := make([]survey.Option, 0, len(opds))
	for i, o := range opds {
		opts = append(opts, survey.Option{Token: btnOPD + strconv.Itoa(i), Label: o.Name.In(t.lang())})
	}
	t.askFlow("opd", prefixResident, txtPickOPD.in(t.lang()), opts)
}

func (t *turn) askService() {
	o, ok := t.b.opt.Catalog.OPD(t.st.resident().OPD)
	if !ok {
		t.askOPD()
		return
	}
	t.st.Stage = stageService
	opts := make([]survey.Option, 0, len(o.Services)+1)
	for i, s := range o.Services {
		opts = append(opts, survey.Option{Token: btnService + strconv.Itoa(i), Label: s.Name.In(t.lang())})
	}
	opts = append(opts, survey.Option{Token: btnBackToOPD, Label: txtBackToOPD.in(t.lang())})
	t.askFlow("service:"+o.Code, prefixResident, txtPickService.f(t.lang(), o.Name.In(t.lang())), opts)
}

// pick handles the OPD and service keyboards.
func (t *turn) pick(token string) error {
	if token == btnBackToOPD {
		t.askOPD()
		return nil
	}
	i, err := strconv.Atoi(token[1:])
	switch {
	case err != nil || i < 0:
	case strings.HasPrefix(token, btnOPD) && t.st.Stage == stageOPD && i < len(t.b.opt.Catalog.OPDs):
		o := t.b.opt.Catalog.OPDs[i]
		t.st.resident().OPD = o.Code
		t.askService()
		return nil
	case strings.HasPrefix(token, btnService) && t.st.Stage == stageService:
		o, ok := t.b.opt.Catalog.OPD(t.st.resident().OPD)
		if ok && i < len(o.Services) {
			return t.beginVisit(o.Services[i].Code)
		}
	}
	return t.stale()
}

// beginVisit starts the visit's surveys for a service, leaving out those
// the respondent already submitted for this period.
func (t *turn) beginVisit(code string) error {
	svc, ok := t.b.opt.Catalog.Service(code)
	if !ok {
		t.say(txtUnknownService.f(t.lang(), code))
		t.askOPD()
		return nil
	}
	t.st.Flow = flowResident
	if out, err := t.screenedOut(); err != nil || out {
		return err
	}
	return t.beginRun(t.b.opt.Visit, code, svc.OPDCode, svc.Name)
}

// beginRun starts the first of surveys not yet submitted this period for
// the service (or, with no service, the OPD); name is what it is about.
func (t *turn) beginRun(surveys []string, service, opd string, name survey.Text) error {
	now := t.now()
	var queue []string
	var last survey.Period
	for _, id := range surveys {
		def, err := t.b.opt.Registry.Latest(id)
		if err != nil {
			return err
		}
		p := survey.PeriodOf(def.Period, now, t.b.opt.Location)
		done, err := t.tx.HasSubmitted(t.st.Key, id, service, p.Key())
		if err != nil {
			return fmt.Errorf("check submitted: %w", err)
		}
		if !done {
			queue = append(queue, id)
		}
		last = p
	}
	if len(queue) == 0 {
		t.st.Stage, t.st.Run = stageIdle, nil
		next := last.End.In(t.b.opt.Location).Format("02-01-2006")
		t.say(txtAlready.f(t.lang(), name.In(t.lang()), last.Label(t.lang()), next))
		return nil
	}
	t.st.Run = &surveyRun{Service: service, OPD: opd, Queue: queue[1:], Parts: len(queue)}
	return t.startSurvey(queue[0])
}

// screenedOut tells a respondent screened out in the current period (a
// minor) so again, and starts nothing: another age band does not help.
func (t *turn) screenedOut() (bool, error) {
	def, err := t.b.opt.Registry.Latest(t.b.opt.Visit[0])
	if err != nil {
		return false, err
	}
	p, err := t.tx.Profile(t.st.Key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("screened out: %w", err)
	}
	if p.ScreenedOutPeriod != survey.PeriodOf(def.Period, t.now(), t.b.opt.Location).Key() {
		return false, nil
	}
	for _, q := range def.Questions {
		if q.ScreenOut != nil {
			t.st.Stage, t.st.Run = stageIdle, nil
			t.say(q.ScreenOutMessage.In(t.lang()))
			return true, nil
		}
	}
	return false, nil
}
