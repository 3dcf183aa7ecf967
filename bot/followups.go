package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// /tindaklanjut: the follow-up items of INDICATORS.md §5. Viewers read
// them; admins set the owner, the action and the due date (a short typed
// reply after a button) and the status (a button).
//
// Buttons are prefixAdmin+btnFollowUp+"<id>:<act>". Like the summary's they
// need no conversation state, carry no nonce and are handled before the
// stage's buttons; the role is checked on every press.
const btnFollowUp = "fu:"

// Follow-up button acts.
const (
	fuShow   = "v"
	fuOwner  = "o"
	fuAction = "a"
	fuDue    = "d"
	fuList   = "l"
	// fuStatus is followed by the status's letter.
	fuStatus = "s"
)

// maxFollowUpsListed bounds the list in one message.
const maxFollowUpsListed = 10

// stageFollowUpText waits for a typed owner, action or due date.
const stageFollowUpText stage = "followup-text"

// adminPart is what only the admin flow keeps: the follow-up field being
// typed.
type adminPart struct {
	FollowUp int64  `json:"follow_up"`
	Field    string `json:"field"` // fuOwner, fuAction or fuDue
}

// statusLetters maps a status button's letter to the status.
var statusLetters = map[string]string{
	"o": storage.FollowUpOpen, "p": storage.FollowUpInProgress, "x": storage.FollowUpDone, "r": storage.FollowUpDropped,
}

func followUpStages() map[stage]stageDef {
	return map[stage]stageDef{
		stageFollowUpText: {prefix: prefixAdmin, side: true, text: (*turn).followUpText,
			prompt: (*turn).askFollowUpText, cancel: (*turn).cancelFollowUpText},
	}
}

// fuData is the callback data of a follow-up button.
func fuData(id int64, act string) string {
	return encodeData(kindNonce, 0, prefixAdmin+btnFollowUp+strconv.FormatInt(id, 10)+":"+act)
}

// cmdFollowUp answers /tindaklanjut [ID]: the open items, or one item.
func (t *turn) cmdFollowUp(arg string) error {
	arg = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(arg), "#"))
	if arg == "" {
		return t.followUpList()
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		t.say(txtFollowUpUsage.f(t.lang(), arg))
		return nil
	}
	return t.showFollowUp(id, false)
}

