package bot

import (
	"fmt"

	"github.com/kotasolok/egovpulse/survey"
)

// commonStages are the stages every audience shares: consent, idle, and
// the language and delete side prompts.
func commonStages() map[stage]stageDef {
	return map[stage]stageDef{
		stageNew: {
			text:   func(t *turn, _ string) error { return t.cmdStart("") },
			prompt: func(t *turn) error { t.askConsent(); return nil },
		},
		stageConsent: {
			prefix: prefixCommon,
			text: func(t *turn, _ string) error {
				t.say(txtConsentNeeded.in(t.lang()))
				t.askConsent()
				return nil
			},
			button: (*turn).consent,
			prompt: func(t *turn) error { t.askConsent(); return nil },
		},
		stageIdle: {
			text: func(t *turn, _ string) error { t.say(txtNothingToDo.in(t.lang())); return nil },
		},
		stageLang:   {prefix: prefixCommon, button: (*turn).setLang, prompt: (*turn).askLang, side: true},
		stageDelete: {prefix: prefixCommon, button: (*turn).confirmDelete, prompt: (*turn).askDelete, side: true},
	}
}

// cmdStart handles /start with its deep-link payload.
func (t *turn) cmdStart(arg string) error {
	if t.roles.Has(RoleOfficial) {
		t.menuRoles = t.roles // the officials' menu in this chat (official_menu.go)
	}
	p := parseStart(arg)
	if msg, ok, err := t.checkStart(p); err != nil || !ok {
		if err != nil {
			return err
		}
		t.say(msg)
		return nil
	}
	switch {
	case t.st.Stage == stageSurvey || t.st.Stage == stageResume:
		t.st.Stage = stageResume
		return t.askResume()
	case t.st.Key == "":
		if p.Kind != startNone {
			t.st.Pending = &p
		}
		greet := txtGreeting
		if p.Kind == startOfficial || t.roles.Has(RoleOfficial) {
			greet = txtGreetingOfficial
		}
		t.lead = greet.f(t.lang(), t.firstName())
		t.askConsent()
		return nil
	}
	return t.begin(p)
}

// begin starts what a payload names, once the chat has consented.
func (t *turn) begin(p startPayload) error {
	switch p.Kind {
	case startService:
		return t.beginVisit(p.Code)
	case startOfficial:
		return t.beginOfficial(p.Code)
	}
	if home, err := t.startOfficialHome(); home || err != nil {
		return err
	}
	t.askOPD()
	return nil
}

func (t *turn) firstName() string {
	if t.user == nil {
		return ""
	}
	return t.user.FirstName
}

// askConsent asks for consent under a short privacy notice; the full one
// is a button away.
func (t *turn) askConsent() {
	t.st.Stage = stageConsent
	t.askFlow("consent", prefixCommon, txtPrivacyShort.in(t.lang())+"\n\n"+txtConsentAsk.in(t.lang()), []survey.Option{
		{Token: btnConsentYes, Label: txtConsentYes.in(t.lang())}, {Token: btnConsentNo, Label: txtConsentNo.in(t.lang())},
		{Token: btnPrivacyMore, Label: txtPrivacyMore.in(t.lang())}})
}

func (t *turn) consent(token string) error {
	switch token {
	case btnConsentYes:
		audience := survey.AudienceResident
		if t.st.Pending != nil && t.st.Pending.Kind == startOfficial {
			audience = survey.AudienceOfficial
		}
		key, _, err := t.tx.EnsureRespondent(t.user.ID, t.chatID, t.lang(), string(audience))
		if err != nil {
			return fmt.Errorf("ensure respondent: %w", err)
		}
		if err := t.tx.RecordConsent(key, ConsentTextVersion, t.now()); err != nil {
			return fmt.Errorf("record consent: %w", err)
		}
		t.st.Key, t.st.Stage = key, stageIdle
		p := startPayload{}
		if t.st.Pending != nil {
			p, t.st.Pending = *t.st.Pending, nil
		}
		return t.begin(p)
	case btnConsentNo:
		t.st.Stage, t.st.Pending = stageNew, nil
		t.say(txtConsentDecline.in(t.lang()))
		return nil
	case btnPrivacyMore:
		t.lead = txtPrivacy.in(t.lang())
		t.say("")
		t.askConsent()
		return nil
	}
	return t.stale()
}

func (t *turn) cmdLang(string) error {
	t.enter(stageLang)
	return t.askLang()
}

func (t *turn) askLang() error {
	t.askFlow("lang", prefixCommon, txtPickLang.in(t.lang()), []survey.Option{
		{Token: btnLangID, Label: "🇮🇩 Bahasa Indonesia"}, {Token: btnLangEN, Label: "🇬🇧 English"}})
	return nil
}

func (t *turn) setLang(token string) error {
	lang := map[string]string{btnLangID: survey.LangID, btnLangEN: survey.LangEN}[token]
	if lang == "" {
		return t.stale()
	}
	t.st.Lang = lang
	if t.st.Run != nil {
		t.st.Run.Survey.Lang = lang
	}
	if t.st.Key != "" {
		if err := t.tx.SetLang(t.st.Key, lang); err != nil {
			return fmt.Errorf("set language: %w", err)
		}
	}
	t.closeButtons(txtLangSet.in(lang))
	t.leave()
	return t.prompt()
}

func (t *turn) cmdPrivacy(string) error {
	t.say(txtPrivacy.in(t.lang()))
	return nil
}

func (t *turn) cmdHelp(string) error {
	t.say(helpText(t.b.commands, t.roles, t.lang()))
	return nil
}

func (t *turn) cmdDelete(string) error {
	if key, err := t.storedKey(); err != nil || key == "" {
		if err != nil {
			return err
		}
		t.say(txtNoData.in(t.lang()))
		return nil
	}
	t.enter(stageDelete)
	return t.askDelete()
}

func (t *turn) askDelete() error {
	t.askFlow("delete", prefixCommon, txtDeleteAsk.in(t.lang()), []survey.Option{
		{Token: btnDeleteYes, Label: txtDeleteYes.in(t.lang())}, {Token: btnDeleteNo, Label: txtDeleteNo.in(t.lang())}})
	return nil
}

// surveyCmd is a command that steers the survey being answered.
func surveyCmd(c survey.Command) func(t *turn, arg string) error {
	return func(t *turn, _ string) error {
		switch t.st.Stage {
		case stageSurvey:
			return t.step(survey.Input{Kind: survey.InputCommand, Command: c})
		case stageResume:
			// An interrupted survey: first whether to continue it.
			return t.askResume()
		case stageLaporPeriod, stageLaporTotal, stageLaporConfirm, stageLaporOnline:
			if c == survey.CmdBack {
				return t.laporBack()
			}
		}
		t.say(txtNothingToDo.in(t.lang()))
		return nil
	}
}
