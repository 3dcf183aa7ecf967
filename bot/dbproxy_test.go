package bot_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// tcpProxy forwards connections to a backend until cut: then it closes
// every open connection and refuses new ones until restored.
type tcpProxy struct {
	ln      net.Listener
	backend string
	mu      sync.Mutex
	down    bool
	conns   map[net.Conn]struct{}
	// commitCut, when set, drops the connection right after it forwards
	// a COMMIT: the server commits, the client never hears so.
	commitCut atomic.Bool
}

func newTCPProxy(t *testing.T, backend string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, backend: backend, conns: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		p.cut()
	})
	return p
}

func (p *tcpProxy) addr() string { return p.ln.Addr().String() }

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			_ = c.Close()
			continue
		}
		go p.forward(c)
	}
}

func (p *tcpProxy) forward(c net.Conn) {
	b, err := net.Dial("tcp", p.backend)
	if err != nil {
		_ = c.Close()
		return
	}
	if !p.track(c, b) {
		return
	}
	var wg sync.WaitGroup
	var mute atomic.Bool // set once a COMMIT is to be cut: its answer never arrives
	wg.Go(func() { p.copyCommands(b, c, &mute); _ = b.Close() })
	wg.Go(func() { copyUnlessMuted(c, b, &mute); _ = c.Close() })
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, b)
	p.mu.Unlock()
}

// copyCommands forwards the client's bytes to the server, cutting the
// connection after a COMMIT when commitCut is set.
func (p *tcpProxy) copyCommands(b, c net.Conn, mute *atomic.Bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			// (Not a new connection's "SET ... READ COMMITTED".)
			cmd := bytes.ReplaceAll(buf[:n], []byte("COMMITTED"), nil)
			cut := bytes.Contains(cmd, []byte("COMMIT")) && p.commitCut.CompareAndSwap(true, false)
			if cut {
				mute.Store(true)
			}
			if _, werr := b.Write(buf[:n]); werr != nil {
				return
			}
			if cut {
				time.Sleep(100 * time.Millisecond) // the server commits
				_ = c.Close()
				_ = b.Close()
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// copyUnlessMuted forwards the server's bytes to the client until mute.
func copyUnlessMuted(c, b net.Conn, mute *atomic.Bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := b.Read(buf)
		if n > 0 && !mute.Load() {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// track registers a connection pair, or closes it when the proxy is down.
func (p *tcpProxy) track(c, b net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		_ = c.Close()
		_ = b.Close()
		return false
	}
	p.conns[c], p.conns[b] = struct{}{}, struct{}{}
	return true
}

// cut closes every connection and refuses new ones.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

// proxiedStore opens the backend's database through a TCP proxy.
func proxiedStore(t *testing.T, back storagetest.Backend) (*storage.Store, *tcpProxy) {
	t.Helper()
	cfg, err := mysqldrv.ParseDSN(back.DSN)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, cfg.Addr)
	cfg.Addr = proxy.addr()
	cfg.Timeout = 2 * time.Second
	st, err := storage.Open(context.Background(), storage.DriverMySQL, cfg.FormatDSN(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, proxy
}

// proxiedWebhookRig is a webhook bot on MySQL (through a TCP proxy the
// test cuts) and Redis; the env's own store reads MySQL directly.
func proxiedWebhookRig(t *testing.T) (*env, *rig, *tcpProxy) {
	t.Helper()
	back := storagetest.MySQLBackend(t)
	e := newEnv(t, "mysql", back, sessiontest.Redis(t), func() {})
	proxied, proxy := proxiedStore(t, back)
	direct := e.store
	e.store = proxied
	rg := newRig(t, e, nil)
	rg.webhook()
	e.store = direct
	return e, rg, proxy
}

func (p *tcpProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// TestDatabaseOutageDuringWebhookDelivery cuts the bot's MySQL connections
// while the emulator delivers answers: the webhook answers 500, the
// emulator redelivers, and once the database is back each answer is applied
// once; no reply during the outage claims anything was saved.
func TestDatabaseOutageDuringWebhookDelivery(t *testing.T) {
	e, rg, proxy := proxiedWebhookRig(t)

	u := rg.emu.User(7004)
	w, _, _ := firstQuestion(t, e, u, "ktp")
	lastBefore := u.LastMessage().ID
	proxy.cut()
	inputs := []string{"7", "2", "6"}
	var ids []int
	for _, s := range inputs {
		ids = append(ids, u.Send(s))
	}
	waitFailures(t, rg.emu, ids[0], 3)
	for _, m := range u.Messages() {
		if m.ID > lastBefore {
			t.Errorf("the bot sent %q while its database was down", m.Text)
		}
	}
	proxy.restore()
	for _, id := range ids {
		waitDelivered(t, rg.emu, id, 1)
	}
	probe(t, u)
	assertAnswers(t, "after the outage", openAnswers(t, e, u.ID(), "skm"), answerValues(reference(t, w.def, inputs...).Answers))
	db := e.backend.RawDB(t)
	for _, id := range ids {
		if n := countRows(t, db, "SELECT COUNT(*) FROM processed_updates WHERE update_id = ?", id); n != 1 {
			t.Errorf("update %d recorded %d times", id, n)
		}
	}
	// Every reply came after the database returned, and each question was
	// asked once: one step per answer.
	asked := map[string]int{}
	for _, m := range u.Messages() {
		if q := w.question(m); m.ID > lastBefore && q != nil {
			asked[q.Name]++
		}
		if m.ID > lastBefore && strings.Contains(m.Text, "Jawaban Anda terkirim") {
			t.Errorf("unexpected save claim %q", m.Text)
		}
	}
	for q, n := range asked {
		if n != 1 {
			t.Errorf("question %s asked %d times after the outage", q, n)
		}
	}
	if len(asked) != len(inputs) {
		t.Errorf("questions asked after the outage: %v, want %d", asked, len(inputs))
	}
}

// waitFailures waits until updateID has had n failed (500) deliveries.
func waitFailures(t *testing.T, emu *botapitest.Server, updateID, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		failed := 0
		for _, d := range emu.Deliveries() {
			if d.UpdateID == updateID && d.Status == http.StatusInternalServerError {
				failed++
			}
		}
		if failed >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("update %d did not fail %d times: %+v", updateID, n, emu.Deliveries())
}
