package botapitest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// ErrNoButton is returned by Press and PressIn when no button has the label.
var ErrNoButton = errors.New("botapitest: no such button")

// User is a simulated Telegram user with a private chat (chat id == user
// id). Its methods create updates for the bot and read what the bot sent.
type User struct {
	chatView
	id int64
}

// UserOption sets a property of a simulated user.
type UserOption func(*wireUser)

// WithFirstName sets the user's first name (default "User<id>").
func WithFirstName(name string) UserOption { return func(u *wireUser) { u.FirstName = name } }

// WithLastName sets the user's last name.
func WithLastName(name string) UserOption { return func(u *wireUser) { u.LastName = name } }

// WithUsername sets the user's @username (without the @).
func WithUsername(name string) UserOption { return func(u *wireUser) { u.Username = name } }

// WithLanguage sets language_code, e.g. "id" (the default) or "en".
func WithLanguage(code string) UserOption { return func(u *wireUser) { u.LanguageCode = code } }

// User returns the simulated user with this id, creating it and its private
// chat on first use. Options apply on every call.
func (s *Server) User(id int64, opts ...UserOption) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		u = &User{chatView: chatView{s: s, id: id}, id: id}
		s.users[id] = u
		s.profiles[id] = wireUser{ID: id, FirstName: "User" + strconv.FormatInt(id, 10), LanguageCode: "id"}
	}
	w := s.profiles[id]
	for _, o := range opts {
		o(&w)
	}
	s.profiles[id] = w
	c, ok := s.chats[id]
	if !ok {
		c = newChat(wireChat{})
		s.chats[id] = c
	}
	c.wire = wireChat{ID: id, Type: "private", FirstName: w.FirstName, LastName: w.LastName, Username: w.Username}
	return u
}

// ID returns the user's id (also its private chat id).
func (u *User) ID() int64 { return u.id }

// Send sends a text message; a leading "/command" gets a bot_command entity
// like Telegram gives it. It returns the update_id.
func (u *User) Send(text string) int {
	return u.s.userMessage(u.id, u.id, func(m *wireMessage) {
		m.Text = text
		m.Entities = commandEntities(text)
	})
}

// SendSticker sends a sticker and returns the update_id.
func (u *User) SendSticker() int {
	return u.s.userMessage(u.id, u.id, func(m *wireMessage) {
		m.Sticker = &wireSticker{FileID: "CAACAgIAAxkBsticker", FileUniqueID: "AgADsticker",
			Type: "regular", Width: 512, Height: 512, Emoji: "👍"}
	})
}

// SendPhoto sends a photo with an optional caption and returns the update_id.
func (u *User) SendPhoto(caption string) int {
	return u.s.userMessage(u.id, u.id, func(m *wireMessage) {
		m.Caption = caption
		m.Photo = []wireFile{
			{FileID: "AgACAgIAAxkBphoto_s", FileUniqueID: "AQADs", Width: 90, Height: 90, FileSize: 1200},
			{FileID: "AgACAgIAAxkBphoto_m", FileUniqueID: "AQADm", Width: 800, Height: 800, FileSize: 52000},
		}
	})
}

// commandEntities returns the bot_command entity of text, if it starts with
// a command.
func commandEntities(text string) []wireEntity {
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return nil
	}
	cmd, _, _ := strings.Cut(text, " ")
	cmd, _, _ = strings.Cut(cmd, "\n")
	return []wireEntity{{Type: "bot_command", Offset: 0, Length: len(utf16.Encode([]rune(cmd)))}}
}

// userMessage creates a message from user `from` in chat chatID and queues
// it as a "message" update.
func (s *Server) userMessage(from, chatID int64, fill func(*wireMessage)) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	m := wireMessage{MessageID: c.newMsgID(), Chat: c.wire, Date: s.timestamp()}
	sender := s.profiles[from]
	m.From = &sender
	fill(&m)
	c.userMsgs[m.MessageID] = m.Text
	c.lastUser = m.MessageID
	return s.enqueueLocked("message", chatID, m)
}

// EditLastMessage edits the user's last message to text, queueing an
// edited_message update whose id it returns.
func (u *User) EditLastMessage(text string) (int, error) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[u.id]
	if c.lastUser == 0 {
		return 0, errors.New("botapitest: the user has sent no message to edit")
	}
	sender := s.profiles[u.id]
	m := wireMessage{MessageID: c.lastUser, From: &sender, Chat: c.wire, Date: s.timestamp(),
		EditDate: s.timestamp(), Text: text, Entities: commandEntities(text)}
	c.userMsgs[c.lastUser] = text
	return s.enqueueLocked("edited_message", u.id, m), nil
}

