package bot_test

import (
	"strings"
	"testing"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/botapitest"
)

// TestCommandTableDrivesHelpMenusAndRoles: /bantuan lists, in both
// languages, exactly the commands of the menu registered for the user; the
// admin command is refused to a resident (nothing changes) and answered
// for an admin (ADMIN_TELEGRAM_IDS).
func TestCommandTableDrivesHelpMenusAndRoles(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		const admin = 7131
		r := newRigWith(t, e, nil, func(o *bot.Options) { o.Roles = bot.StaticRoles{Superadmins: []int64{admin}} })
		r.poll()
		menus := bot.Menus([]int64{admin}, nil)
		for _, c := range []struct {
			user    int64
			lang    string
			scope   string
			help    string
			admin   bool
			command string
		}{
			{7130, "id", "default", "/bantuan", false, "/peran"},
			{7132, "en", "default", "/help", false, "/whoami"},
			{admin, "id", "chat", "/bantuan", true, "/peran"},
		} {
			u := r.emu.User(c.user, botapitest.WithLanguage(c.lang))
			u.Send(c.help)
			title := map[string]string{"id": "Perintah:", "en": "Commands:"}[c.lang]
			help := wait(t, u, "the help text", after(0, title))
			var menu []string
			for _, m := range menus {
				if m.Language == map[string]string{"id": "", "en": "en"}[c.lang] && (c.scope == "default") == (m.Scope.Type == "default") {
					for _, cmd := range m.Commands {
						menu = append(menu, cmd.Command)
					}
				}
			}
			if len(menu) == 0 {
				t.Fatalf("no %s menu in %s", c.scope, c.lang)
			}
			lines := strings.Split(help.Text, "\n")[1:]
			if len(lines) != len(menu) {
				t.Errorf("user %d: help lists %d commands, the menu %d:\n%s\nmenu %v", c.user, len(lines), len(menu), help.Text, menu)
			}
			for i, name := range menu {
				if i < len(lines) && !strings.HasPrefix(lines[i], "/"+name+" – ") {
					t.Errorf("user %d: help line %q, want /%s first", c.user, lines[i], name)
				}
			}
			before := u.LastMessage().ID
			u.Send(c.command)
			if c.admin {
				wait(t, u, "the roles", after(before, "superadmin"))
			} else {
				wait(t, u, "the refusal", after(before, map[string]string{"id": "hanya untuk petugas", "en": "only for authorised staff"}[c.lang]))
			}
		}
		if n := countRows(t, e.backend.RawDB(t), "SELECT COUNT(*) FROM respondents"); n != 0 {
			t.Errorf("%d respondents after help and role commands, want none", n)
		}
	})
}
