package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// putScript is Put's compare-and-set (see casLua): it returns the new
// version, or -1 on a mismatch.
const putScript = casLua + `
return cas(KEYS[1], ARGV[1], ARGV[2], ARGV[3])`

// unlockScript deletes a lock only if it still holds our token.
const unlockScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

// unlockTimeout bounds the release of a lock, which runs even after the
// caller's context ended.
const unlockTimeout = 5 * time.Second

// Redis is the Store on Redis, shared by any number of replicas. Keys:
// <prefix>session:<chat>, <prefix>lock:<key>, <prefix>update:<id>.
type Redis struct {
	c      *redis.Client
	prefix string
	put    *redis.Script
	unlock *redis.Script
	// tryTurn and endTurn are the turn scripts (turn.go).
	tryTurn, endTurn, extend, arrive *redis.Script
}

var _ Store = (*Redis)(nil)

// NewRedis returns a Store on client whose keys all start with prefix
// (e.g. "egovpulse:").
func NewRedis(client *redis.Client, prefix string) *Redis {
	return &Redis{c: client, prefix: prefix, put: redis.NewScript(putScript), unlock: redis.NewScript(unlockScript),
		tryTurn: redis.NewScript(tryTurnScript), endTurn: redis.NewScript(endTurnScript), extend: redis.NewScript(extendScript), arrive: redis.NewScript(arriveScript)}
}

// OpenRedis returns a client for a URL of the form redis://host:port/db
// (rediss:// for TLS; a password as redis://:pass@host:port/db). It does
// not connect; the password never appears in errors.
func OpenRedis(rawURL string) (*redis.Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, fmt.Errorf("redis URL %q: want redis://host:port/db", redactURL(rawURL))
	}
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		msg := err.Error()
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "***")
		}
		return nil, fmt.Errorf("redis URL %q: want redis://host:port/db: %s", u.Redacted(), msg)
	}
	lean(opt, u)
	return redis.NewClient(opt), nil
}

// lean trims go-redis's per-command overhead on the hot path (three
// scripts per update): RESP2 unless the URL asks for a protocol (RESP3's
// push-notification check reads ahead of every reply; nothing here
// subscribes), and, without TLS, connections that hide their file
// descriptor, which skips the pool's MSG_PEEK system call on every Get. A
// connection the server closed is then found at its next use, where
// go-redis retries the command on a fresh one (the server never ran it).
func lean(opt *redis.Options, u *url.URL) {
	if !u.Query().Has("protocol") {
		opt.Protocol = 2
	}
	if opt.TLSConfig != nil || opt.Dialer != nil {
		return
	}
	d := &net.Dialer{Timeout: cmp.Or(opt.DialTimeout, 5*time.Second), KeepAlive: 5 * time.Minute}
	opt.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return struct{ net.Conn }{c}, nil
	}
}

// Ping checks that Redis answers; the error names its address (never the
// password).
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis at %s: %w", r.c.Options().Addr, err)
	}
	return nil
}

// redactURL hides a URL's password, or all of it when it does not parse.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}

func (r *Redis) sessionKey(chatID int64) string {
	return r.prefix + "session:" + strconv.FormatInt(chatID, 10)
}

// Get returns the chat's session, or ErrNotFound.
func (r *Redis) Get(ctx context.Context, chatID int64) (Session, error) {
	vals, err := r.c.HMGet(ctx, r.sessionKey(chatID), "v", "d").Result()
	if err != nil {
		return Session{}, fmt.Errorf("get session of chat %d: %w", chatID, err)
	}
	v, ok := vals[0].(string)
	if !ok {
		return Session{}, fmt.Errorf("chat %d: %w", chatID, ErrNotFound)
	}
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return Session{}, fmt.Errorf("get session of chat %d: bad version %q", chatID, v)
	}
	data, _ := vals[1].(string)
	return Session{ChatID: chatID, Version: version, Data: []byte(data)}, nil
}

// Put stores s if its version matches (compare-and-set); see Store.
func (r *Redis) Put(ctx context.Context, s Session, ttl time.Duration) (Session, error) {
	ms := max(ttl.Milliseconds(), 0)
	if ttl > 0 && ms == 0 {
		ms = 1
	}
	nv, err := r.put.Run(ctx, r.c, []string{r.sessionKey(s.ChatID)},
		strconv.FormatInt(s.Version, 10), s.Data, ms).Int64()
	if err != nil {
		return Session{}, fmt.Errorf("put session of chat %d: %w", s.ChatID, err)
	}
	if nv < 0 {
		return Session{}, fmt.Errorf("put chat %d: version %d: %w", s.ChatID, s.Version, ErrConflict)
	}
	out := Session{ChatID: s.ChatID, Version: nv}
	if s.Data != nil {
		out.Data = append([]byte(nil), s.Data...)
	}
	return out, nil
}

// Delete removes the chat's session.
func (r *Redis) Delete(ctx context.Context, chatID int64) error {
	if err := r.c.Del(ctx, r.sessionKey(chatID)).Err(); err != nil {
		return fmt.Errorf("delete session of chat %d: %w", chatID, err)
	}
	return nil
}

// Lock takes the named lock (SET NX PX with a random token), polling with
// backoff until it is free or ctx ends. unlock deletes the key only if it
// still holds our token (a Lua compare-and-delete), so a holder whose lock
// expired cannot release its successor's.
func (r *Redis) Lock(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	if err := checkLockArgs(key, ttl); err != nil {
		return nil, err
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	k := r.prefix + "lock:" + key
	return acquire(ctx, key,
		func() (bool, error) { return r.setNX(ctx, k, token, ttl) },
		func() { r.release(ctx, k, token) })
}

// release runs the compare-and-delete, even if ctx has ended. A failure
// leaves the lock to expire by its TTL.
func (r *Redis) release(ctx context.Context, key, token string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
	defer cancel()
	_ = r.unlock.Run(ctx, r.c, []string{key}, token).Err()
}

// setNX is SET key value NX PX ttl; false when the key exists (Redis
// answers nil, which go-redis reports as redis.Nil).
func (r *Redis) setNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	err := r.c.SetArgs(ctx, key, value, redis.SetArgs{Mode: "NX", TTL: ttl}).Err()
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, redis.Nil):
		return false, nil
	default:
		return false, err
	}
}

// SeenUpdate reports whether the update id is seen for the first time
// within ttl (SET NX).
func (r *Redis) SeenUpdate(ctx context.Context, updateID int64, ttl time.Duration) (bool, error) {
	first, err := r.setNX(ctx, r.prefix+"update:"+strconv.FormatInt(updateID, 10), "1", ttl)
	if err != nil {
		return false, fmt.Errorf("seen update %d: %w", updateID, err)
	}
	return first, nil
}

// Flush deletes every key under the store's prefix (SCAN + UNLINK), as a
// lost or flushed Redis would; it never runs FLUSHDB.
func (r *Redis) Flush(ctx context.Context) error {
	iter := r.c.Scan(ctx, 0, globEscape(r.prefix)+"*", 500).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := r.c.Unlink(ctx, batch...).Err(); err != nil {
				return fmt.Errorf("flush sessions: %w", err)
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("flush sessions: %w", err)
	}
	if len(batch) > 0 {
		if err := r.c.Unlink(ctx, batch...).Err(); err != nil {
			return fmt.Errorf("flush sessions: %w", err)
		}
	}
	return nil
}

// globEscape escapes Redis glob metacharacters.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[]\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}
