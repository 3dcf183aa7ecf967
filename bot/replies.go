package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/storage"
)

// No resident stranded. Each applied update of a private chat is recorded
// with its reply pending, in the update's own transaction (two columns of
// the row that dedupes it: no extra statement). When the turn's last
// message is delivered, the sender reports it (Delivered) and the mark is
// cleared in batches, one UPDATE for every chat delivered in the last
// moment. A process that dies between commit and delivery leaves the mark:
// the recovery pass (Run, on every replica, one at a time) finds chats
// whose latest reply stayed pending for RecoverAfter and shows each its
// current prompt again, rebuilt from the database when the session store
// lost it.

// replyKeyPrefix marks the message whose delivery completes a turn's reply.
const replyKeyPrefix = "reply:"

func replyKey(chatID, updateID int64) string {
	return replyKeyPrefix + strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(updateID, 10)
}

func parseReplyKey(key string) (storage.ReplyMark, bool) {
	rest, ok := strings.CutPrefix(key, replyKeyPrefix)
	if !ok {
		return storage.ReplyMark{}, false
	}
	c, u, ok := strings.Cut(rest, ":")
	chat, err1 := strconv.ParseInt(c, 10, 64)
	update, err2 := strconv.ParseInt(u, 10, 64)
	return storage.ReplyMark{ChatID: chat, UpdateID: update}, ok && err1 == nil && err2 == nil
}

// replyMarks collects delivered replies until they are flushed.
type replyMarks struct {
	mu    sync.Mutex
	chats map[int64]int64 // chat → highest delivered update
}

func (r *replyMarks) add(m storage.ReplyMark) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.chats == nil {
		r.chats = map[int64]int64{}
	}
	r.chats[m.ChatID] = max(r.chats[m.ChatID], m.UpdateID)
}

func (r *replyMarks) take() []storage.ReplyMark {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]storage.ReplyMark, 0, len(r.chats))
	for c, u := range r.chats {
		out = append(out, storage.ReplyMark{ChatID: c, UpdateID: u})
	}
	r.chats = nil
	return out
}

// Delivered is the sender's OnDone hook: a turn's reply that Telegram took
// (or refused for good: a blocked chat, a rejected message) no longer
// needs recovering. Transient failures leave it pending.
func (b *Bot) Delivered(m sender.Message, _ sender.Result, err error) {
	mark, ok := parseReplyKey(m.Key)
	if !ok {
		return
	}
	if err == nil || errors.Is(err, sender.ErrBlocked) || errors.Is(err, sender.ErrRejected) || errors.Is(err, sender.ErrSuperseded) {
		b.marks.add(mark)
	}
}

// queueReplies sends a turn's messages, the last one carrying the reply
// mark of update; a turn with nothing to deliver is marked at once, unless
// keep says the reply is still owed: the turn held back the prompt that
// went out moments ago, which may never have reached the chat (the process
// that sent it died), so the recovery pass must still see the mark.
func (b *Bot) queueReplies(out []sender.Message, chatID, updateID int64, keep bool) {
	last := -1
	for i, m := range out {
		if !isCallbackAnswer(m) {
			last = i
		}
	}
	if chatID > 0 && updateID > 0 {
		switch {
		case last >= 0:
			out[last].Key = replyKey(chatID, updateID)
		case !keep:
			b.marks.add(storage.ReplyMark{ChatID: chatID, UpdateID: updateID})
		}
	}
	for _, m := range out {
		b.opt.Outbox.Enqueue(m)
	}
}

// Run keeps the bot's background work going until ctx ends: it records
// delivered replies, runs the recovery pass every RecoverEvery and sets
// the officials' chat menus (with a MenuAPI). On the
// way out it records what was delivered meanwhile.
func (b *Bot) Run(ctx context.Context) error {
	flush := time.NewTicker(b.opt.MarkEvery)
	defer flush.Stop()
	recoverTick := time.NewTicker(b.opt.RecoverEvery)
	defer recoverTick.Stop()
	if b.opt.MenuAPI != nil {
		menusDone := make(chan struct{})
		menuCtx, stopMenus := context.WithCancel(ctx)
		go func() { defer close(menusDone); b.setMenus(menuCtx) }()
		defer func() { stopMenus(); <-menusDone }()
	}
	for {
		select {
		case <-ctx.Done():
			b.waitSlow(5 * time.Second)
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			b.flushMarks(fctx)
			cancel()
			return nil
		case <-flush.C:
			b.flushMarks(ctx)
		case <-recoverTick.C:
			if n, err := b.Recover(ctx); err != nil {
				b.log.Warn("recover pending replies", "error", err)
			} else if n > 0 {
				b.log.Info("current prompts shown again after lost replies", "chats", n)
			}
		}
	}
}

func (b *Bot) flushMarks(ctx context.Context) {
	marks := b.marks.take()
	if len(marks) == 0 {
		return
	}
	if err := b.opt.Store.MarkReplied(ctx, marks); err != nil {
		b.log.Warn("record delivered replies; they may be shown again", "chats", len(marks), "error", err)
	}
}

// Recover shows the current prompt again to every chat whose latest reply
// stayed pending for RecoverAfter (its process died before sending it). One
// replica at a time runs it; it returns how many chats it re-prompted.
func (b *Bot) Recover(ctx context.Context) (int, error) {
	b.flushMarks(ctx)
	lctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	unlock, err := b.opt.Sessions.Lock(lctx, "bot:recover", b.opt.RecoverEvery)
	cancel()
	if err != nil {
		return 0, nil // another replica is at it
	}
	defer unlock()
	now := b.opt.Now()
	pending, err := b.opt.Store.PendingReplies(ctx, now.Add(-b.opt.RecoverAfter), now.Add(-24*time.Hour), 200)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range pending {
		sent, err := b.recoverChat(ctx, p)
		if err != nil {
			b.log.Warn("show the current prompt again", "chat_id", p.ChatID, "error", err)
			continue
		}
		if sent {
			n++
		}
	}
	return n, nil
}

// recoverChat re-prompts one chat, if its turn is free (a busy chat is
// being answered right now).
func (b *Bot) recoverChat(ctx context.Context, p storage.ReplyMark) (bool, error) {
	held, _, ok, err := b.opt.Sessions.TryTurn(ctx, p.ChatID, 0, b.opt.LockTTL)
	if err != nil || !ok {
		return false, err
	}
	var save *session.Session
	defer func() { b.endTurn(ctx, held, save) }()
	user := &tgbotapi.User{ID: p.ChatID} // a private chat's id is its user's
	st, _, err := b.loadChat(ctx, held, user)
	if err == nil && (!held.Found || st.LastUpdate < p.UpdateID) {
		// Lost, or saved before the update whose reply was lost: the
		// database says where the chat stands.
		st, err = b.rebuild(ctx, user, true)
	}
	if err != nil {
		return false, err
	}
	t := b.newTurn(ctx, nil, p.ChatID, user, b.rolesOf(ctx, user.ID), st)
	if err := t.reshow(); err != nil {
		return false, err
	}
	t.finish()
	notePrompts(t.st, t.out, p.UpdateID)
	data, err := encodeState(t.st)
	if err != nil {
		return false, err
	}
	save = &session.Session{ChatID: p.ChatID, Version: held.Session.Version, Data: data}
	b.queueReplies(t.out, p.ChatID, p.UpdateID, t.heldBack)
	return len(t.out) > 0, nil
}

// encodeState is the session form of a chat's state.
func encodeState(st *chatState) ([]byte, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encode session: %w", err)
	}
	return data, nil
}
