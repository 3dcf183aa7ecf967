package botapitest_test

import (
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
