package scoring

import (
	"slices"
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

// aggBucket holds one (period, scope)'s aggregates by key id: the counts
// and sums of most indices in num (small, so that adding a response
// touches little memory), the values of medians and the per-item sums in
// more.
type aggBucket struct {
	num  []numAgg
	more map[int]*IndexAgg
}

// numAgg is the N, Sum, Part and Neg of an IndexAgg.
type numAgg struct {
	n, part, neg int
	sum          float64
}

// get returns the bucket's aggregate of a key id. Its value and item
// lists are the bucket's (a caller adds them elsewhere, never into them).
func (b *aggBucket) get(id int) IndexAgg {
	var a IndexAgg
	if m := b.more[id]; m != nil {
		a = *m
	}
	if id < len(b.num) {
		x := b.num[id]
		a.N, a.Sum, a.Part, a.Neg = a.N+x.n, a.Sum+x.sum, a.Part+x.part, a.Neg+x.neg
	}
	return a
}

// aggs returns the bucket's aggregates by key id, n keys.
func (b *aggBucket) aggs(n int) []IndexAgg {
	out := make([]IndexAgg, n)
	for id := range out {
		if id < len(b.num) || b.more[id] != nil {
			out[id] = b.get(id)
		}
	}
	return out
}

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

// rollPeriod is a period met by the roll-up, with its id; or a segment
// (the days a week and a month share: segment true, week and month their
// period numbers).
type rollPeriod struct {
	p           survey.Period
	id          string
	segment     bool
	week, month int
}

// indexRoller sums responses into (segment, scope) buckets, a segment
// being the days one week and one month share (segments partition both);
// then segments into weeks and months, and months into quarters and years
// (months partition them). So each response is added once, and the
// buckets' sums are added up per period afterwards. Periods, segments
// and scopes are numbered within the run; a bucket is found by the pair
// of numbers, never by building a string per response.
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
	days      map[int]int           // yyyymmdd → its segment's number
	cs        []contrib             // the current response's contributions
	last      scopeRef              // the scope of the previous response (a cache)
	lastIdx   int
}

func newIndexRoller(r *Recomputer, kinds []survey.PeriodKind, keep func(id, scope string) bool) *indexRoller {
	return &indexRoller{r: r, kinds: kinds, keep: keep, keys: keyIDs{ids: map[string]int{}}, nr: map[string]int{},
		scopeIdx: map[scopeRef]int{}, periodIdx: map[string]int{}, buckets: map[uint64]*aggBucket{},
		days: map[int]int{}, lastIdx: -1}
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
		b = &aggBucket{num: make([]numAgg, len(x.keys.keys), max(len(x.keys.keys), 64))}
		x.buckets[k] = b
	}
	return b
}

// addTo adds an aggregate by key id to a bucket; a plain count or sum
// (most contributions) is added in place.
func (x *indexRoller) addTo(b *aggBucket, id int, a *IndexAgg) {
	if a.Values == nil && a.Items == nil {
		if id >= len(b.num) {
			b.num = append(b.num, make([]numAgg, len(x.keys.keys)-len(b.num))...)
		}
		dst := &b.num[id]
		dst.n += a.N
		dst.sum += a.Sum
		dst.part += a.Part
		dst.neg += a.Neg
		return
	}
	dst := b.more[id]
	if dst == nil {
		if b.more == nil {
			b.more = map[int]*IndexAgg{}
		}
		dst = &IndexAgg{}
		b.more[id] = dst
	}
	dst.Add(*a)
}

// add adds the current contributions to the segment (week and month) of
// at of one service (resident) or OPD (official).
func (x *indexRoller) add(at time.Time, official bool, code string) {
	local := at.In(x.r.loc())
	y, m, d := local.Date()
	day := y*10000 + int(m)*100 + d
	seg, ok := x.days[day]
	if !ok {
		week := x.period(survey.PeriodOf(survey.PeriodWeek, local, x.r.loc()))
		month := x.period(survey.PeriodOf(survey.PeriodMonth, local, x.r.loc()))
		id := "segment/" + x.periods[week].id + "/" + x.periods[month].id
		if seg, ok = x.periodIdx[id]; !ok {
			seg = len(x.periods)
			x.periodIdx[id] = seg
			x.periods = append(x.periods, rollPeriod{id: id, segment: true, week: week, month: month})
		}
		x.days[day] = seg
	}
	b := x.bucket(seg, x.scope(scopeRef{official, code}))
	for i := range x.cs {
		x.addTo(b, x.cs[i].id, &x.cs[i].a)
	}
}

// wanted reports whether the roll-up's kinds include a period's.
func (x *indexRoller) wanted(p int) bool {
	return !x.periods[p].segment && slices.Contains(x.kinds, x.periods[p].p.Kind)
}

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
		return b.aggs(len(x.keys.keys))
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
		m := scopeAggs{}
		for i, a := range b.aggs(len(x.keys.keys)) {
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
