package scoring

import (
	"slices"

	"github.com/kotasolok/egovpulse/survey"
)

// denseRun builds a full recompute's snapshots from the roller's buckets
// directly: aggregates stay slices by key id (services into OPDs, OPDs into
// the city), never maps by key, and the keys are sorted once per run. It
// gives the snapshots scopeSnapshots, opdAggs and poolScopes give over the
// same aggregates, in the same order.
type denseRun struct {
	r      *Recomputer
	x      *indexRoller
	metas  []keyMeta
	order  []int // key ids in key order
	takeUp int   // key id of digital take-up; -1 without Counts
}

func newDenseRun(r *Recomputer, x *indexRoller) *denseRun {
	d := &denseRun{r: r, x: x, takeUp: -1}
	if r.Counts != nil {
		d.takeUp = x.keys.id(IndexDigitalTakeUp)
	}
	d.metas, d.order = x.keyMetas()
	return d
}

// period appends every snapshot of one period: each service with answers
// (or reported counts), each catalog OPD, the city.
func (d *denseRun) period(out []Snapshot, p survey.Period) []Snapshot {
	svc := d.services(p)
	codes := make([]string, 0, len(svc))
	for c := range svc {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		out = d.snapshots(out, ScopeService, c, p, svc[c])
	}
	return d.pool(out, p, svc)
}

// services returns the aggregates of each service of a period with
// answers or reported counts, by code.
func (d *denseRun) services(p survey.Period) map[string][]IndexAgg {
	n := len(d.metas)
	svc := map[string][]IndexAgg{}
	for _, s := range d.x.scopes {
		if !s.official {
			if a := d.x.aggs(p, s); a != nil {
				svc[s.code] = a
			}
		}
	}
	if d.takeUp >= 0 {
		for _, o := range d.r.catalogOPDs() {
			for _, s := range o.Services {
				digital, all, ok := d.r.Counts(s.Code, p)
				if !ok {
					continue
				}
				a := slices.Clone(svc[s.Code]) // the bucket may be a month's, pooled again
				if len(a) < n {
					a = append(a, make([]IndexAgg, n-len(a))...)
				}
				a[d.takeUp] = IndexAgg{N: all, Part: digital}
				svc[s.Code] = a
			}
		}
	}
	return svc
}

// pool appends the snapshots of each catalog OPD (its services' resident
// figures and its officials') and of the city (every OPD pooled, in code
// order).
func (d *denseRun) pool(out []Snapshot, p survey.Period, svc map[string][]IndexAgg) []Snapshot {
	n := len(d.metas)
	opds := d.r.catalogOPDs()
	pooled := make([][]IndexAgg, len(opds))
	for i, o := range opds {
		a := make([]IndexAgg, n)
		for _, s := range o.Services {
			for id, x := range svc[s.Code] {
				if x.N > 0 && !d.metas[id].official {
					a[id].Add(x)
				}
			}
		}
		for id, x := range d.x.aggs(p, scopeRef{official: true, code: o.Code}) {
			if x.N > 0 && d.metas[id].official {
				a[id].Add(x)
			}
		}
		pooled[i] = a
		out = d.snapshots(out, ScopeOPD, o.Code, p, a)
	}
	byCode := make([]int, len(opds)) // the city pools OPDs in code order
	for i := range byCode {
		byCode[i] = i
	}
	slices.SortStableFunc(byCode, func(a, b int) int {
		switch {
		case opds[a].Code < opds[b].Code:
			return -1
		case opds[a].Code > opds[b].Code:
			return 1
		}
		return 0
	})
	city := make([]IndexAgg, n)
	for _, i := range byCode {
		for id, x := range pooled[i] {
			if x.N > 0 {
				city[id].Add(x)
			}
		}
	}
	return d.snapshots(out, ScopeCity, "", p, city)
}

// snapshots appends one scope's snapshots, as scopeSnapshots does for the
// same aggregates by key.
func (d *denseRun) snapshots(out []Snapshot, scope ScopeKind, code string, p survey.Period, aggs []IndexAgg) []Snapshot {
	var nonResp IndexAgg
	for _, id := range d.order {
		if id >= len(aggs) || aggs[id].N == 0 {
			continue
		}
		a, m := aggs[id], d.metas[id]
		if m.nonResp {
			if nonResp.Items == nil {
				nonResp.Items = map[string]ElementAgg{}
			}
			nonResp.Items[m.element] = ElementAgg{Sum: float64(a.Part), Count: a.N}
			nonResp.N = max(nonResp.N, a.N)
			continue
		}
		if !m.ok || (m.def.Official && scope == ScopeService) {
			continue
		}
		out = append(out, IndexSnapshot(m.def, d.x.keys.keys[id], scope, code, p, a))
	}
	if nonResp.N > 0 {
		def, _ := DefOf(IndexNonResponse)
		out = append(out, IndexSnapshot(def, IndexNonResponse, scope, code, p, nonResp))
	}
	return out
}
