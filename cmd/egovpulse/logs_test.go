package main

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/internal/testkit"
)

// TestDriverLinesAreSlogRecords: the MySQL driver's own log line (here a
// server that hangs up during the handshake: "unexpected EOF") comes out
// as a slog record, never as a bare "[mysql] packets.go:…" line.
func TestDriverLinesAreSlogRecords(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	vars := map[string]string{"DATABASE_URL": "mysql://app@" + ln.Addr().String() + "/egov", "LOG_FORMAT": "json"}
	code, _, errOut := runCmd(t, vars, nil, "migrate")
	if code != 1 {
		t.Fatalf("migrate against a server that hangs up: exit %d, want 1; stderr:\n%s", code, errOut)
	}
	logs, _, _ := strings.Cut(errOut, "egovpulse migrate:") // the command's own error line follows the log
	found := false
	for _, r := range jsonRecords(t, logs) {
		if r["component"] == "mysql" && r["level"] == "WARN" && strings.Contains(r["msg"].(string), "EOF") {
			found = true
		}
	}
	if !found {
		t.Errorf("no slog record of the driver's line; stderr:\n%s", errOut)
	}
}

// TestTelegramClientLinesAreSlogRecords: the Telegram client's own lines
// (its debug output, here of a real getMe against the emulator) go to slog
// at debug, and lose the token and anything shaped like one.
func TestTelegramClientLinesAreSlogRecords(t *testing.T) {
	emu := botapitest.New(botapitest.Options{})
	if _, err := emu.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	cfg, err := loadConfig(&environment{getenv: vars{"DATABASE_URL": "sqlite://" + t.TempDir() + "/e.db",
		"TELEGRAM_BOT_TOKEN": emu.Token(), "LOG_FORMAT": "json", "LOG_LEVEL": "debug"}.get})
	if err != nil {
		t.Fatal(err)
	}
	var buf testkit.SyncBuffer
	log := newLogger(cfg, &buf)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	api.Debug = true
	if _, err := api.GetMe(); err != nil {
		t.Fatal(err)
	}
	rs := jsonRecords(t, buf.String())
	if len(rs) == 0 {
		t.Fatal("the client's debug lines did not reach slog")
	}
	for _, r := range rs {
		if r["component"] != "tgbotapi" || r["level"] != "DEBUG" {
			t.Errorf("record %v: want a debug record of component tgbotapi", r)
		}
	}
	var buf2 testkit.SyncBuffer
	log = slog.New(slog.NewJSONHandler(&buf2, &slog.HandlerOptions{Level: slog.LevelDebug}))
	other := "987654:zyxwvutsrqponmlkjihgfedcbaZYXWVU"
	telegramLogger(log, cfg.Redact).Printf("Post %s: EOF; %s", strings.Replace(emu.Endpoint(), "%s", emu.Token(), 1), other)
	rs = jsonRecords(t, buf2.String())
	if len(rs) != 1 {
		t.Fatalf("records %v, want one", rs)
	}
	if msg := rs[0]["msg"].(string); strings.Contains(msg, emu.Token()) || strings.Contains(msg, other) || !strings.Contains(msg, "EOF") {
		t.Errorf("record %q: want the line without any token", msg)
	}
}

// vars are environment variables for loadConfig.
type vars map[string]string

func (v vars) get(k string) string { return v[k] }
