package sender

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Method is the Bot API method a Message calls.
type Method string

// The methods a Message can call.
const (
	MethodSendMessage    Method = "sendMessage"
	MethodEditText       Method = "editMessageText"
	MethodEditMarkup     Method = "editMessageReplyMarkup"
	MethodAnswerCallback Method = "answerCallbackQuery"
	MethodSendPhoto      Method = "sendPhoto"
	MethodSendDocument   Method = "sendDocument"
)

// Parse modes for Message.ParseMode ("" is plain text).
const (
	ParseHTML       = "HTML"
	ParseMarkdownV2 = "MarkdownV2"
)

// Telegram's limits that a Message is checked against before any request.
const (
	// MaxCallbackData is the longest callback data of a button, in bytes.
	MaxCallbackData = 64
	// MaxCallbackText is the longest callback answer text, in characters.
	MaxCallbackText = 200
)

// Message is one outbound Bot API call described as plain data: it holds no
// Telegram client type, survives a JSON round trip unchanged, and so can be
// stored (an outbox) and sent later. Build it with the constructors (Text,
// Ask, EditText, EditMarkup, AnswerCallback, Photo, Document) and adjust
// fields as needed; Validate says whether it can be sent. Fields that do not
// belong to the method (a file on sendMessage, a reply-to on an edit) make
// it invalid rather than being ignored.
type Message struct {
	// Method is the Bot API method.
	Method Method `json:"method"`
	// ChatID is the target chat; negative ids are groups. Required except
	// for answerCallbackQuery, where it only names the chat in logs.
	ChatID int64 `json:"chat_id,omitempty"`
	// MessageID is the message an edit changes.
	MessageID int `json:"message_id,omitempty"`
	// Text is the message text, the caption of a photo or document (may be
	// empty), or the callback answer's toast (may be empty). A sendMessage
	// text longer than MaxTextLen is split into several messages.
	Text string `json:"text,omitempty"`
	// ParseMode is "", ParseHTML or ParseMarkdownV2 (any case; the legacy
	// "Markdown" is accepted too).
	ParseMode string `json:"parse_mode,omitempty"`
	// Keyboard holds the rows of an inline keyboard. On an edit, no
	// keyboard removes the one shown; nil and empty are the same.
	Keyboard [][]Button `json:"keyboard,omitempty"`
	// ReplyTo is the message a send answers; the send still goes out if
	// that message is gone.
	ReplyTo int `json:"reply_to,omitempty"`
	// CallbackQueryID is the query an answerCallbackQuery answers.
	CallbackQueryID string `json:"callback_query_id,omitempty"`
	// ShowAlert shows a callback answer as an alert instead of a toast.
	ShowAlert bool `json:"show_alert,omitempty"`
	// File is the photo or document of sendPhoto and sendDocument.
	File *File `json:"file,omitempty"`
	// Proactive marks reminders, pushes and broadcasts, which are also held
	// to the global rate.
	Proactive bool `json:"proactive,omitempty"`
	// Key is an optional idempotency key, logged with failures.
	Key string `json:"key,omitempty"`
	// Turn is the update id of the turn whose prompt a send is: a send
	// that waited for pacing may then be dropped as superseded (see
	// Options.Superseded). Zero: always sent.
	Turn int64 `json:"turn,omitempty"`
}

// Button is one inline keyboard button: it carries callback Data or opens
// a URL, exactly one of the two.
type Button struct {
	// Text is the label.
	Text string `json:"text"`
	// Data is the callback data, 1..MaxCallbackData bytes.
	Data string `json:"data,omitempty"`
	// URL is the link the button opens.
	URL string `json:"url,omitempty"`
}

// File is the photo or document of a Message: exactly one of a path read
// when the message is sent, a Telegram file_id, or bytes with a name.
type File struct {
	// Path is a local file, read at send time; its base name is the name.
	Path string `json:"path,omitempty"`
	// ID is a file_id Telegram returned for an earlier upload.
	ID string `json:"id,omitempty"`
	// Name is the file name of Bytes (required with Bytes, only with Bytes).
	Name string `json:"name,omitempty"`
	// Bytes is the content to upload (base64 in JSON).
	Bytes []byte `json:"bytes,omitempty"`
}

