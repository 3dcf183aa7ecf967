package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// On MySQL an answer's exactly-once transaction is the same statements in
// fewer round trips (every round trip costs both processes a write and a
// wake-up): the BEGIN travels with the ledger insert, and SaveChanges sends
// its delete, upsert and guarded stamp together. This needs the driver's
// multiStatements, which is only safe with client-side interpolation (the
// default; see mysqlConfig): a DSN that turns interpolation off gets the
// plain transaction.

// pinnedConn runs GORM's statements on one connection that holds an open
// transaction. It is deliberately no TxBeginner: GORM's default
// transaction around a create or update then finds nothing to begin (a
// nested START TRANSACTION would commit the open one).
type pinnedConn struct{ c *sql.Conn }

func (p pinnedConn) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.c.PrepareContext(ctx, query)
}

func (p pinnedConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.c.ExecContext(ctx, query, args...)
}

func (p pinnedConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.c.QueryContext(ctx, query, args...)
}

func (p pinnedConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.c.QueryRowContext(ctx, query, args...)
}

// ledgerInsert records an update id (see ApplyChatUpdate).
const ledgerInsert = "INSERT INTO processed_updates (update_id, processed_at, chat_id, reply_pending) VALUES (?, ?, ?, ?)"

// applyPipelined is ApplyChatUpdate on MySQL in three round trips for an
// answer: BEGIN with the ledger insert, SaveChanges' statements, COMMIT.
// A pooled connection found dead before anything ran on it is replaced
// once, as database/sql does for its own BEGIN.
func (s *Store) applyPipelined(ctx context.Context, updateID, chatID int64, fn func(tx *Tx) error) error {
	err := s.applyOnConn(ctx, updateID, chatID, fn)
	if errors.Is(err, driver.ErrBadConn) {
		err = s.applyOnConn(ctx, updateID, chatID, fn)
	}
	return s.scrub(err)
}

// applyOnConn runs one attempt on one connection. A transaction that does
// not commit is rolled back; a connection whose state is unknown (a failed
// ROLLBACK) is closed, never reused. It returns driver.ErrBadConn only when
// nothing was sent.
func (s *Store) applyOnConn(ctx context.Context, updateID, chatID int64, fn func(tx *Tx) error) error {
	db := s.db.WithContext(ctx)
	pool, err := db.DB()
	if err != nil {
		return err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("record update %d: %w", updateID, err)
	}
	committed := false
	defer func() {
		if !committed {
			endPinned(conn)
		}
		_ = conn.Close()
	}()
	tx := &Tx{db: db.Session(&gorm.Session{NewDB: true, SkipDefaultTransaction: true}), s: s, conn: conn}
	tx.db.Statement.ConnPool = pinnedConn{conn}
	// Plain database/sql: GORM would only pass the statement on.
	_, err = conn.ExecContext(ctx, "START TRANSACTION; "+ledgerInsert, updateID, tx.now(), max(chatID, 0), chatID > 0)
	if duplicateKey(err) {
		return fmt.Errorf("update %d: %w", updateID, ErrUpdateSeen)
	}
	if err != nil {
		return fmt.Errorf("record update %d: %w", updateID, err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit update %d: %w", updateID, err)
	}
	committed = true
	return nil
}

// execRows runs a statement on conn and returns the rows it matched.
func execRows(ctx context.Context, conn *sql.Conn, query string, args ...any) (int64, error) {
	res, err := conn.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// duplicateKey reports MySQL's duplicate entry error, which GORM would
// have translated to gorm.ErrDuplicatedKey.
func duplicateKey(err error) bool {
	var me *gomysql.MySQLError
	return errors.As(err, &me) && me.Number == 1062
}

// endPinned rolls back a pinned connection's transaction, or closes the
// connection when that fails.
func endPinned(conn *sql.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}
