package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// officialPart is what only the official flow keeps: the /lapor in
// progress (the counts of each service are stored as soon as both numbers
// are accepted, so a lost session loses at most the service being typed).
type officialPart struct {
	// OPD is the roster's OPD and Period the key of the counts' period.
	OPD    string `json:"opd"`
	Period string `json:"period,omitempty"`
	// Index is the service of the OPD being reported (catalog order).
	Index int `json:"index"`
	// Total is the accepted total of that service, waiting for its online
	// count; Pending a total waiting for confirmation (ten times off).
	Total   int `json:"total"`
	Pending int `json:"pending"`
	// Prev is the previous period's total Pending is compared with.
	Prev int `json:"prev,omitempty"`
	// Saved counts the services stored in this report.
	Saved int `json:"saved"`
}

// Buttons of /lapor.
const (
	btnLaporLastMonth = "pl"
	btnLaporThisMonth = "pm"
	btnLaporThisQtr   = "pq"
	btnLaporYes       = "cy"
	btnLaporChange    = "cc"
)

// maxCount bounds one service's count in one period.
const maxCount = 10_000_000

// cmdLapor answers /lapor: an OPD operator on the roster reports the
// people served per service; anyone else is refused politely.
func (t *turn) cmdLapor(string) error {
	o, ok, err := t.rosterOfficial()
	if !ok {
		return err
	}
	if o.Role != "operator" {
		t.say(txtLaporNotOperator.f(t.lang(), rosterRoleName(o.Role, t.lang())))
		return nil
	}
	return t.startLapor(o)
}

// startLapor asks the period of the counts.
func (t *turn) startLapor(o storage.Official) error {
	switch t.st.Stage {
	case stageSurvey, stageResume, stageCancel:
		t.say(txtLaporBusy.in(t.lang()))
		return nil
	}
	c, ok := t.b.opt.Catalog.OPD(o.OPDCode)
	if !ok || len(c.Services) == 0 {
		t.say(txtLaporNoServices.f(t.lang(), o.OPDCode))
		return nil
	}
	t.st.Flow, t.st.Run, t.st.Official = flowOfficial, nil, &officialPart{OPD: o.OPDCode}
	return t.askLaporPeriod()
}

// laporPeriods are the periods /lapor offers: the last completed month
// (the default, first), the current month and the current quarter.
func (t *turn) laporPeriods() map[string]survey.Period {
	month := survey.PeriodOf(survey.PeriodMonth, t.now(), t.b.opt.Location)
	return map[string]survey.Period{
		btnLaporLastMonth: month.Prev(), btnLaporThisMonth: month,
		btnLaporThisQtr: survey.PeriodOf(survey.PeriodQuarter, t.now(), t.b.opt.Location),
	}
}

func (t *turn) askLaporPeriod() error {
	lang, ps := t.lang(), t.laporPeriods()
	t.st.Stage = stageLaporPeriod
	opd := t.st.Official.OPD
	if c, ok := t.b.opt.Catalog.OPD(opd); ok {
		opd = c.Name.In(lang)
	}
	t.askFlow("lapor:period", prefixOfficial, txtLaporPeriod.f(lang, opd), []survey.Option{
		{Token: btnLaporLastMonth, Label: txtLaporLastMonth.f(lang, ps[btnLaporLastMonth].Label(lang))},
		{Token: btnLaporThisMonth, Label: txtLaporThisMonth.f(lang, ps[btnLaporThisMonth].Label(lang))},
		{Token: btnLaporThisQtr, Label: txtLaporThisQtr.f(lang, ps[btnLaporThisQtr].Label(lang))},
	})
	return nil
}

func (t *turn) pickLaporPeriod(token string) error {
	p, ok := t.laporPeriods()[token]
	if !ok || t.st.Official == nil {
		return t.stale()
	}
	t.closeButtons("📊 " + p.Label(t.lang()))
	lp := t.st.Official
	lp.Period, lp.Index, lp.Total, lp.Pending, lp.Saved = p.Key(), 0, 0, 0, 0
	return t.askTotal()
}

