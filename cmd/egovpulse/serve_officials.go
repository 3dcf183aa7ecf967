package main

import (
	"context"
	"errors"
	"time"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/storage"
)

// withOfficials adds the officials to the bot's options: a Telegram
// account bound to an active roster entry is an official (one indexed
// lookup per update, beside the superadmins of ADMIN_TELEGRAM_IDS), and
// gets the officials' command menu in its chat.
func (s *service) withOfficials(o bot.Options) bot.Options {
	o.Roles = bot.AnyRoles{o.Roles, bot.RosterRoles{Roster: s.store}}
	o.MenuAPI = s.api
	return o
}

// markBlocked records that a private chat's user blocked the bot, for an
// outbox row that came back blocked (403): no more reminders, and
// `officials list` says so. A chat that never consented has no
// respondent to mark.
func (s *service) markBlocked(ctx context.Context, chatID int64) {
	err := s.store.MarkBlocked(ctx, chatID, time.Now())
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.log.Warn("mark blocked", "chat_id", chatID, "error", err)
	}
}
