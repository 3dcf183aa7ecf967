package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/storage"
)

// inviteRoster puts three officials on the roster and returns an issued
// invitation per official name.
func inviteRoster(t *testing.T, st *storage.Store) map[string]storage.IssuedInvitation {
	t.Helper()
	ctx := context.Background()
	_, err := st.ImportRoster(ctx, []storage.RosterEntry{
		{Name: "Siti", OPDCode: "disdukcapil", Level: "struktural", Role: "head"},
		{Name: "Budi", OPDCode: "disdukcapil", Level: "pelaksana", Role: "operator"},
		{Name: "Andi", OPDCode: "dpmptsp", Level: "pelaksana", Role: "staff"},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]storage.IssuedInvitation{}
	for opd, ttl := range map[string]time.Duration{"disdukcapil": storage.InvitationTTL, "dpmptsp": -time.Minute} {
		invs, err := st.InviteOPD(ctx, opd, ttl)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range invs {
			out[inv.Official.Name] = inv
		}
	}
	return out
}

func TestInvitationLinks(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		invs := inviteRoster(t, e.store)
		r := newRig(t, e, nil)
		r.poll()
		siti, other := r.emu.User(301), r.emu.User(302, botapitest.WithLanguage("en"))
		ask := func(u *botapitest.User, token, want string) {
			t.Helper()
			last := 0
			if ms := u.Messages(); len(ms) > 0 {
				last = ms[len(ms)-1].ID
			}
			u.Send("/start inv_" + token)
			wait(t, u, want, after(last, want))
		}
		ask(siti, invs["Siti"].Token, "Terima kasih, Siti. Akun Telegram ini kini terhubung sebagai petugas Dinas Kependudukan")
		ask(siti, invs["Siti"].Token, "Terima kasih, Siti") // her own link again: still hers, nothing changes
		ask(other, invs["Siti"].Token, "This invitation link was already used.")
		ask(other, "AAAAAAAAAAAAAAAAAAAAAA", "This invitation link is not known.")
		ask(other, invs["Andi"].Token, "This invitation link has expired.")
		if _, n, err := e.store.RevokeInvitations(ctx, invs["Budi"].OfficialID); err != nil || n != 1 {
			t.Fatalf("revoke Budi: %d, %v", n, err)
		}
		ask(other, invs["Budi"].Token, "This invitation link was cancelled.")
		// Someone else's link: Siti's account opens a fresh link for Andi.
		fresh, err := e.store.InviteOPD(ctx, "dpmptsp", storage.InvitationTTL)
		if err != nil || len(fresh) != 1 {
			t.Fatalf("re-invite: %v, %v", fresh, err)
		}
		ask(siti, fresh[0].Token, "Akun Telegram ini sudah terhubung dengan petugas lain.")
		rows, err := e.store.Officials(ctx, "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, o := range rows {
			got[o.Name] = o.Status
			if o.TelegramUserID != nil && (o.Name != "Siti" || *o.TelegramUserID != 301) {
				t.Errorf("%s bound to %d", o.Name, *o.TelegramUserID)
			}
		}
		if got["Siti"] != "joined" || got["Budi"] != "not invited" || got["Andi"] != "invited" {
			t.Errorf("statuses %v; want Siti joined, Budi not invited (revoked), Andi invited (fresh link unused)", got)
		}
	})
}
