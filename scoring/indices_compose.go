package scoring

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/kotasolok/egovpulse/survey"
)

// compose adds each segment bucket to its week (when weeks are wanted) and
// month, then each month bucket to its quarter and year. The buckets are
// made first; the sums then run in two goroutines, each over the scopes of
// one parity (a scope's buckets are only ever added to its own), in a
// fixed order: the same sums every run.
func (x *indexRoller) compose() {
	var week, quarter, year bool
	for _, k := range x.kinds {
		week = week || k == survey.PeriodWeek
		quarter = quarter || k == survey.PeriodQuarter
		year = year || k == survey.PeriodYear
	}
	var adds []bucketAdd // in order: segments into months and weeks, then months into quarters and years
	for _, sb := range x.sortedBuckets(func(p rollPeriod) bool { return p.segment }) {
		p := x.periods[sb.period]
		adds = append(adds, bucketAdd{sb.scope, x.bucket(p.month, sb.scope), sb.b})
		if week {
			adds = append(adds, bucketAdd{sb.scope, x.bucket(p.week, sb.scope), sb.b})
		}
	}
	if quarter || year {
		up := map[int][2]int{} // month number → its quarter and year numbers
		for _, mb := range x.sortedBuckets(func(p rollPeriod) bool { return !p.segment && p.p.Kind == survey.PeriodMonth }) {
			ids, ok := up[mb.period]
			if !ok {
				start := x.periods[mb.period].p.Start
				ids = [2]int{-1, -1}
				if quarter {
					ids[0] = x.period(survey.PeriodOf(survey.PeriodQuarter, start, x.r.loc()))
				}
				if year {
					ids[1] = x.period(survey.PeriodOf(survey.PeriodYear, start, x.r.loc()))
				}
				up[mb.period] = ids
			}
			for _, p := range ids {
				if p >= 0 {
					adds = append(adds, bucketAdd{mb.scope, x.bucket(p, mb.scope), mb.b})
				}
			}
		}
	}
	var wg sync.WaitGroup
	for parity := range 2 {
		wg.Go(func() {
			for _, a := range adds {
				if a.scope%2 == parity {
					x.addBucket(a.dst, a.src)
				}
			}
		})
	}
	wg.Wait()
}

// bucketAdd is one bucket to add into another, of one scope.
type bucketAdd struct {
	scope    int
	dst, src *aggBucket
}

// numberedBucket is a bucket with its period and scope numbers.
type numberedBucket struct {
	period, scope int
	b             *aggBucket
}

// sortedBuckets lists the buckets of the periods sel selects by scope,
// then period: a fixed order, the same sums every run.
func (x *indexRoller) sortedBuckets(sel func(rollPeriod) bool) []numberedBucket {
	var out []numberedBucket
	for k, b := range x.buckets {
		if p, sc := int(k>>32), int(uint32(k)); sel(x.periods[p]) {
			out = append(out, numberedBucket{p, sc, b})
		}
	}
	slices.SortFunc(out, func(a, b numberedBucket) int {
		if a.scope != b.scope {
			return a.scope - b.scope
		}
		return a.period - b.period
	})
	return out
}

// addBucket adds every aggregate of src with respondents to dst.
func (x *indexRoller) addBucket(dst, src *aggBucket) {
	if len(dst.num) < len(src.num) {
		dst.num = append(dst.num, make([]numAgg, len(src.num)-len(dst.num))...)
	}
	for i, a := range src.num {
		d := &dst.num[i]
		d.n, d.sum, d.part, d.neg = d.n+a.n, d.sum+a.sum, d.part+a.part, d.neg+a.neg
	}
	for _, id := range slices.Sorted(maps.Keys(src.more)) {
		if a := src.more[id]; a.N > 0 {
			x.addTo(dst, id, a)
		}
	}
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
