package storage

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// JobRunStarted returns when the run of job for periodKey started;
// ErrNotFound when it has not run. The reminder job spaces its repeats
// from it.
func (s *Store) JobRunStarted(ctx context.Context, job, periodKey string) (time.Time, error) {
	var r JobRun
	err := s.db.WithContext(ctx).Where("job = ? AND period_key = ?", job, periodKey).Take(&r).Error
	if err != nil {
		return time.Time{}, s.scrub(fmt.Errorf("job run %s %s: %w", job, periodKey, notFound(err)))
	}
	return r.StartedAt, nil
}

// ChatLangs returns the language chosen by the respondent behind each of
// the private chats that has one (a chat without an identity or a
// language is left out: Indonesian).
func (s *Store) ChatLangs(ctx context.Context, chats []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(chats))
	for chunk := range slices.Chunk(chats, 500) {
		var got []struct {
			ChatID int64
			Lang   string
		}
		err := s.db.WithContext(ctx).Table("identities").Select("identities.chat_id AS chat_id, respondents.lang AS lang").
			Joins("JOIN respondents ON respondents.respondent_key = identities.respondent_key").
			Where("identities.chat_id IN ?", chunk).Scan(&got).Error
		if err != nil {
			return nil, s.scrub(fmt.Errorf("chat languages: %w", err))
		}
		for _, g := range got {
			if g.Lang != "" {
				out[g.ChatID] = g.Lang
			}
		}
	}
	return out, nil
}
