package botapitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// ErrUnknownUpdate is returned by Redeliver for an update_id the emulator
// never created.
var ErrUnknownUpdate = errors.New("botapitest: unknown update_id")

// defaultExcluded are the update types Telegram leaves out when
// allowed_updates is unset or empty.
var defaultExcluded = []string{"chat_member", "message_reaction", "message_reaction_count"}

// queuedUpdate is an update waiting to be confirmed (polling) or delivered
// (webhook).
type queuedUpdate struct {
	id       int
	kind     string
	chatKey  int64
	raw      json.RawMessage
	forced   bool // a Redeliver copy: survives offsets until returned once
	returned bool
	inFlight bool
}

// updateQueue is the bot's pending updates; guarded by Server.mu.
type updateQueue struct {
	next     int
	pending  []*queuedUpdate
	history  map[int]*queuedUpdate
	allowed  []string // nil: Telegram's default set
	pollStop chan struct{}
}

func (q *updateQueue) init(first int) {
	q.next = first
	q.history = make(map[int]*queuedUpdate)
}

func (q *updateQueue) allows(kind string) bool {
	if q.allowed == nil {
		return !slices.Contains(defaultExcluded, kind)
	}
	return slices.Contains(q.allowed, kind)
}

// confirm applies a getUpdates offset.
func (q *updateQueue) confirm(offset int) {
	switch {
	case offset > 0:
		q.pending = slices.DeleteFunc(q.pending, func(u *queuedUpdate) bool {
			return u.id < offset && (!u.forced || u.returned)
		})
	case offset < 0:
		if keep := -offset; len(q.pending) > keep {
			q.pending = slices.Clone(q.pending[len(q.pending)-keep:])
		}
	}
}

// take returns up to limit pending updates in queue order.
func (q *updateQueue) take(limit int) []json.RawMessage {
	out := []json.RawMessage{}
	for _, u := range q.pending {
		if len(out) == limit {
			break
		}
		u.returned = true
		out = append(out, u.raw)
	}
	return out
}

// enqueueLocked creates an update of the given kind and returns its id, or 0
// when allowed_updates filters the kind out (Telegram does not create it).
func (s *Server) enqueueLocked(kind string, chatKey int64, body any) int {
	if !s.q.allows(kind) {
		return 0
	}
	id := s.q.next
	s.q.next++
	raw, err := json.Marshal(map[string]any{"update_id": id, kind: body})
	if err != nil {
		panic(fmt.Sprintf("botapitest: marshal update: %v", err))
	}
	u := &queuedUpdate{id: id, kind: kind, chatKey: chatKey, raw: raw}
	s.q.history[id] = u
	s.q.pending = append(s.q.pending, u)
	s.wakeDispatcherLocked()
	s.notifyLocked()
	return id
}

// InjectUpdate queues a raw update, e.g. {"message":{...}}. Any update_id in
// it is replaced by the next sequential id, which is returned (0 when
// allowed_updates filters its type out).
func (s *Server) InjectUpdate(raw []byte) (int, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return 0, fmt.Errorf("botapitest: inject update: %w", err)
	}
	delete(obj, "update_id")
	if len(obj) != 1 {
		return 0, fmt.Errorf("botapitest: inject update: want exactly one update field, got %d", len(obj))
	}
	for kind, body := range obj {
		key := chatKeyOf(body)
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.chats[key]; !ok && key != 0 {
			typ := "private"
			if key < 0 {
				typ = "group"
			}
			s.chats[key] = newChat(wireChat{ID: key, Type: typ})
		}
		if kind == "callback_query" {
			s.recordInjectedCallbackLocked(body)
		}
		return s.enqueueLocked(kind, key, body), nil
	}
	return 0, nil
}

// chatKeyOf finds the chat an update belongs to, for per-chat ordering.
func chatKeyOf(body json.RawMessage) int64 {
	var v struct {
		Chat    *struct{ ID int64 } `json:"chat"`
		Message *struct {
			Chat struct{ ID int64 } `json:"chat"`
		} `json:"message"`
		From *struct{ ID int64 } `json:"from"`
	}
	if json.Unmarshal(body, &v) != nil {
		return 0
	}
	switch {
	case v.Chat != nil:
		return v.Chat.ID
	case v.Message != nil:
		return v.Message.Chat.ID
	case v.From != nil:
		return v.From.ID
	}
	return 0
}

