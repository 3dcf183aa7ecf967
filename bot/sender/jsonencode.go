package sender

import (
	"strconv"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// encode writes the JSON body of the requests the sender makes most (the
// fields Message.chattable sets); ok is false for anything else, which
// then goes through go-telegram-bot-api.
func encode(ch tgbotapi.Chattable) (method string, body []byte, ok bool) {
	switch c := ch.(type) {
	case tgbotapi.MessageConfig:
		if !plainChat(c.BaseChat) || c.Entities != nil || c.DisableWebPagePreview {
			return "", nil, false
		}
		b, ok := sendBody(c)
		return string(MethodSendMessage), b, ok
	case tgbotapi.EditMessageTextConfig:
		if !plainEdit(c.BaseEdit) || c.Entities != nil || c.DisableWebPagePreview {
			return "", nil, false
		}
		b := editBody(c.BaseEdit, len(c.Text))
		b = appendField(b, "text", c.Text)
		b = appendOptional(b, "parse_mode", c.ParseMode)
		b, ok := appendKeyboard(b, c.ReplyMarkup)
		return string(MethodEditText), append(b, '}'), ok
	case tgbotapi.EditMessageReplyMarkupConfig:
		if !plainEdit(c.BaseEdit) {
			return "", nil, false
		}
		b, ok := appendKeyboard(editBody(c.BaseEdit, 0), c.ReplyMarkup)
		return string(MethodEditMarkup), append(b, '}'), ok
	case tgbotapi.CallbackConfig:
		if c.URL != "" || c.CacheTime != 0 {
			return "", nil, false
		}
		b := make([]byte, 0, 64+len(c.CallbackQueryID)+len(c.Text))
		b = appendField(append(b, '{'), "callback_query_id", c.CallbackQueryID)
		b = appendOptional(b, "text", c.Text)
		if c.ShowAlert {
			b = append(b, `,"show_alert":true`...)
		}
		return string(MethodAnswerCallback), append(b, '}'), true
	}
	return "", nil, false
}

// plainChat reports a BaseChat with only the fields Message sets.
func plainChat(c tgbotapi.BaseChat) bool {
	return c.ChatID != 0 && c.ChannelUsername == "" && !c.DisableNotification
}

// plainEdit reports a BaseEdit with only the fields Message sets.
func plainEdit(e tgbotapi.BaseEdit) bool {
	return e.ChatID != 0 && e.ChannelUsername == "" && e.InlineMessageID == ""
}

func sendBody(c tgbotapi.MessageConfig) ([]byte, bool) {
	b := make([]byte, 0, 128+len(c.Text)*2)
	b = strconv.AppendInt(append(b, `{"chat_id":`...), c.ChatID, 10)
	b = appendField(b, "text", c.Text)
	b = appendOptional(b, "parse_mode", c.ParseMode)
	if c.ReplyToMessageID != 0 {
		b = strconv.AppendInt(append(b, `,"reply_to_message_id":`...), int64(c.ReplyToMessageID), 10)
	}
	if c.AllowSendingWithoutReply {
		b = append(b, `,"allow_sending_without_reply":true`...)
	}
	ok := true
	switch kb := c.ReplyMarkup.(type) {
	case nil:
	case tgbotapi.InlineKeyboardMarkup:
		b, ok = appendKeyboard(b, &kb)
	default:
		ok = false
	}
	return append(b, '}'), ok
}

// editBody opens the body of an edit: chat and message id.
func editBody(e tgbotapi.BaseEdit, extra int) []byte {
	b := make([]byte, 0, 128+extra*2)
	b = strconv.AppendInt(append(b, `{"chat_id":`...), e.ChatID, 10)
	if e.MessageID != 0 {
		b = strconv.AppendInt(append(b, `,"message_id":`...), int64(e.MessageID), 10)
	}
	return b
}

// appendKeyboard adds reply_markup (nothing for nil); ok is false for a
// button kind Message never builds.
func appendKeyboard(b []byte, kb *tgbotapi.InlineKeyboardMarkup) ([]byte, bool) {
	if kb == nil {
		return b, true
	}
	b = append(b, `,"reply_markup":{"inline_keyboard":[`...)
	for i, row := range kb.InlineKeyboard {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, btn := range row {
			if btn.LoginURL != nil || btn.SwitchInlineQuery != nil || btn.SwitchInlineQueryCurrentChat != nil ||
				btn.CallbackGame != nil || btn.Pay {
				return b, false
			}
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(append(b, `{"text":`...), btn.Text)
			if btn.URL != nil {
				b = appendField(b, "url", *btn.URL)
			}
			if btn.CallbackData != nil {
				b = appendField(b, "callback_data", *btn.CallbackData)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "]}"...), true
}

// appendOptional adds a string field unless it is empty.
func appendOptional(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendField(b, key, v)
}

// appendField adds `,"key":"v"` (or `"key":"v"` right after the opening
// brace).
func appendField(b []byte, key, v string) []byte {
	if len(b) > 0 && b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(append(append(b, '"'), key...), `":`...)
	return appendString(b, v)
}

const hexDigits = "0123456789abcdef"

// appendString adds s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(append(b, s[start:i]...), `\ufffd`...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	return append(append(b, s[start:]...), '"')
}
