package storage

import (
	"context"
	"fmt"
)

// OfficialByTelegram returns the active roster entry bound to a Telegram
// user id (one lookup on the unique telegram_user_id index); ErrNotFound
// when the user is not, or no longer, an active official.
func (tx *Tx) OfficialByTelegram(telegramUserID int64) (Official, error) {
	var o Official
	err := tx.db.Where("telegram_user_id = ? AND active = ?", telegramUserID, true).Take(&o).Error
	if err != nil {
		return Official{}, fmt.Errorf("official of telegram user: %w", notFound(err))
	}
	return o, nil
}

// IsOfficial reports whether a Telegram user id is bound to an active
// roster entry (one indexed lookup: the bot asks it on every update).
func (s *Store) IsOfficial(ctx context.Context, telegramUserID int64) (bool, error) {
	ok, err := s.session(ctx).exists(&Official{}, "telegram_user_id = ? AND active = ?", telegramUserID, true)
	if err != nil {
		return false, s.scrub(fmt.Errorf("is official: %w", err))
	}
	return ok, nil
}

// ServiceCountOf returns the stored count of a service for a period;
// ErrNotFound when none is kept.
func (tx *Tx) ServiceCountOf(service, period string) (ServiceCount, error) {
	var c ServiceCount
	if err := tx.db.Where("service_code = ? AND period_key = ?", service, period).Take(&c).Error; err != nil {
		return ServiceCount{}, fmt.Errorf("service count %s %s: %w", service, period, notFound(err))
	}
	return c, nil
}
