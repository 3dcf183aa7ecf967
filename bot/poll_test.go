package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
)

// startPoll runs the rig's Poll (no registration) and returns its result
// channel; the poll ends with the test.
func startPoll(t *testing.T, r *rig) <-chan error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done, exited := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(exited)
		done <- r.bot.Poll(ctx, r.api, bot.PollOptions{Timeout: 1, Backoff: 50 * time.Millisecond})
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
		r.sender.Close(context.Background())
	})
	return done
}

// pollResult waits for Poll to return.
func pollResult(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("Poll kept running")
		return nil
	}
}

// TestPollGivesUpOnRepeatedConflicts: while another process polls the
// same token, or a webhook is set, every getUpdates answers 409; after
// three in a row Poll returns ErrPollConflict, naming the cause.
func TestPollGivesUpOnRepeatedConflicts(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		t.Run("another poller", func(t *testing.T) {
			r := newRig(t, e, nil)
			rogue, err := tgbotapi.NewBotAPIWithClient(r.emu.Token(), r.emu.Endpoint(), sender.HTTPClient(10*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			rogueDone := make(chan struct{})
			go func() {
				defer close(rogueDone)
				for {
					select {
					case <-stop:
						return
					default:
					}
					_, _ = rogue.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
				}
			}()
			defer func() { close(stop); <-rogueDone }()
			err = pollResult(t, startPoll(t, r))
			if !errors.Is(err, bot.ErrPollConflict) || !strings.Contains(err.Error(), "another process polls this bot token") ||
				!strings.Contains(err.Error(), "terminated by other getUpdates request") {
				t.Fatalf("Poll = %v; want ErrPollConflict with Telegram's description", err)
			}
		})
		t.Run("webhook set", func(t *testing.T) {
			r := newRig(t, e, nil)
			if _, err := r.api.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://other.example.test/hook"}); err != nil {
				t.Fatal(err)
			}
			err := pollResult(t, startPoll(t, r))
			if !errors.Is(err, bot.ErrPollConflict) || !strings.Contains(err.Error(), "webhook is active") {
				t.Fatalf("Poll = %v; want ErrPollConflict saying a webhook is active", err)
			}
		})
	})
}

// TestPollRidesOutAFewConflicts: two 409s, then getUpdates works again
// (the old process stopped): Poll goes on and the resident is answered.
func TestPollRidesOutAFewConflicts(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r := newRig(t, e, nil)
		r.emu.Fault("getUpdates", botapitest.Conflict().Times(bot.PollConflicts-1))
		done := startPoll(t, r)
		u := r.emu.User(7301)
		startVisit(t, u, "ktp")
		wait(t, u, "the first question after the conflicts", after(0, "Berapa usia Anda?"))
		if r.emu.PendingFaults() != 0 {
			t.Fatalf("%d conflicts never answered", r.emu.PendingFaults())
		}
		select {
		case err := <-done:
			t.Fatalf("Poll returned %v after %d conflicts and a success", err, bot.PollConflicts-1)
		default:
		}
	})
}
