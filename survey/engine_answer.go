package survey

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxIntegerAnswer bounds integer answers so they stay exact as float64.
const maxIntegerAnswer = 1e15

func isChoiceType(t QuestionType) bool {
	return t == TypeSelectOne || t == TypeSelectMultiple || t == TypeScale
}

// choiceScore is the score of a scale choice: its value as a number, or nil
// when the value is not one (e.g. "tt", Tidak tahu) or q is not a scale.
func choiceScore(q *Question, c Choice) *float64 {
	if q.Type != TypeScale {
		return nil
	}
	f, ok := parseNumber(c.Value)
	if !ok {
		return nil
	}
	return &f
}

// matchChoice finds the choice a typed text names: its number as shown
// (from 1), its value, or its label in any language, ignoring case.
func matchChoice(q *Question, s, lang string) (int, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(q.Choices) {
		return n - 1, true
	}
	for i, c := range q.Choices {
		if strings.EqualFold(s, c.Value) || strings.EqualFold(s, c.Label.In(lang)) {
			return i, true
		}
	}
	for i, c := range q.Choices {
		for _, l := range c.Label {
			if l != "" && strings.EqualFold(s, l) {
				return i, true
			}
		}
	}
	return 0, false
}

// parseAnswer reads a typed answer to a question that is not a choice; why
// is the localised refusal when the text is not acceptable.
func parseAnswer(q *Question, s, lang string) (a Answer, why string) {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	switch q.Type {
	case TypeInteger, TypeDecimal:
		return parseNumberAnswer(q, s, lang)
	case TypeDate:
		if t, ok := ParseDate(s); ok {
			return Answer{Value: t.Format(dateLayout)}, ""
		}
		return Answer{}, msg(lang, msgDate)
	}
	if s == "" {
		return Answer{}, msg(lang, msgTextEmpty)
	}
	limit := q.MaxLength
	if limit <= 0 {
		limit = DefaultMaxLength
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return Answer{}, msg(lang, msgTextLong, limit, n)
	}
	return Answer{Value: s}, ""
}

// parseNumberAnswer reads "12", "-3", "12,5" or "12.5"; it refuses
// thousands separators ("1.234.567", "1.234,5", and for integers "1.234").
func parseNumberAnswer(q *Question, s, lang string) (Answer, string) {
	bad := msgDecimal
	if q.Type == TypeInteger {
		bad = msgInteger
	}
	if looksGrouped(s, q.Type == TypeInteger) {
		return Answer{}, msg(lang, msgThousands)
	}
	f, ok := parseNumber(strings.Replace(s, ",", ".", 1))
	if !ok || (q.Type == TypeInteger && (f != float64(int64(f)) || f > maxIntegerAnswer || f < -maxIntegerAnswer)) {
		return Answer{}, msg(lang, bad)
	}
	if f == 0 {
		f = 0 // no "-0"
	}
	if why := checkRange(q, f, lang); why != "" {
		return Answer{}, why
	}
	return Answer{Value: strconv.FormatFloat(f, 'f', -1, 64), Score: &f}, ""
}

// looksGrouped reports thousands separators: more than one separator, or,
// for integers, a single separator followed by exactly three digits.
func looksGrouped(s string, integer bool) bool {
	n := strings.Count(s, ".") + strings.Count(s, ",")
	if n > 1 {
		return true
	}
	if n == 0 || !integer {
		return false
	}
	i := strings.LastIndexAny(s, ".,")
	tail := s[i+1:]
	if len(tail) != 3 || i == 0 {
		return false
	}
	_, err := strconv.Atoi(tail)
	return err == nil
}

func checkRange(q *Question, f float64, lang string) string {
	num := func(p *float64) string { return strconv.FormatFloat(*p, 'f', -1, 64) }
	lo := q.Min != nil && f < *q.Min
	hi := q.Max != nil && f > *q.Max
	switch {
	case !lo && !hi:
		return ""
	case q.Min != nil && q.Max != nil:
		return msg(lang, msgRange, num(q.Min), num(q.Max))
	case lo:
		return msg(lang, msgMin, num(q.Min))
	}
	return msg(lang, msgMax, num(q.Max))
}

// answerLabel renders an answer for people: choice labels, "(skipped)", or
// the value.
func answerLabel(q *Question, a Answer, lang string) string {
	if a.Skipped {
		return msg(lang, msgSkipped)
	}
	if q.Type == TypeDate {
		// Shown as residents write dates (27-11-2026), stored as ISO.
		if t, err := time.Parse(dateLayout, a.Value); err == nil {
			return t.Format("02-01-2006")
		}
	}
	if !isChoiceType(q.Type) {
		return a.Value
	}
	if q.Type != TypeSelectMultiple {
		if c, ok := q.Choice(a.Value); ok {
			return choiceLabel(c, lang)
		}
		return a.Value
	}
	var labels []string
	for _, v := range strings.Fields(a.Value) {
		if c, ok := q.Choice(v); ok {
			labels = append(labels, choiceLabel(c, lang))
		} else {
			labels = append(labels, v)
		}
	}
	return strings.Join(labels, ", ")
}

func choiceLabel(c Choice, lang string) string {
	if l := c.Label.In(lang); l != "" {
		return l
	}
	return c.Value
}

// ParseDate reads a date as people in Indonesia type it: 27-11-2026,
// 27/11/2026 or 2026-11-27 (leading zeros optional).
func ParseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-1-2", "2-1-2006", "2/1/2006"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
