package remind

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// QuietHours is a daily window, in TIMEZONE, in which nothing is sent:
// from Start to End minutes after midnight (wrapping past midnight when
// Start > End). Off means no quiet hours.
type QuietHours struct {
	Start, End int
	Off        bool
}

// DefaultQuiet is the quiet window when the file sets none: 21:00–07:00.
func DefaultQuiet() QuietHours { return QuietHours{Start: 21 * 60, End: 7 * 60} }

// String is the window as written in the file ("21:00-07:00", "none").
func (q QuietHours) String() string {
	if q.Off {
		return "none"
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

// ParseQuietHours reads "HH:MM-HH:MM" (or "none").
func ParseQuietHours(s string) (QuietHours, error) {
	if s == "none" {
		return QuietHours{Off: true}, nil
	}
	bad := fmt.Errorf("%q is not a window HH:MM-HH:MM such as 21:00-07:00 (or none)", s)
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, bad
	}
	start, err1 := clock(strings.TrimSpace(from))
	end, err2 := clock(strings.TrimSpace(to))
	if err1 != nil || err2 != nil {
		return QuietHours{}, bad
	}
	if start == end {
		return QuietHours{}, fmt.Errorf("%q starts and ends at the same time: give a window, or none", s)
	}
	return QuietHours{Start: start, End: end}, nil
}

// clock reads "HH:MM" as minutes after midnight.
func clock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Quiet reports whether t (in its location) falls in the window.
func (q QuietHours) Quiet(t time.Time) bool {
	if q.Off {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if q.Start < q.End {
		return m >= q.Start && m < q.End
	}
	return m >= q.Start || m < q.End
}

// Holidays are the dates (YYYY-MM-DD, in TIMEZONE) on which nothing is
// sent, with their names ("" when none given).
type Holidays map[string]string

// LoadHolidays reads a holidays file: one date per line (YYYY-MM-DD),
// optionally followed by a comma or semicolon and a name (a CSV exported
// from Excel: BOM and CRLF are fine; a header line starting with "date"
// or "tanggal" is skipped). Blank lines and lines starting with # are
// comments. Problems name the holidays file and its line; a file that
// cannot be read is one problem.
func LoadHolidays(path string, readFile func(string) ([]byte, error)) (Holidays, Problems) {
	data, err := readFile(path)
	if err != nil {
		return nil, Problems{{File: path, Msg: fmt.Sprintf("cannot read the holidays file: %v", err)}}
	}
	return ParseHolidays(path, data)
}

// ParseHolidays is LoadHolidays of content already read.
func ParseHolidays(file string, data []byte) (Holidays, Problems) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	out := Holidays{}
	var probs Problems
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			probs = append(probs, Problem{File: file, Line: n, Msg: "not UTF-8 text"})
			continue
		}
		date, name, _ := strings.Cut(strings.ReplaceAll(line, ";", ","), ",")
		date = strings.Trim(strings.TrimSpace(date), `"`)
		name = strings.Trim(strings.TrimSpace(name), `"`)
		if low := strings.ToLower(date); n == 1 && (low == "date" || low == "tanggal") {
			continue
		}
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			probs = append(probs, Problem{File: file, Line: n, Msg: fmt.Sprintf("%q is not a date: want YYYY-MM-DD, such as 2026-12-25", date)})
			continue
		}
		out[date] = name
	}
	return out, probs
}

// Holiday reports whether t's date (in its location) is a holiday.
func (h Holidays) Holiday(t time.Time) bool {
	_, ok := h[t.Format(time.DateOnly)]
	return ok
}

// Allowed reports whether a reminder or digest may be sent at t (in loc):
// outside the quiet hours and not on a holiday.
func (c *Config) Allowed(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	return !c.Quiet.Quiet(t) && !c.Holidays.Holiday(t)
}

// NextAllowed returns the first minute at or after t at which sending is
// allowed (t itself when it is), looking at most a year ahead.
func (c *Config) NextAllowed(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	for end := t.AddDate(1, 0, 0); t.Before(end); t = t.Truncate(time.Minute).Add(time.Minute) {
		if c.Allowed(t, loc) {
			return t
		}
	}
	return t
}
