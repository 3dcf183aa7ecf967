package botapitest_test

import (
	"context"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// A resident presses a button; the bot (here a few lines of polling code)
// answers the callback and edits the question to show the choice.
func Example() {
	srv := botapitest.New(botapitest.Options{})
	if _, err := srv.Listen(""); err != nil {
		panic(err)
	}
	defer srv.Close()
	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(srv.Token(), srv.Endpoint())
	if err != nil {
		panic(err)
	}
	u := srv.User(1001, botapitest.WithLanguage("id"))

	q := tgbotapi.NewMessage(u.ID(), "Apakah persyaratan layanan sesuai?")
	q.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Sangat sesuai", "a4"),
		tgbotapi.NewInlineKeyboardButtonData("Tidak sesuai", "a1")))
	sent, _ := bot.Send(q)

	_ = u.Press("Sangat sesuai")
	ups, _ := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
	cq := ups[0].CallbackQuery
	_, _ = bot.Request(tgbotapi.NewCallback(cq.ID, ""))
	_, _ = bot.Send(tgbotapi.NewEditMessageText(u.ID(), sent.MessageID, "Apakah persyaratan layanan sesuai? Sangat sesuai"))

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	m, _ := u.WaitFor(ctx, botapitest.TextContains("? Sangat sesuai"))
	fmt.Println(cq.Data, m.Text, m.Edits, m.HasButtons(), u.CallbackAnswers()[0].Answered)
	// Output: a4 Apakah persyaratan layanan sesuai? Sangat sesuai 1 false true
}
