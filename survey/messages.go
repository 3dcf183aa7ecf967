package survey

import "fmt"

// msgID names one of the engine's own texts.
type msgID int

// The engine's texts; the survey's own labels come from its definition.
const (
	msgOptional msgID = iota + 1
	msgMultiHint
	msgBtnSkip
	msgBtnBack
	msgBtnDone
	msgBtnSubmit
	msgExpired
	msgChooseButton
	msgRequired
	msgMultiNone
	msgInteger
	msgDecimal
	msgThousands
	msgMin
	msgMax
	msgRange
	msgTextEmpty
	msgTextLong
	msgDate
	msgConstraint
	msgSubmitEarly
	msgEditRefused
	msgUseButtons
	msgFirstQuestion
	msgResume
	msgCancelled
	msgSubmitted
	msgStopped
	msgReviewTitle
	msgSkipped
	msgEditPrefix
	msgNoAnswer
	msgBtnToday
	msgBtnYesterday
	msgFuture
	msgProfileAsk
	msgBtnKeep
	msgBtnChange
	msgProfileKept
	msgBtnList
	msgBtnReview
	msgReviewPick
)

// message returns the text of id in Indonesian and English.
func message(id msgID) Text {
	if id >= msgExpired && id <= msgUseButtons {
		return refusalMessage(id)
	}
	if id >= msgBtnToday {
		return visitMessage(id)
	}
	switch id {
	case msgOptional:
		return Text{LangID: "(opsional)", LangEN: "(optional)"}
	case msgMultiHint:
		return Text{LangID: "Pilih satu atau lebih, lalu tekan Selesai.", LangEN: "Choose one or more, then press Done."}
	case msgBtnSkip:
		return Text{LangID: "Lewati", LangEN: "Skip"}
	case msgBtnBack:
		return Text{LangID: "« Kembali", LangEN: "« Back"}
	case msgBtnDone:
		return Text{LangID: "Selesai ✓", LangEN: "Done ✓"}
	case msgBtnSubmit:
		return Text{LangID: "📨 Kirim", LangEN: "📨 Submit"}
	case msgFirstQuestion:
		return Text{LangID: "Ini pertanyaan pertama.", LangEN: "This is the first question."}
	case msgResume:
		return Text{LangID: "Anda sudah menjawab %d dari %d pertanyaan. Lanjutkan?", LangEN: "You answered %d of %d questions. Continue?"}
	case msgCancelled:
		return Text{LangID: "Survei dibatalkan. Jawaban Anda tidak dikirim dan sudah dihapus.", LangEN: "Survey cancelled. Your answers were not submitted and have been deleted."}
	case msgSubmitted:
		return Text{LangID: "Terima kasih! Jawaban Anda sudah terkirim.", LangEN: "Thank you! Your answers have been submitted."}
	case msgStopped:
		return Text{LangID: "Terima kasih atas waktu Anda.", LangEN: "Thank you for your time."}
	case msgReviewTitle:
		return Text{LangID: "Ringkasan jawaban Anda:", LangEN: "Your answers:"}
	case msgSkipped:
		return Text{LangID: "(dilewati)", LangEN: "(skipped)"}
	case msgEditPrefix:
		return Text{LangID: "Ubah", LangEN: "Edit"}
	case msgNoAnswer:
		return Text{LangID: "(belum ada jawaban)", LangEN: "(no answers yet)"}
	}
	return Text{}
}

