package bot

import (
	"context"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// reshowGap is the least time between two showings of a chat's prompt
// caused by stale buttons or redelivered updates.
const reshowGap = 3 * time.Second

// turn is the handling of one update inside its database transaction. It
// changes st and collects the replies in out; nothing is sent unless the
// transaction commits. A turn that only shows the prompt again (a
// redelivery, the recovery pass) has no transaction (tx nil) and writes
// nothing.
type turn struct {
	ctx    context.Context
	b      *Bot
	tx     *storage.Tx
	chatID int64
	user   *tgbotapi.User
	roles  Role
	st     *chatState
	out    []sender.Message
	// cbID is the callback query of a button turn, answered once at the
	// end of the turn with cbToast; cbMsgID is the message whose button was
	// pressed.
	cbID    string
	cbToast string
	cbMsgID int
	// lead is text that opens the next message sent (an answer's
	// confirmation, a note, the survey's intro): one message per press.
	lead string
	// stored counts the answers saved, for the metrics once committed.
	stored int
	// heldBack: the prompt was not shown again, as one went out moments
	// ago (perhaps from a process that then died before sending it).
	heldBack bool
	// menuRoles, when set, are the roles whose command menu the chat gets
	// once the turn is committed (an official joining or starting).
	menuRoles Role
	// later makes a slow reply after the turn committed (summary.go).
	later func(ctx context.Context) []sender.Message
}

func (t *turn) lang() string { return t.st.Lang }
func (t *turn) now() time.Time {
	return t.b.opt.Now()
}

// handle dispatches the update.
func (t *turn) handle(upd tgbotapi.Update) error {
	switch {
	case upd.CallbackQuery != nil:
		return t.callback(upd.CallbackQuery)
	case upd.Message != nil:
		return t.message(upd.Message)
	case upd.EditedMessage != nil:
		if upd.EditedMessage.Chat.IsPrivate() {
			t.say(txtEdited.in(t.lang()))
		}
		return nil
	case upd.MyChatMember != nil:
		switch upd.MyChatMember.NewChatMember.Status {
		case "kicked", "left":
			return t.tx.MarkBlocked(upd.MyChatMember.From.ID, t.now())
		}
	}
	return nil
}

func (t *turn) message(m *tgbotapi.Message) error {
	if !m.Chat.IsPrivate() {
		if name := strings.ToLower(m.Command()); m.IsCommand() && isGroupCommand(name) {
			return t.command(name, strings.TrimSpace(m.CommandArguments()))
		}
		if m.IsCommand() {
			t.say(txtGroup.in(t.lang()))
		}
		return nil
	}
	if m.IsCommand() {
		return t.command(strings.ToLower(m.Command()), strings.TrimSpace(m.CommandArguments()))
	}
	if m.Text == "" {
		t.say(txtNotText.in(t.lang()))
		return nil
	}
	if def := t.b.stages[t.st.Stage]; def.text != nil {
		return def.text(t, m.Text)
	}
	t.say(txtUseButtons.in(t.lang()))
	return t.prompt()
}

// command runs a command of the table, if the user's roles allow it.
func (t *turn) command(name, arg string) error {
	c, ok := findCommand(t.b.commands, name)
	if !ok {
		t.say(txtUnknownCommand.in(t.lang()))
		return nil
	}
	if !t.roles.Has(c.roles) {
		t.b.log.Warn("command refused", "command", c.name.en, "user_id", t.userID())
		t.say(txtNotAllowed.in(t.lang()))
		return nil
	}
	return c.run(t, arg)
}

// callback handles a pressed button. It is handed to the current stage
// only when it belongs there: a survey button of the response being
// answered, or a button of the flow's prompt carrying the current nonce.
// Anything else (stale, forged, another flow's, a role the user lacks) is
// a neutral "button expired" and the current prompt shown again.
func (t *turn) callback(cq *tgbotapi.CallbackQuery) error {
	t.cbID = cq.ID
	d, ok := parseData(cq.Data)
	if !ok || cq.Message == nil {
		return t.stale()
	}
	t.cbMsgID = cq.Message.MessageID
	if d.survey {
		if t.st.Stage != stageSurvey || t.st.Run == nil || d.ctx != t.st.Run.ResponseID {
			return t.stale()
		}
		return t.step(survey.Input{Kind: survey.InputChoice, Token: d.token})
	}
	if token, ok := strings.CutPrefix(d.token, prefixAdmin+btnSummary); ok {
		return t.summaryButton(token)
	}
	if token, ok := strings.CutPrefix(d.token, prefixAdmin+btnFollowUp); ok {
		return t.followUpButton(token)
	}
	def := t.b.stages[t.st.Stage]
	token, mine := strings.CutPrefix(d.token, def.prefix)
	if d.ctx != int64(t.st.Nonce) || def.button == nil || !mine || !t.roles.Has(buttonRoles(def.prefix)) {
		return t.stale()
	}
	return def.button(t, token)
}

// stale answers a button that no longer applies and shows where the chat
// stands (at most once per reshowGap).
func (t *turn) stale() error {
	t.cbToast = txtExpired.in(t.lang())
	return t.reshow()
}

// reshow shows the current prompt again unless one went out within
// reshowGap.
func (t *turn) reshow() error {
	if t.now().Sub(time.UnixMilli(t.st.PromptAt)) < reshowGap {
		t.heldBack = true
		return nil
	}
	return t.prompt()
}

// prompt shows what the current stage waits for.
func (t *turn) prompt() error {
	if def := t.b.stages[t.st.Stage]; def.prompt != nil {
		return def.prompt(t)
	}
	return nil
}

// enter switches to a side stage (language, delete) that returns to the
// current one afterwards.
func (t *turn) enter(s stage) {
	if !t.b.stages[t.st.Stage].side {
		t.st.Return = t.st.Stage
	}
	t.st.Stage = s
}

// leave returns from a side stage.
func (t *turn) leave() {
	t.st.Stage, t.st.Return = t.st.Return, ""
	if t.st.Stage == "" {
		t.st.Stage = stageIdle
	}
}

func (t *turn) userID() int64 {
	if t.user == nil {
		return 0
	}
	return t.user.ID
}

// finish ends the turn: the callback answer goes first, and sent prompts
// are remembered for the re-show limit.
func (t *turn) finish() {
	if t.lead != "" {
		t.say("")
	}
	prompted := false
	for _, m := range t.out {
		if !isCallbackAnswer(m) {
			prompted = true
		}
	}
	if prompted {
		t.st.PromptAt = t.now().UnixMilli()
	}
	if t.cbID != "" {
		t.out = append([]sender.Message{callbackAnswer(t.cbID, t.cbToast)}, t.out...)
		t.cbID = ""
	}
}
