package csvin

import (
	"strings"
	"testing"
)

var cols = []Column{{Name: "a", Aliases: []string{"a", "satu"}}, {Name: "b", Aliases: []string{"b"}, Optional: true}}

func TestLineNumbersFollowTheFile(t *testing.T) {
	// A quoted field spanning two lines, a blank line, CRLF, a short row.
	data := "\xef\xbb\xbfSatu;B\r\n\"x\r\ny\";1\r\n\r\nz;2\r\nonly\r\n"
	rows, bad, err := Read([]byte(data), cols)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[0].Get("a") != "x\ny" || rows[1].Line != 5 || rows[1].Get("b") != "2" {
		t.Errorf("rows = %+v", rows)
	}
	if bad.Error() != "line 6: 1 columns, want 2 as in the header" {
		t.Errorf("bad = %q", bad.Error())
	}
}

func TestCommaWinsUnlessSemicolonsDominate(t *testing.T) {
	rows, bad, err := Read([]byte("a,b\n\"1;2\",3\n"), cols)
	if err != nil || len(bad) != 0 || len(rows) != 1 || rows[0].Get("a") != "1;2" {
		t.Errorf("rows %+v, bad %v, err %v", rows, bad, err)
	}
	_, _, err = Read([]byte("a\xff\n1\n"), cols)
	if err == nil || !strings.Contains(err.Error(), "line 1: not UTF-8") {
		t.Errorf("a Latin-1 header: %v", err)
	}
	_, _, err = Read([]byte("a,a\n"), cols)
	if err == nil || err.Error() != `line 1: column "a" appears twice` {
		t.Errorf("a repeated column: %v", err)
	}
}
