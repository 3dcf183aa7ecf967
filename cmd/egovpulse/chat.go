package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/config"
)

// chatUserID is the Telegram user id of the person at the terminal.
const chatUserID = 700001

func runChat(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	as := fs.String("as", "resident", "who you are: resident, official or admin")
	service := fs.String("service", "", "start as if from the QR code of this service (e.g. ktp)")
	opd := fs.String("opd", "", "with --as official: your OPD code (default: the first in the catalog)")
	lang := fs.String("lang", "id", "your Telegram language: id or en")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if *as != "resident" && *as != "official" && *as != "admin" {
		return usageError(fmt.Sprintf("--as %q: want resident, official or admin", *as))
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	emu := botapitest.New(botapitest.Options{})
	if _, err := emu.Listen("127.0.0.1:0"); err != nil {
		return fmt.Errorf("start the Bot API emulator: %w", err)
	}
	defer emu.Close()
	// The terminal user talks to the emulator, never to Telegram.
	cfg.TelegramToken, cfg.TelegramAPIEndpoint = emu.Token(), emu.Endpoint()
	cfg.TelegramMode, cfg.RedisURL = config.ModePolling, ""
	if *as == "admin" {
		cfg.AdminTelegramIDs = append(cfg.AdminTelegramIDs, chatUserID)
	}
	start, err := chatStart(*as, *service, *opd, env, cfg)
	if err != nil {
		return err
	}
	logFile := newLogger(cfg, io.Discard)
	svc, err := newService(ctx, cfg, logFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		svc.close()
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.run(ctx, ln) }()
	defer func() { cancel(); <-done }()

	fmt.Fprintf(env.stdout, "egovpulse chat — you are a %s talking to the bot (database: %s).\n", *as, cfg.Database)
	fmt.Fprintln(env.stdout, "Type a number to press a button, or any text or /command. /quit or Ctrl-D ends.")
	u := emu.User(chatUserID, botapitest.WithFirstName("Warga"), botapitest.WithLanguage(*lang))
	t := &terminal{emu: emu, user: u, out: env.stdout, seen: map[int]int{}}
	fmt.Fprintf(env.stdout, "\n> %s\n", start)
	u.Send(start)
	return t.loop(ctx, env.stdin)
}

// chatStart is the first message the terminal user sends.
func chatStart(as, service, opd string, env *environment, cfg *config.Config) (string, error) {
	_, cat, err := loadDefinitions(cfg)
	if err != nil {
		return "", err
	}
	switch {
	case as == "official":
		if opd == "" && len(cat.OPDs) > 0 {
			opd = cat.OPDs[0].Code
		}
		if _, ok := cat.OPD(opd); !ok {
			return "", usageError(fmt.Sprintf("--opd %q: no such OPD in the catalog", opd))
		}
		return "/start asn_" + opd, nil
	case service != "":
		if _, ok := cat.Service(service); !ok {
			return "", usageError(fmt.Sprintf("--service %q: no such service in the catalog", service))
		}
		return "/start svc_" + service, nil
	}
	return "/start", nil
}

// terminal prints the bot's messages and turns typed lines into messages
// or button presses.
type terminal struct {
	emu  *botapitest.Server
	user *botapitest.User
	out  io.Writer
	seen map[int]int // message id → edits printed
	keys []botapitest.Button
	kbID int
}

// quietAfterInput is how long the bot must stay silent after an input
// before the next typed line is taken, so that lines piped in at once
// (a scripted demo) each meet the keyboard they were meant for; maxReplyWait
// bounds that wait.
const (
	quietAfterInput = 400 * time.Millisecond
	maxReplyWait    = 5 * time.Second
)

func (t *terminal) loop(ctx context.Context, in io.Reader) error {
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// The first message is already sent: wait for its reply too.
	var next <-chan string // lines, or nil while waiting for the bot's reply
	quiet := time.NewTimer(quietAfterInput)
	defer quiet.Stop()
	deadline := time.Now().Add(maxReplyWait)
	eof := false
	for {
		t.print()
		select {
		case <-ctx.Done():
			return nil
		case <-t.emu.Changed():
			time.Sleep(30 * time.Millisecond) // let a burst of messages arrive together
			if next == nil && time.Now().Before(deadline) {
				quiet.Reset(quietAfterInput)
			}
		case <-quiet.C:
			if eof {
				t.print()
				return nil
			}
			next = lines
		case line, ok := <-next:
			if !ok || strings.TrimSpace(line) == "/quit" {
				if !ok {
					// Input ended (Ctrl-D or the end of a pipe): show the
					// replies still coming, then stop.
					eof, next, deadline = true, nil, time.Now().Add(maxReplyWait)
					quiet.Reset(quietAfterInput)
					continue
				}
				return nil
			}
			t.input(strings.TrimSpace(line))
			next, deadline = nil, time.Now().Add(maxReplyWait)
			quiet.Reset(quietAfterInput)
		}
	}
}

func (t *terminal) input(line string) {
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(t.keys) {
		if err := t.user.PressIn(t.kbID, t.keys[n-1].Text); err != nil {
			fmt.Fprintf(t.out, "(could not press %d: %v)\n", n, err)
		}
		return
	}
	if line != "" {
		t.user.Send(line)
	}
}

// print shows new messages and edits, numbering the latest keyboard.
func (t *terminal) print() {
	for _, m := range t.user.Messages() {
		edits, ok := t.seen[m.ID]
		if ok && edits == m.Edits {
			continue
		}
		t.seen[m.ID] = m.Edits
		prefix := "bot"
		if ok {
			prefix = "bot (edited)"
		}
		fmt.Fprintf(t.out, "\n%s: %s\n", prefix, m.Text)
		if m.Document != nil {
			fmt.Fprintf(t.out, "  [document %s, %d bytes]\n", m.Document.Name, m.Document.Size)
		}
		if m.HasButtons() {
			t.keys, t.kbID = nil, m.ID
			for _, row := range m.Buttons {
				for _, b := range row {
					t.keys = append(t.keys, b)
					fmt.Fprintf(t.out, "  [%d] %s\n", len(t.keys), b.Text)
				}
			}
		}
	}
}
