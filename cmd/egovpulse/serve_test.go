package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// killBatch is how many answers the resident types in one go.
const killBatch = 50

// killInputs builds n inputs a resident might type during skm, by
// walking a pure engine: option numbers for choices (some out of range,
// which the bot refuses and asks again), a date, free text, and now and
// then /kembali, which makes the order matter. It returns the inputs and
// the engine's state after each prefix (states[k] is after k inputs).
func killInputs(t *testing.T, def *survey.Survey, st survey.State, n int) ([]string, []survey.State) {
	t.Helper()
	eng := survey.NewEngine()
	states := []survey.State{st}
	var inputs []string
	for i := range n {
		in := killInput(def, st, i)
		res, err := eng.Step(def, st, killEngineInput(in))
		if err != nil {
			t.Fatalf("input %d %q: %v", i, in, err)
		}
		if res.Submitted || res.Stopped || res.Cancelled {
			t.Fatalf("input %d %q ended the survey", i, in)
		}
		st = res.State
		inputs, states = append(inputs, in), append(states, st)
	}
	return inputs, states
}

// ktpStart is the engine state at the start of a first visit to ktp, a
// service without an online channel: the facts the bot gives.
func ktpStart(def *survey.Survey) survey.State {
	return survey.NewEngine().StartWith(def, survey.LangID, survey.StartOptions{
		Facts: map[string]string{"layanan_online": "tidak", "kunjungan_ulang": "tidak"}}).State
}

func killInput(def *survey.Survey, st survey.State, i int) string {
	if st.Phase != survey.PhaseAnswering || i%6 == 5 {
		return "/kembali"
	}
	for _, q := range def.Questions {
		if q.Name != st.Current {
			continue
		}
		switch q.Type {
		case survey.TypeSelectOne, survey.TypeScale:
			if q.ScreenOut != nil {
				return fmt.Sprint(len(q.Choices)) // never the screened-out band
			}
			if i%11 == 3 {
				return "9" // out of range: asked again
			}
			return fmt.Sprint(1 + (i*7)%len(q.Choices))
		case survey.TypeDate:
			return time.Now().AddDate(0, 0, -(i % 5)).Format("2006-01-02")
		}
		return fmt.Sprintf("jawaban %d", i)
	}
	return "/kembali"
}

func killEngineInput(s string) survey.Input {
	if s == "/kembali" {
		return survey.Input{Kind: survey.InputCommand, Command: survey.CmdBack}
	}
	return survey.Input{Kind: survey.InputText, Text: s}
}

// killRig is a bot subprocess against an in-process emulator.
type killRig struct {
	t    *testing.T
	bin  string
	env  []string
	emu  *botapitest.Server
	cmd  *exec.Cmd
	logs *testkit.SyncBuffer
}

func (k *killRig) start() {
	k.t.Helper()
	k.logs = &testkit.SyncBuffer{}
	k.cmd = exec.Command(k.bin, "serve")
	k.cmd.Env = k.env
	k.cmd.Stdout, k.cmd.Stderr = k.logs, k.logs
	if err := k.cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(k.logs.String(), "egovpulse serving") {
		if time.Now().After(deadline) || k.cmd.ProcessState != nil {
			k.t.Fatalf("the bot did not start; its log:\n%s", k.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill sends SIGKILL (kill -9) and reaps the process.
func (k *killRig) kill() {
	k.t.Helper()
	if err := k.cmd.Process.Kill(); err != nil {
		k.t.Fatal(err)
	}
	_ = k.cmd.Wait()
}

func killWait(t *testing.T, u *botapitest.User, what string, match func(botapitest.Message) bool) botapitest.Message {
	t.Helper()
	return killWaitFor(t, u, what, 20*time.Second, match)
}

func killWaitFor(t *testing.T, u *botapitest.User, what string, d time.Duration, match func(botapitest.Message) bool) botapitest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	m, err := u.WaitFor(ctx, match)
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
	return m
}

func killAfter(id int, sub string) func(botapitest.Message) bool {
	return func(m botapitest.Message) bool { return m.ID > id && strings.Contains(m.Text, sub) }
}

// questionOf returns the question a bot message asks, or nil.
// Its question is on the line with the progress count ("(3/16) …").
func questionOf(def *survey.Survey, m botapitest.Message) *survey.Question {
	first := ""
	for _, line := range strings.Split(m.Text, "\n") {
		if strings.HasPrefix(line, "(") && strings.Contains(line, "/") && first == "" {
			first = line
		}
	}
	var best *survey.Question
	for _, q := range def.Questions {
		l := q.Label.In(survey.LangID)
		if q.Type != survey.TypeNote && q.Type != survey.TypeHidden && q.Type != survey.TypeCalculate && l != "" && strings.Contains(first, l) && (best == nil || len(l) > len(best.Label.In(survey.LangID))) {
			best = q
		}
	}
	return best
}

// TestServeKill9MidBatch runs `egovpulse serve` as a subprocess, kills it
// with SIGKILL while it works through 50 typed answers, restarts it, and
// checks that every answer is stored exactly once and the resident goes on
// at the right question.
func TestServeKill9MidBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "egovpulse")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("sqlite+memory", func(t *testing.T) {
		b := storagetest.SQLiteBackend(t)
		killMidBatch(t, bin, b, "sqlite://"+b.DSN, "")
	})
	t.Run("mysql+redis", func(t *testing.T) {
		b := storagetest.MySQLBackend(t)
		b.MustOpen(t) // migrate: serve refuses an unmigrated MySQL schema
		cfg, err := mysql.ParseDSN(b.DSN)
		if err != nil {
			t.Fatal(err)
		}
		cfg.ParseTime = true
		b.DSN = cfg.FormatDSN()
		killMidBatch(t, bin, b, killMySQLURL(t, b.DSN), sessiontest.RedisURL(t))
	})
}

func killMySQLURL(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u := url.URL{Scheme: "mysql", Host: cfg.Addr, Path: "/" + cfg.DBName, User: url.UserPassword(cfg.User, cfg.Passwd)}
	if cfg.Passwd == "" {
		u.User = url.User(cfg.User)
	}
	return u.String()
}

// serveEmulator starts an emulator (update ids from a random start) for a
// serve under test, and picks a random resident id, so that runs on one
// database or Redis never meet.
func serveEmulator(t *testing.T) (*botapitest.Server, int64) {
	t.Helper()
	emu := botapitest.New(botapitest.Options{RandomFirstUpdateID: true})
	if _, err := emu.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	return emu, 100000 + int64(binary.BigEndian.Uint32(rnd[:])%1000000000)
}

// killCleanRedis removes the keys the binary (prefix "egovpulse:") wrote
// for one chat.
func killCleanRedis(t *testing.T, redisURL string, chatID int64) {
	t.Helper()
	client, err := session.OpenRedis(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_ = client.Del(ctx, fmt.Sprintf("egovpulse:session:%d", chatID), fmt.Sprintf("egovpulse:lock:chat:%d", chatID)).Err()
		_ = client.Close()
	})
}

