package bot

import "fmt"

// ConsentTextVersion identifies the privacy notice a consent was given to;
// change it whenever privacyText changes.
const ConsentTextVersion = "2026-12-v2"

// msg is one bot text in Indonesian and English.
type msg struct{ id, en string }

func (m msg) in(lang string) string {
	if lang == "en" {
		return m.en
	}
	return m.id
}

// f formats a message in lang with args.
func (m msg) f(lang string, args ...any) string { return fmt.Sprintf(m.in(lang), args...) }

var (
	txtGreeting = msg{
		"Halo %s! Ini layanan survei Pemerintah Kota Solok. Pendapat Anda membantu kami memperbaiki pelayanan publik.",
		"Hello %s! This is the Kota Solok government's survey service. Your opinion helps us improve public services.",
	}
	txtGreetingOfficial = msg{
		"Halo %s! Ini survei internal Pemerintah Kota Solok untuk ASN: bagaimana sistem dan layanan digital dipakai dalam pekerjaan Anda.",
		"Hello %s! This is the Kota Solok government's internal survey for civil servants (ASN): how digital systems and services are used in your work.",
	}
	// txtPrivacyShort opens the consent question; the full notice is one
	// button (or /privasi) away.
	txtPrivacyShort = msg{
		"🔒 Jawaban disimpan tanpa nama, di bawah kode acak, dan hanya dilaporkan sebagai angka gabungan. Anda dapat melihat atau menghapus data Anda kapan saja.",
		"🔒 Answers are stored without your name, under a random code, and only reported as combined figures. You can see or delete your data at any time.",
	}
	txtPrivacyMore = msg{"🔒 Rincian privasi", "🔒 Privacy details"}
	txtPrivacy     = msg{
		"🔒 Privasi: jawaban Anda disimpan tanpa nama atau ID Telegram, di bawah kode acak, dan hanya dilaporkan " +
			"sebagai angka gabungan (kelompok di bawah 5 orang tidak ditampilkan). ID Telegram Anda disimpan terpisah " +
			"hanya untuk pengingat dan agar satu orang menjawab sekali per periode. Data disimpan paling lama 2 tahun; " +
			"data diri Anda diingat 12 bulan. Lihat (/datasaya) atau hapus (/hapusdata) kapan saja (UU 27/2022).",
		"🔒 Privacy: your answers are stored without your name or Telegram ID, under a random code, and are only " +
			"reported as combined figures (groups under 5 people are never shown). Your Telegram ID is kept apart, only " +
			"for reminders and so that each person answers once per period. Data is kept at most 2 years; your profile " +
			"is remembered 12 months. See (/mydata) or delete (/deletemydata) it any time (Law 27/2022).",
	}
	txtConsentAsk     = msg{"Apakah Anda setuju mengikuti survei ini?", "Do you agree to take part in this survey?"}
	txtConsentYes     = msg{"✅ Setuju", "✅ I agree"}
	txtConsentNo      = msg{"Tidak", "No"}
	txtConsentNeeded  = msg{"Sebelum menjawab, mohon setujui pemberitahuan privasi di atas.", "Before answering, please accept the privacy notice above."}
	txtConsentDecline = msg{"Baik, tidak ada yang disimpan. Ketik /start kapan saja jika berubah pikiran. Terima kasih!", "All right, nothing was stored. Type /start at any time if you change your mind. Thank you!"}
	txtPickOPD        = msg{"Layanan dari perangkat daerah mana yang Anda gunakan?", "Which government office's service did you use?"}
	txtPickService    = msg{"Layanan apa yang Anda gunakan di %s?", "Which service did you use at %s?"}
	txtBackToOPD      = msg{"« Kembali", "« Back"}
	txtUnknownService = msg{"Kode layanan %q tidak dikenal. Ketik /start untuk memilih layanan dari daftar.", "Service code %q is unknown. Type /start to pick the service from the list."}
	txtSurveyIntro    = msg{"📋 %s — bagian %d dari %d: %s.", "📋 %s — part %d of %d: %s."}
	txtAlready        = msg{"Terima kasih, Anda sudah mengisi survei untuk %s pada %s. Anda dapat mengisi lagi mulai %s.", "Thank you, you already answered the survey for %s in %s. You can answer again from %s."}
	txtThanks         = msg{"🙏 Terima kasih! Jawaban Anda terkirim. Tanpa nama, jawaban ini digabung ke Indeks Kepuasan Masyarakat layanan ini, yang dilaporkan tiap minggu ke Diskominfo dan ke kantor layanan untuk perbaikan. Ketik /start untuk menilai layanan lain.", "🙏 Thank you! Your answers are submitted. Without your name, they join this service's public satisfaction index, reported weekly to Diskominfo and the service's office to improve it. Type /start to rate another service."}
	txtThanksOfficial = msg{"🙏 Terima kasih telah mengisi survei internal ASN. Jawaban Anda digabung per OPD (tanpa nama) dan dilaporkan ke Diskominfo untuk memetakan pemakaian sistem digital dan kendalanya.", "🙏 Thank you for answering the internal ASN survey. Your answers are combined per office (without names) and reported to Diskominfo to map the use of digital systems and their obstacles."}
	txtCancelAsk      = msg{"Batalkan survei ini? Jawaban yang sudah Anda isi akan dihapus.", "Cancel this survey? The answers you gave will be deleted."}
	txtCancelYes      = msg{"Ya, batalkan", "Yes, cancel"}
	txtCancelNo       = msg{"Tidak, lanjutkan", "No, continue"}
	txtResumeAsk      = msg{"Anda sedang mengisi survei %s: %d dari %d pertanyaan sudah dijawab. Lanjutkan?", "You are in the middle of the %s survey: %d of %d questions answered. Continue?"}
	txtResumeYes      = msg{"▶️ Lanjutkan", "▶️ Continue"}
	txtResumeRestart  = msg{"🔄 Mulai ulang", "🔄 Start over"}
	txtExpired        = msg{"Tombol ini sudah tidak berlaku.", "This button has expired."}
	txtUseButtons     = msg{"Mohon pilih salah satu tombol di atas.", "Please choose one of the buttons above."}
	txtNotText        = msg{"Maaf, saya hanya bisa membaca pesan teks dan tombol.", "Sorry, I can only read text messages and buttons."}
	txtEdited         = msg{"Perubahan pesan tidak dibaca. Untuk mengubah jawaban, gunakan /kembali atau tombol ubah di ringkasan.", "Edited messages are not read. To change an answer, use /back or the edit buttons on the review card."}
	txtGroup          = msg{"Survei ini hanya bisa diisi lewat obrolan pribadi dengan bot ini.", "This survey can only be answered in a private chat with this bot."}
	txtNothingToDo    = msg{"Tidak ada survei yang sedang berjalan. Ketik /start untuk mulai.", "No survey is in progress. Type /start to begin."}
	txtUnknownCommand = msg{"Perintah tidak dikenal. Ketik /bantuan untuk daftar perintah.", "Unknown command. Type /help for the list of commands."}
	txtPickLang       = msg{"Pilih bahasa / Choose a language:", "Pilih bahasa / Choose a language:"}
	txtLangSet        = msg{"Bahasa diubah ke Bahasa Indonesia.", "Language set to English."}
	txtDeleteAsk      = msg{"Hapus semua data Anda (jawaban, persetujuan, dan tautan ke akun Telegram)? Ini tidak dapat dibatalkan.", "Delete all your data (answers, consent and the link to your Telegram account)? This cannot be undone."}
	txtDeleteYes      = msg{"🗑 Ya, hapus", "🗑 Yes, delete"}
	txtDeleteNo       = msg{"Batal", "Cancel"}
	txtDeleted        = msg{"Data Anda sudah dihapus. Terima kasih telah berpartisipasi.", "Your data has been deleted. Thank you for taking part."}
	txtDeleteKept     = msg{"Data Anda tidak dihapus.", "Your data was not deleted."}
	txtNoData         = msg{"Tidak ada data tentang Anda yang tersimpan.", "No data about you is stored."}
	txtHelpTitle      = msg{"Perintah:", "Commands:"}
	txtNotAllowed     = msg{"Maaf, perintah ini hanya untuk petugas yang berwenang.", "Sorry, this command is only for authorised staff."}
	txtUnknownOPD     = msg{"Kode perangkat daerah %q tidak dikenal. Mohon periksa tautan dari Diskominfo.", "Office code %q is unknown. Please check the link from Diskominfo."}
	txtUnknownLink    = msg{"Maaf, tautan ini tidak dikenal. Ketik /start untuk memilih layanan yang ingin dinilai.", "Sorry, this link is not recognised. Type /start to pick the service you want to rate."}
	txtWhoAmI         = msg{"ID Telegram Anda: %d\nPeran: %s", "Your Telegram ID: %d\nRoles: %s"}
	txtMyData         = msg{
		"Data tersimpan tentang Anda:\n• Kode responden: %s (tanpa nama/ID Telegram)\n• Bahasa: %s\n• Persetujuan: %s\n• Respons: %d\n%s",
		"Data stored about you:\n• Respondent code: %s (no name/Telegram ID)\n• Language: %s\n• Consent: %s\n• Responses: %d\n%s",
	}
)
