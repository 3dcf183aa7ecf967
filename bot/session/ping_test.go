package session_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
)

// TestPing: a Redis that answers pings; one that does not is an error
// naming its address and never the password.
func TestPing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sessiontest.Redis(t).Ping(ctx); err != nil {
		t.Fatalf("Ping the test Redis: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	client, err := session.OpenRedis("redis://:s3cretpw@" + addr + "/0")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	err = session.NewRedis(client, "x:").Ping(ctx)
	if err == nil || !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "s3cretpw") {
		t.Fatalf("Ping of a closed port: %v; want an error naming %s without the password", err, addr)
	}
}