func killMidBatch(t *testing.T, bin string, b storagetest.Backend, databaseURL, redisURL string) {
	emu, userID := serveEmulator(t)
	if redisURL != "" {
		killCleanRedis(t, redisURL, userID)
	}
	k := &killRig{t: t, bin: bin, emu: emu, env: append(os.Environ(),
		"DATABASE_URL="+databaseURL, "REDIS_URL="+redisURL, "TELEGRAM_MODE=polling",
		"TELEGRAM_BOT_TOKEN="+emu.Token(), "TELEGRAM_API_ENDPOINT="+emu.Endpoint(),
		"HTTP_ADDR=127.0.0.1:0", "LOG_LEVEL=info")}
	t.Cleanup(func() {
		if k.cmd != nil && k.cmd.ProcessState == nil {
			k.kill()
		}
	})
	k.start()

	reg, err := survey.LoadRegistry("")
	if err != nil {
		t.Fatal(err)
	}
	def, err := reg.Latest("skm")
	if err != nil {
		t.Fatal(err)
	}
	inputs, states := killInputs(t, def, ktpStart(def), killBatch)

	u := emu.User(userID)
	u.Send("/start svc_ktp")
	consent := killWait(t, u, "the consent question", botapitest.HasButton("✅ Setuju"))
	if err := u.PressIn(consent.ID, "✅ Setuju"); err != nil {
		t.Fatal(err)
	}
	killWait(t, u, "the first question", func(m botapitest.Message) bool { return questionOf(def, m) != nil })
	// The answers arrive a few milliseconds apart (as a fast typist's
	// would), so the kill lands while some are applied and some not.
	var mu sync.Mutex
	var ids []int
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for _, in := range inputs {
			id := u.Send(in)
			mu.Lock()
			ids = append(ids, id)
			mu.Unlock()
			time.Sleep(3 * time.Millisecond)
		}
	}()
	sentSoFar := func() []int {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(ids)
	}
	// Kill -9 once part of the batch is committed.
	db := b.RawDB(t)
	deadline := time.Now().Add(20 * time.Second)
	for killProcessed(t, db, sentSoFar(), time.Now()) < 8 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	k.kill()
	<-sent
	applied := killProcessed(t, db, ids, time.Now())
	t.Logf("killed after %d of %d answers were committed", applied, killBatch)
	if applied == 0 || applied == killBatch {
		t.Logf("the kill did not land mid-batch")
	}
	// Restart: the rest of the batch is delivered again and applied. With
	// Redis the conversation survived; without it (in-process sessions) the
	// bot asks "continue?" and the rest of the batch has no effect.
	k.start()
	killSettle(t, emu)
	if n := killProcessed(t, db, ids, time.Now()); n != killBatch {
		t.Fatalf("%d of %d updates recorded as processed", n, killBatch)
	}
	at, want := killBatch, states[killBatch]
	st := b.Open(t, storage.Options{})
	rebuilt := redisURL == "" || !killMatches(t, st, u.ID(), want)
	if rebuilt {
		if redisURL != "" {
			// The kill fell between a commit and its session save: the
			// session is rebuilt and the rest of the batch refused.
			t.Logf("the session was lost with the process; the rest of the batch was refused")
		}
		at, want = applied, states[applied]
	}
	killCheck(t, st, u.ID(), want)
	if rebuilt {
		// Rebuilt from the database, the conversation stands at the first
		// unanswered question (a /kembali just before the kill is not kept).
		want = survey.NewEngine().Rebuild(def, survey.LangID, want.Answers)
	}

	// The replies are paced (about one a second per chat), so most are
	// still queued: kill that process too (its queue is lost) and start
	// again. The resident does nothing: the recovery pass finds the reply
	// that never went out and shows the current question by itself.
	k.kill()
	last := u.LastMessage().ID
	k.start()
	defer k.kill()
	restarted := time.Now()
	if want.Phase == survey.PhaseReview {
		// The batch reached the end of the survey: the review card.
		killWaitFor(t, u, "the review card after the restart", 40*time.Second, func(m botapitest.Message) bool {
			return m.ID > last && strings.Contains(m.Text, "Ringkasan jawaban Anda:")
		})
		return
	}
	next := killWaitFor(t, u, "the current question after the restart", 40*time.Second, func(m botapitest.Message) bool {
		return m.ID > last && m.HasButtons() && (questionOf(def, m) != nil || rebuilt && botapitest.HasButton("▶️ Lanjutkan")(m))
	})
	t.Logf("the current question came %s after the restart", time.Since(restarted).Round(100*time.Millisecond))
	if questionOf(def, next) == nil {
		// With Redis the conversation kept asking whether to continue (the
		// refused rest of the batch), and so does the recovery pass.
		before := u.LastMessage().ID
		if err := u.PressIn(next.ID, "▶️ Lanjutkan"); err != nil {
			t.Fatal(err)
		}
		next = killWait(t, u, "the question after continuing", func(m botapitest.Message) bool {
			return m.ID > before && questionOf(def, m) != nil && m.HasButtons()
		})
	}
	if q := questionOf(def, next); q.Name != want.Current {
		t.Fatalf("after the restart the bot asks %s, want %s (after %d of %d answers)", q.Name, want.Current, at, killBatch)
	}
	if at < killBatch {
		// The resident answers the rest of the batch again from there.
		rest, after := killInputs(t, def, want, killBatch-at)
		for _, in := range rest {
			u.Send(in)
		}
		killSettle(t, emu)
		killCheck(t, st, u.ID(), after[len(rest)])
	}
}

