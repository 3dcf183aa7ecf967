package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kotasolok/egovpulse/storage/storagetest"
)

// forEachDatabase runs fn with the DATABASE_URL of a fresh, migrated
// SQLite file and (when configured) a fresh, migrated MySQL database.
// LOG_LEVEL is error: a slow-query warning on a loaded machine must not
// disturb the exact messages the tests compare.
func forEachDatabase(t *testing.T, fn func(t *testing.T, vars map[string]string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, quietSQLite(t)) })
	t.Run("mysql", func(t *testing.T) {
		b := storagetest.MySQLBackend(t)
		b.MustOpen(t).Close()
		fn(t, map[string]string{"DATABASE_URL": mysqlURL(t, b.DSN), "LOG_LEVEL": "error"})
	})
}

// quietSQLite is sqliteVars logging errors only.
func quietSQLite(t *testing.T) map[string]string {
	vars := sqliteVars(t)
	vars["LOG_LEVEL"] = "error"
	return vars
}

// writeFile writes a test file and returns its path.
func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustRun runs a command that must succeed and returns its output.
func mustRun(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	code, out, errOut := runCmd(t, vars, nil, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

// wantRoster checks the roster listing (args: list's flags) row by row.
func wantRoster(t *testing.T, vars map[string]string, args []string, want ...string) {
	t.Helper()
	if got := rosterLines(t, vars, args...); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("officials list %v:\n%s\nwant:\n%s", args, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// rosterLines returns the roster listing's rows without the header, each
// with its columns separated by single spaces.
func rosterLines(t *testing.T, vars map[string]string, args ...string) []string {
	t.Helper()
	out := mustRun(t, vars, append([]string{"officials", "list"}, args...)...)
	var rows []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		rows = append(rows, strings.Join(strings.Fields(l), " "))
	}
	return rows
}

func TestOfficialsImportExcelFiles(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, vars map[string]string) {
		// Excel in an Indonesian locale: BOM, semicolons, CRLF, Indonesian header.
		excel := writeFile(t, "pegawai.csv", "\xef\xbb\xbfnama;opd;jabatan;peran;nip;telepon\r\n"+
			"Siti Rahma;disdukcapil;Struktural;Kepala;198701012010012001;0812 3456 7890\r\n"+
			"Budi Santoso;disdukcapil;pelaksana;operator;;\r\n"+
			"\"Rina; S.Kom\";dpmptsp;fungsional;staf;199001022015032002;\r\n")
		if out := mustRun(t, vars, "officials", "import", excel); out != excel+": 3 added, 0 updated, 0 marked inactive\n"+
			"note: no active operator on the roster for dpmptsp: nobody there can report service counts with /lapor or is reminded of them (give someone the role operator)\n" {
			t.Errorf("import output %q", out)
		}
		wantRoster(t, vars, nil,
			"2 disdukcapil Budi Santoso - pelaksana operator not invited",
			"1 disdukcapil Siti Rahma 198701012010012001 struktural head not invited",
			"3 dpmptsp Rina; S.Kom 199001022015032002 fungsional staff not invited")
		// Re-import, English header, commas, LF: Siti renamed (matched by
		// NIP), Budi gains a NIP (matched by name and OPD), Rina left out,
		// a new one added.
		english := writeFile(t, "staff.csv", "name,opd,level,role,nip,phone\n"+
			"Siti Rahma Dewi,disdukcapil,struktural,head,198701012010012001,\n"+
			"budi santoso,disdukcapil,pelaksana,operator,198505052009011003,\n"+
			"Andi,dpmptsp,pelaksana,staff,,\n")
		if out := mustRun(t, vars, "officials", "import", english); !strings.HasPrefix(out, english+": 1 added, 2 updated, 1 marked inactive\nnote: no active operator on the roster for dpmptsp:") {
			t.Errorf("re-import output %q", out)
		}
		wantRoster(t, vars, []string{"--opd", "dpmptsp"},
			"4 dpmptsp Andi - pelaksana staff not invited",
			"3 dpmptsp Rina; S.Kom 199001022015032002 fungsional staff inactive")
		wantRoster(t, vars, []string{"--opd", "disdukcapil"},
			"1 disdukcapil Siti Rahma Dewi 198701012010012001 struktural head not invited",
			"2 disdukcapil budi santoso 198505052009011003 pelaksana operator not invited")
	})
}

// badRoster has one good row and one of each problem.
const badRoster = "nama,opd,jabatan,peran,nip,telepon\n" +
	"Siti,disdukcapil,struktural,kepala,198701012010012001,\n" + // 2: good
	"Budi,disdukcapil,pelaksana,operator\n" + // 3: wrong column count
	"Rina,dinas_hiburan,fungsional,staff,,\n" + // 4: unknown OPD
	"Andi,dpmptsp,pelaksana,staff,198701012010012001,\n" + // 5: duplicate NIP
	"J\xe9r\xf4me,dpmptsp,pelaksana,staff,,\n" + // 6: Latin-1, not UTF-8
	"Dewi,dpmptsp,pelaksana,boss,,\n" + // 7: bad role
	"Eko,dpmptsp,eselon,staff,,\n" + // 8: bad level
	"Fajar,dpmptsp,pelaksana,staff,1.98701E+17,\n" // 9: NIP mangled by Excel

func TestOfficialsImportRefusesBadRows(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, vars map[string]string) {
		file := writeFile(t, "bad.csv", badRoster)
		code, out, errOut := runCmd(t, vars, nil, "officials", "import", file)
		want := "egovpulse officials: " + file + ": 7 bad row(s), nothing imported (fix them, or --skip-invalid to import the rest):\n" +
			"  " + file + ":3: 4 columns, want 6 as in the header\n" +
			"  " + file + ":4: unknown OPD \"dinas_hiburan\" (not in the catalog)\n" +
			"  " + file + ":5: duplicate NIP 198701012010012001 (first on line 2)\n" +
			"  " + file + ":6: not UTF-8 text (in Excel: Save As \"CSV UTF-8 (Comma delimited)\")\n" +
			"  " + file + ":7: bad role \"boss\" (want staff, head or operator)\n" +
			"  " + file + ":8: bad position level \"eselon\" (want struktural, fungsional or pelaksana)\n" +
			"  " + file + ":9: NIP \"1.98701E+17\" is not 18 digits (in Excel, format the column as Text)\n"
		if code != 1 || out != "" || errOut != want {
			t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, errOut, want)
		}
		code, _, errOut = runCmd(t, vars, nil, "officials", "list")
		if code != 1 || !strings.Contains(errOut, "no officials on the roster yet") {
			t.Errorf("after a refused import: exit %d, %q; want an empty roster", code, errOut)
		}
		out = mustRun(t, vars, "officials", "import", "--skip-invalid", file)
		if !strings.HasPrefix(out, file+": 1 added, 0 updated, 0 marked inactive (officials missing from the file stay active until a clean import)\n"+
			"note: no active operator on the roster for disdukcapil:") || !strings.Contains(out, "\nskipped 7 bad row(s):") ||
			!strings.Contains(out, file+":9: NIP") {
			t.Errorf("--skip-invalid output:\n%s", out)
		}
		wantRoster(t, vars, nil, "1 disdukcapil Siti 198701012010012001 struktural head not invited")
	})
}

