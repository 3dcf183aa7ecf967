package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/kotasolok/egovpulse/internal/testkit"
	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// runCmd runs the binary's run() in-process with the given environment.
func runCmd(t *testing.T, vars map[string]string, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb testkit.SyncBuffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	env := &environment{stdin: stdin, stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code = run(ctx, args, env)
	return code, out.String(), errb.String()
}

// sqliteVars points DATABASE_URL at a fresh SQLite file.
func sqliteVars(t *testing.T) map[string]string {
	return map[string]string{"DATABASE_URL": "sqlite://" + filepath.Join(t.TempDir(), "e.db")}
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCmd(t, nil, nil, "help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "  "+c.name) {
			t.Errorf("help does not list %q:\n%s", c.name, out)
		}
	}
	code, _, errOut := runCmd(t, nil, nil, "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, nil, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "egovpulse ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestValidate(t *testing.T) {
	code, out, errOut := runCmd(t, nil, nil, "validate")
	if code != 0 || !strings.Contains(out, "skm") {
		t.Fatalf("validate built-ins: exit %d, %q %q", code, out, errOut)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("settings:\n  id: x\n  version: \"1\"\n  title: {id: X}\n  audience: resident\n  period: quarter\nquestions:\n  - type: slect_one\n    name: a\n    label: A\n"), 0o644)
	code, _, errOut = runCmd(t, nil, nil, "validate", bad)
	if code != 1 || !strings.Contains(errOut, "bad.yaml:8: questions[0].type") {
		t.Errorf("validate bad file: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCmd(t, map[string]string{"SURVEYS_DIR": dir}, nil, "validate")
	if code != 1 || !strings.Contains(errOut, "bad.yaml:8") {
		t.Errorf("validate SURVEYS_DIR with a bad file: exit %d, %q", code, errOut)
	}
}

func TestMigrateSQLite(t *testing.T) {
	vars := sqliteVars(t)
	code, out, errOut := runCmd(t, vars, nil, "migrate")
	if code != 0 || !strings.Contains(out, "schema at version") {
		t.Fatalf("migrate: exit %d, %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, vars, nil, "migrate")
	if code != 0 || !strings.Contains(out, "(0 applied now)") {
		t.Errorf("second migrate: exit %d, %q", code, out)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	vars := sqliteVars(t)
	vars["TELEGRAM_MODE"] = "push"
	vars["DATABASE_URL"] = "mysql://app:hunter2secret@db/"
	code, _, errOut := runCmd(t, vars, nil, "serve")
	if code != 1 || !strings.Contains(errOut, "TELEGRAM_MODE") || !strings.Contains(errOut, "DATABASE_URL") {
		t.Errorf("exit %d, %q", code, errOut)
	}
	if strings.Contains(errOut, "hunter2secret") {
		t.Errorf("the password leaked: %q", errOut)
	}
}

// mysqlURL turns a storagetest backend DSN into a DATABASE_URL.
func mysqlURL(t *testing.T, dsn string) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cred := cfg.User
	if cfg.Passwd != "" {
		cred += ":" + cfg.Passwd
	}
	return fmt.Sprintf("mysql://%s@%s/%s", cred, cfg.Addr, cfg.DBName)
}

func TestMySQLRefusesAnOutdatedSchema(t *testing.T) {
	b := storagetest.MySQLBackend(t)
	vars := map[string]string{"DATABASE_URL": mysqlURL(t, b.DSN), "TELEGRAM_BOT_TOKEN": "1:abc"}
	code, _, errOut := runCmd(t, vars, nil, "serve")
	if code != 1 || !strings.Contains(errOut, "egovpulse migrate") {
		t.Fatalf("serve on an empty MySQL database: exit %d, %q", code, errOut)
	}
	if code, out, errOut := runCmd(t, vars, nil, "migrate"); code != 0 {
		t.Fatalf("migrate: exit %d %q %q", code, out, errOut)
	}
}

// TestChatTryIt drives the try-it command as a person at the terminal.
func TestChatTryIt(t *testing.T) {
	vars := sqliteVars(t)
	pr, pw := io.Pipe()
	var out, errb testkit.SyncBuffer
	env := &environment{stdin: pr, stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"chat", "--service", "ktp"}, env) }()
	expect := func(sub string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !strings.Contains(out.String(), sub) {
			if time.Now().After(deadline) {
				t.Fatalf("terminal never showed %q:\n%s\nstderr: %s", sub, out.String(), errb.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	expect("[1] ✅ Setuju")
	fmt.Fprintln(pw, "1")
	expect("Berapa usia Anda?")
	expect("[3] 26–35 tahun")
	fmt.Fprintln(pw, "3")
	expect("✓ 26–35 tahun")
	expect("Jenis kelamin")
	fmt.Fprintln(pw, "/quit")
	if code := <-done; code != 0 {
		t.Errorf("chat exit %d: %s", code, errb.String())
	}
}

// TestChatPipedScript: lines piped in at once (a scripted demo) each meet
// the keyboard they were meant for, and the replies to the last one are
// shown before the command ends at the end of the input.
func TestChatPipedScript(t *testing.T) {
	vars := sqliteVars(t)
	var out, errb testkit.SyncBuffer
	env := &environment{stdin: strings.NewReader("1\n3\n2\n"), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if code := run(ctx, []string{"chat", "--service", "ktp"}, env); code != 0 {
		t.Fatalf("chat exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"✓ 26–35 tahun", "✓ Perempuan", "(3/16) Pendidikan terakhir"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("terminal never showed %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "Sebelum menjawab") {
		t.Errorf("a piped line was taken before its keyboard arrived:\n%s", out.String())
	}
}

func TestServeRefusesABadSchedule(t *testing.T) {
	vars := sqliteVars(t)
	vars["TELEGRAM_BOT_TOKEN"] = "1:abc"
	vars["SCORE_SCHEDULE"] = "every now and then"
	code, _, errOut := runCmd(t, vars, nil, "serve")
	if code != 1 || !strings.Contains(errOut, "SCORE_SCHEDULE") || !strings.Contains(errOut, "every now and then") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}
