package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/survey"
)

// Button data is "<kind><context base36>|<token>", at most 64 bytes:
//   - kind 'q': a survey question's button; the context is the response
//     id and the token the engine's, which the engine checks against the
//     question being asked, so every message showing the current question
//     keeps working buttons;
//   - kind 'n': a button of a flow's own prompt; the context is the chat's
//     nonce and the token starts with the flow's prefix.
const (
	kindSurvey = 'q'
	kindNonce  = 'n'
)

// Flow token prefixes: each flow's buttons carry its own, so a button is
// only ever handed to the flow that drew it.
const (
	prefixResident = "r."
	prefixCommon   = "c."
	prefixOfficial = "o."
	prefixAdmin    = "a."
)

// Button tokens, by flow.
const (
	btnConsentYes   = "cy"
	btnConsentNo    = "cn"
	btnPrivacyMore  = "cp"
	btnCancelYes    = "xy"
	btnCancelNo     = "xn"
	btnOPD          = "o" // o<index>
	btnService      = "s" // s<index>
	btnBackToOPD    = "ob"
	btnResume       = "ry"
	btnRestart      = "rr"
	btnLangID       = "l" + survey.LangID
	btnLangEN       = "l" + survey.LangEN
	btnDeleteYes    = "dy"
	btnDeleteNo     = "dn"
	surveyTokenBack = "back:"
	surveyTokenSkip = "skip:"
)

// buttonRoles are the roles whose buttons carry a prefix.
func buttonRoles(prefix string) Role {
	switch prefix {
	case prefixAdmin:
		return roleAdmins
	case prefixOfficial:
		return RoleOfficial | RoleResident // officials come from invitation links
	}
	return RoleResident
}

// buttonData is a decoded button.
type buttonData struct {
	survey bool
	ctx    int64
	token  string
}

func encodeData(kind byte, ctx int64, token string) string {
	return string(kind) + strconv.FormatInt(ctx, 36) + "|" + token
}

func parseData(data string) (buttonData, bool) {
	if len(data) < 3 || len(data) > 64 || !utf8.ValidString(data) {
		return buttonData{}, false
	}
	kind := data[0]
	if kind != kindSurvey && kind != kindNonce {
		return buttonData{}, false
	}
	n, token, ok := strings.Cut(data[1:], "|")
	if !ok || token == "" {
		return buttonData{}, false
	}
	v, err := strconv.ParseInt(n, 36, 64)
	if err != nil || v < 0 {
		return buttonData{}, false
	}
	return buttonData{survey: kind == kindSurvey, ctx: v, token: token}, true
}

// IsNavigationButton reports whether a button's callback data is survey
// navigation (Skip, Back) rather than an answer: the terminal chat uses it
// to decide whether a typed number presses a button or is the answer.
func IsNavigationButton(callbackData string) bool {
	d, ok := parseData(callbackData)
	return ok && d.survey && (strings.HasPrefix(d.token, surveyTokenBack) || strings.HasPrefix(d.token, surveyTokenSkip))
}

// flowKeyboard is a keyboard for a flow's prompt named key, under the nonce
// of that prompt (a fresh one when another prompt had the buttons).
func (t *turn) flowKeyboard(key, prefix string, opts []survey.Option) [][]sender.Button {
	if t.st.NonceFor != key {
		t.st.Nonce++
		t.st.NonceFor = key
	}
	return keyboard(opts, func(tok string) string { return encodeData(kindNonce, int64(t.st.Nonce), prefix+tok) })
}

// surveyKeyboard is the keyboard of a survey prompt.
func (t *turn) surveyKeyboard(opts []survey.Option) [][]sender.Button {
	id := t.st.Run.ResponseID
	return keyboard(opts, func(tok string) string { return encodeData(kindSurvey, id, tok) })
}

func keyboard(opts []survey.Option, data func(string) string) [][]sender.Button {
	rows := make([][]sender.Button, 0, len(opts))
	for _, o := range opts {
		label := o.Label
		if o.Selected {
			label = "✅ " + label
		}
		rows = append(rows, sender.Row(sender.DataButton(label, data(o.Token))))
	}
	return rows
}

// say queues a plain text message, opened by any pending lead.
func (t *turn) say(text string) { t.out = append(t.out, sender.Text(t.chatID, t.withLead(text))) }

// ask queues a message with a keyboard (none when it has no rows), opened
// by any pending lead.
func (t *turn) ask(text string, kb [][]sender.Button) {
	t.out = append(t.out, sender.Ask(t.chatID, t.withLead(text), kb))
}

// withLead puts the pending lead before text and clears it.
func (t *turn) withLead(text string) string {
	if t.lead == "" {
		return text
	}
	if text != "" {
		text = "\n\n" + text
	}
	text, t.lead = t.lead+text, ""
	return text
}

// askFlow asks with buttons of a flow's prompt named key.
func (t *turn) askFlow(key, prefix, text string, opts []survey.Option) {
	t.ask(text, t.flowKeyboard(key, prefix, opts))
}

// edit replaces the text and buttons (none when kb is empty) of the
// pressed button's message; outside a button turn it sends a new message.
func (t *turn) edit(text string, kb [][]sender.Button) {
	if t.cbMsgID == 0 {
		t.ask(text, kb)
		return
	}
	t.out = append(t.out, sender.EditText(t.chatID, t.cbMsgID, text, kb))
}

// closeButtons edits the pressed message to text without buttons (the
// choice made); outside a button turn it does nothing.
func (t *turn) closeButtons(text string) {
	if t.cbMsgID != 0 {
		t.edit(text, nil)
	}
}

// callbackAnswer answers a callback query; it is sent ahead of the chat's
// pacing.
func callbackAnswer(id, text string) sender.Message { return sender.AnswerCallback(id, text) }

func isCallbackAnswer(m sender.Message) bool { return m.Method == sender.MethodAnswerCallback }
