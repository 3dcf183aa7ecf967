// Package remind reads the reminders configuration (REMINDERS_FILE, or the
// built-in default): per obligation and audience, when the first reminder
// of a period goes (cron, in TIMEZONE), how often it is repeated, when the
// OPD head and the Diskominfo admins get a digest of who still owes, the
// quiet hours and the holidays on which nothing is sent. Every problem is
// reported as "file:line: field: what is wrong". The jobs that act on it
// are in package jobs (remind.go, escalate.go).
package remind

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/kotasolok/egovpulse/survey"
)

// Obligations a rule reminds of.
const (
	// ObligationSurvey is the officials' survey ("asn") of the period.
	ObligationSurvey = "asn"
	// ObligationCounts is the service counts (/lapor) of the period before.
	ObligationCounts = "lapor"
)

// Audiences of a rule: whom on the roster it reminds.
const (
	AudienceOfficials = "officials" // every role
	AudienceStaff     = "staff"
	AudienceHeads     = "heads"
	AudienceOperators = "operators"
)

// BuiltinFile names the built-in configuration in messages.
const BuiltinFile = "built-in reminders"

// Builtin is the configuration used when REMINDERS_FILE is unset.
const Builtin = `# The officials' survey: on the 3rd of each month at 09:00, then every
# 3 days at most twice more; the OPD head after 7 days, admins after 14.
quiet_hours: "21:00-07:00"
reminders:
  - obligation: asn
    audience: officials
    first: "0 9 3 * *"
    repeat: {gap: 72h, max: 2}
    escalate: {head_after_days: 7, admins_after_days: 14}
  - obligation: lapor
    audience: operators
    first: "0 9 1 * *"
    repeat: {gap: 72h, max: 2}
    escalate: {head_after_days: 5, admins_after_days: 10}
`

// Config is a validated reminders configuration.
type Config struct {
	File     string
	Quiet    QuietHours
	Holidays Holidays
	Rules    []Rule
}

// Rule is one reminder schedule: an obligation for an audience.
type Rule struct {
	Line       int    // where the rule starts in its file
	Obligation string // ObligationSurvey or ObligationCounts
	Audience   string // one of the Audience* names
	// Period is the length of a round: one first reminder, its repeats
	// and escalations per period (default month). A survey rule reminds
	// of the survey of that period, a counts rule of the period before.
	Period    survey.PeriodKind
	FirstSpec string
	First     cron.Schedule
	RepeatGap time.Duration // least time between two reminders
	RepeatMax int           // reminders after the first
	// HeadAfter and AdminsAfter are how long after the first reminder the
	// OPD heads and the admins get their digest (0: never).
	HeadAfter   time.Duration
	AdminsAfter time.Duration
}

// Name names the rule in job slots: "asn-officials".
func (r Rule) Name() string { return r.Obligation + "-" + r.Audience }

// Role is the roster role the rule reminds ("" for every role).
func (r Rule) Role() string {
	switch r.Audience {
	case AudienceStaff:
		return "staff"
	case AudienceHeads:
		return "head"
	case AudienceOperators:
		return "operator"
	}
	return ""
}

// CheckSurveyPeriod checks that the rules of the officials' survey run
// their rounds on the survey's own period (responses are stored under
// it): a problem per rule that does not, at its line.
func (c *Config) CheckSurveyPeriod(kind survey.PeriodKind) error {
	var probs Problems
	for i, r := range c.Rules {
		if r.Obligation == ObligationSurvey && r.Period != kind {
			probs = append(probs, Problem{File: c.File, Line: r.Line, Field: fmt.Sprintf("reminders[%d].period", i),
				Msg: fmt.Sprintf("%s, but the %s survey's period is %s", r.Period, ObligationSurvey, kind)})
		}
	}
	if probs == nil {
		return nil
	}
	return probs
}

// Load reads the reminders file at path (the built-in configuration when
// path is empty) and the holidays file it names (relative to it), with
// readFile. A configuration with any problem is refused: the error is
// Problems (errors.Is ErrInvalid), one "file:line: ..." per problem.
func Load(path string, readFile func(string) ([]byte, error)) (*Config, error) {
	if path == "" {
		return Parse(BuiltinFile, []byte(Builtin), readFile)
	}
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("REMINDERS_FILE: %w", err)
	}
	return Parse(path, data, readFile)
}

// Parse validates a reminders file's content; file names it in problems
// and locates the holidays file.
func Parse(file string, data []byte, readFile func(string) ([]byte, error)) (*Config, error) {
	r := &reader{file: file}
	root := r.parse(data)
	if root == nil {
		return nil, r.result()
	}
	c := &Config{File: file, Quiet: DefaultQuiet()}
	top := r.fields(root, "", "quiet_hours", "holidays", "reminders")
	if q, ok := r.str(top["quiet_hours"], "quiet_hours"); ok {
		var err error
		if c.Quiet, err = ParseQuietHours(q); err != nil {
			r.errorf(top["quiet_hours"].line, "quiet_hours", "%v", err)
		}
	}
	if h, ok := r.str(top["holidays"], "holidays"); ok && h != "" {
		if !filepath.IsAbs(h) && file != BuiltinFile {
			h = filepath.Join(filepath.Dir(file), h)
		}
		var probs Problems
		c.Holidays, probs = LoadHolidays(h, readFile)
		if probs == nil && c.Holidays == nil {
			r.errorf(top["holidays"].line, "holidays", "cannot read %s", h)
		}
		r.errs = append(r.errs, probs...)
	}
	rules := top["reminders"]
	switch {
	case top == nil:
	case rules == nil:
		r.errorf(root.line, "reminders", "missing (required): the list of reminder rules")
	case !rules.isList:
		r.errorf(rules.line, "reminders", "want a list of rules")
	default:
		seen := map[string]int{}
		for i, n := range rules.items {
			f := fmt.Sprintf("reminders[%d]", i)
			rule, ok := r.rule(n, f)
			if !ok {
				continue
			}
			if at, dup := seen[rule.Name()]; dup {
				r.errorf(n.line, f, "a second %s rule for %s (first at line %d)", rule.Obligation, rule.Audience, at)
				continue
			}
			seen[rule.Name()] = n.line
			c.Rules = append(c.Rules, rule)
		}
	}
	if err := r.result(); err != nil {
		return nil, err
	}
	return c, nil
}