// Text is a plain text message to chat.
func Text(chat int64, text string) Message {
	return Message{Method: MethodSendMessage, ChatID: chat, Text: text}
}

// Ask is a text message to chat with an inline keyboard (no keyboard when
// rows is empty).
func Ask(chat int64, text string, rows [][]Button) Message {
	return Message{Method: MethodSendMessage, ChatID: chat, Text: text, Keyboard: rowsOrNil(rows)}
}

// EditText replaces the text and keyboard of message msgID in chat; empty
// rows remove the keyboard.
func EditText(chat int64, msgID int, text string, rows [][]Button) Message {
	return Message{Method: MethodEditText, ChatID: chat, MessageID: msgID, Text: text, Keyboard: rowsOrNil(rows)}
}

// EditMarkup replaces only the keyboard of message msgID in chat; empty
// rows remove it.
func EditMarkup(chat int64, msgID int, rows [][]Button) Message {
	return Message{Method: MethodEditMarkup, ChatID: chat, MessageID: msgID, Keyboard: rowsOrNil(rows)}
}

// AnswerCallback answers callback query id with a toast (none when text is
// empty). Set ShowAlert for an alert, ChatID to name the chat in logs.
func AnswerCallback(id, text string) Message {
	return Message{Method: MethodAnswerCallback, CallbackQueryID: id, Text: text}
}

// Photo sends f as a photo to chat with an optional caption.
func Photo(chat int64, f File, caption string) Message {
	return Message{Method: MethodSendPhoto, ChatID: chat, File: &f, Text: caption}
}

// Document sends f as a document to chat with an optional caption.
func Document(chat int64, f File, caption string) Message {
	return Message{Method: MethodSendDocument, ChatID: chat, File: &f, Text: caption}
}

// DataButton is a button that sends data back as a callback query.
func DataButton(text, data string) Button { return Button{Text: text, Data: data} }

// URLButton is a button that opens url.
func URLButton(text, url string) Button { return Button{Text: text, URL: url} }

// Row is one keyboard row of buttons.
func Row(buttons ...Button) []Button { return buttons }

// FilePath is a local file read when the message is sent.
func FilePath(path string) File { return File{Path: path} }

// FileID is a file Telegram already has.
func FileID(id string) File { return File{ID: id} }

// FileBytes is content uploaded under name.
func FileBytes(name string, data []byte) File { return File{Name: name, Bytes: data} }

func rowsOrNil(rows [][]Button) [][]Button {
	if len(rows) == 0 {
		return nil
	}
	return rows
}

// Validate reports whether m can be sent: a known method, its required
// fields present, no field of another method, a usable keyboard and file,
// and Telegram's fixed limits respected. The error wraps ErrRejected and
// says what is wrong. Validate makes no request and reads no file.
func (m Message) Validate() error {
	if reason := m.problem(); reason != "" {
		return fmt.Errorf("%s to chat %d: %w: %s", m.methodLabel(), m.ChatID, ErrRejected, reason)
	}
	return nil
}

// methodLabel names the method in errors and logs.
func (m Message) methodLabel() string {
	if m.Method == "" {
		return "message"
	}
	return string(m.Method)
}

