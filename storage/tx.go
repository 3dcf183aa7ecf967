package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Tx is a database transaction (or, for the *Store conveniences, a plain
// session) carrying its context. Inside a transaction use only the Tx: a
// call on the *Store would take a second connection and, on SQLite, wait
// for the write lock this transaction holds.
type Tx struct {
	db   *gorm.DB
	s    *Store
	conn *sql.Conn // the pinned connection of a pipelined answer, else nil
}

// Tx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise. fn's error is returned unchanged, so sentinels survive.
// On SQLite the transaction takes the write lock at BEGIN (immediate), so
// concurrent transactions queue instead of failing with SQLITE_BUSY. On
// MySQL it runs at READ COMMITTED: no gap locks, so concurrent inserts of
// the same unique key wait for each other instead of deadlocking, and a
// re-read after a duplicate-key error sees the winner's row.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	// (MySQL connections are opened at READ COMMITTED; see readCommitted.)
	err := s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		return fn(&Tx{db: db, s: s})
	})
	return s.scrub(err)
}

// ApplyUpdate records a Telegram update id and runs fn in ONE transaction,
// so an update's effects are committed exactly once. It returns
// ErrUpdateSeen, running nothing, when the id was already committed; when
// fn fails, nothing is kept and the update may be applied again. On MySQL,
// concurrent calls with one id wait for the first to finish; if the first
// rolls back, a waiter may get a deadlock error, which is safe to retry.
func (s *Store) ApplyUpdate(ctx context.Context, updateID int64, fn func(tx *Tx) error) error {
	return s.ApplyChatUpdate(ctx, updateID, 0, fn)
}

// ApplyChatUpdate is ApplyUpdate for an update of a private chat (chatID
// > 0), whose reply is then recorded as pending until MarkReplied: a reply
// lost with a crashed process is found again by PendingReplies.
func (s *Store) ApplyChatUpdate(ctx context.Context, updateID, chatID int64, fn func(tx *Tx) error) error {
	if s.batch {
		return s.applyPipelined(ctx, updateID, chatID, fn)
	}
	return s.Tx(ctx, func(tx *Tx) error {
		// Plain SQL: the hottest statement, spared GORM's model reflection.
		err := tx.db.Exec(ledgerInsert, updateID, tx.now(), max(chatID, 0), chatID > 0).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return fmt.Errorf("update %d: %w", updateID, ErrUpdateSeen)
		}
		if err != nil {
			return fmt.Errorf("record update %d: %w", updateID, err)
		}
		return fn(tx)
	})
}

// session returns a non-transactional Tx for one-statement conveniences.
func (s *Store) session(ctx context.Context) *Tx {
	return &Tx{db: s.db.WithContext(ctx), s: s}
}

// inTx runs fn in a transaction and returns its value.
func inTx[T any](ctx context.Context, s *Store, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// now is the store's clock, in storage form.
func (tx *Tx) now() time.Time { return utcMilli(tx.s.now()) }

// notFound turns GORM's not-found into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// exists reports whether a row of model matches the condition.
func (tx *Tx) exists(model any, query string, args ...any) (bool, error) {
	var n int64
	if err := tx.db.Model(model).Where(query, args...).Count(&n).Error; err != nil {
		return false, err
	}
	return n > 0, nil
}

// updateOne applies updates to the rows matching the condition and returns
// ErrNotFound when none matches (both backends count matched rows; see
// mysqlConfig).
func (tx *Tx) updateOne(model any, updates map[string]any, query string, args ...any) error {
	res := tx.db.Model(model).Where(query, args...).Updates(updates)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
