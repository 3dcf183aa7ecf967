package bot_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// TestGrantedRolesAndMenus: the stored grants give their roles (the
// superadmins theirs), and each granted user gets a menu with the summary
// but without /admin.
func TestGrantedRolesAndMenus(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		if _, err := st.GrantRole(ctx, 21, storage.GrantViewer, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GrantRole(ctx, 22, storage.GrantAdmin, 1); err != nil {
			t.Fatal(err)
		}
		src := bot.GrantedRoles{Superadmins: []int64{1}, Grants: st}
		for id, want := range map[int64]bot.Role{1: bot.RoleSuperadmin, 21: bot.RoleViewer, 22: bot.RoleAdmin, 23: 0} {
			if got, err := src.Roles(ctx, id); err != nil || got != want {
				t.Errorf("roles of %d = %v, %v; want %v", id, got, err, want)
			}
		}
		grants, err := st.ActiveGrants(ctx)
		if err != nil {
			t.Fatal(err)
		}
		menus := bot.GrantedMenus(grants, []int64{1})
		if len(menus) != 4 {
			t.Fatalf("%d menus, want id and en for each of the 2 granted users", len(menus))
		}
		for _, m := range menus {
			var names []string
			for _, c := range m.Commands {
				names = append(names, c.Command)
			}
			if m.Scope.ChatID != 21 && m.Scope.ChatID != 22 || slices.Contains(names, "admin") ||
				!(slices.Contains(names, "ringkasan") || slices.Contains(names, "summary")) {
				t.Errorf("menu of chat %d (%s) = %v; want the summary, not /admin", m.Scope.ChatID, m.Language, names)
			}
		}
	})
}
