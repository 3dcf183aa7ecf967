package botapitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Delivery is one attempt to POST an update to the webhook.
type Delivery struct {
	// UpdateID is the update delivered.
	UpdateID int
	// Attempt counts attempts for this update, from 1.
	Attempt int
	// Status is the HTTP status answered, 0 on a connection error or timeout.
	Status int
	// Err describes a failure (Telegram's last_error_message wording).
	Err string
	// Time is when the attempt started (emulator clock).
	Time time.Time
	// Duration is how long the attempt took (wall clock).
	Duration time.Duration
	// Reply is the Bot API method the webhook's 2xx response body called
	// ("" when the body called none); Requests records the call, with
	// ViaWebhook set.
	Reply string
}

// webhookState is guarded by Server.mu.
type webhookState struct {
	url        string
	secret     string
	lastErr    string
	lastErrAt  int64
	maxConns   int
	deliveries []Delivery
	attempts   map[int]int
	running    bool
	inFlight   int
}

var secretRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(_ *http.Request, p params) (any, error) {
	raw := p.str("url")
	if raw == "" {
		return s.deleteWebhook(nil, p)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badRequest("bad webhook: Failed to resolve host: Name or service not known")
	}
	secret := p.str("secret_token")
	if secret != "" && !secretRe.MatchString(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	maxConns, err := p.int("max_connections")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setAllowedLocked(p); err != nil {
		return nil, err
	}
	if p.bool("drop_pending_updates") {
		s.q.pending = nil
	}
	if s.q.pollStop != nil {
		close(s.q.pollStop)
		s.q.pollStop = nil
	}
	if maxConns <= 0 {
		maxConns = 40 // Telegram's default
	}
	s.hook.url, s.hook.secret, s.hook.maxConns = raw, secret, min(maxConns, 100)
	if s.hook.attempts == nil {
		s.hook.attempts = make(map[int]int)
	}
	if !s.hook.running && s.ctx.Err() == nil {
		s.hook.running = true
		s.wg.Add(1)
		go s.dispatch()
	}
	s.wakeDispatcherLocked()
	s.notifyLocked()
	return described{true, "Webhook was set"}, nil
}

func (s *Server) deleteWebhook(_ *http.Request, p params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := s.hook.url != ""
	s.hook.url, s.hook.secret = "", ""
	if p.bool("drop_pending_updates") {
		s.q.pending = nil
	}
	s.notifyLocked()
	if !was {
		return described{true, "Webhook is already deleted"}, nil
	}
	return described{true, "Webhook was deleted"}, nil
}

func (s *Server) getWebhookInfo(_ *http.Request, _ params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := map[string]any{
		"url":                    s.hook.url,
		"has_custom_certificate": false,
		"pending_update_count":   len(s.q.pending),
	}
	if s.hook.url != "" {
		info["max_connections"] = s.hook.maxConns
		if s.q.allowed != nil {
			info["allowed_updates"] = s.q.allowed
		}
	}
	if s.hook.lastErr != "" {
		info["last_error_date"] = s.hook.lastErrAt
		info["last_error_message"] = s.hook.lastErr
	}
	return info, nil
}

// Deliveries returns every webhook delivery attempt so far, in order.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hook.deliveries)
}

// WebhookURL returns the webhook URL currently set, "" in polling mode.
func (s *Server) WebhookURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hook.url
}

// dispatch delivers pending updates while a webhook is set: per chat one at
// a time and in order, different chats in parallel.
func (s *Server) dispatch() {
	defer s.wg.Done()
	client := &http.Client{Timeout: s.opts.WebhookTimeout, Transport: &http.Transport{
		MaxIdleConns: 100, MaxIdleConnsPerHost: 100, IdleConnTimeout: 90 * time.Second,
	}}
	defer client.CloseIdleConnections()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if s.ctx.Err() != nil {
			s.hook.running = false
			return
		}
		if s.hook.url != "" {
			s.launchLocked(client)
		}
		s.mu.Unlock()
		select {
		case <-s.hookWake:
		case <-s.ctx.Done():
		}
		s.mu.Lock()
	}
}

