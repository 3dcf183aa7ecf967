package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outbox row states (see migration 0009). Pending, claimed and sending rows
// are still owed; the others are terminal.
const (
	OutboxPending = "pending" // waiting for a drainer (from not_before on)
	OutboxClaimed = "claimed" // held by a drainer until lease_until, not tried yet
	OutboxSending = "sending" // the request may be on the wire
	OutboxSent    = "sent"    // Telegram took it
	OutboxBlocked = "blocked" // 403 / chat not found: the user blocked the bot
	OutboxFailed  = "failed"  // given up; reason says why
	OutboxUnknown = "unknown" // may or may not have arrived: never resent blindly
)

// ReasonLeaseExpired is the reason of a row found "sending" after its
// drainer's lease ran out: the process died with the request possibly
// delivered, so the row is not sent again.
const ReasonLeaseExpired = "drainer stopped while the request may have been on the wire"

// OutboxRow is a row of outbox: one outgoing message to one recipient for
// one (kind, slot), unique.
type OutboxRow struct {
	ID          int64      `gorm:"column:id;primaryKey"`
	Recipient   int64      `gorm:"column:recipient"`
	Kind        string     `gorm:"column:kind"`
	Slot        string     `gorm:"column:slot"`
	MessageJSON string     `gorm:"column:message_json"`
	State       string     `gorm:"column:state"`
	Attempts    int        `gorm:"column:attempts"`
	NotBefore   time.Time  `gorm:"column:not_before"`
	LeaseOwner  string     `gorm:"column:lease_owner"`
	LeaseUntil  *time.Time `gorm:"column:lease_until"`
	SentTo      int64      `gorm:"column:sent_to"`    // the chat it went to (a migrated group's new id)
	MessageID   int64      `gorm:"column:message_id"` // Telegram's id of the sent message
	Reason      string     `gorm:"column:reason"`
	CreatedAt   time.Time  `gorm:"column:created_at"`
	UpdatedAt   time.Time  `gorm:"column:updated_at"`
}

// TableName is the GORM table of OutboxRow.
func (OutboxRow) TableName() string { return "outbox" }

// EnqueueOutbox adds a pending message for (recipient, kind, slot) in the
// transaction (a job's, with its job_runs row). A row already there for
// the three is kept as it is and added reports false.
func (tx *Tx) EnqueueOutbox(recipient int64, kind, slot, messageJSON string) (added bool, err error) {
	now := tx.now()
	row := OutboxRow{Recipient: recipient, Kind: kind, Slot: slot, MessageJSON: messageJSON,
		State: OutboxPending, NotBefore: now, CreatedAt: now, UpdatedAt: now}
	res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return false, fmt.Errorf("outbox %s %s to %d: %w", kind, slot, recipient, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// ClaimOutbox gives owner a lease until leaseUntil on at most limit
// pending rows due at now, oldest first, and returns them. Concurrent
// claimers never get the same row.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]OutboxRow, error) {
	now, leaseUntil = utcMilli(now), utcMilli(leaseUntil)
	var ids []int64
	db := s.db.WithContext(ctx)
	err := db.Model(&OutboxRow{}).Where("state = ? AND not_before <= ?", OutboxPending, now).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return nil, s.scrub(wrapIf(err, "claim outbox"))
	}
	err = db.Model(&OutboxRow{}).Where("id IN ? AND state = ?", ids, OutboxPending).
		Updates(map[string]any{"state": OutboxClaimed, "lease_owner": owner, "lease_until": leaseUntil, "updated_at": now}).Error
	if err != nil {
		return nil, s.scrub(fmt.Errorf("claim outbox: %w", err))
	}
	var rows []OutboxRow
	err = db.Where("id IN ? AND state = ? AND lease_owner = ?", ids, OutboxClaimed, owner).Order("id").Find(&rows).Error
	return rows, s.scrub(wrapIf(err, "claim outbox"))
}