// cronParser reads 5-field specs (minute first), 6 (seconds first) or
// descriptors, as the scheduler does.
func cronParser() cron.Parser {
	return cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

// rule reads one rule; ok is false when it has a problem.
func (r *reader) rule(n *node, f string) (Rule, bool) {
	before := len(r.errs)
	m := r.fields(n, f, "obligation", "audience", "period", "first", "repeat", "escalate")
	if m == nil {
		return Rule{}, false
	}
	rule := Rule{Line: n.line, Period: survey.PeriodMonth}
	rule.Obligation = r.oneOf(m, n.line, f, "obligation", ObligationSurvey, ObligationCounts)
	rule.Audience = r.oneOf(m, n.line, f, "audience", AudienceOfficials, AudienceStaff, AudienceHeads, AudienceOperators)
	if p, ok := r.str(m["period"], sub(f, "period")); ok {
		k, err := survey.ParsePeriodKind(p)
		if err != nil {
			r.errorf(m["period"].line, sub(f, "period"), "%v", err)
		}
		rule.Period = k
	}
	if spec, ok := r.str(m["first"], sub(f, "first")); !ok || spec == "" {
		r.errorf(n.line, sub(f, "first"), "missing (required): a cron spec such as \"0 9 1 * *\" (09:00 on the 1st)")
	} else if s, err := cronParser().Parse(spec); err != nil {
		r.errorf(m["first"].line, sub(f, "first"), "bad cron spec %q: %v", spec, err)
	} else {
		rule.FirstSpec, rule.First = spec, s
	}
	if rep := m["repeat"]; rep != nil {
		rm := r.fields(rep, sub(f, "repeat"), "gap", "max")
		rule.RepeatMax = r.count(rm["max"], sub(f, "repeat.max"))
		if g, ok := r.str(rm["gap"], sub(f, "repeat.gap")); ok {
			d, err := ParseGap(g)
			if err != nil {
				r.errorf(rm["gap"].line, sub(f, "repeat.gap"), "%v", err)
			}
			rule.RepeatGap = d
		} else if rule.RepeatMax > 0 {
			r.errorf(rep.line, sub(f, "repeat.gap"), "missing (required with max): the least time between two reminders, such as 72h or 3d")
		}
	}
	if esc := m["escalate"]; esc != nil {
		em := r.fields(esc, sub(f, "escalate"), "head_after_days", "admins_after_days")
		rule.HeadAfter = time.Duration(r.count(em["head_after_days"], sub(f, "escalate.head_after_days"))) * 24 * time.Hour
		rule.AdminsAfter = time.Duration(r.count(em["admins_after_days"], sub(f, "escalate.admins_after_days"))) * 24 * time.Hour
	}
	return rule, len(r.errs) == before
}

// oneOf reads a required key whose value is one of want.
func (r *reader) oneOf(m map[string]*node, line int, f, key string, want ...string) string {
	v, ok := r.str(m[key], sub(f, key))
	if !ok || v == "" {
		r.errorf(line, sub(f, key), "missing (required): one of %s", strings.Join(want, ", "))
		return ""
	}
	for _, w := range want {
		if v == w {
			return v
		}
	}
	r.errorf(m[key].line, sub(f, key), "unknown %s %q (want one of %s)", key, v, strings.Join(want, ", "))
	return ""
}

// count reads a whole number ≥ 0 (0 when absent).
func (r *reader) count(n *node, field string) int {
	v, ok := r.str(n, field)
	if !ok {
		return 0
	}
	i, err := strconv.Atoi(v)
	switch {
	case err != nil:
		r.errorf(n.line, field, "%q is not a whole number", v)
	case i < 0:
		r.errorf(n.line, field, "negative (%d): want 0 or more", i)
	}
	return max(i, 0)
}

// ParseGap reads a duration such as "72h", "90m" or "3d" (days); it must
// be positive.
func ParseGap(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n float64
		n, err = strconv.ParseFloat(days, 64)
		d = time.Duration(n * float64(24*time.Hour))
	} else {
		d, err = time.ParseDuration(s)
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration: want such as 72h, 90m or 3d", s)
	case d < 0:
		return 0, fmt.Errorf("negative gap %q: want a positive duration such as 72h or 3d", s)
	case d == 0:
		return 0, fmt.Errorf("zero gap: want a positive duration such as 72h or 3d")
	}
	return d, nil
}
