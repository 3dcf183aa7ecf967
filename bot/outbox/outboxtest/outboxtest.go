// Package outboxtest helps tests of what drains the outbox.
package outboxtest

import (
	"context"

	"github.com/kotasolok/egovpulse/bot/sender"
)

// StopAfter is an outbox Sender that cancels the drainer's context once N
// sends went through: the process stopped mid-broadcast.
type StopAfter struct {
	S      *sender.Sender
	N      int
	Cancel context.CancelFunc
}

// Send sends through S and counts down.
func (c *StopAfter) Send(ctx context.Context, m sender.Message) (sender.Result, error) {
	res, err := c.S.Send(ctx, m)
	if c.N--; c.N == 0 {
		c.Cancel()
	}
	return res, err
}
