package sender

import (
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxTextLen is the longest text Telegram accepts in one message, in
// characters.
const MaxTextLen = 4096

// chattable converts a valid m into the client's request: the one place
// where a Message becomes a tgbotapi type.
func (m Message) chattable() tgbotapi.Chattable {
	switch m.Method {
	case MethodSendMessage:
		c := tgbotapi.NewMessage(m.ChatID, m.Text)
		c.ParseMode = m.ParseMode
		c.BaseChat = m.baseChat()
		return c
	case MethodEditText:
		c := tgbotapi.NewEditMessageText(m.ChatID, m.MessageID, m.Text)
		c.ParseMode = m.ParseMode
		c.ReplyMarkup = inlineKeyboard(m.Keyboard)
		return c
	case MethodEditMarkup:
		c := tgbotapi.NewEditMessageReplyMarkup(m.ChatID, m.MessageID, tgbotapi.InlineKeyboardMarkup{})
		// No reply_markup at all removes the keyboard, as on editMessageText.
		c.ReplyMarkup = inlineKeyboard(m.Keyboard)
		return c
	case MethodAnswerCallback:
		c := tgbotapi.NewCallback(m.CallbackQueryID, m.Text)
		c.ShowAlert = m.ShowAlert
		return c
	case MethodSendPhoto:
		c := tgbotapi.NewPhoto(m.ChatID, m.File.data())
		c.Caption, c.ParseMode = m.Text, m.ParseMode
		c.BaseChat = m.baseChat()
		return c
	case MethodSendDocument:
		c := tgbotapi.NewDocument(m.ChatID, m.File.data())
		c.Caption, c.ParseMode = m.Text, m.ParseMode
		c.BaseChat = m.baseChat()
		return c
	}
	return nil
}

// baseChat holds what every send shares: chat, reply-to and keyboard.
func (m Message) baseChat() tgbotapi.BaseChat {
	b := tgbotapi.BaseChat{ChatID: m.ChatID, ReplyToMessageID: m.ReplyTo, AllowSendingWithoutReply: m.ReplyTo != 0}
	if kb := inlineKeyboard(m.Keyboard); kb != nil {
		b.ReplyMarkup = *kb
	}
	return b
}

// inlineKeyboard converts rows; nil when there are none.
func inlineKeyboard(rows [][]Button) *tgbotapi.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := make([][]tgbotapi.InlineKeyboardButton, len(rows))
	for i, row := range rows {
		kb[i] = make([]tgbotapi.InlineKeyboardButton, len(row))
		for j, b := range row {
			if b.URL != "" {
				kb[i][j] = tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL)
			} else {
				kb[i][j] = tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data)
			}
		}
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: kb}
}

// data converts a valid file reference.
func (f *File) data() tgbotapi.RequestFileData {
	switch {
	case f.Path != "":
		return tgbotapi.FilePath(f.Path)
	case f.ID != "":
		return tgbotapi.FileID(f.ID)
	}
	return tgbotapi.FileBytes{Name: f.Name, Bytes: f.Bytes}
}

// callback reports a callback query answer, which is never paced.
func (m Method) callback() bool { return m == MethodAnswerCallback }

// idempotent reports methods that may be repeated safely: an edit or an
// answer applied twice has the effect of one.
func (m Method) idempotent() bool {
	switch m {
	case MethodEditText, MethodEditMarkup, MethodAnswerCallback:
		return true
	}
	return false
}

// withChatID returns a copy of c addressed to chat id, for the request
// kinds that carry a chat id.
func withChatID(c tgbotapi.Chattable, id int64) (tgbotapi.Chattable, bool) {
	switch v := c.(type) {
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

// splitParts turns a sendMessage whose text is too long into several
// messages split on line breaks; the keyboard goes on the last one, the
// reply-to on the first. A parse mode is kept, but a split may cut an HTML
// tag pair, so long formatted texts should be built short enough. Anything
// else is one part.
func splitParts(c tgbotapi.Chattable) []tgbotapi.Chattable {
	m, ok := c.(tgbotapi.MessageConfig)
	if !ok || utf8.RuneCountInString(m.Text) <= MaxTextLen {
		return []tgbotapi.Chattable{c}
	}
	texts := SplitText(m.Text, MaxTextLen)
	parts := make([]tgbotapi.Chattable, len(texts))
	for i, text := range texts {
		p := m
		p.Text = text
		if i > 0 {
			p.ReplyToMessageID, p.AllowSendingWithoutReply = 0, false
		}
		if i < len(texts)-1 {
			p.ReplyMarkup = nil
		}
		parts[i] = p
	}
	return parts
}
