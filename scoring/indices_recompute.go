package scoring

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// IndexSource is what the recompute of the indices beside the IKM reads;
// storage.Store implements it.
type IndexSource interface {
	// EachResponseSummary calls fn with each response submitted in
	// [from, to), in no fixed order, with its IKM element scores (aligned
	// with elements) and facts: resident responses of services, officials'
	// responses of opds (nil both: all of both; an empty list: none of
	// that audience). The summary is valid during the call only (its
	// slices are reused); an error from fn stops the reading.
	EachResponseSummary(ctx context.Context, from, to time.Time, elements, services, opds []string, fn func(*ResponseSummary) error) error
	// UnsubmittedStarts returns the resident responses started in
	// [from, to) and not submitted, of services (nil: all).
	UnsubmittedStarts(ctx context.Context, from, to time.Time, services []string) ([]Start, error)
	// StoredIndexAggs returns the aggregates of the stored index snapshots
	// (every index but the IKM) of one period: the services listed and
	// every OPD, by "service/<code>" or "opd/<code>", then index key.
	StoredIndexAggs(ctx context.Context, p survey.Period, services []string) (map[string]map[string]IndexAgg, error)
}

// readFull reads the responses of the periods once: with Indices, the
// summaries, summed into a roll-up of every index as they arrive (in
// another goroutine than the reading: eachPiped; the IKM rows are those
// with an unsur score, kept); else the IKM rows only.
func (r *Recomputer) readFull(ctx context.Context, periods []survey.Period, kinds []survey.PeriodKind, w Weights) ([]ResponseScore, *indexRoller, error) {
	lo, hi := span(periods)
	if r.Indices == nil {
		rows, err := r.Source.ResponseScores(ctx, lo, hi, elementKeys(w), nil)
		return rows, nil, err
	}
	x := newIndexRoller(r, kinds, nil)
	ikm := elementKeys(w)
	var rows []ResponseScore
	var slab []ElementAgg // the IKM rows' Elements, allocated 1024 rows at a time
	err := r.eachPiped(ctx, lo, hi, ikm, nil, nil, func(s *ResponseSummary) {
		x.addSummary(s, ikm)
		if s.Official || !slices.ContainsFunc(s.Elements, func(e ElementAgg) bool { return e.Count > 0 }) {
			return
		}
		if len(slab) < len(s.Elements) {
			slab = make([]ElementAgg, 1024*len(s.Elements))
		}
		row := s.ResponseScore
		row.Elements, slab = slab[:len(s.Elements):len(s.Elements)], slab[len(s.Elements):]
		copy(row.Elements, s.Elements)
		rows = append(rows, row)
	})
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(rows, func(a, b ResponseScore) int { return cmp.Compare(a.ResponseID, b.ResponseID) })
	return rows, x, nil
}

// fullIndices appends to out every index of every scope of the periods,
// from the roll-up of the summaries (x) and the unsubmitted starts. A
// denseRun only reads the roll-up, so periods are built concurrently.
func (r *Recomputer) fullIndices(out []Snapshot, periods []survey.Period, x *indexRoller, starts []Start) []Snapshot {
	x.addStarts(starts)
	x.compose()
	d := newDenseRun(r, x)
	// About 21 snapshots per scope and period, and room for the IKM: the
	// slices are made once (growing them would copy every snapshot).
	perPeriod := 1 + len(r.catalogOPDs())
	for _, o := range r.catalogOPDs() {
		perPeriod += len(o.Services)
	}
	perPeriod *= 24
	if out == nil {
		out = make([]Snapshot, 0, len(periods)*perPeriod)
	}
	// The periods' snapshots in two goroutines, each half in order.
	half := len(periods) / 2
	second := make([]Snapshot, 0, (len(periods)-half)*perPeriod)
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, p := range periods[half:] {
			second = d.period(second, p)
		}
	})
	for _, p := range periods[:half] {
		out = d.period(out, p)
	}
	wg.Wait()
	return append(out, second...)
}

