package botapitest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var commandRe = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// FaultKind says how a scripted fault answers a request.
type FaultKind int

// The scripted faults.
const (
	// FaultTooManyRequests answers 429 with parameters.retry_after.
	FaultTooManyRequests FaultKind = iota + 1
	// FaultBlocked answers 403 "Forbidden: bot was blocked by the user".
	FaultBlocked
	// FaultMigrate answers 400 with parameters.migrate_to_chat_id.
	FaultMigrate
	// FaultSlow waits Delay, then handles the request normally.
	FaultSlow
	// FaultDrop closes the connection without a response; nothing is applied.
	FaultDrop
	// FaultTimeoutAfterApply applies the request, then waits Delay before
	// answering (past the client's timeout, the "accepted then timed out" case).
	FaultTimeoutAfterApply
	// FaultServerError answers 500 like Telegram's rare internal errors.
	FaultServerError
	// FaultConflict answers 409 as getUpdates does while another process
	// polls the same token.
	FaultConflict
	// FaultBadRequest answers 400 with Description.
	FaultBadRequest
	// FaultNotFound answers 404 "Not Found", as Telegram does for a method
	// it does not know (an older Bot API server, a typo).
	FaultNotFound
)

// Fault is one scripted failure. Build it with a constructor such as
// TooManyRequests and refine it with ForChat and Times.
type Fault struct {
	// Kind says how the fault answers.
	Kind FaultKind
	// RetryAfter is the seconds in a 429's parameters.retry_after.
	RetryAfter int
	// MigrateTo is the supergroup id of a FaultMigrate.
	MigrateTo int64
	// Delay is the pause of FaultSlow and FaultTimeoutAfterApply.
	Delay time.Duration
	// ChatID limits the fault to requests with this chat_id; 0 for any.
	ChatID int64
	// Count is how many matching requests the fault answers; 0 means 1.
	Count int
	// Description is the text after "Bad Request: " of a FaultBadRequest.
	Description string
}

// TooManyRequests is a 429 "Too Many Requests: retry after N".
func TooManyRequests(retryAfter int) Fault {
	return Fault{Kind: FaultTooManyRequests, RetryAfter: retryAfter}
}

// Blocked is a 403 as for a user who blocked the bot.
func Blocked() Fault { return Fault{Kind: FaultBlocked} }

// MigrateToSupergroup is a 400 telling the group became supergroup id.
func MigrateToSupergroup(id int64) Fault { return Fault{Kind: FaultMigrate, MigrateTo: id} }

// Slow delays the response by d, then handles the request.
func Slow(d time.Duration) Fault { return Fault{Kind: FaultSlow, Delay: d} }

// Drop closes the connection without answering or applying the request.
func Drop() Fault { return Fault{Kind: FaultDrop} }

// AcceptedThenTimeout applies the request and answers only after d.
func AcceptedThenTimeout(d time.Duration) Fault {
	return Fault{Kind: FaultTimeoutAfterApply, Delay: d}
}

// ServerError is a 500 "Internal Server Error".
func ServerError() Fault { return Fault{Kind: FaultServerError} }

// Conflict is the 409 "Conflict: terminated by other getUpdates request"
// that a second poller of the same token causes.
func Conflict() Fault { return Fault{Kind: FaultConflict} }

// BadRequest is a 400 "Bad Request: desc".
func BadRequest(desc string) Fault { return Fault{Kind: FaultBadRequest, Description: desc} }

// NotFound is a 404 "Not Found", as for a method the server does not have.
func NotFound() Fault { return Fault{Kind: FaultNotFound} }

// ForChat returns f limited to requests whose chat_id is id.
func (f Fault) ForChat(id int64) Fault { f.ChatID = id; return f }

// Times returns f applying to the next n matching requests.
func (f Fault) Times(n int) Fault { f.Count = n; return f }

func (f Fault) apiError() *apiError {
	switch f.Kind {
	case FaultTooManyRequests:
		return &apiError{Code: 429, Description: "Too Many Requests: retry after " + strconv.Itoa(f.RetryAfter), RetryAfter: f.RetryAfter}
	case FaultBlocked:
		return &apiError{Code: 403, Description: "Forbidden: bot was blocked by the user"}
	case FaultMigrate:
		return &apiError{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: f.MigrateTo}
	case FaultConflict:
		return &apiError{Code: 409, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
	case FaultBadRequest:
		return badRequest(f.Description)
	case FaultNotFound:
		return &apiError{Code: 404, Description: "Not Found"}
	default:
		return &apiError{Code: 500, Description: "Internal Server Error"}
	}
}

// faultEntry is a queued fault with its remaining uses.
type faultEntry struct {
	method string
	f      Fault
	left   int
}

// Fault queues f for method ("sendMessage", case-insensitive; "*" for every
// method). Faults for a method apply in the order queued, each to Count
// matching requests.
func (s *Server) Fault(method string, f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultEntry{method: method, f: f, left: f.Count})
}

// PendingFaults returns how many fault uses are still queued.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.faults {
		n += e.left
	}
	return n
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault consumes the first queued fault matching the request.
func (s *Server) takeFault(method string, p params) (Fault, bool) {
	chatID, _ := strconv.ParseInt(p.str("chat_id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.faults {
		if e.method != "*" && !strings.EqualFold(e.method, method) {
			continue
		}
		if e.f.ChatID != 0 && e.f.ChatID != chatID {
			continue
		}
		e.left--
		if e.left == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return e.f, true
	}
	return Fault{}, false
}

// String describes the fault for test failure messages.
func (f Fault) String() string {
	return fmt.Sprintf("fault(kind=%d chat=%d count=%d)", f.Kind, f.ChatID, f.Count)
}
