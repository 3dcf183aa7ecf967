package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/kotasolok/egovpulse/storage"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/config"
)

// chatUserID is the Telegram user id of the person at the terminal;
// chatOfficialID theirs with --as official, the roster's chatOfficialName
// (operator of the OPD), so that being an official leaves the resident's
// chat as it was.
const (
	chatUserID       = 700001
	chatOfficialID   = 700002
	chatOfficialName = "Petugas Uji Coba"
)

// chatFlags are the arguments of `egovpulse chat`.
type chatFlags struct {
	as, service, opd, lang, logFile string
}

func parseChatFlags(args []string, stderr io.Writer) (chatFlags, error) {
	var f chatFlags
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.as, "as", "resident", "who you are: resident, official or admin")
	fs.StringVar(&f.service, "service", "", "start as if from the QR code of this service (e.g. ktp)")
	fs.StringVar(&f.opd, "opd", "", "with --as official: your OPD code (default: the first in the catalog)")
	fs.StringVar(&f.lang, "lang", "id", "your Telegram language: id or en")
	fs.StringVar(&f.logFile, "log", "", "append the bot's full log (LOG_LEVEL) to this file; warnings and errors still show on stderr")
	if err := fs.Parse(args); err != nil {
		return f, usageError(err.Error())
	}
	if f.as != "resident" && f.as != "official" && f.as != "admin" {
		return f, usageError(fmt.Sprintf("--as %q: want resident, official or admin", f.as))
	}
	return f, nil
}

func runChat(ctx context.Context, env *environment, args []string) error {
	return chat(ctx, env, args, botapitest.New(botapitest.Options{}))
}

// chat runs the try-it mode against the emulator emu (tests script its
// faults).
func chat(ctx context.Context, env *environment, args []string, emu *botapitest.Server) error {
	f, err := parseChatFlags(args, env.stderr)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	if _, err := emu.Listen("127.0.0.1:0"); err != nil {
		return fmt.Errorf("start the Bot API emulator: %w", err)
	}
	defer emu.Close()
	// The terminal user talks to the emulator, never to Telegram.
	cfg.TelegramToken, cfg.TelegramAPIEndpoint = emu.Token(), emu.Endpoint()
	cfg.TelegramMode, cfg.RedisURL = config.ModePolling, ""
	if f.as == "admin" {
		cfg.AdminTelegramIDs = append(cfg.AdminTelegramIDs, chatUserID)
	}
	start, err := chatStart(f.as, f.service, f.opd, env, cfg)
	if err != nil {
		return err
	}
	log, closeLog, err := chatLogger(cfg, env, f.logFile)
	if err != nil {
		return err
	}
	defer closeLog()
	// Nothing reaches Telegram: replies are not paced, so each typed line
	// is answered at once.
	svc, err := newServiceWith(ctx, cfg, log, serviceOptions{pace: sender.Options{PerChatRate: rate.Inf, GlobalRate: rate.Inf}})
	if err != nil {
		return err
	}
	if err := continueUpdateIDs(ctx, svc, emu); err != nil {
		svc.close()
		return err
	}
	userID := int64(chatUserID)
	if opd, ok := strings.CutPrefix(start, "asn_"); ok {
		userID = chatOfficialID
		if start, err = enrolChatOfficial(ctx, svc.store, opd); err != nil {
			svc.close()
			return err
		}
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

	printBanner(env.stdout, f, cfg)
	name := "Warga"
	if userID == chatOfficialID {
		name = "Petugas"
	}
	u := emu.User(userID, botapitest.WithFirstName(name), botapitest.WithLanguage(f.lang))
	t := &terminal{emu: emu, user: u, out: env.stdout, seen: map[int]int{}, echo: !interactive(env.stdin)}
	fmt.Fprintf(env.stdout, "\n> %s\n", start)
	u.Send(start)
	return t.loop(ctx, env.stdin)
}

// enrolChatOfficial puts the terminal user on the roster as the OPD's
// operator and returns what they send first: their invitation link, or
// /status when they joined in an earlier run.
func enrolChatOfficial(ctx context.Context, st *storage.Store, opd string) (string, error) {
	entry := storage.RosterEntry{Name: chatOfficialName, OPDCode: opd, Level: "pelaksana", Role: "operator"}
	if _, err := st.ImportRoster(ctx, []storage.RosterEntry{entry}, false); err != nil {
		return "", err
	}
	inv, err := st.InviteNamed(ctx, opd, chatOfficialName, 24*time.Hour)
	if errors.Is(err, storage.ErrNotFound) {
		return "/status", nil
	}
	if err != nil {
		return "", err
	}
	return "/start inv_" + inv.Token, nil
}

// printBanner says who the user is, where the data and the log go, and how
// to type.
func printBanner(w io.Writer, f chatFlags, cfg *config.Config) {
	logNote := ""
	if f.logFile != "" {
		logNote = "; log: " + f.logFile
	}
	who := map[string]string{"resident": "a resident", "official": "an official", "admin": "Diskominfo's admin"}[f.as]
	fmt.Fprintf(w, "egovpulse chat — you are %s talking to the bot (database: %s%s).\n", who, cfg.Database, logNote)
	fmt.Fprintln(w, "Type a number to press a button (when the question has answer buttons), or any text or /command. /quit or Ctrl-D ends.")
}

// continueUpdateIDs makes the emulator number its updates after the
// highest update id the database has already applied: a new emulator
// starts from 1 again, and the bot would drop every update of a second
// run on the same database as already applied.
func continueUpdateIDs(ctx context.Context, svc *service, emu *botapitest.Server) error {
	last, err := svc.store.LastProcessedUpdateID(ctx)
	if err != nil {
		return err
	}
	emu.SetNextUpdateID(int(last) + 1)
	return nil
}

// chatLogger is the log of the try-it mode. The transcript owns stdout, so
// the bot's warnings and errors (a send that failed, an update not
// applied) go to stderr: at LOG_LEVEL when it is set, else from WARN.
// With a log file, the file gets everything from LOG_LEVEL and stderr
// still the warnings and errors.
func chatLogger(cfg *config.Config, env *environment, file string) (*slog.Logger, func(), error) {
	screen := slog.LevelWarn
	if env.getenv("LOG_LEVEL") != "" && (file == "" || cfg.LogLevel > screen) {
		screen = cfg.LogLevel
	}
	// No timestamps on the screen: the line shows up as it happens.
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	h := logHandler(cfg, env.stderr, &slog.HandlerOptions{Level: screen, ReplaceAttr: noTime})
	if file == "" {
		return slog.New(h), func() {}, nil
	}
	w, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("--log: %w", err)
	}
	fh := logHandler(cfg, w, &slog.HandlerOptions{Level: cfg.LogLevel})
	return slog.New(slog.NewMultiHandler(h, fh)), func() { _ = w.Close() }, nil
}

