package scoring

import (
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// scopeAggs are the aggregates of one scope, by index key.
type scopeAggs map[string]IndexAgg

// indexRollup holds the aggregates of a run: period id → service (resident
// answers) or OPD (officials' answers) → index key → aggregate.
type indexRollup struct {
	svc map[string]map[string]scopeAggs
	opd map[string]map[string]scopeAggs
}

// keyIDs numbers index keys within one run, so the roll-up adds into
// slices instead of maps.
type keyIDs struct {
	ids  map[string]int
	keys []string
}

func (k *keyIDs) id(key string) int {
	i, ok := k.ids[key]
	if !ok {
		i = len(k.keys)
		k.ids[key] = i
		k.keys = append(k.keys, key)
	}
	return i
}

// aggBucket holds one (period, scope)'s aggregates by key id.
type aggBucket struct{ aggs []IndexAgg }

// contrib is one response's contribution to one index (by key id).
type contrib struct {
	id int
	a  IndexAgg
}

// dayScope is one scope's local day: responses are summed per day first,
// then each day into its periods (periods never split a day).
type dayScope struct {
	official bool
	code     string
	day      int // yyyymmdd, local
}

// indexRoller sums responses into (period, scope) buckets.
type indexRoller struct {
	r        *Recomputer
	kinds    []survey.PeriodKind
	keep     func(id, scope string) bool
	keys     keyIDs
	days     map[dayScope]*aggBucket
	svc, opd map[string]map[string]*aggBucket
	cs       []contrib // the current response's contributions
}

func (x *indexRoller) emit(key string, a IndexAgg) { x.cs = append(x.cs, contrib{x.keys.id(key), a}) }

// addTo adds aggregates by key id to a bucket.
func (x *indexRoller) addTo(b *aggBucket, id int, a IndexAgg) {
	if id >= len(b.aggs) {
		b.aggs = append(b.aggs, make([]IndexAgg, len(x.keys.keys)-len(b.aggs))...)
	}
	b.aggs[id].Add(a)
}

// add adds the current contributions to the local day of at of one
// service (resident) or OPD (official).
func (x *indexRoller) add(at time.Time, official bool, code string) {
	y, m, d := at.In(x.r.loc()).Date()
	k := dayScope{official, code, y*10000 + int(m)*100 + d}
	b := x.days[k]
	if b == nil {
		b = &aggBucket{}
		x.days[k] = b
	}
	for _, c := range x.cs {
		x.addTo(b, c.id, c.a)
	}
}

// spread adds every day bucket to the kept periods containing its day.
func (x *indexRoller) spread() {
	cache := map[string][]string{}
	for k, b := range x.days {
		target, scope := x.svc, "service/"+k.code
		if k.official {
			target, scope = x.opd, "opd/"+k.code
		}
		day := time.Date(k.day/10000, time.Month(k.day/100%100), k.day%100, 12, 0, 0, 0, x.r.loc())
		for _, id := range x.r.dayPeriods(day, x.kinds, cache) {
			if x.keep != nil && !x.keep(id, scope) {
				continue
			}
			if target[id] == nil {
				target[id] = map[string]*aggBucket{}
			}
			pb := target[id][k.code]
			if pb == nil {
				pb = &aggBucket{}
				target[id][k.code] = pb
			}
			for i, a := range b.aggs {
				if a.N > 0 {
					x.addTo(pb, i, a)
				}
			}
		}
	}
}

// maps turns the buckets into aggregates by key (keys with respondents).
func (x *indexRoller) maps(in map[string]map[string]*aggBucket) map[string]map[string]scopeAggs {
	out := make(map[string]map[string]scopeAggs, len(in))
	for id, scopes := range in {
		out[id] = make(map[string]scopeAggs, len(scopes))
		for code, b := range scopes {
			m := make(scopeAggs, len(b.aggs))
			for i, a := range b.aggs {
				if a.N > 0 {
					m[x.keys.keys[i]] = a
				}
			}
			out[id][code] = m
		}
	}
	return out
}

// rollUpIndices sums each response's contributions into its periods of
// the given kinds; keep (nil: keep all) selects the (period id, scope)
// pairs kept, the scope being "service/<code>" or "opd/<code>".
func (r *Recomputer) rollUpIndices(rows []ResponseSummary, starts []Start, kinds []survey.PeriodKind,
	ikm []string, keep func(id, scope string) bool) indexRollup {
	x := &indexRoller{r: r, kinds: kinds, keep: keep, keys: keyIDs{ids: map[string]int{}}, days: map[dayScope]*aggBucket{},
		svc: map[string]map[string]*aggBucket{}, opd: map[string]map[string]*aggBucket{}}
	for _, row := range rows {
		x.cs = x.cs[:0]
		contribute(row, ikm, x.emit)
		code := row.Service
		if row.Official {
			code = row.OPD
		}
		x.add(row.SubmittedAt, row.Official, code)
	}
	for _, s := range starts {
		x.cs = x.cs[:0]
		x.emit(IndexCompletion, IndexAgg{N: 1})
		x.add(s.At, false, s.Service)
	}
	x.spread()
	return indexRollup{svc: x.maps(x.svc), opd: x.maps(x.opd)}
}

// dayPeriods lists the ids of the periods of kinds containing t's local
// day (periods never split a day), cached by day.
func (r *Recomputer) dayPeriods(t time.Time, kinds []survey.PeriodKind, cache map[string][]string) []string {
	local := t.In(r.loc())
	dk := local.Format(time.DateOnly)
	ids, ok := cache[dk]
	if !ok {
		for _, k := range kinds {
			ids = append(ids, periodID(survey.PeriodOf(k, local, r.loc())))
		}
		cache[dk] = ids
	}
	return ids
}
