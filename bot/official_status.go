package bot

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// The official flow's stages: the /status card with its buttons, and the
// steps of /lapor (official_lapor.go).
const (
	stageStatus       stage = "status"        // the /status card's buttons are shown
	stageLaporPeriod  stage = "lapor_period"  // choosing the period of the counts
	stageLaporTotal   stage = "lapor_total"   // typing a service's total
	stageLaporConfirm stage = "lapor_confirm" // confirming a total far from the previous period's
	stageLaporOnline  stage = "lapor_online"  // typing how many of them were served online
)

// Buttons of the official flow.
const (
	btnStatusASN      = "sa"
	btnStatusLapor    = "sl"
	btnStatusResident = "sr"
)

// officialStages are the official flow's own stages.
func officialStages() map[stage]stageDef {
	idle := func(t *turn, _ string) error { t.say(txtNothingToDo.in(t.lang())); return nil }
	return map[stage]stageDef{
		stageStatus:       {prefix: prefixOfficial, text: idle, button: (*turn).statusButton},
		stageLaporPeriod:  {prefix: prefixOfficial, button: (*turn).pickLaporPeriod, prompt: (*turn).askLaporPeriod, cancel: (*turn).cancelLapor},
		stageLaporTotal:   {text: (*turn).takeTotal, prompt: (*turn).askTotal, cancel: (*turn).cancelLapor},
		stageLaporConfirm: {prefix: prefixOfficial, text: (*turn).takeTotal, button: (*turn).confirmTotal, prompt: (*turn).askConfirm, cancel: (*turn).cancelLapor},
		stageLaporOnline:  {text: (*turn).takeOnline, prompt: (*turn).askOnline, cancel: (*turn).cancelLapor},
	}
}

// rosterOfficial returns the active roster entry of the user; ok false
// (and the refusal said) when there is none.
func (t *turn) rosterOfficial() (storage.Official, bool, error) {
	if t.tx == nil || t.userID() == 0 {
		t.say(txtNotOnRoster.in(t.lang()))
		return storage.Official{}, false, nil
	}
	o, err := t.tx.OfficialByTelegram(t.userID())
	if errors.Is(err, storage.ErrNotFound) {
		t.say(txtNotOnRoster.in(t.lang()))
		return o, false, nil
	}
	return o, err == nil, err
}

// cmdStatus answers /status: what is due for the official and the OPD.
func (t *turn) cmdStatus(string) error {
	o, ok, err := t.rosterOfficial()
	if !ok {
		return err
	}
	return t.showStatus(o)
}

// busy reports whether the chat is in the middle of a survey or a report.
func (t *turn) busy() bool {
	switch t.st.Stage {
	case stageSurvey, stageResume, stageCancel, stageLaporPeriod, stageLaporTotal, stageLaporConfirm, stageLaporOnline:
		return true
	}
	return false
}

// showStatus shows the official's status card. Outside a survey or a
// report it carries buttons: start the asn survey (when due), report
// counts (an operator with counts due), rate a service as a resident.
func (t *turn) showStatus(o storage.Official) error {
	d, cov, err := t.officialDues(o)
	if err != nil {
		return err
	}
	lang := t.lang()
	opd := o.OPDCode
	if c, ok := t.b.opt.Catalog.OPD(o.OPDCode); ok {
		opd = c.Name.In(lang)
	}
	month := survey.PeriodOf(survey.PeriodMonth, t.now(), t.b.opt.Location)
	lines := []string{txtStatusTitle.f(lang, o.Name, month.Label(lang), opd)}
	var opts []survey.Option
	if d.Answered {
		lines = append(lines, txtStatusASNOK.f(lang, month.Label(lang), t.nextDue(month)))
	} else {
		lines = append(lines, txtStatusASN.f(lang, month.Label(lang)))
		opts = append(opts, survey.Option{Token: btnStatusASN, Label: txtBtnASN.in(lang)})
	}
	if o.Role == "operator" {
		last := month.Prev()
		all := t.serviceNames(o.OPDCode, nil)
		if missing := t.serviceNames(o.OPDCode, d.MissingCounts); len(missing) > 0 {
			lines = append(lines, txtStatusCounts.f(lang, last.Label(lang), len(missing), len(all), strings.Join(missing, ", ")))
			opts = append(opts, survey.Option{Token: btnStatusLapor, Label: txtBtnLapor.in(lang)})
		} else {
			lines = append(lines, txtStatusCountsOK.f(lang, last.Label(lang), len(all)))
		}
	}
	lines = append(lines, txtStatusCoverage.f(lang, cov.answered, cov.headcount, month.Label(lang)))
	if t.busy() {
		lines = append(lines, "", txtStatusBusy.in(lang))
		t.say(strings.Join(lines, "\n"))
		return nil
	}
	opts = append(opts, survey.Option{Token: btnStatusResident, Label: txtBtnResident.in(lang)})
	t.st.Flow, t.st.Stage, t.st.Official = flowOfficial, stageStatus, nil
	t.askFlow("status", prefixOfficial, strings.Join(lines, "\n"), opts)
	return nil
}

