package bot

import (
	"context"
	"slices"
	"strings"
)

// Role is a set of what a Telegram user may do; everyone is a resident.
type Role uint8

// Roles, combinable.
const (
	RoleResident Role = 1 << iota
	RoleOfficial
	RoleViewer
	RoleAdmin
	RoleSuperadmin
)

// roleAdmins is every role that may use admin commands.
const roleAdmins = RoleViewer | RoleAdmin | RoleSuperadmin

// Has reports whether r holds any role of want.
func (r Role) Has(want Role) bool { return r&want != 0 }

// names lists r's roles in lang, most powerful first.
func (r Role) names(lang string) string {
	all := []struct {
		r    Role
		name msg
	}{
		{RoleSuperadmin, msg{"superadmin", "superadmin"}}, {RoleAdmin, msg{"admin", "admin"}},
		{RoleViewer, msg{"peninjau", "viewer"}}, {RoleOfficial, msg{"ASN", "official"}},
		{RoleResident, msg{"warga", "resident"}},
	}
	var out []string
	for _, a := range all {
		if r.Has(a.r) {
			out = append(out, a.name.in(lang))
		}
	}
	return strings.Join(out, ", ")
}

// RoleSource tells a Telegram user's roles by numeric user id (never by
// username). Roles of its own are added to RoleResident, which everyone has.
type RoleSource interface {
	Roles(ctx context.Context, userID int64) (Role, error)
}

// StaticRoles are the superadmins named by ADMIN_TELEGRAM_IDS.
type StaticRoles struct {
	Superadmins []int64
}

// Roles returns RoleSuperadmin for the listed ids.
func (s StaticRoles) Roles(_ context.Context, userID int64) (Role, error) {
	if slices.Contains(s.Superadmins, userID) {
		return RoleSuperadmin, nil
	}
	return 0, nil
}

// rolesOf returns a user's roles; a failing source costs only the roles
// it would have granted (logged), never the resident's conversation.
func (b *Bot) rolesOf(ctx context.Context, userID int64) Role {
	r := RoleResident
	if b.opt.Roles == nil || userID == 0 {
		return r
	}
	extra, err := b.opt.Roles.Roles(ctx, userID)
	if err != nil {
		// Roles the other sources granted still count (AnyRoles).
		b.log.Warn("look up roles; going on with the roles found", "user_id", userID, "error", err)
	}
	return r | extra
}
