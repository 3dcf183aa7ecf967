package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// maxFailureText bounds the stored error text (bytes).
const maxFailureText = 4000

// UpdateFailure is one failed attempt at applying a Telegram update.
type UpdateFailure struct {
	UpdateID int64
	// ChatID and UserID are the update's chat and sender (0 when none).
	ChatID, UserID int64
	// Update is the update's JSON.
	Update []byte
	// Error is the failure's text, already free of secrets.
	Error string
}

// DeadLetter is a row of dead_letters: an update that failed with a
// non-transient error, its attempts so far and, once set aside, when.
type DeadLetter struct {
	UpdateID      int64      `gorm:"column:update_id;primaryKey;autoIncrement:false" json:"update_id"`
	ChatID        int64      `gorm:"column:chat_id" json:"chat_id"`
	UserID        int64      `gorm:"column:user_id" json:"user_id"`
	Update        string     `gorm:"column:update_json" json:"update"`
	Error         string     `gorm:"column:error" json:"error"`
	Attempts      int        `gorm:"column:attempts" json:"attempts"`
	FirstFailedAt time.Time  `gorm:"column:first_failed_at" json:"first_failed_at"`
	FailedAt      time.Time  `gorm:"column:failed_at" json:"failed_at"`
	DeadAt        *time.Time `gorm:"column:dead_at" json:"dead_at,omitempty"`
}

// TableName is the GORM table of DeadLetter.
func (DeadLetter) TableName() string { return "dead_letters" }

// RecordFailure counts one failed attempt at an update (across processes:
// the count is a row of dead_letters) and keeps the newest error text.
// Once the update has failed limit times it is set aside in the same
// transaction: dead_at is set and its update_id is recorded in
// processed_updates, so that a redelivery of it is taken as already applied
// (ApplyUpdate returns ErrUpdateSeen) and intake goes on past it. It returns
// the attempts counted and whether the update is now set aside; an error
// wrapping ErrUpdateSeen when the update was committed meanwhile (nothing is
// then recorded). Call it only for failures that are not transient (see
// IsTransient).
func (s *Store) RecordFailure(ctx context.Context, f UpdateFailure, limit int) (attempts int, dead bool, err error) {
	if limit < 1 {
		return 0, false, fmt.Errorf("record failure of update %d: limit %d, want at least 1", f.UpdateID, limit)
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		now := tx.now()
		text := failureText(f.Error)
		row := DeadLetter{UpdateID: f.UpdateID, ChatID: f.ChatID, UserID: f.UserID, Update: string(f.Update),
			Error: text, Attempts: 1, FirstFailedAt: now, FailedAt: now}
		err := tx.db.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "update_id"}},
			DoUpdates: clause.Assignments(map[string]any{
				"attempts": gorm.Expr("attempts + 1"), "error": text, "failed_at": now,
			}),
		}).Create(&row).Error
		if err != nil {
			return fmt.Errorf("count the failure: %w", err)
		}
		var got DeadLetter
		if err := tx.db.Where("update_id = ?", f.UpdateID).Take(&got).Error; err != nil {
			return fmt.Errorf("read the failure count: %w", err)
		}
		attempts, dead = got.Attempts, got.DeadAt != nil
		if dead || attempts < limit {
			return nil
		}
		if err := tx.setAside(f.UpdateID, now); err != nil {
			return err
		}
		dead = true
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("record failure of update %d: %w", f.UpdateID, err)
	}
	return attempts, dead, nil
}

// setAside marks a counted update dead and records it as processed.
func (tx *Tx) setAside(updateID int64, now time.Time) error {
	err := tx.db.Exec("INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)", updateID, now).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrUpdateSeen
	}
	if err != nil {
		return fmt.Errorf("record as processed: %w", err)
	}
	if err := tx.updateOne(&DeadLetter{}, map[string]any{"dead_at": now}, "update_id = ?", updateID); err != nil {
		return fmt.Errorf("set aside: %w", err)
	}
	return nil
}

// failureText makes an error text storable: valid UTF-8, at most
// maxFailureText bytes, cut at a character boundary.
func failureText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxFailureText {
		return s
	}
	cut := maxFailureText
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut]
}

// utf8Start reports whether b begins a UTF-8 character.
func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// DeadLetters returns the updates set aside, newest first, at most limit
// (all when limit <= 0).
func (s *Store) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	q := s.db.WithContext(ctx).Where("dead_at IS NOT NULL").Order("dead_at DESC, update_id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var out []DeadLetter
	if err := q.Find(&out).Error; err != nil {
		return nil, s.scrub(fmt.Errorf("dead letters: %w", err))
	}
	return out, nil
}

// PurgeDeadLetters deletes the dead_letters rows (set aside or still
// counting) whose last failure is before t, and returns how many went.
// Their update JSON holds the sender's Telegram id and name, so they are
// not kept for long; a count older than Telegram's 24 h redelivery window
// counts nothing.
func (s *Store) PurgeDeadLetters(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("failed_at < ?", utcMilli(before)).Delete(&DeadLetter{})
	if res.Error != nil {
		return 0, s.scrub(fmt.Errorf("purge dead letters: %w", res.Error))
	}
	return res.RowsAffected, nil
}
