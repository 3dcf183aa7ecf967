package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// officialsDay is the bot's clock in the officials' tests: 10 December
// 2026 in Jakarta (asn period 2026-12, counts due for 2026-11), running on.
func officialsDay() func() time.Time {
	base, start := time.Date(2026, 12, 10, 10, 0, 0, 0, jakarta), time.Now()
	return func() time.Time { return base.Add(time.Since(start)) }
}

// officialRig runs a bot that knows officials by the roster, sets their
// chat menus, and lives on officialsDay; the roster of inviteRoster is
// loaded and its invitations returned.
func officialRig(t *testing.T, e *env) (*rig, map[string]storage.IssuedInvitation) {
	t.Helper()
	invs := inviteRoster(t, e.store)
	emu := botapitest.New(botapitest.Options{WebhookTimeout: 5 * time.Second, WebhookBackoff: 50 * time.Millisecond})
	if _, err := emu.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), emu.Endpoint(), sender.HTTPClient(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	r := newRigWith(t, e, emu, func(o *bot.Options) {
		o.Roles = bot.AnyRoles{bot.StaticRoles{}, bot.RosterRoles{Roster: e.store}}
		o.MenuAPI = api
		o.Now = officialsDay()
	})
	r.poll()
	return r, invs
}

// chat sends text and waits for a bot message after it containing want.
func chat(t *testing.T, u *botapitest.User, text, want string) botapitest.Message {
	t.Helper()
	last := u.LastMessage().ID
	u.Send(text)
	return wait(t, u, want, after(last, want))
}

// press presses label in m and waits for a later message containing want.
func press(t *testing.T, u *botapitest.User, m botapitest.Message, label, want string) botapitest.Message {
	t.Helper()
	last := u.LastMessage().ID
	if err := u.PressIn(m.ID, label); err != nil {
		t.Fatalf("press %q: %v", label, err)
	}
	return wait(t, u, want, after(last, want))
}

// join redeems the official's invitation from u.
func join(t *testing.T, u *botapitest.User, inv storage.IssuedInvitation) {
	t.Helper()
	chat(t, u, "/start inv_"+inv.Token, " /status ")
}

func TestOfficialJoinsSeesDuesAndAnswersASNOnce(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r, invs := officialRig(t, e)
		budi := r.emu.User(401)
		join(t, budi, invs["Budi"])
		waitMenu(t, r.emu, "chat:401", "", "status", "lapor")
		waitMenu(t, r.emu, "chat:401", "en", "status", "report")
		// Joining remembers the chat, so that reminders reach it; no consent
		// is recorded, and /datasaya shows what is kept.
		dues, err := e.store.Dues(context.Background(), storage.DuesQuery{OPD: "disdukcapil", Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dues {
			if want := map[string]int64{"Budi": 401}[d.Name]; d.ChatID != want || d.Answered {
				t.Errorf("%s: chat %d, answered %v; want chat %d, not answered", d.Name, d.ChatID, d.Answered, want)
			}
		}
		chat(t, budi, "/datasaya", "• Persetujuan: -\n• Respons: 0")

		card := chat(t, budi, "/status", "📋 Status Budi — Desember 2026")
		for _, want := range []string{
			"Dinas Kependudukan dan Pencatatan Sipil",
			"Survei ASN Desember 2026: ⏳ belum diisi.",
			"Jumlah layanan November 2026: ⏳ belum dilaporkan 6 dari 6 layanan (Perekaman dan pencetakan KTP-el, Kartu Keluarga,",
			"OPD Anda: 0 dari 2 ASN sudah mengisi survei Desember 2026.",
		} {
			if !strings.Contains(card.Text, want) {
				t.Errorf("status card lacks %q:\n%s", want, card.Text)
			}
		}
		if !slices.Equal(card.Labels(), []string{"📝 Isi survei ASN", "📊 Laporkan jumlah layanan", "🏛 Nilai layanan publik"}) {
			t.Errorf("status buttons %q", card.Labels())
		}

		// The survey from the card: consent first (an invitation stores no
		// respondent), then asn for the roster's OPD.
		consent := press(t, budi, card, "📝 Isi survei ASN", "Apakah Anda setuju")
		def, err := e.reg.Latest("asn")
		if err != nil {
			t.Fatal(err)
		}
		w := newWalker(t, budi, def, survey.LangID, budi.LastMessage().ID)
		if err := budi.PressIn(consent.ID, "✅ Setuju"); err != nil {
			t.Fatal(err)
		}
		w.walk(typical)
		wait(t, budi, "the officials' thanks", after(w.last, "Terima kasih telah mengisi survei internal ASN"))
		assertASNResponses(t, e, "disdukcapil")

		// Again, even through another OPD's link: done until January.
		chat(t, budi, "/start asn_dpmptsp", "Anda sudah mengisi survei untuk Dinas Kependudukan dan Pencatatan Sipil pada Desember 2026. Anda dapat mengisi lagi mulai 01-01-2027.")
		card = chat(t, budi, "/status", "📋 Status Budi")
		for _, want := range []string{"Survei ASN Desember 2026: ✅ sudah diisi. Survei berikutnya mulai 01-01-2027.", "OPD Anda: 1 dari 2 ASN"} {
			if !strings.Contains(card.Text, want) {
				t.Errorf("status card after answering lacks %q:\n%s", want, card.Text)
			}
		}
		if slices.Contains(card.Labels(), "📝 Isi survei ASN") {
			t.Errorf("the card still offers the answered survey: %q", card.Labels())
		}
		assertASNResponses(t, e, "disdukcapil")

		// A plain /start of an official shows the card.
		chat(t, budi, "/start", "📋 Status Budi")
	})
}

