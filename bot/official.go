package bot

import "github.com/kotasolok/egovpulse/survey"

// officialSurvey is the officials' internal usage survey.
const officialSurvey = "asn"

// beginOfficial starts the officials' survey for an OPD (the asn_<opd>
// link): the respondent is marked as an official of that OPD and the
// response is stored under the official audience.
func (t *turn) beginOfficial(opd string) error {
	o, ok := t.b.opt.Catalog.OPD(opd)
	if !ok {
		t.say(txtUnknownOPD.f(t.lang(), opd))
		return nil
	}
	if err := t.tx.SetOfficial(t.st.Key, opd); err != nil {
		return err
	}
	t.st.Flow = flowOfficial
	return t.beginRun([]string{officialSurvey}, "", opd, o.Name)
}

// surveyFlow is the flow a survey of audience a is answered in.
func surveyFlow(a survey.Audience) flowName {
	if a == survey.AudienceOfficial {
		return flowOfficial
	}
	return flowResident
}
