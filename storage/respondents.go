package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/kotasolok/egovpulse/survey"
)

// newRespondentKey returns 32 random hex characters.
func newRespondentKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("respondent key: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// EnsureRespondent returns the respondent key of a Telegram user, creating
// the respondent and its identity on first contact (created is then true).
// For a known user it refreshes the chat id, last-seen and expiry times and
// clears a blocked mark (the user is talking to the bot again); lang and
// audience are only used on creation. Safe under concurrent first contacts.
func (tx *Tx) EnsureRespondent(telegramUserID, chatID int64, lang, audience string) (key string, created bool, err error) {
	now := tx.now()
	fresh, err := newRespondentKey()
	if err != nil {
		return "", false, err
	}
	ident := Identity{TelegramUserID: telegramUserID, RespondentKey: fresh, ChatID: chatID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(tx.s.retention)}
	// Insert-or-nothing, then read back under a row lock: the key tells who
	// won. RowsAffected is not trusted (MariaDB reports upserts oddly).
	err = tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "telegram_user_id"}}, DoNothing: true}).
		Create(&ident).Error
	if err != nil {
		return "", false, fmt.Errorf("ensure respondent: %w", err)
	}
	var got Identity
	err = tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("telegram_user_id = ?", telegramUserID).Take(&got).Error
	if err != nil {
		return "", false, fmt.Errorf("ensure respondent: %w", notFound(err))
	}
	if got.RespondentKey == fresh {
		r := Respondent{Key: fresh, Audience: audience, Lang: lang, CreatedAt: now}
		if err := tx.db.Create(&r).Error; err != nil {
			return "", false, fmt.Errorf("ensure respondent: %w", err)
		}
		return fresh, true, nil
	}
	err = tx.db.Model(&Identity{}).Where("telegram_user_id = ?", telegramUserID).Updates(map[string]any{
		"chat_id": chatID, "last_seen_at": now, "expires_at": now.Add(tx.s.retention), "blocked_at": nil,
	}).Error
	if err != nil {
		return "", false, fmt.Errorf("ensure respondent: %w", err)
	}
	return got.RespondentKey, false, nil
}

// EnsureRespondent is Tx.EnsureRespondent in its own transaction.
func (s *Store) EnsureRespondent(ctx context.Context, telegramUserID, chatID int64, lang, audience string) (key string, created bool, err error) {
	err = s.Tx(ctx, func(tx *Tx) error {
		key, created, err = tx.EnsureRespondent(telegramUserID, chatID, lang, audience)
		return err
	})
	return key, created, err
}

// RespondentKey returns the key of a Telegram user; ErrNotFound if unknown.
func (tx *Tx) RespondentKey(telegramUserID int64) (string, error) {
	var ident Identity
	if err := tx.db.Where("telegram_user_id = ?", telegramUserID).Take(&ident).Error; err != nil {
		return "", fmt.Errorf("respondent key: %w", notFound(err))
	}
	return ident.RespondentKey, nil
}

// RespondentKey returns the key of a Telegram user; ErrNotFound if unknown.
func (s *Store) RespondentKey(ctx context.Context, telegramUserID int64) (string, error) {
	return s.session(ctx).RespondentKey(telegramUserID)
}

// RespondentLang returns the language a respondent chose; ErrNotFound if
// unknown.
func (s *Store) RespondentLang(ctx context.Context, key string) (string, error) {
	var r Respondent
	if err := s.db.WithContext(ctx).Select("lang").Where("respondent_key = ?", key).Take(&r).Error; err != nil {
		return "", fmt.Errorf("respondent language: %w", notFound(err))
	}
	return r.Lang, nil
}

// SetLang changes a respondent's language; ErrNotFound if unknown.
func (tx *Tx) SetLang(key, lang string) error {
	if err := tx.updateOne(&Respondent{}, map[string]any{"lang": lang}, "respondent_key = ?", key); err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	return nil
}

// SetOfficial marks a respondent as an official of an OPD (the officials'
// survey link was opened).
func (tx *Tx) SetOfficial(key, opd string) error {
	err := tx.db.Model(&Respondent{}).Where("respondent_key = ?", key).
		Updates(map[string]any{"audience": string(survey.AudienceOfficial), "opd_code": opd}).Error
	if err != nil {
		return fmt.Errorf("set official: %w", err)
	}
	return nil
}

