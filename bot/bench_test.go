package bot_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/bot/session"
	"github.com/kotasolok/egovpulse/bot/session/sessiontest"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// benchResidents is how many residents answer at once (EGOVPULSE_BENCH_RESIDENTS,
// default 200): far more than the
// per-chat pacing could ever limit.
func benchResidents() int {
	if n, err := strconv.Atoi(os.Getenv("EGOVPULSE_BENCH_RESIDENTS")); err == nil && n > 0 {
		return n
	}
	return 200
}

// benchAnswers is what each resident types for skm's 16 questions at a
// service without an online channel (profile, date, frequency, the nine
// unsur), then the suggestion typed on the review card.
func benchAnswers() []string {
	date := time.Now().In(jakarta).AddDate(0, 0, -1).Format("2006-01-02")
	return []string{"7", "2", "4", "3", "2", date, "2", "3", "4", "3", "2", "4", "3", "4", "3", "4", "Pelayanan cepat 👍"}
}

// benchRig is the full pipeline: webhook handler (timed) → bot → MySQL and
// Redis, replies through a sender with high limits to the emulator.
type benchRig struct {
	emu    *botapitest.Server
	srv    *httptest.Server
	store  *storage.Store
	back   storagetest.Backend
	nextID atomic.Int64
	mu     sync.Mutex
	lat    []time.Duration
}

func newBenchRig(b *testing.B, back storagetest.Backend, sessions session.Store) *benchRig {
	b.Helper()
	emu := botapitest.New(botapitest.Options{})
	if _, err := emu.Listen("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(emu.Close)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), sender.HTTPClient(30*time.Second))
	if err != nil {
		b.Fatal(err)
	}
	reg, cat := benchDefinitions(b)
	st := back.MustOpen(b)
	// The production cadence of recording delivered replies.
	_, bt := startBot(b, api, sender.Options{PerChatRate: rate.Inf, PerChatBurst: 1000, GlobalRate: rate.Inf},
		bot.Options{Store: st, Sessions: sessions, Registry: reg, Catalog: cat, Location: jakarta, Visit: []string{"skm"},
			OrderSettle: benchSettle(), MarkEvery: 250 * time.Millisecond, RecoverEvery: 5 * time.Second, RecoverAfter: 15 * time.Second})
	r := &benchRig{emu: emu, store: st, back: back}
	h := bt.WebhookHandler(testSecret)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(start)
		r.mu.Lock()
		r.lat = append(r.lat, d)
		r.mu.Unlock()
	}))
	b.Cleanup(r.srv.Close)
	return r
}

// post delivers one update and fails the benchmark unless it is applied.
func (r *benchRig) post(b *testing.B, u tgbotapi.Update) {
	u.UpdateID = int(r.nextID.Add(1))
	if code := postUpdate(b, r.srv.URL, testSecret, u); code != http.StatusOK {
		b.Errorf("update %d: status %d", u.UpdateID, code)
	}
}

func benchUser(id int64) (*tgbotapi.User, *tgbotapi.Chat) {
	return &tgbotapi.User{ID: id, FirstName: "Warga", LanguageCode: "id"}, &tgbotapi.Chat{ID: id, Type: "private"}
}

func benchText(id int64, text string) tgbotapi.Update {
	from, chat := benchUser(id)
	m := &tgbotapi.Message{MessageID: int(time.Now().UnixNano() % 1e9), From: from, Chat: chat, Date: int(time.Now().Unix()), Text: text}
	if text[0] == '/' {
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(text)}}
		for i, c := range text {
			if c == ' ' {
				m.Entities[0].Length = i
				break
			}
		}
	}
	return tgbotapi.Update{Message: m}
}

// benchPress presses the button labelled label in the latest bot message
// that has it, by its callback data (read from the emulator).
func (r *benchRig) benchPress(b *testing.B, id int64, label string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := r.emu.User(id).WaitFor(ctx, botapitest.HasButton(label))
	if err != nil {
		b.Errorf("resident %d: waiting for %q: %v", id, label, err)
		return
	}
	from, chat := benchUser(id)
	for _, row := range m.Buttons {
		for _, btn := range row {
			if btn.Text == label {
				r.post(b, tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
					ID: fmt.Sprintf("q%d-%d", id, m.ID), From: from, Data: btn.Data,
					Message: &tgbotapi.Message{MessageID: m.ID, Chat: chat},
				}})
				return
			}
		}
	}
}

