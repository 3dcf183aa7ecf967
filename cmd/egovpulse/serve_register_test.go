package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// serveBackends runs fn with serve's variables for SQLite (in-process
// sessions) and MySQL+Redis, each against a fresh emulator.
func serveBackends(t *testing.T, fn func(t *testing.T, emu *botapitest.Server, vars map[string]string, userID int64)) {
	for _, name := range []string{"sqlite+memory", "mysql+redis"} {
		t.Run(name, func(t *testing.T) {
			emu, userID := serveEmulator(t)
			vars := map[string]string{"TELEGRAM_MODE": "polling", "TELEGRAM_BOT_TOKEN": emu.Token(),
				"TELEGRAM_API_ENDPOINT": emu.Endpoint(), "HTTP_ADDR": "127.0.0.1:0"}
			if name == "sqlite+memory" {
				vars["DATABASE_URL"] = sqliteVars(t)["DATABASE_URL"]
			} else {
				b := storagetest.MySQLBackend(t)
				b.MustOpen(t) // serve refuses an unmigrated MySQL schema
				cfg, err := mysql.ParseDSN(b.DSN)
				if err != nil {
					t.Fatal(err)
				}
				vars["DATABASE_URL"], vars["REDIS_URL"] = killMySQLURL(t, cfg.FormatDSN()), sessiontest.RedisURL(t)
				killCleanRedis(t, vars["REDIS_URL"], userID)
			}
			fn(t, emu, vars, userID)
		})
	}
}

// TestServeExitsOnPollConflict: getUpdates answers 409 three times in a
// row, as when another process polls the token: serve exits 1 saying so
// and what to do.
func TestServeExitsOnPollConflict(t *testing.T) {
	serveBackends(t, func(t *testing.T, emu *botapitest.Server, vars map[string]string, _ int64) {
		emu.Fault("getUpdates", botapitest.Conflict().Times(3))
		code, _, stderr := runCmd(t, vars, nil, "serve")
		if code != 1 {
			t.Fatalf("serve exited %d, want 1; stderr:\n%s", code, stderr)
		}
		for _, want := range []string{"egovpulse serve: ", "another process polls this bot token, or a webhook is set",
			"terminated by other getUpdates request", "Stop the other `egovpulse serve`", "TELEGRAM_MODE=webhook"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("the exit message does not say %q:\n%s", want, stderr)
			}
		}
	})
}

// TestServeRunsThroughRegistrationFailures: setMyCommands answers 400,
// then 429, then 500, getWebhookInfo 500 and getUpdates 409 twice: serve
// starts anyway, answers a resident, sets the menu it could in the
// background, and stops cleanly.
func TestServeRunsThroughRegistrationFailures(t *testing.T) {
	serveBackends(t, func(t *testing.T, emu *botapitest.Server, vars map[string]string, userID int64) {
		emu.Fault("setMyCommands", botapitest.BadRequest("BOT_COMMANDS_TOO_MUCH"))
		emu.Fault("setMyCommands", botapitest.TooManyRequests(1))
		emu.Fault("setMyCommands", botapitest.ServerError())
		emu.Fault("getWebhookInfo", botapitest.ServerError())
		emu.Fault("getUpdates", botapitest.Conflict().Times(2))
		var logs testkit.SyncBuffer
		env := &environment{stdin: strings.NewReader(""), stdout: &logs, stderr: &logs, getenv: func(k string) string { return vars[k] }}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		exit := make(chan int, 1)
		go func() { exit <- run(ctx, []string{"serve"}, env) }()

		u := emu.User(userID)
		u.Send("/start svc_ktp")
		consent := killWait(t, u, "the consent question", botapitest.HasButton("✅ Setuju"))
		if err := u.PressIn(consent.ID, "✅ Setuju"); err != nil {
			t.Fatal(err)
		}
		killWait(t, u, "the first question", killAfter(consent.ID, "Berapa usia Anda?"))
		deadline := time.Now().Add(20 * time.Second)
		for !slices.ContainsFunc(emu.Commands("default", "en"), func(c botapitest.BotCommand) bool { return c.Command == "help" }) {
			if time.Now().After(deadline) {
				t.Fatalf("the English menu was never set after the 429 and the 500; log:\n%s", logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		select {
		case code := <-exit:
			t.Fatalf("serve exited %d while registration failed; log:\n%s", code, logs.String())
		default:
		}
		if got := emu.Commands("default", ""); len(got) != 0 {
			t.Errorf("the menu refused with 400 is set: %v", got)
		}
		if !strings.Contains(logs.String(), `level=WARN msg="command menu not set; the bot works without it"`) {
			t.Errorf("no warning for the refused menu; log:\n%s", logs.String())
		}
		cancel()
		if code := <-exit; code != 0 {
			t.Errorf("serve exited %d after SIGTERM, want 0; log:\n%s", code, logs.String())
		}
	})
}
