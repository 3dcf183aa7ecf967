package storage

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ReplyMark names a chat's reply to one update: the chat and the update id.
type ReplyMark struct {
	ChatID   int64
	UpdateID int64
}

// markBatch bounds the chats of one MarkReplied statement.
const markBatch = 200

// MarkReplied records that each chat's replies up to the update id went
// out (or need not), so PendingReplies no longer lists them. A chat's
// later update stays pending until it is marked itself.
func (s *Store) MarkReplied(ctx context.Context, marks []ReplyMark) error {
	for len(marks) > 0 {
		n := min(len(marks), markBatch)
		var where strings.Builder
		args := make([]any, 0, 2*n)
		for i, m := range marks[:n] {
			if i > 0 {
				where.WriteString(" OR ")
			}
			where.WriteString("(chat_id = ? AND update_id <= ?)")
			args = append(args, m.ChatID, m.UpdateID)
		}
		q := "UPDATE processed_updates SET reply_pending = ? WHERE reply_pending = ? AND (" + where.String() + ")"
		if err := s.db.WithContext(ctx).Exec(q, append([]any{false, true}, args...)...).Error; err != nil {
			return fmt.Errorf("mark replies sent: %w", s.scrub(err))
		}
		marks = marks[n:]
	}
	return nil
}

// PendingReplies lists chats whose latest pending reply was applied before
// before (and after since) and never marked sent: their reply may have been
// lost with the process that applied it. At most limit chats, each with its
// highest pending update id.
func (s *Store) PendingReplies(ctx context.Context, before, since time.Time, limit int) ([]ReplyMark, error) {
	var rows []struct {
		ChatID   int64
		UpdateID int64
	}
	err := s.db.WithContext(ctx).Table("processed_updates").
		Select("chat_id, MAX(update_id) AS update_id").
		Where("reply_pending = ? AND chat_id > 0 AND processed_at >= ?", true, utcMilli(since)).
		Group("chat_id").Having("MAX(processed_at) < ?", utcMilli(before)).
		Order("chat_id").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("pending replies: %w", s.scrub(err))
	}
	out := make([]ReplyMark, len(rows))
	for i, r := range rows {
		out[i] = ReplyMark(r)
	}
	return out, nil
}
