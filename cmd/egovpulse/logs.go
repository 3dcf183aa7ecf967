package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/go-sql-driver/mysql"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/redis/go-redis/v9"

	"github.com/kotasolok/egovpulse/bot/sender"
)

// routeLibraryLogs sends the lines of the MySQL driver ("[mysql]
// connection.go:49: unexpected EOF" on stderr otherwise), of the Redis
// client ("redis: pool.go:…") and of the Telegram client into log, as
// records with a "component" attribute; the Telegram client's lines go
// through redact and lose anything shaped like a bot token, since they may
// hold request URLs. These loggers are package globals of their libraries,
// so this is called from one place only (newLogger, in app.go). The MySQL
// driver copies its logger into each DSN it parses: this must run before a
// database is opened.
func routeLibraryLogs(log *slog.Logger, redact func(string) string) {
	// The setters fail only on a nil logger.
	_ = mysql.SetLogger(driverLogger{log: log.With("component", "mysql")})
	redis.SetLogger(redisLogger{log: log.With("component", "redis")})
	_ = tgbotapi.SetLogger(telegramLogger(log, redact))
}

// telegramLogger is the Telegram client's logger: its lines as debug
// records of component tgbotapi, through redact and without anything
// shaped like a bot token.
func telegramLogger(log *slog.Logger, redact func(string) string) libLogger {
	return libLogger{log: log.With("component", "tgbotapi"), redact: func(s string) string {
		return sender.RedactTokens(redact(s))
	}}
}

// driverLogger adapts slog to the MySQL driver's logger. The driver logs
// only trouble (a connection that broke, a bad packet), which database/sql
// usually retries on another connection: a warning.
type driverLogger struct{ log *slog.Logger }

// Print logs one driver line.
func (l driverLogger) Print(v ...any) { l.log.Warn(strings.TrimSpace(fmt.Sprint(v...))) }

// redisLogger adapts slog to go-redis's logger, which reports connection
// trouble (failed dials, bad pooled connections): a warning.
type redisLogger struct{ log *slog.Logger }

// Printf logs one client line.
func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// libLogger adapts slog to go-telegram-bot-api's logger, with secrets
// removed. The library logs its debug output and polling errors, which the
// bot does not use (it polls itself): debug.
type libLogger struct {
	log    *slog.Logger
	redact func(string) string
}

// Println logs one line.
func (l libLogger) Println(v ...any) { l.log.Debug(l.redact(strings.TrimSpace(fmt.Sprintln(v...)))) }

// Printf logs one formatted line.
func (l libLogger) Printf(format string, v ...any) {
	l.log.Debug(l.redact(strings.TrimSpace(fmt.Sprintf(format, v...))))
}
