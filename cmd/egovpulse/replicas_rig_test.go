package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// replicaProxy is a round-robin reverse proxy in front of the replicas: the
// webhook URL. A replica that fails a request (dead: connection refused or
// reset) is answered 502, so the emulator delivers the update again, and
// is passed over for a second, so that delivery goes to another replica.
type replicaProxy struct {
	url      string
	mu       sync.Mutex
	backends []*replicaBackend
	next     int
}

type replicaBackend struct {
	addr      string
	proxy     *httputil.ReverseProxy
	downUntil time.Time
	requests  int
}

func newReplicaProxy(t *testing.T) *replicaProxy {
	p := &replicaProxy{}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

// add puts a replica's HTTP server behind the proxy.
func (p *replicaProxy) add(t *testing.T, addr string) {
	target, err := url.Parse("http://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: 50}
	t.Cleanup(transport.CloseIdleConnections)
	be := &replicaBackend{addr: addr}
	be.proxy = httputil.NewSingleHostReverseProxy(target)
	be.proxy.Transport = transport
	be.proxy.ErrorLog = nil
	be.proxy.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) {
		p.mu.Lock()
		be.downUntil = time.Now().Add(time.Second)
		p.mu.Unlock()
		w.WriteHeader(http.StatusBadGateway)
	}
	p.mu.Lock()
	p.backends = append(p.backends, be)
	p.mu.Unlock()
}

// pick returns the next replica in turn that has not just failed (any, if
// all have), nil before any is added.
func (p *replicaProxy) pick() *replicaBackend {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for range 2 {
		for range p.backends {
			be := p.backends[p.next%len(p.backends)]
			p.next++
			if now.After(be.downUntil) {
				be.requests++
				return be
			}
		}
		now = time.Time{} // all down: try them anyway
	}
	return nil
}

func (p *replicaProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	be := p.pick()
	if be == nil {
		http.Error(w, "no replica yet", http.StatusBadGateway)
		return
	}
	be.proxy.ServeHTTP(w, r)
}

// served says how many requests each replica was given.
func (p *replicaProxy) served() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]int, len(p.backends))
	for i, be := range p.backends {
		out[i] = be.requests
	}
	return out
}

// startReplica starts `serve` and puts it behind the proxy; it returns the
// process and its HTTP address.
func startReplica(t *testing.T, bin string, env []string, emu *botapitest.Server, proxy *replicaProxy) (*killRig, string) {
	t.Helper()
	k := &killRig{t: t, bin: bin, emu: emu, env: env}
	t.Cleanup(func() {
		if k.cmd != nil && k.cmd.ProcessState == nil {
			k.kill()
		}
	})
	k.start()
	addr := ""
	for _, r := range jsonRecords(t, k.logs.String()) {
		if r["msg"] == "egovpulse serving" {
			addr, _ = r["addr"].(string)
		}
	}
	if addr == "" {
		t.Fatalf("no address in the replica's log:\n%s", k.logs.String())
	}
	proxy.add(t, addr)
	return k, addr
}

// recoveredChats sums the chats a replica's recovery pass re-prompted.
func recoveredChats(t *testing.T, k *killRig) int {
	n := 0
	for _, r := range jsonRecords(t, k.logs.String()) {
		if c, ok := r["chats"].(float64); ok && r["msg"] == "current prompts shown again after lost replies" {
			n += int(c)
		}
	}
	return n
}

// logTakeovers logs the updates whose delivery failed at or after the
// kill (the dead replica was handling them, or the proxy sent them there)
// and when the survivor confirmed each. Their chats wait for the dead
// holder's turn lease (2 s); the bound asserted is generous (5 times the
// lease, under the 10 s a dead holder used to stall a chat).
func logTakeovers(t *testing.T, emu *botapitest.Server, killedAt time.Time) {
	t.Helper()
	failed := map[int]int{}
	done := map[int]time.Time{}
	for _, d := range emu.Deliveries() {
		end := d.Time.Add(d.Duration)
		switch {
		case d.Status == http.StatusOK:
			done[d.UpdateID] = end
		case !end.Before(killedAt):
			failed[d.UpdateID]++
		}
	}
	var worst time.Duration
	for id, n := range failed {
		took := done[id].Sub(killedAt)
		t.Logf("update %d: %d failed deliveries, applied by the survivor %s after the kill", id, n, took.Round(10*time.Millisecond))
		worst = max(worst, took)
	}
	if len(failed) == 0 {
		t.Logf("no delivery failed: the killed replica was handling nothing")
	}
	if worst > 10*time.Second {
		t.Errorf("an update the dead replica held was applied only %s after the kill; the turn lease is 2 s", worst.Round(10*time.Millisecond))
	}
}

// lastMessages describes the chat's last n messages: id, time sent, first line.
func lastMessages(u *botapitest.User, n int) string {
	msgs := u.Messages()
	var b strings.Builder
	for _, m := range msgs[max(0, len(msgs)-n):] {
		first, _, _ := strings.Cut(m.Text, "\n")
		fmt.Fprintf(&b, "\n\t#%d %s %q", m.ID, m.Time.Format("15:04:05.000"), first)
	}
	return b.String()
}