// incrementalIndices recomputes, for each period of kinds containing a
// touch, the touched services and OPDs (officials' touches) from their
// summaries, their OPDs from the stored aggregates of the OPD's other
// services, and the city from the stored aggregates of the other OPDs.
func (r *Recomputer) incrementalIndices(ctx context.Context, kinds []survey.PeriodKind, touches []Touch, w Weights) ([]Snapshot, error) {
	touched := map[string]map[string]bool{} // period id → "service/x", "opd/y"
	var periods []survey.Period
	services, opds := []string{}, []string{}
	for _, t := range touches {
		scope := "service/" + t.Service
		if t.Official {
			scope = "opd/" + t.OPD
			if !slices.Contains(opds, t.OPD) {
				opds = append(opds, t.OPD)
			}
		} else if !slices.Contains(services, t.Service) {
			services = append(services, t.Service)
		}
		periods = r.touchPeriods(touched, periods, kinds, t.At, scope)
	}
	if len(periods) == 0 {
		return nil, nil
	}
	lo, hi := span(periods)
	// Each period's stored aggregates are read while the summaries are.
	stored := make([]storedAggs, len(periods))
	var wg sync.WaitGroup
	for i, p := range periods {
		read, _ := r.hitOPDs(touched[periodID(p)])
		wg.Go(func() { stored[i].aggs, stored[i].err = r.Indices.StoredIndexAggs(ctx, p, read) })
	}
	x := newIndexRoller(r, kinds, func(id, scope string) bool { return touched[id][scope] })
	ikm := elementKeys(w)
	err := r.Indices.EachResponseSummary(ctx, lo, hi, ikm, services, opds, func(s *ResponseSummary) error {
		x.addSummary(s, ikm)
		return nil
	})
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("recompute indices: %w", err)
	}
	var starts []Start
	if len(services) > 0 {
		if starts, err = r.Indices.UnsubmittedStarts(ctx, lo, hi, services); err != nil {
			return nil, fmt.Errorf("recompute indices: %w", err)
		}
	}
	x.addStarts(starts)
	x.compose()
	ru := x.result()
	var out []Snapshot
	for i, p := range periods {
		if stored[i].err != nil {
			return nil, fmt.Errorf("recompute indices %s: %w", p.Key(), stored[i].err)
		}
		out = append(out, r.periodIndicesIncremental(p, ru, touched[periodID(p)], stored[i].aggs)...)
	}
	return out, nil
}

// storedAggs is what StoredIndexAggs returned for one period.
type storedAggs struct {
	aggs map[string]map[string]IndexAgg
	err  error
}

// hitOPDs lists the OPDs a period's touched scopes belong to, and their
// services (to pool again).
func (r *Recomputer) hitOPDs(touched map[string]bool) (read []string, hit map[string]bool) {
	hit = map[string]bool{}
	for _, o := range r.catalogOPDs() {
		h := touched["opd/"+o.Code]
		for _, s := range o.Services {
			h = h || touched["service/"+s.Code]
		}
		if h {
			hit[o.Code] = true
			for _, s := range o.Services {
				read = append(read, s.Code)
			}
		}
	}
	return read, hit
}

// periodIndicesIncremental builds one period's snapshots of the touched
// scopes, their OPDs and the city, from the run's roll-up and the
// period's stored aggregates (StoredIndexAggs of the hit OPDs' services).
func (r *Recomputer) periodIndicesIncremental(p survey.Period, ru indexRollup, touched map[string]bool,
	stored map[string]map[string]IndexAgg) []Snapshot {
	id := periodID(p)
	read, hitOPD := r.hitOPDs(touched)
	svc := map[string]scopeAggs{}
	for scope := range touched {
		if code, ok := strings.CutPrefix(scope, "service/"); ok {
			svc[code] = ru.svc[id][code] // nil when it has no answers now
		}
	}
	r.addTakeUp(p, svc, touched)
	var out []Snapshot
	for _, c := range slices.Sorted(maps.Keys(svc)) {
		out = scopeSnapshots(out, ScopeService, c, p, svc[c])
	}
	for _, s := range read {
		if _, ok := svc[s]; !ok {
			svc[s] = unfoldNonResponse(stored["service/"+s])
		}
	}
	opds := map[string]scopeAggs{}
	for _, o := range r.catalogOPDs() {
		if !hitOPD[o.Code] {
			opds[o.Code] = unfoldNonResponse(stored["opd/"+o.Code])
			continue
		}
		official := unfoldNonResponse(stored["opd/"+o.Code])
		if touched["opd/"+o.Code] {
			official = ru.opd[id][o.Code]
		}
		opds[o.Code] = opdAggs(o, svc, official)
		out = scopeSnapshots(out, ScopeOPD, o.Code, p, opds[o.Code])
	}
	return scopeSnapshots(out, ScopeCity, "", p, poolScopes(opds))
}

