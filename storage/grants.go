package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Roles a superadmin may grant in chat.
const (
	GrantViewer = "viewer"
	GrantAdmin  = "admin"
)

// ErrBadGrant: a grant names a role that cannot be granted.
var ErrBadGrant = errors.New("storage: unknown role to grant")

// AdminGrant is a row of admin_grants: a role granted to a Telegram user
// (by numeric id) by a superadmin, and its revocation. Rows are kept after
// revocation as the record of who granted what and when.
type AdminGrant struct {
	ID        int64      `gorm:"column:id;primaryKey;autoIncrement" json:"id"`
	UserID    int64      `gorm:"column:user_id" json:"user_id"`
	Role      string     `gorm:"column:role" json:"role"`
	GrantedBy int64      `gorm:"column:granted_by" json:"granted_by"`
	GrantedAt time.Time  `gorm:"column:granted_at" json:"granted_at"`
	RevokedAt *time.Time `gorm:"column:revoked_at" json:"revoked_at,omitempty"`
	RevokedBy *int64     `gorm:"column:revoked_by" json:"revoked_by,omitempty"`
}

// TableName is the GORM table of AdminGrant.
func (AdminGrant) TableName() string { return "admin_grants" }

// GrantRole gives userID the role (GrantViewer or GrantAdmin) on behalf of
// by, in one transaction: a grant in force is revoked (by the same
// granter) and the new one recorded. It returns ErrBadGrant for another
// role. Who may grant is the caller's check.
func (s *Store) GrantRole(ctx context.Context, userID int64, role string, by int64) (AdminGrant, error) {
	return inTx(ctx, s, func(tx *Tx) (AdminGrant, error) { return tx.GrantRole(userID, role, by) })
}

// GrantRole is Store.GrantRole inside a transaction (a chat turn's).
func (tx *Tx) GrantRole(userID int64, role string, by int64) (AdminGrant, error) {
	if role != GrantViewer && role != GrantAdmin {
		return AdminGrant{}, fmt.Errorf("grant %q to %d: %w", role, userID, ErrBadGrant)
	}
	now := tx.now()
	if _, err := tx.revokeGrant(userID, by, now); err != nil {
		return AdminGrant{}, err
	}
	g := AdminGrant{UserID: userID, Role: role, GrantedBy: by, GrantedAt: now}
	if err := tx.db.Create(&g).Error; err != nil {
		return AdminGrant{}, fmt.Errorf("grant %s to %d: %w", role, userID, err)
	}
	return g, nil
}

// RevokeRole ends the grant in force of userID on behalf of by; it returns
// ErrNotFound when the user has none.
func (s *Store) RevokeRole(ctx context.Context, userID, by int64) error {
	return s.scrub(s.Tx(ctx, func(tx *Tx) error { return tx.RevokeRole(userID, by) }))
}

// RevokeRole is Store.RevokeRole inside a transaction (a chat turn's).
func (tx *Tx) RevokeRole(userID, by int64) error {
	n, err := tx.revokeGrant(userID, by, tx.now())
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("revoke the role of %d: %w", userID, ErrNotFound)
	}
	return nil
}

// revokeGrant ends userID's grants in force; it returns how many.
func (tx *Tx) revokeGrant(userID, by int64, at time.Time) (int64, error) {
	res := tx.db.Model(&AdminGrant{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Updates(map[string]any{"revoked_at": at, "revoked_by": by})
	if res.Error != nil {
		return 0, fmt.Errorf("revoke the role of %d: %w", userID, res.Error)
	}
	return res.RowsAffected, nil
}

// ActiveGrants lists the grants in force, oldest first.
func (s *Store) ActiveGrants(ctx context.Context) ([]AdminGrant, error) {
	out, err := (&Tx{s: s, db: s.db.WithContext(ctx)}).ActiveGrants()
	return out, s.scrub(err)
}

// ActiveGrants is Store.ActiveGrants inside a transaction.
func (tx *Tx) ActiveGrants() ([]AdminGrant, error) {
	out := []AdminGrant{}
	err := tx.db.Where("revoked_at IS NULL").Order("granted_at, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("active grants: %w", err)
	}
	return out, nil
}

// GrantedRole returns the role granted to userID and in force; ErrNotFound
// when none.
func (s *Store) GrantedRole(ctx context.Context, userID int64) (string, error) {
	var g AdminGrant
	err := s.db.WithContext(ctx).Where("user_id = ? AND revoked_at IS NULL", userID).Order("id DESC").Take(&g).Error
	if err != nil {
		return "", s.scrub(fmt.Errorf("granted role of %d: %w", userID, notFound(err)))
	}
	return g.Role, nil
}

// Recipients returns the ids of static (the superadmins of
// ADMIN_TELEGRAM_IDS) and of every user granted one of roles in chat, in
// that order, each once: who gets Diskominfo's digests and pushes.
func (s *Store) Recipients(ctx context.Context, static []int64, roles ...string) ([]int64, error) {
	grants, err := s.ActiveGrants(ctx)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(static)
	for _, g := range grants {
		if slices.Contains(roles, g.Role) && !slices.Contains(out, g.UserID) {
			out = append(out, g.UserID)
		}
	}
	return out, nil
}
