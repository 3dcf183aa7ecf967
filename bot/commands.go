package bot

import (
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/survey"
)

// command is one row of the command table, which drives the dispatcher,
// the Telegram command menus and /bantuan alike.
type command struct {
	// name in Indonesian and English; either works in both languages.
	name msg
	desc msg
	// roles may run it (any one of them suffices).
	roles Role
	run   func(t *turn, arg string) error
}

// commandTable lists every command, in menu order.
func commandTable() []command {
	return []command{
		{msg{"start", "start"}, msg{"Mulai survei atau pilih layanan lain", "Start a survey or pick another service"}, RoleResident, (*turn).cmdStart},
		{msg{"kembali", "back"}, msg{"Pertanyaan sebelumnya", "Previous question"}, RoleResident, surveyCmd(survey.CmdBack)},
		{msg{"lewati", "skip"}, msg{"Lewati pertanyaan opsional", "Skip an optional question"}, RoleResident, surveyCmd(survey.CmdSkip)},
		{msg{"batal", "cancel"}, msg{"Batalkan survei", "Cancel the survey"}, RoleResident, (*turn).cmdCancel},
		{msg{"bahasa", "language"}, msg{"Ganti bahasa", "Change language"}, RoleResident, (*turn).cmdLang},
		{msg{"privasi", "privacy"}, msg{"Pemberitahuan privasi", "Privacy notice"}, RoleResident, (*turn).cmdPrivacy},
		{msg{"datasaya", "mydata"}, msg{"Data yang tersimpan tentang Anda", "What is stored about you"}, RoleResident, (*turn).cmdMyData},
		{msg{"hapusdata", "deletemydata"}, msg{"Hapus data Anda", "Delete your data"}, RoleResident, (*turn).cmdDelete},
		{msg{"status", "status"}, msg{"Yang perlu Anda isi bulan ini", "What is due for you this month"}, RoleOfficial, (*turn).cmdStatus},
		{msg{"lapor", "report"}, msg{"Laporkan jumlah orang dilayani (operator)", "Report the people served (operator)"}, RoleOfficial, (*turn).cmdLapor},
		{msg{"peran", "whoami"}, msg{"Peran Anda di layanan ini", "Your roles in this service"}, roleAdmins, (*turn).cmdWhoAmI},
		{msg{"ringkasan", "summary"}, msg{"Ringkasan IKM, pemanfaatan dan dampak, dengan grafik", "Summary of IKM, usage and impact, with a chart"}, roleAdmins, (*turn).cmdSummary},
		{msg{"tindaklanjut", "followup"}, msg{"Tindak lanjut unsur bermutu C/D", "Follow-ups of unsur in band C/D"}, roleAdmins, (*turn).cmdFollowUp},
		{msg{"admin", "admin"}, msg{"Kelola peran: tambah, hapus, daftar", "Manage roles: add, remove, list"}, RoleSuperadmin, (*turn).cmdAdmin},
		{msg{"bantuan", "help"}, msg{"Daftar perintah", "List of commands"}, RoleResident, (*turn).cmdHelp},
	}
}

// findCommand looks a command up by either of its names.
func findCommand(table []command, name string) (command, bool) {
	for _, c := range table {
		if c.name.id == name || c.name.en == name {
			return c, true
		}
	}
	return command{}, false
}

// menu lists the commands for someone with roles r, in lang.
func menu(table []command, r Role, lang string) []tgbotapi.BotCommand {
	var out []tgbotapi.BotCommand
	for _, c := range table {
		if r.Has(c.roles) {
			out = append(out, tgbotapi.BotCommand{Command: c.name.in(lang), Description: c.desc.in(lang)})
		}
	}
	return out
}

// Commands is the residents' command menu in lang.
func Commands(lang string) []tgbotapi.BotCommand {
	return menu(commandTable(), RoleResident, lang)
}

// CommandMenu is one setMyCommands call: a scope, a language ("" for the
// default) and its commands.
type CommandMenu struct {
	Scope    tgbotapi.BotCommandScope
	Language string
	Commands []tgbotapi.BotCommand
}

// ResidentMenus is the residents' menu alone (Indonesian default, English
// for "en" users).
func ResidentMenus() []CommandMenu { return Menus(nil, nil) }

// Menus are the command menus to register: the residents' menu as the
// default (Indonesian, and English for "en" users), and a chat-scoped menu
// for each admin's private chat and each official's.
func Menus(admins, officials []int64) []CommandMenu {
	table := commandTable()
	var out []CommandMenu
	add := func(scope tgbotapi.BotCommandScope, r Role) {
		out = append(out,
			CommandMenu{Scope: scope, Commands: menu(table, r, survey.LangID)},
			CommandMenu{Scope: scope, Language: survey.LangEN, Commands: menu(table, r, survey.LangEN)})
	}
	add(tgbotapi.NewBotCommandScopeDefault(), RoleResident)
	for _, id := range officials {
		add(tgbotapi.NewBotCommandScopeChat(id), RoleResident|RoleOfficial)
	}
	for _, id := range admins {
		add(tgbotapi.NewBotCommandScopeChat(id), RoleResident|RoleSuperadmin)
	}
	return out
}

// helpText is /bantuan for someone with roles r: every command they may
// use, from the same table as the menu.
func helpText(table []command, r Role, lang string) string {
	var b strings.Builder
	b.WriteString(txtHelpTitle.in(lang))
	for _, c := range menu(table, r, lang) {
		b.WriteString("\n/" + c.Command + " – " + c.Description)
	}
	return b.String()
}
