package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// A chat's turn is its lock, held while one update is applied, together
// with the chat's session as it was when the turn began. TryTurn and
// EndTurn do in one round trip each what Lock, Head, Get, Put, Depart and
// unlock would do in six: on Redis each is one Lua script.

// Turn is one chat's turn, from TryTurn to EndTurn.
type Turn struct {
	ChatID int64
	// UpdateID is the update the turn is for when it waits in the chat's
	// waiting room (see Arrive); 0 when it does not.
	UpdateID int64
	// Session is the chat's session when the turn began; Found is false
	// when none was stored (Session then has Version 0 and no Data).
	Session Session
	Found   bool
	token   string
}

// turnKey is the lock name of a chat's turn (also usable with Lock).
func turnKey(chatID int64) string { return "chat:" + strconv.FormatInt(chatID, 10) }

// newTurn prepares a turn with a fresh lock token.
func newTurn(chatID, updateID int64, ttl time.Duration) (Turn, error) {
	if err := checkLockArgs(turnKey(chatID), ttl); err != nil {
		return Turn{}, err
	}
	token, err := newToken()
	if err != nil {
		return Turn{}, err
	}
	return Turn{ChatID: chatID, UpdateID: updateID, Session: Session{ChatID: chatID}, token: token}, nil
}

// TryTurn tries once to take chatID's turn (its lock, expiring after ttl
// if never ended). With updateID > 0 the turn is taken only if no smaller
// update id waits in the chat's waiting room. When the turn is not taken,
// ok is false and head is the smaller waiting id (0 when the lock is
// simply held by someone else).
func (m *Memory) TryTurn(ctx context.Context, chatID, updateID int64, ttl time.Duration) (t Turn, head int64, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return Turn{}, 0, false, err
	}
	if t, err = newTurn(chatID, updateID, ttl); err != nil {
		return Turn{}, 0, false, err
	}
	key := turnKey(chatID)
	if !m.tryLock(key, t.token, ttl) {
		return Turn{}, 0, false, nil
	}
	if updateID > 0 {
		if h, _ := m.Head(ctx, chatID); h != 0 && h < updateID {
			m.unlock(key, t.token)
			return Turn{}, h, false, nil
		}
	}
	s, err := m.Get(ctx, chatID)
	switch {
	case err == nil:
		t.Session, t.Found = s, true
	case !errors.Is(err, ErrNotFound):
		m.unlock(key, t.token)
		return Turn{}, 0, false, err
	}
	return t, 0, true, nil
}

// EndTurn ends a turn taken by TryTurn: it stores save first when it is
// not nil (compare-and-set on save.Version, as Put; ErrConflict when it
// moved), then takes the turn's update out of the waiting room and
// releases the lock if it is still the turn's. The lock is released even
// when the save fails, and even after ctx has ended.
func (m *Memory) EndTurn(ctx context.Context, t Turn, save *Session, ttl time.Duration) (Session, error) {
	defer m.unlock(turnKey(t.ChatID), t.token)
	if t.UpdateID > 0 {
		defer func() { _ = m.Depart(context.WithoutCancel(ctx), t.ChatID, t.UpdateID) }()
	}
	if save == nil {
		return Session{}, nil
	}
	return m.Put(context.WithoutCancel(ctx), *save, ttl)
}

// casLua defines cas(key, version, data, ttl_ms): Put's compare-and-set.
// The session is a hash {v: version, d: data}; a missing key has version
// 0. It returns the new version, or -1 on a mismatch.
const casLua = `
local function cas(key, version, data, ttl)
  local cur = redis.call('HGET', key, 'v') or '0'
  if cur ~= version then return -1 end
  local nv = tonumber(cur) + 1
  redis.call('HSET', key, 'v', tostring(nv), 'd', data)
  ttl = tonumber(ttl)
  if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('PERSIST', key) end
  return nv
end
`

// tryTurnScript: KEYS lock, waiting room, session; ARGV token, lock ttl
// (ms), update id ("0": not waiting). Returns {0, head} when the turn is
// not taken, {1, version, data} (false for a missing session) when it is.
const tryTurnScript = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0, 0} end
if ARGV[3] ~= '0' then
  local h = redis.call('ZRANGE', KEYS[2], 0, 0)
  if h[1] and tonumber(h[1]) < tonumber(ARGV[3]) then
    redis.call('DEL', KEYS[1])
    return {0, h[1]}
  end
