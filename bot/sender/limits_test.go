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

// span returns the time between the first and the last request.
func span(reqs []botapitest.Request) time.Duration {
	times := make([]time.Time, len(reqs))
	for i, r := range reqs {
		times[i] = r.Time
	}
	slices.SortFunc(times, time.Time.Compare)
	return times[len(times)-1].Sub(times[0])
}

func TestProactiveMessagesHeldToGlobalRate(t *testing.T) {
	const n = 200
	e := newEnv(t, 5*time.Second)
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
	if d := span(e.emu.Requests()[1:]); d > time.Second {
		t.Errorf("%d replies took %v; the global rate must not apply to replies", n, d)
	}

	start := time.Now()
	broadcast := e.sender(t, opts)
	for _, id := range users {
		broadcast.Enqueue(proactive(id))
	}
	mustClose(t, broadcast)
	reqs := e.emu.RequestsSince(start)
	if len(reqs) != n {
		t.Fatalf("%d broadcast requests, want %d", len(reqs), n)
	}
	want := time.Duration(n-1) * time.Second / 100
	if d := span(reqs); d < want*95/100 {
		t.Errorf("%d proactive messages at 100/s took %v, want at least %v", n, d, want)
	}
}

func TestProactiveRateLimitPausesTheBroadcast(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	a, b := e.emu.User(1301), e.emu.User(1302)
	e.emu.Fault("sendMessage", botapitest.TooManyRequests(1).ForChat(a.ID()))
	s := e.sender(t, fast())
	s.Enqueue(proactive(a.ID()))
	time.Sleep(100 * time.Millisecond) // A's 429 has been answered
	s.Enqueue(proactive(b.ID()))
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
	e := newEnv(t, 5*time.Second)
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
	if d, want := span(reqs), 10*50*time.Millisecond; d < want*9/10 {
		t.Errorf("12 group messages took %v, want at least ~%v", d, want)
	}
}

func TestCallbackAnswerDoesNotWaitForPacing(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(1501)
	kb := tgbotapi.NewMessage(u.ID(), "Bagaimana pelayanan kami?")
	kb.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Sangat baik", "a4"), tgbotapi.NewInlineKeyboardButtonData("Baik", "a3")))
	if _, err := e.api.Send(kb); err != nil {
		t.Fatalf("keyboard: %v", err)
	}
	for _, label := range []string{"Sangat baik", "Baik"} {
		if err := u.Press(label); err != nil {
			t.Fatalf("Press: %v", err)
		}
	}
	cbs := u.CallbackAnswers()
	s := e.sender(t, sender.Options{PerChatRate: 4, PerChatBurst: 1})
	for _, w := range numbered("q", 4) { // about 750 ms of pacing queued
		s.Enqueue(text(u.ID(), w))
	}
	start := time.Now()
	if _, err := s.Send(context.Background(), sender.AnswerCallback(cbs[0].QueryID, "Tersimpan")); err != nil {
		t.Fatalf("answer: %v", err)
	}
	if d := time.Since(start); d > 300*time.Millisecond {
		t.Errorf("the callback answer waited %v behind the chat's queue", d)
	}
	s.Enqueue(sender.AnswerCallback(cbs[1].QueryID, ""))
	mustClose(t, s)
	for i, cb := range u.CallbackAnswers() {
		if !cb.Answered {
			t.Errorf("callback %d not answered", i)
		}
	}
	if got := texts(u.Messages()[1:]); !slices.Equal(got, numbered("q", 4)) {
		t.Errorf("queued messages %q", got)
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
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(1701)
	s := e.sender(t, sender.Options{PerChatRate: 2, PerChatBurst: 1})
	s.Enqueue(text(u.ID(), "pertama"))
	s.Enqueue(text(u.ID(), "kedua")) // waits ~500 ms for its token
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.Send(ctx, text(u.ID(), "ketiga")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send = %v, want the deadline", err)
	}
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
