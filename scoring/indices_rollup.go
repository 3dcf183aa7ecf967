package scoring

import (
	"slices"
	"strings"
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

// bucketKey is one scope of one period.
type bucketKey struct {
	period   string // period id
	official bool   // code is an OPD (officials' answers), else a service
	code     string
}

// dayIDs are the week and month of one local day.
type dayIDs struct {
	week, month string
}

// indexRoller sums responses into (period, scope) buckets: weeks and
// months from the responses, quarters and years from the months (months
// partition them), so each response is added twice at most.
type indexRoller struct {
	r       *Recomputer
	kinds   []survey.PeriodKind
	keep    func(id, scope string) bool
	keys    keyIDs
	nr      map[string]int // element → key id of its item non-response
	buckets map[bucketKey]*aggBucket
	days    map[int]dayIDs       // yyyymmdd → its week and month
	months  map[string]time.Time // month id → its start
	cs      []contrib            // the current response's contributions
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

// bucket returns the bucket of a scope and period, made on first use.
func (x *indexRoller) bucket(k bucketKey) *aggBucket {
	b := x.buckets[k]
	if b == nil {
		b = &aggBucket{aggs: make([]IndexAgg, len(x.keys.keys))}
		x.buckets[k] = b
	}
	return b
}

// addTo adds an aggregate by key id to a bucket.
func (x *indexRoller) addTo(b *aggBucket, id int, a IndexAgg) {
	if id >= len(b.aggs) {
		b.aggs = append(b.aggs, make([]IndexAgg, len(x.keys.keys)-len(b.aggs))...)
	}
	b.aggs[id].Add(a)
}

// add adds the current contributions to the week and month of at of one
// service (resident) or OPD (official).
func (x *indexRoller) add(at time.Time, official bool, code string) {
	local := at.In(x.r.loc())
	y, m, d := local.Date()
	ids, ok := x.days[y*10000+int(m)*100+d]
	if !ok {
		month := survey.PeriodOf(survey.PeriodMonth, local, x.r.loc())
		ids = dayIDs{week: periodID(survey.PeriodOf(survey.PeriodWeek, local, x.r.loc())), month: periodID(month)}
		x.days[y*10000+int(m)*100+d], x.months[ids.month] = ids, month.Start
	}
	for _, id := range [2]string{ids.week, ids.month} {
		b := x.bucket(bucketKey{id, official, code})
		for _, c := range x.cs {
			x.addTo(b, c.id, c.a)
		}
	}
}

// compose adds each month bucket to its quarter and year.
func (x *indexRoller) compose() {
	var months []bucketKey
	for k := range x.buckets {
		if _, ok := x.months[k.period]; ok {
			months = append(months, k)
		}
	}
	for _, k := range months {
		b := x.buckets[k]
		for _, kind := range []survey.PeriodKind{survey.PeriodQuarter, survey.PeriodYear} {
			if slices.Contains(x.kinds, kind) {
				dst := x.bucket(bucketKey{periodID(survey.PeriodOf(kind, x.months[k.period], x.r.loc())), k.official, k.code})
				for i, a := range b.aggs {
					if a.N > 0 {
						x.addTo(dst, i, a)
					}
				}
			}
		}
	}
}

// result keeps the buckets of the requested kinds that keep selects, as
// aggregates by key (keys with respondents).
func (x *indexRoller) result() indexRollup {
	out := indexRollup{svc: map[string]map[string]scopeAggs{}, opd: map[string]map[string]scopeAggs{}}
	wanted := map[string]bool{}
	for _, k := range x.kinds {
		wanted[string(k)] = true
	}
	for k, b := range x.buckets {
		kind, _, _ := strings.Cut(k.period, "/")
		target, scope := out.svc, "service/"+k.code
		if k.official {
			target, scope = out.opd, "opd/"+k.code
		}
		if !wanted[kind] || (x.keep != nil && !x.keep(k.period, scope)) {
			continue
		}
		m := make(scopeAggs, len(b.aggs))
		for i, a := range b.aggs {
			if a.N > 0 {
				m[x.keys.keys[i]] = a
			}
		}
		if target[k.period] == nil {
			target[k.period] = map[string]scopeAggs{}
		}
		target[k.period][k.code] = m
	}
	return out
}

// rollUpIndices sums each response's contributions into its periods of
// the given kinds; keep (nil: keep all) selects the (period id, scope)
// pairs kept, the scope being "service/<code>" or "opd/<code>".
func (r *Recomputer) rollUpIndices(rows []ResponseSummary, starts []Start, kinds []survey.PeriodKind,
	ikm []string, keep func(id, scope string) bool) indexRollup {
	x := &indexRoller{r: r, kinds: kinds, keep: keep, keys: keyIDs{ids: map[string]int{}}, nr: map[string]int{},
		buckets: map[bucketKey]*aggBucket{}, days: map[int]dayIDs{}, months: map[string]time.Time{}}
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
	x.compose()
	return x.result()
}