// Press presses the button labelled label in the last bot message of this
// chat that has an inline keyboard.
func (u *User) Press(label string) error {
	_, err := u.s.press(u.id, u.id, 0, label)
	return err
}

// PressIn presses the button labelled label in bot message msgID.
func (u *User) PressIn(msgID int, label string) error {
	_, err := u.s.press(u.id, u.id, msgID, label)
	return err
}

// PressData sends a callback query with arbitrary (stale or forged) data,
// attached to the last keyboard message (or last bot message), and returns
// the update_id.
func (u *User) PressData(data string) int {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[u.id]
	m := lastKeyboard(c)
	if m == nil && len(c.msgs) > 0 {
		m = c.msgs[len(c.msgs)-1]
	}
	return s.callbackLocked(u.id, c, m, data)
}

// press finds the button and sends its callback query.
func (s *Server) press(from, chatID int64, msgID int, label string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	m := lastKeyboard(c)
	if msgID != 0 {
		m = c.byID[msgID]
	}
	if m == nil {
		return 0, fmt.Errorf("press %q: no bot message with an inline keyboard: %w", label, ErrNoButton)
	}
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label && b.Data != "" {
				return s.callbackLocked(from, c, m, b.Data), nil
			}
		}
	}
	return 0, fmt.Errorf("press %q in message %d (buttons %q): %w", label, m.ID, m.Labels(), ErrNoButton)
}

func lastKeyboard(c *chat) *Message {
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if c.msgs[i].HasButtons() {
			return c.msgs[i]
		}
	}
	return nil
}

// callbackLocked records and queues a callback_query update.
func (s *Server) callbackLocked(from int64, c *chat, m *Message, data string) int {
	s.nextCB++
	id := fmt.Sprintf("%d%06d", s.botID%1000, s.nextCB)
	cb := &callback{userID: from, CallbackAnswer: CallbackAnswer{QueryID: id, Data: data, PressedAt: s.now()}}
	q := wireCallbackQuery{ID: id, From: s.profiles[from], ChatInstance: "ci" + strconv.FormatInt(c.wire.ID, 10), Data: data}
	if m != nil {
		cb.MessageID = m.ID
		w := s.wireOf(c, m)
		q.Message = &w
	}
	s.callbacks[id] = cb
	s.cbOrder = append(s.cbOrder, id)
	return s.enqueueLocked("callback_query", c.wire.ID, q)
}

// Block makes the user block the bot: a my_chat_member update (member →
// kicked) is queued and later sends to the chat answer 403.
func (u *User) Block() int { return u.s.setBlocked(u.id, true) }

// Unblock undoes Block (my_chat_member kicked → member).
func (u *User) Unblock() int { return u.s.setBlocked(u.id, false) }

func (s *Server) setBlocked(id int64, blocked bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[id]
	c.blocked = blocked
	bot := s.botUser()
	oldS, newS := "member", "kicked"
	if !blocked {
		oldS, newS = newS, oldS
	}
	upd := wireChatMemberUpdated{Chat: c.wire, From: s.profiles[id], Date: s.timestamp(),
		OldChatMember: wireChatMember{User: bot, Status: oldS}, NewChatMember: wireChatMember{User: bot, Status: newS}}
	return s.enqueueLocked("my_chat_member", id, upd)
}

// CallbackAnswers returns every callback query this user sent, in order,
// with the bot's answer (Answered false when it never answered).
func (u *User) CallbackAnswers() []CallbackAnswer {
	return u.s.callbacksWhere(func(cb *callback) bool { return cb.userID == u.id })
}

// UnansweredCallbacks returns the callback queries of all users that the
// bot has not answered.
func (s *Server) UnansweredCallbacks() []CallbackAnswer {
	return s.callbacksWhere(func(cb *callback) bool { return !cb.Answered })
}

func (s *Server) callbacksWhere(keep func(*callback) bool) []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CallbackAnswer
	for _, id := range s.cbOrder {
		if cb := s.callbacks[id]; keep(cb) {
			out = append(out, cb.CallbackAnswer)
		}
	}
	return out
}
