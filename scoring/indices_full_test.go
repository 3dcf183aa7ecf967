package scoring

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// TestFullIndicesMatchKeyedPooling: the full recompute's snapshots of
// every index (pooled as slices by key id) are those of pooling the same
// roll-up by key, as the incremental recompute pools stored aggregates:
// same snapshots, same order, same figures and aggregates; with reported
// counts for some services (digital take-up) and officials of some OPDs.
func TestFullIndicesMatchKeyedPooling(t *testing.T) {
	cat := &survey.Catalog{}
	for o := range 3 {
		opd := survey.OPD{Code: fmt.Sprintf("opd%d", 3-o)} // catalog order differs from code order
		for s := range 3 {
			opd.Services = append(opd.Services, survey.Service{Code: fmt.Sprintf("svc%d_%d", 3-o, s), OPDCode: opd.Code})
		}
		cat.OPDs = append(cat.OPDs, opd)
	}
	loc, _ := time.LoadLocation("Asia/Jakarta")
	to := time.Date(2026, 11, 27, 12, 0, 0, 0, loc)
	from := to.AddDate(-1, 0, 0)
	rows := memSummaries(cat, from, 3000)
	rows = append(rows, ResponseSummary{Survey: SurveySKM, Facts: Facts{{Element: ElemProfilUsia, Value: "61_plus"}},
		ResponseScore: ResponseScore{Service: "not_in_catalog", SubmittedAt: to.Add(-time.Hour), Elements: make([]ElementAgg, 9)}})
	starts := []Start{{Service: "svc1_0", At: to.Add(-48 * time.Hour)}, {Service: "svc2_2", At: from.Add(time.Hour)}}
	counts := func(service string, p survey.Period) (int, int, bool) {
		if service == "svc1_1" || (service == "svc2_0" && p.Kind == survey.PeriodMonth) {
			return 7, 20, true
		}
		return 0, 0, false
	}
	rc := &Recomputer{Indices: memIndexSource{rows: rows, starts: starts}, Catalog: cat, Location: loc, Counts: counts}
	kinds := []survey.PeriodKind{survey.PeriodWeek, survey.PeriodMonth, survey.PeriodQuarter, survey.PeriodYear}
	periods := rc.Periods(kinds, from, to)
	_, x, err := rc.readFull(context.Background(), periods, kinds, DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	got := rc.fullIndices(nil, periods, x, starts)
	want := keyedFull(rc, rows, starts, periods, kinds)
	if len(got) != len(want) || len(got) < 1000 {
		t.Fatalf("%d snapshots, keyed pooling gives %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Index != w.Index || g.Scope != w.Scope || g.ScopeCode != w.ScopeCode || g.Period != w.Period ||
			!SameFigure(g, w, 1e-12) || !slices.Equal(g.Details.Ranked, w.Details.Ranked) {
			t.Fatalf("snapshot %d: %s %s/%s %s %+v %+v, keyed pooling: %s %s/%s %s %+v %+v", i, g.Index, g.Scope, g.ScopeCode,
				g.Period.Key(), g, g.Details.Agg, w.Index, w.Scope, w.ScopeCode, w.Period.Key(), w, w.Details.Agg)
		}
	}
}

// keyedFull is the full recompute of the indices by key: the roll-up's
// aggregates by key, services pooled into OPDs with opdAggs and OPDs into
// the city with poolScopes.
func keyedFull(r *Recomputer, rows []ResponseSummary, starts []Start, periods []survey.Period, kinds []survey.PeriodKind) []Snapshot {
	x := newIndexRoller(r, kinds, nil)
	for i := range rows {
		x.addSummary(&rows[i], elementKeys(DefaultWeights()))
	}
	x.addStarts(starts)
	x.compose()
	ru := x.result()
	var out []Snapshot
	for _, p := range periods {
		id := periodID(p)
		svc := ru.svc[id]
		if svc == nil {
			svc = map[string]scopeAggs{}
		}
		r.addTakeUp(p, svc, nil)
		for _, c := range slices.Sorted(maps.Keys(svc)) {
			out = scopeSnapshots(out, ScopeService, c, p, svc[c])
		}
		opds := map[string]scopeAggs{}
		for _, o := range r.catalogOPDs() {
			opds[o.Code] = opdAggs(o, svc, ru.opd[id][o.Code])
			out = scopeSnapshots(out, ScopeOPD, o.Code, p, opds[o.Code])
		}
		out = scopeSnapshots(out, ScopeCity, "", p, poolScopes(opds))
	}
	return out
}
