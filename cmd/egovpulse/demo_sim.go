package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/survey"
)

// demoVisit is one planned visit of a resident to a service.
type demoVisit struct {
	who     *resident
	service survey.Service
	opd     survey.OPD
	abandon int
}

// demoDay is the visits of one simulated working day.
type demoDay struct {
	at     time.Time // 09:00 WIB of the day
	visits []demoVisit
}

// qualities draws how each service performs: OPDs differ (base 2.6 to 3.6),
// services of an OPD a little; every service's "waktu" (completion time)
// is clearly the weakest unsur except in one OPD, which others can learn
// from, and complaint handling is weaker too.
func qualities(rng *rand.Rand, cat *survey.Catalog) map[string]quality {
	out := map[string]quality{}
	best := rng.IntN(len(cat.OPDs))
	for i, o := range cat.OPDs {
		base := 2.6 + rng.Float64()
		for _, s := range o.Services {
			q := quality{base: base + (rng.Float64()-0.5)*0.3, penalty: map[string]float64{
				"waktu": 0.9, "pengaduan": 0.4, "sarana": 0.15, "biaya": -0.4,
			}}
			if i == best {
				q.penalty["waktu"] = -0.2
			}
			out[s.Code] = q
		}
	}
	return out
}

// planDays spreads the residents over the working days of the simulated
// weeks, ending today: each visits one service; about 8 % leave midway and
// about 10 % come back later in the quarter for another service.
func (d *demo) planDays(users func(i int) *botapitest.User) []demoDay {
	loc := d.cfg.Location
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, loc)
	var days []demoDay
	for t := today.AddDate(0, 0, -7*d.f.weeks+1); !t.After(today); t = t.AddDate(0, 0, 1) {
		if t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
			days = append(days, demoDay{at: t})
		}
	}
	def, _ := d.reg.Latest("skm")
	var opds []survey.OPD
	for _, o := range d.cat.OPDs {
		if len(o.Services) > 0 {
			opds = append(opds, o)
		}
	}
	pickService := func() (survey.OPD, survey.Service) {
		o := opds[d.rng.IntN(len(opds))]
		return o, o.Services[d.rng.IntN(len(o.Services))]
	}
	for i := range d.f.residents {
		r := newResident(users(i), d.rng, def, d.cat)
		day := i * len(days) / d.f.residents
		o, s := pickService()
		v := demoVisit{who: r, service: s, opd: o}
		if d.rng.IntN(12) == 0 {
			v.abandon = 3 + d.rng.IntN(8)
		}
		days[day].visits = append(days[day].visits, v)
		if later := day + 1 + d.rng.IntN(10); d.rng.IntN(10) == 0 && v.abandon == 0 && later < len(days) &&
			survey.PeriodOf(survey.PeriodQuarter, days[later].at, loc).Key() == survey.PeriodOf(survey.PeriodQuarter, days[day].at, loc).Key() {
			o2, s2 := pickService()
			if s2.Code != s.Code {
				days[later].visits = append(days[later].visits, demoVisit{who: r, service: s2, opd: o2})
			}
		}
	}
	return days
}

// simulateResidents runs every planned visit over the emulator, a day at
// a time on the simulated clock, demoParallel residents at once.
func (d *demo) simulateResidents(ctx context.Context) error {
	users := func(i int) *botapitest.User {
		return d.emu.User(int64(demoResidentBase+i), botapitest.WithFirstName("Warga"), botapitest.WithLanguage("id"))
	}
	days := d.planDays(users)
	perf := qualities(d.rng, d.cat)
	total := 0
	for _, day := range days {
		total += len(day.visits)
	}
	d.bar = newProgress(d.env.stderr, "kunjungan warga", total)
	for _, day := range days {
		// Each visit draws from its own generator, seeded in plan order, so
		// the answers do not depend on which goroutine runs first.
		seeds := make([]uint64, len(day.visits))
		for i := range seeds {
			seeds[i] = d.rng.Uint64()
		}
		d.clock.Set(day.at)
		err := parallel(ctx, demoParallel, len(day.visits), func(ctx context.Context, i int) error {
			v := day.visits[i]
			r := v.who
			r.rng = rand.New(rand.NewPCG(seeds[i], 1))
			r.abandon = v.abandon
			err := r.visit(ctx, v.service, v.opd.Name.In(survey.LangID), perf[v.service.Code])
			d.bar.add(1)
			if errors.Is(err, errScreenedOut) {
				return nil
			}
			return err
		})
		if err != nil {
			d.bar.done()
			return fmt.Errorf("simulate residents: %w", err)
		}
	}
	d.bar.done()
	return nil
}

// parallel runs fn for 0..n-1, at most limit at once, and returns the
// first error (the others are cancelled through ctx).
func parallel(ctx context.Context, limit, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	sem := make(chan struct{}, limit)
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	return first
}

// progress is a progress bar on a terminal, or a line every tenth of the
// way when the output is a file or a pipe.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	what     string
	n, total int
	tty      bool
	shown    int // tenths already printed (not a terminal)
}

func newProgress(w io.Writer, what string, total int) *progress {
	p := &progress{w: w, what: what, total: max(total, 1), tty: isTerminal(w)}
	p.draw()
	return p
}

func (p *progress) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += n
	p.draw()
}

func (p *progress) draw() {
	if p.tty {
		const width = 30
		full := p.n * width / p.total
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.what, strings.Repeat("█", full), strings.Repeat("░", width-full), p.n, p.total)
		return
	}
	if tenth := p.n * 10 / p.total; tenth > p.shown || p.n == 0 && p.shown == 0 {
		p.shown = max(tenth, 1)
		fmt.Fprintf(p.w, "%s: %d/%d\n", p.what, p.n, p.total)
	}
}

// done ends the bar's line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
