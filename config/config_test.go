package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func noFiles(string) ([]byte, error) { return nil, os.ErrNotExist }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil), noFiles)
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.Driver != DriverSQLite || c.Database.DSN != "egovpulse.db" {
		t.Errorf("database = %+v, want the embedded sqlite egovpulse.db", c.Database)
	}
	if c.RedisURL != "" || c.TelegramMode != ModePolling || c.HTTPAddr != ":8080" {
		t.Errorf("defaults: redis %q mode %q addr %q", c.RedisURL, c.TelegramMode, c.HTTPAddr)
	}
	if c.Location.String() != "Asia/Jakarta" {
		t.Errorf("location = %s", c.Location)
	}
}

func TestDatabaseURL(t *testing.T) {
	tests := []struct {
		in, driver, dsn string
	}{
		{"sqlite://data/e.db", DriverSQLite, "data/e.db"},
		{"sqlite:///var/lib/e.db", DriverSQLite, "/var/lib/e.db"},
		{"mysql://app:s3cr3t@db:3307/egov", DriverMySQL, "app:s3cr3t@tcp(db:3307)/egov?charset=utf8mb4&loc=UTC&parseTime=true"},
		{"mysql://root@127.0.0.1/test", DriverMySQL, "root@tcp(127.0.0.1:3306)/test?charset=utf8mb4&loc=UTC&parseTime=true"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDatabaseURL(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d.Driver != tt.driver || d.DSN != tt.dsn {
				t.Errorf("got %s %q, want %s %q", d.Driver, d.DSN, tt.driver, tt.dsn)
			}
			if strings.Contains(d.String(), "s3cr3t") {
				t.Errorf("String() leaks the password: %s", d)
			}
		})
	}
}

func TestErrorsNameTheVariableAndHideSecrets(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad scheme", map[string]string{"DATABASE_URL": "postgres://u:hunter2pw@h/db"}, "DATABASE_URL: unknown scheme \"postgres\""},
		{"mysql without db", map[string]string{"DATABASE_URL": "mysql://u:hunter2pw@h:3306/"}, "DATABASE_URL: mysql URL needs a host and a database name"},
		{"bad mode", map[string]string{"TELEGRAM_MODE": "push"}, "TELEGRAM_MODE: unknown mode \"push\""},
		{"webhook without url", map[string]string{"TELEGRAM_MODE": "webhook", "WEBHOOK_SECRET": "abcdefghijklmnopq"}, "WEBHOOK_PUBLIC_URL: webhook mode needs"},
		{"short secret", map[string]string{"TELEGRAM_MODE": "webhook", "WEBHOOK_PUBLIC_URL": "https://x.id/webhook", "WEBHOOK_SECRET": "hunter2pw"}, "WEBHOOK_SECRET: webhook mode needs a secret"},
		{"admin ids", map[string]string{"ADMIN_TELEGRAM_IDS": "12, bob"}, "ADMIN_TELEGRAM_IDS: \"bob\" is not a numeric Telegram user id"},
		{"weekly chats", map[string]string{"WEEKLY_SUMMARY_CHATS": "-1001234, grup"}, "WEEKLY_SUMMARY_CHATS: \"grup\" is not a Telegram chat id"},
		{"weekly lang", map[string]string{"WEEKLY_SUMMARY_LANG": "fr"}, "WEEKLY_SUMMARY_LANG: unknown language \"fr\""},
		{"timezone", map[string]string{"TIMEZONE": "Mars/Olympus"}, "TIMEZONE: unknown time zone \"Mars/Olympus\""},
		{"token", map[string]string{"TELEGRAM_BOT_TOKEN": "hunter2pw"}, "TELEGRAM_BOT_TOKEN: does not look like a bot token"},
		{"token twice", map[string]string{"TELEGRAM_BOT_TOKEN": "1:hunter2pw", "TELEGRAM_BOT_TOKEN_FILE": "/x"}, "TELEGRAM_BOT_TOKEN: set either"},
		{"token file missing", map[string]string{"TELEGRAM_BOT_TOKEN_FILE": "/run/secrets/none"}, "TELEGRAM_BOT_TOKEN_FILE: cannot read \"/run/secrets/none\""},
		{"redis", map[string]string{"REDIS_URL": "localhost:6379"}, "REDIS_URL: want redis://host:port/db"},
		{"log level", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL: unknown level \"loud\""},
		{"log format", map[string]string{"LOG_FORMAT": "xml"}, "LOG_FORMAT: unknown format \"xml\""},
		{"bot username", map[string]string{"TELEGRAM_BOT_USERNAME": "@kota solok"}, "TELEGRAM_BOT_USERNAME: \"kota solok\" is not a bot username"},
		{"bot username not a bot", map[string]string{"TELEGRAM_BOT_USERNAME": "KotaSolok"}, "TELEGRAM_BOT_USERNAME: \"KotaSolok\" is not a bot username"},
		{"endpoint", map[string]string{"TELEGRAM_API_ENDPOINT": "http://x/bot"}, "TELEGRAM_API_ENDPOINT: must contain two %s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env), noFiles)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2pw") {
				t.Errorf("error leaks a secret: %q", err)
			}
		})
	}
}

func TestSecretFromFile(t *testing.T) {
	files := func(p string) ([]byte, error) {
		if p == "/run/secrets/token" {
			return []byte("123456:ABCdef_secret-part\n"), nil
		}
		return nil, errors.New("no")
	}
	c, err := Load(env(map[string]string{"TELEGRAM_BOT_TOKEN_FILE": "/run/secrets/token", "ADMIN_TELEGRAM_IDS": "7, 9",
		"WEEKLY_SUMMARY_CHATS": "-1001234567890, 7"}), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.WeeklyChats) != 2 || c.WeeklyChats[0] != -1001234567890 || c.WeeklyChats[1] != 7 || c.WeeklyLang != "id" {
		t.Errorf("weekly chats = %v, lang %q", c.WeeklyChats, c.WeeklyLang)
	}
	if c.TelegramToken != "123456:ABCdef_secret-part" {
		t.Errorf("token = %q", c.TelegramToken)
	}
	if !c.IsAdmin(9) || c.IsAdmin(8) {
		t.Errorf("admins = %v", c.AdminTelegramIDs)
	}
	if got := c.Redact("GET /bot123456:ABCdef_secret-part/getMe failed"); strings.Contains(got, "secret-part") {
		t.Errorf("Redact left the token: %s", got)
	}
}
