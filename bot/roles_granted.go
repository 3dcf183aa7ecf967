package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// GrantReader reads the role granted to a user in chat (/admin tambah);
// storage.Store implements it.
type GrantReader interface {
	GrantedRole(ctx context.Context, userID int64) (string, error)
}

// GrantedRoles is the RoleSource of a running service: the superadmins of
// ADMIN_TELEGRAM_IDS and the viewers and admins they granted, stored.
type GrantedRoles struct {
	Superadmins []int64
	Grants      GrantReader
}

// Roles returns RoleSuperadmin for the listed ids, else the stored grant's
// role (none when there is no grant in force).
func (g GrantedRoles) Roles(ctx context.Context, userID int64) (Role, error) {
	if slices.Contains(g.Superadmins, userID) {
		return RoleSuperadmin, nil
	}
	if g.Grants == nil {
		return 0, nil
	}
	role, err := g.Grants.GrantedRole(ctx, userID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return grantRole(role), nil
}

// SuperadminIDs lists the superadmins.
func (g GrantedRoles) SuperadminIDs() []int64 { return slices.Clone(g.Superadmins) }

// SuperadminIDs lists the superadmins.
func (s StaticRoles) SuperadminIDs() []int64 { return slices.Clone(s.Superadmins) }

// grantRole is the Role of a stored grant.
func grantRole(role string) Role {
	switch role {
	case storage.GrantAdmin:
		return RoleAdmin
	case storage.GrantViewer:
		return RoleViewer
	}
	return 0
}

// superadminLister is a RoleSource that can list its superadmins.
type superadminLister interface{ SuperadminIDs() []int64 }

// superadmins lists the superadmins of the bot's RoleSource.
func (b *Bot) superadmins() []int64 {
	if l, ok := b.opt.Roles.(superadminLister); ok {
		return l.SuperadminIDs()
	}
	return nil
}

// rolesFor returns the roles a turn needs: only commands and the admins'
// and officials' buttons depend on more than being a resident, so other
// updates (answers) cost no lookup.
func (b *Bot) rolesFor(ctx context.Context, upd tgbotapi.Update, userID int64) Role {
	needs := false
	switch {
	case upd.Message != nil:
		needs = upd.Message.IsCommand()
	case upd.CallbackQuery != nil:
		d, ok := parseData(upd.CallbackQuery.Data)
		needs = ok && !d.survey && (strings.HasPrefix(d.token, prefixAdmin) || strings.HasPrefix(d.token, prefixOfficial))
	}
	if !needs {
		return RoleResident
	}
	return b.rolesOf(ctx, userID)
}

// GrantedMenus are the chat-scoped command menus of the users granted a
// role in chat (a viewer's and an admin's: the summary, /peran; not
// /admin), registered beside Menus at start. A superadmin's grant is left
// out: Menus has the superadmins' menus.
func GrantedMenus(grants []storage.AdminGrant, superadmins []int64) []CommandMenu {
	table := commandTable()
	var out []CommandMenu
	for _, g := range grants {
		if slices.Contains(superadmins, g.UserID) {
			continue
		}
		r := RoleResident | grantRole(g.Role)
		scope := tgbotapi.NewBotCommandScopeChat(g.UserID)
		out = append(out,
			CommandMenu{Scope: scope, Commands: menu(table, r, survey.LangID)},
			CommandMenu{Scope: scope, Language: survey.LangEN, Commands: menu(table, r, survey.LangEN)})
	}
	return out
}