// problem returns why m cannot be sent, "" when it can.
func (m Message) problem() string {
	switch m.Method {
	case MethodSendMessage, MethodEditText, MethodEditMarkup, MethodAnswerCallback, MethodSendPhoto, MethodSendDocument:
	case "":
		return "no method"
	default:
		return fmt.Sprintf("unknown method %q", m.Method)
	}
	if reason := m.misplaced(); reason != "" {
		return reason
	}
	if !utf8.ValidString(m.Text) {
		return "text is not valid UTF-8"
	}
	switch m.Method {
	case MethodSendMessage, MethodEditText:
		if strings.TrimSpace(m.Text) == "" {
			return "empty text"
		}
	case MethodEditMarkup, MethodSendPhoto, MethodSendDocument:
	case MethodAnswerCallback:
		if m.CallbackQueryID == "" {
			return "no callback query id"
		}
		if n := utf8.RuneCountInString(m.Text); n > MaxCallbackText {
			return fmt.Sprintf("callback answer text has %d characters, Telegram allows %d", n, MaxCallbackText)
		}
		return ""
	}
	if m.ChatID == 0 {
		return "no chat id"
	}
	if m.isEdit() && m.MessageID <= 0 {
		return "no message id to edit"
	}
	if m.isFile() {
		if reason := m.File.problem(); reason != "" {
			return reason
		}
	}
	switch strings.ToLower(m.ParseMode) {
	case "", "html", "markdownv2", "markdown":
	default:
		return fmt.Sprintf("unknown parse mode %q (want %q or %q)", m.ParseMode, ParseHTML, ParseMarkdownV2)
	}
	return keyboardProblem(m.Keyboard)
}

// misplaced returns the first field set that m's method does not take.
func (m Message) misplaced() string {
	type field struct {
		name    string
		set, ok bool
	}
	send := m.Method == MethodSendMessage || m.isFile()
	callback := m.Method == MethodAnswerCallback
	for _, f := range []field{
		{"message_id", m.MessageID != 0, m.isEdit()},
		{"reply_to", m.ReplyTo != 0, send},
		{"callback_query_id", m.CallbackQueryID != "", callback},
		{"show_alert", m.ShowAlert, callback},
		{"file", m.File != nil, m.isFile()},
		{"keyboard", len(m.Keyboard) > 0, !callback},
		{"text", m.Text != "", m.Method != MethodEditMarkup},
		{"parse_mode", m.ParseMode != "", !callback && m.Method != MethodEditMarkup},
	} {
		if f.set && !f.ok {
			return fmt.Sprintf("%s does not take %s", m.Method, f.name)
		}
	}
	if m.isFile() && m.File == nil {
		return "no file"
	}
	return ""
}

func (m Message) isEdit() bool {
	return m.Method == MethodEditText || m.Method == MethodEditMarkup
}

func (m Message) isFile() bool {
	return m.Method == MethodSendPhoto || m.Method == MethodSendDocument
}

// problem returns why f cannot be sent, "" when it can.
func (f *File) problem() string {
	set := 0
	for _, ok := range []bool{f.Path != "", f.ID != "", f.Bytes != nil} {
		if ok {
			set++
		}
	}
	switch {
	case set != 1:
		return fmt.Sprintf("file needs exactly one of path, id or bytes (%d given)", set)
	case f.Bytes != nil && len(f.Bytes) == 0:
		return "file bytes are empty"
	case f.Bytes != nil && f.Name == "":
		return "file bytes need a name"
	case f.Bytes == nil && f.Name != "":
		return "file name is only for bytes"
	}
	return ""
}

// keyboardProblem returns why rows cannot be sent, "" when they can.
func keyboardProblem(rows [][]Button) string {
	for i, row := range rows {
		if len(row) == 0 {
			return fmt.Sprintf("keyboard row %d is empty", i+1)
		}
		for j, b := range row {
			if reason := b.problem(); reason != "" {
				return fmt.Sprintf("button %d of row %d %s", j+1, i+1, reason)
			}
		}
	}
	return ""
}

// problem returns why b cannot be sent, "" when it can.
func (b Button) problem() string {
	switch {
	case strings.TrimSpace(b.Text) == "":
		return "has no text"
	case !utf8.ValidString(b.Text) || !utf8.ValidString(b.Data):
		return fmt.Sprintf("%q is not valid UTF-8", b.Text)
	case b.Data == "" && b.URL == "":
		return fmt.Sprintf("%q has neither callback data nor URL", b.Text)
	case b.Data != "" && b.URL != "":
		return fmt.Sprintf("%q has both callback data and a URL", b.Text)
	case len(b.Data) > MaxCallbackData:
		return fmt.Sprintf("%q has %d bytes of callback data, Telegram allows %d", b.Text, len(b.Data), MaxCallbackData)
	}
	return ""
}
