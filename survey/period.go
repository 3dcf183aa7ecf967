package survey

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PeriodKind is the length of a reporting period.
type PeriodKind string

// Reporting periods. Periods are calendar periods in the service's time zone:
// ISO weeks (Monday first), calendar months, quarters (triwulan I–IV), years.
const (
	PeriodWeek    PeriodKind = "week"
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "quarter"
	PeriodYear    PeriodKind = "year"
)

// ParsePeriodKind checks a period name.
func ParsePeriodKind(s string) (PeriodKind, error) {
	switch k := PeriodKind(s); k {
	case PeriodWeek, PeriodMonth, PeriodQuarter, PeriodYear:
		return k, nil
	}
	return "", fmt.Errorf("unknown period %q: want week, month, quarter or year", s)
}

// Period is one calendar period: [Start, End) in a time zone.
type Period struct {
	Kind  PeriodKind
	Start time.Time
	End   time.Time
}

// PeriodOf returns the period of the given kind that contains t, in loc.
func PeriodOf(kind PeriodKind, t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	y, m, d := t.Date()
	var start, end time.Time
	switch kind {
	case PeriodWeek:
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		start = time.Date(y, m, d-wd, 0, 0, 0, 0, loc)
		end = start.AddDate(0, 0, 7)
	case PeriodMonth:
		start = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		end = start.AddDate(0, 1, 0)
	case PeriodYear:
		start = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		end = start.AddDate(1, 0, 0)
	default: // quarter
		kind = PeriodQuarter
		qm := time.Month((int(m)-1)/3*3 + 1)
		start = time.Date(y, qm, 1, 0, 0, 0, 0, loc)
		end = start.AddDate(0, 3, 0)
	}
	return Period{Kind: kind, Start: start, End: end}
}

// Key is a stable, sortable name for the period: "2026-W48", "2026-11",
// "2026-Q4", "2026".
func (p Period) Key() string {
	switch p.Kind {
	case PeriodWeek:
		y, w := p.Start.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case PeriodMonth:
		return p.Start.Format("2006-01")
	case PeriodYear:
		return p.Start.Format("2006")
	default:
		return fmt.Sprintf("%04d-Q%d", p.Start.Year(), (int(p.Start.Month())-1)/3+1)
	}
}

// Next returns the period after p.
func (p Period) Next() Period { return PeriodOf(p.Kind, p.End, p.Start.Location()) }

// Prev returns the period before p.
func (p Period) Prev() Period {
	return PeriodOf(p.Kind, p.Start.Add(-time.Nanosecond), p.Start.Location())
}

// Contains reports whether t falls inside the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }

var romanQuarter = [...]string{"I", "II", "III", "IV"}

// Label names the period for people, in lang: "Triwulan IV 2026",
// "Minggu 48 2026" / "Quarter IV 2026", "Week 48 2026".
func (p Period) Label(lang string) string {
	en := lang == LangEN
	switch p.Kind {
	case PeriodWeek:
		y, w := p.Start.ISOWeek()
		if en {
			return fmt.Sprintf("Week %d %d", w, y)
		}
		return fmt.Sprintf("Minggu %d %d", w, y)
	case PeriodMonth:
		if en {
			return p.Start.Format("January 2006")
		}
		return monthsID[p.Start.Month()-1] + " " + strconv.Itoa(p.Start.Year())
	case PeriodYear:
		if en {
			return "Year " + strconv.Itoa(p.Start.Year())
		}
		return "Tahun " + strconv.Itoa(p.Start.Year())
	default:
		q := romanQuarter[(int(p.Start.Month())-1)/3]
		if en {
			return fmt.Sprintf("Quarter %s %d", q, p.Start.Year())
		}
		return fmt.Sprintf("Triwulan %s %d", q, p.Start.Year())
	}
}

var monthsID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"}

// ParsePeriodKey parses a key made by Key back into a period in loc.
func ParsePeriodKey(key string, loc *time.Location) (Period, error) {
	bad := fmt.Errorf("bad period %q: want 2026-W48, 2026-11, 2026-Q4 or 2026", key)
	switch {
	case strings.Contains(key, "-W"):
		var y, w int
		if _, err := fmt.Sscanf(key, "%d-W%d", &y, &w); err != nil || w < 1 || w > 53 {
			return Period{}, bad
		}
		// ISO week 1 contains January 4th.
		jan4 := time.Date(y, 1, 4, 12, 0, 0, 0, loc)
		p := PeriodOf(PeriodWeek, jan4.AddDate(0, 0, 7*(w-1)), loc)
		if p.Key() != key {
			return Period{}, bad
		}
		return p, nil
	case strings.Contains(key, "-Q"):
		var y, q int
		if _, err := fmt.Sscanf(key, "%d-Q%d", &y, &q); err != nil || q < 1 || q > 4 {
			return Period{}, bad
		}
		return PeriodOf(PeriodQuarter, time.Date(y, time.Month(3*q-2), 1, 12, 0, 0, 0, loc), loc), nil
	case len(key) == 7:
		t, err := time.ParseInLocation("2006-01", key, loc)
		if err != nil {
			return Period{}, bad
		}
		return PeriodOf(PeriodMonth, t, loc), nil
	case len(key) == 4:
		t, err := time.ParseInLocation("2006", key, loc)
		if err != nil {
			return Period{}, bad
		}
		return PeriodOf(PeriodYear, t, loc), nil
	}
	return Period{}, bad
}
