package survey

import (
	"testing"
)

// FuzzLoadSurvey feeds arbitrary bytes to the loaders: they must return a
// survey or an error, never panic, and a survey they accept must hold the
// invariants the engine relies on.
func FuzzLoadSurvey(f *testing.F) {
	for _, name := range []string{"skm.yaml", "layanan-digital.yaml", "asn.yaml", "catalog.yaml"} {
		src, err := BuiltinSource(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(base + "questions:\n- &q {type: text, name: a, label: A}\n- *q\n"))
	f.Add([]byte("a: [1, {b: c}, !!str d]\n---\nx: y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := LoadSurvey("fuzz.yaml", data)
		if (s == nil) == (err == nil) {
			t.Fatalf("LoadSurvey returned survey %v with error %v", s != nil, err)
		}
		if s != nil {
			checkAccepted(t, s)
		}
		if c, err := LoadCatalog("fuzz.yaml", data); (c == nil) == (err == nil) {
			t.Fatalf("LoadCatalog returned catalog %v with error %v", c != nil, err)
		}
	})
}

// checkAccepted checks what every accepted survey guarantees.
func checkAccepted(t *testing.T, s *Survey) {
	t.Helper()
	seen := map[string]bool{}
	for i, q := range s.Questions {
		if !nameRe.MatchString(q.Name) || seen[q.Name] {
			t.Fatalf("accepted bad or duplicate name %q", q.Name)
		}
		seen[q.Name] = true
		if q.Label[LangID] == "" && q.Type != TypeHidden && q.Type != TypeCalculate {
			t.Fatalf("accepted %s without an Indonesian label", q.Name)
		}
		if q.Type == TypeCalculate && q.Calculation == nil {
			t.Fatalf("accepted calculate %s without a calculation", q.Name)
		}
		for _, x := range []*Expr{q.Relevant, q.Constraint, q.Calculation} {
			for _, ref := range x.Refs() {
				if j := s.Index(ref); j < 0 || j >= i {
					t.Fatalf("%s refers to %s, not an earlier question", q.Name, ref)
				}
			}
		}
		if q.Type == TypeScale {
			n := 0
			for _, c := range q.Choices {
				n += btoi(isNumber(c.Value))
			}
			if n < 2 {
				t.Fatalf("accepted scale %s with %d numeric choices", q.Name, n)
			}
		}
	}
}