// addTakeUp puts the digital take-up counts of each catalog service (only
// the touched ones when touched is non-nil) into svc, when officials
// reported them (Counts); otherwise the index stays absent.
func (r *Recomputer) addTakeUp(p survey.Period, svc map[string]scopeAggs, touched map[string]bool) {
	if r.Counts == nil {
		return
	}
	for _, o := range r.catalogOPDs() {
		for _, s := range o.Services {
			if touched != nil && !touched["service/"+s.Code] {
				continue
			}
			digital, all, ok := r.Counts(s.Code, p)
			if !ok {
				continue
			}
			if svc[s.Code] == nil {
				svc[s.Code] = scopeAggs{}
			}
			svc[s.Code][IndexDigitalTakeUp] = IndexAgg{N: all, Part: digital}
		}
	}
}

// opdAggs pools an OPD: its services' resident figures and its officials'.
func opdAggs(o survey.OPD, svc map[string]scopeAggs, official scopeAggs) scopeAggs {
	out := scopeAggs{}
	for _, s := range o.Services {
		for k, a := range svc[s.Code] {
			if !officialKey(k) {
				cur := out[k]
				cur.Add(a)
				out[k] = cur
			}
		}
	}
	for k, a := range official {
		if officialKey(k) {
			cur := out[k]
			cur.Add(a)
			out[k] = cur
		}
	}
	return out
}

// poolScopes pools every scope's aggregates, in code order.
func poolScopes(scopes map[string]scopeAggs) scopeAggs {
	out := scopeAggs{}
	for _, c := range slices.Sorted(maps.Keys(scopes)) {
		for k, a := range scopes[c] {
			cur := out[k]
			cur.Add(a)
			out[k] = cur
		}
	}
	return out
}

// scopeSnapshots appends one scope's snapshots to out, in key order; the
// per-element item non-response is folded into one item_nonresponse
// snapshot.
func scopeSnapshots(out []Snapshot, scope ScopeKind, code string, p survey.Period, aggs scopeAggs) []Snapshot {
	var nonResp IndexAgg
	for _, k := range slices.Sorted(maps.Keys(aggs)) {
		a := aggs[k]
		if el, ok := strings.CutPrefix(k, nonResponsePrefix); ok {
			if nonResp.Items == nil {
				nonResp.Items = map[string]ElementAgg{}
			}
			nonResp.Items[el] = ElementAgg{Sum: float64(a.Part), Count: a.N}
			nonResp.N = max(nonResp.N, a.N)
			continue
		}
		def, ok := DefOf(k)
		if !ok || a.N == 0 || (def.Official && scope == ScopeService) {
			continue
		}
		out = append(out, IndexSnapshot(def, k, scope, code, p, a))
	}
	if nonResp.N > 0 {
		def, _ := DefOf(IndexNonResponse)
		out = append(out, IndexSnapshot(def, IndexNonResponse, scope, code, p, nonResp))
	}
	return out
}

// unfoldNonResponse turns a stored item_nonresponse aggregate back into
// the per-element keys the roll-up uses.
func unfoldNonResponse(aggs scopeAggs) scopeAggs {
	a, ok := aggs[IndexNonResponse]
	if !ok {
		return aggs
	}
	out := maps.Clone(aggs)
	delete(out, IndexNonResponse)
	for el, it := range a.Items {
		out[nonResponsePrefix+el] = IndexAgg{N: it.Count, Part: int(it.Sum)}
	}
	return out
}

// IndexSnapshot computes one index snapshot from its aggregate. A figure
// from fewer than MinReportN respondents is stored as suppressed: no
// value, status StatusSuppressed, n and the aggregate kept for pooling.
func IndexSnapshot(def IndexDef, key string, scope ScopeKind, code string, p survey.Period, a IndexAgg) Snapshot {
	fig := FigureOf(def, a)
	s := Snapshot{Index: key, Scope: scope, ScopeCode: code, Period: p, N: fig.N,
		Details: SnapshotDetails{Agg: &a}}
	switch {
	case fig.Valid && fig.N >= MinReportN:
		s.Valid, s.Value, s.Band, s.Details.Ranked = true, fig.Value, fig.Band, fig.Ranked
	case fig.N > 0 && fig.N < MinReportN:
		s.Status = StatusSuppressed
	}
	return s
}

func (r *Recomputer) catalogOPDs() []survey.OPD {
	if r.Catalog == nil {
		return nil
	}
	return r.Catalog.OPDs
}
