// Package config loads egovpulse's one Config from environment variables,
// validates it once, and keeps secrets out of logs and errors.
//
// Every variable has a default that runs the embedded mode: a SQLite file and
// an in-process session store. Secrets may come from a file named by the
// variable with a _FILE suffix (TELEGRAM_BOT_TOKEN_FILE).
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Telegram modes.
const (
	ModePolling = "polling"
	ModeWebhook = "webhook"
)

// Database drivers.
const (
	DriverMySQL  = "mysql"
	DriverSQLite = "sqlite"
)

// Defaults.
const (
	DefaultDatabaseURL = "sqlite://egovpulse.db"
	DefaultAPIEndpoint = "https://api.telegram.org/bot%s/%s"
	DefaultHTTPAddr    = ":8080"
	DefaultTimezone    = "Asia/Jakarta"
)

// Config is the whole configuration of one egovpulse process.
type Config struct {
	// Database is DATABASE_URL, parsed.
	Database Database
	// RedisURL is REDIS_URL; empty means the in-process session store.
	RedisURL string

	TelegramToken       string // TELEGRAM_BOT_TOKEN or the file TELEGRAM_BOT_TOKEN_FILE names
	TelegramAPIEndpoint string // TELEGRAM_API_ENDPOINT, with two %s: token, method
	TelegramMode        string // TELEGRAM_MODE: polling or webhook
	// TelegramBotUsername is TELEGRAM_BOT_USERNAME without a leading @:
	// the bot's username for invitation links when getMe cannot be asked.
	TelegramBotUsername string
	WebhookPublicURL    string // WEBHOOK_PUBLIC_URL, https, required in webhook mode
	WebhookSecret       string // WEBHOOK_SECRET (or _FILE), required in webhook mode
	HTTPAddr            string // HTTP_ADDR
	AdminTelegramIDs    []int64
	Location            *time.Location // TIMEZONE
	SurveysDir          string         // SURVEYS_DIR
	CatalogFile         string         // CATALOG_FILE
	// RemindersFile is REMINDERS_FILE: the reminders configuration (YAML,
	// see package remind); empty takes the built-in one.
	RemindersFile string
	// RemindersSchedule is REMINDERS_SCHEDULE: the cron spec of the look
	// for due reminders and escalations; empty takes the default (every
	// minute).
	RemindersSchedule string
	// ScoreSchedule and ScoreFullSchedule are cron specs (5 or 6 fields, in
	// TIMEZONE) of the incremental and the full score recompute; empty
	// takes the defaults (every 15 minutes; 02:00 nightly).
	ScoreSchedule     string     // SCORE_SCHEDULE
	ScoreFullSchedule string     // SCORE_FULL_SCHEDULE
	LogLevel          slog.Level // LOG_LEVEL: debug, info, warn, error
	LogFormat         string     // LOG_FORMAT: text or json

	// PurgeSchedule is the cron spec (5 or 6 fields, in TIMEZONE) of the
	// daily purge of processed update ids older than 8 days; empty takes
	// the default (03:30 daily).
	PurgeSchedule string // PURGE_SCHEDULE

	// WeeklyChats receive the weekly summary push: private chats of admins
	// or a group (negative ids); empty: the superadmins of
	// ADMIN_TELEGRAM_IDS. WeeklySchedule is the push's cron spec (in
	// TIMEZONE; empty: Monday 08:00) and WeeklyLang its language.
	WeeklyChats    []int64 // WEEKLY_SUMMARY_CHATS
	WeeklySchedule string  // WEEKLY_SUMMARY_SCHEDULE
	WeeklyLang     string  // WEEKLY_SUMMARY_LANG: id or en
}

// Database is a parsed DATABASE_URL.
type Database struct {
	Driver string // DriverMySQL or DriverSQLite
	// DSN is what the driver takes: a go-sql-driver DSN for MySQL, a file
	// path for SQLite. It may hold a password: never log it; use String.
	DSN      string
	redacted string
}

// String is the URL with any password masked, safe to log.
func (d Database) String() string { return d.redacted }

// Embedded reports whether this is the embedded SQLite default.
func (d Database) Embedded() bool { return d.Driver == DriverSQLite }

// Getenv looks a variable up; os.Getenv in production, a map in tests.
type Getenv func(string) string

// FromEnv loads the configuration from the process environment.
func FromEnv() (*Config, error) { return Load(os.Getenv, os.ReadFile) }