// assertASNResponses checks that exactly one asn response exists, submitted
// for 2026-12 under the official audience and opd.
func assertASNResponses(t *testing.T, e *env, opd string) {
	t.Helper()
	var rows []struct{ Audience, OPDCode, PeriodKey, Status string }
	err := e.backend.RawDB(t).Raw("SELECT audience, opd_code, period_key, status FROM responses WHERE survey_id = 'asn'").Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Audience != "official" || rows[0].OPDCode != opd || rows[0].PeriodKey != "2026-12" || rows[0].Status != "submitted" {
		t.Errorf("asn responses %+v, want one submitted for 2026-12 of %s, audience official", rows, opd)
	}
}

// waitMenu waits until the emulator holds a menu for scope and language
// with every one of the commands.
func waitMenu(t *testing.T, emu *botapitest.Server, scope, lang string, commands ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		var names []string
		for _, c := range emu.Commands(scope, lang) {
			names = append(names, c.Command)
		}
		if !slices.ContainsFunc(commands, func(c string) bool { return !slices.Contains(names, c) }) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("menu %s/%s is %v, want %v in it", scope, lang, names, commands)
		case <-emu.Changed():
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestStatusAndLaporRefusals(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		r, invs := officialRig(t, e)
		siti := r.emu.User(402, botapitest.WithLanguage("en"))
		join(t, siti, invs["Siti"])
		chat(t, siti, "/report", "Sorry, /report is only for the office's operator. Your role on the roster: head.")
		chat(t, siti, "/lapor", "Sorry, /report is only for the office's operator.")
		card := chat(t, siti, "/status", "📋 Status of Siti — December 2026")
		if strings.Contains(card.Text, "Service counts") || slices.Contains(card.Labels(), "📊 Report service counts") {
			t.Errorf("a head's card speaks of counts:\n%s\n%q", card.Text, card.Labels())
		}
		// What her invitation stored can be deleted before any consent.
		ask := chat(t, siti, "/deletemydata", "Delete all your data")
		press(t, siti, ask, "🗑 Yes, delete", "Your data has been deleted.")
		if _, err := e.store.RespondentKey(context.Background(), 402); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Siti's identity after /deletemydata: %v, want none", err)
		}
		// A resident is refused both, like any staff command.
		warga := r.emu.User(403)
		chat(t, warga, "/status", "Maaf, perintah ini hanya untuk petugas yang berwenang.")
		chat(t, warga, "/lapor", "Maaf, perintah ini hanya untuk petugas yang berwenang.")
		if got := r.emu.Commands("chat:403", ""); len(got) != 0 {
			t.Errorf("a resident got a chat menu %v", got)
		}
		counts, err := e.store.ServiceCounts(context.Background())
		if err != nil || len(counts) != 0 {
			t.Errorf("counts %v, %v; want none", counts, err)
		}
	})
}