// coverage is how many of an OPD's active officials answered the period's
// survey.
type coverage struct{ answered, headcount int }

// officialDues returns the official's dues for this month's asn survey and
// last month's counts, and the OPD's coverage (storage.Dues, read outside
// the turn's transaction: committed data only).
func (t *turn) officialDues(o storage.Official) (storage.OfficialDue, coverage, error) {
	now := t.now()
	month := survey.PeriodOf(survey.PeriodMonth, now, t.b.opt.Location)
	services := map[string][]string{o.OPDCode: nil}
	if c, ok := t.b.opt.Catalog.OPD(o.OPDCode); ok {
		for _, s := range c.Services {
			services[o.OPDCode] = append(services[o.OPDCode], s.Code)
		}
	}
	period, err := t.asnPeriod()
	if err != nil {
		return storage.OfficialDue{}, coverage{}, err
	}
	dues, err := t.b.opt.Store.Dues(t.ctx, storage.DuesQuery{OPD: o.OPDCode, SurveyID: officialSurvey,
		SurveyPeriod: period, CountsPeriod: month.Prev().Key(), Services: services, Now: now})
	if err != nil {
		return storage.OfficialDue{}, coverage{}, fmt.Errorf("status: %w", err)
	}
	var mine storage.OfficialDue
	var cov coverage
	for _, d := range dues {
		if d.ID == o.ID {
			mine = d
		}
		if d.Active {
			cov.headcount++
			if d.Answered {
				cov.answered++
			}
		}
	}
	return mine, cov, nil
}

// asnPeriod is the key of the asn survey's current period.
func (t *turn) asnPeriod() (string, error) {
	def, err := t.b.opt.Registry.Latest(officialSurvey)
	if err != nil {
		return "", fmt.Errorf("status: %w", err)
	}
	return survey.PeriodOf(def.Period, t.now(), t.b.opt.Location).Key(), nil
}

// nextDue is the first day of the period after p, as people write it.
func (t *turn) nextDue(p survey.Period) string {
	return p.End.In(t.b.opt.Location).Format("02-01-2006")
}

// serviceNames names the OPD's services whose codes are in codes (every
// service when codes is nil), in catalog order.
func (t *turn) serviceNames(opd string, codes []string) []string {
	c, ok := t.b.opt.Catalog.OPD(opd)
	if !ok {
		return codes
	}
	var out []string
	for _, s := range c.Services {
		if codes == nil || slices.Contains(codes, s.Code) {
			out = append(out, s.Name.In(t.lang()))
		}
	}
	return out
}

// statusButton handles the /status card's buttons.
func (t *turn) statusButton(token string) error {
	o, ok, err := t.rosterOfficial()
	if !ok {
		return err
	}
	switch token {
	case btnStatusASN:
		t.closeButtons(txtBtnASN.in(t.lang()))
		return t.beginOfficialSurvey(o)
	case btnStatusLapor:
		t.closeButtons(txtBtnLapor.in(t.lang()))
		return t.startLapor(o)
	case btnStatusResident:
		t.closeButtons(txtBtnResident.in(t.lang()))
		t.askOPD()
		return nil
	}
	return t.stale()
}

// beginOfficialSurvey starts the asn survey of the official's roster OPD,
// asking for consent first when the chat has not given it (an official
// who joined through an invitation has not).
func (t *turn) beginOfficialSurvey(o storage.Official) error {
	if t.st.Key == "" {
		t.st.Pending = &startPayload{Kind: startOfficial, Code: o.OPDCode}
		t.lead = txtGreetingOfficial.f(t.lang(), t.firstName())
		t.askConsent()
		return nil
	}
	return t.beginOfficial(o.OPDCode)
}
