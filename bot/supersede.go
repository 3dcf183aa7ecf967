package bot

import (
	"context"
	"encoding/json"

	"github.com/kotasolok/egovpulse/bot/sender"
)

// Replies from two webhook replicas can cross: each replica paces its own
// chat queues, so a question held back on replica A for the chat's rate may
// be sent after replica B has shown the next one, and the resident would
// find an older question at the bottom of the chat. Each prompt therefore
// carries its turn's update id (sender.Message.Turn), the session records
// the turn that last showed a prompt (chatState.PromptTurn), and a prompt
// that had to wait is dropped when a later turn has shown its own
// (Superseded, the sender's hook). A prompt that did not wait is never
// looked up: the answer's hot path does not pay for it.

// stampPrompts marks the turn's prompts (sends with buttons: questions,
// choices) with its update id and reports whether it has any.
func stampPrompts(out []sender.Message, updateID int64) bool {
	stamped := false
	for i, m := range out {
		if m.Method == sender.MethodSendMessage && len(m.Keyboard) > 0 {
			out[i].Turn = updateID
			stamped = true
		}
	}
	return stamped
}

// notePrompts stamps the turn's prompts and records the turn in the state
// as the chat's latest prompt.
func notePrompts(st *chatState, out []sender.Message, updateID int64) {
	if stampPrompts(out, updateID) {
		st.PromptTurn = max(st.PromptTurn, updateID)
	}
}

// Superseded is the sender's Options.Superseded: whether a later turn of
// m's chat than m's own has shown a prompt, by the chat's session. When it
// cannot tell (no session, the store unreachable) the prompt is sent.
func (b *Bot) Superseded(ctx context.Context, m sender.Message) bool {
	s, err := b.opt.Sessions.Get(ctx, m.ChatID)
	if err != nil {
		return false
	}
	var st struct {
		PromptTurn int64 `json:"prompt_turn"`
	}
	if json.Unmarshal(s.Data, &st) != nil {
		return false
	}
	if st.PromptTurn > m.Turn {
		b.log.Debug("prompt superseded by a later turn's", "chat_id", m.ChatID, "turn", m.Turn, "later", st.PromptTurn)
		return true
	}
	return false
}
