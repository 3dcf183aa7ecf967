package sender_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
)

func TestProactiveMessagesHeldToGlobalRate(t *testing.T) {
	const n = 200
	clock := newFakeClock()
	e := newClockEnv(t, clock)
	users := make([]int64, n)
	for i := range users {
		users[i] = e.emu.User(int64(1000 + i)).ID()
	}
	opts := sender.Options{PerChatRate: 1000, PerChatBurst: 10, GlobalRate: 100, GlobalBurst: 1}

	replies := e.sender(t, opts)
	for _, id := range users {
		replies.Enqueue(text(id, "balasan"))
	}
	mustClose(t, replies)
	if len(e.emu.Requests()) != n+1 { // and getMe
		t.Fatalf("%d requests, want %d replies", len(e.emu.Requests())-1, n)
	}
	if k := clock.sleepCount(); k != 0 {
		t.Errorf("%d replies waited %d times; the global rate must not apply to replies", n, k)
	}

	// Held, the clock shows each proactive message's wait before any ends:
	// at 100 per second with a burst of 1, one goes at once and the k-th
	// other waits k × 10 ms.
	clock.hold()
	broadcast := e.sender(t, opts)
	for _, id := range users {
		broadcast.Enqueue(proactive(id))
	}
	ends := clock.awaitSleepers(t, n-1)
	for k, end := range ends {
		if want := at(time.Duration(k+1) * 10 * time.Millisecond); !near(end, want) {
			t.Errorf("proactive wait %d ends at +%v, want +%v", k+1, end.Sub(clockStart), want.Sub(clockStart))
		}
	}
	sent := func() int { return len(e.emu.Requests()) - (n + 1) }
	eventually(t, "the first proactive message sent", func() bool { return sent() >= 1 })
	if got := sent(); got != 1 {
		t.Errorf("%d proactive messages sent before any wait ended, want 1", got)
	}
	clock.release()
	mustClose(t, broadcast)
	if got := sent(); got != n {
		t.Fatalf("%d broadcast requests, want %d", got, n)
	}
}

func TestProactiveRateLimitPausesTheBroadcast(t *testing.T) {
	clock := newFakeClock()
	clock.hold()
	e := newClockEnv(t, clock)
	a, b := e.emu.User(1301), e.emu.User(1302)
	e.emu.Fault("sendMessage", botapitest.TooManyRequests(1).ForChat(a.ID()))
	s := e.sender(t, fast())
	s.Enqueue(proactive(a.ID()))
	// A waits out its 429; the broadcast pause is set before that wait.
	if ends := clock.awaitSleepers(t, 1); !ends[0].Equal(at(time.Second)) {
		t.Errorf("A waits until +%v, want retry_after (1 s)", ends[0].Sub(clockStart))
	}
	s.Enqueue(proactive(b.ID()))
	if ends := clock.awaitSleepers(t, 2); !ends[0].Equal(at(time.Second)) || !ends[1].Equal(at(time.Second)) {
		t.Errorf("waits end at %v, want A and B both held to +1s", ends)
	}
	if n := len(e.requests("sendMessage", b.ID())); n != 0 {
		t.Errorf("%d proactive requests to B during the flood pause, want 0", n)
	}
	clock.release()
	mustClose(t, s)
	reqA, reqB := e.requests("sendMessage", a.ID()), e.requests("sendMessage", b.ID())
	if len(reqA) != 2 || len(reqB) != 1 {
		t.Fatalf("requests A %d, B %d; want 2 and 1", len(reqA), len(reqB))
	}
	if d := reqB[0].Time.Sub(reqA[0].Time); d < time.Second {
		t.Errorf("proactive message to B went %v after the flood 429, before retry_after", d)
	}
}

func TestGroupsLimitedPerMinute(t *testing.T) {
	e := newClockEnv(t, newFakeClock())
	g := e.emu.Group(-1401, "Grup OPD")
	// 1,200 per minute is 20 per second; burst min(PerChatBurst, ...) = 2.
	s := e.sender(t, sender.Options{PerChatRate: 1000, PerChatBurst: 2, GroupPerMinute: 1200})
	for _, w := range numbered("g", 12) {
		s.Enqueue(text(g.ChatID(), w))
	}
	mustClose(t, s)
	reqs := e.requests("sendMessage", g.ChatID())
	if len(reqs) != 12 {
		t.Fatalf("%d requests, want 12", len(reqs))
	}
	for k, r := range reqs {
		want := clockStart
		if k >= 2 {
			want = at(time.Duration(k-1) * 50 * time.Millisecond)
		}
		if !near(r.Time, want) {
			t.Errorf("group message %d sent at +%v, want +%v (2 at once, then one every 50 ms)",
				k, r.Time.Sub(clockStart), want.Sub(clockStart))
		}
	}
}