func TestLaporRefusesBadNumbersAndStoresGoodOnes(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		r, invs := officialRig(t, e)
		// October's counts: the ten-times check compares November with them.
		err := e.store.SaveServiceCounts(ctx, []storage.ServiceCount{
			{ServiceCode: "ktp", PeriodKey: "2026-10", Total: 100, Online: 0},
			{ServiceCode: "kk", PeriodKey: "2026-10", Total: 50, Online: 10},
			{ServiceCode: "akta_lahir", PeriodKey: "2026-10", Total: 10, Online: 5},
		})
		if err != nil {
			t.Fatal(err)
		}
		budi := r.emu.User(401)
		join(t, budi, invs["Budi"])
		periods := chat(t, budi, "/lapor", "📊 Jumlah layanan Dinas Kependudukan dan Pencatatan Sipil. Untuk periode apa?")
		if want := []string{"November 2026 (bulan lalu)", "Desember 2026 (bulan berjalan)", "Triwulan IV 2026 (triwulan berjalan)"}; !slices.Equal(periods.Labels(), want) {
			t.Errorf("period buttons %q, want %q", periods.Labels(), want)
		}
		press(t, budi, periods, "November 2026 (bulan lalu)",
			"(1/6) Perekaman dan pencetakan KTP-el — November 2026\nBerapa orang yang dilayani? Ketik angkanya, mis. 120.\nPeriode sebelumnya (Oktober 2026): 100.")
		chat(t, budi, "dua belas", "\"dua belas\" bukan bilangan bulat. Ketik angka saja, mis. 120.\n\n(1/6) Perekaman")
		chat(t, budi, "12,5", "\"12,5\" bukan bilangan bulat.")
		chat(t, budi, "-5", "Jumlah tidak boleh negatif (-5).\n\n(1/6) Perekaman")
		chat(t, budi, "20000000", "20000000 terlalu besar untuk jumlah orang dilayani dalam satu periode.\n\n(1/6) Perekaman")
		// Ten times October's: confirm, then change it.
		confirm := chat(t, budi, "1.500", "1500 lebih dari sepuluh kali jumlah periode sebelumnya (Oktober 2026: 100). Apakah 1500 benar?")
		press(t, budi, confirm, "✏️ Ubah angka", "Baik, ketik jumlah yang benar.\n\n(1/6) Perekaman")
		chat(t, budi, "120", "Dari 120 orang itu, berapa yang dilayani lewat kanal online?")
		chat(t, budi, "130", "Jumlah online (130) tidak boleh lebih besar dari jumlah seluruhnya (120).\n\n(1/6)")
		chat(t, budi, "30", "✓ Perekaman dan pencetakan KTP-el: 120 orang, 30 online.\n\n(2/6) Kartu Keluarga — November 2026")
		// /kembali: from a total to the previous service's, from an online
		// count to its total; typed again, the service is stored once.
		chat(t, budi, "/kembali", "(1/6) Perekaman dan pencetakan KTP-el — November 2026\nBerapa orang yang dilayani?")
		chat(t, budi, "120", "Dari 120 orang itu")
		chat(t, budi, "/kembali", "(1/6) Perekaman dan pencetakan KTP-el — November 2026\nBerapa orang yang dilayani?")
		chat(t, budi, "120", "Dari 120 orang itu")
		chat(t, budi, "30", "✓ Perekaman dan pencetakan KTP-el: 120 orang, 30 online.\n\n(2/6) Kartu Keluarga — November 2026")
		// Under a tenth of October's: confirm, then accept it.
		confirm = chat(t, budi, "4", "4 kurang dari sepersepuluh jumlah periode sebelumnya (Oktober 2026: 50). Apakah 4 benar?")
		press(t, budi, confirm, "✅ Ya, 4 benar", "Dari 4 orang itu")
		chat(t, budi, "4", "✓ Kartu Keluarga: 4 orang, 4 online.\n\n(3/6) Akta kelahiran")
		// Ten times October's: confirm, then accept it.
		confirm = chat(t, budi, "200", "200 lebih dari sepuluh kali jumlah periode sebelumnya (Oktober 2026: 10). Apakah 200 benar?")
		press(t, budi, confirm, "✅ Ya, 200 benar", "Dari 200 orang itu")
		chat(t, budi, "150", "✓ Akta kelahiran: 200 orang, 150 online.\n\n(4/6) Akta kematian")
		// Nobody served: no online question.
		chat(t, budi, "0", "✓ Akta kematian: 0 orang, 0 online.\n\n(5/6) Surat pindah")
		chat(t, budi, "/batal", "Laporan dihentikan. 4 layanan yang sudah diisi tetap tersimpan; ketik /lapor untuk melanjutkan.")
		chat(t, budi, "7", "Tidak ada survei yang sedang berjalan.")
		got, err := e.store.ServiceCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var nov []string
		for _, c := range got {
			if c.PeriodKey == "2026-11" {
				nov = append(nov, fmt.Sprintf("%s %d/%d", c.ServiceCode, c.Online, c.Total))
			}
		}
		if want := []string{"akta_lahir 150/200", "akta_mati 0/0", "kk 4/4", "ktp 30/120"}; !slices.Equal(nov, want) {
			t.Errorf("November counts %v, want %v", nov, want)
		}
		// The whole OPD for the quarter, in English this time.
		chat(t, budi, "/language", "Pilih bahasa")
		if err := budi.Press("🇬🇧 English"); err != nil {
			t.Fatal(err)
		}
		periods = chat(t, budi, "/report", "📊 Service counts of Population and Civil Registration Office. For which period?")
		press(t, budi, periods, "Quarter IV 2026 (this quarter)", "(1/6) Electronic ID card (KTP-el) — Quarter IV 2026\nHow many people were served?")
		for i, n := range []string{"10", "20", "30", "40", "50", "60"} {
			chat(t, budi, n, "Of those "+n+" people")
			want := fmt.Sprintf("(%d/6)", i+2)
			if i == 5 {
				want = "🙏 Thank you! The counts of 6 services of Population and Civil Registration Office for Quarter IV 2026 are stored."
			}
			chat(t, budi, "1", want)
		}
		card := chat(t, budi, "/status", "📋 Status of Budi")
		if !strings.Contains(card.Text, "Service counts November 2026: ⏳ 2 of 6 services not reported yet (Change of residence, Child identity card)") {
			t.Errorf("status after a partial November report:\n%s", card.Text)
		}
	})
}
