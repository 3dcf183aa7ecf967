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

// scopeRef is a scope of the roll-up: a service (resident answers) or an
// OPD (officials' answers).
type scopeRef struct {
	official bool
	code     string
}

// name is the scope as the keep filter and the incremental recompute name
// it: "service/<code>" or "opd/<code>".
func (s scopeRef) name() string {
	if s.official {
		return "opd/" + s.code
	}
	return "service/" + s.code
}

// rollPeriod is a period met by the roll-up, with its id.
type rollPeriod struct {
	p  survey.Period
	id string
}

// dayIDs are the week and month (period numbers) of one local day.
type dayIDs struct {
	week, month int
}

// indexRoller sums responses into (period, scope) buckets: weeks and
// months from the responses, quarters and years from the months (months
// partition them), so each response is added twice at most. Periods and
// scopes are numbered within the run; a bucket is found by the pair of
// numbers, never by building a string per response.
type indexRoller struct {
	r         *Recomputer
	kinds     []survey.PeriodKind
	keep      func(id, scope string) bool
	keys      keyIDs
	nr        map[string]int // element → key id of its item non-response
	scopeIdx  map[scopeRef]int
	scopes    []scopeRef
	periodIdx map[string]int // period id → period number
	periods   []rollPeriod
	buckets   map[uint64]*aggBucket // period number << 32 | scope number
	days      map[int]dayIDs        // yyyymmdd → its week and month
	cs        []contrib             // the current response's contributions
	last      scopeRef              // the scope of the previous response (a cache)
	lastIdx   int
}

