package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	gosqlite "github.com/glebarez/go-sqlite"
	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// IsTransient reports whether err says the database could not do the work
// right now (unreachable, restarting, overloaded, locked, out of time)
// rather than that this piece of work is wrong. A transient failure must be
// retried for as long as it takes, never given up on: retrying the same
// work later can succeed.
//
// The rule, so that a database outage can never cost an update:
//   - context deadlines and cancellations, broken or refused connections,
//     network errors and timeouts are transient;
//   - an error reported by MySQL/MariaDB or SQLite is transient unless the
//     database rejected this work's data (a unique, foreign-key, check or
//     NOT NULL violation, a value too long, out of range or of the wrong
//     type): deadlocks, lock wait timeouts, SQLITE_BUSY/LOCKED, a full
//     disk, a read-only server during a fail-over, "too many connections",
//     even a missing table (a half-finished deployment) fail every piece of
//     work alike, so they are the database's state, not the work's fault;
//   - storage's own sentinels (ErrNotFound, ErrAlreadySubmitted, ...) and
//     every error that did not come from the database are not transient.
func IsTransient(err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true
	case errors.Is(err, gorm.ErrDuplicatedKey), errors.Is(err, gorm.ErrForeignKeyViolated),
		errors.Is(err, gorm.ErrCheckConstraintViolated):
		return false
	case connectionLost(err):
		return true
	}
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		return !mysqlDataError(me.Number)
	}
	var se *gosqlite.Error
	if errors.As(err, &se) {
		return !sqliteDataError(se.Code())
	}
	return false
}

// connectionLost reports errors of a connection that broke, never opened
// or timed out, from database/sql, the MySQL driver or the network.
func connectionLost(err error) bool {
	for _, target := range []error{
		driver.ErrBadConn, sql.ErrConnDone, sql.ErrTxDone, io.EOF, io.ErrUnexpectedEOF,
		gomysql.ErrInvalidConn, gomysql.ErrMalformPkt, gomysql.ErrPktSync, gomysql.ErrPktSyncMul,
		gomysql.ErrBusyBuffer, syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// mysqlDataError reports the MySQL/MariaDB errors that reject the data of
// a statement; every other server error is transient (see IsTransient).
func mysqlDataError(number uint16) bool {
	switch number {
	case 1048, // column cannot be null
		1062, // duplicate entry
		1264, // out of range value
		1265, // data truncated
		1292, // incorrect (date, number) value
		1366, // incorrect string value (not valid in the charset)
		1367, // illegal value
		1406, // data too long
		1451, // foreign key: a child row exists
		1452, // foreign key: no parent row
		1690, // value out of range
		3819, // check constraint violated (MySQL)
		4025: // CONSTRAINT failed (MariaDB)
		return true
	}
	return false
}

// sqliteDataError reports the primary SQLite result codes that reject the
// data of a statement.
func sqliteDataError(code int) bool {
	switch code & 0xff {
	case 18, // SQLITE_TOOBIG
		19, // SQLITE_CONSTRAINT
		20, // SQLITE_MISMATCH
		25: // SQLITE_RANGE
		return true
	}
	return false
}
