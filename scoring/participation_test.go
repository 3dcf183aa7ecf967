package scoring

import "testing"

func TestRates(t *testing.T) {
	tests := []struct {
		name  string
		got   Percent
		want  float64
		valid bool
	}{
		{"response rate", ResponseRate(45, 60), 75, true},
		{"no invitations", ResponseRate(0, 0), 0, false},
		{"completion rate", CompletionRate(3, 4), 75, true},
		{"ASN coverage", ASNCoverage(12, 48), 25, true},
		{"ASN headcount unknown", ASNCoverage(12, 0), 0, false},
		{"negative count", PercentOf(-1, 10), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.Valid != tt.valid || !near(tt.got.Value, tt.want) {
				t.Errorf("= %+v, want %v valid=%v", tt.got, tt.want, tt.valid)
			}
		})
	}
}

func TestItemNonResponse(t *testing.T) {
	got := ItemNonResponse(10, map[string]int{"persyaratan": 10, "waktu": 7}, []string{"persyaratan", "waktu", "biaya"})
	want := []float64{0, 30, 100}
	for i, w := range want {
		if !got[i].Missing.Valid || !near(got[i].Missing.Value, w) {
			t.Errorf("%s = %+v, want %v %%", got[i].Element, got[i].Missing, w)
		}
	}
	for _, e := range ItemNonResponse(0, nil, []string{"waktu"}) {
		if e.Missing.Valid {
			t.Errorf("no completed responses gave %+v", e)
		}
	}
}

func TestServiceCoverage(t *testing.T) {
	got := ServiceCoverage([]ServiceSample{
		{Responses: 0, Population: 100},
		{Responses: 80, Population: 100}, // required 80: adequate
		{Responses: 79, Population: 100},
		{Responses: 5, Population: 0}, // population unknown: never adequate
	})
	if !near(got.Any.Value, 75) || !near(got.Adequate.Value, 25) {
		t.Errorf("= %+v, want any 75 %%, adequate 25 %%", got)
	}
	if empty := ServiceCoverage(nil); empty.Any.Valid || empty.Adequate.Valid {
		t.Errorf("no services gave %+v", empty)
	}
}

func TestVulnerableCoverage(t *testing.T) {
	got := VulnerableCoverage([]Vulnerability{{Disability: true}, {Aged60Plus: true}, {true, true}, {}, {}})
	if !near(got.Value, 60) || got.Part != 3 {
		t.Errorf("= %+v, want 3 of 5 = 60 %%", got)
	}
}
