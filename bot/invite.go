package bot

import (
	"errors"
	"fmt"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// Answers to /start inv_<token>.
var (
	txtInviteJoined = msg{"Terima kasih, %s. Akun Telegram ini kini terhubung sebagai petugas %s. Pengingat survei internal akan dikirim ke sini. Ketik /status untuk melihat yang perlu Anda isi.",
		"Thank you, %s. This Telegram account is now linked to you as an official of %s. Internal survey reminders will come here. Type /status to see what is due."}
	txtInviteUnknown = msg{"Tautan undangan ini tidak dikenal. Mohon periksa tautannya atau minta yang baru ke Diskominfo.",
		"This invitation link is not known. Please check it or ask Diskominfo for a new one."}
	txtInviteUsed = msg{"Tautan undangan ini sudah digunakan. Setiap tautan hanya berlaku sekali; minta yang baru ke Diskominfo bila perlu.",
		"This invitation link was already used. Each link works once; ask Diskominfo for a new one if needed."}
	txtInviteExpired = msg{"Tautan undangan ini sudah kedaluwarsa. Mohon minta tautan baru ke Diskominfo.",
		"This invitation link has expired. Please ask Diskominfo for a new one."}
	txtInviteRevoked = msg{"Tautan undangan ini sudah dibatalkan. Mohon gunakan tautan terbaru dari Diskominfo.",
		"This invitation link was cancelled. Please use the newest link from Diskominfo."}
	txtInviteInactive = msg{"Nama pada undangan ini tidak lagi tercantum dalam daftar petugas. Mohon hubungi Diskominfo.",
		"The official this invitation names is no longer on the roster. Please contact Diskominfo."}
	txtInviteOther = msg{"Akun Telegram ini sudah terhubung dengan petugas lain. Undangan ini tidak dapat digunakan dengan akun ini.",
		"This Telegram account is already linked to another official. This invitation cannot be used with it."}
)

// redeemInvite binds the sender's Telegram account to the official the
// invitation names, in the turn's transaction, and returns the answer; the
// chat is remembered (its identity) so that reminders reach it. A link
// that cannot be used binds nothing and says why.
func (t *turn) redeemInvite(token string) (string, error) {
	if t.tx == nil || t.userID() == 0 {
		return txtInviteUnknown.in(t.lang()), nil
	}
	o, err := t.tx.RedeemInvitation(token, t.userID())
	refusals := map[error]msg{
		storage.ErrInviteUnknown: txtInviteUnknown, storage.ErrInviteUsed: txtInviteUsed,
		storage.ErrInviteExpired: txtInviteExpired, storage.ErrInviteRevoked: txtInviteRevoked,
		storage.ErrInviteInactive: txtInviteInactive, storage.ErrInviteOtherAccount: txtInviteOther,
	}
	for sentinel, m := range refusals {
		if errors.Is(err, sentinel) {
			return m.in(t.lang()), nil
		}
	}
	if err != nil {
		return "", err
	}
	// The chat the official is reached in (reminders, storage.Dues): the
	// identity, under a respondent of the roster's OPD. No consent is
	// recorded: answering a survey still asks for it first.
	key, _, err := t.tx.EnsureRespondent(t.userID(), t.chatID, t.lang(), string(survey.AudienceOfficial))
	if err != nil {
		return "", fmt.Errorf("redeem invitation: %w", err)
	}
	if err := t.tx.SetOfficial(key, o.OPDCode); err != nil {
		return "", fmt.Errorf("redeem invitation: %w", err)
	}
	t.menuRoles = t.roles | RoleOfficial
	opd := o.OPDCode
	if c, ok := t.b.opt.Catalog.OPD(o.OPDCode); ok {
		opd = c.Name.In(t.lang())
	}
	return txtInviteJoined.f(t.lang(), o.Name, opd), nil
}