// logHandler is a text or JSON handler per LOG_FORMAT.
func logHandler(cfg *config.Config, w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	if cfg.LogFormat == "json" {
		return slog.NewJSONHandler(w, opts)
	}
	return slog.NewTextHandler(w, opts)
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
		return "asn_" + opd, nil // the roster entry is made once the store is open
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
	// answers: the keyboard has a button that answers the question, not
	// only navigation (Skip, « Back); only then does a number press one.
	answers bool
	// echo shows each input line in the transcript (piped input, which
	// the terminal does not show by itself).
	echo bool
}

// interactive reports whether r is a terminal the user types into.
func interactive(r io.Reader) bool { return isTerminal(r) }

// isTerminal reports whether a stream (stdin, stderr) is a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
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

// input presses the numbered button, or sends the line as a message: on
// a question that wants a number (only Skip and « Back under it), a typed
// number is the answer.
func (t *terminal) input(line string) {
	if t.echo && line != "" {
		fmt.Fprintf(t.out, "\n> %s\n", line)
	}
	if n, err := strconv.Atoi(line); err == nil && t.answers && n >= 1 && n <= len(t.keys) {
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
		if m.Photo != nil {
			fmt.Fprintf(t.out, "  [photo %s, %d bytes]\n", m.Photo.Name, m.Photo.Size)
		}
		if m.HasButtons() {
			t.keys, t.kbID, t.answers = nil, m.ID, false
			for _, row := range m.Buttons {
				for _, b := range row {
					t.keys = append(t.keys, b)
					t.answers = t.answers || !bot.IsNavigationButton(b.Data)
					fmt.Fprintf(t.out, "  [%d] %s\n", len(t.keys), b.Text)
				}
			}
		} else if m.ID == t.kbID {
			t.keys, t.answers = nil, false // its buttons were taken away
		}
	}
}