// followUpList shows the open items, newest quarter first, with a button
// each.
func (t *turn) followUpList() error {
	items, err := t.b.opt.Store.FollowUps(t.ctx, storage.FollowUpFilter{OpenOnly: true})
	if err != nil {
		return err
	}
	lang := t.lang()
	if len(items) == 0 {
		t.say(txtFollowUpNone.in(lang))
		return nil
	}
	shown := items[:min(len(items), maxFollowUpsListed)]
	figs, err := t.b.opt.Store.FollowUpFigures(t.ctx, shown, t.b.opt.Location)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(txtFollowUpTitle.f(lang, len(items)))
	var rows [][]sender.Button
	var row []sender.Button
	for _, f := range shown {
		b.WriteString("\n\n" + t.followUpText1(f, figs[f.ID]))
		row = append(row, sender.DataButton(fmt.Sprintf("#%d", f.ID), fuData(f.ID, fuShow)))
		if len(row) == 5 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if len(items) > len(shown) {
		b.WriteString("\n\n" + txtFollowUpMore.f(lang, len(items)-len(shown)))
	}
	t.ask(b.String(), rows)
	return nil
}

// followUpText1 describes one item in a few lines.
func (t *turn) followUpText1(f storage.FollowUp, fig storage.FollowUpFigure) string {
	lang := t.lang()
	svc, opd := f.ServiceCode, f.OPDCode
	if s, ok := t.b.opt.Catalog.Service(f.ServiceCode); ok {
		svc = s.Name.In(lang)
	}
	if o, ok := t.b.opt.Catalog.OPD(f.OPDCode); ok {
		opd = o.Name.In(lang)
	}
	unsur := f.Element
	for _, e := range scoring.Unsur() {
		if e.Key == f.Element {
			unsur = e.Name.In(lang)
		}
	}
	q, nextLabel := f.PeriodKey, fig.Period.Key()
	if p, err := survey.ParsePeriodKey(f.PeriodKey, t.b.opt.Location); err == nil {
		q, nextLabel = p.Label(lang), p.Next().Label(lang)
	}
	then := scoring.FormatNumber(f.Score, 2, lang) + " " + f.Mutu
	next := txtFollowUpNoFigure.in(lang)
	if fig.Valid {
		next = fmt.Sprintf("%s %s (n %d)", scoring.FormatNumber(fig.Score, 2, lang), fig.Mutu, fig.N)
	}
	lines := []string{
		fmt.Sprintf("#%d %s — %s", f.ID, opd, svc),
		txtFollowUpUnsur.f(lang, unsur, then, q, nextLabel, next),
		txtFollowUpWho.f(lang, orDash(f.Owner), orDash(f.Action), dueOf(f.DueDate), statusName(f.Status, lang)),
	}
	if f.Overdue(t.now(), t.b.opt.Location) {
		lines = append(lines, txtFollowUpOverdue.in(lang))
	}
	return strings.Join(lines, "\n")
}

// showFollowUp shows one item, with its buttons for an admin; inPlace
// edits the pressed message.
func (t *turn) showFollowUp(id int64, inPlace bool) error {
	f, err := t.b.opt.Store.FollowUp(t.ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		t.say(txtFollowUpUnknown.f(t.lang(), id))
		return nil
	}
	if err != nil {
		return err
	}
	return t.followUpCard(f, inPlace)
}

// followUpCard shows f with the buttons an admin may use.
func (t *turn) followUpCard(f storage.FollowUp, inPlace bool) error {
	figs, err := t.b.opt.Store.FollowUpFigures(t.ctx, []storage.FollowUp{f}, t.b.opt.Location)
	if err != nil {
		return err
	}
	lang := t.lang()
	text := t.followUpText1(f, figs[f.ID])
	var kb [][]sender.Button
	if t.lookUpRoles().Has(RoleAdmin | RoleSuperadmin) {
		kb = [][]sender.Button{
			{sender.DataButton(txtFuBtnOwner.in(lang), fuData(f.ID, fuOwner)), sender.DataButton(txtFuBtnAction.in(lang), fuData(f.ID, fuAction)),
				sender.DataButton(txtFuBtnDue.in(lang), fuData(f.ID, fuDue))},
			{sender.DataButton(txtFuBtnProgress.in(lang), fuData(f.ID, fuStatus+"p")), sender.DataButton(txtFuBtnDone.in(lang), fuData(f.ID, fuStatus+"x")),
				sender.DataButton(txtFuBtnDrop.in(lang), fuData(f.ID, fuStatus+"r"))},
			{sender.DataButton(txtFuBtnList.in(lang), fuData(f.ID, fuList))},
		}
	}
	if inPlace {
		t.edit(text, kb)
	} else {
		t.ask(text, kb)
	}
	return nil
}

// followUpButton handles a follow-up button (token after the prefix):
// showing needs an admin role, changing needs admin or superadmin; a
// refusal is a toast and a log entry without the data.
func (t *turn) followUpButton(token string) error {
	idText, act, ok := strings.Cut(token, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 || act == "" {
		return t.stale()
	}
	changes := act != fuShow && act != fuList
	if !t.roles.Has(roleAdmins) || changes && !t.roles.Has(RoleAdmin|RoleSuperadmin) {
		t.b.log.Warn("button refused", "kind", "follow-up", "user_id", t.userID())
		t.cbToast = txtNotAllowed.in(t.lang())
		return nil
	}
	switch {
	case act == fuShow:
		return t.showFollowUp(id, false)
	case act == fuList:
		return t.followUpList()
	case act == fuOwner || act == fuAction || act == fuDue:
		if _, err := t.b.opt.Store.FollowUp(t.ctx, id); err != nil {
			return t.stale()
		}
		t.st.Admin = &adminPart{FollowUp: id, Field: act}
		t.enter(stageFollowUpText)
		return t.askFollowUpText()
	case strings.HasPrefix(act, fuStatus):
		status, ok := statusLetters[strings.TrimPrefix(act, fuStatus)]
		if !ok {
			return t.stale()
		}
		f, err := t.tx.UpdateFollowUp(id, storage.FollowUpChange{Status: &status, By: t.userID()})
		if errors.Is(err, storage.ErrNotFound) {
			return t.stale()
		}
		if err != nil {
			return err
		}
		t.cbToast = txtFollowUpSaved.in(t.lang())
		return t.followUpCard(f, true)
	}
	return t.stale()
}

// askFollowUpText asks for the owner, the action or the due date.
func (t *turn) askFollowUpText() error {
	a, lang := t.st.Admin, t.lang()
	if a == nil {
		t.leave()
		return t.prompt()
	}
	ask := map[string]msg{fuOwner: txtFuAskOwner, fuAction: txtFuAskAction, fuDue: txtFuAskDue}[a.Field]
	t.say(ask.f(lang, a.FollowUp))
	return nil
}

// followUpText takes the typed owner, action or due date; a bad one is
// refused with the reason and asked again.
func (t *turn) followUpText(s string) error {
	a, lang := t.st.Admin, t.lang()
	if a == nil {
		t.leave()
		return t.prompt()
	}
	if !t.lookUpRoles().Has(RoleAdmin | RoleSuperadmin) { // the role went while typing
		t.b.log.Warn("follow-up change refused", "user_id", t.userID())
		t.st.Admin = nil
		t.leave()
		t.say(txtNotAllowed.in(lang))
		return nil
	}
	s = strings.TrimSpace(s)
	c := storage.FollowUpChange{By: t.userID()}
	switch a.Field {
	case fuOwner:
		c.Owner = &s
	case fuAction:
		c.Action = &s
	case fuDue:
		d, ok := survey.ParseDate(s)
		if !ok {
			t.say(txtFuBadDate.f(lang, s))
			return nil
		}
		c.DueDate = &d
	}
	f, err := t.tx.UpdateFollowUp(a.FollowUp, c)
	switch {
	case errors.Is(err, storage.ErrFollowUpText):
		limit := storage.MaxFollowUpOwner
		if a.Field == fuAction {
			limit = storage.MaxFollowUpAction
		}
		t.say(txtFuBadText.f(lang, limit))
		return nil
	case errors.Is(err, storage.ErrNotFound):
		t.st.Admin = nil
		t.leave()
		t.say(txtFollowUpUnknown.f(lang, a.FollowUp))
		return nil
	case err != nil:
		return err
	}
	t.st.Admin = nil
	t.leave()
	t.addLead(txtFollowUpSaved.in(lang))
	return t.followUpCard(f, false)
}

// cancelFollowUpText leaves the typed reply: nothing changes.
func (t *turn) cancelFollowUpText() error {
	t.st.Admin = nil
	t.leave()
	t.say(txtFuCancelled.in(t.lang()))
	return nil
}

// lookUpRoles returns the user's roles, looking them up when the turn
// started without (a typed message needs none, except here).
func (t *turn) lookUpRoles() Role {
	if !t.roles.Has(^RoleResident) {
		t.roles = t.b.rolesOf(t.ctx, t.userID())
	}
	return t.roles
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func dueOf(d *time.Time) string {
	if d == nil {
		return "-"
	}
	return d.Format("02-01-2006")
}

// statusName names a follow-up status for people.
func statusName(status, lang string) string {
	names := map[string]msg{
		storage.FollowUpOpen: {"terbuka", "open"}, storage.FollowUpInProgress: {"berjalan", "in progress"},
		storage.FollowUpDone: {"selesai", "done"}, storage.FollowUpDropped: {"dibatalkan", "dropped"},
	}
	if m, ok := names[status]; ok {
		return m.in(lang)
	}
	return status
}

// Texts of /tindaklanjut.
var (
	txtFollowUpUsage    = msg{"%q bukan nomor tindak lanjut. Ketik /tindaklanjut untuk daftarnya, atau /tindaklanjut 12 untuk satu butir.", "%q is not a follow-up number. Type /followup for the list, or /followup 12 for one item."}
	txtFollowUpNone     = msg{"Tidak ada tindak lanjut terbuka. Butir baru dibuka tiap triwulan untuk layanan yang unsur terendahnya bermutu C atau D.", "No open follow-ups. New items open each quarter for services whose lowest unsur is in band C or D."}
	txtFollowUpTitle    = msg{"📌 Tindak lanjut terbuka: %d", "📌 Open follow-ups: %d"}
	txtFollowUpMore     = msg{"… dan %d lainnya (lihat egovpulse followups list).", "… and %d more (see egovpulse followups list)."}
	txtFollowUpUnsur    = msg{"%s: %s (%s) → %s: %s", "%s: %s (%s) → %s: %s"}
	txtFollowUpNoFigure = msg{"belum ada angka", "no figure yet"}
	txtFollowUpWho      = msg{"Pemilik: %s · Tindakan: %s · Tenggat: %s · Status: %s", "Owner: %s · Action: %s · Due: %s · Status: %s"}
	txtFollowUpOverdue  = msg{"⚠️ Lewat tenggat", "⚠️ Overdue"}
	txtFollowUpUnknown  = msg{"Tidak ada tindak lanjut #%d.", "There is no follow-up #%d."}
	txtFollowUpSaved    = msg{"✓ Tersimpan.", "✓ Saved."}
	txtFuBtnOwner       = msg{"👤 Pemilik", "👤 Owner"}
	txtFuBtnAction      = msg{"📝 Tindakan", "📝 Action"}
	txtFuBtnDue         = msg{"📅 Tenggat", "📅 Due date"}
	txtFuBtnProgress    = msg{"▶️ Berjalan", "▶️ In progress"}
	txtFuBtnDone        = msg{"✅ Selesai", "✅ Done"}
	txtFuBtnDrop        = msg{"✖️ Batalkan", "✖️ Drop"}
	txtFuBtnList        = msg{"« Daftar", "« List"}
	txtFuAskOwner       = msg{"Siapa pemilik (penanggung jawab) tindak lanjut #%d? Ketik nama atau jabatannya. /batal untuk batal.", "Who owns follow-up #%d? Type a name or position. /cancel to stop."}
	txtFuAskAction      = msg{"Apa tindakan untuk tindak lanjut #%d? Ketik singkat. /batal untuk batal.", "What is the action for follow-up #%d? Type it briefly. /cancel to stop."}
	txtFuAskDue         = msg{"Kapan tenggat tindak lanjut #%d? Ketik tanggalnya, misalnya 31-01-2027. /batal untuk batal.", "When is follow-up #%d due? Type the date, e.g. 31-01-2027. /cancel to stop."}
	txtFuBadDate        = msg{"%q bukan tanggal. Ketik seperti 31-01-2027.", "%q is not a date. Type it like 31-01-2027."}
	txtFuBadText        = msg{"Teks kosong atau terlalu panjang (paling banyak %d karakter). Ketik lagi.", "The text is empty or too long (at most %d characters). Type it again."}
	txtFuCancelled      = msg{"Baik, tindak lanjut tidak diubah.", "All right, the follow-up is unchanged."}
)
