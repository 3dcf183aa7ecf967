package survey

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinCatalog(t *testing.T) {
	c := BuiltinCatalog()
	services := c.Services()
	if len(services) < 35 || len(services) > 50 {
		t.Errorf("example catalog has %d services, want about 40", len(services))
	}
	for _, code := range []string{"disdukcapil", "dpmptsp", "dinkes", "pkm_tanjung_paku", "pkm_ktk", "rsud", "dinsos",
		"diskominfo", "bapenda", "kec_lubuk_sikarah", "kec_tanjung_harapan"} {
		if o, ok := c.OPD(code); !ok || o.Name[LangID] == "" || o.Name[LangEN] == "" || len(o.Services) == 0 {
			t.Errorf("OPD %s = %+v, %v", code, o, ok)
		}
	}
	pbb, ok := c.Service("pbb")
	if !ok || pbb.OPDCode != "bapenda" || !pbb.Online {
		t.Errorf("Service(pbb) = %+v, %v", pbb, ok)
	}
	for _, code := range []string{"ktp", "kk", "akta_lahir", "pindah_datang", "nib", "pbg"} {
		if _, ok := c.Service(code); !ok {
			t.Errorf("service %s missing", code)
		}
	}
	if _, ok := c.Service("nope"); ok {
		t.Error("Service(nope) found")
	}
	if _, ok := c.OPD("pbb"); ok {
		t.Error("a service code was found as an OPD")
	}
	src, err := BuiltinSource("catalog.yaml")
	if err != nil || !strings.HasPrefix(string(src), "# EXAMPLE DATA") {
		t.Errorf("the example catalog must say so at the top (%v)", err)
	}
}

func TestLoadCatalogErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"duplicate code across OPDs and services",
			"opds:\n- code: a\n  name: A\n  services:\n  - {code: s1, name: S}\n- code: b\n  name: B\n  services:\n  - {code: s1, name: S}\n  - {code: a, name: S}\n",
			[]string{
				`c.yaml:9: opds[1].services[0].code: duplicate code "s1" (first at line 5)`,
				`c.yaml:10: opds[1].services[1].code: duplicate code "a" (first at line 2)`,
			}},
		{"bad and long codes", "opds:\n- code: Dinas-X\n  name: A\n  services:\n  - {code: abcdefghijklmnopqrstuvwxy, name: S}\n",
			[]string{
				`c.yaml:2: opds[0].code: bad code "Dinas-X" (want 1 to 24 of a-z 0-9 _)`,
				`c.yaml:5: opds[0].services[0].code: bad code "abcdefghijklmnopqrstuvwxy" (want 1 to 24 of a-z 0-9 _)`,
			}},
		{"missing names", "opds:\n- code: a\n  services:\n  - {code: s, online: true}\n",
			[]string{`c.yaml:2: opds[0].name: missing (required)`, `c.yaml:4: opds[0].services[0].name: missing (required)`}},
		{"typo", "opds:\n- code: a\n  name: A\n  services:\n  - {code: s, name: S, onlien: true}\n",
			[]string{`c.yaml:5: opds[0].services[0].onlien: unknown key (did you mean "online"?) (want code, name, online)`}},
		{"no services", "opds:\n- code: a\n  name: A\n  services: []\n",
			[]string{`c.yaml:4: opds[0].services: want a non-empty list of services, got a list`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadCatalog("c.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if !errors.Is(err, ErrInvalidDefinition) {
				t.Errorf("not ErrInvalidDefinition: %v", err)
			}
			if got := err.Error(); got != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n got  %s\n want %s", got, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestValidateFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "katalog.yaml", "opds:\n- code: a\n  name: A\n  services:\n  - {code: s, name: S}\n")
	writeFile(t, dir, "survei.yaml", string(readDef(t, "good.yaml")))
	writeFile(t, dir, "skm2.yaml", skmV2(t, "3"))
	writeFile(t, dir, "skm1.yaml", skmV2(t, "2"))
	writeFile(t, dir, "lain.yaml", "foo: 1\n")
	writeFile(t, dir, "rusak.yaml", "opds:\n- code: A\n  name: A\n  services:\n  - {code: s, name: S}\n")
	p := func(name string) string { return filepath.Join(dir, name) }

	if err := ValidateFiles([]string{p("katalog.yaml"), p("survei.yaml"), p("skm2.yaml")}); err != nil {
		t.Errorf("valid files refused: %v", err)
	}
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"unknown kind", []string{p("lain.yaml")}, p("lain.yaml") + ": neither a survey (top-level settings) nor a catalog (top-level opds)"},
		{"catalog error", []string{p("survei.yaml"), p("rusak.yaml")}, p("rusak.yaml") + `:2: opds[0].code: bad code "A"`},
		{"built-in version repeated", []string{p("skm1.yaml")}, `survey "skm" version "2" is already defined in builtin:skm.yaml`},
		{"missing file", []string{p("nope.yaml")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateFiles(tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidateFiles error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
