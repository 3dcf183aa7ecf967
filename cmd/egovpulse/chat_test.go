package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage"
)

// chatRun runs `egovpulse chat args…` against emu with the piped input.
func chatRun(t *testing.T, vars map[string]string, emu *botapitest.Server, input string, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errb testkit.SyncBuffer
	env := &environment{stdin: strings.NewReader(input), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := chat(ctx, env, args, emu); err != nil {
		t.Fatalf("chat %v: %v\nstdout: %s\nstderr: %s", args, err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

// TestChatAnswersOnEveryRun: a second and a third run on the same
// database answer like the first (the emulator's update ids continue after
// those already applied instead of starting again at 1).
func TestChatAnswersOnEveryRun(t *testing.T) {
	vars := sqliteVars(t)
	for run := 1; run <= 3; run++ {
		out, errOut := chatRun(t, vars, botapitest.New(botapitest.Options{}), "/start\n")
		for _, want := range []string{"bot: Halo Warga!", "Apakah Anda setuju mengikuti survei ini?", "[1] ✅ Setuju"} {
			if strings.Count(out, want) != 2 { // the /start the command sends, and the piped one
				t.Errorf("run %d: %q shown %d times, want 2:\n%s\nstderr: %s", run, want, strings.Count(out, want), out, errOut)
			}
		}
	}
}

// TestChatTypedNumberAnswersANumberQuestion: on a question that wants a
// number and shows only « Back, a typed 1 is the answer 1, not a press of
// « Back; on a question with answer buttons a number presses one.
func TestChatTypedNumberAnswersANumberQuestion(t *testing.T) {
	vars := sqliteVars(t)
	// The official joins by the invitation the chat makes; /status, the
	// card's survey button, consent, five frequency questions ("Setiap
	// hari"), then the share of digital work: 1 (percent).
	out, errOut := chatRun(t, vars, botapitest.New(botapitest.Options{}), "/status\n1\n1\n5\n5\n5\n5\n5\n1\n", "--as", "official")
	if !strings.Contains(out, "(6/22) Berapa persen pekerjaan rutin") || !strings.Contains(out, "(7/22) Sistem elektronik menghemat waktu kerja saya.") {
		t.Fatalf("the typed 1 did not answer the percent question:\n%s\nstderr: %s", out, errOut)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.DriverSQLite, strings.TrimPrefix(vars["DATABASE_URL"], "sqlite://"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key, err := st.RespondentKey(ctx, chatOfficialID)
	if err != nil {
		t.Fatalf("no respondent for the terminal user: %v", err)
	}
	open, err := st.InProgress(ctx, key)
	if err != nil || len(open) != 1 {
		t.Fatalf("in-progress responses: %v, %v; want the asn one", open, err)
	}
	answers, err := st.Answers(ctx, open[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := answers["porsi_digital"]; !ok || a.Value != "1" || a.Skipped {
		t.Errorf("porsi_digital stored as %+v (present %v), want the typed 1", a, ok)
	}
	if a := answers["frek_aplikasi_opd"]; a.Value != "5" {
		t.Errorf("frek_aplikasi_opd stored as %+v, want button 5 (Setiap hari) pressed", a)
	}
	// Again: the official joined already and starts at /status; /lapor is
	// the operator's, held back while the survey above is open.
	out, errOut = chatRun(t, vars, botapitest.New(botapitest.Options{}), "/lapor\n", "--as", "official")
	if !strings.Contains(out, "> /status") || !strings.Contains(out, "📋 Status Petugas Uji Coba") ||
		!strings.Contains(out, "Selesaikan dulu atau ketik /batal, lalu /lapor lagi.") {
		t.Errorf("second run as an official:\n%s\nstderr: %s", out, errOut)
	}
}

// TestChatShowsFailuresOnStderr: a reply the emulator refuses is reported
// on stderr (and in the --log file), never mixed into the transcript.
func TestChatShowsFailuresOnStderr(t *testing.T) {
	vars := sqliteVars(t)
	logFile := filepath.Join(t.TempDir(), "chat.log")
	emu := botapitest.New(botapitest.Options{})
	emu.Fault("sendMessage", botapitest.Blocked())
	out, errOut := chatRun(t, vars, emu, "", "--log", logFile)
	if !strings.Contains(errOut, "level=WARN") || !strings.Contains(errOut, "blocked") {
		t.Errorf("the refused send is not on stderr:\n%s", errOut)
	}
	if !strings.Contains(out, "log: "+logFile) {
		t.Errorf("the screen does not name the log file:\n%s", out)
	}
	if strings.Contains(out, "level=") {
		t.Errorf("log lines in the transcript:\n%s", out)
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "blocked") || !strings.Contains(string(data), "level=INFO") {
		t.Errorf("the log file lacks the failure or the info lines:\n%s", data)
	}
}
