// Package bot is the Telegram adapter: it turns updates into survey inputs,
// applies them exactly once (dedupe by update_id in the same transaction as
// their effects, one chat at a time across processes), keeps the conversation
// state in the session store, and renders the engine's prompts as messages
// and inline keyboards sent through the paced sender.
//
// Intake is in intake.go (webhook handler), poll.go (polling loop),
// deadletter.go (what fails for good is set aside) and register.go
// (command menus, webhook). Each update is one turn (turn.go): the
// dispatcher hands commands to the command table (commands.go) and text and
// buttons to the chat's current stage, from one table (stages.go) that the
// flows fill: common.go (consent, language, data), run.go (answering a
// survey), resident.go, official.go, admin.go; replies.go recovers replies
// lost with a crashed process.
package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/internal/metrics"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// Outbox is what the bot needs of the sender: replies are queued per chat
// and sent after the update's effects are committed.
type Outbox interface {
	Enqueue(m sender.Message)
}

// Options configure a Bot.
type Options struct {
	Store    *storage.Store
	Sessions session.Store
	Outbox   Outbox
	Registry *survey.Registry
	Catalog  *survey.Catalog
	Location *time.Location
	Logger   *slog.Logger
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// SampleSeed seeds a respondent's planned-missingness draw for a
	// service (random by default). The demo derives it from the user and
	// the service, so that a run with the same --seed repeats.
	SampleSeed func(userID int64, service string) uint64
	// Visit lists the surveys a resident answers for one service visit, in
	// order (default: skm alone, which holds the whole visit).
	Visit []string
	// SessionTTL is how long an idle conversation is kept in the session
	// store (default 7 days); after it the state is rebuilt from the database.
	SessionTTL time.Duration
	// LockTTL is the lease of one chat's turn, renewed while the turn runs;
	// a crashed holder's chat waits about this long (default 2 s).
	LockTTL time.Duration
	// OrderSettle is how long a webhook update lets updates of the same chat
	// delivered at the same moment register before it takes the chat's
	// turn (default 5 ms); polling needs none (one process, in order).
	OrderSettle time.Duration
	// OrderWait bounds how long an update waits for an earlier update of the
	// same chat that another request holds (default 2 s).
	OrderWait time.Duration
	// Roles tells users' roles beyond resident (nil: everyone is a resident).
	Roles RoleSource
	// MarkEvery is how often delivered replies are recorded (default
	// 250 ms); RecoverEvery how often the recovery pass looks for replies
	// that stayed pending (default 5 s) and RecoverAfter how long a reply
	// may stay pending before its chat is re-prompted (default 15 s).
	MarkEvery, RecoverEvery, RecoverAfter time.Duration
	// Metrics counts updates, answers, rebuilds and lock waits (nil: none).
	Metrics *metrics.Metrics
	// MenuAPI sets the officials' command menu in their chats when they
	// join or /start (official_menu.go; nil: no per-chat menus).
	MenuAPI Requester
	// Summaries makes /ringkasan's summary (nil: the command says it
	// cannot). SummaryBudget is how long a turn waits for it before saying
	// it comes when ready (default 5 s); SummaryTimeout bounds the making
	// (default 2 min).
	Summaries                     Summaries
	SummaryBudget, SummaryTimeout time.Duration
}

// Bot handles updates for residents, officials and admins.
type Bot struct {
	opt      Options
	engine   *survey.Engine
	log      *slog.Logger
	stages   map[stage]stageDef
	commands []command
	marks    replyMarks
	menus    chan chatMenu
	// slow counts the slow replies still being made (summary.go).
	slow slowReplies
}

// New checks the options and builds a Bot.
func New(opt Options) (*Bot, error) {
	if opt.Store == nil || opt.Sessions == nil || opt.Outbox == nil || opt.Registry == nil || opt.Catalog == nil {
		return nil, errors.New("bot: Store, Sessions, Outbox, Registry and Catalog are required")
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if len(opt.Visit) == 0 {
		opt.Visit = []string{"skm"}
	}
	for _, id := range opt.Visit {
		if _, err := opt.Registry.Latest(id); err != nil {
			return nil, fmt.Errorf("bot: visit survey %q: %w", id, err)
		}
	}
	if opt.SessionTTL == 0 {
		opt.SessionTTL = 7 * 24 * time.Hour
	}
	if opt.LockTTL == 0 {
		opt.LockTTL = 2 * time.Second
	}
	if opt.OrderSettle == 0 {
		opt.OrderSettle = 5 * time.Millisecond
	}
	if opt.OrderWait == 0 {
		opt.OrderWait = 2 * time.Second
	}
	opt.MarkEvery = cmp.Or(opt.MarkEvery, 250*time.Millisecond)
	opt.RecoverEvery = cmp.Or(opt.RecoverEvery, 5*time.Second)
	opt.RecoverAfter = cmp.Or(opt.RecoverAfter, 15*time.Second)
	opt.SummaryBudget = cmp.Or(opt.SummaryBudget, defaultSummaryBudget)
	opt.SummaryTimeout = cmp.Or(opt.SummaryTimeout, defaultSummaryTimeout)
	return &Bot{opt: opt, engine: survey.NewEngine(), log: opt.Logger, stages: stageTable(), commands: commandTable(),
		menus: make(chan chatMenu, menuQueueSize)}, nil
}

// HandleUpdate applies one update. It returns nil only once the update's
// effects are committed (or it was already applied before, or it was set
// aside as a dead letter: see deadletter.go), so the caller may then
// confirm it to Telegram; on error the update must be delivered again.
func (b *Bot) HandleUpdate(ctx context.Context, upd tgbotapi.Update) error {
	return b.observe(ctx, upd, 0, nil)
}

// handleOnce makes one attempt at an update (handle adds the dead-letter
// rule); settle is how long it lets other requests of the same chat that
// arrived at the same moment register before it takes the turn (webhook
// deliveries may run in parallel). With reply set, the answer to a
// callback query is put there instead of being sent (the webhook returns it
// in its HTTP response: one request fewer per button).
func (b *Bot) handleOnce(ctx context.Context, upd tgbotapi.Update, settle time.Duration, reply *sender.Message) error {
	chatID, user := updateChat(upd)
	if chatID == 0 {
		// Nothing we act on (e.g. a channel post): remember it as handled.
		return ignoreSeen(b.opt.Store.ApplyUpdate(ctx, int64(upd.UpdateID), func(*storage.Tx) error { return nil }))
	}
	held, err := b.takeTurn(ctx, chatID, int64(upd.UpdateID), settle)
	if err != nil {
		return err
	}
	stopLease := b.keepTurn(ctx, held)
	// The turn ends (session saved, lock released) after the replies are
	// queued, so one chat's replies leave in the order of its updates.
	var save *session.Session
	defer func() {
		stopLease()
		b.endTurn(ctx, held, save)
	}()

	st, version, err := b.loadChat(ctx, held, user)
	if err != nil {
		return err
	}
	roles := b.rolesFor(ctx, upd, user.ID)
	var t *turn
	err = b.opt.Store.ApplyChatUpdate(ctx, int64(upd.UpdateID), chatID, func(tx *storage.Tx) error {
		t = b.newTurn(ctx, tx, chatID, user, roles, st.clone())
		return t.handle(upd)
	})
	seen := errors.Is(err, storage.ErrUpdateSeen)
	if seen {
		b.opt.Metrics.Update(metrics.UpdateDuplicate)
		if t, err = b.redelivered(ctx, upd, chatID, user, roles, st); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("apply update %d: %w", upd.UpdateID, err)
	} else {
		b.opt.Metrics.Update(metrics.UpdateApplied)
		b.opt.Metrics.AnswersStored(t.stored)
		b.queueMenu(chatID, t.menuRoles)
	}
	t.finish()
	if reply != nil && len(t.out) > 0 && isCallbackAnswer(t.out[0]) {
		*reply, t.out = t.out[0], t.out[1:]
	}
	t.st.LastUpdate = max(t.st.LastUpdate, int64(upd.UpdateID))
	notePrompts(t.st, t.out, int64(upd.UpdateID))
	if data, err := encodeState(t.st); err != nil {
		b.log.Error("encode session", "chat_id", chatID, "error", err)
	} else {
		save = &session.Session{ChatID: chatID, Version: version, Data: data}
	}
	// A redelivery that held the prompt back leaves the update's reply
	// owed: the process that applied it may have died before sending it.
	b.queueReplies(t.out, chatID, int64(upd.UpdateID), seen && t.heldBack)
	if t.later != nil {
		b.runLater(ctx, chatID, t.lang(), t.later)
	}
	return nil
}

// redelivered handles an update that was applied before. The process that
// applied it may have died before its reply went out (or before it saved
// the session: then the session predates the update and the conversation
// is rebuilt from the database), so where the chat stands is shown again,
// at most once per reshowGap, and a button's callback is answered.
func (b *Bot) redelivered(ctx context.Context, upd tgbotapi.Update, chatID int64, user *tgbotapi.User, roles Role, st *chatState) (*turn, error) {
	b.log.Debug("update already applied", "update_id", upd.UpdateID)
	if int64(upd.UpdateID) > st.LastUpdate {
		// Not direct: more of the chat's updates may follow this one, typed
		// against a conversation the database cannot tell exactly (a /back
		// is not stored), so the resident is asked to continue first.
		fresh, err := b.rebuild(ctx, user, false)
		if err != nil {
			return nil, fmt.Errorf("rebuild session: %w", err)
		}
		st = fresh
	}
	t := b.newTurn(ctx, nil, chatID, user, roles, st)
	if upd.CallbackQuery != nil {
		t.cbID = upd.CallbackQuery.ID
	}
	if err := t.reshow(); err != nil {
		b.log.Warn("show the current prompt again", "chat_id", chatID, "error", err)
	}
	return t, nil
}

func (b *Bot) newTurn(ctx context.Context, tx *storage.Tx, chatID int64, user *tgbotapi.User, roles Role, st *chatState) *turn {
	return &turn{ctx: ctx, b: b, tx: tx, chatID: chatID, user: user, roles: roles, st: st}
}

// keepTurn renews the turn's short lease while the turn runs, so a crashed
// holder's chat waits at most about LockTTL; it returns the stop function.
func (b *Bot) keepTurn(ctx context.Context, t session.Turn) func() {
	every := b.opt.LockTTL / 3
	var mu sync.Mutex
	stopped := false
	var timer *time.Timer
	timer = time.AfterFunc(every, func() {
		if err := b.opt.Sessions.ExtendTurn(context.WithoutCancel(ctx), t, b.opt.LockTTL); err != nil {
			b.log.Warn("renew the chat's turn", "chat_id", t.ChatID, "error", err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			timer.Reset(every)
		}
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		timer.Stop()
	}
}

// takeTurn waits for the chat's turn: its lock, taken only while no smaller
// update id of the same chat waits in another request (several replicas
// may receive one chat's updates at once). A waiting id that does not move
// within OrderWait is given up on (its replica died), so nothing waits
// forever. A waiting room that cannot be joined costs the ordering, not
// the update.
func (b *Bot) takeTurn(ctx context.Context, chatID, updateID int64, settle time.Duration) (session.Turn, error) {
	s := b.opt.Sessions
	// Polling (settle 0) is one process that already applies a chat's
	// updates in order: only webhook deliveries use the waiting room.
	var waiting int64
	if settle > 0 && s.Arrive(ctx, chatID, updateID, b.opt.LockTTL+b.opt.OrderWait) == nil {
		waiting = updateID
		sleep(ctx, settle)
	}
	deadline := time.Now().Add(b.opt.OrderWait)
	for attempt := 0; ; attempt++ {
		t, head, ok, err := s.TryTurn(ctx, chatID, waiting, b.opt.LockTTL)
		if err == nil && ok {
			b.opt.Metrics.TurnTaken(attempt > 0)
			return t, nil
		}
		if err == nil && head != 0 && time.Now().After(deadline) {
			b.log.Warn("an earlier update of the chat never came; going on", "chat_id", chatID, "update_id", updateID, "waiting", head)
			_ = s.Depart(ctx, chatID, head)
			continue
		}
		if err == nil {
			// A busy chat is tried again after 1 ms, doubling up to 32 ms.
			err = session.Backoff(ctx, attempt, time.Millisecond, 32*time.Millisecond)
		}
		if err != nil {
			if waiting != 0 {
				_ = s.Depart(context.WithoutCancel(ctx), chatID, updateID)
			}
			return session.Turn{}, fmt.Errorf("take the chat's turn: %w", err)
		}
	}
}

// endTurn ends the chat's turn, saving the state when save is set. A failed
// save only costs a rebuild from the database on the next update, so it is
// logged, not returned.
func (b *Bot) endTurn(ctx context.Context, t session.Turn, save *session.Session) {
	_, err := b.opt.Sessions.EndTurn(ctx, t, save, b.opt.SessionTTL)
	if err == nil {
		return
	}
	b.log.Warn("end the chat's turn; the session will be rebuilt from the database", "chat_id", t.ChatID, "error", err)
	if save != nil {
		if derr := b.opt.Sessions.Delete(context.WithoutCancel(ctx), t.ChatID); derr != nil {
			b.log.Warn("drop stale session", "chat_id", t.ChatID, "error", derr)
		}
	}
}

func ignoreSeen(err error) error {
	if errors.Is(err, storage.ErrUpdateSeen) {
		return nil
	}
	return err
}

// updateChat returns the chat an update belongs to (0 if none) and its sender.
func updateChat(upd tgbotapi.Update) (int64, *tgbotapi.User) {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.ID, upd.Message.From
	case upd.EditedMessage != nil:
		return upd.EditedMessage.Chat.ID, upd.EditedMessage.From
	case upd.CallbackQuery != nil && upd.CallbackQuery.Message != nil:
		return upd.CallbackQuery.Message.Chat.ID, upd.CallbackQuery.From
	case upd.MyChatMember != nil:
		return upd.MyChatMember.Chat.ID, &upd.MyChatMember.From
	}
	return 0, nil
}

// loadChat returns the chat's conversation state and the session version
// to save it over (0 when it was rebuilt from the database).
func (b *Bot) loadChat(ctx context.Context, t session.Turn, user *tgbotapi.User) (*chatState, int64, error) {
	if t.Found {
		var st chatState
		if err := json.Unmarshal(t.Session.Data, &st); err == nil && st.V == stateVersion {
			return &st, t.Session.Version, nil
		}
		b.log.Warn("unreadable session, rebuilding from the database", "chat_id", t.ChatID)
	}
	b.opt.Metrics.SessionRebuilt()
	st, err := b.rebuild(ctx, user, false)
	if err != nil {
		return nil, 0, fmt.Errorf("rebuild session: %w", err)
	}
	return st, t.Session.Version, nil
}

// rebuild reconstructs a conversation from the database: the respondent, the
// consent, and the latest in-progress response replayed through the engine.
// An interrupted survey is offered to continue, or with direct shown where
// it stands.
func (b *Bot) rebuild(ctx context.Context, user *tgbotapi.User, direct bool) (*chatState, error) {
	st := newState(userLang(user))
	if user == nil {
		return st, nil
	}
	key, err := b.opt.Store.RespondentKey(ctx, user.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	ok, err := b.opt.Store.HasConsent(ctx, key)
	if err != nil || !ok {
		return st, err
	}
	if user.LanguageCode == "" {
		// No Telegram language at hand (the recovery pass): the one chosen.
		if lang, err := b.opt.Store.RespondentLang(ctx, key); err == nil {
			st.Lang = lang
		}
	}
	st.Key, st.Stage = key, stageIdle
	open, err := b.opt.Store.InProgress(ctx, key)
	if err != nil || len(open) == 0 {
		return st, err
	}
	r := open[len(open)-1]
	def, err := b.opt.Registry.Get(r.SurveyID, r.SurveyVersion)
	if err != nil {
		return nil, err
	}
	answers, err := b.opt.Store.Answers(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	run := &surveyRun{Service: r.ServiceCode, OPD: r.OPDCode, ResponseID: r.ID, Parts: 1,
		Survey: b.engine.RebuildWith(def, st.Lang, answers, strings.Fields(r.PlannedMissing))}
	if slices.Contains(b.opt.Visit, r.SurveyID) {
		run.Queue, run.Parts = b.visitAfter(r.SurveyID), len(b.opt.Visit)
	}
	st.Run, st.Flow, st.Stage = run, surveyFlow(def.Audience), stageResume
	if direct {
		st.Stage = stageSurvey
	}
	return st, nil
}

// visitAfter lists the visit's surveys that follow id.
func (b *Bot) visitAfter(id string) []string {
	for i, v := range b.opt.Visit {
		if v == id {
			return append([]string(nil), b.opt.Visit[i+1:]...)
		}
	}
	return nil
}

func userLang(u *tgbotapi.User) string {
	if u != nil && len(u.LanguageCode) >= 2 && u.LanguageCode[:2] == "en" {
		return survey.LangEN
	}
	return survey.LangID
}