// Load builds and validates a Config. All problems are reported together,
// each naming the variable and the expected form; secret values never
// appear in the message.
func Load(getenv Getenv, readFile func(string) ([]byte, error)) (*Config, error) {
	l := loader{getenv: getenv, readFile: readFile}
	c := &Config{
		RedisURL:            l.str("REDIS_URL", ""),
		TelegramAPIEndpoint: l.str("TELEGRAM_API_ENDPOINT", DefaultAPIEndpoint),
		TelegramMode:        l.str("TELEGRAM_MODE", ModePolling),
		TelegramBotUsername: strings.TrimPrefix(l.str("TELEGRAM_BOT_USERNAME", ""), "@"),
		WebhookPublicURL:    l.str("WEBHOOK_PUBLIC_URL", ""),
		HTTPAddr:            l.str("HTTP_ADDR", DefaultHTTPAddr),
		SurveysDir:          l.str("SURVEYS_DIR", ""),
		CatalogFile:         l.str("CATALOG_FILE", ""),
		RemindersFile:       l.str("REMINDERS_FILE", ""),
		RemindersSchedule:   l.str("REMINDERS_SCHEDULE", ""),
		LogFormat:           strings.ToLower(l.str("LOG_FORMAT", "text")),
		ScoreSchedule:       l.str("SCORE_SCHEDULE", ""),
		ScoreFullSchedule:   l.str("SCORE_FULL_SCHEDULE", ""),
		PurgeSchedule:       l.str("PURGE_SCHEDULE", ""),
		WeeklySchedule:      l.str("WEEKLY_SUMMARY_SCHEDULE", ""),
		WeeklyLang:          strings.ToLower(l.str("WEEKLY_SUMMARY_LANG", "id")),
	}
	c.TelegramToken = l.secret("TELEGRAM_BOT_TOKEN")
	c.WebhookSecret = l.secret("WEBHOOK_SECRET")
	c.Database = l.database()
	c.AdminTelegramIDs = l.ids("ADMIN_TELEGRAM_IDS")
	c.WeeklyChats = l.chats("WEEKLY_SUMMARY_CHATS")
	if c.WeeklyLang != "id" && c.WeeklyLang != "en" {
		l.fail("WEEKLY_SUMMARY_LANG", "unknown language %q (want id or en)", c.WeeklyLang)
	}
	c.Location = l.location()
	c.LogLevel = l.level()
	l.check(c)
	if len(l.errs) > 0 {
		return nil, errors.Join(l.errs...)
	}
	return c, nil
}

type loader struct {
	getenv   Getenv
	readFile func(string) ([]byte, error)
	errs     []error
}

