package bot

// Texts of the admin commands (/admin, /ringkasan).
var (
	txtAdminUsage = msg{
		"Pakai: /admin tambah <ID Telegram> viewer|admin, /admin hapus <ID Telegram>, /admin daftar",
		"Usage: /admin add <Telegram ID> viewer|admin, /admin remove <Telegram ID>, /admin list",
	}
	txtAdminUnknown    = msg{"Perintah /admin %q tidak dikenal.", "Unknown /admin command %q."}
	txtAdminBadID      = msg{"%q bukan ID Telegram (angka, misalnya 123456789). Tidak ada yang diubah.", "%q is not a Telegram ID (a number such as 123456789). Nothing was changed."}
	txtAdminBadRole    = msg{"Peran %q tidak dikenal: pilih viewer atau admin. Tidak ada yang diubah.", "Unknown role %q: choose viewer or admin. Nothing was changed."}
	txtAdminSelf       = msg{"Anda tidak dapat mengubah peran Anda sendiri. Tidak ada yang diubah.", "You cannot change your own role. Nothing was changed."}
	txtAdminSuperadmin = msg{"%d adalah superadmin (ADMIN_TELEGRAM_IDS); perannya diatur di konfigurasi, bukan lewat /admin. Tidak ada yang diubah.", "%d is a superadmin (ADMIN_TELEGRAM_IDS); that role is set in the configuration, not with /admin. Nothing was changed."}
	txtAdminGranted    = msg{"Peran %s diberikan kepada %d.", "Role %s granted to %d."}
	txtAdminRevoked    = msg{"Peran %d dicabut.", "The role of %d was revoked."}
	txtAdminNoGrant    = msg{"%d tidak memiliki peran yang diberikan lewat /admin. Tidak ada yang diubah.", "%d has no role granted with /admin. Nothing was changed."}
	txtAdminListTitle  = msg{"Peran admin:", "Admin roles:"}
	txtAdminGrantedBy  = msg{"(diberikan oleh %d, %s)", "(granted by %d, %s)"}
	txtAdminNoGrants   = msg{"Belum ada peran yang diberikan lewat /admin.", "No roles granted with /admin yet."}

	txtSummaryUsage = msg{
		"%s\nPakai: /ringkasan [minggu|bulan|triwulan|tahun] [kode OPD] [2026-W48|2026-11|2026-Q4|2026], misalnya /ringkasan bulan disdukcapil.",
		"%s\nUsage: /summary [minggu|bulan|triwulan|tahun] [OPD code] [2026-W48|2026-11|2026-Q4|2026], e.g. /summary bulan disdukcapil.",
	}
	txtSummaryUnknownArg = msg{"%q bukan jenis periode, kode OPD, atau periode (2026-W48, 2026-11, 2026-Q4, 2026).", "%q is not a period kind, an OPD code or a period (2026-W48, 2026-11, 2026-Q4, 2026)."}
	txtSummaryTwice      = msg{"%q: periode atau OPD disebut dua kali.", "%q: a period or OPD is given twice."}
	txtSummaryMismatch   = msg{"%q tidak cocok dengan jenis periode yang diminta.", "%q does not match the period kind asked for."}
	txtSummaryFuture     = msg{"Periode %q belum dimulai.", "The period %q has not begun."}
	txtSummaryNotReady   = msg{"Ringkasan sedang disiapkan dan dikirim begitu siap.", "The summary is being prepared and will be sent when ready."}
	txtSummaryFailed     = msg{"Maaf, ringkasan belum dapat dibuat. Silakan coba lagi sebentar lagi.", "Sorry, the summary could not be made. Please try again shortly."}
	txtSummaryChart      = msg{"Grafik: IKM per unit terhadap batas mutu, dan tren 12 minggu dengan n.", "Chart: IKM per unit against the grade edges, and the 12-week trend with n."}
)
