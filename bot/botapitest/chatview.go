package botapitest

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// chatView reads the bot's messages in one chat; shared by User and Group.
type chatView struct {
	s  *Server
	id int64
}

// ChatID returns the chat's id.
func (v chatView) ChatID() int64 { return v.id }

// Messages returns every message the bot sent to this chat and did not
// delete, in order, in their current state (text and keyboard after edits).
func (v chatView) Messages() []Message {
	v.s.mu.Lock()
	defer v.s.mu.Unlock()
	return v.messagesLocked()
}

func (v chatView) messagesLocked() []Message {
	c := v.s.chats[v.id]
	out := make([]Message, 0, len(c.msgs))
	for _, m := range c.msgs {
		out = append(out, *m)
	}
	return out
}

// LastMessage returns the bot's latest message to this chat, or the zero
// Message (ID 0) when there is none.
func (v chatView) LastMessage() Message {
	msgs := v.Messages()
	if len(msgs) == 0 {
		return Message{}
	}
	return msgs[len(msgs)-1]
}

// WaitFor waits until a bot message in this chat satisfies match (checked
// again after every send and edit) and returns the latest such message.
// It returns ctx's error, wrapped, when ctx ends first.
func (v chatView) WaitFor(ctx context.Context, match func(Message) bool) (Message, error) {
	s := v.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		msgs := v.messagesLocked()
		for i := len(msgs) - 1; i >= 0; i-- {
			if match(msgs[i]) {
				return msgs[i], nil
			}
		}
		ch := s.changed
		s.mu.Unlock()
		ok := s.waitChange(ctx, ch, nil)
		s.mu.Lock()
		if !ok {
			return Message{}, fmt.Errorf("botapitest: chat %d: no matching message among %d: %w", v.id, len(msgs), context.Cause(ctxOr(ctx, s.ctx)))
		}
	}
}

// ctxOr returns whichever context has ended, preferring a.
func ctxOr(a, b context.Context) context.Context {
	if a.Err() != nil {
		return a
	}
	return b
}

// WaitMessages waits until the bot has sent at least n messages to this
// chat in total and returns all of them, or an error after timeout.
func (v chatView) WaitMessages(n int, timeout time.Duration) ([]Message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s := v.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		msgs := v.messagesLocked()
		if len(msgs) >= n {
			return msgs, nil
		}
		ch := s.changed
		s.mu.Unlock()
		ok := s.waitChange(ctx, ch, nil)
		s.mu.Lock()
		if !ok {
			return v.messagesLocked(), fmt.Errorf("botapitest: chat %d: got %d bot messages, want %d within %v", v.id, len(msgs), n, timeout)
		}
	}
}

// HasButton matches a message with a button labelled label.
func HasButton(label string) func(Message) bool {
	return func(m Message) bool {
		for _, l := range m.Labels() {
			if l == label {
				return true
			}
		}
		return false
	}
}

// TextContains matches a message whose text contains sub.
func TextContains(sub string) func(Message) bool {
	return func(m Message) bool { return strings.Contains(m.Text, sub) }
}

// Group is a simulated group chat (ids are negative, like Telegram's).
type Group struct {
	chatView
}

// Group returns the group chat with this id, creating it on first use.
func (s *Server) Group(id int64, title string) *Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.chats[id]; !ok {
		s.chats[id] = newChat(wireChat{ID: id, Type: "group", Title: title})
	}
	return &Group{chatView{s: s, id: id}}
}

// Send posts text in the group as from and returns the update_id.
func (g *Group) Send(from *User, text string) int {
	return g.s.userMessage(from.id, g.id, func(m *wireMessage) {
		m.Text = text
		m.Entities = commandEntities(text)
	})
}

// Press presses, as from, the button labelled label in the group's last
// bot message with an inline keyboard, and returns the update_id.
func (g *Group) Press(from *User, label string) (int, error) {
	return g.s.press(from.id, g.id, 0, label)
}

// Migrate turns the group into a supergroup with id newID: a service
// message with migrate_to_chat_id is queued, and later sends to the old id
// answer 400 with parameters.migrate_to_chat_id. It returns the supergroup.
func (g *Group) Migrate(from *User, newID int64) *Group {
	s := g.s
	s.mu.Lock()
	old := s.chats[g.id]
	old.migratedTo = newID
	sg := newChat(wireChat{ID: newID, Type: "supergroup", Title: old.wire.Title})
	s.chats[newID] = sg
	s.mu.Unlock()
	g.s.userMessage(from.id, g.id, func(m *wireMessage) { m.MigrateToChatID = newID })
	return &Group{chatView{s: s, id: newID}}
}
