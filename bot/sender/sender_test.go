package sender_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
)

func TestEnqueueKeepsEachChatInOrder(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	a, b := e.emu.User(101), e.emu.User(102)
	s := e.sender(t, sender.Options{PerChatRate: 200, PerChatBurst: 3})
	wantA, wantB := numbered("a", 20), numbered("b", 20)
	for i := range wantA {
		s.Enqueue(text(a.ID(), wantA[i]))
		s.Enqueue(text(b.ID(), wantB[i]))
	}
	mustClose(t, s)
	if got := texts(a.Messages()); !slices.Equal(got, wantA) {
		t.Errorf("chat A got %q, want %q", got, wantA)
	}
	if got := texts(b.Messages()); !slices.Equal(got, wantB) {
		t.Errorf("chat B got %q, want %q", got, wantB)
	}
	if st := s.Stats(); st.Sent != 40 || st.Failed != 0 {
		t.Errorf("stats %+v, want 40 sent and no failure", st)
	}
}

func TestPacingAfterBurst(t *testing.T) {
	tests := []struct {
		name     string
		opts     sender.Options
		n, burst int
		interval time.Duration
	}{
		{"configured 20 per second", sender.Options{PerChatRate: 20, PerChatBurst: 5}, 15, 5, 50 * time.Millisecond},
		{"defaults: burst of 5 then 1 per second", sender.Options{}, 7, 5, time.Second},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newClockEnv(t, newFakeClock())
			u := e.emu.User(int64(110 + i))
			s := e.sender(t, tt.opts)
			for _, w := range numbered("m", tt.n) {
				s.Enqueue(text(u.ID(), w))
			}
			mustClose(t, s)
			reqs := e.requests("sendMessage", u.ID())
			if len(reqs) != tt.n {
				t.Fatalf("%d requests, want %d", len(reqs), tt.n)
			}
			// Virtual time: the burst goes at once, then one per interval.
			for k, r := range reqs {
				want := clockStart
				if k >= tt.burst {
					want = at(time.Duration(k-tt.burst+1) * tt.interval)
				}
				if !near(r.Time, want) {
					t.Errorf("message %d sent at +%v, want +%v (burst %d, then one every %v)",
						k, r.Time.Sub(clockStart), want.Sub(clockStart), tt.burst, tt.interval)
				}
			}
			if got := texts(u.Messages()); !slices.Equal(got, numbered("m", tt.n)) {
				t.Errorf("delivered %q", got)
			}
		})
	}
}

func TestRateLimitedChatWaitsWhileOthersFlow(t *testing.T) {
	clock := newFakeClock()
	clock.hold()
	e := newClockEnv(t, clock)
	a, b := e.emu.User(201), e.emu.User(202)
	e.emu.Fault("sendMessage", botapitest.TooManyRequests(1).ForChat(a.ID()))
	s := e.sender(t, sender.Options{PerChatRate: 20, PerChatBurst: 5})

	done := make(chan error, 1)
	var res sender.Result
	go func() {
		var err error
		res, err = s.Send(context.Background(), text(a.ID(), "untuk A"))
		done <- err
	}()
	if ends := clock.awaitSleepers(t, 1); !ends[0].Equal(at(time.Second)) {
		t.Errorf("A waits until +%v after its 429, want retry_after (1 s)", ends[0].Sub(clockStart))
	}
	for _, w := range numbered("b", 10) {
		s.Enqueue(text(b.ID(), w))
	}
	// B sends its burst of 5, then one every 50 ms, while A still waits:
	// move the clock to B's wait each time, never as far as A's.
	for range 5 {
		ends := clock.awaitSleepers(t, 2)
		if !ends[1].Equal(at(time.Second)) {
			t.Fatalf("waits end at %v; A's should end at +1s", ends)
		}
		clock.advanceTo(ends[0])
	}
	eventually(t, "B's 10 messages delivered", func() bool { return len(b.Messages()) == 10 })
	if n := len(e.requests("sendMessage", a.ID())); n != 1 {
		t.Errorf("%d requests to A before its retry_after ended, want only the 429", n)
	}
	clock.release()
	if err := <-done; err != nil {
		t.Fatalf("Send to A: %v", err)
	}
	mustClose(t, s)

	reqA := e.requests("sendMessage", a.ID())
	if len(reqA) != 2 || reqA[0].Status != 429 || reqA[1].Status != 200 {
		t.Fatalf("requests to A: %+v, want a 429 then one retry", reqA)
	}
	if wait := reqA[1].Time.Sub(reqA[0].Time); wait < time.Second {
		t.Errorf("A was retried %v after its 429, before retry_after (1 s)", wait)
	}
	msgs := a.Messages()
	if len(msgs) != 1 || msgs[0].Text != "untuk A" || res.MessageID != msgs[0].ID {
		t.Errorf("A got %q (result id %d), want the message exactly once", texts(msgs), res.MessageID)
	}
	reqB := e.requests("sendMessage", b.ID())
	if len(reqB) != 10 || !slices.Equal(texts(b.Messages()), numbered("b", 10)) {
		t.Fatalf("B: %d requests, messages %q, want b00..b09", len(reqB), texts(b.Messages()))
	}
	if last := reqB[len(reqB)-1].Time; !near(last, at(250*time.Millisecond)) {
		t.Errorf("B's last message went at +%v, want +250ms: A's pause must not hold B", last.Sub(clockStart))
	}
	if st := s.Stats(); st.RateLimited != 1 {
		t.Errorf("stats %+v, want RateLimited 1", st)
	}
}

