package summary

import (
	"fmt"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// words are the fixed texts of the summary, by language.
var words = map[string]map[string]string{
	survey.LangID: {
		"title": "📊 Ringkasan %s — %s", "city": "Kota Solok",
		"responses": "Respons: %s", "vsPrev": "%s dibanding %s (%s)", "noPrev": "belum ada pada %s",
		"completion": "Tingkat penyelesaian: %s",
		"ikm":        "IKM %s (sejauh ini): %s", "ikmOf": "IKM %s: %s",
		"mutu": "mutu %s (%s)", "ci": "IK 95 %% %s–%s", "nReq": "n %s / %s", "nOnly": "n %s",
		"pooled": "IKM kota = rata-rata IKM OPD; gabungan semua responden %s %s.",
		"noIKM":  "belum ada jawaban SKM",
		"lowest": "Unsur terendah: %s", "highest": "Unsur tertinggi: %s",
		"perOPD": "Per OPD:", "perService": "Per layanan:",
		"silent": "belum ada jawaban", "suppressed": "< 5 responden",
		"usage":     "Pemanfaatan dan dampak:",
		"officials": "ASN: %s dari %s pegawai menjawab (%s)", "officialsNoRoster": "ASN: %s pegawai menjawab (daftar pegawai belum diimpor)",
		"officialsNone": "ASN: belum ada yang menjawab", "officialsFew": "ASN: < 5 responden (pegawai terdaftar: %s)", "obstacles": "Kendala utama: %s",
		"learn":  "Belajar dari: %s untuk unsur %s (NRR %s, %s; %s %s)",
		"alerts": "Peringatan:", "noAlerts": "Tidak ada peringatan.",
		"fall":      "⚠️ %s turun dari %s ke %s dibanding %s (lebih dari IK ±%s)",
		"silentAll": "⚠️ Belum ada jawaban pada %s: %s", "overdue": "⚠️ Tindak lanjut lewat tenggat: %d",
		"followUps": "Tindak lanjut (unsur mutu C/D): %d terbuka, %d lewat tenggat; lihat /tindaklanjut",
		"sementara": "Angka berstatus Sementara (n di bawah sampel minimum Krejcie–Morgan) dapat berubah.",
		"asOf":      "Per %s",
		"scopeCity": "kota",
	},
	survey.LangEN: {
		"title": "📊 Summary %s — %s", "city": "Kota Solok",
		"responses": "Responses: %s", "vsPrev": "%s vs %s (%s)", "noPrev": "none in %s",
		"completion": "Completion rate: %s",
		"ikm":        "IKM %s (so far): %s", "ikmOf": "IKM %s: %s",
		"mutu": "grade %s (%s)", "ci": "95 %% CI %s–%s", "nReq": "n %s / %s", "nOnly": "n %s",
		"pooled": "City IKM = mean of the OPD IKMs; all respondents pooled %s %s.",
		"noIKM":  "no SKM answers yet",
		"lowest": "Lowest unsur: %s", "highest": "Highest unsur: %s",
		"perOPD": "By OPD:", "perService": "By service:",
		"silent": "no answers yet", "suppressed": "< 5 respondents",
		"usage":     "Usage and impact:",
		"officials": "Officials: %s of %s answered (%s)", "officialsNoRoster": "Officials: %s answered (no roster imported)",
		"officialsNone": "Officials: none answered yet", "officialsFew": "Officials: < 5 respondents (on the roster: %s)", "obstacles": "Main obstacles: %s",
		"learn":  "Learn from: %s on %s (NRR %s, %s; %s %s)",
		"alerts": "Alerts:", "noAlerts": "No alerts.",
		"fall":      "⚠️ %s fell from %s to %s since %s (more than the CI ±%s)",
		"silentAll": "⚠️ No answers in %s: %s", "overdue": "⚠️ Overdue follow-ups: %d",
		"followUps": "Follow-ups (unsur in band C/D): %d open, %d overdue; see /followup",
		"sementara": "Figures marked Sementara (n below the Krejcie–Morgan minimum sample) may change.",
		"asOf":      "As of %s",
		"scopeCity": "city",
	},
}

func word(lang, key string) string {
	if m, ok := words[lang]; ok {
		return m[key]
	}
	return words[survey.LangID][key]
}

func wordf(lang, key string, args ...any) string { return fmt.Sprintf(word(lang, key), args...) }

var monthNames = map[string][12]string{
	survey.LangID: {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
	survey.LangEN: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// date is "2 Desember 2026" / "2 December 2026".
func date(t time.Time, lang string) string {
	names, ok := monthNames[lang]
	if !ok {
		names = monthNames[survey.LangID]
	}
	return fmt.Sprintf("%d %s %d", t.Day(), names[t.Month()-1], t.Year())
}

// stamp is the as-of time in the summary's zone: "2 Desember 2026 05.10
// WIB" (Indonesian writes the time with a dot) or "… 05:10 WIB".
func stamp(t time.Time, lang string) string {
	clock := t.Format("15.04")
	if lang == survey.LangEN {
		clock = t.Format("15:04")
	}
	return date(t, lang) + " " + clock + " " + t.Format("MST")
}

// span is the dates of a period: "23–29 November 2026".
func span(p survey.Period, lang string) string {
	last := p.End.AddDate(0, 0, -1)
	if p.Start.Year() == last.Year() && p.Start.Month() == last.Month() {
		if p.Start.Day() == last.Day() {
			return date(last, lang)
		}
		return fmt.Sprintf("%d–%s", p.Start.Day(), date(last, lang))
	}
	return date(p.Start, lang) + " – " + date(last, lang)
}
