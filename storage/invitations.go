package storage

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// Invitation is a single-use, expiring, revocable /start inv_<token> link
// bound to one official.
type Invitation struct {
	ID         int64      `gorm:"column:id;primaryKey;autoIncrement"`
	Token      string     `gorm:"column:token"`
	OfficialID int64      `gorm:"column:official_id"`
	CreatedAt  time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	ExpiresAt  time.Time  `gorm:"column:expires_at"`
	UsedAt     *time.Time `gorm:"column:used_at"`
	UsedBy     *int64     `gorm:"column:used_by"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
}

// TableName is the GORM table of Invitation.
func (Invitation) TableName() string { return "official_invitations" }

// InvitationTTL is how long an invitation link works by default.
const InvitationTTL = 30 * 24 * time.Hour

// Why an invitation cannot be used (RedeemInvitation).
var (
	ErrInviteUnknown  = errors.New("unknown invitation")
	ErrInviteUsed     = errors.New("invitation already used")
	ErrInviteExpired  = errors.New("invitation expired")
	ErrInviteRevoked  = errors.New("invitation revoked")
	ErrInviteInactive = errors.New("official no longer on the roster")
	// ErrInviteOtherAccount: this Telegram account is bound to another official.
	ErrInviteOtherAccount = errors.New("telegram account bound to another official")
)

// IssuedInvitation is a new invitation with its official.
type IssuedInvitation struct {
	Invitation
	Official Official
}

// InviteOPD issues one invitation, valid for ttl from now, to every active
// official of the OPD who has not joined yet; their earlier pending
// invitations are revoked, so only the newest link works.
func (s *Store) InviteOPD(ctx context.Context, opd string, ttl time.Duration) ([]IssuedInvitation, error) {
	return inTx(ctx, s, func(tx *Tx) ([]IssuedInvitation, error) {
		var officials []Official
		err := tx.db.Where("opd_code = ? AND active = ? AND telegram_user_id IS NULL", opd, true).Order("name, id").Find(&officials).Error
		if err != nil {
			return nil, fmt.Errorf("invite: %w", err)
		}
		out := make([]IssuedInvitation, 0, len(officials))
		for _, o := range officials {
			inv, err := tx.invite(o, ttl)
			if err != nil {
				return nil, err
			}
			out = append(out, inv)
		}
		return out, nil
	})
}

// InviteNamed is InviteOPD for the one official of the OPD with that name
// (the try-it mode's own official); ErrNotFound when no active official of
// that name is still to join.
func (s *Store) InviteNamed(ctx context.Context, opd, name string, ttl time.Duration) (IssuedInvitation, error) {
	return inTx(ctx, s, func(tx *Tx) (IssuedInvitation, error) {
		var o Official
		err := tx.db.Where("opd_code = ? AND name = ? AND active = ? AND telegram_user_id IS NULL", opd, name, true).Take(&o).Error
		if err != nil {
			return IssuedInvitation{}, fmt.Errorf("invite %s: %w", name, notFound(err))
		}
		return tx.invite(o, ttl)
	})
}

// invite revokes o's pending invitations and issues a new one valid for ttl.
func (tx *Tx) invite(o Official, ttl time.Duration) (IssuedInvitation, error) {
	now := tx.now()
	if err := tx.revokePending(o.ID, now); err != nil {
		return IssuedInvitation{}, err
	}
	inv := Invitation{Token: newToken(), OfficialID: o.ID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := tx.db.Create(&inv).Error; err != nil {
		return IssuedInvitation{}, fmt.Errorf("invite %s: %w", o.Name, err)
	}
	return IssuedInvitation{Invitation: inv, Official: o}, nil
}

// RevokeInvitations revokes the pending invitations of an official and
// returns the official and how many were revoked; ErrNotFound when no
// official has the id.
func (s *Store) RevokeInvitations(ctx context.Context, officialID int64) (Official, int, error) {
	var o Official
	var n int
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := tx.db.Where("id = ?", officialID).Take(&o).Error; err != nil {
			return fmt.Errorf("revoke: official %d: %w", officialID, notFound(err))
		}
		res := tx.db.Model(&Invitation{}).Where("official_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", o.ID, tx.now()).
			Update("revoked_at", tx.now())
		n = int(res.RowsAffected)
		return res.Error
	})
	return o, n, err
}

func (tx *Tx) revokePending(officialID int64, now time.Time) error {
	err := tx.db.Model(&Invitation{}).Where("official_id = ? AND used_at IS NULL AND revoked_at IS NULL", officialID).
		Update("revoked_at", now).Error
	if err != nil {
		return fmt.Errorf("invite: revoke earlier links: %w", err)
	}
	return nil
}

// RedeemInvitation uses an invitation: the Telegram user becomes the
// official's account. It returns the official, or one of the ErrInvite…
// errors and changes nothing. Opening one's own used link again returns
// the official (nothing changes).
func (tx *Tx) RedeemInvitation(token string, telegramUserID int64) (Official, error) {
	var inv Invitation
	err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("token = ?", token).Take(&inv).Error
	if err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			return Official{}, ErrInviteUnknown
		}
		return Official{}, fmt.Errorf("redeem invitation: %w", err)
	}
	var o Official
	if err := tx.db.Where("id = ?", inv.OfficialID).Take(&o).Error; err != nil {
		return Official{}, fmt.Errorf("redeem invitation: %w", err)
	}
	if err := tx.checkRedeem(inv, o, telegramUserID); err != nil {
		return o, err
	}
	if inv.UsedAt != nil { // the same account again
		return o, nil
	}
	now := tx.now()
	if err := tx.updateOne(&Invitation{}, map[string]any{"used_at": now, "used_by": telegramUserID}, "id = ? AND used_at IS NULL", inv.ID); err != nil {
		return Official{}, fmt.Errorf("redeem invitation: %w", err)
	}
	if err := tx.updateOne(&Official{}, map[string]any{"telegram_user_id": telegramUserID, "joined_at": now, "updated_at": now}, "id = ?", o.ID); err != nil {
		return Official{}, fmt.Errorf("redeem invitation: %w", err)
	}
	o.TelegramUserID, o.JoinedAt = &telegramUserID, &now
	return o, nil
}

// checkRedeem says why an invitation cannot bind the account, or nil.
func (tx *Tx) checkRedeem(inv Invitation, o Official, telegramUserID int64) error {
	if inv.UsedAt != nil {
		if inv.UsedBy != nil && *inv.UsedBy == telegramUserID && o.TelegramUserID != nil && *o.TelegramUserID == telegramUserID {
			return nil
		}
		return ErrInviteUsed
	}
	switch {
	case inv.RevokedAt != nil:
		return ErrInviteRevoked
	case !tx.now().Before(inv.ExpiresAt):
		return ErrInviteExpired
	case !o.Active:
		return ErrInviteInactive
	case o.TelegramUserID != nil:
		return ErrInviteUsed
	}
	bound, err := tx.exists(&Official{}, "telegram_user_id = ? AND id <> ?", telegramUserID, o.ID)
	if err != nil {
		return fmt.Errorf("redeem invitation: %w", err)
	}
	if bound {
		return ErrInviteOtherAccount
	}
	return nil
}

// newToken returns 16 random bytes, URL-safe (22 characters).
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// BotSetting returns a remembered bot fact ("" when none).
func (s *Store) BotSetting(ctx context.Context, name string) (string, error) {
	var v []string
	if err := s.db.WithContext(ctx).Table("bot_settings").Where("name = ?", name).Pluck("value", &v).Error; err != nil {
		return "", s.scrub(fmt.Errorf("bot setting %s: %w", name, err))
	}
	if len(v) == 0 {
		return "", nil
	}
	return v[0], nil
}

// SetBotSetting remembers a bot fact (the username from getMe).
func (s *Store) SetBotSetting(ctx context.Context, name, value string) error {
	row := map[string]any{"name": name, "value": value, "updated_at": utcMilli(s.now())}
	err := s.db.WithContext(ctx).Table("bot_settings").Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"})}).Create(row).Error
	return s.scrub(err)
}
