package botapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// chat is a conversation the emulator knows; guarded by Server.mu.
type chat struct {
	wire       wireChat
	nextMsg    int
	msgs       []*Message // bot messages, in order
	byID       map[int]*Message
	userMsgs   map[int]string // text of messages users sent, by id
	lastUser   int            // id of the last message a user sent
	blocked    bool
	migratedTo int64
}

func newChat(w wireChat) *chat {
	return &chat{wire: w, nextMsg: 1, byID: map[int]*Message{}, userMsgs: map[int]string{}}
}

func (c *chat) newMsgID() int {
	id := c.nextMsg
	c.nextMsg++
	return id
}

func (s *Server) botUser() wireUser {
	return wireUser{ID: s.botID, IsBot: true, FirstName: "egovpulse", Username: s.opts.BotUsername}
}

func (s *Server) getMe(_ *http.Request, _ params) (any, error) {
	return map[string]any{
		"id": s.botID, "is_bot": true, "first_name": "egovpulse", "username": s.opts.BotUsername,
		"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
	}, nil
}

// chatForSendLocked finds the target chat of a send or edit.
func (s *Server) chatForSendLocked(p params) (*chat, error) {
	if p.str("chat_id") == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(p.str("chat_id"), 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	c, ok := s.chats[id]
	switch {
	case !ok:
		return nil, badRequest("chat not found")
	case c.migratedTo != 0:
		return nil, &apiError{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: c.migratedTo}
	case c.blocked:
		return nil, &apiError{Code: 403, Description: "Forbidden: bot was blocked by the user"}
	}
	return c, nil
}

// wireOf renders a bot message as Telegram returns it.
func (s *Server) wireOf(c *chat, m *Message) wireMessage {
	bot := s.botUser()
	w := wireMessage{MessageID: m.ID, From: &bot, Chat: c.wire, Date: m.Time.Unix(), ReplyMarkup: m.ReplyMarkup}
	if !m.EditedAt.IsZero() {
		w.EditDate = m.EditedAt.Unix()
	}
	switch {
	case m.Document != nil:
		w.Caption = m.Text
		w.Document = &wireFile{FileID: m.Document.FileID, FileUniqueID: "u" + m.Document.FileID,
			FileName: m.Document.Name, MimeType: m.Document.MIME, FileSize: m.Document.Size}
	case m.Photo != nil:
		w.Caption = m.Text
		w.Photo = []wireFile{{FileID: m.Photo.FileID, FileUniqueID: "u" + m.Photo.FileID,
			FileSize: m.Photo.Size, Width: 320, Height: 320}}
	default:
		w.Text = m.Text
	}
	return w
}

// addBotMessageLocked stores a new bot message and wakes waiters.
func (s *Server) addBotMessageLocked(c *chat, m *Message) wireMessage {
	m.ID, m.ChatID, m.Time = c.newMsgID(), c.wire.ID, s.now()
	c.msgs = append(c.msgs, m)
	c.byID[m.ID] = m
	s.notifyLocked()
	return s.wireOf(c, m)
}

// parseContent validates the text (or caption) and keyboard of a send or
// edit and returns them as a Message to store or compare.
func parseContent(p params, caption bool) (*Message, error) {
	field := "text"
	if caption {
		field = "caption"
	}
	plain, err := renderText(p.str(field), p.str("parse_mode"))
	if err != nil {
		return nil, err
	}
	if err := checkLen(plain, caption); err != nil {
		return nil, err
	}
	buttons, markup, err := parseMarkup(p.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	return &Message{Text: plain, ParseMode: p.str("parse_mode"), Buttons: buttons, ReplyMarkup: markup, source: p.str(field)}, nil
}

func (s *Server) sendMessage(_ *http.Request, p params) (any, error) {
	m, err := parseContent(p, false)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.chatForSendLocked(p)
	if err != nil {
		return nil, err
	}
	return s.addBotMessageLocked(c, m), nil
}

// messageForEditLocked finds the bot message an edit targets.
func (s *Server) messageForEditLocked(p params) (*chat, *Message, error) {
	if p.str("inline_message_id") != "" {
		return nil, nil, badRequest("MESSAGE_ID_INVALID")
	}
	c, err := s.chatForSendLocked(p)
	if err != nil {
		return nil, nil, err
	}
	id, err := p.int("message_id")
	if err != nil {
		return nil, nil, err
	}
	m, ok := c.byID[id]
	if !ok {
		if _, user := c.userMsgs[id]; user {
			return nil, nil, badRequest("message can't be edited")
		}
		return nil, nil, badRequest("message to edit not found")
	}
	return c, m, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessageText(_ *http.Request, p params) (any, error) {
	return s.edit(p, true)
}

func (s *Server) editMessageReplyMarkup(_ *http.Request, p params) (any, error) {
	return s.edit(p, false)
}

// edit implements editMessageText (withText) and editMessageReplyMarkup.
// A missing reply_markup removes the keyboard, as on Telegram.
func (s *Server) edit(p params, withText bool) (any, error) {
	next := &Message{}
	var err error
	if withText {
		next, err = parseContent(p, false)
	} else {
		next.Buttons, next.ReplyMarkup, err = parseMarkup(p.str("reply_markup"))
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.messageForEditLocked(p)
	if err != nil {
		return nil, err
	}
	switch {
	case !withText:
		next.Text, next.ParseMode, next.source = m.Text, m.ParseMode, m.source
	case m.Document != nil || m.Photo != nil:
		return nil, badRequest("there is no text in the message to edit")
	}
	// Telegram compares text, entities and markup; the source text stands
	// in for the entities (so "<b>x</b>" → "x" is a modification).
	if m.Text == next.Text && m.source == next.source && bytes.Equal(m.ReplyMarkup, next.ReplyMarkup) {
		return nil, badRequest(notModified)
	}
	m.Text, m.ParseMode, m.Buttons, m.ReplyMarkup, m.source = next.Text, next.ParseMode, next.Buttons, next.ReplyMarkup, next.source
	m.Edits++
	m.EditedAt = s.now()
	s.notifyLocked()
	return s.wireOf(c, m), nil
}

func (s *Server) answerCallbackQuery(_ *http.Request, p params) (any, error) {
	text := p.str("text")
	if len([]rune(text)) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cb, ok := s.callbacks[p.str("callback_query_id")]
	expired := ok && s.opts.CallbackTimeout > 0 && s.now().Sub(cb.PressedAt) > s.opts.CallbackTimeout
	if !ok || cb.Answered || expired {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	cb.Answered, cb.AnsweredAt, cb.Text, cb.ShowAlert = true, s.now(), text, p.bool("show_alert")
	s.notifyLocked()
	return true, nil
}

func (s *Server) sendPhoto(_ *http.Request, p params) (any, error) {
	return s.sendFile(p, "photo")
}

func (s *Server) sendDocument(_ *http.Request, p params) (any, error) {
	return s.sendFile(p, "document")
}

// sendFile implements sendPhoto and sendDocument: an uploaded part, or a
// file_id/URL string in the field.
func (s *Server) sendFile(p params, field string) (any, error) {
	m, err := parseContent(p, true)
	if err != nil {
		return nil, err
	}
	up, uploaded := p.files[field]
	if !uploaded && p.str(field) == "" {
		return nil, badRequest(fmt.Sprintf("there is no %s in the request", field))
	}
	if uploaded && len(up.data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.chatForSendLocked(p)
	if err != nil {
		return nil, err
	}
	f := &File{FileID: p.str(field)}
	if uploaded {
		s.fileSeq++
		f = &File{FileID: fmt.Sprintf("F%s%d", field, s.fileSeq), Name: up.name, MIME: up.mime, Size: len(up.data), Data: up.data}
	}
	if field == "photo" {
		m.Photo = f
	} else {
		m.Document = f
	}
	return s.addBotMessageLocked(c, m), nil
}

func (s *Server) deleteMessage(_ *http.Request, p params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.chatForSendLocked(p)
	if err != nil {
		return nil, err
	}
	id, err := p.int("message_id")
	if err != nil {
		return nil, err
	}
	m, ok := c.byID[id]
	if !ok {
		return nil, badRequest("message to delete not found")
	}
	delete(c.byID, id)
	c.msgs = slices.DeleteFunc(c.msgs, func(x *Message) bool { return x == m })
	s.notifyLocked()
	return true, nil
}

func (s *Server) sendChatAction(_ *http.Request, p params) (any, error) {
	if p.str("action") == "" {
		return nil, badRequest("action is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.chatForSendLocked(p); err != nil {
		return nil, err
	}
	return true, nil
}

// commandsKey identifies a command menu by scope and language: the scope
// type, with ":<chat_id>" (and ":<user_id>") for chat-scoped menus.
func commandsKey(p params) string {
	var scope struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID int64           `json:"user_id"`
	}
	_ = json.Unmarshal([]byte(p.str("scope")), &scope)
	if scope.Type == "" {
		scope.Type = "default"
	}
	key := scope.Type
	if len(scope.ChatID) > 0 {
		key += ":" + strings.Trim(string(scope.ChatID), `"`)
	}
	if scope.UserID != 0 {
		key += ":" + strconv.FormatInt(scope.UserID, 10)
	}
	return key + "/" + p.str("language_code")
}

// Commands returns the command menu set for a scope ("default",
// "all_private_chats", ..., "chat:<chat_id>" for one chat's menu,
// "chat_member:<chat_id>:<user_id>") and language code ("" for all
// languages).
func (s *Server) Commands(scope, languageCode string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BotCommand(nil), s.commands[scope+"/"+languageCode]...)
}

func (s *Server) setMyCommands(_ *http.Request, p params) (any, error) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(p.str("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands")
	}
	for _, c := range cmds {
		if !commandRe.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(c.Description)); n < 1 || n > 256 {
			return nil, badRequest("command description is empty")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[commandsKey(p)] = cmds
	s.notifyLocked()
	return true, nil
}

func (s *Server) getMyCommands(_ *http.Request, p params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BotCommand{}, s.commands[commandsKey(p)]...), nil
}

func (s *Server) deleteMyCommands(_ *http.Request, p params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, commandsKey(p))
	return true, nil
}

// Requests returns every request handled so far, in the order they
// completed (a long poll completes late); Request.Time is the arrival time.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestsSince returns the requests received at or after t (emulator clock).
func (s *Server) RequestsSince(t time.Time) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if !r.Time.Before(t) {
			out = append(out, r)
		}
	}
	return out
}
