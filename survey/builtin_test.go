package survey

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mustBuiltin returns the built-in survey with the given id.
func mustBuiltin(tb testing.TB, id string) *Survey {
	tb.Helper()
	all, err := BuiltinSurveys()
	if err != nil {
		tb.Fatalf("BuiltinSurveys: %v", err)
	}
	for _, s := range all {
		if s.ID == id {
			return s
		}
	}
	tb.Fatalf("no built-in survey %q", id)
	return nil
}

func TestBuiltinSurveysLoad(t *testing.T) {
	tests := []struct {
		id       string
		audience Audience
		period   PeriodKind
	}{
		{"skm", AudienceResident, PeriodQuarter},
		{"layanan-digital", AudienceResident, PeriodQuarter},
		{"asn", AudienceOfficial, PeriodMonth},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			s := mustBuiltin(t, tt.id)
			if s.Audience != tt.audience || s.Period != tt.period || s.File != "builtin:"+tt.id+".yaml" {
				t.Errorf("audience %s period %s file %s", s.Audience, s.Period, s.File)
			}
			checkBilingual(t, "title", s.Title)
			for _, q := range s.Questions {
				checkBilingual(t, q.Name+".label", q.Label)
				for _, txt := range []Text{q.Hint, q.ConstraintMessage, q.ScreenOutMessage} {
					if txt != nil {
						checkBilingual(t, q.Name+" message", txt)
					}
				}
				for _, c := range q.Choices {
					checkBilingual(t, q.Name+"="+c.Value, c.Label)
				}
			}
		})
	}
}

// checkBilingual fails when a built-in text lacks Indonesian or English.
func checkBilingual(tb testing.TB, what string, txt Text) {
	tb.Helper()
	if txt[LangID] == "" || txt[LangEN] == "" {
		tb.Errorf("%s: want id and en, got %v", what, txt)
	}
}

// unsurRow is one row of the SKM table of INDICATORS.md §1.
type unsurRow struct {
	key, question string
	labels        []string
}

func readUnsurTable(tb testing.TB) []unsurRow {
	tb.Helper()
	var rows []unsurRow
	for _, line := range strings.Split(string(readDef(tb, "skm_unsur_table.md")), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 7 || cells[0] == "key" || strings.HasPrefix(cells[0], "-") {
			continue
		}
		rows = append(rows, unsurRow{key: cells[0], question: cells[2], labels: cells[3:]})
	}
	if len(rows) != 9 {
		tb.Fatalf("read %d unsur rows from the table, want 9", len(rows))
	}
	return rows
}

func TestSKMNineUnsurExactWording(t *testing.T) {
	s := mustBuiltin(t, "skm")
	var scales []*Question
	for _, q := range s.Questions {
		if q.Type == TypeScale && slices.Contains(skmElements(), q.Element) {
			scales = append(scales, q)
		}
	}
	rows := readUnsurTable(t)
	if len(scales) != len(rows) {
		t.Fatalf("skm has %d scale questions, want %d", len(scales), len(rows))
	}
	for i, row := range rows {
		t.Run(row.key, func(t *testing.T) {
			q := scales[i]
			if q.Element != row.key || q.Name != row.key || !q.Required {
				t.Errorf("question %d: name %q element %q required %v, want %q required", i, q.Name, q.Element, q.Required, row.key)
			}
			if q.Label[LangID] != row.question {
				t.Errorf("wording:\n got  %q\n want %q", q.Label[LangID], row.question)
			}
			if len(q.Choices) != 4 {
				t.Fatalf("%d choices, want 4", len(q.Choices))
			}
			for j, c := range q.Choices {
				if want := string(rune('1' + j)); c.Value != want || c.Label[LangID] != row.labels[j] {
					t.Errorf("choice %d = %s %q, want %s %q", j, c.Value, c.Label[LangID], want, row.labels[j])
				}
			}
		})
	}
}

