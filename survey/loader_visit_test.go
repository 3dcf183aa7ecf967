package survey

import (
	"strings"
	"testing"
)

const visitBase = `settings: {id: t, version: "1", title: T, audience: resident, period: quarter%s}
questions:
- {type: hidden, name: fakta}
- {type: select_one, name: a, label: A, choices: [{value: x, label: X}, {value: y, label: Y}]}
- {type: calculate, name: c, calculation: "if(${a} = 'x', 'ya', 'tidak')"}
- {type: scale, name: s1, label: S1, group: g, choices: [{value: "1", label: L}, {value: "2", label: M}]}
- {type: scale, name: s2, label: S2, group: g, choices: [{value: "1", label: L}, {value: "2", label: M}]}
- {type: text, name: saran, label: Saran?, on_review: true}
%s`

func TestLoadVisitKeys(t *testing.T) {
	s, err := LoadSurvey("ok.yaml", []byte(strings.Replace(strings.Replace(visitBase, "%s", ", remember: [a], samples: {g: 1}", 1), "%s", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples["g"] != 1 || s.Remember[0] != "a" || s.Question("c").Calculation == nil || !s.Question("saran").OnReview ||
		s.Question("fakta").Type != TypeHidden {
		t.Fatalf("loaded %+v", s)
	}
	tests := []struct{ name, settings, more, want string }{
		{"sample of the whole group", ", samples: {g: 2}", "", `settings.samples.g: asks 2 of the 2 questions of group "g"`},
		{"group without a sample", "", "", `group "g" has no entry in settings.samples`},
		{"remember a calculation", ", remember: [c], samples: {g: 1}", "", `"c" is not a select_one or scale question`},
		{"calculate without calculation", ", samples: {g: 1}", "- {type: calculate, name: d}\n", "calculation: missing (required)"},
		{"on_review on a choice", ", samples: {g: 1}", "- {type: select_one, name: e, label: E, on_review: true, choices: [{value: x, label: X}]}\n",
			"on_review: not allowed on select_one questions"},
		{"two on_review", ", samples: {g: 1}", "- {type: text, name: f, label: F, on_review: true}\n", "2 questions have on_review"},
		{"reading the suggestion", ", samples: {g: 1}", "- {type: text, name: g2, label: G, relevant: \"${saran} != ''\"}\n", "an on_review question"},
		{"a bad sample size", ", samples: {g: nol}", "", "want a whole number of questions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(visitBase, "%s", tt.settings, 1), "%s", tt.more, 1)
			_, err := LoadSurvey("bad.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
