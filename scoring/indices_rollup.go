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
	nr       map[string]int // element → key id of its item non-response
	days     map[dayScope]*aggBucket
	svc, opd map[string]map[string]*aggBucket
	cs       []contrib // the current response's contributions
}

func (x *indexRoller) emit(key string, a IndexAgg) { x.cs = append(x.cs, contrib{x.keys.id(key), a}) }

func (x *indexRoller) emitNonResponse(element string, a IndexAgg) {
	id, ok := x.nr[element]
	if !ok {
		id = x.keys.id(nonResponsePrefix + element)
		x.nr[element] = id
	}
	x.cs = append(x.cs, contrib{id, a})
}

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

// spread adds every day bucket to the kept periods containing its day:
// weeks from the days; months, quarters and years from month sums (months
// partition them), so a day is added twice at most.
func (x *indexRoller) spread() {
	var weekly bool
	var monthly []survey.PeriodKind
	for _, k := range x.kinds {
		if k == survey.PeriodWeek {
			weekly = true
		} else {
			monthly = append(monthly, k)
		}
	}
	months := map[dayScope]*aggBucket{}
	for k, b := range x.days {
		day := time.Date(k.day/10000, time.Month(k.day/100%100), k.day%100, 12, 0, 0, 0, x.r.loc())
		if weekly {
			x.addPeriod(survey.PeriodOf(survey.PeriodWeek, day, x.r.loc()), k, b)
		}
		mk := dayScope{k.official, k.code, k.day / 100 * 100}
		if months[mk] == nil {
			months[mk] = &aggBucket{}
		}
		x.addBucket(months[mk], b)
	}
	for k, b := range months {
		start := time.Date(k.day/10000, time.Month(k.day/100%100), 1, 12, 0, 0, 0, x.r.loc())
		for _, kind := range monthly {
			x.addPeriod(survey.PeriodOf(kind, start, x.r.loc()), k, b)
		}
	}
}

// addPeriod adds a bucket of one scope to its period's, when kept.
func (x *indexRoller) addPeriod(p survey.Period, k dayScope, b *aggBucket) {
	target, scope := x.svc, "service/"+k.code
	if k.official {
		target, scope = x.opd, "opd/"+k.code
	}
	id := periodID(p)
	if x.keep != nil && !x.keep(id, scope) {
		return
	}
	if target[id] == nil {
		target[id] = map[string]*aggBucket{}
	}
	pb := target[id][k.code]
	if pb == nil {
		pb = &aggBucket{}
		target[id][k.code] = pb
	}
	x.addBucket(pb, b)
}

// addBucket adds every aggregate of b to dst.
func (x *indexRoller) addBucket(dst, b *aggBucket) {
	for i, a := range b.aggs {
		if a.N > 0 {
			x.addTo(dst, i, a)
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
	x := &indexRoller{r: r, kinds: kinds, keep: keep, keys: keyIDs{ids: map[string]int{}}, nr: map[string]int{}, days: map[dayScope]*aggBucket{},
		svc: map[string]map[string]*aggBucket{}, opd: map[string]map[string]*aggBucket{}}
	for _, row := range rows {
		x.cs = x.cs[:0]
		contribute(row, ikm, x)
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