func TestOfficialsImportBadFiles(t *testing.T) {
	vars := quietSQLite(t)
	for _, c := range []struct{ name, body, want string }{
		{"empty", "\xef\xbb\xbf\r\n", "the file is empty (want a header row and one row per line)"},
		{"unknown column", "nama;opd;jabatan;peran;email\n", `line 1: unknown column "email" (want nama/name, opd, jabatan/level, peran/role, nip (optional), telepon/phone (optional))`},
		{"missing column", "name,opd,level\n", "line 1: missing column peran or role (want nama/name, opd, jabatan/level, peran/role, nip (optional), telepon/phone (optional))"},
		{"header only", "name,opd,level,role\r\n", "no valid officials in the file, nothing imported"},
	} {
		file := writeFile(t, "f.csv", c.body)
		code, _, errOut := runCmd(t, vars, nil, "officials", "import", file)
		if want := "egovpulse officials: " + file + ": " + c.want + "\n"; code != 1 || errOut != want {
			t.Errorf("%s: exit %d, %q; want %q", c.name, code, errOut, want)
		}
	}
	if code, _, errOut := runCmd(t, vars, nil, "officials", "import"); code != 2 || !strings.Contains(errOut, "usage: officials import FILE.csv") {
		t.Errorf("no file: exit %d, %q", code, errOut)
	}
}
