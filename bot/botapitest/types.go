package botapitest

import (
	"encoding/json"
	"time"
)

// Button is one inline keyboard button.
type Button struct {
	// Text is the label the user sees.
	Text string
	// Data is the callback_data ("" for URL buttons).
	Data string
	// URL is the button's url, if any.
	URL string
}

// File is a photo or document the bot uploaded (or referenced by file_id).
type File struct {
	// FileID is the id the emulator assigned, or the id/URL the bot sent.
	FileID string
	// Name is the uploaded file name.
	Name string
	// MIME is the part's Content-Type, if the client sent one.
	MIME string
	// Size is len(Data).
	Size int
	// Data holds the uploaded bytes (nil when the bot sent a file_id or URL).
	Data []byte
}

// Message is a message the bot sent to a chat, in its current state.
type Message struct {
	// ID is the message_id, unique within the chat.
	ID int
	// ChatID is the chat the message was sent to.
	ChatID int64
	// Text is the text as the user sees it (HTML tags removed), after edits;
	// for photos and documents it is the caption.
	Text string
	// ParseMode is the parse_mode of the last send or edit.
	ParseMode string
	// Buttons is the current inline keyboard, row by row.
	Buttons [][]Button
	// ReplyMarkup is the inline keyboard JSON as echoed in results; nil when none.
	ReplyMarkup json.RawMessage
	// Edits counts successful editMessageText/editMessageReplyMarkup calls.
	Edits int
	// Document is set for sendDocument.
	Document *File
	// Photo is set for sendPhoto.
	Photo *File
	// Time is when the message was sent (emulator clock).
	Time time.Time
	// EditedAt is the time of the last edit, zero if never edited.
	EditedAt time.Time

	source string // text as sent, before entity parsing
}

// HasButtons reports whether the message carries an inline keyboard.
func (m Message) HasButtons() bool { return len(m.Buttons) > 0 }

// Labels returns the labels of every button, row by row.
func (m Message) Labels() []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// BotCommand is one entry of a command menu set with setMyCommands.
type BotCommand struct {
	// Command is the command without the slash.
	Command string `json:"command"`
	// Description is the menu text.
	Description string `json:"description"`
}

// CallbackAnswer records a callback query sent by a simulated user and the
// bot's answer to it.
type CallbackAnswer struct {
	// QueryID is the callback_query id.
	QueryID string
	// Data is the callback_data the user pressed.
	Data string
	// MessageID is the message holding the button.
	MessageID int
	// PressedAt is when the query was created (emulator clock).
	PressedAt time.Time
	// Answered reports whether answerCallbackQuery succeeded for it.
	Answered bool
	// AnsweredAt is when it was answered (emulator clock).
	AnsweredAt time.Time
	// Text and ShowAlert are the answer's parameters.
	Text      string
	ShowAlert bool
}

// callback is the server-side record of a callback query.
type callback struct {
	CallbackAnswer
	userID int64
}

type wireUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

type wireEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

type wireFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
	Width        int    `json:"width,omitempty"`
	Height       int    `json:"height,omitempty"`
}

type wireSticker struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
	Emoji        string `json:"emoji,omitempty"`
}

type wireMessage struct {
	MessageID   int             `json:"message_id"`
	From        *wireUser       `json:"from,omitempty"`
	Chat        wireChat        `json:"chat"`
	Date        int64           `json:"date"`
	EditDate    int64           `json:"edit_date,omitempty"`
	Text        string          `json:"text,omitempty"`
	Entities    []wireEntity    `json:"entities,omitempty"`
	Caption     string          `json:"caption,omitempty"`
	Document    *wireFile       `json:"document,omitempty"`
	Photo       []wireFile      `json:"photo,omitempty"`
	Sticker     *wireSticker    `json:"sticker,omitempty"`
	ReplyMarkup json.RawMessage `json:"reply_markup,omitempty"`
	// MigrateToChatID is set on the service message of a group upgrade.
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
}

type wireCallbackQuery struct {
	ID           string       `json:"id"`
	From         wireUser     `json:"from"`
	Message      *wireMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

type wireChatMember struct {
	User   wireUser `json:"user"`
	Status string   `json:"status"`
}

type wireChatMemberUpdated struct {
	Chat          wireChat       `json:"chat"`
	From          wireUser       `json:"from"`
	Date          int64          `json:"date"`
	OldChatMember wireChatMember `json:"old_chat_member"`
	NewChatMember wireChatMember `json:"new_chat_member"`
}

type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string  `json:"text"`
	CallbackData *string `json:"callback_data,omitempty"`
	URL          string  `json:"url,omitempty"`
}
