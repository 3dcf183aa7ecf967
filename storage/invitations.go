package storage

import "time"

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
