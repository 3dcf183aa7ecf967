package sender

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// WebhookReplyContentType is the Content-Type of a WebhookReply body.
const WebhookReplyContentType = "application/json"

// webhookAnswer is answerCallbackQuery as a webhook response body.
type webhookAnswer struct {
	Method          Method `json:"method"`
	CallbackQueryID string `json:"callback_query_id"`
	Text            string `json:"text,omitempty"`
	ShowAlert       bool   `json:"show_alert,omitempty"`
}

// WebhookReply returns m as the body of a webhook's answer to an update
// (Bot API "Making requests when getting updates"): Telegram makes the call
// itself, which saves the bot one request. Telegram never says whether such
// a call succeeded, so only answerCallbackQuery is accepted: a lost toast
// costs nothing, while a lost send or edit would leave the user without
// their question and escape the sender's pacing, 429 and 403 handling.
// Serve the body with status 200 and WebhookReplyContentType, once the
// update is applied (see WriteWebhookReply). An invalid m or another method
// fails with ErrRejected.
func WebhookReply(m Message) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.Method != MethodAnswerCallback {
		return nil, fmt.Errorf("%s to chat %d: %w: only %s can go in a webhook reply, whose outcome nobody sees",
			m.Method, m.ChatID, ErrRejected, MethodAnswerCallback)
	}
	body, err := json.Marshal(webhookAnswer{Method: m.Method, CallbackQueryID: m.CallbackQueryID, Text: m.Text, ShowAlert: m.ShowAlert})
	if err != nil {
		return nil, fmt.Errorf("encode webhook reply: %w", err)
	}
	return body, nil
}

// WriteWebhookReply answers a webhook request with status 200 and m as the
// call Telegram makes (see WebhookReply). When m cannot go in a reply it
// writes nothing and returns the error: answer 200 with no body and send m
// through the Sender instead.
func WriteWebhookReply(w http.ResponseWriter, m Message) error {
	body, err := WebhookReply(m)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", WebhookReplyContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("write webhook reply: %w", err)
	}
	return nil
}