func newIndexRoller(r *Recomputer, kinds []survey.PeriodKind, keep func(id, scope string) bool) *indexRoller {
	return &indexRoller{r: r, kinds: kinds, keep: keep, keys: keyIDs{ids: map[string]int{}}, nr: map[string]int{},
		scopeIdx: map[scopeRef]int{}, periodIdx: map[string]int{}, buckets: map[uint64]*aggBucket{},
		days: map[int]dayIDs{}, lastIdx: -1}
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

// period returns the number of a period, numbering it on first use.
func (x *indexRoller) period(p survey.Period) int {
	id := periodID(p)
	i, ok := x.periodIdx[id]
	if !ok {
		i = len(x.periods)
		x.periodIdx[id] = i
		x.periods = append(x.periods, rollPeriod{p: p, id: id})
	}
	return i
}

// scope returns the number of a scope, numbering it on first use.
func (x *indexRoller) scope(s scopeRef) int {
	if x.lastIdx >= 0 && s == x.last {
		return x.lastIdx
	}
	i, ok := x.scopeIdx[s]
	if !ok {
		i = len(x.scopes)
		x.scopeIdx[s] = i
		x.scopes = append(x.scopes, s)
	}
	x.last, x.lastIdx = s, i
	return i
}

func bucketID(period, scope int) uint64 { return uint64(period)<<32 | uint64(scope) }

// bucket returns the bucket of a period and scope (numbers), made on first
// use.
func (x *indexRoller) bucket(period, scope int) *aggBucket {
	k := bucketID(period, scope)
	b := x.buckets[k]
	if b == nil {
		b = &aggBucket{aggs: make([]IndexAgg, len(x.keys.keys), max(len(x.keys.keys), 64))}
		x.buckets[k] = b
	}
	return b
}

// addTo adds an aggregate by key id to a bucket; a plain count or sum
// (most contributions) is added in place.
func (x *indexRoller) addTo(b *aggBucket, id int, a IndexAgg) {
	if id >= len(b.aggs) {
		b.aggs = append(b.aggs, make([]IndexAgg, len(x.keys.keys)-len(b.aggs))...)
	}
	dst := &b.aggs[id]
	if a.Values == nil && a.Items == nil {
		dst.N += a.N
		dst.Sum += a.Sum
		dst.Part += a.Part
		dst.Neg += a.Neg
		return
	}
	dst.Add(a)
}

// add adds the current contributions to the week and month of at of one
// service (resident) or OPD (official).
func (x *indexRoller) add(at time.Time, official bool, code string) {
	local := at.In(x.r.loc())
	y, m, d := local.Date()
	day := y*10000 + int(m)*100 + d
	ids, ok := x.days[day]
	if !ok {
		ids = dayIDs{week: x.period(survey.PeriodOf(survey.PeriodWeek, local, x.r.loc())),
			month: x.period(survey.PeriodOf(survey.PeriodMonth, local, x.r.loc()))}
		x.days[day] = ids
	}
	sc := x.scope(scopeRef{official, code})
	for _, p := range [2]int{ids.week, ids.month} {
		b := x.bucket(p, sc)
		for _, c := range x.cs {
			x.addTo(b, c.id, c.a)
		}
	}
}

// compose adds each month bucket to its quarter and year.
func (x *indexRoller) compose() {
	var quarter, year bool
	for _, k := range x.kinds {
		quarter = quarter || k == survey.PeriodQuarter
		year = year || k == survey.PeriodYear
	}
	if !quarter && !year {
		return
	}
	type monthBucket struct {
		period, scope int
		b             *aggBucket
	}
	var months []monthBucket
	for k, b := range x.buckets {
		if p, sc := int(k>>32), int(uint32(k)); x.periods[p].p.Kind == survey.PeriodMonth {
			months = append(months, monthBucket{p, sc, b})
		}
	}
	// A fixed order: the same sums every run.
	slices.SortFunc(months, func(a, b monthBucket) int {
		if a.scope != b.scope {
			return a.scope - b.scope
		}
		return a.period - b.period
	})
	up := map[int][2]int{} // month number → its quarter and year numbers
	for _, m := range months {
		ids, ok := up[m.period]
		if !ok {
			start := x.periods[m.period].p.Start
			ids = [2]int{-1, -1}
			if quarter {
				ids[0] = x.period(survey.PeriodOf(survey.PeriodQuarter, start, x.r.loc()))
			}
			if year {
				ids[1] = x.period(survey.PeriodOf(survey.PeriodYear, start, x.r.loc()))
			}
			up[m.period] = ids
		}
		for _, p := range ids {
			if p < 0 {
				continue
			}
			dst := x.bucket(p, m.scope)
			for i, a := range m.b.aggs {
				if a.N > 0 {
					x.addTo(dst, i, a)
				}
			}
		}
	}
}

// wanted reports whether the roll-up's kinds include a period's.
func (x *indexRoller) wanted(p int) bool { return slices.Contains(x.kinds, x.periods[p].p.Kind) }

// aggs returns the aggregates of a period and scope by key id (nil when
// none).
func (x *indexRoller) aggs(p survey.Period, s scopeRef) []IndexAgg {
	pi, ok := x.periodIdx[periodID(p)]
	if !ok {
		return nil
	}
	si, ok := x.scopeIdx[s]
	if !ok {
		return nil
	}
	if b := x.buckets[bucketID(pi, si)]; b != nil {
		return b.aggs
	}
	return nil
}

// result keeps the buckets of the requested kinds that keep selects, as
// aggregates by key (keys with respondents).
func (x *indexRoller) result() indexRollup {
	out := indexRollup{svc: map[string]map[string]scopeAggs{}, opd: map[string]map[string]scopeAggs{}}
	for k, b := range x.buckets {
		p, sc := x.periods[int(k>>32)], x.scopes[int(uint32(k))]
		if !x.wanted(int(k>>32)) || (x.keep != nil && !x.keep(p.id, sc.name())) {
			continue
		}
		target := out.svc
		if sc.official {
			target = out.opd
		}
		m := make(scopeAggs, len(b.aggs))
		for i, a := range b.aggs {
			if a.N > 0 {
				m[x.keys.keys[i]] = a
			}
		}
		if target[p.id] == nil {
			target[p.id] = map[string]scopeAggs{}
		}
		target[p.id][sc.code] = m
	}
	return out
}

// addRows sums the responses and the unsubmitted starts into the buckets
// and composes the quarters and years.
func (x *indexRoller) addRows(rows []ResponseSummary, starts []Start, ikm []string) {
	for i := range rows {
		x.addSummary(&rows[i], ikm)
	}
	x.addStarts(starts)
	x.compose()
}

// addSummary adds one submitted response.
func (x *indexRoller) addSummary(row *ResponseSummary, ikm []string) {
	x.cs = x.cs[:0]
	contribute(*row, ikm, x)
	code := row.Service
	if row.Official {
		code = row.OPD
	}
	x.add(row.SubmittedAt, row.Official, code)
}

// addStarts adds the unsubmitted starts (completion rate).
func (x *indexRoller) addStarts(starts []Start) {
	for _, s := range starts {
		x.cs = x.cs[:0]
		x.emit(IndexCompletion, IndexAgg{N: 1})
		x.add(s.At, false, s.Service)
	}
}

// rollUpIndices sums each response's contributions into its periods of
// the given kinds; keep (nil: keep all) selects the (period id, scope)
// pairs kept, the scope being "service/<code>" or "opd/<code>".
func (r *Recomputer) rollUpIndices(rows []ResponseSummary, starts []Start, kinds []survey.PeriodKind,
	ikm []string, keep func(id, scope string) bool) indexRollup {
	x := newIndexRoller(r, kinds, keep)
	x.addRows(rows, starts, ikm)
	return x.result()
}

// keyMeta is what the snapshots need of one index key of a run.
type keyMeta struct {
	def      IndexDef
	ok       bool   // a registered index
	official bool   // fed by the officials' survey
	element  string // the element of an item non-response key; "" otherwise
	nonResp  bool
}

// keyMetas describes the run's keys and lists their ids in key order.
func (x *indexRoller) keyMetas() ([]keyMeta, []int) {
	metas := make([]keyMeta, len(x.keys.keys))
	order := make([]int, len(x.keys.keys))
	for i, k := range x.keys.keys {
		order[i] = i
		m := keyMeta{official: officialKey(k)}
		if el, ok := strings.CutPrefix(k, nonResponsePrefix); ok {
			m.element, m.nonResp = el, true
		} else {
			m.def, m.ok = DefOf(k)
		}
		metas[i] = m
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(x.keys.keys[a], x.keys.keys[b]) })
	return metas, order
}
