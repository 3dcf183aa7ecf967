package sender

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/internal/metrics"
)

// kind is what a failed request calls for.
type kind int

const (
	kindPermanent   kind = iota // give up: ErrRejected
	kindNotModified             // an edit that changed nothing: success
	kindRateLimited             // 429: wait retry_after, then resend
	kindMigrated                // group became a supergroup: resend to the new id
	kindBlocked                 // 403 or chat not found: report, do not retry
	kindTransient               // 5xx, or a failure known to precede delivery: retry
	kindAmbiguous               // may have been delivered: do not repeat
)

// failure is a classified error.
type failure struct {
	kind       kind
	err        error
	retryAfter time.Duration
	migrateTo  int64
}

// classify decides what a failed request of method calls for.
func classify(err error, method Method) failure {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return classifyAPI(te)
	}
	f := failure{kind: kindAmbiguous, err: err}
	switch {
	case notSent(err):
		f.kind = kindTransient
	case !isNetwork(err) && !isGarbled(err):
		f.kind = kindPermanent // the request could not even be built
	case method.idempotent():
		f.kind = kindTransient
	}
	return f
}

// classifyAPI reads an error answer from the Bot API. On uploads the
// library leaves Code at 0, so descriptions are read too.
func classifyAPI(te *tgbotapi.Error) failure {
	f := failure{kind: kindPermanent, err: te}
	msg := strings.ToLower(te.Message)
	switch {
	case te.RetryAfter > 0:
		f.kind, f.retryAfter = kindRateLimited, time.Duration(te.RetryAfter)*time.Second
	case te.MigrateToChatID != 0:
		f.kind, f.migrateTo = kindMigrated, te.MigrateToChatID
	case strings.Contains(msg, "message is not modified"):
		f.kind = kindNotModified
	case te.Code == 403 || strings.HasPrefix(msg, "forbidden"),
		strings.Contains(msg, "chat not found"),
		strings.Contains(msg, "user is deactivated"),
		strings.Contains(msg, "bot was blocked"):
		f.kind = kindBlocked
	case te.Code >= 500, te.Code == 0 && serverTrouble(msg):
		f.kind = kindTransient
	}
	return f
}

// outcome is how the failed request counts in the metrics: an edit that
// changed nothing was accepted.
func (f failure) outcome() metrics.SendOutcome {
	switch f.kind {
	case kindNotModified:
		return metrics.SendOK
	case kindRateLimited:
		return metrics.SendRateLimited
	case kindBlocked:
		return metrics.SendBlocked
	}
	return metrics.SendError
}

func serverTrouble(msg string) bool {
	for _, s := range []string{"internal server error", "bad gateway", "service unavailable", "gateway timeout"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// notSent reports a network failure that certainly happened before the
// request reached the server: no connection was made.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

func isNetwork(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

// isGarbled reports a response that could not be decoded: the request got
// there, the outcome is unknown.
func isGarbled(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
