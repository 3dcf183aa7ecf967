package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// A chat's waiting room: the update ids that replicas received for the chat
// and have not applied yet. Whoever holds the chat's lock applies an update
// only when no smaller id waits, so one chat's updates are applied in order
// even when Telegram hands them to several replicas at once.

// waiting is the in-process waiting room, shared by Memory.
type waiting struct {
	mu    sync.Mutex
	chats map[int64]map[int64]time.Time
}

// Arrive registers updateID as waiting for chatID's turn.
func (m *Memory) Arrive(ctx context.Context, chatID, updateID int64, _ time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.wait.mu.Lock()
	defer m.wait.mu.Unlock()
	if m.wait.chats == nil {
		m.wait.chats = map[int64]map[int64]time.Time{}
	}
	if m.wait.chats[chatID] == nil {
		m.wait.chats[chatID] = map[int64]time.Time{}
	}
	m.wait.chats[chatID][updateID] = m.now()
	return nil
}

// Depart removes updateID from chatID's waiting room.
func (m *Memory) Depart(ctx context.Context, chatID, updateID int64) error {
	m.wait.mu.Lock()
	defer m.wait.mu.Unlock()
	delete(m.wait.chats[chatID], updateID)
	if len(m.wait.chats[chatID]) == 0 {
		delete(m.wait.chats, chatID)
	}
	return ctx.Err()
}

// Head returns the smallest update id waiting for chatID, 0 when none.
func (m *Memory) Head(ctx context.Context, chatID int64) (int64, error) {
	m.wait.mu.Lock()
	defer m.wait.mu.Unlock()
	var head int64
	for id := range m.wait.chats[chatID] {
		if head == 0 || id < head {
			head = id
		}
	}
	return head, ctx.Err()
}

func (r *Redis) waitKey(chatID int64) string {
	return r.prefix + "waiting:" + strconv.FormatInt(chatID, 10)
}

// Arrive registers updateID as waiting for chatID's turn; the waiting room
// expires ttl after its last arrival (a crashed replica's entries go).
func (r *Redis) Arrive(ctx context.Context, chatID, updateID int64, ttl time.Duration) error {
	// One script, not MULTI/ZADD/PEXPIRE/EXEC: one command and one reply.
	err := r.arrive.Run(ctx, r.c, []string{r.waitKey(chatID)}, updateID, max(ttl.Milliseconds(), 1)).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("arrive chat %d update %d: %w", chatID, updateID, err)
	}
	return nil
}

// arriveScript: KEYS waiting room; ARGV update id, ttl (ms).
const arriveScript = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])`

// Depart removes updateID from chatID's waiting room.
func (r *Redis) Depart(ctx context.Context, chatID, updateID int64) error {
	if err := r.c.ZRem(ctx, r.waitKey(chatID), updateID).Err(); err != nil {
		return fmt.Errorf("depart chat %d update %d: %w", chatID, updateID, err)
	}
	return nil
}

// Head returns the smallest update id waiting for chatID, 0 when none.
func (r *Redis) Head(ctx context.Context, chatID int64) (int64, error) {
	ids, err := r.c.ZRangeWithScores(ctx, r.waitKey(chatID), 0, 0).Result()
	if err != nil {
		return 0, fmt.Errorf("head chat %d: %w", chatID, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return int64(ids[0].Score), nil
}
