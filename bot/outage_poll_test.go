package bot_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestOutageWhilePollingIsNeverDeadLettered cuts the bot's MySQL (then,
// separately, its Redis) while a resident answers: every attempt fails,
// far more often than the dead-letter limit, yet nothing is counted or set
// aside; once the connection is back each answer is applied exactly once.
func TestOutageWhilePollingIsNeverDeadLettered(t *testing.T) {
	for _, down := range []string{"mysql", "redis"} {
		t.Run(down+" down", func(t *testing.T) {
			back := storagetest.MySQLBackend(t)
			redisURL := sessiontest.RedisURL(t)
			prefix := sessiontest.Prefix(t)
			direct := sessiontest.RedisAt(t, prefix) // flushes the prefix at the end
			e := newEnv(t, "mysql", back, direct, func() {})
			var proxy *tcpProxy
			directStore := e.store
			botStore, botSessions := e.store, session.Store(direct)
			if down == "mysql" {
				botStore, proxy = proxiedStore(t, back)
			} else {
				botSessions, proxy = proxiedRedis(t, redisURL, prefix)
			}
			e.store, e.sessions = botStore, botSessions
			r := newRig(t, e, nil)
			e.store, e.sessions = directStore, direct
			r.poll()

			u := r.emu.User(7201)
			w, _, _ := firstQuestion(t, e, u, "ktp")
			eventually(t, "the updates confirmed", func() bool { return r.emu.PendingUpdates() == 0 })
			lastBefore := u.LastMessage().ID
			cut := time.Now()
			proxy.cut()
			inputs := []string{"7", "2", "6"}
			var ids []int
			for _, s := range inputs {
				ids = append(ids, u.Send(s))
			}
			// Each poll after a failed batch is one more attempt at ids[0].
			eventually(t, "many failed attempts", func() bool { return countPolls(r, cut) > 3*5 })
			db := e.backend.RawDB(t)
			if n := countRows(t, db, "SELECT COUNT(*) FROM dead_letters"); n != 0 {
				t.Fatalf("%d dead_letters rows while %s was down; a transient failure must never be counted", n, down)
			}
			for _, m := range u.Messages() {
				if m.ID > lastBefore {
					t.Errorf("the bot sent %q while %s was down", m.Text, down)
				}
			}
			proxy.restore()
			eventually(t, "the updates applied after the outage", func() bool { return r.emu.PendingUpdates() == 0 })
			probe(t, u)
			assertAnswers(t, "after the outage", openAnswers(t, e, u.ID(), "skm"), answerValues(reference(t, w.def, inputs...).Answers))
			for _, id := range ids {
				if n := countRows(t, db, "SELECT COUNT(*) FROM processed_updates WHERE update_id = ?", id); n != 1 {
					t.Errorf("update %d recorded %d times", id, n)
				}
			}
			if n := countRows(t, db, "SELECT COUNT(*) FROM dead_letters"); n != 0 {
				t.Errorf("%d dead_letters rows after the outage", n)
			}
		})
	}
}

// countPolls counts the getUpdates requests that arrived since t.
func countPolls(r *rig, since time.Time) int {
	n := 0
	for _, q := range r.emu.RequestsSince(since) {
		if q.Method == "getUpdates" {
			n++
		}
	}
	return n
}

// proxiedRedis opens a session store under prefix through a TCP proxy.
func proxiedRedis(t *testing.T, redisURL, prefix string) (session.Store, *tcpProxy) {
	t.Helper()
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr()
	client, err := session.OpenRedis(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return session.NewRedis(client, prefix), proxy
}