// BenchmarkResidentsSKM: benchResidents() residents answer skm at once through
// the webhook; reported: answers/s, server-side p50/p99 per update, and the
// floor (one autocommit INSERT plus the Redis operations of an answer, at
// the same concurrency).
func BenchmarkResidentsSKM(b *testing.B) {
	back := storagetest.MySQLBackend(b)
	redisURL := sessiontest.RedisURL(b)
	client, err := session.OpenRedis(redisURL)
	if err != nil {
		b.Fatal(err)
	}
	prefix := sessiontest.Prefix(b)
	sessions := session.NewRedis(client, prefix)
	b.Cleanup(func() {
		_ = sessions.Flush(context.Background())
		_ = client.Close()
	})
	r := newBenchRig(b, back, sessions)
	answers := benchAnswers()
	var total, cpu time.Duration
	for i := range b.N {
		base := int64(1_000_000 * (i + 1))
		b.StopTimer()
		r.benchSetup(b, base)
		r.mu.Lock()
		r.lat = r.lat[:0]
		r.mu.Unlock()
		b.StartTimer()
		start, cpu0 := time.Now(), processCPU()
		var wg sync.WaitGroup
		for n := range int64(benchResidents()) {
			wg.Go(func() {
				for _, a := range answers {
					r.post(b, benchText(base+n, a))
				}
				r.benchPress(b, base+n, submitLabel("id"))
			})
		}
		wg.Wait()
		total += time.Since(start)
		cpu += processCPU() - cpu0
	}
	b.StopTimer()
	r.benchVerify(b)
	n := float64(b.N * benchResidents() * len(answers))
	b.ReportMetric(n/total.Seconds(), "answers/s")
	p50, p99 := r.quantiles()
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	// CPU of this process (bot, emulator and load generator; not MySQL or
	// Redis) per answer: steadier than answers/s on a shared machine.
	b.ReportMetric(float64(cpu.Microseconds())/1000/n, "proc-cpu-ms/answer")
	// The floors answer as many times as the residents did in all rounds.
	b.ReportMetric(benchFloor(b, back, sessions, benchResidents(), b.N*len(answers)), "floor-answers/s")
	b.ReportMetric(benchTxFloor(b, back, sessions, benchResidents(), b.N*len(answers)), "txfloor-answers/s")
}

// benchSetup has every resident start the visit and consent (untimed).
func (r *benchRig) benchSetup(b *testing.B, base int64) {
	var wg sync.WaitGroup
	for n := range int64(benchResidents()) {
		r.emu.User(base + n)
		wg.Go(func() {
			r.post(b, benchText(base+n, "/start svc_ktp"))
			r.benchPress(b, base+n, "✅ Setuju")
		})
	}
	wg.Wait()
	// Wait until every resident sees the first question: the consent is applied.
	for n := range int64(benchResidents()) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := r.emu.User(base+n).WaitFor(ctx, botapitest.TextContains("(1/"))
		cancel()
		if err != nil {
			b.Fatalf("resident %d never saw the first question: %v", base+n, err)
		}
	}
}

// benchVerify checks the run did what it claims: every resident submitted
// skm with all its answers.
func (r *benchRig) benchVerify(b *testing.B) {
	var submitted, rows int64
	db := benchOpen(b, r.back.DSN)
	if err := db.QueryRow("SELECT COUNT(*) FROM responses WHERE survey_id = 'skm' AND status = 'submitted'").Scan(&submitted); err != nil {
		b.Fatal(err)
	}
	// The facts the bot gives at the start are stored too, and not typed.
	if err := db.QueryRow("SELECT COUNT(*) FROM answers WHERE question NOT IN ('layanan_online', 'kunjungan_ulang')").Scan(&rows); err != nil {
		b.Fatal(err)
	}
	want := int64(b.N * benchResidents())
	if submitted != want || rows != want*int64(len(benchAnswers())) {
		b.Fatalf("%d submitted responses and %d answers, want %d and %d", submitted, rows, want, want*int64(len(benchAnswers())))
	}
}

func (r *benchRig) quantiles() (p50, p99 time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.lat) == 0 {
		return 0, 0
	}
	s := slices.Clone(r.lat)
	slices.Sort(s)
	return s[len(s)/2], s[len(s)*99/100]
}

