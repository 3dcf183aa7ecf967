package botapitest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// BenchmarkSendMessageParallel measures the emulator's sendMessage round
// trip through the real client, over many chats at once: the ceiling the
// emulator puts on end-to-end bot benchmarks.
func BenchmarkSendMessageParallel(b *testing.B) {
	srv := startServer(b, botapitest.Options{})
	bot := newClient(b, srv, 10*time.Second)
	const chats = 200
	for i := range chats {
		srv.User(int64(1000 + i))
	}
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			chat := 1000 + n.Add(1)%chats
			if _, err := bot.Send(tgbotapi.NewMessage(chat, "Terima kasih atas jawaban Anda.")); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkWebhookDelivery measures updates POSTed to a trivial webhook per
// second, over many chats: the emulator's own ceiling in webhook mode.
func BenchmarkWebhookDelivery(b *testing.B) {
	srv := startServer(b, botapitest.Options{})
	bot := newClient(b, srv, 10*time.Second)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	b.Cleanup(hook.Close)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": hook.URL, "max_connections": "100"}); err != nil {
		b.Fatal(err)
	}
	const chats = 200
	users := make([]*botapitest.User, chats)
	for i := range users {
		users[i] = srv.User(int64(1000 + i))
	}
	b.ResetTimer()
	for i := range b.N {
		users[i%chats].Send("4")
	}
	for srv.PendingUpdates() > 0 {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}