// Redeliver queues the update with this id once more, with the same
// update_id, as Telegram does after a timeout. In polling mode the copy is
// returned by the next getUpdates even if the bot's offset is already past
// it; in webhook mode it waits its turn behind the chat's other updates.
func (s *Server) Redeliver(updateID int) error {
	return s.requeue(updateID, false)
}

// Duplicate is Redeliver, except that in webhook mode the copy does not
// wait for the chat's line: it is POSTed in parallel with whatever is in
// flight, as when Telegram retries an update the bot is still handling.
func (s *Server) Duplicate(updateID int) error {
	return s.requeue(updateID, true)
}

func (s *Server) requeue(updateID int, parallel bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.q.history[updateID]
	if !ok {
		return fmt.Errorf("redeliver %d: %w", updateID, ErrUnknownUpdate)
	}
	cp := &queuedUpdate{id: u.id, kind: u.kind, chatKey: u.chatKey, raw: u.raw, forced: true}
	if parallel {
		s.nextLane--
		cp.chatKey = s.nextLane // a lane of its own, below any real chat id
	}
	s.q.pending = append(s.q.pending, cp)
	s.wakeDispatcherLocked()
	s.notifyLocked()
	return nil
}

// SetNextUpdateID makes the next update use id, e.g. to imitate Telegram's
// random jump after a week without updates.
func (s *Server) SetNextUpdateID(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.q.next = id
}

// LastUpdateID returns the id of the most recently created update (or one
// less than the first id when none was created yet).
func (s *Server) LastUpdateID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.q.next - 1
}

// PendingUpdates returns how many updates are not yet confirmed (polling)
// or not yet delivered (webhook).
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.q.pending)
}

// setAllowedLocked applies an allowed_updates parameter; absent or "null"
// keeps the previous setting, "[]" restores the default.
func (s *Server) setAllowedLocked(p params) error {
	raw := p.str("allowed_updates")
	if raw == "" || raw == "null" {
		return nil
	}
	var list []string
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return badRequest("can't parse allowed updates: " + err.Error())
	}
	if len(list) == 0 {
		list = nil
	}
	s.q.allowed = list
	return nil
}

func (s *Server) getUpdates(r *http.Request, p params) (any, error) {
	offset, err := p.int("offset")
	if err != nil {
		return nil, err
	}
	limit, err := p.int("limit")
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, err := p.int("timeout")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hook.url != "" {
		return nil, &apiError{Code: http.StatusConflict, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if err := s.setAllowedLocked(p); err != nil {
		return nil, err
	}
	if s.q.pollStop != nil {
		close(s.q.pollStop) // Telegram terminates the earlier request
	}
	stop := make(chan struct{})
	s.q.pollStop = stop
	defer func() {
		if s.q.pollStop == stop {
			s.q.pollStop = nil
		}
	}()
	s.q.confirm(offset)
	timer := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer timer.Stop()
	for {
		if isClosed(stop) {
			return nil, &apiError{Code: http.StatusConflict, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		if ups := s.q.take(limit); len(ups) > 0 || timeout <= 0 {
			return ups, nil
		}
		ch := s.changed
		s.mu.Unlock()
		more := s.waitPoll(r, ch, stop, timer.C)
		s.mu.Lock()
		if !more {
			if isClosed(stop) {
				continue
			}
			return s.q.take(limit), nil
		}
	}
}

// waitPoll waits for a change; false when the poll must end (timeout,
// client gone, server closed or terminated by another poll).
func (s *Server) waitPoll(r *http.Request, ch, stop <-chan struct{}, timer <-chan time.Time) bool {
	select {
	case <-ch:
		return true
	case <-stop:
		return false
	case <-timer:
		return false
	case <-r.Context().Done():
		return false
	case <-s.ctx.Done():
		return false
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// PollActive reports whether a getUpdates request is waiting right now.
func (s *Server) PollActive() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.q.pollStop != nil
}

// recordInjectedCallbackLocked registers an injected callback query so that
// the bot can answer it.
func (s *Server) recordInjectedCallbackLocked(body json.RawMessage) {
	var q struct {
		ID   string `json:"id"`
		Data string `json:"data"`
		From struct {
			ID int64 `json:"id"`
		} `json:"from"`
	}
	if json.Unmarshal(body, &q) != nil || q.ID == "" {
		return
	}
	if _, ok := s.callbacks[q.ID]; !ok {
		s.callbacks[q.ID] = &callback{userID: q.From.ID, CallbackAnswer: CallbackAnswer{QueryID: q.ID, Data: q.Data, PressedAt: s.now()}}
		s.cbOrder = append(s.cbOrder, q.ID)
	}
}