func TestSKMProfileAndScreenOut(t *testing.T) {
	s := mustBuiltin(t, "skm")
	first := s.Questions[slices.IndexFunc(s.Questions, (*Question).asked)]
	if first.Name != "usia" {
		t.Fatalf("first question asked is %q, want usia (age band first)", first.Name)
	}
	usia := first
	if _, ok := usia.Choice("u17"); !ok || len(usia.Choices) != 7 || usia.ScreenOut == nil {
		t.Fatalf("usia choices %v, screen_out %v", usia.Choices, usia.ScreenOut)
	}
	for _, tt := range []struct {
		age  string
		stop bool
	}{{"u17", true}, {"17_25", false}, {"61_plus", false}} {
		t.Run(tt.age, func(t *testing.T) {
			got := usia.ScreenOut.True(map[string]Answer{"usia": {Value: tt.age}}, nil)
			if got != tt.stop {
				t.Errorf("screen_out for %s = %v, want %v", tt.age, got, tt.stop)
			}
		})
	}
	want := []string{"usia", "jenis_kelamin", "pendidikan", "pekerjaan", "disabilitas", "tanggal_layanan"}
	var asked []*Question
	for _, q := range s.Questions {
		if q.asked() {
			asked = append(asked, q)
		}
	}
	for i, name := range want {
		if asked[i].Name != name {
			t.Errorf("profile question %d = %q, want %q", i, asked[i].Name, name)
		}
	}
	if !slices.Equal(s.Remember, want[:5]) {
		t.Errorf("remembered %q, want the profile %q", s.Remember, want[:5])
	}
	if got := len(s.Question("pendidikan").Choices); got != 7 {
		t.Errorf("pendidikan has %d choices, want 7", got)
	}
	if got := len(s.Question("pekerjaan").Choices); got != 6 {
		t.Errorf("pekerjaan has %d choices, want 6", got)
	}
	if q := s.Question("disabilitas"); q.Required {
		t.Error("disabilitas must be optional")
	}
	if q := s.Questions[len(s.Questions)-1]; q.Name != "saran" || q.Type != TypeText || q.Required {
		t.Errorf("last question = %s %s required=%v, want optional text saran", q.Name, q.Type, q.Required)
	}
}

