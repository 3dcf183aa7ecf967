package sender

import (
	"strings"
	"unicode/utf8"
)

// SplitText cuts s into parts of at most max characters (runes). It cuts
// after the last line break that fits, else at the last space, else in the
// middle of a word; the line break or space at a cut is dropped, and parts
// that would be only white space are left out. A non-positive max returns s
// whole.
func SplitText(s string, max int) []string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return []string{s}
	}
	var parts []string
	rest := s
	for utf8.RuneCountInString(rest) > max {
		window := rest[:runeOffset(rest, max)]
		part, next := window, rest[len(window):]
		if i := cutAt(window); i > 0 {
			part, next = rest[:i], rest[i+1:]
		}
		if strings.TrimSpace(part) != "" {
			parts = append(parts, part)
		}
		rest = next
	}
	if strings.TrimSpace(rest) != "" {
		parts = append(parts, rest)
	}
	return parts
}

// cutAt returns the byte index of the last line break in window, else of
// its last space, else -1.
func cutAt(window string) int {
	if i := strings.LastIndexByte(window, '\n'); i > 0 {
		return i
	}
	return strings.LastIndexByte(window, ' ')
}

// runeOffset returns the byte offset of the n-th rune of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
