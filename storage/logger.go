package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// gormLogger routes GORM's log lines into log/slog. Slow queries are logged
// at Warn with their SQL but never their parameters (answers are personal
// data); failed queries at Debug only, since the caller gets, wraps and logs
// the error itself.
type gormLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func newGormLogger(l *slog.Logger, slow time.Duration) *gormLogger {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	if slow <= 0 {
		slow = 200 * time.Millisecond
	}
	return &gormLogger{log: l.With(slog.String("component", "storage")), slow: slow}
}

// LogMode is part of logger.Interface; levels are slog's business.
func (g *gormLogger) LogMode(logger.LogLevel) logger.Interface { return g }

// Info logs a GORM notice at Info.
func (g *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	g.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}

// Warn logs a GORM notice at Warn.
func (g *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	g.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}

// Error logs a GORM notice at Error.
func (g *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	g.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}

// ParamsFilter drops the query parameters from logged SQL.
func (g *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// Trace logs slow and failed queries.
func (g *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && g.log.Enabled(ctx, slog.LevelDebug):
		sql, _ := fc()
		g.log.DebugContext(ctx, "query failed", slog.String("sql", sql),
			slog.Duration("elapsed", elapsed), slog.Any("error", err))
	case elapsed >= g.slow:
		sql, rows := fc()
		g.log.WarnContext(ctx, "slow query", slog.String("sql", sql),
			slog.Int64("rows", rows), slog.Duration("elapsed", elapsed))
	}
}