func TestLayananDigitalItems(t *testing.T) {
	s := mustBuiltin(t, "layanan-digital")
	items := []string{"hemat_waktu", "hemat_biaya", "kurang_kunjungan", "transparansi", "kepastian_waktu", "integritas", "kepercayaan", "bermanfaat"}
	for _, it := range items {
		q := s.questionByElement("dampak." + it)
		if q == nil || q.Type != TypeScale || len(q.Choices) != 6 {
			t.Fatalf("dampak.%s: %+v", it, q)
		}
		if c, ok := q.Choice("tt"); !ok || c.Label[LangID] != "Tidak tahu" {
			t.Errorf("dampak.%s lacks the Tidak tahu choice", it)
		}
	}
	for el, n := range map[string]int{"pemanfaatan.frekuensi": 5, "kepuasan.csat": 5, "kepuasan.ces": 7, "kepuasan.nps": 11} {
		if q := s.questionByElement(el); q == nil || len(q.Choices) != n {
			t.Errorf("%s: want a scale of %d points, got %+v", el, n, q)
		}
	}
	var manfaat, biaya int
	for _, q := range s.Questions {
		manfaat += btoi(strings.HasPrefix(q.Element, "nkp.manfaat."))
		biaya += btoi(strings.HasPrefix(q.Element, "nkp.biaya."))
	}
	if manfaat == 0 || biaya == 0 {
		t.Errorf("NKP items: %d manfaat, %d biaya", manfaat, biaya)
	}
	nps := s.questionByElement("kepuasan.nps")
	if !slices.Equal(nps.Relevant.Refs(), []string{"aplikasi"}) || s.Index("aplikasi") > s.Index(nps.Name) {
		t.Errorf("NPS must depend on an earlier aplikasi question, refs %v", nps.Relevant.Refs())
	}
	kanal := s.Question("kanal")
	for _, tt := range []struct {
		tahu string
		ask  bool
	}{{"ya", true}, {"tidak", false}} {
		if got := kanal.Relevant.True(map[string]Answer{"tahu_online": {Value: tt.tahu}}, nil); got != tt.ask {
			t.Errorf("kanal asked when tahu_online=%s: %v, want %v", tt.tahu, got, tt.ask)
		}
	}
	if q := s.Question("menit_hemat"); q.Required || *q.Min != 0 || *q.Max != 10000 {
		t.Errorf("menit_hemat = %+v", q)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestASNSkipLogicAndConstraint(t *testing.T) {
	s := mustBuiltin(t, "asn")
	for _, sys := range []string{"srikandi", "ekinerja", "sipd", "siasn", "aplikasi_opd"} {
		if q := s.questionByElement("asn.frekuensi." + sys); q == nil || len(q.Choices) != 5 {
			t.Errorf("asn.frekuensi.%s missing or not 1..5", sys)
		}
	}
	kendala := s.questionByElement("asn.kendala")
	if kendala == nil || kendala.Type != TypeSelectMultiple || len(kendala.Choices) != 8 {
		t.Fatalf("asn.kendala = %+v", kendala)
	}
	lain := s.Question("kendala_lain")
	if !lain.Relevant.True(map[string]Answer{"kendala": {Value: "internet lainnya"}}, nil) ||
		lain.Relevant.True(map[string]Answer{"kendala": {Value: "internet anggaran"}}, nil) {
		t.Error("kendala_lain must be asked exactly when lainnya is ticked")
	}
	dig := s.questionByElement("asn.jumlah_digital")
	answers := map[string]Answer{"jumlah_layanan": {Value: "10"}}
	for _, tt := range []struct {
		v  string
		ok bool
	}{{"10", true}, {"3", true}, {"11", false}} {
		if got := dig.Constraint.True(answers, &Answer{Value: tt.v}); got != tt.ok {
			t.Errorf("jumlah_digital %s of 10 accepted = %v, want %v", tt.v, got, tt.ok)
		}
	}
	if q := s.questionByElement("asn.porsi_digital"); q == nil || *q.Min != 0 || *q.Max != 100 {
		t.Errorf("asn.porsi_digital = %+v", q)
	}
}

// writeFile writes a survey file into dir.
func writeFile(tb testing.TB, dir, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// skmV2 is the built-in skm with a new version number.
func skmV2(tb testing.TB, version string) string {
	tb.Helper()
	src, err := BuiltinSource("skm.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Replace(string(src), `version: "2"`, `version: "`+version+`"`, 1)
}

func TestLoadRegistry(t *testing.T) {
	r, err := LoadRegistry("")
	if err != nil {
		t.Fatalf("LoadRegistry(\"\"): %v", err)
	}
	if got := strings.Join(r.IDs(), " "); got != "asn layanan-digital skm" {
		t.Errorf("IDs = %s", got)
	}
	if _, err := r.Get("skm", "9"); !errors.Is(err, ErrUnknownSurvey) {
		t.Errorf("Get(skm, 9) error = %v, want ErrUnknownSurvey", err)
	}
	if _, err := r.Latest("nope"); !errors.Is(err, ErrUnknownSurvey) {
		t.Errorf("Latest(nope) error = %v, want ErrUnknownSurvey", err)
	}

	dir := t.TempDir()
	writeFile(t, dir, "skm-10.yaml", skmV2(t, "2.10"))
	writeFile(t, dir, "skm-9.yml", skmV2(t, "2.9"))
	writeFile(t, dir, "notes.txt", "not a survey")
	r, err = LoadRegistry(dir)
	if err != nil {
		t.Fatalf("LoadRegistry(dir): %v", err)
	}
	latest, err := r.Latest("skm")
	if err != nil || latest.Version != "2.10" || latest.File != filepath.Join(dir, "skm-10.yaml") {
		t.Fatalf("Latest(skm) = %v, %v; want 2.10 from the folder", latest, err)
	}
	if old, err := r.Get("skm", "2"); err != nil || old.File != "builtin:skm.yaml" {
		t.Errorf("Get(skm, 2) = %v, %v; the built-in stays for pinned sessions", old, err)
	}
	if got := strings.Join(r.Versions("skm"), " "); got != "2 2.9 2.10" {
		t.Errorf("Versions(skm) = %s", got)
	}
}

func TestLoadRegistryRefuses(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"same version as a built-in", map[string]string{"a.yaml": skmV2(t, "2.0")},
			[]string{`a.yaml: settings.version: survey "skm" version "2.0" is already defined in builtin:skm.yaml`}},
		{"same version twice", map[string]string{"a.yaml": skmV2(t, "3"), "b.yaml": skmV2(t, "3")},
			[]string{`b.yaml: settings.version: survey "skm" version "3" is already defined in `, `a.yaml`}},
		{"invalid file", map[string]string{"a.yaml": skmV2(t, "3"), "bad.yaml": "settings: {id: x}\n"},
			[]string{`bad.yaml:1: settings.version: missing (required)`, `bad.yaml:1: questions: missing (required)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
			}
			r, err := LoadRegistry(dir)
			if err == nil {
				t.Fatalf("LoadRegistry accepted it: %v", r.IDs())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
