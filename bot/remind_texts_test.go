package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kotasolok/egovpulse/bot"
)

// TestDigestsStayWithinOneMessage: a head's digest of a large OPD lists
// as many names as fit and says how many more there are, in the head's
// language, within one Telegram message.
func TestDigestsStayWithinOneMessage(t *testing.T) {
	owing := make([]bot.Owing, 900)
	for i := range owing {
		owing[i] = bot.Owing{Name: fmt.Sprintf("Aparatur Sipil Negara Nomor %03d", i), NotJoined: i%3 == 0}
	}
	for _, tc := range []struct{ lang, head, more, tail string }{
		{"id", "📋 Rekap Disdukcapil: 900 dari 1200 ASN belum mengisi survei internal periode Desember 2026:", "… dan %d lainnya", "Mohon ingatkan mereka."},
		{"en", "📋 Summary for Disdukcapil: 900 of 1200 officials have not answered the internal survey for December 2026:", "… and %d more", "Please remind them."},
	} {
		text := bot.DigestHeadSurveyText(tc.lang, "Disdukcapil", map[string]string{"id": "Desember 2026", "en": "December 2026"}[tc.lang], owing, 1200)
		if n := utf8.RuneCountInString(text); n > bot.MaxDigestLen {
			t.Errorf("%s digest has %d characters, more than %d", tc.lang, n, bot.MaxDigestLen)
		}
		lines := strings.Split(text, "\n")
		listed := len(lines) - 3 // heading, "… more", closing sentence
		if lines[0] != tc.head || !strings.HasPrefix(lines[len(lines)-1], tc.tail) {
			t.Errorf("%s digest starts %q, ends %q", tc.lang, lines[0], lines[len(lines)-1])
		}
		if want := fmt.Sprintf(tc.more, 900-listed); lines[len(lines)-2] != want || listed < 50 {
			t.Errorf("%s digest lists %d names then %q, want %q", tc.lang, listed, lines[len(lines)-2], want)
		}
	}
	small := bot.DigestHeadSurveyText("id", "Dinkes", "Desember 2026", owing[:2], 10)
	if want := "📋 Rekap Dinkes: 2 dari 10 ASN belum mengisi survei internal periode Desember 2026:\n" +
		"• Aparatur Sipil Negara Nomor 000 (belum bergabung)\n• Aparatur Sipil Negara Nomor 001\n" +
		"Mohon ingatkan mereka. Ketik /status untuk rincian."; small != want {
		t.Errorf("small digest:\n%s\nwant:\n%s", small, want)
	}
}

// TestCountsReminderNamesServicesAndLapor: the operator's reminder says
// which services lack counts for which period, and how to report them.
func TestCountsReminderNamesServicesAndLapor(t *testing.T) {
	got := bot.ReminderCountsText("en", "November 2026", "Civil Registry", []string{"ID card", "Family card"})
	want := "⏰ Reminder: the number of people served in November 2026 is not reported yet for Civil Registry: ID card, Family card. Type /lapor to report it, or /status to see what is due."
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