// benchFloor runs, at the same concurrency, what one answer minimally costs:
// the session-store operations a webhook answer makes (join the chat's
// waiting room, take the turn with the session, end it saving the session)
// and one autocommit INSERT; it returns answers/s.
func benchFloor(b *testing.B, back storagetest.Backend, sessions session.Store, residents, perResident int) float64 {
	db := benchOpen(b, back.DSN)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE bench_floor (id BIGINT AUTO_INCREMENT PRIMARY KEY, response_id BIGINT NOT NULL, question VARCHAR(64) NOT NULL, value TEXT NOT NULL, answered_at DATETIME(3) NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	return benchTurns(b, sessions, residents, perResident, -1, 0, func(n, q int, _ int64) error {
		_, err := db.ExecContext(ctx, "INSERT INTO bench_floor (response_id, question, value, answered_at) VALUES (?, ?, ?, ?)", n, fmt.Sprint("q", q), "3", time.Now().UTC())
		return err
	})
}

// benchTxFloor is the floor of exactly-once storage, for comparison: the
// same session operations and, instead of one autocommit INSERT, the
// transaction the store runs for an answer (record the update id, check and
// stamp the response, upsert the answer, commit) in plain SQL on the real
// tables; it returns answers/s. What the pipeline costs beyond it is the
// bot's own work and the webhook and Bot API calls.
func benchTxFloor(b *testing.B, back storagetest.Backend, sessions session.Store, residents, perResident int) float64 {
	db := benchOpen(b, back.DSN)
	ctx := context.Background()
	now := time.Now().UTC()
	ids := make([]int64, residents)
	for n := range residents {
		res, err := db.ExecContext(ctx, "INSERT INTO responses (respondent_key, survey_id, survey_version, service_code, period_key, status, started_at, updated_at, open_slot) VALUES (?, 'skm', '1', 'ktp', '2026-Q4', 'in_progress', ?, ?, '2026-Q4')",
			fmt.Sprintf("txfloor%025d", n), now, now)
		if err != nil {
			b.Fatal(err)
		}
		if ids[n], err = res.LastInsertId(); err != nil {
			b.Fatal(err)
		}
	}
	return benchTurns(b, sessions, residents, perResident, -1_000_000, 1<<40, func(n, q int, updateID int64) error {
		return benchTxAnswer(ctx, db, updateID, ids[n], fmt.Sprint("q", q))
	})
}

// benchTurns has residents answer perResident times each at once, each
// answer in a chat turn as a webhook update takes it (join the waiting
// room, take the turn, run work, end the turn saving a session); chats are
// numbered down from chatBase, update ids up from idBase (both apart from
// the pipeline's). It returns answers/s.
func benchTurns(b *testing.B, sessions session.Store, residents, perResident int, chatBase, idBase int64, work func(n, q int, updateID int64) error) float64 {
	ctx := context.Background()
	data := []byte(fmt.Sprintf(`{"stage":"survey","survey":{"answers":{%q:%q}}}`, "usia", "61_plus"))
	var updateID atomic.Int64
	updateID.Store(idBase)
	start := time.Now()
	var wg sync.WaitGroup
	for n := range residents {
		wg.Go(func() {
			chat := chatBase - int64(n)
			for q := range perResident {
				id := updateID.Add(1)
				if err := sessions.Arrive(ctx, chat, id, time.Minute); err != nil {
					b.Error(err)
					return
				}
				t, _, ok, err := sessions.TryTurn(ctx, chat, id, 30*time.Second)
				if err != nil || !ok {
					b.Errorf("floor turn: ok %v, %v", ok, err)
					return
				}
				if err := work(n, q, id); err != nil {
					b.Error(err)
					return
				}
				save := session.Session{ChatID: chat, Version: t.Session.Version, Data: data}
				if _, err := sessions.EndTurn(ctx, t, &save, time.Hour); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(residents*perResident) / time.Since(start).Seconds()
}

// benchTxAnswer is the SQL of one answer's transaction.
func benchTxAnswer(ctx context.Context, db *sql.DB, updateID, responseID int64, question string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	at := time.Now().UTC()
	if _, err := tx.ExecContext(ctx, "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)", updateID, at); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE responses SET updated_at = ? WHERE id = ? AND status = 'in_progress'", at, responseID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO answers (response_id, question, element, value, score, skipped, answered_at, service_code) VALUES (?, ?, 'waktu', '3', 3, 0, ?, '') "+
		"ON DUPLICATE KEY UPDATE element = VALUES(element), value = VALUES(value), score = VALUES(score), skipped = VALUES(skipped), answered_at = VALUES(answered_at)",
		responseID, question, at); err != nil {
		return err
	}
	return tx.Commit()
}

func benchDefinitions(b *testing.B) (*survey.Registry, *survey.Catalog) {
	b.Helper()
	reg, err := survey.LoadRegistry("")
	if err != nil {
		b.Fatal(err)
	}
	return reg, survey.BuiltinCatalog()
}

// benchOpen opens MySQL with the store's pool size (20).
func benchOpen(b *testing.B, dsn string) *sql.DB {
	b.Helper()
	cfg, err := mysqldrv.ParseDSN(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.ParseTime = true
	c, err := mysqldrv.NewConnector(cfg)
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	b.Cleanup(func() { _ = db.Close() })
	return db
}

func benchSettle() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("EGOVPULSE_BENCH_SETTLE"))
	return d
}