func TestBlockedChatStopsAndIsReported(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(301)
	// The first send is slow so the next two are queued behind it; the
	// second answers 403.
	e.emu.Fault("sendMessage", botapitest.Slow(200*time.Millisecond).ForChat(u.ID()))
	e.emu.Fault("sendMessage", botapitest.Blocked().ForChat(u.ID()))
	var mu sync.Mutex
	var blocked []int64
	opts := fast()
	opts.OnBlocked = func(id int64) { mu.Lock(); blocked = append(blocked, id); mu.Unlock() }
	s := e.sender(t, opts)
	for _, w := range numbered("m", 4) {
		s.Enqueue(text(u.ID(), w))
	}
	mustClose(t, s)

	if n := len(e.requests("sendMessage", u.ID())); n != 2 {
		t.Errorf("%d requests, want 2 (one sent, one refused, the rest not tried)", n)
	}
	if got := texts(u.Messages()); !slices.Equal(got, []string{"m00"}) {
		t.Errorf("delivered %q, want only m00", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(blocked, []int64{u.ID()}) {
		t.Errorf("OnBlocked calls %v, want [%d]", blocked, u.ID())
	}
	if st := s.Stats(); st.Blocked != 1 || st.Failed != 3 {
		t.Errorf("stats %+v, want Blocked 1, Failed 3", st)
	}
}

func TestSendToBlockedUserIsNotRetried(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(302)
	u.Block()
	s := e.sender(t, fast())
	_, err := s.Send(context.Background(), text(u.ID(), "pengingat"))
	if !errors.Is(err, sender.ErrBlocked) {
		t.Fatalf("err = %v, want ErrBlocked", err)
	}
	if n := len(e.requests("sendMessage", u.ID())); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestMigratedGroupGetsTheMessageOnce(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	g := e.emu.Group(-401, "Forum OPD")
	sg := g.Migrate(e.emu.User(402), -100401)
	var moves [][2]int64
	opts := fast()
	opts.OnMigrated = func(o, n int64) { moves = append(moves, [2]int64{o, n}) }
	s := e.sender(t, opts)
	ctx := context.Background()

	res, err := s.Send(ctx, text(g.ChatID(), "halo grup"))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if res.ChatID != sg.ChatID() {
		t.Errorf("result chat %d, want %d", res.ChatID, sg.ChatID())
	}
	if _, err := s.Send(ctx, text(g.ChatID(), "kedua")); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	if got := texts(sg.Messages()); !slices.Equal(got, []string{"halo grup", "kedua"}) {
		t.Errorf("supergroup got %q", got)
	}
	if n := len(e.requests("sendMessage", g.ChatID())); n != 1 {
		t.Errorf("%d requests to the old id, want 1 (later ones go to the new id)", n)
	}
	if len(moves) != 1 || moves[0] != [2]int64{g.ChatID(), sg.ChatID()} {
		t.Errorf("OnMigrated calls %v", moves)
	}
}

func TestSendPhotoAndDocument(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(601)
	s := e.sender(t, fast())
	ctx := context.Background()
	photo := sender.Photo(u.ID(), sender.FileBytes("ikm.png", []byte("\x89PNG fake")), "IKM Januari")
	doc := sender.Document(u.ID(), sender.FileBytes("ikm.csv", []byte("unsur,nilai\nU1,3.2\n")), "")
	for _, m := range []sender.Message{photo, doc} {
		res, err := s.Send(ctx, m)
		if err != nil {
			t.Fatalf("Send %s: %v", m.Method, err)
		}
		if last := u.LastMessage(); res.MessageID == 0 || res.MessageID != last.ID || res.ChatID != u.ID() {
			t.Errorf("%s: result %+v, last message %d", m.Method, res, last.ID)
		}
	}
	msgs := u.Messages()
	if len(msgs) != 2 || msgs[0].Photo == nil || msgs[0].Text != "IKM Januari" ||
		msgs[1].Document == nil || msgs[1].Document.Name != "ikm.csv" {
		t.Errorf("chat has %+v", msgs)
	}
	if _, err := s.Send(ctx, sender.Message{ChatID: u.ID()}); !errors.Is(err, sender.ErrRejected) {
		t.Errorf("message without a method: %v, want ErrRejected", err)
	}
}

func TestInjectedClockPacesDefaults(t *testing.T) {
	e := newClockEnv(t, newFakeClock())
	u := e.emu.User(611)
	s := e.sender(t, sender.Options{})
	e.emu.Fault("sendMessage", botapitest.TooManyRequests(7).ForChat(u.ID()))
	began := time.Now()
	for _, w := range numbered("m", 11) {
		s.Enqueue(text(u.ID(), w))
	}
	mustClose(t, s) // would miss its 10 s deadline if the 13 s below were real
	t.Logf("13 s of virtual pacing took %v of real time", time.Since(began).Round(time.Millisecond))
	reqs := e.requests("sendMessage", u.ID())
	if len(reqs) != 12 || reqs[0].Status != 429 || !reqs[0].Time.Equal(clockStart) {
		t.Fatalf("%d requests (first %+v), want a 429 at the start then 11", len(reqs), reqs[0])
	}
	// m00 is refused with retry_after 7 s; at 7 s the bucket is full again
	// (5 tokens): m00..m04 go at once, then m05..m10 one a second, to 13 s.
	for k, r := range reqs[1:] {
		want := at(7 * time.Second)
		if k >= 5 {
			want = at(time.Duration(7+k-4) * time.Second)
		}
		if !near(r.Time, want) {
			t.Errorf("m%02d sent at +%v, want +%v", k, r.Time.Sub(clockStart), want.Sub(clockStart))
		}
	}
	if got := texts(u.Messages()); !slices.Equal(got, numbered("m", 11)) {
		t.Errorf("delivered %q", got)
	}
}

func TestPacingOutlivesAnEmptyQueue(t *testing.T) {
	e := newClockEnv(t, newFakeClock())
	u := e.emu.User(621)
	s := e.sender(t, sender.Options{}) // a burst of 5, then 1 per second
	for _, w := range numbered("a", 3) {
		s.Enqueue(text(u.ID(), w))
	}
	eventually(t, "the first 3 delivered", func() bool { return len(u.Messages()) == 3 })
	// Give the chat's worker the moment to find its queue empty: a queue
	// reaped then would forget the 3 tokens spent.
	time.Sleep(20 * time.Millisecond)
	for _, w := range numbered("b", 4) {
		s.Enqueue(text(u.ID(), w))
	}
	mustClose(t, s)
	reqs := e.requests("sendMessage", u.ID())
	want := []time.Duration{0, 0, 0, 0, 0, time.Second, 2 * time.Second}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for k, r := range reqs {
		if !near(r.Time, at(want[k])) {
			t.Errorf("message %d sent at +%v, want +%v (5 at once, then 1 per second)", k, r.Time.Sub(clockStart), want[k])
		}
	}
}