end
local s = redis.call('HMGET', KEYS[3], 'v', 'd')
return {1, s[1], s[2]}`

// endTurnScript: KEYS lock, waiting room, session; ARGV token, update id
// ("0": not waiting), save ("1" or "0"), version, data, ttl (ms). Returns
// the new version (0 when not saving, -1 on a version mismatch).
const endTurnScript = casLua + `
local nv = 0
if ARGV[3] == '1' then nv = cas(KEYS[3], ARGV[4], ARGV[5], ARGV[6]) end
if ARGV[2] ~= '0' then redis.call('ZREM', KEYS[2], ARGV[2]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return nv`

// turnKeys are the keys of a chat's turn scripts.
func (r *Redis) turnKeys(chatID int64) []string {
	return []string{r.prefix + "lock:" + turnKey(chatID), r.waitKey(chatID), r.sessionKey(chatID)}
}

// TryTurn is Memory.TryTurn on Redis, in one round trip.
func (r *Redis) TryTurn(ctx context.Context, chatID, updateID int64, ttl time.Duration) (t Turn, head int64, ok bool, err error) {
	if t, err = newTurn(chatID, updateID, ttl); err != nil {
		return Turn{}, 0, false, err
	}
	res, err := r.tryTurn.Run(ctx, r.c, r.turnKeys(chatID), t.token, max(ttl.Milliseconds(), 1), updateID).Slice()
	if err != nil {
		return Turn{}, 0, false, fmt.Errorf("take turn of chat %d: %w", chatID, err)
	}
	if len(res) < 2 {
		return Turn{}, 0, false, fmt.Errorf("take turn of chat %d: unexpected reply %v", chatID, res)
	}
	taken, _ := res[0].(int64)
	if (taken != 1 && len(res) != 2) || (taken == 1 && len(res) != 3) {
		return Turn{}, 0, false, fmt.Errorf("take turn of chat %d: unexpected reply %v", chatID, res)
	}
	if taken != 1 {
		switch h := res[1].(type) {
		case string:
			head, err = strconv.ParseInt(h, 10, 64)
		case int64:
			head = h
		}
		return Turn{}, head, false, err
	}
	// A session whose version does not parse is taken as missing: saving
	// over it then fails (ErrConflict), and the caller drops it.
	if v, isStr := res[1].(string); isStr {
		if version, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			data, _ := res[2].(string)
			t.Session.Version, t.Session.Data, t.Found = version, []byte(data), true
		}
	}
	return t, 0, true, nil
}

// EndTurn is Memory.EndTurn on Redis, in one round trip. If the script
// cannot run (Redis unreachable), the lock expires by its ttl.
func (r *Redis) EndTurn(ctx context.Context, t Turn, save *Session, ttl time.Duration) (Session, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
	defer cancel()
	flag, version, data := "0", int64(0), []byte(nil)
	if save != nil {
		flag, version, data = "1", save.Version, save.Data
	}
	ms := max(ttl.Milliseconds(), 0)
	if ttl > 0 && ms == 0 {
		ms = 1
	}
	nv, err := r.endTurn.Run(ctx, r.c, r.turnKeys(t.ChatID), t.token, t.UpdateID, flag, version, data, ms).Int64()
	if err != nil {
		return Session{}, fmt.Errorf("end turn of chat %d: %w", t.ChatID, err)
	}
	if save == nil {
		return Session{}, nil
	}
	if nv < 0 {
		return Session{}, fmt.Errorf("put chat %d: version %d: %w", t.ChatID, save.Version, ErrConflict)
	}
	return Session{ChatID: t.ChatID, Version: nv, Data: append([]byte(nil), save.Data...)}, nil
}

// ExtendTurn renews the turn's lock for ttl if it still holds it.
func (m *Memory) ExtendTurn(ctx context.Context, t Turn, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key, now := turnKey(t.ChatID), m.now()
	l, ok := m.locks[key]
	if !ok || l.token != t.token || expired(l.expires, now) {
		return fmt.Errorf("extend turn of chat %d: %w", t.ChatID, ErrTurnLost)
	}
	m.locks[key] = memLock{token: t.token, expires: now.Add(ttl)}
	return nil
}

// extendScript: KEYS lock; ARGV token, ttl (ms). Returns 1 when renewed.
const extendScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

// ExtendTurn is Memory.ExtendTurn on Redis.
func (r *Redis) ExtendTurn(ctx context.Context, t Turn, ttl time.Duration) error {
	n, err := r.extend.Run(ctx, r.c, r.turnKeys(t.ChatID)[:1], t.token, max(ttl.Milliseconds(), 1)).Int64()
	if err != nil {
		return fmt.Errorf("extend turn of chat %d: %w", t.ChatID, err)
	}
	if n != 1 {
		return fmt.Errorf("extend turn of chat %d: %w", t.ChatID, ErrTurnLost)
	}
	return nil
}
