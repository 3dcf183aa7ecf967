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

// indexRoller sums responses into (period, scope) buckets.
type indexRoller struct {
	r        *Recomputer
	kinds    []survey.PeriodKind
	keep     func(id, scope string) bool
	keys     keyIDs
	svc, opd map[string]map[string]*aggBucket
	cache    map[string][]string
	cs       []contrib // the current response's contributions
}

func (x *indexRoller) emit(key string, a IndexAgg) { x.cs = append(x.cs, contrib{x.keys.id(key), a}) }

// add adds the current contributions to every kept period of at for one
// service (resident) or OPD (official).
func (x *indexRoller) add(at time.Time, official bool, code string) {
	target, scope := x.svc, "service/"+code
	if official {
		target, scope = x.opd, "opd/"+code
	}
	for _, id := range x.r.dayPeriods(at, x.kinds, x.cache) {
		if x.keep != nil && !x.keep(id, scope) {
			continue
		}
		if target[id] == nil {
			target[id] = map[string]*aggBucket{}
		}
		b := target[id][code]
		if b == nil {
			b = &aggBucket{}
			target[id][code] = b
		}
		for _, c := range x.cs {
			if c.id >= len(b.aggs) {
				b.aggs = append(b.aggs, make([]IndexAgg, len(x.keys.keys)-len(b.aggs))...)
			}
			b.aggs[c.id].Add(c.a)
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
	x := &indexRoller{r: r, kinds: kinds, keep: keep, keys: keyIDs{ids: map[string]int{}},
		svc: map[string]map[string]*aggBucket{}, opd: map[string]map[string]*aggBucket{}, cache: map[string][]string{}}
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
