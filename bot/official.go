package bot

import (
	"errors"
	"fmt"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// officialSurvey is the officials' internal usage survey.
const officialSurvey = "asn"

// beginOfficial starts the officials' survey for an OPD (the asn_<opd>
// link, or /status): the respondent is marked as an official and the
// response is stored under the official audience. An official on the
// roster answers for the roster's OPD, whatever OPD a link names; anyone
// else for the link's. Once submitted for the period it is not asked
// again (beginRun says when the next one opens).
func (t *turn) beginOfficial(opd string) error {
	if t.userID() != 0 {
		o, err := t.tx.OfficialByTelegram(t.userID())
		switch {
		case err == nil:
			opd = o.OPDCode
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("begin official survey: %w", err)
		}
	}
	o, ok := t.b.opt.Catalog.OPD(opd)
	if !ok {
		t.say(txtUnknownOPD.f(t.lang(), opd))
		return nil
	}
	if err := t.tx.SetOfficial(t.st.Key, opd); err != nil {
		return err
	}
	t.st.Flow, t.st.Official = flowOfficial, nil
	return t.beginRun([]string{officialSurvey}, "", opd, o.Name)
}

// startOfficialHome answers a plain /start of an official on the roster:
// the status card, from which the asn survey, /lapor or the residents'
// service list are one button away. It reports false (nothing said) for
// anyone not on the roster.
func (t *turn) startOfficialHome() (bool, error) {
	if !t.roles.Has(RoleOfficial) || t.userID() == 0 {
		return false, nil
	}
	o, err := t.tx.OfficialByTelegram(t.userID())
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("official start: %w", err)
	}
	return true, t.showStatus(o)
}

// surveyFlow is the flow a survey of audience a is answered in.
func surveyFlow(a survey.Audience) flowName {
	if a == survey.AudienceOfficial {
		return flowOfficial
	}
	return flowResident
}
