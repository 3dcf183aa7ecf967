package botapitest

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FloodControl makes the emulator answer 429 "Too Many Requests: retry
// after N" by itself when the bot sends faster than these limits, as
// Telegram does. Zero fields are not limited. Limits are token buckets on
// the emulator clock (Options.Now) and count sendMessage, sendPhoto and
// sendDocument; a refused send is not applied.
type FloodControl struct {
	// PerChat is the sustained messages per second to one private chat
	// (Telegram: about 1).
	PerChat float64
	// PerChatBurst is how many messages a private chat may receive at once
	// before PerChat applies; 1 when zero.
	PerChatBurst int
	// PerGroupPerMinute is the messages per minute to one group (Telegram:
	// 20), with a burst of the same size.
	PerGroupPerMinute int
	// Global is the messages per second over all chats (Telegram: about 30),
	// with a burst of the same size.
	Global float64
}

// bucket is a token bucket.
type bucket struct {
	tokens float64
	last   time.Time
	init   bool
}

// take removes a token if there is one; otherwise it reports how long until
// one is available.
func (b *bucket) take(now time.Time, rate float64, burst int, commit bool) (bool, time.Duration) {
	if !b.init {
		b.tokens, b.last, b.init = float64(burst), now, true
	}
	tokens := min(float64(burst), b.tokens+now.Sub(b.last).Seconds()*rate)
	if tokens >= 1 {
		if commit {
			b.tokens, b.last = tokens-1, now
		}
		return true, 0
	}
	return false, time.Duration((1 - tokens) / rate * float64(time.Second))
}

// floodState holds the buckets; guarded by Server.mu.
type floodState struct {
	chats  map[int64]*bucket
	global bucket
}

func isSendMethod(method string) bool {
	switch strings.ToLower(method) {
	case "sendmessage", "sendphoto", "senddocument":
		return true
	}
	return false
}

// checkFlood returns a 429 when a send would exceed Options.FloodControl,
// and otherwise consumes the send's tokens.
func (s *Server) checkFlood(method string, p params) *apiError {
	fc := s.opts.FloodControl
	if !isSendMethod(method) || (fc.PerChat <= 0 && fc.PerGroupPerMinute <= 0 && fc.Global <= 0) {
		return nil
	}
	chatID, _ := p.int64("chat_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flood.chats == nil {
		s.flood.chats = make(map[int64]*bucket)
	}
	now := s.now()
	rate, burst := fc.PerChat, max(fc.PerChatBurst, 1)
	if c, ok := s.chats[chatID]; ok && c.wire.Type != "private" {
		rate, burst = float64(fc.PerGroupPerMinute)/60, fc.PerGroupPerMinute
	}
	cb := s.flood.chats[chatID]
	if cb == nil {
		cb = &bucket{}
		s.flood.chats[chatID] = cb
	}
	var wait time.Duration
	for _, l := range []struct {
		b     *bucket
		rate  float64
		burst int
	}{{cb, rate, burst}, {&s.flood.global, fc.Global, int(math.Ceil(fc.Global))}} {
		if l.rate <= 0 {
			continue
		}
		if ok, w := l.b.take(now, l.rate, l.burst, false); !ok {
			wait = max(wait, w)
		}
	}
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		return &apiError{Code: http.StatusTooManyRequests, Description: "Too Many Requests: retry after " + strconv.Itoa(secs), RetryAfter: secs}
	}
	if rate > 0 {
		cb.take(now, rate, burst, true)
	}
	if fc.Global > 0 {
		s.flood.global.take(now, fc.Global, int(math.Ceil(fc.Global)), true)
	}
	return nil
}