// killSettle waits until every update is confirmed. A process killed in
// the middle of a turn leaves its chat lock behind until the turn's lease
// (2 s) ends.
func killSettle(t *testing.T, emu *botapitest.Server) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for emu.PendingUpdates() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d updates never confirmed", emu.PendingUpdates())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killMatches reports whether the stored answers are want's.
func killMatches(t *testing.T, st *storage.Store, userID int64, want survey.State) bool {
	t.Helper()
	got := killStored(t, st, userID)
	if len(got) != len(want.Answers) {
		return false
	}
	for q, a := range want.Answers {
		if got[q].Value != a.Value || got[q].Skipped != a.Skipped {
			return false
		}
	}
	return true
}

// killStored returns the answers of the user's one in-progress response.
func killStored(t *testing.T, st *storage.Store, userID int64) map[string]survey.Answer {
	t.Helper()
	ctx := context.Background()
	key, err := st.RespondentKey(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	open, err := st.InProgress(ctx, key)
	if err != nil || len(open) != 1 {
		t.Fatalf("in-progress responses %v, %v; want one", open, err)
	}
	got, err := st.Answers(ctx, open[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// killCheck asserts the stored answers are exactly the sequential run's.
func killCheck(t *testing.T, st *storage.Store, userID int64, want survey.State) {
	t.Helper()
	got := killStored(t, st, userID)
	if len(got) != len(want.Answers) {
		t.Errorf("%d answers stored, want %d\nstored %v\nwant   %v", len(got), len(want.Answers), got, want.Answers)
	}
	for q, a := range want.Answers {
		if got[q].Value != a.Value || got[q].Skipped != a.Skipped {
			t.Errorf("%s stored %+v, want %+v", q, got[q], a)
		}
	}
}

// killProcessed counts the updates among ids committed before t, checking
// that they are a prefix of ids (one chat's updates apply in order).
func killProcessed(t *testing.T, db *gorm.DB, ids []int, before time.Time) int {
	t.Helper()
	var rows []struct {
		UpdateID    int64
		ProcessedAt time.Time
	}
	if err := db.Raw("SELECT update_id, processed_at FROM processed_updates WHERE update_id IN ?", ids).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	done := map[int64]bool{}
	for _, r := range rows {
		if !r.ProcessedAt.After(before) {
			done[r.UpdateID] = true
		}
	}
	n := 0
	for n < len(ids) && done[int64(ids[n])] {
		n++
	}
	if n != len(done) {
		t.Fatalf("processed updates are not a prefix of the batch: %d in order, %d in all", n, len(done))
	}
	return n
}