// RecoverOutbox settles the rows of drainers whose lease ran out before
// now: a claimed row (never tried) is pending again; a sending row is
// unknown (ReasonLeaseExpired), as Telegram may have delivered it.
func (s *Store) RecoverOutbox(ctx context.Context, now time.Time) (requeued, unknown int64, err error) {
	now = utcMilli(now)
	err = s.Tx(ctx, func(tx *Tx) error {
		res := tx.db.Model(&OutboxRow{}).Where("state = ? AND lease_until < ?", OutboxClaimed, now).
			Updates(map[string]any{"state": OutboxPending, "lease_owner": "", "lease_until": nil, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("recover outbox: %w", res.Error)
		}
		requeued = res.RowsAffected
		res = tx.db.Model(&OutboxRow{}).Where("state = ? AND lease_until < ?", OutboxSending, now).
			Updates(map[string]any{"state": OutboxUnknown, "reason": ReasonLeaseExpired, "updated_at": now})
		unknown = res.RowsAffected
		return wrapIf(res.Error, "recover outbox")
	})
	return requeued, unknown, err
}

// MarkOutboxSending records that owner is about to send row id (its
// attempt counted, its lease extended to leaseUntil). ErrNotFound means
// owner no longer holds the row: it must not be sent.
func (s *Store) MarkOutboxSending(ctx context.Context, id int64, owner string, now, leaseUntil time.Time) error {
	err := s.session(ctx).updateOne(&OutboxRow{}, map[string]any{"state": OutboxSending,
		"attempts": gorm.Expr("attempts + 1"), "lease_until": utcMilli(leaseUntil), "updated_at": utcMilli(now)},
		"id = ? AND lease_owner = ? AND state = ?", id, owner, OutboxClaimed)
	return s.scrub(wrapIf(err, fmt.Sprintf("outbox %d sending", id)))
}

// OutboxOutcome is how one attempt at a row ended.
type OutboxOutcome struct {
	// State is a terminal state, or OutboxPending to try again from
	// NotBefore on.
	State     string
	NotBefore time.Time
	Reason    string
	SentTo    int64
	MessageID int64
}

// FinishOutbox records the outcome of owner's attempt at row id, releasing
// its lease. A row settled as unknown because owner's lease ran out while
// it was sending still takes owner's outcome (owner was only slow, and
// knows). ErrNotFound means owner no longer held the row.
func (s *Store) FinishOutbox(ctx context.Context, id int64, owner string, now time.Time, o OutboxOutcome) error {
	up := map[string]any{"state": o.State, "reason": o.Reason, "sent_to": o.SentTo, "message_id": o.MessageID,
		"lease_owner": "", "lease_until": nil, "updated_at": utcMilli(now)}
	if o.State == OutboxPending {
		up["not_before"] = utcMilli(o.NotBefore)
	}
	err := s.session(ctx).updateOne(&OutboxRow{}, up, "id = ? AND lease_owner = ? AND (state IN ? OR (state = ? AND reason = ?))",
		id, owner, []string{OutboxClaimed, OutboxSending}, OutboxUnknown, ReasonLeaseExpired)
	return s.scrub(wrapIf(err, fmt.Sprintf("outbox %d %s", id, o.State)))
}

// OutboxStats returns how many rows are still owed (pending, claimed or
// sending) and when the oldest of them was written (zero when none).
func (s *Store) OutboxStats(ctx context.Context) (depth int64, oldest time.Time, err error) {
	owed := []string{OutboxPending, OutboxClaimed, OutboxSending}
	db := s.db.WithContext(ctx)
	if err := db.Model(&OutboxRow{}).Where("state IN ?", owed).Count(&depth).Error; err != nil || depth == 0 {
		return depth, time.Time{}, s.scrub(wrapIf(err, "outbox stats"))
	}
	var first OutboxRow
	if err := db.Where("state IN ?", owed).Order("created_at, id").Take(&first).Error; err != nil {
		if errors.Is(notFound(err), ErrNotFound) { // sent between the two queries
			return 0, time.Time{}, nil
		}
		return depth, time.Time{}, s.scrub(fmt.Errorf("outbox stats: %w", err))
	}
	return depth, first.CreatedAt, nil
}

// OutboxRows returns every outbox row of kind ("" for all), by id.
func (s *Store) OutboxRows(ctx context.Context, kind string) ([]OutboxRow, error) {
	var rows []OutboxRow
	q := s.db.WithContext(ctx).Order("id")
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, s.scrub(fmt.Errorf("outbox rows: %w", err))
	}
	return rows, nil
}

// wrapIf prefixes err with what, or returns nil.
func wrapIf(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
