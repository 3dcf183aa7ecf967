package bot

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kotasolok/egovpulse/storage"
)

// adminRoleWords maps the role words /admin tambah accepts to stored roles.
var adminRoleWords = map[string]string{
	"viewer": storage.GrantViewer, "peninjau": storage.GrantViewer,
	"admin": storage.GrantAdmin,
}

// cmdAdmin answers /admin (superadmins only, checked by the command
// table): tambah <id> viewer|admin, hapus <id>, daftar. A bad argument is
// answered with what is wrong and changes nothing.
func (t *turn) cmdAdmin(arg string) error {
	f := strings.Fields(strings.ToLower(arg))
	if len(f) == 0 {
		t.say(txtAdminUsage.in(t.lang()))
		return nil
	}
	switch f[0] {
	case "tambah", "add", "grant":
		return t.adminGrant(f[1:])
	case "hapus", "remove", "revoke":
		return t.adminRevoke(f[1:])
	case "daftar", "list":
		return t.adminList()
	}
	t.say(txtAdminUnknown.f(t.lang(), f[0]) + "\n" + txtAdminUsage.in(t.lang()))
	return nil
}

// adminTarget reads the user id argument: a number, not the sender's own,
// not a superadmin's; ok false when it was answered.
func (t *turn) adminTarget(args []string, want int) (int64, bool) {
	if len(args) != want {
		t.say(txtAdminUsage.in(t.lang()))
		return 0, false
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		t.say(txtAdminBadID.f(t.lang(), args[0]))
		return 0, false
	}
	if id == t.userID() {
		t.say(txtAdminSelf.in(t.lang()))
		return 0, false
	}
	if slices.Contains(t.b.superadmins(), id) {
		t.say(txtAdminSuperadmin.f(t.lang(), id))
		return 0, false
	}
	return id, true
}

func (t *turn) adminGrant(args []string) error {
	if len(args) == 2 {
		if _, ok := adminRoleWords[args[1]]; !ok {
			t.say(txtAdminBadRole.f(t.lang(), args[1]))
			return nil
		}
	}
	id, ok := t.adminTarget(args, 2)
	if !ok {
		return nil
	}
	role := adminRoleWords[args[1]]
	if _, err := t.tx.GrantRole(id, role, t.userID()); err != nil {
		return fmt.Errorf("/admin tambah: %w", err)
	}
	t.b.log.Info("role granted", "user_id", id, "role", role, "granted_by", t.userID())
	t.say(txtAdminGranted.f(t.lang(), grantRole(role).names(t.lang()), id))
	return nil
}

func (t *turn) adminRevoke(args []string) error {
	id, ok := t.adminTarget(args, 1)
	if !ok {
		return nil
	}
	err := t.tx.RevokeRole(id, t.userID())
	if errors.Is(err, storage.ErrNotFound) {
		t.say(txtAdminNoGrant.f(t.lang(), id))
		return nil
	}
	if err != nil {
		return fmt.Errorf("/admin hapus: %w", err)
	}
	t.b.log.Info("role revoked", "user_id", id, "revoked_by", t.userID())
	t.say(txtAdminRevoked.f(t.lang(), id))
	return nil
}

func (t *turn) adminList() error {
	grants, err := t.tx.ActiveGrants()
	if err != nil {
		return fmt.Errorf("/admin daftar: %w", err)
	}
	var b strings.Builder
	b.WriteString(txtAdminListTitle.in(t.lang()))
	for _, id := range t.b.superadmins() {
		fmt.Fprintf(&b, "\n• %d — %s", id, RoleSuperadmin.names(t.lang()))
	}
	for _, g := range grants {
		at := g.GrantedAt.In(t.b.opt.Location).Format("2006-01-02 15:04 MST")
		fmt.Fprintf(&b, "\n• %d — %s %s", g.UserID, grantRole(g.Role).names(t.lang()), txtAdminGrantedBy.f(t.lang(), g.GrantedBy, at))
	}
	if len(grants) == 0 {
		b.WriteString("\n" + txtAdminNoGrants.in(t.lang()))
	}
	t.say(b.String())
	return nil
}
