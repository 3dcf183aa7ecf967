package jobs

import (
	"context"
	"slices"

	"github.com/kotasolok/egovpulse/bot"
	"github.com/kotasolok/egovpulse/bot/outbox"
	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/remind"
	"github.com/kotasolok/egovpulse/storage"
)

// opdDues is one OPD's part of the roster for an escalation: the
// officials of the rule's audience who still owe, how many are in the
// audience, the services without counts, and the reachable heads.
type opdDues struct {
	code    string
	owing   []storage.OfficialDue
	members int
	missing []string
	ops     []string
	heads   []storage.OfficialDue
}

// escalateResult is what an escalation run did (its job_runs details).
type escalateResult struct {
	OPDs     int `json:"opds_owing"`
	Enqueued int `json:"enqueued"`
}

// escalationRun is the run of the round's escalation to the OPD heads
// (what "head") or to the admins (what "admins"): each reachable head of
// an OPD where someone still owes gets one digest of that OPD (the outbox
// slot names the OPD); each admin gets one digest of every such OPD.
func (r *Reminders) escalationRun(rd round, what, slot string) Run {
	var opds []*opdDues
	var langs map[int64]string
	var admins []int64
	var res escalateResult
	return Run{Job: JobEscalate, Slot: slot,
		Prepare: func(ctx context.Context) error {
			dues, err := r.dues(ctx, rd)
			if err != nil {
				return err
			}
			opds = r.byOPD(rd.rule, dues)
			res.OPDs = len(opds)
			var chats []int64
			if what == "admins" {
				if admins, err = r.Runner.Store.Recipients(ctx, r.Admins, storage.GrantAdmin); err != nil {
					return err
				}
				chats = slices.Clone(admins)
			}
			for _, o := range opds {
				for _, h := range o.heads {
					chats = append(chats, h.ChatID)
				}
			}
			langs, err = r.Runner.Store.ChatLangs(ctx, chats)
			return err
		},
		Commit: func(_ context.Context, tx *storage.Tx) error {
			res.Enqueued = 0
			var msgs []queued
			if what == "admins" {
				msgs = r.adminDigests(rd, opds, slot, langs, admins)
			} else {
				msgs = r.headDigests(rd, opds, slot, langs)
			}
			var err error
			res.Enqueued, err = enqueueAll(tx, msgs)
			return err
		},
		Details: func() any { return res },
	}
}

// queued is one outbox row to write.
type queued struct {
	kind, slot string
	msg        sender.Message
}

// enqueueAll writes msgs to the outbox in tx and counts the rows added
// (a row already there for its recipient, kind and slot is kept).
func enqueueAll(tx *storage.Tx, msgs []queued) (int, error) {
	added := 0
	for _, q := range msgs {
		ok, err := outbox.Enqueue(tx, q.kind, q.slot, q.msg)
		if err != nil {
			return added, err
		}
		if ok {
			added++
		}
	}
	return added, nil
}

// byOPD groups the roster by OPD, keeping the OPDs where someone of the
// rule's audience still owes.
func (r *Reminders) byOPD(rule remind.Rule, dues []storage.OfficialDue) []*opdDues {
	var out []*opdDues
	by := map[string]*opdDues{}
	for _, d := range dues {
		if !d.Active {
			continue
		}
		o := by[d.OPDCode]
		if o == nil {
			o = &opdDues{code: d.OPDCode}
			by[d.OPDCode] = o
			out = append(out, o)
		}
		if d.Role == "head" && d.ChatID != 0 && !d.Blocked {
			o.heads = append(o.heads, d)
		}
		if !r.inAudience(rule, d) {
			continue
		}
		o.members++
		if rule.Obligation == remind.ObligationCounts {
			if d.Role == "operator" {
				o.ops = append(o.ops, d.Name)
				if len(d.MissingCounts) > 0 {
					o.missing = d.MissingCounts
				}
			}
			continue
		}
		if !d.Answered {
			o.owing = append(o.owing, d)
		}
	}
	return slices.DeleteFunc(out, func(o *opdDues) bool { return len(o.owing) == 0 && len(o.missing) == 0 })
}

// headDigests are the digests of each OPD to its heads.
func (r *Reminders) headDigests(rd round, opds []*opdDues, slot string, langs map[int64]string) []queued {
	var out []queued
	for _, o := range opds {
		for _, h := range o.heads {
			lang := langs[h.ChatID]
			text := r.headDigest(rd, o, lang)
			out = append(out, queued{KindDigestHead, slot + ":" + o.code, sender.Text(h.ChatID, text)})
		}
	}
	return out
}

// headDigest is the text of o's digest in lang.
func (r *Reminders) headDigest(rd round, o *opdDues, lang string) string {
	opd, _ := r.Catalog.OPD(o.code)
	name, period := opdName(opd, o.code, lang), rd.owed.Label(lang)
	if rd.rule.Obligation == remind.ObligationCounts {
		return bot.DigestHeadCountsText(lang, name, period, r.serviceNames(o.missing, lang), o.ops)
	}
	owing := make([]bot.Owing, len(o.owing))
	for i, d := range o.owing {
		owing[i] = bot.Owing{Name: d.Name, NotJoined: d.ChatID == 0, Blocked: d.Blocked}
	}
	return bot.DigestHeadSurveyText(lang, name, period, owing, o.members)
}

// adminDigests is one digest of every OPD that still owes to each admin.
func (r *Reminders) adminDigests(rd round, opds []*opdDues, slot string, langs map[int64]string, admins []int64) []queued {
	if len(opds) == 0 {
		return nil
	}
	var out []queued
	for _, admin := range admins {
		lang := langs[admin]
		lines := make([]bot.OPDOwing, len(opds))
		for i, o := range opds {
			opd, _ := r.Catalog.OPD(o.code)
			lines[i] = bot.OPDOwing{OPD: opdName(opd, o.code, lang), Owing: len(o.owing), Total: o.members}
			if rd.rule.Obligation == remind.ObligationCounts {
				lines[i].Owing = len(o.missing)
			}
		}
		text := bot.DigestAdminsSurveyText(lang, rd.owed.Label(lang), lines)
		if rd.rule.Obligation == remind.ObligationCounts {
			text = bot.DigestAdminsCountsText(lang, rd.owed.Label(lang), lines)
		}
		out = append(out, queued{KindDigestAdmin, slot, sender.Text(admin, text)})
	}
	return out
}

// serviceNames are the services' names in lang (their codes when unknown).
func (r *Reminders) serviceNames(codes []string, lang string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c
		if s, ok := r.Catalog.Service(c); ok {
			out[i] = s.Name.In(lang)
		}
	}
	return out
}
