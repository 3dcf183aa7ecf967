package session_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
)

// TestIsTransientOnRealRedis: an unreachable server and a cancelled call
// are retried without limit; a chat's key of the wrong type is not (the
// same chat would fail forever), nor are the store's own answers.
func TestIsTransientOnRealRedis(t *testing.T) {
	ctx := context.Background()
	for _, err := range []error{nil, session.ErrNotFound, fmt.Errorf("chat 1: %w", session.ErrConflict), errors.New("other")} {
		if session.IsTransient(err) {
			t.Errorf("IsTransient(%v) = true", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	client, err := session.OpenRedis("redis://" + addr + "/0")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	down := session.NewRedis(client, "egovtest:down:")
	if _, err := down.Get(ctx, 1); err == nil || !session.IsTransient(err) {
		t.Errorf("Get on an unreachable Redis = %v; want a transient error", err)
	}
	_, _, _, err = down.TryTurn(ctx, 1, 0, time.Second)
	if err == nil || !session.IsTransient(err) {
		t.Errorf("TryTurn on an unreachable Redis = %v; want a transient error", err)
	}

	prefix := sessiontest.Prefix(t)
	r := sessiontest.RedisAt(t, prefix)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Get(cancelled, 1); err == nil || !session.IsTransient(err) {
		t.Errorf("Get with a cancelled context = %v; want a transient error", err)
	}
	raw, err := session.OpenRedis(sessiontest.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.RPush(ctx, prefix+"session:7", "not a hash").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get(ctx, 7); err == nil || session.IsTransient(err) {
		t.Errorf("Get of a key of the wrong type = %v; want an error that is not transient", err)
	}
}