// laporService is the service being reported, its place and the period.
func (t *turn) laporService() (survey.Service, int, int, survey.Period, error) {
	lp := t.st.Official
	if lp == nil {
		return survey.Service{}, 0, 0, survey.Period{}, errors.New("lapor: no report in progress")
	}
	c, ok := t.b.opt.Catalog.OPD(lp.OPD)
	if !ok || lp.Index >= len(c.Services) {
		return survey.Service{}, 0, 0, survey.Period{}, fmt.Errorf("lapor: no service %d in OPD %q", lp.Index, lp.OPD)
	}
	p, err := survey.ParsePeriodKey(lp.Period, t.b.opt.Location)
	if err != nil {
		return survey.Service{}, 0, 0, survey.Period{}, fmt.Errorf("lapor: %w", err)
	}
	return c.Services[lp.Index], lp.Index + 1, len(c.Services), p, nil
}

// previousCount is the service's stored total of the period before p.
func (t *turn) previousCount(service string, p survey.Period) (int, bool, error) {
	c, err := t.tx.ServiceCountOf(service, p.Prev().Key())
	if errors.Is(err, storage.ErrNotFound) {
		return 0, false, nil
	}
	return c.Total, err == nil, err
}

// askTotal asks the total of the current service.
func (t *turn) askTotal() error {
	svc, i, n, p, err := t.laporService()
	if err != nil {
		return err
	}
	t.st.Stage = stageLaporTotal
	lang := t.lang()
	text := txtLaporAskTotal.f(lang, i, n, svc.Name.In(lang), p.Label(lang))
	if t.tx != nil {
		prev, ok, err := t.previousCount(svc.Code, p)
		if err != nil {
			return err
		}
		if ok {
			text += "\n" + txtLaporPrevHint.f(lang, p.Prev().Label(lang), prev)
		}
	}
	t.say(text)
	return nil
}

// takeTotal takes a typed total: refused with the reason when it is not
// a count, asked to confirm when ten times off the previous period's.
func (t *turn) takeTotal(s string) error {
	n, ok := t.parseCount(s)
	if !ok {
		return t.askTotal()
	}
	svc, _, _, p, err := t.laporService()
	if err != nil {
		return err
	}
	prev, found, err := t.previousCount(svc.Code, p)
	if err != nil {
		return err
	}
	if found && prev > 0 && (n > 10*prev || 10*n < prev) {
		t.st.Official.Pending, t.st.Official.Prev = n, prev
		return t.askConfirm()
	}
	return t.acceptTotal(n)
}

// askConfirm asks whether a total ten times off the previous period's is
// right.
func (t *turn) askConfirm() error {
	_, _, _, p, err := t.laporService()
	if err != nil {
		return err
	}
	t.st.Stage = stageLaporConfirm
	lang, n, prev := t.lang(), t.st.Official.Pending, t.st.Official.Prev
	text := txtLaporTenth
	if n > 10*prev {
		text = txtLaporTenfold
	}
	t.askFlow("lapor:confirm", prefixOfficial, text.f(lang, n, p.Prev().Label(lang), prev, n), []survey.Option{
		{Token: btnLaporYes, Label: txtLaporYes.f(lang, n)}, {Token: btnLaporChange, Label: txtLaporChange.in(lang)}})
	return nil
}

func (t *turn) confirmTotal(token string) error {
	switch token {
	case btnLaporYes:
		t.closeButtons(txtLaporYes.f(t.lang(), t.st.Official.Pending))
		return t.acceptTotal(t.st.Official.Pending)
	case btnLaporChange:
		t.closeButtons(txtLaporChange.in(t.lang()))
		t.st.Official.Pending = 0
		t.lead = txtLaporRetype.in(t.lang())
		return t.askTotal()
	}
	return t.stale()
}

// askOnline asks how many of the total were served online.
func (t *turn) askOnline() error {
	svc, i, n, p, err := t.laporService()
	if err != nil {
		return err
	}
	t.st.Stage = stageLaporOnline
	lang := t.lang()
	t.say(txtLaporAskOnline.f(lang, i, n, svc.Name.In(lang), p.Label(lang), t.st.Official.Total))
	return nil
}

