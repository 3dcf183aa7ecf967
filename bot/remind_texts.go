package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Texts of the reminders and digests the reminder jobs put in the outbox
// (jobs/remind.go, jobs/escalate.go). Each is one message, short, with
// what is due and how to do it.
var (
	txtRemindSurvey = msg{
		"⏰ Pengingat: survei internal ASN periode %s belum Anda isi (sekitar 5 menit). Tekan tombol di bawah, atau ketik /status untuk melihat yang perlu Anda isi.",
		"⏰ Reminder: you have not answered the internal ASN survey for %s yet (about 5 minutes). Press the button below, or type /status to see what is due.",
	}
	txtRemindSurveyButton = msg{"📝 Isi survei ASN", "📝 Answer the ASN survey"}
	txtRemindCounts       = msg{
		"⏰ Pengingat: jumlah orang yang dilayani periode %s belum dilaporkan untuk %s: %s. Ketik /lapor untuk mengisinya, atau /status untuk melihat yang perlu diisi.",
		"⏰ Reminder: the number of people served in %s is not reported yet for %s: %s. Type /lapor to report it, or /status to see what is due.",
	}
	txtDigestHeadSurvey = msg{
		"📋 Rekap %s: %d dari %d ASN belum mengisi survei internal periode %s:",
		"📋 Summary for %s: %d of %d officials have not answered the internal survey for %s:",
	}
	txtDigestHeadCounts = msg{
		"📋 Rekap %s: jumlah layanan periode %s belum dilaporkan untuk %d layanan: %s. Operator: %s.",
		"📋 Summary for %s: the service counts for %s are not reported for %d services: %s. Operators: %s.",
	}
	txtDigestHeadAsk     = msg{"Mohon ingatkan mereka. Ketik /status untuk rincian.", "Please remind them. Type /status for details."}
	txtDigestAdminSurvey = msg{
		"📋 Survei internal ASN periode %s: %d OPD belum lengkap.",
		"📋 Internal ASN survey for %s: %d offices are not complete.",
	}
	txtDigestAdminCounts = msg{
		"📋 Jumlah layanan periode %s: %d OPD belum melapor.",
		"📋 Service counts for %s: %d offices have not reported.",
	}
	txtDigestAdminSurveyLine = msg{"• %s: %d dari %d belum mengisi", "• %s: %d of %d not answered"}
	txtDigestAdminCountsLine = msg{"• %s: %d layanan belum dilaporkan", "• %s: %d services not reported"}
	txtDigestNotJoined       = msg{"belum bergabung", "not joined"}
	txtDigestBlocked         = msg{"memblokir bot", "blocked the bot"}
	txtDigestMore            = msg{"… dan %d lainnya", "… and %d more"}
	txtDigestNobody          = msg{"(belum ada)", "(none yet)"}
)

// MaxDigestLen bounds a digest's text, below Telegram's 4096 characters.
const MaxDigestLen = 3800

// ReminderSurveyText is the reminder of the officials' survey of period
// (its label), in lang; SurveyButtonText labels the button that opens it.
func ReminderSurveyText(lang, period string) string { return txtRemindSurvey.f(lang, period) }

// SurveyButtonText labels the reminder's button to the survey.
func SurveyButtonText(lang string) string { return txtRemindSurveyButton.in(lang) }

// ReminderCountsText is the reminder to an OPD's operator of the service
// counts of period still missing (service names).
func ReminderCountsText(lang, period, opd string, services []string) string {
	return clip(txtRemindCounts.f(lang, period, opd, strings.Join(services, ", ")))
}

// Owing is an official in a head's digest: the name, and whether the
// official has joined or blocked the bot.
type Owing struct {
	Name      string
	NotJoined bool
	Blocked   bool
}

// DigestHeadSurveyText is the OPD head's digest of who in the OPD (of
// total active officials) has not answered the survey of period.
func DigestHeadSurveyText(lang, opd, period string, owing []Owing, total int) string {
	lines := make([]string, len(owing))
	for i, o := range owing {
		lines[i] = "• " + o.Name
		switch {
		case o.Blocked:
			lines[i] += " (" + txtDigestBlocked.in(lang) + ")"
		case o.NotJoined:
			lines[i] += " (" + txtDigestNotJoined.in(lang) + ")"
		}
	}
	head := txtDigestHeadSurvey.f(lang, opd, len(owing), total, period)
	return listed(lang, head, lines, txtDigestHeadAsk.in(lang))
}

// DigestHeadCountsText is the OPD head's digest of the services whose
// counts for period are missing, and the OPD's operators.
func DigestHeadCountsText(lang, opd, period string, services, operators []string) string {
	ops := strings.Join(operators, ", ")
	if ops == "" {
		ops = txtDigestNobody.in(lang)
	}
	return clip(txtDigestHeadCounts.f(lang, opd, period, len(services), strings.Join(services, ", "), ops) +
		"\n" + txtDigestHeadAsk.in(lang))
}

// OPDOwing is one OPD's line in the admins' digest: how many of its
// officials owe the survey (of Total), or how many services lack counts.
type OPDOwing struct {
	OPD   string
	Owing int
	Total int
}

// DigestAdminsSurveyText is the admins' digest of the OPDs whose
// officials have not all answered the survey of period.
func DigestAdminsSurveyText(lang, period string, opds []OPDOwing) string {
	lines := make([]string, len(opds))
	for i, o := range opds {
		lines[i] = txtDigestAdminSurveyLine.f(lang, o.OPD, o.Owing, o.Total)
	}
	return listed(lang, txtDigestAdminSurvey.f(lang, period, len(opds)), lines, "")
}

// DigestAdminsCountsText is the admins' digest of the OPDs with services
// whose counts for period are missing.
func DigestAdminsCountsText(lang, period string, opds []OPDOwing) string {
	lines := make([]string, len(opds))
	for i, o := range opds {
		lines[i] = txtDigestAdminCountsLine.f(lang, o.OPD, o.Owing)
	}
	return listed(lang, txtDigestAdminCounts.f(lang, period, len(opds)), lines, "")
}

// listed joins a heading, lines and a closing sentence, leaving out the
// lines that would take the text past MaxDigestLen ("… and 12 more").
func listed(lang, head string, lines []string, tail string) string {
	var b strings.Builder
	b.WriteString(head)
	budget := MaxDigestLen - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail) - 40
	for i, l := range lines {
		n := utf8.RuneCountInString(l) + 1
		if budget-n < 0 {
			fmt.Fprintf(&b, "\n%s", txtDigestMore.f(lang, len(lines)-i))
			break
		}
		budget -= n
		b.WriteString("\n" + l)
	}
	if tail != "" {
		b.WriteString("\n" + tail)
	}
	return b.String()
}

// clip cuts a text to MaxDigestLen characters.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= MaxDigestLen {
		return s
	}
	r := []rune(s)
	return string(r[:MaxDigestLen-1]) + "…"
}
