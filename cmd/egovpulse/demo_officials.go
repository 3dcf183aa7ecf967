package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/bot/botapitest"
	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/remind"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// The demo's officials: four per OPD (a head, an operator, two staff),
// Telegram ids from demoOfficialBase on.
const (
	demoOfficialBase    = 890_000_000
	demoOfficialsPerOPD = 4
)

// demoReminders reminds every official who owes this month's survey once,
// whatever the day and hour the demo runs (the built-in rules wait for
// the 3rd at 09:00 and keep quiet at night).
const demoReminders = `quiet_hours: none
reminders:
  - obligation: asn
    audience: officials
    first: "0 0 1 * *"
`

var demoFirstNames = []string{"Andi", "Rina", "Budi", "Siti", "Yusuf", "Dewi", "Rahmat", "Fitri", "Hendra", "Nurul",
	"Zulkifli", "Yanti", "Ikhsan", "Mega", "Fauzan", "Lestari"}
var demoLastNames = []string{"Putra", "Chaniago", "Koto", "Piliang", "Tanjung", "Sikumbang", "Jambak", "Caniago",
	"Melayu", "Guci", "Panyalai", "Sinaga"}

// demoOfficial is one simulated official and what they do.
type demoOfficial struct {
	*resident
	entry                  storage.RosterEntry
	seed                   uint64
	joins, early, reminded bool
	late, reports          bool
}

// simulateOfficials puts the demo's officials on the roster and lets them
// act over the emulator in the last hours before now: most open their
// invitation link and answer the month's asn survey; those who have not
// are reminded (the reminder job through the outbox) and some answer
// then; most OPD operators report the quarter's service counts with
// /lapor.
func (d *demo) simulateOfficials(ctx context.Context) error {
	st := d.svc.store
	asn, err := d.reg.Latest("asn")
	if err != nil {
		return err
	}
	officials := d.planOfficials(asn)
	entries := make([]storage.RosterEntry, len(officials))
	for i, o := range officials {
		entries[i] = o.entry
	}
	if _, err := st.ImportRoster(ctx, entries, false); err != nil {
		return fmt.Errorf("demo roster: %w", err)
	}
	now := time.Now()
	d.clock.Set(now.Add(-3 * time.Hour))
	tokens := map[string]string{}
	for _, o := range d.cat.OPDs {
		invs, err := st.InviteOPD(ctx, o.Code, 30*24*time.Hour)
		if err != nil {
			return err
		}
		for _, inv := range invs {
			tokens[inv.Official.OPDCode+"/"+inv.Official.Name] = inv.Token
		}
	}
	steps := 0
	for _, o := range officials {
		for _, b := range []bool{o.joins, o.early, o.late, o.reports} {
			if b {
				steps++
			}
		}
	}
	d.bar = newProgress(d.env.stderr, "petugas (ASN)", steps)
	defer d.bar.done()
	each := func(pick func(o *demoOfficial) bool, act func(ctx context.Context, o *demoOfficial) error) error {
		var who []*demoOfficial
		for _, o := range officials {
			if pick(o) {
				who = append(who, o)
			}
		}
		return parallel(ctx, demoParallel, len(who), func(ctx context.Context, i int) error {
			err := act(ctx, who[i])
			d.bar.add(1)
			return err
		})
	}
	// Joining: an official who joined in an earlier run is on the roster
	// already and has no new link.
	err = each(func(o *demoOfficial) bool { return o.joins }, func(ctx context.Context, o *demoOfficial) error {
		token, ok := tokens[o.entry.OPDCode+"/"+o.entry.Name]
		if !ok {
			return nil
		}
		o.send("/start inv_" + token)
		return o.until(ctx, func(m botapitest.Message) bool { return strings.Contains(m.Text, "/status") })
	})
	if err != nil {
		return fmt.Errorf("officials joining: %w", err)
	}
	d.clock.Set(now.Add(-150 * time.Minute))
	answer := func(ctx context.Context, o *demoOfficial) error { return o.answerASN(ctx) }
	if err := each(func(o *demoOfficial) bool { return o.early }, answer); err != nil {
		return fmt.Errorf("officials answering: %w", err)
	}
	d.clock.Set(now.Add(-2 * time.Hour))
	if err := d.remind(ctx, officials); err != nil {
		return err
	}
	d.clock.Set(now.Add(-90 * time.Minute))
	if err := each(func(o *demoOfficial) bool { return o.late }, answer); err != nil {
		return fmt.Errorf("officials answering after the reminder: %w", err)
	}
	d.clock.Set(now.Add(-time.Hour))
	if err := each(func(o *demoOfficial) bool { return o.reports }, func(ctx context.Context, o *demoOfficial) error { return o.report(ctx) }); err != nil {
		return fmt.Errorf("operators reporting counts: %w", err)
	}
	return nil
}

