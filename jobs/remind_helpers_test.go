package jobs_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/remind"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

// wib is the service's time zone in these tests.
var wib = time.FixedZone("WIB", 7*3600)

// at is a time in WIB, December 2026.
func at(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, wib) }

// member is one official of a test roster: who, and how far they got.
type member struct {
	name, opd, role string
	user            int64  // Telegram user (= private chat) id; 0: never joined
	lang            string // the respondent's language
}

// remindCatalog has two OPDs with names in both languages.
func remindCatalog() *survey.Catalog {
	return &survey.Catalog{OPDs: []survey.OPD{
		{Code: "dukcapil", Name: survey.Text{"id": "Disdukcapil", "en": "Civil Registry"},
			Services: []survey.Service{{Code: "ktp", OPDCode: "dukcapil", Name: survey.Text{"id": "KTP-el", "en": "ID card"}}}},
		{Code: "dpmptsp", Name: survey.Text{"id": "DPMPTSP", "en": "Investment Office"},
			Services: []survey.Service{{Code: "nib", OPDCode: "dpmptsp", Name: survey.Text{"id": "NIB", "en": "Business ID"}}}},
	}}
}

// clockedStore is a fresh migrated store of backend b stamping rows on
// clk (outbox rows are due from their enqueue time on the same clock).
func clockedStore(t *testing.T, b storagetest.Backend, clk *testkit.Clock) *storage.Store {
	t.Helper()
	st := b.Open(t, storage.Options{Now: clk.Now})
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// enrol imports the roster, invites every OPD and lets the members with a
// user id join (in one transaction), as the bot's inv_ link does. It
// returns the roster's entries.
func enrol(tb testing.TB, st *storage.Store, roster []member) []storage.RosterEntry {
	tb.Helper()
	ctx := context.Background()
	entries := make([]storage.RosterEntry, len(roster))
	byName := map[string]member{}
	opds := map[string]bool{}
	for i, m := range roster {
		entries[i] = storage.RosterEntry{NIP: fmt.Sprintf("19800101%010d", i), Name: m.name, OPDCode: m.opd, Level: "pelaksana", Role: m.role}
		byName[m.opd+"/"+m.name] = m
		opds[m.opd] = true
	}
	if _, err := st.ImportRoster(ctx, entries, true); err != nil {
		tb.Fatal(err)
	}
	var invs []storage.IssuedInvitation
	for opd := range opds {
		got, err := st.InviteOPD(ctx, opd, 30*24*time.Hour)
		if err != nil {
			tb.Fatal(err)
		}
		invs = append(invs, got...)
	}
	err := st.Tx(ctx, func(tx *storage.Tx) error {
		for _, inv := range invs {
			m := byName[inv.Official.OPDCode+"/"+inv.Official.Name]
			if m.user == 0 {
				continue
			}
			lang := m.lang
			if lang == "" {
				lang = "id"
			}
			if _, _, err := tx.EnsureRespondent(m.user, m.user, lang, "official"); err != nil {
				return err
			}
			if _, err := tx.RedeemInvitation(inv.Token, m.user); err != nil {
				return fmt.Errorf("join %s: %w", m.name, err)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return entries
}

// answer submits the asn survey of period for the official user, as the
// official conversation does.
func answer(tb testing.TB, st *storage.Store, user int64, opd, period string, when time.Time) {
	tb.Helper()
	ctx := context.Background()
	var key string
	err := st.Tx(ctx, func(tx *storage.Tx) error {
		var err error
		key, _, err = tx.EnsureRespondent(user, user, "id", "official")
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: key, SurveyID: "asn", SurveyVersion: "1",
		ServiceCode: opd, OPDCode: opd, PeriodKey: period, At: when})
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.Submit(ctx, r.ID, when); err != nil {
		tb.Fatal(err)
	}
}

// mustConfig parses a reminders file given inline.
func mustConfig(tb testing.TB, yaml string) *remind.Config {
	tb.Helper()
	c, err := remind.Parse("reminders.yaml", []byte(yaml), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// reminders is a Reminders on st and clk (one replica).
func reminders(st *storage.Store, clk *testkit.Clock, cfg *remind.Config, locker jobs.Locker, admins ...int64) *jobs.Reminders {
	return &jobs.Reminders{
		Runner: &jobs.Runner{Store: st, Locker: locker, Now: clk.Now, LockWait: 50 * time.Millisecond},
		Config: cfg, Catalog: remindCatalog(), Admins: admins, BotUsername: "egovpulse_bot",
		Location: wib, Now: clk.Now,
	}
}

// rowsTo returns the outbox rows of kind by recipient.
func rowsTo(tb testing.TB, st *storage.Store, kind string) map[int64][]storage.OutboxRow {
	tb.Helper()
	rows, err := st.OutboxRows(context.Background(), kind)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[int64][]storage.OutboxRow{}
	for _, r := range rows {
		out[r.Recipient] = append(out[r.Recipient], r)
	}
	return out
}

// emulator is the Bot API emulator on clk enforcing Telegram's limits,
// and the real client over HTTP.
func emulator(tb testing.TB, clk *testkit.Clock) (*botapitest.Server, *tgbotapi.BotAPI) {
	tb.Helper()
	emu := botapitest.New(botapitest.Options{Now: clk.Now,
		FloodControl: botapitest.FloodControl{PerChat: 1, PerGroupPerMinute: 20, Global: 30}})
	if _, err := emu.Listen(""); err != nil {
		tb.Fatalf("emulator: %v", err)
	}
	tb.Cleanup(emu.Close)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatalf("client: %v", err)
	}
	return emu, api
}
