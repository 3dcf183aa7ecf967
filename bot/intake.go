package bot

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
)

// AllowedUpdates are the update kinds the bot asks Telegram for.
var AllowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// MaxWebhookBody caps a webhook request body; Telegram's updates are far smaller.
const MaxWebhookBody = 1 << 20

// WebhookHandler receives updates that Telegram POSTs. It checks the secret
// header in constant time and answers 2xx only after the update's effects
// are committed; a failure answers 500 so that Telegram delivers it again.
func (b *Bot) WebhookHandler(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if got == "" {
			http.Error(w, "missing secret", http.StatusUnauthorized)
			return
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "wrong secret", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		var upd tgbotapi.Update
		if err != nil || json.Unmarshal(body, &upd) != nil || upd.UpdateID == 0 {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		var reply sender.Message
		if err := b.observe(r.Context(), upd, b.opt.OrderSettle, &reply); err != nil {
			b.log.Error("webhook update not applied; Telegram will deliver it again", "update_id", upd.UpdateID, "error", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		if reply.Method != "" {
			if err := sender.WriteWebhookReply(w, reply); err == nil {
				return
			}
			b.opt.Outbox.Enqueue(reply)
		}
		w.WriteHeader(http.StatusOK)
	})
}