// visitMessage returns the texts of date buttons, the remembered profile
// and the review card's edit list.
func visitMessage(id msgID) Text {
	switch id {
	case msgBtnToday:
		return Text{LangID: "Hari ini", LangEN: "Today"}
	case msgBtnYesterday:
		return Text{LangID: "Kemarin", LangEN: "Yesterday"}
	case msgFuture:
		return Text{LangID: "Tanggal itu belum lewat. Pilih Hari ini, Kemarin, atau ketik tanggal yang sudah lewat.",
			LangEN: "That date has not come yet. Choose Today, Yesterday, or type a past date."}
	case msgProfileAsk:
		return Text{LangID: "Data diri Anda: %s. Masih sama?", LangEN: "About you: %s. Still the same?"}
	case msgBtnKeep:
		return Text{LangID: "✅ Masih sama", LangEN: "✅ Still the same"}
	case msgBtnChange:
		return Text{LangID: "Ubah", LangEN: "Change"}
	case msgProfileKept:
		return Text{LangID: "Data diri masih sama", LangEN: "About you: unchanged"}
	case msgBtnList:
		return Text{LangID: "✏️ Ubah jawaban", LangEN: "✏️ Change an answer"}
	case msgBtnReview:
		return Text{LangID: "« Ringkasan", LangEN: "« Summary"}
	case msgReviewPick:
		return Text{LangID: "Jawaban mana yang ingin diubah?", LangEN: "Which answer do you want to change?"}
	}
	return Text{}
}

// refusalMessage returns the text of a refused input.
func refusalMessage(id msgID) Text {
	switch id {
	case msgExpired:
		return Text{LangID: "Tombol itu sudah tidak berlaku.", LangEN: "That button has expired."}
	case msgChooseButton:
		return Text{LangID: "Jawaban tidak dikenali. Pilih salah satu jawaban dengan tombol atau ketik nomornya.",
			LangEN: "Answer not recognised. Choose one of the answers with the buttons or type its number."}
	case msgRequired:
		return Text{LangID: "Pertanyaan ini wajib dijawab.", LangEN: "This question is required."}
	case msgMultiNone:
		return Text{LangID: "Pilih setidaknya satu jawaban, lalu tekan Selesai.", LangEN: "Choose at least one answer, then press Done."}
	case msgInteger:
		return Text{LangID: "Tulis bilangan bulat, misalnya 12.", LangEN: "Type a whole number, for example 12."}
	case msgDecimal:
		return Text{LangID: "Tulis angka, misalnya 12 atau 12,5.", LangEN: "Type a number, for example 12 or 12.5."}
	case msgThousands:
		return Text{LangID: "Tulis angka tanpa pemisah ribuan, misalnya 1500.", LangEN: "Type the number without thousands separators, for example 1500."}
	case msgMin:
		return Text{LangID: "Jawaban paling kecil %s.", LangEN: "The answer must be at least %s."}
	case msgMax:
		return Text{LangID: "Jawaban paling besar %s.", LangEN: "The answer must be at most %s."}
	case msgRange:
		return Text{LangID: "Jawaban harus antara %s dan %s.", LangEN: "The answer must be between %s and %s."}
	case msgTextEmpty:
		return Text{LangID: "Silakan ketik jawaban Anda.", LangEN: "Please type your answer."}
	case msgTextLong:
		return Text{LangID: "Jawaban terlalu panjang: paling banyak %d karakter (Anda menulis %d).",
			LangEN: "The answer is too long: at most %d characters (you wrote %d)."}
	case msgDate:
		return Text{LangID: "Tulis tanggal seperti 2026-11-27 atau 27-11-2026.", LangEN: "Type a date such as 2026-11-27 or 27-11-2026."}
	case msgConstraint:
		return Text{LangID: "Jawaban ini tidak dapat diterima. Silakan periksa kembali.", LangEN: "This answer cannot be accepted. Please check it."}
	case msgSubmitEarly:
		return Text{LangID: "Jawab dulu semua pertanyaan; jawaban dikirim dari halaman ringkasan.",
			LangEN: "Please answer all questions first; answers are submitted from the summary."}
	case msgEditRefused:
		return Text{LangID: "Pertanyaan itu tidak dapat diubah sekarang.", LangEN: "That question cannot be changed now."}
	case msgUseButtons:
		return Text{LangID: "Gunakan tombol di bawah untuk mengubah atau mengirim jawaban.", LangEN: "Use the buttons below to change or submit your answers."}
	}
	return Text{}
}

// msg returns the engine text id in lang, formatted with args when given.
func msg(lang string, id msgID, args ...any) string {
	s := message(id).In(lang)
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}