// RecordConsent records that the respondent agreed to a consent text.
func (tx *Tx) RecordConsent(key, textVersion string, at time.Time) error {
	c := Consent{RespondentKey: key, TextVersion: textVersion, GivenAt: utcMilli(at)}
	if err := tx.db.Create(&c).Error; err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// WithdrawConsent marks every standing consent of the respondent withdrawn.
func (tx *Tx) WithdrawConsent(key string, at time.Time) error {
	err := tx.db.Model(&Consent{}).Where("respondent_key = ? AND withdrawn_at IS NULL", key).
		Update("withdrawn_at", utcMilli(at)).Error
	if err != nil {
		return fmt.Errorf("withdraw consent: %w", err)
	}
	return nil
}

// HasConsent reports whether the respondent has a consent not withdrawn.
func (tx *Tx) HasConsent(key string) (bool, error) {
	ok, err := tx.exists(&Consent{}, "respondent_key = ? AND withdrawn_at IS NULL", key)
	if err != nil {
		return false, fmt.Errorf("has consent: %w", err)
	}
	return ok, nil
}

// HasConsent reports whether the respondent has a consent not withdrawn.
func (s *Store) HasConsent(ctx context.Context, key string) (bool, error) {
	return s.session(ctx).HasConsent(key)
}

// MarkBlocked records that the Telegram user blocked the bot (no more
// reminders); ErrNotFound if unknown.
func (tx *Tx) MarkBlocked(telegramUserID int64, at time.Time) error {
	err := tx.updateOne(&Identity{}, map[string]any{"blocked_at": utcMilli(at)}, "telegram_user_id = ?", telegramUserID)
	if err != nil {
		return fmt.Errorf("mark blocked: %w", err)
	}
	return nil
}

// MarkBlocked records that the Telegram user blocked the bot.
func (s *Store) MarkBlocked(ctx context.Context, telegramUserID int64, at time.Time) error {
	return s.session(ctx).MarkBlocked(telegramUserID, at)
}

// MyData returns everything stored about a respondent: the respondent, its
// identity (if still kept), consents and responses with their answers.
// ErrNotFound if the respondent does not exist.
func (tx *Tx) MyData(key string) (DataExport, error) {
	var out DataExport
	if err := tx.db.Where("respondent_key = ?", key).Take(&out.Respondent).Error; err != nil {
		return DataExport{}, fmt.Errorf("my data: %w", notFound(err))
	}
	var idents []Identity
	if err := tx.db.Where("respondent_key = ?", key).Find(&idents).Error; err != nil {
		return DataExport{}, fmt.Errorf("my data: identity: %w", err)
	}
	if len(idents) > 0 {
		out.Identity = &idents[0]
	}
	out.Consents = []Consent{}
	if err := tx.db.Where("respondent_key = ?", key).Order("id").Find(&out.Consents).Error; err != nil {
		return DataExport{}, fmt.Errorf("my data: consents: %w", err)
	}
	if p, err := tx.Profile(key); err == nil {
		out.Profile = &p
	} else if !errors.Is(err, ErrNotFound) {
		return DataExport{}, fmt.Errorf("my data: %w", err)
	}
	var responses []Response
	if err := tx.db.Where("respondent_key = ?", key).Order("id").Find(&responses).Error; err != nil {
		return DataExport{}, fmt.Errorf("my data: responses: %w", err)
	}
	out.Responses = make([]ResponseData, 0, len(responses))
	for _, r := range responses {
		answers, err := tx.answers(r.ID)
		if err != nil {
			return DataExport{}, fmt.Errorf("my data: %w", err)
		}
		out.Responses = append(out.Responses, ResponseData{Response: r, Answers: answers})
	}
	return out, nil
}

// MyData returns everything stored about a respondent, read in one
// transaction.
func (s *Store) MyData(ctx context.Context, key string) (DataExport, error) {
	return inTx(ctx, s, func(tx *Tx) (DataExport, error) { return tx.MyData(key) })
}

// DeleteRespondent erases a respondent: score summaries, answers,
// responses, consents, the dead letters of its Telegram user, the identity
// and the respondent row. ErrNotFound if nothing was stored.
func (tx *Tx) DeleteRespondent(key string) error {
	ok, err := tx.exists(&Respondent{}, "respondent_key = ?", key)
	if err != nil {
		return fmt.Errorf("delete respondent: %w", err)
	}
	if !ok {
		return fmt.Errorf("delete respondent: %w", ErrNotFound)
	}
	ids := tx.db.Model(&Response{}).Select("id").Where("respondent_key = ?", key)
	steps := []struct {
		what  string
		model any
		query string
		arg   any
	}{
		{"score summaries", &responseSummary{}, "response_id IN (?)", ids},
		{"answers", &answerRow{}, "response_id IN (?)", ids},
		{"responses", &Response{}, "respondent_key = ?", key},
		{"consents", &Consent{}, "respondent_key = ?", key},
		{"profile", &Profile{}, "respondent_key = ?", key},
		{"dead letters", &DeadLetter{}, "user_id IN (?)", tx.db.Model(&Identity{}).Select("telegram_user_id").Where("respondent_key = ?", key)},
		{"identity", &Identity{}, "respondent_key = ?", key},
		{"respondent", &Respondent{}, "respondent_key = ?", key},
	}
	for _, st := range steps {
		if err := tx.db.Where(st.query, st.arg).Delete(st.model).Error; err != nil {
			return fmt.Errorf("delete respondent: %s: %w", st.what, err)
		}
	}
	return nil
}

// DeleteRespondent erases a respondent in one transaction.
func (s *Store) DeleteRespondent(ctx context.Context, key string) error {
	return s.Tx(ctx, func(tx *Tx) error { return tx.DeleteRespondent(key) })
}