// takeOnline takes the online count and stores the service's counts.
func (t *turn) takeOnline(s string) error {
	lp := t.st.Official
	online, ok := t.parseCount(s)
	if !ok {
		return t.askOnline()
	}
	if online > lp.Total {
		t.lead = txtLaporOnlineOver.f(t.lang(), online, lp.Total)
		return t.askOnline()
	}
	return t.saveCounts(online)
}

// acceptTotal takes the service's total: the online question follows,
// unless nobody was served (then none online either).
func (t *turn) acceptTotal(n int) error {
	t.st.Official.Total, t.st.Official.Pending = n, 0
	if n == 0 {
		return t.saveCounts(0)
	}
	return t.askOnline()
}

// saveCounts stores the current service's counts and moves to the next
// service, or thanks.
func (t *turn) saveCounts(online int) error {
	lp := t.st.Official
	svc, i, n, p, err := t.laporService()
	if err != nil {
		return err
	}
	err = t.tx.SaveServiceCounts([]storage.ServiceCount{{ServiceCode: svc.Code, PeriodKey: p.Key(), Total: lp.Total, Online: online}})
	if err != nil {
		return fmt.Errorf("lapor: %w", err)
	}
	t.addLead(txtLaporSaved.f(t.lang(), svc.Name.In(t.lang()), lp.Total, online))
	lp.Saved++
	if i < n {
		lp.Index, lp.Total = lp.Index+1, 0
		return t.askTotal()
	}
	opd := lp.OPD
	if c, ok := t.b.opt.Catalog.OPD(lp.OPD); ok {
		opd = c.Name.In(t.lang())
	}
	t.say(txtLaporDone.f(t.lang(), lp.Saved, opd, p.Label(t.lang())))
	t.st.Stage, t.st.Official = stageIdle, nil
	return nil
}

// laporBack answers /kembali in /lapor: from the online count to the
// same service's total, from a total to the previous service's (typed
// again, it replaces the stored one), from the first total to the period.
func (t *turn) laporBack() error {
	lp := t.st.Official
	if lp == nil {
		t.st.Stage = stageIdle
		t.say(txtNothingToDo.in(t.lang()))
		return nil
	}
	switch t.st.Stage {
	case stageLaporOnline, stageLaporConfirm:
		lp.Total, lp.Pending = 0, 0
		return t.askTotal()
	case stageLaporTotal:
		if lp.Index == 0 {
			return t.askLaporPeriod()
		}
		lp.Index, lp.Total = lp.Index-1, 0
		lp.Saved = max(lp.Saved-1, 0)
		return t.askTotal()
	}
	t.lead = txtLaporFirst.in(t.lang())
	return t.askLaporPeriod()
}

// cancelLapor stops the report; the services already stored stay.
func (t *turn) cancelLapor() error {
	saved := 0
	if t.st.Official != nil {
		saved = t.st.Official.Saved
	}
	t.st.Stage, t.st.Official = stageIdle, nil
	t.say(txtLaporCancelled.f(t.lang(), saved))
	return nil
}

// groupedDigits is a whole number written with thousands separators
// ("1.234", "1,234", "1 234").
var groupedDigits = regexp.MustCompile(`^\d{1,3}([.,\s]\d{3})+$`)

// parseCount reads a typed count. A refusal is put in the lead (the
// question is asked again after it) with the reason: not a whole number,
// negative, too large.
func (t *turn) parseCount(s string) (int, bool) {
	s = strings.TrimSpace(s)
	digits := s
	negative := strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−")
	if negative {
		digits = strings.TrimSpace(strings.TrimLeft(s, "-−"))
	}
	if groupedDigits.MatchString(digits) {
		digits = strings.NewReplacer(".", "", ",", "", " ", "").Replace(digits)
	}
	n, err := strconv.Atoi(digits)
	switch {
	case digits == "" || strings.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }):
		t.lead = txtLaporNotWhole.f(t.lang(), s)
	case negative:
		t.lead = txtLaporNegative.f(t.lang(), s)
	case err != nil || n > maxCount:
		t.lead = txtLaporTooLarge.f(t.lang(), s)
	default:
		return n, true
	}
	return 0, false
}
