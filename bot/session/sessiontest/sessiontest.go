// Package sessiontest gives tests a Redis session store on the server named
// by EGOVPULSE_TEST_REDIS_URL (for example redis://127.0.0.1:6379/0), under a
// random key prefix whose keys are deleted when the test ends. Without that
// variable the Redis tests are skipped with a message, except under CI=true,
// where they fail.
package sessiontest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/kotasolok/egovpulse/bot/session"
)

// EnvRedisURL names the variable holding the Redis server to test against.
const EnvRedisURL = "EGOVPULSE_TEST_REDIS_URL"

// RedisURL returns the test Redis server's URL. It skips the test when
// EGOVPULSE_TEST_REDIS_URL is unset (fails it under CI=true).
func RedisURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvRedisURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set, and CI=true requires the Redis tests", EnvRedisURL)
		}
		tb.Skipf("Redis tests skipped: set %s (e.g. redis://127.0.0.1:6379/0) to run them", EnvRedisURL)
	}
	return u
}

// Prefix returns a fresh random key prefix such as "egovtest:0a1b2c3d4e5f:".
func Prefix(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		tb.Fatalf("random prefix: %v", err)
	}
	return "egovtest:" + hex.EncodeToString(b) + ":"
}

// RedisAt returns a session store on its own client to the test Redis
// server, with keys under prefix; several calls with one prefix are several
// processes sharing Redis. When the test ends the prefix's keys are flushed
// and the client closed. It skips like RedisURL.
func RedisAt(tb testing.TB, prefix string) *session.Redis {
	tb.Helper()
	client, err := session.OpenRedis(RedisURL(tb))
	if err != nil {
		tb.Fatalf("open redis: %v", err)
	}
	r := session.NewRedis(client, prefix)
	tb.Cleanup(func() {
		if err := r.Flush(context.Background()); err != nil {
			tb.Errorf("flush test keys under %s: %v", prefix, err)
		}
		_ = client.Close()
	})
	return r
}

// Redis returns a session store on the test Redis server under a fresh
// random prefix (see RedisAt). It skips like RedisURL.
func Redis(tb testing.TB) *session.Redis {
	tb.Helper()
	return RedisAt(tb, Prefix(tb))
}
