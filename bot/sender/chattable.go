package sender

import (
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxTextLen is the longest text Telegram accepts in one message, in
// characters.
const MaxTextLen = 4096

// deref turns a pointer to a known config into its value, so the switches
// below list each kind once.
func deref(c tgbotapi.Chattable) tgbotapi.Chattable {
	switch v := c.(type) {
	case *tgbotapi.MessageConfig:
		return *v
	case *tgbotapi.EditMessageTextConfig:
		return *v
	case *tgbotapi.EditMessageReplyMarkupConfig:
		return *v
	case *tgbotapi.CallbackConfig:
		return *v
	case *tgbotapi.PhotoConfig:
		return *v
	case *tgbotapi.DocumentConfig:
		return *v
	}
	return c
}

// methodName names the Bot API method of c, for logs and errors.
func methodName(c tgbotapi.Chattable) string {
	switch deref(c).(type) {
	case tgbotapi.MessageConfig:
		return "sendMessage"
	case tgbotapi.EditMessageTextConfig:
		return "editMessageText"
	case tgbotapi.EditMessageReplyMarkupConfig:
		return "editMessageReplyMarkup"
	case tgbotapi.CallbackConfig:
		return "answerCallbackQuery"
	case tgbotapi.PhotoConfig:
		return "sendPhoto"
	case tgbotapi.DocumentConfig:
		return "sendDocument"
	case nil:
		return "none"
	default:
		return "request"
	}
}

// isCallback reports a callback query answer, which is never paced.
func isCallback(c tgbotapi.Chattable) bool {
	return methodName(c) == "answerCallbackQuery"
}

// returnsMessage reports the methods whose result is the new Message.
func returnsMessage(c tgbotapi.Chattable) bool {
	switch methodName(c) {
	case "sendMessage", "sendPhoto", "sendDocument":
		return true
	}
	return false
}

// idempotent reports requests that may be repeated safely: an edit or an
// answer applied twice has the effect of one.
func idempotent(c tgbotapi.Chattable) bool {
	switch methodName(c) {
	case "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery":
		return true
	}
	return false
}

// withChatID returns a copy of c addressed to chat id, for the message
// kinds that carry a chat id.
func withChatID(c tgbotapi.Chattable, id int64) (tgbotapi.Chattable, bool) {
	switch v := deref(c).(type) {
	case tgbotapi.MessageConfig:
		v.ChatID = id
		return v, true
	case tgbotapi.EditMessageTextConfig:
		v.ChatID = id
		return v, true
	case tgbotapi.EditMessageReplyMarkupConfig:
		v.ChatID = id
		return v, true
	case tgbotapi.PhotoConfig:
		v.ChatID = id
		return v, true
	case tgbotapi.DocumentConfig:
		v.ChatID = id
		return v, true
	}
	return c, false
}

// chatIDOf returns the chat id a request is addressed to, 0 when it has
// none (a callback answer, an inline message edit).
func chatIDOf(c tgbotapi.Chattable) int64 {
	switch v := deref(c).(type) {
	case tgbotapi.MessageConfig:
		return v.ChatID
	case tgbotapi.EditMessageTextConfig:
		return v.ChatID
	case tgbotapi.EditMessageReplyMarkupConfig:
		return v.ChatID
	case tgbotapi.PhotoConfig:
		return v.ChatID
	case tgbotapi.DocumentConfig:
		return v.ChatID
	}
	return 0
}

// splitParts turns a sendMessage whose text is too long into several
// messages split on line breaks; the keyboard goes on the last one, the
// reply-to on the first. Entities cannot follow a split and are dropped
// (parse modes are kept; a split may cut an HTML tag pair, so long
// formatted texts should be built short enough). Anything else is one part.
func splitParts(c tgbotapi.Chattable) []tgbotapi.Chattable {
	m, ok := deref(c).(tgbotapi.MessageConfig)
	if !ok || utf8.RuneCountInString(m.Text) <= MaxTextLen {
		return []tgbotapi.Chattable{c}
	}
	texts := SplitText(m.Text, MaxTextLen)
	parts := make([]tgbotapi.Chattable, len(texts))
	for i, text := range texts {
		p := m
		p.Text, p.Entities = text, nil
		if i > 0 {
			p.ReplyToMessageID = 0
		}
		if i < len(texts)-1 {
			p.ReplyMarkup = nil
		}
		parts[i] = p
	}
	return parts
}
