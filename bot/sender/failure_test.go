package sender_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
)

func TestAmbiguousSendIsNotRepeated(t *testing.T) {
	tests := []struct {
		name      string
		fault     botapitest.Fault
		delivered int // what the emulator applied
	}{
		{"accepted then response timed out", botapitest.AcceptedThenTimeout(2 * time.Second), 1},
		{"connection dropped", botapitest.Drop(), 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, 300*time.Millisecond)
			u := e.emu.User(int64(501 + i))
			e.emu.Fault("sendMessage", tt.fault.ForChat(u.ID()))
			s := e.sender(t, fast())
			_, err := s.Send(context.Background(), text(u.ID(), "sekali saja"))
			if !errors.Is(err, sender.ErrAmbiguous) {
				t.Fatalf("err = %v, want ErrAmbiguous", err)
			}
			if n := len(e.settledRequests(t, "sendMessage", u.ID(), 1)); n != 1 {
				t.Errorf("%d requests, want 1: an ambiguous send must not be repeated", n)
			}
			if n := len(u.Messages()); n != tt.delivered {
				t.Errorf("%d messages in the chat, want %d", n, tt.delivered)
			}
			if st := s.Stats(); st.Ambiguous != 1 || st.Retried != 0 {
				t.Errorf("stats %+v, want Ambiguous 1, Retried 0", st)
			}
		})
	}
}

func TestEditAfterTimeoutIsRetried(t *testing.T) {
	e := newEnv(t, 300*time.Millisecond)
	u := e.emu.User(511)
	s := e.sender(t, fast())
	ctx := context.Background()
	res, err := s.Send(ctx, text(u.ID(), "Pertanyaan 1"))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	e.emu.Fault("editMessageText", botapitest.AcceptedThenTimeout(2*time.Second))
	got, err := s.Send(ctx, sender.EditText(u.ID(), res.MessageID, "Pertanyaan 1: Sangat sesuai", nil))
	if err != nil {
		t.Fatalf("edit: %v", err)
	}
	// The first attempt was applied, so the retry finds nothing to change.
	if !got.NotModified {
		t.Errorf("result %+v, want NotModified", got)
	}
	if n := len(e.settledRequests(t, "editMessageText", u.ID(), 2)); n != 2 {
		t.Errorf("%d edit requests, want 2", n)
	}
	if m := u.LastMessage(); m.Text != "Pertanyaan 1: Sangat sesuai" || m.Edits != 1 {
		t.Errorf("message %q edited %d times", m.Text, m.Edits)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(521)
	e.emu.Fault("sendMessage", botapitest.ServerError().ForChat(u.ID()).Times(2))
	s := e.sender(t, fast())
	if _, err := s.Send(context.Background(), text(u.ID(), "akhirnya")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if n := len(e.requests("sendMessage", u.ID())); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if n := len(u.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	if st := s.Stats(); st.Retried != 2 {
		t.Errorf("stats %+v, want Retried 2", st)
	}

	opts := fast()
	opts.MaxRetries = 2
	s2 := e.sender(t, opts)
	e.emu.Fault("sendMessage", botapitest.ServerError().ForChat(u.ID()).Times(5))
	if _, err := s2.Send(context.Background(), text(u.ID(), "gagal")); !errors.Is(err, sender.ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable after the retry budget", err)
	}
}

func TestNotModifiedEditIsSuccess(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(531)
	s := e.sender(t, fast())
	ctx := context.Background()
	res, err := s.Send(ctx, text(u.ID(), "sama"))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := s.Send(ctx, sender.EditText(u.ID(), res.MessageID, "sama", nil))
	if err != nil || !got.NotModified {
		t.Errorf("edit to the same text: %+v, %v; want NotModified, nil", got, err)
	}
}

func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	e := newEnv(t, 300*time.Millisecond)
	if !tokenRe.MatchString(e.api.Token) {
		t.Fatalf("the emulator token %q does not look like a token; the test could not fail", e.api.Token)
	}
	u := e.emu.User(541)
	e.emu.Fault("sendMessage", botapitest.Drop().ForChat(u.ID()))
	e.emu.Fault("sendMessage", botapitest.AcceptedThenTimeout(2*time.Second).ForChat(u.ID()))
	opts := fast()
	opts.MaxRetries = 1
	s := e.sender(t, opts)
	ctx := context.Background()
	var errs []string
	for range 2 {
		_, err := s.Send(ctx, text(u.ID(), "x"))
		if err == nil {
			t.Fatal("Send succeeded despite the scripted fault")
		}
		errs = append(errs, err.Error())
	}
	e.emu.Close() // now the connection is refused: a dial error, retried then given up
	_, err := s.Send(ctx, text(u.ID(), "y"))
	if !errors.Is(err, sender.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	errs = append(errs, err.Error())
	for _, msg := range errs {
		assertNoToken(t, "error", msg)
		if !strings.Contains(msg, "sendMessage") {
			t.Errorf("error %q does not say what failed", msg)
		}
	}
	logs := e.logs.String()
	if strings.Count(logs, "telegram send failed") != 3 {
		t.Errorf("want 3 failure lines in the logs:\n%s", logs)
	}
	assertNoToken(t, "logs", logs)
}

func TestLongTextIsSplit(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	u := e.emu.User(551)
	s := e.sender(t, fast())
	long := strings.Repeat("Apakah persyaratan pelayanan mudah dipenuhi? 🙂\n", 250)
	m := sender.Ask(u.ID(), long, [][]sender.Button{sender.Row(sender.DataButton("Lanjut", "n1"))})
	res, err := s.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := u.Messages()
	if len(msgs) < 3 || len(res.MessageIDs) != len(msgs) {
		t.Fatalf("%d messages, result ids %v; want the text split in 3 or more", len(msgs), res.MessageIDs)
	}
	var joined strings.Builder
	for i, msg := range msgs {
		if msg.HasButtons() != (i == len(msgs)-1) {
			t.Errorf("message %d has keyboard=%v; only the last should", i, msg.HasButtons())
		}
		if msg.ID != res.MessageIDs[i] {
			t.Errorf("message %d id %d, result says %d", i, msg.ID, res.MessageIDs[i])
		}
		joined.WriteString(msg.Text)
	}
	if squeeze(joined.String()) != squeeze(long) {
		t.Error("the parts do not add up to the text")
	}
	if res.MessageID != msgs[len(msgs)-1].ID {
		t.Errorf("MessageID %d, want the last part's", res.MessageID)
	}
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }
