package botapitest

import (
	"net/http"
	"sort"
	"time"
)

// SendTimes returns when the emulator answered sendMessage with 200, by
// chat and all of them in order, and how many sendMessage requests it
// answered 429: what a pacing test checks.
func (s *Server) SendTimes() (byChat map[int64][]time.Time, all []time.Time, limited int) {
	byChat = map[int64][]time.Time{}
	for _, q := range s.Requests() {
		switch {
		case q.Method != "sendMessage":
		case q.Status == http.StatusTooManyRequests:
			limited++
		case q.Status == http.StatusOK:
			byChat[q.ChatID] = append(byChat[q.ChatID], q.Time)
			all = append(all, q.Time)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Before(all[j]) })
	return byChat, all, limited
}

// MostInWindow is the most of times (in order) within any window of
// length w: the peak rate a limit is checked against.
func MostInWindow(times []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range times {
		for times[i].Sub(times[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}
