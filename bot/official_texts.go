package bot

// Texts of the officials' own conversation: /status, the asn survey for
// the roster's OPD, and /lapor (official_status.go, official_lapor.go).
var (
	txtNotOnRoster = msg{"Akun Telegram ini tidak terhubung dengan petugas aktif dalam daftar ASN. Mohon hubungi Diskominfo.",
		"This Telegram account is not linked to an active official on the roster. Please contact Diskominfo."}
	txtStatusTitle = msg{"📋 Status %s — %s\n%s", "📋 Status of %s — %s\n%s"}
	txtStatusASN   = msg{"• Survei ASN %s: ⏳ belum diisi.", "• ASN survey %s: ⏳ not answered yet."}
	txtStatusASNOK = msg{"• Survei ASN %s: ✅ sudah diisi. Survei berikutnya mulai %s.",
		"• ASN survey %s: ✅ answered. The next one opens on %s."}
	txtStatusCounts = msg{"• Jumlah layanan %s: ⏳ belum dilaporkan %d dari %d layanan (%s). Ketik /lapor.",
		"• Service counts %s: ⏳ %d of %d services not reported yet (%s). Type /report."}
	txtStatusCountsOK = msg{"• Jumlah layanan %s: ✅ lengkap (%d layanan).", "• Service counts %s: ✅ complete (%d services)."}
	txtStatusCoverage = msg{"• OPD Anda: %d dari %d ASN sudah mengisi survei %s.", "• Your office: %d of %d officials answered the %s survey."}
	txtStatusBusy     = msg{"(Anda sedang di tengah survei atau laporan; lanjutkan di atas.)", "(You are in the middle of a survey or report; carry on above.)"}
	txtBtnASN         = msg{"📝 Isi survei ASN", "📝 Answer the ASN survey"}
	txtBtnLapor       = msg{"📊 Laporkan jumlah layanan", "📊 Report service counts"}
	txtBtnResident    = msg{"🏛 Nilai layanan publik", "🏛 Rate a public service"}

	txtLaporNotOperator = msg{"Maaf, /lapor hanya untuk operator OPD. Peran Anda dalam daftar petugas: %s. Hubungi Diskominfo bila ini keliru.",
		"Sorry, /report is only for the office's operator. Your role on the roster: %s. Contact Diskominfo if this is wrong."}
	txtLaporBusy = msg{"Anda sedang mengisi survei. Selesaikan dulu atau ketik /batal, lalu /lapor lagi.",
		"You are answering a survey. Finish it or type /cancel first, then /report again."}
	txtLaporNoServices = msg{"Katalog tidak mencantumkan layanan untuk %s; tidak ada yang perlu dilaporkan.",
		"The catalog lists no services for %s; there is nothing to report."}
	txtLaporPeriod     = msg{"📊 Jumlah layanan %s. Untuk periode apa?", "📊 Service counts of %s. For which period?"}
	txtLaporLastMonth  = msg{"%s (bulan lalu)", "%s (last month)"}
	txtLaporThisMonth  = msg{"%s (bulan berjalan)", "%s (this month)"}
	txtLaporThisQtr    = msg{"%s (triwulan berjalan)", "%s (this quarter)"}
	txtLaporAskTotal   = msg{"(%d/%d) %s — %s\nBerapa orang yang dilayani? Ketik angkanya, mis. 120.", "(%d/%d) %s — %s\nHow many people were served? Type the number, e.g. 120."}
	txtLaporPrevHint   = msg{"Periode sebelumnya (%s): %d.", "Previous period (%s): %d."}
	txtLaporAskOnline  = msg{"(%d/%d) %s — %s\nDari %d orang itu, berapa yang dilayani lewat kanal online? Ketik 0 bila tidak ada.", "(%d/%d) %s — %s\nOf those %d people, how many were served through the online channel? Type 0 if none."}
	txtLaporNotWhole   = msg{"%q bukan bilangan bulat. Ketik angka saja, mis. 120.", "%q is not a whole number. Type digits only, e.g. 120."}
	txtLaporNegative   = msg{"Jumlah tidak boleh negatif (%s).", "A count cannot be negative (%s)."}
	txtLaporTooLarge   = msg{"%s terlalu besar untuk jumlah orang dilayani dalam satu periode.", "%s is too large for the people served in one period."}
	txtLaporOnlineOver = msg{"Jumlah online (%d) tidak boleh lebih besar dari jumlah seluruhnya (%d).", "The online count (%d) cannot be larger than the total (%d)."}
	txtLaporTenfold    = msg{"%d lebih dari sepuluh kali jumlah periode sebelumnya (%s: %d). Apakah %d benar?",
		"%d is more than ten times the previous period's count (%s: %d). Is %d right?"}
	txtLaporTenth = msg{"%d kurang dari sepersepuluh jumlah periode sebelumnya (%s: %d). Apakah %d benar?",
		"%d is less than a tenth of the previous period's count (%s: %d). Is %d right?"}
	txtLaporYes       = msg{"✅ Ya, %d benar", "✅ Yes, %d is right"}
	txtLaporChange    = msg{"✏️ Ubah angka", "✏️ Change the number"}
	txtLaporFirst     = msg{"Ini langkah pertama laporan. Ketik /batal untuk berhenti.", "This is the report's first step. Type /cancel to stop."}
	txtLaporRetype    = msg{"Baik, ketik jumlah yang benar.", "All right, type the right number."}
	txtLaporSaved     = msg{"✓ %s: %d orang, %d online.", "✓ %s: %d people, %d online."}
	txtLaporDone      = msg{"🙏 Terima kasih! Jumlah %d layanan %s untuk %s tersimpan. Angka ini menjadi N untuk IKM dan pemanfaatan layanan digital pada perhitungan berikutnya.", "🙏 Thank you! The counts of %d services of %s for %s are stored. They become the N of the IKM and of the digital take-up at the next computation."}
	txtLaporCancelled = msg{"Laporan dihentikan. %d layanan yang sudah diisi tetap tersimpan; ketik /lapor untuk melanjutkan.", "Report stopped. The %d services already entered stay stored; type /report to go on."}
)

// rosterRoleName names a roster role (staff, head, operator) for people.
func rosterRoleName(role, lang string) string {
	switch role {
	case "staff":
		return msg{"staf", "staff"}.in(lang)
	case "head":
		return msg{"kepala", "head"}.in(lang)
	}
	return role
}