// launchLocked starts a delivery for the first pending update of every chat
// that has none in flight.
func (s *Server) launchLocked(client *http.Client) {
	seen := map[int64]bool{}
	for _, u := range s.q.pending {
		if seen[u.chatKey] {
			continue
		}
		seen[u.chatKey] = true
		if u.inFlight {
			continue
		}
		if s.hook.inFlight >= s.hook.maxConns {
			return
		}
		u.inFlight = true
		s.hook.inFlight++
		s.hook.attempts[u.id]++
		s.wg.Add(1)
		go s.deliver(client, u, s.hook.url, s.hook.secret, s.hook.attempts[u.id])
	}
}

// deliver makes one attempt; on success the update leaves the queue, on
// failure it stays first in its chat's line and is retried after a backoff.
func (s *Server) deliver(client *http.Client, u *queuedUpdate, hookURL, secret string, attempt int) {
	defer s.wg.Done()
	start := time.Now()
	d := Delivery{UpdateID: u.id, Attempt: attempt, Time: s.now()}
	d.Status, d.Err, d.Reply = s.post(client, hookURL, secret, u.raw)
	d.Duration = time.Since(start)
	ok := d.Status >= 200 && d.Status < 300
	if !ok {
		s.log.Debug("botapitest webhook delivery failed", "update_id", u.id, "attempt", attempt, "status", d.Status, "error", d.Err)
		t := time.NewTimer(s.opts.WebhookBackoff)
		select {
		case <-t.C:
		case <-s.ctx.Done():
		}
		t.Stop()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook.deliveries = append(s.hook.deliveries, d)
	u.inFlight = false
	s.hook.inFlight--
	if ok {
		s.q.pending = slices.DeleteFunc(s.q.pending, func(x *queuedUpdate) bool { return x == u })
	} else {
		s.hook.lastErr, s.hook.lastErrAt = d.Err, d.Time.Unix()
	}
	s.wakeDispatcherLocked()
	s.notifyLocked()
}

// post sends one update and returns the status, Telegram's wording of a
// failure, and the method a 2xx response body called.
func (s *Server) post(client *http.Client, hookURL, secret string, body []byte) (int, string, string) {
	ctx, cancel := context.WithTimeout(s.ctx, s.opts.WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hookURL, bytes.NewReader(body))
	if err != nil {
		return 0, "Failed to resolve host: " + err.Error(), ""
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return 0, "Read timeout expired", ""
		}
		return 0, "Connection refused", ""
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		reply = nil // a body cut short calls nothing
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Sprintf("Wrong response from the webhook: %s", resp.Status), ""
	}
	return resp.StatusCode, "", s.applyReply(resp.Header.Get("Content-Type"), reply)
}

// maxReply bounds the webhook response body read for a reply call.
const maxReply = 1 << 20

// applyReply makes the Bot API call a webhook answered with ("Making
// requests when getting updates"): a JSON, urlencoded or multipart body
// whose "method" names the call, the rest being its parameters. As on
// Telegram, its result and any error reach nobody; Requests records the
// call with ViaWebhook. It returns the method, "" when the body holds none.
func (s *Server) applyReply(contentType string, body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	r, err := http.NewRequestWithContext(s.ctx, http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return ""
	}
	r.Header.Set("Content-Type", contentType)
	p, err := parseParams(r)
	method := p.str("method")
	if err != nil || method == "" {
		s.log.Debug("botapitest webhook reply ignored", "content_type", contentType, "error", err)
		return ""
	}
	delete(p.v, "method")
	rec := Request{Method: method, Params: p.v, Time: s.now(), ViaWebhook: true}
	rec.ChatID, _ = strconv.ParseInt(p.str("chat_id"), 10, 64)
	rec.Status = s.callReply(r, method, p)
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Debug("botapitest webhook reply", "method", method, "chat_id", rec.ChatID, "status", rec.Status)
	return method
}

// callReply runs a reply call with the faults and flood limits of a
// request and returns the status it would have answered (0 when a fault
// drops it). Delays do not apply: nobody waits for the answer.
func (s *Server) callReply(r *http.Request, method string, p params) int {
	h, ok := s.handlers[strings.ToLower(method)]
	if !ok {
		return http.StatusNotFound
	}
	if f, hasFault := s.takeFault(method, p); hasFault {
		switch f.Kind {
		case FaultDrop:
			return 0
		case FaultSlow, FaultTimeoutAfterApply:
		default:
			return f.apiError().Code
		}
	}
	if ferr := s.checkFlood(method, p); ferr != nil {
		return ferr.Code
	}
	if _, err := h(r, p); err != nil {
		return apiErrorOf(err).Code
	}
	return http.StatusOK
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}
