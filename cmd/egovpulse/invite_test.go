package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/kotasolok/egovpulse/bot/botapitest"
)

func TestOfficialsInviteAndRevoke(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, vars map[string]string) {
		roster := writeFile(t, "r.csv", "name,opd,level,role,nip,phone\n"+
			"Siti,disdukcapil,struktural,head,198701012010012001,0812 3456 7890\n"+
			"Budi,disdukcapil,pelaksana,operator,,\n")
		mustRun(t, vars, "officials", "import", roster)
		// Neither a username nor a reachable Bot API: say which to set.
		code, _, errOut := runCmd(t, vars, nil, "officials", "invite", "--opd", "disdukcapil")
		if code != 1 || !strings.Contains(errOut, "set TELEGRAM_BOT_USERNAME (like KotaSolokSurveiBot), or TELEGRAM_BOT_TOKEN with the Bot API reachable") {
			t.Errorf("no username: exit %d, %q", code, errOut)
		}
		// getMe answers: its username is used and remembered.
		emu := botapitest.New(botapitest.Options{BotUsername: "SolokSurveiBot"})
		if _, err := emu.Listen("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		withAPI := map[string]string{"TELEGRAM_BOT_TOKEN": emu.Token(), "TELEGRAM_API_ENDPOINT": emu.Endpoint()}
		for k, v := range vars {
			withAPI[k] = v
		}
		link := regexp.MustCompile(`^(\d+)\t(\S+)\thttps://t\.me/SolokSurveiBot\?start=inv_[A-Za-z0-9_-]{22}\t\(until \d{4}-\d\d-\d\d \d\d:\d\d\)$`)
		out := mustRun(t, withAPI, "officials", "invite", "--opd", "disdukcapil")
		if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !link.MatchString(lines[0]) || !link.MatchString(lines[1]) {
			t.Errorf("invite output:\n%s", out)
		}
		emu.Close()
		// The Bot API is gone: the remembered username still makes links.
		csvPath := t.TempDir() + "/undangan.csv"
		out = mustRun(t, vars, "officials", "invite", "--opd", "disdukcapil", "--csv", csvPath)
		if !strings.Contains(out, "https://t.me/SolokSurveiBot?start=inv_") || !strings.HasSuffix(out, "wrote 2 link(s) to "+csvPath+"\n") {
			t.Errorf("invite with the remembered username:\n%s", out)
		}
		data, err := os.ReadFile(csvPath)
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(string(data), "\r\n")
		if len(rows) != 4 || rows[0] != "id,nama,opd,nip,telepon,tautan,berlaku_sampai" ||
			!strings.HasPrefix(rows[2], "1,Siti,disdukcapil,198701012010012001,0812 3456 7890,https://t.me/SolokSurveiBot?start=inv_") {
			t.Errorf("mail-merge CSV:\n%s", data)
		}
		if got := rosterLines(t, vars); len(got) != 2 || !strings.HasSuffix(got[0], " invited") || !strings.HasSuffix(got[1], " invited") {
			t.Errorf("roster after the invitations: %q", got)
		}
		if out := mustRun(t, vars, "officials", "revoke", "1"); out != "revoked 1 invitation(s) of Siti (disdukcapil)\n" {
			t.Errorf("revoke output %q", out)
		}
		if got := rosterLines(t, vars); !strings.HasSuffix(got[1], "Siti 198701012010012001 struktural head not invited") {
			t.Errorf("roster after the revoke: %q", got)
		}
		code, _, errOut = runCmd(t, vars, nil, "officials", "revoke", "1")
		if code != 1 || !strings.Contains(errOut, "Siti (disdukcapil) has no pending invitation to revoke") {
			t.Errorf("second revoke: exit %d, %q", code, errOut)
		}
		code, _, errOut = runCmd(t, vars, nil, "officials", "revoke", "99")
		if code != 1 || !strings.Contains(errOut, "no official with ID 99") {
			t.Errorf("revoke 99: exit %d, %q", code, errOut)
		}
	})
}