func (l *loader) fail(name, format string, args ...any) {
	l.errs = append(l.errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
}

func (l *loader) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

// secret reads NAME, or the file NAME_FILE names (not both).
func (l *loader) secret(name string) string {
	v, file := l.getenv(name), l.str(name+"_FILE", "")
	if v != "" && file != "" {
		l.fail(name, "set either %s or %s_FILE, not both", name, name)
		return ""
	}
	if file == "" {
		return strings.TrimSpace(v)
	}
	b, err := l.readFile(file)
	if err != nil {
		l.fail(name+"_FILE", "cannot read %q: %v", file, errors.Unwrap(err))
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (l *loader) database() Database {
	raw := l.str("DATABASE_URL", DefaultDatabaseURL)
	d, err := ParseDatabaseURL(raw)
	if err != nil {
		l.fail("DATABASE_URL", "%v", err)
	}
	return d
}

// ParseDatabaseURL parses mysql://user:pass@host:port/dbname,
// sqlite://relative/file.db or sqlite:///absolute/file.db. The error never
// contains the password.
func ParseDatabaseURL(raw string) (Database, error) {
	const want = "want mysql://user:pass@host:port/dbname, sqlite://relative/file.db or sqlite:///absolute/file.db"
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return Database{}, fmt.Errorf("no scheme in the value (%s)", want)
	}
	switch scheme {
	case "sqlite":
		if rest == "" || strings.HasSuffix(rest, "/") {
			return Database{}, fmt.Errorf("sqlite URL names no file (%s)", want)
		}
		return Database{Driver: DriverSQLite, DSN: rest, redacted: raw}, nil
	case "mysql":
		return parseMySQL(raw, want)
	}
	return Database{}, fmt.Errorf("unknown scheme %q (%s)", scheme, want)
}

func parseMySQL(raw, want string) (Database, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's error quotes the input, password included: do not wrap it.
		return Database{}, fmt.Errorf("not a valid URL (%s)", want)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if u.Host == "" || db == "" || strings.Contains(db, "/") {
		return Database{}, fmt.Errorf("mysql URL needs a host and a database name (%s)", want)
	}
	host := u.Host
	if u.Port() == "" {
		host += ":3306"
	}
	user := u.User.Username()
	if user == "" {
		return Database{}, fmt.Errorf("mysql URL names no user (%s)", want)
	}
	cred := user
	if pw, ok := u.User.Password(); ok {
		cred += ":" + pw
	}
	q := u.Query()
	for k, v := range map[string]string{"parseTime": "true", "charset": "utf8mb4", "loc": "UTC"} {
		if q.Get(k) == "" {
			q.Set(k, v)
		}
	}
	dsn := fmt.Sprintf("%s@tcp(%s)/%s?%s", cred, host, db, q.Encode())
	return Database{Driver: DriverMySQL, DSN: dsn, redacted: u.Redacted()}, nil
}

func (l *loader) ids(name string) []int64 {
	var out []int64
	for _, f := range strings.Split(l.getenv(name), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			l.fail(name, "%q is not a numeric Telegram user id (want comma-separated numbers like 12345,67890)", f)
			continue
		}
		out = append(out, id)
	}
	return out
}

// chats reads comma-separated Telegram chat ids: users (positive) or
// groups (negative).
func (l *loader) chats(name string) []int64 {
	var out []int64
	for _, f := range strings.Split(l.getenv(name), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id == 0 {
			l.fail(name, "%q is not a Telegram chat id (want comma-separated numbers: a user's id, or a group's, which is negative, like -1001234567890)", f)
			continue
		}
		out = append(out, id)
	}
	return out
}

func (l *loader) location() *time.Location {
	name := l.str("TIMEZONE", DefaultTimezone)
	loc, err := time.LoadLocation(name)
	if err != nil {
		l.fail("TIMEZONE", "unknown time zone %q (want an IANA name such as Asia/Jakarta)", name)
		return time.UTC
	}
	return loc
}

func (l *loader) level() slog.Level {
	var lv slog.Level
	name := l.str("LOG_LEVEL", "info")
	if err := lv.UnmarshalText([]byte(name)); err != nil {
		l.fail("LOG_LEVEL", "unknown level %q (want debug, info, warn or error)", name)
	}
	return lv
}

// check validates the fields that depend on each other.
func (l *loader) check(c *Config) {
	switch c.TelegramMode {
	case ModePolling:
	case ModeWebhook:
		u, err := url.Parse(c.WebhookPublicURL)
		if c.WebhookPublicURL == "" || err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			l.fail("WEBHOOK_PUBLIC_URL", "webhook mode needs the public URL of /webhook, like https://survei.solokkota.go.id/webhook")
		}
		if len(c.WebhookSecret) < 16 || strings.Trim(c.WebhookSecret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			l.fail("WEBHOOK_SECRET", "webhook mode needs a secret of 16 to 256 characters from A-Z, a-z, 0-9, _ and -")
		}
	default:
		l.fail("TELEGRAM_MODE", "unknown mode %q (want polling or webhook)", c.TelegramMode)
	}
	if strings.Count(c.TelegramAPIEndpoint, "%s") != 2 {
		l.fail("TELEGRAM_API_ENDPOINT", "must contain two %%s (token, method), like %s", DefaultAPIEndpoint)
	}
	if c.TelegramToken != "" && !validToken(c.TelegramToken) {
		l.fail("TELEGRAM_BOT_TOKEN", "does not look like a bot token (want digits, a colon and the secret part from @BotFather)")
	}
	if u := c.TelegramBotUsername; u != "" && !ValidBotUsername(u) {
		l.fail("TELEGRAM_BOT_USERNAME", "%q is not a bot username (want 5 to 32 letters, digits or _, ending in bot, like KotaSolokSurveiBot)", u)
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			l.fail("REDIS_URL", "want redis://host:port/db (or empty for the in-process session store)")
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		l.fail("LOG_FORMAT", "unknown format %q (want text or json)", c.LogFormat)
	}
}

// ValidBotUsername reports whether u (without @) can be a Telegram bot's
// username: 5 to 32 characters from A-Z, a-z, 0-9 and _, ending in "bot".
func ValidBotUsername(u string) bool {
	return len(u) >= 5 && len(u) <= 32 && strings.HasSuffix(strings.ToLower(u), "bot") &&
		strings.Trim(u, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

func validToken(t string) bool {
	id, secret, ok := strings.Cut(t, ":")
	if !ok || secret == "" {
		return false
	}
	_, err := strconv.ParseInt(id, 10, 64)
	return err == nil
}

// IsAdmin reports whether the Telegram user id is in ADMIN_TELEGRAM_IDS.
func (c *Config) IsAdmin(id int64) bool {
	for _, a := range c.AdminTelegramIDs {
		if a == id {
			return true
		}
	}
	return false
}

// Redact replaces the bot token and the webhook secret in s with "***".
func (c *Config) Redact(s string) string {
	for _, secret := range []string{c.TelegramToken, c.WebhookSecret} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}