// planOfficials draws the officials and what each does.
func (d *demo) planOfficials(asn *survey.Survey) []*demoOfficial {
	var out []*demoOfficial
	roles := []string{"head", "operator", "staff", "staff"}
	levels := []string{"struktural", "fungsional", "pelaksana", "pelaksana"}
	for i, o := range d.cat.OPDs {
		for j := range demoOfficialsPerOPD {
			n := i*demoOfficialsPerOPD + j
			name := demoFirstNames[n%len(demoFirstNames)] + " " + demoLastNames[(n/len(demoFirstNames)+n)%len(demoLastNames)]
			u := d.emu.User(int64(demoOfficialBase+n), botapitest.WithFirstName(strings.Fields(name)[0]), botapitest.WithLanguage("id"))
			r := newResident(u, rand.New(rand.NewPCG(d.f.seed, uint64(n))), asn, d.cat)
			off := &demoOfficial{resident: r, seed: d.f.seed, entry: storage.RosterEntry{Name: name, OPDCode: o.Code, Level: levels[j], Role: roles[j]}}
			off.joins = d.rng.IntN(10) != 0
			off.early = off.joins && d.rng.IntN(3) != 0
			off.reminded = off.joins && !off.early
			off.late = off.reminded && d.rng.IntN(2) == 0
			off.reports = off.joins && roles[j] == "operator" && len(o.Services) > 0 && d.rng.IntN(6) != 0
			out = append(out, off)
		}
	}
	return out
}

// until waits for a new message of the bot that matches.
func (o *demoOfficial) until(ctx context.Context, match func(botapitest.Message) bool) error {
	for range 10 {
		m, err := o.next(ctx)
		if err != nil {
			return err
		}
		if match(m) {
			return nil
		}
	}
	return fmt.Errorf("official %d: the awaited reply never came", o.u.ID())
}

// answerASN answers the month's survey from its start link.
func (o *demoOfficial) answerASN(ctx context.Context) error {
	o.send("/start asn_" + o.entry.OPDCode)
	for range 80 {
		m, err := o.next(ctx)
		if err != nil {
			return err
		}
		if strings.Contains(m.Text, "sudah diisi") || strings.Contains(m.Text, "sudah mengisi") {
			return nil // answered in an earlier run this month
		}
		done, err := o.react(m)
		if err != nil || done {
			return err
		}
	}
	return fmt.Errorf("official %d: the survey never ended", o.u.ID())
}

// report gives the quarter's counts of every service of the OPD.
func (o *demoOfficial) report(ctx context.Context) error {
	o.send("/lapor")
	var total int
	rng := rand.New(rand.NewPCG(o.seed, 1000+uint64(o.u.ID())))
	for range 60 {
		m, err := o.next(ctx)
		if err != nil {
			return err
		}
		switch {
		case strings.Contains(m.Text, "🙏 Terima kasih"):
			return nil
		case strings.Contains(m.Text, "Untuk periode apa?"):
			i := slices.IndexFunc(m.Labels(), func(l string) bool { return strings.Contains(l, "(triwulan berjalan)") })
			if i < 0 {
				return fmt.Errorf("official %d: no quarter among %v", o.u.ID(), m.Labels())
			}
			if err := o.press(m, m.Labels()[i]); err != nil {
				return err
			}
		case strings.Contains(m.Text, "Berapa orang yang dilayani?"):
			total = 40 + 10*rng.IntN(40)
			o.send(strconv.Itoa(total))
		case strings.Contains(m.Text, "lewat kanal online?"):
			o.send(strconv.Itoa(total * rng.IntN(60) / 100))
		default:
			if i := slices.IndexFunc(m.Labels(), func(l string) bool { return strings.HasPrefix(l, "✅ Ya") }); i >= 0 {
				if err := o.press(m, m.Labels()[i]); err != nil {
					return err
				}
				continue
			}
			if !strings.HasPrefix(m.Text, "✓") && !strings.HasPrefix(m.Text, "📊") {
				return fmt.Errorf("official %d: unexpected reply to /lapor: %q", o.u.ID(), m.Text)
			}
		}
	}
	return fmt.Errorf("official %d: /lapor never ended", o.u.ID())
}

// remind runs the reminder job at the clock's time and waits until the
// outbox has sent what it wrote; the reminded officials' chats then hold
// the reminder, which their visitors skip.
func (d *demo) remind(ctx context.Context, officials []*demoOfficial) error {
	cfg, err := remind.Parse("demo reminders", []byte(demoReminders), nil)
	if err != nil {
		return err
	}
	r := &jobs.Reminders{Runner: &jobs.Runner{Store: d.svc.store}, Config: cfg, Catalog: d.cat,
		Admins: []int64{demoAdminID}, BotUsername: d.svc.api.Self.UserName, Location: d.cfg.Location, Now: d.clock.Now}
	if _, err := r.Tick(ctx); err != nil {
		return fmt.Errorf("reminders: %w", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		depth, _, err := d.svc.store.OutboxStats(ctx)
		if err != nil {
			return err
		}
		if depth == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("reminders: %d still in the outbox after 30 s", depth)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, o := range officials {
		if msgs := o.u.Messages(); len(msgs) > 0 {
			o.last = msgs[len(msgs)-1].ID
		}
	}
	return nil
}
