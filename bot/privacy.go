package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kotasolok/egovpulse/storage"
)

// cmdMyData answers /datasaya: what is stored about the respondent.
func (t *turn) cmdMyData(string) error {
	key, err := t.storedKey()
	if err != nil || key == "" {
		if err == nil {
			t.say(txtNoData.in(t.lang()))
		}
		return err
	}
	d, err := t.tx.MyData(key)
	if errors.Is(err, storage.ErrNotFound) {
		t.say(txtNoData.in(t.lang()))
		return nil
	}
	if err != nil {
		return fmt.Errorf("my data: %w", err)
	}
	consent := "-"
	if n := len(d.Consents); n > 0 {
		c := d.Consents[n-1]
		consent = c.TextVersion + ", " + c.GivenAt.In(t.b.opt.Location).Format("02-01-2006 15:04")
	}
	var lines strings.Builder
	for _, r := range d.Responses {
		fmt.Fprintf(&lines, "• %s / %s / %s: %s, %d\n", r.SurveyID, r.ServiceCode, r.PeriodKey, r.Status, len(r.Answers))
	}
	t.say(txtMyData.f(t.lang(), d.Respondent.Key, d.Respondent.Lang, consent, len(d.Responses), lines.String()))
	return nil
}

// confirmDelete handles the /hapusdata confirmation buttons.
func (t *turn) confirmDelete(token string) error {
	switch token {
	case btnDeleteYes:
		key, err := t.storedKey()
		if err != nil {
			return err
		}
		if err := t.tx.DeleteRespondent(key); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("delete respondent: %w", err)
		}
		t.closeButtons(txtDeleteAsk.in(t.lang()) + " " + txtDeleteYes.in(t.lang()))
		t.say(txtDeleted.in(t.lang()))
		fresh := newState(t.st.Lang)
		fresh.Nonce, fresh.LastUpdate = t.st.Nonce, t.st.LastUpdate
		*t.st = *fresh
	case btnDeleteNo:
		t.closeButtons(txtDeleteKept.in(t.lang()))
		t.leave()
		return t.prompt()
	default:
		return t.stale()
	}
	return nil
}

// storedKey is the respondent key of what is stored about the user: the
// chat's, or, before any consent, the one an official's invitation stored
// to reach them (redeemInvite); "" when nothing is stored.
func (t *turn) storedKey() (string, error) {
	if t.st.Key != "" || t.userID() == 0 {
		return t.st.Key, nil
	}
	key, err := t.tx.RespondentKey(t.userID())
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("stored data: %w", err)
	}
	return key, nil
}