func TestCallbackAnswerDoesNotWaitForPacing(t *testing.T) {
	clock := newFakeClock()
	clock.hold()
	e := newClockEnv(t, clock)
	u := e.emu.User(1501)
	kb := tgbotapi.NewMessage(u.ID(), "Bagaimana pelayanan kami?")
	kb.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Sangat baik", "a4"), tgbotapi.NewInlineKeyboardButtonData("Baik", "a3")))
	if _, err := e.api.Send(kb); err != nil {
		t.Fatalf("keyboard: %v", err)
	}
	for _, label := range []string{"Sangat baik", "Baik", "Baik"} {
		if err := u.Press(label); err != nil {
			t.Fatalf("Press: %v", err)
		}
	}
	cbs := u.CallbackAnswers()
	s := e.sender(t, sender.Options{PerChatRate: 4, PerChatBurst: 1})
	for _, w := range numbered("q", 4) {
		s.Enqueue(text(u.ID(), w))
	}
	// q00 went; q01 waits 250 ms for its token and the clock stands still,
	// so nothing behind the chat's pacing can go until it is released.
	clock.awaitSleepers(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	for _, cb := range cbs[:2] { // more than any burst: answers are not paced at all
		if _, err := s.Send(ctx, sender.AnswerCallback(cb.QueryID, "Tersimpan")); err != nil {
			t.Fatalf("answer while the chat's messages wait for pacing: %v", err)
		}
	}
	s.Enqueue(sender.AnswerCallback(cbs[2].QueryID, ""))
	eventually(t, "every callback answered", func() bool {
		return !slices.ContainsFunc(u.CallbackAnswers(), func(a botapitest.CallbackAnswer) bool { return !a.Answered })
	})
	if got := texts(u.Messages()[1:]); !slices.Equal(got, []string{"q00"}) {
		t.Errorf("while paced the chat has %q, want only q00", got)
	}
	clock.release()
	mustClose(t, s)
	if got := texts(u.Messages()[1:]); !slices.Equal(got, numbered("q", 4)) {
		t.Errorf("queued messages %q", got)
	}
	if clock.sleepCount() != 3 {
		t.Errorf("%d waits, want 3 (q01..q03; none for the answers)", clock.sleepCount())
	}
}

func TestCloseDrainsAndIsIdempotent(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(1601)
	s := e.sender(t, sender.Options{PerChatRate: 20, PerChatBurst: 1})
	want := numbered("m", 10)
	for _, w := range want {
		s.Enqueue(text(u.ID(), w))
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = s.Close(context.Background()) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("concurrent Close: %v", errs)
	}
	if got := texts(u.Messages()); !slices.Equal(got, want) {
		t.Errorf("after Close the chat has %q, want all %d", got, len(want))
	}
	if err := s.Close(context.Background()); err != nil {
		t.Errorf("third Close: %v", err)
	}
	s.Enqueue(text(u.ID(), "terlambat"))
	if _, err := s.Send(context.Background(), text(u.ID(), "terlambat")); !errors.Is(err, sender.ErrClosed) {
		t.Errorf("Send after Close: %v, want ErrClosed", err)
	}
	if n := len(u.Messages()); n != len(want) {
		t.Errorf("%d messages, nothing should be sent after Close", n)
	}
	if st := s.Stats(); st.Dropped != 1 {
		t.Errorf("stats %+v, want Dropped 1", st)
	}
}

func TestCloseGivesUpAtDeadline(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(1602)
	e.emu.Fault("sendMessage", botapitest.TooManyRequests(5).ForChat(u.ID()))
	s := e.sender(t, fast())
	done := make(chan error, 1)
	go func() {
		_, err := s.Send(context.Background(), text(u.ID(), "tertahan"))
		done <- err
	}()
	time.Sleep(100 * time.Millisecond) // the 429 has been answered
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want the deadline", err)
	}
	if err := <-done; !errors.Is(err, sender.ErrClosed) {
		t.Errorf("pending Send = %v, want ErrClosed", err)
	}
	mustClose(t, s)
	if n := len(e.requests("sendMessage", u.ID())); n != 1 {
		t.Errorf("%d requests, want only the rate-limited one", n)
	}
}

func TestSendHonoursContext(t *testing.T) {
	clock := newFakeClock()
	clock.hold()
	e := newClockEnv(t, clock)
	u := e.emu.User(1701)
	s := e.sender(t, sender.Options{PerChatRate: 2, PerChatBurst: 1})
	s.Enqueue(text(u.ID(), "pertama"))
	s.Enqueue(text(u.ID(), "kedua")) // waits 500 ms for its token
	clock.awaitSleepers(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Send(ctx, text(u.ID(), "ketiga")) // queued behind kedua
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send = %v, want the context's error", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("Send still waits in the queue after its context ended")
	}
	clock.release()
	mustClose(t, s)
	if got := texts(u.Messages()); !slices.Equal(got, []string{"pertama", "kedua"}) {
		t.Errorf("chat has %q; the cancelled message must not be sent", got)
	}
}

func BenchmarkSenderThroughput(b *testing.B) {
	const chats = 64
	e := newEnv(b, 5*time.Second)
	ids := make([]int64, chats)
	for i := range ids {
		ids[i] = e.emu.User(int64(9000 + i)).ID()
	}
	s := e.sender(b, sender.Options{PerChatRate: rate.Inf, GlobalRate: rate.Inf, GroupPerMinute: 1 << 30})
	b.ResetTimer()
	for i := range b.N {
		s.Enqueue(text(ids[i%chats], "x"))
	}
	mustClose(b, s)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if st := s.Stats(); st.Sent != uint64(b.N) {
		b.Fatalf("sent %d of %d", st.Sent, b.N)
	}
}
