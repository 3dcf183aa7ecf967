package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// turn is the handling of one update inside its database transaction. It
// changes st and collects the replies in out; nothing is sent unless the
// transaction commits.
type turn struct {
	ctx    context.Context
	b      *Bot
	tx     *storage.Tx
	chatID int64
	user   *tgbotapi.User
	st     *chatState
	out    []sender.Message
	// cbMsgID is the message whose button was pressed (callback turns).
	cbMsgID int
	// bumped says the nonce was already changed for this turn's buttons.
	bumped bool
}

func newTurn(ctx context.Context, b *Bot, tx *storage.Tx, chatID int64, user *tgbotapi.User, st *chatState) *turn {
	return &turn{ctx: ctx, b: b, tx: tx, chatID: chatID, user: user, st: st}
}

func (t *turn) lang() string { return t.st.Lang }

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
			return t.tx.MarkBlocked(upd.MyChatMember.From.ID, t.b.opt.Now())
		}
	}
	return nil
}

func (t *turn) message(m *tgbotapi.Message) error {
	if !m.Chat.IsPrivate() {
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
	return t.text(m.Text)
}

func (t *turn) text(s string) error {
	switch t.st.Stage {
	case stageNew:
		return t.start("")
	case stageConsent:
		t.say(txtConsentNeeded.in(t.lang()))
		return t.reprompt()
	case stageSurvey:
		return t.step(survey.Input{Kind: survey.InputText, Text: s})
	case stageIdle:
		t.say(txtNothingToDo.in(t.lang()))
		return nil
	case stageResume:
		return t.askResume()
	}
	t.say(txtUseButtons.in(t.lang()))
	return t.reprompt()
}

func (t *turn) command(cmd, arg string) error {
	switch cmd {
	case "start":
		return t.start(arg)
	case "bahasa", "language":
		t.enter(stageLang)
		t.ask(txtPickLang.in(t.lang()), []survey.Option{{Token: "l:id", Label: "🇮🇩 Bahasa Indonesia"}, {Token: "l:en", Label: "🇬🇧 English"}})
	case "bantuan", "help":
		t.say(txtHelp.in(t.lang()))
	case "privasi", "privacy":
		t.say(txtPrivacy.in(t.lang()))
	case "datasaya", "mydata":
		return t.myData()
	case "hapusdata", "deletemydata":
		if t.st.Key == "" {
			t.say(txtNoData.in(t.lang()))
			return nil
		}
		t.enter(stageDelete)
		t.ask(txtDeleteAsk.in(t.lang()), []survey.Option{{Token: "dy", Label: txtDeleteYes.in(t.lang())}, {Token: "dn", Label: txtDeleteNo.in(t.lang())}})
	case "kembali", "back":
		return t.surveyCommand(survey.CmdBack)
	case "lewati", "skip":
		return t.surveyCommand(survey.CmdSkip)
	case "batal", "cancel":
		return t.surveyCommand(survey.CmdCancel)
	default:
		t.say(txtUnknownCommand.in(t.lang()))
	}
	return nil
}

// enter switches to a side stage (language, delete) that returns to the
// current one afterwards.
func (t *turn) enter(s stage) {
	if t.st.Stage != stageLang && t.st.Stage != stageDelete {
		t.st.Return = t.st.Stage
	}
	t.st.Stage = s
}

func (t *turn) surveyCommand(c survey.Command) error {
	if t.st.Stage != stageSurvey {
		t.say(txtNothingToDo.in(t.lang()))
		return nil
	}
	return t.step(survey.Input{Kind: survey.InputCommand, Command: c})
}

// callback handles a pressed button. Its data is "<nonce>:<token>"; a nonce
// other than the chat's current one, or any malformed data, is a neutral
// "button expired" with no effect.
func (t *turn) callback(cq *tgbotapi.CallbackQuery) error {
	nonce, token, ok := parseData(cq.Data)
	if !ok || nonce != t.st.Nonce || cq.Message == nil {
		t.answer(cq.ID, txtExpired.in(t.lang()))
		if t.st.Stage == stageResume {
			// The conversation was rebuilt from the database (the session
			// store lost it): offer to continue where the respondent was.
			return t.askResume()
		}
		return nil
	}
	t.answer(cq.ID, "")
	t.cbMsgID = cq.Message.MessageID
	switch t.st.Stage {
	case stageConsent:
		return t.consent(token)
	case stageOPD, stageService:
		return t.pick(token)
	case stageResume:
		return t.resume(token)
	case stageLang:
		return t.setLang(token)
	case stageDelete:
		return t.confirmDelete(token)
	case stageSurvey:
		return t.step(survey.Input{Kind: survey.InputChoice, Token: token})
	}
	t.expired()
	return nil
}

// expired tells the user a button is no longer valid (after the callback
// was already answered).
func (t *turn) expired() { t.say(txtExpired.in(t.lang())) }

// callbackData builds a button's data; tokens are short and opaque.
func callbackData(nonce uint32, token string) string {
	return strconv.FormatUint(uint64(nonce), 36) + ":" + token
}

func parseData(data string) (uint32, string, bool) {
	if len(data) > 64 || !utf8.ValidString(data) {
		return 0, "", false
	}
	n, token, ok := strings.Cut(data, ":")
	if !ok || token == "" {
		return 0, "", false
	}
	v, err := strconv.ParseUint(n, 36, 32)
	if err != nil {
		return 0, "", false
	}
	return uint32(v), token, true
}

// say queues a plain text message.
func (t *turn) say(text string) {
	t.out = append(t.out, sender.Text(t.chatID, text))
}

// ask queues a message with one button per option, under a fresh nonce.
func (t *turn) ask(text string, opts []survey.Option) {
	var rows [][]sender.Button
	if len(opts) > 0 {
		rows = t.keyboard(opts)
	}
	t.out = append(t.out, sender.Ask(t.chatID, text, rows))
}

func (t *turn) keyboard(opts []survey.Option) [][]sender.Button {
	if !t.bumped {
		t.st.Nonce++
		t.bumped = true
	}
	rows := make([][]sender.Button, 0, len(opts))
	for _, o := range opts {
		label := o.Label
		if o.Selected {
			label = "✅ " + label
		}
		rows = append(rows, sender.Row(sender.DataButton(label, callbackData(t.st.Nonce, o.Token))))
	}
	return rows
}

// edit replaces the text (and buttons) of the pressed button's message.
func (t *turn) edit(text string, opts []survey.Option) {
	var rows [][]sender.Button
	if len(opts) > 0 {
		rows = t.keyboard(opts)
	}
	t.out = append(t.out, sender.EditText(t.chatID, t.cbMsgID, text, rows))
}

// answer answers a callback query; it is sent ahead of the chat's pacing.
func (t *turn) answer(id, text string) {
	m := sender.AnswerCallback(id, text)
	m.ChatID = t.chatID
	t.out = append(t.out, m)
}

// reprompt shows again what the current stage waits for.
func (t *turn) reprompt() error {
	switch t.st.Stage {
	case stageNew, stageConsent:
		t.askConsent()
	case stageOPD:
		t.askOPD()
	case stageService:
		t.askService()
	case stageResume:
		return t.askResume()
	case stageSurvey:
		return t.showCurrent()
	}
	return nil
}

func (t *turn) askConsent() {
	t.st.Stage = stageConsent
	t.say(txtPrivacy.in(t.lang()))
	t.ask(txtConsentAsk.in(t.lang()), []survey.Option{{Token: "cy", Label: txtConsentYes.in(t.lang())}, {Token: "cn", Label: txtConsentNo.in(t.lang())}})
}

func (t *turn) setLang(token string) error {
	lang, ok := strings.CutPrefix(token, "l:")
	if !ok || (lang != survey.LangID && lang != survey.LangEN) {
		t.expired()
		return nil
	}
	t.st.Lang = lang
	if t.st.Survey != nil {
		t.st.Survey.Lang = lang
	}
	if t.st.Key != "" {
		if err := t.tx.SetLang(t.st.Key, lang); err != nil {
			return fmt.Errorf("set language: %w", err)
		}
	}
	t.edit(txtLangSet.in(lang), nil)
	t.st.Stage, t.st.Return = t.st.Return, ""
	return t.reprompt()
}
