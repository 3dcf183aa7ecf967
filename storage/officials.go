package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Official is one entry of the officials' roster (ASN of an OPD).
type Official struct {
	ID             int64      `gorm:"column:id;primaryKey;autoIncrement"`
	NIP            *string    `gorm:"column:nip"` // nil when the roster gives none
	Name           string     `gorm:"column:name"`
	OPDCode        string     `gorm:"column:opd_code"`
	Level          string     `gorm:"column:level"` // struktural, fungsional, pelaksana
	Role           string     `gorm:"column:role"`  // staff, head, operator
	Phone          string     `gorm:"column:phone"`
	Active         bool       `gorm:"column:active"`
	TelegramUserID *int64     `gorm:"column:telegram_user_id"` // set once an invitation was used
	JoinedAt       *time.Time `gorm:"column:joined_at"`
	CreatedAt      time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt      time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName is the GORM table of Official.
func (Official) TableName() string { return "officials" }

// Official statuses, as `egovpulse officials list` prints them. (Answered
// this period and blocked the bot come with the reminders.)
const (
	OfficialNotInvited = "not invited"
	OfficialInvited    = "invited"
	OfficialJoined     = "joined"
	OfficialInactive   = "inactive"
)

// RosterEntry is one official as a roster file gives it.
type RosterEntry struct {
	NIP, Name, OPDCode, Level, Role, Phone string
}

// RosterImport counts what an import changed.
type RosterImport struct {
	Added, Updated, Deactivated int
}

// ImportRoster applies a whole roster file in one transaction: each entry
// updates the official with its NIP (or, without a NIP match, the one with
// its name and OPD), or adds one; every official the file does not list
// becomes inactive when deactivateMissing (a partial import leaves them
// as they are). The entries must be valid and free of duplicates.
func (s *Store) ImportRoster(ctx context.Context, entries []RosterEntry, deactivateMissing bool) (RosterImport, error) {
	return inTx(ctx, s, func(tx *Tx) (RosterImport, error) {
		var res RosterImport
		var all []Official
		if err := tx.db.Order("id").Find(&all).Error; err != nil {
			return res, fmt.Errorf("import roster: %w", err)
		}
		now := tx.now()
		match := matchRoster(all, entries)
		seen := map[int64]bool{}
		for i, e := range entries {
			o := Official{CreatedAt: now}
			if j := match[i]; j >= 0 {
				o = all[j]
				seen[o.ID] = true
				res.Updated++
			} else {
				res.Added++
			}
			fillOfficial(&o, e, now)
			if err := tx.db.Save(&o).Error; err != nil {
				return res, fmt.Errorf("import roster: %s: %w", e.Name, err)
			}
		}
		for _, o := range all {
			if !deactivateMissing || seen[o.ID] || !o.Active {
				continue
			}
			if err := tx.db.Model(&Official{}).Where("id = ?", o.ID).
				Updates(map[string]any{"active": false, "updated_at": now}).Error; err != nil {
				return res, fmt.Errorf("import roster: %w", err)
			}
			res.Deactivated++
		}
		return res, nil
	})
}

// matchRoster finds the stored official each entry updates (an index
// into all, or -1 for a new one): first every entry with a NIP to the
// official with that NIP, then the others to an unclaimed official with
// the same name (case-insensitive) and OPD and no conflicting NIP.
func matchRoster(all []Official, entries []RosterEntry) []int {
	match := make([]int, len(entries))
	claimed := map[int]bool{}
	for i, e := range entries {
		match[i] = slices.IndexFunc(all, func(o Official) bool { return e.NIP != "" && o.NIP != nil && *o.NIP == e.NIP })
		claimed[match[i]] = true
	}
	for i, e := range entries {
		if match[i] >= 0 {
			continue
		}
		for j, o := range all {
			if !claimed[j] && o.OPDCode == e.OPDCode && strings.EqualFold(o.Name, e.Name) && (e.NIP == "" || o.NIP == nil) {
				match[i], claimed[j] = j, true
				break
			}
		}
	}
	return match
}

func fillOfficial(o *Official, e RosterEntry, now time.Time) {
	if e.NIP != "" {
		nip := e.NIP
		o.NIP = &nip
	}
	o.Name, o.OPDCode, o.Level, o.Role, o.Phone = e.Name, e.OPDCode, e.Level, e.Role, e.Phone
	o.Active, o.UpdatedAt = true, now
}

// OfficialRow is an official with its status for the roster listing.
type OfficialRow struct {
	Official
	Status string
}

// Officials lists the roster (of one OPD when opd is not empty) by OPD and
// name, with each official's status at now.
func (s *Store) Officials(ctx context.Context, opd string, now time.Time) ([]OfficialRow, error) {
	db := s.db.WithContext(ctx).Order("opd_code, name, id")
	if opd != "" {
		db = db.Where("opd_code = ?", opd)
	}
	var all []Official
	if err := db.Find(&all).Error; err != nil {
		return nil, s.scrub(fmt.Errorf("officials: %w", err))
	}
	var invited []int64
	err := s.db.WithContext(ctx).Model(&Invitation{}).Distinct("official_id").
		Where("used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", utcMilli(now)).Pluck("official_id", &invited).Error
	if err != nil {
		return nil, s.scrub(fmt.Errorf("officials: %w", err))
	}
	pending := map[int64]bool{}
	for _, id := range invited {
		pending[id] = true
	}
	out := make([]OfficialRow, len(all))
	for i, o := range all {
		out[i] = OfficialRow{Official: o, Status: officialStatus(o, pending[o.ID])}
	}
	return out, nil
}

func officialStatus(o Official, pendingInvitation bool) string {
	switch {
	case !o.Active:
		return OfficialInactive
	case o.TelegramUserID != nil:
		return OfficialJoined
	case pendingInvitation:
		return OfficialInvited
	}
	return OfficialNotInvited
}

// RosterHeadcount returns the number of active officials per OPD code
// (OPDs without any are absent).
func (s *Store) RosterHeadcount(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		OPDCode string
		N       int
	}
	err := s.db.WithContext(ctx).Model(&Official{}).Select("opd_code, COUNT(*) AS n").
		Where("active = ?", true).Group("opd_code").Scan(&rows).Error
	if err != nil {
		return nil, s.scrub(fmt.Errorf("roster headcount: %w", err))
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.OPDCode] = r.N
	}
	return out, nil
}
