package sender

import (
	"errors"
	"regexp"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// tokenPattern matches anything that looks like a Telegram bot token.
const tokenPattern = `\d+:[A-Za-z0-9_-]{30,}`

const redacted = "[REDACTED]"

// tokenShape finds bot tokens; compiled once, never changed.
var tokenShape = regexp.MustCompile(tokenPattern)

// RedactTokens replaces anything shaped like a Telegram bot token in s, for
// log lines the sender does not write (e.g. the Telegram client's own).
func RedactTokens(s string) string {
	return tokenShape.ReplaceAllString(s, redacted)
}

// redactor builds the function that cleans error text: the caller's Redact,
// then the client's own token, then anything shaped like a token.
func redactor(api API, custom func(string) string) func(string) string {
	token := ""
	switch c := api.(type) {
	case *tgbotapi.BotAPI:
		if c != nil {
			token = c.Token
		}
	case *Client:
		if c != nil {
			token = c.Token
		}
	}
	return func(s string) string {
		if custom != nil {
			s = custom(s)
		}
		if token != "" {
			s = strings.ReplaceAll(s, token, redacted)
		}
		return RedactTokens(s)
	}
}

// cleanError carries a cause whose text had secrets removed. It does not
// unwrap to the original, whose text (a URL) may hold the token, but keeps
// its timeout flag.
type cleanError struct {
	msg     string
	timeout bool
}

// Error returns the redacted text.
func (e *cleanError) Error() string { return e.msg }

// Timeout reports whether the original error was a timeout.
func (e *cleanError) Timeout() bool { return e.timeout }

// clean returns err safe to log. Bot API answers (*tgbotapi.Error) are kept
// as they are, so callers can still read them with errors.As; anything else
// is replaced by its redacted text.
func (s *Sender) clean(err error) error {
	if err == nil {
		return nil
	}
	if te, ok := err.(*tgbotapi.Error); ok {
		te.Message = s.redact(te.Message)
		return te
	}
	var t interface{ Timeout() bool }
	timeout := false
	if errors.As(err, &t) {
		timeout = t.Timeout()
	}
	return &cleanError{msg: s.redact(err.Error()), timeout: timeout}
}
