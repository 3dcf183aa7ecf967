// Package summary composes the weekly summary of INDICATORS.md §7 (what
// /ringkasan shows and `egovpulse summary` prints) from loaded score
// snapshots: [Compose] turns an [Input] into a [Summary], [Text] renders it
// in Indonesian or English, [SeriesOf] gives the data its chart draws. It
// is plain Go: no Telegram, database or Redis; the loading is done by the
// caller (package report).
package summary

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/survey"
)

// ErrBadArgs is wrapped by every *ArgError.
var ErrBadArgs = errors.New("summary: bad arguments")

// Problems an ArgError names.
const (
	ProblemUnknown  = "unknown"  // neither a period word, a period nor an OPD code
	ProblemTwice    = "twice"    // two period words, periods or OPD codes
	ProblemMismatch = "mismatch" // the period word and the period disagree
	ProblemFuture   = "future"   // the period has not begun
)

// ArgError is a bad argument of /ringkasan or `egovpulse summary`.
type ArgError struct {
	Arg     string
	Problem string
}

// Error says what is wrong, in English (the bot words it in the user's
// language from Arg and Problem).
func (e *ArgError) Error() string {
	switch e.Problem {
	case ProblemTwice:
		return fmt.Sprintf("%q: given twice", e.Arg)
	case ProblemMismatch:
		return fmt.Sprintf("%q: does not match the period kind asked", e.Arg)
	case ProblemFuture:
		return fmt.Sprintf("%q: the period has not begun", e.Arg)
	}
	return fmt.Sprintf("%q: not minggu|bulan|triwulan|tahun, an OPD code or a period like 2026-W48, 2026-11, 2026-Q4, 2026", e.Arg)
}

// Unwrap makes errors.Is(err, ErrBadArgs) hold.
func (e *ArgError) Unwrap() error { return ErrBadArgs }

// Usage is the argument syntax, the same in both languages.
const Usage = "[minggu|bulan|triwulan|tahun] [OPD] [2026-W48|2026-11|2026-Q4|2026]"

// Request is what a summary is asked for: a period kind (week by default),
// an OPD ("" for the city) and an explicit period key ("" for the current
// period of the kind).
type Request struct {
	Kind survey.PeriodKind
	OPD  string
	Key  string
}

var kindWords = map[string]survey.PeriodKind{
	"minggu": survey.PeriodWeek, "pekan": survey.PeriodWeek, "week": survey.PeriodWeek,
	"bulan": survey.PeriodMonth, "month": survey.PeriodMonth,
	"triwulan": survey.PeriodQuarter, "quarter": survey.PeriodQuarter,
	"tahun": survey.PeriodYear, "year": survey.PeriodYear,
}

var periodKeyRe = regexp.MustCompile(`^\d{4}(-W\d{2}|-\d{2}|-Q\d)?$`)

// ParseArgs reads the arguments, in any order, case-insensitively: a
// period word, an OPD code for which isOPD is true, a period key. A bad
// argument is an *ArgError; nothing else fails.
func ParseArgs(args []string, isOPD func(code string) bool) (Request, error) {
	var r Request
	for _, a := range args {
		low := strings.ToLower(strings.TrimSpace(a))
		switch {
		case low == "":
			continue
		case kindWords[low] != "":
			if r.Kind != "" {
				return r, &ArgError{Arg: a, Problem: ProblemTwice}
			}
			r.Kind = kindWords[low]
		case periodKeyRe.MatchString(strings.ToUpper(low)):
			if r.Key != "" {
				return r, &ArgError{Arg: a, Problem: ProblemTwice}
			}
			r.Key = strings.ToUpper(low)
		case isOPD != nil && isOPD(low):
			if r.OPD != "" {
				return r, &ArgError{Arg: a, Problem: ProblemTwice}
			}
			r.OPD = low
		default:
			return r, &ArgError{Arg: a, Problem: ProblemUnknown}
		}
	}
	return r, nil
}

// Period resolves the request at now in loc: the period of the key (whose
// kind must agree with a period word given beside it), else the current
// period of the kind (a week by default). A period that has not begun is
// an *ArgError.
func (r Request) Period(now time.Time, loc *time.Location) (survey.Period, error) {
	kind := r.Kind
	if kind == "" {
		kind = survey.PeriodWeek
	}
	if r.Key == "" {
		return survey.PeriodOf(kind, now, loc), nil
	}
	p, err := survey.ParsePeriodKey(r.Key, loc)
	if err != nil {
		return p, &ArgError{Arg: r.Key, Problem: ProblemUnknown}
	}
	if r.Kind != "" && p.Kind != r.Kind {
		return p, &ArgError{Arg: r.Key, Problem: ProblemMismatch}
	}
	if p.Start.After(now) {
		return p, &ArgError{Arg: r.Key, Problem: ProblemFuture}
	}
	return p, nil
}

// FiguresPeriod is the period of a summary's IKM figures: a quarter or a
// year itself; for a week or a month, the quarter it ends in (or that is
// running at now, for the current one), so far.
func FiguresPeriod(p survey.Period, now time.Time) survey.Period {
	if p.Kind == survey.PeriodQuarter || p.Kind == survey.PeriodYear {
		return p
	}
	at := p.End.Add(-time.Nanosecond)
	if now.Before(at) {
		at = now
	}
	return survey.PeriodOf(survey.PeriodQuarter, at, p.Start.Location())
}

// TrendWeeks are the 12 weeks of the trend, oldest first, ending with the
// week of the summary's period end (or of now, if sooner).
func TrendWeeks(p survey.Period, now time.Time) []survey.Period {
	at := p.End.Add(-time.Nanosecond)
	if now.Before(at) {
		at = now
	}
	w := survey.PeriodOf(survey.PeriodWeek, at, p.Start.Location())
	out := make([]survey.Period, TrendLen)
	for i := TrendLen - 1; i >= 0; i-- {
		out[i] = w
		w = w.Prev()
	}
	return out
}

// TrendLen is how many weeks the trend shows.
const TrendLen = 12
