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
	kb     keyboards
	nextID atomic.Int64
	mu     sync.Mutex
	lat    []time.Duration
}

func newBenchRig(b *testing.B, back storagetest.Backend, sessions session.Store) *benchRig {
	b.Helper()
	emu := botapitest.New(botapitest.Options{})
	r := &benchRig{emu: emu, back: back}
	endpoint := startEmulator(b, emu, &r.kb)
	b.Cleanup(emu.Close)
	reg, cat := benchDefinitions(b)
	// The bot's goroutines (and all they start) carry part=bot (bench_botcpu_test.go).
	asBot(func() { r.store, r.srv = startBenchBot(b, endpoint, back, sessions, reg, cat, r.timed) })
	b.Cleanup(r.srv.Close)
	return r
}

// startBenchBot starts the bot and its webhook server, whose handler h wraps.
func startBenchBot(b *testing.B, endpoint string, back storagetest.Backend, sessions session.Store, reg *survey.Registry, cat *survey.Catalog,
	wrap func(http.Handler) http.Handler) (*storage.Store, *httptest.Server) {
	api := sender.NewClient(botapitest.DefaultToken, endpoint, sender.HTTPClient(30*time.Second))
	st := back.MustOpen(b)
	// The production cadence of recording delivered replies.
	_, bt := startBot(b, api, sender.Options{PerChatRate: rate.Inf, PerChatBurst: 1000, GlobalRate: rate.Inf},
		bot.Options{Store: st, Sessions: sessions, Registry: reg, Catalog: cat, Location: jakarta, Visit: []string{"skm"},
			OrderSettle: benchSettle(), MarkEvery: 250 * time.Millisecond, RecoverEvery: 5 * time.Second, RecoverAfter: 15 * time.Second})
	return st, httptest.NewServer(wrap(bt.WebhookHandler(testSecret)))
}

// timed records the server-side latency of every update.
func (r *benchRig) timed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(start)
		r.mu.Lock()
		r.lat = append(r.lat, d)
		r.mu.Unlock()
	})
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
	b.Logf("mode %s, %d residents", benchMode(), benchResidents())
	var total, cpu time.Duration
	parts := map[string]time.Duration{}
	for i := range b.N {
		base := int64(1_000_000 * (i + 1))
		b.StopTimer()
		r.benchSetup(b, base)
		r.mu.Lock()
		r.lat = r.lat[:0]
		r.mu.Unlock()
		b.StartTimer()
		prof := startCPUByPart()
		start, cpu0 := time.Now(), processCPU()
		var wg sync.WaitGroup
		for n := range int64(benchResidents()) {
			wg.Go(func() {
				if benchPressMode() {
					r.benchAnswerButtons(b, base+n, answers)
					return
				}
				for _, a := range answers {
					r.post(b, benchText(base+n, a))
				}
				r.benchPress(b, base+n, submitLabel("id"))
			})
		}
		wg.Wait()
		total += time.Since(start)
		cpu += processCPU() - cpu0
		for part, d := range prof.stop() {
			parts[part] += d
		}
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
	if len(parts) > 0 {
		// The bot's share of it, sampled (see bench_botcpu_test.go).
		b.ReportMetric(float64(parts["bot"].Microseconds())/1000/n, "bot-cpu-ms/answer")
	}
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
